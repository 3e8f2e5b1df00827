/**
 * Triggers decide when a window is evaluated (fired) and when its contents are dropped (purged),
 * with Flink's names: the {@link Trigger} contract, its {@link TriggerContext}, and the basic
 * built-ins (event time, processing time, count, purging, never, end of stream). Continuous and
 * delta triggers are in `continuous-triggers.ts`.
 */
import { ReducingStateDescriptor, type StateDescriptor, type StateOfDescriptor } from "../state.ts";
import type { Window } from "./windows.ts";

/** What a trigger decides for a window. */
export class TriggerResult {
  /** Do nothing. */
  static readonly CONTINUE = new TriggerResult("CONTINUE", false, false);
  /** Evaluate the window and keep its contents. */
  static readonly FIRE = new TriggerResult("FIRE", true, false);
  /** Drop the window's contents without evaluating it. */
  static readonly PURGE = new TriggerResult("PURGE", false, true);
  /** Evaluate the window, then drop its contents. */
  static readonly FIRE_AND_PURGE = new TriggerResult("FIRE_AND_PURGE", true, true);

  private readonly label: string;
  private readonly fire: boolean;
  private readonly purge: boolean;

  private constructor(label: string, fire: boolean, purge: boolean) {
    this.label = label;
    this.fire = fire;
    this.purge = purge;
  }

  /** Whether the window is evaluated. */
  isFire(): boolean {
    return this.fire;
  }

  /** Whether the window's contents are dropped. */
  isPurge(): boolean {
    return this.purge;
  }

  /** The constant's name, e.g. `FIRE`. */
  name(): string {
    return this.label;
  }

  /** The constant's name. */
  toString(): string {
    return this.label;
  }
}

/** What a trigger may do: read time, set timers of the window, and keep state per key and window. */
export interface TriggerContext {
  /** Current processing time. */
  getCurrentProcessingTime(): number;
  /** Current event-time watermark of the operator. */
  getCurrentWatermark(): number;
  /** Calls `onProcessingTime` of this window when processing time reaches `time`. */
  registerProcessingTimeTimer(time: number): void;
  /** Calls `onEventTime` of this window when the watermark reaches `time`. */
  registerEventTimeTimer(time: number): void;
  /** Deletes a processing-time timer of this window. */
  deleteProcessingTimeTimer(time: number): void;
  /** Deletes an event-time timer of this window. */
  deleteEventTimeTimer(time: number): void;
  /** State scoped to the current key and this window. */
  getPartitionedState<D extends StateDescriptor<any, any>>(
    stateDescriptor: D,
  ): StateOfDescriptor<D>;
}

/** The context of {@link Trigger.onMerge}: adds merging of the merged windows' state. */
export interface OnMergeContext extends TriggerContext {
  /** Merges the state of the merged windows into the state of the resulting window. */
  mergePartitionedState(stateDescriptor: StateDescriptor<any, any>): void;
}

/**
 * Decides when a window fires. Called for every element added to a window and for the timers it
 * registered; `clear` must delete its timers and state when the window is removed.
 */
export abstract class Trigger<T, W extends Window> {
  /** An element was added to `window`. */
  abstract onElement(element: T, timestamp: number, window: W, ctx: TriggerContext): TriggerResult;
  /** A processing-time timer of `window` fired. */
  abstract onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  /** An event-time timer of `window` fired. */
  abstract onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  /** Whether this trigger supports merging windows (session windows need it). */
  canMerge(): boolean {
    return false;
  }
  /** Windows merged into `window`: merge state and re-register timers as needed. */
  onMerge(_window: W, _ctx: OnMergeContext): void {
    throw new Error(`${this.toString()} does not support merging windows`);
  }
  /** The window is removed: delete this trigger's timers and state of it. */
  abstract clear(window: W, ctx: TriggerContext): void;
  /** The trigger's class name. */
  toString(): string {
    return this.constructor.name;
  }
}

/** The timers of one time domain as a trigger uses them: current time, register, delete. */
export interface TriggerTimers {
  /** The domain's current time. */
  now(ctx: TriggerContext): number;
  /** Registers a timer of the window at `time`. */
  register(ctx: TriggerContext, time: number): void;
  /** Deletes the window's timer at `time`. */
  delete(ctx: TriggerContext, time: number): void;
}

/** Event-time timers (the watermark is the current time). */
export const eventTimeTimers: TriggerTimers = {
  now: (ctx) => ctx.getCurrentWatermark(),
  register: (ctx, time) => ctx.registerEventTimeTimer(time),
  delete: (ctx, time) => ctx.deleteEventTimeTimer(time),
};

/** Processing-time timers. */
export const processingTimeTimers: TriggerTimers = {
  now: (ctx) => ctx.getCurrentProcessingTime(),
  register: (ctx, time) => ctx.registerProcessingTimeTimer(time),
  delete: (ctx, time) => ctx.deleteProcessingTimeTimer(time),
};

/** Fires at the end of the window in one time domain; merging re-registers the end timer. */
abstract class EndOfWindowTrigger extends Trigger<unknown, Window> {
  /** The time domain of the end-of-window timer. */
  protected abstract readonly timers: TriggerTimers;
  /** Deletes the end-of-window timer. */
  clear(window: Window, ctx: TriggerContext): void {
    this.timers.delete(ctx, window.maxTimestamp());
  }
  /** Supports merging. */
  override canMerge(): boolean {
    return true;
  }
  /** Sets a timer at the end of the merged window unless the domain's time passed it. */
  override onMerge(window: Window, ctx: OnMergeContext): void {
    const end = window.maxTimestamp();
    if (end > this.timers.now(ctx)) this.timers.register(ctx, end);
  }
}

/** Fires once the watermark passes the end of the window (default of event-time assigners). */
export class EventTimeTrigger extends EndOfWindowTrigger {
  /** Event-time timers. */
  protected readonly timers = eventTimeTimers;
  /** A new event-time trigger. */
  static create(): EventTimeTrigger {
    return new EventTimeTrigger();
  }
  /** Fires at once when the window is already complete (late elements), else sets a timer. */
  onElement(_e: unknown, _ts: number, window: Window, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }
  /** Fires at the end of the window. */
  onEventTime(time: number, window: Window): TriggerResult {
    return time === window.maxTimestamp() ? TriggerResult.FIRE : TriggerResult.CONTINUE;
  }
  /** Ignores processing time. */
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
}

/** Fires when processing time reaches the end of the window (default of processing-time assigners). */
export class ProcessingTimeTrigger extends EndOfWindowTrigger {
  /** Processing-time timers. */
  protected readonly timers = processingTimeTimers;
  /** A new processing-time trigger. */
  static create(): ProcessingTimeTrigger {
    return new ProcessingTimeTrigger();
  }
  /** Sets a processing-time timer at the end of the window. */
  onElement(_e: unknown, _ts: number, window: Window, ctx: TriggerContext): TriggerResult {
    ctx.registerProcessingTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }
  /** Ignores event time. */
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  /** Fires. */
  onProcessingTime(): TriggerResult {
    return TriggerResult.FIRE;
  }
}

/**
 * A trigger that decides on elements alone: it ignores both kinds of time and keeps one state per
 * key and window, which `clear` drops.
 */
export abstract class ElementTrigger<T, W extends Window> extends Trigger<T, W> {
  /** The trigger's state. */
  protected abstract readonly stateDesc: StateDescriptor<any, any>;
  /** Ignores event time. */
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  /** Ignores processing time. */
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  /** Drops the state. */
  clear(_w: W, ctx: TriggerContext): void {
    ctx.getPartitionedState(this.stateDesc).clear();
  }
}

const sum = (a: number, b: number): number => a + b;

/** Fires every `maxCount` elements of a window (the count is kept per key and window). */
export class CountTrigger<W extends Window = Window> extends ElementTrigger<unknown, W> {
  private readonly maxCount: number;
  protected readonly stateDesc = new ReducingStateDescriptor<number>("count", sum, "number");

  private constructor(maxCount: number) {
    super();
    this.maxCount = maxCount;
  }
  /** Fires once `maxCount` elements arrived (counting starts again after each firing). */
  static of<W extends Window = Window>(maxCount: number): CountTrigger<W> {
    if (!Number.isInteger(maxCount) || maxCount < 1)
      throw new RangeError(`CountTrigger.of: the count must be an integer >= 1, got ${maxCount}`);
    return new CountTrigger<W>(maxCount);
  }
  /** Counts the element; fires (and restarts the count) at `maxCount`. */
  onElement(_e: unknown, _ts: number, _w: W, ctx: TriggerContext): TriggerResult {
    const count = ctx.getPartitionedState(this.stateDesc);
    count.add(1);
    if (count.get()! >= this.maxCount) {
      count.clear();
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }
  /** Supports merging. */
  override canMerge(): boolean {
    return true;
  }
  /** Adds up the counts of the merged windows. */
  override onMerge(_w: W, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.stateDesc);
  }
  /** `CountTrigger(n)`. */
  override toString(): string {
    return `CountTrigger(${this.maxCount})`;
  }
}

/** Turns every FIRE of a nested trigger into FIRE_AND_PURGE. */
export class PurgingTrigger<T, W extends Window> extends Trigger<T, W> {
  private readonly nested: Trigger<T, W>;

  private constructor(nested: Trigger<T, W>) {
    super();
    this.nested = nested;
  }
  /** Wraps `nestedTrigger`. */
  static of<T, W extends Window>(nestedTrigger: Trigger<T, W>): PurgingTrigger<T, W> {
    if (!(nestedTrigger instanceof Trigger))
      throw new TypeError("PurgingTrigger.of expects a Trigger");
    return new PurgingTrigger<T, W>(nestedTrigger);
  }
  private static purging(r: TriggerResult): TriggerResult {
    return r.isFire() ? TriggerResult.FIRE_AND_PURGE : r;
  }
  /** The nested decision, purging when it fires. */
  onElement(element: T, timestamp: number, window: W, ctx: TriggerContext): TriggerResult {
    return PurgingTrigger.purging(this.nested.onElement(element, timestamp, window, ctx));
  }
  /** The nested decision, purging when it fires. */
  onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    return PurgingTrigger.purging(this.nested.onEventTime(time, window, ctx));
  }
  /** The nested decision, purging when it fires. */
  onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    return PurgingTrigger.purging(this.nested.onProcessingTime(time, window, ctx));
  }
  /** Clears the nested trigger. */
  clear(window: W, ctx: TriggerContext): void {
    this.nested.clear(window, ctx);
  }
  /** Whether the nested trigger can merge. */
  override canMerge(): boolean {
    return this.nested.canMerge();
  }
  /** Merges the nested trigger. */
  override onMerge(window: W, ctx: OnMergeContext): void {
    this.nested.onMerge(window, ctx);
  }
  /** `PurgingTrigger(nested)`. */
  override toString(): string {
    return `PurgingTrigger(${this.nested.toString()})`;
  }
  /** The wrapped trigger. */
  getNestedTrigger(): Trigger<T, W> {
    return this.nested;
  }
}

/** Never fires: the default trigger of {@link GlobalWindows} (set another with `trigger()`). */
export class NeverTrigger extends Trigger<unknown, Window> {
  /** Never fires. */
  onElement(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  /** Never fires. */
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  /** Never fires. */
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  /** Nothing to clear. */
  clear(): void {}
  /** Supports merging (there is nothing to merge). */
  override canMerge(): boolean {
    return true;
  }
  /** Nothing to merge. */
  override onMerge(): void {}
}

/** Fires once, at the end of the input (the final watermark): `GlobalWindows.createWithEndOfStreamTrigger()`. */
export class EndOfStreamTrigger extends Trigger<unknown, Window> {
  /** Sets a timer at the end of the window (the end of time for the global window). */
  onElement(_e: unknown, _ts: number, window: Window, ctx: TriggerContext): TriggerResult {
    ctx.registerEventTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }
  /** Fires at the end of the window. */
  onEventTime(time: number, window: Window): TriggerResult {
    return time === window.maxTimestamp() ? TriggerResult.FIRE : TriggerResult.CONTINUE;
  }
  /** Ignores processing time. */
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  /** Deletes the timer. */
  clear(window: Window, ctx: TriggerContext): void {
    ctx.deleteEventTimeTimer(window.maxTimestamp());
  }
}
