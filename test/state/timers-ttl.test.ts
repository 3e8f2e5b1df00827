/**
 * Keyed timers and state time-to-live on the injected clock: the tests move processing time with a
 * ManualTimerScheduler and never sleep.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  KeyedProcessFunction,
  ListStateDescriptor,
  StateTtlConfig,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
  type ListState,
  type ValueState,
} from "strom";
import {
  assertSameAtEachParallelism,
  manualClockEnv,
  QueueSource,
  settle,
  threadEnv,
  waitUntil,
} from "../api/harness.ts";

interface Ev {
  key: string;
  ts: number;
  op?: string;
}

describe("keyed timers", () => {
  test("event-time timers: de-duplicated per key and time, deletable, fired in time order", async () => {
    class Timers extends KeyedProcessFunction<string, Ev, string> {
      processElement(e: Ev, ctx: KeyedProcessContext<string>): void {
        const ts = ctx.timerService();
        if (e.op === "delete") ts.deleteEventTimeTimer(e.ts + 100);
        else {
          ts.registerEventTimeTimer(e.ts + 100);
          ts.registerEventTimeTimer(e.ts + 100); // duplicate: fires once
        }
      }
      override onTimer(t: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>) {
        out.collect(
          `${ctx.getCurrentKey()}@${t} ${ctx.timeDomain()} ts=${ctx.timestamp()} wm<${ctx.timerService().currentWatermark() >= t}`,
        );
      }
    }
    const input: Ev[] = [
      { key: "a", ts: 1000 },
      { key: "b", ts: 1000 },
      { key: "a", ts: 2000 },
      { key: "b", ts: 2000, op: "delete" }, // deletes b@1100? no: deletes b@2100, never registered
      { key: "c", ts: 3000 },
      { key: "c", ts: 3000, op: "delete" }, // deletes c@3100
      { key: "a", ts: 9000 },
    ];
    const expected = [
      "a@1100 EVENT_TIME ts=1100 wm<true",
      "b@1100 EVENT_TIME ts=1100 wm<true",
      "a@2100 EVENT_TIME ts=2100 wm<true",
      "a@9100 EVENT_TIME ts=9100 wm<true",
    ];
    for (const mode of ["STREAMING", "BATCH"] as const) {
      await assertSameAtEachParallelism(
        (p) =>
          threadEnv(p, { runtimeMode: mode })
            .fromCollection(input)
            .setParallelism(1)
            .assignTimestampsAndWatermarks(
              WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts),
            )
            .keyBy((e) => e.key)
            .process(new Timers())
            .executeAndCollect(),
        expected,
      );
    }
    // Per key, timers fire in time order (a single subtask sees a's timers in order).
    const out = await threadEnv(1)
      .fromCollection(input)
      .assignTimestampsAndWatermarks(
        WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts),
      )
      .keyBy((e) => e.key)
      .process(new Timers())
      .executeAndCollect();
    assert.deepEqual(out, expected);
  });

  test("processing-time timers fire when the injected clock reaches them", async () => {
    class Reminder extends KeyedProcessFunction<string, Ev, string> {
      processElement(e: Ev, ctx: KeyedProcessContext<string>): void {
        const now = ctx.timerService().currentProcessingTime();
        ctx.timerService().registerProcessingTimeTimer(now + 500);
        if (e.op === "cancel") ctx.timerService().deleteProcessingTimeTimer(now + 500);
      }
      override onTimer(t: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>) {
        out.collect(`${ctx.getCurrentKey()}@${t} ${ctx.timeDomain()} ts=${ctx.timestamp()}`);
      }
    }
    for (const p of [1, 2]) {
      const { env, timers } = manualClockEnv(p, {}, 1000);
      const source = new QueueSource<Ev>();
      const out: string[] = [];
      env
        .fromSource(source, WatermarkStrategy.noWatermarks(), "queue")
        .keyBy((e) => e.key)
        .process(new Reminder())
        .sinkTo((s) => void out.push(s));
      const client = await env.executeAsync("timers");
      source.push({ key: "x", ts: 0 }, { key: "y", ts: 0 }, { key: "z", ts: 0, op: "cancel" });
      await waitUntil(() => source.drained(), 5000, "records read");
      await settle();
      timers.advanceTo(1499);
      await settle();
      assert.deepEqual(out, [], "nothing before the timers' time");
      timers.advanceTo(1500);
      await waitUntil(() => out.length === 2, 5000, "timers fired");
      assert.deepEqual(out.sort(), [
        "x@1500 PROCESSING_TIME ts=null",
        "y@1500 PROCESSING_TIME ts=null",
      ]);
      source.end();
      await client.getJobExecutionResult();
      assert.equal(out.length, 2, "the cancelled timer of z never fires");
    }
  });
});

describe("state time-to-live", () => {
  /** Emits what a key's state holds when a record arrives, then records it. */
  class Remember extends KeyedProcessFunction<string, Ev, string> {
    private last!: ValueState<string>;
    private all!: ListState<string>;
    private readonly ttl: StateTtlConfig;
    constructor(ttl: StateTtlConfig) {
      super();
      this.ttl = ttl;
    }
    override open(): void {
      const v = new ValueStateDescriptor<string>("last");
      v.enableTimeToLive(this.ttl);
      const l = new ListStateDescriptor<string>("all");
      l.enableTimeToLive(this.ttl);
      this.last = this.getRuntimeContext().getState(v);
      this.all = this.getRuntimeContext().getListState(l);
    }
    processElement(e: Ev, ctx: KeyedProcessContext<string>, out: Collector<string>): void {
      if (e.op === "peek") {
        out.collect(
          `${ctx.getCurrentKey()} last=${this.last.value()} all=${[...this.all.get()].join("|")}`,
        );
        return;
      }
      this.last.update(e.op ?? "?");
      this.all.add(e.op ?? "?");
    }
  }

  async function run(ttl: StateTtlConfig, steps: [number, Ev[]][]): Promise<string[]> {
    const { env, timers } = manualClockEnv(1, {}, 0);
    const source = new QueueSource<Ev>();
    const out: string[] = [];
    env
      .fromSource(source, WatermarkStrategy.noWatermarks(), "queue")
      .keyBy((e) => e.key)
      .process(new Remember(ttl))
      .sinkTo((s) => void out.push(s));
    const client = await env.executeAsync("ttl");
    for (const [time, events] of steps) {
      timers.advanceTo(time);
      const before = source.taken;
      source.push(...events);
      await waitUntil(() => source.taken === before + events.length, 5000, "records read");
      await settle(5);
    }
    source.end();
    await client.getJobExecutionResult();
    return out;
  }

  const put = (op: string): Ev => ({ key: "k", ts: 0, op });
  const peek: Ev = { key: "k", ts: 0, op: "peek" };

  test("values expire after the TTL of processing time (update on create and write)", async () => {
    const ttl = StateTtlConfig.newBuilder(1000).build();
    const out = await run(ttl, [
      [0, [put("a")]],
      [500, [put("b")]],
      [999, [peek]],
      [1499, [peek]],
      [1500, [peek]],
    ]);
    assert.deepEqual(out, ["k last=b all=a|b", "k last=b all=b", "k last=null all="]);
  });

  test("update on read and write keeps read values alive", async () => {
    const ttl = StateTtlConfig.newBuilder(1000).updateTtlOnReadAndWrite().build();
    const out = await run(ttl, [
      [0, [put("a")]],
      [900, [peek]],
      [1800, [peek]],
      [2801, [peek]],
    ]);
    assert.deepEqual(out, ["k last=a all=a", "k last=a all=a", "k last=null all="]);
  });

  test("ReturnExpiredIfNotCleanedUp returns an expired value once, then it is gone", async () => {
    const ttl = StateTtlConfig.newBuilder(1000)
      .returnExpiredIfNotCleanedUp()
      .disableCleanupInBackground()
      .build();
    const out = await run(ttl, [
      [0, [put("a")]],
      [5000, [peek, peek]],
    ]);
    assert.deepEqual(out, ["k last=a all=a", "k last=null all="]);
  });
});

describe("keyed timers in BATCH mode", () => {
  test("pending processing-time timers fire at end of input, and a self re-registering one ends", async () => {
    class Repeat extends KeyedProcessFunction<string, Ev, string> {
      processElement(e: Ev, ctx: KeyedProcessContext<string>): void {
        ctx
          .timerService()
          .registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 60_000);
      }
      override onTimer(t: number, ctx: KeyedOnTimerContext<string>, out: Collector<string>) {
        out.collect(`${ctx.getCurrentKey()} ${ctx.timeDomain()}`);
        ctx.timerService().registerProcessingTimeTimer(t + 60_000); // would repeat forever
      }
    }
    await assertSameAtEachParallelism(
      (p) =>
        threadEnv(p, { runtimeMode: "BATCH" })
          .fromCollection<Ev>([
            { key: "a", ts: 1 },
            { key: "b", ts: 2 },
          ])
          .keyBy((e) => e.key)
          .process(new Repeat())
          .executeAndCollect(),
      ["a PROCESSING_TIME", "b PROCESSING_TIME"],
    );
  });
});
