/**
 * Benchmark job (target a, numbers): `fromSequence(1, N) -> map -> filter -> sink`, all chained.
 * N comes from `BENCH_N`; parallelism from the launcher (`runJobModule(..., { parallelism })`).
 * Exports the job result as `result`.
 */
import { StreamExecutionEnvironment, type JobExecutionResult } from "strom";
import { BenchSink, keepNumber, mapNumber, NumberChecksumWriter, recordCount } from "./workload.ts";

const env = StreamExecutionEnvironment.getExecutionEnvironment();
env
  .fromSequence(1, recordCount(1_000_000))
  .map(mapNumber)
  .filter(keepNumber)
  .sinkTo(new BenchSink(NumberChecksumWriter))
  .name("checksum sink");

export const result: JobExecutionResult = await env.execute("bench chain numbers");
