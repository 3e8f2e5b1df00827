/**
 * The end-of-window timers of the window operator's lean mode: fixed-size event-time windows
 * (tumbling, sliding) with the event-time trigger and no allowed lateness, where every (key,
 * window) with contents has exactly one timer, at the window's end, which is also its cleanup
 * time. Instead of a timer object with a string id per (key, window) in the general timer service,
 * the keys are appended to one array per window end; a watermark fires whole windows in time
 * order, each key in registration order (as the timer service would).
 *
 * These timers can be re-derived from the window contents state (one per (key, window) entry),
 * which is what a snapshot of the operator needs.
 */
import type { Window } from "../../../api/windowing/windows.ts";

/** The keys with contents in one window. */
interface WindowKeys {
  readonly window: Window;
  readonly keys: unknown[];
}

/** Window end -> keys, with the ends in ascending order. */
export class WindowEndTimers {
  private readonly byEnd = new Map<number, WindowKeys>();
  private readonly ends: number[] = [];
  private lastEnd = NaN;
  private last: WindowKeys | null = null;

  /** Registers the end timer of `window` (ending at `end`) for `key`; once per (key, window). */
  register(window: Window, end: number, key: unknown): void {
    let entry = end === this.lastEnd ? this.last : this.byEnd.get(end);
    if (entry === undefined || entry === null) {
      entry = { window, keys: [] };
      this.byEnd.set(end, entry);
      this.insertEnd(end);
    }
    this.lastEnd = end;
    this.last = entry;
    entry.keys.push(key);
  }

  /** Whether a window ends at or before `watermark`. */
  due(watermark: number): boolean {
    return this.ends.length > 0 && this.ends[0]! <= watermark;
  }

  /** Calls `fire(window, key)` for every timer at or before `watermark`, in time order. */
  fireUpTo(watermark: number, fire: (window: Window, key: unknown) => void): void {
    while (this.due(watermark)) {
      const end = this.ends.shift()!;
      const entry = this.byEnd.get(end)!;
      this.byEnd.delete(end);
      if (this.last === entry) {
        this.last = null;
        this.lastEnd = NaN;
      }
      const keys = entry.keys;
      for (let i = 0; i < keys.length; i++) fire(entry.window, keys[i]);
    }
  }

  /** Number of pending (key, window) timers. */
  size(): number {
    let n = 0;
    for (const e of this.byEnd.values()) n += e.keys.length;
    return n;
  }

  private insertEnd(end: number): void {
    const ends = this.ends;
    let i = ends.length;
    while (i > 0 && ends[i - 1]! > end) i--;
    ends.splice(i, 0, end);
  }
}
