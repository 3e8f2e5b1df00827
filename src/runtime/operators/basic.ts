/** The stateless one-input operators: map, flatMap, filter, process, and timestamp assignment. */
import type { FlatMapFunction, ProcessFunction, RichFunction } from "../../api/functions.ts";
import type {
  WatermarkGenerator,
  WatermarkOutput,
  WatermarkStrategy,
} from "../../api/watermarks.ts";
import type { Cancellable } from "../../core/time.ts";
import { MAX_WATERMARK, MIN_WATERMARK } from "../events.ts";
import { processHarness, ProcessContextImpl, TimestampedCollector } from "./functions-support.ts";
import { OneInputOperator, type FusionStep } from "./operator.ts";

/** Applies a map function. */
export class MapOperator extends OneInputOperator<unknown> {
  private readonly fn: (v: unknown) => unknown;
  /** Creates the operator. */
  constructor(fn: (v: unknown) => unknown, rich: RichFunction | null) {
    super();
    this.fn = fn;
    this.userFunction = rich;
  }
  /** Fusable as a map. */
  override fusionStep(): FusionStep {
    return { kind: "map", fn: this.fn };
  }
  /** Maps one record. */
  processElement(value: unknown, timestamp: number): void {
    let r: unknown;
    try {
      r = this.fn(value);
    } catch (e) {
      throw this.userError(e);
    }
    this.output.collect(r, timestamp);
  }
}

/** Applies a filter function. */
export class FilterOperator extends OneInputOperator<unknown> {
  private readonly fn: (v: unknown) => boolean;
  /** Creates the operator. */
  constructor(fn: (v: unknown) => boolean, rich: RichFunction | null) {
    super();
    this.fn = fn;
    this.userFunction = rich;
  }
  /** Fusable as a filter. */
  override fusionStep(): FusionStep {
    return { kind: "filter", fn: this.fn };
  }
  /** Keeps or drops one record. */
  processElement(value: unknown, timestamp: number): void {
    let keep: boolean;
    try {
      keep = this.fn(value);
    } catch (e) {
      throw this.userError(e);
    }
    if (keep) this.output.collect(value, timestamp);
  }
}

/** Applies a flatMap function. */
export class FlatMapOperator extends OneInputOperator<unknown> {
  private readonly fn: FlatMapFunction<unknown, unknown>;
  private collector!: TimestampedCollector<unknown>;
  /** Creates the operator. */
  constructor(fn: FlatMapFunction<unknown, unknown>) {
    super();
    this.fn = fn;
    this.userFunction = fn as RichFunction;
  }
  /** Opens the rich function. */
  override open(): void | Promise<void> {
    this.collector = new TimestampedCollector(this.output);
    return super.open();
  }
  /** Emits the records the function produces for `value`. */
  processElement(value: unknown, timestamp: number): void {
    this.collector.timestamp = timestamp;
    try {
      this.fn.flatMap(value, this.collector);
    } catch (e) {
      throw this.userError(e);
    }
  }
}

/** Applies a (non-keyed) ProcessFunction with side outputs. */
export class ProcessOperator extends OneInputOperator<unknown> {
  private readonly fn: ProcessFunction<unknown, unknown>;
  private collector!: TimestampedCollector<unknown>;
  private context!: ProcessContextImpl;
  /** Creates the operator. */
  constructor(fn: ProcessFunction<unknown, unknown>) {
    super();
    this.fn = fn;
    this.userFunction = fn;
  }
  /** Opens the function. */
  override open(): void | Promise<void> {
    ({ collector: this.collector, context: this.context } = processHarness(
      this.output,
      this.ctx,
      () => this.currentWatermark,
    ));
    return super.open();
  }
  /** Processes one record. */
  processElement(value: unknown, timestamp: number): void {
    this.collector.timestamp = timestamp;
    this.context.ts = timestamp;
    try {
      this.fn.processElement(value, this.context, this.collector);
    } catch (e) {
      throw this.userError(e);
    }
  }
}

/**
 * Assigns timestamps and generates watermarks inside the pipeline (`assignTimestampsAndWatermarks`).
 * Incoming watermarks are swallowed except the final MAX one, as in Flink.
 */
export class TimestampsAndWatermarksOperator
  extends OneInputOperator<unknown>
  implements WatermarkOutput
{
  private readonly strategy: WatermarkStrategy<unknown>;
  private generator!: WatermarkGenerator<unknown>;
  private lastEmitted = MIN_WATERMARK;
  private timer: Cancellable | null = null;
  /** Creates the operator. */
  constructor(strategy: WatermarkStrategy<unknown>) {
    super();
    this.strategy = strategy;
  }
  /** Starts periodic emission. */
  override open(): void {
    this.generator = this.strategy.createWatermarkGenerator();
    this.schedule();
  }
  private schedule(): void {
    const interval = this.ctx.autoWatermarkInterval;
    if (interval <= 0) return;
    this.timer = this.ctx.registerProcessingTimer(this.ctx.timers.now() + interval, () => {
      this.generator.onPeriodicEmit(this);
      this.schedule();
    });
  }
  /** Assigns the timestamp and lets the generator see the event. */
  processElement(value: unknown, timestamp: number): void {
    let ts = timestamp;
    try {
      const assigner = this.strategy.timestampAssigner;
      if (assigner) ts = assigner(value, timestamp === -Infinity ? null : timestamp);
      this.generator.onEvent(value, ts, this);
    } catch (e) {
      throw this.userError(e);
    }
    this.output.collect(value, ts);
  }
  /** Only the final watermark passes through. */
  override processWatermark(watermark: number): void {
    if (watermark === MAX_WATERMARK) this.emitWatermark(MAX_WATERMARK);
  }
  /** Emits a watermark if it advances. */
  emitWatermark(timestamp: number): void {
    if (timestamp > this.lastEmitted) {
      this.lastEmitted = timestamp;
      this.currentWatermark = timestamp;
      this.output.emitWatermark(timestamp);
    }
  }
  /** Idleness is handled at sources. */
  markIdle(): void {}
  /** Idleness is handled at sources. */
  markActive(): void {}
  /** Stops the periodic timer. */
  override close(): void {
    this.timer?.cancel();
  }
}
