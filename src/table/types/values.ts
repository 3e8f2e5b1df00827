/**
 * The runtime representation of SQL values (see "SQL values" in docs/architecture.md):
 *
 * | type | value |
 * | --- | --- |
 * | NULL of any type | `null` (never `undefined`) |
 * | BOOLEAN | `boolean` |
 * | TINYINT, SMALLINT, INT | integer `number` (wraps at its width) |
 * | BIGINT | integer `number` within ±(2^53 − 1), else `bigint` (normalized) |
 * | DECIMAL(p, s) | {@link Decimal} |
 * | FLOAT | `number` rounded with `Math.fround`; DOUBLE: `number` |
 * | CHAR, VARCHAR, STRING | `string` |
 * | BINARY, VARBINARY, BYTES | `Uint8Array` |
 * | DATE | integer days since 1970-01-01 |
 * | TIME(p) | integer milliseconds of the day |
 * | TIMESTAMP(p), TIMESTAMP_LTZ(p) | {@link Timestamp} |
 * | INTERVAL YEAR TO MONTH family | integer months; DAY TO SECOND family: integer milliseconds |
 * | ARRAY | JS array; MAP: `Map`; MULTISET: `Map` value → count; ROW: positional JS array |
 *
 * This module checks values against types and holds small helpers on that representation.
 */
import { isInt64 } from "./bigint-math.ts";
import { Decimal } from "./decimal.ts";
import type { LogicalType } from "./logical-type.ts";
import { Timestamp } from "./timestamp.ts";
import { typeToString } from "./type-print.ts";

/** A runtime SQL value (see the module doc for which type uses which form). */
export type SqlValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Decimal
  | Timestamp
  | Uint8Array
  | readonly SqlValue[]
  | ReadonlyMap<SqlValue, SqlValue>;

const INT_RANGES = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INT: [-2147483648, 2147483647],
} as const;

/** Rounds a number to FLOAT (single precision), as FLOAT values are stored. */
export function toFloat(v: number): number {
  return Math.fround(v);
}

/**
 * Why `value` is not a valid value of `type`, or undefined when it is. Checks the representation
 * deeply (elements, keys, fields) but not string lengths or DECIMAL precision.
 */
export function describeInvalidValue(value: unknown, type: LogicalType): string | undefined {
  if (value === null) return type.nullable ? undefined : `null for ${typeToString(type)}`;
  const bad = () => `${describe(value)} is not a valid ${typeToString(type)} value`;
  switch (type.kind) {
    case "NULL":
      return bad();
    case "BOOLEAN":
      return typeof value === "boolean" ? undefined : bad();
    case "TINYINT":
    case "SMALLINT":
    case "INT": {
      const [lo, hi] = INT_RANGES[type.kind];
      return Number.isInteger(value) && (value as number) >= lo && (value as number) <= hi
        ? undefined
        : bad();
    }
    case "BIGINT":
      return isInt64(value) ? undefined : bad();
    case "DECIMAL":
      return value instanceof Decimal ? undefined : bad();
    case "FLOAT":
      return typeof value === "number" && (Number.isNaN(value) || Math.fround(value) === value)
        ? undefined
        : bad();
    case "DOUBLE":
      return typeof value === "number" ? undefined : bad();
    case "CHAR":
    case "VARCHAR":
      return typeof value === "string" ? undefined : bad();
    case "BINARY":
    case "VARBINARY":
      return value instanceof Uint8Array ? undefined : bad();
    case "DATE":
    case "INTERVAL_YEAR_MONTH":
    case "INTERVAL_DAY_TIME":
      return Number.isSafeInteger(value) ? undefined : bad();
    case "TIME":
      return Number.isInteger(value) && (value as number) >= 0 && (value as number) < 86400000
        ? undefined
        : bad();
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ":
      return value instanceof Timestamp ? undefined : bad();
    case "ARRAY":
      if (!Array.isArray(value)) return bad();
      for (const e of value) {
        const why = describeInvalidValue(e, type.element);
        if (why !== undefined) return `in ${typeToString(type)}: ${why}`;
      }
      return undefined;
    case "MULTISET":
    case "MAP": {
      if (!(value instanceof Map)) return bad();
      for (const [k, v] of value) {
        const keyType = type.kind === "MAP" ? type.key : type.element;
        const why =
          describeInvalidValue(k, keyType) ??
          (type.kind === "MAP"
            ? describeInvalidValue(v, type.value)
            : Number.isInteger(v) && v > 0
              ? undefined
              : `count ${describe(v)}`);
        if (why !== undefined) return `in ${typeToString(type)}: ${why}`;
      }
      return undefined;
    }
    case "ROW": {
      if (!Array.isArray(value) || value.length !== type.fields.length) return bad();
      for (let i = 0; i < type.fields.length; i++) {
        const why = describeInvalidValue(value[i], type.fields[i]!.type);
        if (why !== undefined) return `in field '${type.fields[i]!.name}': ${why}`;
      }
      return undefined;
    }
  }
}

/** Whether `value` is a valid runtime value of `type`. */
export function isValueOfType(value: unknown, type: LogicalType): boolean {
  return describeInvalidValue(value, type) === undefined;
}

/** Throws a TypeError naming the value, the type and `where` unless `value` fits `type`. */
export function checkValue(value: unknown, type: LogicalType, where = "value"): void {
  const why = describeInvalidValue(value, type);
  if (why !== undefined) throw new TypeError(`Invalid ${where}: ${why}`);
}

/** A short, readable description of any value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "NULL";
  if (value === undefined) return "undefined";
  if (typeof value === "string")
    return `'${value.length > 60 ? value.slice(0, 57) + "..." : value}'`;
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Decimal || value instanceof Timestamp)
    return `${value.constructor.name}(${value.toString()})`;
  if (value instanceof Uint8Array) return `bytes(${value.length})`;
  if (Array.isArray(value)) return `array(${value.length})`;
  if (value instanceof Map) return `map(${value.size})`;
  return String(value);
}
