/**
 * The plan's description of a window operator (the `"window"` {@link OperatorSpec} kind): the
 * assigner, trigger, evictor, lateness, how window contents are kept and which function evaluates
 * them. Built by `WindowedStream`/`AllWindowedStream`, run by the runtime's window operator.
 */
import type { AggregateFunction, ReduceFunction } from "../functions.ts";
import type { WindowAssigner } from "./assigners.ts";
import type { Evictor } from "./evictors.ts";
import type { Trigger } from "./triggers.ts";
import type {
  AllWindowFunction,
  ProcessAllWindowFunction,
  ProcessWindowFunction,
  WindowFunction,
} from "./window-functions.ts";

/** How the elements of a window are kept until it fires. */
export type WindowContentsSpec =
  | {
      readonly kind: "reduce";
      readonly fn: ReduceFunction<any> | ((a: any, b: any) => unknown);
    }
  | { readonly kind: "aggregate"; readonly fn: AggregateFunction<any, any, any> }
  | { readonly kind: "list" };

/** What evaluates a fired window. */
export type WindowFunctionSpec =
  | { readonly kind: "pass" }
  | { readonly kind: "window"; readonly fn: WindowFunction<any, any, any, any> }
  | { readonly kind: "process"; readonly fn: ProcessWindowFunction<any, any, any, any> }
  | { readonly kind: "allWindow"; readonly fn: AllWindowFunction<any, any, any> }
  | { readonly kind: "processAll"; readonly fn: ProcessAllWindowFunction<any, any, any> };

/** The `"window"` operator spec. */
export interface WindowOperatorSpec {
  /** Discriminator. */
  readonly kind: "window";
  /** Assigns elements to windows. */
  readonly assigner: WindowAssigner<any, any>;
  /** Decides when windows fire. */
  readonly trigger: Trigger<any, any>;
  /** Removes elements before/after evaluation, or null. */
  readonly evictor: Evictor<any, any> | null;
  /** How long after a window's end late elements are still added (event time), ms. */
  readonly allowedLateness: number;
  /** Id of the side output for late elements, or null (late elements are counted and dropped). */
  readonly lateDataTag: string | null;
  /** How window contents are kept. */
  readonly contents: WindowContentsSpec;
  /** What evaluates a fired window. */
  readonly windowFunction: WindowFunctionSpec;
}
