/**
 * The source operator: drives a SourceReader, assigns timestamps, and generates watermarks
 * (per event and periodically, on the task's processing-time timers).
 */
import type { ReaderOutput, Source, SourceReader, InputStatus } from "../../api/source.ts";
import type {
  WatermarkGenerator,
  WatermarkOutput,
  WatermarkStrategy,
} from "../../api/watermarks.ts";
import type { Cancellable } from "../../core/time.ts";
import { MAX_WATERMARK, MIN_WATERMARK, NO_TIMESTAMP } from "../events.ts";
import { StreamOperator } from "./operator.ts";

/** Reads a source's splits and emits their records into the chain. */
export class SourceOperator
  extends StreamOperator<unknown>
  implements ReaderOutput<unknown>, WatermarkOutput
{
  private readonly source: Source<unknown, unknown>;
  private readonly strategy: WatermarkStrategy<unknown>;
  private readonly splits: unknown[];
  private reader!: SourceReader<unknown, unknown>;
  private generator!: WatermarkGenerator<unknown>;
  private lastWatermark = MIN_WATERMARK;
  private timer: Cancellable | null = null;
  /** Records emitted so far (a metric). */
  recordsOut = 0;

  /** Creates the operator for `source`, reading `splits`. */
  constructor(
    source: Source<unknown, unknown>,
    strategy: WatermarkStrategy<unknown>,
    splits: unknown[],
  ) {
    super();
    this.source = source;
    this.strategy = strategy;
    this.splits = splits;
  }

  /** Creates and starts the reader, hands it its splits. */
  override async open(): Promise<void> {
    try {
      this.reader = this.source.createReader({
        subtaskIndex: this.ctx.subtaskIndex,
        parallelism: this.ctx.parallelism,
        timers: this.ctx.timers,
      });
      if (typeof this.reader.start === "function") await this.reader.start();
      this.reader.addSplits(this.splits);
      this.reader.noMoreSplits();
    } catch (e) {
      throw this.userError(e);
    }
    this.generator = this.strategy.createWatermarkGenerator();
    this.schedulePeriodic();
  }

  private schedulePeriodic(): void {
    const interval = this.ctx.autoWatermarkInterval;
    if (interval <= 0) return;
    this.timer = this.ctx.registerProcessingTimer(this.ctx.timers.now() + interval, () => {
      this.generator.onPeriodicEmit(this);
      this.schedulePeriodic();
    });
  }

  /** Polls the reader once. */
  poll(): InputStatus {
    try {
      return this.reader.pollNext(this);
    } catch (e) {
      throw this.userError(e);
    }
  }

  /** Resolves when the reader may have data again. */
  isAvailable(): Promise<void> {
    return this.reader.isAvailable();
  }

  /** Called by the reader for each record. */
  collect(record: unknown, timestamp?: number): void {
    let ts = timestamp ?? NO_TIMESTAMP;
    const assigner = this.strategy.timestampAssigner;
    if (assigner !== null) {
      ts = assigner(record, timestamp ?? null);
      this.generator.onEvent(record, ts, this);
    } else if (ts !== NO_TIMESTAMP) {
      this.generator.onEvent(record, ts, this);
    }
    this.recordsOut++;
    this.output.collect(record, ts);
  }

  /** Emits a watermark when it advances. */
  emitWatermark(timestamp: number): void {
    if (timestamp > this.lastWatermark) {
      this.lastWatermark = timestamp;
      this.output.emitWatermark(timestamp);
    }
  }

  /** Idleness propagation arrives with the event-time issue; an idle source simply stops advancing. */
  markIdle(): void {}

  /** See {@link markIdle}. */
  markActive(): void {}

  /** End of input: the final watermark lets every event-time computation complete. */
  override finish(): void {
    this.timer?.cancel();
    this.timer = null;
    this.emitWatermark(MAX_WATERMARK);
  }

  /** The reader's split state (for checkpoints). */
  snapshotSplits(checkpointId: number): unknown[] {
    return this.reader.snapshotState(checkpointId);
  }

  /** Closes the reader. */
  override async close(): Promise<void> {
    this.timer?.cancel();
    if (this.reader && typeof this.reader.close === "function") await this.reader.close();
  }
}
