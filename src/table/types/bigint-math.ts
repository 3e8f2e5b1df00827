/**
 * Exact integer arithmetic with Java's semantics for TINYINT, SMALLINT, INT and BIGINT.
 *
 * TINYINT/SMALLINT/INT values are integer `number`s and wrap at their width like Java's byte,
 * short and int. BIGINT values are an integer `number` when within ±(2^53 − 1) and a `bigint`
 * otherwise — always normalized, so each value has exactly one representation and `===` and Map
 * keys work. BIGINT arithmetic is exact and wraps at 64 bits like Java's long; it stays on
 * numbers while results are safe integers and falls back to bigint only when they are not.
 */
import { SqlArithmeticError } from "./errors.ts";

/** A BIGINT value: a safe-integer number, or a bigint outside the safe range. */
export type Int64 = number | bigint;

/** Largest BIGINT (2^63 − 1). */
export const INT64_MAX = 9223372036854775807n;
/** Smallest BIGINT (−2^63). */
export const INT64_MIN = -9223372036854775808n;
const SAFE_MAX_BIG = BigInt(Number.MAX_SAFE_INTEGER);
const TWO_63 = 2 ** 63;

/** Normalizes a BIGINT: a bigint within the safe range becomes a number; −0 becomes 0. */
export function normalizeInt64(v: Int64): Int64 {
  if (typeof v === "number") return v === 0 ? 0 : v;
  return v >= -SAFE_MAX_BIG && v <= SAFE_MAX_BIG ? Number(v) : v;
}

/** Wraps any integer to 64 bits (Java long overflow) and normalizes it. */
export function wrapInt64(v: bigint): Int64 {
  return normalizeInt64(BigInt.asIntN(64, v));
}

/** Whether `v` is a valid, normalized BIGINT value. */
export function isInt64(v: unknown): v is Int64 {
  if (typeof v === "number") return Number.isSafeInteger(v);
  return (
    typeof v === "bigint" &&
    v >= INT64_MIN &&
    v <= INT64_MAX &&
    (v < -SAFE_MAX_BIG || v > SAFE_MAX_BIG)
  );
}

/** A BIGINT as a bigint. */
export function toBigInt(v: Int64): bigint {
  return typeof v === "bigint" ? v : BigInt(v);
}

/** `a + b` wrapping at 64 bits. */
export function addInt64(a: Int64, b: Int64): Int64 {
  if (typeof a === "number" && typeof b === "number") {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r === 0 ? 0 : r;
  }
  return wrapInt64(toBigInt(a) + toBigInt(b));
}

/** `a - b` wrapping at 64 bits. */
export function subtractInt64(a: Int64, b: Int64): Int64 {
  if (typeof a === "number" && typeof b === "number") {
    const r = a - b;
    if (Number.isSafeInteger(r)) return r === 0 ? 0 : r;
  }
  return wrapInt64(toBigInt(a) - toBigInt(b));
}

/** `a * b` wrapping at 64 bits. */
export function multiplyInt64(a: Int64, b: Int64): Int64 {
  if (typeof a === "number" && typeof b === "number") {
    const r = a * b;
    if (Number.isSafeInteger(r)) return r === 0 ? 0 : r;
  }
  return wrapInt64(toBigInt(a) * toBigInt(b));
}

function divisionByZero(a: Int64): never {
  throw new SqlArithmeticError(`Division by zero: ${String(a)} / 0`);
}

/** `a / b` truncating toward zero, as Java's long division (MIN / −1 wraps to MIN). */
export function divideInt64(a: Int64, b: Int64): Int64 {
  if (b === 0) divisionByZero(a);
  if (typeof a === "number" && typeof b === "number") {
    const r = (a - (a % b)) / b; // exact: a - a % b is a multiple of b
    return r === 0 ? 0 : r;
  }
  return wrapInt64(toBigInt(a) / toBigInt(b));
}

/** `a % b` with the sign of `a`, as Java's long remainder. */
export function remainderInt64(a: Int64, b: Int64): Int64 {
  if (b === 0) divisionByZero(a);
  if (typeof a === "number" && typeof b === "number") {
    const r = a % b;
    return r === 0 ? 0 : r;
  }
  return normalizeInt64(toBigInt(a) % toBigInt(b));
}

/** `-a` wrapping at 64 bits (−MIN is MIN). */
export function negateInt64(a: Int64): Int64 {
  if (typeof a === "number") return a === 0 ? 0 : -a;
  return wrapInt64(-a);
}

/** Compares two BIGINTs: negative, zero or positive. */
export function compareInt64(a: Int64, b: Int64): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Parses a decimal integer string strictly (optional sign, digits); undefined when malformed. */
export function parseBigIntText(text: string): bigint | undefined {
  return /^[+-]?\d+$/.test(text) ? BigInt(text) : undefined;
}

/** The bit width of each integral kind. */
export const INTEGRAL_BITS = { TINYINT: 8, SMALLINT: 16, INT: 32, BIGINT: 64 } as const;

/** The integral kinds. */
export type IntegralKind = keyof typeof INTEGRAL_BITS;

/** Wraps a safe integer to 8, 16 or 32 bits (Java's narrowing of integral values). */
export function wrapInt(v: number, bits: 8 | 16 | 32): number {
  if (bits === 32) return v | 0;
  if (bits === 16) return (v << 16) >> 16;
  return (v << 24) >> 24;
}

/** Narrows a BIGINT (or any integral value) to `kind`, keeping the low bits as Java does. */
export function narrowIntegral(v: Int64, kind: IntegralKind): Int64 {
  if (kind === "BIGINT") return typeof v === "bigint" ? wrapInt64(v) : v;
  const bits = INTEGRAL_BITS[kind];
  // ToInt32 of a safe integer keeps exactly its low 32 bits.
  const low = typeof v === "number" ? v | 0 : Number(BigInt.asIntN(32, v));
  return wrapInt(low, bits);
}

/**
 * Java's conversion of a double to a long: truncation toward zero, NaN becomes 0, values beyond
 * the range saturate at the BIGINT bounds.
 */
export function doubleToInt64(d: number): Int64 {
  if (Number.isNaN(d)) return 0;
  const t = Math.trunc(d);
  if (Number.isSafeInteger(t)) return t === 0 ? 0 : t;
  if (t >= TWO_63) return INT64_MAX;
  if (t <= -TWO_63) return INT64_MIN;
  return normalizeInt64(BigInt(t));
}

/**
 * Java's conversion of a double to `kind`: to int with saturation (NaN → 0), then narrowing to
 * short/byte keeps the low bits; BIGINT saturates at 64 bits.
 */
export function doubleToIntegral(d: number, kind: IntegralKind): Int64 {
  if (kind === "BIGINT") return doubleToInt64(d);
  let i: number;
  if (Number.isNaN(d)) i = 0;
  else if (d >= 2147483647) i = 2147483647;
  else if (d <= -2147483648) i = -2147483648;
  else i = Math.trunc(d) | 0;
  return kind === "INT" ? i : wrapInt(i, INTEGRAL_BITS[kind]);
}

/** `a op b` on TINYINT/SMALLINT/INT values, wrapping at the width of `kind` like Java. */
export function intArithmetic(
  op: "+" | "-" | "*" | "/" | "%",
  a: number,
  b: number,
  kind: IntegralKind,
): Int64 {
  if (kind === "BIGINT") {
    switch (op) {
      case "+":
        return addInt64(a, b);
      case "-":
        return subtractInt64(a, b);
      case "*":
        return multiplyInt64(a, b);
      case "/":
        return divideInt64(a, b);
      case "%":
        return remainderInt64(a, b);
    }
  }
  const bits = INTEGRAL_BITS[kind];
  let r: number;
  switch (op) {
    case "+":
      r = a + b;
      break;
    case "-":
      r = a - b;
      break;
    case "*":
      r = Math.imul(a, b); // low 32 bits of the exact product
      break;
    case "/":
      if (b === 0) divisionByZero(a);
      r = Math.trunc(a / b);
      break;
    case "%":
      if (b === 0) divisionByZero(a);
      r = a % b;
      break;
  }
  r = wrapInt(r, bits);
  return r === 0 ? 0 : r;
}
