/**
 * The interval join operator driven directly (no job): which records are buffered after each
 * watermark (cleanup exactly when a bucket can no longer join), timers, late records.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { LongCounter } from "../../src/api/accumulators.ts";
import type { RuntimeContext } from "../../src/api/functions.ts";
import type { IntervalJoinOperatorSpec } from "../../src/api/joins.ts";
import { MapStateDescriptor, type MapState } from "../../src/api/state.ts";
import { computeKeyGroupRange } from "../../src/core/keygroups.ts";
import {
  INTERVAL_JOIN_LEFT_BUFFER,
  INTERVAL_JOIN_RIGHT_BUFFER,
  IntervalJoinOperator,
} from "../../src/runtime/operators/interval-join.ts";
import type { OperatorContext } from "../../src/runtime/operators/operator.ts";
import type { Output } from "../../src/runtime/output.ts";
import { HeapKeyedStateBackend } from "../../src/runtime/state/heap-backend.ts";
import { InternalTimeServiceManager } from "../../src/runtime/state/timers.ts";
import { assertSameMultiset } from "../api/harness.ts";
import type { Ev } from "../api/joins-fixtures.ts";
import { rng } from "../api/rng.ts";

type Spec = Omit<IntervalJoinOperatorSpec, "kind" | "fn">;

const keyFn = (e: Ev): string => e.key;

/** An opened operator with a heap backend, timers and a recording output. */
async function harness(spec: Partial<Spec> & Pick<Spec, "lowerBound" | "upperBound">) {
  const backend = new HeapKeyedStateBackend({
    operatorName: "IntervalJoin",
    maxParallelism: 128,
    keyGroupRange: computeKeyGroupRange(128, 1, 0),
    now: () => 0,
  });
  const timers = new InternalTimeServiceManager(backend, {
    now: () => 0,
    registerProcessingTimer: () => ({ cancel() {} }),
  });
  const main: string[] = [];
  const side = new Map<string, string[]>();
  const output: Output<unknown> = {
    collect: (v, ts) => main.push(`${String(v)}@${ts}`),
    collectSide: (id, v, ts) => side.set(id, [...(side.get(id) ?? []), `${(v as Ev).id}@${ts}`]),
    emitWatermark() {},
    emitWatermarkStatus() {},
  };
  const accumulators = new Map<string, unknown>();
  const runtimeContext = {
    getAccumulator: (n: string) => accumulators.get(n),
    addAccumulator: (n: string, a: unknown) => accumulators.set(n, a),
  } as unknown as RuntimeContext;
  const ctx = {
    operatorName: "IntervalJoin",
    subtaskIndex: 0,
    parallelism: 1,
    batch: false,
    keyedBackend: backend,
    timeServiceManager: timers,
    keys: [keyFn, keyFn],
    runtimeContext,
  } as unknown as OperatorContext;
  const op = new IntervalJoinOperator({
    kind: "intervalJoin",
    fn: { processElement: (l: Ev, r: Ev, _c, out) => out.collect(`${l.id}|${r.id}`) },
    lowerBoundInclusive: true,
    upperBoundInclusive: true,
    leftLateDataTag: null,
    rightLateDataTag: null,
    ...spec,
  });
  op.setup(ctx, output);
  await op.open();
  const buffers = {
    left: backend.getOrCreateKeyedState<MapState<number, Ev[]>>(
      new MapStateDescriptor<number, Ev[]>(INTERVAL_JOIN_LEFT_BUFFER),
    ),
    right: backend.getOrCreateKeyedState<MapState<number, Ev[]>>(
      new MapStateDescriptor<number, Ev[]>(INTERVAL_JOIN_RIGHT_BUFFER),
    ),
  };
  return {
    main,
    side,
    left(e: Ev) {
      backend.setCurrentRecord(e, keyFn);
      op.processElement1(e, e.ts);
    },
    right(e: Ev) {
      backend.setCurrentRecord(e, keyFn);
      op.processElement2(e, e.ts);
    },
    watermark: (w: number) => op.processWatermark(w),
    /** Buffered timestamps of `key` on one side, sorted. */
    buffered(which: "left" | "right", key: string): number[] {
      backend.setCurrentKey(key);
      return [...buffers[which].keys()].sort((a, b) => a - b);
    },
    stateEntries: () => backend.numStateEntries(),
    pendingTimers: () => [...timers.all()].reduce((n, s) => n + s.numEventTimeTimers(), 0),
    dropped: () =>
      (accumulators.get("IntervalJoin.numLateRecordsDropped") as LongCounter)?.getLocalValue() ?? 0,
  };
}

describe("interval join operator", () => {
  for (const [lo, hi] of [
    [-5, 10],
    [3, 8],
    [-12, -2],
    [0, 0],
  ] as const) {
    test(`between(${lo}, ${hi}): buckets live exactly until they cannot join, then state is empty`, async () => {
      const h = await harness({ lowerBound: lo, upperBound: hi });
      const r = rng(lo * 31 + hi);
      const keys = ["a", "b", "c"];
      const admitted = { left: [] as Ev[], right: [] as Ev[] };
      let wm = -Infinity;
      let max = -Infinity;
      let late = 0;
      for (let i = 0; i < 1500; i++) {
        const which = r() < 0.5 ? "left" : "right";
        const lateOne = r() < 0.03 && wm > 0;
        const ts = lateOne ? wm - Math.floor(r() * 10) : i + Math.floor(r() * 15);
        const e: Ev = { id: `${which[0]}${i}`, key: keys[Math.floor(r() * 3)]!, ts };
        if (lateOne) late++;
        else admitted[which].push(e);
        h[which](e);
        max = Math.max(max, ts);
        if (r() < 0.2) {
          wm = Math.max(wm, max - 16);
          h.watermark(wm);
          for (const k of keys) {
            const live = (side: "left" | "right", cleanup: (ts: number) => number) =>
              [
                ...new Set(
                  admitted[side].filter((x) => x.key === k && cleanup(x.ts) > wm).map((x) => x.ts),
                ),
              ].sort((a, b) => a - b);
            assert.deepEqual(
              h.buffered("left", k),
              live("left", (t) => Math.max(t, t + hi)),
              `left ${k} @${wm}`,
            );
            assert.deepEqual(
              h.buffered("right", k),
              live("right", (t) => Math.max(t, t - lo)),
              `right ${k} @${wm}`,
            );
          }
        }
      }
      const expected: string[] = [];
      for (const a of admitted.left)
        for (const b of admitted.right)
          if (a.key === b.key && b.ts - a.ts >= lo && b.ts - a.ts <= hi)
            expected.push(`${a.id}|${b.id}@${Math.max(a.ts, b.ts)}`);
      assertSameMultiset(h.main, expected);
      assert.ok(late > 10);
      assert.equal(h.dropped(), late, "late records are counted");
      assert.ok(h.stateEntries() > 0 && h.pendingTimers() > 0);
      h.watermark(Infinity);
      assert.equal(h.stateEntries(), 0, "no buffered records after the final watermark");
      assert.equal(h.pendingTimers(), 0, "no timers after the final watermark");
    });
  }

  test("records at or behind the watermark go to their side's late output; a timer per bucket", async () => {
    const h = await harness({
      lowerBound: -2,
      upperBound: 2,
      leftLateDataTag: "lateL",
      rightLateDataTag: "lateR",
    });
    h.left({ id: "L1", key: "k", ts: 100 });
    h.left({ id: "L2", key: "k", ts: 100 });
    h.left({ id: "L3", key: "k", ts: 103 });
    assert.equal(h.pendingTimers(), 2, "one cleanup timer per (key, bucket)");
    h.watermark(101);
    h.left({ id: "L4", key: "k", ts: 101 }); // at the watermark: late
    h.right({ id: "R1", key: "k", ts: 100 }); // behind: late
    h.right({ id: "R2", key: "k", ts: 102 }); // joins L1, L2 (100 + 2), L3 (103 - 1)
    assert.deepEqual(h.side.get("lateL"), ["L4@101"]);
    assert.deepEqual(h.side.get("lateR"), ["R1@100"]);
    assert.deepEqual(h.main.sort(), ["L1|R2@102", "L2|R2@102", "L3|R2@103"]);
    assert.equal(h.dropped(), 0);
    h.watermark(102); // left bucket 100 is done (100 + 2), right bucket 102 waits for 102 + 2
    assert.deepEqual(h.buffered("left", "k"), [103]);
    assert.deepEqual(h.buffered("right", "k"), [102]);
    h.watermark(104);
    assert.deepEqual(h.buffered("right", "k"), []);
    assert.deepEqual(h.buffered("left", "k"), [103]);
    h.watermark(105);
    assert.equal(h.stateEntries(), 0);
  });

  test("exclusive bounds", async () => {
    const h = await harness({
      lowerBound: -2,
      upperBound: 2,
      lowerBoundInclusive: false,
      upperBoundInclusive: false,
    });
    h.left({ id: "L", key: "k", ts: 10 });
    for (const ts of [7, 8, 9, 10, 11, 12, 13]) h.right({ id: `R${ts}`, key: "k", ts });
    assert.deepEqual(h.main.sort(), ["L|R10@10", "L|R11@11", "L|R9@10"]);
  });

  test("a record without timestamp fails, naming the operator, subtask and input", async () => {
    const h = await harness({ lowerBound: 0, upperBound: 1 });
    assert.throws(
      () => h.right({ id: "R", key: "k", ts: -Infinity }),
      /interval join 'IntervalJoin' \(subtask 1\/1\) received a record without timestamp on its right input/,
    );
  });
});
