/**
 * Keyed state and window throughput on the real runtime (the default "local" target: one worker
 * thread per slot), each against a bare JavaScript loop doing the same work with a `Map` in the
 * same process.
 *
 *   state-p1, state-p2:   generator{key: i % K, ts: i} -> keyBy(key) -> KeyedProcessFunction doing
 *                         ValueState<number> value() + 1 -> update() -> sink (each key emitted once,
 *                         when its count reaches N / K). Bare loop: Map get/set on the same keys.
 *                         Target: state-p1 >= 30% of its bare loop.
 *   window-p1, window-p2: the same events with monotonous event timestamps -> keyBy(key) ->
 *                         TumblingEventTimeWindows(2.5 K ms) -> aggregate(count) -> sink. Bare loop:
 *                         a Map of counts per window, flushed to the sink at the window's end.
 *
 * K = 1M keys and N = 10 K records (every key updated 10 times; 4 windows of 2.5M records, each
 * holding all 1M keys). BENCH_SCALE multiplies K (and so N); BENCH_RUNS sets the rounds (default 3).
 *
 * Each case runs in its own child process (fresh JIT state and RSS): one warm-up run of each side
 * at a tenth of K and N, then rounds of (Strom, bare loop), interleaved so that background load hits
 * both sides alike; medians are reported. Throughput is N / net runtime
 * (`JobExecutionResult.getNetRuntime()`), i.e. state updates (or window elements) per second.
 *
 * Run: `npm run bench -- state` or `./node_modules/.bin/node bench/state.ts [case|state|window ...]`.
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
import { NumberChecksumWriter } from "./jobs/workload.ts";
import {
  emitThreshold,
  eventKey,
  eventTime,
  makeEventGenerator,
  SquareChecksumWriter,
  windowMillis,
} from "./jobs/state-workload.ts";

const JOBS_DIR = fileURLToPath(new URL("./jobs/", import.meta.url));
const SCALE = Number(process.env["BENCH_SCALE"] ?? 1);
const RUNS = Number(process.env["BENCH_RUNS"] ?? 3);
/** Distinct keys at BENCH_SCALE=1. */
const KEYS = 1_000_000;
/** Records per key (N = KEYS * RECORDS_PER_KEY). */
const RECORDS_PER_KEY = 10;
/** Target: state-p1 / bare loop. */
const STATE_TARGET = 0.3;

// ---- bare loops: the same work as the jobs, hand-written ------------------------------------

interface BareOutcome {
  sum: number;
  count: number;
}

/** generator -> Map get/set of a count per key -> sink (each key once, at the threshold). */
function bareState(n: number, keys: number): BareOutcome {
  const gen = makeEventGenerator(keys);
  const threshold = emitThreshold(n, keys);
  const w = new NumberChecksumWriter(0, undefined);
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const e = gen(i);
    const k = eventKey(e);
    const c = (counts.get(k) ?? 0) + 1;
    counts.set(k, c);
    if (c === threshold) w.write(e.key);
  }
  return { sum: w.sum, count: w.count };
}

/** generator -> a Map of counts per key for the current window, flushed at the window's end. */
function bareWindow(n: number, keys: number): BareOutcome {
  const gen = makeEventGenerator(keys);
  const size = windowMillis(keys);
  const w = new SquareChecksumWriter(0, undefined);
  let counts = new Map<number, number>();
  let windowEnd = -Infinity;
  for (let i = 0; i < n; i++) {
    const e = gen(i);
    const t = eventTime(e);
    if (t >= windowEnd) {
      for (const c of counts.values()) w.write(c);
      counts = new Map<number, number>();
      windowEnd = t - (t % size) + size;
    }
    const k = eventKey(e);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  for (const c of counts.values()) w.write(c);
  return { sum: w.sum, count: w.count };
}

// ---- cases ----------------------------------------------------------------------------------

interface CaseDef {
  readonly id: string;
  readonly kind: "state" | "window";
  readonly job: string;
  readonly parallelism: number;
  readonly bare: (n: number, keys: number) => BareOutcome;
  readonly description: string;
}

const STATE_DESCRIPTION =
  "generator{key,ts} -> keyBy(key) -> KeyedProcessFunction(ValueState value()+1 update()) -> sink";
const WINDOW_DESCRIPTION =
  "generator{key,ts}, monotonous timestamps -> keyBy(key) -> tumbling event-time window -> aggregate(count) -> sink";

const CASES: readonly CaseDef[] = [
  {
    id: "state-p1",
    kind: "state",
    job: "keyed-state.ts",
    parallelism: 1,
    bare: bareState,
    description: STATE_DESCRIPTION,
  },
  {
    id: "state-p2",
    kind: "state",
    job: "keyed-state.ts",
    parallelism: 2,
    bare: bareState,
    description: STATE_DESCRIPTION,
  },
  {
    id: "window-p1",
    kind: "window",
    job: "window-count.ts",
    parallelism: 1,
    bare: bareWindow,
    description: WINDOW_DESCRIPTION,
  },
  {
    id: "window-p2",
    kind: "window",
    job: "window-count.ts",
    parallelism: 2,
    bare: bareWindow,
    description: WINDOW_DESCRIPTION,
  },
];

/** Keys and records of a run at BENCH_SCALE (keys a multiple of 1000, at least 1000). */
function shape(): { keys: number; n: number } {
  const keys = Math.max(1000, Math.round((KEYS * SCALE) / 1000) * 1000);
  return { keys, n: keys * RECORDS_PER_KEY };
}

// ---- measuring ------------------------------------------------------------------------------

async function runStrom(def: CaseDef, n: number, keys: number): Promise<StromRun> {
  return runStromJob(join(JOBS_DIR, def.job), def.parallelism, {
    BENCH_N: String(n),
    BENCH_KEYS: String(keys),
  });
}

function runBare(def: CaseDef, n: number, keys: number): BareRun {
  return timeBare(() => def.bare(n, keys));
}

interface CaseResult {
  id: string;
  kind: "state" | "window";
  parallelism: number;
  description: string;
  keys: number;
  n: number;
  runs: number;
  loadavgBefore: number[];
  strom: {
    runs: StromRun[];
    netMs: number;
    /** Million records (state updates, window elements) per second by net runtime. */
    rate: number;
    rateTask: number;
    rateWall: number;
    cores: number;
    peakRss: number;
    peakWorkerHeapUsed: number;
    peakWorkerHeapTotal: number;
  };
  bare: { runs: BareRun[]; ms: number; rate: number };
  ratio: number;
  checksum: { bare: number; count: number; ok: boolean };
}

/** Runs one case (in this process) and prints its lines. */
async function runCase(def: CaseDef): Promise<CaseResult> {
  const { keys, n } = shape();
  const loadavgBefore = loadavg().map((x) => Math.round(x * 100) / 100);
  console.log(
    `\n${def.id}: ${def.description}, p${def.parallelism}, K=${keys.toLocaleString("en-US")} keys, ` +
      `N=${n.toLocaleString("en-US")} (load average ${loadavgBefore[0]}` +
      (loadavgBefore[0]! > 0.5 ? ": other processes are running, expect noise)" : ")"),
  );
  const warmKeys = Math.max(100, Math.round(keys / 10));
  const warmN = warmKeys * RECORDS_PER_KEY;
  await runStrom(def, warmN, warmKeys);
  runBare(def, warmN, warmKeys);

  const stromRuns: StromRun[] = [];
  const bareRuns: BareRun[] = [];
  for (let round = 0; round < RUNS; round++) {
    const r = await runStrom(def, n, keys);
    stromRuns.push(r);
    console.log(
      `  strom p${def.parallelism}  ${fmtRate(mrate(n, r.netMs)).padStart(9)}  net ${r.netMs.toFixed(0)} ms, task ${r.taskMs.toFixed(0)} ms, wall ${r.wallMs.toFixed(0)} ms, cpu ${r.cpuMs.toFixed(0)} ms`,
    );
    const b = runBare(def, n, keys);
    bareRuns.push(b);
    console.log(
      `  bare loop  ${fmtRate(mrate(n, b.ms)).padStart(9)}  ${b.ms.toFixed(0)} ms, cpu ${b.cpuMs.toFixed(0)} ms`,
    );
  }
  // Both checksums are independent of the order in which a key's records arrive, so every
  // parallelism must match the bare loop exactly.
  const ref = bareRuns[0]!;
  const ok = [...bareRuns, ...stromRuns].every((r) => r.sum === ref.sum && r.count === ref.count);
  if (!ok) console.log(`  CHECKSUM MISMATCH between Strom and the bare loop`);
  const netMs = median(stromRuns.map((r) => r.netMs));
  const strom = {
    runs: stromRuns,
    netMs,
    rate: mrate(n, netMs),
    rateTask: mrate(n, median(stromRuns.map((r) => r.taskMs))),
    rateWall: mrate(n, median(stromRuns.map((r) => r.wallMs))),
    cores: median(stromRuns.map((r) => r.cpuMs / r.wallMs)),
    peakRss: Math.max(...stromRuns.map((r) => r.peakRss)),
    peakWorkerHeapUsed: Math.max(...stromRuns.map((r) => r.peakWorkerHeapUsed)),
    peakWorkerHeapTotal: Math.max(...stromRuns.map((r) => r.peakWorkerHeapTotal)),
  };
  const bareMs = median(bareRuns.map((r) => r.ms));
  const bareRate = mrate(n, bareMs);
  console.log(
    `  median p${def.parallelism}: ${fmtRate(strom.rate)} (net), ${fmtRate(strom.rateTask)} (in-task), ${fmtRate(strom.rateWall)} (wall); ` +
      `${strom.cores.toFixed(2)} cores; peak RSS ${mib(strom.peakRss)}, ` +
      `worker heap peak ${mib(strom.peakWorkerHeapUsed)} used / ${mib(strom.peakWorkerHeapTotal)} total`,
  );
  console.log(
    `  median bare: ${fmtRate(bareRate)}; strom/bare ${(strom.rate / bareRate).toFixed(2)}`,
  );
  return {
    id: def.id,
    kind: def.kind,
    parallelism: def.parallelism,
    description: def.description,
    keys,
    n,
    runs: RUNS,
    loadavgBefore,
    strom,
    bare: { runs: bareRuns, ms: bareMs, rate: bareRate },
    ratio: strom.rate / bareRate,
    checksum: { bare: ref.sum, count: ref.count, ok },
  };
}

/** Runs one case in a child process (fresh JIT state, its own RSS) and returns its result. */
function runCaseChild(def: CaseDef): Promise<CaseResult> {
  return runCaseChildProcess<CaseResult>(fileURLToPath(import.meta.url), def.id);
}

interface TargetLine {
  case: string;
  metric: string;
  value: number;
  /** The threshold, or null where none is set (reported only). */
  threshold: number | null;
  pass: boolean | null;
  line: string;
}

function targetLines(results: readonly CaseResult[]): TargetLine[] {
  const out: TargetLine[] = [];
  for (const r of results) {
    const p1 =
      r.parallelism === 2
        ? results.find((x) => x.kind === r.kind && x.parallelism === 1)
        : undefined;
    const vsP1 = p1 ? `; p2/p1=${(r.strom.rate / p1.strom.rate).toFixed(2)}` : "";
    const check = r.checksum.ok ? "" : " CHECKSUM MISMATCH";
    const base = `${r.id}: strom=${fmtRate(r.strom.rate)} bare=${fmtRate(r.bare.rate)} strom/bare=${r.ratio.toFixed(2)}`;
    if (r.kind === "state" && r.parallelism === 1) {
      const pass = r.ratio >= STATE_TARGET && r.checksum.ok;
      out.push({
        case: r.id,
        metric: "strom/bare",
        value: r.ratio,
        threshold: STATE_TARGET,
        pass,
        line: `${base} (>= ${STATE_TARGET}: ${pass ? "PASS" : "FAIL"})${check}`,
      });
    } else {
      out.push({
        case: r.id,
        metric: "strom/bare",
        value: r.ratio,
        threshold: null,
        pass: null,
        line: `${base}${vsP1}${check}`,
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
  // A case id, or a kind ("state", "window") for both of its parallelisms.
  const selected =
    args.length > 0 ? CASES.filter((c) => args.includes(c.id) || args.includes(c.kind)) : CASES;
  if (selected.length === 0)
    throw new Error(`no such case: ${args.join(" ")} (cases: ${CASES.map((c) => c.id).join(" ")})`);
  const { keys, n } = shape();
  console.log(
    `Keyed state and window throughput, local target (worker threads); K=${keys.toLocaleString("en-US")} keys, ` +
      `N=${n.toLocaleString("en-US")}; median of ${RUNS} runs` +
      (SCALE !== 1 ? `; BENCH_SCALE=${SCALE}` : ""),
  );
  const results: CaseResult[] = [];
  for (const def of selected) results.push(await runCaseChild(def));
  const targets = targetLines(results);
  console.log("");
  for (const t of targets) console.log(t.line);
  console.log(
    JSON.stringify({
      benchmark: "state",
      unit: "M records/s",
      scale: SCALE,
      runs: RUNS,
      keys,
      n,
      targets: targets.map(({ line: _line, ...t }) => t),
      cases: results,
    }),
  );
}

await main();
