/**
 * The heap backend driven directly: namespaced reducing and aggregating state in raw tables (no
 * entry objects) against the same states in entry tables (a TTL that never expires forces those),
 * composite keys, falsy and undefined values, merging namespaces and draining a namespace.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  StateTtlConfig,
  ValueStateDescriptor,
  type AggregateFunction,
  type StateDescriptor,
} from "strom";
import { HeapKeyedStateBackend } from "../../src/runtime/state/heap-backend.ts";
import { VOID_NAMESPACE, type InternalKvState } from "../../src/runtime/state/keyed-backend.ts";

/** A namespace: a window-like object with its own map form. */
interface Ns {
  readonly id: number;
}
const nsKey = (n: Ns): number => n.id;
const W1: Ns = { id: 1 };
const W2: Ns = { id: 2 };
const W3: Ns = { id: 3 };

type Handle = InternalKvState<Ns> & {
  add(v: unknown): void;
  get(): unknown;
  clear(): void;
};

function backend(): HeapKeyedStateBackend {
  return new HeapKeyedStateBackend({
    operatorName: "test",
    maxParallelism: 128,
    keyGroupRange: { start: 0, end: 127 },
    now: () => 0,
  });
}

/** `d`, with a TTL that never expires when `entries` (so the state uses entry tables). */
function layout<D extends StateDescriptor>(d: D, entries: boolean): D {
  if (entries) d.enableTimeToLive(StateTtlConfig.newBuilder(1e12).build());
  return d;
}

/** Keeps the last added value: every value, however falsy, replaces the accumulator. */
const lastValue: AggregateFunction<unknown, unknown, unknown> = {
  createAccumulator: () => undefined,
  add: (v) => v,
  getResult: (acc) => acc,
  merge: (_a, b) => b,
};

/** Counts elements: the accumulator starts at 0, a falsy value. */
const count: AggregateFunction<unknown, number, number> = {
  createAccumulator: () => 0,
  add: (_v, acc) => acc + 1,
  getResult: (acc) => acc,
  merge: (a, b) => a + b,
};

const COMPOSITE = [{ user: "a", n: 1 }, ["b", 2], "\u0000escaped", 7, "plain", true];

for (const entries of [false, true]) {
  const mode = entries ? "entry tables (TTL)" : "raw tables";
  describe(`heap backend, namespaced state in ${mode}`, () => {
    test("the table layout follows kind, namespace and TTL", () => {
      const b = backend();
      const reducing = b.getOrCreateKeyedState(
        layout(new ReducingStateDescriptor<number>("r", (x, y) => x + y), entries),
        nsKey,
      );
      const plainReducing = b.getOrCreateKeyedState(
        new ReducingStateDescriptor<number>("plain", (x, y) => x + y),
      );
      const value = b.getOrCreateKeyedState(layout(new ValueStateDescriptor("v"), entries));
      const list = b.getOrCreateKeyedState(new ListStateDescriptor("l"), nsKey);
      const tables = b.registeredStates();
      assert.equal(tables.get("r")!.table.raw, !entries);
      assert.equal(tables.get("v")!.table.raw, !entries);
      assert.equal(tables.get("plain")!.table.raw, false);
      assert.equal(tables.get("l")!.table.raw, false);
      assert.ok(reducing && plainReducing && value && list);
    });

    test("reducing state per (key, namespace): add, get, hasValue, clear, counts and keys", () => {
      const b = backend();
      const s = b.getOrCreateKeyedState(
        layout(new ReducingStateDescriptor<number>("sum", (x, y) => x + y), entries),
        nsKey,
      ) as unknown as Handle;
      for (const [i, key] of COMPOSITE.entries()) {
        b.setCurrentKey(key);
        s.setCurrentNamespace(W1);
        s.add(i);
        s.add(10);
        s.setCurrentNamespace(W2);
        assert.equal(s.hasValue(), false);
        assert.equal(s.get(), null);
        s.add(100);
      }
      assert.equal(b.numStateEntries(), COMPOSITE.length * 2);
      for (const [i, key] of COMPOSITE.entries()) {
        b.setCurrentKey(key);
        s.setCurrentNamespace(W1);
        assert.equal(s.get(), i + 10);
        s.setCurrentNamespace(W2);
        assert.equal(s.get(), 100);
      }
      // The user's key objects come back (composite keys included), per namespace.
      assert.deepEqual(sortKeys(b.getKeys("sum", W1)), sortKeys(COMPOSITE));
      b.setCurrentKey(COMPOSITE[0]);
      s.setCurrentNamespace(W1);
      s.clear();
      assert.equal(s.hasValue(), false);
      assert.deepEqual(sortKeys(b.getKeys("sum", W1)), sortKeys(COMPOSITE.slice(1)));
      assert.deepEqual(sortKeys(b.getKeys("sum", W2)), sortKeys(COMPOSITE));
      assert.deepEqual([...b.getKeys("sum", W3)], []);
      assert.equal(b.numStateEntries(), COMPOSITE.length * 2 - 1);
    });

    test("falsy and undefined accumulators and reduce results are values, not absence", () => {
      const b = backend();
      const agg = b.getOrCreateKeyedState(
        layout(new AggregatingStateDescriptor("last", lastValue), entries),
        nsKey,
      ) as unknown as Handle;
      const red = b.getOrCreateKeyedState(
        layout(new ReducingStateDescriptor<unknown>("red", (_x, y) => y), entries),
        nsKey,
      ) as unknown as Handle;
      b.setCurrentKey("k");
      agg.setCurrentNamespace(W1);
      red.setCurrentNamespace(W1);
      for (const v of [undefined, 0, "", false, null, 5, undefined]) {
        agg.add(v);
        red.add(v);
        assert.equal(agg.hasValue(), true);
        assert.equal(agg.get(), v);
        assert.equal(red.hasValue(), true);
        assert.equal(red.get(), v);
      }
      assert.deepEqual([...b.getKeys("last", W1)], ["k"]);
      const counts = b.getOrCreateKeyedState(
        layout(new AggregatingStateDescriptor("count", count), entries),
        nsKey,
      ) as unknown as Handle;
      counts.setCurrentNamespace(W2);
      assert.equal(counts.get(), null);
      counts.add("x");
      assert.equal(counts.get(), 1);
      const drained: unknown[] = [];
      agg.drainNamespace(W1, (v) => drained.push(v));
      assert.deepEqual(drained, [undefined]);
      assert.equal(agg.hasValue(), false);
    });

    test("merging namespaces combines and removes the sources, keeping composite keys", () => {
      const b = backend();
      const sum = b.getOrCreateKeyedState(
        layout(new ReducingStateDescriptor<number>("sum", (x, y) => x + y), entries),
        nsKey,
      ) as unknown as Handle;
      const cnt = b.getOrCreateKeyedState(
        layout(new AggregatingStateDescriptor("count", count), entries),
        nsKey,
      ) as unknown as Handle;
      const key = { session: "s", user: 1 };
      b.setCurrentKey(key);
      for (const [ns, n] of [
        [W1, 1],
        [W2, 2],
        [W3, 3],
      ] as const) {
        sum.setCurrentNamespace(ns);
        cnt.setCurrentNamespace(ns);
        for (let i = 0; i < n; i++) {
          sum.add(n);
          cnt.add(n);
        }
      }
      sum.mergeNamespaces(W3, [W1, W2]);
      cnt.mergeNamespaces(W3, [W1, W2]);
      for (const s of [sum, cnt]) {
        s.setCurrentNamespace(W1);
        assert.equal(s.hasValue(), false);
        s.setCurrentNamespace(W2);
        assert.equal(s.hasValue(), false);
        s.setCurrentNamespace(W3);
      }
      assert.equal(sum.get(), 1 + 4 + 9);
      assert.equal(cnt.get(), 6);
      assert.deepEqual([...b.getKeys("sum", W3)], [key]);
      assert.deepEqual([...b.getKeys("count", W1)], []);
      // Into an empty target; sources without a value are skipped.
      cnt.mergeNamespaces({ id: 9 }, [W1, W3]);
      cnt.setCurrentNamespace({ id: 9 });
      assert.equal(cnt.get(), 6);
      assert.deepEqual([...b.getKeys("count", { id: 9 })], [key]);
      assert.equal(b.numStateEntries(), 2);
    });

    test("draining a namespace takes every key's value with the key current, once", () => {
      const b = backend();
      const cnt = b.getOrCreateKeyedState(
        layout(new AggregatingStateDescriptor("count", count), entries),
        nsKey,
      ) as unknown as Handle;
      const list = b.getOrCreateKeyedState(
        new ListStateDescriptor<number>("list"),
        nsKey,
      ) as unknown as Handle;
      const keys = [...COMPOSITE, ...Array.from({ length: 300 }, (_, i) => `k${i}`)];
      for (const [i, key] of keys.entries()) {
        b.setCurrentKey(key);
        for (const ns of [W1, W2]) {
          cnt.setCurrentNamespace(ns);
          list.setCurrentNamespace(ns);
          for (let j = 0; j <= i % 3; j++) {
            cnt.add(j);
            list.add(j);
          }
        }
      }
      const seen = new Map<string, unknown>();
      const seenLists = new Map<string, unknown>();
      cnt.drainNamespace(W1, (v) => seen.set(JSON.stringify(b.getCurrentKey()), v));
      list.drainNamespace(W1, (v) => seenLists.set(JSON.stringify(b.getCurrentKey()), v));
      assert.equal(seen.size, keys.length);
      for (const [i, key] of keys.entries()) {
        assert.equal(seen.get(JSON.stringify(key)), (i % 3) + 1);
        assert.deepEqual(seenLists.get(JSON.stringify(key)), [0, 1, 2].slice(0, (i % 3) + 1));
      }
      // The current key of each call is the key's own group: state reads under it work.
      cnt.drainNamespace(W2, (v) => {
        cnt.setCurrentNamespace(W2);
        assert.equal(cnt.hasValue(), false);
        assert.equal(typeof v, "number");
        assert.ok(keys.some((k) => JSON.stringify(k) === JSON.stringify(b.getCurrentKey())));
      });
      assert.equal(b.numStateEntries(), keys.length); // the lists of W2
      assert.deepEqual([...b.getKeys("count", W1)], []);
      let calls = 0;
      cnt.drainNamespace(W1, () => calls++);
      assert.equal(calls, 0);
    });
  });
}

describe("heap backend, draining", () => {
  test("map state and state without namespace cannot be drained", () => {
    const b = backend();
    const m = b.getOrCreateKeyedState(new MapStateDescriptor<string, number>("m"), nsKey);
    assert.throws(() => m.drainNamespace(W1, () => {}), /cannot be drained/);
    const v = b.getOrCreateKeyedState(new ValueStateDescriptor<number>("v"));
    assert.throws(() => v.drainNamespace(VOID_NAMESPACE, () => {}), /cannot be drained/);
  });

  test("values expired by TTL are skipped (NeverReturnExpired), the namespace is gone", () => {
    let now = 0;
    const b = new HeapKeyedStateBackend({
      operatorName: "test",
      maxParallelism: 128,
      keyGroupRange: { start: 0, end: 127 },
      now: () => now,
    });
    const d = new ReducingStateDescriptor<number>("sum", (x, y) => x + y);
    d.enableTimeToLive(StateTtlConfig.newBuilder(100).build());
    const s = b.getOrCreateKeyedState(d, nsKey) as unknown as Handle;
    s.setCurrentNamespace(W1);
    b.setCurrentKey("old");
    s.add(1);
    now = 50;
    b.setCurrentKey("new");
    s.add(2);
    now = 120;
    const seen: [unknown, unknown][] = [];
    s.drainNamespace(W1, (v) => seen.push([b.getCurrentKey(), v]));
    assert.deepEqual(seen, [["new", 2]]);
    assert.equal(b.numStateEntries(), 0);
  });
});

/** Keys as sortable JSON, for comparing key sets. */
function sortKeys(keys: Iterable<unknown>): string[] {
  return [...keys].map((k) => JSON.stringify(k)).sort();
}
