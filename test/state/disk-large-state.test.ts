/**
 * State far larger than the heap: 2,000,000 keys of value state in the disk backend, with a full
 * and an incremental snapshot, in a child process whose heap is capped at 192 MB (a scaled
 * stand-in for 20 million keys in 512 MB: bench/tools/disk-large-state.ts with KEYS=20000000).
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("../../bench/tools/disk-large-state.ts", import.meta.url));

test("2,000,000 keys fit in the disk backend with a 192 MB heap and snapshot", () => {
  const r = spawnSync(process.execPath, ["--max-old-space-size=192", SCRIPT], {
    env: { ...process.env, KEYS: "2000000" },
    encoding: "utf8",
    timeout: 240_000,
  });
  assert.equal(r.status, 0, `child failed (signal ${r.signal}):\n${r.stderr}\n${r.stdout}`);
  const result = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Record<string, number>;
  assert.equal(result.keys, 2_000_000);
  assert.equal(result.incrementalChanges, 20_000);
  assert.ok(result.heapUsedMB! < 192, `heap in use ${result.heapUsedMB} MB`);
});
