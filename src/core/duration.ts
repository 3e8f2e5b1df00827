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

/** Milliseconds per unit name accepted by {@link parseDuration}. */
const UNIT_MILLIS: Readonly<Record<string, number>> = {
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

/**
 * Parses a length of time written as a number and an optional unit: `500ms`, `1s`, `2min`,
 * `1.5 h`, `3d`. A bare number is milliseconds. Throws a RangeError naming the text otherwise.
 */
export function parseDuration(text: string): Duration {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = m ? m[2]!.toLowerCase() : "";
  const factor = unit === "" ? 1 : UNIT_MILLIS[unit];
  if (!m || factor === undefined) {
    throw new RangeError(
      `cannot parse '${text}' as a duration: use a number and a unit (ms, s, min, h, d), e.g. 500ms, 1s, 2min`,
    );
  }
  return Duration.ofMillis(Math.round(Number(m[1]) * factor));
}
