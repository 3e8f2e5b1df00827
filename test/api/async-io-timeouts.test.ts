/**
 * Async I/O on a manual clock and on failure paths: the user's `timeout()` (also while the task
 * waits for its last requests at the end of input), the default timeout failing the job, failed
 * requests failing the job with the operator and the cause, and unordered results never crossing
 * a watermark.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  AsyncDataStream,
  AsyncTimeoutError,
  JobExecutionError,
  ProcessFunction,
  WatermarkStrategy,
  type AsyncFunction,
  type AsyncFunctionLambda,
  type Collector,
  type ProcessContext,
  type ResultFuture,
} from "strom";
import {
  PARALLELISMS,
  QueueSource,
  RecordingSink,
  SubtaskTaggedSource,
  causeChain,
  manualClockEnv,
  rejectionOf,
  settle,
  threadEnv,
  within,
  type Tagged,
} from "./harness.ts";
import { Deferreds, afterHops, hopsFor, inversions } from "./async-io-support.ts";

/** Completes even inputs at once; odd ones wait for the test (or their timeout). */
class EvenNow implements AsyncFunction<number, string> {
  readonly requests: Deferreds<number, string>;
  constructor(requests: Deferreds<number, string>) {
    this.requests = requests;
  }
  asyncInvoke(x: number, future: ResultFuture<string>): void {
    this.requests.add(x, future);
    if (x % 2 === 0) future.complete([`ok ${x}`]);
  }
  timeout(x: number, future: ResultFuture<string>): void {
    future.complete([`timeout ${x}`]);
  }
}

describe("AsyncDataStream timeouts and failures", () => {
  test("a request without result after the timeout goes to the function's timeout()", async () => {
    const { env, timers } = manualClockEnv(1);
    const source = new QueueSource<number>();
    const sink = new RecordingSink<string>();
    const requests = new Deferreds<number, string>();
    const input = env.fromSource(source, WatermarkStrategy.noWatermarks(), "queue");
    AsyncDataStream.orderedWait(input, new EvenNow(requests), 100).sinkTo(sink);
    const done = (await env.executeAsync()).getJobExecutionResult();
    await settle();
    source.push(0, 1, 2, 3, 4);
    await settle();
    assert.deepEqual(sink.all(), ["ok 0"], "ordered: 2 and 4 wait for 1");
    timers.advanceTo(99);
    await settle();
    assert.deepEqual(sink.all(), ["ok 0"], "no timeout before 100 ms");
    timers.advanceTo(100);
    await settle();
    assert.deepEqual(sink.all(), ["ok 0", "timeout 1", "ok 2", "timeout 3", "ok 4"]);
    requests.get(1).complete(["late 1"]);
    requests.get(2).complete(["again 2"]);
    requests.get(3).completeExceptionally(new Error("late failure"));
    source.push(5);
    await settle();
    requests.get(5).complete(["ok 5"]);
    requests.get(5).complete(["twice 5"]);
    source.end();
    await within(done, 10_000, "job end");
    assert.deepEqual(
      sink.all(),
      ["ok 0", "timeout 1", "ok 2", "timeout 3", "ok 4", "ok 5"],
      "late and second completions are ignored",
    );
  });

  test("at the end of input, remaining requests complete or time out before the job ends", async () => {
    for (const ordered of [true, false]) {
      const { env, timers } = manualClockEnv(1);
      const source = new QueueSource<number>();
      const sink = new RecordingSink<string>();
      const requests = new Deferreds<number, string>();
      const fn: AsyncFunction<number, string> = {
        asyncInvoke: (x, future) => requests.add(x, future),
        timeout: (x) => Promise.resolve([`timeout ${x}`]),
      };
      const input = env.fromSource(source, WatermarkStrategy.noWatermarks(), "queue");
      const wait = ordered ? AsyncDataStream.orderedWait : AsyncDataStream.unorderedWait;
      wait(input, fn, 50, 10).sinkTo(sink);
      const done = (await env.executeAsync()).getJobExecutionResult();
      let finished = false;
      void done.then(() => (finished = true));
      await settle();
      source.push(0, 1, 2, 3, 4);
      source.end();
      await settle();
      // The end of input has been read: the task is parked in the operator's finish().
      assert.deepEqual(requests.started, [0, 1, 2, 3, 4]);
      requests.get(1).complete(["ok 1"]);
      await settle();
      if (ordered) assert.deepEqual(sink.all(), []);
      else assert.deepEqual(sink.all(), ["ok 1"], "emitted while the task is finishing");
      requests.get(0).complete(["ok 0"]);
      await settle();
      assert.equal(sink.all().length, 2, "emitted while the task is finishing");
      assert.equal(finished, false, "the job waits for requests 2, 3 and 4");
      requests.get(3).complete(["ok 3"]);
      await settle();
      timers.advanceTo(50);
      await within(done, 10_000, "job end");
      const expected = ["ok 0", "ok 1", "timeout 2", "ok 3", "timeout 4"];
      if (ordered) assert.deepEqual(sink.all(), expected);
      else assert.deepEqual(sink.all(), ["ok 1", "ok 0", "ok 3", "timeout 2", "timeout 4"]);
    }
  });

  test("cancelling the job cancels pending timeouts and ignores late completions", async () => {
    const { env, timers } = manualClockEnv(1);
    const source = new QueueSource<number>();
    const sink = new RecordingSink<string>();
    const requests = new Deferreds<number, string>();
    let timeouts = 0;
    const fn: AsyncFunction<number, string> = {
      asyncInvoke: (x, future) => requests.add(x, future),
      timeout: () => void timeouts++,
    };
    const input = env.fromSource(source, WatermarkStrategy.noWatermarks(), "queue");
    AsyncDataStream.unorderedWait(input, fn, 100).sinkTo(sink);
    const client = await env.executeAsync();
    const done = client.getJobExecutionResult();
    await settle();
    source.push(1, 2);
    await settle();
    assert.deepEqual(requests.started, [1, 2]);
    await client.cancel();
    await within(rejectionOf(done), 10_000, "cancelled job");
    timers.advanceTo(1000);
    requests.get(1).complete(["late"]);
    await settle();
    assert.equal(timeouts, 0, "no timeout() after cancellation");
    assert.deepEqual(sink.all(), []);
  });

  test("without timeout(), a timeout fails the job naming the operator", async () => {
    const { env, timers } = manualClockEnv(1);
    const source = new QueueSource<number>();
    const input = env.fromSource(source, WatermarkStrategy.noWatermarks(), "queue");
    AsyncDataStream.unorderedWait(input, (_x: number, _future: ResultFuture<number>) => {}, 50)
      .name("Slow lookup")
      .sinkTo(new RecordingSink());
    const done = (await env.executeAsync()).getJobExecutionResult();
    await settle();
    source.push(7);
    await settle();
    timers.advanceTo(50);
    const e = await within(rejectionOf(done), 10_000, "job failure");
    assert.ok(e instanceof JobExecutionError, String(e));
    assert.match(e.message, /'Slow lookup'/);
    assert.match(e.message, /subtask 1\/1/);
    assert.match(e.message, /timed out after 50 ms for input 7/);
    assert.ok(causeChain(e).some((c) => c instanceof AsyncTimeoutError));
  });

  test("a failed request fails the job with the operator and the cause", async () => {
    const failures: Record<string, AsyncFunctionLambda<number, number>> = {
      completeExceptionally: (x, f) => {
        if (x === 50) setImmediate(() => f.completeExceptionally(new Error("lookup failed: 50")));
        else f.complete([x]);
      },
      rejectedPromise: async (x) => {
        await afterHops(hopsFor(x), null);
        if (x === 50) throw new Error("lookup failed: 50");
        return [x];
      },
      thrownInInvoke: (x, f) => {
        if (x === 50) throw new Error("lookup failed: 50");
        f.complete([x]);
      },
      notIterable: (x, f) => f.complete((x === 50 ? 5 : [x]) as never),
    };
    for (const p of PARALLELISMS) {
      for (const [how, fn] of Object.entries(failures)) {
        const env = threadEnv(p);
        AsyncDataStream.orderedWait(env.fromSequence(1, 100), fn, 10_000)
          .name("Enrich")
          .sinkTo(new RecordingSink());
        const e = await within(rejectionOf(env.execute()), 10_000, how);
        assert.ok(e instanceof JobExecutionError, `${how}: ${String(e)}`);
        assert.match(e.message, /'Enrich'/, how);
        assert.match(e.message, new RegExp(`subtask \\d/${p}`), how);
        if (how === "notIterable") assert.match(e.message, /iterable of results.*got 5/, how);
        else assert.match(e.message, /lookup failed: 50/, how);
      }
    }
  });

  test("unordered results never cross a watermark", async () => {
    type Seen = { from: number; seq: number; watermark: number };
    class WatermarkAtArrival extends ProcessFunction<Tagged, Seen> {
      processElement(t: Tagged, ctx: ProcessContext, out: Collector<Seen>): void {
        out.collect({ ...t, watermark: ctx.timerService().currentWatermark() });
      }
    }
    for (const p of PARALLELISMS) {
      const env = threadEnv(p);
      const sink = new RecordingSink<Seen>();
      // Timestamp = seq; a watermark after every tenth record.
      const strategy = WatermarkStrategy.forGenerator<Tagged>(() => ({
        onEvent: (_t, ts, out) => {
          if (ts % 10 === 9) out.emitWatermark(ts);
        },
        onPeriodicEmit: () => {},
      })).withTimestampAssigner((t) => t.seq);
      const input = env.fromSource(new SubtaskTaggedSource(500), strategy, "tagged");
      const lookup = async (t: Tagged) => [await afterHops(hopsFor(t.seq), t)];
      AsyncDataStream.unorderedWait(input, lookup, 10_000, 25)
        .process(new WatermarkAtArrival())
        .sinkTo(sink);
      await within(env.execute(), 20_000, `p=${p}`);
      assert.equal(sink.all().length, 500 * p);
      let inverted = 0;
      for (const log of sink.subtasks.values()) {
        for (const r of log.records) {
          assert.ok(r.seq > r.watermark, `p=${p}: ${r.seq} arrived after watermark ${r.watermark}`);
        }
        const seqs = log.records.map((r) => r.seq);
        const segments = seqs.map((s) => Math.floor(s / 10));
        assert.ok(
          segments.every((s, i) => i === 0 || segments[i - 1]! <= s),
          `p=${p}: segments between watermarks stay in order`,
        );
        inverted += inversions(seqs);
      }
      assert.ok(inverted > 0, `p=${p}: results within a segment were reordered`);
    }
  });
});
