/**
 * The snapshot half of the backend conformance suite (see backend-conformance.ts): canonical
 * snapshots restore into every backend with equal values, restored entries wait for their state to
 * be registered (and survive another snapshot meanwhile), a different key group range takes only
 * its key groups, and backends with a change log report exactly the changes since the last
 * snapshot.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  StateTtlConfig,
  ValueStateDescriptor,
  type StateDescriptor,
} from "strom";
import type { KeyedEntry } from "../../src/runtime/checkpoint/snapshot.ts";
import type { BackendFactory, Handle, Harness, Ns, TestBackend } from "./backend-fixtures.ts";
import { jsonable, KEYS, nsKey, sorted, st, sumAgg, W1, W2 } from "./backend-fixtures.ts";

/** A backend with an incremental change log (the disk backend). */
interface Incremental {
  forEachChange(
    keyGroup: number,
    visit: (state: string, key: unknown, ns: unknown, entry: KeyedEntry | null) => void,
  ): void;
  markSnapshotted(): void;
  hasCompleteChangeLog(): boolean;
}

function isIncremental(b: unknown): b is Incremental {
  return typeof (b as Incremental).forEachChange === "function";
}

/** Fresh descriptors of every kind, with and without namespace and TTL. */
function descriptors(): [StateDescriptor, boolean][] {
  const ttl = (): StateTtlConfig => StateTtlConfig.newBuilder(1e9).build();
  const withTtl = <D extends StateDescriptor>(d: D): D => (d.enableTimeToLive(ttl()), d);
  return [
    [new ValueStateDescriptor<unknown>("value"), false],
    [new ListStateDescriptor<unknown>("list"), false],
    [new MapStateDescriptor<unknown, unknown>("map"), false],
    [new ReducingStateDescriptor<number>("reducing", (a, b) => a + b), false],
    [new AggregatingStateDescriptor("aggregating", sumAgg), false],
    [withTtl(new ValueStateDescriptor<unknown>("value-ttl")), false],
    [withTtl(new ListStateDescriptor<unknown>("list-ttl")), false],
    [withTtl(new MapStateDescriptor<unknown, unknown>("map-ttl")), false],
    [new ReducingStateDescriptor<number>("reducing-ns", (a, b) => a + b), true],
    [new AggregatingStateDescriptor("aggregating-ns", sumAgg), true],
    [new ListStateDescriptor<unknown>("list-ns"), true],
    [withTtl(new ReducingStateDescriptor<number>("reducing-ns-ttl", (a, b) => a + b)), true],
  ];
}

type AnyHandle = Handle & {
  update(v: unknown): void;
  value(): unknown;
  put(k: unknown, v: unknown): void;
  entries(): Iterable<[unknown, unknown]>;
};

function register(b: TestBackend): Map<string, AnyHandle> {
  const out = new Map<string, AnyHandle>();
  for (const [d, ns] of descriptors())
    out.set(d.name, st(b, d, ns ? nsKey : undefined) as unknown as AnyHandle);
  return out;
}

/** The keys written by {@link fill}. */
const ALL_KEYS: unknown[] = [...KEYS, ...Array.from({ length: 300 }, (_, i) => `k${i}`)];

/** Writes every kind of state for every key, at varying times. */
function fill(b: TestBackend, h: Harness): void {
  const s = register(b);
  ALL_KEYS.forEach((k, i) => {
    h.time = 1000 + i;
    b.setCurrentKey(k);
    s.get("value")!.update({ i, tag: `v${i}`, undef: undefined });
    s.get("value-ttl")!.update(i % 3 === 0 ? 0 : `t${i}`);
    for (const n of ["list", "list-ttl"]) {
      s.get(n)!.add(i);
      s.get(n)!.add({ nested: [i, "x"] });
    }
    for (const n of ["map", "map-ttl"]) {
      s.get(n)!.put(`a${i}`, i);
      s.get(n)!.put(["composite", i], null);
    }
    s.get("reducing")!.add(i);
    s.get("aggregating")!.add(i);
    for (const ns of [W1, W2] as Ns[]) {
      for (const n of ["reducing-ns", "aggregating-ns", "list-ns", "reducing-ns-ttl"]) {
        const st = s.get(n)!;
        st.setCurrentNamespace(ns);
        st.add(i + ns.id);
      }
    }
  });
}

/** Every entry of every owned key group, as sorted strings (state, key group, entry). */
function dump(b: TestBackend): string[] {
  const out: string[] = [];
  for (let kg = b.keyGroupRange.start; kg <= b.keyGroupRange.end; kg++)
    b.forEachEntry(kg, (state, e) =>
      out.push(JSON.stringify([state, kg, e], (_k, x) => jsonable(x))),
    );
  return out.sort();
}

/** What the handles return for every key (as strings). */
function read(b: TestBackend): string[] {
  const s = register(b);
  const out: unknown[] = [];
  for (const k of ALL_KEYS) {
    if (!owns(b, k)) continue;
    b.setCurrentKey(k);
    for (const [name, st] of s) {
      if (name.endsWith("-ns") || name.endsWith("-ns-ttl")) {
        for (const ns of [W1, W2]) {
          st.setCurrentNamespace(ns);
          out.push([name, k, ns.id, name.startsWith("list") ? [...(st.get() as [])] : st.get()]);
        }
      } else if (name.startsWith("value")) out.push([name, k, st.value()]);
      else if (name.startsWith("map")) out.push([name, k, [...st.entries()]]);
      else if (name.startsWith("list")) out.push([name, k, [...(st.get() as [])]]);
      else out.push([name, k, st.get()]);
    }
  }
  return sorted(out);
}

function owns(b: TestBackend, key: unknown): boolean {
  try {
    b.setCurrentKey(key);
    return true;
  } catch {
    return false;
  }
}

/** Restores every owned key group of `from` into `to`. */
function copy(from: TestBackend, to: TestBackend): void {
  const metas = new Map(from.snapshotMeta().map((m) => [m.name, m]));
  const { start, end } = to.keyGroupRange;
  for (let kg = Math.max(start, from.keyGroupRange.start); kg <= end; kg++) {
    if (kg > from.keyGroupRange.end) break;
    from.forEachEntry(kg, (state, e) => to.restoreEntry(metas.get(state)!, kg, e));
  }
}

/** Registers the snapshot conformance tests of `subject` (restoring into each of `peers`). */
export function snapshotConformance(
  subject: BackendFactory,
  peers: readonly BackendFactory[],
  h: Harness,
): void {
  for (const peer of peers) {
    for (const before of [true, false]) {
      const when = before ? "before" : "after";
      test(`snapshot -> restore into ${peer.name}, ${when} registration: equal values of every kind`, () => {
        const src = h.make();
        fill(src, h);
        const snap = dump(src);
        const expected = read(src);
        assert.equal(src.snapshotMeta().length, descriptors().length);
        const dst = h.makeWith(peer);
        if (!before) register(dst);
        copy(src, dst);
        if (before) {
          assert.deepEqual(
            dst
              .snapshotMeta()
              .map((m) => m.name)
              .sort(),
            descriptors()
              .map(([d]) => d.name)
              .sort(),
          );
          assert.deepEqual(dump(dst), snap, "pending entries are in the snapshot");
          assert.equal(dst.numStateEntries(), 0);
        }
        assert.deepEqual(read(dst), expected);
        assert.deepEqual(dump(dst), snap);
      });
    }

    test(`restore into ${peer.name} with other key group ranges takes only owned key groups`, () => {
      const src = h.make();
      fill(src, h);
      const snap = dump(src);
      const expected = read(src);
      const halves = [
        h.makeWith(peer, { start: 0, end: 63 }),
        h.makeWith(peer, { start: 64, end: 127 }),
      ];
      for (const dst of halves) copy(src, dst);
      assert.deepEqual([...dump(halves[0]!), ...dump(halves[1]!)].sort(), snap);
      const got = [...read(halves[0]!), ...read(halves[1]!)].sort();
      assert.deepEqual(got, expected);
      for (const dst of halves) {
        for (const k of dst.getKeys("value")) {
          const g = (dst.setCurrentKey(k), dst.getCurrentKeyGroup());
          assert.ok(g >= dst.keyGroupRange.start && g <= dst.keyGroupRange.end);
        }
      }
      assert.throws(() => halves[0]!.forEachEntry(100, () => {}), /not owned/);
    });
  }

  test("a restored state registered with another kind fails naming state and operator", () => {
    const src = h.make();
    fill(src, h);
    const dst = h.make();
    copy(src, dst);
    assert.throws(
      () => st(dst, new ValueStateDescriptor("list")),
      /state 'list' of operator '.+' was restored as list state but is registered as value state/,
    );
  });

  test("incremental: changes since markSnapshotted are exactly the writes, overwrites, deletes", (t) => {
    const b = h.make();
    if (!isIncremental(b)) {
      t.skip(`${subject.name} has no change log`);
      return;
    }
    const v = st(b, new ValueStateDescriptor<unknown>("v"));
    const l = st(b, new ListStateDescriptor<number>("l"), nsKey) as Handle;
    const changes = (): string[] => {
      const out: unknown[] = [];
      for (let kg = 0; kg < 128; kg++)
        b.forEachChange(kg, (state, key, ns, e) =>
          out.push([state, key, ns, e?.value ?? "DELETED"]),
        );
      return sorted(out);
    };
    assert.equal(b.hasCompleteChangeLog(), false, "no snapshot to be incremental on yet");
    for (let i = 0; i < 50; i++) {
      b.setCurrentKey(i);
      v.update(i);
    }
    b.markSnapshotted();
    assert.equal(b.hasCompleteChangeLog(), true);
    assert.deepEqual(changes(), []);
    for (let i = 0; i < 50; i++) {
      b.setCurrentKey(i);
      v.value(); // reads are no changes
    }
    b.setCurrentKey(1);
    v.update("one");
    b.setCurrentKey(2);
    v.clear();
    b.setCurrentKey(3);
    v.update(3); // same value again
    b.setCurrentKey(["new", 1]);
    v.update("n");
    l.setCurrentNamespace(W1);
    l.add(5);
    b.setCurrentKey(1000);
    v.update("tmp");
    v.clear(); // written and deleted again: no change
    assert.deepEqual(
      changes(),
      sorted([
        ["v", 1, undefined, "one"],
        ["v", 2, undefined, "DELETED"],
        ["v", ["new", 1], undefined, "n"],
        ["l", ["new", 1], W1, [5]],
      ]),
    );
    b.markSnapshotted();
    assert.deepEqual(changes(), []);
    l.drainNamespace(W1, () => {});
    assert.deepEqual(changes(), sorted([["l", ["new", 1], W1, "DELETED"]]));
    const other = h.make();
    copy(b, other);
    assert.equal((other as unknown as Incremental).hasCompleteChangeLog(), false);
  });
}
