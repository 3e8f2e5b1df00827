/**
 * The broadcast state pattern: rules on a broadcast stream applied to a keyed or non-keyed stream,
 * the same broadcast state in every parallel instance, read-only views on the non-broadcast side,
 * applyToKeyedState, keyed timers, and the errors of misuse. The order between the two inputs is
 * not deterministic (as in Flink), so the tests either gate the main input on event time (the
 * operator's watermark cannot pass until the bounded broadcast input ended) or feed both inputs
 * step by step and wait for acknowledgements.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  BroadcastConnectedStream,
  BroadcastProcessFunction,
  BroadcastStream,
  DataStream,
  InvalidJobError,
  JobExecutionError,
  KeyedBroadcastProcessFunction,
  ListStateDescriptor,
  MapStateDescriptor,
  ValueStateDescriptor,
  WatermarkStrategy,
  type BroadcastContext,
  type BroadcastReadOnlyContext,
  type Collector,
  type KeyedBroadcastContext,
  type KeyedBroadcastOnTimerContext,
  type KeyedBroadcastReadOnlyContext,
  type ListState,
  type StreamExecutionEnvironment,
  type TimerService,
  type ValueState,
} from "strom";
import {
  PARALLELISMS,
  QueueSource,
  assertSameAtEachParallelism,
  assertSameMultiset,
  causeChain,
  manualClockEnv,
  rejectionOf,
  settle,
  threadEnv,
  waitUntil,
} from "./harness.ts";

interface Reading {
  sensor: string;
  type: string;
  value: number;
  ts: number;
}

/** A threshold for a metric type, valid from event time `from`; `threshold: null` removes it. */
interface Rule {
  type: string;
  threshold: number | null;
  from: number;
}

const RULES = new MapStateDescriptor<string, Rule[]>("rules");

/** Readings of 8 sensors over two metric types, in event-time order. */
const READINGS: Reading[] = Array.from({ length: 400 }, (_, i) => ({
  sensor: `s${i % 8}`,
  type: i % 3 === 0 ? "humidity" : "temp",
  value: (i * 37) % 100,
  ts: 1000 + i * 10,
}));

/** Rules changing over event time: temp tightens, then loosens; humidity appears, then goes. */
const TIMED_RULES: Rule[] = [
  { type: "temp", threshold: 80, from: 0 },
  { type: "humidity", threshold: 90, from: 1500 },
  { type: "temp", threshold: 60, from: 2500 },
  { type: "humidity", threshold: null, from: 3500 },
  { type: "temp", threshold: 95, from: 4000 },
];

/** The rule of `type` in force at `ts`, per the rule history. */
function ruleAt(history: readonly Rule[], ts: number): number | null {
  let t: number | null = null;
  for (const r of history) if (r.from <= ts) t = r.threshold;
  return t;
}

const alertText = (r: Reading, t: number) => `${r.sensor}:${r.type}@${r.ts} ${r.value}>${t}`;

/**
 * Buffers readings per sensor until the watermark passes them, then checks them against the rule
 * history in broadcast state (all rules are there by then: the rules input has no watermarks, so
 * the operator's watermark only moves once it ended).
 */
class TimedRuleAlerts extends KeyedBroadcastProcessFunction<string, Reading, Rule, string> {
  private pending!: ListState<Reading>;
  override open(): void {
    this.pending = this.getRuntimeContext().getListState(
      new ListStateDescriptor<Reading>("pending"),
    );
  }
  processElement(r: Reading, ctx: KeyedBroadcastReadOnlyContext<string>): void {
    this.pending.add(r);
    ctx.timerService().registerEventTimeTimer(r.ts);
  }
  processBroadcastElement(rule: Rule, ctx: KeyedBroadcastContext<string>): void {
    const state = ctx.getBroadcastState(RULES);
    const history = [...(state.get(rule.type) ?? []), rule].sort((a, b) => a.from - b.from);
    state.put(rule.type, history);
  }
  override onTimer(
    t: number,
    ctx: KeyedBroadcastOnTimerContext<string>,
    out: Collector<string>,
  ): void {
    assert.equal(ctx.timeDomain(), "EVENT_TIME");
    assert.equal(ctx.timestamp(), t);
    const rules = ctx.getBroadcastState(RULES);
    const keep: Reading[] = [];
    for (const r of this.pending.get()) {
      assert.equal(r.sensor, ctx.getCurrentKey(), "state is scoped to the timer's key");
      if (r.ts > t) {
        keep.push(r);
        continue;
      }
      const threshold = ruleAt(rules.get(r.type) ?? [], r.ts);
      if (threshold !== null && r.value > threshold) out.collect(alertText(r, threshold));
    }
    this.pending.update(keep);
  }
}

function timedExpected(): string[] {
  const out: string[] = [];
  for (const r of READINGS) {
    const t = ruleAt(
      TIMED_RULES.filter((x) => x.type === r.type),
      r.ts,
    );
    if (t !== null && r.value > t) out.push(alertText(r, t));
  }
  return out;
}

function readingsWithTime(env: StreamExecutionEnvironment): DataStream<Reading> {
  return env
    .fromCollection(READINGS)
    .assignTimestampsAndWatermarks(
      WatermarkStrategy.forMonotonousTimestamps<Reading>().withTimestampAssigner((r) => r.ts),
    );
}

describe("broadcast state pattern", () => {
  test("rules on a broadcast stream applied to a keyed stream: same results at parallelism 1/2/4", async () => {
    const expected = timedExpected();
    assert.ok(expected.length > 20, "the data produces alerts");
    await assertSameAtEachParallelism((p) => {
      const env = threadEnv(p);
      const rules = env.fromCollection(TIMED_RULES).broadcast(RULES);
      return readingsWithTime(env)
        .keyBy((r) => r.sensor)
        .connect(rules)
        .process(new TimedRuleAlerts())
        .executeAndCollect();
    }, expected);
  });

  test("broadcast() without descriptors stays a partitioner; with them it is a BroadcastStream", () => {
    const env = threadEnv(2);
    const s = env.fromCollection([1, 2, 3]);
    const plain = s.broadcast();
    assert.ok(plain instanceof DataStream);
    assert.ok(!(plain instanceof BroadcastStream));
    const b = s.broadcast(RULES);
    assert.ok(b instanceof BroadcastStream);
    assert.deepEqual(
      b.getBroadcastStateDescriptors().map((d) => d.name),
      ["rules"],
    );
    const connected = env.fromCollection(["x"]).connect(b);
    assert.ok(connected instanceof BroadcastConnectedStream);
    const keyedConnected = env
      .fromCollection(["x"])
      .keyBy((x) => x)
      .connect(b);
    assert.ok(keyedConnected instanceof BroadcastConnectedStream);
  });
});

/**
 * What the step-by-step jobs emit: one result per main-input element, acknowledgements of broadcast
 * elements, and other notes.
 */
type Out = { ack: number; subtask: number } | { result: string } | { note: string };

/** A rule command on the broadcast side: set or remove a threshold, each with a sequence number. */
interface Cmd {
  seq: number;
  type: string;
  threshold: number | null;
}

/** Applies the current rule at once, in processElement; acknowledges every rule per instance. */
class LiveRuleAlerts extends KeyedBroadcastProcessFunction<string, Reading, Cmd, Out> {
  private readonly thresholds = new MapStateDescriptor<string, number>("thresholds");
  processElement(
    r: Reading,
    ctx: KeyedBroadcastReadOnlyContext<string>,
    out: Collector<Out>,
  ): void {
    const t = ctx.getBroadcastState(this.thresholds).get(r.type);
    out.collect({
      result:
        t === null
          ? `${ctx.getCurrentKey()} ${r.type}=${r.value} no rule`
          : `${ctx.getCurrentKey()} ${r.type}=${r.value} ${r.value > t ? "ALERT" : "ok"} (>${t})`,
    });
  }
  processBroadcastElement(c: Cmd, ctx: KeyedBroadcastContext<string>, out: Collector<Out>): void {
    const state = ctx.getBroadcastState(this.thresholds);
    if (c.threshold === null) state.remove(c.type);
    else state.put(c.type, c.threshold);
    out.collect({ ack: c.seq, subtask: this.getRuntimeContext().getIndexOfThisSubtask() });
  }
}

/**
 * Runs a job over two queue sources, feeding `steps` in order: commands are acknowledged by every
 * instance before the next step, readings produce one output each before the next step.
 */
async function stepwise(
  p: number,
  steps: ({ cmds: Omit<Cmd, "seq">[] } | { readings: Omit<Reading, "ts">[] })[],
  build: (readings: DataStream<Reading>, cmds: BroadcastStream<Cmd>) => DataStream<Out>,
  descriptors: MapStateDescriptor<unknown, unknown>[],
): Promise<Out[]> {
  const env = threadEnv(p);
  const readings = new QueueSource<Reading>();
  const cmds = new QueueSource<Cmd>();
  const out: Out[] = [];
  const [first, ...rest] = descriptors;
  const broadcast = env
    .fromSource(cmds, WatermarkStrategy.noWatermarks(), "rules")
    .broadcast(first!, ...rest);
  build(env.fromSource(readings, WatermarkStrategy.noWatermarks(), "readings"), broadcast).sinkTo(
    (o) => void out.push(o),
  );
  const client = await env.executeAsync("stepwise");
  let seq = 0;
  let results = 0;
  try {
    for (const step of steps) {
      if ("cmds" in step) {
        const from = seq;
        for (const c of step.cmds) cmds.push({ ...c, seq: seq++ });
        const want = (seq - from) * p;
        await waitUntil(
          () => out.filter((o) => "ack" in o && o.ack >= from).length === want,
          5000,
          "every instance acknowledged the commands",
        );
      } else {
        for (const r of step.readings) readings.push({ ...r, ts: 0 });
        results += step.readings.length;
        await waitUntil(
          () => out.filter((o) => "result" in o).length === results,
          5000,
          "readings processed",
        );
      }
    }
  } finally {
    readings.end();
    cmds.end();
  }
  await client.getJobExecutionResult();
  return out;
}

const THRESHOLDS = new MapStateDescriptor<string, number>("thresholds") as MapStateDescriptor<
  unknown,
  unknown
>;

describe("rules changing while the job runs", () => {
  test("keyed: every reading is judged by the rules in force when it arrives, at parallelism 1/2/4", async () => {
    const sensors = ["a", "b", "c", "d", "e"];
    const batch = (type: string, values: number[]) =>
      values.map((value, i) => ({ sensor: sensors[i % sensors.length]!, type, value }));
    const steps = [
      { readings: batch("temp", [10, 70]) },
      { cmds: [{ type: "temp", threshold: 50 }] },
      { readings: [...batch("temp", [40, 60, 55, 20, 90]), ...batch("hum", [99])] },
      {
        cmds: [
          { type: "temp", threshold: 30 },
          { type: "hum", threshold: 80 },
        ],
      },
      { readings: [...batch("temp", [40, 60, 25, 20, 90]), ...batch("hum", [70, 85])] },
      { cmds: [{ type: "temp", threshold: null }] },
      { readings: [...batch("temp", [99, 1]), ...batch("hum", [81])] },
    ];
    const expected = [
      "a temp=10 no rule",
      "b temp=70 no rule",
      "a temp=40 ok (>50)",
      "b temp=60 ALERT (>50)",
      "c temp=55 ALERT (>50)",
      "d temp=20 ok (>50)",
      "e temp=90 ALERT (>50)",
      "a hum=99 no rule",
      "a temp=40 ALERT (>30)",
      "b temp=60 ALERT (>30)",
      "c temp=25 ok (>30)",
      "d temp=20 ok (>30)",
      "e temp=90 ALERT (>30)",
      "a hum=70 ok (>80)",
      "b hum=85 ALERT (>80)",
      "a temp=99 no rule",
      "b temp=1 no rule",
      "a hum=81 ALERT (>80)",
    ];
    for (const p of PARALLELISMS) {
      const out = await stepwise(
        p,
        steps,
        (readings, cmds) =>
          readings
            .keyBy((r) => r.sensor)
            .connect(cmds)
            .process(new LiveRuleAlerts()),
        [THRESHOLDS],
      );
      const results = out.flatMap((o) => ("result" in o ? [o.result] : []));
      assertSameMultiset(results, expected, `parallelism ${p}`);
      // Every instance received every broadcast element (broadcast partitioning).
      const acks = out.flatMap((o) => ("ack" in o ? [`${o.ack}/${o.subtask}`] : []));
      const allAcks = [0, 1, 2, 3].flatMap((s) => Array.from({ length: p }, (_, i) => `${s}/${i}`));
      assertSameMultiset(acks, allAcks, `acks at parallelism ${p}`);
    }
  });

  test("non-keyed: a BroadcastProcessFunction filters with a blocklist every instance holds", async () => {
    const BLOCKED = new MapStateDescriptor<string, boolean>("blocked");
    class Blocklist extends BroadcastProcessFunction<Reading, Cmd, Out> {
      processElement(r: Reading, ctx: BroadcastReadOnlyContext, out: Collector<Out>): void {
        if (r.type === "dump") {
          const entries = [...ctx.getBroadcastState(BLOCKED).immutableEntries()]
            .map(([k]) => k)
            .sort();
          out.collect({ result: `dump ${entries.join(",")}` });
          return;
        }
        if (!ctx.getBroadcastState(BLOCKED).contains(r.sensor))
          out.collect({ result: `${r.sensor}=${r.value}` });
        else out.collect({ result: `blocked` });
      }
      processBroadcastElement(c: Cmd, ctx: BroadcastContext, out: Collector<Out>): void {
        const s = ctx.getBroadcastState(BLOCKED);
        if (c.threshold === null) s.remove(c.type);
        else s.put(c.type, true);
        out.collect({ ack: c.seq, subtask: this.getRuntimeContext().getIndexOfThisSubtask() });
      }
    }
    const r = (sensor: string, value: number) => ({ sensor, type: "x", value });
    for (const p of PARALLELISMS) {
      const dumps = Array.from({ length: 2 * p }, () => ({ sensor: "-", type: "dump", value: 0 }));
      const out = await stepwise(
        p,
        [
          { readings: [r("a", 1), r("b", 2)] },
          {
            cmds: [
              { type: "a", threshold: 1 },
              { type: "c", threshold: 1 },
            ],
          },
          { readings: [r("a", 3), r("b", 4), r("c", 5), r("d", 6)] },
          { cmds: [{ type: "a", threshold: null }] },
          { readings: [r("a", 7), r("c", 8), ...dumps] },
        ],
        (readings, cmds) => readings.rebalance().connect(cmds).process(new Blocklist()),
        [BLOCKED as MapStateDescriptor<unknown, unknown>],
      );
      const results = out.flatMap((o) => ("result" in o ? [o.result] : []));
      assertSameMultiset(
        results,
        [
          "a=1",
          "b=2",
          "blocked",
          "b=4",
          "blocked",
          "d=6",
          "a=7",
          "blocked",
          ...dumps.map(() => "dump c"),
        ],
        `parallelism ${p}`,
      );
      const ackers = new Set(out.flatMap((o) => ("ack" in o ? [o.subtask] : [])));
      assert.equal(ackers.size, p, "every instance acknowledged");
    }
  });
});

describe("applyToKeyedState", () => {
  test("visits every key of the instance, with that key's state, and can change it", async () => {
    const COUNT = new ValueStateDescriptor<number>("count");
    class Counting extends KeyedBroadcastProcessFunction<string, Reading, Cmd, Out> {
      private count!: ValueState<number>;
      override open(): void {
        this.count = this.getRuntimeContext().getState(COUNT);
      }
      processElement(
        r: Reading,
        ctx: KeyedBroadcastReadOnlyContext<string>,
        out: Collector<Out>,
      ): void {
        const n = (this.count.value() ?? 0) + 1;
        this.count.update(n);
        const me = this.getRuntimeContext().getIndexOfThisSubtask();
        out.collect({ result: `${me} ${ctx.getCurrentKey()} ${n}` });
      }
      processBroadcastElement(
        c: Cmd,
        ctx: KeyedBroadcastContext<string>,
        out: Collector<Out>,
      ): void {
        const me = this.getRuntimeContext().getIndexOfThisSubtask();
        if (c.type === "report") {
          ctx.applyToKeyedState(COUNT, (key, state) => {
            out.collect({ note: `report ${me} ${key} ${state.value()}` });
          });
        } else {
          // Reset: an object KeyedStateFunction clearing odd counts, halving even ones.
          ctx.applyToKeyedState(COUNT, {
            process(_key: string, state: ValueState<number>) {
              const v = state.value()!;
              if (v % 2 === 1) state.clear();
              else state.update(v / 2);
            },
          });
        }
        out.collect({ ack: c.seq, subtask: me });
      }
    }
    const keys = ["k1", "k2", "k3", "k4", "k5", "k6", "k7"];
    const readings = (n: number) =>
      keys.flatMap((k, i) =>
        Array.from({ length: (i % 3) + n }, () => ({ sensor: k, type: "x", value: 0 })),
      );
    for (const p of PARALLELISMS) {
      const out = await stepwise(
        p,
        [
          { readings: readings(1) },
          { cmds: [{ type: "report", threshold: 0 }] },
          { cmds: [{ type: "reset", threshold: 0 }] },
          { cmds: [{ type: "report", threshold: 0 }] },
          { readings: keys.map((k) => ({ sensor: k, type: "x", value: 0 })) },
        ],
        (rs, cmds) =>
          rs
            .keyBy((r) => r.sensor)
            .connect(cmds)
            .process(new Counting()),
        [THRESHOLDS],
      );
      const results = out.flatMap((o) => ("result" in o ? [o.result] : []));
      const reports = out.flatMap((o) => ("note" in o ? [o.note] : []));
      // Which instance owns each key (from the per-record outputs).
      const owner = new Map<string, string>();
      for (const line of results) {
        const [me, key] = line.split(" ");
        owner.set(key!, me!);
      }
      assert.equal(owner.size, keys.length);
      const counts = keys.map((_, i) => (i % 3) + 1);
      const expectedReports = [
        // First report: every key once, by its owner, with its count.
        ...keys.map((k, i) => `report ${owner.get(k)} ${k} ${counts[i]}`),
        // After the reset only even counts remain, halved.
        ...keys.flatMap((k, i) =>
          counts[i]! % 2 === 0 ? [`report ${owner.get(k)} ${k} ${counts[i]! / 2}`] : [],
        ),
      ];
      assertSameMultiset(reports, expectedReports, `parallelism ${p}`);
      // The last readings see the state left by the reset.
      const last = results.slice(-keys.length);
      assertSameMultiset(
        last,
        keys.map((k, i) => `${owner.get(k)} ${k} ${counts[i]! % 2 === 0 ? counts[i]! / 2 + 1 : 1}`),
        `after reset at parallelism ${p}`,
      );
    }
  });
});

describe("read-only broadcast state", () => {
  test("the non-broadcast side's view has no put/remove/clear; the broadcast side's state does", async () => {
    const seen: string[] = [];
    class Probe extends KeyedBroadcastProcessFunction<string, Reading, Cmd, Out> {
      processElement(r: Reading, ctx: KeyedBroadcastReadOnlyContext<string>): void {
        const view = ctx.getBroadcastState(THRESHOLDS);
        // @ts-expect-error the read-only view has no put
        const put: unknown = view.put;
        const v = view as unknown as Record<string, unknown>;
        seen.push(
          `view put=${typeof put} remove=${typeof v.remove} clear=${typeof v.clear} get=${view.get("t")} contains=${view.contains("t")}`,
        );
        void r;
      }
      processBroadcastElement(c: Cmd, ctx: KeyedBroadcastContext<string>, out: Collector<Out>) {
        const s = ctx.getBroadcastState(THRESHOLDS);
        s.put("t", c.threshold);
        seen.push(`state put=${typeof s.put} entries=${JSON.stringify([...s.entries()])}`);
        out.collect({ ack: c.seq, subtask: 0 });
      }
    }
    const env = threadEnv(1);
    const cmds = new QueueSource<Cmd>();
    const rs = new QueueSource<Reading>();
    env
      .fromSource(rs, WatermarkStrategy.noWatermarks(), "r")
      .keyBy((r) => r.sensor)
      .connect(env.fromSource(cmds, WatermarkStrategy.noWatermarks(), "c").broadcast(THRESHOLDS))
      .process(new Probe())
      .sinkTo(() => {});
    const client = await env.executeAsync("probe");
    cmds.push({ seq: 0, type: "t", threshold: 5 });
    await waitUntil(() => seen.length === 1, 5000, "command processed");
    rs.push({ sensor: "a", type: "t", value: 1, ts: 0 });
    await waitUntil(() => seen.length === 2, 5000, "reading processed");
    cmds.end();
    rs.end();
    await client.getJobExecutionResult();
    assert.deepEqual(seen, [
      'state put=function entries=[["t",5]]',
      "view put=undefined remove=undefined clear=undefined get=5 contains=true",
    ]);
  });
});

describe("keyed timers in a KeyedBroadcastProcessFunction", () => {
  test("processing-time timers fire per key with read-only broadcast state", async () => {
    class Reminder extends KeyedBroadcastProcessFunction<string, Reading, Cmd, string> {
      processElement(r: Reading, ctx: KeyedBroadcastReadOnlyContext<string>): void {
        ctx.timerService().registerProcessingTimeTimer(ctx.currentProcessingTime() + r.value);
      }
      processBroadcastElement(c: Cmd, ctx: KeyedBroadcastContext<string>, out: Collector<string>) {
        ctx.getBroadcastState(THRESHOLDS).put("greeting", c.type);
        out.collect(`ack ${ctx.currentProcessingTime()}`);
      }
      override onTimer(
        t: number,
        ctx: KeyedBroadcastOnTimerContext<string>,
        out: Collector<string>,
      ): void {
        const g = ctx.getBroadcastState(THRESHOLDS).get("greeting");
        out.collect(`${g} ${ctx.getCurrentKey()}@${t} ${ctx.timeDomain()} ts=${ctx.timestamp()}`);
      }
    }
    for (const p of [1, 2]) {
      const { env, timers } = manualClockEnv(p, {}, 1000);
      const rs = new QueueSource<Reading>();
      const cmds = new QueueSource<Cmd>();
      const out: string[] = [];
      env
        .fromSource(rs, WatermarkStrategy.noWatermarks(), "r")
        .keyBy((r) => r.sensor)
        .connect(env.fromSource(cmds, WatermarkStrategy.noWatermarks(), "c").broadcast(THRESHOLDS))
        .process(new Reminder())
        .sinkTo((s) => void out.push(s));
      const client = await env.executeAsync("timers");
      cmds.push({ seq: 0, type: "hello", threshold: 0 });
      await waitUntil(() => out.length === p, 5000, "command acknowledged");
      assert.deepEqual(out, Array(p).fill("ack 1000"));
      rs.push(
        { sensor: "x", type: "", value: 100, ts: 0 },
        { sensor: "y", type: "", value: 200, ts: 0 },
      );
      await waitUntil(() => rs.drained(), 5000, "readings read");
      await settle();
      timers.advanceTo(1100);
      await waitUntil(() => out.length === p + 1, 5000, "x's timer");
      timers.advanceTo(1300);
      await waitUntil(() => out.length === p + 2, 5000, "y's timer");
      assert.deepEqual(out.slice(p), [
        "hello x@1100 PROCESSING_TIME ts=null",
        "hello y@1200 PROCESSING_TIME ts=null",
      ]);
      // (A manual-clock job may wait for a processing-time tick before it can finish.)
      timers.advanceTo(10_000);
      rs.end();
      cmds.end();
      await client.getJobExecutionResult();
    }
  });
});

/** Runs `build` on a readings stream connected with a rules broadcast stream and returns the failure. */
async function failure(
  build: (readings: DataStream<Reading>, rules: BroadcastStream<Rule>) => DataStream<unknown>,
): Promise<JobExecutionError> {
  const env = threadEnv(2);
  const rules = env.fromCollection(TIMED_RULES).broadcast(RULES);
  build(readingsWithTime(env), rules).sinkTo(() => {});
  const e = await rejectionOf(env.execute("failing"));
  assert.ok(e instanceof JobExecutionError, `expected a JobExecutionError, got ${String(e)}`);
  return e;
}

function messages(e: unknown): string {
  return causeChain(e)
    .map((c) => (c instanceof Error ? c.message : String(c)))
    .join(" | ");
}

describe("errors", () => {
  test("a broadcast state not declared in broadcast(...) is refused, naming the operator", async () => {
    const OTHER = new MapStateDescriptor<string, number>("other");
    class Undeclared extends BroadcastProcessFunction<Reading, Rule, string> {
      processElement(): void {}
      processBroadcastElement(_r: Rule, ctx: BroadcastContext): void {
        ctx.getBroadcastState(OTHER).put("x", 1);
      }
    }
    const e = await failure((rs, rules) =>
      rs.connect(rules).process(new Undeclared()).name("rule-check"),
    );
    const m = messages(e);
    assert.match(m, /broadcast state 'other' of operator 'rule-check' was not declared/);
    assert.match(m, /declared: 'rules'/);
    assert.match(e.message, /'rule-check'/);
  });

  test("keyed state in processBroadcastElement (no current key, even after keyed input) is refused", async () => {
    const LAST = new ValueStateDescriptor<number>("last");
    class Leaky extends KeyedBroadcastProcessFunction<string, Reading, Cmd, Out> {
      processElement(r: Reading, _ctx: unknown, out: Collector<Out>): void {
        this.getRuntimeContext().getState(LAST).update(r.value);
        out.collect({ result: "seen" });
      }
      processBroadcastElement(): void {
        // A stale key from the keyed input must not make this write land on some key.
        this.getRuntimeContext().getState(LAST).update(-1);
      }
    }
    const env = threadEnv(1);
    const rs = new QueueSource<Reading>();
    const cmds = new QueueSource<Cmd>();
    const out: Out[] = [];
    env
      .fromSource(rs, WatermarkStrategy.noWatermarks(), "r")
      .keyBy((r) => r.sensor)
      .connect(env.fromSource(cmds, WatermarkStrategy.noWatermarks(), "c").broadcast(THRESHOLDS))
      .process(new Leaky())
      .name("leaky")
      .sinkTo((o) => void out.push(o));
    const client = await env.executeAsync("leaky");
    rs.push({ sensor: "a", type: "", value: 1, ts: 0 });
    await waitUntil(() => out.length === 1, 5000, "keyed element processed");
    cmds.push({ seq: 0, type: "", threshold: 0 });
    const e = await rejectionOf(client.getJobExecutionResult());
    const m = messages(e);
    assert.match(m, /no current key in operator 'leaky'/);
    assert.match(m, /processBroadcastElement\(\)/);
    assert.match(m, /applyToKeyedState/);
  });

  test("keyed timers in processBroadcastElement are refused too", async () => {
    class TimerLeak extends KeyedBroadcastProcessFunction<string, Reading, Rule, string> {
      private timers: TimerService | null = null;
      processElement(_r: Reading, ctx: KeyedBroadcastReadOnlyContext<string>): void {
        this.timers = ctx.timerService();
      }
      processBroadcastElement(): void {
        this.timers?.registerEventTimeTimer(5);
      }
    }
    // The keyed element first (it hands out its timer service), then the broadcast element.
    const env = threadEnv(1);
    const rs = new QueueSource<Reading>();
    const cmds = new QueueSource<Rule>();
    env
      .fromSource(rs, WatermarkStrategy.noWatermarks(), "r")
      .keyBy((r) => r.sensor)
      .connect(env.fromSource(cmds, WatermarkStrategy.noWatermarks(), "c").broadcast(RULES))
      .process(new TimerLeak())
      .name("timer-leak")
      .sinkTo(() => {});
    const client = await env.executeAsync("timer-leak");
    rs.push({ sensor: "a", type: "", value: 1, ts: 0 });
    await waitUntil(() => rs.drained(), 5000, "reading read");
    await settle();
    cmds.push({ type: "t", threshold: 1, from: 0 });
    const m = messages(await rejectionOf(client.getJobExecutionResult()));
    assert.match(m, /no current key in operator 'timer-leak'/);
  });

  test("keyed state in a non-keyed BroadcastProcessFunction is refused", async () => {
    class NotKeyed extends BroadcastProcessFunction<Reading, Rule, string> {
      processElement(): void {
        this.getRuntimeContext().getState(new ValueStateDescriptor<number>("v")).value();
      }
      processBroadcastElement(): void {}
    }
    const e = await failure((rs, rules) => rs.connect(rules).process(new NotKeyed()));
    assert.match(
      messages(e),
      /keyed state \('v'\) is only available on a keyed stream.*'Co-Process-Broadcast'/,
    );
  });

  test("plan-time misuse: wrong function kind, wrong descriptors", () => {
    const env = threadEnv(1);
    const rules = env.fromCollection(TIMED_RULES).broadcast(RULES);
    const readings = env.fromCollection(READINGS);
    assert.throws(
      () => readings.connect(rules).process(new TimedRuleAlerts()),
      (e: unknown) =>
        e instanceof InvalidJobError &&
        /KeyedBroadcastProcessFunction.*keyed stream/.test(e.message),
    );
    class Plain extends BroadcastProcessFunction<Reading, Rule, string> {
      processElement(): void {}
      processBroadcastElement(): void {}
    }
    assert.throws(
      () =>
        readings
          .keyBy((r) => r.sensor)
          .connect(rules)
          .process(new Plain()),
      (e: unknown) =>
        e instanceof InvalidJobError && /BroadcastProcessFunction.*non-keyed/.test(e.message),
    );
    assert.throws(
      () => readings.connect(rules).process({} as never),
      /expected a BroadcastProcessFunction/,
    );
    assert.throws(
      () => env.fromCollection([1]).broadcast(new ValueStateDescriptor("v") as never),
      (e: unknown) => e instanceof TypeError && /MapStateDescriptors, got/.test(e.message),
    );
    assert.throws(
      () =>
        env.fromCollection([1]).broadcast(RULES, new MapStateDescriptor<string, number>("rules")),
      (e: unknown) => e instanceof InvalidJobError && /'rules' is declared twice/.test(e.message),
    );
  });
});
