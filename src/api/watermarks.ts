/**
 * Event time: timestamp assigners and watermark generators, bundled as a {@link WatermarkStrategy}
 * given to `fromSource` or `assignTimestampsAndWatermarks`.
 */

/** Extracts the event timestamp (ms) of a record. */
export type TimestampAssigner<T> = (element: T, recordTimestamp: number | null) => number;

/** Where a generator emits watermarks. */
export interface WatermarkOutput {
  /** Emits a watermark: no records with a timestamp at or below it are expected any more. */
  emitWatermark(timestamp: number): void;
  /** Marks this output idle (it is excluded from the minimum downstream). */
  markIdle(): void;
  /** Marks this output active again. */
  markActive(): void;
}

/** Generates watermarks from events (punctuated) and/or periodically. */
export interface WatermarkGenerator<T> {
  /** Called for every event with its timestamp. */
  onEvent(event: T, timestamp: number, output: WatermarkOutput): void;
  /** Called every `pipeline.auto-watermark-interval` ms of processing time. */
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
   * Records may arrive up to `maxOutOfOrderness` ms late: the watermark is the largest timestamp
   * seen minus that bound minus 1. Accepts milliseconds or a `{ toMillis() }` duration.
   */
  static forBoundedOutOfOrderness<T>(
    maxOutOfOrderness: number | { toMillis(): number },
  ): WatermarkStrategy<T> {
    const bound =
      typeof maxOutOfOrderness === "number" ? maxOutOfOrderness : maxOutOfOrderness.toMillis();
    if (!(bound >= 0)) throw new RangeError(`maxOutOfOrderness must be >= 0, got ${bound}`);
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessGenerator<T>(bound), null, null);
  }

  /** A strategy with a custom generator. */
  static forGenerator<T>(create: () => WatermarkGenerator<T>): WatermarkStrategy<T> {
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
