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
import type { Timestamp } from "../types/timestamp.ts";
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

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line, (_k, v, ctx?: { source?: string }) =>
      typeof v === "number" ? new RawNumber(ctx?.source ?? String(v)) : v,
    );
  } catch (e) {
    throw new FormatError(`malformed JSON: ${(e as Error).message}`);
  }
}

function kindOf(node: unknown): string {
  if (node instanceof RawNumber) return "a number";
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

function converter(type: LogicalType, iso: boolean): NodeConverter {
  const nullable =
    (c: NodeConverter): NodeConverter =>
    (node) => {
      if (node === null || node === undefined) {
        if (!type.nullable) throw new FormatError(`NULL for a value of type ${typeToString(type)}`);
        return null;
      }
      return c(node);
    };
  return nullable(nonNull(type, iso));
}

function fromText(type: LogicalType, acceptsNumber: boolean): NodeConverter {
  const text = textConverter(type);
  return (node) => {
    if (typeof node === "string") return text(node);
    if (acceptsNumber && node instanceof RawNumber) return text(node.source);
    return wrongKind(node, type);
  };
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
    const ts: Timestamp | undefined = ok ? parseTimestamp(s, type.precision, { iso }) : undefined;
    if (ts === undefined) {
      throw new FormatError(`'${node}' is not a ${typeToString(type)} (${form})`);
    }
    return ts;
  };
}

function nonNull(type: LogicalType, iso: boolean): NodeConverter {
  switch (type.kind) {
    case "CHAR":
    case "VARCHAR": {
      const text = textConverter(type);
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
      return fromText(type, true);
    case "DATE":
    case "TIME":
    case "BINARY":
    case "VARBINARY":
      return fromText(type, false);
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ":
      return timestampConverter(type, iso);
    case "ARRAY": {
      const el = converter(type.element, iso);
      return (node) => (Array.isArray(node) ? node.map(el) : wrongKind(node, type));
    }
    case "MAP":
    case "MULTISET": {
      const keyType = type.kind === "MAP" ? type.key : type.element;
      const key: TextConverter = textConverter(keyType);
      const value =
        type.kind === "MAP"
          ? converter(type.value, iso)
          : fromText({ kind: "INT", nullable: false }, true);
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
      const fields = type.fields.map((f) => [f.name, converter(f.type, iso)] as const);
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
  private readonly fields: readonly { name: string; convert: NodeConverter }[];

  constructor(ctx: FormatContext) {
    const iso = ctx.options.get(TIMESTAMP_FORMAT) === "ISO-8601";
    this.ignoreParseErrors = ctx.options.get(IGNORE_PARSE_ERRORS)!;
    this.failOnMissing = ctx.options.get(FAIL_ON_MISSING_FIELD)!;
    this.fields = projectionOf(ctx).map((i) => {
      const f = ctx.rowType.fields[i]!;
      return { name: f.name, convert: converter(f.type, iso) };
    });
  }

  decode(line: string): unknown[] | null {
    const node = parseLine(line);
    if (
      node === null ||
      typeof node !== "object" ||
      Array.isArray(node) ||
      node instanceof RawNumber
    ) {
      throw new FormatError(`expected a JSON object, found ${kindOf(node)}`);
    }
    const obj = node as Record<string, unknown>;
    const out = new Array<unknown>(this.fields.length);
    for (let k = 0; k < this.fields.length; k++) {
      const { name, convert } = this.fields[k]!;
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

class JsonEncoder implements RowEncoder {
  private readonly fields: readonly { name: string; type: LogicalType }[];
  private readonly iso: boolean;
  private readonly skipNulls: boolean;

  constructor(ctx: FormatContext) {
    this.fields = ctx.rowType.fields.map((f) => ({ name: f.name, type: f.type }));
    this.iso = ctx.options.get(TIMESTAMP_FORMAT) === "ISO-8601";
    this.skipNulls = ctx.options.get(IGNORE_NULL_FIELDS)!;
  }

  encode(values: readonly unknown[]): string {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < this.fields.length; i++) {
      const v = values[i];
      if ((v === null || v === undefined) && this.skipNulls) continue;
      const f = this.fields[i]!;
      out[f.name] = jsonValue(v, f.type, this.iso);
    }
    return JSON.stringify(out);
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
        converter(f.type, false);
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
