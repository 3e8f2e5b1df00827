/**
 * DataStream throughput on the real runtime (the default "local" target: one worker thread per
 * slot), each pipeline compared with a bare JavaScript loop doing the same per-record work (same
 * generator, map, filter, key, reduce and sink writer, from bench/jobs/workload.ts) in the same
 * process.
 *
 *   target a: source -> map -> filter -> sink, chained, parallelism 1:  Strom >= 25% of the bare loop
 *   target b: source -> keyBy(value % 1024) -> reduce(sum) -> sink, parallelism 1 and 2:
 *             p2/p1 >= 1.4 (each also against a bare loop keeping the sums in a Map)
 *
 * Each pipeline runs with numbers (`env.fromSequence`) and with small objects `{ id, value }`
 * (`DataGeneratorSource`), in its own child process (fresh JIT state and RSS). Per pipeline: one
 * warm-up run of each side at a tenth of N, then 3 rounds of (Strom p1[, Strom p2], bare loop),
 * interleaved so background load hits both sides alike; medians are reported.
 *
 * Throughput is N / net runtime (`JobExecutionResult.getNetRuntime()`: from the moment every
 * worker has deployed its tasks to the end of the job, which includes terminating the workers).
 * Also reported: wall time of the whole `runJobModule` call (worker start-up and module re-loading
 * included), in-task time (sink writer opened -> its end of input, from the workers), process CPU
 * time (all threads) and cores used (CPU / wall), peak RSS of the process, peak heap of the worker
 * threads.
 *
 * Run: `npm run bench -- datastream` or `./node_modules/.bin/node bench/datastream.ts [case ...]`
 * (cases: a-numbers a-objects b-numbers b-objects). Env: BENCH_SCALE multiplies every N (e.g. 0.1
 * for a quick look), BENCH_RUNS sets the rounds (default 3).
 */
import { loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CASE_RESULT_PREFIX,
  cleanUpStats,
  fmtRate,
  median,
  mib,
  mrate,
  runCaseChild as runCaseChildProcess,
  runStromJob,
  timeBare,
  type BareRun,
  type StromRun,
} from "./tools/case-runner.ts";
import {
  genRecord,
  keepNumber,
  keepRecord,
  keyNumber,
  keyRecord,
  mapNumber,
  mapRecord,
  NumberChecksumWriter,
  RecordChecksumWriter,
  sumNumbers,
  sumRecords,
  type Rec,
} from "./jobs/workload.ts";

const JOBS_DIR = fileURLToPath(new URL("./jobs/", import.meta.url));
const SCALE = Number(process.env["BENCH_SCALE"] ?? 1);
const RUNS = Number(process.env["BENCH_RUNS"] ?? 3);

// ---- bare loops: the same work as the jobs, hand-written, one loop per pipeline -------------

interface BareOutcome {
  sum: number;
  count: number;
}

/** fromSequence(1, n) -> map -> filter -> sink. */
function bareChainNumbers(n: number): BareOutcome {
  const w = new NumberChecksumWriter(0, undefined);
  for (let i = 1; i <= n; i++) {
    const v = mapNumber(i);
    if (keepNumber(v)) w.write(v);
  }
  return { sum: w.sum, count: w.count };
}

/** generator(0..n-1) -> map -> filter -> sink. */
function bareChainObjects(n: number): BareOutcome {
  const w = new RecordChecksumWriter(0, undefined);
  for (let i = 0; i < n; i++) {
    const r = mapRecord(genRecord(i));
    if (keepRecord(r)) w.write(r);
  }
  return { sum: w.sum, count: w.count };
}

/** fromSequence(1, n) -> keyed running sum in a Map -> sink (every update, as STREAMING emits). */
function bareKeyedNumbers(n: number): BareOutcome {
  const w = new NumberChecksumWriter(0, undefined);
  const state = new Map<number, number>();
  for (let i = 1; i <= n; i++) {
    const k = keyNumber(i);
    const prev = state.get(k);
    const next = prev === undefined ? i : sumNumbers(prev, i);
    state.set(k, next);
    w.write(next);
  }
  return { sum: w.sum, count: w.count };
}

/** generator(0..n-1) -> keyed running sum in a Map -> sink. */
function bareKeyedObjects(n: number): BareOutcome {
  const w = new RecordChecksumWriter(0, undefined);
  const state = new Map<number, Rec>();
  for (let i = 0; i < n; i++) {
    const r = genRecord(i);
    const k = keyRecord(r);
    const prev = state.get(k);
    const next = prev === undefined ? r : sumRecords(prev, r);
    state.set(k, next);
    w.write(next);
  }
  return { sum: w.sum, count: w.count };
}

// ---- cases ----------------------------------------------------------------------------------

interface CaseDef {
  readonly id: string;
  readonly target: "a" | "b";
  readonly records: "numbers" | "objects";
  readonly job: string;
  readonly parallelisms: readonly number[];
  /** Records per run (before BENCH_SCALE). */
  readonly n: number;
  readonly bare: (n: number) => BareOutcome;
  readonly description: string;
}

const CASES: readonly CaseDef[] = [
  {
    id: "a-numbers",
    target: "a",
    records: "numbers",
    job: "chain-numbers.ts",
    parallelisms: [1],
    // 3N stays below 2^31: every value is a small integer on both sides (beyond it V8 switches
    // to doubles and the bare loop deoptimizes, which would measure V8, not Strom).
    n: 500_000_000,
    bare: bareChainNumbers,
    description: "fromSequence -> map -> filter -> sink (chained)",
  },
  {
    id: "a-objects",
    target: "a",
    records: "objects",
    job: "chain-objects.ts",
    parallelisms: [1],
    n: 500_000_000,
    bare: bareChainObjects,
    description: "DataGeneratorSource{id,value} -> map -> filter -> sink (chained)",
  },
  {
    id: "b-numbers",
    target: "b",
    records: "numbers",
    job: "keyed-numbers.ts",
    parallelisms: [1, 2],
    n: 60_000_000,
    bare: bareKeyedNumbers,
    description: "fromSequence -> keyBy(n % 1024) -> reduce(sum) -> sink",
  },
  {
    id: "b-objects",
    target: "b",
    records: "objects",
    job: "keyed-objects.ts",
    parallelisms: [1, 2],
    n: 30_000_000,
    bare: bareKeyedObjects,
    description: "DataGeneratorSource{id,value} -> keyBy(value % 1024) -> reduce(sum) -> sink",
  },
];

// ---- measuring ------------------------------------------------------------------------------

async function runStrom(def: CaseDef, parallelism: number, n: number): Promise<StromRun> {
  return runStromJob(join(JOBS_DIR, def.job), parallelism, { BENCH_N: String(n) });
}

function runBare(def: CaseDef, n: number): BareRun {
  return timeBare(() => def.bare(n));
}

/** Medians of a pipeline at one parallelism. */
interface StromSummary {
  parallelism: number;
  runs: StromRun[];
  netMs: number;
  wallMs: number;
  taskMs: number;
  cpuMs: number;
  /** Million records per second by net runtime (the headline figure). */
  rate: number;
  rateWall: number;
  rateTask: number;
  cores: number;
  peakRss: number;
  peakWorkerHeapUsed: number;
  peakWorkerHeapTotal: number;
}

interface CaseResult {
  id: string;
  target: "a" | "b";
  records: "numbers" | "objects";
  description: string;
  n: number;
  runs: number;
  loadavgBefore: number[];
  strom: StromSummary[];
  bare: { runs: BareRun[]; ms: number; rate: number };
  checksum: { bare: number; count: number; ok: boolean };
}

function summarize(parallelism: number, n: number, runs: StromRun[]): StromSummary {
  const netMs = median(runs.map((r) => r.netMs));
  const wallMs = median(runs.map((r) => r.wallMs));
  const taskMs = median(runs.map((r) => r.taskMs));
  return {
    parallelism,
    runs,
    netMs,
    wallMs,
    taskMs,
    cpuMs: median(runs.map((r) => r.cpuMs)),
    rate: mrate(n, netMs),
    rateWall: mrate(n, wallMs),
    rateTask: mrate(n, taskMs),
    cores: median(runs.map((r) => r.cpuMs / r.wallMs)),
    peakRss: Math.max(...runs.map((r) => r.peakRss)),
    peakWorkerHeapUsed: Math.max(...runs.map((r) => r.peakWorkerHeapUsed)),
    peakWorkerHeapTotal: Math.max(...runs.map((r) => r.peakWorkerHeapTotal)),
  };
}

/** Runs one pipeline (in this process) and prints its lines. */
async function runCase(def: CaseDef): Promise<CaseResult> {
  const n = Math.max(1000, Math.round(def.n * SCALE));
  const loadavgBefore = loadavg().map((x) => Math.round(x * 100) / 100);
  console.log(
    `\n${def.id}: ${def.description}, N=${n.toLocaleString("en-US")} (load average ${loadavgBefore[0]}` +
      (loadavgBefore[0]! > 0.5 ? ": other processes are running, expect noise)" : ")"),
  );
  const warm = Math.max(1000, Math.round(n / 10));
  for (const p of def.parallelisms) await runStrom(def, p, warm);
  runBare(def, warm);

  const stromRuns = new Map<number, StromRun[]>(def.parallelisms.map((p) => [p, []]));
  const bareRuns: BareRun[] = [];
  for (let round = 0; round < RUNS; round++) {
    for (const p of def.parallelisms) {
      const r = await runStrom(def, p, n);
      stromRuns.get(p)!.push(r);
      console.log(
        `  strom p${p}  ${fmtRate(mrate(n, r.netMs)).padStart(9)}  net ${r.netMs.toFixed(0)} ms, task ${r.taskMs.toFixed(0)} ms, wall ${r.wallMs.toFixed(0)} ms, cpu ${r.cpuMs.toFixed(0)} ms`,
      );
    }
    const b = runBare(def, n);
    bareRuns.push(b);
    console.log(
      `  bare loop  ${fmtRate(mrate(n, b.ms)).padStart(9)}  ${b.ms.toFixed(0)} ms, cpu ${b.cpuMs.toFixed(0)} ms`,
    );
  }
  const bareMs = median(bareRuns.map((r) => r.ms));
  const strom = def.parallelisms.map((p) => summarize(p, n, stromRuns.get(p)!));
  // The keyed pipelines emit running sums, which depend on the order in which a key's records
  // arrive; with several sources that order varies, so only p1 must match the checksum exactly.
  const ref = bareRuns[0]!;
  const ok =
    bareRuns.every((r) => r.sum === ref.sum && r.count === ref.count) &&
    def.parallelisms.every((p) =>
      stromRuns.get(p)!.every((r) => r.count === ref.count && (p > 1 || r.sum === ref.sum)),
    );
  if (!ok) console.log(`  CHECKSUM MISMATCH between Strom and the bare loop`);
  for (const s of strom) {
    console.log(
      `  median p${s.parallelism}: ${fmtRate(s.rate)} (net), ${fmtRate(s.rateTask)} (in-task), ${fmtRate(s.rateWall)} (wall); ` +
        `cpu ${(s.cpuMs / 1000).toFixed(2)} s = ${s.cores.toFixed(2)} cores; peak RSS ${mib(s.peakRss)}, ` +
        `worker heap peak ${mib(s.peakWorkerHeapUsed)} used / ${mib(s.peakWorkerHeapTotal)} total`,
    );
  }
  console.log(`  median bare: ${fmtRate(mrate(n, bareMs))}`);
  return {
    id: def.id,
    target: def.target,
    records: def.records,
    description: def.description,
    n,
    runs: RUNS,
    loadavgBefore,
    strom,
    bare: { runs: bareRuns, ms: bareMs, rate: mrate(n, bareMs) },
    checksum: { bare: ref.sum, count: ref.count, ok },
  };
}

/** Runs one case in a child process (fresh JIT state, its own RSS) and returns its result. */
function runCaseChild(def: CaseDef): Promise<CaseResult> {
  return runCaseChildProcess<CaseResult>(fileURLToPath(import.meta.url), def.id);
}

interface TargetLine {
  target: string;
  records: string;
  metric: string;
  value: number;
  threshold: number;
  pass: boolean;
  line: string;
}

function targetLines(results: readonly CaseResult[]): TargetLine[] {
  const out: TargetLine[] = [];
  const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
  for (const r of results) {
    const bare = r.bare.rate;
    if (r.target === "a") {
      const s = r.strom[0]!;
      const ratio = s.rate / bare;
      const pass = ratio >= 0.25 && r.checksum.ok;
      out.push({
        target: "a",
        records: r.records,
        metric: "strom/bare",
        value: ratio,
        threshold: 0.25,
        pass,
        line: `target a (${r.records}): strom=${fmtRate(s.rate)} bare=${fmtRate(bare)} ratio=${ratio.toFixed(2)} (>= 0.25: ${verdict(pass)})`,
      });
    } else {
      const p1 = r.strom.find((s) => s.parallelism === 1)!;
      const p2 = r.strom.find((s) => s.parallelism === 2)!;
      const scale = p2.rate / p1.rate;
      const pass = scale >= 1.4 && r.checksum.ok;
      out.push({
        target: "b",
        records: r.records,
        metric: "p2/p1",
        value: scale,
        threshold: 1.4,
        pass,
        line:
          `target b (${r.records}): p1=${fmtRate(p1.rate)} p2=${fmtRate(p2.rate)} p2/p1=${scale.toFixed(2)} (>= 1.4: ${verdict(pass)}); ` +
          `bare=${fmtRate(bare)} p1/bare=${(p1.rate / bare).toFixed(2)} p2/bare=${(p2.rate / bare).toFixed(2)}`,
      });
    }
  }
  return out;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const caseFlag = args.indexOf("--case");
  if (caseFlag >= 0) {
    const def = CASES.find((c) => c.id === args[caseFlag + 1]);
    if (!def) throw new Error(`unknown case ${args[caseFlag + 1]}`);
    try {
      const result = await runCase(def);
      console.log(CASE_RESULT_PREFIX + JSON.stringify(result));
    } finally {
      cleanUpStats();
    }
    return;
  }
  const selected = args.length > 0 ? CASES.filter((c) => args.includes(c.id)) : CASES;
  if (selected.length === 0)
    throw new Error(`no such case: ${args.join(" ")} (cases: ${CASES.map((c) => c.id).join(" ")})`);
  console.log(
    `DataStream throughput, local target (worker threads); median of ${RUNS} runs` +
      (SCALE !== 1 ? `; BENCH_SCALE=${SCALE}` : ""),
  );
  const results: CaseResult[] = [];
  for (const def of selected) results.push(await runCaseChild(def));
  const targets = targetLines(results);
  console.log("");
  for (const t of targets) console.log(t.line);
  console.log(
    JSON.stringify({
      benchmark: "datastream",
      scale: SCALE,
      runs: RUNS,
      targets: targets.map(({ line: _line, ...t }) => t),
      cases: results,
    }),
  );
}

await main();
