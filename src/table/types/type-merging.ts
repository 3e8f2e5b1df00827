/**
 * Common supertypes ("least restrictive" types, Flink's `LogicalTypeMerging.findCommonType`) for
 * CASE, COALESCE, UNION, IN and VALUES, and Flink's DECIMAL precision/scale derivation for
 * arithmetic and aggregates.
 *
 * Notable Flink rules kept here: `INT` and `DECIMAL(5, 2)` generalize to `DECIMAL(12, 2)` (whole
 * digits max(10, 3), scale max(0, 2)); DECIMAL with FLOAT or DOUBLE gives DOUBLE; CHAR of
 * different lengths gives VARCHAR (no blank padding); TIMESTAMP with TIMESTAMP_LTZ gives
 * TIMESTAMP_LTZ; a datetime with an interval (or with an exact number) keeps the datetime (the
 * pattern Flink uses for `+`/`-`); and a list of only NULL types has no common type (NULL is for
 * untyped literals only).
 */
import { supportsImplicitCast } from "./cast-rules.ts";
import * as T from "./logical-type.ts";
import type {
  DayTimeIntervalType,
  DayTimeResolution,
  DecimalType,
  LogicalType,
  YearMonthIntervalType,
  YearMonthResolution,
} from "./logical-type.ts";
import {
  getLength,
  getPrecision,
  getScale,
  hasFamily,
  isApproximateNumeric,
  isBinaryString,
  isCharacterString,
  isExactNumeric,
  isNumeric,
} from "./type-families.ts";

const MAX_P = T.MAX_DECIMAL_PRECISION;
/** Minimum scale kept when a DECIMAL result exceeds precision 38 (Flink, after Hive/Spark). */
const MINIMUM_ADJUSTED_SCALE = 6;

/**
 * Reduces a DECIMAL result type that exceeds precision 38: the whole digits are kept and the scale
 * shrinks, but not below min(scale, 6). E.g. (39, 8) becomes (38, 7).
 */
export function adjustPrecisionScale(precision: number, scale: number): DecimalType {
  if (precision <= MAX_P) return T.notNull(T.DECIMAL(precision, scale));
  const wholeDigits = precision - scale;
  const minScale = Math.min(scale, MINIMUM_ADJUSTED_SCALE);
  return T.notNull(T.DECIMAL(MAX_P, Math.max(MAX_P - wholeDigits, minScale)));
}

/** DECIMAL result of `+` / `-`: scale max(s1, s2), precision max(p1-s1, p2-s2) + scale + 1. */
export function decimalAdditionType(p1: number, s1: number, p2: number, s2: number): DecimalType {
  const scale = Math.max(s1, s2);
  return adjustPrecisionScale(Math.max(p1 - s1, p2 - s2) + scale + 1, scale);
}

/** DECIMAL result of `*`: precision p1 + p2 + 1, scale s1 + s2. */
export function decimalMultiplicationType(
  p1: number,
  s1: number,
  p2: number,
  s2: number,
): DecimalType {
  return adjustPrecisionScale(p1 + p2 + 1, s1 + s2);
}

/** DECIMAL result of `/`: scale max(6, s1 + p2 + 1), precision p1 - s1 + s2 + scale. */
export function decimalDivisionType(p1: number, s1: number, p2: number, s2: number): DecimalType {
  const scale = Math.max(6, s1 + p2 + 1);
  return adjustPrecisionScale(p1 - s1 + s2 + scale, scale);
}

/** DECIMAL result of `%`: scale max(s1, s2), precision min(p1-s1, p2-s2) + scale. */
export function decimalModuloType(p1: number, s1: number, p2: number, s2: number): DecimalType {
  const scale = Math.max(s1, s2);
  return adjustPrecisionScale(Math.min(p1 - s1, p2 - s2) + scale, scale);
}

/** DECIMAL result of `ROUND(x, r)` for x of DECIMAL(p, s). */
export function decimalRoundType(precision: number, scale: number, round: number): DecimalType {
  if (round >= scale) return T.notNull(T.DECIMAL(precision, scale));
  if (round < 0) return T.notNull(T.DECIMAL(Math.min(MAX_P, 1 + precision - scale), 0));
  return T.notNull(T.DECIMAL(1 + precision - scale + round, round));
}

/**
 * Result type of `SUM(x)`: DECIMAL(38, s) for DECIMAL(p, s); otherwise the argument type itself
 * (Flink: SUM(INT) is INT and may overflow).
 */
export function sumAggType(arg: LogicalType): LogicalType {
  if (arg.kind === "DECIMAL") return T.withNullability(T.DECIMAL(MAX_P, arg.scale), arg.nullable);
  return arg;
}

/**
 * Result type of `AVG(x)`: DECIMAL(38, max(6, s)) for DECIMAL(p, s) (a division by the BIGINT
 * count); otherwise the argument type itself — in Flink AVG(INT) is INT (integer division).
 */
export function avgAggType(arg: LogicalType): LogicalType {
  if (arg.kind === "DECIMAL") {
    return T.withNullability(decimalDivisionType(MAX_P, arg.scale, 20, 0), arg.nullable);
  }
  return arg;
}

/** The common type of two exact numerics (DECIMAL when either is one). */
function commonExactNumeric(a: LogicalType, b: LogicalType): LogicalType {
  if (T.typesEqual(a, b)) return a;
  if (a.kind !== "DECIMAL" && b.kind !== "DECIMAL")
    return getPrecision(b) > getPrecision(a) ? b : a;
  const [p1, s1, p2, s2] = [getPrecision(a), getScale(a), getPrecision(b), getScale(b)];
  const digits = Math.min(Math.max(p1 - s1, p2 - s2), MAX_P);
  const scale = Math.min(Math.max(s1, s2), MAX_P - digits);
  return T.DECIMAL(digits + scale, scale);
}

function similar(a: LogicalType, b: LogicalType): boolean {
  if (isCharacterString(a) && isCharacterString(b)) return true;
  if (isBinaryString(a) && isBinaryString(b)) return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  if (hasFamily(a, "TIME") && hasFamily(b, "TIME")) return true;
  if (hasFamily(a, "TIMESTAMP") && hasFamily(b, "TIMESTAMP")) return true;
  return a.kind === b.kind;
}

function pattern(result: LogicalType, type: LogicalType): LogicalType | undefined {
  const datetime = (t: LogicalType) => hasFamily(t, "DATETIME");
  const dateOrTs = (t: LogicalType) => hasFamily(t, "TIMESTAMP") || t.kind === "DATE";
  if (datetime(result) && hasFamily(type, "INTERVAL")) return result;
  if (hasFamily(result, "INTERVAL") && datetime(type)) return type;
  if (dateOrTs(result) && isExactNumeric(type)) return result;
  if (isExactNumeric(result) && dateOrTs(type)) return type;
  return undefined;
}

function stringType(
  kind: "CHAR" | "VARCHAR" | "BINARY" | "VARBINARY",
  length: number,
): LogicalType {
  return T[kind](length);
}

const YM_ORDER: readonly YearMonthResolution[] = ["YEAR", "YEAR_TO_MONTH", "MONTH"];
const DT_FIELDS = ["DAY", "HOUR", "MINUTE", "SECOND"] as const;

function ymBounds(r: YearMonthResolution): [number, number] {
  return r === "YEAR" ? [0, 0] : r === "MONTH" ? [1, 1] : [0, 1];
}

function dtBounds(r: DayTimeResolution): [number, number] {
  const [start, end] = r.split("_TO_") as [string, string | undefined];
  const s = DT_FIELDS.indexOf(start as (typeof DT_FIELDS)[number]);
  return [s, end === undefined ? s : DT_FIELDS.indexOf(end as (typeof DT_FIELDS)[number])];
}

function commonYearMonth(a: YearMonthIntervalType, b: YearMonthIntervalType): LogicalType {
  const [s1, e1] = ymBounds(a.resolution);
  const [s2, e2] = ymBounds(b.resolution);
  const start = Math.min(s1, s2);
  const end = Math.max(e1, e2);
  const res = start === end ? YM_ORDER[start === 0 ? 0 : 2]! : "YEAR_TO_MONTH";
  return T.INTERVAL_YEAR_MONTH(res, Math.max(a.yearPrecision, b.yearPrecision));
}

function commonDayTime(a: DayTimeIntervalType, b: DayTimeIntervalType): LogicalType {
  const [s1, e1] = dtBounds(a.resolution);
  const [s2, e2] = dtBounds(b.resolution);
  const start = DT_FIELDS[Math.min(s1, s2)]!;
  const end = DT_FIELDS[Math.max(e1, e2)]!;
  const res = (start === end ? start : `${start}_TO_${end}`) as DayTimeResolution;
  return T.INTERVAL_DAY_TIME(
    res,
    Math.max(a.dayPrecision, b.dayPrecision),
    Math.max(a.fractionalPrecision, b.fractionalPrecision),
  );
}

function commonChildren(types: readonly LogicalType[]): LogicalType[] | undefined {
  const first = types[0]!;
  const n = T.childTypes(first).length;
  for (const t of types) {
    if (t.kind !== first.kind || T.childTypes(t).length !== n) return undefined;
  }
  const out: LogicalType[] = [];
  for (let i = 0; i < n; i++) {
    const c = commonType(types.map((t) => T.childTypes(t)[i]!));
    if (c === null) return undefined;
    out.push(c);
  }
  return out;
}

function commonConstructed(types: readonly LogicalType[]): LogicalType | undefined {
  const children = commonChildren(types);
  if (children === undefined) return undefined;
  const first = types[0]!;
  switch (first.kind) {
    case "ARRAY":
      return T.ARRAY(children[0]!);
    case "MULTISET":
      return T.MULTISET(children[0]!);
    case "MAP":
      return T.MAP(children[0]!, children[1]!);
    case "ROW":
      return T.ROW(first.fields.map((f, i) => T.FIELD(f.name, children[i]!, f.description)));
    default:
      return undefined;
  }
}

function commonNullable(types: readonly LogicalType[], hasNull: boolean): LogicalType | undefined {
  let result: LogicalType | undefined;
  for (const type of types) {
    if (type.kind === "NULL") continue;
    if (result === undefined) result = type;
    const p = pattern(result, type);
    if (p !== undefined) {
      result = p;
      continue;
    }
    if (
      type.kind === "ARRAY" ||
      type.kind === "MULTISET" ||
      type.kind === "MAP" ||
      type.kind === "ROW"
    ) {
      return commonConstructed(types.filter((t) => t.kind !== "NULL"));
    }
    if (!similar(result, type)) return undefined;
    if (isCharacterString(type) || isBinaryString(type)) {
      const length = Math.max(getLength(result), getLength(type));
      if (result.kind === "VARCHAR" || result.kind === "VARBINARY") {
        result = stringType(result.kind, length);
      } else if (getLength(result) !== getLength(type)) {
        // Different fixed lengths: VARCHAR instead of blank-padding (differs from the standard).
        result = stringType(result.kind === "CHAR" ? "VARCHAR" : "VARBINARY", length);
      } else {
        result = stringType(type.kind as "CHAR" | "VARCHAR" | "BINARY" | "VARBINARY", length);
      }
    } else if (isExactNumeric(type)) {
      if (isExactNumeric(result)) result = commonExactNumeric(result, type);
      else if (isApproximateNumeric(result)) result = type.kind === "DECIMAL" ? T.DOUBLE() : result;
      else return undefined;
    } else if (isApproximateNumeric(type)) {
      if (isApproximateNumeric(result)) {
        result = result.kind === "DOUBLE" || type.kind === "DOUBLE" ? T.DOUBLE() : result;
      } else if (isExactNumeric(result)) {
        result = result.kind === "DECIMAL" ? T.DOUBLE() : type;
      } else return undefined;
    } else if (type.kind === "DATE") {
      if (result.kind !== "DATE") return undefined;
      result = T.DATE();
    } else if (type.kind === "TIME") {
      if (result.kind !== "TIME") return undefined;
      result = T.TIME(Math.max(result.precision, type.precision));
    } else if (type.kind === "TIMESTAMP" || type.kind === "TIMESTAMP_LTZ") {
      if (result.kind !== "TIMESTAMP" && result.kind !== "TIMESTAMP_LTZ") return undefined;
      const p = Math.max(result.precision, type.precision);
      result =
        result.kind === "TIMESTAMP_LTZ" || type.kind === "TIMESTAMP_LTZ"
          ? T.TIMESTAMP_LTZ(p)
          : T.TIMESTAMP(p);
    } else if (type.kind === "INTERVAL_DAY_TIME" && result.kind === "INTERVAL_DAY_TIME") {
      result = commonDayTime(result, type);
    } else if (type.kind === "INTERVAL_YEAR_MONTH" && result.kind === "INTERVAL_YEAR_MONTH") {
      result = commonYearMonth(result, type);
    } else {
      return undefined; // left to the implicit-cast search
    }
  }
  if (result === undefined && hasNull) return T.NULL();
  return result;
}

function commonCastable(types: readonly LogicalType[]): LogicalType | undefined {
  let result = types[0]!;
  for (const type of types) {
    if (type.kind === "NULL") continue;
    if (result.kind === "NULL" || supportsImplicitCast(result, type)) result = type;
    else if (!supportsImplicitCast(type, result)) return undefined;
  }
  return result;
}

/**
 * The least restrictive type all `types` convert to (Flink's `findCommonType`), nullable when
 * any input is; `null` when there is none (e.g. INT and STRING, or only NULL types).
 * Examples: [INT, BIGINT] → BIGINT; [INT, DECIMAL(5, 2)] → DECIMAL(12, 2);
 * [VARCHAR(3), VARCHAR(5)] → VARCHAR(5); [CHAR(3), CHAR(5)] → VARCHAR(5); [INT, DOUBLE] → DOUBLE.
 */
export function commonType(types: readonly LogicalType[]): LogicalType | null {
  if (types.length === 0) throw new RangeError("commonType needs at least one type");
  let hasNull = false;
  let anyNullable = false;
  for (const t of types) {
    if (t.kind === "NULL") hasNull = true;
    if (t.nullable) anyNullable = true;
  }
  const normalized = types.map((t) => T.asNullable(t));
  const found = commonNullable(normalized, hasNull) ?? commonCastable(normalized);
  if (found === undefined || found.kind === "NULL") return null;
  return T.withNullability(found, anyNullable);
}

/** A DECIMAL view of an exact numeric type (INT → DECIMAL(10, 0)); DECIMAL stays as is. */
export function asDecimalType(type: LogicalType): DecimalType {
  if (type.kind === "DECIMAL") return type;
  if (!isExactNumeric(type)) throw new TypeError(`${type.kind} is not an exact numeric type`);
  return T.withNullability(T.DECIMAL(getPrecision(type), 0), type.nullable);
}
