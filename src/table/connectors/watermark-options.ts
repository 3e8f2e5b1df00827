/**
 * The source watermark options of Flink 1.18+, accepted by every scan (in WITH or as an
 * `OPTIONS` hint): how often a table with a WATERMARK emits watermarks and when a split counts as
 * idle. Other `scan.watermark.*` options of Flink (alignment) are not supported.
 */
import { durationOption, enumOption, parseOptionValue, type ConfigOption } from "./options.ts";

/** `'scan.watermark.emit.strategy'`: per row (`on-event`) or every interval (`on-periodic`). */
export const WATERMARK_EMIT_STRATEGY = enumOption(
  "scan.watermark.emit.strategy",
  ["on-periodic", "on-event"],
  "When the source emits watermarks: every pipeline.auto-watermark-interval (on-periodic) or after every row that advances it (on-event).",
  "on-periodic",
);

/** `'scan.watermark.idle-timeout'`: a split without rows for this long stops holding back. */
export const WATERMARK_IDLE_TIMEOUT = durationOption(
  "scan.watermark.idle-timeout",
  "A source split that produced no row for this long is marked idle, so it no longer holds back the watermark downstream (default: never).",
);

/** The watermark options every connector accepts. */
export const WATERMARK_OPTIONS: readonly ConfigOption[] = [
  WATERMARK_EMIT_STRATEGY,
  WATERMARK_IDLE_TIMEOUT,
];

/** How a scan emits its watermarks. */
export interface WatermarkEmitOptions {
  /** Per row or periodic. */
  readonly emit: "on-event" | "on-periodic";
  /** Idle timeout in ms, or null for none. */
  readonly idleTimeout: number | null;
}

/**
 * The watermark emit options of `options` (table options overridden by hints); throws an Error
 * naming the option and the reason for an unknown value.
 */
export function watermarkEmitOptions(
  options: Readonly<Record<string, string>>,
): WatermarkEmitOptions {
  const value = (o: ConfigOption): unknown => {
    const text = options[o.key];
    if (text === undefined) return undefined;
    try {
      return parseOptionValue(o, text);
    } catch (e) {
      throw new Error(`Invalid value '${text}' for option '${o.key}': ${(e as Error).message}`, {
        cause: e,
      });
    }
  };
  const emit = (value(WATERMARK_EMIT_STRATEGY) as string | undefined) ?? "on-periodic";
  const idle = value(WATERMARK_IDLE_TIMEOUT) as number | undefined;
  if (idle !== undefined && idle < 0) {
    throw new Error(`Invalid value for option '${WATERMARK_IDLE_TIMEOUT.key}': must be >= 0`);
  }
  return {
    emit: emit as "on-event" | "on-periodic",
    // Flink: 0 turns idleness detection off.
    idleTimeout: idle === undefined || idle === 0 ? null : idle,
  };
}
