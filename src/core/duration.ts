/**
 * Durations as in Flink 2 (`java.time.Duration`): an immutable length of time with millisecond
 * precision. APIs that take a length of time accept a `Duration` (and, where documented, plain
 * milliseconds).
 */

/** An immutable length of time, in milliseconds. */
export class Duration {
  /** The zero duration. */
  static readonly ZERO = new Duration(0);
  private readonly millis: number;

  private constructor(millis: number) {
    if (!Number.isFinite(millis)) throw new RangeError(`a Duration must be finite, got ${millis}`);
    this.millis = millis;
  }

  /** `n` milliseconds. */
  static ofMillis(n: number): Duration {
    return new Duration(n);
  }
  /** `n` seconds. */
  static ofSeconds(n: number): Duration {
    return new Duration(n * 1000);
  }
  /** `n` minutes. */
  static ofMinutes(n: number): Duration {
    return new Duration(n * 60_000);
  }
  /** `n` hours. */
  static ofHours(n: number): Duration {
    return new Duration(n * 3_600_000);
  }
  /** `n` days. */
  static ofDays(n: number): Duration {
    return new Duration(n * 86_400_000);
  }

  /** The length in milliseconds. */
  toMillis(): number {
    return this.millis;
  }
  /** The length in whole seconds (truncated). */
  toSeconds(): number {
    return Math.trunc(this.millis / 1000);
  }
  /** This plus `other`. */
  plus(other: Duration): Duration {
    return new Duration(this.millis + other.millis);
  }
  /** This minus `other`. */
  minus(other: Duration): Duration {
    return new Duration(this.millis - other.millis);
  }
  /** This times `n`. */
  multipliedBy(n: number): Duration {
    return new Duration(this.millis * n);
  }
  /** Whether this is zero. */
  isZero(): boolean {
    return this.millis === 0;
  }
  /** Whether this is negative. */
  isNegative(): boolean {
    return this.millis < 0;
  }
  /** Whether two durations are equally long. */
  equals(other: unknown): boolean {
    return other instanceof Duration && other.millis === this.millis;
  }
  /** ISO-8601 form, e.g. `PT10S`, `PT0.5S`, `PT1M30S`. */
  toString(): string {
    let ms = Math.abs(this.millis);
    const sign = this.millis < 0 ? "-" : "";
    const h = Math.floor(ms / 3_600_000);
    ms -= h * 3_600_000;
    const m = Math.floor(ms / 60_000);
    ms -= m * 60_000;
    const s = ms / 1000;
    let out = "PT";
    if (h) out += `${sign}${h}H`;
    if (m) out += `${sign}${m}M`;
    if (s || (!h && !m)) out += `${sign}${s}S`;
    return out;
  }
}

/** Something that is a length of time: a {@link Duration} or milliseconds. */
export type DurationLike = Duration | number | { toMillis(): number };

/** Milliseconds of `d`, checked to be a finite number >= `min` (naming `what` otherwise). */
export function toMillis(d: DurationLike, what: string, min = 0): number {
  const ms = typeof d === "number" ? d : d && typeof d.toMillis === "function" ? d.toMillis() : NaN;
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < min) {
    throw new RangeError(
      `${what} must be a Duration (or milliseconds) >= ${min}, got ${typeof d === "object" ? String(d) : d}`,
    );
  }
  return ms;
}
