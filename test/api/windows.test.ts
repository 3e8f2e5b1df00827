/**
 * Windows: tumbling, sliding, session, global and count windows with reduce, aggregate, apply,
 * process and incremental + process, on keyed and non-keyed streams. Every result is compared
 * with a reference computation, at parallelism 1, 2 and 4, in-order and out-of-order (within the
 * watermark bound), and in STREAMING and BATCH mode.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import {
  Duration,
  EventTimeSessionWindows,
  GlobalWindows,
  ProcessAllWindowFunction,
  ProcessFunction,
  ProcessWindowFunction,
  SlidingEventTimeWindows,
  runJobModule,
  TimeWindow,
  TumblingEventTimeWindows,
  type AggregateFunction,
  type Collector,
  type ProcessAllWindowFunctionContext,
  type ProcessContext,
  type ProcessWindowFunctionContext,
  type RuntimeExecutionMode,
} from "strom";
import { assertSameAtEachParallelism, assertSameMultiset, groupBy, threadEnv } from "./harness.ts";
import {
  eventStream,
  orderedEvents,
  sessionSummaries,
  shuffledWithin,
  slidingSummaries,
  tumblingSummaries,
  windowStart,
  type Ev,
  type Summary,
} from "./windows-support.ts";

/** Sums values and counts events (an AggregateFunction with merge). */
const sumCount: AggregateFunction<Ev, [number, number], [number, number]> = {
  createAccumulator: () => [0, 0],
  add: (e, acc) => [acc[0] + e.value, acc[1] + 1],
  getResult: (acc) => acc,
  merge: (a, b) => [a[0] + b[0], a[1] + b[1]],
};

/** Emits `[key, start, end, sum, count]` for the one pre-aggregated `[sum, count]` it receives. */
class Summarize extends ProcessWindowFunction<[number, number], Summary, string, TimeWindow> {
  process(
    key: string,
    ctx: ProcessWindowFunctionContext<TimeWindow>,
    elements: Iterable<[number, number]>,
    out: Collector<Summary>,
  ): void {
    const all = [...elements];
    assert.equal(all.length, 1, "an incremental window function gets exactly one value");
    const [sum, count] = all[0]!;
    out.collect([key, ctx.window().start, ctx.window().end, sum, count]);
  }
}

/** Emits `[key, start, end, sum, count]` over all elements of the window. */
class SummarizeAll extends ProcessWindowFunction<Ev, Summary, string, TimeWindow> {
  process(
    key: string,
    ctx: ProcessWindowFunctionContext<TimeWindow>,
    elements: Iterable<Ev>,
    out: Collector<Summary>,
  ): void {
    let sum = 0;
    let count = 0;
    for (const e of elements) {
      assert.equal(e.key, key);
      sum += e.value;
      count++;
    }
    out.collect([key, ctx.window().start, ctx.window().end, sum, count]);
  }
}

const EVENTS = orderedEvents(2000, 13, 5, 7);
const BOUND = 40;
const SHUFFLED = shuffledWithin(EVENTS, BOUND, 3);

describe("window assignment", () => {
  test("window starts are aligned to the epoch (plus offset), also for negative timestamps", () => {
    assert.equal(TimeWindow.getWindowStartWithOffset(7, 0, 5), 5);
    assert.equal(TimeWindow.getWindowStartWithOffset(-1, 0, 5), -5);
    assert.equal(TimeWindow.getWindowStartWithOffset(-5, 0, 5), -5);
    assert.equal(TimeWindow.getWindowStartWithOffset(-6, 0, 5), -10);
    assert.equal(TimeWindow.getWindowStartWithOffset(-7, 2, 5), -8);
    assert.equal(TimeWindow.getWindowStartWithOffset(1, 2, 5), -3);
    for (let ts = -50; ts < 50; ts++) {
      const s = TimeWindow.getWindowStartWithOffset(ts, 3, 10);
      assert.ok(s <= ts && ts < s + 10 && (((s - 3) % 10) + 10) % 10 === 0, `ts ${ts}`);
    }
    const w = TumblingEventTimeWindows.of(Duration.ofSeconds(1)).assignWindows(null, -1, {
      getCurrentProcessingTime: () => 0,
    });
    assert.deepEqual(
      w.map((x) => [x.start, x.end, x.maxTimestamp()]),
      [[-1000, 0, -1]],
    );
  });

  test("sliding windows: every window containing the timestamp, latest first", () => {
    const ws = SlidingEventTimeWindows.of(10, 5).assignWindows(null, 12, {
      getCurrentProcessingTime: () => 0,
    });
    assert.deepEqual(
      ws.map((w) => [w.start, w.end]),
      [
        [10, 20],
        [5, 15],
      ],
    );
  });

  test("TimeWindow helpers: intersects, cover, mergeWindows", () => {
    const a = new TimeWindow(0, 10);
    assert.ok(a.intersects(new TimeWindow(10, 20)), "touching windows intersect");
    assert.ok(!a.intersects(new TimeWindow(11, 20)));
    assert.deepEqual(a.cover(new TimeWindow(5, 30)), new TimeWindow(0, 30));
    const merges: [TimeWindow[], TimeWindow][] = [];
    TimeWindow.mergeWindows(
      [new TimeWindow(20, 25), new TimeWindow(0, 5), new TimeWindow(4, 8), new TimeWindow(40, 45)],
      { merge: (ws, r) => merges.push([ws, r]) },
    );
    assert.equal(merges.length, 1);
    assert.equal(merges[0]![1].toString(), "TimeWindow{start=0, end=8}");
  });

  test("invalid parameters are refused", () => {
    assert.throws(() => TumblingEventTimeWindows.of(0), /size/);
    assert.throws(() => TumblingEventTimeWindows.of(10, 10), /abs\(offset\) < size/);
    assert.throws(() => SlidingEventTimeWindows.of(10, 0), /slide/);
    assert.throws(() => EventTimeSessionWindows.withGap(0), /gap/);
  });
});

describe("tumbling event-time windows", () => {
  const expected = tumblingSummaries(EVENTS, 100);

  test("reduce: one result per key and window, the same at parallelism 1, 2, 4", async () => {
    const sums = await assertSameAtEachParallelism(
      (p) =>
        eventStream(threadEnv(p), SHUFFLED, BOUND)
          .keyBy((e) => e.key)
          .window(TumblingEventTimeWindows.of(Duration.ofMillis(100)))
          .reduce((a, b) => ({ key: a.key, value: a.value + b.value, ts: Math.max(a.ts, b.ts) }))
          .map((e): [string, number, number] => [e.key, windowStart(e.ts, 100), e.value])
          .executeAndCollect(),
      expected.map(([k, s, , sum]): [string, number, number] => [k, s, sum]),
    );
    assert.equal(sums.get(1)!.length, expected.length);
  });

  test("out-of-order input within the bound gives the same windows as in-order input", async () => {
    const run = (events: readonly Ev[]) =>
      eventStream(threadEnv(2), events, BOUND)
        .keyBy((e) => e.key)
        .window(TumblingEventTimeWindows.of(100))
        .process(new SummarizeAll())
        .executeAndCollect();
    const inOrder = await run(EVENTS);
    const outOfOrder = await run(SHUFFLED);
    assertSameMultiset(inOrder, expected);
    assertSameMultiset(outOfOrder, inOrder);
  });

  test("aggregate + ProcessWindowFunction: the function gets exactly the one aggregate", async () => {
    await assertSameAtEachParallelism(
      (p) =>
        eventStream(threadEnv(p), SHUFFLED, BOUND)
          .keyBy((e) => e.key)
          .window(TumblingEventTimeWindows.of(100))
          .aggregate(sumCount, new Summarize())
          .executeAndCollect(),
      expected,
    );
  });

  test("reduce + WindowFunction lambda gets the one reduced value with key and window", async () => {
    const out = await eventStream(threadEnv(2), SHUFFLED, BOUND)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(100))
      .reduce(
        (a, b) => ({ key: a.key, value: a.value + b.value, ts: 0 }),
        (key: string, w: TimeWindow, input: Iterable<Ev>, out: Collector<Summary>) => {
          const all = [...input];
          assert.equal(all.length, 1);
          out.collect([key, w.start, w.end, all[0]!.value, 0]);
        },
      )
      .executeAndCollect();
    assertSameMultiset(
      out,
      expected.map(([k, s, e, sum]): Summary => [k, s, e, sum, 0]),
    );
  });

  test("apply: a WindowFunction object over all elements", async () => {
    const out = await eventStream(threadEnv(3), SHUFFLED, BOUND)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(100))
      .apply({
        apply(key: string, w: TimeWindow, input: Iterable<Ev>, out: Collector<Summary>) {
          const list = [...input];
          out.collect([key, w.start, w.end, list.reduce((s, e) => s + e.value, 0), list.length]);
        },
      })
      .executeAndCollect();
    assertSameMultiset(out, expected);
  });

  test("results carry the window's max timestamp (end - 1)", async () => {
    const out = await eventStream(threadEnv(2), EVENTS, 0)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(100))
      .aggregate(sumCount, new Summarize())
      .process(
        new (class extends ProcessFunction<Summary, [number, number | null]> {
          processElement(s: Summary, ctx: ProcessContext, out: Collector<[number, number | null]>) {
            out.collect([s[2], ctx.timestamp()]);
          }
        })(),
      )
      .executeAndCollect();
    assert.ok(out.length > 0);
    for (const [end, ts] of out) assert.equal(ts, end - 1);
  });

  test("STREAMING and BATCH give the same results on bounded input", async () => {
    const run = (mode: RuntimeExecutionMode) =>
      eventStream(threadEnv(2, { runtimeMode: mode }), SHUFFLED, BOUND)
        .keyBy((e) => e.key)
        .window(TumblingEventTimeWindows.of(100, 30))
        .process(new SummarizeAll())
        .executeAndCollect();
    const streaming = await run("STREAMING");
    const batch = await run("BATCH");
    assert.ok(streaming.length > 0);
    assertSameMultiset(batch, streaming);
    for (const s of streaming) assert.equal((((s[1] - 30) % 100) + 100) % 100, 0, "offset 30");
    // Sliding and session windows too.
    const events = SHUFFLED.map((e) => ({ ...e, ts: e.ts * 2 }));
    const runAll = async (mode: RuntimeExecutionMode) => [
      ...(await eventStream(threadEnv(2, { runtimeMode: mode }), events, 2 * BOUND)
        .keyBy((e) => e.key)
        .window(SlidingEventTimeWindows.of(100, 40))
        .aggregate(sumCount, new Summarize())
        .executeAndCollect()),
      ...(await eventStream(threadEnv(2, { runtimeMode: mode }), events, 2 * BOUND)
        .keyBy((e) => e.key)
        .window(EventTimeSessionWindows.withGap(31))
        .aggregate(sumCount, new Summarize())
        .executeAndCollect()),
    ];
    const all = await runAll("STREAMING");
    assert.ok(all.length > 0);
    assertSameMultiset(await runAll("BATCH"), all);
  });

  test("sum, min, max, minBy, maxBy per window", async () => {
    const env = threadEnv(2);
    const stream = eventStream(env, EVENTS, 0)
      .map((e): [string, number, number] => [e.key, e.value, e.ts])
      .keyBy((t) => t[0])
      .window(TumblingEventTimeWindows.of(100));
    const sums = await stream.sum(1).executeAndCollect();
    const groups = groupBy(EVENTS, (e) => `${e.key}@${windowStart(e.ts, 100)}`);
    assertSameMultiset(
      sums.map((t) => [t[0], t[1]]),
      [...groups.values()].map((l) => [l[0]!.key, l.reduce((s, e) => s + e.value, 0)]),
    );
    const maxBys = await eventStream(threadEnv(2), EVENTS, 0)
      .map((e): [string, number, number] => [e.key, e.value, e.ts])
      .keyBy((t) => t[0])
      .window(TumblingEventTimeWindows.of(100))
      .maxBy(1)
      .executeAndCollect();
    // (Ties may pick either element: the source is parallel, so compare key and value.)
    assertSameMultiset(
      maxBys.map((t) => [t[0], t[1]]),
      [...groups.values()].map((l) => [l[0]!.key, Math.max(...l.map((e) => e.value))]),
    );
    const mins = await eventStream(threadEnv(1), EVENTS, 0)
      .map((e): [string, number, number] => [e.key, e.value, e.ts])
      .keyBy((t) => t[0])
      .window(TumblingEventTimeWindows.of(100))
      .min(1)
      .executeAndCollect();
    assertSameMultiset(
      mins.map((t) => [t[0], t[1]]),
      [...groups.values()].map((l) => [l[0]!.key, Math.min(...l.map((e) => e.value))]),
    );
  });
});

describe("sliding and session windows", () => {
  test("sliding windows: every window a record belongs to, at parallelism 1, 2, 4", async () => {
    await assertSameAtEachParallelism(
      (p) =>
        eventStream(threadEnv(p), SHUFFLED, BOUND)
          .keyBy((e) => e.key)
          .window(SlidingEventTimeWindows.of(Duration.ofMillis(100), Duration.ofMillis(30)))
          .aggregate(sumCount, new Summarize())
          .executeAndCollect(),
      slidingSummaries(EVENTS, 100, 30),
    );
  });

  test("session windows merge per key (reduce, aggregate, process) at parallelism 1, 2, 4", async () => {
    // Even timestamps and an odd gap: no element ever exactly touches a session already fired.
    const events = orderedEvents(1500, 7, 30, 11).map((e) => ({ ...e, ts: e.ts * 2 }));
    const shuffled = shuffledWithin(events, 20, 5);
    const expected = sessionSummaries(events, 61);
    await assertSameAtEachParallelism(
      (p) =>
        eventStream(threadEnv(p), shuffled, 20)
          .keyBy((e) => e.key)
          .window(EventTimeSessionWindows.withGap(61))
          .process(new SummarizeAll())
          .executeAndCollect(),
      expected,
    );
    await assertSameAtEachParallelism(
      (p) =>
        eventStream(threadEnv(p), shuffled, 20)
          .keyBy((e) => e.key)
          .window(EventTimeSessionWindows.withGap(61))
          .aggregate(sumCount, new Summarize())
          .executeAndCollect(),
      expected,
    );
    const sums = await eventStream(threadEnv(2), shuffled, 20)
      .keyBy((e) => e.key)
      .window(EventTimeSessionWindows.withGap(61))
      .reduce((a, b) => ({ key: a.key, value: a.value + b.value, ts: Math.min(a.ts, b.ts) }))
      .executeAndCollect();
    assertSameMultiset(
      sums.map((e) => [e.key, e.ts, e.value]),
      expected.map(([k, s, , sum]) => [k, s, sum]),
    );
  });

  test("dynamic session gaps", async () => {
    const events: Ev[] = [
      { key: "a", value: 1, ts: 0 },
      { key: "a", value: 2, ts: 8 }, // gap of value 1 is 5: new session
      { key: "a", value: 3, ts: 30 }, // gap of value 2 is 50: joins
      { key: "b", value: 1, ts: 3 },
    ];
    const out = await eventStream(threadEnv(2), events, 0)
      .keyBy((e) => e.key)
      .window(EventTimeSessionWindows.withDynamicGap<Ev>((e) => (e.value === 2 ? 50 : 5)))
      .process(new SummarizeAll())
      .executeAndCollect();
    assertSameMultiset(out, [
      ["a", 0, 5, 1, 1],
      ["a", 8, 58, 5, 2],
      ["b", 3, 8, 1, 1],
    ]);
  });
});

describe("global and count windows", () => {
  const pairs = Array.from({ length: 103 }, (_, i): [string, number] => [`k${i % 3}`, i]);

  test("countWindow(size): tumbling count windows per key; a partial last window never fires", async () => {
    await assertSameAtEachParallelism(
      (p) => {
        const env = threadEnv(p);
        return env
          .fromCollection(pairs)
          .setParallelism(1)
          .keyBy((t) => t[0])
          .countWindow(5)
          .reduce((a, b) => [a[0], a[1] + b[1]])
          .executeAndCollect();
      },
      [...groupBy(pairs, (t) => t[0]).values()].flatMap((list) => {
        const out: [string, number][] = [];
        for (let i = 0; i + 5 <= list.length; i += 5)
          out.push([list[0]![0], list.slice(i, i + 5).reduce((s, t) => s + t[1], 0)]);
        return out;
      }),
    );
  });

  test("countWindow(size, slide): the last `size` elements every `slide` elements", async () => {
    const out = await threadEnv(2)
      .fromCollection(pairs)
      .setParallelism(1)
      .keyBy((t) => t[0])
      .countWindow(4, 2)
      .apply((key: string, _w, input: Iterable<[string, number]>, out: Collector<string>) =>
        out.collect(`${key}:${[...input].map((t) => t[1]).join(",")}`),
      )
      .executeAndCollect();
    const expected: string[] = [];
    for (const list of groupBy(pairs, (t) => t[0]).values()) {
      for (let n = 2; n <= list.length; n += 2)
        expected.push(
          `${list[0]![0]}:${list
            .slice(Math.max(0, n - 4), n)
            .map((t) => t[1])
            .join(",")}`,
        );
    }
    assertSameMultiset(out, expected);
  });

  test("GlobalWindows.create() never fires by default; createWithEndOfStreamTrigger fires at the end", async () => {
    const never = await threadEnv(2)
      .fromCollection(pairs)
      .keyBy((t) => t[0])
      .window(GlobalWindows.create())
      .reduce((a, b) => [a[0], a[1] + b[1]])
      .executeAndCollect();
    assert.deepEqual(never, []);
    const atEnd = await threadEnv(2)
      .fromCollection(pairs)
      .keyBy((t) => t[0])
      .window(GlobalWindows.createWithEndOfStreamTrigger())
      .reduce((a, b) => [a[0], a[1] + b[1]])
      .executeAndCollect();
    assertSameMultiset(
      atEnd,
      [...groupBy(pairs, (t) => t[0]).values()].map((l) => [
        l[0]![0],
        l.reduce((s, t) => s + t[1], 0),
      ]),
    );
  });
});

describe("windowAll", () => {
  test("tumbling windows over the whole stream run with parallelism 1", async () => {
    const expected = [...groupBy(EVENTS, (e) => windowStart(e.ts, 100)).entries()].map(
      ([start, l]) => [start, l.reduce((s, e) => s + e.value, 0)],
    );
    for (const p of [1, 3]) {
      const env = threadEnv(p);
      const windowed = eventStream(env, SHUFFLED, BOUND)
        .windowAll(TumblingEventTimeWindows.of(100))
        .process(
          new (class extends ProcessAllWindowFunction<Ev, [number, number], TimeWindow> {
            process(
              ctx: ProcessAllWindowFunctionContext<TimeWindow>,
              els: Iterable<Ev>,
              out: Collector<[number, number]>,
            ) {
              let s = 0;
              for (const e of els) s += e.value;
              out.collect([ctx.window().start, s]);
            }
          })(),
        );
      assert.equal(windowed.getParallelism(), 1);
      assertSameMultiset(await windowed.executeAndCollect(), expected);
    }
  });

  test("windowAll aggregate with an AllWindowFunction lambda, and countWindowAll", async () => {
    const out = await eventStream(threadEnv(2), SHUFFLED, BOUND)
      .windowAll(TumblingEventTimeWindows.of(500))
      .aggregate(
        sumCount,
        (w: TimeWindow, vals: Iterable<[number, number]>, o: Collector<string>) =>
          o.collect(`${w.start}:${[...vals][0]![1]}`),
      )
      .executeAndCollect();
    const counts = groupBy(EVENTS, (e) => windowStart(e.ts, 500));
    assertSameMultiset(
      out,
      [...counts.entries()].map(([s, l]) => `${s}:${l.length}`),
    );
    const batches = await threadEnv(2)
      .fromSequence(1, 100)
      .countWindowAll(10)
      .reduce((a, b) => a + b)
      .executeAndCollect();
    assert.equal(batches.length, 10);
    assert.equal(
      batches.reduce((a, b) => a + b, 0),
      5050,
    );
  });
});

describe("windows on worker threads", () => {
  test("sessions and late side output give the reference results at parallelism 2", async () => {
    const path = fileURLToPath(new URL("../fixtures/jobs/windows-local.ts", import.meta.url));
    const mod = await runJobModule<{ sessions: string[]; tumbling: number }>(path, {
      parallelism: 2,
    });
    const events: Ev[] = Array.from({ length: 600 }, (_, i) => ({
      key: `k${i % 5}`,
      value: i,
      ts: i % 50 === 49 ? i * 10 - 500 : i * 10 + (i % 7) * 20,
    }));
    const onTime = events.filter((_, i) => i % 50 !== 49);
    assertSameMultiset(
      mod.sessions,
      sessionSummaries(onTime, 100).map(([k, s, e, sum, n]) => `${k}[${s},${e}) ${sum}/${n}`),
    );
    assert.equal(mod.tumbling, (599 * 600) / 2, "every value once: in a window or late");
  });
});
