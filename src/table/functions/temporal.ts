/**
 * Temporal field and arithmetic functions: EXTRACT(unit, x) (the planner passes the unit as an
 * upper-case string literal) and its shorthands YEAR, QUARTER, MONTH, WEEK, DAYOFYEAR,
 * DAYOFMONTH, DAYOFWEEK, HOUR, MINUTE, SECOND (BIGINT); TIMESTAMPADD(unit, n, x) and
 * TIMESTAMPDIFF(unit, a, b) (INT, truncated toward zero; month units count whole months); and
 * CONVERT_TZ(text, fromZone, toZone) on 'yyyy-MM-dd HH:mm:ss' text. A TIMESTAMP_LTZ is read in
 * the session time zone for EXTRACT; TIMESTAMPADD/TIMESTAMPDIFF work on its UTC encoding, as
 * Flink does.
 */
import { SqlValidationError } from "../expr/errors.ts";
import type { ScalarFunctionDef } from "../expr/operators.ts";
import {
  MILLIS_PER_DAY,
  addMonthsToDate,
  addMonthsToTimestamp,
  dateToTimestamp,
} from "../types/datetime.ts";
import * as T from "../types/logical-type.ts";
import type { LogicalType } from "../types/logical-type.ts";
import {
  extractFromDate,
  extractFromDayTimeInterval,
  extractFromTime,
  extractFromTimestamp,
  extractFromYearMonthInterval,
} from "../types/temporal.ts";
import type { TimeUnit } from "../types/temporal.ts";
import { Timestamp } from "../types/timestamp.ts";
import { cannotApply } from "../expr/typing.ts";
import {
  expectArgs,
  fn,
  int,
  keywordAt,
  nullableIf,
  siteKeyword,
  str,
  stringType,
  toInt,
} from "./define.ts";
import type { Operands, Types } from "./define.ts";
import { formatDateTime, localParts, parseDateTime } from "./date-format.ts";
import { UNIT_MILLIS, UNIT_MONTHS, extractUnits, monthsBetween } from "./time-units.ts";
import { resolveZone, toLocal } from "./zones.ts";

const BIGINT_T = T.notNull(T.BIGINT());
const TEMPORAL = new Set([
  "DATE",
  "TIME",
  "TIMESTAMP",
  "TIMESTAMP_LTZ",
  "INTERVAL_YEAR_MONTH",
  "INTERVAL_DAY_TIME",
]);

/** `SQL_TSI_DAY` → `DAY`; `FRAC_SECOND` → `MICROSECOND`. */
function normalizeUnit(unit: string): string {
  const u = unit.startsWith("SQL_TSI_") ? unit.slice(8) : unit;
  return u === "FRAC_SECOND" ? "MICROSECOND" : u;
}

function extractFn(t: LogicalType, unit: TimeUnit, timeZone: string): (v: any) => number {
  switch (t.kind) {
    case "DATE":
      return (v: number) => extractFromDate(unit, v);
    case "TIME":
      return (v: number) => extractFromTime(unit, v);
    case "TIMESTAMP":
      return (v: Timestamp) => extractFromTimestamp(unit, v);
    case "TIMESTAMP_LTZ":
      return (v: Timestamp) => extractFromTimestamp(unit, v, timeZone);
    case "INTERVAL_YEAR_MONTH":
      return (v: number) => extractFromYearMonthInterval(unit, v);
    default:
      return (v: number) => extractFromDayTimeInterval(unit, v);
  }
}

function checkExtract(name: string, unit: string, t: LogicalType, types: Types): void {
  if (t.kind === "NULL") return;
  if (!TEMPORAL.has(t.kind)) cannotApply(name, types);
  if (!(extractUnits(t) as readonly string[]).includes(unit)) {
    throw new SqlValidationError(`${name}: cannot extract ${unit} from ${t.kind}`);
  }
}

const EXTRACT = fn({
  name: "EXTRACT",
  inferType(types, operands?: Operands) {
    expectArgs("EXTRACT", types, [str, (t) => t.kind === "NULL" || TEMPORAL.has(t.kind)]);
    if (operands !== undefined)
      checkExtract("EXTRACT", keywordAt("EXTRACT", operands, 0, "time unit"), types[1]!, types);
    return nullableIf(BIGINT_T, types.slice(1));
  },
  bind(site) {
    const unit = siteKeyword(site, 0, "time unit");
    checkExtract("EXTRACT", unit, site.argTypes[1]!, site.argTypes);
    const f = extractFn(site.argTypes[1]!, unit as TimeUnit, site.timeZone);
    return (_unit: string, v: unknown) => f(v);
  },
});

function fieldFn(name: string, unit: TimeUnit, kinds: readonly string[]): ScalarFunctionDef {
  return fn({
    name,
    inferType(types) {
      expectArgs(name, types, [(t) => t.kind === "NULL" || kinds.includes(t.kind)]);
      return nullableIf(BIGINT_T, types);
    },
    bind: (site) => extractFn(site.argTypes[0]!, unit, site.timeZone),
  });
}

const DATE_KINDS = ["DATE", "TIMESTAMP", "TIMESTAMP_LTZ"];
const TIME_KINDS = ["TIME", "TIMESTAMP", "TIMESTAMP_LTZ"];

const ADD_UNITS = [
  "YEAR",
  "QUARTER",
  "MONTH",
  "WEEK",
  "DAY",
  "HOUR",
  "MINUTE",
  "SECOND",
  "MILLISECOND",
  "MICROSECOND",
];
const DATETIME = (t: LogicalType) =>
  t.kind === "NULL" ||
  t.kind === "DATE" ||
  t.kind === "TIME" ||
  t.kind === "TIMESTAMP" ||
  t.kind === "TIMESTAMP_LTZ";

function addResultType(unit: string, t: LogicalType): LogicalType {
  const subDay = !["YEAR", "QUARTER", "MONTH", "WEEK", "DAY"].includes(unit);
  if (t.kind === "DATE" && subDay)
    return T.notNull(T.TIMESTAMP(unit === "MICROSECOND" ? 6 : unit === "MILLISECOND" ? 3 : 0));
  if (t.kind === "TIME" && UNIT_MONTHS[unit] !== undefined) {
    throw new SqlValidationError(`TIMESTAMPADD: cannot add ${unit} to a TIME`);
  }
  if (
    (t.kind === "TIMESTAMP" || t.kind === "TIMESTAMP_LTZ") &&
    (unit === "MILLISECOND" || unit === "MICROSECOND")
  ) {
    const p = Math.max(t.precision, unit === "MILLISECOND" ? 3 : 6);
    return T.notNull(t.kind === "TIMESTAMP" ? T.TIMESTAMP(p) : T.TIMESTAMP_LTZ(p));
  }
  return T.notNull(t.kind === "NULL" ? T.TIMESTAMP(3) : t);
}

function addFn(unit: string, t: LogicalType): (n: number, v: any) => unknown {
  const months = UNIT_MONTHS[unit];
  const millis = UNIT_MILLIS[unit];
  switch (t.kind) {
    case "DATE":
      if (months !== undefined) return (n, d: number) => addMonthsToDate(d, n * months);
      if (unit === "DAY" || unit === "WEEK")
        return (n, d: number) => d + (n * millis!) / MILLIS_PER_DAY;
      if (unit === "MICROSECOND")
        return (n, d: number) =>
          Timestamp.fromEpochNanos(BigInt(d) * 86400000000000n + BigInt(n) * 1000n);
      return (n, d: number) => dateToTimestamp(d).plusMillis(n * millis!);
    case "TIME":
      if (unit === "MICROSECOND")
        return (n, v: number) => mod(v + Math.trunc(n / 1000), MILLIS_PER_DAY);
      return (n, v: number) => mod(v + n * millis!, MILLIS_PER_DAY);
    default:
      if (months !== undefined) return (n, ts: Timestamp) => addMonthsToTimestamp(ts, n * months);
      if (unit === "MICROSECOND")
        return (n, ts: Timestamp) =>
          Timestamp.fromEpochNanos(ts.toEpochNanos() + BigInt(n) * 1000n);
      return (n, ts: Timestamp) => ts.plusMillis(n * millis!);
  }
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

const TIMESTAMPADD = fn({
  name: "TIMESTAMPADD",
  inferType(types, operands?: Operands) {
    expectArgs("TIMESTAMPADD", types, [str, int, DATETIME]);
    const unit =
      operands === undefined
        ? "DAY"
        : normalizeUnit(keywordAt("TIMESTAMPADD", operands, 0, "time unit"));
    if (!ADD_UNITS.includes(unit))
      throw new SqlValidationError(`TIMESTAMPADD: unsupported time unit ${unit}`);
    return nullableIf(addResultType(unit, types[2]!), types);
  },
  bind(site) {
    const unit = normalizeUnit(siteKeyword(site, 0, "time unit"));
    const f = addFn(unit, site.argTypes[2]!);
    return (_u: string, n: number | bigint, v: unknown) => f(toInt(n), v);
  },
});

const DIFF_UNITS = [
  "YEAR",
  "QUARTER",
  "MONTH",
  "WEEK",
  "DAY",
  "HOUR",
  "MINUTE",
  "SECOND",
  "MILLISECOND",
  "MICROSECOND",
];

function epochMillisOf(t: LogicalType): (v: any) => number {
  return t.kind === "DATE" ? (d: number) => d * MILLIS_PER_DAY : (ts: Timestamp) => ts.millis;
}

const TIMESTAMPDIFF = fn({
  name: "TIMESTAMPDIFF",
  inferType(types, operands?: Operands) {
    const dt = (t: LogicalType) =>
      t.kind === "NULL" ||
      t.kind === "DATE" ||
      t.kind === "TIMESTAMP" ||
      t.kind === "TIMESTAMP_LTZ";
    expectArgs("TIMESTAMPDIFF", types, [str, dt, dt]);
    const [, a, b] = types as [LogicalType, LogicalType, LogicalType];
    if (
      (a.kind === "TIMESTAMP_LTZ") !== (b.kind === "TIMESTAMP_LTZ") &&
      a.kind !== "NULL" &&
      b.kind !== "NULL"
    ) {
      cannotApply("TIMESTAMPDIFF", types, "Both points in time must be TIMESTAMP_LTZ or neither");
    }
    if (operands !== undefined) {
      const unit = normalizeUnit(keywordAt("TIMESTAMPDIFF", operands, 0, "time unit"));
      if (!DIFF_UNITS.includes(unit))
        throw new SqlValidationError(`TIMESTAMPDIFF: unsupported time unit ${unit}`);
    }
    return nullableIf(T.notNull(T.INT()), types);
  },
  bind(site) {
    const unit = normalizeUnit(siteKeyword(site, 0, "time unit"));
    const ma = epochMillisOf(site.argTypes[1]!);
    const mb = epochMillisOf(site.argTypes[2]!);
    const months = UNIT_MONTHS[unit];
    if (months !== undefined)
      return (_u: string, a: unknown, b: unknown) =>
        Math.trunc(monthsBetween(mb(b), ma(a)) / months) | 0;
    if (unit === "MICROSECOND") {
      const nanos = (t: LogicalType, v: any) =>
        t.kind === "DATE" ? BigInt(v) * 86400000000000n : (v as Timestamp).toEpochNanos();
      return (_u: string, a: unknown, b: unknown) =>
        Number(
          BigInt.asIntN(32, (nanos(site.argTypes[2]!, b) - nanos(site.argTypes[1]!, a)) / 1000n),
        );
    }
    const step = UNIT_MILLIS[unit]!;
    return (_u: string, a: unknown, b: unknown) => Math.trunc((mb(b) - ma(a)) / step) | 0;
  },
});

const TS_FORMAT = "yyyy-MM-dd HH:mm:ss";

/** CONVERT_TZ: the text read in `from`, written in `to`; NULL when it does not parse. */
export function convertTz(text: string, from: string, to: string): string | null {
  const parsed = parseDateTime(text, TS_FORMAT, "simple");
  if (parsed === null) return null;
  const instant = resolveZone(from).toInstant(parsed.localMillis);
  return formatDateTime(TS_FORMAT, "simple", localParts(toLocal(resolveZone(to), instant)), null);
}

const CONVERT_TZ = fn({
  name: "CONVERT_TZ",
  mayReturnNull: true,
  inferType(types) {
    expectArgs("CONVERT_TZ", types, [str, str, str]);
    return stringType(true);
  },
  impl: convertTz,
});

/** The temporal field and arithmetic function definitions. */
export const TEMPORAL_FUNCTIONS: readonly ScalarFunctionDef[] = [
  EXTRACT,
  fieldFn("YEAR", "YEAR", DATE_KINDS),
  fieldFn("QUARTER", "QUARTER", DATE_KINDS),
  fieldFn("MONTH", "MONTH", DATE_KINDS),
  fieldFn("WEEK", "WEEK", DATE_KINDS),
  fieldFn("DAYOFYEAR", "DOY", DATE_KINDS),
  fieldFn("DAYOFMONTH", "DAY", DATE_KINDS),
  fieldFn("DAYOFWEEK", "DOW", DATE_KINDS),
  fieldFn("HOUR", "HOUR", TIME_KINDS),
  fieldFn("MINUTE", "MINUTE", TIME_KINDS),
  fieldFn("SECOND", "SECOND", TIME_KINDS),
  TIMESTAMPADD,
  TIMESTAMPDIFF,
  CONVERT_TZ,
];
