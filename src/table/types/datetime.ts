/**
 * Calendar arithmetic, parsing and formatting of DATE, TIME, TIMESTAMP and interval values in
 * Flink's text forms.
 *
 * Representations: DATE is days since 1970-01-01; TIME is milliseconds of the day; TIMESTAMP is a
 * {@link Timestamp} holding a local date-time encoded as UTC; year-month intervals are months and
 * day-time intervals milliseconds. The calendar is the proleptic Gregorian one (year 0 exists,
 * as in `java.time`).
 *
 * Parsing follows Flink's CAST from strings: DATE accepts `yyyy-M-d` (one- or two-digit month
 * and day, and also just `yyyy` or `yyyy-M`), ignoring a time part after a space; TIME accepts
 * `H:m:s[.fraction]`, `H:m` or `H`; TIMESTAMP accepts `yyyy-M-d[ H:m:s[.fraction]]` with up to 9
 * fraction digits. Unlike Flink, impossible dates (Feb 30) and times (25:00) are rejected instead
 * of adjusted, and an ISO `T` separator is accepted only when asked for (`{ iso: true }`, as
 * Flink's JSON format does in ISO-8601 mode).
 */
import { Timestamp } from "./timestamp.ts";

/** Milliseconds per day. */
export const MILLIS_PER_DAY = 86400000;

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Year, month (1..12) and day of a number of days since 1970-01-01. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Whether `year` is a leap year. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Number of days in a month (1..12) of a year. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Whether year (0..9999), month and day form a valid date. */
export function isValidDate(year: number, month: number, day: number): boolean {
  return (
    year >= 0 &&
    year <= 9999 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, "0");
  return n < 0 ? "-" + s : s;
}

/** `yyyy-MM-dd` of a DATE value. */
export function formatDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function fraction(nanosOfSecond: number, precision: number): string {
  if (precision <= 0) return "";
  return "." + String(nanosOfSecond).padStart(9, "0").slice(0, precision);
}

/** `HH:mm:ss[.fff]` of a TIME value with `precision` fraction digits (the value holds millis). */
export function formatTime(millisOfDay: number, precision = 0): string {
  const t = ((millisOfDay % MILLIS_PER_DAY) + MILLIS_PER_DAY) % MILLIS_PER_DAY;
  const h = Math.floor(t / 3600000);
  const m = Math.floor(t / 60000) % 60;
  const s = Math.floor(t / 1000) % 60;
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}${fraction((t % 1000) * 1000000, precision)}`;
}

/**
 * `yyyy-MM-dd HH:mm:ss[.fffffffff]` of a TIMESTAMP value, as Flink's CAST to STRING prints it:
 * the fraction has at least `precision` digits, and more when the value has more non-zero digits.
 */
export function formatTimestamp(ts: Timestamp, precision: number): string {
  const days = ts.epochDay();
  const time = formatTime(ts.millisOfDay(), 0);
  let frac = String(ts.nanosOfSecond()).padStart(9, "0");
  let end = frac.length;
  while (end > precision && frac[end - 1] === "0") end--;
  frac = frac.slice(0, end);
  return `${formatDate(days)} ${time}${frac.length > 0 ? "." + frac : ""}`;
}

const DATE_RE = /^(\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/;

/** Parses a DATE (see the module doc); returns undefined when the text is not a valid date. */
export function parseDate(text: string): number | undefined {
  let s = text.trim();
  const space = s.indexOf(" ");
  if (space > 0) s = s.slice(0, space);
  const m = DATE_RE.exec(s);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = m[2] === undefined ? 1 : Number(m[2]);
  const day = m[3] === undefined ? 1 : Number(m[3]);
  return isValidDate(year, month, day) ? daysFromCivil(year, month, day) : undefined;
}

/** Nanoseconds of a fraction's digits (up to 9). */
function fractionNanos(digits: string | undefined): number {
  if (digits === undefined || digits.length === 0) return 0;
  return Number(digits.padEnd(9, "0"));
}

const TIME_RE = /^(\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d{0,9}))?)?)?$/;

/**
 * Parses a TIME of day to milliseconds (the fraction is rounded to milliseconds, half up, as
 * Flink does); returns undefined when malformed or out of range.
 */
export function parseTime(text: string): number | undefined {
  const m = TIME_RE.exec(text.trim());
  if (m === null) return undefined;
  const h = Number(m[1]);
  const min = m[2] === undefined ? 0 : Number(m[2]);
  const sec = m[3] === undefined ? 0 : Number(m[3]);
  if (h > 23 || min > 59 || sec > 59) return undefined;
  const ms = Math.min(999, Math.round(fractionNanos(m[4]) / 1000000));
  return h * 3600000 + min * 60000 + sec * 1000 + ms;
}

const TIMESTAMP_RE =
  /^(\d{1,4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{0,9}))?)?$/;

/** Options of timestamp parsing. */
export interface TimestampParseOptions {
  /** Also accept `T` between date and time (ISO-8601). Default false, as Flink's CAST. */
  readonly iso?: boolean;
}

/**
 * Parses a TIMESTAMP (a local date-time) truncated to `precision` fraction digits; returns
 * undefined when malformed or not a valid date-time.
 */
export function parseTimestamp(
  text: string,
  precision = 9,
  options: TimestampParseOptions = {},
): Timestamp | undefined {
  const s = text.trim();
  const m = TIMESTAMP_RE.exec(s);
  if (m === null) return undefined;
  if (!options.iso && s.includes("T")) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isValidDate(year, month, day)) return undefined;
  const h = m[4] === undefined ? 0 : Number(m[4]);
  const min = m[5] === undefined ? 0 : Number(m[5]);
  const sec = m[6] === undefined ? 0 : Number(m[6]);
  if (h > 23 || min > 59 || sec > 59) return undefined;
  const nanos = fractionNanos(m[7]);
  const millis =
    daysFromCivil(year, month, day) * MILLIS_PER_DAY + h * 3600000 + min * 60000 + sec * 1000;
  const ts = new Timestamp(millis + Math.floor(nanos / 1000000), nanos % 1000000);
  return ts.truncate(precision);
}

/** A TIMESTAMP at midnight of a DATE. */
export function dateToTimestamp(days: number): Timestamp {
  return new Timestamp(days * MILLIS_PER_DAY, 0);
}

/**
 * Adds months to a DATE, clamping the day to the end of the month (2020-01-31 + 1 month =
 * 2020-02-29), as Flink's `addMonths`.
 */
export function addMonthsToDate(days: number, months: number): number {
  const { year, month, day } = civilFromDays(days);
  const total = year * 12 + (month - 1) + months;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  return daysFromCivil(y, m, Math.min(day, daysInMonth(y, m)));
}

/** Adds months to a TIMESTAMP, keeping the time of day (clamping the day like DATEs). */
export function addMonthsToTimestamp(ts: Timestamp, months: number): Timestamp {
  const days = ts.epochDay();
  const shifted = addMonthsToDate(days, months);
  return shifted === days
    ? ts
    : new Timestamp(ts.millis + (shifted - days) * MILLIS_PER_DAY, ts.nanos);
}

/** Text of a year-month interval as Flink prints it: `+1-02` (years-months), `-0-05`. */
export function formatYearMonthInterval(months: number): string {
  const sign = months < 0 ? "-" : "+";
  const v = Math.abs(months);
  return `${sign}${Math.floor(v / 12)}-${pad(v % 12, 2)}`;
}

/** Text of a day-time interval as Flink prints it: `+0 01:02:03.004` (days hh:mm:ss.fff). */
export function formatDayTimeInterval(millis: number): string {
  const sign = millis < 0 ? "-" : "+";
  const v = Math.abs(millis);
  const d = Math.floor(v / MILLIS_PER_DAY);
  return `${sign}${d} ${formatTime(v - d * MILLIS_PER_DAY, 3)}`;
}
