/**
 * Triggers that fire repeatedly within a window: every interval of event or processing time
 * (`ContinuousEventTimeTrigger`, `ContinuousProcessingTimeTrigger`), or whenever an element
 * differs enough from the last firing one (`DeltaTrigger`).
 */
import { toMillis, type DurationLike } from "../../core/duration.ts";
import { ReducingStateDescriptor, ValueStateDescriptor, type ReducingState } from "../state.ts";
import {
  ElementTrigger,
  Trigger,
  TriggerResult,
  eventTimeTimers,
  processingTimeTimers,
  type OnMergeContext,
  type TriggerContext,
  type TriggerTimers,
} from "./triggers.ts";
import type { Window } from "./windows.ts";

/** The distance between two data points (Flink's `DeltaFunction`). */
export interface DeltaFunction<T> {
  /** How far `newDataPoint` is from `oldDataPoint`. */
  getDelta(oldDataPoint: T, newDataPoint: T): number;
}

/** A {@link DeltaFunction} given as an object or as a lambda. */
export type DeltaFunctionLike<T> =
  DeltaFunction<T> | ((oldDataPoint: T, newDataPoint: T) => number);

/** Normalizes a delta function to an object with `getDelta`. */
export function toDeltaFunction<T>(fn: DeltaFunctionLike<T>, where: string): DeltaFunction<T> {
  if (typeof fn === "function") return { getDelta: fn };
  if (fn && typeof fn.getDelta === "function") return fn;
  throw new TypeError(`${where} expects a DeltaFunction: a lambda or an object with getDelta()`);
}

const min = (a: number, b: number): number => Math.min(a, b);

/**
 * The periodic timer of the continuous triggers, in one time domain: the earliest next firing
 * time is kept per key and window, and each firing sets the next one (capped at the window's end).
 */
abstract class ContinuousTrigger<W extends Window> extends Trigger<unknown, W> {
  private readonly interval: number;
  private readonly timers: TriggerTimers;
  private readonly stateDesc = new ReducingStateDescriptor<number>("fire-time", min, "number");

  /** A trigger firing every `interval` ms of `timers`' time domain. */
  protected constructor(interval: number, timers: TriggerTimers) {
    super();
    this.interval = interval;
    this.timers = timers;
  }
  /** Sets the first periodic timer (aligned to the interval, from `time`) unless one is set. */
  protected registerFirst(time: number, window: W, ctx: TriggerContext): void {
    const fireTimestamp = ctx.getPartitionedState(this.stateDesc);
    if (fireTimestamp.get() === null) {
      this.registerNext(time - (time % this.interval), window, ctx, fireTimestamp);
    }
  }
  /** Fires if `time` is the periodic timer, setting the next one. */
  protected onPeriodicTimer(time: number, window: W, ctx: TriggerContext): TriggerResult {
    const state = ctx.getPartitionedState(this.stateDesc);
    if (state.get() === time) {
      state.clear();
      this.registerNext(time, window, ctx, state);
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }
  /** Deletes the periodic timer and its state. */
  clear(_w: W, ctx: TriggerContext): void {
    const state = ctx.getPartitionedState(this.stateDesc);
    const t = state.get();
    if (t !== null) {
      this.timers.delete(ctx, t);
      state.clear();
    }
  }
  /** Supports merging. */
  override canMerge(): boolean {
    return true;
  }
  /** Keeps the earliest periodic timer of the merged windows. */
  override onMerge(_w: W, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.stateDesc);
    const next = ctx.getPartitionedState(this.stateDesc).get();
    if (next !== null) this.timers.register(ctx, next);
  }
  /** `ContinuousEventTimeTrigger(interval)` or `ContinuousProcessingTimeTrigger(interval)`. */
  override toString(): string {
    return `${this.constructor.name}(${this.interval})`;
  }
  private registerNext(
    time: number,
    window: W,
    ctx: TriggerContext,
    state: ReducingState<number>,
  ): void {
    const next = Math.min(time + this.interval, window.maxTimestamp());
    state.add(next);
    this.timers.register(ctx, next);
  }
}

/**
 * Fires every `interval` of event time within the window (aligned to multiples of the interval)
 * and at the end of the window.
 */
export class ContinuousEventTimeTrigger<W extends Window = Window> extends ContinuousTrigger<W> {
  private constructor(interval: number) {
    super(interval, eventTimeTimers);
  }
  /** Fires every `interval` of event time. */
  static of<W extends Window = Window>(interval: DurationLike): ContinuousEventTimeTrigger<W> {
    return new ContinuousEventTimeTrigger<W>(
      toMillis(interval, "ContinuousEventTimeTrigger interval", 1),
    );
  }
  /** Sets the end-of-window timer and, for the first element, the first periodic one. */
  onElement(_e: unknown, timestamp: number, window: W, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(window.maxTimestamp());
    this.registerFirst(timestamp, window, ctx);
    return TriggerResult.CONTINUE;
  }
  /** Fires at the end of the window and at every periodic timer (setting the next one). */
  onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    if (time === window.maxTimestamp()) return TriggerResult.FIRE;
    return this.onPeriodicTimer(time, window, ctx);
  }
  /** Ignores processing time. */
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
}

/**
 * Fires every `interval` of processing time while the window has elements (aligned to multiples
 * of the interval), and at the end of the window.
 */
export class ContinuousProcessingTimeTrigger<
  W extends Window = Window,
> extends ContinuousTrigger<W> {
  private constructor(interval: number) {
    super(interval, processingTimeTimers);
  }
  /** Fires every `interval` of processing time. */
  static of<W extends Window = Window>(interval: DurationLike): ContinuousProcessingTimeTrigger<W> {
    return new ContinuousProcessingTimeTrigger<W>(
      toMillis(interval, "ContinuousProcessingTimeTrigger interval", 1),
    );
  }
  /** Sets the first periodic timer for the first element. */
  onElement(_e: unknown, _ts: number, window: W, ctx: TriggerContext): TriggerResult {
    this.registerFirst(ctx.getCurrentProcessingTime(), window, ctx);
    return TriggerResult.CONTINUE;
  }
  /** Ignores event time. */
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  /** Fires at every periodic timer and sets the next one. */
  onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    return this.onPeriodicTimer(time, window, ctx);
  }
}

/**
 * Fires when an element's delta to the element of the last firing (or the first element) exceeds
 * `threshold`; that element becomes the new reference.
 */
export class DeltaTrigger<T, W extends Window = Window> extends ElementTrigger<T, W> {
  private readonly threshold: number;
  private readonly deltaFunction: DeltaFunction<T>;
  protected readonly stateDesc: ValueStateDescriptor<T>;

  private constructor(threshold: number, deltaFunction: DeltaFunction<T>, type: string | null) {
    super();
    this.threshold = threshold;
    this.deltaFunction = deltaFunction;
    this.stateDesc = new ValueStateDescriptor<T>("last-element", type);
  }
  /** Fires when the delta exceeds `threshold` (the optional type hint names the stored element type). */
  static of<T, W extends Window = Window>(
    threshold: number,
    deltaFunction: DeltaFunctionLike<T>,
    stateTypeHint: string | null = null,
  ): DeltaTrigger<T, W> {
    if (typeof threshold !== "number" || Number.isNaN(threshold))
      throw new TypeError(`DeltaTrigger.of: threshold must be a number, got ${String(threshold)}`);
    return new DeltaTrigger<T, W>(
      threshold,
      toDeltaFunction(deltaFunction, "DeltaTrigger.of"),
      stateTypeHint,
    );
  }
  /** Compares with the last firing element. */
  onElement(element: T, _ts: number, _w: W, ctx: TriggerContext): TriggerResult {
    const last = ctx.getPartitionedState(this.stateDesc);
    const lastElement = last.value();
    if (lastElement === null) {
      last.update(element);
      return TriggerResult.CONTINUE;
    }
    if (this.deltaFunction.getDelta(lastElement, element) > this.threshold) {
      last.update(element);
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }
  /** `DeltaTrigger(threshold)`. */
  override toString(): string {
    return `DeltaTrigger(${this.threshold})`;
  }
}
