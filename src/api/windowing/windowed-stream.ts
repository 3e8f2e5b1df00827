/**
 * `WindowedStream`: a keyed stream cut into windows (`keyedStream.window(assigner)`), with Flink's
 * methods: `trigger`, `evictor`, `allowedLateness`, `sideOutputLateData`, then one of `reduce`,
 * `aggregate`, `apply`, `process` or a field aggregation, which adds the window operator.
 */
import type { KeyedStream, SingleOutputStreamOperator } from "../datastream.ts";
import { requireMethod, type AggregateFunction, type ReduceFunction } from "../functions.ts";
import { GlobalWindows, type WindowAssigner } from "./assigners.ts";
import { CountEvictor } from "./evictors.ts";
import type { WindowContentsSpec } from "./spec.ts";
import { CountTrigger, PurgingTrigger } from "./triggers.ts";
import { functionName } from "./window-configuration.ts";
import {
  ProcessWindowFunction,
  type WindowFunction,
  type WindowFunctionLambda,
} from "./window-functions.ts";
import { WindowedStreamBase, type WindowedStreamKinds } from "./windowed-stream-base.ts";
import type { GlobalWindow, Window } from "./windows.ts";

/** A window function of a keyed stream: a WindowFunction (object or lambda) or a ProcessWindowFunction. */
export type KeyedWindowFunctionLike<IN, OUT, KEY, W extends Window> =
  | WindowFunction<IN, OUT, KEY, W>
  | WindowFunctionLambda<IN, OUT, KEY, W>
  | ProcessWindowFunction<IN, OUT, KEY, W>;

/** How a keyed windowed stream names itself and tells its window functions apart. */
const KINDS: WindowedStreamKinds = {
  stream: "WindowedStream",
  prefix: "Window",
  processClass: ProcessWindowFunction,
  process: "process",
  apply: "window",
  expected: "WindowFunction (or ProcessWindowFunction)",
};

/** A keyed stream cut into windows; a window operation ends it. */
export class WindowedStream<T, K, W extends Window> extends WindowedStreamBase<T, W> {
  private readonly input: KeyedStream<T, K>;

  /** Created by `KeyedStream.window`. */
  constructor(input: KeyedStream<T, K>, assigner: WindowAssigner<T, W>) {
    super(assigner, KINDS);
    this.input = input;
  }

  /** Count windows of a keyed stream (`KeyedStream.countWindow`): tumbling, or sliding by `slide`. */
  static countWindow<T, K>(
    input: KeyedStream<T, K>,
    size: number,
    slide?: number,
  ): WindowedStream<T, K, GlobalWindow> {
    const w = new WindowedStream<T, K, GlobalWindow>(input, GlobalWindows.create());
    if (slide === undefined) return w.trigger(PurgingTrigger.of(CountTrigger.of(size)));
    return w.evictor(CountEvictor.of(size)).trigger(CountTrigger.of(slide));
  }

  /** Reduces the elements of each window to one value, incrementally. */
  reduce(fn: ReduceFunction<T> | ((a: T, b: T) => T)): SingleOutputStreamOperator<T>;
  /** Reduces incrementally; the window function gets the one reduced value with the window. */
  reduce<R>(
    fn: ReduceFunction<T> | ((a: T, b: T) => T),
    windowFunction: KeyedWindowFunctionLike<T, R, K, W>,
  ): SingleOutputStreamOperator<R>;
  reduce(
    fn: ReduceFunction<T> | ((a: T, b: T) => T),
    windowFunction?: KeyedWindowFunctionLike<T, any, K, W>,
  ): SingleOutputStreamOperator<any> {
    const contents = this.config.reduceContents(fn);
    return this.build(contents, windowFunction, functionName(fn, "reduce"));
  }

  /** Aggregates the elements of each window incrementally with an {@link AggregateFunction}. */
  aggregate<ACC, V>(fn: AggregateFunction<T, ACC, V>): SingleOutputStreamOperator<V>;
  /** Aggregates incrementally; the window function gets the one result with the window. */
  aggregate<ACC, V, R>(
    fn: AggregateFunction<T, ACC, V>,
    windowFunction: KeyedWindowFunctionLike<V, R, K, W>,
  ): SingleOutputStreamOperator<R>;
  aggregate(
    fn: AggregateFunction<T, any, any>,
    windowFunction?: KeyedWindowFunctionLike<any, any, K, W>,
  ): SingleOutputStreamOperator<any> {
    const contents = this.config.aggregateContents(fn);
    return this.build(contents, windowFunction, functionName(fn, "aggregate"));
  }

  /** Evaluates each window with a {@link WindowFunction} over all its elements. */
  apply<R>(
    fn: WindowFunction<T, R, K, W> | WindowFunctionLambda<T, R, K, W>,
  ): SingleOutputStreamOperator<R> {
    return this.build({ kind: "list" }, fn, null);
  }

  /** Evaluates each window with a {@link ProcessWindowFunction} over all its elements. */
  process<R>(fn: ProcessWindowFunction<T, R, K, W>): SingleOutputStreamOperator<R> {
    requireMethod(fn, "process", "ProcessWindowFunction");
    return this.build({ kind: "list" }, fn, null);
  }

  private build<R>(
    contents: WindowContentsSpec,
    windowFunction: unknown,
    contentsName: string | null,
  ): SingleOutputStreamOperator<R> {
    const { name, spec } = this.operator(contents, windowFunction, contentsName);
    return this.input.transform<R>(name, spec);
  }
}
