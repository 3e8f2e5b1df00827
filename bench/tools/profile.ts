/**
 * Profiles one benchmark job on the real runtime and prints where the time goes, per thread.
 *
 *   ./node_modules/.bin/node bench/tools/profile.ts <job> [--p 1] [--n 10000000] [--top 30]
 *                                                   [--interval 250] [--keep DIR]
 *
 * `<job>` is a module of bench/jobs (e.g. keyed-objects). The job runs in a child process under
 * `--cpu-prof` (worker threads write their own profiles); then, for every thread that did real
 * work, the top functions by self time (with file:line) and the inclusive time of the runtime's
 * per-record functions are printed. `--keep DIR` keeps the .cpuprofile files (open them in Chrome
 * DevTools or speedscope).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

/** A function's display key: name and file:line (1-based), paths relative to the repo. */
function keyOf(cf: CallFrame): string {
  const name = cf.functionName || "(anonymous)";
  if (!cf.url) return name;
  let file = cf.url.replace(/^file:\/\//, "").replace(/\?.*$/, "");
  if (file.startsWith("/")) file = relative(ROOT, file);
  return `${name} ${file}:${cf.lineNumber + 1}`;
}

interface Row {
  key: string;
  self: number;
  total: number;
}

/** Self and inclusive time (ms) per function of one profile. */
function analyse(p: CpuProfile): { rows: Row[]; totalMs: number } {
  const byId = new Map<number, ProfileNode>();
  for (const n of p.nodes) byId.set(n.id, n);
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the time before sample i; attribute it to the sample's node.
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    const dt = p.timeDeltas[i + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + Math.max(0, dt));
  }
  const rows = new Map<string, Row>();
  const row = (key: string) => {
    let r = rows.get(key);
    if (!r) rows.set(key, (r = { key, self: 0, total: 0 }));
    return r;
  };
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    totalUs += us;
    const node = byId.get(id)!;
    row(keyOf(node.callFrame)).self += us;
    // Inclusive: every distinct function on the stack gets the sample once.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = keyOf(byId.get(cur)!.callFrame);
      if (seen.has(k)) continue;
      seen.add(k);
      row(k).total += us;
    }
  }
  const list = [...rows.values()].map((r) => ({
    ...r,
    self: r.self / 1000,
    total: r.total / 1000,
  }));
  return { rows: list, totalMs: totalUs / 1000 };
}

const pct = (x: number, of: number) => `${((100 * x) / of).toFixed(1).padStart(5)}%`;

function report(file: string, p: CpuProfile, top: number): void {
  const { rows, totalMs } = analyse(p);
  const idle = rows.find((r) => r.key === "(idle)")?.self ?? 0;
  const busy = totalMs - idle;
  if (busy < 50) return; // a thread that did nothing worth showing
  console.log(
    `\n## ${file}: ${(totalMs / 1000).toFixed(2)} s profiled, ${(busy / 1000).toFixed(2)} s busy`,
  );
  console.log(`   self ms   self%  total%  function`);
  const bySelf = rows.filter((r) => r.key !== "(idle)").sort((a, b) => b.self - a.self);
  for (const r of bySelf.slice(0, top)) {
    console.log(
      `${r.self.toFixed(0).padStart(9)}  ${pct(r.self, busy)}  ${pct(r.total, busy)}  ${r.key}`,
    );
  }
  const src = rows
    .filter((r) => r.key.includes(" src/") || r.key.includes(" bench/"))
    .sort((a, b) => b.total - a.total);
  console.log(`\n   inclusive time of project functions (top ${Math.min(top, src.length)}):`);
  for (const r of src.slice(0, top)) {
    console.log(`${r.total.toFixed(0).padStart(9)}  ${pct(r.total, busy)}  ${r.key}`);
  }
}

async function child(): Promise<void> {
  const { runJobModule } = await import("strom");
  const job = process.argv[3]!;
  const p = Number(process.argv[4]);
  const t0 = performance.now();
  const mod = await runJobModule<{ result: { getNetRuntime(): number } }>(
    join(ROOT, "bench", "jobs", `${job}.ts`),
    { parallelism: p },
  );
  const net = mod.result.getNetRuntime();
  const n = Number(process.env["BENCH_N"]);
  console.log(
    `${job} p${p}: N=${n.toLocaleString("en-US")}, net ${net.toFixed(0)} ms (${(n / net / 1000).toFixed(2)}M/s under the profiler), wall ${(performance.now() - t0).toFixed(0)} ms`,
  );
}

async function main(): Promise<void> {
  if (process.argv[2] === "--child") return child();
  const job = process.argv[2];
  if (!job || job.startsWith("--")) {
    console.error("usage: bench/tools/profile.ts <job> [--p 1] [--n N] [--top 30] [--keep DIR]");
    process.exit(2);
  }
  const p = arg("p", "1");
  const n = arg("n", "10000000");
  const top = Number(arg("top", "30"));
  const keep = process.argv.includes("--keep") ? arg("keep", "") : "";
  const dir = keep || mkdtempSync(join(tmpdir(), "bench-profile-"));
  mkdirSync(dir, { recursive: true });
  const r = spawnSync(
    process.execPath,
    [
      "--cpu-prof",
      `--cpu-prof-dir=${dir}`,
      `--cpu-prof-interval=${arg("interval", "250")}`,
      fileURLToPath(import.meta.url),
      "--child",
      job,
      p,
    ],
    { stdio: "inherit", env: { ...process.env, BENCH_N: n } },
  );
  if (r.status !== 0) throw new Error(`profiled run failed (exit ${r.status})`);
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".cpuprofile"))) {
    report(f, JSON.parse(readFileSync(join(dir, f), "utf8")) as CpuProfile, top);
  }
  if (keep) console.log(`\nprofiles kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

await main();
