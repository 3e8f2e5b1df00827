/**
 * Incremental against full checkpoints of the disk keyed state backend, driven directly (no job):
 * 1M keys in a value state, a full snapshot (state file encoded as the task checkpointer does,
 * then written durably), 1% of the keys updated, then an incremental snapshot (a delta file of the
 * change log) and, for the baseline measured in the same run, a full one of the same state. The
 * heap backend (full snapshots only) is printed for reference. Prints duration and bytes of each
 * and the ratio incremental / full.
 *
 *   ./node_modules/.bin/node bench/checkpoint-size.ts      # BENCH_SCALE=0.1 for a quick look
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValueStateDescriptor, type ValueState } from "../src/index.ts";
import { DiskKeyedStateBackend } from "../src/runtime/state/disk/disk-backend.ts";
import { HeapKeyedStateBackend } from "../src/runtime/state/heap-backend.ts";
import type { KeyedStateBackend } from "../src/runtime/state/keyed-backend.ts";
import type { SnapshotableKeyedBackend } from "../src/runtime/checkpoint/snapshot.ts";
import { deltaEntries, supportsIncremental } from "../src/runtime/checkpoint/incremental.ts";
import { encodeStateFile, stateRegistry } from "../src/runtime/checkpoint/state-file.ts";
import { writeFileDurably } from "../src/runtime/checkpoint/storage.ts";

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const KEYS = Math.max(1000, Math.round(1_000_000 * SCALE));
const CHANGED = Math.max(10, Math.round(KEYS / 100));
const MAX_PAR = 128;
const root = mkdtempSync(join(tmpdir(), "strom-bench-cpsize-"));
const registry = stateRegistry({});

type Backend = KeyedStateBackend & SnapshotableKeyedBackend;

function make(kind: "heap" | "disk"): Backend {
  const common = {
    operatorName: "bench",
    maxParallelism: MAX_PAR,
    keyGroupRange: { start: 0, end: MAX_PAR - 1 },
    now: () => 0,
  };
  return kind === "heap"
    ? new HeapKeyedStateBackend(common)
    : new DiskKeyedStateBackend({ ...common, directory: join(root, "db") });
}

interface Snap {
  /** Encode (the synchronous scan) + durable write, ms. */
  ms: number;
  /** Encode alone, ms. */
  encodeMs: number;
  bytes: number;
}

let fileSeq = 0;

/** Takes a snapshot of `b` as the task checkpointer does: full, or a delta of the change log. */
async function snapshot(b: Backend, delta: boolean): Promise<Snap> {
  const t0 = performance.now();
  const inc = supportsIncremental(b) ? b : null;
  const bytes = encodeStateFile(
    {
      header: {
        kind: delta ? "delta" : "full",
        operatorId: "bench",
        operatorName: "bench",
        subtask: 0,
        parallelism: 1,
        maxParallelism: MAX_PAR,
        keyGroupRange: { start: 0, end: MAX_PAR - 1 },
      },
      states: b.snapshotMeta(),
      keyed: {
        entries:
          delta && inc !== null
            ? deltaEntries(inc)
            : (kg, visit) => b.forEachEntry(kg, (s, e) => visit(s, e, false)),
        timers: () => [],
      },
      operator: { lists: [], broadcast: [], splits: null },
    },
    registry,
  );
  inc?.markSnapshotted();
  const t1 = performance.now();
  await writeFileDurably(join(root, `f${++fileSeq}.state`), bytes);
  return { ms: performance.now() - t0, encodeMs: t1 - t0, bytes: bytes.length };
}

async function run(kind: "heap" | "disk"): Promise<{ full: Snap; inc: Snap; fullAfter: Snap }> {
  const b = make(kind);
  const s = b.getOrCreateKeyedState(new ValueStateDescriptor<number>("v")) as ValueState<number>;
  for (let k = 0; k < KEYS; k++) {
    b.setCurrentKey(k);
    s.update(k);
  }
  const full = await snapshot(b, false);
  const stride = Math.floor(KEYS / CHANGED);
  for (let i = 0; i < CHANGED; i++) {
    b.setCurrentKey(i * stride);
    s.update(-i);
  }
  const inc = await snapshot(b, kind === "disk");
  const fullAfter = await snapshot(b, false); // baseline: a full snapshot of the same state
  b.dispose();
  return { full, inc, fullAfter };
}

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");
const kib = (n: number): string => `${fmt(n / 1024)} KiB`;
try {
  const heap = await run("heap");
  const disk = await run("disk");
  const line = (name: string, x: Snap): string =>
    `  ${name.padEnd(22)} ${fmt(x.ms).padStart(6)} ms (encode ${fmt(x.encodeMs).padStart(5)} ms)  ${kib(x.bytes).padStart(12)}`;
  console.log(`checkpoint-size: ${fmt(KEYS)} keys, ${fmt(CHANGED)} changed (1%)`);
  console.log(line("heap full", heap.full));
  console.log(line("heap full after 1%", heap.inc));
  console.log(line("disk full", disk.full));
  console.log(line("disk incremental (1%)", disk.inc));
  console.log(line("disk full after 1%", disk.fullAfter));
  const bytesRatio = disk.inc.bytes / disk.fullAfter.bytes;
  const timeRatio = disk.inc.ms / disk.fullAfter.ms;
  console.log(
    `disk incremental/full: bytes ${bytesRatio.toFixed(4)}, duration ${timeRatio.toFixed(4)}; disk full/heap full duration ${(disk.fullAfter.ms / heap.inc.ms).toFixed(2)}`,
  );
  const results = {
    keys: KEYS,
    changed: CHANGED,
    "heap-full-ms": Math.round(heap.inc.ms),
    "heap-full-bytes": heap.inc.bytes,
    "disk-full-ms": Math.round(disk.fullAfter.ms),
    "disk-full-bytes": disk.fullAfter.bytes,
    "disk-inc-ms": Math.round(disk.inc.ms * 10) / 10,
    "disk-inc-bytes": disk.inc.bytes,
    "bytes-ratio": Number(bytesRatio.toFixed(4)),
    "duration-ratio": Number(timeRatio.toFixed(4)),
  };
  console.log(JSON.stringify({ benchmark: "checkpoint-size", scale: SCALE, results }));
} finally {
  rmSync(root, { recursive: true, force: true });
}
