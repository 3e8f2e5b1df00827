/**
 * Checkpointing and restart settings (plain data carried in the job's config) and the
 * checkpoint-listener contract of user functions, as in Flink's `CheckpointConfig`,
 * `CheckpointingMode`, `RestartStrategies` and `CheckpointListener`.
 */

/** Exactly-once aligns barriers on multi-input tasks; at-least-once does not. */
export type CheckpointingMode = "EXACTLY_ONCE" | "AT_LEAST_ONCE";
/** Checkpointing mode constants. */
export const CheckpointingMode = {
  EXACTLY_ONCE: "EXACTLY_ONCE",
  AT_LEAST_ONCE: "AT_LEAST_ONCE",
} as const;

/** Checkpoint settings of a job (all times in ms). */
export interface CheckpointSettings {
  /** Interval between checkpoint triggers; 0 disables checkpointing. */
  interval: number;
  /** Barrier handling. */
  mode: CheckpointingMode;
  /** A checkpoint not complete after this long is aborted. */
  timeout: number;
  /** Minimum pause between the end of one checkpoint and the start of the next. */
  minPauseBetweenCheckpoints: number;
  /** Checkpoints that may be in progress at once. */
  maxConcurrentCheckpoints: number;
  /** Completed checkpoints kept in the checkpoint directory (older ones are deleted). */
  retainedCheckpoints: number;
  /** Barriers overtake in-flight data, which is stored with the checkpoint (exactly-once only). */
  unaligned: boolean;
  /** With `unaligned`: start aligned and switch to unaligned after this long (0: unaligned at once). */
  alignedCheckpointTimeout: number;
  /** Where checkpoints are stored (a local or mounted shared directory), or null (no storage). */
  directory: string | null;
  /** Failed checkpoints tolerated before the job fails (-1: unlimited). */
  tolerableFailedCheckpoints: number;
  /**
   * Incremental checkpoints (keyed backends with a change log, i.e. the disk backend): deltas a
   * chain holds before the next checkpoint is full again; 0 turns incremental checkpoints off.
   */
  maxDeltas: number;
}

/** The defaults: checkpointing off. */
export function defaultCheckpointSettings(): CheckpointSettings {
  return {
    interval: 0,
    mode: "EXACTLY_ONCE",
    timeout: 10 * 60_000,
    minPauseBetweenCheckpoints: 0,
    maxConcurrentCheckpoints: 1,
    retainedCheckpoints: 1,
    unaligned: false,
    alignedCheckpointTimeout: 0,
    directory: null,
    tolerableFailedCheckpoints: -1,
    maxDeltas: 10,
  };
}

/** How a failed job restarts (plain data; see {@link RestartStrategies}). */
export type RestartStrategySettings =
  | { readonly kind: "none" }
  | { readonly kind: "fixed-delay"; readonly attempts: number; readonly delay: number }
  | {
      readonly kind: "exponential-delay";
      readonly initialBackoff: number;
      readonly maxBackoff: number;
      readonly multiplier: number;
      /** A job running this long without failure resets the backoff. */
      readonly resetBackoffThreshold: number;
      /** Random +- fraction applied to each delay. */
      readonly jitter: number;
      /** Maximum attempts (Infinity: unlimited). */
      readonly attempts: number;
    }
  | {
      readonly kind: "failure-rate";
      readonly maxFailuresPerInterval: number;
      readonly interval: number;
      readonly delay: number;
    };

/** Where a restored job starts from. */
export interface RestoreSettings {
  /** A checkpoint or savepoint directory (containing `_metadata`), or "latest" in the checkpoint directory. */
  readonly path: string;
  /** Skip state of operators that no longer exist instead of failing. */
  readonly allowNonRestoredState: boolean;
}

/**
 * A user function (or source reader / sink writer) that wants to hear when a checkpoint it took
 * part in completed or was aborted.
 */
export interface CheckpointListener {
  /** The checkpoint completed on every task (commit side effects here). */
  notifyCheckpointComplete(checkpointId: number): void | Promise<void>;
  /** The checkpoint was aborted. */
  notifyCheckpointAborted?(checkpointId: number): void | Promise<void>;
}

/** Whether `x` implements {@link CheckpointListener}. */
export function isCheckpointListener(x: unknown): x is CheckpointListener {
  return (
    typeof x === "object" &&
    x !== null &&
    typeof (x as CheckpointListener).notifyCheckpointComplete === "function"
  );
}
