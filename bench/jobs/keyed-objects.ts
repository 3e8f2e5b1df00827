/**
 * Benchmark job (target b, objects): `DataGeneratorSource({ id, value }) -> keyBy(value % 1024)
 * -> reduce(sum of value) -> sink`. N comes from `BENCH_N`; parallelism from the launcher. Exports
 * the job result as `result`.
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
  keyRecord,
  recordCount,
  RecordChecksumWriter,
  sumRecords,
  type Rec,
} from "./workload.ts";

const env = StreamExecutionEnvironment.getExecutionEnvironment();
env
  .fromSource(
    new DataGeneratorSource<Rec>(genRecord, recordCount(1_000_000)),
    WatermarkStrategy.noWatermarks<Rec>(),
    "generator",
  )
  .keyBy(keyRecord)
  .reduce(sumRecords)
  .sinkTo(new BenchSink(RecordChecksumWriter))
  .name("checksum sink");

export const result: JobExecutionResult = await env.execute("bench keyed objects");
