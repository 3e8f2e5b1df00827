/**
 * `AllWindowedStream`: a non-keyed stream cut into windows (`dataStream.windowAll(assigner)`).
 * As in Flink, it runs with parallelism 1: the stream is keyed by a constant internally, so every
 * window of the whole stream is evaluated in one place.
 */
import type { DataStream, KeyedStream, SingleOutputStreamOperator } from "../datastream.ts";
import { requireMethod, type AggregateFunction, type ReduceFunction } from "../functions.ts";
import { GlobalWindows, type WindowAssigner } from "./assigners.ts";
import { CountEvictor } from "./evictors.ts";
import type { WindowContentsSpec } from "./spec.ts";
import { CountTrigger, PurgingTrigger } from "./triggers.ts";
import { functionName } from "./window-configuration.ts";
import {
  ProcessAllWindowFunction,
  type AllWindowFunction,
  type AllWindowFunctionLambda,
} from "./window-functions.ts";
import { WindowedStreamBase, type WindowedStreamKinds } from "./windowed-stream-base.ts";
import type { GlobalWindow, Window } from "./windows.ts";

/** A window function of a non-keyed stream: an AllWindowFunction (object or lambda) or a ProcessAllWindowFunction. */
export type AllWindowFunctionLike<IN, OUT, W extends Window> =
  | AllWindowFunction<IN, OUT, W>
  | AllWindowFunctionLambda<IN, OUT, W>
  | ProcessAllWindowFunction<IN, OUT, W>;

/** The constant key of `windowAll` (Flink's NullByteKeySelector). */
function nullKey(): number {
  return 0;
}

/** How a non-keyed windowed stream names itself and tells its window functions apart. */
const KINDS: WindowedStreamKinds = {
  stream: "AllWindowedStream",
  prefix: "AllWindow",
  processClass: ProcessAllWindowFunction,
  process: "processAll",
  apply: "allWindow",
  expected: "AllWindowFunction (or ProcessAllWindowFunction)",
};

/** A non-keyed stream cut into windows; a window operation ends it. */
export class AllWindowedStream<T, W extends Window> extends WindowedStreamBase<T, W> {
  private readonly input: KeyedStream<T, number>;

  /** Created by `DataStream.windowAll`. */
  constructor(input: DataStream<T>, assigner: WindowAssigner<T, W>) {
    super(assigner, KINDS);
    this.input = input.keyBy(nullKey);
  }

  /** Count windows of a whole stream (`DataStream.countWindowAll`): tumbling, or sliding by `slide`. */
  static countWindowAll<T>(
    input: DataStream<T>,
    size: number,
    slide?: number,
  ): AllWindowedStream<T, GlobalWindow> {
    const w = new AllWindowedStream<T, GlobalWindow>(input, GlobalWindows.create());
    if (slide === undefined) return w.trigger(PurgingTrigger.of(CountTrigger.of(size)));
    return w.evictor(CountEvictor.of(size)).trigger(CountTrigger.of(slide));
  }

  /** Reduces the elements of each window to one value, incrementally. */
  reduce(fn: ReduceFunction<T> | ((a: T, b: T) => T)): SingleOutputStreamOperator<T>;
  /** Reduces incrementally; the window function gets the one reduced value with the window. */
  reduce<R>(
    fn: ReduceFunction<T> | ((a: T, b: T) => T),
    windowFunction: AllWindowFunctionLike<T, R, W>,
  ): SingleOutputStreamOperator<R>;
  reduce(
    fn: ReduceFunction<T> | ((a: T, b: T) => T),
    windowFunction?: AllWindowFunctionLike<T, any, W>,
  ): SingleOutputStreamOperator<any> {
    const contents = this.config.reduceContents(fn);
    return this.build(contents, windowFunction, functionName(fn, "reduce"));
  }

  /** Aggregates the elements of each window incrementally with an {@link AggregateFunction}. */
  aggregate<ACC, V>(fn: AggregateFunction<T, ACC, V>): SingleOutputStreamOperator<V>;
  /** Aggregates incrementally; the window function gets the one result with the window. */
  aggregate<ACC, V, R>(
    fn: AggregateFunction<T, ACC, V>,
    windowFunction: AllWindowFunctionLike<V, R, W>,
  ): SingleOutputStreamOperator<R>;
  aggregate(
    fn: AggregateFunction<T, any, any>,
    windowFunction?: AllWindowFunctionLike<any, any, W>,
  ): SingleOutputStreamOperator<any> {
    const contents = this.config.aggregateContents(fn);
    return this.build(contents, windowFunction, functionName(fn, "aggregate"));
  }

  /** Evaluates each window with an {@link AllWindowFunction} over all its elements. */
  apply<R>(
    fn: AllWindowFunction<T, R, W> | AllWindowFunctionLambda<T, R, W>,
  ): SingleOutputStreamOperator<R> {
    return this.build({ kind: "list" }, fn, null);
  }

  /** Evaluates each window with a {@link ProcessAllWindowFunction} over all its elements. */
  process<R>(fn: ProcessAllWindowFunction<T, R, W>): SingleOutputStreamOperator<R> {
    requireMethod(fn, "process", "ProcessAllWindowFunction");
    return this.build({ kind: "list" }, fn, null);
  }

  private build<R>(
    contents: WindowContentsSpec,
    windowFunction: unknown,
    contentsName: string | null,
  ): SingleOutputStreamOperator<R> {
    const { name, spec } = this.operator(contents, windowFunction, contentsName);
    return this.input.transform<R>(name, spec).setParallelism(1);
  }
}
