/**
 * Benchmark job (keyed state): `DataGeneratorSource({ key: i % keys, ts: i }) -> keyBy(key) ->
 * KeyedProcessFunction` doing a `ValueState<number>` read-modify-write per record, emitting each
 * key once (when its count reaches N / keys) to a checksum sink. N comes from `BENCH_N`, the
 * number of keys from `BENCH_KEYS`; parallelism from the launcher. Exports the job result as
 * `result`.
 */
import {
  DataGeneratorSource,
  StreamExecutionEnvironment,
  WatermarkStrategy,
  type JobExecutionResult,
} from "strom";
import { BenchSink, NumberChecksumWriter, recordCount } from "./workload.ts";
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
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env
  .fromSource(
    new DataGeneratorSource<KeyedEvent>(makeEventGenerator(keys), n),
    WatermarkStrategy.noWatermarks<KeyedEvent>(),
    "generator",
  )
  .keyBy(eventKey)
  .process(new CountUpdates(emitThreshold(n, keys)))
  .name("count state")
  .sinkTo(new BenchSink(NumberChecksumWriter))
  .name("checksum sink");

export const result: JobExecutionResult = await env.execute("bench keyed state");
