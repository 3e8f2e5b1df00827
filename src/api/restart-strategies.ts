/**
 * The builder of restart strategies (as in Flink's `RestartStrategies`): each factory checks its
 * arguments and returns plain {@link RestartStrategySettings} data for
 * `env.setRestartStrategy(...)`. Durations are {@link DurationLike} (a `Duration` or ms).
 */
import { toMillis, type DurationLike } from "../core/duration.ts";
import type { RestartStrategySettings } from "./checkpointing.ts";

/** Options of {@link RestartStrategies.exponentialDelayRestart}. */
export interface ExponentialDelayRestartOptions {
  /** Delay before the first restart (default 1 s). */
  readonly initialBackoff?: DurationLike;
  /** Upper bound of the delay (default 1 min). */
  readonly maxBackoff?: DurationLike;
  /** Factor applied to the delay after each failure (>= 1, default 1.5). */
  readonly multiplier?: number;
  /** A job running this long without failure starts again from the initial backoff (default 1 h). */
  readonly resetBackoffThreshold?: DurationLike;
  /** Random +- fraction applied to each delay (0..1, default 0.1). */
  readonly jitter?: number;
  /** Restarts allowed before the job fails, counted since the last reset (default unlimited). */
  readonly attempts?: number;
}

/** Flink's documented defaults of the exponential-delay strategy. */
export const EXPONENTIAL_DELAY_DEFAULTS = {
  initialBackoff: 1_000,
  maxBackoff: 60_000,
  multiplier: 1.5,
  resetBackoffThreshold: 3_600_000,
  jitter: 0.1,
  attempts: Infinity,
} as const;

/** Factories of restart strategies. */
export const RestartStrategies = {
  /** Never restart: the first failure fails the job. */
  noRestart(): RestartStrategySettings {
    return { kind: "none" };
  },

  /** Restart at most `attempts` times in total (a non-negative integer), each after `delay`. */
  fixedDelayRestart(attempts: number, delay: DurationLike): RestartStrategySettings {
    return validateRestartStrategy({
      kind: "fixed-delay",
      attempts,
      delay: toMillis(delay, "fixedDelayRestart: delay"),
    });
  },

  /**
   * Restart after a delay growing by `multiplier` per failure up to `maxBackoff`, randomized by
   * `jitter`; after `resetBackoffThreshold` without failure the delay starts over. Unset options
   * take Flink's defaults ({@link EXPONENTIAL_DELAY_DEFAULTS}).
   */
  exponentialDelayRestart(options: ExponentialDelayRestartOptions = {}): RestartStrategySettings {
    const d = EXPONENTIAL_DELAY_DEFAULTS;
    const where = "exponentialDelayRestart";
    return validateRestartStrategy({
      kind: "exponential-delay",
      initialBackoff: toMillis(
        options.initialBackoff ?? d.initialBackoff,
        `${where}: initialBackoff`,
      ),
      maxBackoff: toMillis(options.maxBackoff ?? d.maxBackoff, `${where}: maxBackoff`),
      multiplier: options.multiplier ?? d.multiplier,
      resetBackoffThreshold: toMillis(
        options.resetBackoffThreshold ?? d.resetBackoffThreshold,
        `${where}: resetBackoffThreshold`,
      ),
      jitter: options.jitter ?? d.jitter,
      attempts: options.attempts ?? d.attempts,
    });
  },

  /**
   * Restart after `delay` as long as no more than `maxFailuresPerInterval` failures (the current
   * one included) happened within the last `interval`; the next one fails the job.
   */
  failureRateRestart(
    maxFailuresPerInterval: number,
    interval: DurationLike,
    delay: DurationLike,
  ): RestartStrategySettings {
    return validateRestartStrategy({
      kind: "failure-rate",
      maxFailuresPerInterval,
      interval: toMillis(interval, "failureRateRestart: interval", 1),
      delay: toMillis(delay, "failureRateRestart: delay"),
    });
  },
} as const;

/** Exponential-delay settings with Flink's defaults (the default strategy with checkpointing). */
export function defaultExponentialDelay(): RestartStrategySettings {
  return { kind: "exponential-delay", ...EXPONENTIAL_DELAY_DEFAULTS };
}

/**
 * Checks restart settings (plain data, e.g. from a config object) and returns them; throws a
 * RangeError naming the strategy and the bad field.
 */
export function validateRestartStrategy(s: RestartStrategySettings): RestartStrategySettings {
  const bad = (field: string, value: unknown, want: string): never => {
    throw new RangeError(
      `restart strategy '${s.kind}': ${field} must be ${want}, got ${String(value)}`,
    );
  };
  const ms = (field: string, v: number, min = 0): void => {
    if (typeof v !== "number" || !Number.isFinite(v) || v < min) bad(field, v, `ms >= ${min}`);
  };
  if (s === null || typeof s !== "object") {
    throw new TypeError(`a restart strategy must be an object, got ${String(s)}`);
  }
  switch (s.kind) {
    case "none":
      return s;
    case "fixed-delay":
      if (!Number.isSafeInteger(s.attempts) || s.attempts < 0) {
        bad("attempts", s.attempts, "a non-negative integer");
      }
      ms("delay", s.delay);
      return s;
    case "exponential-delay":
      ms("initialBackoff", s.initialBackoff, 1);
      ms("maxBackoff", s.maxBackoff, 1);
      if (s.maxBackoff < s.initialBackoff) {
        bad("maxBackoff", s.maxBackoff, `>= initialBackoff (${s.initialBackoff} ms)`);
      }
      if (typeof s.multiplier !== "number" || !Number.isFinite(s.multiplier) || s.multiplier < 1) {
        bad("multiplier", s.multiplier, "a finite number >= 1");
      }
      ms("resetBackoffThreshold", s.resetBackoffThreshold, 1);
      if (typeof s.jitter !== "number" || !(s.jitter >= 0 && s.jitter <= 1)) {
        bad("jitter", s.jitter, "a fraction between 0 and 1");
      }
      if (s.attempts !== Infinity && (!Number.isSafeInteger(s.attempts) || s.attempts < 1)) {
        bad("attempts", s.attempts, "a positive integer or Infinity");
      }
      return s;
    case "failure-rate":
      if (!Number.isSafeInteger(s.maxFailuresPerInterval) || s.maxFailuresPerInterval < 1) {
        bad("maxFailuresPerInterval", s.maxFailuresPerInterval, "a positive integer");
      }
      ms("interval", s.interval, 1);
      ms("delay", s.delay);
      return s;
    default:
      throw new RangeError(
        `unknown restart strategy '${String((s as { kind?: unknown }).kind)}': use none, fixed-delay, exponential-delay or failure-rate`,
      );
  }
}
