/**
 * Evictors remove elements from a window before and/or after the window function runs, with
 * Flink's names: {@link CountEvictor}, {@link TimeEvictor}, {@link DeltaEvictor}, and the
 * {@link Evictor} contract for custom ones. Elements are {@link TimestampedValue}s; an evictor
 * removes them through the Java-style iterator of {@link EvictableElements}.
 */
import { toMillis, type DurationLike } from "../../core/duration.ts";
import {
  toDeltaFunction,
  type DeltaFunction,
  type DeltaFunctionLike,
} from "./continuous-triggers.ts";
import type { Window } from "./windows.ts";

/** A value with its event timestamp (`-Infinity` when it has none). */
export class TimestampedValue<T> {
  /** The value. */
  readonly value: T;
  /** The timestamp, or `-Infinity`. */
  readonly timestamp: number;
  /** Wraps `value` with `timestamp` (none when omitted). */
  constructor(value: T, timestamp = -Infinity) {
    this.value = value;
    this.timestamp = timestamp;
  }
  /** Wraps `value` with `timestamp` (none when omitted). */
  static of<T>(value: T, timestamp?: number): TimestampedValue<T> {
    return new TimestampedValue(value, timestamp);
  }
  /** The value. */
  getValue(): T {
    return this.value;
  }
  /** The timestamp (`-Infinity` when there is none). */
  getTimestamp(): number {
    return this.timestamp;
  }
  /** Whether the value has a timestamp. */
  hasTimestamp(): boolean {
    return this.timestamp !== -Infinity;
  }
}

/** A Java-style iterator that can remove the element it returned last. */
export interface RemovingIterator<T> {
  /** Whether another element follows. */
  hasNext(): boolean;
  /** The next element. */
  next(): T;
  /** Removes the element returned by the last `next()`. */
  remove(): void;
}

/**
 * The elements of a window as an evictor sees them: iterable (`for...of`), and removable through
 * `iterator()` (as `Iterator.remove()` in Flink) or `removeIf`.
 */
export class EvictableElements<T> implements Iterable<TimestampedValue<T>> {
  private readonly items: (TimestampedValue<T> | null)[];
  private removed = 0;

  /** Wraps `items` (the array is modified by removals). */
  constructor(items: TimestampedValue<T>[]) {
    this.items = items;
  }
  /** Number of elements left. */
  size(): number {
    return this.items.length - this.removed;
  }
  /** The elements left, in order. */
  *[Symbol.iterator](): Iterator<TimestampedValue<T>> {
    for (const e of this.items) if (e !== null) yield e;
  }
  /** A Java-style iterator over the elements left, with `remove()`. */
  iterator(): RemovingIterator<TimestampedValue<T>> {
    const items = this.items;
    let i = -1;
    let canRemove = false;
    const advance = (): number => {
      let j = i + 1;
      while (j < items.length && items[j] === null) j++;
      return j;
    };
    return {
      hasNext: () => advance() < items.length,
      next: () => {
        const j = advance();
        if (j >= items.length) throw new RangeError("no more elements in the window");
        i = j;
        canRemove = true;
        return items[j]!;
      },
      remove: () => {
        if (!canRemove) throw new Error("remove() must follow next()");
        items[i] = null;
        this.removed++;
        canRemove = false;
      },
    };
  }
  /** Removes every element for which `predicate` holds. */
  removeIf(predicate: (element: TimestampedValue<T>) => boolean): void {
    const items = this.items;
    for (let i = 0; i < items.length; i++) {
      const e = items[i];
      if (e !== null && e !== undefined && predicate(e)) {
        items[i] = null;
        this.removed++;
      }
    }
  }
  /** The elements left, as a new array. */
  toArray(): TimestampedValue<T>[] {
    return this.items.filter((e): e is TimestampedValue<T> => e !== null);
  }
}

/** What an evictor may read. */
export interface EvictorContext {
  /** Current processing time. */
  getCurrentProcessingTime(): number;
  /** Current event-time watermark. */
  getCurrentWatermark(): number;
}

/** Removes elements from a window before and/or after the window function is applied. */
export interface Evictor<T, W extends Window> {
  /** Runs before the window function; `size` is the number of elements. */
  evictBefore(elements: EvictableElements<T>, size: number, window: W, ctx: EvictorContext): void;
  /** Runs after the window function; `size` is the number of elements. */
  evictAfter(elements: EvictableElements<T>, size: number, window: W, ctx: EvictorContext): void;
}

/** Base of the built-in evictors: evicts either before or after the function. */
abstract class BeforeOrAfterEvictor<T> implements Evictor<T, Window> {
  /** Whether to evict after the window function (else before). */
  protected readonly doEvictAfter: boolean;
  /** Sets when to evict. */
  protected constructor(doEvictAfter: boolean) {
    this.doEvictAfter = doEvictAfter;
  }
  /** Evicts unless evicting after. */
  evictBefore(elements: EvictableElements<T>, size: number, _w: Window, ctx: EvictorContext): void {
    if (!this.doEvictAfter) this.evict(elements, size, ctx);
  }
  /** Evicts when evicting after. */
  evictAfter(elements: EvictableElements<T>, size: number, _w: Window, ctx: EvictorContext): void {
    if (this.doEvictAfter) this.evict(elements, size, ctx);
  }
  /** The evictor's class name. */
  toString(): string {
    return this.constructor.name;
  }
  /** Removes the elements this evictor does not keep. */
  protected abstract evict(elements: EvictableElements<T>, size: number, ctx: EvictorContext): void;
}

/** Keeps at most `maxCount` elements: removes the oldest (first added) ones. */
export class CountEvictor<T = unknown> extends BeforeOrAfterEvictor<T> {
  private readonly maxCount: number;
  private constructor(maxCount: number, doEvictAfter: boolean) {
    super(doEvictAfter);
    this.maxCount = maxCount;
  }
  /** Keeps the last `maxCount` elements (evicting before the function unless `doEvictAfter`). */
  static of<T = unknown>(maxCount: number, doEvictAfter = false): CountEvictor<T> {
    if (!Number.isInteger(maxCount) || maxCount < 0)
      throw new RangeError(`CountEvictor.of: the count must be an integer >= 0, got ${maxCount}`);
    return new CountEvictor<T>(maxCount, doEvictAfter);
  }
  /** Removes the first `size - maxCount` elements. */
  protected evict(elements: EvictableElements<T>, size: number): void {
    if (size <= this.maxCount) return;
    let evictedCount = 0;
    for (const it = elements.iterator(); it.hasNext();) {
      it.next();
      evictedCount++;
      if (evictedCount > size - this.maxCount) break;
      it.remove();
    }
  }
  /** `CountEvictor(n)`. */
  override toString(): string {
    return `CountEvictor(${this.maxCount})`;
  }
}

/** Keeps the elements of the last `windowSize` of time, relative to the newest element's timestamp. */
export class TimeEvictor<T = unknown> extends BeforeOrAfterEvictor<T> {
  private readonly windowSize: number;
  private constructor(windowSize: number, doEvictAfter: boolean) {
    super(doEvictAfter);
    this.windowSize = windowSize;
  }
  /** Keeps elements newer than (max timestamp - `windowSize`). */
  static of<T = unknown>(windowSize: DurationLike, doEvictAfter = false): TimeEvictor<T> {
    return new TimeEvictor<T>(toMillis(windowSize, "TimeEvictor window size", 0), doEvictAfter);
  }
  /** Removes elements with timestamp <= max timestamp - size (nothing without timestamps). */
  protected evict(elements: EvictableElements<T>): void {
    const first = elements.iterator();
    if (!first.hasNext() || !first.next().hasTimestamp()) return;
    let currentTime = -Infinity;
    for (const e of elements) if (e.getTimestamp() > currentTime) currentTime = e.getTimestamp();
    const evictCutoff = currentTime - this.windowSize;
    for (const it = elements.iterator(); it.hasNext();) {
      if (it.next().getTimestamp() <= evictCutoff) it.remove();
    }
  }
  /** `TimeEvictor(ms)`. */
  override toString(): string {
    return `TimeEvictor(${this.windowSize})`;
  }
}

/** Removes elements whose delta to the last element is at least `threshold`. */
export class DeltaEvictor<T> extends BeforeOrAfterEvictor<T> {
  private readonly threshold: number;
  private readonly deltaFunction: DeltaFunction<T>;
  private constructor(threshold: number, deltaFunction: DeltaFunction<T>, doEvictAfter: boolean) {
    super(doEvictAfter);
    this.threshold = threshold;
    this.deltaFunction = deltaFunction;
  }
  /** Evicts by delta to the last element. */
  static of<T>(
    threshold: number,
    deltaFunction: DeltaFunctionLike<T>,
    doEvictAfter = false,
  ): DeltaEvictor<T> {
    if (typeof threshold !== "number" || Number.isNaN(threshold))
      throw new TypeError(`DeltaEvictor.of: threshold must be a number, got ${String(threshold)}`);
    return new DeltaEvictor<T>(
      threshold,
      toDeltaFunction(deltaFunction, "DeltaEvictor.of"),
      doEvictAfter,
    );
  }
  /** Removes elements at least `threshold` away from the last one. */
  protected evict(elements: EvictableElements<T>): void {
    let last: TimestampedValue<T> | null = null;
    for (const e of elements) last = e;
    if (last === null) return;
    for (const it = elements.iterator(); it.hasNext();) {
      const element = it.next();
      if (this.deltaFunction.getDelta(element.getValue(), last.getValue()) >= this.threshold)
        it.remove();
    }
  }
  /** `DeltaEvictor(threshold)`. */
  override toString(): string {
    return `DeltaEvictor(${this.threshold})`;
  }
}
