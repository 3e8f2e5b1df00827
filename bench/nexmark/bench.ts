/**
 * The Nexmark benchmark on Strom:
 *
 *   npm run bench:nexmark -- --query q5 --events 10000000 [--parallelism 2] [--engine sql|datastream]
 *
 * `--query` takes one query or a list (`q0,q1,q2`, or `all` for q0..q22). Each query runs in its
 * own child process (so its peak memory is its own) over `--events` generated events with max
 * emit speed, after a baseline run in the same way: the Nexmark source alone into a discarding
 * sink (what reading the events costs; a query's ratio to it is the share of the source's speed
 * it keeps). Printed per query: events/s (events over the wall time from the job's submission to
 * its end), CPU cores used (process CPU time over that span, all threads), events/s per core,
 * peak resident memory, and the ratio to the baseline. One JSON line per run is appended to
 * bench/results/nexmark.jsonl with the machine, Node version and commit.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { appendFileSync, mkdirSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { QUERIES } from "./script.ts";
import { measure, type QueryRun } from "./run-query.ts";

/** One measured run. */
interface Result {
  readonly query: string;
  readonly engine: string;
  readonly events: number;
  readonly parallelism: number;
  readonly elapsedMs: number;
  readonly cpuMs: number;
  readonly peakRssBytes: number;
  readonly error?: string;
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const BASELINE = "source";

function parseArgs(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("--")) throw new Error(`unexpected argument '${a}'`);
    const eq = a.indexOf("=");
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else if (a === "--child") out["child"] = "true";
    else out[a.slice(2)] = argv[++i] ?? "";
  }
  return out;
}

/** The child: runs one query (or the baseline) and prints its result as JSON. */
async function child(run: QueryRun): Promise<void> {
  const m = await measure(run);
  const result: Result = {
    query: run.query,
    engine: run.engine,
    events: run.events,
    parallelism: run.parallelism,
    elapsedMs: m.elapsedMs,
    cpuMs: m.cpuMs,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  console.log(JSON.stringify(result));
}

/** Runs one query in a child process. */
function spawnRun(run: QueryRun): Result {
  const args = [
    fileURLToPath(import.meta.url),
    "--child",
    `--query=${run.query}`,
    `--engine=${run.engine}`,
    `--events=${run.events}`,
    `--parallelism=${run.parallelism}`,
  ];
  const r = spawnSync(process.execPath, args, {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
  if (r.status !== 0 || line === undefined) {
    const why = (r.stderr || r.stdout).trim().split("\n").slice(-3).join(" | ");
    return { ...run, elapsedMs: 0, cpuMs: 0, peakRssBytes: 0, error: why || `exit ${r.status}` };
  }
  return JSON.parse(line) as Result;
}

function git(args: string[]): string {
  try {
    return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const engine = args["engine"] ?? "sql";
  if (engine !== "sql" && engine !== "datastream") {
    throw new Error(`--engine must be sql or datastream, not '${engine}'`);
  }
  const events = Number(args["events"] ?? 10_000_000);
  const parallelism = Number(args["parallelism"] ?? 1);
  if (!(Number.isInteger(events) && events > 0)) throw new Error("--events must be > 0");
  if (!(Number.isInteger(parallelism) && parallelism > 0))
    throw new Error("--parallelism must be > 0");
  const spec = args["query"] ?? args["queries"] ?? "q0";
  const queries = spec === "all" ? [...QUERIES] : spec.split(",").map((q) => q.trim());
  for (const q of queries) {
    if (!QUERIES.includes(q) && q !== BASELINE) throw new Error(`unknown query '${q}'`);
  }
  if (args["child"] === "true") {
    await child({ query: queries[0]!, engine, events, parallelism });
    return;
  }
  const base = spawnRun({ query: BASELINE, engine: "datastream", events, parallelism });
  if (base.error !== undefined) throw new Error(`the baseline run failed: ${base.error}`);
  const baseRate = events / (base.elapsedMs / 1000);
  console.log(
    `Nexmark on Strom: ${fmt(events)} events, parallelism ${parallelism}, engine ${engine}, ` +
      `${cpus()[0]?.model ?? "?"} x${cpus().length}, node ${process.version}`,
  );
  console.log(
    `baseline (source alone): ${fmt(baseRate)} events/s, ` +
      `${fmt(baseRate / (base.cpuMs / base.elapsedMs))} events/s per core`,
  );
  console.log(
    "query   events/s   cores   events/s/core   peak RSS MiB   ratio to baseline   result",
  );
  const environment = {
    date: new Date().toISOString(),
    commit: git(["rev-parse", "--short", "HEAD"]),
    node: process.version,
    cpu: cpus()[0]?.model ?? "?",
    cores: cpus().length,
  };
  mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
  for (const query of queries) {
    const r = spawnRun({ query, engine, events, parallelism });
    const rate = events / (r.elapsedMs / 1000);
    const cores = r.cpuMs / r.elapsedMs;
    const perCore = rate / cores;
    if (r.error !== undefined) {
      console.log(`${query.padEnd(6)} FAILED: ${r.error}`);
    } else {
      console.log(
        `${query.padEnd(6)} ${fmt(rate).padStart(10)} ${cores.toFixed(2).padStart(7)} ` +
          `${fmt(perCore).padStart(15)} ${(r.peakRssBytes / 2 ** 20).toFixed(0).padStart(14)} ` +
          `${(rate / baseRate).toFixed(2).padStart(19)}   ok`,
      );
    }
    const line = {
      benchmark: "nexmark",
      ...environment,
      ...r,
      eventsPerSecond: r.error === undefined ? rate : null,
      cores: r.error === undefined ? cores : null,
      eventsPerSecondPerCore: r.error === undefined ? perCore : null,
      baselineEventsPerSecond: baseRate,
    };
    appendFileSync(join(ROOT, "bench", "results", "nexmark.jsonl"), JSON.stringify(line) + "\n");
  }
}

await main();
