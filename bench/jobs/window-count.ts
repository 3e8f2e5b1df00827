/**
 * Benchmark job (windows): `DataGeneratorSource({ key: i % keys, ts: i })` with monotonous event
 * timestamps `-> keyBy(key) -> TumblingEventTimeWindows(2.5 * keys ms) -> aggregate(count) ->`
 * a checksum sink (sum of squared counts). N comes from `BENCH_N`, the number of keys from
 * `BENCH_KEYS`; parallelism from the launcher. Exports the job result as `result`.
 */
import {
  DataGeneratorSource,
  Duration,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type JobExecutionResult,
} from "strom";
import { BenchSink, recordCount } from "./workload.ts";
import {
  CountAggregate,
  eventKey,
  eventTime,
  keyCount,
  makeEventGenerator,
  SquareChecksumWriter,
  windowMillis,
  type KeyedEvent,
} from "./state-workload.ts";

const n = recordCount(10_000_000);
const keys = keyCount(1_000_000);
const env = StreamExecutionEnvironment.getExecutionEnvironment();
env
  .fromSource(
    new DataGeneratorSource<KeyedEvent>(makeEventGenerator(keys), n),
    WatermarkStrategy.forMonotonousTimestamps<KeyedEvent>().withTimestampAssigner(eventTime),
    "generator",
  )
  .keyBy(eventKey)
  .window(TumblingEventTimeWindows.of(Duration.ofMillis(windowMillis(keys))))
  .aggregate(new CountAggregate())
  .name("window count")
  .sinkTo(new BenchSink(SquareChecksumWriter))
  .name("checksum sink");

export const result: JobExecutionResult = await env.execute("bench window count");
