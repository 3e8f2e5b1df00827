/**
 * Type families (Flink's `LogicalTypeFamily`) and the small accessors the typing rules use:
 * precision, scale and length of a type, including the implicit precision of integral types
 * (TINYINT = 3, SMALLINT = 5, INT = 10, BIGINT = 19 digits, as in Flink and Calcite).
 */
import type { LogicalType, LogicalTypeKind } from "./logical-type.ts";

/** A family of logical types. */
export type TypeFamily =
  | "PREDEFINED"
  | "CONSTRUCTED"
  | "CHARACTER_STRING"
  | "BINARY_STRING"
  | "NUMERIC"
  | "INTEGER_NUMERIC"
  | "EXACT_NUMERIC"
  | "APPROXIMATE_NUMERIC"
  | "DATETIME"
  | "TIME"
  | "TIMESTAMP"
  | "INTERVAL"
  | "COLLECTION"
  | "EXTENSION";

const INTEGRAL: readonly TypeFamily[] = [
  "PREDEFINED",
  "NUMERIC",
  "INTEGER_NUMERIC",
  "EXACT_NUMERIC",
];

/** The families of each kind, as Flink assigns them. */
export const FAMILIES_OF_KIND: Readonly<Record<LogicalTypeKind, readonly TypeFamily[]>> = {
  BOOLEAN: ["PREDEFINED"],
  TINYINT: INTEGRAL,
  SMALLINT: INTEGRAL,
  INT: INTEGRAL,
  BIGINT: INTEGRAL,
  DECIMAL: ["PREDEFINED", "NUMERIC", "EXACT_NUMERIC"],
  FLOAT: ["PREDEFINED", "NUMERIC", "APPROXIMATE_NUMERIC"],
  DOUBLE: ["PREDEFINED", "NUMERIC", "APPROXIMATE_NUMERIC"],
  CHAR: ["PREDEFINED", "CHARACTER_STRING"],
  VARCHAR: ["PREDEFINED", "CHARACTER_STRING"],
  BINARY: ["PREDEFINED", "BINARY_STRING"],
  VARBINARY: ["PREDEFINED", "BINARY_STRING"],
  DATE: ["PREDEFINED", "DATETIME"],
  TIME: ["PREDEFINED", "DATETIME", "TIME"],
  TIMESTAMP: ["PREDEFINED", "DATETIME", "TIMESTAMP"],
  TIMESTAMP_LTZ: ["PREDEFINED", "DATETIME", "TIMESTAMP"],
  INTERVAL_YEAR_MONTH: ["PREDEFINED", "INTERVAL"],
  INTERVAL_DAY_TIME: ["PREDEFINED", "INTERVAL"],
  ARRAY: ["CONSTRUCTED", "COLLECTION"],
  MULTISET: ["CONSTRUCTED", "COLLECTION"],
  MAP: ["CONSTRUCTED", "EXTENSION"],
  ROW: ["CONSTRUCTED"],
  NULL: ["EXTENSION"],
};

/** Whether a kind (or the kind of a type) belongs to a family. */
export function hasFamily(type: LogicalType | LogicalTypeKind, family: TypeFamily): boolean {
  const kind = typeof type === "string" ? type : type.kind;
  return FAMILIES_OF_KIND[kind].includes(family);
}

/** TINYINT, SMALLINT, INT, BIGINT. */
export function isIntegral(type: LogicalType): boolean {
  const k = type.kind;
  return k === "TINYINT" || k === "SMALLINT" || k === "INT" || k === "BIGINT";
}

/** Integral types and DECIMAL. */
export function isExactNumeric(type: LogicalType): boolean {
  return isIntegral(type) || type.kind === "DECIMAL";
}

/** FLOAT and DOUBLE. */
export function isApproximateNumeric(type: LogicalType): boolean {
  return type.kind === "FLOAT" || type.kind === "DOUBLE";
}

/** All numeric types. */
export function isNumeric(type: LogicalType): boolean {
  return isExactNumeric(type) || isApproximateNumeric(type);
}

/** CHAR and VARCHAR (and STRING). */
export function isCharacterString(type: LogicalType): boolean {
  return type.kind === "CHAR" || type.kind === "VARCHAR";
}

/** BINARY and VARBINARY (and BYTES). */
export function isBinaryString(type: LogicalType): boolean {
  return type.kind === "BINARY" || type.kind === "VARBINARY";
}

/** DATE, TIME, TIMESTAMP and TIMESTAMP_LTZ (Flink's DATETIME family). */
export function isTemporal(type: LogicalType): boolean {
  return hasFamily(type, "DATETIME");
}

/** TIMESTAMP and TIMESTAMP_LTZ. */
export function isTimestamp(type: LogicalType): boolean {
  return type.kind === "TIMESTAMP" || type.kind === "TIMESTAMP_LTZ";
}

/** Year-month and day-time intervals. */
export function isInterval(type: LogicalType): boolean {
  return type.kind === "INTERVAL_YEAR_MONTH" || type.kind === "INTERVAL_DAY_TIME";
}

/** ARRAY, MULTISET, MAP and ROW. */
export function isConstructed(type: LogicalType): boolean {
  return hasFamily(type, "CONSTRUCTED");
}

/**
 * An interval with a single field (`INTERVAL YEAR`, `INTERVAL MONTH`, `INTERVAL DAY`, `HOUR`,
 * `MINUTE`, `SECOND`); only those cast to and from exact numbers in Flink.
 */
export function isSingleFieldInterval(type: LogicalType): boolean {
  if (type.kind === "INTERVAL_YEAR_MONTH") return type.resolution !== "YEAR_TO_MONTH";
  if (type.kind === "INTERVAL_DAY_TIME") return !type.resolution.includes("_TO_");
  return false;
}

/**
 * Precision of a type as Flink's `LogicalTypeChecks.getPrecision` reports it: digits of exact
 * numerics (TINYINT 3, SMALLINT 5, INT 10, BIGINT 19, DECIMAL p), fractional digits of
 * TIME/TIMESTAMP, the leading-field precision of intervals. Throws for other types.
 */
export function getPrecision(type: LogicalType): number {
  switch (type.kind) {
    case "TINYINT":
      return 3;
    case "SMALLINT":
      return 5;
    case "INT":
      return 10;
    case "BIGINT":
      return 19;
    case "FLOAT":
      return 7;
    case "DOUBLE":
      return 15;
    case "DECIMAL":
    case "TIME":
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ":
      return type.precision;
    case "INTERVAL_YEAR_MONTH":
      return type.yearPrecision;
    case "INTERVAL_DAY_TIME":
      return type.dayPrecision;
    default:
      throw new TypeError(`Type ${type.kind} has no precision`);
  }
}

/** Scale of an exact numeric type (0 for integral types). Throws for other types. */
export function getScale(type: LogicalType): number {
  if (type.kind === "DECIMAL") return type.scale;
  if (isIntegral(type)) return 0;
  throw new TypeError(`Type ${type.kind} has no scale`);
}

/** Length of a character or binary string type. Throws for other types. */
export function getLength(type: LogicalType): number {
  if (isCharacterString(type) || isBinaryString(type)) return (type as { length: number }).length;
  throw new TypeError(`Type ${type.kind} has no length`);
}
