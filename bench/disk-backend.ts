/**
 * The disk keyed state backend against the heap backend, driven directly (no job): per record,
 * set the current key, read a value state and write it back (a running count per key), then a
 * snapshot of every key group. Cases: keys that fit the disk backend's heap cache, and ten times
 * more keys than the cache holds (every miss is a synchronous LMDB read, writes go out in
 * batches). Prints records/s of each backend and the disk/heap ratio.
 *
 *   ./node_modules/.bin/node bench/disk-backend.ts        # BENCH_SCALE=0.1 for a quick look
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValueStateDescriptor, type ValueState } from "../src/index.ts";
import { DiskKeyedStateBackend } from "../src/runtime/state/disk/disk-backend.ts";
import { HeapKeyedStateBackend } from "../src/runtime/state/heap-backend.ts";
import type { KeyedStateBackend } from "../src/runtime/state/keyed-backend.ts";
import type { SnapshotableKeyedBackend } from "../src/runtime/checkpoint/snapshot.ts";

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const CACHE = 100_000;
const root = mkdtempSync(join(tmpdir(), "strom-bench-disk-"));

type Backend = KeyedStateBackend & SnapshotableKeyedBackend;

function make(kind: "heap" | "disk"): Backend {
  const common = {
    operatorName: "bench",
    maxParallelism: 128,
    keyGroupRange: { start: 0, end: 127 },
    now: () => 0,
  };
  return kind === "heap"
    ? new HeapKeyedStateBackend(common)
    : new DiskKeyedStateBackend({ ...common, directory: join(root, "db"), cacheSize: CACHE });
}

/** Counts per key for `records` records over `keys` keys; returns records/s and snapshot ms. */
function run(
  kind: "heap" | "disk",
  keys: number,
  records: number,
): { rps: number; snapMs: number } {
  const b = make(kind);
  const s = b.getOrCreateKeyedState(
    new ValueStateDescriptor<number>("count"),
  ) as ValueState<number>;
  let x = 12345;
  const t0 = performance.now();
  for (let i = 0; i < records; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b.setCurrentKey(i < keys ? i : x % keys); // every key once, then random keys
    s.update((s.value() ?? 0) + 1);
  }
  const t1 = performance.now();
  let n = 0;
  for (let kg = 0; kg < 128; kg++) b.forEachEntry(kg, () => void n++);
  const snapMs = performance.now() - t1;
  if (n !== keys) throw new Error(`${kind}: snapshot has ${n} entries, expected ${keys}`);
  b.dispose();
  return { rps: records / ((t1 - t0) / 1000), snapMs };
}

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");
const results: Record<string, number> = {};
try {
  for (const [name, keys] of [
    ["fits-cache", Math.round(50_000 * SCALE)],
    ["10x-cache", Math.round(1_000_000 * SCALE)],
  ] as const) {
    const records = Math.max(keys * 2, Math.round(2_000_000 * SCALE));
    const heap = run("heap", keys, records);
    const disk = run("disk", keys, records);
    results[`${name}-heap-rps`] = Math.round(heap.rps);
    results[`${name}-disk-rps`] = Math.round(disk.rps);
    results[`${name}-ratio`] = Number((disk.rps / heap.rps).toFixed(3));
    console.log(
      `${name.padEnd(10)} keys ${fmt(keys).padStart(9)}  records ${fmt(records).padStart(9)}  heap ${fmt(heap.rps).padStart(11)}/s  disk ${fmt(disk.rps).padStart(11)}/s  ratio ${(disk.rps / heap.rps).toFixed(3)}  snapshot heap ${fmt(heap.snapMs)} ms, disk ${fmt(disk.snapMs)} ms`,
    );
  }
  console.log(JSON.stringify({ benchmark: "disk-backend", scale: SCALE, results }));
} finally {
  rmSync(root, { recursive: true, force: true });
}
