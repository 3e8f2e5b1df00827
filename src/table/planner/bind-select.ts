/**
 * Binding of a SELECT block: FROM, WHERE (with IN / EXISTS subqueries as semi and anti joins),
 * GROUP BY with aggregates and HAVING, the SELECT list and DISTINCT.
 *
 * Aggregation follows the usual plan: a projection computes the group keys and the aggregate
 * arguments over the FROM row, an aggregate node groups them, and the SELECT list and HAVING are
 * then bound over the aggregate's output, where a grouped expression or an aggregate call is a
 * reference to its output column and any other column reference is an error.
 */
import { inputRef, type RexNode } from "../expr/rex.ts";
import type { CallExpr } from "../sql/ast-calls.ts";
import type { Expr } from "../sql/ast-expr.ts";
import type { SelectQuery } from "../sql/ast-query.ts";
import { exprToString } from "../sql/index.ts";
import { aggregateCall, collectAggregates } from "./bind-aggregate.ts";
import { bindExpr, type ExprContext } from "./bind-expr.ts";
import { bindWindows, collectOverCalls } from "./bind-window.ts";
import { bindFrom, type QueryBinder } from "./bind-from.ts";
import * as build from "./builders.ts";
import type { BindContext } from "./context.ts";
import { SqlPlanError } from "./errors.ts";
import type { AggCall, RelNode } from "./logical.ts";
import { Scope } from "./scope.ts";
import { attachScalarSubqueries, bindSubqueryConjunct, splitConjuncts } from "./subqueries.ts";

/** Binds a SELECT block. */
export function bindSelect(q: SelectQuery, ctx: BindContext, bindQuery: QueryBinder): RelNode {
  let rel: RelNode;
  let scope: Scope;
  if (q.from === undefined) {
    rel = { kind: "values", rows: [[]], fields: [] };
    scope = Scope.of(null, []);
  } else {
    ({ rel, scope } = bindFrom(q.from, ctx, bindQuery));
  }
  const items = expandStar(q, scope);
  const aggCalls = collectAggregates([
    ...items.map((i) => i.expr),
    ...(q.having ? [q.having] : []),
  ]);
  const conjuncts = q.where === undefined ? [] : splitConjuncts(q.where);
  // Scalar subqueries: each joined in as one more column (see subqueries.ts).
  const aggregated = q.groupBy !== undefined || aggCalls.length > 0;
  const scalar = attachScalarSubqueries(
    [...conjuncts, ...(aggregated ? [] : items.map((i) => i.expr))],
    rel,
    ctx,
    bindQuery,
  );
  rel = scalar.rel;
  const base: ExprContext = {
    scope,
    clause: "WHERE clause",
    typeOf: ctx.typeOf,
    subqueries: scalar.refs,
  };
  if (q.where !== undefined) {
    for (const c of conjuncts) {
      const semi = bindSubqueryConjunct(c, rel, base, ctx, bindQuery);
      if (semi !== null) {
        rel = semi;
        continue;
      }
      const cond = bindExpr(c, base);
      checkBoolean(cond, c, "WHERE clause");
      rel = build.filter(rel, cond);
    }
  }
  if (q.qualify !== undefined) {
    throw new SqlPlanError(
      "QUALIFY is not supported yet: filter the window function's column in an outer query (SELECT * FROM (SELECT ..., ROW_NUMBER() OVER (...) AS rn FROM t) WHERE rn = 1)",
      q.qualify.pos,
    );
  }
  let out: RelNode;
  if (q.groupBy !== undefined || aggCalls.length > 0) {
    out = bindAggregated(q, items, aggCalls, rel, scope, ctx);
  } else {
    if (q.having !== undefined) {
      throw new SqlPlanError("HAVING needs GROUP BY or an aggregate function", q.having.pos);
    }
    let sctx: ExprContext = { ...base, clause: "SELECT list" };
    const overCalls = collectOverCalls(items.map((i) => i.expr));
    if (overCalls.length > 0) {
      // OVER windows: computed by window nodes, then referenced (see bind-window.ts).
      const w = bindWindows(q, items, overCalls, rel, sctx);
      rel = w.rel;
      sctx = { ...sctx, windowed: w.refs };
    }
    const exprs = items.map((i) => bindExpr(i.expr, sctx));
    out = build.project(
      rel,
      exprs,
      items.map((i, n) => i.name ?? `EXPR$${n}`),
    );
  }
  if (q.distinct)
    out = build.aggregate(
      out,
      out.fields.map((_, i) => i),
      [],
    );
  return out;
}

interface Item {
  readonly expr: Expr;
  readonly name?: string;
}

function expandStar(q: SelectQuery, scope: Scope): Item[] {
  const out: Item[] = [];
  for (const it of q.items) {
    if (it.expr.kind === "star") {
      for (const { field, index } of scope.star(it.expr.qualifier, it.expr.pos)) {
        const entry = scope.entries.find(
          (e) => index >= e.offset && index < e.offset + e.fields.length,
        );
        const parts = entry?.alias ? [entry.alias, field.name] : [field.name];
        out.push({ expr: { kind: "identifier", pos: it.expr.pos, parts }, name: field.name });
      }
      continue;
    }
    const name =
      it.alias ??
      (it.expr.kind === "identifier" ? it.expr.parts[it.expr.parts.length - 1] : undefined);
    out.push({ expr: it.expr, name });
  }
  return out;
}

function bindAggregated(
  q: SelectQuery,
  items: readonly Item[],
  aggCalls: readonly CallExpr[],
  input: RelNode,
  scope: Scope,
  ctx: BindContext,
): RelNode {
  const gctx: ExprContext = {
    scope,
    clause: "GROUP BY clause",
    typeOf: ctx.typeOf,
  };
  const groupExprs: Expr[] = [];
  for (const g of q.groupBy ?? []) {
    if (g.kind === "groupingSets" || g.kind === "rollup" || g.kind === "cube") {
      throw new SqlPlanError("GROUPING SETS, ROLLUP and CUBE are not supported yet", g.pos);
    }
    groupExprs.push(g as Expr);
  }
  // Pre-projection: group keys, then each aggregate's arguments and filter.
  const pre: RexNode[] = groupExprs.map((g) => bindExpr(g, gctx));
  const preNames: string[] = groupExprs.map((g, i) =>
    g.kind === "identifier" ? g.parts[g.parts.length - 1]! : `$f${i}`,
  );
  const actx: ExprContext = { ...gctx, clause: "aggregate function argument" };
  const aggs: AggCall[] = aggCalls.map((c, i) => aggregateCall(c, i, actx, pre, preNames, items));
  const projected = build.project(input, pre, preNames);
  const agg = build.aggregate(
    projected,
    groupExprs.map((_, i) => i),
    aggs,
  );
  // Post-aggregation binding.
  const digests = new Map<string, number>();
  groupExprs.forEach((g, i) => digests.set(exprToString(g), i));
  aggCalls.forEach((c, i) => digests.set(exprToString(c), groupExprs.length + i));
  const outScope = Scope.of(null, agg.fields);
  const post: ExprContext = {
    scope: outScope,
    clause: "SELECT list",
    typeOf: ctx.typeOf,
    grouped: (e) => {
      const i = digests.get(exprToString(e));
      if (i !== undefined) return inputRef(i, agg.fields[i]!.type);
      if (e.kind === "identifier" && e.parts.length > 1) {
        // `t.a` grouped as `a` (or the reverse): compare the resolved columns.
        for (const [d, idx] of digests) {
          if (d === e.parts[e.parts.length - 1]) return inputRef(idx, agg.fields[idx]!.type);
        }
      }
      return null;
    },
  };
  let rel: RelNode = agg;
  if (q.having !== undefined) {
    const cond = bindExpr(q.having, { ...post, clause: "HAVING clause" });
    checkBoolean(cond, q.having, "HAVING clause");
    rel = build.filter(rel, cond);
  }
  const exprs = items.map((it) => bindExpr(it.expr, post));
  const names = items.map((it, n) => it.name ?? `EXPR$${n}`);
  return build.project(rel, exprs, names);
}

function checkBoolean(cond: RexNode, e: Expr, clause: string): void {
  const k = cond.type.kind;
  if (k !== "BOOLEAN" && k !== "NULL") {
    throw new SqlPlanError(
      `The ${clause} must be a BOOLEAN condition, got ${k}: ${exprToString(e)}`,
      e.pos,
    );
  }
}
