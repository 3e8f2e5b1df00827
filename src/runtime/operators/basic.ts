/** The stateless one-input operators: map, flatMap, filter, process, and timestamp assignment. */
import type { FlatMapFunction, ProcessFunction, RichFunction } from "../../api/functions.ts";
import type { TimestampAssigner, WatermarkStrategy } from "../../api/watermarks.ts";
import { MAX_WATERMARK, NO_TIMESTAMP } from "../events.ts";
import type { WatermarkEmitter } from "./event-time.ts";
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
 * As in Flink, incoming watermarks are swallowed except the final MAX one, and the upstream
 * watermark status is ignored: this operator's own generator and idleness decide its output's.
 */
export class TimestampsAndWatermarksOperator extends OneInputOperator<unknown> {
  private readonly strategy: WatermarkStrategy<unknown>;
  private readonly assigner: TimestampAssigner<unknown> | null;
  private emitter!: WatermarkEmitter;
  private recordsIn = 0;
  /** Whether the output is idle (a copy of the emitter's state, cheap to test per record). */
  private outputIdle = false;
  /** Creates the operator. */
  constructor(strategy: WatermarkStrategy<unknown>) {
    super();
    this.strategy = strategy;
    this.assigner = strategy.timestampAssigner;
  }
  /** Creates the generator; starts periodic emission and idleness detection. */
  override open(): void {
    this.emitter = this.createWatermarkEmitter(
      this.strategy,
      () => this.recordsIn,
      (idle) => {
        this.outputIdle = idle;
      },
    );
    this.emitter.start();
  }
  /** Assigns the timestamp, emits the record, then lets the generator see it. */
  processElement(value: unknown, timestamp: number): void {
    const assigner = this.assigner;
    const emitter = this.emitter;
    let ts = timestamp;
    if (assigner !== null) {
      try {
        ts = assigner(value, timestamp === NO_TIMESTAMP ? null : timestamp);
      } catch (e) {
        throw this.userError(e);
      }
      if (typeof ts !== "number" || Number.isNaN(ts)) throw emitter.invalidTimestamp(value, ts);
    }
    if (this.outputIdle) this.reactivate();
    this.recordsIn++;
    this.output.collect(value, ts);
    try {
      emitter.generator.onEvent(value, ts, emitter);
    } catch (e) {
      throw this.userError(e);
    }
  }
  /** A record on an idle output: mark it active first. */
  private reactivate(): void {
    this.emitter.markActive();
  }
  /** Only the final watermark passes through. */
  override processWatermark(watermark: number): void {
    if (watermark === MAX_WATERMARK) this.emitter.emitWatermark(MAX_WATERMARK);
  }
  /** The upstream status is ignored (this operator's own idleness decides). */
  override processWatermarkStatus(): void {}
  /** End of input: no more periodic emission. */
  override finish(): void {
    this.emitter.stop();
  }
  /** Stops the timers. */
  override close(): void | Promise<void> {
    this.emitter?.stop();
    return super.close();
  }
}
