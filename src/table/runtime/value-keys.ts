/**
 * Keys, equality and order of SQL values as the runtime operators need them, over
 * `src/table/types/compare.ts`: a hashable form of a value (for `keyBy`, Map keys and keyed-state
 * map keys, which accept only primitives, arrays and plain objects), the identity of a whole
 * row, and a type-less default ordering. Where the planner knows a type it passes
 * `compareValues(type)` / `valueKey` itself.
 */
import { keyToMapKey } from "../../core/keygroups.ts";
import {
  compareBytes,
  compareStrings,
  valueKey,
  valuesEqual as sqlValuesEqual,
} from "../types/compare.ts";
import { Decimal } from "../types/decimal.ts";
import { Timestamp } from "../types/timestamp.ts";
import { TableRuntimeError } from "./errors.ts";
import type { Row } from "./row.ts";

/**
 * A hashable stand-in for one SQL value (compare.ts `valueKey`): primitives as they are (`null`
 * for NULL), a DECIMAL by its numeric value (1.0 and 1.00 are one key), a TIMESTAMP by its
 * instant, bytes, arrays and maps as canonical strings. Two values of one column get the same
 * stand-in exactly when SQL treats them as the same grouping key. Throws a
 * {@link TableRuntimeError} for values outside the SQL value representation.
 */
export function hashableValue(v: unknown): unknown {
  try {
    return valueKey(v);
  } catch (e) {
    throw new TableRuntimeError(
      `a ${describeValue(v)} is not a SQL value (expected null, boolean, number, bigint, string, ` +
        `Decimal, Timestamp, Uint8Array, array or Map)`,
      { cause: e },
    );
  }
}

/** Whether `v` needs a stand-in (is not a primitive). */
function needsStandIn(v: unknown): boolean {
  return typeof v === "object" && v !== null;
}

/**
 * The grouping key of some values (a GROUP BY key, a join key): an array usable as a `keyBy`
 * key. Returns `values` itself when every value is a primitive (no copy on the common path).
 */
export function groupingKey(values: readonly unknown[]): unknown[] {
  for (let i = 0; i < values.length; i++) {
    if (needsStandIn(values[i]) || values[i] === undefined) return values.map(hashableValue);
  }
  return values as unknown[];
}

/**
 * The `keyBy` key of some key values: the value itself for a single number, string, boolean or
 * bigint (hashed without building an array key), else {@link groupingKey}. An operator's keys
 * always have the same number of values, so equal keys always take the same form.
 */
export function partitionKey(values: readonly unknown[]): unknown {
  if (values.length === 1) {
    const v = values[0];
    const t = typeof v;
    if (t === "number" || t === "string" || t === "boolean" || t === "bigint") return v;
  }
  return groupingKey(values);
}

/** {@link partitionKey} of one value: the same key as `partitionKey([v])`, without the array. */
export function partitionKey1(v: unknown): unknown {
  const t = typeof v;
  if (t === "number" || t === "string" || t === "boolean" || t === "bigint") return v;
  return groupingKey([v]);
}

/** The identity of a row's fields (its kind ignored) as a Map key: equal rows, equal keys. */
export function rowIdentity(row: Row): string | number | bigint | boolean | null {
  const fields: unknown[] = new Array(row.length - 1);
  for (let i = 1; i < row.length; i++) fields[i - 1] = hashableValue(row[i]);
  return keyToMapKey(fields);
}

/**
 * Whether two SQL values are the same (IS NOT DISTINCT FROM: NULL equals NULL, NaN equals NaN,
 * DECIMAL and TIMESTAMP by value, bytes, arrays and maps element-wise).
 */
export function valuesEqual(a: unknown, b: unknown): boolean {
  return sqlValuesEqual(a, b);
}

/** Whether two arrays are equal from index `from` on (rows: from 1 to ignore the kind). */
export function arraysEqual(a: readonly unknown[], b: readonly unknown[], from: number): boolean {
  if (a.length !== b.length) return false;
  for (let i = from; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
  return true;
}

function rank(v: unknown): number {
  switch (typeof v) {
    case "boolean":
      return 1;
    case "number":
    case "bigint":
      return 2;
    case "string":
      return 3;
    default:
      return v instanceof Decimal ? 2 : 4;
  }
}

function compareNumeric(a: number | bigint, b: number | bigint): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a == b) return 0;
  // NaN sorts greatest and equals itself (as compare.ts does).
  const an = typeof a === "number" && Number.isNaN(a);
  const bn = typeof b === "number" && Number.isNaN(b);
  return an === bn ? 0 : an ? 1 : -1;
}

/**
 * A type-less ordering of SQL values of one type, NULLs first, as compare.ts `compareValues`
 * orders them: numbers and bigints numerically (NaN greatest), DECIMAL and TIMESTAMP by value,
 * strings by code point, booleans false < true, bytes unsigned, arrays element-wise. The default
 * of MIN/MAX when the planner passes no typed comparator.
 */
export function compareSqlValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  const ta = typeof a;
  const tb = typeof b;
  if (ta === "string" && tb === "string") return compareStrings(a as string, b as string);
  if ((ta === "number" || ta === "bigint") && (tb === "number" || tb === "bigint")) {
    return compareNumeric(a as number | bigint, b as number | bigint);
  }
  if (ta === "boolean" && tb === "boolean") return a ? 1 : -1;
  if ((a instanceof Decimal || b instanceof Decimal) && rank(a) === 2 && rank(b) === 2) {
    return toDecimal(a).compareTo(toDecimal(b));
  }
  if (a instanceof Timestamp && b instanceof Timestamp) return a.compareTo(b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const c = compareSqlValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  const r = rank(a) - rank(b);
  if (r !== 0) return r;
  throw new TableRuntimeError(
    `cannot order a ${describeValue(a)} against a ${describeValue(b)}: pass a comparator`,
  );
}

function toDecimal(v: unknown): Decimal {
  if (v instanceof Decimal) return v;
  if (typeof v === "bigint") return Decimal.fromInteger(v);
  return Decimal.fromNumber(v as number);
}

/** A short description of a value's type, for error messages. */
export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (typeof v !== "object") return typeof v;
  const ctor = (v as { constructor?: { name?: string } }).constructor;
  return `${ctor?.name ?? "object"} object`;
}
