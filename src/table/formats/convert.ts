/**
 * Conversions between the text of a field (in a CSV line, or a JSON string) and SQL values,
 * shared by the formats. They are strict where CAST is lenient, because a file is data, not an
 * expression: an INT field must be digits (`1.9` is an error, not 1), a DATE must be
 * `yyyy-MM-dd`, a string longer than its VARCHAR(n) is an error rather than cut. Each converter
 * throws a {@link FormatError} with the reason (the caller adds the field and the place).
 *
 * Text forms: BOOLEAN `true`/`false` (any case); numbers as SQL/Java literals (`NaN`,
 * `Infinity` for FLOAT/DOUBLE); DATE `2020-01-31`; TIME `10:00:00[.fff]`; TIMESTAMP
 * `2020-01-31 10:00:00[.fffffffff]` (or with `T`); TIMESTAMP_LTZ the same in UTC with an
 * optional trailing `Z`; BINARY/VARBINARY/BYTES base64 (as Flink); intervals a number of months
 * (YEAR-MONTH) or milliseconds (DAY-TIME).
 */
import * as P from "../types/cast-parse.ts";
import { parseDate, parseTime, parseTimestamp, formatTimestamp } from "../types/datetime.ts";
import type { LogicalType } from "../types/logical-type.ts";
import { MAX_LENGTH } from "../types/logical-type.ts";
import type { Timestamp } from "../types/timestamp.ts";
import { typeToString } from "../types/type-print.ts";
import { valueToString } from "../types/format.ts";
import { FormatError } from "./format.ts";

/** Converts the text of a non-null field to a value of the column type. */
export type TextConverter = (text: string) => unknown;

const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const DATE_TEXT = /^\s*\d{4}-\d{1,2}-\d{1,2}\s*$/;
const BASE64_TEXT = /^[A-Za-z0-9+/]*={0,2}$/;

function fail(reason: string): never {
  throw new FormatError(reason);
}

function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof P.ConversionError) fail(e.message);
    throw e;
  }
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Checks a string against CHAR(n) / VARCHAR(n): longer is an error; CHAR pads with spaces. */
export function fitText(type: LogicalType & { kind: "CHAR" | "VARCHAR" }, s: string): string {
  if (type.length === MAX_LENGTH || s.length === 0) return s;
  const len = codePoints(s);
  if (len > type.length) fail(`'${s.slice(0, 40)}' is longer than ${typeToString(type)}`);
  return type.kind === "CHAR" && len < type.length ? s + " ".repeat(type.length - len) : s;
}

/** Decodes base64 text (Flink's form of binary fields). */
export function decodeBase64(text: string, type: LogicalType & { length: number }): Uint8Array {
  const s = text.trim();
  if (!BASE64_TEXT.test(s) || s.length % 4 === 1) fail(`'${s.slice(0, 40)}' is not base64`);
  const bytes = new Uint8Array(Buffer.from(s, "base64"));
  if (type.length !== MAX_LENGTH && bytes.length > type.length) {
    fail(`${bytes.length} bytes are longer than ${typeToString(type)}`);
  }
  if (type.kind === "BINARY" && bytes.length < type.length) {
    const out = new Uint8Array(type.length);
    out.set(bytes);
    return out;
  }
  return bytes;
}

/** Parses a TIMESTAMP_LTZ text (UTC, optional trailing `Z`, space or `T`). */
export function parseInstant(text: string, precision: number): Timestamp | undefined {
  const s = text.trim();
  return parseTimestamp(s.endsWith("Z") ? s.slice(0, -1) : s, precision, { iso: true });
}

/**
 * The converter from field text to values of `type`; throws a {@link FormatError} naming the
 * type when the format has no text form for it (MAP, MULTISET, ROW, ARRAY: the format's own).
 */
export function textConverter(type: LogicalType): TextConverter {
  switch (type.kind) {
    case "CHAR":
    case "VARCHAR":
      return (s) => fitText(type, s);
    case "BOOLEAN":
      return (s) => {
        const b = s.trim().toLowerCase();
        if (b === "true") return true;
        if (b === "false") return false;
        return fail(`'${s}' is not a BOOLEAN (true or false)`);
      };
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT": {
      const kind = type.kind;
      return (s) => {
        if (!INTEGER_TEXT.test(s)) fail(`'${s}' is not an integer`);
        return guarded(() => P.parseIntegralText(s, kind));
      };
    }
    case "FLOAT":
    case "DOUBLE": {
      const float = type.kind === "FLOAT";
      return (s) => guarded(() => P.parseApproximateText(s, float));
    }
    case "DECIMAL":
      return (s) => guarded(() => P.parseDecimalText(s, type.precision, type.scale));
    case "DATE":
      return (s) => {
        const d = DATE_TEXT.test(s) ? parseDate(s) : undefined;
        return d ?? fail(`'${s}' is not a DATE (yyyy-MM-dd)`);
      };
    case "TIME":
      return (s) => parseTime(s) ?? fail(`'${s}' is not a TIME (HH:mm:ss[.fff])`);
    case "TIMESTAMP":
      return (s) =>
        parseTimestamp(s, type.precision, { iso: true }) ??
        fail(`'${s}' is not a TIMESTAMP (yyyy-MM-dd HH:mm:ss[.fffffffff])`);
    case "TIMESTAMP_LTZ":
      return (s) =>
        parseInstant(s, type.precision) ??
        fail(`'${s}' is not a TIMESTAMP_LTZ (yyyy-MM-dd HH:mm:ss[.fffffffff][Z], in UTC)`);
    case "BINARY":
    case "VARBINARY":
      return (s) => decodeBase64(s, type);
    case "INTERVAL_YEAR_MONTH":
    case "INTERVAL_DAY_TIME":
      return (s) => {
        if (!INTEGER_TEXT.test(s))
          fail(
            `'${s}' is not an integer number of ${type.kind === "INTERVAL_DAY_TIME" ? "milliseconds" : "months"}`,
          );
        const n = Number(s);
        if (!Number.isSafeInteger(n)) fail(`'${s}' is out of range`);
        return n;
      };
    default:
      return fail(`${typeToString(type)} has no text form in this format`);
  }
}

/** Whether a type has a text form ({@link textConverter} accepts it). */
export function hasTextForm(type: LogicalType): boolean {
  switch (type.kind) {
    case "ARRAY":
    case "MAP":
    case "MULTISET":
    case "ROW":
    case "NULL":
      return false;
    default:
      return true;
  }
}

/** The text of a non-null value in the forms {@link textConverter} reads. */
export function valueToText(value: unknown, type: LogicalType): string {
  switch (type.kind) {
    case "BOOLEAN":
      return value ? "true" : "false";
    case "BINARY":
    case "VARBINARY":
      return Buffer.from(value as Uint8Array).toString("base64");
    case "TIMESTAMP_LTZ":
      return formatTimestamp(value as Timestamp, type.precision) + "Z";
    case "INTERVAL_YEAR_MONTH":
    case "INTERVAL_DAY_TIME":
      return String(value);
    default:
      return valueToString(value, type) ?? "";
  }
}
