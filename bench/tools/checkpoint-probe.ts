/**
 * What bench/checkpoint.ts measures outside the job: the completed checkpoints a run left in its
 * checkpoint directory (count, duration, size, full or incremental), and recovery runs of the
 * `checkpointed-state` job under the `strom` CLI in child processes (cold start, SIGKILL of the
 * process then `--restore latest`, a worker thread exiting then the in-process restart).
 */
import { spawn, type ChildProcess } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CheckpointMetadata } from "../../src/runtime/checkpoint/storage.ts";
import { absoluteNow } from "../jobs/workload.ts";

const STROM_BIN = fileURLToPath(new URL("../../bin/strom.js", import.meta.url));
const JOB = fileURLToPath(new URL("../jobs/checkpointed-state.ts", import.meta.url));

/** One completed checkpoint found on disk. */
export interface CheckpointInfo {
  /** Checkpoint id. */
  id: number;
  /** Trigger (metadata timestamp) to `_metadata` written (its mtime), ms. */
  durationMs: number;
  /** Trigger time, absolute ms. */
  triggeredAt: number;
  /** Bytes written for it (the subtasks' handle sizes: deltas only when incremental). */
  bytes: number;
  /** Whether some keyed state was written as a delta (a chain of more than one file). */
  incremental: boolean;
}

/** The completed checkpoints under `root` (those with a `_metadata`), by id. */
export function readCheckpoints(root: string): CheckpointInfo[] {
  if (!existsSync(root)) return [];
  const out: CheckpointInfo[] = [];
  for (const name of readdirSync(root)) {
    const meta = join(root, name, "_metadata");
    if (!name.startsWith("chk-") || !existsSync(meta)) continue;
    const md = JSON.parse(readFileSync(meta, "utf8")) as CheckpointMetadata;
    let bytes = 0;
    let incremental = false;
    for (const op of md.operators) {
      for (const s of op.subtasks) {
        bytes += s.size;
        if (s.files.length > 1) incremental = true;
      }
    }
    out.push({
      id: md.checkpointId,
      durationMs: statSync(meta).mtimeMs - md.timestamp,
      triggeredAt: md.timestamp,
      bytes,
      incremental,
    });
  }
  return out.sort((a, b) => a.id - b.id);
}

/** Summary of the checkpoints of one run. */
export interface CheckpointSummary {
  /** Completed checkpoints triggered before the end of input (the periodic ones). */
  count: number;
  /** Of those, how many wrote deltas (incremental). */
  incremental: number;
  /** Mean and max duration of the periodic ones, ms. */
  meanMs: number;
  maxMs: number;
  /** Mean bytes of the periodic ones. */
  meanBytes: number;
  /** Largest full (non-delta) checkpoint, bytes (0: none). */
  fullBytes: number;
  /** Checkpoints triggered after the end of input (the final one), with their duration, ms. */
  finalMs: number[];
}

/** Splits the checkpoints of a run at `endedAt` (the sinks' end of input) and sums them up. */
export function summarize(cps: readonly CheckpointInfo[], endedAt: number): CheckpointSummary {
  const periodic = cps.filter((c) => c.triggeredAt < endedAt);
  const mean = (xs: number[]): number =>
    xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    count: periodic.length,
    incremental: periodic.filter((c) => c.incremental).length,
    meanMs: mean(periodic.map((c) => c.durationMs)),
    maxMs: Math.max(0, ...periodic.map((c) => c.durationMs)),
    meanBytes: mean(periodic.map((c) => c.bytes)),
    fullBytes: Math.max(0, ...cps.filter((c) => !c.incremental).map((c) => c.bytes)),
    finalMs: cps.filter((c) => c.triggeredAt >= endedAt).map((c) => c.durationMs),
  };
}

// ---- recovery runs ----------------------------------------------------------------------------

/** A line the job's state function appends to `first.jsonl` on its first record. */
interface FirstRecord {
  pid: number;
  t: number;
  failed: boolean;
}

/** The `strom run` job in a child process, with its stderr lines timed on arrival. */
interface JobProcess {
  readonly child: ChildProcess;
  readonly startedAt: number;
  /** Arrival time of the first stderr line containing each watched text. */
  readonly seen: Map<string, number>;
  readonly stderr: string[];
}

const WATCHED = ["restoring from", "restarting (attempt"];

function startJob(
  options: { cpDir: string; markDir: string; keys: number; backend: string },
  extraArgs: string[],
  extraEnv: Record<string, string>,
): JobProcess {
  const args = [
    STROM_BIN,
    "run",
    JOB,
    "-p",
    "1",
    "--checkpoint-dir",
    options.cpDir,
    "--checkpoint-interval",
    "1000",
    "--state-backend",
    options.backend,
    ...extraArgs,
  ];
  const startedAt = absoluteNow();
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "ignore", "pipe"],
    env: {
      ...process.env,
      BENCH_N: String(1e12),
      BENCH_KEYS: String(options.keys),
      BENCH_MARK_DIR: options.markDir,
      ...extraEnv,
    },
  });
  const p: JobProcess = { child, startedAt, seen: new Map(), stderr: [] };
  let buf = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      p.stderr.push(line);
      for (const w of WATCHED) if (line.includes(w) && !p.seen.has(w)) p.seen.set(w, absoluteNow());
    }
  });
  return p;
}

function firstRecords(markDir: string): FirstRecord[] {
  const f = join(markDir, "first.jsonl");
  if (!existsSync(f)) return [];
  return readFileSync(f, "utf8")
    .trim()
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as FirstRecord);
}

/** Polls `probe` every 5 ms until it returns a value; fails after `timeoutMs` or if `p` exits. */
async function waitFor<T>(
  p: JobProcess,
  what: string,
  timeoutMs: number,
  probe: () => T | undefined,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (p.child.exitCode !== null || p.child.signalCode !== null || Date.now() > deadline) {
      throw new Error(
        `recovery run: no ${what} (exit ${p.child.exitCode ?? p.child.signalCode}); stderr:\n${p.stderr.join("\n")}`,
      );
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function kill(p: JobProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const closed = new Promise((r) => p.child.once("close", r));
  p.child.kill("SIGKILL");
  await closed;
}

/** One round of recovery measurements (ms). */
export interface RecoveryRound {
  /** Process spawned -> first record of a fresh run (the baseline). */
  coldMs: number;
  /** SIGKILL -> first record of `--restore latest` in a new process. */
  killMs: number;
  /** ... of which SIGKILL -> "restoring from checkpoint" on the new process's stderr. */
  killToRestoreLogMs: number;
  /** Checkpoint restored after the SIGKILL, and its bytes. */
  killCheckpoint: number;
  killCheckpointBytes: number;
  /** A worker thread exiting -> first record of the restarted attempt (same process). */
  threadMs: number;
  /** ... of which exit -> the "restarting" line on stderr. */
  threadToRestartLogMs: number;
}

/**
 * Cold start, SIGKILL + restore, and a worker failure + restart of the checkpointed-state job at
 * p1 with `keys` keys on `backend`, checkpoints every second; the kill and the failure come just
 * after checkpoint `afterCheckpoint` completed.
 */
export async function measureRecovery(
  keys: number,
  backend: "hashmap" | "disk",
  afterCheckpoint: number,
): Promise<RecoveryRound> {
  const work = mkdtempSync(join(tmpdir(), "bench-recovery-"));
  const cpDir = join(work, "cp");
  const opts = (mark: string) => ({ cpDir, markDir: join(work, mark), keys, backend });
  try {
    // 1. Cold start, then SIGKILL after checkpoint k.
    for (const m of ["a", "b", "c"]) mkdirSync(join(work, m));
    const cold = startJob(opts("a"), [], {});
    const first = await waitFor(
      cold,
      "first record",
      60_000,
      () => firstRecords(join(work, "a"))[0],
    );
    const coldMs = first.t - cold.startedAt;
    await waitFor(cold, `checkpoint ${afterCheckpoint}`, 120_000, () =>
      existsSync(join(cpDir, `chk-${afterCheckpoint}`, "_metadata")) ? true : undefined,
    );
    const killedAt = absoluteNow();
    await kill(cold);
    // 2. Restore in a new process.
    const restored = startJob(opts("b"), ["--restore", "latest"], {});
    const rFirst = await waitFor(
      restored,
      "first record after restore",
      120_000,
      () => firstRecords(join(work, "b"))[0],
    );
    const restoreLine = restored.stderr.find((l) => l.includes("restoring from")) ?? "";
    const killCheckpoint = Number(/checkpoint (\d+)/.exec(restoreLine)?.[1] ?? -1);
    const cp = readCheckpoints(cpDir).find((c) => c.id === killCheckpoint);
    await kill(restored);
    // 3. A worker thread exits after checkpoint k of a fresh run; the job restarts in-process.
    rmSync(cpDir, { recursive: true, force: true });
    const failing = startJob(opts("c"), [], { BENCH_FAIL_AFTER_CP: String(afterCheckpoint) });
    const again = await waitFor(failing, "first record after the restart", 180_000, () =>
      firstRecords(join(work, "c")).find((r) => r.failed),
    );
    const failedAt = Number(readFileSync(join(work, "c", "failed"), "utf8"));
    const restartLog = failing.seen.get("restarting (attempt") ?? NaN;
    await kill(failing);
    return {
      coldMs,
      killMs: rFirst.t - killedAt,
      killToRestoreLogMs: (restored.seen.get("restoring from") ?? NaN) - killedAt,
      killCheckpoint,
      killCheckpointBytes: cp?.bytes ?? 0,
      threadMs: again.t - failedAt,
      threadToRestartLogMs: restartLog - failedAt,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
