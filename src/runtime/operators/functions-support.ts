/**
 * Helpers for operators that call user functions: opening/closing rich functions and the process
 * function contexts.
 */
import type {
  Collector,
  OnTimerContext,
  OutputTag,
  RichFunction,
  TimeDomain,
  TimerService,
} from "../../api/functions.ts";
import { isCheckpointedFunction } from "../../api/state.ts";
import { isCheckpointListener } from "../../api/checkpointing.ts";
import { NO_TIMESTAMP } from "../events.ts";
import type { Output } from "../output.ts";
import type { OperatorContext } from "./operator.ts";

/**
 * Gives a rich function its runtime context, lets a {@link CheckpointedFunction} initialize its
 * state, and calls `open`.
 */
export async function openRich(fn: RichFunction | null, ctx: OperatorContext): Promise<void> {
  if (!fn) return;
  if (typeof fn.setRuntimeContext === "function") fn.setRuntimeContext(ctx.runtimeContext);
  await initializeCheckpointed(fn, ctx);
  if (typeof fn.open === "function") await fn.open({});
}

/**
 * Lets `fn` declare (and restore) its state when it is a {@link CheckpointedFunction} (user
 * functions, sink writers); does nothing otherwise.
 */
export async function initializeCheckpointed(fn: unknown, ctx: OperatorContext): Promise<void> {
  if (!isCheckpointedFunction(fn)) return;
  await fn.initializeState({
    isRestored: () => ctx.isRestored,
    getOperatorStateStore: () => ctx.operatorState,
    getKeyedStateStore: () => ctx.runtimeContext,
  });
}

/** Lets `fn` fill its operator state for checkpoint `checkpointId` when it is a CheckpointedFunction. */
export function snapshotCheckpointed(
  fn: unknown,
  checkpointId: number,
  timestamp: number,
): void | Promise<void> {
  if (!isCheckpointedFunction(fn)) return;
  return fn.snapshotState({
    getCheckpointId: () => checkpointId,
    getCheckpointTimestamp: () => timestamp,
  });
}

/** Tells `fn` that checkpoint `checkpointId` completed (or was aborted) when it listens. */
export function notifyCheckpoint(
  fn: unknown,
  checkpointId: number,
  completed: boolean,
): void | Promise<void> {
  if (!isCheckpointListener(fn)) return;
  if (completed) return fn.notifyCheckpointComplete(checkpointId);
  return fn.notifyCheckpointAborted?.(checkpointId);
}

/** Calls a rich function's `close`. */
export async function closeRich(fn: RichFunction | null): Promise<void> {
  if (fn && typeof fn.close === "function") await fn.close();
}

/** A collector emitting with the current record's timestamp. */
export class TimestampedCollector<T> implements Collector<T> {
  /** Timestamp attached to emitted records. */
  timestamp = NO_TIMESTAMP;
  private readonly output: Output<T>;
  /** Wraps an operator output. */
  constructor(output: Output<T>) {
    this.output = output;
  }
  /** Emits with the current timestamp. */
  collect(record: T): void {
    this.output.collect(record, this.timestamp);
  }
}

/** Timer service of non-keyed process functions: time queries work; timers are refused. */
export class NonKeyedTimerService implements TimerService {
  private readonly ctx: OperatorContext;
  private readonly watermark: () => number;
  /** Creates the service. */
  constructor(ctx: OperatorContext, watermark: () => number) {
    this.ctx = ctx;
    this.watermark = watermark;
  }
  /** Processing time from the injected clock. */
  currentProcessingTime(): number {
    return this.ctx.timers.now();
  }
  /** The operator's watermark. */
  currentWatermark(): number {
    return this.watermark();
  }
  /** Refused: timers need a keyed stream. */
  registerEventTimeTimer(): void {
    throw this.refuse();
  }
  /** Refused: timers need a keyed stream. */
  registerProcessingTimeTimer(): void {
    throw this.refuse();
  }
  /** Refused: timers need a keyed stream. */
  deleteEventTimeTimer(): void {
    throw this.refuse();
  }
  /** Refused: timers need a keyed stream. */
  deleteProcessingTimeTimer(): void {
    throw this.refuse();
  }
  private refuse(): Error {
    if (this.ctx.keys.some((k) => k !== null)) {
      return new Error(
        `timers on keyed streams come with keyed state and KeyedProcessFunction, which this version does not have yet (operator '${this.ctx.operatorName}')`,
      );
    }
    return new Error(
      `timers are only supported on keyed streams (operator '${this.ctx.operatorName}'): apply keyBy() before process()`,
    );
  }
}

/** The context object passed to process functions, reused for every record. */
export class ProcessContextImpl implements OnTimerContext {
  /** Current record timestamp. */
  ts = NO_TIMESTAMP;
  /** Domain of the firing timer (onTimer only). */
  domain: TimeDomain = "EVENT_TIME";
  private readonly out: Output<unknown>;
  private readonly timers: TimerService;
  /** Creates the context. */
  constructor(out: Output<unknown>, timers: TimerService) {
    this.out = out;
    this.timers = timers;
  }
  /** Timestamp of the current record, or null. */
  timestamp(): number | null {
    return this.ts === NO_TIMESTAMP ? null : this.ts;
  }
  /** Time and timers. */
  timerService(): TimerService {
    return this.timers;
  }
  /** Emits to a side output. */
  output<X>(tag: OutputTag<X>, value: X): void {
    this.out.collectSide(tag.id, value, this.ts);
  }
  /** Domain of the firing timer. */
  timeDomain(): TimeDomain {
    return this.domain;
  }
}

/** The reusable collector and context of a process function's operator. */
export interface ProcessHarness {
  /** Emits with the current record's timestamp. */
  readonly collector: TimestampedCollector<unknown>;
  /** The context handed to processElement/onTimer. */
  readonly context: ProcessContextImpl;
}

/** Creates the collector and (non-keyed) context of a process-function operator. */
export function processHarness(
  output: Output<unknown>,
  ctx: OperatorContext,
  watermark: () => number,
): ProcessHarness {
  return {
    collector: new TimestampedCollector(output),
    context: new ProcessContextImpl(output, new NonKeyedTimerService(ctx, watermark)),
  };
}
