/** Sink operators: user sinks (`sinkTo`, `print`) and the collect sink behind `executeAndCollect`. */
import type { Sink, SinkWriter, SinkWriterContext } from "../../api/sink.ts";
import { NO_TIMESTAMP } from "../events.ts";
import { initializeCheckpointed } from "./functions-support.ts";
import { OneInputOperator, type FusionStep } from "./operator.ts";

/** Runs a {@link Sink}'s writer. */
export class SinkOperator extends OneInputOperator<never> implements SinkWriterContext {
  private readonly sink: Sink<unknown>;
  private writer!: SinkWriter<unknown>;
  private ts = NO_TIMESTAMP;
  /** Records written so far (a metric). */
  recordsIn = 0;
  /** Creates the operator. */
  constructor(sink: Sink<unknown>) {
    super();
    this.sink = sink;
  }
  /** Creates the writer (a writer implementing CheckpointedFunction then initializes its state). */
  override async open(): Promise<void> {
    try {
      this.writer = await this.sink.createWriter({
        subtaskIndex: this.ctx.subtaskIndex,
        parallelism: this.ctx.parallelism,
        operatorName: this.ctx.operatorName,
      });
      await initializeCheckpointed(this.writer, this.ctx);
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
  /** Flushes at the end of input. */
  override async finish(): Promise<void> {
    try {
      await this.writer.flush(true);
    } catch (e) {
      throw this.userError(e);
    }
  }
  /** Flushes without ending (called when the task goes idle). */
  override onIdle(): void | Promise<void> {
    return this.writer?.flush(false);
  }
  /** Closes the writer. */
  override async close(): Promise<void> {
    if (this.writer && typeof this.writer.close === "function") await this.writer.close();
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
    this.ctx.collectToClient(this.collectId, records);
  }
  /** Sends the rest. */
  override finish(): void {
    this.onIdle();
  }
}
