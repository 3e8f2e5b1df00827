/**
 * Job lifecycle on the in-thread target: concurrent jobs in one thread, sink writer lifecycle on
 * success and on cancellation, and the JobClient.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DataGeneratorSource,
  JobCancelledError,
  JobExecutionError,
  JobExecutionResult,
  WatermarkStrategy,
} from "strom";
import {
  PARALLELISMS,
  RecordingSink,
  assertSameMultiset,
  rejectionOf,
  threadEnv,
  waitUntil,
  within,
} from "../api/harness.ts";

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

test("jobs running at the same time in one thread keep their records apart", async () => {
  const jobs = PARALLELISMS.map(async (p) => {
    const env = threadEnv(p);
    const out = await env
      .fromSequence(1, 20_000)
      .map((x): [number, number] => [x % 17, x * p])
      .rebalance()
      .keyBy((t) => t[0])
      .reduce((a, b) => [a[0], a[1] + b[1]])
      .executeAndCollect(`concurrent-${p}`);
    return [p, out] as const;
  });
  for (const [p, out] of await within(Promise.all(jobs), 30_000, "concurrent jobs")) {
    assert.equal(out.length, 20_000, `one running result per record at ${p}`);
    // Running sums of positive values grow: the largest per key is the key's total.
    const largest = new Map<number, number>();
    for (const [k, v] of out) largest.set(k, Math.max(largest.get(k) ?? 0, v));
    const totals = new Map<number, number>();
    for (let x = 1; x <= 20_000; x++) totals.set(x % 17, (totals.get(x % 17) ?? 0) + x * p);
    assert.deepEqual(largest, totals, `totals of job ${p}`);
  }
});

test("a failing job does not disturb another job running in the same thread", async () => {
  const good = threadEnv(2);
  const goodSink = new RecordingSink<number>();
  good
    .fromSequence(1, 50_000)
    .rebalance()
    .map((x) => x + 1)
    .sinkTo(goodSink);
  const bad = threadEnv(2);
  bad
    .fromSequence(1, 50_000)
    .rebalance()
    .map((x) => {
      if (x === 10_000) throw new Error("only this job fails");
      return x;
    })
    .sinkTo(() => {});
  const [goodResult, badError] = await within(
    Promise.all([good.execute("good"), rejectionOf(bad.execute("bad"))]),
    30_000,
    "both jobs",
  );
  assert.ok(goodResult instanceof JobExecutionResult);
  assert.equal(goodResult.jobName, "good");
  assert.ok(badError instanceof JobExecutionError);
  assert.match(badError.message, /only this job fails/);
  assertSameMultiset(goodSink.all(), range(2, 50_001));
});

test("sink writers: one end-of-input flush and one close per subtask, also for idle subtasks", async () => {
  for (const p of PARALLELISMS) {
    const env = threadEnv(p);
    const sink = new RecordingSink<number>();
    // A parallelism-1 source and a global() exchange: only subtask 0 receives records.
    env
      .fromElements(1, 2, 3)
      .global()
      .sinkTo(sink)
      .setParallelism(p + 1);
    await env.execute();
    assert.equal(sink.subtasks.size, p + 1);
    for (const [s, log] of sink.subtasks) {
      assert.equal(log.parallelism, p + 1);
      assert.equal(log.endOfInputFlushes, 1, `subtask ${s} flushed at the end of input once`);
      assert.equal(log.closed, true, `subtask ${s} closed`);
    }
    assert.deepEqual(sink.of(0), [1, 2, 3]);
  }
});

test("cancelling closes sink writers without an end-of-input flush", async () => {
  const env = threadEnv(2);
  const sink = new RecordingSink<number>();
  env
    .fromSource(
      new DataGeneratorSource((i) => i, Infinity),
      WatermarkStrategy.noWatermarks(),
      "endless",
    )
    .rebalance()
    .sinkTo(sink);
  const client = await env.executeAsync("to-cancel");
  await waitUntil(() => sink.all().length > 5000, 10_000, "records to arrive");
  await within(client.cancel(), 5_000, "cancel()");
  const e = await within(rejectionOf(client.getJobExecutionResult()), 5_000, "result");
  assert.ok(e instanceof JobCancelledError);
  assert.match(e.message, /to-cancel/);
  for (const log of sink.subtasks.values()) {
    assert.equal(log.closed, true);
    assert.equal(log.endOfInputFlushes, 0, "a cancelled job has not reached its end of input");
  }
});

test("the JobClient: unique ids, the same result as execute(), cancel after the end is a no-op", async () => {
  const a = threadEnv(1);
  a.fromSequence(1, 10).sinkTo(() => {});
  const b = threadEnv(1);
  b.fromSequence(1, 10).sinkTo(() => {});
  const [ca, cb] = [await a.executeAsync("a"), await b.executeAsync("b")];
  assert.notEqual(ca.jobId, cb.jobId);
  const ra = await ca.getJobExecutionResult();
  assert.equal(ra, await ca.getJobExecutionResult(), "the same result every time");
  assert.equal(ra.jobName, "a");
  await ca.cancel();
  assert.equal((await cb.getJobExecutionResult()).jobName, "b");
});
