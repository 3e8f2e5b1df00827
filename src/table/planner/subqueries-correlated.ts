/**
 * Decorrelation of scalar subqueries that refer to the outer query in their WHERE clause
 * (see correlation.ts for how the correlation is found): the subquery is computed once per
 * combination of the outer values it depends on, then joined to the outer rows on them. The
 * same value generator serves EXISTS / IN correlated through other conditions than equalities.
 */
import { call, inputRef, type RexNode } from "../expr/rex.ts";
import type { Expr, SubqueryExpr } from "../sql/ast-expr.ts";
import type { Query, SelectItem, SelectQuery, TableRef } from "../sql/ast-query.ts";
import type { SourcePos } from "../sql/errors.ts";
import { withNullability } from "../types/index.ts";
import { collectAggregates } from "./bind-aggregate.ts";
import { bindExpr, isAggregateCall, type ExprContext } from "./bind-expr.ts";
import type { QueryBinder } from "./bind-from.ts";
import * as build from "./builders.ts";
import type { BindContext } from "./context.ts";
import {
  and,
  hasAnySubquery,
  mapExpr,
  refuseOuterReferences,
  valueGenerator,
  type Correlation,
} from "./correlation.ts";
import { at, SqlPlanError } from "./errors.ts";
import type { RelNode } from "./logical.ts";

/**
 * Binds correlated scalar subquery `e` (whose query `q` is correlated by `corr`) and left-joins
 * it to `rel`, returning the widened relation and the subquery's column.
 *
 * - An aggregate without GROUP BY yields one row per outer row even over no matching rows
 *   (`COUNT(*)` is then 0): the distinct outer values (the value generator) are left-joined to
 *   the subquery's FROM on the correlation (and its own conditions), grouped by them, each
 *   aggregate counting only the rows that matched (an added FILTER); the result is joined back
 *   with IS NOT DISTINCT FROM, so a NULL outer value gets the aggregate of no rows too.
 * - Otherwise the subquery's rows are grouped by the correlation values and reduced by
 *   SINGLE_VALUE, a run-time error when one outer row would see more than one; an outer row
 *   without a match gets NULL. With equalities only, the values are the inner sides of the
 *   equalities; with other conditions, the value generator joined to the FROM.
 */
export function bindCorrelatedScalar(
  e: SubqueryExpr,
  q: SelectQuery & { from: TableRef },
  corr: Correlation,
  rel: RelNode,
  outer: ExprContext,
  ctx: BindContext,
  bindQuery: QueryBinder,
): { rel: RelNode; ref: RexNode } {
  if (q.items.length !== 1 || q.items[0]!.expr.kind === "star") {
    throw new SqlPlanError(
      `A scalar subquery must return one column, this one returns ${q.items.length === 1 ? "*" : q.items.length}`,
      e.pos,
    );
  }
  refuseOuterReferences(q, outer, ctx, bindQuery);
  const pos = e.pos;
  const width = rel.fields.length;
  const item = q.items[0]!;
  const aggregated = collectAggregates([item.expr, ...(q.having ? [q.having] : [])]);
  if (q.groupBy !== undefined || aggregated.length === 0) {
    // One value per combination of correlation values, checked by SINGLE_VALUE.
    let sub: RelNode;
    let outerKeys: readonly RexNode[];
    let op: "=" | "IS NOT DISTINCT FROM" = "=";
    if (corr.residual.length === 0) {
      outerKeys = corr.pairs.map((p) => bindExpr(p.outer, { ...outer, clause: "subquery" }));
      const items: SelectItem[] = [
        ...corr.pairs.map((p, i) => ({ pos: p.inner.pos, expr: p.inner, alias: `$corr${i}` })),
        item,
      ];
      const groupBy =
        q.groupBy === undefined ? undefined : [...q.groupBy, ...corr.pairs.map((p) => p.inner)];
      sub = bindQuery({ ...q, items, where: and(corr.local), groupBy }, ctx);
    } else {
      const vg = valueGenerator(corr, rel, outer, ctx, pos);
      outerKeys = vg.outerKeys;
      op = "IS NOT DISTINCT FROM";
      const items: SelectItem[] = [...vg.keyRefs.map((k) => ({ pos, expr: k })), item];
      const from = joined("INNER", vg.cteName, q.from, and(vg.conditions)!, pos);
      const groupBy = q.groupBy === undefined ? undefined : [...q.groupBy, ...vg.keyRefs];
      const query: Query = { ...q, items, from, where: and(corr.local), groupBy };
      sub = bindQuery(query, withCte(ctx, vg.cteName, vg.keys));
    }
    const n = outerKeys.length;
    const type = withNullability(sub.fields[n]!.type, true);
    const single = build.aggregate(
      sub,
      outerKeys.map((_, i) => i),
      [
        {
          fn: "SINGLE_VALUE",
          args: [n],
          constants: [],
          distinct: false,
          filter: -1,
          type,
          name: sub.fields[n]!.name,
        },
      ],
    );
    const cond = joinCondition(outerKeys, single, 0, width, op, pos);
    return { rel: build.join("LEFT", rel, single, cond), ref: inputRef(width + n, type) };
  }
  // An aggregate over the rows matching each combination of outer values. Conditions holding
  // subqueries cannot go into the join's ON: they filter a single FROM table first, under its
  // own name.
  let inner: TableRef = q.from;
  let local = corr.local;
  if (local.some(hasAnySubquery)) {
    if (inner.kind !== "table") {
      throw new SqlPlanError(
        "A correlated scalar subquery with an aggregate can hold subqueries in its WHERE clause only when it reads a single table",
        pos,
      );
    }
    const where = and(local.filter(hasAnySubquery));
    inner = filtered(inner, where!);
    local = local.filter((c) => !hasAnySubquery(c));
  }
  // Which joined rows matched: the inner side of an equality is then not NULL; without
  // equalities, a marker column joined to the FROM.
  let matched: Expr;
  if (corr.pairs.length > 0) {
    matched = { kind: "is", pos, not: true, test: "NULL", operand: corr.pairs[0]!.inner };
  } else {
    inner = withMarker(inner, pos);
    matched = {
      kind: "is",
      pos,
      not: true,
      test: "NULL",
      operand: { kind: "identifier", pos, parts: [MARKER, MARKER] },
    };
  }
  const vg = valueGenerator(corr, rel, outer, ctx, pos);
  const on = and([...vg.conditions, ...local])!;
  const rewritten: Query = {
    ...q,
    items: [
      { ...item, expr: onlyMatched(item.expr, matched) },
      ...vg.keyRefs.map((k) => ({ pos, expr: k })),
    ],
    from: joined("LEFT", vg.cteName, inner, on, pos),
    where: undefined,
    groupBy: [...vg.keyRefs],
    having: q.having === undefined ? undefined : onlyMatched(q.having, matched),
  };
  const sub = bindQuery(rewritten, withCte(ctx, vg.cteName, vg.keys));
  const type = withNullability(sub.fields[0]!.type, true);
  const cond = joinCondition(vg.outerKeys, sub, 1, width, "IS NOT DISTINCT FROM", pos);
  return { rel: build.join("LEFT", rel, sub, cond), ref: inputRef(width, type) };
}

/**
 * The subquery of EXISTS / IN correlated through conditions other than equalities: its first
 * `keep` items, then the outer values, over the value generator joined to its FROM; the
 * correlation matches the outer row's values (IS NOT DISTINCT FROM), over the outer row followed
 * by the subquery's columns.
 */
export function keyedSubquery(
  q: SelectQuery & { from: TableRef },
  keep: number,
  corr: Correlation,
  rel: RelNode,
  outer: ExprContext,
  ctx: BindContext,
  bindQuery: QueryBinder,
  pos: SourcePos,
): { sub: RelNode; correlation: RexNode } {
  refuseOuterReferences(q, outer, ctx, bindQuery);
  const vg = valueGenerator(corr, rel, outer, ctx, pos);
  const query: Query = {
    ...q,
    items: [...q.items.slice(0, keep), ...vg.keyRefs.map((k) => ({ pos, expr: k }))],
    from: joined("INNER", vg.cteName, q.from, and(vg.conditions)!, pos),
    where: and(corr.local),
  };
  const sub = bindQuery(query, withCte(ctx, vg.cteName, vg.keys));
  const correlation = joinCondition(
    vg.outerKeys,
    sub,
    keep,
    rel.fields.length,
    "IS NOT DISTINCT FROM",
    pos,
  );
  return { sub, correlation };
}

/** The name of the marker relation and its one column (see {@link withMarker}). */
const MARKER = "$matched";

/** `from CROSS JOIN (VALUES (TRUE)) AS $matched($matched)`: a column never NULL when joined. */
function withMarker(from: TableRef, pos: SourcePos): TableRef {
  const marker: TableRef = {
    kind: "subqueryRef",
    pos,
    lateral: false,
    alias: MARKER,
    columnAliases: [MARKER],
    query: {
      kind: "values",
      pos,
      rows: [[{ kind: "literal", pos, type: "boolean", value: "TRUE", text: "TRUE" }]],
    },
  };
  return {
    kind: "join",
    pos,
    joinType: "CROSS",
    natural: false,
    comma: false,
    left: from,
    right: marker,
  };
}

/** Table `t` filtered by `where`, still under its name: `(SELECT * FROM t WHERE ...) AS t`. */
function filtered(t: TableRef & { kind: "table" }, where: Expr): TableRef {
  return {
    kind: "subqueryRef",
    pos: t.pos,
    lateral: false,
    alias: t.alias ?? t.name[t.name.length - 1]!,
    query: {
      kind: "select",
      pos: t.pos,
      hints: [],
      distinct: false,
      items: [{ pos: t.pos, expr: { kind: "star", pos: t.pos, qualifier: [] } }],
      from: t,
      where,
      windows: [],
    },
  };
}

/** `cte [LEFT] JOIN right ON on`. */
function joined(
  type: "INNER" | "LEFT",
  cte: string,
  right: TableRef,
  on: Expr,
  pos: SourcePos,
): TableRef {
  return {
    kind: "join",
    pos,
    joinType: type,
    natural: false,
    comma: false,
    left: { kind: "table", pos, name: [cte], hints: [] },
    right,
    on,
  };
}

function withCte(ctx: BindContext, name: string, rel: RelNode): BindContext {
  const ctes = new Map(ctx.ctes);
  ctes.set(name, rel);
  return { ...ctx, ctes };
}

/** `outer_i op right.(first + i)` AND-ed, over the outer row followed by `right`'s fields. */
function joinCondition(
  outerKeys: readonly RexNode[],
  right: RelNode,
  first: number,
  width: number,
  op: "=" | "IS NOT DISTINCT FROM",
  pos: SourcePos,
): RexNode {
  const conds = outerKeys.map((o, i) =>
    at(pos, () => call(op, [o, inputRef(width + first + i, right.fields[first + i]!.type)])),
  );
  return conds.reduce((a, b) => call("AND", [a, b]));
}

/** `e` with `FILTER (WHERE matched [AND its own filter])` on each aggregate call. */
function onlyMatched(e: Expr, matched: Expr): Expr {
  return mapExpr(e, (node) => {
    if (node.kind !== "call" || !isAggregateCall(node)) return undefined;
    const filter: Expr =
      node.filter === undefined
        ? matched
        : { kind: "binary", pos: node.pos, op: "AND", left: matched, right: node.filter };
    return { ...node, filter };
  });
}
