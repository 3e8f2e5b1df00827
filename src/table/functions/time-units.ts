/**
 * Time units of EXTRACT, FLOOR/CEIL ... TO unit, TIMESTAMPADD and TIMESTAMPDIFF: which units
 * apply to which types, and Flink's calendar arithmetic for them (`DateTimeUtils`): flooring to
 * a week goes back to Sunday, DECADE/CENTURY/MILLENNIUM follow Calcite's year rules, and month
 * differences count whole months with the time of day taken into account.
 */
import {
  MILLIS_PER_DAY,
  addMonthsToDate,
  civilFromDays,
  daysFromCivil,
} from "../types/datetime.ts";
import type { LogicalType } from "../types/logical-type.ts";
import type { TimeUnit } from "../types/temporal.ts";

/** Units valid for EXTRACT from each kind of operand. */
const DATE_FIELDS: readonly TimeUnit[] = [
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
  "EPOCH",
];
const TIME_FIELDS: readonly TimeUnit[] = [
  "HOUR",
  "MINUTE",
  "SECOND",
  "MILLISECOND",
  "MICROSECOND",
  "NANOSECOND",
];

/** The EXTRACT units a type supports. */
export function extractUnits(t: LogicalType): readonly TimeUnit[] {
  switch (t.kind) {
    case "DATE":
      return DATE_FIELDS;
    case "TIME":
      return TIME_FIELDS;
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ":
      return [...DATE_FIELDS, ...TIME_FIELDS];
    case "INTERVAL_YEAR_MONTH":
      return ["YEAR", "MONTH"];
    case "INTERVAL_DAY_TIME":
      return ["DAY", "HOUR", "MINUTE", "SECOND", "MILLISECOND"];
    default:
      return [];
  }
}

/** Units of FLOOR/CEIL ... TO unit. */
export type FloorUnit =
  | "MILLENNIUM"
  | "CENTURY"
  | "DECADE"
  | "YEAR"
  | "QUARTER"
  | "MONTH"
  | "WEEK"
  | "DAY"
  | "HOUR"
  | "MINUTE"
  | "SECOND"
  | "MILLISECOND";

/** The FLOOR/CEIL units a type supports. */
export function floorUnits(t: LogicalType): readonly FloorUnit[] {
  const dateUnits: FloorUnit[] = [
    "MILLENNIUM",
    "CENTURY",
    "DECADE",
    "YEAR",
    "QUARTER",
    "MONTH",
    "WEEK",
    "DAY",
  ];
  const timeUnits: FloorUnit[] = ["HOUR", "MINUTE", "SECOND", "MILLISECOND"];
  if (t.kind === "DATE") return dateUnits;
  if (t.kind === "TIME") return timeUnits;
  if (t.kind === "TIMESTAMP" || t.kind === "TIMESTAMP_LTZ") return [...dateUnits, ...timeUnits];
  return [];
}

/** Milliseconds of the fixed-length units. */
export const UNIT_MILLIS: Partial<Record<string, number>> = {
  WEEK: 7 * MILLIS_PER_DAY,
  DAY: MILLIS_PER_DAY,
  HOUR: 3600000,
  MINUTE: 60000,
  SECOND: 1000,
  MILLISECOND: 1,
};

/** Months of the calendar units. */
export const UNIT_MONTHS: Partial<Record<string, number>> = { YEAR: 12, QUARTER: 3, MONTH: 1 };

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** The start of the unit holding a DATE (Calcite's floors: centuries start in years ..01). */
function floorDay(days: number, unit: FloorUnit): number {
  const { year, month } = civilFromDays(days);
  switch (unit) {
    case "MILLENNIUM":
      return daysFromCivil(1000 * Math.trunc((year + 999) / 1000) - 999, 1, 1);
    case "CENTURY":
      return daysFromCivil(100 * Math.trunc((year + 99) / 100) - 99, 1, 1);
    case "DECADE":
      return daysFromCivil(10 * Math.trunc(year / 10), 1, 1);
    case "YEAR":
      return daysFromCivil(year, 1, 1);
    case "QUARTER":
      return daysFromCivil(year, month - ((month - 1) % 3), 1);
    case "MONTH":
      return daysFromCivil(year, month, 1);
    case "WEEK":
      return days - mod(days + 4, 7); // back to Sunday
    case "DAY":
      return days;
    default:
      throw new RangeError(`Cannot round a DATE to ${unit}`);
  }
}

/** The start of the unit after the one starting on `start`. */
function nextBoundary(start: number, unit: FloorUnit): number {
  const years: Partial<Record<FloorUnit, number>> = {
    MILLENNIUM: 1000,
    CENTURY: 100,
    DECADE: 10,
    YEAR: 1,
  };
  const y = years[unit];
  if (y !== undefined) return addMonthsToDate(start, 12 * y);
  if (unit === "QUARTER") return addMonthsToDate(start, 3);
  if (unit === "MONTH") return addMonthsToDate(start, 1);
  return start + (unit === "WEEK" ? 7 : 1);
}

/** FLOOR (`floor` true) or CEIL of a DATE to a calendar unit; CEIL of a boundary is itself. */
export function floorDate(days: number, unit: FloorUnit, floor: boolean): number {
  const f = floorDay(days, unit);
  return floor || f === days ? f : nextBoundary(f, unit);
}

/**
 * FLOOR or CEIL of a local date-time (UTC-encoded millis, plus whether sub-millisecond nanos
 * are present) to a unit; the result in the same encoding, without sub-millisecond nanos.
 */
export function floorLocalMillis(
  millis: number,
  extraNanos: boolean,
  unit: FloorUnit,
  floor: boolean,
): number {
  const step = unit === "WEEK" ? undefined : UNIT_MILLIS[unit];
  if (step !== undefined) {
    const r = mod(millis, step);
    if (floor) return millis - r;
    return r > 0 || extraNanos ? millis - r + step : millis;
  }
  const days = Math.floor(millis / MILLIS_PER_DAY);
  const f = floorDay(days, unit) * MILLIS_PER_DAY;
  if (floor || (f === millis && !extraNanos)) return f;
  return nextBoundary(f / MILLIS_PER_DAY, unit) * MILLIS_PER_DAY;
}

/** Whole months from `a` to `b` (local millis), counting the time of day (Flink's `subtractMonths`). */
export function monthsBetween(b: number, a: number): number {
  if (b < a) return -monthsBetween(a, b);
  const db = Math.floor(b / MILLIS_PER_DAY);
  const da = Math.floor(a / MILLIS_PER_DAY);
  const mb = b - db * MILLIS_PER_DAY;
  const ma = a - da * MILLIS_PER_DAY;
  let m = Math.floor((db - da) / 31);
  for (;;) {
    const d2 = addMonthsToDate(da, m);
    if (d2 >= db) break;
    const d3 = addMonthsToDate(da, m + 1);
    if (d3 > db) break;
    m++;
  }
  if (addMonthsToDate(da, m) === db && mb < ma) m--;
  return m;
}
