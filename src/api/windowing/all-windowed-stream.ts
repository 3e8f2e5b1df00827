/**
 * `AllWindowedStream`: a non-keyed stream cut into windows (`dataStream.windowAll(assigner)`).
 * As in Flink, it runs with parallelism 1: the stream is keyed by a constant internally, so every
 * window of the whole stream is evaluated in one place.
 */
import type { DurationLike } from "../../core/duration.ts";
import type { DataStream, KeyedStream, SingleOutputStreamOperator } from "../datastream.ts";
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
  ProcessAllWindowFunction,
  type AllWindowFunction,
  type AllWindowFunctionLambda,
} from "./window-functions.ts";
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

/** The spec of an all-window function. */
function allFunction(fn: unknown): { spec: WindowFunctionSpec; name: string } {
  if (fn instanceof ProcessAllWindowFunction)
    return { spec: { kind: "processAll", fn }, name: functionName(fn, "process") };
  if (typeof fn === "function")
    return {
      spec: { kind: "allWindow", fn: { apply: fn as AllWindowFunctionLambda<any, any, any> } },
      name: "apply",
    };
  if (
    fn !== null &&
    typeof fn === "object" &&
    typeof (fn as { process?: unknown }).process === "function"
  )
    return {
      spec: { kind: "processAll", fn: fn as ProcessAllWindowFunction<any, any, any> },
      name: functionName(fn, "process"),
    };
  requireMethod(fn, "apply", "AllWindowFunction (or ProcessAllWindowFunction)");
  return {
    spec: { kind: "allWindow", fn: fn as AllWindowFunction<any, any, any> },
    name: functionName(fn, "apply"),
  };
}

/** A non-keyed stream cut into windows; a window operation ends it. */
export class AllWindowedStream<T, W extends Window> {
  private readonly input: KeyedStream<T, number>;
  private readonly config: WindowConfiguration<T, W>;

  /** Created by `DataStream.windowAll`. */
  constructor(input: DataStream<T>, assigner: WindowAssigner<T, W>) {
    this.config = new WindowConfiguration<T, W>(assigner, "AllWindowedStream");
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
      const f = allFunction(windowFunction);
      spec = f.spec;
      name = contentsName === null ? f.name : `${contentsName}, ${f.name}`;
    }
    return this.input
      .transform<R>(this.config.operatorName("AllWindow", name), this.config.spec(contents, spec))
      .setParallelism(1);
  }
}
