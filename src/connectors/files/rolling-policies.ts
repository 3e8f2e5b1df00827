/**
 * Rolling policies of the {@link FileSink}: when the in-progress part file of a bucket is closed and
 * a new one started. Every checkpoint also rolls all part files (their pre-commit), whatever the
 * policy says.
 */
import { toMillis, type DurationLike } from "../../core/duration.ts";

/** What a rolling policy knows about an in-progress part file. */
export interface PartFileInfo {
  /** The bucket the file belongs to. */
  readonly bucketId: string;
  /** Processing time the file was opened at, ms. */
  readonly creationTime: number;
  /** Processing time of its last write, ms. */
  readonly lastUpdateTime: number;
  /** Bytes written to it so far (buffered bytes included). */
  readonly size: number;
}

/** Decides when part files roll (besides on every checkpoint). */
export interface RollingPolicy<IN> {
  /** Checked before `element` is written to the part file: true rolls it first. */
  shouldRollOnEvent(partFile: PartFileInfo, element: IN): boolean;
  /** Checked periodically (the sink's bucket check interval): true rolls the part file. */
  shouldRollOnProcessingTime(partFile: PartFileInfo, currentTime: number): boolean;
}

/** 128 MiB: the default largest part file. */
export const DEFAULT_MAX_PART_SIZE = 128 * 1024 * 1024;
/** One minute: the default rollover and inactivity intervals. */
export const DEFAULT_ROLLING_INTERVAL_MS = 60_000;

/**
 * Rolls when a part file reached its largest size, has been open for the rollover interval, or
 * has not been written for the inactivity interval.
 */
export class DefaultRollingPolicy<IN = unknown> implements RollingPolicy<IN> {
  /** Largest part file size in bytes (a file rolls once it has at least this many). */
  readonly maxPartSize: number;
  /** Longest time a part file stays open, ms. */
  readonly rolloverInterval: number;
  /** A part file not written for this long rolls, ms. */
  readonly inactivityInterval: number;

  /** A policy with the given limits (prefer {@link DefaultRollingPolicy.builder}). */
  constructor(
    maxPartSize = DEFAULT_MAX_PART_SIZE,
    rolloverInterval = DEFAULT_ROLLING_INTERVAL_MS,
    inactivityInterval = DEFAULT_ROLLING_INTERVAL_MS,
  ) {
    if (!Number.isFinite(maxPartSize) || maxPartSize <= 0) {
      throw new RangeError(
        `DefaultRollingPolicy: the part size must be a positive number of bytes, got ${maxPartSize}`,
      );
    }
    this.maxPartSize = maxPartSize;
    this.rolloverInterval = rolloverInterval;
    this.inactivityInterval = inactivityInterval;
  }

  /** A builder starting from the defaults (128 MiB, one minute, one minute). */
  static builder(): DefaultRollingPolicyBuilder {
    return new DefaultRollingPolicyBuilder();
  }

  /** Rolls a file that already holds at least `maxPartSize` bytes. */
  shouldRollOnEvent(partFile: PartFileInfo): boolean {
    return partFile.size >= this.maxPartSize;
  }

  /** Rolls a file open too long or idle too long. */
  shouldRollOnProcessingTime(partFile: PartFileInfo, currentTime: number): boolean {
    return (
      currentTime - partFile.creationTime >= this.rolloverInterval ||
      currentTime - partFile.lastUpdateTime >= this.inactivityInterval
    );
  }
}

/** Builds a {@link DefaultRollingPolicy}. */
export class DefaultRollingPolicyBuilder {
  private maxPartSize = DEFAULT_MAX_PART_SIZE;
  private rolloverInterval = DEFAULT_ROLLING_INTERVAL_MS;
  private inactivityInterval = DEFAULT_ROLLING_INTERVAL_MS;
  /** Sets the largest part file size, bytes. */
  withMaxPartSize(bytes: number): this {
    this.maxPartSize = bytes;
    return this;
  }
  /** Sets the longest time a part file stays open. */
  withRolloverInterval(interval: DurationLike): this {
    this.rolloverInterval = toMillis(interval, "DefaultRollingPolicy rollover interval", 1);
    return this;
  }
  /** Sets how long a part file may go unwritten before it rolls. */
  withInactivityInterval(interval: DurationLike): this {
    this.inactivityInterval = toMillis(interval, "DefaultRollingPolicy inactivity interval", 1);
    return this;
  }
  /** The policy. */
  build<IN = unknown>(): DefaultRollingPolicy<IN> {
    return new DefaultRollingPolicy<IN>(
      this.maxPartSize,
      this.rolloverInterval,
      this.inactivityInterval,
    );
  }
}

/** Rolls only on checkpoints (and at the end of input). */
export class OnCheckpointRollingPolicy<IN = unknown> implements RollingPolicy<IN> {
  /** The policy. */
  static build<IN = unknown>(): OnCheckpointRollingPolicy<IN> {
    return new OnCheckpointRollingPolicy<IN>();
  }
  /** Never. */
  shouldRollOnEvent(): boolean {
    return false;
  }
  /** Never. */
  shouldRollOnProcessingTime(): boolean {
    return false;
  }
}
