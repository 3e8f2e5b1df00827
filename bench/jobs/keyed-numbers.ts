/**
 * Benchmark job (target b, numbers): `fromSequence(1, N) -> keyBy(n % 1024) -> reduce(sum) -> sink`.
 * The keyBy is a hash exchange: at parallelism 1 a local channel inside one worker, at parallelism
 * 2 half the records cross to the other worker thread. N comes from `BENCH_N`; parallelism from the
 * launcher. Exports the job result as `result`.
 */
import { StreamExecutionEnvironment, type JobExecutionResult } from "strom";
import { BenchSink, keyNumber, NumberChecksumWriter, recordCount, sumNumbers } from "./workload.ts";

const env = StreamExecutionEnvironment.getExecutionEnvironment();
env
  .fromSequence(1, recordCount(1_000_000))
  .keyBy(keyNumber)
  .reduce(sumNumbers)
  .sinkTo(new BenchSink(NumberChecksumWriter))
  .name("checksum sink");

export const result: JobExecutionResult = await env.execute("bench keyed numbers");
