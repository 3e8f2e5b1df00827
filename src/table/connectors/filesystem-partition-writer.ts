/**
 * The sink of a partitioned `filesystem` table, built on the DataStream {@link FileSinkWriter}:
 * each row goes to the bucket `k1=v1/k2=v2` of its partition values, and the format writes only
 * the other columns. Part files follow the file sink's exactly-once rules (hidden while written,
 * rolled on every checkpoint and at the end of input, renamed when the checkpoint completes).
 *
 * With a commit policy (see filesystem-partition-commit.ts) the writer keeps the partitions it
 * wrote since their last commit; on each pre-commit it adds the partitions whose trigger fired
 * (all of them at the end of input) to the checkpoint's committables, after its files, so the
 * committer writes the success file once the partition's files are visible. The partition-time
 * trigger compares with the last watermark a {@link WatermarkTick} brought (sink writers do not
 * see watermarks; see filesystem-partitioned-sink.ts).
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import type {
  Committer,
  PrecommittingSinkWriter,
  SinkInitContext,
  SinkWriterContext,
  TwoPhaseCommittingSink,
} from "../../api/sink.ts";
import {
  ListStateDescriptor,
  type CheckpointedFunction,
  type FunctionInitializationContext,
  type ListState,
} from "../../api/state.ts";
import {
  FileCommitter,
  syncDirectory,
  type FileSinkCommittable,
} from "../../connectors/files/file-committer.ts";
import { DEFAULT_BUCKET_CHECK_INTERVAL_MS } from "../../connectors/files/file-sink.ts";
import { FileSinkWriter } from "../../connectors/files/file-writer.ts";
import { OutputFileConfig } from "../../connectors/files/output-file-config.ts";
import { OnCheckpointRollingPolicy } from "../../connectors/files/rolling-policies.ts";
import type { TimerScheduler } from "../../core/time.ts";
import type { RowEncoder } from "../formats/format.ts";
import { TableRuntimeError } from "../runtime/errors.ts";
import { RowKind, formatRow, type Row } from "../runtime/row.ts";
import type { PartitionCommit } from "./filesystem-partition-commit.ts";
import { partitionPathOf, type PartitionLayout } from "./filesystem-partitions.ts";

/** The watermark passed to the writer by the partition-time trigger's timers (not a row). */
export interface WatermarkTick {
  /** The watermark, ms. */
  readonly watermark: number;
}

/** A partition to commit (after the part files of the same checkpoint). */
export interface PartitionCommittable {
  /** The partition's directory relative to the table's (`k1=v1/k2=v2`). */
  readonly partition: string;
  /** The success file to write into it. */
  readonly successFile: string;
}

/** What the partitioned sink commits: part files, then partitions. */
export type PartitionedCommittable = FileSinkCommittable | PartitionCommittable;

/** Name of the writer's operator list state: uncommitted partitions and the last watermark. */
export const PENDING_PARTITIONS_STATE = "filesystem-pending-partitions";

type PendingEntry = { partition: string; created: number } | { watermark: number };

const isPartition = (c: PartitionedCommittable): c is PartitionCommittable =>
  typeof (c as PartitionCommittable).partition === "string";

/** The exactly-once sink of a partitioned filesystem table. */
export class PartitionedFileSink implements TwoPhaseCommittingSink<
  Row | WatermarkTick,
  PartitionedCommittable
> {
  /** The table's directory (absolute). */
  readonly directory: string;
  /** The partition columns. */
  readonly layout: PartitionLayout;
  /** Makes the encoder of the non-partition columns, per writer. */
  readonly encoder: () => RowEncoder;
  /** How partitions are committed (null: they are not). */
  readonly commit: PartitionCommit | null;

  /** A sink writing under `directory` with `encoder`, committing partitions per `commit`. */
  constructor(
    directory: string,
    layout: PartitionLayout,
    encoder: () => RowEncoder,
    commit: PartitionCommit | null,
  ) {
    this.directory = nodePath.resolve(directory);
    this.layout = layout;
    this.encoder = encoder;
    this.commit = commit;
  }

  /** The writer of one subtask. */
  createWriter(ctx: SinkInitContext): PartitionedFileWriter {
    if (fs.existsSync(this.directory) && !fs.statSync(this.directory).isDirectory()) {
      throw new TableRuntimeError(
        `filesystem sink of table '${this.layout.table}': '${this.directory}' is not a directory`,
      );
    }
    return new PartitionedFileWriter(this, ctx);
  }

  /** The committer renaming part files and writing success files. */
  createCommitter(): Committer<PartitionedCommittable> {
    return new PartitionCommitter(this.directory, this.layout.table);
  }
}

/** Writes rows into their partitions' part files; decides which partitions to commit. */
export class PartitionedFileWriter
  implements
    PrecommittingSinkWriter<Row | WatermarkTick, PartitionedCommittable>,
    CheckpointedFunction
{
  private readonly sink: PartitionedFileSink;
  private readonly files: FileSinkWriter<Row>;
  private readonly timers: TimerScheduler;
  private readonly pathOf: (row: Row) => string;
  private current = "";
  /** Partitions written since their last commit -> processing time of the first such write. */
  private readonly pending = new Map<string, number>();
  private readonly times = new Map<string, number>();
  private watermark = -Infinity;
  private ended = false;
  private state: ListState<PendingEntry> | null = null;

  /** A writer of subtask `init.subtaskIndex` of `sink`. */
  constructor(sink: PartitionedFileSink, init: SinkInitContext) {
    this.sink = sink;
    this.timers = init.timers;
    this.pathOf = partitionPathOf(sink.layout);
    const encoder = sink.encoder();
    const data = sink.layout.dataIndexes.map((i) => i + 1);
    this.files = new FileSinkWriter<Row>(
      {
        basePath: sink.directory,
        encode: (row) => encoder.encode(data.map((i) => row[i])) + "\n",
        bucketAssigner: { getBucketId: () => this.current },
        rollingPolicy: OnCheckpointRollingPolicy.build<Row>(),
        outputFileConfig: new OutputFileConfig(),
        bucketCheckInterval: DEFAULT_BUCKET_CHECK_INTERVAL_MS,
      },
      init,
    );
  }

  /** Registers (and restores) the pending partitions. */
  initializeState(context: FunctionInitializationContext): void {
    this.state = context
      .getOperatorStateStore()
      .getListState(new ListStateDescriptor<PendingEntry>(PENDING_PARTITIONS_STATE));
    for (const e of this.state.get()) {
      if ("partition" in e) this.pending.set(e.partition, e.created);
      else this.watermark = Math.max(this.watermark, e.watermark);
    }
  }

  /** Keeps the pending partitions (after this checkpoint's pre-commit) and the watermark. */
  snapshotState(): void {
    const entries: PendingEntry[] = [...this.pending].map(([partition, created]) => ({
      partition,
      created,
    }));
    if (Number.isFinite(this.watermark)) entries.push({ watermark: this.watermark });
    this.state?.update(entries);
  }

  /** Writes a row into its partition (a tick only moves the watermark). */
  write(element: Row | WatermarkTick, context: SinkWriterContext): void {
    if (!Array.isArray(element)) {
      this.watermark = Math.max(this.watermark, element.watermark);
      return;
    }
    if (element[0] !== RowKind.INSERT) {
      throw new TableRuntimeError(
        `filesystem sink of table '${this.sink.layout.table}' accepts only inserts (+I), got ${formatRow(element)}`,
      );
    }
    const partition = this.pathOf(element);
    this.current = partition;
    this.files.write(element, context);
    if (this.sink.commit !== null && !this.pending.has(partition)) {
      this.pending.set(partition, this.timers.now());
    }
  }

  /** Writes out buffered bytes; at the end of input every pending partition becomes due. */
  flush(endOfInput: boolean): void {
    this.files.flush(endOfInput);
    if (endOfInput) this.ended = true;
  }

  /** The part files rolled since the last call, then the partitions whose trigger fired. */
  prepareCommit(): PartitionedCommittable[] {
    const out: PartitionedCommittable[] = this.files.prepareCommit();
    const commit = this.sink.commit;
    if (commit === null) return out;
    const now = this.timers.now();
    for (const [partition, created] of this.pending) {
      if (this.ended || this.due(commit, partition, created, now)) {
        out.push({ partition, successFile: commit.successFile });
        this.pending.delete(partition);
      }
    }
    return out;
  }

  /** Closes open part files without committing them. */
  close(): void {
    this.files.close();
  }

  private due(commit: PartitionCommit, partition: string, created: number, now: number): boolean {
    if (commit.partitionTime === null) return now - created >= commit.delay;
    let time = this.times.get(partition);
    if (time === undefined) {
      time = commit.partitionTime(partition);
      if (this.times.size >= 10_000) this.times.clear();
      this.times.set(partition, time);
    }
    return this.watermark > time + commit.delay;
  }
}

/** Makes part files visible, then writes the success files of committed partitions. */
class PartitionCommitter implements Committer<PartitionedCommittable> {
  private readonly directory: string;
  private readonly table: string;
  private readonly files: FileCommitter;

  constructor(directory: string, table: string) {
    this.directory = directory;
    this.table = table;
    this.files = new FileCommitter(directory, `filesystem sink of table '${table}'`);
  }

  commit(committables: PartitionedCommittable[]): void {
    const partitions = committables.filter(isPartition);
    this.files.commit(committables.filter((c) => !isPartition(c)) as FileSinkCommittable[]);
    const dirs = new Set<string>();
    for (const p of partitions) {
      const dir = nodePath.join(this.directory, p.partition);
      const file = nodePath.join(dir, p.successFile);
      try {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(file, "");
      } catch (e) {
        throw new TableRuntimeError(
          `filesystem sink of table '${this.table}': cannot write the success file '${file}': ${(e as Error).message}`,
          { cause: e },
        );
      }
      dirs.add(dir);
    }
    for (const dir of dirs) syncDirectory(dir);
  }
}
