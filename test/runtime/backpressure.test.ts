/**
 * Credit-based flow control on the in-thread target: a fast source in front of a slow sink is
 * throttled, so memory and the number of in-flight records stay bounded; cancelling such a job
 * through its JobClient stops it and rejects its result with JobCancelledError.
 */
import { test } from "node:test";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import assert from "node:assert/strict";
import {
  DataGeneratorSource,
  JobCancelledError,
  WatermarkStrategy,
  type Collector,
  type ExecutionConfig,
  type Sink,
  type SinkWriter,
} from "strom";
import { rejectionOf, threadEnv, waitUntil, within } from "../api/harness.ts";

const MiB = 1024 * 1024;

interface Event {
  id: number;
  payload: string;
}

/** A sink whose writer spends `micros` µs of CPU per record. */
class SlowSink implements Sink<Event> {
  consumed = 0;
  private readonly micros: number;
  private readonly seen: Set<number> | null;
  constructor(micros: number, seen: Set<number> | null = null) {
    this.micros = micros;
    this.seen = seen;
  }
  createWriter(): SinkWriter<Event> {
    return {
      write: (e) => {
        const until = performance.now() + this.micros / 1000;
        while (performance.now() < until) {
          // busy wait: a deliberately slow consumer
        }
        this.seen?.add(e.id);
        this.consumed++;
      },
      flush() {},
    };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Records each source record turns into (chained with the source), so producers outpace consumers. */
const FAN_OUT = 20;
/** Most records a DataGeneratorSource reader emits per poll. */
const SOURCE_POLL = 256;

/**
 * A full garbage collection, so heap samples measure what is retained (V8 may otherwise postpone
 * major collections and let garbage pile up while the event loop is this busy).
 */
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

function liveHeap(): number {
  gc();
  return process.memoryUsage().heapUsed;
}

interface BackpressureRun {
  maxHeapGrowth: number;
  maxInFlight: number;
  emittedAtCancel: number;
  consumedAtCancel: number;
}

/**
 * Runs an unbounded generator -> fan-out -> keyBy -> slow sink job at parallelism 2 for `ms`,
 * sampling the live heap, then cancels it through its JobClient and checks that the result
 * rejects with JobCancelledError and that nothing runs afterwards.
 */
async function runBackpressured(
  ms: number,
  options: Partial<ExecutionConfig> = {},
): Promise<BackpressureRun> {
  // The in-thread scheduler gives every task the same number of input records per turn; the
  // chained fan-out makes the producing task emit far more per turn than the sink task may take,
  // so only credit-based flow control keeps the queues bounded.
  let generated = 0;
  let emitted = 0;
  let maxInFlight = 0;
  const sink = new SlowSink(20);
  const env = threadEnv(2, options);
  env
    .fromSource(
      new DataGeneratorSource((i) => {
        generated++;
        return i;
      }, Infinity),
      WatermarkStrategy.noWatermarks(),
      "fast",
    )
    .flatMap((i: number, out: Collector<Event>) => {
      for (let k = 0; k < FAN_OUT; k++) {
        const id = i * FAN_OUT + k;
        out.collect({ id, payload: `${id}`.padStart(64, "#") });
        emitted++;
        maxInFlight = Math.max(maxInFlight, emitted - sink.consumed);
      }
    })
    .keyBy((e) => e.id % 97)
    .sinkTo(sink)
    .name("slow");

  const baseline = liveHeap();
  let maxHeap = baseline;
  const sampler = setInterval(() => {
    maxHeap = Math.max(maxHeap, liveHeap());
  }, 100);
  const client = await env.executeAsync("backpressure");
  try {
    // Wait for the pipeline to fill up, then let it run.
    await waitUntil(() => sink.consumed > 1000, 10_000, "the sink to consume");
    await sleep(ms);
    maxHeap = Math.max(maxHeap, liveHeap());
  } finally {
    clearInterval(sampler);
  }
  const emittedAtCancel = emitted;
  const consumedAtCancel = sink.consumed;
  await within(client.cancel(), 5_000, "cancel()");
  const e = await within(rejectionOf(client.getJobExecutionResult()), 5_000, "the job result");
  assert.ok(e instanceof JobCancelledError, `expected JobCancelledError, got ${String(e)}`);
  assert.match(e.message, /backpressure/);
  assert.equal(emitted, generated * FAN_OUT);
  assert.ok(consumedAtCancel > 10_000, `the sink made progress (${consumedAtCancel})`);

  // Once cancelled, nothing runs any more.
  const [g, c] = [generated, sink.consumed];
  await sleep(100);
  assert.equal(generated, g, "the source stopped");
  assert.equal(sink.consumed, c, "the sink stopped");
  return { maxHeapGrowth: maxHeap - baseline, maxInFlight, emittedAtCancel, consumedAtCancel };
}

test("a fast unbounded source is throttled by a slow sink: bounded heap and in-flight records", async () => {
  const run = await runBackpressured(2000);
  assert.ok(
    run.maxHeapGrowth < 64 * MiB,
    `the live heap grew by ${(run.maxHeapGrowth / MiB).toFixed(1)} MiB`,
  );
  // What credit-based flow control allows with the default network settings: per channel (2 x 2
  // of them) the granted batches plus the one being filled, plus one source poll per producer.
  const { bufferRecords, channelCredits } = threadEnv(1).getConfig();
  const bound = 4 * (channelCredits + 1) * bufferRecords + 2 * SOURCE_POLL * FAN_OUT;
  assert.ok(
    run.maxInFlight <= bound,
    `up to ${run.maxInFlight} records in flight (bound ${bound})`,
  );
  assert.ok(
    run.emittedAtCancel <= run.consumedAtCancel + bound,
    `emitted ${run.emittedAtCancel}, consumed ${run.consumedAtCancel}`,
  );
});

test("with smaller network buffers fewer than 50,000 records are ever in flight", async () => {
  const run = await runBackpressured(1000, { bufferRecords: 1024, channelCredits: 4 });
  assert.ok(run.maxInFlight < 50_000, `up to ${run.maxInFlight} records in flight`);
  assert.ok(
    run.emittedAtCancel < run.consumedAtCancel + 50_000,
    `emitted ${run.emittedAtCancel}, consumed ${run.consumedAtCancel}`,
  );
  assert.ok(
    run.maxHeapGrowth < 64 * MiB,
    `the live heap grew by ${(run.maxHeapGrowth / MiB).toFixed(1)} MiB`,
  );
});

test("a bounded job behind a slow sink delivers every record exactly once", async () => {
  for (const p of [1, 2, 4]) {
    let produced = 0;
    const seen = new Set<number>();
    const sink = new SlowSink(3, seen);
    let maxInFlight = 0;
    const env = threadEnv(p);
    env
      .fromSource(
        new DataGeneratorSource((i): Event => {
          produced++;
          maxInFlight = Math.max(maxInFlight, produced - sink.consumed);
          return { id: i, payload: "" };
        }, 60_000),
        WatermarkStrategy.noWatermarks(),
        "bounded",
      )
      .rebalance()
      .map((e) => e)
      .keyBy((e) => e.id % 13)
      .sinkTo(sink);
    await within(env.execute(), 30_000, `job at parallelism ${p}`);
    assert.equal(sink.consumed, 60_000);
    assert.equal(seen.size, 60_000, "no record lost or duplicated");
    assert.ok(maxInFlight < 50_000, `up to ${maxInFlight} records in flight at ${p}`);
  }
});

test("cancelling before the job produced anything, and cancelling twice, are fine", async () => {
  const env = threadEnv(2);
  env
    .fromSource(new DataGeneratorSource((i) => i, Infinity), WatermarkStrategy.noWatermarks(), "g")
    .rebalance()
    .sinkTo(() => {});
  const client = await env.executeAsync("cancel-early");
  await client.cancel();
  await client.cancel();
  await assert.rejects(client.getJobExecutionResult(), JobCancelledError);
});
