/**
 * Conversions between text, numbers and points in time, with Flink's formatters:
 *
 * - DATE_FORMAT(x, format): a TIMESTAMP with a java.time pattern (as a local date-time: zone
 *   letters fail), a TIMESTAMP_LTZ likewise in the session zone, a DATE or a 'yyyy-MM-dd
 *   HH:mm:ss' string with a SimpleDateFormat pattern (NULL when the string does not parse);
 * - TO_TIMESTAMP(text [, format]): TIMESTAMP(3); without format 'yyyy-M-d[ H:m:s[.fff]]', with
 *   one a java.time pattern, falling back to `Timestamp.valueOf` / `Date.valueOf` forms; NULL
 *   when nothing parses;
 * - TO_DATE(text [, format]): DATE; NULL for an invalid date;
 * - TO_TIMESTAMP_LTZ(n [, precision]): epoch seconds (0) or milliseconds (3, the default) to
 *   TIMESTAMP_LTZ(precision), NULL outside years 0000..9999; TO_TIMESTAMP_LTZ(text [, format
 *   [, zone]]) reads local text in the session (or given) zone;
 * - UNIX_TIMESTAMP(text [, format]): epoch seconds of text read in the session zone (or the
 *   offset in the text), Long.MIN_VALUE when it does not parse; UNIX_TIMESTAMP() is in `now.ts`;
 * - FROM_UNIXTIME(seconds [, format]): the session-zone text of epoch seconds.
 */
import { SqlValidationError } from "../expr/errors.ts";
import type { ScalarFunctionDef } from "../expr/operators.ts";
import { cannotApply } from "../expr/typing.ts";
import { Decimal } from "../types/decimal.ts";
import {
  MILLIS_PER_DAY,
  daysFromCivil,
  daysInMonth,
  isValidDate,
  parseTimestamp,
} from "../types/datetime.ts";
import * as T from "../types/logical-type.ts";
import type { LogicalType } from "../types/logical-type.ts";
import { Timestamp } from "../types/timestamp.ts";
import { isNumeric } from "../types/type-families.ts";
import { expectArgs, fn, int, literalAt, nullableIf, str, stringType, toInt } from "./define.ts";
import type { Operands } from "./define.ts";
import { formatDateTime, localParts, parseDateTime } from "./date-format.ts";
import { resolveZone, toLocal } from "./zones.ts";

const TS_FORMAT = "yyyy-MM-dd HH:mm:ss";
const MIN_MILLIS = -62167219200000;
const MAX_MILLIS = 253402300799999;

const DEFAULT_TS =
  /^(\d{4,9})-(\d{1,2})-(\d{1,2})(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{0,9}))?)?$/;

/** TO_TIMESTAMP without a format (Flink's default formatter), truncated to milliseconds. */
export function parseDefaultTimestamp(text: string): Timestamp | null {
  const m = DEFAULT_TS.exec(text);
  if (m === null) return null;
  const [y, mo, d, h = "0", mi = "0", s = "0"] = m.slice(1).map((x) => x ?? undefined) as string[];
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  )
    return null;
  const millis = (m[7] ?? "").padEnd(3, "0").slice(0, 3);
  const days = daysFromCivil(year, month, Math.min(day, daysInMonth(year, month)));
  return Timestamp.fromMillis(
    days * MILLIS_PER_DAY +
      Number(h) * 3600000 +
      Number(mi) * 60000 +
      Number(s) * 1000 +
      Number(millis),
  );
}

/** TO_TIMESTAMP with a java.time pattern, then Flink's fallbacks; milliseconds precision. */
export function parseTimestampWithFormat(text: string, format: string): Timestamp | null {
  const p = parseDateTime(text, format, "java.time");
  if (p !== null) return Timestamp.fromMillis(p.localMillis);
  const t = text.trim();
  if (t.includes(" ")) {
    if (!/^\d{4}-\d{1,2}-\d{1,2} \d{1,2}:\d{1,2}:\d{1,2}(\.\d{1,9})?$/.test(t)) return null;
    return parseTimestamp(t, 3) ?? null;
  }
  if (!/^\d{4}-\d{1,2}-\d{1,2}$/.test(t)) return null;
  const ts = parseTimestamp(t, 3);
  return ts ?? null;
}

/** TO_DATE without a format: Flink's lenient `parseDate` (only the part before a space). */
export function parseDateLenient(text: string): number | null {
  let s = text;
  const space = s.indexOf(" ");
  if (space > 0) s = s.slice(0, space);
  const parts = s.split("-");
  if (parts.length > 3) return null;
  const nums = parts.map((p) => p.trim());
  if (!nums.every((p) => /^\d+$/.test(p))) return null;
  const [y, m = 1, d = 1] = nums.map(Number) as [number, number?, number?];
  return isValidDate(y, m, d) ? daysFromCivil(y, m, d) : null;
}

const TO_TIMESTAMP = fn({
  name: "TO_TIMESTAMP",
  mayReturnNull: true,
  inferType(types) {
    expectArgs("TO_TIMESTAMP", types, [str, str], 1);
    return T.TIMESTAMP(3);
  },
  impl: (text: string, format?: string) =>
    format === undefined ? parseDefaultTimestamp(text) : parseTimestampWithFormat(text, format),
});

const TO_DATE = fn({
  name: "TO_DATE",
  mayReturnNull: true,
  inferType(types) {
    expectArgs("TO_DATE", types, [str, str], 1);
    return T.DATE();
  },
  impl(text: string, format?: string): number | null {
    if (format === undefined) return parseDateLenient(text);
    const p = parseDateTime(text, format, "simple");
    return p === null ? null : Math.floor(p.localMillis / MILLIS_PER_DAY);
  },
});

function epochToLtz(v: unknown, type: LogicalType, precision: number): Timestamp | null {
  let millis: number;
  if (type.kind === "DECIMAL") {
    const d = v as Decimal;
    const whole = Number(d.toBigIntTruncated());
    millis = precision === 0 ? whole * 1000 : whole;
  } else if (type.kind === "FLOAT" || type.kind === "DOUBLE") {
    const x = v as number;
    if (precision === 0 && !(x >= MIN_MILLIS / 1000 && x <= MAX_MILLIS / 1000)) return null;
    millis = Math.trunc(precision === 0 ? x * 1000 : x);
  } else {
    const n = toInt(v);
    if (precision === 0 && !(n >= MIN_MILLIS / 1000 && n <= Math.floor(MAX_MILLIS / 1000)))
      return null;
    millis = precision === 0 ? n * 1000 : n;
  }
  return Number.isSafeInteger(millis) && millis >= MIN_MILLIS && millis <= MAX_MILLIS
    ? Timestamp.fromMillis(millis)
    : null;
}

function ltzPrecision(types: readonly LogicalType[], operands: Operands): number {
  if (types.length < 2 || !isNumeric(types[0]!)) return 3;
  const lit = literalAt(operands, 1);
  if (operands !== undefined && lit === undefined)
    throw new SqlValidationError("The precision of TO_TIMESTAMP_LTZ must be a literal");
  const p = lit === undefined || lit.value === null ? 3 : toInt(lit.value);
  if (p !== 0 && p !== 3) {
    throw new SqlValidationError(
      `The precision value '${p}' for function TO_TIMESTAMP_LTZ(numeric, precision) is unsupported, the supported value is '0' for second or '3' for millisecond`,
    );
  }
  return p;
}

const TO_TIMESTAMP_LTZ = fn({
  name: "TO_TIMESTAMP_LTZ",
  mayReturnNull: true,
  inferType(types, operands?: Operands) {
    const first = types[0];
    if (first !== undefined && (isNumeric(first) || first.kind === "NULL") && types.length <= 2) {
      expectArgs("TO_TIMESTAMP_LTZ", types, [(t) => t.kind === "NULL" || isNumeric(t), int], 1);
    } else expectArgs("TO_TIMESTAMP_LTZ", types, [str, str, str], 1);
    return T.TIMESTAMP_LTZ(ltzPrecision(types, operands));
  },
  bind(site) {
    const t = site.argTypes[0]!;
    if (isNumeric(t)) {
      const precision = ltzPrecision(site.argTypes, site.operands);
      return (v: unknown) => epochToLtz(v, t, precision);
    }
    const session = site.timeZone;
    return (text: string, format?: string, zone?: string) => {
      const ts =
        format === undefined
          ? parseTimestampWithFormat(text, "yyyy-MM-dd HH:mm:ss.SSS")
          : parseTimestampWithFormat(text, format);
      if (ts === null) return null;
      return Timestamp.fromMillis(resolveZone(zone ?? session).toInstant(ts.millis));
    };
  },
});

const LONG_MIN = -9223372036854775808n;

/**
 * UNIX_TIMESTAMP(text [, format]) in a session zone: the epoch seconds (truncated toward zero),
 * or Long.MIN_VALUE when the text does not parse. An offset or zone in the text wins.
 */
export function unixTimestampOf(
  timeZone: string,
): (text: string, format?: string) => number | bigint {
  return (text, format = TS_FORMAT) => {
    const p = parseDateTime(text, format, "simple");
    if (p === null) return LONG_MIN;
    let instant: number;
    if (p.offsetMillis !== null) instant = p.localMillis - p.offsetMillis;
    else instant = resolveZone(p.zoneId ?? timeZone).toInstant(p.localMillis);
    return Math.trunc(instant / 1000) + 0;
  };
}

/** Typing of UNIX_TIMESTAMP with arguments (the definition, with the niladic form, is in `now.ts`). */
export const UNIX_TIMESTAMP_ARGS = fn({
  name: "UNIX_TIMESTAMP",
  inferType(types) {
    expectArgs("UNIX_TIMESTAMP", types, [str, str], 1);
    return nullableIf(T.notNull(T.BIGINT()), types);
  },
  bind: (site) => unixTimestampOf(site.timeZone),
});

const FROM_UNIXTIME = fn({
  name: "FROM_UNIXTIME",
  inferType(types) {
    expectArgs("FROM_UNIXTIME", types, [int, str], 1);
    return stringType(types.some((t) => t.nullable));
  },
  bind(site) {
    const zone = resolveZone(site.timeZone);
    return (seconds: number | bigint, format = TS_FORMAT) => {
      const instant = toInt(seconds) * 1000;
      return formatDateTime(format, "simple", localParts(toLocal(zone, instant)), {
        id: zone.id,
        offsetMillis: zone.offsetAt(instant),
        instant,
      });
    };
  },
});

const DATE_FORMAT = fn({
  name: "DATE_FORMAT",
  mayReturnNull: (site) =>
    site.argTypes[0]!.kind !== "TIMESTAMP" && site.argTypes[0]!.kind !== "TIMESTAMP_LTZ",
  inferType(types) {
    const ok = (t: LogicalType) =>
      t.kind === "NULL" ||
      t.kind === "DATE" ||
      t.kind === "TIMESTAMP" ||
      t.kind === "TIMESTAMP_LTZ" ||
      str(t);
    expectArgs("DATE_FORMAT", types, [ok, str]);
    const t = types[0]!;
    const alwaysValue = t.kind === "TIMESTAMP" || t.kind === "TIMESTAMP_LTZ";
    return stringType(!alwaysValue || types.some((x) => x.nullable));
  },
  bind(site) {
    const t = site.argTypes[0]!;
    switch (t.kind) {
      case "TIMESTAMP":
        return (ts: Timestamp, f: string) =>
          formatDateTime(f, "java.time", localParts(ts.millis, ts.nanos), null);
      case "TIMESTAMP_LTZ": {
        const zone = resolveZone(site.timeZone);
        return (ts: Timestamp, f: string) =>
          formatDateTime(f, "java.time", localParts(toLocal(zone, ts.millis), ts.nanos), null);
      }
      case "DATE":
        return (d: number, f: string) =>
          formatDateTime(f, "simple", localParts(d * MILLIS_PER_DAY), {
            id: "UTC",
            offsetMillis: 0,
            instant: d * MILLIS_PER_DAY,
          });
      case "CHAR":
      case "VARCHAR":
        return (s: string, f: string) => {
          const p = parseDateTime(s, TS_FORMAT, "simple");
          if (p === null) return null;
          return formatDateTime(f, "simple", localParts(p.localMillis), {
            id: "UTC",
            offsetMillis: 0,
            instant: p.localMillis,
          });
        };
      default:
        return cannotApply("DATE_FORMAT", site.argTypes);
    }
  },
});

/** The conversion function definitions (UNIX_TIMESTAMP is registered by `now.ts`). */
export const TEMPORAL_CONVERSION_FUNCTIONS: readonly ScalarFunctionDef[] = [
  TO_TIMESTAMP,
  TO_DATE,
  TO_TIMESTAMP_LTZ,
  FROM_UNIXTIME,
  DATE_FORMAT,
];
