/**
 * Benchmark job (target a, objects): `DataGeneratorSource({ id, value }) -> map -> filter -> sink`,
 * all chained. N comes from `BENCH_N`; parallelism from the launcher. Exports the job result as
 * `result`.
 */
import {
  DataGeneratorSource,
  StreamExecutionEnvironment,
  WatermarkStrategy,
  type JobExecutionResult,
} from "strom";
import {
  BenchSink,
  genRecord,
  keepRecord,
  mapRecord,
  recordCount,
  RecordChecksumWriter,
  type Rec,
} from "./workload.ts";

const env = StreamExecutionEnvironment.getExecutionEnvironment();
env
  .fromSource(
    new DataGeneratorSource<Rec>(genRecord, recordCount(1_000_000)),
    WatermarkStrategy.noWatermarks<Rec>(),
    "generator",
  )
  .map(mapRecord)
  .filter(keepRecord)
  .sinkTo(new BenchSink(RecordChecksumWriter))
  .name("checksum sink");

export const result: JobExecutionResult = await env.execute("bench chain objects");
