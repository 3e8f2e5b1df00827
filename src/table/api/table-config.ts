/**
 * The options of a table environment (`SET 'key' = 'value'`), with Flink's keys for the ones
 * Strom reads: `execution.runtime-mode` (streaming | batch), `parallelism.default`,
 * `table.local-time-zone` (an IANA zone, default UTC), and the mini-batch options of streaming
 * aggregations (`table.exec.mini-batch.enabled` (false), `.allow-latency` (a duration, default
 * 1 s), `.size` (rows, default 5000)), and the optimizer's `table.optimizer.join-reorder-enabled`
 * and `table.optimizer.agg-push-down-enabled` (both false), and
 * `table.optimizer.non-deterministic-update-strategy` (`TRY_RESOLVE`: refuse a non-deterministic
 * function over updating input; `IGNORE`), and `pipeline.auto-watermark-interval` (periodic
 * watermarks of scans, default 200 ms), and `table.exec.state.ttl` (a duration; 0, the default,
 * keeps state forever), and checkpointing and savepoint restore (see {@link
 * TableConfig.checkpointing}) and restarts (`restart-strategy.*`, see {@link
 * TableConfig.restartStrategy}). Unknown keys are kept (connectors and later features read them).
 */
import { parseDuration } from "../../core/duration.ts";
import { StromError } from "../../core/errors.ts";
import { RestartStrategies } from "../../api/restart-strategies.ts";
import type { RestartStrategySettings } from "../../api/checkpointing.ts";

/** Option keys Strom understands. */
export const OPTIONS = {
  RUNTIME_MODE: "execution.runtime-mode",
  PARALLELISM: "parallelism.default",
  TIME_ZONE: "table.local-time-zone",
  MINI_BATCH_ENABLED: "table.exec.mini-batch.enabled",
  MINI_BATCH_LATENCY: "table.exec.mini-batch.allow-latency",
  MINI_BATCH_SIZE: "table.exec.mini-batch.size",
  JOIN_REORDER: "table.optimizer.join-reorder-enabled",
  AGG_PUSH_DOWN: "table.optimizer.agg-push-down-enabled",
  REUSE_SUB_PLAN: "table.optimizer.reuse-sub-plan-enabled",
  NON_DETERMINISTIC_UPDATE: "table.optimizer.non-deterministic-update-strategy",
  AUTO_WATERMARK_INTERVAL: "pipeline.auto-watermark-interval",
  STATE_TTL: "table.exec.state.ttl",
  CHECKPOINT_INTERVAL: "execution.checkpointing.interval",
  CHECKPOINT_DIR: "execution.checkpointing.dir",
  SAVEPOINT_PATH: "execution.savepoint.path",
  SAVEPOINT_IGNORE_UNCLAIMED: "execution.savepoint.ignore-unclaimed-state",
  RESTART_STRATEGY: "restart-strategy.type",
  RESTART_ATTEMPTS: "restart-strategy.fixed-delay.attempts",
  RESTART_DELAY: "restart-strategy.fixed-delay.delay",
} as const;

/** The values of `restart-strategy.type`. */
const RESTART_TYPES = ["none", "off", "disable", "fixed-delay", "exponential-delay"];

/** Options whose value is `true` or `false`. */
const BOOLEAN_OPTIONS: ReadonlySet<string> = new Set([
  OPTIONS.MINI_BATCH_ENABLED,
  OPTIONS.JOIN_REORDER,
  OPTIONS.AGG_PUSH_DOWN,
  OPTIONS.REUSE_SUB_PLAN,
  OPTIONS.SAVEPOINT_IGNORE_UNCLAIMED,
]);

/** A bad option value. */
export class TableConfigError extends StromError {}

/** Key/value options of a table environment. */
export class TableConfig {
  private readonly values = new Map<string, string>();
  private readonly defaults: ReadonlyMap<string, string>;

  /** Options starting from `defaults`. */
  constructor(defaults: Record<string, string>) {
    this.defaults = new Map(Object.entries(defaults));
  }

  /** The value of `key` (set, or default), or undefined. */
  get(key: string): string | undefined {
    return this.values.get(key) ?? this.defaults.get(key);
  }

  /** Sets `key` (validating the keys Strom reads). */
  set(key: string, value: string): void {
    const v = value.trim();
    if (key === OPTIONS.RUNTIME_MODE && !["streaming", "batch"].includes(v.toLowerCase())) {
      throw new TableConfigError(
        `Invalid value '${value}' for option '${key}': expected 'streaming' or 'batch'`,
      );
    }
    if (key === OPTIONS.PARALLELISM && !(Number.isInteger(Number(v)) && Number(v) >= 1)) {
      throw new TableConfigError(
        `Invalid value '${value}' for option '${key}': expected a positive integer`,
      );
    }
    if (BOOLEAN_OPTIONS.has(key) && !["true", "false"].includes(v.toLowerCase())) {
      throw new TableConfigError(
        `Invalid value '${value}' for option '${key}': expected true or false`,
      );
    }
    if (
      key === OPTIONS.NON_DETERMINISTIC_UPDATE &&
      !["try_resolve", "ignore"].includes(v.toLowerCase())
    ) {
      throw new TableConfigError(
        `Invalid value '${value}' for option '${key}': expected 'TRY_RESOLVE' or 'IGNORE'`,
      );
    }
    if (key === OPTIONS.RESTART_STRATEGY && !RESTART_TYPES.includes(v.toLowerCase())) {
      throw new TableConfigError(
        `Invalid value '${value}' for option '${key}': expected one of ${RESTART_TYPES.join(", ")}`,
      );
    }
    if (key === OPTIONS.RESTART_ATTEMPTS && !(Number.isInteger(Number(v)) && Number(v) >= 0)) {
      throw new TableConfigError(
        `Invalid value '${value}' for option '${key}': expected an integer >= 0`,
      );
    }
    if (key === OPTIONS.MINI_BATCH_SIZE && !(Number.isInteger(Number(v)) && Number(v) >= 1)) {
      throw new TableConfigError(
        `Invalid value '${value}' for option '${key}': expected a positive integer`,
      );
    }
    if (
      key === OPTIONS.MINI_BATCH_LATENCY ||
      key === OPTIONS.AUTO_WATERMARK_INTERVAL ||
      key === OPTIONS.STATE_TTL ||
      key === OPTIONS.CHECKPOINT_INTERVAL ||
      key === OPTIONS.RESTART_DELAY
    ) {
      try {
        parseDuration(v);
      } catch {
        throw new TableConfigError(
          `Invalid value '${value}' for option '${key}': expected a duration such as '500 ms' or '1 s'`,
        );
      }
    }
    if (key === OPTIONS.TIME_ZONE) {
      try {
        new Intl.DateTimeFormat("en-US", { timeZone: v });
      } catch {
        throw new TableConfigError(
          `Invalid value '${value}' for option '${key}': unknown time zone`,
        );
      }
    }
    this.values.set(key, key === OPTIONS.RUNTIME_MODE ? v.toLowerCase() : v);
  }

  /** Removes `key` (or every key) back to the default. */
  reset(key?: string): void {
    if (key === undefined) this.values.clear();
    else this.values.delete(key);
  }

  /** All options, defaults included, sorted by key. */
  entries(): [string, string][] {
    const all = new Map([...this.defaults, ...this.values]);
    return [...all.entries()].sort(([a], [b]) => a.localeCompare(b));
  }

  /**
   * Whether streaming plans that compute a non-deterministic function over updating input are
   * refused (`TRY_RESOLVE`, the default here; Flink defaults to `IGNORE`, which runs them).
   */
  get checkNonDeterministicUpdates(): boolean {
    return this.get(OPTIONS.NON_DETERMINISTIC_UPDATE)?.toLowerCase() !== "ignore";
  }

  /**
   * Checkpointing of the jobs of queries and INSERTs (`execution.checkpointing.interval`, a
   * duration; 0 or unset: off), where checkpoints go (`execution.checkpointing.dir`, or the
   * older key `state.checkpoints.dir`; unset: a temporary directory), and the savepoint or
   * checkpoint the next job starts from (`execution.savepoint.path`, with
   * `execution.savepoint.ignore-unclaimed-state` to skip state no operator claims).
   */
  get checkpointing(): {
    intervalMs: number;
    directory: string | undefined;
    restore: { path: string; allowNonRestoredState: boolean } | undefined;
  } {
    const interval = this.get(OPTIONS.CHECKPOINT_INTERVAL);
    const path = this.get(OPTIONS.SAVEPOINT_PATH);
    return {
      intervalMs: interval === undefined ? 0 : parseDuration(interval).toMillis(),
      directory: this.get(OPTIONS.CHECKPOINT_DIR) ?? this.get("state.checkpoints.dir"),
      restore:
        path === undefined || path === ""
          ? undefined
          : {
              path,
              allowNonRestoredState:
                this.get(OPTIONS.SAVEPOINT_IGNORE_UNCLAIMED)?.toLowerCase() === "true",
            },
    };
  }

  /**
   * The restart strategy of jobs (`restart-strategy.type`: `none` (also `off`, `disable`),
   * `fixed-delay` with `restart-strategy.fixed-delay.attempts` (default 1) and `.delay`
   * (default 1 s), or `exponential-delay` with Flink's defaults); undefined: the engine's
   * default (no restarts, or exponential delay with checkpointing).
   */
  get restartStrategy(): RestartStrategySettings | undefined {
    const type = this.get(OPTIONS.RESTART_STRATEGY)?.toLowerCase();
    if (type === undefined) return undefined;
    if (type === "fixed-delay") {
      return RestartStrategies.fixedDelayRestart(
        Number(this.get(OPTIONS.RESTART_ATTEMPTS) ?? "1"),
        parseDuration(this.get(OPTIONS.RESTART_DELAY) ?? "1 s").toMillis(),
      );
    }
    if (type === "exponential-delay") return RestartStrategies.exponentialDelayRestart();
    return RestartStrategies.noRestart();
  }

  /** Whether queries run in batch mode. */
  get batch(): boolean {
    return this.get(OPTIONS.RUNTIME_MODE) === "batch";
  }

  /** The default parallelism. */
  get parallelism(): number {
    return Number(this.get(OPTIONS.PARALLELISM) ?? "1");
  }

  /** Mini-batch settings of streaming aggregations, or undefined when off. */
  get miniBatch(): { size: number; latencyMs: number } | undefined {
    if (this.get(OPTIONS.MINI_BATCH_ENABLED)?.toLowerCase() !== "true") return undefined;
    return {
      size: Number(this.get(OPTIONS.MINI_BATCH_SIZE) ?? "5000"),
      latencyMs: parseDuration(this.get(OPTIONS.MINI_BATCH_LATENCY) ?? "1 s").toMillis(),
    };
  }

  /**
   * `table.exec.state.ttl` in ms: how long the per-key state of regular joins, group
   * aggregations, Top-N, deduplication and set operations lives without being written, by
   * processing time (0, the default: forever).
   */
  get stateTtl(): number {
    const v = this.get(OPTIONS.STATE_TTL);
    return v === undefined ? 0 : parseDuration(v).toMillis();
  }

  /** Whether identical parts of a plan are computed once and shared (default true, as Flink). */
  get reuseSubPlan(): boolean {
    return this.get(OPTIONS.REUSE_SUB_PLAN)?.toLowerCase() !== "false";
  }

  /** Whether chains of inner joins are reordered by estimated size (default false, as Flink). */
  get joinReorder(): boolean {
    return this.get(OPTIONS.JOIN_REORDER)?.toLowerCase() === "true";
  }

  /** Whether aggregates over UNION ALL are split into partial and final phases (default false). */
  get aggPushDown(): boolean {
    return this.get(OPTIONS.AGG_PUSH_DOWN)?.toLowerCase() === "true";
  }

  /**
   * `pipeline.auto-watermark-interval` in ms (how often scans emit periodic watermarks), or
   * undefined when not set (the environment's default, 200 ms).
   */
  get autoWatermarkInterval(): number | undefined {
    const v = this.get(OPTIONS.AUTO_WATERMARK_INTERVAL);
    return v === undefined ? undefined : parseDuration(v).toMillis();
  }

  /** The session time zone. */
  get timeZone(): string {
    return this.get(OPTIONS.TIME_ZONE) ?? "UTC";
  }
}
