/**
 * Eager aggregation (`table.optimizer.agg-push-down-enabled`): a GROUP BY over an inner
 * equi-join pre-aggregates one side of the join (Calcite's AggregateJoinTransposeRule):
 *
 *   Aggregate(g; SUM(r.x), COUNT(*), MAX(l.y))(Join(L, R, l.k = r.k))
 *   ->  Aggregate(g; SUM(sx), SUM0(n), MAX(l.y))(Join(L, Aggregate(r.k, g∩R; SUM(r.x) AS sx,
 *       COUNT(*) AS n)(R), l.k = r.k))
 *
 * The side (here R) is grouped by its join keys and the group keys it holds, and computes the
 * calls whose arguments (and FILTER) are its own columns, plus COUNT(*). Every R row of one
 * pre-aggregated group matches exactly the same L rows and falls in the same final group, so
 * the final call over the partial results (SUM of sums, SUM0 of counts, MIN of minimums, MAX of
 * maximums) gives the original value although each partial row stands for several join rows.
 * Calls over the other side's columns must be MIN or MAX, which do not depend on how often a
 * row repeats. The rule applies when the condition is only equalities (`=` or IS NOT DISTINCT
 * FROM) of columns of both sides, group keys and arguments are plain columns, and every call is
 * SUM, SUM0, COUNT, MIN or MAX without DISTINCT (AVG, COUNT DISTINCT, LISTAGG... keep the plan).
 * NULL join keys never match with `=` (their partial group joins nothing, as their rows did)
 * and all match each other with IS NOT DISTINCT FROM (one partial group, as all their rows did).
 * When both sides qualify, the larger one (estimated rows) is pre-aggregated.
 */
import type { RexNode } from "../expr/rex.ts";
import { remapInputs } from "../expr/rex-util.ts";
import * as build from "./builders.ts";
import type { AggCall, AggregateNode, JoinNode, RelNode } from "./logical.ts";
import { withInputs } from "./rel-util.ts";
import { conjunctsOf, estimateRows } from "./statistics.ts";

/** Final function over the partial results of each decomposable call. */
const FINAL: Readonly<Record<string, string>> = {
  SUM: "SUM",
  SUM0: "SUM0",
  COUNT: "SUM0",
  MIN: "MIN",
  MAX: "MAX",
};

/** The plan with eligible aggregates over inner equi-joins pre-aggregating one join side. */
export function pushAggregatesIntoJoins(rel: RelNode): RelNode {
  const node = withInputs(rel, pushAggregatesIntoJoins);
  if (node.kind !== "aggregate") return node;
  return eagerAggregate(node) ?? node;
}

function eagerAggregate(agg: AggregateNode): RelNode | null {
  if (agg.aggs.some((a) => a.distinct || FINAL[a.fn] === undefined)) return null;
  const pre = agg.input.kind === "project" ? agg.input : null;
  const join = pre !== null ? pre.input : agg.input;
  if (join.kind !== "join" || join.joinType !== "INNER") return null;
  // The join field behind each aggregate input field (-1: computed).
  const src = (i: number): number => {
    if (pre === null) return i;
    const e = pre.exprs[i]!;
    return e.kind === "input" ? e.index : -1;
  };
  const la = join.left.fields.length;
  const keys = equiKeys(join.condition, la);
  if (keys === null) return null;
  const groupKeys = agg.groupKeys.map(src);
  if (groupKeys.includes(-1)) return null;
  const calls = agg.aggs.map((a) => ({
    call: a,
    fields: [...a.args, ...(a.filter >= 0 ? [a.filter] : [])].map(src),
  }));
  if (calls.some((c) => c.fields.includes(-1))) return null;
  const options = (["right", "left"] as const)
    .map((side) => {
      const node = side === "left" ? join.left : join.right;
      return { side, rows: estimateRows(node) };
    })
    .sort((a, b) => b.rows - a.rows);
  for (const { side } of options) {
    const out = preAggregate(agg, join, side, { keys, groupKeys, calls, src });
    if (out !== null) return out;
  }
  return null;
}

/** The join fields of each equality, or null when the condition is anything else. */
function equiKeys(cond: RexNode, la: number): number[] | null {
  const fields: number[] = [];
  for (const c of conjunctsOf(cond)) {
    if (c.kind === "literal" && c.value === true) continue;
    if (c.kind !== "call" || (c.op !== "=" && c.op !== "IS NOT DISTINCT FROM")) return null;
    const [a, b] = c.operands as [RexNode, RexNode];
    if (a.kind !== "input" || b.kind !== "input") return null;
    if (a.index < la === b.index < la) return null;
    fields.push(a.index, b.index);
  }
  return fields.length > 0 ? fields : null;
}

/** What {@link eagerAggregate} found: join key fields, group key fields, calls' fields. */
interface Shape {
  /** The join fields of the equalities. */
  readonly keys: readonly number[];
  /** The join field of each group key. */
  readonly groupKeys: readonly number[];
  /** Each call with the join fields of its arguments and FILTER. */
  readonly calls: readonly { call: AggCall; fields: number[] }[];
  /** The join field behind a field of the aggregate's input. */
  readonly src: (i: number) => number;
}

function preAggregate(
  agg: AggregateNode,
  join: JoinNode,
  side: "left" | "right",
  { keys, groupKeys, calls, src }: Shape,
): RelNode | null {
  const la = join.left.fields.length;
  const lo = side === "left" ? 0 : la;
  const hi = side === "left" ? la : join.fields.length;
  const inSide = (f: number) => f >= lo && f < hi;
  const own: { call: AggCall; index: number }[] = [];
  for (const [i, c] of calls.entries()) {
    if (c.fields.every(inSide)) own.push({ call: c.call, index: i });
    else if (c.fields.some(inSide) || (c.call.fn !== "MIN" && c.call.fn !== "MAX")) return null;
  }
  // Group the side by its join keys and the group keys it holds (side-local indexes).
  const localKeys = [...new Set([...keys, ...groupKeys].filter(inSide))].map((f) => f - lo);
  const input = side === "left" ? join.left : join.right;
  const partialCalls: AggCall[] = own.map(({ call: a }) => ({
    ...a,
    args: a.args.map((x) => src(x) - lo),
    filter: a.filter >= 0 ? src(a.filter) - lo : -1,
  }));
  const partial = build.aggregate(input, localKeys, partialCalls);
  // Positions of the old join fields in the new join.
  const width = partial.fields.length;
  const position = (f: number): number => {
    if (inSide(f)) {
      const k = localKeys.indexOf(f - lo);
      if (k < 0) throw new Error(`eager aggregation: field ${f} is not kept`);
      return (side === "left" ? 0 : la) + k;
    }
    return side === "left" ? f - la + width : f;
  };
  const mapping = new Map<number, number>();
  for (const f of [...keys, ...groupKeys]) mapping.set(f, position(f));
  for (const c of calls) for (const f of c.fields) if (!inSide(f)) mapping.set(f, position(f));
  const condition = remapInputs(join.condition, mapping);
  const joined =
    side === "left"
      ? build.join("INNER", partial, join.right, condition)
      : build.join("INNER", join.left, partial, condition);
  const partialStart = (side === "left" ? 0 : la) + localKeys.length;
  const finals: AggCall[] = agg.aggs.map((a, i) => {
    const k = own.findIndex((o) => o.index === i);
    if (k >= 0) {
      return {
        fn: FINAL[a.fn]!,
        args: [partialStart + k],
        constants: [],
        distinct: false,
        filter: -1,
        type: a.type,
        name: a.name,
      };
    }
    return {
      ...a,
      args: a.args.map((x) => mapping.get(src(x))!),
      filter: a.filter >= 0 ? mapping.get(src(a.filter))! : -1,
    };
  });
  return {
    kind: "aggregate",
    input: joined,
    groupKeys: groupKeys.map((f) => mapping.get(f)!),
    aggs: finals,
    fields: agg.fields,
  };
}
