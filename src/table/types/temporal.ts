/**
 * EXTRACT and date/time ± interval on runtime values, with Flink's conventions: DOW counts from
 * Sunday = 1 to Saturday = 7, ISODOW from Monday = 1, WEEK is the ISO-8601 week, MILLISECOND /
 * MICROSECOND / NANOSECOND are the fraction within the second, EPOCH is seconds since
 * 1970-01-01 00:00:00 (truncated toward zero, as Flink divides), and a TIMESTAMP_LTZ is read in
 * the session time zone.
 */
import { Timestamp } from "./timestamp.ts";
import {
  MILLIS_PER_DAY,
  addMonthsToDate,
  addMonthsToTimestamp,
  civilFromDays,
  daysFromCivil,
} from "./datetime.ts";
import { instantToLocal } from "./time-zone.ts";

/** Units of EXTRACT. */
export type TimeUnit =
  | "MILLENNIUM"
  | "CENTURY"
  | "DECADE"
  | "YEAR"
  | "ISOYEAR"
  | "QUARTER"
  | "MONTH"
  | "WEEK"
  | "DAY"
  | "DOW"
  | "ISODOW"
  | "DOY"
  | "HOUR"
  | "MINUTE"
  | "SECOND"
  | "MILLISECOND"
  | "MICROSECOND"
  | "NANOSECOND"
  | "EPOCH";

const DATE_UNITS = new Set<TimeUnit>([
  "MILLENNIUM",
  "CENTURY",
  "DECADE",
  "YEAR",
  "ISOYEAR",
  "QUARTER",
  "MONTH",
  "WEEK",
  "DAY",
  "DOW",
  "ISODOW",
  "DOY",
]);

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** ISO day of week of a DATE: Monday = 1 .. Sunday = 7 (1970-01-01 was a Thursday). */
export function isoDayOfWeek(days: number): number {
  return mod(days + 3, 7) + 1;
}

function isoWeekAndYear(days: number): { week: number; year: number } {
  const thursday = days - isoDayOfWeek(days) + 4;
  const year = civilFromDays(thursday).year;
  return { week: Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1, year };
}

/** EXTRACT of a date unit from a DATE (days since the epoch). */
export function extractFromDate(unit: TimeUnit, days: number): number {
  if (unit === "EPOCH") return days * 86400;
  const { year, month, day } = civilFromDays(days);
  switch (unit) {
    case "YEAR":
      return year;
    case "MONTH":
      return month;
    case "DAY":
      return day;
    case "QUARTER":
      return Math.floor((month + 2) / 3);
    case "DOW":
      return mod(days + 4, 7) + 1;
    case "ISODOW":
      return isoDayOfWeek(days);
    case "DOY":
      return days - daysFromCivil(year, 1, 1) + 1;
    case "WEEK":
      return isoWeekAndYear(days).week;
    case "ISOYEAR":
      return isoWeekAndYear(days).year;
    case "DECADE":
      return Math.trunc(year / 10);
    case "CENTURY":
      return year > 0 ? Math.trunc((year + 99) / 100) : Math.trunc((year - 99) / 100);
    case "MILLENNIUM":
      return year > 0 ? Math.trunc((year + 999) / 1000) : Math.trunc((year - 999) / 1000);
    default:
      throw new RangeError(`EXTRACT(${unit} FROM <DATE>) is not supported`);
  }
}

/** EXTRACT of a time unit from a TIME (milliseconds of the day). */
export function extractFromTime(unit: TimeUnit, millisOfDay: number): number {
  return extractTimeOfDay(unit, millisOfDay, 0, "TIME");
}

function extractTimeOfDay(unit: TimeUnit, ms: number, nanosOfMilli: number, what: string): number {
  switch (unit) {
    case "HOUR":
      return Math.floor(ms / 3600000);
    case "MINUTE":
      return Math.floor(ms / 60000) % 60;
    case "SECOND":
      return Math.floor(ms / 1000) % 60;
    case "MILLISECOND":
      return ms % 1000;
    case "MICROSECOND":
      return (ms % 1000) * 1000 + Math.floor(nanosOfMilli / 1000);
    case "NANOSECOND":
      return (ms % 1000) * 1000000 + nanosOfMilli;
    default:
      throw new RangeError(`EXTRACT(${unit} FROM <${what}>) is not supported`);
  }
}

/**
 * EXTRACT from a TIMESTAMP; pass `timeZone` for a TIMESTAMP_LTZ, whose fields are read in that
 * zone.
 */
export function extractFromTimestamp(unit: TimeUnit, ts: Timestamp, timeZone?: string): number {
  const local = timeZone === undefined ? ts : instantToLocal(ts, timeZone);
  if (unit === "EPOCH") return Math.trunc(local.millis / 1000) + 0; // Java's long division, as Flink
  if (DATE_UNITS.has(unit)) return extractFromDate(unit, local.epochDay());
  return extractTimeOfDay(unit, local.millisOfDay(), local.nanos, "TIMESTAMP");
}

/** EXTRACT from a year-month interval (months): YEAR and MONTH, truncated toward zero. */
export function extractFromYearMonthInterval(unit: TimeUnit, months: number): number {
  if (unit === "YEAR") return Math.trunc(months / 12);
  if (unit === "MONTH") return (months % 12) + 0; // + 0 turns -0 into 0
  throw new RangeError(`EXTRACT(${unit} FROM <INTERVAL YEAR TO MONTH>) is not supported`);
}

/** EXTRACT from a day-time interval (milliseconds): DAY, HOUR, MINUTE, SECOND, MILLISECOND. */
export function extractFromDayTimeInterval(unit: TimeUnit, millis: number): number {
  const sign = millis < 0 ? -1 : 1;
  const v = Math.abs(millis);
  if (unit === "DAY") return sign * Math.floor(v / MILLIS_PER_DAY) || 0;
  return sign * extractTimeOfDay(unit, v % MILLIS_PER_DAY, 0, "INTERVAL DAY TO SECOND") || 0;
}

/** The kind of interval added to a date/time value. */
export type IntervalKind = "INTERVAL_YEAR_MONTH" | "INTERVAL_DAY_TIME";

/**
 * DATE + interval: months move the date (clamping the day), a day-time interval adds its whole
 * days (the rest is dropped, the result stays a DATE).
 */
export function addIntervalToDate(days: number, interval: number, kind: IntervalKind): number {
  if (kind === "INTERVAL_YEAR_MONTH") return addMonthsToDate(days, interval);
  return days + Math.trunc(interval / MILLIS_PER_DAY);
}

/** TIME + day-time interval, wrapping around midnight; year-month intervals are rejected. */
export function addIntervalToTime(
  millisOfDay: number,
  interval: number,
  kind: IntervalKind,
): number {
  if (kind === "INTERVAL_YEAR_MONTH")
    throw new RangeError("Cannot add a year-month interval to a TIME");
  return mod(millisOfDay + interval, MILLIS_PER_DAY);
}

/**
 * TIMESTAMP / TIMESTAMP_LTZ + interval: months by calendar (clamping the day, on the UTC
 * encoding as Flink does), a day-time interval by its milliseconds.
 */
export function addIntervalToTimestamp(
  ts: Timestamp,
  interval: number,
  kind: IntervalKind,
): Timestamp {
  if (kind === "INTERVAL_YEAR_MONTH") return addMonthsToTimestamp(ts, interval);
  return ts.plusMillis(interval);
}
