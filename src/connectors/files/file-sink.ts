/**
 * The file sink: exactly-once row-format files through two-phase commit. Records go to buckets
 * (sub-directories) as hidden in-progress part files (`.part-<uid>-<subtask>-<n>.inprogress`);
 * each checkpoint pre-commits them (synced and closed) and they are renamed to their visible name
 * (`part-<uid>-<subtask>-<n>`) once that checkpoint completes, or at the end of a job without
 * checkpointing. Readers skipping hidden files thus only ever see committed data.
 */
import * as nodePath from "node:path";
import { toMillis, type DurationLike } from "../../core/duration.ts";
import type { SinkInitContext, TwoPhaseCommittingSink } from "../../api/sink.ts";
import { DateTimeBucketAssigner, type BucketAssigner } from "./bucket-assigners.ts";
import type { Encoder } from "./encoder.ts";
import { FileCommitter, type FileSinkCommittable } from "./file-committer.ts";
import { FileSinkWriter } from "./file-writer.ts";
import { OutputFileConfig } from "./output-file-config.ts";
import { DefaultRollingPolicy, type RollingPolicy } from "./rolling-policies.ts";

/** One minute: how often open part files are checked for time-based rolling by default. */
export const DEFAULT_BUCKET_CHECK_INTERVAL_MS = 60_000;

/** Settings of a {@link FileSink} (see {@link RowFormatBuilder}). */
export interface FileSinkSettings<IN> {
  /** Absolute base directory. */
  readonly basePath: string;
  /** Turns records into bytes. */
  readonly encoder: Encoder<IN>;
  /** Chooses each record's bucket. */
  readonly bucketAssigner: BucketAssigner<IN>;
  /** Decides when part files roll (they also roll on every checkpoint). */
  readonly rollingPolicy: RollingPolicy<IN>;
  /** Part file naming. */
  readonly outputFileConfig: OutputFileConfig;
  /** How often open parts are checked for time-based rolling, ms. */
  readonly bucketCheckInterval: number;
}

/** A two-phase-committing sink writing rows into part files under a base directory. */
export class FileSink<IN> implements TwoPhaseCommittingSink<IN, FileSinkCommittable> {
  /** The sink's settings. */
  readonly settings: FileSinkSettings<IN>;

  /** A sink with `settings` (prefer {@link FileSink.forRowFormat}). */
  constructor(settings: FileSinkSettings<IN>) {
    this.settings = settings;
  }

  /** Starts building a sink writing one encoded row per record under `basePath`. */
  static forRowFormat<IN>(basePath: string, encoder: Encoder<IN>): RowFormatBuilder<IN> {
    return new RowFormatBuilder<IN>(basePath, encoder);
  }

  /** The writer of one subtask. */
  createWriter(context: SinkInitContext): FileSinkWriter<IN> {
    const s = this.settings;
    const encoder = s.encoder;
    return new FileSinkWriter<IN>(
      {
        basePath: s.basePath,
        encode: (element) => encoder.encode(element),
        bucketAssigner: s.bucketAssigner,
        rollingPolicy: s.rollingPolicy,
        outputFileConfig: s.outputFileConfig,
        bucketCheckInterval: s.bucketCheckInterval,
      },
      context,
    );
  }

  /** The committer renaming pre-committed part files. */
  createCommitter(): FileCommitter {
    return new FileCommitter(this.settings.basePath, `FileSink (${this.settings.basePath})`);
  }
}

/** Builds a row-format {@link FileSink}. */
export class RowFormatBuilder<IN> {
  private readonly basePath: string;
  private readonly encoder: Encoder<IN>;
  private bucketAssigner: BucketAssigner<IN> = new DateTimeBucketAssigner<IN>();
  private rollingPolicy: RollingPolicy<IN> = DefaultRollingPolicy.builder().build<IN>();
  private outputFileConfig = new OutputFileConfig();
  private bucketCheckInterval = DEFAULT_BUCKET_CHECK_INTERVAL_MS;

  /** Starts with the defaults: hourly date-time buckets, the default rolling policy, `part-` names. */
  constructor(basePath: string, encoder: Encoder<IN>) {
    if (typeof basePath !== "string" || basePath === "") {
      throw new TypeError("FileSink.forRowFormat: expected a non-empty base directory path");
    }
    if (!encoder || typeof encoder.encode !== "function") {
      throw new TypeError(
        "FileSink.forRowFormat: expected an Encoder with encode(element), e.g. new SimpleStringEncoder()",
      );
    }
    this.basePath = nodePath.resolve(basePath);
    this.encoder = encoder;
  }

  /** Sets the bucket assigner (default: {@link DateTimeBucketAssigner}). */
  withBucketAssigner(assigner: BucketAssigner<IN>): this {
    if (!assigner || typeof assigner.getBucketId !== "function") {
      throw new TypeError("FileSink: withBucketAssigner expects an object with getBucketId()");
    }
    this.bucketAssigner = assigner;
    return this;
  }

  /** Sets the rolling policy (default: {@link DefaultRollingPolicy}). */
  withRollingPolicy(policy: RollingPolicy<IN>): this {
    if (
      !policy ||
      typeof policy.shouldRollOnEvent !== "function" ||
      typeof policy.shouldRollOnProcessingTime !== "function"
    ) {
      throw new TypeError(
        "FileSink: withRollingPolicy expects a RollingPolicy (shouldRollOnEvent, shouldRollOnProcessingTime)",
      );
    }
    this.rollingPolicy = policy;
    return this;
  }

  /** Sets part file prefix and suffix. */
  withOutputFileConfig(config: OutputFileConfig): this {
    if (!(config instanceof OutputFileConfig)) {
      throw new TypeError(
        "FileSink: withOutputFileConfig expects an OutputFileConfig (OutputFileConfig.builder()...build())",
      );
    }
    this.outputFileConfig = config;
    return this;
  }

  /** Sets how often open part files are checked for time-based rolling (default one minute). */
  withBucketCheckInterval(interval: DurationLike): this {
    this.bucketCheckInterval = toMillis(interval, "FileSink bucket check interval", 1);
    return this;
  }

  /** The sink. */
  build(): FileSink<IN> {
    return new FileSink<IN>({
      basePath: this.basePath,
      encoder: this.encoder,
      bucketAssigner: this.bucketAssigner,
      rollingPolicy: this.rollingPolicy,
      outputFileConfig: this.outputFileConfig,
      bucketCheckInterval: this.bucketCheckInterval,
    });
  }
}
