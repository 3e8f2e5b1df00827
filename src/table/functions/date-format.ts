/**
 * Formatting and parsing with the Java date-time patterns compiled by `date-pattern.ts`.
 *
 * Formatting takes a local date-time (epoch day, millisecond of the day, nanosecond of the
 * second) and, for the zone letters (`z Z X x O V`), a zone; java.time patterns on a TIMESTAMP
 * have none, and a zone letter then fails as Java's `LocalDateTime.format` does.
 *
 * Parsing follows the dialect: java.time fields have fixed widths (`MM` is exactly two digits,
 * `SSS` three fraction digits), names are case-sensitive, the whole text must be consumed and
 * impossible values fail (a day past the month's end is moved to its last day, Java's SMART
 * resolver); simple (SimpleDateFormat) numbers take all their digits unless another number
 * follows directly, names are case-insensitive, trailing text is ignored and out-of-range
 * values roll over (lenient: month 13 is January of the next year). Missing fields default to
 * 1970-01-01 00:00:00. Two-digit years (`yy`) fall in 2000..2099.
 */
import { MILLIS_PER_DAY, civilFromDays, daysFromCivil } from "../types/datetime.ts";
import { isoDayOfWeek } from "../types/temporal.ts";
import { DAYS, DatePatternError, MONTHS, QUARTERS, compilePattern } from "./date-pattern.ts";
import type { PatternDialect, PatternToken } from "./date-pattern.ts";
import { zoneShortName } from "./zones.ts";

export { DatePatternError } from "./date-pattern.ts";

/** A zone for the zone letters: its id and its offset at the formatted instant. */
export interface ZoneInfo {
  /** IANA id or offset id (`UTC`, `Europe/Berlin`, `+08:00`). */
  readonly id: string;
  /** Offset from UTC in milliseconds. */
  readonly offsetMillis: number;
  /** The epoch millis of the instant (for the zone's name at that time). */
  readonly instant: number;
}

/** A local date-time to format. */
export interface LocalDateTimeParts {
  /** Days since 1970-01-01. */
  readonly days: number;
  /** Milliseconds of the day. */
  readonly millisOfDay: number;
  /** Nanoseconds of the second (0..999_999_999). */
  readonly nanosOfSecond: number;
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, "0");
  return n < 0 ? "-" + s : s;
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/** US week rules: [week-based year, week of year] (weeks start on Sunday, week 1 holds Jan 1). */
function usWeek(days: number, year: number): [number, number] {
  const weekStart = days - mod(days + 4, 7);
  if (weekStart + 6 >= daysFromCivil(year + 1, 1, 1)) return [year + 1, 1];
  const jan1 = daysFromCivil(year, 1, 1);
  const firstWeekStart = jan1 - mod(jan1 + 4, 7);
  return [year, Math.floor((weekStart - firstWeekStart) / 7) + 1];
}

function offsetText(
  offsetMillis: number,
  colon: boolean,
  withSeconds: boolean,
  forceMinutes: boolean,
): string {
  const sign = offsetMillis < 0 ? "-" : "+";
  const total = Math.abs(Math.round(offsetMillis / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor(total / 60) % 60;
  const s = total % 60;
  let out = sign + pad(h, 2);
  if (forceMinutes || m !== 0 || s !== 0) out += (colon ? ":" : "") + pad(m, 2);
  if (withSeconds && s !== 0) out += (colon ? ":" : "") + pad(s, 2);
  return out;
}

function needZone(zone: ZoneInfo | null, letter: string): ZoneInfo {
  if (zone === null)
    throw new DatePatternError(
      `Unsupported field for pattern letter '${letter}': a TIMESTAMP has no time zone`,
    );
  return zone;
}

function formatField(
  letter: string,
  count: number,
  v: LocalDateTimeParts,
  zone: ZoneInfo | null,
  dialect: PatternDialect,
): string {
  const { year, month, day } = civilFromDays(v.days);
  const ms = v.millisOfDay;
  const hour = Math.floor(ms / 3600000);
  const yearOfEra = year > 0 ? year : 1 - year;
  const text = (full: string, n: number) => (n >= 4 ? full : n === 5 ? full[0]! : full.slice(0, 3));
  switch (letter) {
    case "G":
      return count === 4
        ? year > 0
          ? "Anno Domini"
          : "Before Christ"
        : count === 5
          ? year > 0
            ? "A"
            : "B"
          : year > 0
            ? "AD"
            : "BC";
    case "y":
      return count === 2 ? pad(mod(yearOfEra, 100), 2) : pad(yearOfEra, count);
    case "u":
      if (dialect === "simple") return pad(isoDayOfWeek(v.days), count);
      return count === 2 ? pad(mod(year, 100), 2) : pad(year, count);
    case "Y": {
      const wy = usWeek(v.days, year)[0];
      return count === 2 ? pad(mod(wy, 100), 2) : pad(wy, count);
    }
    case "M":
    case "L":
      return count <= 2
        ? pad(month, count)
        : count === 5
          ? MONTHS[month - 1]![0]!
          : text(MONTHS[month - 1]!, count);
    case "d":
      return pad(day, count);
    case "D":
      return pad(v.days - daysFromCivil(year, 1, 1) + 1, count);
    case "Q":
    case "q": {
      const q = Math.floor((month + 2) / 3);
      return count <= 2
        ? pad(q, count)
        : count === 3
          ? `Q${q}`
          : count === 4
            ? QUARTERS[q - 1]!
            : String(q);
    }
    case "w":
      return pad(usWeek(v.days, year)[1], count);
    case "W": {
      const first = daysFromCivil(year, month, 1);
      return pad(Math.floor((day - 1 + mod(first + 4, 7)) / 7) + 1, count);
    }
    case "F":
      return pad(Math.floor((day - 1) / 7) + 1, count);
    case "E":
      return text(DAYS[isoDayOfWeek(v.days) - 1]!, dialect === "simple" && count > 4 ? 4 : count);
    case "e":
    case "c":
      return count <= 2
        ? pad(mod(v.days + 4, 7) + 1, count)
        : text(DAYS[isoDayOfWeek(v.days) - 1]!, count);
    case "a":
      return hour < 12 ? "AM" : "PM";
    case "h":
      return pad(((hour + 11) % 12) + 1, count);
    case "K":
      return pad(hour % 12, count);
    case "k":
      return pad(hour === 0 ? 24 : hour, count);
    case "H":
      return pad(hour, count);
    case "m":
      return pad(Math.floor(ms / 60000) % 60, count);
    case "s":
      return pad(Math.floor(ms / 1000) % 60, count);
    case "S":
      if (dialect === "simple") return pad(ms % 1000, count);
      return String(v.nanosOfSecond)
        .padStart(9, "0")
        .slice(0, Math.min(count, 9))
        .padEnd(count, "0");
    case "n":
      return pad(v.nanosOfSecond, count);
    case "A":
      return pad(ms, count);
    case "N":
      return pad((ms - (ms % 1000)) * 1000000 + v.nanosOfSecond, count);
    case "z": {
      const z = needZone(zone, letter);
      return zoneShortName(z.id, z.instant, count >= 4);
    }
    case "Z": {
      const z = needZone(zone, letter);
      if (count <= 3) return offsetText(z.offsetMillis, false, false, true);
      if (count === 4)
        return z.offsetMillis === 0 ? "GMT" : "GMT" + offsetText(z.offsetMillis, true, true, true);
      return z.offsetMillis === 0 ? "Z" : offsetText(z.offsetMillis, true, true, true);
    }
    case "X":
    case "x": {
      const z = needZone(zone, letter);
      if (letter === "X" && z.offsetMillis === 0) return "Z";
      return offsetText(z.offsetMillis, count === 3 || count === 5, count >= 4, count !== 1);
    }
    case "O": {
      const z = needZone(zone, letter);
      if (z.offsetMillis === 0) return "GMT";
      if (count === 4) return "GMT" + offsetText(z.offsetMillis, true, true, true);
      const t = offsetText(z.offsetMillis, true, true, false);
      return "GMT" + t[0] + String(Number(t.slice(1, 3))) + t.slice(3);
    }
    case "V":
      return needZone(zone, letter).id;
    default:
      throw new DatePatternError(`Unknown pattern letter: ${letter}`);
  }
}

function formatTokens(
  tokens: readonly PatternToken[],
  v: LocalDateTimeParts,
  zone: ZoneInfo | null,
  dialect: PatternDialect,
): string {
  let out = "";
  for (const t of tokens) {
    if (t.kind === "literal") out += t.text;
    else if (t.kind === "optional") out += formatTokens(t.tokens, v, zone, dialect);
    else out += formatField(t.letter, t.count, v, zone, dialect);
  }
  return out;
}

/** Formats a local date-time with a Java pattern (see the module doc). */
export function formatDateTime(
  pattern: string,
  dialect: PatternDialect,
  v: LocalDateTimeParts,
  zone: ZoneInfo | null,
): string {
  return formatTokens(compilePattern(pattern, dialect), v, zone, dialect);
}

/** Parsing lives in `date-parse.ts`; re-exported so callers need one import. */
export { parseDateTime } from "./date-parse.ts";
/** The result of {@link parseDateTime}. */
export type { ParsedDateTime } from "./date-parse.ts";

/** The local parts of a local date-time given as UTC-encoded epoch millis plus nanos within the ms. */
export function localParts(localMillis: number, nanosOfMilli = 0): LocalDateTimeParts {
  const days = Math.floor(localMillis / MILLIS_PER_DAY);
  const millisOfDay = localMillis - days * MILLIS_PER_DAY;
  return { days, millisOfDay, nanosOfSecond: (millisOfDay % 1000) * 1000000 + nanosOfMilli };
}
