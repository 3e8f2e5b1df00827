/**
 * Per-type arithmetic of the numeric aggregates over the SQL value representation: TINYINT,
 * SMALLINT and INT wrap at their width (Flink's SUM(INT) is an INT), BIGINT is exact and wraps
 * at 64 bits, DECIMAL is exact (a `Decimal`), FLOAT rounds to single precision, DOUBLE is a
 * number. INTERVAL YEAR-MONTH sums like INT (months), INTERVAL DAY-TIME like BIGINT (ms).
 */
import {
  addInt64,
  isInt64,
  subtractInt64,
  wrapInt,
  type Int64,
  type IntegralKind,
} from "../types/bigint-math.ts";
import { Decimal } from "../types/decimal.ts";
import type { LogicalType } from "../types/logical-type.ts";
import { TableRuntimeError } from "./errors.ts";
import { describeValue } from "./value-keys.ts";

/** Addition and subtraction of one numeric type. */
export interface NumericOps {
  /** The type's kind. */
  readonly kind: LogicalType["kind"];
  /** Zero of the type. */
  readonly zero: unknown;
  /** `a + b` in the type. */
  add(a: unknown, b: unknown): unknown;
  /** `a - b` in the type. */
  sub(a: unknown, b: unknown): unknown;
  /** Throws a {@link TableRuntimeError} naming `fn` when `v` is not a value of the type. */
  check(v: unknown, fn: string): void;
}

/** The integral kind of `type` (wrapping width), or null when it is not integral. */
export function integralKind(type: LogicalType): IntegralKind | null {
  switch (type.kind) {
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
      return type.kind;
    case "INTERVAL_YEAR_MONTH":
      return "INT";
    case "INTERVAL_DAY_TIME":
      return "BIGINT";
    default:
      return null;
  }
}

function badValue(fn: string, kind: string, v: unknown): never {
  throw new TableRuntimeError(
    `${fn}: expected a ${kind} value, got ${describeValue(v)} ${String(v)}`,
  );
}

function smallIntOps(kind: IntegralKind, bits: 8 | 16 | 32): NumericOps {
  return {
    kind,
    zero: 0,
    add: (a, b) => wrapInt((a as number) + (b as number), bits),
    sub: (a, b) => wrapInt((a as number) - (b as number), bits),
    check(v, fn) {
      if (typeof v !== "number" || !Number.isInteger(v)) badValue(fn, kind, v);
    },
  };
}

/** BIGINT arithmetic (exact, wrapping at 64 bits, normalized). */
export const BIGINT_OPS: NumericOps = {
  kind: "BIGINT",
  zero: 0,
  add: (a, b) => addInt64(a as Int64, b as Int64),
  sub: (a, b) => subtractInt64(a as Int64, b as Int64),
  check(v, fn) {
    if (!isInt64(v)) badValue(fn, "BIGINT", v);
  },
};

const FLOAT_OPS: NumericOps = {
  kind: "FLOAT",
  zero: 0,
  add: (a, b) => Math.fround((a as number) + (b as number)),
  sub: (a, b) => Math.fround((a as number) - (b as number)),
  check(v, fn) {
    if (typeof v !== "number") badValue(fn, "FLOAT", v);
  },
};

const DOUBLE_OPS: NumericOps = {
  kind: "DOUBLE",
  zero: 0,
  add: (a, b) => (a as number) + (b as number),
  sub: (a, b) => (a as number) - (b as number),
  check(v, fn) {
    if (typeof v !== "number") badValue(fn, "DOUBLE", v);
  },
};

function decimalOps(scale: number): NumericOps {
  return {
    kind: "DECIMAL",
    zero: new Decimal(0n, scale),
    add: (a, b) => (a as Decimal).add(b as Decimal),
    sub: (a, b) => (a as Decimal).subtract(b as Decimal),
    check(v, fn) {
      if (!(v instanceof Decimal)) badValue(fn, "DECIMAL", v);
    },
  };
}

/** The arithmetic of a numeric (or interval) type; throws naming `fn` for other types. */
export function numericOps(type: LogicalType, fn: string): NumericOps {
  switch (type.kind) {
    case "TINYINT":
      return smallIntOps("TINYINT", 8);
    case "SMALLINT":
      return smallIntOps("SMALLINT", 16);
    case "INT":
    case "INTERVAL_YEAR_MONTH":
      return smallIntOps("INT", 32);
    case "BIGINT":
    case "INTERVAL_DAY_TIME":
      return BIGINT_OPS;
    case "FLOAT":
      return FLOAT_OPS;
    case "DOUBLE":
      return DOUBLE_OPS;
    case "DECIMAL":
      return decimalOps(type.scale);
    default:
      throw new TableRuntimeError(`${fn} is not defined for ${type.kind} arguments`);
  }
}

/** An integral value (number or bigint) as a bigint. */
export function bigOf(v: unknown): bigint {
  return typeof v === "bigint" ? v : BigInt(v as number);
}
