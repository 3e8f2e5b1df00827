/**
 * How a partitioned `filesystem` table's sink is put together. With a commit policy the rows of
 * a partition all go to one sink subtask (keyed by partition), so no other subtask still holds
 * uncommitted files of a partition being committed; `sink.shuffle-by-partition.enable` does the
 * same without a policy. The partition-time trigger needs the watermark, which sink writers do
 * not see: a keyed function before the sink sets an event-time timer per partition (at its time
 * plus the delay) and, when it fires, passes the watermark on to the writer as a
 * {@link WatermarkTick}.
 */
import type { DataStream, DataStreamSink } from "../../api/datastream.ts";
import {
  KeyedProcessFunction,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
} from "../../api/functions.ts";
import { ChangelogMode, type Row } from "../runtime/row.ts";
import type { DynamicTableSink, TableContext } from "./factory.ts";
import { SHUFFLE_BY_PARTITION, type PartitionCommit } from "./filesystem-partition-commit.ts";
import { PartitionedFileSink, type WatermarkTick } from "./filesystem-partition-writer.ts";
import { partitionPathOf, type PartitionLayout } from "./filesystem-partitions.ts";

/** Sets an event-time timer per partition at its time plus the delay; passes the watermark on. */
class PartitionTimeTicker extends KeyedProcessFunction<string, Row, Row | WatermarkTick> {
  private readonly time: (partition: string) => number;
  private readonly delay: number;
  private readonly registered = new Set<string>();

  constructor(time: (partition: string) => number, delay: number) {
    super();
    this.time = time;
    this.delay = delay;
  }

  processElement(
    row: Row,
    ctx: KeyedProcessContext<string>,
    out: Collector<Row | WatermarkTick>,
  ): void {
    out.collect(row);
    const partition = ctx.getCurrentKey();
    if (this.registered.has(partition)) return;
    if (this.registered.size >= 10_000) this.registered.clear();
    this.registered.add(partition);
    // The partition is due once the watermark is past its time plus the delay.
    ctx.timerService().registerEventTimeTimer(this.time(partition) + this.delay + 1);
  }

  override onTimer(
    timestamp: number,
    ctx: KeyedOnTimerContext<string>,
    out: Collector<Row | WatermarkTick>,
  ): void {
    out.collect({ watermark: Math.max(timestamp, ctx.timerService().currentWatermark()) });
  }
}

/** The file sink of a partitioned table (what {@link partitionedSink} puts last). */
export function partitionedFileSink(
  ctx: TableContext,
  layout: PartitionLayout,
  commit: PartitionCommit | null,
  directory: string,
): PartitionedFileSink {
  const { factory, options } = ctx.format!;
  const encoderCtx = { rowType: layout.dataRowType, options, table: ctx.tableName };
  return new PartitionedFileSink(
    directory,
    layout,
    () => factory.createEncoder(encoderCtx),
    commit,
  );
}

/**
 * The sink of a partitioned table: rows keyed by partition when partitions are committed or
 * `sink.shuffle-by-partition.enable` is set, through the partition-time ticker when that is the
 * trigger, into a {@link PartitionedFileSink}.
 */
export function partitionedSink(
  ctx: TableContext,
  layout: PartitionLayout,
  commit: PartitionCommit | null,
  directory: string,
  parallelism: number | undefined,
): DynamicTableSink {
  const shuffle = commit !== null || ctx.options.get(SHUFFLE_BY_PARTITION) === true;
  const name = `filesystem: ${ctx.tableName}`;
  return {
    changelogMode: () => ChangelogMode.INSERT_ONLY,
    consume: (stream) => {
      let input = stream as DataStream<Row | WatermarkTick>;
      if (shuffle) {
        const pathOf = partitionPathOf(layout);
        const keyed = stream.keyBy((row: Row) => pathOf(row));
        input = keyed as DataStream<Row | WatermarkTick>;
        if (commit?.partitionTime) {
          const ticker = keyed
            .process<Row | WatermarkTick>(
              new PartitionTimeTicker(commit.partitionTime, commit.delay),
            )
            .name(`${name} (partition time)`);
          if (parallelism !== undefined) ticker.setParallelism(parallelism);
          input = ticker;
        }
      }
      const sink = input.sinkTo(partitionedFileSink(ctx, layout, commit, directory)).name(name);
      if (parallelism !== undefined) sink.setParallelism(parallelism);
      return sink as unknown as DataStreamSink<Row>;
    },
  };
}
