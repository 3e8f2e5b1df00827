/**
 * State far larger than memory, at full scale: a keyed job writes one value state entry for each
 * of 20 million keys into the disk backend and checkpoints, in a Node whose heap is capped at
 * 512 MB (bench/tools/large-state-job.ts). Run by `npm run test:large` (CI runs it after the
 * other tests); the regular suite runs the scaled-down test/state/disk-large-state.test.ts.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("../../bench/tools/large-state-job.ts", import.meta.url));

test("20,000,000 keys in the disk backend with a 512 MB heap complete and checkpoint", () => {
  const r = spawnSync(process.execPath, [SCRIPT], {
    env: { ...process.env, KEYS: "20000000", HEAP_MB: "512" },
    encoding: "utf8",
    timeout: 1_700_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const summary = r.stdout.split("\n").find((l) => l.startsWith("large-state:")) ?? "";
  assert.equal(r.status, 0, `job failed (signal ${r.signal}):\n${r.stderr}\n${summary}`);
  const m = /retained checkpoints (chk-\d+) \(([\d.]+) MiB in the last one\)/.exec(summary);
  assert.ok(m, `no completed checkpoint: ${summary}`);
  // 20M entries of a number key and value cannot take less than ~5 bytes each.
  assert.ok(Number(m[2]) > 100, `checkpoint too small for 20M keys: ${summary}`);
  console.log(summary);
});
