/**
 * The disk backend's change log under eviction: a small cache (so logged slots are evicted, some
 * kept by the log and some replaced by their key), random writes and deletions over several
 * snapshots; every delta must report each changed key with its current value (or as deleted), and
 * nothing that is not current.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ValueStateDescriptor, type ValueState } from "../../src/index.ts";
import { DiskKeyedStateBackend } from "../../src/runtime/state/disk/disk-backend.ts";

test("disk change log: deltas under eviction report every change with its current value", () => {
  const root = mkdtempSync(join(tmpdir(), "strom-disk-changelog-"));
  const b = new DiskKeyedStateBackend({
    operatorName: "changelog",
    maxParallelism: 128,
    keyGroupRange: { start: 0, end: 127 },
    now: () => 0,
    directory: join(root, "db"),
    cacheSize: 16,
  });
  try {
    const v = b.getOrCreateKeyedState(new ValueStateDescriptor<number>("v")) as ValueState<number>;
    const model = new Map<number, number>();
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const step = (): void => {
      const k = rnd(300);
      b.setCurrentKey(k);
      if (rnd(5) === 0) {
        v.clear();
        model.delete(k);
      } else {
        const x = rnd(4);
        v.update(x);
        model.set(k, x);
      }
    };
    for (let i = 0; i < 500; i++) step();
    b.markSnapshotted();
    for (let round = 0; round < 6; round++) {
      const before = new Map(model);
      for (let i = 0; i < 400; i++) step();
      assert.equal(b.hasCompleteChangeLog(), true);
      const seen = new Map<number, number | null>();
      for (let kg = 0; kg < 128; kg++)
        b.forEachChange(kg, (_s, key, _ns, e) => {
          assert.equal(seen.has(key as number), false, `key ${String(key)} reported twice`);
          seen.set(key as number, e === null ? null : (e.value as number));
        });
      for (const [k, x] of seen)
        assert.equal(x, model.get(k) ?? null, `key ${k} in round ${round}`);
      for (const k of new Set([...before.keys(), ...model.keys()]))
        if (before.get(k) !== model.get(k)) assert.ok(seen.has(k), `change of ${k} not logged`);
      b.markSnapshotted();
    }
  } finally {
    b.dispose();
    rmSync(root, { recursive: true, force: true });
  }
});
