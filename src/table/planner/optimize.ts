/**
 * The rule-based optimizer. Rules, applied bottom-up until nothing changes:
 * - constant folding of deterministic expressions (`1 + 1` -> `2`, `TRUE AND x` -> `x`);
 * - a filter that is always TRUE disappears;
 * - two stacked projections merge into one (the outer expressions rewritten over the inner
 *   input), unless an inner non-deterministic expression would be duplicated;
 * - a filter moves below a projection (its condition rewritten over the projection's input)
 *   and into the sides of an inner join when it only refers to one side, so rows are dropped
 *   as early as possible; its deterministic conjuncts over both sides join the inner join's
 *   condition (so `FROM a, b WHERE a.x = b.x` becomes an equi-join);
 * - a projection over a scan (directly, or through a filter) reads only the columns it needs
 *   (projection push-down into the source).
 */
import { foldConstants } from "../expr/fold.ts";
import { isDeterministic, type RexNode } from "../expr/rex.ts";
import { call } from "../expr/rex.ts";
import { inputRefs, remapInputs, shiftInputs } from "../expr/rex-util.ts";
import type { FilterNode, JoinNode, ProjectNode, RelNode, ScanNode } from "./logical.ts";
import * as build from "./builders.ts";
import { pushAggregatesIntoJoins } from "./agg-join-pushdown.ts";
import { pushAggregatesIntoUnions } from "./agg-pushdown.ts";
import { reorderJoins } from "./join-order.ts";
import { withInputs } from "./rel-util.ts";
import { planRanks } from "./rank.ts";

/** How constants are folded (the session's time zone and clock). */
export type FoldOptions = Parameters<typeof foldConstants>[1];

/** Options of {@link optimize}: constant folding's, and the cost-based rules to apply. */
export type OptimizeOptions = FoldOptions & {
  /** Reorder chains of inner joins by estimated size (join-order.ts). */
  readonly joinReorder?: boolean;
  /**
   * Pre-aggregate a side of an inner equi-join below an aggregate (agg-join-pushdown.ts) and
   * split aggregates over UNION ALL into partial and final phases (agg-pushdown.ts).
   */
  readonly aggPushDown?: boolean;
};

/**
 * The optimized form of `rel`: the rules above to a fixpoint; then, when enabled, aggregate
 * push-down and join ordering; Top-N patterns as Rank nodes (rank.ts); and the rules again over
 * their result.
 */
export function optimize(rel: RelNode, options: OptimizeOptions = {}): RelNode {
  let current = rewriteAll(rel, options);
  if (options.aggPushDown === true) {
    current = pushAggregatesIntoUnions(pushAggregatesIntoJoins(current));
  }
  if (options.joinReorder === true) current = reorderJoins(current);
  current = planRanks(current);
  return current === rel ? current : rewriteAll(current, options);
}

function rewriteAll(rel: RelNode, options: FoldOptions): RelNode {
  const fold: Fold = (e) => foldConstants(e, options);
  const rewrite = (r: RelNode): RelNode => {
    const node = withInputs(r, rewrite);
    if (node.kind === "filter") return rewriteFilter(node, fold);
    if (node.kind === "project") return rewriteProject(node, fold);
    return node;
  };
  let current = rel;
  for (let i = 0; i < 16; i++) {
    const next = rewrite(current);
    if (next === current) return current;
    current = next;
  }
  return current;
}

/** Constant folding with the session's options. */
type Fold = (e: RexNode) => RexNode;

function isTrue(e: RexNode): boolean {
  return e.kind === "literal" && e.value === true;
}

function rewriteFilter(node: FilterNode, fold: Fold): RelNode {
  const cond = fold(node.condition);
  if (isTrue(cond)) return node.input;
  const input = node.input;
  if (input.kind === "project" && input.exprs.every(isDeterministic)) {
    // Push the filter below the projection.
    const pushed = substitute(cond, input.exprs);
    return { ...input, input: build.filter(input.input, pushed) };
  }
  if (input.kind === "join" && input.joinType === "INNER") {
    return (
      pushIntoJoin(cond, input) ?? (cond === node.condition ? node : { ...node, condition: cond })
    );
  }
  return cond === node.condition ? node : { ...node, condition: cond };
}

function pushIntoJoin(cond: RexNode, join: JoinNode): RelNode | null {
  const la = join.left.fields.length;
  const parts = conjuncts(cond);
  const left: RexNode[] = [];
  const right: RexNode[] = [];
  const rest: RexNode[] = [];
  for (const p of parts) {
    const refs = [...inputRefs(p)];
    if (refs.length > 0 && refs.every((i) => i < la) && isDeterministic(p)) left.push(p);
    else if (refs.length > 0 && refs.every((i) => i >= la) && isDeterministic(p))
      right.push(shiftInputs(p, -la));
    else rest.push(p);
  }
  const both = rest.filter((p) => isDeterministic(p) && inputRefs(p).size > 0);
  const above = rest.filter((p) => !both.includes(p));
  if (left.length === 0 && right.length === 0 && both.length === 0) return null;
  const l = left.length > 0 ? build.filter(join.left, and(left)) : join.left;
  const r = right.length > 0 ? build.filter(join.right, and(right)) : join.right;
  const kept = isTrue(join.condition) ? [] : [join.condition];
  const condition = both.length > 0 ? and([...kept, ...both]) : join.condition;
  const joined: RelNode = { ...join, left: l, right: r, condition };
  return above.length > 0 ? build.filter(joined, and(above)) : joined;
}

function rewriteProject(node: ProjectNode, fold: Fold): RelNode {
  const exprs = node.exprs.map((e) => fold(e));
  const changed = exprs.some((e, i) => e !== node.exprs[i]);
  const input = node.input;
  // Identity projection (same names and fields): drop it.
  if (
    exprs.length === input.fields.length &&
    exprs.every((e, i) => e.kind === "input" && e.index === i) &&
    node.fields.every((f, i) => f.name === input.fields[i]!.name)
  ) {
    return input;
  }
  if (input.kind === "project" && input.exprs.every(isDeterministic)) {
    const merged = exprs.map((e) => substitute(e, input.exprs));
    return { ...node, input: input.input, exprs: merged };
  }
  const pruned = pruneScan({ ...node, exprs });
  if (pruned !== null) return pruned;
  return changed ? { ...node, exprs } : node;
}

/**
 * Projection push-down: `Project(Scan)` or `Project(Filter(Scan))` where the scan has columns
 * nobody reads; the scan then reads only the referenced ones.
 */
function pruneScan(node: ProjectNode): RelNode | null {
  const below = node.input;
  const filter = below.kind === "filter" ? below : null;
  const scan = (filter !== null ? filter.input : below) as RelNode;
  if (scan.kind !== "scan" || scan.source.projectable !== true) return null;
  const used = inputRefs(...node.exprs, ...(filter !== null ? [filter.condition] : []));
  if (used.size >= scan.fields.length) return null;
  const keep = [...used].sort((a, b) => a - b);
  const mapping = new Map(keep.map((old, i) => [old, i] as const));
  const narrowed: ScanNode = {
    ...scan,
    projection: keep.map((i) => scan.projection[i]!),
    fields: keep.map((i) => scan.fields[i]!),
  };
  const newInput: RelNode =
    filter !== null
      ? {
          ...filter,
          input: narrowed,
          condition: remapInputs(filter.condition, mapping),
          fields: narrowed.fields,
        }
      : narrowed;
  return { ...node, input: newInput, exprs: node.exprs.map((e) => remapInputs(e, mapping)) };
}

/** `e` with each input reference `$i` replaced by `exprs[i]`. */
function substitute(e: RexNode, exprs: readonly RexNode[]): RexNode {
  switch (e.kind) {
    case "input":
      return exprs[e.index]!;
    case "literal":
      return e;
    case "call":
      return { ...e, operands: e.operands.map((o) => substitute(o, exprs)) };
    case "cast":
    case "fieldAccess":
      return { ...e, operand: substitute(e.operand, exprs) };
    case "case":
      return {
        ...e,
        branches: e.branches.map((b) => ({
          when: substitute(b.when, exprs),
          then: substitute(b.then, exprs),
        })),
        otherwise: e.otherwise === null ? null : substitute(e.otherwise, exprs),
      };
  }
}

function conjuncts(e: RexNode): RexNode[] {
  if (e.kind === "call" && e.op === "AND") return e.operands.flatMap(conjuncts);
  return [e];
}

function and(parts: readonly RexNode[]): RexNode {
  return parts.reduce((a, b) => call("AND", [a, b]));
}
