/**
 * Subqueries in WHERE conjuncts, rewritten into joins: `x IN (SELECT y ...)` and `EXISTS (...)`
 * become semi joins, their negations anti joins. `x NOT IN (SELECT y ...)` keeps SQL's
 * three-valued logic: a NULL on either side matches, so a subquery holding a NULL (or a NULL `x`
 * against a non-empty subquery) filters the row out, as `NOT IN` yields NULL there. Subqueries
 * that refer to columns of the outer query (correlated) are not supported yet.
 */
import { call, inputRef, literal, type RexNode } from "../expr/rex.ts";
import type { Expr } from "../sql/ast-expr.ts";
import type { Query } from "../sql/ast-query.ts";
import { BOOLEAN, notNull, withNullability } from "../types/index.ts";
import { childrenOf } from "./bind-aggregate.ts";
import { bindExpr, type ExprContext } from "./bind-expr.ts";
import type { QueryBinder } from "./bind-from.ts";
import * as build from "./builders.ts";
import type { BindContext } from "./context.ts";
import { at, SqlPlanError } from "./errors.ts";
import type { RelNode } from "./logical.ts";

/**
 * Scalar subqueries (`(SELECT MAX(x) FROM t)`) in `exprs` (not inside IN / EXISTS or other
 * subqueries): each is reduced to at most one row by SINGLE_VALUE (a run-time error when it has
 * more) and left-joined to `rel` on TRUE, so it adds one column — NULL when the subquery is
 * empty. Returns the widened relation and the column of each subquery.
 */
export function attachScalarSubqueries(
  exprs: readonly Expr[],
  input: RelNode,
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

/** The conjuncts of `e` (`a AND b AND c` -> a, b, c). */
export function splitConjuncts(e: Expr): Expr[] {
  if (e.kind === "binary" && e.op === "AND") {
    return [...splitConjuncts(e.left), ...splitConjuncts(e.right)];
  }
  return [e];
}

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
    const sub = subquery(e.query, ctx, bindQuery, e.pos);
    return build.join(negated ? "ANTI" : "SEMI", rel, sub, literal(true, notNull(BOOLEAN())));
  }
  if (e.kind === "inQuery") {
    negated = negated !== e.not;
    const x = bindExpr(e.operand, outer);
    const sub = subquery(e.query, ctx, bindQuery, e.pos);
    if (sub.fields.length !== 1) {
      throw new SqlPlanError(
        `The subquery of IN must return one column, it returns ${sub.fields.length}`,
        e.pos,
      );
    }
    const y = inputRef(rel.fields.length, sub.fields[0]!.type);
    const shiftedX = x;
    let cond: RexNode = at(e.pos, () => call("=", [shiftedX, y]));
    if (negated) {
      cond = at(e.pos, () =>
        call("OR", [call("OR", [cond, call("IS NULL", [shiftedX])]), call("IS NULL", [y])]),
      );
    }
    return build.join(negated ? "ANTI" : "SEMI", rel, sub, cond);
  }
  if (containsSubquery(e)) {
    throw new SqlPlanError(
      "Subqueries are supported only as IN / EXISTS conditions of a WHERE clause, joined by AND; scalar and correlated subqueries are not supported yet",
      e.pos,
    );
  }
  return null;
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
        `${err.reason} (correlated subqueries are not supported yet)`,
        err.line > 0 ? { line: err.line, column: err.column, offset: 0 } : pos,
        { cause: err },
      );
    }
    throw err;
  }
}

function containsSubquery(e: Expr): boolean {
  if (e.kind === "exists" || e.kind === "inQuery" || e.kind === "quantified") return true;
  return childrenOf(e).some(containsSubquery);
}
