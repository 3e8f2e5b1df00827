/**
 * The operator contract the runtime drives. Operators are created from the plan's specs, receive
 * records one at a time (synchronously, never across an await), and emit through an {@link Output}.
 */
import { PlacedError, UserFunctionError } from "../../core/errors.ts";
import type { Cancellable, TimerScheduler } from "../../core/time.ts";
import type { RichFunction, RuntimeContext } from "../../api/functions.ts";
import type { WatermarkStrategy } from "../../api/watermarks.ts";
import { WatermarkEmitter } from "./event-time.ts";
import {
  closeRich,
  notifyCheckpoint,
  openRich,
  snapshotCheckpointed,
} from "./functions-support.ts";
import type { KeyFn } from "../../api/transformations.ts";
import { MIN_WATERMARK } from "../events.ts";
import type { Output } from "../output.ts";
import type { KeyedStateBackend } from "../state/keyed-backend.ts";
import type { OperatorStateBackend } from "../state/operator-state.ts";
import type { InternalTimeServiceManager } from "../state/timers.ts";

/** The task's mailbox: actions run in the task's turn, between records, never reentrantly. */
export interface Mailbox {
  /** Runs `action` in the task's next turn (errors it throws fail the task). */
  execute(action: () => void): void;
}

/** What the task gives each operator. */
export interface OperatorContext {
  /** The operator's name. */
  readonly operatorName: string;
  /** Name of the task (chain). */
  readonly taskName: string;
  /** Job name. */
  readonly jobName: string;
  /** 0-based subtask index. */
  readonly subtaskIndex: number;
  /** Parallelism. */
  readonly parallelism: number;
  /** Max parallelism (key groups). */
  readonly maxParallelism: number;
  /** True when running with batch semantics (final results at end of input). */
  readonly batch: boolean;
  /** Processing-time clock. */
  readonly timers: TimerScheduler;
  /** Registers a processing-time callback that runs through the task's mailbox. */
  registerProcessingTimer(time: number, callback: () => void): Cancellable;
  /** The task's mailbox (async completions are applied through it). */
  readonly mailbox: Mailbox;
  /** The context handed to rich user functions. */
  readonly runtimeContext: RuntimeContext;
  /** Key selectors per input (index 0 = input 1), null when not keyed. */
  readonly keys: readonly (KeyFn | null)[];
  /** Interval of periodic watermarks, ms. */
  readonly autoWatermarkInterval: number;
  /** Keyed state of this operator, or null when it does not run on a keyed stream. */
  readonly keyedBackend: KeyedStateBackend | null;
  /** Keyed timers of this operator, or null when it does not run on a keyed stream. */
  readonly timeServiceManager: InternalTimeServiceManager | null;
  /** Operator (non-keyed) state of this operator instance. */
  readonly operatorState: OperatorStateBackend;
  /** Sends collected records to the job's client (for `executeAndCollect`). */
  collectToClient(collectId: string, records: unknown[]): void;
  /** Whether this instance's state was restored from a checkpoint or savepoint. */
  readonly isRestored: boolean;
  /** Whether checkpointing is enabled (operators then keep what a restore needs in state). */
  readonly checkpointing: boolean;
}

/** A fusable per-record step: a map, a filter, or a sink writer. */
export type FusionStep =
  | { readonly kind: "map"; readonly fn: (v: unknown) => unknown }
  | { readonly kind: "filter"; readonly fn: (v: unknown) => boolean }
  | { readonly kind: "sink"; readonly writer: unknown };

/** Base of all operators: lifecycle, watermark forwarding and user-error wrapping. */
export abstract class StreamOperator<OUT = unknown> {
  /** The operator's context (set in `setup`). */
  protected ctx!: OperatorContext;
  /** Where the operator emits. */
  protected output!: Output<OUT>;
  /** The last watermark this operator received. */
  protected currentWatermark = MIN_WATERMARK;
  /** The user function whose `open`/`close` (if it has them) follow the operator's lifecycle. */
  protected userFunction: RichFunction | null = null;

  /** Wires the operator; called once before `open`. */
  setup(ctx: OperatorContext, output: Output<OUT>): void {
    this.ctx = ctx;
    this.output = output;
  }

  /** The operator's name. */
  get name(): string {
    return this.ctx.operatorName;
  }

  /** Prepares the operator: gives the user function its runtime context and opens it. */
  open(): void | Promise<void> {
    return openRich(this.userFunction, this.ctx);
  }

  /** Handles a new watermark: fires due event-time timers, then forwards it. */
  processWatermark(watermark: number): void {
    this.currentWatermark = watermark;
    this.ctx.timeServiceManager?.advanceWatermark(watermark);
    this.output.emitWatermark(watermark);
  }

  /**
   * The input became idle (`true`: it no longer holds back the watermark downstream) or active
   * again; forwarded unchanged by default. For a two-input operator the task combines both inputs,
   * so this is called only when both are idle, and again when one becomes active.
   */
  processWatermarkStatus(idle: boolean): void {
    this.output.emitWatermarkStatus(idle);
  }

  /**
   * Whether the operator takes more input now; a task's head operator returning false (an async
   * operator at capacity) stops the task reading its input until it returns true again.
   */
  canAcceptInput(): boolean {
    return true;
  }

  /**
   * A checkpoint barrier reached this operator, before it is forwarded: put everything a restore
   * needs into state (operator state, keyed state) and flush what belongs before the barrier. The
   * default lets a user function implementing `CheckpointedFunction` snapshot its state; the
   * runtime snapshots the state backends right after. A returned promise parks the task.
   */
  snapshotState(checkpointId: number, timestamp: number): void | Promise<void> {
    return snapshotCheckpointed(this.userFunction, checkpointId, timestamp);
  }
  /**
   * Checkpoint `checkpointId` completed on every task (commit side effects here); the default
   * tells a user function implementing `CheckpointListener`.
   */
  notifyCheckpointComplete(checkpointId: number): void | Promise<void> {
    return notifyCheckpoint(this.userFunction, checkpointId, true);
  }
  /** Checkpoint `checkpointId` was aborted; the default tells a listening user function. */
  notifyCheckpointAborted(checkpointId: number): void | Promise<void> {
    return notifyCheckpoint(this.userFunction, checkpointId, false);
  }
  /** The task has no input right now: flush anything buffered for latency (sinks, collect). */
  onIdle(): void | Promise<void> {}

  /** All input has ended: emit final results. */
  finish(): void | Promise<void> {}

  /** Releases resources (closes the user function); called after finish, and on failure or cancellation. */
  close(): void | Promise<void> {
    this.ctx.timeServiceManager?.close();
    return closeRich(this.userFunction);
  }

  /** The operator's output. */
  getOutput(): Output<OUT> {
    return this.output;
  }

  /** Replaces the output (used to install fused record paths after open). */
  replaceOutput(output: Output<OUT>): void {
    this.output = output;
  }

  /**
   * How this operator's per-record work can be fused into generated code with its chain
   * neighbours, or null when it cannot (see runtime/fusion.ts).
   */
  fusionStep(): FusionStep | null {
    return null;
  }

  /**
   * Creates the {@link WatermarkEmitter} of an operator that generates watermarks with
   * `strategy` (sources, `assignTimestampsAndWatermarks`) into its output; `recordCount` gives the
   * records emitted so far, `onStatus` sees every idle/active change before it is emitted.
   */
  protected createWatermarkEmitter(
    strategy: WatermarkStrategy<unknown>,
    recordCount: () => number,
    onStatus: (idle: boolean) => void,
  ): WatermarkEmitter {
    return new WatermarkEmitter(
      strategy,
      this.ctx,
      {
        watermark: (ts) => {
          this.currentWatermark = ts;
          this.output.emitWatermark(ts);
        },
        status: (idle) => {
          onStatus(idle);
          this.output.emitWatermarkStatus(idle);
        },
        userError: (e) => this.userError(e),
        recordCount,
      },
      this.ctx.operatorName,
    );
  }

  /** Wraps an error thrown by user code with the operator's name and subtask. */
  userError(e: unknown): Error {
    if (e instanceof PlacedError) return e;
    return new UserFunctionError(
      this.ctx.operatorName,
      this.ctx.subtaskIndex,
      this.ctx.parallelism,
      e,
    );
  }
}

/** An operator with one input. */
export abstract class OneInputOperator<IN, OUT = unknown> extends StreamOperator<OUT> {
  /** Processes one record. */
  abstract processElement(value: IN, timestamp: number): void;
}

/** An operator with two inputs. */
export abstract class TwoInputOperator<IN1, IN2, OUT = unknown> extends StreamOperator<OUT> {
  /** Processes a record of input 1. */
  abstract processElement1(value: IN1, timestamp: number): void;
  /** Processes a record of input 2. */
  abstract processElement2(value: IN2, timestamp: number): void;
}
