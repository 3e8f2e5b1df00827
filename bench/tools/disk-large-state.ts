/**
 * Keyed state far larger than the heap in the disk backend: writes KEYS keys of value state (a
 * read-modify-write per key, then a second pass over a slice of the keys), takes a full canonical
 * snapshot of every key group (checking the entry count and a checksum of the values), then an
 * incremental one (the change log after touching 1% of the keys). Prints one JSON line with the
 * timings, the peak RSS and the heap in use. Run it with a capped heap:
 *
 *   KEYS=20000000 ./node_modules/.bin/node --max-old-space-size=512 bench/tools/disk-large-state.ts
 *
 * test/state/disk-large-state.test.ts runs it with 2,000,000 keys and a 192 MB heap.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValueStateDescriptor, type ValueState } from "../../src/index.ts";
import { DiskKeyedStateBackend } from "../../src/runtime/state/disk/disk-backend.ts";

const KEYS = Number(process.env.KEYS ?? 2_000_000);
const dir = mkdtempSync(join(tmpdir(), "strom-disk-large-"));
const b = new DiskKeyedStateBackend({
  operatorName: "large-state",
  maxParallelism: 128,
  keyGroupRange: { start: 0, end: 127 },
  now: () => 0,
  directory: join(dir, "db"),
});
try {
  const s = b.getOrCreateKeyedState(
    new ValueStateDescriptor<{ n: number; tag: string }>("v"),
  ) as ValueState<{ n: number; tag: string }>;
  const t0 = performance.now();
  let peakRss = 0;
  for (let i = 0; i < KEYS; i++) {
    b.setCurrentKey(`key-${i}`);
    const cur = s.value();
    s.update({ n: (cur?.n ?? 0) + i, tag: `t${i % 1000}` });
    if ((i & 0xfffff) === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }
  const writeMs = performance.now() - t0;
  const t1 = performance.now();
  let entries = 0;
  let sum = 0;
  for (let kg = 0; kg < 128; kg++) {
    b.forEachEntry(kg, (_state, e) => {
      entries++;
      sum += (e.value as { n: number }).n;
    });
  }
  const snapshotMs = performance.now() - t1;
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const expectedSum = (KEYS * (KEYS - 1)) / 2;
  if (entries !== KEYS || sum !== expectedSum)
    throw new Error(
      `snapshot has ${entries} entries (sum ${sum}), expected ${KEYS} (sum ${expectedSum})`,
    );
  b.markSnapshotted();
  const touched = Math.floor(KEYS / 100);
  for (let i = 0; i < touched; i++) {
    b.setCurrentKey(`key-${i * 100}`);
    s.update({ n: -1, tag: "changed" });
  }
  const t2 = performance.now();
  let changes = 0;
  for (let kg = 0; kg < 128; kg++) b.forEachChange(kg, () => void changes++);
  const incrementalMs = performance.now() - t2;
  if (changes !== touched)
    throw new Error(`change log has ${changes} changes, expected ${touched}`);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const mb = (n: number): number => Math.round(n / 2 ** 20);
  console.log(
    JSON.stringify({
      keys: KEYS,
      writeMs: Math.round(writeMs),
      writesPerSec: Math.round(KEYS / (writeMs / 1000)),
      snapshotMs: Math.round(snapshotMs),
      incrementalChanges: changes,
      incrementalMs: Math.round(incrementalMs),
      peakRssMB: mb(peakRss),
      heapUsedMB: mb(process.memoryUsage().heapUsed),
    }),
  );
} finally {
  b.dispose();
  rmSync(dir, { recursive: true, force: true });
}
