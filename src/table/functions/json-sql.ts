/**
 * SQL values as JSON, for JSON_STRING, JSON_OBJECT and JSON_ARRAY: BOOLEAN as `true`/`false`,
 * integers and DECIMALs as numbers with all their digits (DECIMAL in Java's `BigDecimal` text),
 * FLOAT/DOUBLE as Java prints them (`1.0`, `1.0E10`; NaN and infinities as strings), character
 * strings as strings, bytes as base64, DATE/TIME/TIMESTAMP as their SQL text, TIMESTAMP_LTZ as
 * the UTC text with a `Z`, intervals as their number of months or milliseconds, ARRAY as an
 * array, MAP as an object keyed by the keys' text, MULTISET as an object of counts, ROW as an
 * object keyed by field name.
 */
import type { Decimal } from "../types/decimal.ts";
import { valueToString } from "../types/format.ts";
import type { LogicalType } from "../types/logical-type.ts";
import { javaDoubleToString, javaFloatToString } from "../types/number-text.ts";
import { toJsonValue } from "../types/format.ts";
import { JsonNumber, javaBigDecimalText } from "./json-value.ts";
import type { JsonObject, JsonValue } from "./json-value.ts";

/** The JSON form of a SQL value of `type` (see the module doc). */
export function sqlToJson(value: unknown, type: LogicalType): JsonValue {
  if (value === null || value === undefined) return null;
  switch (type.kind) {
    case "BOOLEAN":
      return value as boolean;
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
    case "INTERVAL_YEAR_MONTH":
    case "INTERVAL_DAY_TIME":
      return new JsonNumber(String(value), true);
    case "DECIMAL":
      return new JsonNumber(javaBigDecimalText((value as Decimal).toString()), true);
    case "FLOAT":
    case "DOUBLE": {
      const n = value as number;
      if (!Number.isFinite(n)) return Number.isNaN(n) ? "NaN" : n > 0 ? "Infinity" : "-Infinity";
      return new JsonNumber(
        type.kind === "FLOAT" ? javaFloatToString(n) : javaDoubleToString(n),
        true,
      );
    }
    case "CHAR":
    case "VARCHAR":
      return value as string;
    case "BINARY":
    case "VARBINARY":
      return Buffer.from(value as Uint8Array).toString("base64");
    case "DATE":
    case "TIME":
    case "TIMESTAMP":
      return valueToString(value, type)!;
    case "TIMESTAMP_LTZ":
      return toJsonValue(value, type) as string;
    case "ARRAY":
      return (value as unknown[]).map((e) => sqlToJson(e, type.element));
    case "MAP":
    case "MULTISET": {
      const out: JsonObject = new Map();
      const keyType = type.kind === "MAP" ? type.key : type.element;
      for (const [k, v] of value as Map<unknown, unknown>) {
        const key = k === null ? "null" : valueToString(k, keyType)!;
        out.set(
          key,
          type.kind === "MAP" ? sqlToJson(v, type.value) : new JsonNumber(String(v), true),
        );
      }
      return out;
    }
    case "ROW": {
      const out: JsonObject = new Map();
      type.fields.forEach((f, i) => out.set(f.name, sqlToJson((value as unknown[])[i], f.type)));
      return out;
    }
    case "NULL":
      return null;
  }
}
