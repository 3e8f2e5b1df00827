/**
 * Windows, with Flink's names: a {@link TimeWindow} is the interval `[start, end)` of time,
 * {@link GlobalWindow} is the one window holding everything. A window is also the namespace of the
 * state and timers kept for it, so equal windows must have equal {@link Window.namespaceKey}s.
 */

/** A finite slice of a stream that window functions evaluate at once. */
export abstract class Window {
  /** The largest timestamp that still belongs to this window. */
  abstract maxTimestamp(): number;

  /**
   * The identity of this window for state and timers: equal windows give equal keys (the role of
   * Flink's `equals`/`hashCode`). The default is the class name and the window's own fields.
   */
  namespaceKey(): string | number {
    return `${this.constructor.name}${JSON.stringify(this)}`;
  }

  /** The window's class name. */
  toString(): string {
    return this.constructor.name;
  }
}

/** Receives the result of merging windows (merging window assigners, e.g. sessions). */
export interface MergeCallback<W> {
  /** `toBeMerged` (at least two windows) merge into `mergeResult`. */
  merge(toBeMerged: W[], mergeResult: W): void;
}

/** The time interval `[start, end)`, in milliseconds. */
export class TimeWindow extends Window {
  /** First timestamp of the window (inclusive). */
  readonly start: number;
  /** End of the window (exclusive). */
  readonly end: number;

  /** The window `[start, end)`. */
  constructor(start: number, end: number) {
    super();
    this.start = start;
    this.end = end;
  }

  /** First timestamp of the window (inclusive). */
  getStart(): number {
    return this.start;
  }

  /** End of the window (exclusive). */
  getEnd(): number {
    return this.end;
  }

  /** `end - 1`: the last timestamp that belongs to the window. */
  maxTimestamp(): number {
    return this.end - 1;
  }

  /** Whether the two windows overlap or touch (Flink merges touching sessions too). */
  intersects(other: TimeWindow): boolean {
    return this.start <= other.end && this.end >= other.start;
  }

  /** The smallest window covering both windows. */
  cover(other: TimeWindow): TimeWindow {
    return new TimeWindow(Math.min(this.start, other.start), Math.max(this.end, other.end));
  }

  /** Whether `other` is a time window with the same start and end. */
  equals(other: unknown): boolean {
    return other instanceof TimeWindow && other.start === this.start && other.end === this.end;
  }

  /** `start:end`. */
  override namespaceKey(): string {
    return `${this.start}:${this.end}`;
  }

  /** `TimeWindow{start=0, end=10}`. */
  override toString(): string {
    return `TimeWindow{start=${this.start}, end=${this.end}}`;
  }

  /**
   * Start of the window of length `windowSize` (shifted by `offset`) that contains `timestamp`;
   * correct for negative timestamps too.
   */
  static getWindowStartWithOffset(timestamp: number, offset: number, windowSize: number): number {
    const remainder = (timestamp - offset) % windowSize;
    return remainder < 0 ? timestamp - (remainder + windowSize) : timestamp - remainder;
  }

  /**
   * Merges overlapping (or touching) windows: sorts them by start and reports every group of two or
   * more windows that merge, with the window covering the group, to `callback`.
   */
  static mergeWindows(windows: Iterable<TimeWindow>, callback: MergeCallback<TimeWindow>): void {
    const sorted = [...windows].sort((a, b) => a.start - b.start);
    const groups: { cover: TimeWindow; members: TimeWindow[] }[] = [];
    let current: { cover: TimeWindow; members: TimeWindow[] } | null = null;
    for (const w of sorted) {
      if (current !== null && current.cover.intersects(w)) {
        current.cover = current.cover.cover(w);
        current.members.push(w);
      } else {
        current = { cover: w, members: [w] };
        groups.push(current);
      }
    }
    for (const g of groups) if (g.members.length > 1) callback.merge(g.members, g.cover);
  }
}

/** The single window of {@link GlobalWindows}: it holds every element and never ends. */
export class GlobalWindow extends Window {
  private static readonly INSTANCE = new GlobalWindow();

  private constructor() {
    super();
  }

  /** The global window. */
  static get(): GlobalWindow {
    return GlobalWindow.INSTANCE;
  }

  /** `Infinity`: the global window never ends. */
  maxTimestamp(): number {
    return Infinity;
  }

  /** Every global window is the same window. */
  equals(other: unknown): boolean {
    return other instanceof GlobalWindow;
  }

  /** A constant. */
  override namespaceKey(): number {
    return 0;
  }

  /** `GlobalWindow`. */
  override toString(): string {
    return "GlobalWindow";
  }
}
