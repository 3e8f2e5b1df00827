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
import { isSnapshotable } from "../../checkpoint/snapshot.ts";
import type { KeyedStateBackend } from "../../state/keyed-backend.ts";

/** Name of the keyed state holding window contents (see window-contents.ts). */
const CONTENTS_STATE = "window-contents";

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

  /**
   * After a restore: registers the end timer of every window that has contents in `backend` (the
   * timers are not state, the contents are). Call once the contents state is registered.
   */
  restore(backend: KeyedStateBackend, operatorName: string): void {
    if (!isSnapshotable(backend)) {
      throw new Error(
        `window operator '${operatorName}': its keyed state backend cannot list its entries, so the window timers cannot be rebuilt after a restore`,
      );
    }
    const { start, end } = backend.keyGroupRange;
    const windows: Window[] = [];
    for (let kg = start; kg <= end; kg++) {
      backend.forEachEntry(kg, (state, entry) => {
        if (state === CONTENTS_STATE) windows.push(entry.ns as Window);
      });
    }
    for (const w of windows) this.register(w, w.maxTimestamp());
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
