/**
 * Event time: timestamp assigners and watermark generators, bundled as a {@link WatermarkStrategy}
 * given to `fromSource` or `assignTimestampsAndWatermarks`.
 */
import { toMillis, type DurationLike } from "../core/duration.ts";

/**
 * A watermark: event time has reached `timestamp` (ms), so no more records with a timestamp at or
 * below it are expected. As in Flink, generators emit them through a {@link WatermarkOutput}.
 */
export class Watermark {
  /** The watermark that ends event time (sent at the end of bounded input): `+Infinity`. */
  static readonly MAX_WATERMARK = new Watermark(Infinity);
  private readonly timestamp: number;

  /** A watermark at `timestamp` ms (any number but NaN; `±Infinity` are the ends of time). */
  constructor(timestamp: number) {
    if (typeof timestamp !== "number" || Number.isNaN(timestamp)) {
      throw new TypeError(
        `a Watermark needs a timestamp in milliseconds, got ${describeTimestamp(timestamp)}`,
      );
    }
    this.timestamp = timestamp;
  }

  /** The watermark's time, ms. */
  getTimestamp(): number {
    return this.timestamp;
  }

  /** The time as an ISO-8601 UTC string (or `Infinity` / `-Infinity`). */
  getFormattedTimestamp(): string {
    return Number.isFinite(this.timestamp)
      ? new Date(this.timestamp).toISOString()
      : String(this.timestamp);
  }

  /** Whether `other` is a watermark at the same time. */
  equals(other: unknown): boolean {
    return other instanceof Watermark && other.timestamp === this.timestamp;
  }

  /** `Watermark @ <ms> (<formatted>)`, as Flink prints it. */
  toString(): string {
    return `Watermark @ ${this.timestamp} (${this.getFormattedTimestamp()})`;
  }
}

/** Extracts the event timestamp (ms) of a record. */
export type TimestampAssigner<T> = (element: T, recordTimestamp: number | null) => number;

/** Where a generator emits watermarks and tells whether its input is idle. */
export interface WatermarkOutput {
  /**
   * Emits a watermark (a {@link Watermark} or a time in ms): no records with a timestamp at or below
   * it are expected any more. Watermarks that do not advance are ignored; an idle output becomes
   * active again.
   */
  emitWatermark(watermark: Watermark | number): void;
  /**
   * Marks this output idle: downstream operators leave it out of their minimum watermark until it
   * emits a record or a watermark again (or calls {@link markActive}).
   */
  markIdle(): void;
  /** Marks this output active again. */
  markActive(): void;
}

/** Generates watermarks from events (punctuated) and/or periodically. */
export interface WatermarkGenerator<T> {
  /**
   * Called for every event with its timestamp, after the event was emitted (so a watermark emitted
   * here never makes this event late).
   */
  onEvent(event: T, timestamp: number, output: WatermarkOutput): void;
  /**
   * Called every `autoWatermarkInterval` ms of processing time (`env.setAutoWatermarkInterval`;
   * never when it is 0).
   */
  onPeriodicEmit(output: WatermarkOutput): void;
}

/** Combines a timestamp assigner, a watermark generator factory and idleness. */
export class WatermarkStrategy<T> {
  /** Creates the generator (one per parallel instance). */
  readonly createWatermarkGenerator: () => WatermarkGenerator<T>;
  /** The timestamp assigner, or null to keep the source's timestamps. */
  readonly timestampAssigner: TimestampAssigner<T> | null;
  /** Idle timeout in ms, or null for none. */
  readonly idleTimeout: number | null;

  private constructor(
    createGenerator: () => WatermarkGenerator<T>,
    assigner: TimestampAssigner<T> | null,
    idleTimeout: number | null,
  ) {
    this.createWatermarkGenerator = createGenerator;
    this.timestampAssigner = assigner;
    this.idleTimeout = idleTimeout;
  }

  /** No watermarks at all (processing-time jobs). */
  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => ({ onEvent() {}, onPeriodicEmit() {} }), null, null);
  }

  /** Timestamps only increase: the watermark is the largest timestamp seen minus 1. */
  static forMonotonousTimestamps<T>(): WatermarkStrategy<T> {
    return WatermarkStrategy.forBoundedOutOfOrderness<T>(0);
  }

  /**
   * Records may arrive up to `maxOutOfOrderness` late: the watermark is the largest timestamp seen
   * minus that bound minus 1 ms. Takes a `Duration` (or milliseconds).
   */
  static forBoundedOutOfOrderness<T>(maxOutOfOrderness: DurationLike): WatermarkStrategy<T> {
    const bound = toMillis(maxOutOfOrderness, "forBoundedOutOfOrderness: maxOutOfOrderness");
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessGenerator<T>(bound), null, null);
  }

  /** A strategy with a custom generator (periodic, punctuated, or both). */
  static forGenerator<T>(create: () => WatermarkGenerator<T>): WatermarkStrategy<T> {
    if (typeof create !== "function") {
      throw new TypeError("forGenerator: expected a function that creates a WatermarkGenerator");
    }
    return new WatermarkStrategy<T>(create, null, null);
  }

  /** Uses `assigner` to take each record's event timestamp. */
  withTimestampAssigner(
    assigner: TimestampAssigner<T> | { extractTimestamp: TimestampAssigner<T> },
  ): WatermarkStrategy<T> {
    const fn =
      typeof assigner === "function"
        ? assigner
        : (e: T, t: number | null) => assigner.extractTimestamp(e, t);
    return new WatermarkStrategy<T>(this.createWatermarkGenerator, fn, this.idleTimeout);
  }

  /**
   * Marks a source subtask (or an `assignTimestampsAndWatermarks` instance) idle when it has seen
   * no record for `idleTimeout` of processing time, so it no longer holds back the watermark of the
   * operators downstream; its next record makes it active again. While idle, the generator's
   * `onPeriodicEmit` is not called. Idleness is detected within one watermark interval (one more
   * timeout when periodic emission is off) after the timeout has passed.
   */
  withIdleness(idleTimeout: DurationLike): WatermarkStrategy<T> {
    const ms = toMillis(idleTimeout, "withIdleness: idleTimeout");
    if (ms <= 0) throw new RangeError(`withIdleness: idleTimeout must be > 0, got ${ms} ms`);
    return new WatermarkStrategy<T>(this.createWatermarkGenerator, this.timestampAssigner, ms);
  }
}

/** The generator behind `forBoundedOutOfOrderness`. */
export class BoundedOutOfOrdernessGenerator<T> implements WatermarkGenerator<T> {
  private maxTimestamp: number;
  private readonly bound: number;

  /** Creates a generator allowing `bound` ms of disorder. */
  constructor(bound: number) {
    this.bound = bound;
    this.maxTimestamp = -Infinity;
  }

  /** Tracks the largest timestamp. */
  onEvent(_event: T, timestamp: number): void {
    if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
  }

  /** Emits max timestamp - bound - 1. */
  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.maxTimestamp !== -Infinity) output.emitWatermark(this.maxTimestamp - this.bound - 1);
  }
}

/** Describes a value given where a timestamp was expected, for error messages. */
export function describeTimestamp(value: unknown): string {
  if (value instanceof Date) return `a Date (${String(value)}; use date.getTime())`;
  if (typeof value === "bigint") return `the bigint ${value}n (use Number(...))`;
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === "object" && value !== null)
    return `an object of class ${(value as object).constructor?.name ?? "Object"}`;
  return String(value);
}
