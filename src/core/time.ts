/**
 * Injected time. The runtime never reads the wall clock or starts timers directly; it asks a
 * {@link Clock} and a {@link TimerScheduler}, so tests can drive time by hand and stay fast and
 * deterministic. This file is the only place allowed to touch the real clock.
 */

/** A source of "now" in milliseconds since the epoch. */
export interface Clock {
  /** Current time in milliseconds (may be fractional for a high-resolution clock). */
  now(): number;
}

/** A handle that cancels a scheduled callback. */
export interface Cancellable {
  /** Cancels the callback if it has not run yet. */
  cancel(): void;
}

/** Schedules callbacks at absolute processing times of its clock. */
export interface TimerScheduler extends Clock {
  /** Runs `callback` once `now() >= time`. */
  scheduleAt(time: number, callback: () => void): Cancellable;
}

/** The real wall clock with Node's timers. */
export class SystemTimerScheduler implements TimerScheduler {
  /** Wall-clock milliseconds. */
  now(): number {
    return Date.now();
  }

  /** Schedules with `setTimeout`; the timer does not keep the process alive. */
  scheduleAt(time: number, callback: () => void): Cancellable {
    const handle = setTimeout(callback, Math.max(0, time - Date.now()));
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  }
}

/** The process-wide default scheduler (the wall clock). */
export const systemTimerScheduler: TimerScheduler = new SystemTimerScheduler();

/**
 * A clock that only moves when told to. `advanceTo` runs every due callback in time order.
 * Used by tests to make processing-time behaviour deterministic.
 */
export class ManualTimerScheduler implements TimerScheduler {
  private current: number;
  private seq = 0;
  private readonly pending: { time: number; seq: number; callback: () => void; live: boolean }[] =
    [];

  /** Starts the clock at `start` milliseconds. */
  constructor(start = 0) {
    this.current = start;
  }

  /** The manual current time. */
  now(): number {
    return this.current;
  }

  /** Registers a callback for `time`; runs at the next `advanceTo` that reaches it. */
  scheduleAt(time: number, callback: () => void): Cancellable {
    const entry = { time, seq: this.seq++, callback, live: true };
    this.pending.push(entry);
    return { cancel: () => (entry.live = false) };
  }

  /** Moves time forward to `time`, running due callbacks in (time, registration) order. */
  advanceTo(time: number): void {
    for (;;) {
      let best = -1;
      for (let i = 0; i < this.pending.length; i++) {
        const p = this.pending[i]!;
        if (!p.live || p.time > time) continue;
        if (best < 0) best = i;
        else {
          const b = this.pending[best]!;
          if (p.time < b.time || (p.time === b.time && p.seq < b.seq)) best = i;
        }
      }
      if (best < 0) break;
      const [entry] = this.pending.splice(best, 1);
      this.current = Math.max(this.current, entry!.time);
      entry!.callback();
    }
    this.current = Math.max(this.current, time);
    for (let i = this.pending.length - 1; i >= 0; i--)
      if (!this.pending[i]!.live) this.pending.splice(i, 1);
  }

  /** Advances by `ms` milliseconds. */
  advanceBy(ms: number): void {
    this.advanceTo(this.current + ms);
  }
}
