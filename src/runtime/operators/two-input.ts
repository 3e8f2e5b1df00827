/** Operators over connected streams: co-map, co-flat-map and co-process. */
import type {
  CoFlatMapFunction,
  CoMapFunction,
  CoProcessFunction,
  RichFunction,
} from "../../api/functions.ts";
import {
  closeRich,
  NonKeyedTimerService,
  openRich,
  ProcessContextImpl,
  TimestampedCollector,
} from "./functions-support.ts";
import { TwoInputOperator } from "./operator.ts";

/** Applies a CoMapFunction. */
export class CoMapOperator extends TwoInputOperator<unknown, unknown> {
  private readonly fn: CoMapFunction<unknown, unknown, unknown>;
  /** Creates the operator. */
  constructor(fn: CoMapFunction<unknown, unknown, unknown>) {
    super();
    this.fn = fn;
  }
  /** Opens the rich function. */
  override open(): Promise<void> {
    return openRich(this.fn as RichFunction, this.ctx);
  }
  /** Maps a record of input 1. */
  processElement1(value: unknown, timestamp: number): void {
    let r: unknown;
    try {
      r = this.fn.map1(value);
    } catch (e) {
      throw this.userError(e);
    }
    this.output.collect(r, timestamp);
  }
  /** Maps a record of input 2. */
  processElement2(value: unknown, timestamp: number): void {
    let r: unknown;
    try {
      r = this.fn.map2(value);
    } catch (e) {
      throw this.userError(e);
    }
    this.output.collect(r, timestamp);
  }
  /** Closes the rich function. */
  override close(): Promise<void> {
    return closeRich(this.fn as RichFunction);
  }
}

/** Applies a CoFlatMapFunction. */
export class CoFlatMapOperator extends TwoInputOperator<unknown, unknown> {
  private readonly fn: CoFlatMapFunction<unknown, unknown, unknown>;
  private collector!: TimestampedCollector<unknown>;
  /** Creates the operator. */
  constructor(fn: CoFlatMapFunction<unknown, unknown, unknown>) {
    super();
    this.fn = fn;
  }
  /** Opens the rich function. */
  override open(): Promise<void> {
    this.collector = new TimestampedCollector(this.output);
    return openRich(this.fn as RichFunction, this.ctx);
  }
  /** Flat-maps a record of input 1. */
  processElement1(value: unknown, timestamp: number): void {
    this.collector.timestamp = timestamp;
    try {
      this.fn.flatMap1(value, this.collector);
    } catch (e) {
      throw this.userError(e);
    }
  }
  /** Flat-maps a record of input 2. */
  processElement2(value: unknown, timestamp: number): void {
    this.collector.timestamp = timestamp;
    try {
      this.fn.flatMap2(value, this.collector);
    } catch (e) {
      throw this.userError(e);
    }
  }
  /** Closes the rich function. */
  override close(): Promise<void> {
    return closeRich(this.fn as RichFunction);
  }
}

/** Applies a (non-keyed) CoProcessFunction. */
export class CoProcessOperator extends TwoInputOperator<unknown, unknown> {
  private readonly fn: CoProcessFunction<unknown, unknown, unknown>;
  private collector!: TimestampedCollector<unknown>;
  private context!: ProcessContextImpl;
  /** Creates the operator. */
  constructor(fn: CoProcessFunction<unknown, unknown, unknown>) {
    super();
    this.fn = fn;
  }
  /** Opens the function. */
  override open(): Promise<void> {
    this.collector = new TimestampedCollector(this.output);
    this.context = new ProcessContextImpl(
      this.output,
      new NonKeyedTimerService(this.ctx, () => this.currentWatermark),
    );
    return openRich(this.fn, this.ctx);
  }
  /** Processes a record of input 1. */
  processElement1(value: unknown, timestamp: number): void {
    this.collector.timestamp = timestamp;
    this.context.ts = timestamp;
    try {
      this.fn.processElement1(value, this.context, this.collector);
    } catch (e) {
      throw this.userError(e);
    }
  }
  /** Processes a record of input 2. */
  processElement2(value: unknown, timestamp: number): void {
    this.collector.timestamp = timestamp;
    this.context.ts = timestamp;
    try {
      this.fn.processElement2(value, this.context, this.collector);
    } catch (e) {
      throw this.userError(e);
    }
  }
  /** Closes the function. */
  override close(): Promise<void> {
    return closeRich(this.fn);
  }
}
