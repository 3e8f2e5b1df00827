/** Operators over connected streams: co-map, co-flat-map and co-process. */
import type {
  CoFlatMapFunction,
  CoMapFunction,
  CoProcessFunction,
  RichFunction,
} from "../../api/functions.ts";
import { processHarness, ProcessContextImpl, TimestampedCollector } from "./functions-support.ts";
import { TwoInputOperator } from "./operator.ts";

/** Applies a CoMapFunction. */
export class CoMapOperator extends TwoInputOperator<unknown, unknown> {
  private readonly fn: CoMapFunction<unknown, unknown, unknown>;
  /** Creates the operator. */
  constructor(fn: CoMapFunction<unknown, unknown, unknown>) {
    super();
    this.fn = fn;
    this.userFunction = fn as RichFunction;
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
}

/** Applies a CoFlatMapFunction. */
export class CoFlatMapOperator extends TwoInputOperator<unknown, unknown> {
  private readonly fn: CoFlatMapFunction<unknown, unknown, unknown>;
  private collector!: TimestampedCollector<unknown>;
  /** Creates the operator. */
  constructor(fn: CoFlatMapFunction<unknown, unknown, unknown>) {
    super();
    this.fn = fn;
    this.userFunction = fn as RichFunction;
  }
  /** Opens the rich function. */
  override open(): void | Promise<void> {
    this.collector = new TimestampedCollector(this.output);
    return super.open();
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
}
