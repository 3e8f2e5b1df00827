/**
 * Async I/O checkpoints: on snapshotState the operator stores every element not yet emitted
 * (inputs of running and completed-but-unemitted requests, watermarks between them, records
 * waiting for a slot) in SPLIT operator list state; a restored operator re-issues them before new
 * input, so before + after equals an undisturbed run (also at another parallelism).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ResultFuture } from "strom";
import { ListStateDescriptor } from "../../src/api/state.ts";
import {
  ASYNC_WAIT_STATE_NAME,
  AsyncWaitOperator,
  type AsyncQueuedElement,
} from "../../src/runtime/operators/async-wait.ts";
import { OperatorStateBackend } from "../../src/runtime/state/operator-state.ts";
import { assertSameMultiset } from "../api/harness.ts";
import { operatorHarness, type Emitted, type Harness } from "./operator-harness.ts";

/** An async function whose requests the test completes by hand. */
class ManualLookup {
  readonly started: number[] = [];
  readonly futures = new Map<number, ResultFuture<string>>();
  asyncInvoke(input: number, future: ResultFuture<string>): void {
    this.started.push(input);
    this.futures.set(input, future);
  }
  complete(input: number): void {
    this.futures.get(input)!.complete([`r${input}`, `s${input}`]);
    this.futures.delete(input);
  }
}

type H = Harness<AsyncWaitOperator> & { fn: ManualLookup };

async function instance(ordered: boolean, restored?: AsyncQueuedElement[]): Promise<H> {
  const fn = new ManualLookup();
  const operatorState = new OperatorStateBackend("async");
  if (restored !== undefined) {
    operatorState
      .getListState(new ListStateDescriptor<AsyncQueuedElement>(ASYNC_WAIT_STATE_NAME))
      .update(restored);
  }
  const op = new AsyncWaitOperator(fn as never, { ordered, timeoutMs: 0, capacity: 3 });
  const h = operatorHarness(op, { operatorState, isRestored: restored !== undefined });
  await op.open();
  return Object.assign(h, { fn });
}

/** The input: records 0..7 with watermarks after 1 and 4, as the task would deliver them. */
function feed(h: H, from = 0, to = 8): void {
  for (let i = from; i < to; i++) {
    h.op.processElement(i, 100 + i);
    if (i === 1) h.op.processWatermark(10);
    if (i === 4) h.op.processWatermark(20);
  }
}

/** Completes every running request (oldest last, to scramble completion) until none is left. */
function completeAll(h: H): void {
  h.runMails();
  while (h.fn.futures.size > 0) {
    for (const k of [...h.fn.futures.keys()].reverse()) h.fn.complete(k);
    h.runMails();
  }
}

function stored(h: H): AsyncQueuedElement[] {
  return [
    ...h.operatorState
      .getListState(new ListStateDescriptor<AsyncQueuedElement>(ASYNC_WAIT_STATE_NAME))
      .get(),
  ];
}

const recordsOf = (out: Emitted[]) => out.filter((e) => "record" in e);

for (const ordered of [true, false]) {
  describe(`async wait operator (${ordered ? "ordered" : "unordered"}) snapshot / restore`, () => {
    it("stores the unemitted elements and re-issues them exactly once", async () => {
      const whole = await instance(ordered);
      feed(whole);
      completeAll(whole);
      const expected = whole.out;
      assert.equal(recordsOf(expected).length, 16);

      const first = await instance(ordered);
      feed(first);
      first.fn.complete(0);
      first.fn.complete(1); // segment 1 complete: 0, 1 and watermark 10 go out
      first.runMails();
      first.fn.complete(3); // completed, but (ordered) behind 2, or (unordered) kept in the queue
      first.runMails();
      await first.op.snapshotState(1, 0);
      const snap = stored(first);
      const before = first.out;
      const emittedInputs = new Set(
        recordsOf(before).map((e) => Number(String((e as { record: string }).record).slice(1))),
      );
      // Everything not emitted is stored, with its timestamp, and nothing emitted is.
      const storedRecords = snap.filter((e) => e.kind === "record");
      assert.deepEqual(
        storedRecords.map((e) => e.value).sort(),
        [0, 1, 2, 3, 4, 5, 6, 7].filter((i) => !emittedInputs.has(i)),
      );
      for (const e of storedRecords) assert.equal(e.timestamp, 100 + (e.value as number));
      assert.ok(snap.some((e) => e.kind === "watermark" && e.watermark === 20));
      if (ordered) {
        assert.deepEqual(snap, [
          { kind: "record", value: 2, timestamp: 102 },
          { kind: "record", value: 3, timestamp: 103 },
          { kind: "record", value: 4, timestamp: 104 },
          { kind: "watermark", watermark: 20 },
          { kind: "record", value: 5, timestamp: 105 },
          { kind: "record", value: 6, timestamp: 106 },
          { kind: "record", value: 7, timestamp: 107 },
        ]);
      }

      for (const q of [1, 2, 3]) {
        const parts: AsyncQueuedElement[][] = Array.from({ length: q }, () => []);
        snap.forEach((e, i) => parts[i % q]!.push(e)); // SPLIT: round robin
        const after: Emitted[] = [];
        for (const part of parts) {
          const h = await instance(ordered, part);
          // Restored requests are started (up to capacity) before any new input.
          assert.deepEqual(
            h.fn.started,
            part
              .filter((e) => e.kind === "record")
              .map((e) => e.value)
              .slice(0, h.fn.started.length),
          );
          assert.equal(h.out.length, 0, "nothing is emitted inside open()");
          completeAll(h);
          await h.op.finish();
          after.push(...h.out);
        }
        assertSameMultiset(
          recordsOf([...before, ...after]),
          recordsOf(expected),
          `q=${q}: records`,
        );
        if (q === 1 && ordered) assert.deepEqual([...before, ...after], expected);
      }
      await first.op.close();
    });

    it("a snapshot with nothing in flight stores nothing; a new snapshot replaces the old", async () => {
      const h = await instance(ordered);
      await h.op.snapshotState(1, 0);
      assert.deepEqual(stored(h), []);
      h.op.processElement(42, 7);
      await h.op.snapshotState(2, 0);
      assert.deepEqual(stored(h), [{ kind: "record", value: 42, timestamp: 7 }]);
      completeAll(h);
      await h.op.snapshotState(3, 0);
      assert.deepEqual(stored(h), []);
      assert.deepEqual(h.records(), ["r42", "s42"]);
    });

    it("a failed request fails the snapshot, naming the operator", async () => {
      const h = await instance(ordered);
      h.op.processElement(1, 0);
      h.fn.futures.get(1)!.completeExceptionally(new Error("lookup down"));
      assert.throws(() => h.op.snapshotState(1, 0), /lookup down|op/);
    });
  });
}
