/**
 * `WindowedStream`: a keyed stream cut into windows (`keyedStream.window(assigner)`), with Flink's
 * methods: `trigger`, `evictor`, `allowedLateness`, `sideOutputLateData`, then one of `reduce`,
 * `aggregate`, `apply`, `process` or a field aggregation, which adds the window operator.
 */
import type { DurationLike } from "../../core/duration.ts";
import type { KeyedStream, SingleOutputStreamOperator } from "../datastream.ts";
import { byAggregation, fieldAggregation } from "../field-aggregations.ts";
import {
  requireMethod,
  type AggregateFunction,
  type OutputTag,
  type ReduceFunction,
} from "../functions.ts";
import { GlobalWindows, type WindowAssigner } from "./assigners.ts";
import { CountEvictor, type Evictor } from "./evictors.ts";
import type { WindowContentsSpec, WindowFunctionSpec } from "./spec.ts";
import { CountTrigger, PurgingTrigger, type Trigger } from "./triggers.ts";
import { WindowConfiguration, functionName } from "./window-configuration.ts";
import {
  ProcessWindowFunction,
  type WindowFunction,
  type WindowFunctionLambda,
} from "./window-functions.ts";
import type { GlobalWindow, Window } from "./windows.ts";

/** A window function of a keyed stream: a WindowFunction (object or lambda) or a ProcessWindowFunction. */
export type KeyedWindowFunctionLike<IN, OUT, KEY, W extends Window> =
  | WindowFunction<IN, OUT, KEY, W>
  | WindowFunctionLambda<IN, OUT, KEY, W>
  | ProcessWindowFunction<IN, OUT, KEY, W>;

/** The spec of a keyed window function. */
function keyedFunction(fn: unknown): { spec: WindowFunctionSpec; name: string } {
  if (fn instanceof ProcessWindowFunction)
    return { spec: { kind: "process", fn }, name: functionName(fn, "process") };
  if (typeof fn === "function")
    return {
      spec: { kind: "window", fn: { apply: fn as WindowFunctionLambda<any, any, any, any> } },
      name: "apply",
    };
  if (
    fn !== null &&
    typeof fn === "object" &&
    typeof (fn as { process?: unknown }).process === "function"
  )
    return {
      spec: { kind: "process", fn: fn as ProcessWindowFunction<any, any, any, any> },
      name: functionName(fn, "process"),
    };
  requireMethod(fn, "apply", "WindowFunction (or ProcessWindowFunction)");
  return {
    spec: { kind: "window", fn: fn as WindowFunction<any, any, any, any> },
    name: functionName(fn, "apply"),
  };
}

/** A keyed stream cut into windows; a window operation ends it. */
export class WindowedStream<T, K, W extends Window> {
  private readonly input: KeyedStream<T, K>;
  private readonly config: WindowConfiguration<T, W>;

  /** Created by `KeyedStream.window`. */
  constructor(input: KeyedStream<T, K>, assigner: WindowAssigner<T, W>) {
    this.input = input;
    this.config = new WindowConfiguration<T, W>(assigner, "WindowedStream");
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

  /** Sets the trigger that decides when windows fire (replacing the assigner's default). */
  trigger(trigger: Trigger<T, W>): this {
    this.config.setTrigger(trigger);
    return this;
  }

  /** Sets an evictor that removes elements before/after the window function. */
  evictor(evictor: Evictor<T, W>): this {
    this.config.setEvictor(evictor);
    return this;
  }

  /** Keeps event-time windows for `lateness` after their end; late elements re-fire them. */
  allowedLateness(lateness: DurationLike): this {
    this.config.setAllowedLateness(lateness);
    return this;
  }

  /** Sends elements too late for all their windows to the side output `outputTag`. */
  sideOutputLateData(outputTag: OutputTag<T>): this {
    this.config.setLateDataTag(outputTag);
    return this;
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

  /** Sum of a numeric field per window; other fields keep the first element's values. */
  sum(field: string | number): SingleOutputStreamOperator<T> {
    return this.reduce(fieldAggregation<T>(field, "sum"));
  }
  /** Minimum of a field per window; other fields keep the first element's values. */
  min(field: string | number): SingleOutputStreamOperator<T> {
    return this.reduce(fieldAggregation<T>(field, "min"));
  }
  /** Maximum of a field per window; other fields keep the first element's values. */
  max(field: string | number): SingleOutputStreamOperator<T> {
    return this.reduce(fieldAggregation<T>(field, "max"));
  }
  /** The element with the minimum field value per window (the first one on ties, or the last with first=false). */
  minBy(field: string | number, first = true): SingleOutputStreamOperator<T> {
    return this.reduce(byAggregation<T>(field, "min", first));
  }
  /** The element with the maximum field value per window (the first one on ties, or the last with first=false). */
  maxBy(field: string | number, first = true): SingleOutputStreamOperator<T> {
    return this.reduce(byAggregation<T>(field, "max", first));
  }

  private build<R>(
    contents: WindowContentsSpec,
    windowFunction: unknown,
    contentsName: string | null,
  ): SingleOutputStreamOperator<R> {
    let spec: WindowFunctionSpec = { kind: "pass" };
    let name = contentsName ?? "";
    if (windowFunction !== undefined) {
      const f = keyedFunction(windowFunction);
      spec = f.spec;
      name = contentsName === null ? f.name : `${contentsName}, ${f.name}`;
    }
    return this.input.transform<R>(
      this.config.operatorName("Window", name),
      this.config.spec(contents, spec),
    );
  }
}
