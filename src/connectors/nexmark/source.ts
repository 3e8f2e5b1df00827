/**
 * The Nexmark source of the DataStream API: the events of a {@link NexmarkGenerator} with their
 * event times as timestamps. Split `i` of `p` makes the events `i, i + p, i + 2p, ...`, so every
 * split's events ascend in event time and the splits interleave (a watermark of `dateTime` minus
 * a few seconds holds for each of them), and the whole stream is the same at any parallelism.
 * With `maxEmitSpeed: false` a reader emits event `n` no earlier than `n / firstEventRate`
 * seconds of wall time after it started (the injected clock).
 */
import type { Cancellable, TimerScheduler } from "../../core/time.ts";
import {
  Boundedness,
  InputStatus,
  type ReaderOutput,
  type Source,
  type SourceReader,
  type SourceReaderContext,
} from "../../api/source.ts";
import { SplitQueueReader } from "../../api/sources/split-reader.ts";
import { WatermarkStrategy } from "../../api/watermarks.ts";
import { NexmarkGenerator } from "./generator.ts";
import type { NexmarkConfig, NexmarkEvent } from "./model.ts";

/** The events `next, next + stride, ...` below the source's event count. */
export interface NexmarkSplit {
  /** The split's number (its first event). */
  index: number;
  /** The number of splits. */
  stride: number;
  /** The next event number to make. */
  next: number;
}

/** The event numbers of an unbounded source. */
const UNBOUNDED = Number.MAX_SAFE_INTEGER;
/** Events one poll emits at most. */
const BATCH = 512;

/** The Nexmark event stream as a source (see the module comment). */
export class NexmarkSource implements Source<NexmarkEvent, NexmarkSplit> {
  /** The generator's settings (defaults filled in). */
  readonly config: NexmarkConfig;

  /** A source of the events `config` describes (unset fields: the benchmark's defaults). */
  constructor(config: Partial<NexmarkConfig> = {}) {
    this.config = new NexmarkGenerator(config).config;
  }

  /** Bounded unless `events` is `Infinity`. */
  getBoundedness(): Boundedness {
    return this.config.events === Infinity ? Boundedness.CONTINUOUS_UNBOUNDED : Boundedness.BOUNDED;
  }

  /** `parallelism` interleaved splits. */
  createSplits(parallelism: number): NexmarkSplit[] {
    return Array.from({ length: parallelism }, (_, i) => ({
      index: i,
      stride: parallelism,
      next: i,
    }));
  }

  /** A reader making the events of its splits. */
  createReader(context: SourceReaderContext): SourceReader<NexmarkEvent, NexmarkSplit> {
    return new NexmarkReader(this.config, context.timers);
  }

  /**
   * Timestamps from `dateTime` and watermarks `maxOutOfOrdernessMs` behind the newest event
   * time seen (the benchmark's SQL uses `dateTime - INTERVAL '4' SECOND`).
   */
  static watermarks(maxOutOfOrdernessMs = 4000): WatermarkStrategy<NexmarkEvent> {
    return WatermarkStrategy.forBoundedOutOfOrderness<NexmarkEvent>(
      maxOutOfOrdernessMs,
    ).withTimestampAssigner((e) => e.dateTime);
  }
}

/** Makes the events of its splits, with their event times as timestamps. */
class NexmarkReader extends SplitQueueReader<NexmarkEvent, NexmarkSplit> {
  private readonly generator: NexmarkGenerator;
  private readonly total: number;
  private readonly timers: TimerScheduler;
  /** Wall-time pacing (`maxEmitSpeed: false`): when this reader started, or -1. */
  private started = -1;
  private waiting: { promise: Promise<void>; timer: Cancellable } | null = null;

  constructor(config: NexmarkConfig, timers: TimerScheduler) {
    super();
    this.generator = new NexmarkGenerator(config);
    this.total = config.events === Infinity ? UNBOUNDED : config.events;
    this.timers = timers;
  }

  protected copySplit(s: NexmarkSplit): NexmarkSplit {
    const ok =
      Number.isSafeInteger(s.index) &&
      Number.isSafeInteger(s.stride) &&
      Number.isSafeInteger(s.next) &&
      s.stride > 0 &&
      s.index >= 0 &&
      s.index < s.stride &&
      s.next >= s.index &&
      (s.next - s.index) % s.stride === 0;
    if (!ok) throw new RangeError(`nexmark: not a split of this source: ${JSON.stringify(s)}`);
    return { index: s.index, stride: s.stride, next: s.next };
  }

  protected isFinished(split: NexmarkSplit): boolean {
    return split.next >= this.total;
  }

  protected emitFrom(
    split: NexmarkSplit,
    output: ReaderOutput<NexmarkEvent>,
    budget: number,
  ): number {
    const g = this.generator;
    const total = this.total;
    const stride = split.stride;
    let n = split.next;
    let emitted = 0;
    const limit = this.generator.config.maxEmitSpeed ? Infinity : this.allowedUpTo();
    while (emitted < budget && n < total && n < limit) {
      const e = g.event(n);
      output.collect(e, e.dateTime);
      n += stride;
      emitted++;
    }
    split.next = n;
    return emitted;
  }

  /** Pacing: the event numbers below this may go out now. */
  private allowedUpTo(): number {
    const now = this.timers.now();
    if (this.started < 0) this.started = now;
    return Math.floor(((now - this.started) * this.generator.config.firstEventRate) / 1000) + 1;
  }

  override pollNext(output: ReaderOutput<NexmarkEvent>): InputStatus {
    this.emitBatch(output, BATCH);
    const status = this.queueStatus();
    if (status !== InputStatus.MORE_AVAILABLE || this.generator.config.maxEmitSpeed) return status;
    const head = this.splits[0]!;
    return head.next < this.allowedUpTo() ? status : InputStatus.NOTHING_AVAILABLE;
  }

  override isAvailable(): Promise<void> {
    if (this.generator.config.maxEmitSpeed || this.splits.length === 0) return super.isAvailable();
    const head = this.splits[0]!;
    if (head.next < this.allowedUpTo()) return Promise.resolve();
    if (this.waiting === null) {
      const at = this.started + (head.next * 1000) / this.generator.config.firstEventRate;
      const w = Promise.withResolvers<void>();
      const timer = this.timers.scheduleAt(Math.ceil(at), () => {
        this.waiting = null;
        w.resolve();
      });
      this.waiting = { promise: w.promise, timer };
    }
    return this.waiting.promise;
  }

  override close(): void {
    this.waiting?.timer.cancel();
    this.waiting = null;
    super.close();
  }
}
