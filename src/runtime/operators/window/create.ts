/** Creates the window operator of a `"window"` spec, with the user's objects copied for the subtask. */
import type { ReduceFunction } from "../../../api/functions.ts";
import type { WindowFunctionSpec, WindowOperatorSpec } from "../../../api/windowing/spec.ts";
import { EvictingWindowOperator } from "./evicting-window-operator.ts";
import type { WindowContents } from "./window-contents.ts";
import { WindowOperator } from "./window-operator.ts";

/** Copies a user object for this subtask (identity when no copy is needed). */
type Own = <T>(value: T) => T;

function contentsOf(spec: WindowOperatorSpec, own: Own): WindowContents {
  const c = spec.contents;
  switch (c.kind) {
    case "reduce": {
      const fn = own(c.fn);
      if (typeof fn === "function") return { kind: "reduce", reduce: fn };
      const obj = fn as ReduceFunction<unknown>;
      return { kind: "reduce", reduce: (a, b) => obj.reduce(a, b) };
    }
    case "aggregate":
      return { kind: "aggregate", fn: own(c.fn) };
    case "list":
      return { kind: "list" };
  }
}

function functionOf(spec: WindowFunctionSpec, own: Own): WindowFunctionSpec {
  return spec.kind === "pass"
    ? spec
    : ({ kind: spec.kind, fn: own(spec.fn) } as WindowFunctionSpec);
}

/** The (evicting) window operator for `spec`. */
export function createWindowOperator(spec: WindowOperatorSpec, own: Own): WindowOperator {
  const parts = {
    assigner: own(spec.assigner),
    trigger: own(spec.trigger),
    allowedLateness: spec.allowedLateness,
    lateDataTag: spec.lateDataTag,
    contents: contentsOf(spec, own),
    windowFunction: functionOf(spec.windowFunction, own),
  };
  return spec.evictor === null
    ? new WindowOperator(parts)
    : new EvictingWindowOperator(parts, own(spec.evictor));
}
