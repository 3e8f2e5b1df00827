/**
 * Binding of a SELECT block: FROM, WHERE (with IN / EXISTS subqueries as semi and anti joins),
 * GROUP BY with aggregates and HAVING (bind-grouping.ts, with GROUPING SETS / ROLLUP / CUBE),
 * OVER windows and QUALIFY (bind-window.ts, bind-qualify.ts), the SELECT list and DISTINCT.
 *
 * Aggregation follows the usual plan: a projection computes the group keys and the aggregate
 * arguments over the FROM row, an aggregate node groups them, and the SELECT list and HAVING are
 * then bound over the aggregate's output, where a grouped expression or an aggregate call is a
 * reference to its output column and any other column reference is an error.
 */
import type { RexNode } from "../expr/rex.ts";
import type { Expr } from "../sql/ast-expr.ts";
import type { SelectQuery } from "../sql/ast-query.ts";
import { exprToString } from "../sql/index.ts";
import { collectAggregates } from "./bind-aggregate.ts";
import { bindAggregate } from "./bind-grouping.ts";
import { bindQualify, checkQualify } from "./bind-qualify.ts";
import { bindExpr, type ExprContext } from "./bind-expr.ts";
import { bindWindows, collectOverCalls } from "./bind-window.ts";
import { bindFrom, type QueryBinder } from "./bind-from.ts";
import { hasGroupWindow, rewriteGroupWindow } from "./group-window.ts";
import * as build from "./builders.ts";
import type { BindContext } from "./context.ts";
import { SqlPlanError } from "./errors.ts";
import type { RelNode } from "./logical.ts";
import { Scope } from "./scope.ts";
import { attachScalarSubqueries, bindSubqueryConjunct, splitConjuncts } from "./subqueries.ts";

/** Binds a SELECT block. */
export function bindSelect(q: SelectQuery, ctx: BindContext, bindQuery: QueryBinder): RelNode {
  if (hasGroupWindow(q)) {
    // GROUP BY TUMBLE(ts, ...): planned as the window TVF it means (group-window.ts).
    const r = rewriteGroupWindow(q, ctx, (rows) => bindSelect(rows, ctx, bindQuery));
    return bindSelect(r.query, r.ctx, bindQuery);
  }
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
    { scope, clause: "WHERE clause", typeOf: ctx.typeOf },
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
  if (q.qualify !== undefined && aggregated) {
    throw new SqlPlanError(
      "QUALIFY is supported only in a query without GROUP BY or aggregate functions: aggregate in a subquery and QUALIFY over it",
      q.qualify.pos,
    );
  }
  let out: RelNode;
  if (aggregated) {
    out = bindAggregate(q, items, aggCalls, rel, scope, ctx);
  } else {
    if (q.having !== undefined) {
      throw new SqlPlanError("HAVING needs GROUP BY or an aggregate function", q.having.pos);
    }
    let sctx: ExprContext = { ...base, clause: "SELECT list" };
    const overCalls = collectOverCalls([
      ...items.map((i) => i.expr),
      ...(q.qualify !== undefined ? [q.qualify] : []),
    ]);
    if (q.qualify !== undefined) checkQualify(q.qualify, overCalls, rel);
    if (overCalls.length > 0) {
      // OVER windows: computed by window nodes, then referenced (see bind-window.ts).
      const w = bindWindows(q, items, overCalls, rel, sctx);
      rel = w.rel;
      sctx = { ...sctx, windowed: w.refs };
    }
    if (q.qualify !== undefined) rel = bindQualify(q.qualify, items, rel, sctx);
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

function checkBoolean(cond: RexNode, e: Expr, clause: string): void {
  const k = cond.type.kind;
  if (k !== "BOOLEAN" && k !== "NULL") {
    throw new SqlPlanError(
      `The ${clause} must be a BOOLEAN condition, got ${k}: ${exprToString(e)}`,
      e.pos,
    );
  }
}
