/**
 * Aggregate push-down (`table.optimizer.agg-push-down-enabled`): a GROUP BY over a UNION ALL is
 * computed in two phases, a partial aggregate in every branch of the union and a final one over
 * the union of the partial results (Calcite's AggregateUnionTransposeRule):
 *
 *   Aggregate(k; f(x)) (Union(a, b))  ->  Aggregate(k; g(f))(Union(Aggregate(k; f(x))(a), ...))
 *
 * where g is SUM for SUM, SUM0 for COUNT and SUM0, MIN for MIN and MAX for MAX. The projection of
 * group keys and arguments above the union (the binder's pre-projection) moves into each branch.
 * Nested unions count as one (`a UNION ALL b UNION ALL c`: three branches). The rule applies
 * only when every call is one of these, without DISTINCT; FILTER clauses stay
 * in the partial calls. It is exact, NULL keys and groups included: a group's rows are split
 * among the branches and each function combines its partial results. Over empty input, a batch
 * global aggregate still gives one row (every partial gives one) and a streaming one none (no
 * partial emits); in streaming mode a partial result's retraction (-U/-D) retracts it from the
 * final aggregate, which all four functions support. (One difference remains at the limits: a
 * DECIMAL partial sum that overflows 38 digits is NULL and is then skipped by the final SUM.)
 */
import { isDeterministic } from "../expr/rex.ts";
import type { AggCall, AggregateNode, RelNode } from "./logical.ts";
import { withInputs } from "./rel-util.ts";

/** Final function of each decomposable aggregate, over its partial results. */
const FINAL: Readonly<Record<string, string>> = {
  SUM: "SUM",
  SUM0: "SUM0",
  COUNT: "SUM0",
  MIN: "MIN",
  MAX: "MAX",
};

/** The plan with every aggregate over a UNION ALL split into partial and final phases. */
export function pushAggregatesIntoUnions(rel: RelNode): RelNode {
  const node = withInputs(rel, pushAggregatesIntoUnions);
  return node.kind === "aggregate" ? (splitOverUnion(node) ?? node) : node;
}

function splitOverUnion(agg: AggregateNode): RelNode | null {
  if (!agg.aggs.every((a) => !a.distinct && FINAL[a.fn] !== undefined)) return null;
  const input = agg.input;
  const pre = input.kind === "project" ? input : null;
  const union = pre !== null ? pre.input : input;
  if (union.kind !== "union" || union.inputs.length < 2) return null;
  if (pre !== null && !pre.exprs.every(isDeterministic)) return null;
  const partials: AggregateNode[] = branchesOf(union).map((branch) => ({
    ...agg,
    input: pre !== null ? { ...pre, input: branch } : branch,
  }));
  const k = agg.groupKeys.length;
  const finals: AggCall[] = agg.aggs.map((a, i) => ({
    fn: FINAL[a.fn]!,
    args: [k + i],
    constants: [],
    distinct: false,
    filter: -1,
    type: a.type,
    name: a.name,
  }));
  return {
    kind: "aggregate",
    input: { kind: "union", inputs: partials, fields: agg.fields },
    groupKeys: agg.groupKeys.map((_, i) => i),
    aggs: finals,
    fields: agg.fields,
  };
}

/** The branches of a UNION ALL, nested ones (`a UNION ALL b UNION ALL c`) flattened. */
function branchesOf(rel: RelNode): RelNode[] {
  return rel.kind === "union" ? rel.inputs.flatMap(branchesOf) : [rel];
}
