/**
 * The event time of a table made from a DataStream (`fromDataStream(stream, fields, {
 * watermark })`), the TS-native form of Flink's `Schema.newBuilder().watermark(column, expr)`:
 * a rowtime column and a watermark expression in SQL over the fields (`"ts - INTERVAL '5'
 * SECOND"`), or `"SOURCE_WATERMARK()"` to keep the stream's own timestamps and watermarks.
 */
import type { TableWatermark } from "../planner/context.ts";
import { parseExpression } from "../sql/parser.ts";
import { TableEnvironmentError } from "./errors.ts";

/** The `watermark` option of `fromDataStream`. */
export interface StreamWatermarkOptions {
  /** The rowtime column: a TIMESTAMP(3) or TIMESTAMP_LTZ(3) field. */
  readonly column: string;
  /**
   * The watermark expression in SQL over the fields, or `"SOURCE_WATERMARK()"` (the stream's
   * own watermarks).
   */
  readonly expression: string;
  /**
   * Scan options: `'scan.watermark.emit.strategy'` (`on-periodic` | `on-event`) and
   * `'scan.watermark.idle-timeout'` (a duration like `'5 s'`).
   */
  readonly options?: Readonly<Record<string, string>>;
}

/** Options of `fromDataStream`. */
export interface FromDataStreamOptions {
  /** Declares the event time of the table (a rowtime attribute and its watermarks). */
  readonly watermark?: StreamWatermarkOptions;
}

/** The table watermark of `options`, checked against the field names. */
export function streamWatermark(
  options: FromDataStreamOptions,
  fields: readonly { name: string }[],
): TableWatermark | undefined {
  const w = options.watermark;
  if (w === undefined) return undefined;
  if (!fields.some((f) => f.name === w.column)) {
    throw new TableEnvironmentError(
      `fromDataStream: the watermark's rowtime column '${w.column}' is not one of the fields (${fields.map((f) => f.name).join(", ")})`,
    );
  }
  let expr;
  try {
    expr = parseExpression(w.expression);
  } catch (e) {
    throw new TableEnvironmentError(
      `fromDataStream: bad watermark expression '${w.expression}': ${(e as Error).message}`,
      { cause: e },
    );
  }
  return {
    rowtime: w.column,
    expr,
    text: w.expression,
    options: { ...w.options },
    sourceWatermarks: true,
  };
}
