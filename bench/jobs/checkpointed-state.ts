/**
 * Benchmark job (keyed state with checkpoints, bench/checkpoint.ts): the keyed-state pipeline of
 * `keyed-state.ts` (`DataGeneratorSource({ key: i % keys, ts: i }) -> keyBy(key) ->
 * KeyedProcessFunction` with a `ValueState<number>` read-modify-write per record -> checksum sink),
 * with checkpointing and the state backend chosen by env vars:
 *
 * - `BENCH_N`, `BENCH_KEYS`: records and distinct keys (as keyed-state.ts).
 * - `BENCH_BACKEND`: "hashmap" (default) or "disk".
 * - `BENCH_CP_INTERVAL`: checkpoint interval in ms (absent or 0: no checkpoints, unless the
 *   launcher's `--checkpoint-interval` turns them on); `BENCH_CP_DIR`: checkpoint directory;
 *   `BENCH_CP_RETAIN`: completed checkpoints kept (so the benchmark can read all of them).
 * - `BENCH_MARK_DIR` (recovery runs): the state function appends `{ pid, t, failed }` to
 *   `first.jsonl` there on the first record each instance processes (t: absolute ms), and with
 *   `BENCH_FAIL_AFTER_CP=k` its worker thread exits (`process.exit`, like a crashed TaskManager)
 *   on the first record after checkpoint k completed, once per mark directory, having written
 *   the time to `failed`.
 *
 * Parallelism and launcher checkpoint options come from the launcher. Exports the job result as
 * `result`.
 */
import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  DataGeneratorSource,
  RestartStrategies,
  StreamExecutionEnvironment,
  WatermarkStrategy,
  type CheckpointListener,
  type Collector,
  type JobExecutionResult,
  type KeyedProcessContext,
  type OpenContext,
} from "strom";
import { absoluteNow, BenchSink, NumberChecksumWriter, recordCount } from "./workload.ts";
import {
  CountUpdates,
  emitThreshold,
  eventKey,
  keyCount,
  makeEventGenerator,
  type KeyedEvent,
} from "./state-workload.ts";

const n = recordCount(10_000_000);
const keys = keyCount(1_000_000);
const backend = process.env["BENCH_BACKEND"] === "disk" ? "disk" : "hashmap";
const interval = Number(process.env["BENCH_CP_INTERVAL"] ?? 0);
const markDir = process.env["BENCH_MARK_DIR"];
const failAfter = Number(process.env["BENCH_FAIL_AFTER_CP"] ?? 0);

/**
 * {@link CountUpdates} that marks its first record (and fails once after a given checkpoint):
 * what the recovery case times.
 */
class MarkedCountUpdates extends CountUpdates implements CheckpointListener {
  private first = true;
  private failNow = false;

  /** Opens the count state. */
  override open(context: OpenContext): void {
    super.open(context);
    this.first = true;
  }

  /** Marks the first record, fails when due, then counts. */
  override processElement(
    e: KeyedEvent,
    ctx: KeyedProcessContext<number>,
    out: Collector<number>,
  ): void {
    if (this.first) {
      this.first = false;
      const failed = existsSync(join(markDir!, "failed"));
      appendFileSync(
        join(markDir!, "first.jsonl"),
        JSON.stringify({ pid: process.pid, t: absoluteNow(), failed }) + "\n",
      );
    }
    if (this.failNow) {
      writeFileSync(join(markDir!, "failed"), String(absoluteNow()));
      process.exit(3);
    }
    super.processElement(e, ctx, out);
  }

  /** Arms the failure after checkpoint `BENCH_FAIL_AFTER_CP` (first attempt only). */
  notifyCheckpointComplete(checkpointId: number): void {
    if (failAfter > 0 && checkpointId >= failAfter && !existsSync(join(markDir!, "failed")))
      this.failNow = true;
  }
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();
env.setStateBackend(backend);
if (interval > 0) env.enableCheckpointing(interval);
const cp = env.getCheckpointConfig();
if (process.env["BENCH_CP_DIR"]) cp.setCheckpointStorage(process.env["BENCH_CP_DIR"]);
if (process.env["BENCH_CP_RETAIN"])
  cp.setNumRetainedCheckpoints(Number(process.env["BENCH_CP_RETAIN"]));
if (markDir !== undefined) env.setRestartStrategy(RestartStrategies.fixedDelayRestart(3, 0));
const threshold = emitThreshold(n, keys);
env
  .fromSource(
    new DataGeneratorSource<KeyedEvent>(makeEventGenerator(keys), n),
    WatermarkStrategy.noWatermarks<KeyedEvent>(),
    "generator",
  )
  .uid("generator")
  .keyBy(eventKey)
  .process(markDir !== undefined ? new MarkedCountUpdates(threshold) : new CountUpdates(threshold))
  .uid("count-state")
  .name("count state")
  .sinkTo(new BenchSink(NumberChecksumWriter))
  .uid("checksum-sink")
  .name("checksum sink");

export const result: JobExecutionResult = await env.execute("bench checkpointed state");
