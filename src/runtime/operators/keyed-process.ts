/**
 * Keyed process operators: `KeyedProcessFunction` (and a `ProcessFunction` applied to a keyed
 * stream) and `KeyedCoProcessFunction` (and a `CoProcessFunction` on two keyed inputs), with keyed
 * state and event-/processing-time timers of the current key.
 */
import type {
  Collector,
  KeyedOnTimerContext,
  KeyedProcessFunction,
  KeyedCoProcessFunction,
  TimeDomain,
  TimerService,
} from "../../api/functions.ts";
import { NO_TIMESTAMP } from "../events.ts";
import type { Output } from "../output.ts";
import { VOID_NAMESPACE, type VoidNamespace } from "../state/keyed-backend.ts";
import type { InternalTimer, InternalTimerService, Triggerable } from "../state/timers.ts";
import { ProcessContextImpl, TimestampedCollector } from "./functions-support.ts";
import { OneInputOperator, TwoInputOperator, type OperatorContext } from "./operator.ts";

/** The timer service user functions see on keyed streams: timers of the current key. */
export class KeyedTimerService implements TimerService {
  private readonly timers: InternalTimerService<VoidNamespace>;
  /** Wraps an internal service. */
  constructor(timers: InternalTimerService<VoidNamespace>) {
    this.timers = timers;
  }
  /** Processing time of the injected clock. */
  currentProcessingTime(): number {
    return this.timers.currentProcessingTime();
  }
  /** The operator's current watermark. */
  currentWatermark(): number {
    return this.timers.currentWatermark();
  }
  /** Registers an event-time timer for the current key. */
  registerEventTimeTimer(time: number): void {
    this.timers.registerEventTimeTimer(VOID_NAMESPACE, time);
  }
  /** Registers a processing-time timer for the current key. */
  registerProcessingTimeTimer(time: number): void {
    this.timers.registerProcessingTimeTimer(VOID_NAMESPACE, time);
  }
  /** Deletes an event-time timer of the current key. */
  deleteEventTimeTimer(time: number): void {
    this.timers.deleteEventTimeTimer(VOID_NAMESPACE, time);
  }
  /** Deletes a processing-time timer of the current key. */
  deleteProcessingTimeTimer(time: number): void {
    this.timers.deleteProcessingTimeTimer(VOID_NAMESPACE, time);
  }
}

/** The context given to keyed process functions (reused for every call): adds the current key. */
export class KeyedContextImpl extends ProcessContextImpl implements KeyedOnTimerContext<unknown> {
  private readonly ctx: OperatorContext;
  /** Creates the context. */
  constructor(out: Output<unknown>, timers: TimerService, ctx: OperatorContext) {
    super(out, timers);
    this.ctx = ctx;
  }
  /** The current key. */
  getCurrentKey(): unknown {
    return this.ctx.keyedBackend!.getCurrentKey();
  }
}

interface TimerFunction {
  onTimer?(timestamp: number, ctx: KeyedOnTimerContext<unknown>, out: Collector<unknown>): void;
}

/** Shared wiring of the keyed process operators: collector, context, timers and firing. */
class KeyedHarness implements Triggerable<VoidNamespace> {
  readonly collector: TimestampedCollector<unknown>;
  readonly context: KeyedContextImpl;
  private readonly fn: TimerFunction;
  private readonly wrap: (e: unknown) => Error;

  constructor(
    op: OperatorContext,
    out: Output<unknown>,
    fn: TimerFunction,
    wrap: (e: unknown) => Error,
  ) {
    this.fn = fn;
    this.wrap = wrap;
    if (op.timeServiceManager === null) {
      throw new Error(
        `operator '${op.operatorName}' needs a keyed stream (apply keyBy() before it)`,
      );
    }
    const timers = op.timeServiceManager.getInternalTimerService<VoidNamespace>(
      "user-timers",
      () => 0,
      this,
    );
    this.collector = new TimestampedCollector(out);
    this.context = new KeyedContextImpl(out, new KeyedTimerService(timers), op);
  }

  onEventTime(timer: InternalTimer<VoidNamespace>): void {
    this.fire(timer.timestamp, "EVENT_TIME", timer.timestamp);
  }

  onProcessingTime(timer: InternalTimer<VoidNamespace>): void {
    this.fire(timer.timestamp, "PROCESSING_TIME", NO_TIMESTAMP);
  }

  /** Makes `timestamp` the current one (of the collector and the context); returns this. */
  at(timestamp: number): this {
    this.collector.timestamp = timestamp;
    this.context.ts = timestamp;
    return this;
  }

  private fire(time: number, domain: TimeDomain, ts: number): void {
    if (typeof this.fn.onTimer !== "function") return;
    this.at(ts);
    this.context.domain = domain;
    try {
      this.fn.onTimer(time, this.context, this.collector);
    } catch (e) {
      throw this.wrap(e);
    }
  }
}

/** Applies a KeyedProcessFunction (or a ProcessFunction on a keyed stream). */
export class KeyedProcessOperator extends OneInputOperator<unknown> {
  private readonly fn: KeyedProcessFunction<unknown, unknown, unknown>;
  private h!: KeyedHarness;
  /** Creates the operator. */
  constructor(fn: KeyedProcessFunction<unknown, unknown, unknown>) {
    super();
    this.fn = fn;
    this.userFunction = fn;
  }
  /** Sets up timers and opens the function. */
  override open(): void | Promise<void> {
    this.h = new KeyedHarness(this.ctx, this.output, this.fn, (e) => this.userError(e));
    return super.open();
  }
  /** Processes one record with its key current. */
  processElement(value: unknown, timestamp: number): void {
    const h = this.h.at(timestamp);
    try {
      this.fn.processElement(value, h.context, h.collector);
    } catch (e) {
      throw this.userError(e);
    }
  }
  /** In BATCH mode, pending processing-time timers fire at the end of input. */
  override finish(): void {
    if (this.ctx.batch) this.ctx.timeServiceManager!.fireAllProcessingTimers();
  }
}

/** Applies a KeyedCoProcessFunction (or a CoProcessFunction on two keyed inputs). */
export class KeyedCoProcessOperator extends TwoInputOperator<unknown, unknown> {
  private readonly fn: KeyedCoProcessFunction<unknown, unknown, unknown, unknown>;
  private h!: KeyedHarness;
  /** Creates the operator. */
  constructor(fn: KeyedCoProcessFunction<unknown, unknown, unknown, unknown>) {
    super();
    this.fn = fn;
    this.userFunction = fn;
  }
  /** Sets up timers and opens the function. */
  override open(): void | Promise<void> {
    this.h = new KeyedHarness(this.ctx, this.output, this.fn, (e) => this.userError(e));
    return super.open();
  }
  /** Processes a record of input 1. */
  processElement1(value: unknown, timestamp: number): void {
    const h = this.h.at(timestamp);
    try {
      this.fn.processElement1(value, h.context, h.collector);
    } catch (e) {
      throw this.userError(e);
    }
  }
  /** Processes a record of input 2. */
  processElement2(value: unknown, timestamp: number): void {
    const h = this.h.at(timestamp);
    try {
      this.fn.processElement2(value, h.context, h.collector);
    } catch (e) {
      throw this.userError(e);
    }
  }
  /** In BATCH mode, pending processing-time timers fire at the end of input. */
  override finish(): void {
    if (this.ctx.batch) this.ctx.timeServiceManager!.fireAllProcessingTimers();
  }
}
