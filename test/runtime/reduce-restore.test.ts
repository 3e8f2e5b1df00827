/**
 * keyBy().reduce() keeps its values in keyed state: state copied out of the backends part way
 * (as a checkpoint would take it, key groups redistributed to another parallelism) and put into
 * fresh operators continues exactly, in STREAMING (running results) and BATCH (final results).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValueStateDescriptor, type ValueState } from "../../src/api/state.ts";
import { assignToKeyGroup, operatorIndexForKeyGroup } from "../../src/core/keygroups.ts";
import {
  REDUCE_STATE_NAME,
  REDUCE_TIMESTAMP_STATE_NAME,
  ReduceOperator,
} from "../../src/runtime/operators/keyed.ts";
import type { HeapKeyedStateBackend } from "../../src/runtime/state/heap-backend.ts";
import { RuntimeExecutionMode } from "strom";
import { assertSameMultiset, threadEnv } from "../api/harness.ts";
import { operatorHarness, type Harness } from "./operator-harness.ts";

type Rec = [string, number];
const MAX_P = 128;
const keyFn = (r: unknown) => (r as Rec)[0];

/** Sums, but a sum divisible by 7 becomes null (and 11: undefined), which later records restart. */
function reduceFn(a: unknown, b: unknown): unknown {
  const prev = a === null ? 0 : a === undefined ? 1000 : (a as Rec)[1];
  const sum = prev + (b as Rec)[1];
  return sum % 7 === 0 ? null : sum % 11 === 0 ? undefined : [(b as Rec)[0], sum];
}

const INPUT: Rec[] = Array.from({ length: 900 }, (_, i) => [`k${(i * 31) % 37}`, (i % 9) + 1]);

type Op = Harness<ReduceOperator>;

async function instances(
  p: number,
  batch: boolean,
  fill?: (index: number) => (b: HeapKeyedStateBackend) => void,
): Promise<Op[]> {
  const hs: Op[] = [];
  for (let i = 0; i < p; i++) {
    const h = operatorHarness(new ReduceOperator(keyFn, reduceFn, null), {
      keyFn,
      parallelism: p,
      subtaskIndex: i,
      maxParallelism: MAX_P,
      batch,
      isRestored: fill !== undefined,
      fillBackend: fill?.(i),
    });
    await h.op.open();
    hs.push(h);
  }
  return hs;
}

/** Feeds records to the instance owning their key; record i gets timestamp i. */
function feed(hs: Op[], records: readonly Rec[], offset: number): void {
  records.forEach((r, i) => {
    const h = hs[operatorIndexForKeyGroup(MAX_P, hs.length, assignToKeyGroup(r[0], MAX_P))]!;
    h.setKey(r);
    h.op.processElement(r, offset + i);
  });
}

/** The reduce states of `hs` as (state, key, deep-copied value) triples, as a checkpoint holds them. */
function takeState(hs: Op[]): { name: string; key: unknown; value: unknown }[] {
  const entries: { name: string; key: unknown; value: unknown }[] = [];
  for (const h of hs) {
    const b = h.backend!;
    for (const name of [REDUCE_STATE_NAME, REDUCE_TIMESTAMP_STATE_NAME]) {
      const s = b.getOrCreateKeyedState<ValueState<unknown>>(new ValueStateDescriptor(name));
      for (const key of [...b.getKeys(name)]) {
        b.setCurrentKey(key);
        entries.push({ name, key, value: structuredClone(s.value()) });
      }
    }
  }
  return entries;
}

/** A fill function per new instance of `p`, giving each the entries of its key groups. */
function restoreInto(entries: ReturnType<typeof takeState>, p: number) {
  return (index: number) => (b: HeapKeyedStateBackend) => {
    for (const e of entries) {
      const owner = operatorIndexForKeyGroup(MAX_P, p, assignToKeyGroup(e.key, MAX_P));
      if (owner !== index) continue;
      b.setCurrentKey(e.key);
      b.getOrCreateKeyedState<ValueState<unknown>>(new ValueStateDescriptor(e.name)).update(
        e.value,
      );
    }
  };
}

async function finishAll(hs: Op[]): Promise<void> {
  for (const h of hs) await h.op.finish();
}

const emitted = (hs: Op[]) => hs.flatMap((h) => h.out);

describe("ReduceOperator state survives a restore", () => {
  for (const batch of [false, true]) {
    it(`${batch ? "BATCH" : "STREAMING"}: before + after equals an undisturbed run`, async () => {
      const whole = await instances(1, batch);
      feed(whole, INPUT, 0);
      await finishAll(whole);
      const expected = emitted(whole);
      assert.ok(expected.length > 0);
      const nullish = expected.filter((e) => "record" in e && e.record == null).length;
      if (!batch) assert.ok(nullish > 0, "null and undefined results are covered");

      const cut = 417;
      for (const p of [1, 2, 3]) {
        const first = await instances(p, batch);
        feed(first, INPUT.slice(0, cut), 0);
        const before = emitted(first);
        if (batch) assert.equal(before.length, 0);
        const state = takeState(first);
        for (const q of [1, 2, 3]) {
          const second = await instances(q, batch, restoreInto(state, q));
          feed(second, INPUT.slice(cut), cut);
          await finishAll(second);
          assertSameMultiset(
            [...before, ...emitted(second)],
            expected,
            `${batch ? "BATCH" : "STREAMING"} p=${p} -> q=${q}`,
          );
        }
      }
    });
  }

  it("keeps nothing outside the keyed backend", async () => {
    const [h] = await instances(1, false);
    feed([h!], INPUT.slice(0, 50), 0);
    const keys = new Set(INPUT.slice(0, 50).map((r) => r[0]));
    assert.equal([...h!.backend!.getKeys(REDUCE_STATE_NAME)].length, keys.size);
  });
});

describe("keyed reduce in real jobs (thread target)", () => {
  it("STREAMING and BATCH agree with a reference, at several parallelisms", async () => {
    const sums = new Map<string, number>();
    for (const [k, v] of INPUT) sums.set(k, (sums.get(k) ?? 0) + v);
    for (const p of [1, 3]) {
      const streaming = await threadEnv(p)
        .fromCollection(INPUT)
        .keyBy((r) => r[0])
        .sum(1)
        .executeAndCollect();
      assert.equal(streaming.length, INPUT.length);
      const batch = await threadEnv(p, { runtimeMode: RuntimeExecutionMode.BATCH })
        .fromCollection(INPUT)
        .keyBy((r) => r[0])
        .sum(1)
        .executeAndCollect();
      assertSameMultiset(batch, [...sums].map(([k, v]) => [k, v]) as Rec[]);
      const last = new Map<string, number>();
      for (const [k, v] of streaming) last.set(k, v);
      assert.deepEqual(new Map([...last].sort()), new Map([...sums].sort()));
    }
  });
});
