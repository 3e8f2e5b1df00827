/** Turns plan operator specs into running operators (one exhaustive switch over the spec kinds). */
import type { OperatorSpec } from "../../api/transformations.ts";
import {
  FilterOperator,
  FlatMapOperator,
  MapOperator,
  ProcessOperator,
  TimestampsAndWatermarksOperator,
} from "./basic.ts";
import { ReduceOperator } from "./keyed.ts";
import type { OneInputOperator, TwoInputOperator } from "./operator.ts";
import { CollectOperator, SinkOperator } from "./sinks.ts";
import { CoFlatMapOperator, CoMapOperator, CoProcessOperator } from "./two-input.ts";

/** Creates the operator for `spec`. */
export function createOperator(
  spec: OperatorSpec,
): OneInputOperator<unknown> | TwoInputOperator<unknown, unknown> {
  switch (spec.kind) {
    case "map":
      return new MapOperator(spec.fn, spec.rich);
    case "filter":
      return new FilterOperator(spec.fn, spec.rich);
    case "flatMap":
      return new FlatMapOperator(spec.fn);
    case "process":
      return new ProcessOperator(spec.fn);
    case "reduce":
      return new ReduceOperator(spec.key, spec.fn, spec.rich);
    case "timestamps":
      return new TimestampsAndWatermarksOperator(spec.strategy);
    case "sink":
      return new SinkOperator(spec.sink);
    case "collect":
      return new CollectOperator(spec.collectId);
    case "coMap":
      return new CoMapOperator(spec.fn);
    case "coFlatMap":
      return new CoFlatMapOperator(spec.fn);
    case "coProcess":
      return new CoProcessOperator(spec.fn);
    default: {
      const unknownSpec: never = spec;
      throw new Error(`unknown operator kind ${(unknownSpec as { kind: string }).kind}`);
    }
  }
}

/** Whether a spec creates a two-input operator. */
export function isTwoInput(spec: OperatorSpec): boolean {
  return spec.kind === "coMap" || spec.kind === "coFlatMap" || spec.kind === "coProcess";
}
