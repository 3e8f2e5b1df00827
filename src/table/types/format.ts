/**
 * Text forms of SQL values: `valueToString` is Flink's CAST(x AS STRING); `formatValue` prints
 * values as Flink's SQL client does in its table output (`<NULL>` for NULL, `x'0aff'` for bytes);
 * `toJsonValue` gives JSON-ready values.
 *
 * Forms: BOOLEAN `TRUE`/`FALSE`; FLOAT/DOUBLE as Java prints them (`1.0`, `1.0E10`); DECIMAL with
 * the digits of its scale (`12.30`); DATE `2020-01-01`; TIME `10:00:00` (with `precision`
 * fraction digits); TIMESTAMP `2020-01-01 10:00:00.123` (at least `precision` fraction digits);
 * TIMESTAMP_LTZ the same in the session time zone; intervals `+1-02` and `+0 01:00:00.000`;
 * ARRAY `[1, 2]`, MAP `{a=1}`, MULTISET `{a=2}` (element=count), ROW `(1, a)`; NULL inside
 * collections and rows prints as `null`.
 */
import { Decimal } from "./decimal.ts";
import type { LogicalType } from "./logical-type.ts";
import { Timestamp } from "./timestamp.ts";
import {
  formatDate,
  formatDayTimeInterval,
  formatTime,
  formatTimestamp,
  formatYearMonthInterval,
} from "./datetime.ts";
import { javaDoubleToString, javaFloatToString } from "./number-text.ts";
import { DEFAULT_TIME_ZONE, instantToLocal } from "./time-zone.ts";

/** Options of value formatting. */
export interface FormatOptions {
  /** Session time zone for TIMESTAMP_LTZ values (IANA name). Default 'UTC'. */
  readonly timeZone?: string;
  /** Text for a top-level NULL in {@link formatValue}. Default `<NULL>` (Flink's tableau). */
  readonly nullText?: string;
}

const utf8 = new TextDecoder("utf-8");

/** Lower-case hex digits of bytes. */
export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += (b < 16 ? "0" : "") + b.toString(16);
  return s;
}

type Mode = "cast" | "print";

function nested(value: unknown, type: LogicalType, mode: Mode, zone: string): string {
  return value === null ? "null" : render(value, type, mode, zone);
}

function render(value: unknown, type: LogicalType, mode: Mode, zone: string): string {
  switch (type.kind) {
    case "BOOLEAN":
      return value ? "TRUE" : "FALSE";
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
      return String(value);
    case "DATE":
      return formatDate(value as number);
    case "FLOAT":
      return javaFloatToString(value as number);
    case "DOUBLE":
      return javaDoubleToString(value as number);
    case "DECIMAL":
      return (value as Decimal).toString();
    case "CHAR":
    case "VARCHAR":
      return value as string;
    case "BINARY":
    case "VARBINARY":
      return mode === "print"
        ? `x'${toHex(value as Uint8Array)}'`
        : utf8.decode(value as Uint8Array);
    case "TIME":
      return formatTime(value as number, type.precision);
    case "TIMESTAMP":
      return formatTimestamp(value as Timestamp, type.precision);
    case "TIMESTAMP_LTZ":
      return formatTimestamp(instantToLocal(value as Timestamp, zone), type.precision);
    case "INTERVAL_YEAR_MONTH":
      return formatYearMonthInterval(value as number);
    case "INTERVAL_DAY_TIME":
      return formatDayTimeInterval(value as number);
    case "ARRAY":
      return (
        "[" + (value as unknown[]).map((e) => nested(e, type.element, mode, zone)).join(", ") + "]"
      );
    case "MAP":
    case "MULTISET": {
      const parts: string[] = [];
      for (const [k, v] of value as Map<unknown, unknown>) {
        const keyText = nested(k, type.kind === "MAP" ? type.key : type.element, mode, zone);
        const valueText = type.kind === "MAP" ? nested(v, type.value, mode, zone) : String(v);
        parts.push(`${keyText}=${valueText}`);
      }
      return "{" + parts.join(", ") + "}";
    }
    case "ROW":
      return (
        "(" +
        type.fields.map((f, i) => nested((value as unknown[])[i], f.type, mode, zone)).join(", ") +
        ")"
      );
    case "NULL":
      return "null";
  }
}

/**
 * Flink's `CAST(value AS STRING)` text of a non-null value (bytes decode as UTF-8). Returns null
 * for null. The caller applies CHAR/VARCHAR lengths.
 */
export function valueToString(
  value: unknown,
  type: LogicalType,
  options: FormatOptions = {},
): string | null {
  if (value === null || value === undefined) return null;
  return render(value, type, "cast", options.timeZone ?? DEFAULT_TIME_ZONE);
}

/**
 * A value as Flink's SQL client prints it in table output: like {@link valueToString} but a
 * top-level NULL prints as `options.nullText` (default `<NULL>`) and bytes as `x'0aff'`.
 */
export function formatValue(
  value: unknown,
  type: LogicalType,
  options: FormatOptions = {},
): string {
  if (value === null || value === undefined) return options.nullText ?? "<NULL>";
  return render(value, type, "print", options.timeZone ?? DEFAULT_TIME_ZONE);
}

/** A JSON number written with exactly the given digits (JSON.rawJSON). */
function rawNumber(digits: string): unknown {
  return (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON(digits);
}

/**
 * A JSON-ready value for `JSON.stringify`, as Flink's JSON format writes values: numbers stay
 * numbers with all their digits (BIGINT beyond 2^53 and DECIMAL are written exactly through
 * `JSON.rawJSON`), non-finite FLOAT/DOUBLE become the strings `NaN`/`Infinity`/`-Infinity`,
 * DATE/TIME/TIMESTAMP become their SQL text, TIMESTAMP_LTZ the UTC text with a `Z`
 * (`2020-01-01 10:00:00.123Z`), bytes base64, intervals their number of months or milliseconds,
 * ROW an object keyed by field name, MAP an object keyed by the keys' text, MULTISET an object of
 * counts.
 */
export function toJsonValue(value: unknown, type: LogicalType): unknown {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case "BOOLEAN":
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "INTERVAL_YEAR_MONTH":
    case "INTERVAL_DAY_TIME":
    case "CHAR":
    case "VARCHAR":
      return value;
    case "BIGINT":
      return typeof value === "bigint" ? rawNumber(value.toString()) : value;
    case "DECIMAL":
      return rawNumber((value as Decimal).toString());
    case "FLOAT":
    case "DOUBLE": {
      const n = value as number;
      if (Number.isFinite(n)) return type.kind === "FLOAT" ? Number(javaFloatToString(n)) : n;
      return Number.isNaN(n) ? "NaN" : n > 0 ? "Infinity" : "-Infinity";
    }
    case "BINARY":
    case "VARBINARY":
      return Buffer.from(value as Uint8Array).toString("base64");
    case "DATE":
    case "TIME":
    case "TIMESTAMP":
      return render(value, type, "cast", DEFAULT_TIME_ZONE);
    case "TIMESTAMP_LTZ":
      return formatTimestamp(value as Timestamp, type.precision) + "Z";
    case "ARRAY":
      return (value as unknown[]).map((e) => toJsonValue(e, type.element));
    case "MAP":
    case "MULTISET": {
      const out: Record<string, unknown> = {};
      const keyType = type.kind === "MAP" ? type.key : type.element;
      for (const [k, v] of value as Map<unknown, unknown>) {
        const key = k === null ? "null" : render(k, keyType, "cast", DEFAULT_TIME_ZONE);
        out[key] = type.kind === "MAP" ? toJsonValue(v, type.value) : v;
      }
      return out;
    }
    case "ROW": {
      const out: Record<string, unknown> = {};
      type.fields.forEach((f, i) => {
        out[f.name] = toJsonValue((value as unknown[])[i], f.type);
      });
      return out;
    }
    case "NULL":
      return null;
  }
}
