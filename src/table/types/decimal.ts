/**
 * DECIMAL values: an immutable {@link Decimal} (unscaled bigint and scale), exact arithmetic, and
 * the SQL operations with Flink's semantics — results are rounded HALF_UP to the scale of the
 * result type and are `null` when they overflow its precision (Flink's `DecimalData` returns null
 * there rather than failing). Division first rounds the exact quotient to 38 significant digits
 * (Flink divides with `MathContext(38, HALF_UP)`), then to the result scale.
 */
import { SqlArithmeticError } from "./errors.ts";

const TEN = 10n;
const POW10: bigint[] = [1n];
for (let i = 1; i <= 80; i++) POW10.push(POW10[i - 1]! * TEN);

/** 10^n as a bigint. */
export function pow10(n: number): bigint {
  return n <= 80 ? POW10[n]! : TEN ** BigInt(n);
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

/** Number of decimal digits of |v| (1 for zero). */
export function digitCount(v: bigint): number {
  return abs(v).toString().length;
}

/** Rounding modes used by SQL operations. */
export type RoundingMode = "HALF_UP" | "DOWN" | "FLOOR" | "CEILING";

/** `num / den` rounded to an integer with the given mode (den ≠ 0). */
export function divideRounded(num: bigint, den: bigint, mode: RoundingMode): bigint {
  const q = num / den;
  const r = num % den;
  if (r === 0n) return q;
  const negative = num < 0n !== den < 0n;
  switch (mode) {
    case "DOWN":
      return q;
    case "FLOOR":
      return negative ? q - 1n : q;
    case "CEILING":
      return negative ? q : q + 1n;
    case "HALF_UP":
      return 2n * abs(r) >= abs(den) ? (negative ? q - 1n : q + 1n) : q;
  }
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** An exact decimal number `unscaled × 10^-scale` (scale ≥ 0). Immutable. */
export class Decimal {
  /** The digits as an integer. */
  readonly unscaled: bigint;
  /** Digits after the decimal point (≥ 0). */
  readonly scale: number;

  /** Creates `unscaled × 10^-scale`. */
  constructor(unscaled: bigint, scale: number) {
    if (!Number.isInteger(scale) || scale < 0)
      throw new RangeError(`Decimal scale must be ≥ 0, got ${scale}`);
    this.unscaled = unscaled;
    this.scale = scale;
  }

  /** `unscaled × 10^-scale`. */
  static of(unscaled: bigint | number, scale = 0): Decimal {
    return new Decimal(BigInt(unscaled), scale);
  }

  /** Zero with scale 0. */
  static readonly ZERO = new Decimal(0n, 0);

  /**
   * Parses decimal text: optional sign, digits with an optional fraction, optional exponent
   * (`12.30`, `-.5`, `1e3`, `1.5E-2`); the scale is the number of fraction digits minus the
   * exponent (at least 0). Surrounding whitespace is allowed. Returns undefined when malformed.
   */
  static tryParse(text: string): Decimal | undefined {
    const m = DECIMAL_TEXT.exec(text.trim());
    if (m === null) return undefined;
    const [, sign, intPart = "", frac = ""] = m;
    if (intPart.length === 0 && frac.length === 0) return undefined;
    const exp = m[4] === undefined ? 0 : Number(m[4]);
    if (!Number.isSafeInteger(exp) || Math.abs(exp) > 100000) return undefined;
    let unscaled = BigInt(intPart + frac || "0");
    if (sign === "-") unscaled = -unscaled;
    let scale = frac.length - exp;
    if (scale < 0) {
      unscaled *= pow10(-scale);
      scale = 0;
    }
    return new Decimal(unscaled, scale);
  }

  /** Parses decimal text like {@link tryParse}, throwing a RangeError naming the text. */
  static parse(text: string): Decimal {
    const d = Decimal.tryParse(text);
    if (d === undefined) throw new RangeError(`Not a decimal number: '${text}'`);
    return d;
  }

  /**
   * The decimal with the shortest digits that reads back as `value` (as Java's
   * `BigDecimal.valueOf(double)`); throws a RangeError for NaN and infinities.
   */
  static fromNumber(value: number): Decimal {
    if (!Number.isFinite(value)) throw new RangeError(`${value} has no DECIMAL representation`);
    if (Number.isSafeInteger(value)) return new Decimal(BigInt(value), 0);
    return Decimal.parse(String(value));
  }

  /** An integer (number or bigint) as a Decimal with scale 0. */
  static fromInteger(value: number | bigint): Decimal {
    return new Decimal(BigInt(value), 0);
  }

  /** −1, 0 or 1. */
  signum(): number {
    return this.unscaled < 0n ? -1 : this.unscaled > 0n ? 1 : 0;
  }

  /** Number of significant digits of the unscaled value (Java's `BigDecimal.precision()`). */
  precision(): number {
    return digitCount(this.unscaled);
  }

  /** Whether the value fits DECIMAL(precision, this.scale). */
  fitsPrecision(precision: number): boolean {
    return abs(this.unscaled) < pow10(precision);
  }

  /** The same value at another scale, rounding with `mode` when the scale shrinks. */
  setScale(scale: number, mode: RoundingMode = "HALF_UP"): Decimal {
    if (scale === this.scale) return this;
    if (scale > this.scale) return new Decimal(this.unscaled * pow10(scale - this.scale), scale);
    return new Decimal(divideRounded(this.unscaled, pow10(this.scale - scale), mode), scale);
  }

  /**
   * This value as DECIMAL(precision, scale): rounded HALF_UP to `scale`, or `null` when it does
   * not fit `precision` (Flink's `DecimalData.fromBigDecimal`).
   */
  toPrecision(precision: number, scale: number): Decimal | null {
    const d = this.setScale(scale, "HALF_UP");
    return d.fitsPrecision(precision) ? d : null;
  }

  /** Exact sum (scale max(s1, s2)). */
  add(other: Decimal): Decimal {
    const s = Math.max(this.scale, other.scale);
    return new Decimal(this.setScale(s).unscaled + other.setScale(s).unscaled, s);
  }

  /** Exact difference (scale max(s1, s2)). */
  subtract(other: Decimal): Decimal {
    const s = Math.max(this.scale, other.scale);
    return new Decimal(this.setScale(s).unscaled - other.setScale(s).unscaled, s);
  }

  /** Exact product (scale s1 + s2). */
  multiply(other: Decimal): Decimal {
    return new Decimal(this.unscaled * other.unscaled, this.scale + other.scale);
  }

  /** Exact remainder with the sign of this value (scale max(s1, s2)); throws on division by zero. */
  remainder(other: Decimal): Decimal {
    if (other.unscaled === 0n)
      throw new SqlArithmeticError(`Division by zero: ${this.toString()} % 0`);
    const s = Math.max(this.scale, other.scale);
    return new Decimal(this.setScale(s).unscaled % other.setScale(s).unscaled, s);
  }

  /**
   * The quotient rounded to `scale` digits: first to 38 significant digits (HALF_UP), then to
   * `scale` (HALF_UP), as Flink's decimal division does. Throws on division by zero.
   */
  divide(other: Decimal, scale: number): Decimal {
    if (other.unscaled === 0n)
      throw new SqlArithmeticError(`Division by zero: ${this.toString()} / 0`);
    // value = num / den exactly
    const num = this.unscaled * pow10(other.scale);
    const den = other.unscaled * pow10(this.scale);
    if (num === 0n) return new Decimal(0n, scale);
    // k = digits after the point that leave 38 significant digits
    const a = abs(num);
    const b = abs(den);
    const e0 = digitCount(a) - digitCount(b); // floor(log10(a / b)) is e0 or e0 - 1
    const e = (e0 >= 0 ? a >= b * pow10(e0) : a * pow10(-e0) >= b) ? e0 : e0 - 1;
    const k = 37 - e;
    const q38 =
      k >= 0
        ? divideRounded(num * pow10(k), den, "HALF_UP")
        : divideRounded(num, den * pow10(-k), "HALF_UP");
    if (k <= scale) return new Decimal(q38 * pow10(scale - k), scale);
    return new Decimal(divideRounded(q38, pow10(k - scale), "HALF_UP"), scale);
  }

  /** −value. */
  negate(): Decimal {
    return new Decimal(-this.unscaled, this.scale);
  }

  /** |value|. */
  abs(): Decimal {
    return this.unscaled < 0n ? this.negate() : this;
  }

  /** Compares numerically (scale ignored): negative, zero or positive. */
  compareTo(other: Decimal): number {
    if (this.scale === other.scale) {
      return this.unscaled < other.unscaled ? -1 : this.unscaled > other.unscaled ? 1 : 0;
    }
    const s = Math.max(this.scale, other.scale);
    const a = this.setScale(s).unscaled;
    const b = other.setScale(s).unscaled;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /** Numeric equality: 1.0 equals 1.00 (SQL semantics, unlike Java's `BigDecimal.equals`). */
  equals(other: unknown): boolean {
    return other instanceof Decimal && this.compareTo(other) === 0;
  }

  /** The value with trailing fraction zeros removed (scale as small as possible, ≥ 0). */
  stripTrailingZeros(): Decimal {
    let u = this.unscaled;
    let s = this.scale;
    while (s > 0 && u % TEN === 0n) {
      u /= TEN;
      s--;
    }
    return s === this.scale ? this : new Decimal(u, s);
  }

  /**
   * A canonical string for hashing and Map keys: equal values (1.0, 1.00) give the same key;
   * different values never do.
   */
  key(): string {
    return this.stripTrailingZeros().toString();
  }

  /** The integer part, truncated toward zero. */
  toBigIntTruncated(): bigint {
    return this.scale === 0 ? this.unscaled : this.unscaled / pow10(this.scale);
  }

  /** The nearest double (correctly rounded from the decimal text). */
  toNumber(): number {
    if (this.scale === 0 && abs(this.unscaled) <= 9007199254740991n) return Number(this.unscaled);
    return Number(this.toString());
  }

  /** Plain text with exactly `scale` fraction digits: `12.30`, `-0.05`, `7`. */
  toString(): string {
    const negative = this.unscaled < 0n;
    let digits = abs(this.unscaled).toString();
    if (this.scale === 0) return negative ? "-" + digits : digits;
    if (digits.length <= this.scale) digits = "0".repeat(this.scale - digits.length + 1) + digits;
    const cut = digits.length - this.scale;
    return (negative ? "-" : "") + digits.slice(0, cut) + "." + digits.slice(cut);
  }

  /** Same as {@link toString}, so JSON output keeps the digits (as a string). */
  toJSON(): string {
    return this.toString();
  }
}

function overflowToNull(d: Decimal, precision: number, scale: number): Decimal | null {
  return d.toPrecision(precision, scale);
}

/** `a + b` as DECIMAL(precision, scale): rounded HALF_UP, null on overflow (Flink). */
export function decimalAdd(
  a: Decimal,
  b: Decimal,
  precision: number,
  scale: number,
): Decimal | null {
  return overflowToNull(a.add(b), precision, scale);
}

/** `a - b` as DECIMAL(precision, scale): rounded HALF_UP, null on overflow (Flink). */
export function decimalSubtract(
  a: Decimal,
  b: Decimal,
  precision: number,
  scale: number,
): Decimal | null {
  return overflowToNull(a.subtract(b), precision, scale);
}

/** `a * b` as DECIMAL(precision, scale): rounded HALF_UP, null on overflow (Flink). */
export function decimalMultiply(
  a: Decimal,
  b: Decimal,
  precision: number,
  scale: number,
): Decimal | null {
  return overflowToNull(a.multiply(b), precision, scale);
}

/** `a / b` as DECIMAL(precision, scale); null on overflow, SqlArithmeticError on zero. */
export function decimalDivide(
  a: Decimal,
  b: Decimal,
  precision: number,
  scale: number,
): Decimal | null {
  const q = a.divide(b, scale);
  return q.fitsPrecision(precision) ? q : null;
}

/** `a % b` as DECIMAL(precision, scale); null on overflow, SqlArithmeticError on zero. */
export function decimalRemainder(
  a: Decimal,
  b: Decimal,
  precision: number,
  scale: number,
): Decimal | null {
  return overflowToNull(a.remainder(b), precision, scale);
}
