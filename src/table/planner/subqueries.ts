/**
 * Subqueries in WHERE conjuncts, rewritten into joins: `x IN (SELECT y ...)` and `EXISTS (...)`
 * become semi joins, their negations anti joins. `x NOT IN (SELECT y ...)` keeps SQL's
 * three-valued logic: a NULL on either side matches, so a subquery holding a NULL (or a NULL `x`
 * against a non-empty subquery) filters the row out, as `NOT IN` yields NULL there. Subqueries
 * correlated in their WHERE clause are decorrelated (correlation.ts, subqueries-correlated.ts).
 */
import { call, inputRef, literal, type RexNode } from "../expr/rex.ts";
import type { Expr } from "../sql/ast-expr.ts";
import type { Query } from "../sql/ast-query.ts";
import { BOOLEAN, notNull, withNullability } from "../types/index.ts";
import { childrenOf, collectAggregates } from "./bind-aggregate.ts";
import type { QueryBinder } from "./bind-from.ts";
import { bindExpr, type ExprContext } from "./bind-expr.ts";
import * as build from "./builders.ts";
import type { BindContext } from "./context.ts";
import { at, SqlPlanError } from "./errors.ts";
import type { RelNode } from "./logical.ts";
import { containsSubquery, isCorrelated, splitCorrelation } from "./correlation.ts";
import { bindCorrelatedScalar, keyedSubquery } from "./subqueries-correlated.ts";

/**
 * Scalar subqueries (`(SELECT MAX(x) FROM t)`) in `exprs` (not inside IN / EXISTS or other
 * subqueries): each is reduced to at most one row by SINGLE_VALUE (a run-time error when it has
 * more) and left-joined to `rel` on TRUE, so it adds one column — NULL when the subquery is
 * empty. A correlated one is joined on its correlation (see subqueries-correlated.ts). Returns
 * the widened relation and the column of each subquery.
 */
export function attachScalarSubqueries(
  exprs: readonly Expr[],
  input: RelNode,
  outer: ExprContext,
  ctx: BindContext,
  bindQuery: QueryBinder,
): { rel: RelNode; refs: Map<Expr, RexNode> } {
  const found: Expr[] = [];
  const walk = (e: Expr): void => {
    if (e.kind === "subquery") {
      found.push(e);
      return;
    }
    if (e.kind === "exists" || e.kind === "inQuery" || e.kind === "quantified") return;
    for (const c of childrenOf(e)) walk(c);
  };
  for (const e of exprs) walk(e);
  let rel = input;
  const refs = new Map<Expr, RexNode>();
  for (const e of found) {
    if (e.kind !== "subquery") continue;
    const q = e.query;
    if (q.kind === "select" && q.from !== undefined && q.where !== undefined) {
      const corr = splitCorrelation({ ...q, from: q.from, where: q.where }, outer, ctx, bindQuery);
      if (isCorrelated(corr)) {
        const bound = bindCorrelatedScalar(
          e,
          { ...q, from: q.from },
          corr,
          rel,
          outer,
          ctx,
          bindQuery,
        );
        refs.set(e, bound.ref);
        rel = bound.rel;
        continue;
      }
    }
    const sub = subquery(e.query, ctx, bindQuery, e.pos);
    if (sub.fields.length !== 1) {
      throw new SqlPlanError(
        `A scalar subquery must return one column, this one returns ${sub.fields.length}`,
        e.pos,
      );
    }
    const type = withNullability(sub.fields[0]!.type, true);
    const single = build.aggregate(
      sub,
      [],
      [
        {
          fn: "SINGLE_VALUE",
          args: [0],
          constants: [],
          distinct: false,
          filter: -1,
          type,
          name: sub.fields[0]!.name,
        },
      ],
    );
    refs.set(e, inputRef(rel.fields.length, type));
    rel = build.join("LEFT", rel, single, literal(true, notNull(BOOLEAN())));
  }
  return { rel, refs };
}

export { splitConjuncts } from "./correlation.ts";

/**
 * If conjunct `c` is an IN / EXISTS subquery (possibly under NOT), the join of `rel` that
 * applies it; otherwise null.
 */
export function bindSubqueryConjunct(
  c: Expr,
  rel: RelNode,
  outer: ExprContext,
  ctx: BindContext,
  bindQuery: QueryBinder,
): RelNode | null {
  let negated = false;
  let e = c;
  while (e.kind === "unary" && e.op === "NOT") {
    negated = !negated;
    e = e.operand;
  }
  if (e.kind === "exists") {
    const { sub, correlation } = decorrelate(e.query, 0, rel, outer, ctx, bindQuery, e.pos);
    return build.join(negated ? "ANTI" : "SEMI", rel, sub, correlation ?? trueLiteral());
  }
  if (e.kind === "inQuery") {
    negated = negated !== e.not;
    const x = bindExpr(e.operand, outer);
    const { sub, correlation } = decorrelate(e.query, 1, rel, outer, ctx, bindQuery, e.pos);
    if (sub.fields.length < 1 || (correlation === null && sub.fields.length !== 1)) {
      throw new SqlPlanError(
        `The subquery of IN must return one column, it returns ${sub.fields.length}`,
        e.pos,
      );
    }
    const y = inputRef(rel.fields.length, sub.fields[0]!.type);
    let cond: RexNode = at(e.pos, () => call("=", [x, y]));
    if (negated) {
      cond = at(e.pos, () =>
        call("OR", [call("OR", [cond, call("IS NULL", [x])]), call("IS NULL", [y])]),
      );
    }
    if (correlation !== null) cond = at(e.pos, () => call("AND", [cond, correlation]));
    return build.join(negated ? "ANTI" : "SEMI", rel, sub, cond);
  }
  if (containsSubquery(e)) {
    throw new SqlPlanError(
      "IN / EXISTS subqueries are supported only as conditions of a WHERE clause joined by AND (not under OR or inside other expressions)",
      e.pos,
    );
  }
  return null;
}

function trueLiteral(): RexNode {
  return literal(true, notNull(BOOLEAN()));
}

/**
 * Binds the subquery of EXISTS / IN. When its WHERE clause refers to the outer query through
 * equalities (`inner.col = outer.col`, conjuncts of the WHERE of a plain SELECT), those
 * conjuncts are taken out: the inner sides become extra output columns of the subquery (after
 * its first `keep` columns) and the equalities the join's correlation condition over the outer
 * row followed by the subquery's columns. Other conditions on the outer query go through the
 * value generator (see `keyedSubquery`).
 */
function decorrelate(
  q: Query,
  keep: number,
  outerRel: RelNode,
  outer: ExprContext,
  ctx: BindContext,
  bindQuery: QueryBinder,
  pos: Expr["pos"],
): { sub: RelNode; correlation: RexNode | null } {
  if (q.kind !== "select" || q.from === undefined || q.where === undefined) {
    return { sub: subquery(q, ctx, bindQuery, pos), correlation: null };
  }
  const corr = splitCorrelation({ ...q, from: q.from, where: q.where }, outer, ctx, bindQuery);
  if (!isCorrelated(corr)) return { sub: subquery(q, ctx, bindQuery, pos), correlation: null };
  if (
    q.groupBy !== undefined ||
    q.distinct ||
    collectAggregates(q.items.map((i) => i.expr)).length > 0
  ) {
    throw new SqlPlanError(
      "Correlated EXISTS / IN subqueries with GROUP BY, DISTINCT or aggregates are not supported yet",
      pos,
    );
  }
  if (corr.residual.length > 0) {
    return keyedSubquery({ ...q, from: q.from }, keep, corr, outerRel, outer, ctx, bindQuery, pos);
  }
  const { local, pairs } = corr;
  const where = local.reduce<Expr | undefined>(
    (acc, c) =>
      acc === undefined ? c : { kind: "binary", pos: c.pos, op: "AND", left: acc, right: c },
    undefined,
  );
  const items = [
    ...q.items.slice(0, keep),
    ...pairs.map((p, i) => ({ pos: p.inner.pos, expr: p.inner, alias: `$corr${i}` })),
  ];
  const sub = bindQuery({ ...q, items, where }, ctx);
  const width = outerRel.fields.length;
  const conds = pairs.map((p, i) => {
    const o = bindExpr(p.outer, outer);
    const field = sub.fields[keep + i]!;
    return at(p.outer.pos, () => call("=", [o, inputRef(width + keep + i, field.type)]));
  });
  return { sub, correlation: conds.reduce((a, b) => call("AND", [a, b])) };
}

function subquery(q: Query, ctx: BindContext, bindQuery: QueryBinder, pos: Expr["pos"]): RelNode {
  try {
    return bindQuery(q, ctx);
  } catch (err) {
    if (
      err instanceof SqlPlanError &&
      /not found in any table|Table '[^']*' not found/.test(err.message)
    ) {
      throw new SqlPlanError(
        `${err.reason} (a subquery may refer to the outer query only in its WHERE clause)`,
        err.line > 0 ? { line: err.line, column: err.column, offset: 0 } : pos,
        { cause: err },
      );
    }
    throw err;
  }
}
