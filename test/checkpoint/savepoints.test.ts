/**
 * Savepoint round trips on the thread target: stop-with-savepoint at parallelism 1, restore at 3,
 * stop again, restore at 2 and finish — the committed output equals an undisturbed run; added
 * operators start empty; state of removed operators is refused unless allowed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { committedLines, expectedCounts, KeyCounter } from "./support.ts";
import {
  BasePathBucketAssigner,
  DataGeneratorSource,
  FileSink,
  KeyedProcessFunction,
  RateLimiterStrategy,
  SimpleStringEncoder,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type ExecutionConfig,
  type KeyedProcessContext,
  type ValueState,
} from "../../src/index.ts";

const KEYS = 13;

interface JobShape {
  parallelism: number;
  out: string;
  records: number;
  rate: number;
  restore?: string;
  allowNonRestoredState?: boolean;
  /** Leave the counter out (a removed operator). */
  withoutCounter?: boolean;
  /** Add a stateful operator with a new uid. */
  withExtra?: boolean;
  stateBackend?: "hashmap" | "disk";
  /** The sink's uid (default "sink"). */
  sinkUid?: string;
}

function buildJob(shape: JobShape): StreamExecutionEnvironment {
  const options: Partial<ExecutionConfig> = { target: "thread" };
  if (shape.restore) {
    options.restore = {
      path: shape.restore,
      allowNonRestoredState: shape.allowNonRestoredState ?? false,
    };
  }
  const env = StreamExecutionEnvironment.getExecutionEnvironment(options);
  env.setParallelism(shape.parallelism);
  env.enableCheckpointing(60_000);
  if (shape.stateBackend) env.setStateBackend(shape.stateBackend);
  const s = env
    .fromSource(
      new DataGeneratorSource(
        (i: number) => i,
        shape.records,
        RateLimiterStrategy.perSecond(shape.rate),
      ),
      WatermarkStrategy.noWatermarks(),
      "gen",
    )
    .uid("gen")
    .keyBy((i: number) => i % KEYS);
  let lines = shape.withoutCounter
    ? s.map((i: number) => `${i}`).uid("plain")
    : s.process(new KeyCounter()).uid("counter");
  if (shape.withExtra) {
    lines = lines
      .keyBy((l: string) => l.split(",")[0]!)
      .process(new PassThroughCounter())
      .uid("extra");
  }
  lines
    .sinkTo(
      FileSink.forRowFormat(shape.out, new SimpleStringEncoder<string>())
        .withBucketAssigner(new BasePathBucketAssigner())
        .build(),
    )
    .uid(shape.sinkUid ?? "sink");
  return env;
}

/** Emits its input and counts per key (state that starts empty when added to a job). */
class PassThroughCounter extends KeyedProcessFunction<string, string, string> {
  private seen!: ValueState<number>;
  override open(): void {
    this.seen = this.getRuntimeContext().getState(new ValueStateDescriptor<number>("seen"));
  }
  processElement(v: string, _ctx: KeyedProcessContext<string>, out: Collector<string>): void {
    this.seen.update((this.seen.value() ?? 0) + 1);
    out.collect(v);
  }
}

async function runThenStop(shape: JobShape, ms: number, savepoints: string): Promise<string> {
  const client = await buildJob(shape).executeAsync("savepoint-job");
  const result = client.getJobExecutionResult().catch((e: Error) => e);
  await new Promise((r) => setTimeout(r, ms));
  const path = await client.stopWithSavepoint(savepoints);
  assert.ok(existsSync(join(path, "_metadata")), `savepoint at ${path}`);
  assert.match(String(await result), /cancel/i);
  return path;
}

test("stop with savepoint, restore at parallelism 1 -> 3 -> 2: exact output", async () => {
  const base = mkdtempSync(join(tmpdir(), "strom-sp-"));
  const out = join(base, "out");
  const records = 24_000;
  const shape = { out, records, rate: 20_000 };
  const sp1 = await runThenStop({ ...shape, parallelism: 1 }, 300, join(base, "sp"));
  const partial = committedLines(out).length;
  assert.ok(partial > 0 && partial < records, `first run committed ${partial} records`);
  const sp2 = await runThenStop({ ...shape, parallelism: 3, restore: sp1 }, 300, join(base, "sp"));
  await buildJob({ ...shape, parallelism: 2, restore: sp2 }).execute("savepoint-job");
  assert.deepEqual(committedLines(out), expectedCounts(records, KEYS));
});

test("an added operator starts empty; a removed operator's state is refused unless allowed", async () => {
  const base = mkdtempSync(join(tmpdir(), "strom-sp-"));
  const records = 12_000;
  const out = join(base, "a");
  const sp = await runThenStop(
    { out, records, rate: 20_000, parallelism: 2 },
    250,
    join(base, "sp"),
  );
  // Removed operator: refused with a message naming it...
  await assert.rejects(
    buildJob({
      out,
      records,
      rate: 50_000,
      parallelism: 2,
      restore: sp,
      withoutCounter: true,
    }).execute("savepoint-job"),
    /'KeyedProcess' \(id counter\).*no longer has.*allow-non-restored-state/s,
  );
  // ...and skipped when allowed (this job's sink is new too, so its output starts afresh).
  const outD = join(base, "d");
  await buildJob({
    out: outD,
    records,
    rate: 50_000,
    parallelism: 2,
    restore: sp,
    withoutCounter: true,
    allowNonRestoredState: true,
    sinkUid: "sink-d",
  }).execute("savepoint-job");
  const d = committedLines(outD);
  assert.ok(d.length > 0 && d.length < records, `resumed after the savepoint: ${d.length}`);
  // Added operator: the rest is restored, the new operator starts empty; output stays exact.
  await buildJob({
    out,
    records,
    rate: 50_000,
    parallelism: 2,
    restore: sp,
    withExtra: true,
  }).execute("savepoint-job");
  assert.deepEqual(committedLines(out), expectedCounts(records, KEYS));
});

test("savepoints move between state backends: heap -> disk -> heap", async () => {
  const base = mkdtempSync(join(tmpdir(), "strom-sp-"));
  const out = join(base, "out");
  const records = 16_000;
  const shape = { out, records, rate: 20_000 };
  const sp1 = await runThenStop({ ...shape, parallelism: 2 }, 250, join(base, "sp"));
  const sp2 = await runThenStop(
    { ...shape, parallelism: 2, restore: sp1, stateBackend: "disk" },
    250,
    join(base, "sp"),
  );
  const meta = JSON.parse(readFileSync(join(sp2, "_metadata"), "utf8")) as { stateBackend: string };
  assert.equal(meta.stateBackend, "disk");
  await buildJob({ ...shape, parallelism: 3, restore: sp2, stateBackend: "hashmap" }).execute(
    "savepoint-job",
  );
  assert.deepEqual(committedLines(out), expectedCounts(records, KEYS));
});
