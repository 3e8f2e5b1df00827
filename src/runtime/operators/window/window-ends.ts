/**
 * The end-of-window timers of the window operator's lean mode: fixed-size event-time windows
 * (tumbling, sliding) with the event-time trigger and no allowed lateness, where every (key,
 * window) with contents has exactly one timer, at the window's end, which is also its cleanup
 * time. Instead of a timer object with a string id per (key, window) in the general timer service,
 * only the windows are kept, by end: a watermark fires whole windows in time order, and the
 * operator takes each window's keys from its contents state (the keys with contents are exactly
 * the keys with a timer), key group by key group.
 *
 * These timers can be re-derived from the window contents state (one per (key, window) entry),
 * which is what a snapshot of the operator needs.
 */
import type { Window } from "../../../api/windowing/windows.ts";

/** Window end -> window, with the ends in ascending order. */
export class WindowEndTimers {
  private readonly byEnd = new Map<number, Window>();
  private readonly ends: number[] = [];
  private lastEnd = NaN;

  /** Registers the end timer of `window` (ending at `end`) for the current key. */
  register(window: Window, end: number): void {
    if (end === this.lastEnd) return;
    this.lastEnd = end;
    if (this.byEnd.has(end)) return;
    this.byEnd.set(end, window);
    this.insertEnd(end);
  }

  /** Whether a window ends at or before `watermark`. */
  due(watermark: number): boolean {
    return this.ends.length > 0 && this.ends[0]! <= watermark;
  }

  /** Calls `fire(window)` for every window ending at or before `watermark`, in time order. */
  fireUpTo(watermark: number, fire: (window: Window) => void): void {
    while (this.due(watermark)) {
      const end = this.ends.shift()!;
      const window = this.byEnd.get(end)!;
      this.byEnd.delete(end);
      if (end === this.lastEnd) this.lastEnd = NaN;
      fire(window);
    }
  }

  /** Number of windows with pending timers. */
  size(): number {
    return this.byEnd.size;
  }

  private insertEnd(end: number): void {
    const ends = this.ends;
    let i = ends.length;
    while (i > 0 && ends[i - 1]! > end) i--;
    ends.splice(i, 0, end);
  }
}
