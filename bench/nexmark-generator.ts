/**
 * Speed of the Nexmark generator (`NexmarkSource`), with max emit speed, on one core:
 *
 * - `generator`: `NexmarkGenerator.event(n)` in a loop, beside a loop making a trivial
 *   `{ id, dateTime }` object per index (the baseline: what any generator costs at least);
 * - `source-p1`: a job at parallelism 1 reading `NexmarkSource` into a counting sink, beside the
 *   same job over a `DataGeneratorSource` of trivial objects with the same timestamps.
 *
 * Each prints events/s, the ratio to its baseline measured in the same run (after the Nexmark
 * rounds; the loop baseline is mostly optimized away by V8, an upper bound), and the target:
 * at least 5 million events per second. BENCH_RUNS rounds (default 3), medians; BENCH_SCALE
 * scales N (default 10M events for the loop, 5M for the job).
 *
 * Run: `./node_modules/.bin/node bench/nexmark-generator.ts [generator] [source-p1]`.
 */
import { loadavg } from "node:os";
import {
  DataGeneratorSource,
  NexmarkGenerator,
  NexmarkSource,
  StreamExecutionEnvironment,
  WatermarkStrategy,
} from "../src/index.ts";

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TARGET = 5_000_000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** A sink that keeps the last event's time so the work cannot be dropped. */
let sinkSeen = 0;

function loopNexmark(n: number): number {
  const g = new NexmarkGenerator({ events: n });
  const t0 = performance.now();
  let acc = 0;
  for (let i = 0; i < n; i++) acc += g.event(i).dateTime & 1;
  const ms = performance.now() - t0;
  sinkSeen += acc;
  return (n / ms) * 1000;
}

function loopTrivial(n: number): number {
  const t0 = performance.now();
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const e = { id: i, dateTime: 1_767_225_600_000 + Math.floor(i / 10) };
    acc += e.dateTime & 1;
  }
  const ms = performance.now() - t0;
  sinkSeen += acc;
  return (n / ms) * 1000;
}

async function jobNexmark(n: number): Promise<number> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
  env.setParallelism(1);
  let count = 0;
  env
    .fromSource(new NexmarkSource({ events: n }), NexmarkSource.watermarks(), "nexmark")
    .sinkTo(() => {
      count++;
    });
  const r = await env.execute("nexmark");
  if (count !== n) throw new Error(`expected ${n} events, got ${count}`);
  return (n / r.getNetRuntime()) * 1000;
}

async function jobTrivial(n: number): Promise<number> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
  env.setParallelism(1);
  let count = 0;
  const strategy = WatermarkStrategy.forBoundedOutOfOrderness<{ dateTime: number }>(
    4000,
  ).withTimestampAssigner((e) => e.dateTime);
  env
    .fromSource(
      new DataGeneratorSource(
        (i: number) => ({ id: i, dateTime: 1_767_225_600_000 + Math.floor(i / 10) }),
        n,
      ),
      strategy,
      "trivial",
    )
    .sinkTo(() => {
      count++;
    });
  const r = await env.execute("trivial");
  if (count !== n) throw new Error(`expected ${n} events, got ${count}`);
  return (n / r.getNetRuntime()) * 1000;
}

/**
 * Runs `nexmark` RUNS times, then `baseline` RUNS times (not interleaved: the baseline's code
 * paths would make the shared source and sink code polymorphic while Nexmark is measured).
 */
async function measure(
  name: string,
  nexmark: () => number | Promise<number>,
  baseline: () => number | Promise<number>,
): Promise<Record<string, unknown>> {
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < RUNS; r++) a.push(await nexmark());
  for (let r = 0; r < RUNS; r++) b.push(await baseline());
  for (let r = 0; r < RUNS; r++) {
    console.log(
      `  ${name} round ${r + 1}: nexmark ${(a[r]! / 1e6).toFixed(2)}M/s, baseline ${(b[r]! / 1e6).toFixed(2)}M/s`,
    );
  }
  const rate = median(a);
  const ratio = rate / median(b);
  const pass = rate >= TARGET;
  console.log(
    `${name}: nexmark=${(rate / 1e6).toFixed(2)}M/s baseline=${(median(b) / 1e6).toFixed(2)}M/s ratio=${ratio.toFixed(2)} (target ${TARGET / 1e6}M/s: ${pass ? "PASS" : "FAIL"})`,
  );
  return { case: name, metric: "events/s", value: rate, ratio, threshold: TARGET, pass };
}

const which = process.argv.slice(2);
const cases = which.length > 0 ? which : ["generator", "source-p1"];
console.log(
  `Nexmark generator, max emit speed, ${RUNS} rounds (load average ${loadavg()[0]!.toFixed(2)})`,
);
const targets: Record<string, unknown>[] = [];
if (cases.includes("source-p1")) {
  const n = Math.round(5_000_000 * SCALE);
  await jobNexmark(n / 10);
  targets.push(
    await measure(
      "source-p1",
      () => jobNexmark(n),
      () => jobTrivial(n),
    ),
  );
}
if (cases.includes("generator")) {
  const n = Math.round(10_000_000 * SCALE);
  loopNexmark(n / 10);
  targets.push(
    await measure(
      "generator",
      () => loopNexmark(n),
      () => loopTrivial(n),
    ),
  );
}
if (sinkSeen < 0) console.log(sinkSeen);
console.log(JSON.stringify({ benchmark: "nexmark-generator", runs: RUNS, targets }));
