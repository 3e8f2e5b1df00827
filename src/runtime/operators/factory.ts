/** Turns plan operator specs into running operators (one exhaustive switch over the spec kinds). */
import type { OperatorSpec } from "../../api/transformations.ts";
import {
  FilterOperator,
  FlatMapOperator,
  MapOperator,
  ProcessOperator,
  TimestampsAndWatermarksOperator,
} from "./basic.ts";
import { AsyncWaitOperator } from "./async-wait.ts";
import { BroadcastProcessOperator, KeyedBroadcastProcessOperator } from "./broadcast.ts";
import { cloneFunctionObject } from "./clone.ts";
import { IntervalJoinOperator } from "./interval-join.ts";
import { ReduceOperator } from "./keyed.ts";
import { KeyedCoProcessOperator, KeyedProcessOperator } from "./keyed-process.ts";
import type { OneInputOperator, TwoInputOperator } from "./operator.ts";
import { CollectOperator, SinkOperator } from "./sinks.ts";
import { createWindowOperator } from "./window/create.ts";
import { CoFlatMapOperator, CoMapOperator, CoProcessOperator } from "./two-input.ts";

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** The function object's method `name`, bound to it, as a plain function. */
function method<F>(obj: object, name: string): F {
  const m = (obj as Record<string, Method>)[name]!;
  return ((...args: unknown[]) => m.apply(obj, args)) as F;
}

/**
 * Creates the operator for `spec`. With `copyFunctions`, function objects are deep-copied first,
 * so subtasks sharing a thread do not share instance fields.
 */
export function createOperator(
  spec: OperatorSpec,
  copyFunctions = false,
): OneInputOperator<unknown> | TwoInputOperator<unknown, unknown> {
  const own = <T>(o: T): T =>
    copyFunctions && o !== null && typeof o === "object" ? cloneFunctionObject(o) : o;
  switch (spec.kind) {
    case "map": {
      const rich = own(spec.rich);
      const fn =
        rich && rich !== spec.rich ? method<(v: unknown) => unknown>(rich, "map") : spec.fn;
      return new MapOperator(fn, rich);
    }
    case "filter": {
      const rich = own(spec.rich);
      const fn =
        rich && rich !== spec.rich ? method<(v: unknown) => boolean>(rich, "filter") : spec.fn;
      return new FilterOperator(fn, rich);
    }
    case "flatMap":
      return new FlatMapOperator(own(spec.fn));
    case "process":
      return new ProcessOperator(own(spec.fn));
    case "reduce": {
      const rich = own(spec.rich);
      const fn =
        rich && rich !== spec.rich
          ? method<(a: unknown, b: unknown) => unknown>(rich, "reduce")
          : spec.fn;
      return new ReduceOperator(spec.key, fn, rich);
    }
    case "keyedProcess":
      return new KeyedProcessOperator(own(spec.fn) as never);
    case "keyedCoProcess":
      return new KeyedCoProcessOperator(own(spec.fn) as never);
    case "timestamps":
      return new TimestampsAndWatermarksOperator(spec.strategy);
    case "sink":
      return new SinkOperator(spec.sink);
    case "collect":
      return new CollectOperator(spec.collectId);
    case "coMap":
      return new CoMapOperator(own(spec.fn));
    case "coFlatMap":
      return new CoFlatMapOperator(own(spec.fn));
    case "coProcess":
      return new CoProcessOperator(own(spec.fn));
    case "broadcastProcess":
      return new BroadcastProcessOperator(own(spec.fn), spec.descriptors);
    case "keyedBroadcastProcess":
      return new KeyedBroadcastProcessOperator(own(spec.fn), spec.descriptors);
    case "window":
      return createWindowOperator(spec, own);
    case "intervalJoin":
      return new IntervalJoinOperator({ ...spec, fn: own(spec.fn) });
    case "async":
      return new AsyncWaitOperator(own(spec.fn), spec);
    default: {
      const unknownSpec: never = spec;
      throw new Error(`unknown operator kind ${(unknownSpec as { kind: string }).kind}`);
    }
  }
}
