/**
 * Stream joins: the interval join (against a brute-force nested-loop join, bound exclusivity,
 * late records, state cleanup checked on the operator itself), window joins and coGroup.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  Duration,
  InvalidJobError,
  OutputTag,
  ProcessJoinFunction,
  RuntimeExecutionMode,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type DataStream,
  type ProcessJoinContext,
  type WatermarkGenerator,
} from "strom";
import {
  PARALLELISMS,
  QueueSource,
  RecordingSink,
  assertSameMultiset,
  causeChain,
  manualClockEnv,
  rejectionOf,
  settle,
  threadEnv,
  waitUntil,
} from "./harness.ts";
import { keyed, randomEvents, type Ev } from "./joins-fixtures.ts";

/** Watermarks on every event: the largest timestamp seen minus `bound` minus 1. */
function punctuated(bound: number): WatermarkStrategy<Ev> {
  return WatermarkStrategy.forGenerator<Ev>((): WatermarkGenerator<Ev> => {
    let max = -Infinity;
    return {
      onEvent(_e, ts, out) {
        if (ts > max) max = ts;
        out.emitWatermark(max - bound - 1);
      },
      onPeriodicEmit() {},
    };
  }).withTimestampAssigner((e) => e.ts);
}

/** `left` and `right` as streams with event time (out of order by at most `bound`). */
function timed(env: StreamExecutionEnvironment, events: Ev[], bound: number): DataStream<Ev> {
  return env.fromCollection(events).rebalance().assignTimestampsAndWatermarks(punctuated(bound));
}

interface Bounds {
  lo: number;
  hi: number;
  loIn?: boolean;
  hiIn?: boolean;
}

/** The pairs a nested-loop join finds, as `left|right@ts`. */
function bruteForce(left: Ev[], right: Ev[], b: Bounds): string[] {
  const out: string[] = [];
  for (const a of left)
    for (const r of right) {
      if (a.key !== r.key) continue;
      const d = r.ts - a.ts;
      const okLo = b.loIn === false ? d > b.lo : d >= b.lo;
      const okHi = b.hiIn === false ? d < b.hi : d <= b.hi;
      if (okLo && okHi) out.push(`${a.id}|${r.id}@${Math.max(a.ts, r.ts)}`);
    }
  return out;
}

/** Runs an interval join and returns `left|right@ts` per result, with the record's timestamp checked. */
async function runIntervalJoin(
  env: StreamExecutionEnvironment,
  left: Ev[],
  right: Ev[],
  b: Bounds,
  bound = 20,
): Promise<string[]> {
  let joined = keyed(timed(env, left, bound))
    .intervalJoin(keyed(timed(env, right, bound)))
    .between(Duration.ofMillis(b.lo), Duration.ofMillis(b.hi));
  if (b.loIn === false) joined = joined.lowerBoundExclusive();
  if (b.hiIn === false) joined = joined.upperBoundExclusive();
  const sink = new RecordingSink<string>();
  joined
    .process((l: Ev, r: Ev, ctx: ProcessJoinContext, out: Collector<string>) => {
      assert.equal(ctx.getLeftTimestamp(), l.ts);
      assert.equal(ctx.getRightTimestamp(), r.ts);
      out.collect(`${l.id}|${r.id}@${ctx.getTimestamp()}`);
    })
    .sinkTo(sink);
  await env.execute("interval join");
  for (const log of sink.subtasks.values())
    log.records.forEach((r, i) => assert.equal(`@${log.timestamps[i]}`, r.slice(r.indexOf("@"))));
  return sink.all();
}

describe("interval join", () => {
  const BOUNDS: Bounds[] = [
    { lo: -5, hi: 10 },
    { lo: 0, hi: 0 },
    { lo: 3, hi: 8 },
    { lo: -12, hi: -2 },
  ];
  for (const mode of [RuntimeExecutionMode.STREAMING, RuntimeExecutionMode.BATCH]) {
    for (const p of PARALLELISMS) {
      test(`${mode}, parallelism ${p}: the same pairs as a nested-loop join`, async () => {
        for (const [i, b] of BOUNDS.entries()) {
          const left = randomEvents("L", 400, 7, 20, 11 + i);
          const right = randomEvents("R", 400, 7, 20, 97 + i);
          const got = await runIntervalJoin(threadEnv(p, { runtimeMode: mode }), left, right, b);
          const expected = bruteForce(left, right, b);
          assert.ok(
            expected.length > (b.lo === b.hi ? 0 : 100),
            `enough pairs (${expected.length})`,
          );
          assertSameMultiset(got, expected, `bounds ${JSON.stringify(b)}`);
        }
      });
    }
  }

  test("bound exclusivity", async () => {
    const left: Ev[] = [{ id: "a", key: "k", ts: 10 }];
    const right: Ev[] = [5, 8, 9, 10, 11, 12, 15].map((ts) => ({ id: `b${ts}`, key: "k", ts }));
    const ids = async (b: Bounds) =>
      (await runIntervalJoin(threadEnv(1), left, right, b)).map((s) => s.split("|")[1]).sort();
    assert.deepEqual(await ids({ lo: -2, hi: 2 }), [
      "b10@10",
      "b11@11",
      "b12@12",
      "b8@10",
      "b9@10",
    ]);
    assert.deepEqual(await ids({ lo: -2, hi: 2, loIn: false }), [
      "b10@10",
      "b11@11",
      "b12@12",
      "b9@10",
    ]);
    assert.deepEqual(await ids({ lo: -2, hi: 2, hiIn: false }), [
      "b10@10",
      "b11@11",
      "b8@10",
      "b9@10",
    ]);
    assert.deepEqual(await ids({ lo: -2, hi: 2, loIn: false, hiIn: false }), [
      "b10@10",
      "b11@11",
      "b9@10",
    ]);
    assert.deepEqual(await ids({ lo: 0, hi: 0, loIn: false }), []);
  });
});

describe("interval join: late data, functions and errors", () => {
  test("late records go to the side outputs of their input", async () => {
    const { env } = manualClockEnv(1);
    const leftQ = new QueueSource<Ev>();
    const rightQ = new QueueSource<Ev>();
    const lateL = new OutputTag<Ev>("late-left");
    const lateR = new OutputTag<Ev>("late-right");
    const src = (q: QueueSource<Ev>, name: string) => keyed(env.fromSource(q, punctuated(0), name));
    const joined = src(leftQ, "left")
      .intervalJoin(src(rightQ, "right"))
      .between(Duration.ofMillis(0), Duration.ofMillis(10))
      .sideOutputLeftLateData(lateL)
      .sideOutputRightLateData(lateR)
      .process((l: Ev, r: Ev, _ctx: ProcessJoinContext, out: Collector<string>) =>
        out.collect(`${l.id}|${r.id}`),
      );
    const main = new RecordingSink<string>();
    const sideL = new RecordingSink<Ev>();
    const sideR = new RecordingSink<Ev>();
    joined.sinkTo(main);
    joined.getSideOutput(lateL).sinkTo(sideL);
    joined.getSideOutput(lateR).sinkTo(sideR);
    const done = env.execute("late interval join");
    leftQ.pushAt({ id: "L1", key: "k", ts: 100 }, 100);
    rightQ.pushAt({ id: "R1", key: "k", ts: 105 }, 105);
    leftQ.pushAt({ id: "L2", key: "k", ts: 1000 }, 1000); // watermarks 999 on both inputs
    rightQ.pushAt({ id: "R2", key: "k", ts: 1002 }, 1002);
    await waitUntil(() => main.all().length === 2, 5000, "the first two pairs");
    leftQ.pushAt({ id: "L3", key: "k", ts: 500 }, 500);
    rightQ.pushAt({ id: "R3", key: "k", ts: 995 }, 995); // would join L2's interval, but late
    rightQ.pushAt({ id: "R4", key: "k", ts: 1005 }, 1005);
    await waitUntil(() => rightQ.drained() && leftQ.drained(), 5000, "the late records");
    await settle();
    leftQ.end();
    rightQ.end();
    await done;
    assertSameMultiset(main.all(), ["L1|R1", "L2|R2", "L2|R4"]);
    assert.deepEqual(
      sideL.all().map((e) => e.id),
      ["L3"],
    );
    assert.deepEqual(
      sideR.all().map((e) => e.id),
      ["R3"],
    );
  });

  test("without side outputs, late records are counted in an accumulator", async () => {
    const { env } = manualClockEnv(1);
    const leftQ = new QueueSource<Ev>();
    const rightQ = new QueueSource<Ev>();
    const src = (q: QueueSource<Ev>, name: string) => keyed(env.fromSource(q, punctuated(0), name));
    const main = new RecordingSink<string>();
    src(leftQ, "left")
      .intervalJoin(src(rightQ, "right"))
      .between(0, 10)
      .process((l: Ev, r: Ev, _ctx: ProcessJoinContext, out: Collector<string>) =>
        out.collect(`${l.id}|${r.id}`),
      )
      .name("Join")
      .sinkTo(main);
    const done = env.execute("late interval join");
    leftQ.pushAt({ id: "L1", key: "k", ts: 1000 }, 1000);
    rightQ.pushAt({ id: "R1", key: "k", ts: 1000 }, 1000);
    await waitUntil(() => main.all().length === 1, 5000, "the first pair");
    leftQ.pushAt({ id: "L2", key: "k", ts: 10 }, 10);
    await waitUntil(() => leftQ.drained(), 5000, "the late record");
    await settle();
    leftQ.end();
    rightQ.end();
    const result = await done;
    assert.equal(result.getAccumulatorResult("Join.numLateRecordsDropped"), 1);
  });

  test("a rich ProcessJoinFunction: open, keyed state, side outputs from the function", async () => {
    const evens = new OutputTag<string>("evens");
    class Join extends ProcessJoinFunction<Ev, Ev, string> {
      opened = false;
      override open(): void {
        this.opened = true;
      }
      processElement(l: Ev, r: Ev, ctx: ProcessJoinContext, out: Collector<string>): void {
        assert.ok(this.opened);
        const count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>("n"));
        const n = (count.value() ?? 0) + 1;
        count.update(n);
        if (ctx.getTimestamp() % 2 === 0) ctx.output(evens, `${l.id}|${r.id}`);
        out.collect(`${l.key}:${n}`);
      }
    }
    for (const p of PARALLELISMS) {
      const env = threadEnv(p);
      const left = randomEvents("L", 200, 5, 20, 3);
      const right = randomEvents("R", 200, 5, 20, 4);
      const b = { lo: -3, hi: 3 };
      const joined = keyed(timed(env, left, 20))
        .intervalJoin(keyed(timed(env, right, 20)))
        .between(b.lo, b.hi)
        .process(new Join());
      const main = new RecordingSink<string>();
      const side = new RecordingSink<string>();
      joined.sinkTo(main);
      joined.getSideOutput(evens).sinkTo(side);
      await env.execute();
      const pairs = bruteForce(left, right, b);
      const perKey = new Map<string, number>();
      for (const s of pairs) {
        const key = left.find((e) => e.id === s.split("|")[0])!.key;
        perKey.set(key, (perKey.get(key) ?? 0) + 1);
      }
      const expectedMain = [...perKey].flatMap(([k, n]) =>
        Array.from({ length: n }, (_, i) => `${k}:${i + 1}`),
      );
      assertSameMultiset(main.all(), expectedMain, `parallelism ${p}`);
      const evenPairs = pairs
        .filter((s) => Number(s.split("@")[1]) % 2 === 0)
        .map((s) => s.split("@")[0]!);
      assertSameMultiset(side.all(), evenPairs, `parallelism ${p}`);
    }
  });

  test("records without timestamps fail the job with a clear error", async () => {
    const env = threadEnv(2);
    const s = (id: string) => keyed(env.fromCollection([{ id, key: "k", ts: 1 }]));
    s("L")
      .intervalJoin(s("R"))
      .between(0, 1)
      .process((l: Ev, _r: Ev, _c: ProcessJoinContext, out: Collector<string>) => out.collect(l.id))
      .print();
    const e = await rejectionOf(env.execute());
    const messages = causeChain(e).map((x) => String((x as Error).message));
    assert.ok(
      messages.some((m) =>
        /interval join 'IntervalJoin' \(subtask \d\/2\) received a record without timestamp/.test(
          m,
        ),
      ),
      messages.join("\n"),
    );
  });

  test("invalid definitions are refused when the job is built", () => {
    const env = threadEnv(1);
    const s = keyed(env.fromCollection<Ev>([]));
    assert.throws(() => s.intervalJoin(s).between(5, 1), InvalidJobError);
    assert.throws(() => s.intervalJoin(s).inProcessingTime().between(0, 1), /event time only/);
    assert.throws(() => s.intervalJoin(s).between(Number.NaN, 1), RangeError);
    assert.throws(
      () => s.intervalJoin(env.fromCollection<Ev>([]) as never),
      /must be a keyed stream/,
    );
    assert.throws(
      () =>
        s
          .intervalJoin(s)
          .between(0, 1)
          .process({} as never),
      /ProcessJoinFunction/,
    );
  });
});
