/**
 * Window assigners, with Flink's names: which windows an element belongs to. Tumbling and sliding
 * windows are aligned to the epoch (plus an optional offset); session windows start per element
 * and merge when they overlap; global windows hold everything.
 */
import { toMillis, type DurationLike } from "../../core/duration.ts";
import {
  EndOfStreamTrigger,
  EventTimeTrigger,
  NeverTrigger,
  ProcessingTimeTrigger,
  type Trigger,
} from "./triggers.ts";
import { GlobalWindow, TimeWindow, type MergeCallback, type Window } from "./windows.ts";

/** What an assigner may read while assigning. */
export interface WindowAssignerContext {
  /** Current processing time. */
  getCurrentProcessingTime(): number;
}

/** Assigns each element to zero or more windows. */
export abstract class WindowAssigner<T, W extends Window> {
  /**
   * The windows of `element` (with event timestamp `timestamp`, `-Infinity` when it has none).
   * The returned array must not be modified (built-in assigners reuse it).
   */
  abstract assignWindows(
    element: T,
    timestamp: number,
    context: WindowAssignerContext,
  ): readonly W[];
  /** The trigger used when none is set with `trigger()`. */
  abstract getDefaultTrigger(): Trigger<any, W>;
  /** Whether windows are based on event time (else processing time). */
  abstract isEventTime(): boolean;
  /** The assigner's class name. */
  toString(): string {
    return this.constructor.name;
  }
}

/** An assigner whose windows can merge (sessions). */
export abstract class MergingWindowAssigner<T, W extends Window> extends WindowAssigner<T, W> {
  /** Reports every group of `windows` that merges to `callback`. */
  abstract mergeWindows(windows: readonly W[], callback: MergeCallback<W>): void;
}

/** The error for an element without timestamp in an event-time assigner. */
export function missingTimestamp(assigner: WindowAssigner<unknown, Window>): Error {
  return new Error(
    `a record has no timestamp, but ${assigner.toString()} assigns windows by event time: did you forget assignTimestampsAndWatermarks() (or a WatermarkStrategy with a timestamp assigner on the source)?`,
  );
}

/** The time `assigner` puts an element at: its timestamp (event time) or the processing time. */
function assignedTime(
  assigner: WindowAssigner<any, TimeWindow>,
  timestamp: number,
  ctx: WindowAssignerContext | undefined,
): number {
  if (!assigner.isEventTime()) return ctx!.getCurrentProcessingTime();
  if (timestamp === -Infinity) throw missingTimestamp(assigner);
  return timestamp;
}

/** The default trigger of an event-time or a processing-time assigner. */
function timeTrigger(eventTime: boolean): Trigger<any, TimeWindow> {
  return eventTime ? EventTimeTrigger.create() : ProcessingTimeTrigger.create();
}

/** Base of tumbling and sliding assigners: the windows of an element's timestamp or of processing time. */
abstract class TimeWindows extends WindowAssigner<unknown, TimeWindow> {
  private readonly eventTime: boolean;

  /** `eventTime`: windows of event time, else of processing time. */
  protected constructor(eventTime: boolean) {
    super();
    this.eventTime = eventTime;
  }
  /** The windows containing `time`. */
  protected abstract windowsAt(time: number): readonly TimeWindow[];
  /** The windows of the element's timestamp (event time) or of the current processing time. */
  assignWindows(
    _e: unknown,
    timestamp: number,
    ctx?: WindowAssignerContext,
  ): readonly TimeWindow[] {
    return this.windowsAt(assignedTime(this, timestamp, ctx));
  }
  /** {@link EventTimeTrigger} or {@link ProcessingTimeTrigger}. */
  getDefaultTrigger(): Trigger<any, TimeWindow> {
    return timeTrigger(this.eventTime);
  }
  /** Whether windows are of event time. */
  isEventTime(): boolean {
    return this.eventTime;
  }
}

/** Base of tumbling assigners: remembers the last window, so a run of elements reuses it. */
abstract class TumblingWindows extends TimeWindows {
  /** Window length, ms. */
  protected readonly size: number;
  /** Shift of the window starts, ms. */
  protected readonly offset: number;
  private lastStart = NaN;
  private last: readonly TimeWindow[] | null = null;

  /** Checks and keeps the size and offset; `eventTime`: windows of event or processing time. */
  protected constructor(
    size: DurationLike,
    offset: DurationLike,
    what: string,
    eventTime: boolean,
  ) {
    super(eventTime);
    this.size = toMillis(size, `${what} size`, 1);
    this.offset = toMillis(offset, `${what} offset`, -Infinity);
    if (Math.abs(this.offset) >= this.size)
      throw new RangeError(`${what} parameters must satisfy abs(offset) < size`);
  }
  /** The window starting at `start` (the same array as last time when it is the same window). */
  protected windowsAt(timestamp: number): readonly TimeWindow[] {
    const start = TimeWindow.getWindowStartWithOffset(timestamp, this.offset, this.size);
    if (start !== this.lastStart || this.last === null) {
      this.lastStart = start;
      this.last = Object.freeze([new TimeWindow(start, start + this.size)]);
    }
    return this.last;
  }
  /** Window length, ms. */
  getSize(): number {
    return this.size;
  }
  /** `Name(size)`. */
  override toString(): string {
    return `${this.constructor.name}(${this.size}${this.offset ? `, ${this.offset}` : ""})`;
  }
}

/** Tumbling (fixed-size, non-overlapping) windows of event time. */
export class TumblingEventTimeWindows extends TumblingWindows {
  /** Windows of length `size`, starting at multiples of `size` plus `offset`. */
  static of(size: DurationLike, offset: DurationLike = 0): TumblingEventTimeWindows {
    return new TumblingEventTimeWindows(size, offset, "TumblingEventTimeWindows", true);
  }
}

/** Tumbling (fixed-size, non-overlapping) windows of processing time. */
export class TumblingProcessingTimeWindows extends TumblingWindows {
  /** Windows of length `size`, starting at multiples of `size` plus `offset`. */
  static of(size: DurationLike, offset: DurationLike = 0): TumblingProcessingTimeWindows {
    return new TumblingProcessingTimeWindows(size, offset, "TumblingProcessingTimeWindows", false);
  }
}

/** Base of sliding assigners. */
abstract class SlidingWindows extends TimeWindows {
  /** Window length, ms. */
  protected readonly size: number;
  /** Distance between window starts, ms. */
  protected readonly slide: number;
  /** Shift of the window starts, ms. */
  protected readonly offset: number;

  /** Checks and keeps the parameters; `eventTime`: windows of event or processing time. */
  protected constructor(
    size: DurationLike,
    slide: DurationLike,
    offset: DurationLike,
    what: string,
    eventTime: boolean,
  ) {
    super(eventTime);
    this.size = toMillis(size, `${what} size`, 1);
    this.slide = toMillis(slide, `${what} slide`, 1);
    this.offset = toMillis(offset, `${what} offset`, -Infinity);
    if (Math.abs(this.offset) >= this.slide)
      throw new RangeError(`${what} parameters must satisfy abs(offset) < slide and size > 0`);
  }
  /** Every window (of `size`, every `slide`) containing `time`, latest first. */
  protected windowsAt(time: number): TimeWindow[] {
    const windows: TimeWindow[] = [];
    const lastStart = TimeWindow.getWindowStartWithOffset(time, this.offset, this.slide);
    for (let start = lastStart; start > time - this.size; start -= this.slide)
      windows.push(new TimeWindow(start, start + this.size));
    return windows;
  }
  /** Window length, ms. */
  getSize(): number {
    return this.size;
  }
  /** Distance between window starts, ms. */
  getSlide(): number {
    return this.slide;
  }
  /** `Name(size, slide)`. */
  override toString(): string {
    return `${this.constructor.name}(${this.size}, ${this.slide}${this.offset ? `, ${this.offset}` : ""})`;
  }
}

/** Sliding (fixed-size, overlapping) windows of event time. */
export class SlidingEventTimeWindows extends SlidingWindows {
  /** Windows of length `size` starting every `slide` (plus `offset`). */
  static of(
    size: DurationLike,
    slide: DurationLike,
    offset: DurationLike = 0,
  ): SlidingEventTimeWindows {
    return new SlidingEventTimeWindows(size, slide, offset, "SlidingEventTimeWindows", true);
  }
}

/** Sliding (fixed-size, overlapping) windows of processing time. */
export class SlidingProcessingTimeWindows extends SlidingWindows {
  /** Windows of length `size` starting every `slide` (plus `offset`). */
  static of(
    size: DurationLike,
    slide: DurationLike,
    offset: DurationLike = 0,
  ): SlidingProcessingTimeWindows {
    return new SlidingProcessingTimeWindows(
      size,
      slide,
      offset,
      "SlidingProcessingTimeWindows",
      false,
    );
  }
}

/** Picks the session gap of an element (`withDynamicGap`). */
export interface SessionWindowTimeGapExtractor<T> {
  /** The gap, ms (> 0), after `element` that closes its session. */
  extract(element: T): number;
}

/** A gap extractor as an object or a lambda. */
export type GapExtractorLike<T> = SessionWindowTimeGapExtractor<T> | ((element: T) => number);

/** Base of session assigners: a window `[t, t + gap)` per element; overlapping windows merge. */
abstract class SessionWindows<T> extends MergingWindowAssigner<T, TimeWindow> {
  /** Fixed gap (ms), or null with a gap extractor. */
  protected readonly gap: number | null;
  /** Gap per element, or null with a fixed gap. */
  protected readonly extractor: SessionWindowTimeGapExtractor<T> | null;
  private readonly eventTime: boolean;

  /** A fixed gap or an extractor; `eventTime`: sessions of event or processing time. */
  protected constructor(
    gap: number | null,
    extractor: GapExtractorLike<T> | null,
    eventTime: boolean,
  ) {
    super();
    this.gap = gap;
    this.eventTime = eventTime;
    if (extractor === null) this.extractor = null;
    else if (typeof extractor === "function") this.extractor = { extract: extractor };
    else if (extractor && typeof extractor.extract === "function") this.extractor = extractor;
    else
      throw new TypeError(
        "withDynamicGap expects a SessionWindowTimeGapExtractor: a lambda or an object with extract()",
      );
  }
  /** The session window starting at `time`. */
  protected sessionAt(element: T, time: number): TimeWindow[] {
    let gap = this.gap;
    if (gap === null) {
      gap = this.extractor!.extract(element);
      if (!(typeof gap === "number" && gap > 0))
        throw new RangeError(`Dynamic session time gap must satisfy 0 < gap, got ${String(gap)}`);
    }
    return [new TimeWindow(time, time + gap)];
  }
  /** The session starting at the element's timestamp (event time) or the processing time. */
  assignWindows(element: T, timestamp: number, ctx?: WindowAssignerContext): readonly TimeWindow[] {
    return this.sessionAt(element, assignedTime(this, timestamp, ctx));
  }
  /** {@link EventTimeTrigger} or {@link ProcessingTimeTrigger}. */
  getDefaultTrigger(): Trigger<any, TimeWindow> {
    return timeTrigger(this.eventTime);
  }
  /** Whether sessions are of event time. */
  isEventTime(): boolean {
    return this.eventTime;
  }
  /** Merges overlapping sessions. */
  mergeWindows(windows: readonly TimeWindow[], callback: MergeCallback<TimeWindow>): void {
    TimeWindow.mergeWindows(windows, callback);
  }
  /** `Name(gap)`. */
  override toString(): string {
    return `${this.constructor.name}(${this.gap ?? "dynamic"})`;
  }
}

/** Session windows of event time: a session closes after a gap without elements. */
export class EventTimeSessionWindows<T = unknown> extends SessionWindows<T> {
  /** Sessions closed by `gap` of inactivity. */
  static withGap<T = unknown>(gap: DurationLike): EventTimeSessionWindows<T> {
    return new EventTimeSessionWindows<T>(
      toMillis(gap, "EventTimeSessionWindows gap", 1),
      null,
      true,
    );
  }
  /** Sessions with a gap chosen per element. */
  static withDynamicGap<T>(extractor: GapExtractorLike<T>): EventTimeSessionWindows<T> {
    return new EventTimeSessionWindows<T>(null, extractor, true);
  }
}

/** Session windows of processing time. */
export class ProcessingTimeSessionWindows<T = unknown> extends SessionWindows<T> {
  /** Sessions closed by `gap` of inactivity. */
  static withGap<T = unknown>(gap: DurationLike): ProcessingTimeSessionWindows<T> {
    return new ProcessingTimeSessionWindows<T>(
      toMillis(gap, "ProcessingTimeSessionWindows gap", 1),
      null,
      false,
    );
  }
  /** Sessions with a gap chosen per element. */
  static withDynamicGap<T>(extractor: GapExtractorLike<T>): ProcessingTimeSessionWindows<T> {
    return new ProcessingTimeSessionWindows<T>(null, extractor, false);
  }
}

/** One global window for all elements; it fires only with a trigger set by `trigger()`. */
export class GlobalWindows extends WindowAssigner<unknown, GlobalWindow> {
  private static readonly WINDOWS: readonly GlobalWindow[] = Object.freeze([GlobalWindow.get()]);
  private readonly endOfStream: boolean;

  private constructor(endOfStream: boolean) {
    super();
    this.endOfStream = endOfStream;
  }
  /** Global windows whose default trigger never fires. */
  static create(): GlobalWindows {
    return new GlobalWindows(false);
  }
  /** Global windows that fire once, at the end of the input. */
  static createWithEndOfStreamTrigger(): GlobalWindows {
    return new GlobalWindows(true);
  }
  /** The global window. */
  assignWindows(): readonly GlobalWindow[] {
    return GlobalWindows.WINDOWS;
  }
  /** {@link NeverTrigger} (or {@link EndOfStreamTrigger}). */
  getDefaultTrigger(): Trigger<any, GlobalWindow> {
    return this.endOfStream ? new EndOfStreamTrigger() : new NeverTrigger();
  }
  /** Not event time. */
  isEventTime(): boolean {
    return false;
  }
  /** `GlobalWindows`. */
  override toString(): string {
    return "GlobalWindows";
  }
}
