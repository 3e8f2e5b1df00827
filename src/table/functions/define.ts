/**
 * Shared building blocks of the built-in function library: argument type checks that accept the
 * untyped NULL everywhere, result-type helpers with SQL nullability, access to literal operands
 * (units, formats, behaviours passed as literals), conversions of runtime values to JS numbers
 * and code-point string helpers (Flink's `BinaryStringData` counts code points).
 */
import { SqlValidationError } from "../expr/errors.ts";
import type { CallSite, ScalarFunctionDef } from "../expr/operators.ts";
import { cannotApply } from "../expr/typing.ts";
import type { RexNode } from "../expr/rex.ts";
import { Decimal } from "../types/decimal.ts";
import * as T from "../types/logical-type.ts";
import type { LogicalType } from "../types/logical-type.ts";
import {
  isApproximateNumeric,
  isBinaryString,
  isCharacterString,
  isExactNumeric,
  isIntegral,
  isNumeric,
} from "../types/type-families.ts";

/** Argument types of a call. */
export type Types = readonly LogicalType[];

/** The operand expressions of a call (absent when a caller types a call without them). */
export type Operands = readonly RexNode[] | undefined;

/** A type predicate for one argument. */
export type ArgCheck = (t: LogicalType) => boolean;

/** Character strings (CHAR, VARCHAR) or the untyped NULL. */
export const str: ArgCheck = (t) => t.kind === "NULL" || isCharacterString(t);
/** Binary strings (BINARY, VARBINARY) or the untyped NULL. */
export const bin: ArgCheck = (t) => t.kind === "NULL" || isBinaryString(t);
/** Character or binary strings. */
export const strOrBin: ArgCheck = (t) => str(t) || bin(t);
/** TINYINT, SMALLINT, INT, BIGINT or NULL. */
export const int: ArgCheck = (t) => t.kind === "NULL" || isIntegral(t);
/** Any numeric type or NULL. */
export const num: ArgCheck = (t) => t.kind === "NULL" || isNumeric(t);
/** Exact numerics (integral, DECIMAL) or NULL. */
export const exact: ArgCheck = (t) => t.kind === "NULL" || isExactNumeric(t);
/** FLOAT, DOUBLE or NULL. */
export const approx: ArgCheck = (t) => t.kind === "NULL" || isApproximateNumeric(t);
/** BOOLEAN or NULL. */
export const bool: ArgCheck = (t) => t.kind === "NULL" || t.kind === "BOOLEAN";
/** Any type. */
export const any: ArgCheck = () => true;

/** `STRING` (VARCHAR(2147483647)) with the given nullability. */
export function stringType(nullable: boolean): LogicalType {
  return T.withNullability(T.STRING(), nullable);
}

/** Whether any of the types is nullable (the untyped NULL is). */
export function anyNullable(types: Types): boolean {
  for (const t of types) if (t.nullable) return true;
  return false;
}

/** `type` made nullable when any of `types` is. */
export function nullableIf<U extends LogicalType>(type: U, types: Types): U {
  return T.withNullability(type, type.nullable || anyNullable(types));
}

/**
 * Checks the argument count and each argument against `checks` (the last check repeats for
 * variadic calls when `variadic`); throws the standard "Cannot apply" error otherwise.
 */
export function expectArgs(
  name: string,
  types: Types,
  checks: readonly ArgCheck[],
  min = checks.length,
  variadic = false,
): void {
  const max = variadic ? Infinity : checks.length;
  if (types.length < min || types.length > max) {
    const expected =
      min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new SqlValidationError(
      `Invalid number of arguments to '${name}': expected ${expected}, got ${types.length}`,
    );
  }
  types.forEach((t, i) => {
    const check = checks[Math.min(i, checks.length - 1)]!;
    if (!check(t)) cannotApply(name, types);
  });
}

/** The literal at operand `i`, or undefined when it is not a literal (or operands are unknown). */
export function literalAt(operands: Operands, i: number): { value: unknown } | undefined {
  const o = operands?.[i];
  return o !== undefined && o.kind === "literal" ? { value: o.value } : undefined;
}

/**
 * The upper-case text of the string literal at operand `i`, checked against `allowed`. Throws a
 * {@link SqlValidationError} naming the function when it is not a literal or not allowed.
 */
export function keywordAt(
  name: string,
  operands: Operands,
  i: number,
  what: string,
  allowed?: readonly string[],
): string {
  const lit = literalAt(operands, i);
  if (lit === undefined || typeof lit.value !== "string") {
    throw new SqlValidationError(`The ${what} of ${name} must be a string literal`);
  }
  const text = lit.value.trim().toUpperCase();
  if (allowed !== undefined && !allowed.includes(text)) {
    throw new SqlValidationError(
      `Invalid ${what} '${lit.value}' for ${name}; expected one of ${allowed.join(", ")}`,
    );
  }
  return text;
}

/** The same with the operands of a call site (at code generation). */
export function siteKeyword(
  site: CallSite,
  i: number,
  what: string,
  allowed?: readonly string[],
): string {
  return keywordAt(site.name, site.operands, i, what, allowed);
}

/** A function definition with the usual defaults: a strict, deterministic function. */
export function fn(
  def: Omit<ScalarFunctionDef, "kind" | "nullPolicy" | "deterministic"> &
    Partial<Pick<ScalarFunctionDef, "kind" | "nullPolicy" | "deterministic">>,
): ScalarFunctionDef {
  return { kind: "function", nullPolicy: "strict", deterministic: true, ...def };
}

/** The same definition under other names (FUNC and its aliases). */
export function withAliases(def: ScalarFunctionDef, ...names: string[]): ScalarFunctionDef[] {
  return [def, ...names.map((name) => ({ ...def, name }))];
}

/** A JS number of a numeric value of `type` (BIGINT may be a bigint, DECIMAL a `Decimal`). */
export function toDouble(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Decimal) return value.toNumber();
  throw new TypeError(`Not a number: ${String(value)}`);
}

/** An integral argument (INT or BIGINT value) as a JS number (bigints beyond 2^53 lose digits). */
export function toInt(value: unknown): number {
  return typeof value === "bigint" ? Number(value) : (value as number);
}

/** Java's `(int)` narrowing of an integral number: the low 32 bits. */
export function wrapInt32(v: number | bigint): number {
  return typeof v === "bigint" ? Number(BigInt.asIntN(32, v)) : v | 0;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Whether the string has surrogate pairs (then code points and UTF-16 units differ). */
export function hasSurrogates(s: string): boolean {
  return SURROGATE.test(s);
}

/** Number of code points. */
export function codePointLength(s: string): number {
  if (!hasSurrogates(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Code points `start` (inclusive) to `end` (exclusive), 0-based. */
export function codePointSlice(s: string, start: number, end = Infinity): string {
  if (!hasSurrogates(s)) return s.slice(start, end);
  return Array.from(s).slice(start, end).join("");
}

/**
 * The code-point index of the first occurrence of `needle` in `s` at or after code point
 * `from` (negative counts as 0), or -1 — Flink's `BinaryStringData.indexOf` (an empty needle is
 * found at 0, whatever `from` is).
 */
export function codePointIndexOf(s: string, needle: string, from: number): number {
  if (needle.length === 0) return 0;
  if (!hasSurrogates(s)) return s.indexOf(needle, Math.max(0, from));
  const chars = Array.from(s);
  let unit = 0;
  const start = Math.max(0, from);
  for (let i = 0; i < Math.min(start, chars.length); i++) unit += chars[i]!.length;
  const at = s.indexOf(needle, unit);
  return at < 0 ? -1 : codePointLength(s.slice(0, at));
}

/** The result type of a function returning the character type of its first argument (ARG0). */
export function sameStringType(type: LogicalType, types: Types): LogicalType {
  if (type.kind === "NULL") return stringType(true);
  return nullableIf(type, types);
}

/** VARCHAR of the first argument's length (ARG0, varying), nullable like the arguments. */
export function varyingOf(type: LogicalType, types: Types): LogicalType {
  const length = type.kind === "CHAR" || type.kind === "VARCHAR" ? type.length : T.MAX_LENGTH;
  return nullableIf(T.withNullability(T.VARCHAR(length), false), types);
}
