/**
 * Checkpoint overhead and recovery time of a keyed-state job (bench/jobs/checkpointed-state.ts:
 * generator{key: i % K} -> keyBy(key) -> ValueState<number> read-modify-write per record -> sink)
 * on the default "local" target (one worker thread per slot).
 *
 *   heap-p1, heap-p2, disk-p1: the same job without checkpoints (the baseline) and with a
 *       checkpoint every second (EXACTLY_ONCE, aligned), same backend, runs interleaved in one
 *       process; throughput = N / net runtime. Targets: with/without >= 0.90 on the heap backend,
 *       >= 0.75 on the disk backend. Also: completed checkpoints per run, their mean/max duration
 *       (trigger -> `_metadata` written) and size, read from the checkpoint directory.
 *   recovery-heap, recovery-disk: the job under `strom run` in child processes (p1, endless input):
 *       SIGKILL just after checkpoint 2 completed, then `--restore latest` in a new process; and a
 *       worker thread exiting just after checkpoint 2, restarted in-process. Time from the kill or
 *       exit to the first record processed again, against the baseline of a cold start (process
 *       spawned -> first record of a fresh run).
 *
 * K = 1M keys; N = 30 K records (heap), 3 K (disk: ~0.2 M/s with 10x more keys than its cache).
 * BENCH_SCALE multiplies K and N; BENCH_RUNS sets the rounds (default 3). Every case runs in its
 * own child process: a warm-up of each side at K/10, then rounds of (baseline, checkpoints) with
 * the order swapped every round; medians are reported.
 *
 * Run: `npm run bench -- checkpoint` or `./node_modules/.bin/node bench/checkpoint.ts [case ...]`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CASE_RESULT_PREFIX,
  cleanUpStats,
  fmtRate,
  median,
  mib,
  mrate,
  runCaseChild,
  runStromJob,
  type StromRun,
} from "./tools/case-runner.ts";
import {
  measureRecovery,
  readCheckpoints,
  summarize,
  type CheckpointSummary,
  type RecoveryRound,
} from "./tools/checkpoint-probe.ts";

const JOB = fileURLToPath(new URL("./jobs/checkpointed-state.ts", import.meta.url));
const SCALE = Number(process.env["BENCH_SCALE"] ?? 1);
const RUNS = Number(process.env["BENCH_RUNS"] ?? 3);
const KEYS = 1_000_000;
const INTERVAL_MS = 1000;

interface ThroughputDef {
  readonly id: string;
  readonly kind: "throughput";
  readonly backend: "hashmap" | "disk";
  readonly parallelism: number;
  /** Records per key. */
  readonly perKey: number;
  /** with/without target. */
  readonly target: number;
}
interface RecoveryDef {
  readonly id: string;
  readonly kind: "recovery";
  readonly backend: "hashmap" | "disk";
}
type CaseDef = ThroughputDef | RecoveryDef;

const CASES: readonly CaseDef[] = [
  {
    id: "heap-p1",
    kind: "throughput",
    backend: "hashmap",
    parallelism: 1,
    perKey: 30,
    target: 0.9,
  },
  {
    id: "heap-p2",
    kind: "throughput",
    backend: "hashmap",
    parallelism: 2,
    perKey: 30,
    target: 0.9,
  },
  { id: "disk-p1", kind: "throughput", backend: "disk", parallelism: 1, perKey: 3, target: 0.75 },
  { id: "recovery-heap", kind: "recovery", backend: "hashmap" },
  { id: "recovery-disk", kind: "recovery", backend: "disk" },
];

const keysAtScale = (): number => Math.max(1000, Math.round((KEYS * SCALE) / 1000) * 1000);
const mb = (b: number): string => `${(b / 1e6).toFixed(1)} MB`;

// ---- throughput ------------------------------------------------------------------------------

interface CpRun extends StromRun {
  checkpoints: CheckpointSummary;
}

interface ThroughputResult {
  id: string;
  kind: "throughput";
  backend: string;
  parallelism: number;
  keys: number;
  n: number;
  loadavgBefore: number[];
  base: { runs: StromRun[]; rate: number; rateTask: number };
  cp: { runs: CpRun[]; rate: number; rateTask: number };
  /** Median checkpoint figures over the runs. */
  checkpoints: {
    count: number;
    incremental: number;
    meanMs: number;
    maxMs: number;
    meanBytes: number;
    fullBytes: number;
    finalMs: number;
  };
  ratio: number;
  ratioTask: number;
  target: number;
  pass: boolean;
  checksumOk: boolean;
}

async function runJob(
  def: ThroughputDef,
  n: number,
  keys: number,
  checkpoints: boolean,
): Promise<CpRun | StromRun> {
  const cpDir = mkdtempSync(join(tmpdir(), "bench-cp-"));
  try {
    const r = await runStromJob(JOB, def.parallelism, {
      BENCH_N: String(n),
      BENCH_KEYS: String(keys),
      BENCH_BACKEND: def.backend,
      BENCH_CP_INTERVAL: checkpoints ? String(INTERVAL_MS) : "0",
      BENCH_CP_DIR: cpDir,
      BENCH_CP_RETAIN: "100000",
    });
    if (!checkpoints) return r;
    const endedAt = r.endedAt;
    return { ...r, checkpoints: summarize(readCheckpoints(cpDir), endedAt) };
  } finally {
    rmSync(cpDir, { recursive: true, force: true });
  }
}

function line(label: string, n: number, r: StromRun | CpRun): string {
  let s = `  ${label.padEnd(11)} ${fmtRate(mrate(n, r.netMs)).padStart(9)}  net ${r.netMs.toFixed(0)} ms, in-task ${fmtRate(mrate(n, r.taskMs))}, cpu ${r.cpuMs.toFixed(0)} ms, worker heap ${mib(r.peakWorkerHeapUsed)}`;
  if ("checkpoints" in r) {
    const c = r.checkpoints;
    s += `\n              ${c.count} checkpoints (${c.incremental} incremental), mean ${c.meanMs.toFixed(0)} ms, max ${c.maxMs.toFixed(0)} ms, mean ${mb(c.meanBytes)}, largest full ${mb(c.fullBytes)}; final checkpoint ${c.finalMs.map((x) => x.toFixed(0)).join(", ") || "-"} ms`;
  }
  return s;
}

async function runThroughput(def: ThroughputDef): Promise<ThroughputResult> {
  const keys = keysAtScale();
  const n = keys * def.perKey;
  const loadavgBefore = loadavg().map((x) => Math.round(x * 100) / 100);
  console.log(
    `\n${def.id}: ${def.backend} backend, p${def.parallelism}, K=${keys.toLocaleString("en-US")}, N=${n.toLocaleString("en-US")}, ` +
      `checkpoints off vs every ${INTERVAL_MS} ms (load average ${loadavgBefore[0]})`,
  );
  const warmKeys = Math.max(1000, Math.round(keys / 10));
  await runJob(def, warmKeys * def.perKey, warmKeys, false);
  await runJob(def, warmKeys * def.perKey, warmKeys, true);
  const base: StromRun[] = [];
  const cp: CpRun[] = [];
  for (let round = 0; round < RUNS; round++) {
    for (const withCp of round % 2 === 0 ? [false, true] : [true, false]) {
      const r = await runJob(def, n, keys, withCp);
      if (withCp) cp.push(r as CpRun);
      else base.push(r);
      console.log(line(withCp ? "checkpoints" : "baseline", n, r));
    }
  }
  const rate = (rs: StromRun[]) => mrate(n, median(rs.map((r) => r.netMs)));
  const rateTask = (rs: StromRun[]) => mrate(n, median(rs.map((r) => r.taskMs)));
  const med = (f: (c: CheckpointSummary) => number) => median(cp.map((r) => f(r.checkpoints)));
  const checkpoints = {
    count: med((c) => c.count),
    incremental: med((c) => c.incremental),
    meanMs: med((c) => c.meanMs),
    maxMs: med((c) => c.maxMs),
    meanBytes: med((c) => c.meanBytes),
    fullBytes: med((c) => c.fullBytes),
    finalMs: med((c) => c.finalMs[0] ?? 0),
  };
  const ratio = rate(cp) / rate(base);
  const ratioTask = rateTask(cp) / rateTask(base);
  const ref = base[0]!;
  const checksumOk = [...base, ...cp].every((r) => r.sum === ref.sum && r.count === ref.count);
  const pass = ratio >= def.target && checksumOk;
  console.log(
    `  median: baseline ${fmtRate(rate(base))}, checkpoints ${fmtRate(rate(cp))} (net); ratio ${ratio.toFixed(2)} (in-task ${ratioTask.toFixed(2)})` +
      (checksumOk ? "" : " CHECKSUM MISMATCH"),
  );
  return {
    id: def.id,
    kind: "throughput",
    backend: def.backend,
    parallelism: def.parallelism,
    keys,
    n,
    loadavgBefore,
    base: { runs: base, rate: rate(base), rateTask: rateTask(base) },
    cp: { runs: cp, rate: rate(cp), rateTask: rateTask(cp) },
    checkpoints,
    ratio,
    ratioTask,
    target: def.target,
    pass,
    checksumOk,
  };
}

// ---- recovery --------------------------------------------------------------------------------

interface RecoveryResult {
  id: string;
  kind: "recovery";
  backend: string;
  keys: number;
  loadavgBefore: number[];
  rounds: RecoveryRound[];
  coldMs: number;
  killMs: number;
  threadMs: number;
  checkpointBytes: number;
}

async function runRecovery(def: RecoveryDef): Promise<RecoveryResult> {
  const keys = keysAtScale();
  const loadavgBefore = loadavg().map((x) => Math.round(x * 100) / 100);
  console.log(
    `\n${def.id}: ${def.backend} backend, p1, K=${keys.toLocaleString("en-US")}, checkpoints every ${INTERVAL_MS} ms, ` +
      `kill just after checkpoint 2 (load average ${loadavgBefore[0]})`,
  );
  const rounds: RecoveryRound[] = [];
  for (let round = 0; round < RUNS; round++) {
    const r = await measureRecovery(keys, def.backend, 2);
    rounds.push(r);
    console.log(
      `  cold start ${r.coldMs.toFixed(0)} ms | SIGKILL -> processing ${r.killMs.toFixed(0)} ms (restore log after ${r.killToRestoreLogMs.toFixed(0)} ms; ` +
        `checkpoint ${r.killCheckpoint}, ${mb(r.killCheckpointBytes)}) | worker exit -> processing ${r.threadMs.toFixed(0)} ms (restart log after ${r.threadToRestartLogMs.toFixed(0)} ms)`,
    );
  }
  const res: RecoveryResult = {
    id: def.id,
    kind: "recovery",
    backend: def.backend,
    keys,
    loadavgBefore,
    rounds,
    coldMs: median(rounds.map((r) => r.coldMs)),
    killMs: median(rounds.map((r) => r.killMs)),
    threadMs: median(rounds.map((r) => r.threadMs)),
    checkpointBytes: median(rounds.map((r) => r.killCheckpointBytes)),
  };
  console.log(
    `  median: cold start ${res.coldMs.toFixed(0)} ms; SIGKILL + restore ${res.killMs.toFixed(0)} ms (${(res.killMs / res.coldMs).toFixed(2)}x cold); ` +
      `worker exit + restart ${res.threadMs.toFixed(0)} ms (${(res.threadMs / res.coldMs).toFixed(2)}x cold)`,
  );
  return res;
}

// ---- main ------------------------------------------------------------------------------------

type CaseResult = ThroughputResult | RecoveryResult;

function summaryLine(r: CaseResult): string {
  if (r.kind === "recovery") {
    return (
      `${r.id}: cold start ${r.coldMs.toFixed(0)} ms, SIGKILL -> processing ${r.killMs.toFixed(0)} ms (${(r.killMs / r.coldMs).toFixed(2)}x cold), ` +
      `worker exit -> processing ${r.threadMs.toFixed(0)} ms (${(r.threadMs / r.coldMs).toFixed(2)}x cold), checkpoint ${mb(r.checkpointBytes)} (no target)`
    );
  }
  return (
    `${r.id}: baseline=${fmtRate(r.base.rate)} checkpoints=${fmtRate(r.cp.rate)} ratio=${r.ratio.toFixed(2)} ` +
    `(>= ${r.target}: ${r.pass ? "PASS" : "FAIL"}); ${r.checkpoints.count} checkpoints, mean ${r.checkpoints.meanMs.toFixed(0)} ms, ${mb(r.checkpoints.meanBytes)}` +
    (r.checksumOk ? "" : " CHECKSUM MISMATCH")
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const caseFlag = args.indexOf("--case");
  if (caseFlag >= 0) {
    const def = CASES.find((c) => c.id === args[caseFlag + 1]);
    if (!def) throw new Error(`unknown case ${args[caseFlag + 1]}`);
    try {
      const result = def.kind === "throughput" ? await runThroughput(def) : await runRecovery(def);
      console.log(CASE_RESULT_PREFIX + JSON.stringify(result));
    } finally {
      cleanUpStats();
    }
    return;
  }
  const selected =
    args.length > 0 ? CASES.filter((c) => args.includes(c.id) || args.includes(c.kind)) : CASES;
  if (selected.length === 0)
    throw new Error(`no such case: ${args.join(" ")} (cases: ${CASES.map((c) => c.id).join(" ")})`);
  const keys = keysAtScale();
  console.log(
    `Checkpoints: overhead (every ${INTERVAL_MS} ms vs none) and recovery time, local target; K=${keys.toLocaleString("en-US")} keys; ` +
      `median of ${RUNS} runs` +
      (SCALE !== 1 ? `; BENCH_SCALE=${SCALE}` : ""),
  );
  const results: CaseResult[] = [];
  for (const def of selected)
    results.push(await runCaseChild<CaseResult>(fileURLToPath(import.meta.url), def.id));
  console.log("");
  for (const r of results) console.log(summaryLine(r));
  console.log(
    JSON.stringify({
      benchmark: "checkpoint",
      scale: SCALE,
      runs: RUNS,
      keys,
      intervalMs: INTERVAL_MS,
      targets: results
        .filter((r): r is ThroughputResult => r.kind === "throughput")
        .map((r) => ({
          case: r.id,
          metric: "checkpoints/baseline",
          value: r.ratio,
          threshold: r.target,
          pass: r.pass,
        })),
      cases: results,
    }),
  );
}

await main();
