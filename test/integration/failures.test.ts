/**
 * Failing jobs on the default "local" target (worker threads), one fixture module each under
 * test/fixtures/jobs/fail-*.ts: the job must fail promptly with a clear error, and every worker
 * thread must be stopped (otherwise this file would never finish).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { JobExecutionError, runJobModule } from "strom";
import { liveWorkers, startedWorkers } from "../fixtures/worker-tracker.ts";

/** Generous bound for "promptly": failures are reported in well under a second locally. */
const PROMPT_MS = 10_000;

function jobPath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/jobs/${name}.ts`, import.meta.url));
}

/**
 * Runs a fixture that must fail and returns its error, after checking that it failed promptly,
 * with a JobExecutionError, on worker threads that are all stopped.
 */
async function runFailing(name: string, parallelism = 2): Promise<JobExecutionError> {
  const startedBefore = startedWorkers();
  const started = performance.now();
  let error: unknown = null;
  try {
    await runJobModule(jobPath(name), { parallelism });
  } catch (e) {
    error = e;
  }
  const elapsed = performance.now() - started;
  assert.ok(error !== null, `${name} should have failed`);
  assert.ok(
    error instanceof JobExecutionError,
    `${name}: expected a JobExecutionError, got ${String(error)}`,
  );
  assert.ok(elapsed < PROMPT_MS, `${name} failed after ${Math.round(elapsed)} ms`);
  assert.ok(startedWorkers() > startedBefore, `${name} ran on worker threads`);
  assert.equal(liveWorkers(), 0, `every worker thread of ${name} is stopped once it failed`);
  return error;
}

/** The stack of the error's cause (where the user's frames are). */
function causeStack(e: Error): string {
  const cause = e.cause;
  assert.ok(cause instanceof Error, "the error has the original failure as its cause");
  return cause.stack ?? String(cause);
}

test("a user function throwing in subtask 2 of 4 fails the job promptly, naming operator and subtask", async () => {
  const e = await runFailing("fail-in-subtask", 4);
  assert.match(e.message, /'exploding-map'/, "the message names the operator");
  assert.match(e.message, /\b2\/4\b/, "the message names the failing subtask as 2/4");
  assert.doesNotMatch(e.message, /\b[134]\/4\b/, "no other subtask is blamed");
  assert.match(e.message, /deliberate failure/, "the message carries the user's message");
  const stack = causeStack(e);
  assert.match(stack, /failOnPurposeInSubtaskTwo/, "the cause keeps the user's stack");
  assert.match(stack, /fail-in-subtask\.ts/, "the user's stack points into the job module");
});

test("a module that throws while loading in the workers fails the job with a loading error", async () => {
  const e = await runFailing("fail-load-in-worker");
  assert.match(e.message, /fail-load-in-worker\.ts/, "the message names the module");
  assert.match(e.message, /load/i, "the message says the module failed to load");
  assert.match(e.message, /refuses to load in a worker thread/, "with the module's own error");
  assert.match(causeStack(e), /fail-load-in-worker\.ts/);
});

test("a module that builds a different graph in the workers fails with the fingerprint error", async () => {
  const e = await runFailing("fail-fingerprint");
  assert.match(e.message, /different job graph/);
  assert.match(e.message, /fingerprint/);
  assert.match(e.message, /fail-fingerprint\.ts/, "the message names the module");
});

test("a module whose workers never reach execute() fails instead of waiting", async () => {
  const e = await runFailing("fail-no-execute-in-worker");
  assert.match(e.message, /fail-no-execute-in-worker\.ts/);
  assert.match(e.message, /without reaching execute\(\)/);
});

test("a record holding a function fails at the worker boundary, naming both operators and the path", async () => {
  const e = await runFailing("fail-function-in-record");
  assert.match(e.message, /'make-records-with-callbacks'/, "names the producing operator");
  assert.match(e.message, /'consume-records'/, "names the consuming operator");
  assert.match(e.message, /record\.payload\.callback/, "names the path inside the record");
  assert.match(e.message, /function/);
});

test("a key selector returning undefined fails with an error naming keyBy", async () => {
  const e = await runFailing("fail-undefined-key");
  assert.match(e.message, /keyBy\(\)/);
  assert.match(e.message, /undefined/);
  assert.match(e.message, /'after-undefined-key'/, "names the keyed operator it feeds");
});

test("a record with a reference cycle fails with an error mentioning the cycle", async () => {
  const e = await runFailing("fail-cycle");
  assert.match(e.message, /cycl/i);
  assert.match(e.message, /record\.child\.parent/, "names where the cycle closes");
  assert.match(e.message, /'make-cyclic-records'/);
});

test("a worker thread that exits fails the job promptly, naming the slot", async () => {
  const e = await runFailing("fail-worker-exit", 3);
  assert.match(e.message, /slot 1/);
  assert.match(e.message, /exited with code 3/);
});

test("errors raised at a worker boundary are not blamed on the upstream source operator", async () => {
  // The record is made by 'make-records-with-callbacks' and fails in the channel towards
  // 'consume-records'; the key selector fails in keyBy(). 'Sequence Source' only read numbers.
  for (const name of ["fail-function-in-record", "fail-undefined-key"]) {
    const e = await runFailing(name);
    assert.doesNotMatch(
      e.message,
      /in operator 'Sequence Source'/,
      `${name}: the failure is attributed to the source operator:\n${e.message}`,
    );
  }
});
