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
  type ManualTimerScheduler,
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

async function moveTo(timers: ManualTimerScheduler, t: number): Promise<void> {
  await settle();
  timers.advanceTo(t);
  await settle();
}

describe("processing-time windows", () => {
  test("tumbling windows fire when the clock passes their end, stamped with end - 1", async () => {
    const { env, timers } = manualClockEnv(2);
    const source = new QueueSource<Pair>();
    const sink = new RecordingSink<Pair>();
    env
      .fromSource(source, WatermarkStrategy.noWatermarks(), "queue")
      .keyBy((p) => p[0])
      .window(TumblingProcessingTimeWindows.of(100))
      .reduce((a, b) => [a[0], a[1] + b[1]])
      .sinkTo(sink);
    const client = await env.executeAsync();
    try {
      await settle();
      source.push(["a", 1], ["b", 2]);
      await moveTo(timers, 50);
      source.push(["a", 3]);
      await moveTo(timers, 98);
      assert.deepEqual(sink.all(), [], "nothing before processing time reaches 99");
      await moveTo(timers, 99);
      assert.deepEqual(sink.all().sort(), [
        ["a", 4],
        ["b", 2],
      ]);
      await moveTo(timers, 120);
      source.push(["a", 5]); // window [100,200)
      await moveTo(timers, 250);
      assert.deepEqual(
        sink.all().filter((p) => p[1] === 5),
        [["a", 5]],
      );
      const timestamps = [...sink.subtasks.values()].flatMap((l) => l.timestamps);
      assert.deepEqual(
        timestamps.sort((x, y) => x! - y!),
        [99, 99, 199],
      );
    } finally {
      source.end();
    }
    await client.getJobExecutionResult();
  });

  test("sliding windows of processing time", async () => {
    const { env, timers } = manualClockEnv(1);
    const source = new QueueSource<Pair>();
    const sink = new RecordingSink<string>();
    env
      .fromSource(source, WatermarkStrategy.noWatermarks(), "queue")
      .keyBy((p) => p[0])
      .window(SlidingProcessingTimeWindows.of(100, 50))
      .process(new Describe())
      .sinkTo(sink);
    const client = await env.executeAsync();
    try {
      await moveTo(timers, 60);
      source.push(["a", 1]); // in [0,100) and [50,150)
      await moveTo(timers, 120);
      source.push(["a", 2]); // in [50,150) and [100,200)
      await moveTo(timers, 300);
      assert.deepEqual(sink.all(), ["a[0,100):1", "a[50,150):1,2", "a[100,200):2"]);
    } finally {
      source.end();
    }
    await client.getJobExecutionResult();
  });

  test("sessions merge while elements come within the gap, and fire after it", async () => {
    const { env, timers } = manualClockEnv(2);
    const source = new QueueSource<Pair>();
    const sink = new RecordingSink<string>();
    env
      .fromSource(source, WatermarkStrategy.noWatermarks(), "queue")
      .keyBy((p) => p[0])
      .window(ProcessingTimeSessionWindows.withGap(100))
      .process(new Describe())
      .sinkTo(sink);
    const client = await env.executeAsync();
    try {
      await settle();
      source.push(["a", 1], ["b", 1]);
      await moveTo(timers, 80);
      source.push(["a", 2]); // [80,180) merges with [0,100)
      await moveTo(timers, 99);
      assert.deepEqual(sink.all(), ["b[0,100):1"]);
      await moveTo(timers, 170);
      source.push(["a", 3]); // [170,270) merges: [0,270)
      await moveTo(timers, 268);
      assert.deepEqual(sink.all(), ["b[0,100):1"]);
      await moveTo(timers, 269);
      assert.deepEqual(sink.all().sort(), ["a[0,270):1,2,3", "b[0,100):1"]);
    } finally {
      source.end();
    }
    await client.getJobExecutionResult();
  });

  test("ContinuousProcessingTimeTrigger fires every interval and at the window end", async () => {
    const { env, timers } = manualClockEnv(1);
    const source = new QueueSource<Pair>();
    const sink = new RecordingSink<string>();
    env
      .fromSource(source, WatermarkStrategy.noWatermarks(), "queue")
      .keyBy((p) => p[0])
      .window(TumblingProcessingTimeWindows.of(100))
      .trigger(ContinuousProcessingTimeTrigger.of(30))
      .process(new Describe())
      .sinkTo(sink);
    const client = await env.executeAsync();
    try {
      await moveTo(timers, 5);
      source.push(["a", 1]);
      await moveTo(timers, 40); // fires at 30
      source.push(["a", 2]);
      await moveTo(timers, 100); // fires at 60, 90 and 99
      assert.deepEqual(sink.all(), ["a[0,100):1", "a[0,100):1,2", "a[0,100):1,2", "a[0,100):1,2"]);
    } finally {
      source.end();
    }
    await client.getJobExecutionResult();
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
