/**
 * Runs the shared keyed state backend conformance suite for the heap backend and the disk
 * backend (with a small cache, so entries are evicted and read back from the store); snapshots of
 * each restore into both.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";
import { DiskKeyedStateBackend } from "../../src/runtime/state/disk/disk-backend.ts";
import { HeapKeyedStateBackend } from "../../src/runtime/state/heap-backend.ts";
import { backendConformance, type BackendFactory } from "./backend-conformance.ts";

const heap: BackendFactory = {
  name: "heap",
  create: (keyGroupRange, now) =>
    new HeapKeyedStateBackend({
      operatorName: "conformance",
      maxParallelism: 128,
      keyGroupRange,
      now,
    }),
};

const root = mkdtempSync(join(tmpdir(), "strom-disk-conformance-"));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

const disk: BackendFactory = {
  name: "disk",
  create: (keyGroupRange, now) =>
    new DiskKeyedStateBackend({
      operatorName: "conformance",
      maxParallelism: 128,
      keyGroupRange,
      now,
      directory: join(root, `b${n++}`),
      cacheSize: 64,
    }),
};

backendConformance(heap, [heap, disk]);
backendConformance(disk, [heap, disk]);
