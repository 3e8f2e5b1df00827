/**
 * TIMESTAMP and TIMESTAMP_LTZ values: an immutable {@link Timestamp} of integer epoch
 * milliseconds plus 0..999_999 nanoseconds within the millisecond (Flink's `TimestampData`),
 * exact to precision 9.
 *
 * A TIMESTAMP (without time zone) is a local date-time encoded as if it were UTC: the value
 * `2020-01-01 10:00:00` has the millis of the instant `2020-01-01T10:00:00Z`. A TIMESTAMP_LTZ is
 * an instant; it is shown in the session time zone.
 */

const MILLIS_PER_DAY = 86400000;

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** An exact point on the time line (or local date-time), nanosecond precision. Immutable. */
export class Timestamp {
  /** Epoch milliseconds (an integer). */
  readonly millis: number;
  /** Nanoseconds within the millisecond, 0..999_999. */
  readonly nanos: number;

  /** Creates a timestamp; throws a RangeError on non-integer millis or nanos out of range. */
  constructor(millis: number, nanos = 0) {
    if (!Number.isSafeInteger(millis))
      throw new RangeError(`Timestamp millis must be an integer, got ${millis}`);
    if (!Number.isInteger(nanos) || nanos < 0 || nanos > 999999) {
      throw new RangeError(`Timestamp nanos-of-millisecond must be 0..999999, got ${nanos}`);
    }
    this.millis = millis === 0 ? 0 : millis;
    this.nanos = nanos;
  }

  /** A timestamp at whole epoch milliseconds. */
  static fromMillis(millis: number, nanosOfMilli = 0): Timestamp {
    return new Timestamp(millis, nanosOfMilli);
  }

  /** A timestamp from epoch nanoseconds. */
  static fromEpochNanos(nanos: bigint): Timestamp {
    let ms = nanos / 1000000n;
    let rest = nanos % 1000000n;
    if (rest < 0n) {
      rest += 1000000n;
      ms -= 1n;
    }
    return new Timestamp(Number(ms), Number(rest));
  }

  /** Epoch nanoseconds. */
  toEpochNanos(): bigint {
    return BigInt(this.millis) * 1000000n + BigInt(this.nanos);
  }

  /** Days since 1970-01-01 (floor), i.e. the DATE of a TIMESTAMP value. */
  epochDay(): number {
    return floorDiv(this.millis, MILLIS_PER_DAY);
  }

  /** Milliseconds within the day, i.e. the TIME of a TIMESTAMP value. */
  millisOfDay(): number {
    return this.millis - this.epochDay() * MILLIS_PER_DAY;
  }

  /** Nanoseconds within the second, 0..999_999_999. */
  nanosOfSecond(): number {
    const msOfSecond = this.millis - floorDiv(this.millis, 1000) * 1000;
    return msOfSecond * 1000000 + this.nanos;
  }

  /**
   * The value truncated (toward the past) to `precision` fractional second digits, as casts to
   * a lower TIMESTAMP precision do.
   */
  truncate(precision: number): Timestamp {
    if (precision >= 9) return this;
    if (precision >= 3) {
      const unit = 10 ** (9 - precision);
      const nanos = this.nanos - (this.nanos % unit);
      return nanos === this.nanos ? this : new Timestamp(this.millis, nanos);
    }
    const unit = 10 ** (3 - precision);
    const millis = floorDiv(this.millis, unit) * unit;
    return millis === this.millis && this.nanos === 0 ? this : new Timestamp(millis, 0);
  }

  /** The same fields shifted by `deltaMillis` milliseconds. */
  plusMillis(deltaMillis: number): Timestamp {
    return deltaMillis === 0 ? this : new Timestamp(this.millis + deltaMillis, this.nanos);
  }

  /** Compares: negative, zero or positive. */
  compareTo(other: Timestamp): number {
    if (this.millis !== other.millis) return this.millis < other.millis ? -1 : 1;
    return this.nanos === other.nanos ? 0 : this.nanos < other.nanos ? -1 : 1;
  }

  /** Whether both denote the same point. */
  equals(other: unknown): boolean {
    return other instanceof Timestamp && other.millis === this.millis && other.nanos === this.nanos;
  }

  /**
   * A canonical Map key: the millis (a number) when there are no sub-millisecond nanos, else
   * `"<millis>:<nanos>"`. Equal timestamps share a key, different ones never do.
   */
  key(): number | string {
    return this.nanos === 0 ? this.millis : `${this.millis}:${this.nanos}`;
  }

  /** ISO-like debug text in UTC with nanoseconds, e.g. `2020-01-01T10:00:00.123456789Z`. */
  toString(): string {
    const base = new Date(this.millis - (((this.millis % 1000) + 1000) % 1000))
      .toISOString()
      .slice(0, 19);
    const frac = String(this.nanosOfSecond()).padStart(9, "0");
    return `${base}.${frac}Z`;
  }
}
