/**
 * Partition commit of the `filesystem` sink (Flink's `sink.partition-commit.*` and
 * `partition.time-extractor.*` options): when the files of a partition are committed and its
 * trigger fires, the commit policy runs. Policies: `success-file` (an empty `_SUCCESS` file in
 * the partition's directory). `metastore` and `custom` are refused: there is no metastore and no
 * policy class here. Triggers: `process-time` (the partition was first written at least
 * `sink.partition-commit.delay` ago, on the job's clock) and `partition-time` (the watermark
 * passed the time extracted from the partition's values plus the delay). Either way a partition
 * is committed with the checkpoint that commits its files, and every partition at the end of
 * bounded input.
 */
import { DdlValidationError } from "../catalog/errors.ts";
import { DatePatternError, compilePattern } from "../functions/date-pattern.ts";
import { parseDateTime } from "../functions/date-parse.ts";
import { parseTimestamp } from "../types/datetime.ts";
import { checkTimeZone, localMillisToInstant } from "../types/time-zone.ts";
import type { TableContext } from "./factory.ts";
import {
  PARTITION_DEFAULT_NAME,
  partitionTexts,
  type PartitionLayout,
} from "./filesystem-partitions.ts";
import { booleanOption, durationOption, enumOption, stringOption } from "./options.ts";

/** `sink.partition-commit.trigger`. */
export const COMMIT_TRIGGER = enumOption(
  "sink.partition-commit.trigger",
  ["process-time", "partition-time"],
  "When a partition is committed: by the job's clock since it was created, or by the watermark past its extracted time.",
  "process-time",
);
/** `sink.partition-commit.delay`. */
export const COMMIT_DELAY = durationOption(
  "sink.partition-commit.delay",
  "How long after its creation (process-time) or its extracted time (partition-time) a partition is committed.",
  0,
);
/** `sink.partition-commit.watermark-time-zone`. */
export const COMMIT_WATERMARK_TIME_ZONE = stringOption(
  "sink.partition-commit.watermark-time-zone",
  "The time zone of the partition times the watermark is compared with (partition-time trigger).",
  "UTC",
);
/** `sink.partition-commit.policy.kind`. */
export const COMMIT_POLICY_KIND = stringOption(
  "sink.partition-commit.policy.kind",
  "What committing a partition does: success-file (metastore and custom are not available).",
);
/** `sink.partition-commit.policy.class` (refused: no policy classes). */
export const COMMIT_POLICY_CLASS = stringOption(
  "sink.partition-commit.policy.class",
  "The class of a custom commit policy (not supported).",
);
/** `sink.partition-commit.policy.class.parameters` (refused: no policy classes). */
export const COMMIT_POLICY_CLASS_PARAMETERS = stringOption(
  "sink.partition-commit.policy.class.parameters",
  "Parameters of a custom commit policy (not supported).",
);
/** `sink.partition-commit.success-file.name`. */
export const SUCCESS_FILE_NAME = stringOption(
  "sink.partition-commit.success-file.name",
  "The name of the file the success-file policy writes into a committed partition.",
  "_SUCCESS",
);
/** `partition.time-extractor.kind`. */
export const TIME_EXTRACTOR_KIND = enumOption(
  "partition.time-extractor.kind",
  ["default", "custom"],
  "How a partition's time is extracted (only default).",
  "default",
);
/** `partition.time-extractor.class` (refused: no extractor classes). */
export const TIME_EXTRACTOR_CLASS = stringOption(
  "partition.time-extractor.class",
  "The class of a custom partition time extractor (not supported).",
);
/** `partition.time-extractor.timestamp-pattern`. */
export const TIMESTAMP_PATTERN = stringOption(
  "partition.time-extractor.timestamp-pattern",
  "How partition values make a timestamp, e.g. '$dt $hm:00' (default: the first partition value).",
);
/** `partition.time-extractor.timestamp-formatter`. */
export const TIMESTAMP_FORMATTER = stringOption(
  "partition.time-extractor.timestamp-formatter",
  "The java.time pattern the timestamp text is parsed with (default: yyyy-M-d[ H:m:s[.fff]]).",
);
/** `sink.shuffle-by-partition.enable`. */
export const SHUFFLE_BY_PARTITION = booleanOption(
  "sink.shuffle-by-partition.enable",
  "Send the rows of a partition to one sink subtask (fewer files, possibly skewed).",
  false,
);

/** The partition options of the filesystem connector. */
export const PARTITION_OPTIONS = [
  PARTITION_DEFAULT_NAME,
  COMMIT_TRIGGER,
  COMMIT_DELAY,
  COMMIT_WATERMARK_TIME_ZONE,
  COMMIT_POLICY_KIND,
  COMMIT_POLICY_CLASS,
  COMMIT_POLICY_CLASS_PARAMETERS,
  SUCCESS_FILE_NAME,
  TIME_EXTRACTOR_KIND,
  TIME_EXTRACTOR_CLASS,
  TIMESTAMP_PATTERN,
  TIMESTAMP_FORMATTER,
  SHUFFLE_BY_PARTITION,
];

/** How the sink commits partitions (null: it does not). */
export interface PartitionCommit {
  /** The success file's name. */
  readonly successFile: string;
  /** The trigger. */
  readonly trigger: "process-time" | "partition-time";
  /** The delay, ms. */
  readonly delay: number;
  /** The partition-time trigger's extractor: relative directory -> epoch ms (throws when it cannot). */
  readonly partitionTime: ((partition: string) => number) | null;
}

function refuse(ctx: TableContext, key: string, reason: string): never {
  const value = ctx.options.raw[key];
  throw new DdlValidationError(
    `filesystem table '${ctx.tableName}': option '${key}'${value !== undefined ? ` = '${value}'` : ""} ${reason}`,
  );
}

/** The policies of `sink.partition-commit.policy.kind` (comma-separated); throws naming it. */
function policies(ctx: TableContext): string[] {
  const raw = ctx.options.get(COMMIT_POLICY_KIND);
  if (raw === undefined) return [];
  const kinds = raw.split(",").map((s) => s.trim().toLowerCase());
  for (const k of kinds) {
    if (k === "metastore") {
      refuse(
        ctx,
        COMMIT_POLICY_KIND.key,
        "is not supported: 'metastore' needs a Hive metastore, which Strom has not; use 'success-file'",
      );
    }
    if (k === "custom") {
      refuse(
        ctx,
        COMMIT_POLICY_KIND.key,
        "is not supported: 'custom' needs a policy class; use 'success-file'",
      );
    }
    if (k !== "success-file") {
      refuse(
        ctx,
        COMMIT_POLICY_KIND.key,
        `has the unknown policy '${k}' (the supported one is 'success-file')`,
      );
    }
  }
  return kinds;
}

/**
 * Checks the partition options of a table (partitioned or not) and returns how its sink commits
 * partitions. Throws naming the table and the option.
 */
export function partitionCommitOf(
  ctx: TableContext,
  layout: PartitionLayout | null,
): PartitionCommit | null {
  for (const o of [COMMIT_POLICY_CLASS, COMMIT_POLICY_CLASS_PARAMETERS, TIME_EXTRACTOR_CLASS]) {
    if (ctx.options.has(o))
      refuse(ctx, o.key, "is not supported: Strom has no commit policy or time extractor classes");
  }
  if (ctx.options.get(TIME_EXTRACTOR_KIND) === "custom") {
    refuse(
      ctx,
      TIME_EXTRACTOR_KIND.key,
      "is not supported: only the default extractor is available",
    );
  }
  const zone = ctx.options.get(COMMIT_WATERMARK_TIME_ZONE)!;
  try {
    checkTimeZone(zone);
  } catch {
    refuse(
      ctx,
      COMMIT_WATERMARK_TIME_ZONE.key,
      "is not a time zone (use a zone id such as 'UTC' or 'Asia/Shanghai')",
    );
  }
  const name = ctx.options.get(SUCCESS_FILE_NAME)!;
  if (name === "" || /[/\\\0]/.test(name) || name === "." || name === "..") {
    refuse(ctx, SUCCESS_FILE_NAME.key, "must be a plain file name");
  }
  const delay = ctx.options.get(COMMIT_DELAY)!;
  const kinds = policies(ctx);
  const trigger = ctx.options.get(COMMIT_TRIGGER) as PartitionCommit["trigger"];
  const formatter = ctx.options.get(TIMESTAMP_FORMATTER);
  if (formatter !== undefined) {
    try {
      compilePattern(formatter, "java.time");
    } catch (e) {
      if (e instanceof DatePatternError)
        refuse(ctx, TIMESTAMP_FORMATTER.key, `is not a valid pattern: ${e.message}`);
      throw e;
    }
  }
  if (kinds.length === 0) return null;
  if (layout === null) {
    refuse(
      ctx,
      COMMIT_POLICY_KIND.key,
      "needs a partitioned table (PARTITIONED BY): partitions are what is committed",
    );
  }
  const pattern = ctx.options.get(TIMESTAMP_PATTERN);
  return {
    successFile: name,
    trigger,
    delay,
    partitionTime:
      trigger === "partition-time" ? timeExtractor(layout, pattern, formatter, zone) : null,
  };
}

/**
 * The partition-time extractor: `pattern` with each `$key` replaced by the partition's value (or
 * the first value without a pattern), parsed with `formatter` (a java.time pattern) or as
 * `yyyy-M-d[ H:m:s[.fff]]`, as a local time in `zone`. Throws naming the partition and options.
 */
export function timeExtractor(
  layout: PartitionLayout,
  pattern: string | undefined,
  formatter: string | undefined,
  zone: string,
): (partition: string) => number {
  const byLength = layout.keys
    .map((k, i) => [k, i] as const)
    .sort((a, b) => b[0].length - a[0].length);
  return (partition) => {
    const values = partitionTexts(layout, partition);
    let text = values[0]!;
    if (pattern !== undefined) {
      text = pattern;
      for (const [k, i] of byLength) text = text.split(`$${k}`).join(values[i]!);
    }
    let local: number | undefined;
    if (formatter !== undefined) local = parseDateTime(text, formatter, "java.time")?.localMillis;
    else local = parseTimestamp(text, 3)?.millis;
    if (local === undefined) {
      throw new Error(
        `filesystem sink of table '${layout.table}': cannot extract the time of partition '${partition}': '${text}' ` +
          `is not a timestamp (${formatter !== undefined ? `'${TIMESTAMP_FORMATTER.key}' = '${formatter}'` : "expected yyyy-MM-dd[ HH:mm:ss]"}; ` +
          `set '${TIMESTAMP_PATTERN.key}'${pattern !== undefined ? `, now '${pattern}'` : ""})`,
      );
    }
    return localMillisToInstant(local, zone);
  };
}
