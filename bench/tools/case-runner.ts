/**
 * What the throughput benchmarks (bench/datastream.ts, bench/state.ts) share: running a job module
 * on the local target with its sink writers reporting stats to a file, timing a bare loop, running
 * a case in a child process, and number formatting.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runJobModule, type JobExecutionResult } from "strom";
import { combineChecksums, type WriterStats } from "../jobs/workload.ts";

/** A child process prints its case result on a line starting with this. */
export const CASE_RESULT_PREFIX = "@case-result ";

/** One run of a Strom job. */
export interface StromRun {
  /** Net runtime of the job (deployed -> finished), ms. */
  netMs: number;
  /** Wall time of the whole `runJobModule` call, ms. */
  wallMs: number;
  /** From the first sink writer's open to the last one's end of input, ms. */
  taskMs: number;
  /** Process CPU time (all threads), ms. */
  cpuMs: number;
  /** Peak RSS of the process, bytes. */
  peakRss: number;
  /** Sum of the workers' peak heap used, bytes. */
  peakWorkerHeapUsed: number;
  /** Sum of the workers' peak heap total, bytes. */
  peakWorkerHeapTotal: number;
  /** Checksum of what the sinks received. */
  sum: number;
  /** Records the sinks received. */
  count: number;
  /** The last sink writer's end of input, absolute ms (see `absoluteNow` in jobs/workload.ts). */
  endedAt: number;
}

/** One run of a bare loop. */
export interface BareRun {
  /** Time, ms. */
  ms: number;
  /** CPU time, ms. */
  cpuMs: number;
  /** Checksum. */
  sum: number;
  /** Records. */
  count: number;
}

let statsDir: string | null = null;
let statsSeq = 0;

/**
 * Runs the job module `jobPath` at `parallelism` with `env` set (the job reads BENCH_N etc.); its
 * sink writers append their stats to the file named by BENCH_STATS.
 */
export async function runStromJob(
  jobPath: string,
  parallelism: number,
  env: Record<string, string>,
): Promise<StromRun> {
  statsDir ??= mkdtempSync(join(tmpdir(), "bench-"));
  const statsFile = join(statsDir, `stats-${++statsSeq}.jsonl`);
  for (const [k, v] of Object.entries(env)) process.env[k] = v;
  process.env["BENCH_STATS"] = statsFile;
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peakRss) peakRss = rss;
  }, 20);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const mod = await runJobModule<{ result: JobExecutionResult }>(jobPath, { parallelism });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(sampler);
  const stats = existsSync(statsFile)
    ? readFileSync(statsFile, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as WriterStats)
    : [];
  if (stats.length === 0) throw new Error(`${jobPath}: the sink reported no stats`);
  return {
    netMs: mod.result.getNetRuntime(),
    wallMs,
    taskMs: Math.max(...stats.map((s) => s.endedAt)) - Math.min(...stats.map((s) => s.openedAt)),
    cpuMs: (cpu.user + cpu.system) / 1000,
    peakRss,
    peakWorkerHeapUsed: stats.reduce((a, s) => a + s.peakHeapUsed, 0),
    peakWorkerHeapTotal: stats.reduce((a, s) => a + s.peakHeapTotal, 0),
    sum: combineChecksums(stats.map((s) => s.sum)),
    count: stats.reduce((a, s) => a + s.count, 0),
    endedAt: Math.max(...stats.map((s) => s.endedAt)),
  };
}

/** Removes the stats files of this process. */
export function cleanUpStats(): void {
  if (statsDir) rmSync(statsDir, { recursive: true, force: true });
  statsDir = null;
}

/** Times a bare loop returning its checksum and count. */
export function timeBare(loop: () => { sum: number; count: number }): BareRun {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = loop();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000, sum: r.sum, count: r.count };
}

/** The median of `xs`. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Millions of records per second. */
export const mrate = (n: number, ms: number): number => n / ms / 1000;
/** A rate in M/s for humans. */
export const fmtRate = (x: number): string => `${x.toFixed(x < 10 ? 2 : 1)}M/s`;
/** Bytes as MiB. */
export const mib = (b: number): string => `${(b / 1048576).toFixed(0)} MiB`;

/**
 * Runs `script --case <id>` in a child process on this Node (fresh JIT state, its own RSS),
 * echoing its output, and returns the result it printed after {@link CASE_RESULT_PREFIX}.
 */
export function runCaseChild<R>(script: string, id: string): Promise<R> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, script, "--case", id], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let result: R | null = null;
    let buf = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      buf += chunk;
      let i: number;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.startsWith(CASE_RESULT_PREFIX))
          result = JSON.parse(line.slice(CASE_RESULT_PREFIX.length)) as R;
        else console.log(line);
      }
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (buf) console.log(buf);
      if (code === 0 && result) resolve(result);
      else reject(new Error(`case ${id} failed (exit code ${code})`));
    });
  });
}
