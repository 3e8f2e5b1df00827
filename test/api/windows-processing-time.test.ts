/**
 * Processing-time windows on a manual clock (no sleeping): tumbling and sliding windows fire when
 * the clock passes their end, sessions merge and close after the gap, the continuous
 * processing-time trigger fires periodically, and in BATCH mode pending processing-time windows
 * fire at the end of input.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  ContinuousProcessingTimeTrigger,
  ProcessingTimeSessionWindows,
  ProcessWindowFunction,
  SlidingProcessingTimeWindows,
  TumblingProcessingTimeWindows,
  WatermarkStrategy,
  type Collector,
  type DataStream,
  type KeyedStream,
  type ProcessWindowFunctionContext,
  type TimeWindow,
} from "strom";
import { QueueSource, RecordingSink, manualClockEnv, settle } from "./harness.ts";

type Pair = [string, number];

/** Emits `key[start,end):values` per firing. */
class Describe extends ProcessWindowFunction<Pair, string, string, TimeWindow> {
  process(
    key: string,
    ctx: ProcessWindowFunctionContext<TimeWindow>,
    els: Iterable<Pair>,
    out: Collector<string>,
  ) {
    const w = ctx.window();
    out.collect(`${key}[${w.start},${w.end}):${[...els].map((p) => p[1]).join(",")}`);
  }
}

/** What a {@link runWindowed} job's steps drive: the source, the sink and the manual clock. */
interface Driver<R> {
  source: QueueSource<Pair>;
  sink: RecordingSink<R>;
  /** Lets the job run, moves the clock to `t`, and lets it run again. */
  moveTo(t: number): Promise<void>;
}

/**
 * Runs `window` over a keyed (by `p[0]`) queue source on a manual clock at `parallelism`, with
 * `steps` pushing records, moving the clock and checking the sink; then ends the source.
 */
async function runWindowed<R>(
  parallelism: number,
  window: (keyed: KeyedStream<Pair, string>) => DataStream<R>,
  steps: (d: Driver<R>) => Promise<void>,
): Promise<void> {
  const { env, timers } = manualClockEnv(parallelism);
  const source = new QueueSource<Pair>();
  const sink = new RecordingSink<R>();
  window(
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "queue").keyBy((p) => p[0]),
  ).sinkTo(sink);
  const client = await env.executeAsync();
  const moveTo = async (t: number): Promise<void> => {
    await settle();
    timers.advanceTo(t);
    await settle();
  };
  try {
    await steps({ source, sink, moveTo });
  } finally {
    source.end();
  }
  await client.getJobExecutionResult();
}

describe("processing-time windows", () => {
  test("tumbling windows fire when the clock passes their end, stamped with end - 1", async () => {
    const window = (keyed: KeyedStream<Pair, string>) =>
      keyed
        .window(TumblingProcessingTimeWindows.of(100))
        .reduce((a, b): Pair => [a[0], a[1] + b[1]]);
    await runWindowed(2, window, async ({ source, sink, moveTo }) => {
      await settle();
      source.push(["a", 1], ["b", 2]);
      await moveTo(50);
      source.push(["a", 3]);
      await moveTo(98);
      assert.deepEqual(sink.all(), [], "nothing before processing time reaches 99");
      await moveTo(99);
      assert.deepEqual(sink.all().sort(), [
        ["a", 4],
        ["b", 2],
      ]);
      await moveTo(120);
      source.push(["a", 5]); // window [100,200)
      await moveTo(250);
      assert.deepEqual(
        sink.all().filter((p) => p[1] === 5),
        [["a", 5]],
      );
      const timestamps = [...sink.subtasks.values()].flatMap((l) => l.timestamps);
      assert.deepEqual(
        timestamps.sort((x, y) => x! - y!),
        [99, 99, 199],
      );
    });
  });

  test("sliding windows of processing time", async () => {
    const window = (keyed: KeyedStream<Pair, string>) =>
      keyed.window(SlidingProcessingTimeWindows.of(100, 50)).process(new Describe());
    await runWindowed(1, window, async ({ source, sink, moveTo }) => {
      await moveTo(60);
      source.push(["a", 1]); // in [0,100) and [50,150)
      await moveTo(120);
      source.push(["a", 2]); // in [50,150) and [100,200)
      await moveTo(300);
      assert.deepEqual(sink.all(), ["a[0,100):1", "a[50,150):1,2", "a[100,200):2"]);
    });
  });

  test("sessions merge while elements come within the gap, and fire after it", async () => {
    const window = (keyed: KeyedStream<Pair, string>) =>
      keyed.window(ProcessingTimeSessionWindows.withGap(100)).process(new Describe());
    await runWindowed(2, window, async ({ source, sink, moveTo }) => {
      await settle();
      source.push(["a", 1], ["b", 1]);
      await moveTo(80);
      source.push(["a", 2]); // [80,180) merges with [0,100)
      await moveTo(99);
      assert.deepEqual(sink.all(), ["b[0,100):1"]);
      await moveTo(170);
      source.push(["a", 3]); // [170,270) merges: [0,270)
      await moveTo(268);
      assert.deepEqual(sink.all(), ["b[0,100):1"]);
      await moveTo(269);
      assert.deepEqual(sink.all().sort(), ["a[0,270):1,2,3", "b[0,100):1"]);
    });
  });

  test("ContinuousProcessingTimeTrigger fires every interval and at the window end", async () => {
    const window = (keyed: KeyedStream<Pair, string>) =>
      keyed
        .window(TumblingProcessingTimeWindows.of(100))
        .trigger(ContinuousProcessingTimeTrigger.of(30))
        .process(new Describe());
    await runWindowed(1, window, async ({ source, sink, moveTo }) => {
      await moveTo(5);
      source.push(["a", 1]);
      await moveTo(40); // fires at 30
      source.push(["a", 2]);
      await moveTo(100); // fires at 60, 90 and 99
      assert.deepEqual(sink.all(), ["a[0,100):1", "a[0,100):1,2", "a[0,100):1,2", "a[0,100):1,2"]);
    });
  });

  test("BATCH mode: pending processing-time windows fire at the end of input", async () => {
    const { env } = manualClockEnv(2, { runtimeMode: "BATCH" });
    const pairs: Pair[] = Array.from({ length: 50 }, (_, i) => [`k${i % 4}`, i]);
    const out = await env
      .fromCollection(pairs)
      .keyBy((p) => p[0])
      .window(TumblingProcessingTimeWindows.of(1000))
      .reduce((a, b) => [a[0], a[1] + b[1]])
      .executeAndCollect();
    const expected = new Map<string, number>();
    for (const [k, v] of pairs) expected.set(k, (expected.get(k) ?? 0) + v);
    assert.deepEqual(new Map(out), expected);
  });
});
