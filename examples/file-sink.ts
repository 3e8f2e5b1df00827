/**
 * Exactly-once files: a stream of orders written as text lines through the FileSink.
 *
 *   npx strom run examples/file-sink.ts --parallelism 2                  # writes under ./out/orders
 *   npx strom run examples/file-sink.ts -- path/to/dir                    # writes under path/to/dir
 *
 * Each subtask writes hidden in-progress part files (`.part-<uid>-<subtask>-<n>.txt.inprogress`)
 * into one directory per region (a custom bucket assigner); parts roll at 4 KiB, and are renamed to
 * their visible names (`part-<uid>-<subtask>-<n>.txt`) when the checkpoint that pre-committed them
 * completes, or at the end of this bounded job. Read them back with `env.readTextFile(dir)`, which
 * skips hidden files, so it only ever sees committed data.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  DataGeneratorSource,
  DefaultRollingPolicy,
  FileSink,
  OutputFileConfig,
  SimpleStringEncoder,
  StreamExecutionEnvironment,
  WatermarkStrategy,
  type BucketAssigner,
} from "strom";

interface Order {
  id: number;
  region: string;
  amount: number;
}

const REGIONS = ["eu", "us", "apac"];
const output = path.resolve(process.argv.slice(2).find((a) => !a.startsWith("--")) ?? "out/orders");

/** One directory per region: `region=eu/`, `region=us/`, ... */
const byRegion: BucketAssigner<Order> = { getBucketId: (o) => `region=${o.region}` };

const env = StreamExecutionEnvironment.getExecutionEnvironment();

env
  .fromSource(
    new DataGeneratorSource<Order>(
      (i) => ({ id: i, region: REGIONS[i % 3]!, amount: ((i * 7919) % 10_000) / 100 }),
      1_000,
    ),
    WatermarkStrategy.noWatermarks(),
    "orders",
  )
  .sinkTo(
    FileSink.forRowFormat<Order>(output, new SimpleStringEncoder())
      .withBucketAssigner(byRegion)
      .withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize(4096).build())
      .withOutputFileConfig(OutputFileConfig.builder().withPartSuffix(".txt").build())
      .build(),
  )
  .name("orders to files");

const result = await env.execute("file-sink");
const committed = fs
  .readdirSync(output, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && !e.name.startsWith("."));
console.error(
  `file-sink finished in ${result.getNetRuntime().toFixed(0)} ms: ${committed.length} part files under ${output}`,
);
