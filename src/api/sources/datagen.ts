/**
 * Flink's DataGeneratorSource: records made by a generator function from the indices
 * `0..count-1`, optionally rate limited. `count = Infinity` makes an unbounded source.
 *
 * Rate limiting takes time from the reader context's injected TimerScheduler: a reader that is
 * ahead of its allowed count returns NOTHING_AVAILABLE and its `isAvailable()` resolves through
 * `timers.scheduleAt(...)` once the next burst is allowed.
 */
import type { Cancellable, TimerScheduler } from "../../core/time.ts";
import {
  Boundedness,
  InputStatus,
  type ReaderOutput,
  type Source,
  type SourceReader,
  type SourceReaderContext,
} from "../source.ts";
import { READER_BATCH_SIZE, SplitQueueReader, evenRanges, isIndexRange } from "./split-reader.ts";

/** The index space of an unbounded generator (practically endless). */
const UNBOUNDED_COUNT = Number.MAX_SAFE_INTEGER;
/** Tolerance for floating-point token arithmetic. */
const EPSILON = 1e-9;

/** A generator as an object (like Flink's GeneratorFunction), with optional lifecycle hooks. */
export interface GeneratorFunctionObject<T> {
  /** Called once per reader before the first record. */
  open?(context: SourceReaderContext): void;
  /** Makes the record of `index`. */
  map(index: number): T;
  /** Called when the reader closes. */
  close?(): void;
}

/** Makes the record of an index: a function or an object with `map(index)`. */
export type GeneratorFunction<T> = ((index: number) => T) | GeneratorFunctionObject<T>;

/** The indices `start..end-1` of a generator; `next` is the next index to generate. */
export interface DataGeneratorSplit {
  /** First index (inclusive). */
  start: number;
  /** End index (exclusive). */
  end: number;
  /** Next index to generate (`next >= end`: done). */
  next: number;
}

/** Which kind of limit a {@link RateLimiterStrategy} applies. */
export type RateLimiterKind = "noOp" | "perSecond" | "perCheckpoint";

/** How fast a {@link DataGeneratorSource} may emit. Create with the static factories. */
export class RateLimiterStrategy {
  /** The kind of limit. */
  readonly kind: RateLimiterKind;
  /** For `perSecond`: the total records per second across all parallel readers. */
  readonly recordsPerSecond: number;
  /** For `perCheckpoint`: the total records per checkpoint across all parallel readers. */
  readonly recordsPerCheckpoint: number;

  private constructor(
    kind: RateLimiterKind,
    recordsPerSecond: number,
    recordsPerCheckpoint: number,
  ) {
    this.kind = kind;
    this.recordsPerSecond = recordsPerSecond;
    this.recordsPerCheckpoint = recordsPerCheckpoint;
  }

  /**
   * At most `recordsPerSecond` records per second in TOTAL: each of the `p` parallel readers gets
   * `recordsPerSecond / p` (like Flink). Readers emit in bursts of up to
   * `min(perReaderRate / 10, 256)` records (at least one); a reader that could not emit (e.g.
   * under backpressure) saves up at most one burst, it does not catch up on lost time.
   */
  static perSecond(recordsPerSecond: number): RateLimiterStrategy {
    if (
      typeof recordsPerSecond !== "number" ||
      !(recordsPerSecond > 0) ||
      !Number.isFinite(recordsPerSecond)
    ) {
      throw new RangeError(
        `RateLimiterStrategy.perSecond: expected a finite rate > 0, got ${String(recordsPerSecond)}`,
      );
    }
    return new RateLimiterStrategy("perSecond", recordsPerSecond, Infinity);
  }

  /**
   * At most `recordsPerCheckpoint` records per checkpoint (in total). The number is stored, but
   * readers are not yet told when checkpoints complete, so for now this limiter does not throttle:
   * it acts as unlimited (as it does in any job without checkpoints).
   */
  static perCheckpoint(recordsPerCheckpoint: number): RateLimiterStrategy {
    if (!Number.isSafeInteger(recordsPerCheckpoint) || recordsPerCheckpoint < 1) {
      throw new RangeError(
        `RateLimiterStrategy.perCheckpoint: expected a positive integer, got ${String(recordsPerCheckpoint)}`,
      );
    }
    return new RateLimiterStrategy("perCheckpoint", Infinity, recordsPerCheckpoint);
  }

  /** No limit: readers emit as fast as they are polled. */
  static noOp(): RateLimiterStrategy {
    return new RateLimiterStrategy("noOp", Infinity, Infinity);
  }
}

/**
 * Generates `generatorFunction(index)` for the indices `0..count-1`, split into contiguous ranges
 * over the parallel readers. `count = Infinity` gives an unbounded source (CONTINUOUS_UNBOUNDED).
 */
export class DataGeneratorSource<T> implements Source<T, DataGeneratorSplit> {
  /** Makes the records. */
  readonly generatorFunction: GeneratorFunction<T>;
  /** Number of records (`Infinity`: unbounded). */
  readonly count: number;
  /** The rate limit. */
  readonly rateLimiterStrategy: RateLimiterStrategy;

  /**
   * A generator source of `count` records (a non-negative safe integer, or `Infinity`), by default
   * without a rate limit.
   */
  constructor(
    generatorFunction: GeneratorFunction<T>,
    count: number,
    rateLimiterStrategy: RateLimiterStrategy = RateLimiterStrategy.noOp(),
  ) {
    const ok =
      typeof generatorFunction === "function" ||
      (typeof generatorFunction === "object" &&
        generatorFunction !== null &&
        typeof generatorFunction.map === "function");
    if (!ok) {
      throw new TypeError(
        "DataGeneratorSource: the generator must be a function (index) => record or an object with map(index)",
      );
    }
    if (count !== Infinity && (!Number.isSafeInteger(count) || count < 0)) {
      throw new RangeError(
        `DataGeneratorSource: count must be a non-negative safe integer or Infinity, got ${String(count)}`,
      );
    }
    if (!(rateLimiterStrategy instanceof RateLimiterStrategy)) {
      throw new TypeError("DataGeneratorSource: expected a RateLimiterStrategy");
    }
    this.generatorFunction = generatorFunction;
    this.count = count;
    this.rateLimiterStrategy = rateLimiterStrategy;
  }

  /** Bounded for a finite count, CONTINUOUS_UNBOUNDED for `Infinity`. */
  getBoundedness(): Boundedness {
    return this.count === Infinity ? Boundedness.CONTINUOUS_UNBOUNDED : Boundedness.BOUNDED;
  }

  /**
   * `parallelism` contiguous index ranges whose sizes differ by at most one (some may be empty).
   * An unbounded source splits the indices `0..2^53-2`, which never run out in practice.
   */
  createSplits(parallelism: number): DataGeneratorSplit[] {
    const n = this.count === Infinity ? UNBOUNDED_COUNT : this.count;
    return evenRanges(n, parallelism).map(([start, end]) => ({ start, end, next: start }));
  }

  /** A reader generating the records of its assigned ranges, rate limited per the strategy. */
  createReader(context: SourceReaderContext): SourceReader<T, DataGeneratorSplit> {
    return new DataGeneratorReader<T>(this.generatorFunction, this.rateLimiterStrategy, context);
  }
}

/** Generates the records of index ranges. */
class DataGeneratorReader<T> extends SplitQueueReader<T, DataGeneratorSplit> {
  private readonly generator: GeneratorFunction<T>;
  private readonly map: (index: number) => T;
  private readonly context: SourceReaderContext;
  private readonly timers: TimerScheduler;
  private opened = false;

  // Rate limiting (a token bucket): `ratePerMs <= 0` means unlimited.
  private readonly ratePerMs: number;
  private readonly burst: number;
  private tokens = 1;
  private lastRefill = NaN;
  private rateWaiter: { promise: Promise<void>; timer: Cancellable } | null = null;

  constructor(
    generator: GeneratorFunction<T>,
    strategy: RateLimiterStrategy,
    context: SourceReaderContext,
  ) {
    super();
    this.generator = generator;
    this.map =
      typeof generator === "function"
        ? generator
        : (index: number) => (generator as GeneratorFunctionObject<T>).map(index);
    this.context = context;
    this.timers = context.timers;
    if (strategy.kind === "perSecond") {
      const perReader = strategy.recordsPerSecond / Math.max(1, context.parallelism);
      this.ratePerMs = perReader / 1000;
      this.burst = Math.max(1, Math.min(READER_BATCH_SIZE, Math.floor(perReader / 10)));
    } else {
      this.ratePerMs = 0;
      this.burst = READER_BATCH_SIZE;
    }
  }

  start(): void {
    this.open();
  }

  protected copySplit(s: DataGeneratorSplit): DataGeneratorSplit {
    if (!isIndexRange(s.start, s.next, s.end))
      throw new RangeError(`DataGeneratorSource: invalid split ${JSON.stringify(s)}`);
    return { start: s.start, end: s.end, next: s.next };
  }

  protected isFinished(split: DataGeneratorSplit): boolean {
    return split.next >= split.end;
  }

  protected emitFrom(split: DataGeneratorSplit, output: ReaderOutput<T>, budget: number): number {
    const count = Math.min(budget, split.end - split.next);
    for (let k = 0; k < count; k++) {
      const index = split.next++;
      output.collect(this.map(index));
    }
    return count;
  }

  /** Like the base poll, but within the rate limit (and opening the generator first). */
  override pollNext(output: ReaderOutput<T>): InputStatus {
    this.open();
    this.dropFinishedSplits();
    if (this.splits.length === 0) return this.queueStatus();
    let allowed = READER_BATCH_SIZE;
    if (this.ratePerMs > 0) {
      this.refill();
      allowed = Math.min(allowed, Math.floor(this.tokens + EPSILON));
      if (allowed <= 0) return InputStatus.NOTHING_AVAILABLE;
    }
    const emitted = this.emitBatch(output, allowed);
    if (this.ratePerMs > 0) this.tokens = Math.max(0, this.tokens - emitted);
    if (this.splits.length > 0 && this.ratePerMs > 0 && this.tokens + EPSILON < 1) {
      return InputStatus.NOTHING_AVAILABLE;
    }
    return this.queueStatus();
  }

  /** Like the base, but past finished splits, and waiting for the rate limit when ahead of it. */
  override isAvailable(): Promise<void> {
    this.dropFinishedSplits();
    if (this.splits.length === 0) return super.isAvailable();
    if (this.ratePerMs <= 0) return Promise.resolve();
    if (this.rateWaiter) return this.rateWaiter.promise;
    this.refill();
    if (this.tokens + EPSILON >= 1) return Promise.resolve();
    // Sleep until a whole burst (or the rest of the splits, if smaller) is allowed.
    let remaining = 0;
    for (const s of this.splits) {
      remaining += s.end - s.next;
      if (remaining >= this.burst) break;
    }
    const target = Math.max(1, Math.min(this.burst, remaining));
    const at = this.lastRefill + (target - this.tokens) / this.ratePerMs;
    const { promise, resolve } = Promise.withResolvers<void>();
    const timer = this.timers.scheduleAt(at, () => {
      this.rateWaiter = null;
      resolve();
    });
    this.rateWaiter = { promise, timer };
    return promise;
  }

  /** Cancels the rate timer, drops the splits and closes the generator object. */
  override close(): void {
    this.rateWaiter?.timer.cancel();
    this.rateWaiter = null;
    super.close();
    if (this.opened && typeof this.generator === "object") this.generator.close?.();
    this.opened = false;
  }

  /** Calls the generator object's `open` hook once. */
  private open(): void {
    if (this.opened) return;
    this.opened = true;
    if (typeof this.generator === "object") this.generator.open?.(this.context);
  }

  /** Adds the tokens earned since the last refill, up to one burst. */
  private refill(): void {
    const now = this.timers.now();
    if (Number.isNaN(this.lastRefill)) {
      // The clock starts at the first poll, with one record allowed at once.
      this.lastRefill = now;
      return;
    }
    if (now > this.lastRefill) {
      this.tokens = Math.min(this.burst, this.tokens + (now - this.lastRefill) * this.ratePerMs);
      this.lastRefill = now;
    }
  }
}
