/**
 * The conformance suite every keyed state backend passes: each state kind, namespaces, merging,
 * draining, time-to-live, key iteration and current-key errors (here), canonical snapshots and
 * restores across backends and key group ranges, and incremental change logs
 * (backend-conformance-snapshot.ts). `backendConformance` registers the tests for one backend.
 */
import assert from "node:assert/strict";
import { afterEach, describe, test } from "node:test";
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  StateTtlConfig,
  ValueStateDescriptor,
  type ListState,
  type MapState,
  type ValueState,
} from "strom";
import { snapshotConformance } from "./backend-conformance-snapshot.ts";
import {
  Harness,
  st,
  KEYS,
  nsKey,
  sorted,
  sumAgg,
  W1,
  W2,
  W3,
  type BackendFactory,
  type Handle,
  type Ns,
} from "./backend-fixtures.ts";

export type { BackendFactory, TestBackend } from "./backend-fixtures.ts";

/** Registers the conformance tests of `subject`; snapshots restore into each of `peers`. */
export function backendConformance(
  subject: BackendFactory,
  peers: readonly BackendFactory[],
): void {
  describe(`keyed state backend conformance: ${subject.name}`, () => {
    const h = new Harness(subject);
    afterEach(() => h.disposeAll());

    test("value state per key, update(null) clears, composite keys are distinct", () => {
      const b = h.make();
      const s = st(b, new ValueStateDescriptor<unknown>("v"));
      KEYS.forEach((k, i) => {
        b.setCurrentKey(k);
        assert.equal(s.value(), null);
        s.update({ i, k: String(k) });
      });
      KEYS.forEach((k, i) => {
        b.setCurrentKey(k);
        assert.deepEqual(s.value(), { i, k: String(k) });
      });
      b.setCurrentKey({ n: 1, user: "a" }); // same composite key, other property order
      assert.deepEqual(s.value(), { i: 0, k: "[object Object]" });
      s.update(null);
      assert.equal(s.value(), null);
      b.setCurrentKey(7);
      s.update(0);
      assert.equal(s.value(), 0);
      s.clear();
      assert.equal(s.value(), null);
      assert.equal(b.numStateEntries(), KEYS.length - 2);
    });

    test("list state: add, addAll, update, get, clear", () => {
      const b = h.make();
      const s = st(b, new ListStateDescriptor<number>("l"));
      b.setCurrentKey("a");
      assert.deepEqual([...s.get()], []);
      s.add(1);
      s.addAll([2, 3]);
      b.setCurrentKey("b");
      s.add(9);
      b.setCurrentKey("a");
      assert.deepEqual([...s.get()], [1, 2, 3]);
      s.update([4]);
      assert.deepEqual([...s.get()], [4]);
      s.clear();
      assert.deepEqual([...s.get()], []);
      assert.throws(() => s.add(null as unknown as number), /cannot add/);
      b.setCurrentKey("b");
      assert.deepEqual([...s.get()], [9]);
    });

    test("map state: put, get, remove, contains, iteration, isEmpty, clear", () => {
      const b = h.make();
      const s: MapState<unknown, string> = st(b, new MapStateDescriptor<unknown, string>("m"));
      b.setCurrentKey(1);
      assert.equal(s.isEmpty(), true);
      s.put("x", "1");
      s.put(["y", 1], "2");
      s.putAll(new Map([[3, "3"]]));
      assert.equal(s.get(["y", 1]), "2");
      assert.equal(s.contains("x"), true);
      s.remove("x");
      assert.equal(s.contains("x"), false);
      assert.deepEqual(
        [...s.entries()],
        [
          [["y", 1], "2"],
          [3, "3"],
        ],
      );
      assert.deepEqual([...s.keys()], [["y", 1], 3]);
      assert.deepEqual([...s.values()], ["2", "3"]);
      b.setCurrentKey(2);
      assert.equal(s.get("x"), null);
      b.setCurrentKey(1);
      s.clear();
      assert.equal(s.isEmpty(), true);
    });

    test("reducing and aggregating state, falsy results are values", () => {
      const b = h.make();
      const r = st(b, new ReducingStateDescriptor<number>("r", (x, y) => x + y));
      const a = st(b, new AggregatingStateDescriptor("a", sumAgg));
      b.setCurrentKey("k");
      assert.equal(r.get(), null);
      assert.equal(a.get(), null);
      r.add(0);
      a.add(0);
      assert.equal(r.get(), 0);
      assert.equal(a.get(), 0);
      r.add(5);
      a.add(5);
      a.add(2);
      assert.equal(r.get(), 5);
      assert.equal(a.get(), 7);
      r.clear();
      a.clear();
      assert.equal(r.get(), null);
      assert.equal(a.get(), null);
    });

    for (const ttl of [false, true]) {
      const tag = ttl ? " (with a TTL that never expires)" : "";
      const withTtl = <D extends { enableTimeToLive(c: StateTtlConfig): void }>(d: D): D => {
        if (ttl) d.enableTimeToLive(StateTtlConfig.newBuilder(1e12).build());
        return d;
      };
      test(`namespaces: per (key, namespace), hasValue, merge, drain${tag}`, () => {
        const b = h.make();
        const r = st(
          b,
          withTtl(new ReducingStateDescriptor<number>("r", (x, y) => x + y)),
          nsKey,
        ) as Handle;
        const a = st(b, withTtl(new AggregatingStateDescriptor("a", sumAgg)), nsKey) as Handle;
        const l = st(b, withTtl(new ListStateDescriptor<number>("l")), nsKey) as Handle;
        for (const [k, ns, v] of [
          ["x", W1, 1],
          ["x", W2, 2],
          ["y", W1, 10],
          [["c", 1], W2, 20],
          ["x", W3, 3],
        ] as [unknown, Ns, number][]) {
          b.setCurrentKey(k);
          for (const s of [r, a, l]) {
            s.setCurrentNamespace(ns);
            s.add(v);
          }
        }
        b.setCurrentKey("x");
        r.setCurrentNamespace(W2);
        assert.equal(r.hasValue(), true);
        assert.equal(r.get(), 2);
        for (const s of [r, a, l]) s.mergeNamespaces(W1, [W2, W3]);
        for (const s of [r, a, l]) s.setCurrentNamespace(W1);
        assert.equal(r.get(), 6);
        assert.equal(a.get(), 6);
        assert.deepEqual([...(l.get() as number[])].sort(), [1, 2, 3]);
        r.setCurrentNamespace(W2);
        assert.equal(r.hasValue(), false);
        assert.deepEqual(sorted(b.getKeys("r", W2)), sorted([["c", 1]]));
        assert.deepEqual(sorted(b.getKeys("r", W1)), sorted(["x", "y"]));
        const drained: [unknown, unknown][] = [];
        r.drainNamespace(W1, (v) => drained.push([b.getCurrentKey(), v]));
        assert.deepEqual(
          sorted(drained),
          sorted([
            ["x", 6],
            ["y", 10],
          ]),
        );
        assert.deepEqual([...b.getKeys("r", W1)], []);
        const lists: [unknown, unknown][] = [];
        l.drainNamespace(W2, (v) => lists.push([b.getCurrentKey(), v]));
        assert.deepEqual(lists, [[["c", 1], [20]]]);
        b.setCurrentKey("y");
        a.setCurrentNamespace(W1);
        assert.equal(a.get(), 10);
        r.setCurrentNamespace(W1);
        assert.equal(r.get(), null);
      });
    }

    test("time-to-live: expiry, update on read, ReturnExpiredIfNotCleanedUp, list elements", () => {
      const b = h.make();
      const onWrite = new ValueStateDescriptor<string>("w");
      onWrite.enableTimeToLive(StateTtlConfig.newBuilder(100).build());
      const onRead = new ValueStateDescriptor<string>("r");
      onRead.enableTimeToLive(StateTtlConfig.newBuilder(100).updateTtlOnReadAndWrite().build());
      const visible = new ValueStateDescriptor<string>("vis");
      visible.enableTimeToLive(
        StateTtlConfig.newBuilder(100).returnExpiredIfNotCleanedUp().build(),
      );
      const list = new ListStateDescriptor<string>("l");
      list.enableTimeToLive(StateTtlConfig.newBuilder(100).build());
      const w = st(b, onWrite);
      const r = st(b, onRead);
      const vis = st(b, visible);
      const l: ListState<string> = st(b, list);
      b.setCurrentKey("k");
      for (const s of [w, r, vis]) s.update("v");
      l.add("old");
      h.time = 60;
      assert.equal(r.value(), "v"); // restarts r's TTL
      l.add("new");
      h.time = 120;
      assert.equal(w.value(), null);
      assert.equal(r.value(), "v");
      assert.equal(vis.value(), "v"); // expired, returned once
      assert.equal(vis.value(), null);
      assert.deepEqual([...l.get()], ["new"]);
      h.time = 500;
      assert.equal(r.value(), null);
      assert.deepEqual([...l.get()], []);
    });

    test("getKeys and applyToAllKeys visit every key with that key current", () => {
      const b = h.make();
      const d = new ValueStateDescriptor<number>("v");
      const s: ValueState<number> = st(b, d);
      for (let i = 0; i < 500; i++) {
        b.setCurrentKey(i % 7 === 0 ? ["k", i] : i);
        s.update(i);
      }
      assert.equal([...b.getKeys("v")].length, 500);
      assert.deepEqual([...b.getKeys("absent")], []);
      b.setCurrentKey("keep");
      let n = 0;
      b.applyToAllKeys(d, (key, state) => {
        assert.deepEqual(b.getCurrentKey(), key);
        const h = state as ValueState<number>;
        const v = h.value()!;
        if (v % 2 === 0) h.clear();
        else h.update(v * 10);
        n++;
      });
      assert.equal(n, 500);
      assert.equal(b.getCurrentKey(), "keep");
      b.setCurrentKey(3);
      assert.equal(s.value(), 30);
      b.setCurrentKey(4);
      assert.equal(s.value(), null);
      assert.equal(b.numStateEntries(), 250);
    });

    test("current key: lazy from the record, errors without a key or outside the range", () => {
      const b = h.make({ start: 0, end: 63 });
      const s = st(b, new ValueStateDescriptor<number>("v"));
      assert.throws(() => s.value(), /no current key in operator/);
      let calls = 0;
      const rec = { id: 0 };
      const keyFn = (r: unknown): unknown => {
        calls++;
        return (r as { id: number }).id;
      };
      b.setCurrentRecord(rec, keyFn as never);
      assert.equal(calls, 0);
      const own = [...Array(200).keys()].find((i) => {
        b.setCurrentRecord({ id: i }, keyFn as never);
        try {
          return b.getCurrentKeyGroup() <= 63;
        } catch {
          return false;
        }
      })!;
      b.setCurrentRecord({ id: own }, keyFn as never);
      s.update(1);
      assert.equal(s.value(), 1);
      b.clearCurrentKey("broadcast side has no key");
      assert.throws(() => s.value(), /broadcast side has no key/);
      assert.throws(() => b.setCurrentKey(undefined), /returned undefined/);
      const foreign = [...Array(500).keys()].find((i) => {
        try {
          b.setCurrentKey(i);
          return false;
        } catch {
          return true;
        }
      });
      assert.throws(() => b.setCurrentKey(foreign), /does not belong to this instance/);
      assert.throws(
        () => st(b, new ListStateDescriptor<number>("v")),
        /already registered as value state/,
      );
      assert.throws(
        () => st(b, new ValueStateDescriptor<number>("v"), nsKey),
        /both with and without a namespace/,
      );
      assert.throws(() => (s as unknown as Handle).mergeNamespaces(W1, [W2]), /cannot be merged/);
    });

    snapshotConformance(subject, peers, h);
  });
}
