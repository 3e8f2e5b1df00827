/**
 * Nexmark on Strom beside Apache Flink, on the same machine in the same run:
 *
 *   npm run bench:compare-flink -- [--queries q0,q5] [--events N] [--parallelism P] [--runs K]
 *
 * Writes N events once to a JSON-lines file, then runs each query on Strom (a child process of
 * this Node) and on Flink (bench/flink's launcher: the same SQL file in a local mini-cluster, the
 * same parallelism), both reading that file with the filesystem connector and the json format.
 * Insert-only queries write to a filesystem sink (JSON lines; q10 its partitioned CSV files);
 * updating ones (q4, q5, q9, q15-q19) end in a SELECT whose changelog each engine applies and
 * writes as its final rows. The two results must be the same multiset (`results=match`; a
 * mismatch is reported with examples). Each engine is timed from its job's submission to its end
 * (no process or JVM start-up) and charged its process CPU time over that span; the table shows
 * events/s per core (events over CPU seconds) for both, their ratio Strom/Flink, and peak
 * resident memory. With `--runs K` each query runs K times on each engine, alternating; the
 * table shows the median rate and the highest peak memory, a line lists every run's rates, and
 * every run's results are compared. The output ends with one line per query:
 * `q5 strom=412000 flink=198000 ratio=2.08 results=match`. Results are appended to
 * bench/results/compare-flink.jsonl.
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  appendFileSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { median } from "../tools/case-runner.ts";
import { writeEventsFile } from "./events-file.ts";
import { measure } from "./run-query.ts";
import { QUERIES, nexmarkScript } from "./script.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FLINK_DIR = join(ROOT, "bench", "flink");
/** Queries whose result is an updating changelog: compared as final rows. */
const UPDATING = new Set(["q4", "q5", "q9", "q15", "q16", "q17", "q18", "q19"]);
/**
 * The key by which Flink's changelog of an updating query is an upsert stream (+U without -U):
 * q9's Top-1 per auction, keyed by the auction's id.
 */
const FLINK_UPSERT_KEYS: Readonly<Record<string, string>> = { q9: "id" };
/** Queries not compared, and why. */
const SKIPPED: Readonly<Record<string, string>> = {
  q6: "not valid SQL as published (neither engine runs it)",
  q13: "Flink 2.2's filesystem connector is no lookup source (it asks for a versioned table)",
};
/** Queries run on both engines whose results are not comparable. */
const UNCOMPARABLE: Readonly<Record<string, string>> = {
  q12: "processing-time windows: results depend on the machine's speed",
};

/** One engine's run of one query. */
interface EngineRun {
  readonly elapsedMs: number;
  readonly cpuMs: number;
  readonly peakRssBytes: number;
  readonly error?: string;
}

function parseArgs(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("--")) throw new Error(`unexpected argument '${a}'`);
    const eq = a.indexOf("=");
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else out[a.slice(2)] = argv[++i] ?? "";
  }
  return out;
}

/** The query's script over the events file, with its sink made comparable. */
function comparisonScript(query: string, input: string, output: string): string {
  const script = nexmarkScript(query, { kind: "file", path: input }, { OUTPUT: output });
  if (query === "q10") return script;
  if (UPDATING.has(query)) {
    // The sink table goes; the INSERT becomes its SELECT (collected by the engine).
    return script
      .replace(/CREATE TABLE nexmark_q\d+ \([^;]*?\) WITH \('connector' = 'blackhole'\);/s, "")
      .replace(/INSERT INTO nexmark_q\d+\s+/, "");
  }
  return script.replace(
    "WITH ('connector' = 'blackhole')",
    `WITH ('connector' = 'filesystem', 'path' = '${output}', 'format' = 'json')`,
  );
}

/** Runs the Strom side in a child process (its own peak memory). */
function runStrom(
  query: string,
  scriptPath: string,
  collect: string | undefined,
  parallelism: number,
  events: number,
): EngineRun {
  const args = [
    fileURLToPath(import.meta.url),
    "--child",
    query,
    "--script",
    scriptPath,
    "--parallelism",
    String(parallelism),
    "--events",
    String(events),
  ];
  if (collect !== undefined) args.push("--collect", collect);
  const r = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 256 * 2 ** 20 });
  const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
  if (r.status !== 0 || line === undefined) {
    return { elapsedMs: 0, cpuMs: 0, peakRssBytes: 0, error: lastLines(r.stderr || r.stdout) };
  }
  return JSON.parse(line) as EngineRun;
}

/** Runs the Flink side with the launcher. */
function runFlink(
  query: string,
  scriptPath: string,
  collect: string | undefined,
  parallelism: number,
): EngineRun {
  const cp = `${join(FLINK_DIR, "target", "strom-flink-launcher.jar")}:${join(FLINK_DIR, "target", "lib", "*")}`;
  const args = [
    "-Xmx4g",
    "-cp",
    cp,
    "strom.bench.FlinkSqlLauncher",
    "--sql",
    scriptPath,
    "--parallelism",
    String(parallelism),
  ];
  if (collect !== undefined) args.push("--collect", collect);
  const key = FLINK_UPSERT_KEYS[query];
  if (collect !== undefined && key !== undefined) args.push("--upsert-key", key);
  const r = spawnSync("java", args, { encoding: "utf8", maxBuffer: 256 * 2 ** 20 });
  const line = r.stdout.split("\n").find((l) => l.startsWith("{"));
  if (r.status !== 0 || line === undefined) {
    return { elapsedMs: 0, cpuMs: 0, peakRssBytes: 0, error: lastLines(r.stderr || r.stdout) };
  }
  const j = JSON.parse(line) as { elapsedMs: number; cpuMs: number; peakRssBytes: number };
  return { elapsedMs: j.elapsedMs, cpuMs: j.cpuMs, peakRssBytes: j.peakRssBytes };
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-4).join(" | ") || "no output";
}

/** Every visible file under `dir` (hidden and in-progress files are not results). */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name.startsWith(".") || name.startsWith("_")) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

const TIMESTAMP_TEXT = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})(?:\.(\d*))?$/;

/**
 * A value's canonical text: numbers by value (1.50 = 1.5), timestamps without trailing zeros in
 * the fraction (Flink's JSON sink writes `00:00:02`, Strom `00:00:02.000`), the rest as JSON.
 */
function canon(v: unknown): string {
  if (typeof v === "number") return String(v);
  if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v)) return String(Number(v));
  const ts = typeof v === "string" ? TIMESTAMP_TEXT.exec(v) : null;
  if (ts !== null) {
    const frac = (ts[2] ?? "").replace(/0+$/, "");
    return JSON.stringify(frac === "" ? ts[1] : `${ts[1]}.${frac}`);
  }
  return JSON.stringify(v);
}

/**
 * The fields of a CSV line, unquoted. The engines quote differently (Flink's writer quotes any
 * value with a space or punctuation, Strom only what needs it, and an empty string as `""`), so
 * values are compared, with an empty field and `""` alike.
 */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    let value = "";
    if (line[i] === '"') {
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else {
          value += line[i++];
        }
      }
    }
    const comma = line.indexOf(",", i);
    const end = comma < 0 ? line.length : comma;
    value += line.slice(i, end);
    out.push(value);
    i = end + 1;
  }
  return out;
}

/**
 * The result rows of one engine as sorted canonical lines: JSON objects or arrays per line
 * (fields in column order), or CSV lines prefixed with their partition directory (q10).
 */
function resultLines(path: string, csv: boolean): string[] {
  const files = statSync(path, { throwIfNoEntry: false })?.isDirectory()
    ? filesUnder(path)
    : statSync(path, { throwIfNoEntry: false }) === undefined
      ? []
      : [path];
  const lines: string[] = [];
  for (const f of files) {
    const dir = relative(path, join(f, ".."));
    for (const line of readFileSync(f, "utf8").split("\n")) {
      if (line === "") continue;
      if (csv) {
        lines.push(`${dir}|${csvFields(line).map(canon).join(",")}`);
        continue;
      }
      const v = JSON.parse(line) as unknown;
      const fields = Array.isArray(v) ? v : Object.values(v as object);
      lines.push(fields.map(canon).join(","));
    }
  }
  return lines.sort();
}

/** Compares two sorted multisets; a description of the first differences, or "" when equal. */
function difference(strom: string[], flink: string[]): string {
  if (strom.length === flink.length && strom.every((l, i) => l === flink[i])) return "";
  const count = (xs: string[]) => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
    return m;
  };
  const a = count(strom);
  const b = count(flink);
  const onlyStrom = [...a].filter(([k, n]) => (b.get(k) ?? 0) < n).map(([k]) => k);
  const onlyFlink = [...b].filter(([k, n]) => (a.get(k) ?? 0) < n).map(([k]) => k);
  return (
    `strom ${strom.length} rows, flink ${flink.length} rows; ` +
    `only in strom (${onlyStrom.length}): ${onlyStrom.slice(0, 3).join(" ; ")}; ` +
    `only in flink (${onlyFlink.length}): ${onlyFlink.slice(0, 3).join(" ; ")}`
  );
}

const perCore = (events: number, r: EngineRun) => events / (r.cpuMs / 1000);
const fmt = (n: number) => Math.round(n).toString();

/** Both engines' run of one query, and whether their results agree. */
interface Round {
  readonly strom: EngineRun;
  readonly flink: EngineRun;
  /** `match`, `MISMATCH`, `FAILED` or `n/a`. */
  readonly verdict: string;
  readonly detail: string;
}

/** Runs `query` once on each engine (Strom first) under `dir` and compares their results. */
function runRound(
  query: string,
  dir: string,
  input: string,
  parallelism: number,
  events: number,
): Round {
  const results: Record<string, EngineRun> = {};
  const outputs: Record<string, string> = {};
  for (const engine of ["strom", "flink"]) {
    const engineDir = join(dir, engine);
    rmSync(engineDir, { recursive: true, force: true });
    mkdirSync(engineDir, { recursive: true });
    const output = join(engineDir, "out");
    const collect = UPDATING.has(query) ? join(engineDir, "final.jsonl") : undefined;
    const scriptPath = join(engineDir, `${query}.sql`);
    writeFileSync(scriptPath, comparisonScript(query, input, output));
    results[engine] =
      engine === "strom"
        ? runStrom(query, scriptPath, collect, parallelism, events)
        : runFlink(query, scriptPath, collect, parallelism);
    outputs[engine] = collect ?? output;
  }
  const strom = results["strom"]!;
  const flink = results["flink"]!;
  if (strom.error !== undefined || flink.error !== undefined) {
    const detail = [
      strom.error !== undefined ? `strom: ${strom.error}` : "",
      flink.error !== undefined ? `flink: ${flink.error}` : "",
    ]
      .filter((x) => x !== "")
      .join("; ");
    return { strom, flink, verdict: "FAILED", detail };
  }
  if (UNCOMPARABLE[query] !== undefined) {
    return { strom, flink, verdict: "n/a", detail: UNCOMPARABLE[query]! };
  }
  const csv = query === "q10";
  const detail = difference(
    resultLines(outputs["strom"]!, csv),
    resultLines(outputs["flink"]!, csv),
  );
  return { strom, flink, verdict: detail === "" ? "match" : "MISMATCH", detail };
}

async function child(args: Record<string, string>, query: string): Promise<void> {
  const collect = args["collect"];
  const m = await measure({
    query,
    engine: "sql",
    events: Number(args["events"]),
    parallelism: Number(args["parallelism"]),
    script: readFileSync(args["script"]!, "utf8"),
    ...(collect !== undefined ? { collect } : {}),
  });
  const peakRssBytes = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ ...m, peakRssBytes }));
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === "--child") {
    await child(parseArgs(argv.slice(2)), argv[1]!);
    return;
  }
  const args = parseArgs(argv);
  const events = Number(args["events"] ?? 2_000_000);
  const parallelism = Number(args["parallelism"] ?? 1);
  const runs = Number(args["runs"] ?? 1);
  if (!Number.isSafeInteger(runs) || runs < 1) {
    throw new Error(`--runs must be a positive integer, got '${args["runs"]}'`);
  }
  const queries = (args["queries"] ?? QUERIES.join(",")).split(",").map((q) => q.trim());
  for (const q of queries) if (!QUERIES.includes(q)) throw new Error(`unknown query '${q}'`);

  console.log("building the Flink launcher (bench/flink/build.sh)...");
  execFileSync("bash", [join(FLINK_DIR, "build.sh")], { stdio: "inherit" });
  const work = join(tmpdir(), "strom-nexmark-compare");
  console.log(`writing ${events} events...`);
  const input = writeEventsFile(join(tmpdir(), "strom-nexmark"), events);
  console.log(
    `Nexmark, Strom vs Flink: ${events} events from ${input}, parallelism ${parallelism}, ` +
      `${cpus()[0]?.model ?? "?"} x${cpus().length}, node ${process.version}`,
  );
  const summary: string[] = [];
  const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT })
    .toString()
    .trim();
  mkdirSync(join(ROOT, "bench", "results"), { recursive: true });
  console.log("query  strom ev/s/core  flink ev/s/core  ratio  strom MiB  flink MiB  results");
  for (const query of queries) {
    if (SKIPPED[query] !== undefined) {
      console.log(`${query.padEnd(6)} skipped: ${SKIPPED[query]}`);
      continue;
    }
    const rounds: Round[] = [];
    for (let r = 0; r < runs; r++) {
      const round = runRound(query, join(work, query), input, parallelism, events);
      rounds.push(round);
      if (round.verdict === "FAILED") break;
    }
    const bad = rounds.findIndex((r) => r.verdict === "FAILED" || r.verdict === "MISMATCH");
    const shown = bad >= 0 ? rounds[bad]! : rounds[0]!;
    const verdict = shown.verdict;
    const detail = bad >= 0 && rounds.length > 1 ? `run ${bad + 1}: ${shown.detail}` : shown.detail;
    /** The median rate of the engine's runs that did not fail; 0 if all failed. */
    const rate = (e: "strom" | "flink") => {
      const ok = rounds.filter((r) => r[e].error === undefined);
      return ok.length > 0 ? median(ok.map((r) => perCore(events, r[e]))) : 0;
    };
    const sRate = rate("strom");
    const fRate = rate("flink");
    const sMem = Math.max(0, ...rounds.map((r) => r.strom.peakRssBytes));
    const fMem = Math.max(0, ...rounds.map((r) => r.flink.peakRssBytes));
    const ratio = sRate > 0 && fRate > 0 ? sRate / fRate : 0;
    console.log(
      `${query.padEnd(6)} ${fmt(sRate).padStart(15)} ${fmt(fRate).padStart(16)} ` +
        `${ratio.toFixed(2).padStart(6)} ${(sMem / 2 ** 20).toFixed(0).padStart(10)} ` +
        `${(fMem / 2 ** 20).toFixed(0).padStart(10)}  ${verdict}${detail ? ` (${detail})` : ""}`,
    );
    if (runs > 1) {
      const each = (e: "strom" | "flink") =>
        rounds.map((r) => (r[e].error === undefined ? fmt(perCore(events, r[e])) : "-")).join(" ");
      console.log(`       runs: strom ${each("strom")}; flink ${each("flink")}`);
    }
    summary.push(
      `${query} strom=${fmt(sRate)} flink=${fmt(fRate)} ratio=${ratio.toFixed(2)} results=${verdict}`,
    );
    appendFileSync(
      join(ROOT, "bench", "results", "compare-flink.jsonl"),
      JSON.stringify({
        benchmark: "compare-flink",
        date: new Date().toISOString(),
        commit,
        query,
        events,
        parallelism,
        runs: rounds.length,
        strom: rounds.map((r) => r.strom),
        flink: rounds.map((r) => r.flink),
        stromPerCore: sRate,
        flinkPerCore: fRate,
        ratio,
        results: verdict,
      }) + "\n",
    );
  }
  console.log("");
  for (const line of summary) console.log(line);
}

await main();
