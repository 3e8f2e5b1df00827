/**
 * Late data in windows: allowed lateness with late firings, the late-data side output (no record
 * vanishes: in = out + late), the dropped-records counter, sessions bridged by a late record, and
 * the errors for missing timestamps and aggregate functions without merge on sessions. Watermarks
 * are punctuated (one per record, from one source subtask), so lateness is deterministic.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  AggregatingStateDescriptor,
  DeltaTrigger,
  EventTimeSessionWindows,
  InvalidJobError,
  OutputTag,
  ProcessWindowFunction,
  RichReduceFunction,
  SlidingEventTimeWindows,
  TimeWindow,
  TumblingEventTimeWindows,
  type AggregateFunction,
  type Collector,
  type ProcessWindowFunctionContext,
} from "strom";
import {
  PARALLELISMS,
  RecordingSink,
  assertSameMultiset,
  causeChain,
  rejectionOf,
  threadEnv,
} from "./harness.ts";
import { rng } from "./rng.ts";
import { orderedEvents, punctuatedStream, windowStart, type Ev } from "./windows-support.ts";

/** Emits `[key, start, end, sum, count]` for every firing. */
class Fired extends ProcessWindowFunction<
  Ev,
  [string, number, number, number, number],
  string,
  TimeWindow
> {
  process(
    key: string,
    ctx: ProcessWindowFunctionContext<TimeWindow>,
    elements: Iterable<Ev>,
    out: Collector<[string, number, number, number, number]>,
  ): void {
    let sum = 0;
    let n = 0;
    for (const e of elements) {
      sum += e.value;
      n++;
    }
    out.collect([key, ctx.window().start, ctx.window().end, sum, n]);
  }
}

const ev = (key: string, value: number, ts: number): Ev => ({ key, value, ts });

/** Events mostly in order, some of them far behind (late for their windows). */
function withStragglers(n: number, seed: number): Ev[] {
  const r = rng(seed);
  const base = orderedEvents(n, 6, 6, seed);
  return base.map((e) =>
    r() < 0.15 ? { ...e, ts: Math.max(0, e.ts - Math.floor(r() * 150)) } : e,
  );
}

/** Which events are late for tumbling windows of `size` with `lateness` (watermark lag 0). */
function lateOnes(events: readonly Ev[], size: number, lateness: number): Ev[] {
  let max = -Infinity;
  const late: Ev[] = [];
  for (const e of events) {
    const wm = max - 1; // the watermark follows each record
    if (windowStart(e.ts, size) + size - 1 + lateness <= wm) late.push(e);
    max = Math.max(max, e.ts);
  }
  return late;
}

describe("allowed lateness", () => {
  test("late-but-allowed elements re-fire their window; later ones go to the side output", async () => {
    const events = [
      ev("a", 1, 1),
      ev("a", 5, 5),
      ev("a", 12, 12), // watermark 11: [0,10) fires with 1 + 5
      ev("a", 3, 3), // late but allowed: [0,10) fires again with 1 + 5 + 3
      ev("a", 25, 25), // watermark 24: [10,20) fires with 12
      ev("a", 7, 7), // still allowed (cleanup at 9 + 20 = 29): [0,10) fires with 16
      ev("a", 31, 31), // watermark 30: [0,10) is cleaned up; [20,30) fires
      ev("a", 8, 8), // too late
    ];
    const late = new OutputTag<Ev>("late");
    for (const fast of [true, false]) {
      const env = threadEnv(2);
      const windowed = punctuatedStream(env, events)
        .keyBy((e) => e.key)
        .window(TumblingEventTimeWindows.of(10))
        .allowedLateness(20)
        .sideOutputLateData(late);
      // reduce takes the lean path of the event-time trigger; process keeps a list.
      const result = fast
        ? windowed.reduce((a, b) => ({ key: a.key, value: a.value + b.value, ts: 0 }))
        : windowed.process(new Fired());
      const lateSink = new RecordingSink<Ev>();
      result.getSideOutput(late).sinkTo(lateSink);
      const out = await result.executeAndCollect();
      const sums = fast
        ? (out as Ev[]).map((e) => e.value)
        : (out as [string, number, number, number, number][]).map((t) => t[3]);
      assert.deepEqual(sums, [6, 9, 12, 16, 25, 31], fast ? "reduce" : "process");
      assert.deepEqual(lateSink.all(), [ev("a", 8, 8)]);
    }
  });

  test("no record vanishes: records in = records in windows + late records, at parallelism 1, 2, 4", async () => {
    const events = withStragglers(3000, 5);
    for (const lateness of [0, 40]) {
      const expectedLate = lateOnes(events, 50, lateness);
      assert.ok(expectedLate.length > 20, "the data has late records");
      for (const p of PARALLELISMS) {
        const env = threadEnv(p);
        const tag = new OutputTag<Ev>("late");
        const fired = punctuatedStream(env, events)
          .keyBy((e) => e.key)
          .window(TumblingEventTimeWindows.of(50))
          .allowedLateness(lateness)
          .sideOutputLateData(tag)
          .process(new Fired());
        const lateSink = new RecordingSink<Ev>();
        fired.getSideOutput(tag).sinkTo(lateSink);
        const out = await fired.executeAndCollect();
        // The last firing of each window holds all its elements.
        const last = new Map<string, number>();
        for (const [k, s, , , n] of out) last.set(`${k}@${s}`, n);
        const inWindows = [...last.values()].reduce((a, b) => a + b, 0);
        assert.equal(inWindows + lateSink.all().length, events.length, `p=${p} L=${lateness}`);
        assertSameMultiset(lateSink.all(), expectedLate, `late records p=${p} L=${lateness}`);
      }
    }
  });

  test("without a side output, late records are counted in <operator>.numLateRecordsDropped", async () => {
    const events = withStragglers(2000, 9);
    const expectedLate = lateOnes(events, 50, 0).length;
    const env = threadEnv(2);
    const sink = new RecordingSink<[string, number]>();
    punctuatedStream(env, events)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(50))
      .aggregate<number, number>({
        createAccumulator: () => 0,
        add: (_e, n) => n + 1,
        getResult: (n) => n,
      })
      .name("counting")
      .map((n): [string, number] => ["n", n])
      .sinkTo(sink);
    const result = await env.execute();
    assert.equal(result.getAccumulatorResult("counting.numLateRecordsDropped"), expectedLate);
    const counted = sink.all().reduce((s, t) => s + t[1], 0);
    assert.equal(counted + expectedLate, events.length);
  });

  test("sliding windows: a record is late only when it is late for all its windows", async () => {
    const events = [ev("a", 1, 1), ev("a", 30, 30), ev("a", 22, 22), ev("a", 5, 5)];
    // Windows of 20 every 10: 22 is in [10,30) (late at watermark 29) and [20,40) (on time).
    const tag = new OutputTag<Ev>("late");
    const fired = punctuatedStream(threadEnv(1), events)
      .keyBy((e) => e.key)
      .window(SlidingEventTimeWindows.of(20, 10))
      .sideOutputLateData(tag)
      .process(new Fired());
    const lateSink = new RecordingSink<Ev>();
    fired.getSideOutput(tag).sinkTo(lateSink);
    const out = await fired.executeAndCollect();
    assert.deepEqual(lateSink.all(), [ev("a", 5, 5)]);
    assertSameMultiset(out, [
      ["a", -10, 10, 1, 1],
      ["a", 0, 20, 1, 1],
      ["a", 20, 40, 52, 2],
      ["a", 30, 50, 30, 1],
    ]);
  });
});

describe("session windows and lateness", () => {
  test("a late-but-allowed record bridging two fired sessions re-fires the merged session with the union", async () => {
    const events = [
      ev("a", 1, 0), // session [0,10)
      ev("a", 2, 15), // session [15,25)
      ev("x", 0, 40), // watermark 39: both sessions fire
      ev("a", 4, 7), // [7,17) bridges them: [0,25) fires with 1 + 2 + 4
      ev("a", 8, 200), // watermark 199: [0,25) is cleaned up (24 + 100 < 199)
      ev("a", 16, 20), // too late
    ];
    const tag = new OutputTag<Ev>("late");
    for (const p of [1, 2, 4]) {
      const fired = punctuatedStream(threadEnv(p), events)
        .keyBy((e) => e.key)
        .window(EventTimeSessionWindows.withGap(10))
        .allowedLateness(100)
        .sideOutputLateData(tag)
        .process(new Fired());
      const lateSink = new RecordingSink<Ev>();
      fired.getSideOutput(tag).sinkTo(lateSink);
      const out = await fired.executeAndCollect();
      const a = out.filter((t) => t[0] === "a");
      assert.deepEqual(a, [
        ["a", 0, 10, 1, 1],
        ["a", 15, 25, 2, 1],
        ["a", 0, 25, 7, 3],
        ["a", 200, 210, 8, 1],
      ]);
      assert.deepEqual(lateSink.all(), [ev("a", 16, 20)]);
    }
  });

  test("sessions merge aggregate state (AggregateFunction.merge) across a bridge", async () => {
    const events = [ev("a", 1, 0), ev("a", 2, 15), ev("a", 4, 7), ev("a", 8, 100)];
    const counts = await punctuatedStream(threadEnv(2), events, 50)
      .keyBy((e) => e.key)
      .window(EventTimeSessionWindows.withGap(10))
      .aggregate<[number, number], [number, number]>({
        createAccumulator: () => [0, 0],
        add: (e, a) => [a[0] + e.value, a[1] + 1],
        getResult: (a) => a,
        merge: (x, y) => [x[0] + y[0], x[1] + y[1]],
      })
      .executeAndCollect();
    assertSameMultiset(counts, [
      [7, 3],
      [8, 1],
    ]);
  });
});

describe("window errors", () => {
  test("event-time windows on records without timestamps fail naming the operator", async () => {
    const err = await rejectionOf(
      threadEnv(2)
        .fromCollection([ev("a", 1, 1)])
        .keyBy((e) => e.key)
        .window(TumblingEventTimeWindows.of(10))
        .reduce((a) => a)
        .name("my-window")
        .executeAndCollect(),
    );
    const text = causeChain(err)
      .map((e) => (e instanceof Error ? e.message : String(e)))
      .join("\n");
    assert.match(text, /my-window/);
    assert.match(text, /without timestamp/);
    assert.match(text, /assignTimestampsAndWatermarks/);
  });

  test("an AggregateFunction without merge() on session windows is refused when the job is built", () => {
    const noMerge: AggregateFunction<Ev, number, number> = {
      createAccumulator: () => 0,
      add: (e, a) => a + e.value,
      getResult: (a) => a,
    };
    const windowed = threadEnv(1)
      .fromCollection([ev("a", 1, 1)])
      .keyBy((e) => e.key)
      .window(EventTimeSessionWindows.withGap(10));
    assert.throws(
      () => windowed.aggregate(noMerge),
      (e: unknown) =>
        e instanceof InvalidJobError && /merge\(/.test(e.message) && /session/i.test(e.message),
    );
    // The state layer names the cause too, should such a function reach a merge.
    assert.ok(new AggregatingStateDescriptor("acc", noMerge));
  });

  test("a trigger that cannot merge is refused for session windows; rich reduce functions are refused", () => {
    const windowed = threadEnv(1)
      .fromCollection([ev("a", 1, 1)])
      .keyBy((e) => e.key)
      .window(EventTimeSessionWindows.withGap(10));
    assert.throws(
      () => windowed.trigger(DeltaTrigger.of(1, (a: Ev, b: Ev) => b.value - a.value)),
      /does not support merging/,
    );
    class RichSum extends RichReduceFunction<Ev> {
      reduce(a: Ev): Ev {
        return a;
      }
    }
    const tumbling = threadEnv(1)
      .fromCollection([ev("a", 1, 1)])
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(10));
    assert.throws(() => tumbling.reduce(new RichSum()), /rich function/);
  });
});
