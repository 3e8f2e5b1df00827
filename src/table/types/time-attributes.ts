/**
 * Time attributes, as Flink has them: a TIMESTAMP(3) / TIMESTAMP_LTZ(3) column whose values are
 * the rows' event time (`*ROWTIME*`, declared by a WATERMARK) or their processing time
 * (`*PROCTIME*`, from `PROCTIME()`). The attribute is a flag on the column's type
 * (`TimestampType.timeAttr`), so a column read through projections and filters keeps it; an
 * operator that does not keep the rows' time (a regular GROUP BY, a regular join) outputs the
 * column "materialized": a plain TIMESTAMP with the same values.
 */
import type { LogicalType } from "./logical-type.ts";

/** Anything with a type (a plan field). */
interface Typed {
  readonly type: LogicalType;
}

/** Whether `t` is an event-time attribute (`*ROWTIME*`). */
export function isRowtimeType(t: LogicalType): boolean {
  return (t.kind === "TIMESTAMP" || t.kind === "TIMESTAMP_LTZ") && t.timeAttr === "ROWTIME";
}

/** Whether `t` is a processing-time attribute (`*PROCTIME*`). */
export function isProctimeType(t: LogicalType): boolean {
  return (t.kind === "TIMESTAMP" || t.kind === "TIMESTAMP_LTZ") && t.timeAttr === "PROCTIME";
}

/** Whether `t` is a time attribute of either kind. */
export function isTimeAttributeType(t: LogicalType): boolean {
  return (t.kind === "TIMESTAMP" || t.kind === "TIMESTAMP_LTZ") && t.timeAttr !== undefined;
}

/** Whether a plan field is an event-time attribute (for window TVFs, interval joins, OVER). */
export function isRowtime(field: Typed): boolean {
  return isRowtimeType(field.type);
}

/** Whether a plan field is a processing-time attribute. */
export function isProctime(field: Typed): boolean {
  return isProctimeType(field.type);
}

/** `t` as a time attribute of `kind` (it must be a TIMESTAMP or TIMESTAMP_LTZ type). */
export function withTimeAttribute<T extends LogicalType>(t: T, kind: "ROWTIME" | "PROCTIME"): T {
  if (t.kind !== "TIMESTAMP" && t.kind !== "TIMESTAMP_LTZ") {
    throw new TypeError(`A time attribute must be a TIMESTAMP or TIMESTAMP_LTZ, got ${t.kind}`);
  }
  return { ...t, timeAttr: kind };
}

/** `t` without a time attribute (the same object when it has none). */
export function materializedType<T extends LogicalType>(t: T): T {
  if ((t.kind !== "TIMESTAMP" && t.kind !== "TIMESTAMP_LTZ") || t.timeAttr === undefined) return t;
  const { timeAttr: _drop, ...plain } = t;
  return plain as T;
}

/** `fields` with their time attributes materialized (the same array when none has one). */
export function materializedFields<F extends Typed>(fields: readonly F[]): readonly F[] {
  if (!fields.some((f) => isTimeAttributeType(f.type))) return fields;
  return fields.map((f) =>
    isTimeAttributeType(f.type) ? { ...f, type: materializedType(f.type) } : f,
  );
}
