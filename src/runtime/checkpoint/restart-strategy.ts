/**
 * The restart decision of a failed job (Flink's RestartBackoffTimeStrategy), as pure code: the
 * caller passes the time of each failure and of each successful restart, and gets back whether
 * to restart and after how long. Jitter takes its randomness from an injected function.
 */
import type { RestartStrategySettings } from "../../api/checkpointing.ts";
import { defaultExponentialDelay, validateRestartStrategy } from "../../api/restart-strategies.ts";

/** What to do about a failure. */
export type RestartDecision =
  | { readonly restart: true; readonly delay: number }
  | { readonly restart: false; readonly reason: string };

/** The restart state of one job. */
export interface RestartBackoff {
  /** The effective settings (the default resolved). */
  readonly settings: RestartStrategySettings;
  /** The job failed at `now` (ms): restart after `delay` ms, or fail for `reason`. */
  onFailure(now: number): RestartDecision;
  /**
   * The job runs again (its tasks were redeployed) since `now`: from here on the exponential
   * strategy measures the failure-free time that resets its backoff.
   */
  onRunning(now: number): void;
}

/**
 * The restart state for `settings`; null takes the default, which is exponential delay with
 * Flink's defaults when checkpointing is on and no restart otherwise. `random` (values in [0, 1))
 * drives the jitter of the exponential strategy.
 */
export function createRestartBackoff(
  settings: RestartStrategySettings | null,
  checkpointingEnabled: boolean,
  random: () => number = Math.random,
): RestartBackoff {
  const s =
    settings === null
      ? checkpointingEnabled
        ? defaultExponentialDelay()
        : ({ kind: "none" } as const)
      : validateRestartStrategy(settings);
  switch (s.kind) {
    case "none":
      return new NoRestart(s);
    case "fixed-delay":
      return new FixedDelay(s);
    case "exponential-delay":
      return new ExponentialDelay(s, random);
    case "failure-rate":
      return new FailureRate(s);
  }
}

class NoRestart implements RestartBackoff {
  readonly settings: RestartStrategySettings;
  constructor(settings: RestartStrategySettings) {
    this.settings = settings;
  }
  onFailure(): RestartDecision {
    return {
      restart: false,
      reason:
        "the restart strategy is 'none' (set one with env.setRestartStrategy(...), or enable checkpointing for the exponential-delay default)",
    };
  }
  onRunning(): void {}
}

type Fixed = Extract<RestartStrategySettings, { kind: "fixed-delay" }>;

/** At most `attempts` restarts over the job's life, each after the same delay. */
class FixedDelay implements RestartBackoff {
  readonly settings: Fixed;
  private failures = 0;
  constructor(settings: Fixed) {
    this.settings = settings;
  }
  onFailure(): RestartDecision {
    this.failures++;
    const { attempts, delay } = this.settings;
    if (this.failures > attempts) {
      return {
        restart: false,
        reason: `the fixed-delay restart strategy allows ${attempts} restart${attempts === 1 ? "" : "s"}, and the job failed ${this.failures} times`,
      };
    }
    return { restart: true, delay };
  }
  onRunning(): void {}
}

type Exponential = Extract<RestartStrategySettings, { kind: "exponential-delay" }>;

/**
 * Delays growing by `multiplier` up to `maxBackoff`, each randomized by +-`jitter`; a job that ran
 * `resetBackoffThreshold` without failing starts again at the initial backoff with its attempts
 * counted from zero. A failure while a restart is pending (before the restart time) is merged into
 * that restart: it gets the remaining delay and counts no attempt.
 */
class ExponentialDelay implements RestartBackoff {
  readonly settings: Exponential;
  private readonly random: () => number;
  /** Restarts since the last reset. */
  private attempts = 0;
  /** The backoff of the last restart (before jitter); 0 before the first. */
  private backoff = 0;
  /** When the pending (or last) restart happens / happened; -Infinity before the first. */
  private restartAt = -Infinity;
  /** Since when the job runs without failure (the last onRunning, else the last restart time). */
  private runningSince = -Infinity;

  constructor(settings: Exponential, random: () => number) {
    this.settings = settings;
    this.random = random;
  }

  onFailure(now: number): RestartDecision {
    const s = this.settings;
    if (now < this.restartAt) return { restart: true, delay: this.restartAt - now };
    const since = Math.max(this.runningSince, this.restartAt);
    if (this.backoff === 0 || now - since >= s.resetBackoffThreshold) {
      this.attempts = 0;
      this.backoff = s.initialBackoff;
    } else {
      this.backoff = Math.min(s.maxBackoff, this.backoff * s.multiplier);
    }
    this.attempts++;
    if (this.attempts > s.attempts) {
      return {
        restart: false,
        reason: `the exponential-delay restart strategy allows ${s.attempts} restart${s.attempts === 1 ? "" : "s"} without a failure-free run of ${s.resetBackoffThreshold} ms, and they are used up`,
      };
    }
    const r = this.random();
    const factor = 1 + s.jitter * (2 * Math.min(1, Math.max(0, r)) - 1);
    const delay = Math.max(0, Math.round(this.backoff * factor));
    this.restartAt = now + delay;
    this.runningSince = -Infinity;
    return { restart: true, delay };
  }

  onRunning(now: number): void {
    this.runningSince = now;
  }
}

type Rate = Extract<RestartStrategySettings, { kind: "failure-rate" }>;

/** Restarts after `delay` while at most `maxFailuresPerInterval` failures fall within `interval`. */
class FailureRate implements RestartBackoff {
  readonly settings: Rate;
  /** Times of the recent failures, oldest first. */
  private readonly failures: number[] = [];
  constructor(settings: Rate) {
    this.settings = settings;
  }
  onFailure(now: number): RestartDecision {
    const { maxFailuresPerInterval: max, interval, delay } = this.settings;
    const f = this.failures;
    f.push(now);
    while (f.length > 0 && now - f[0]! >= interval) f.shift();
    if (f.length > max) {
      return {
        restart: false,
        reason: `the failure-rate restart strategy allows ${max} failure${max === 1 ? "" : "s"} per ${interval} ms, and the job failed ${f.length} times within the last ${interval} ms`,
      };
    }
    return { restart: true, delay };
  }
  onRunning(): void {}
}
