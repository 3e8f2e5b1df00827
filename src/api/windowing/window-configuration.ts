/**
 * The settings shared by `WindowedStream` and `AllWindowedStream` (assigner, trigger, evictor,
 * lateness, late-data tag), their checks, and the operator spec and name they produce.
 */
import { InvalidJobError } from "../../core/errors.ts";
import { toMillis, type DurationLike } from "../../core/duration.ts";
import {
  AbstractRichFunction,
  OutputTag,
  requireMethod,
  type AggregateFunction,
  type ReduceFunction,
} from "../functions.ts";
import { MergingWindowAssigner, WindowAssigner } from "./assigners.ts";
import type { Evictor } from "./evictors.ts";
import type { WindowContentsSpec, WindowFunctionSpec, WindowOperatorSpec } from "./spec.ts";
import { Trigger } from "./triggers.ts";
import type { Window } from "./windows.ts";

/** A short name of a user function for operator names: its class, or `what` for lambdas. */
export function functionName(fn: unknown, what: string): string {
  if (typeof fn === "object" && fn !== null) {
    const name = (fn.constructor as { name?: string } | undefined)?.name;
    if (name && name !== "Object") return name;
  }
  return what;
}

/** Assigner, trigger, evictor, lateness and late-data tag of a windowed stream. */
export class WindowConfiguration<T, W extends Window> {
  /** Assigns elements to windows. */
  readonly assigner: WindowAssigner<T, W>;
  /** Decides when windows fire. */
  trigger: Trigger<T, W>;
  /** Removes elements before/after evaluation, or null. */
  evictor: Evictor<T, W> | null = null;
  /** Allowed lateness, ms. */
  allowedLateness = 0;
  /** Side output for late elements, or null. */
  lateDataTag: OutputTag<T> | null = null;
  private readonly what: string;

  /** Starts with `assigner` and its default trigger; `what` names the stream class in errors. */
  constructor(assigner: WindowAssigner<T, W>, what: string) {
    if (!(assigner instanceof WindowAssigner))
      throw new TypeError(
        `${what}: expected a WindowAssigner (e.g. TumblingEventTimeWindows.of(...)), got ${String(assigner)}`,
      );
    this.what = what;
    this.assigner = assigner;
    this.trigger = assigner.getDefaultTrigger();
  }

  /** Whether the assigner merges windows (sessions). */
  isMerging(): boolean {
    return this.assigner instanceof MergingWindowAssigner;
  }

  /** Sets the trigger (it must support merging for merging assigners). */
  setTrigger(trigger: Trigger<T, W>): void {
    if (!(trigger instanceof Trigger))
      throw new TypeError(`${this.what}.trigger: expected a Trigger, got ${String(trigger)}`);
    if (this.isMerging() && !trigger.canMerge())
      throw new InvalidJobError(
        `${this.what}.trigger: a merging window assigner (${this.assigner.toString()}) cannot be used with a trigger that does not support merging (${trigger.toString()})`,
      );
    this.trigger = trigger;
  }

  /** Sets the evictor. */
  setEvictor(evictor: Evictor<T, W>): void {
    requireMethod(evictor, "evictBefore", "Evictor");
    requireMethod(evictor, "evictAfter", "Evictor");
    this.evictor = evictor;
  }

  /** Sets the allowed lateness (event time; >= 0). */
  setAllowedLateness(lateness: DurationLike): void {
    this.allowedLateness = toMillis(lateness, `${this.what}.allowedLateness`, 0);
  }

  /** Sets the side output of late elements. */
  setLateDataTag(tag: OutputTag<T>): void {
    if (!(tag instanceof OutputTag))
      throw new TypeError(`${this.what}.sideOutputLateData: expected an OutputTag`);
    this.lateDataTag = tag;
  }

  /** Contents kept by a reduce function (which must not be rich, as in Flink). */
  reduceContents(fn: ReduceFunction<T> | ((a: T, b: T) => T)): WindowContentsSpec {
    if (typeof fn !== "function") requireMethod(fn, "reduce", "ReduceFunction");
    if (fn instanceof AbstractRichFunction)
      throw new InvalidJobError(
        `${this.what}.reduce: the ReduceFunction cannot be a rich function; use reduce(reduceFunction, windowFunction) with a rich window function instead`,
      );
    return { kind: "reduce", fn };
  }

  /**
   * Contents kept by an aggregate function (which must not be rich, and needs `merge` for merging
   * windows).
   */
  aggregateContents(fn: AggregateFunction<T, any, any>): WindowContentsSpec {
    for (const m of ["createAccumulator", "add", "getResult"])
      requireMethod(fn, m, "AggregateFunction");
    if (fn instanceof AbstractRichFunction)
      throw new InvalidJobError(
        `${this.what}.aggregate: the AggregateFunction cannot be a rich function; use aggregate(aggregateFunction, windowFunction) with a rich window function instead`,
      );
    if (this.isMerging() && this.evictor === null && typeof fn.merge !== "function")
      throw new InvalidJobError(
        `${this.what}.aggregate: ${functionName(fn, "the AggregateFunction")} has no merge(a, b), which merging windows (${this.assigner.toString()}) need to combine the accumulators of merged sessions; implement merge()`,
      );
    return { kind: "aggregate", fn };
  }

  /** The operator spec. */
  spec(contents: WindowContentsSpec, windowFunction: WindowFunctionSpec): WindowOperatorSpec {
    return {
      kind: "window",
      assigner: this.assigner,
      trigger: this.trigger,
      evictor: this.evictor,
      allowedLateness: this.allowedLateness,
      lateDataTag: this.lateDataTag?.id ?? null,
      contents,
      windowFunction,
    };
  }

  /** The operator name, e.g. `Window(TumblingEventTimeWindows(5000), EventTimeTrigger, reduce)`. */
  operatorName(prefix: string, fn: string): string {
    const parts = [this.assigner.toString(), this.trigger.toString()];
    if (this.evictor !== null) parts.push(functionName(this.evictor, "Evictor"));
    parts.push(fn);
    return `${this.evictor !== null ? "Evicting" : ""}${prefix}(${parts.join(", ")})`;
  }
}
