/**
 * Constructors of logical types with Flink's defaults and parameter validation: `INT()`,
 * `DECIMAL(10, 2)`, `VARCHAR(5)`, `STRING()`, `TIMESTAMP(3)`, `ROW([...])`... Every constructor
 * returns a nullable type; use `notNull` for `NOT NULL`. Bad parameters throw a RangeError naming
 * the parameter and its allowed range, e.g. "Decimal precision must be between 1 and 38".
 * Re-exported by `logical-type.ts`.
 */
import type {
  BinaryType,
  CharacterType,
  CollectionType,
  DayTimeIntervalType,
  DayTimeResolution,
  DecimalType,
  LogicalType,
  MapType,
  NullType,
  RowField,
  RowType,
  SimpleType,
  TimeType,
  TimestampType,
  YearMonthIntervalType,
  YearMonthResolution,
} from "./logical-type.ts";

/** Largest DECIMAL precision. */
export const MAX_DECIMAL_PRECISION = 38;
/** Largest length of a character or binary string type (`STRING` / `BYTES`). */
export const MAX_LENGTH = 2147483647;
/** Largest fractional-second precision of TIME, TIMESTAMP and intervals. */
export const MAX_TIME_PRECISION = 9;
/** Default precision of TIMESTAMP and TIMESTAMP_LTZ (Flink: 6). */
export const DEFAULT_TIMESTAMP_PRECISION = 6;
/** Default precision of TIME (Flink: 0). */
export const DEFAULT_TIME_PRECISION = 0;

function checkInt(what: string, v: number, min: number, max: number): number {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`${what} must be between ${min} and ${max} (both inclusive), got ${v}`);
  }
  return v;
}

/** `BOOLEAN`. */
export function BOOLEAN(): SimpleType {
  return { kind: "BOOLEAN", nullable: true };
}
/** `TINYINT` (8-bit). */
export function TINYINT(): SimpleType {
  return { kind: "TINYINT", nullable: true };
}
/** `SMALLINT` (16-bit). */
export function SMALLINT(): SimpleType {
  return { kind: "SMALLINT", nullable: true };
}
/** `INT` (32-bit). */
export function INT(): SimpleType {
  return { kind: "INT", nullable: true };
}
/** `BIGINT` (64-bit). */
export function BIGINT(): SimpleType {
  return { kind: "BIGINT", nullable: true };
}
/** `FLOAT` (single precision). */
export function FLOAT(): SimpleType {
  return { kind: "FLOAT", nullable: true };
}
/** `DOUBLE` (double precision). */
export function DOUBLE(): SimpleType {
  return { kind: "DOUBLE", nullable: true };
}
/** `DATE`. */
export function DATE(): SimpleType {
  return { kind: "DATE", nullable: true };
}
/** The type of the untyped NULL literal. */
export function NULL(): NullType {
  return { kind: "NULL", nullable: true };
}

/** `DECIMAL(p, s)`; Flink's defaults are (10, 0). Throws a RangeError on bad parameters. */
export function DECIMAL(precision = 10, scale = 0): DecimalType {
  checkInt("Decimal precision", precision, 1, MAX_DECIMAL_PRECISION);
  checkInt("Decimal scale", scale, 0, precision);
  return { kind: "DECIMAL", nullable: true, precision, scale };
}

/** `CHAR(n)`, default length 1. */
export function CHAR(length = 1): CharacterType {
  return {
    kind: "CHAR",
    nullable: true,
    length: checkInt("Character string length", length, 1, MAX_LENGTH),
  };
}
/** `VARCHAR(n)`, default length 1. */
export function VARCHAR(length = 1): CharacterType {
  return {
    kind: "VARCHAR",
    nullable: true,
    length: checkInt("Character string length", length, 1, MAX_LENGTH),
  };
}
/** `STRING`, the same as `VARCHAR(2147483647)`. */
export function STRING(): CharacterType {
  return { kind: "VARCHAR", nullable: true, length: MAX_LENGTH };
}
/** `BINARY(n)`, default length 1. */
export function BINARY(length = 1): BinaryType {
  return {
    kind: "BINARY",
    nullable: true,
    length: checkInt("Binary string length", length, 1, MAX_LENGTH),
  };
}
/** `VARBINARY(n)`, default length 1. */
export function VARBINARY(length = 1): BinaryType {
  return {
    kind: "VARBINARY",
    nullable: true,
    length: checkInt("Binary string length", length, 1, MAX_LENGTH),
  };
}
/** `BYTES`, the same as `VARBINARY(2147483647)`. */
export function BYTES(): BinaryType {
  return { kind: "VARBINARY", nullable: true, length: MAX_LENGTH };
}

/** `TIME(p)`, default precision 0. */
export function TIME(precision = DEFAULT_TIME_PRECISION): TimeType {
  return {
    kind: "TIME",
    nullable: true,
    precision: checkInt("Time precision", precision, 0, MAX_TIME_PRECISION),
  };
}
/** `TIMESTAMP(p)` (without time zone), default precision 6. */
export function TIMESTAMP(precision = DEFAULT_TIMESTAMP_PRECISION): TimestampType {
  checkInt("Timestamp precision", precision, 0, MAX_TIME_PRECISION);
  return { kind: "TIMESTAMP", nullable: true, precision };
}
/** `TIMESTAMP_LTZ(p)` (with local time zone), default precision 6. */
export function TIMESTAMP_LTZ(precision = DEFAULT_TIMESTAMP_PRECISION): TimestampType {
  checkInt("Timestamp precision", precision, 0, MAX_TIME_PRECISION);
  return { kind: "TIMESTAMP_LTZ", nullable: true, precision };
}

/** A year-month interval type; defaults to `INTERVAL YEAR(2) TO MONTH`. */
export function INTERVAL_YEAR_MONTH(
  resolution: YearMonthResolution = "YEAR_TO_MONTH",
  yearPrecision = 2,
): YearMonthIntervalType {
  if (resolution !== "YEAR" && resolution !== "YEAR_TO_MONTH" && resolution !== "MONTH") {
    throw new RangeError(`Unknown year-month interval resolution '${String(resolution)}'`);
  }
  checkInt("Year precision of an interval", yearPrecision, 1, 4);
  return { kind: "INTERVAL_YEAR_MONTH", nullable: true, resolution, yearPrecision };
}

const DAY_TIME_RESOLUTIONS: readonly DayTimeResolution[] = [
  "DAY",
  "DAY_TO_HOUR",
  "DAY_TO_MINUTE",
  "DAY_TO_SECOND",
  "HOUR",
  "HOUR_TO_MINUTE",
  "HOUR_TO_SECOND",
  "MINUTE",
  "MINUTE_TO_SECOND",
  "SECOND",
];

/** A day-time interval type; defaults to `INTERVAL DAY(2) TO SECOND(6)`. */
export function INTERVAL_DAY_TIME(
  resolution: DayTimeResolution = "DAY_TO_SECOND",
  dayPrecision = 2,
  fractionalPrecision = 6,
): DayTimeIntervalType {
  if (!DAY_TIME_RESOLUTIONS.includes(resolution)) {
    throw new RangeError(`Unknown day-time interval resolution '${String(resolution)}'`);
  }
  checkInt("Day precision of an interval", dayPrecision, 1, 6);
  checkInt("Fractional precision of an interval", fractionalPrecision, 0, MAX_TIME_PRECISION);
  return {
    kind: "INTERVAL_DAY_TIME",
    nullable: true,
    resolution,
    dayPrecision,
    fractionalPrecision,
  };
}

/** `ARRAY<element>`. */
export function ARRAY(element: LogicalType): CollectionType {
  return { kind: "ARRAY", nullable: true, element };
}
/** `MULTISET<element>`. */
export function MULTISET(element: LogicalType): CollectionType {
  return { kind: "MULTISET", nullable: true, element };
}
/** `MAP<key, value>`. */
export function MAP(key: LogicalType, value: LogicalType): MapType {
  return { kind: "MAP", nullable: true, key, value };
}

/** A ROW field; `description` is optional. */
export function FIELD(name: string, type: LogicalType, description?: string): RowField {
  return description === undefined ? { name, type } : { name, type, description };
}

/**
 * `ROW<...>` from fields given as {@link FIELD}s or `[name, type, description?]` tuples. Field
 * names must be non-empty and unique (as in Flink).
 */
export function ROW(
  fields: ReadonlyArray<
    RowField | readonly [string, LogicalType] | readonly [string, LogicalType, string]
  >,
): RowType {
  const out: RowField[] = [];
  const seen = new Set<string>();
  for (const f of fields) {
    const field = Array.isArray(f) ? FIELD(f[0], f[1], f[2]) : (f as RowField);
    if (typeof field.name !== "string" || field.name.length === 0) {
      throw new RangeError(`Field names of a ROW must not be empty (field ${out.length})`);
    }
    if (seen.has(field.name)) {
      throw new RangeError(`Field names of a ROW must be unique, '${field.name}' appears twice`);
    }
    seen.add(field.name);
    out.push(field);
  }
  return { kind: "ROW", nullable: true, fields: out };
}
