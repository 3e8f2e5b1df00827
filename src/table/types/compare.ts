/**
 * Comparison, equality, canonical keys and three-valued logic on runtime SQL values.
 *
 * - `compareValues(type)` builds a comparator once per type (the planner calls it per sort key);
 *   strings compare by code point (as Flink compares UTF-8 bytes), bytes unsigned, DOUBLE with
 *   NaN greatest and −0 = 0, ARRAY and ROW lexicographically.
 * - `valuesEqual` is IS NOT DISTINCT FROM: NULL equals NULL, DECIMAL 1.0 equals 1.00, NaN equals
 *   NaN (as grouping needs).
 * - `valueKey` gives a canonical string or primitive usable as a Map key for grouping, joins and
 *   DISTINCT: equal values of one type always share a key. Values of different types may collide
 *   (`'1'` and DECIMAL 1); keep one Map per key type.
 */
import { Decimal } from "./decimal.ts";
import type { LogicalType } from "./logical-type.ts";
import { Timestamp } from "./timestamp.ts";
import { toHex } from "./format.ts";

/** A comparator of two values: negative, zero or positive. */
export type Comparator = (a: unknown, b: unknown) => number;

/** Options of {@link compareValues}. */
export interface CompareOptions {
  /** Where NULLs sort. Default 'first' (Flink's default for ascending order). */
  readonly nulls?: "first" | "last";
  /** Reverse the order of non-null values (NULL placement follows `nulls`). */
  readonly descending?: boolean;
}

/** Compares strings by Unicode code point (UTF-8 byte order), not by UTF-16 code unit. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        // surrogates (U+10000 and up) sort after U+E000..U+FFFF
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** Compares byte strings unsigned, lexicographically. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b || a == b) return 0;
  // NaN: greatest, equal to itself
  const an = typeof a === "number" && Number.isNaN(a);
  const bn = typeof b === "number" && Number.isNaN(b);
  return an === bn ? 0 : an ? 1 : -1;
}

function notOrderable(type: LogicalType): Comparator {
  return () => {
    throw new TypeError(`Values of type ${type.kind} have no order`);
  };
}

function withNulls(cmp: Comparator, nullsFirst: boolean): Comparator {
  return (a, b) => {
    if (a === null || b === null) {
      if (a === b) return 0;
      return (a === null) === nullsFirst ? -1 : 1;
    }
    return cmp(a, b);
  };
}

function lexicographic(elements: readonly Comparator[] | Comparator, fixed: boolean): Comparator {
  return (a, b) => {
    const x = a as readonly unknown[];
    const y = b as readonly unknown[];
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) {
      const c = typeof elements === "function" ? elements(x[i], y[i]) : elements[i]!(x[i], y[i]);
      if (c !== 0) return c;
    }
    return fixed ? 0 : x.length - y.length < 0 ? -1 : x.length > y.length ? 1 : 0;
  };
}

function baseComparator(type: LogicalType): Comparator {
  switch (type.kind) {
    case "BOOLEAN":
      return (a, b) => (a === b ? 0 : a ? 1 : -1);
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
    case "FLOAT":
    case "DOUBLE":
    case "DATE":
    case "TIME":
    case "INTERVAL_YEAR_MONTH":
    case "INTERVAL_DAY_TIME":
      return (a, b) => compareNumbers(a as number, b as number);
    case "DECIMAL":
      return (a, b) => (a as Decimal).compareTo(b as Decimal);
    case "CHAR":
    case "VARCHAR":
      return (a, b) => compareStrings(a as string, b as string);
    case "BINARY":
    case "VARBINARY":
      return (a, b) => compareBytes(a as Uint8Array, b as Uint8Array);
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ":
      return (a, b) => (a as Timestamp).compareTo(b as Timestamp);
    case "ARRAY":
      return lexicographic(withNulls(baseComparator(type.element), true), false);
    case "ROW":
      return lexicographic(
        type.fields.map((f) => withNulls(baseComparator(f.type), true)),
        true,
      );
    case "MAP":
    case "MULTISET":
    case "NULL":
      return type.kind === "NULL" ? () => 0 : notOrderable(type);
  }
}

/**
 * A comparator for values of `type`. NULLs sort first unless `nulls: 'last'`; nested NULLs (in
 * arrays and rows) sort first. MAP and MULTISET values have no order (the comparator throws).
 */
export function compareValues(type: LogicalType, options: CompareOptions = {}): Comparator {
  const base = baseComparator(type);
  const cmp: Comparator = options.descending ? (a, b) => base(b, a) : base;
  return withNulls(cmp, (options.nulls ?? "first") === "first");
}

/** Inline encoding of a value inside a composite key; self-delimiting and unambiguous. */
function encode(v: unknown): string {
  if (v === null || v === undefined) return "N";
  switch (typeof v) {
    case "boolean":
      return v ? "T" : "F";
    case "number":
      return "n" + (v === 0 ? "0" : String(v));
    case "bigint":
      return "n" + v.toString();
    case "string":
      return JSON.stringify(v);
  }
  if (v instanceof Decimal) return "d" + v.key();
  if (v instanceof Timestamp) return `t${v.millis}:${v.nanos}`;
  if (v instanceof Uint8Array) return "x" + toHex(v);
  if (Array.isArray(v)) return "[" + v.map(encode).join(",") + "]";
  if (v instanceof Map) {
    const entries: string[] = [];
    for (const [k, x] of v) entries.push(encode(k) + "=" + encode(x));
    entries.sort();
    return "{" + entries.join(",") + "}";
  }
  throw new TypeError(`Not a SQL value: ${Object.prototype.toString.call(v)}`);
}

/**
 * A canonical Map key of a value: primitives are their own key (numbers with −0 as 0, BIGINTs as
 * number or bigint), DECIMAL its stripped text (1.0 and 1.00 share `"1"`), TIMESTAMP its millis
 * or `"millis:nanos"`, bytes `"x<hex>"`, arrays, rows, maps and multisets an encoded string
 * (map entries in sorted order). `type` is accepted for symmetry with the other helpers; the
 * representation alone decides the key.
 */
export function valueKey(value: unknown, _type?: LogicalType): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "number":
      return value === 0 ? 0 : value;
    case "boolean":
    case "bigint":
    case "string":
      return value;
  }
  if (value instanceof Decimal) return value.key();
  if (value instanceof Timestamp) return value.key();
  return encode(value);
}

/** IS NOT DISTINCT FROM: equality where NULL equals NULL and NaN equals NaN. */
export function valuesEqual(a: unknown, b: unknown, _type?: LogicalType): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a === "number" && typeof b === "number") return Number.isNaN(a) && Number.isNaN(b);
  if (typeof a !== "object" || typeof b !== "object") return false;
  if (a instanceof Decimal) return a.equals(b);
  if (a instanceof Timestamp) return a.equals(b);
  return encode(a) === encode(b);
}

/** SQL `=`: NULL when either side is NULL, otherwise whether the values are equal. */
export function equals3(a: unknown, b: unknown, type?: LogicalType): boolean | null {
  if (a === null || b === null) return null;
  if (typeof a === "number" && typeof b === "number") return a === b; // NaN = NaN is false
  return valuesEqual(a, b, type);
}

/** Looks a key up in a MAP value by SQL equality (works for DECIMAL, TIMESTAMP, array keys). */
export function mapGet(map: ReadonlyMap<unknown, unknown>, key: unknown): unknown {
  if (key === null || typeof key !== "object") return map.has(key) ? map.get(key) : null;
  for (const [k, v] of map) if (valuesEqual(k, key)) return v;
  return null;
}

/** Three-valued AND: FALSE if either is FALSE, else NULL if either is NULL, else TRUE. */
export function and3(a: boolean | null, b: boolean | null): boolean | null {
  if (a === false || b === false) return false;
  if (a === null || b === null) return null;
  return true;
}

/** Three-valued OR: TRUE if either is TRUE, else NULL if either is NULL, else FALSE. */
export function or3(a: boolean | null, b: boolean | null): boolean | null {
  if (a === true || b === true) return true;
  if (a === null || b === null) return null;
  return false;
}

/** Three-valued NOT: NULL stays NULL. */
export function not3(a: boolean | null): boolean | null {
  return a === null ? null : !a;
}
