/**
 * What `WindowedStream` and `AllWindowedStream` share: the settings methods (`trigger`, `evictor`,
 * `allowedLateness`, `sideOutputLateData`), the field aggregations, and the name and spec of the
 * window operator for a window function.
 */
import type { DurationLike } from "../../core/duration.ts";
import type { SingleOutputStreamOperator } from "../datastream.ts";
import { byAggregation, fieldAggregation } from "../field-aggregations.ts";
import { requireMethod, type OutputTag, type ReduceFunction } from "../functions.ts";
import type { WindowAssigner } from "./assigners.ts";
import type { Evictor } from "./evictors.ts";
import type { WindowContentsSpec, WindowFunctionSpec, WindowOperatorSpec } from "./spec.ts";
import type { Trigger } from "./triggers.ts";
import { WindowConfiguration, functionName } from "./window-configuration.ts";
import type { Window } from "./windows.ts";

/** How a windowed stream names itself and its operator, and tells its window functions apart. */
export interface WindowedStreamKinds {
  /** The stream class, for error messages. */
  readonly stream: string;
  /** Prefix of the operator name (`Window`, `AllWindow`). */
  readonly prefix: string;
  /** The process function class (`ProcessWindowFunction`, `ProcessAllWindowFunction`). */
  readonly processClass: abstract new (...args: never[]) => object;
  /** The spec kind of a process function. */
  readonly process: "process" | "processAll";
  /** The spec kind of a plain window function (an object with `apply`, or a lambda). */
  readonly apply: "window" | "allWindow";
  /** What a window function must be, for error messages. */
  readonly expected: string;
}

/** The spec of a window function (a process function, an `apply` object or a lambda) and its name. */
function windowFunctionSpec(
  fn: unknown,
  kinds: WindowedStreamKinds,
): { spec: WindowFunctionSpec; name: string } {
  if (fn instanceof kinds.processClass)
    return {
      spec: { kind: kinds.process, fn } as WindowFunctionSpec,
      name: functionName(fn, "process"),
    };
  if (typeof fn === "function")
    return { spec: { kind: kinds.apply, fn: { apply: fn } } as WindowFunctionSpec, name: "apply" };
  if (
    fn !== null &&
    typeof fn === "object" &&
    typeof (fn as { process?: unknown }).process === "function"
  )
    return {
      spec: { kind: kinds.process, fn } as WindowFunctionSpec,
      name: functionName(fn, "process"),
    };
  requireMethod(fn, "apply", kinds.expected);
  return {
    spec: { kind: kinds.apply, fn } as WindowFunctionSpec,
    name: functionName(fn, "apply"),
  };
}

/** The methods a keyed and a non-keyed windowed stream share; a window operation ends it. */
export abstract class WindowedStreamBase<T, W extends Window> {
  /** Assigner, trigger, evictor, lateness and late-data tag. */
  protected readonly config: WindowConfiguration<T, W>;
  private readonly kinds: WindowedStreamKinds;

  /** Starts with `assigner` (and its default trigger). */
  protected constructor(assigner: WindowAssigner<T, W>, kinds: WindowedStreamKinds) {
    this.config = new WindowConfiguration<T, W>(assigner, kinds.stream);
    this.kinds = kinds;
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
  abstract reduce(fn: ReduceFunction<T> | ((a: T, b: T) => T)): SingleOutputStreamOperator<T>;

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

  /**
   * The name and spec of the window operator keeping `contents` (named `contentsName`, null for the
   * element list) and evaluating fired windows with `windowFunction` (undefined: none).
   */
  protected operator(
    contents: WindowContentsSpec,
    windowFunction: unknown,
    contentsName: string | null,
  ): { name: string; spec: WindowOperatorSpec } {
    let spec: WindowFunctionSpec = { kind: "pass" };
    let name = contentsName ?? "";
    if (windowFunction !== undefined) {
      const f = windowFunctionSpec(windowFunction, this.kinds);
      spec = f.spec;
      name = contentsName === null ? f.name : `${contentsName}, ${f.name}`;
    }
    return {
      name: this.config.operatorName(this.kinds.prefix, name),
      spec: this.config.spec(contents, spec),
    };
  }
}
