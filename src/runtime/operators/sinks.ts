/** Sink operators: user sinks (`sinkTo`, `print`) and the collect sink behind `executeAndCollect`. */
import {
  isTwoPhaseCommittingSink,
  type PrecommittingSinkWriter,
  type Sink,
  type SinkWriter,
  type SinkWriterContext,
} from "../../api/sink.ts";
import type { TimerScheduler } from "../../core/time.ts";
import { NO_TIMESTAMP } from "../events.ts";
import { collectBarrier, subtaskCollectId } from "../../api/collect-barrier.ts";
import {
  initializeCheckpointed,
  notifyCheckpoint,
  snapshotCheckpointed,
} from "./functions-support.ts";
import { OneInputOperator, type FusionStep } from "./operator.ts";
import { SinkCommitLog } from "./sink-commit.ts";

/**
 * Runs a {@link Sink}'s writer. For a two-phase-committing sink it pre-commits on every checkpoint
 * barrier and at the end of input, and commits when the checkpoint completes (see sink-commit.ts).
 */
export class SinkOperator extends OneInputOperator<never> implements SinkWriterContext {
  private readonly sink: Sink<unknown>;
  private writer!: SinkWriter<unknown>;
  /** Pending committables (two-phase-committing sinks only). */
  private commitLog: SinkCommitLog | null = null;
  private ts = NO_TIMESTAMP;
  private finished = false;
  /** Id of the last checkpoint snapshotted before the end of input (-1: none). */
  private lastCheckpointId = -1;
  /** Records written so far (a metric). */
  recordsIn = 0;
  /** Creates the operator. */
  constructor(sink: Sink<unknown>) {
    super();
    this.sink = sink;
  }
  /**
   * Creates the writer (a writer implementing CheckpointedFunction then initializes its state); a
   * two-phase-committing sink also gets its committer, which commits what a restore brought back.
   */
  override async open(): Promise<void> {
    try {
      const ctx = this.ctx;
      const timers: TimerScheduler = {
        now: () => ctx.timers.now(),
        scheduleAt: (time, callback) => ctx.registerProcessingTimer(time, callback),
      };
      this.writer = await this.sink.createWriter({
        subtaskIndex: ctx.subtaskIndex,
        parallelism: ctx.parallelism,
        operatorName: ctx.operatorName,
        timers,
      });
      await initializeCheckpointed(this.writer, ctx);
      if (isTwoPhaseCommittingSink(this.sink)) {
        if (
          typeof (this.writer as PrecommittingSinkWriter<unknown, unknown>).prepareCommit !==
          "function"
        ) {
          throw new TypeError(
            "the writer of a two-phase-committing sink (one with createCommitter) must have prepareCommit()",
          );
        }
        const committer = await this.sink.createCommitter();
        const place = `sink '${ctx.operatorName}' (${ctx.subtaskIndex + 1}/${ctx.parallelism})`;
        this.commitLog = new SinkCommitLog(ctx.operatorState, committer, place);
        if (ctx.isRestored) await this.commitLog.commitRestored();
      }
    } catch (e) {
      throw this.userError(e);
    }
  }
  /** Fusable as a sink write (the fused code updates `ts` and `recordsIn` itself). */
  override fusionStep(): FusionStep {
    return { kind: "sink", writer: this.writer };
  }
  /** Sets the timestamp of the record being written (fused paths). */
  setTimestamp(ts: number): void {
    this.ts = ts;
  }
  /** Timestamp of the record being written. */
  timestamp(): number | null {
    return this.ts === NO_TIMESTAMP ? null : this.ts;
  }
  /** Writes one record. */
  processElement(value: unknown, timestamp: number): void {
    this.ts = timestamp;
    this.recordsIn++;
    try {
      this.writer.write(value, this);
    } catch (e) {
      throw this.userError(e);
    }
  }
  /**
   * Checkpoint barrier: flushes, pre-commits (two-phase-committing sinks; the committables go into
   * the operator state) and lets a CheckpointedFunction writer snapshot its state. After the end of
   * input (the final snapshot) the writer is not flushed again.
   */
  override async snapshotState(checkpointId: number, timestamp: number): Promise<void> {
    try {
      if (!this.finished) {
        this.lastCheckpointId = Math.max(this.lastCheckpointId, checkpointId);
        await this.writer.flush(false);
        if (this.commitLog) {
          const w = this.writer as PrecommittingSinkWriter<unknown, unknown>;
          this.commitLog.add(checkpointId, await w.prepareCommit());
        }
      }
      this.commitLog?.snapshot();
      await snapshotCheckpointed(this.writer, checkpointId, timestamp);
    } catch (e) {
      throw this.userError(e);
    }
  }
  /** Commits everything pre-committed up to `checkpointId`; tells a listening writer. */
  override async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    try {
      await this.commitLog?.commitUpTo(checkpointId);
      await notifyCheckpoint(this.writer, checkpointId, true);
    } catch (e) {
      throw this.userError(e);
    }
  }
  /** Tells a listening writer; pending committables wait for a later completed checkpoint. */
  override async notifyCheckpointAborted(checkpointId: number): Promise<void> {
    try {
      await notifyCheckpoint(this.writer, checkpointId, false);
    } catch (e) {
      throw this.userError(e);
    }
  }
  /**
   * Flushes at the end of input. A two-phase-committing sink pre-commits the rest; it is committed
   * by the first checkpoint completing after the ones already snapshotted (the one holding the
   * final snapshot), or right away when checkpointing is off.
   */
  override async finish(): Promise<void> {
    try {
      this.finished = true;
      await this.writer.flush(true);
      if (this.commitLog) {
        const w = this.writer as PrecommittingSinkWriter<unknown, unknown>;
        this.commitLog.add(this.lastCheckpointId + 1, await w.prepareCommit(), true);
        if (!this.ctx.checkpointing) await this.commitLog.commitUpTo(Number.MAX_SAFE_INTEGER);
      }
    } catch (e) {
      throw this.userError(e);
    }
  }
  /** Flushes without ending (called when the task goes idle). */
  override onIdle(): void | Promise<void> {
    if (this.finished) return;
    return this.writer?.flush(false);
  }
  /** Closes the writer (and the committer). */
  override async close(): Promise<void> {
    try {
      if (this.writer && typeof this.writer.close === "function") await this.writer.close();
    } finally {
      await this.commitLog?.close();
    }
  }
}

/** Sends records to the job's client in batches (`executeAndCollect`). */
export class CollectOperator extends OneInputOperator<never> {
  private readonly collectId: string;
  private buffer: unknown[] = [];
  /** Records collected so far (a metric). */
  recordsIn = 0;
  /** Creates the operator. */
  constructor(collectId: string) {
    super();
    this.collectId = collectId;
  }
  /** Buffers one record. */
  processElement(value: unknown): void {
    this.recordsIn++;
    this.buffer.push(value);
    if (this.buffer.length >= 1024) this.onIdle();
  }
  /** Sends buffered records. */
  override onIdle(): void {
    if (this.buffer.length === 0) return;
    const records = this.buffer;
    this.buffer = [];
    this.ctx.collectToClient(subtaskCollectId(this.collectId, this.ctx.subtaskIndex), records);
  }
  /** Sends the rest. */
  override finish(): void {
    this.onIdle();
  }

  /**
   * Sends what came before the barrier, then a barrier marker: a client keeping each subtask's
   * records apart can cut them at a savepoint (otherwise collection is at-least-once across
   * restarts).
   */
  override snapshotState(checkpointId: number): void {
    this.onIdle();
    this.ctx.collectToClient(subtaskCollectId(this.collectId, this.ctx.subtaskIndex), [
      collectBarrier(checkpointId),
    ]);
  }
}
