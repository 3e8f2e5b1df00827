/** Flink-style setters over a job's checkpoint settings. */
import { toMillis, type DurationLike } from "../core/duration.ts";
import { InvalidJobError } from "../core/errors.ts";
import type { CheckpointingMode, CheckpointSettings } from "./checkpointing.ts";

/** The checkpoint settings of an environment (`env.getCheckpointConfig()`). */
export class CheckpointConfig {
  private readonly s: CheckpointSettings;

  /** Wraps `settings` (changes write through). */
  constructor(settings: CheckpointSettings) {
    this.s = settings;
  }

  /** Whether checkpointing is on. */
  isCheckpointingEnabled(): boolean {
    return this.s.interval > 0;
  }
  /** Checkpoint interval (ms). */
  getCheckpointInterval(): number {
    return this.s.interval;
  }
  /** Exactly-once or at-least-once. */
  setCheckpointingMode(mode: CheckpointingMode): this {
    this.s.mode = mode;
    return this;
  }
  /** Exactly-once or at-least-once. */
  getCheckpointingMode(): CheckpointingMode {
    return this.s.mode;
  }
  /** A checkpoint not complete after `timeout` is aborted. */
  setCheckpointTimeout(timeout: DurationLike): this {
    this.s.timeout = toMillis(timeout, "checkpoint timeout", 1);
    return this;
  }
  /** Minimum pause between the end of a checkpoint and the start of the next. */
  setMinPauseBetweenCheckpoints(pause: DurationLike): this {
    this.s.minPauseBetweenCheckpoints = toMillis(pause, "min pause between checkpoints");
    return this;
  }
  /** Checkpoints that may be in progress at once. */
  setMaxConcurrentCheckpoints(n: number): this {
    positive(n, "max concurrent checkpoints");
    this.s.maxConcurrentCheckpoints = n;
    return this;
  }
  /** Completed checkpoints kept in the checkpoint directory. */
  setNumRetainedCheckpoints(n: number): this {
    positive(n, "retained checkpoints");
    this.s.retainedCheckpoints = n;
    return this;
  }
  /** Where checkpoints are stored (a directory every TaskManager can reach). */
  setCheckpointStorage(directory: string): this {
    this.s.directory = directory;
    return this;
  }
  /** Checkpoint failures in a row tolerated before the job fails (-1: unlimited). */
  setTolerableCheckpointFailureNumber(n: number): this {
    if (!Number.isInteger(n) || n < -1) {
      throw new InvalidJobError(`tolerable checkpoint failures must be an integer >= -1, got ${n}`);
    }
    this.s.tolerableFailedCheckpoints = n;
    return this;
  }
  /**
   * Incremental checkpoints of the disk backend: at most `n` delta files after each full one
   * (default 10); 0 turns them off (every checkpoint full).
   */
  setMaxIncrementalDeltas(n: number): this {
    if (!Number.isInteger(n) || n < 0) {
      throw new InvalidJobError(`max incremental deltas must be an integer >= 0, got ${n}`);
    }
    this.s.maxDeltas = n;
    return this;
  }
  /** Unaligned checkpoints (barriers overtake in-flight data; exactly-once only). */
  enableUnalignedCheckpoints(enabled = true): this {
    this.s.unaligned = enabled;
    return this;
  }
  /** With unaligned checkpoints: start aligned, switch to unaligned after `timeout`. */
  setAlignedCheckpointTimeout(timeout: DurationLike): this {
    this.s.alignedCheckpointTimeout = toMillis(timeout, "aligned checkpoint timeout");
    return this;
  }
}

function positive(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidJobError(`${what} must be a positive integer, got ${n}`);
  }
}
