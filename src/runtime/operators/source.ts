/**
 * The source operator: drives a SourceReader, assigns timestamps, and generates watermarks (per
 * event and periodically, on the task's processing-time timers) and idleness through a
 * {@link WatermarkEmitter}.
 */
import type { ReaderOutput, Source, SourceReader, InputStatus } from "../../api/source.ts";
import type { TimestampAssigner, WatermarkStrategy } from "../../api/watermarks.ts";
import { MAX_WATERMARK, NO_TIMESTAMP } from "../events.ts";
import type { WatermarkEmitter } from "./event-time.ts";
import { StreamOperator } from "./operator.ts";
import { notifyCheckpoint } from "./functions-support.ts";

/** Reads a source's splits and emits their records into the chain. */
export class SourceOperator extends StreamOperator<unknown> implements ReaderOutput<unknown> {
  private readonly source: Source<unknown, unknown>;
  private readonly strategy: WatermarkStrategy<unknown>;
  private readonly assigner: TimestampAssigner<unknown> | null;
  private readonly splits: unknown[];
  private reader!: SourceReader<unknown, unknown>;
  private emitter!: WatermarkEmitter;
  /** Records emitted so far (a metric). */
  recordsOut = 0;
  /** Whether the output is idle (a copy of the emitter's state, cheap to test per record). */
  private outputIdle = false;

  /** Creates the operator for `source`, reading `splits`. */
  constructor(
    source: Source<unknown, unknown>,
    strategy: WatermarkStrategy<unknown>,
    splits: unknown[],
  ) {
    super();
    this.source = source;
    this.strategy = strategy;
    this.assigner = strategy.timestampAssigner;
    this.splits = splits;
  }

  /** Creates and starts the reader, hands it its splits, starts watermark generation. */
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
    this.emitter = this.createWatermarkEmitter(
      this.strategy,
      () => this.recordsOut,
      (idle) => {
        this.outputIdle = idle;
      },
    );
    this.emitter.start();
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

  /**
   * Called by the reader for each record: assigns its timestamp, emits it (an idle output becomes
   * active first), then shows it to the watermark generator (so a punctuated watermark never makes
   * its own event late).
   */
  collect(record: unknown, timestamp?: number): void {
    const assigner = this.assigner;
    let ts = timestamp ?? NO_TIMESTAMP;
    if (assigner !== null) {
      try {
        ts = assigner(record, timestamp ?? null);
      } catch (e) {
        throw this.userError(e);
      }
      if (typeof ts !== "number" || Number.isNaN(ts))
        throw this.emitter.invalidTimestamp(record, ts);
    }
    if (this.outputIdle) this.reactivate();
    this.recordsOut++;
    this.output.collect(record, ts);
    if (assigner !== null || ts !== NO_TIMESTAMP) this.onEvent(record, ts);
  }

  /** Shows an emitted record to the watermark generator. */
  private onEvent(record: unknown, ts: number): void {
    const emitter = this.emitter;
    try {
      emitter.generator.onEvent(record, ts, emitter);
    } catch (e) {
      throw this.userError(e);
    }
  }

  /** A record on an idle output: mark it active first (kept out of `collect`, which stays small). */
  private reactivate(): void {
    this.emitter.markActive();
  }

  /** End of input: the final watermark lets every event-time computation complete. */
  override finish(): void {
    this.emitter.stop();
    this.emitter.emitWatermark(MAX_WATERMARK);
  }

  /** The reader's split state (for checkpoints). */
  snapshotSplits(checkpointId: number): unknown[] {
    return this.reader.snapshotState(checkpointId);
  }

  /** Tells a reader implementing `CheckpointListener` (e.g. to acknowledge messages upstream). */
  override notifyCheckpointComplete(checkpointId: number): void | Promise<void> {
    return notifyCheckpoint(this.reader, checkpointId, true);
  }

  /** Tells a listening reader that a checkpoint was aborted. */
  override notifyCheckpointAborted(checkpointId: number): void | Promise<void> {
    return notifyCheckpoint(this.reader, checkpointId, false);
  }

  /** Closes the reader. */
  override async close(): Promise<void> {
    this.emitter?.stop();
    if (this.reader && typeof this.reader.close === "function") await this.reader.close();
  }
}
