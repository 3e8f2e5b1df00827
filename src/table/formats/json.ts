/**
 * The `json` format: one JSON object per line, fields by column name (Flink's options:
 * `json.fail-on-missing-field`, `json.ignore-parse-errors`, `json.timestamp-format.standard`
 * ('SQL' | 'ISO-8601'), `json.encode.ignore-null-fields`).
 *
 * Numbers are read with their exact digits (BIGINT beyond 2^53 and DECIMAL stay exact); integral
 * columns take JSON integers or numeric strings (a fraction is an error); STRING columns take
 * strings, and other JSON values as their JSON text (as Flink); DATE/TIME/TIMESTAMP take their
 * SQL text (`2020-01-31 10:00:00.123`, with `T` under ISO-8601), TIMESTAMP_LTZ the same with a
 * trailing `Z` (UTC); bytes are base64; ARRAY a JSON array, MAP/MULTISET an object (keys
 * converted from their text), ROW an object by field name. A missing field is NULL unless
 * `fail-on-missing-field`; NULL for a NOT NULL column is an error. Values are written the way
 * they are read (`src/table/types/format.ts`'s `toJsonValue`).
 */
import { booleanOption, enumOption } from "../connectors/options.ts";
import type { ValidatedOptions } from "../connectors/options.ts";
import { formatTimestamp, parseTimestamp } from "../types/datetime.ts";
import { toJsonValue } from "../types/format.ts";
import type { LogicalType, RowType } from "../types/logical-type.ts";
import { Timestamp as TimestampClass, type Timestamp } from "../types/timestamp.ts";
import { typeToString } from "../types/type-print.ts";
import { textConverter, type TextConverter } from "./convert.ts";
import {
  FormatError,
  projectionOf,
  type FormatContext,
  type FormatFactory,
  type RowDecoder,
  type RowEncoder,
} from "./format.ts";

const FAIL_ON_MISSING_FIELD = booleanOption(
  "fail-on-missing-field",
  "Fails on a missing field instead of reading NULL.",
  false,
);
const IGNORE_PARSE_ERRORS = booleanOption(
  "ignore-parse-errors",
  "Skips malformed lines (counted) instead of failing.",
  false,
);
const TIMESTAMP_FORMAT = enumOption(
  "timestamp-format.standard",
  ["SQL", "ISO-8601"],
  "Timestamp text: 'SQL' (2020-01-31 10:00:00.123) or 'ISO-8601' (2020-01-31T10:00:00.123).",
  "SQL",
);
const IGNORE_NULL_FIELDS = booleanOption(
  "encode.ignore-null-fields",
  "Leaves NULL fields out when writing.",
  false,
);

/** A JSON number with its exact source digits. */
class RawNumber {
  /** The number as written. */
  readonly source: string;
  constructor(source: string) {
    this.source = source;
  }
}

/**
 * Thrown by the fast converters (numbers as parsed by plain `JSON.parse`) for a value they cannot
 * convert exactly (a DECIMAL, an integer beyond 2^53, a number in a STRING column): the line is
 * then parsed again keeping every number's digits.
 */
const NEEDS_EXACT = Symbol("needs exact digits");

/** Parses a line; `exact` keeps numbers as {@link RawNumber}s (slower). */
function parseLine(line: string, exact: boolean): unknown {
  try {
    return exact
      ? JSON.parse(line, (_k, v, ctx?: { source?: string }) =>
          typeof v === "number" ? new RawNumber(ctx?.source ?? String(v)) : v,
        )
      : JSON.parse(line);
  } catch (e) {
    throw new FormatError(`malformed JSON: ${(e as Error).message}`);
  }
}

function kindOf(node: unknown): string {
  if (node instanceof RawNumber || typeof node === "number") return "a number";
  if (Array.isArray(node)) return "an array";
  if (node === null) return "null";
  return typeof node === "object" ? "an object" : `a ${typeof node}`;
}

/** JSON text of a parsed node (numbers with their digits), for STRING columns. */
function jsonText(node: unknown): string {
  return JSON.stringify(node, (_k, v) =>
    v instanceof RawNumber
      ? (JSON as unknown as { rawJSON(t: string): unknown }).rawJSON(v.source)
      : v,
  );
}

type NodeConverter = (node: unknown) => unknown;

function wrongKind(node: unknown, type: LogicalType): never {
  throw new FormatError(`expected ${typeToString(type)}, found ${kindOf(node)}`);
}

/**
 * The converter of a JSON node to a value of `type`. `exact`: numbers come as RawNumbers;
 * otherwise as JS numbers, and a value that needs its exact digits throws {@link NEEDS_EXACT}.
 */
function converter(type: LogicalType, iso: boolean, exact: boolean): NodeConverter {
  const nullable =
    (c: NodeConverter): NodeConverter =>
    (node) => {
      if (node === null || node === undefined) {
        if (!type.nullable) throw new FormatError(`NULL for a value of type ${typeToString(type)}`);
        return null;
      }
      return c(node);
    };
  return nullable(nonNull(type, iso, exact));
}

const INTEGRAL_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INT: [-2147483648, 2147483647],
  BIGINT: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** A JS number (plain `JSON.parse`) as a value of a numeric type, when that is exact. */
function fastNumber(type: LogicalType, text: TextConverter): (n: number) => unknown {
  const range = INTEGRAL_RANGES[type.kind];
  if (range !== undefined) {
    const [lo, hi] = range;
    return (n) => {
      if (!Number.isSafeInteger(n)) throw NEEDS_EXACT;
      return n >= lo && n <= hi ? n + 0 : text(String(n));
    };
  }
  if (type.kind === "DOUBLE") return (n) => n;
  if (type.kind === "FLOAT") return (n) => text(String(n));
  return () => {
    throw NEEDS_EXACT;
  };
}

function fromText(type: LogicalType, acceptsNumber: boolean, exact: boolean): NodeConverter {
  const text = textConverter(type);
  const number = fastNumber(type, text);
  return (node) => {
    if (typeof node === "string") return text(node);
    if (acceptsNumber && node instanceof RawNumber) return text(node.source);
    if (acceptsNumber && !exact && typeof node === "number") return number(node);
    return wrongKind(node, type);
  };
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Epoch milliseconds of `yyyy-MM-dd HH:mm:ss.SSS` (or with `T`) from 1970 on, read digit by
 * digit; -1 for any other text (which the general parser then reads or refuses).
 */
function millisOf(s: string): number {
  if (s.length !== 23) return -1;
  let v = 0;
  const d = (i: number): number => {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) v = -1;
    return c;
  };
  const year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  const month = d(5) * 10 + d(6);
  const day = d(8) * 10 + d(9);
  const hour = d(11) * 10 + d(12);
  const minute = d(14) * 10 + d(15);
  const second = d(17) * 10 + d(18);
  const milli = d(20) * 100 + d(21) * 10 + d(22);
  const seps = s[4] === "-" && s[7] === "-" && s[13] === ":" && s[16] === ":" && s[19] === ".";
  const mid = s[10] === " " || s[10] === "T";
  if (v < 0 || !seps || !mid || year < 1970 || month < 1 || month > 12 || hour > 23) return -1;
  if (minute > 59 || second > 59 || day < 1 || day > DAYS_IN_MONTH[month - 1]!) return -1;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)))
    return -1;
  return Date.UTC(year, month - 1, day, hour, minute, second, milli);
}

function timestampConverter(
  type: LogicalType & { precision: number },
  iso: boolean,
): NodeConverter {
  const ltz = type.kind === "TIMESTAMP_LTZ";
  const form = `${iso ? "yyyy-MM-ddTHH:mm:ss" : "yyyy-MM-dd HH:mm:ss"}[.fffffffff]${ltz ? "Z" : ""}`;
  return (node) => {
    if (typeof node !== "string") return wrongKind(node, type);
    let s = node.trim();
    let ok = true;
    if (ltz) {
      if (s.endsWith("Z")) s = s.slice(0, -1);
      else ok = false;
    }
    if (iso !== s.includes("T")) ok = false;
    const millis = ok && type.precision >= 3 ? millisOf(s) : -1;
    if (millis >= 0) return TimestampClass.fromMillis(millis);
    const ts: Timestamp | undefined = ok ? parseTimestamp(s, type.precision, { iso }) : undefined;
    if (ts === undefined) {
      throw new FormatError(`'${node}' is not a ${typeToString(type)} (${form})`);
    }
    return ts;
  };
}

function nonNull(type: LogicalType, iso: boolean, exact: boolean): NodeConverter {
  switch (type.kind) {
    case "CHAR":
    case "VARCHAR": {
      const text = textConverter(type);
      if (!exact) {
        return (node) => {
          if (typeof node !== "string") throw NEEDS_EXACT;
          return text(node);
        };
      }
      return (node) => text(typeof node === "string" ? node : jsonText(node));
    }
    case "BOOLEAN": {
      const text = textConverter(type);
      return (node) =>
        typeof node === "boolean"
          ? node
          : typeof node === "string"
            ? text(node)
            : wrongKind(node, type);
    }
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
    case "FLOAT":
    case "DOUBLE":
    case "DECIMAL":
    case "INTERVAL_YEAR_MONTH":
    case "INTERVAL_DAY_TIME":
      return fromText(type, true, exact);
    case "DATE":
    case "TIME":
    case "BINARY":
    case "VARBINARY":
      return fromText(type, false, exact);
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ":
      return timestampConverter(type, iso);
    case "ARRAY": {
      const el = converter(type.element, iso, exact);
      return (node) => (Array.isArray(node) ? node.map(el) : wrongKind(node, type));
    }
    case "MAP":
    case "MULTISET": {
      const keyType = type.kind === "MAP" ? type.key : type.element;
      const key: TextConverter = textConverter(keyType);
      const value =
        type.kind === "MAP"
          ? converter(type.value, iso, exact)
          : fromText({ kind: "INT", nullable: false }, true, exact);
      return (node) => {
        if (
          node === null ||
          typeof node !== "object" ||
          Array.isArray(node) ||
          node instanceof RawNumber
        ) {
          return wrongKind(node, type);
        }
        const out = new Map<unknown, unknown>();
        for (const [k, v] of Object.entries(node)) out.set(key(k), value(v));
        return out;
      };
    }
    case "ROW": {
      const fields = type.fields.map((f) => [f.name, converter(f.type, iso, exact)] as const);
      return (node) => {
        if (
          node === null ||
          typeof node !== "object" ||
          Array.isArray(node) ||
          node instanceof RawNumber
        ) {
          return wrongKind(node, type);
        }
        const obj = node as Record<string, unknown>;
        return fields.map(([name, c]) => c(Object.hasOwn(obj, name) ? obj[name] : null));
      };
    }
    case "NULL":
      return () => null;
  }
}

class JsonDecoder implements RowDecoder {
  readonly ignoreParseErrors: boolean;
  private readonly failOnMissing: boolean;
  /** Converters of numbers as JS numbers (the fast path). */
  private readonly fast: readonly { name: string; convert: NodeConverter }[];
  /** Converters of numbers with their digits (lines the fast path cannot convert exactly). */
  private readonly exact: readonly { name: string; convert: NodeConverter }[];

  constructor(ctx: FormatContext) {
    const iso = ctx.options.get(TIMESTAMP_FORMAT) === "ISO-8601";
    this.ignoreParseErrors = ctx.options.get(IGNORE_PARSE_ERRORS)!;
    this.failOnMissing = ctx.options.get(FAIL_ON_MISSING_FIELD)!;
    const fields = projectionOf(ctx).map((i) => ctx.rowType.fields[i]!);
    this.fast = fields.map((f) => ({ name: f.name, convert: converter(f.type, iso, false) }));
    this.exact = fields.map((f) => ({ name: f.name, convert: converter(f.type, iso, true) }));
  }

  decode(line: string): unknown[] | null {
    try {
      return this.convert(parseLine(line, false), this.fast);
    } catch (e) {
      if (e !== NEEDS_EXACT) throw e;
      return this.convert(parseLine(line, true), this.exact);
    }
  }

  private convert(
    node: unknown,
    fields: readonly { name: string; convert: NodeConverter }[],
  ): unknown[] {
    if (
      node === null ||
      typeof node !== "object" ||
      Array.isArray(node) ||
      node instanceof RawNumber
    ) {
      throw new FormatError(`expected a JSON object, found ${kindOf(node)}`);
    }
    const obj = node as Record<string, unknown>;
    const out = new Array<unknown>(fields.length);
    for (let k = 0; k < fields.length; k++) {
      const { name, convert } = fields[k]!;
      const present = Object.hasOwn(obj, name);
      if (!present && this.failOnMissing) throw new FormatError(`field '${name}' is missing`);
      try {
        out[k] = convert(present ? obj[name] : null);
      } catch (e) {
        if (e instanceof FormatError) throw new FormatError(`field '${name}': ${e.message}`);
        throw e;
      }
    }
    return out;
  }
}

/** A JSON-ready value, with ISO-8601 timestamps when `iso`. */
function jsonValue(value: unknown, type: LogicalType, iso: boolean): unknown {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ": {
      const s =
        formatTimestamp(value as Timestamp, type.precision) +
        (type.kind === "TIMESTAMP_LTZ" ? "Z" : "");
      return iso ? s.replace(" ", "T") : s;
    }
    case "ARRAY":
      return (value as unknown[]).map((e) => jsonValue(e, type.element, iso));
    case "ROW": {
      const out: Record<string, unknown> = {};
      type.fields.forEach(
        (f, i) => (out[f.name] = jsonValue((value as unknown[])[i], f.type, iso)),
      );
      return out;
    }
    case "MAP": {
      const out: Record<string, unknown> = {};
      for (const [k, v] of value as Map<unknown, unknown>) {
        out[String(toJsonValue(k, type.key))] = jsonValue(v, type.value, iso);
      }
      return out;
    }
    default:
      return toJsonValue(value, type);
  }
}

/** Writes one field's value as JSON text (the value is not NULL). */
type FieldWriter = (value: unknown) => string;

/** A writer of a column's values: strings and integers directly, the rest via jsonValue. */
function fieldWriter(type: LogicalType, iso: boolean): FieldWriter {
  switch (type.kind) {
    case "CHAR":
    case "VARCHAR":
      return (v) => JSON.stringify(v);
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
      return (v) => (typeof v === "number" ? String(v) : JSON.stringify(jsonValue(v, type, iso)));
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ": {
      // Rows often share a time: the last one's text is kept.
      let last: Timestamp | null = null;
      let text = "";
      return (v) => {
        const ts = v as Timestamp;
        if (last === null || last.millis !== ts.millis || last.nanos !== ts.nanos) {
          text = JSON.stringify(jsonValue(v, type, iso));
          last = ts;
        }
        return text;
      };
    }
    default:
      return (v) => JSON.stringify(jsonValue(v, type, iso));
  }
}

class JsonEncoder implements RowEncoder {
  /** Per column: `{"name":` or `,"name":`, and its writer. */
  private readonly fields: readonly { key: string; write: FieldWriter }[];
  private readonly skipNulls: boolean;

  constructor(ctx: FormatContext) {
    const iso = ctx.options.get(TIMESTAMP_FORMAT) === "ISO-8601";
    this.fields = ctx.rowType.fields.map((f) => ({
      key: `${JSON.stringify(f.name)}:`,
      write: fieldWriter(f.type, iso),
    }));
    this.skipNulls = ctx.options.get(IGNORE_NULL_FIELDS)!;
  }

  encode(values: readonly unknown[]): string {
    let out = "{";
    let first = true;
    for (let i = 0; i < this.fields.length; i++) {
      const v = values[i];
      const isNull = v === null || v === undefined;
      if (isNull && this.skipNulls) continue;
      const f = this.fields[i]!;
      out += (first ? "" : ",") + f.key + (isNull ? "null" : f.write(v));
      first = false;
    }
    return out + "}";
  }
}

/** The `json` format factory. */
export const JSON_FORMAT: FormatFactory = {
  identifier: "json",
  requiredOptions: [],
  optionalOptions: [
    FAIL_ON_MISSING_FIELD,
    IGNORE_PARSE_ERRORS,
    TIMESTAMP_FORMAT,
    IGNORE_NULL_FIELDS,
  ],
  validate(rowType: RowType, _options: ValidatedOptions, table: string): void {
    // Every type has a JSON form but map keys, which must have a text form.
    for (const f of rowType.fields) {
      try {
        converter(f.type, false, true);
      } catch (e) {
        throw new FormatError(
          `The json format cannot hold column '${f.name}' of type ${typeToString(f.type)} in ` +
            `table '${table}': ${(e as Error).message}`,
        );
      }
    }
  },
  createDecoder: (ctx) => new JsonDecoder(ctx),
  createEncoder: (ctx) => new JsonEncoder(ctx),
};
