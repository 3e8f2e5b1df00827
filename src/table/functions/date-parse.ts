/**
 * Parsing of date-time text with a Java pattern (see `date-format.ts` for the rules of the two
 * dialects). The result is a local date-time plus the offset or zone the text named, if any.
 */
import { MILLIS_PER_DAY, daysFromCivil, daysInMonth } from "../types/datetime.ts";
import { DAYS, MONTHS, compilePattern, isNumericToken } from "./date-pattern.ts";
import type { PatternDialect, PatternToken } from "./date-pattern.ts";
import { parseOffsetId, resolveZone } from "./zones.ts";

/** A parsed date-time. */
export interface ParsedDateTime {
  /** The local date-time as UTC-encoded epoch milliseconds. */
  readonly localMillis: number;
  /** Nanoseconds within the millisecond. */
  readonly nanosOfMilli: number;
  /** The offset the text gave (`+0800`, `Z`), in milliseconds, or null. */
  readonly offsetMillis: number | null;
  /** The zone id the text gave (`PST`, `Europe/Berlin`), or null. */
  readonly zoneId: string | null;
}

interface Fields {
  era?: number;
  year?: number;
  twoDigitYear?: boolean;
  month?: number;
  day?: number;
  dayOfYear?: number;
  hour?: number;
  hour12?: number;
  clockHour24?: number;
  pm?: boolean;
  minute?: number;
  second?: number;
  fractionNanos?: number;
  millis?: number;
  nanoOfSecond?: number;
  offset?: number;
  zoneId?: string;
}

interface State {
  pos: number;
  fields: Fields;
}

const MAX_DIGITS = 19;

/** [min, max] digits of a numeric field; `adjacent` when another number follows directly. */
function widths(
  t: { letter: string; count: number },
  dialect: PatternDialect,
  adjacent: boolean,
): [number, number] {
  const { letter, count } = t;
  if (dialect === "simple") return adjacent ? [count, count] : [1, MAX_DIGITS];
  if (letter === "S") return [count, count];
  if (letter === "y" || letter === "u" || letter === "Y") {
    if (count === 2) return [2, 2];
    return [count, MAX_DIGITS];
  }
  if (count === 1) return [1, MAX_DIGITS];
  return [count, count];
}

function matchName(
  text: string,
  pos: number,
  names: readonly string[],
  caseless: boolean,
): [number, number] | null {
  const hay = caseless ? text.slice(pos).toLowerCase() : text.slice(pos);
  let best: [number, number] | null = null;
  names.forEach((n, i) => {
    const needle = caseless ? n.toLowerCase() : n;
    if (hay.startsWith(needle) && (best === null || needle.length > best[1]))
      best = [i, needle.length];
  });
  return best;
}

function parseZoneText(
  text: string,
  pos: number,
  letter: string,
  count: number,
  f: Fields,
): number {
  const rest = text.slice(pos);
  if ((letter === "X" || letter === "z" || letter === "Z") && /^Z/.test(rest)) {
    f.offset = 0;
    return 1;
  }
  const off = /^(?:GMT|UTC)?[+-]\d{1,2}(?::?\d{2})?(?::?\d{2})?/.exec(rest);
  if (off !== null) {
    const value = parseOffsetId(off[0]);
    if (value === undefined) return -1;
    f.offset = value;
    return off[0].length;
  }
  if (
    /^(GMT|UTC)/.test(rest) &&
    (letter === "z" || letter === "O" || (letter === "Z" && count === 4))
  ) {
    f.offset = 0;
    return 3;
  }
  if (letter === "z" || letter === "V") {
    const id = /^[A-Za-z][A-Za-z0-9/_+-]*/.exec(rest);
    if (id === null) return -1;
    try {
      resolveZone(id[0]);
    } catch {
      return -1;
    }
    f.zoneId = id[0];
    return id[0].length;
  }
  return -1;
}

function setNumber(
  f: Fields,
  letter: string,
  count: number,
  value: number,
  digits: number,
  dialect: PatternDialect,
): boolean {
  switch (letter) {
    case "y":
    case "u":
    case "Y":
      if (dialect === "simple" && letter === "u") return true; // day of week: ignored
      f.year = value;
      f.twoDigitYear = count === 2 && digits === 2;
      return true;
    case "M":
    case "L":
      f.month = value;
      return true;
    case "d":
      f.day = value;
      return true;
    case "D":
      f.dayOfYear = value;
      return true;
    case "H":
      f.hour = value;
      return true;
    case "k":
      f.clockHour24 = value;
      return true;
    case "h":
    case "K":
      f.hour12 = letter === "h" && value === 12 ? 0 : value;
      return true;
    case "m":
      f.minute = value;
      return true;
    case "s":
      f.second = value;
      return true;
    case "S":
      if (dialect === "simple") f.millis = value;
      else f.fractionNanos = value * 10 ** (9 - count);
      return true;
    case "n":
      f.nanoOfSecond = value;
      return true;
    default:
      return true; // other numbers (weeks, quarters, day of week) are parsed and ignored
  }
}

function parseTokens(
  text: string,
  tokens: readonly PatternToken[],
  dialect: PatternDialect,
  st: State,
): boolean {
  const caseless = dialect === "simple";
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind === "literal") {
      if (!text.startsWith(t.text, st.pos)) return false;
      st.pos += t.text.length;
      continue;
    }
    if (t.kind === "optional") {
      const saved: State = { pos: st.pos, fields: { ...st.fields } };
      if (!parseTokens(text, t.tokens, dialect, saved)) continue;
      st.pos = saved.pos;
      st.fields = saved.fields;
      continue;
    }
    const next = tokens[k + 1];
    if (isNumericToken(t)) {
      const adjacent = next !== undefined && isNumericToken(next);
      const [min, widest] = widths(t, dialect, adjacent);
      let max = widest;
      let run = 0;
      while (
        st.pos + run < text.length &&
        text.charCodeAt(st.pos + run) >= 48 &&
        text.charCodeAt(st.pos + run) <= 57
      )
        run++;
      if (adjacent && max > min && next.kind === "field") {
        // leave room for the fixed-width numbers that follow (java.time's adjacent value parsing)
        let reserved = 0;
        for (let j = k + 1; j < tokens.length && isNumericToken(tokens[j]!); j++)
          reserved += (tokens[j] as { count: number }).count;
        max = Math.max(min, run - reserved);
      }
      const n = Math.min(run, max);
      if (n < min || n === 0) return false;
      const value = Number(text.slice(st.pos, st.pos + n));
      st.pos += n;
      if (!setNumber(st.fields, t.letter, t.count, value, n, dialect)) return false;
      continue;
    }
    const f = st.fields;
    switch (t.letter) {
      case "M":
      case "L": {
        const m = matchName(
          text,
          st.pos,
          t.count === 3 ? MONTHS.map((x) => x.slice(0, 3)) : MONTHS,
          caseless || t.count < 3,
        );
        const m2 =
          m ??
          (caseless
            ? matchName(
                text,
                st.pos,
                MONTHS.map((x) => x.slice(0, 3)),
                true,
              )
            : null);
        if (m2 === null) return false;
        f.month = m2[0] + 1;
        st.pos += m2[1];
        break;
      }
      case "E":
      case "e":
      case "c": {
        const names = t.count >= 4 ? DAYS : DAYS.map((x) => x.slice(0, 3));
        const m =
          matchName(text, st.pos, names, caseless) ??
          (caseless
            ? matchName(
                text,
                st.pos,
                DAYS.map((x) => x.slice(0, 3)),
                true,
              )
            : null);
        if (m === null) return false;
        st.pos += m[1];
        break;
      }
      case "a": {
        const m = matchName(text, st.pos, ["AM", "PM"], caseless);
        if (m === null) return false;
        f.pm = m[0] === 1;
        st.pos += m[1];
        break;
      }
      case "G": {
        const m = matchName(text, st.pos, ["BC", "AD"], caseless);
        if (m === null) return false;
        f.era = m[0];
        st.pos += m[1];
        break;
      }
      case "Q":
      case "q": {
        const m = /^Q[1-4]/.exec(text.slice(st.pos));
        if (m === null) return false;
        st.pos += 2;
        break;
      }
      default: {
        const used = parseZoneText(text, st.pos, t.letter, t.count, f);
        if (used < 0) return false;
        st.pos += used;
      }
    }
  }
  return true;
}

/**
 * Parses `text` with `pattern`; null when it does not match (or, for java.time patterns, when a
 * field is out of range). Throws a `DatePatternError` for a malformed pattern.
 */
export function parseDateTime(
  text: string,
  pattern: string,
  dialect: PatternDialect,
): ParsedDateTime | null {
  const tokens = compilePattern(pattern, dialect);
  const st: State = { pos: 0, fields: {} };
  if (!parseTokens(text, tokens, dialect, st)) return null;
  if (
    dialect === "java.time"
      ? st.pos !== text.length
      : st.pos === 0 && text.length > 0 && tokens.length > 0
  )
    return null;
  return resolve(st.fields, dialect);
}

function resolve(f: Fields, dialect: PatternDialect): ParsedDateTime | null {
  let year = f.year ?? 1970;
  if (f.twoDigitYear) year = 2000 + (year % 100);
  if (f.era === 0) year = 1 - year;
  let hour = f.hour ?? 0;
  if (f.hour === undefined && f.clockHour24 !== undefined)
    hour = f.clockHour24 === 24 ? 0 : f.clockHour24;
  if (f.hour === undefined && f.hour12 !== undefined) hour = f.hour12 + (f.pm ? 12 : 0);
  else if (f.hour === undefined && f.clockHour24 === undefined && f.pm) hour += 12;
  const minute = f.minute ?? 0;
  const second = f.second ?? 0;
  let nanos = f.fractionNanos ?? f.nanoOfSecond ?? 0;
  let extraMillis = 0;
  if (f.millis !== undefined) extraMillis = f.millis;
  let days: number;
  if (dialect === "java.time") {
    const month = f.month ?? 1;
    if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return null;
    if (f.month === undefined && f.day === undefined && f.dayOfYear !== undefined) {
      const leap = daysInMonth(year, 2) === 29;
      if (f.dayOfYear < 1 || f.dayOfYear > (leap ? 366 : 365)) return null;
      days = daysFromCivil(year, 1, 1) + f.dayOfYear - 1;
    } else {
      const day = f.day ?? 1;
      if (day < 1 || day > 31) return null;
      days = daysFromCivil(year, month, Math.min(day, daysInMonth(year, month)));
    }
  } else {
    const m = (f.month ?? 1) - 1;
    const y = year + Math.floor(m / 12);
    const mm = m - Math.floor(m / 12) * 12 + 1;
    days =
      f.month === undefined && f.day === undefined && f.dayOfYear !== undefined
        ? daysFromCivil(y, 1, 1) + f.dayOfYear - 1
        : daysFromCivil(y, mm, 1) + (f.day ?? 1) - 1;
  }
  const millisOfSecond = Math.floor(nanos / 1000000);
  nanos -= millisOfSecond * 1000000;
  const localMillis =
    days * MILLIS_PER_DAY +
    hour * 3600000 +
    minute * 60000 +
    second * 1000 +
    millisOfSecond +
    extraMillis;
  return {
    localMillis,
    nanosOfMilli: nanos,
    offsetMillis: f.offset ?? null,
    zoneId: f.zoneId ?? null,
  };
}
