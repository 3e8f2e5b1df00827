/**
 * Conversions from strings used by CAST, with Flink's rules: the text is trimmed; BOOLEAN takes
 * `true/t/yes/y/1` and `false/f/no/n/0` in any case; integral types take an optional sign and
 * digits and drop a fractional part (`'1.9'` → 1), failing on overflow; FLOAT/DOUBLE take Java's
 * double syntax; DECIMAL takes plain or exponent notation and fails when the value does not fit
 * the precision; DATE, TIME and TIMESTAMP take the forms of `datetime.ts`.
 *
 * Each function throws a {@link ConversionError} with the reason when the text does not convert;
 * `cast.ts` turns it into a `SqlCastError` naming the value and the types.
 */
import { INTEGRAL_BITS, normalizeInt64 } from "./bigint-math.ts";
import type { Int64, IntegralKind } from "./bigint-math.ts";
import { Decimal } from "./decimal.ts";
import { parseJavaDouble } from "./number-text.ts";

/** A value does not convert; `message` is the reason (without the value or the types). */
export class ConversionError extends Error {}

/** Throws a {@link ConversionError} with the reason. */
export function fail(reason: string): never {
  throw new ConversionError(reason);
}

const TRUE_TEXT = new Set(["t", "true", "y", "yes", "1"]);
const FALSE_TEXT = new Set(["f", "false", "n", "no", "0"]);

/** `'true'`, `'yes'`, `'1'`... → true; `'false'`, `'no'`, `'0'`... → false. */
export function parseBooleanText(text: string): boolean {
  const s = text.trim().toLowerCase();
  if (TRUE_TEXT.has(s)) return true;
  if (FALSE_TEXT.has(s)) return false;
  return fail("not a boolean (true/false, t/f, yes/no, y/n, 1/0)");
}

const INTEGRAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?$/;
const BOUNDS: Record<IntegralKind, readonly [bigint, bigint]> = {
  TINYINT: [-128n, 127n],
  SMALLINT: [-32768n, 32767n],
  INT: [-2147483648n, 2147483647n],
  BIGINT: [-9223372036854775808n, 9223372036854775807n],
};

/** An integral value of `kind`; a fraction is dropped, out-of-range values fail ("Overflow"). */
export function parseIntegralText(text: string, kind: IntegralKind): Int64 {
  const s = text.trim();
  const m = INTEGRAL_TEXT.exec(s);
  if (m === null || (m[2]!.length === 0 && (m[3] ?? "").length === 0))
    fail("invalid character found");
  const digits = m[2]!.length === 0 ? "0" : m[2]!;
  if (digits.length <= 15) {
    const n = m[1] === "-" ? -Number(digits) : Number(digits);
    if (
      INTEGRAL_BITS[kind] === 64 ||
      (n >= Number(BOUNDS[kind][0]) && n <= Number(BOUNDS[kind][1]))
    ) {
      return n === 0 ? 0 : n;
    }
    fail("overflow");
  }
  const b = BigInt(m[1] === "-" ? "-" + digits : digits);
  const [lo, hi] = BOUNDS[kind];
  if (b < lo || b > hi) fail("overflow");
  return normalizeInt64(b);
}

/** A DOUBLE (or, with `float`, a FLOAT rounded to single precision). */
export function parseApproximateText(text: string, float: boolean): number {
  const d = parseJavaDouble(text);
  if (d === undefined) fail("not a number");
  return float ? Math.fround(d) : d;
}

/** A DECIMAL(precision, scale), rounded HALF_UP; fails on malformed text and on overflow. */
export function parseDecimalText(text: string, precision: number, scale: number): Decimal {
  const d = Decimal.tryParse(text);
  if (d === undefined) fail("not a decimal number");
  const r = d.toPrecision(precision, scale);
  if (r === null) fail(`overflow of DECIMAL(${precision}, ${scale})`);
  return r;
}
