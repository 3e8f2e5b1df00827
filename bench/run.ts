/**
 * Runs the benchmarks (`npm run bench`): every `bench/*.ts` script except this one, or only those
 * named on the command line (`npm run bench -- datastream serialization`), one after the other,
 * each in its own child process on this Node binary so they do not disturb each other. Their
 * output is printed as it comes.
 *
 * A benchmark reports its machine-readable result as one JSON line on stdout starting with
 * `{"benchmark":` (not echoed). Benchmarks without one (serialization.ts) get their result built
 * here from their text output. The runner adds the date, machine, Node version, git commit and
 * load average, and appends the line to `bench/results/<name>.jsonl` (gitignored).
 *
 * Exits non-zero when a benchmark crashes; a missed target is reported, not an error.
 */
import { spawn } from "node:child_process";
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, readdirSync } from "node:fs";
import { createHash } from "node:crypto";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const BENCH_DIR = fileURLToPath(new URL(".", import.meta.url));
const ROOT = join(BENCH_DIR, "..");
const RESULTS_DIR = join(BENCH_DIR, "results");
const SELF = "run.ts";
const RESULT_PREFIX = '{"benchmark":';

/** The benchmark scripts: `bench/*.ts` except the runner. */
function discover(): string[] {
  return readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith(".ts") && f !== SELF && !f.startsWith("."))
    .map((f) => f.slice(0, -3))
    .sort();
}

function git(args: string[]): string {
  try {
    return execFileSync("git", args, {
      cwd: ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return "";
  }
}

/**
 * Where and on what the benchmark ran. Outside a git work tree (e.g. an exported snapshot of a
 * commit) the commit comes from the BENCH_COMMIT env var.
 */
function environment(): Record<string, unknown> {
  const inRepo = git(["rev-parse", "--is-inside-work-tree"]) === "true";
  const dirty = inRepo ? git(["status", "--porcelain", "--", "src"]) : "";
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? "unknown",
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    commit: inRepo
      ? git(["rev-parse", "--short", "HEAD"])
      : (process.env["BENCH_COMMIT"] ?? "unknown"),
    srcModified: inRepo ? (dirty ? dirty.split("\n").length : 0) : null,
    // Identifies uncommitted changes under src/ (others may be editing the runtime meanwhile).
    srcDiff: dirty
      ? createHash("sha1")
          .update(git(["diff", "HEAD", "--", "src"]))
          .digest("hex")
          .slice(0, 10)
      : null,
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

/** Builds a result from serialization.ts's tables (`strom`, `JSON` and `ratio` rows per section). */
function parseSerialization(lines: readonly string[]): Record<string, unknown> {
  const sections: Record<string, unknown>[] = [];
  let current: Record<string, unknown> | null = null;
  const rates = (line: string) => [...line.matchAll(/([\d.]+)M rec\/s/g)].map((m) => Number(m[1]));
  for (const line of lines) {
    const head = /^(.+): (\d+) records/.exec(line);
    if (head) {
      current = { records: head[1], n: Number(head[2]) };
      sections.push(current);
      continue;
    }
    if (!current) continue;
    const r = rates(line);
    const bytes = /([\d.]+)\s*$/.exec(line);
    if (line.startsWith("strom") && r.length === 3) {
      current["strom"] = {
        encode: r[0],
        decode: r[1],
        roundTrip: r[2],
        bytesPerRecord: Number(bytes?.[1]),
      };
    } else if (line.startsWith("JSON") && r.length === 3) {
      current["json"] = {
        encode: r[0],
        decode: r[1],
        roundTrip: r[2],
        bytesPerRecord: Number(bytes?.[1]),
      };
    } else if (line.startsWith("ratio")) {
      const x = [...line.matchAll(/([\d.]+)x/g)].map((m) => Number(m[1]));
      current["ratio"] = { encode: x[0], decode: x[1], roundTrip: x[2] };
    }
  }
  return { benchmark: "serialization", unit: "M records/s", sections };
}

const PARSERS: Record<string, (lines: readonly string[]) => Record<string, unknown>> = {
  serialization: parseSerialization,
};

interface Outcome {
  name: string;
  code: number | null;
  ms: number;
}

function runOne(name: string): Promise<Outcome> {
  const env0 = environment();
  const t0 = performance.now();
  console.log(`\n=== ${name} ===`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(BENCH_DIR, `${name}.ts`)], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const lines: string[] = [];
    let result: Record<string, unknown> | null = null;
    let buf = "";
    const onLine = (line: string) => {
      if (line.startsWith(RESULT_PREFIX)) {
        try {
          result = JSON.parse(line) as Record<string, unknown>;
          return;
        } catch {
          // Not a result line after all: print it.
        }
      }
      lines.push(line);
      console.log(line);
    };
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf("\n")) >= 0) {
        onLine(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
    child.on("close", (code) => {
      if (buf) onLine(buf);
      const ms = performance.now() - t0;
      if (code === 0) {
        result ??= PARSERS[name]?.(lines) ?? { benchmark: name, output: lines };
        const line = JSON.stringify({ ...env0, wallSeconds: Math.round(ms) / 1000, ...result });
        mkdirSync(RESULTS_DIR, { recursive: true });
        appendFileSync(join(RESULTS_DIR, `${name}.jsonl`), line + "\n");
        console.log(
          `(${(ms / 1000).toFixed(1)} s; result appended to bench/results/${name}.jsonl)`,
        );
      } else {
        console.log(`${name} FAILED with exit code ${code}`);
      }
      resolve({ name, code, ms });
    });
  });
}

const available = discover();
const wanted = process.argv.slice(2).map((a) => a.replace(/^bench\//, "").replace(/\.ts$/, ""));
const unknown = wanted.filter((w) => !available.includes(w));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(", ")}; available: ${available.join(", ")}`);
  process.exit(2);
}
const names = wanted.length > 0 ? wanted : available;
const env = environment();
console.log(
  `Benchmarks: ${names.join(", ")} | node ${String(env["node"])} | ${String(env["cpu"])} x${String(env["cores"])} | ` +
    `commit ${String(env["commit"])}${env["srcModified"] ? ` (+${String(env["srcModified"])} modified in src)` : ""} | load ${(env["loadavg"] as number[]).join(" ")}`,
);
const outcomes: Outcome[] = [];
for (const name of names) outcomes.push(await runOne(name));
const failed = outcomes.filter((o) => o.code !== 0);
if (failed.length > 0) {
  console.log(`\nFailed: ${failed.map((o) => o.name).join(", ")}`);
  process.exit(1);
}
