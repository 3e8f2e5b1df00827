/**
 * The correlation of a subquery with its outer query: which conjuncts of its WHERE clause refer
 * to the outer query (equalities `inner = outer`, and other conditions such as `o.ts < c.ts`),
 * and the "value generator" that decorrelates them: the distinct values of the outer columns
 * the subquery depends on, as a relation the subquery's FROM can be joined with.
 */
import { type RexNode } from "../expr/rex.ts";
import type { Expr } from "../sql/ast-expr.ts";
import type { SelectQuery, TableRef } from "../sql/ast-query.ts";
import type { SourcePos } from "../sql/errors.ts";
import { exprToString } from "../sql/index.ts";
import { childrenOf } from "./bind-aggregate.ts";
import { bindExpr, type ExprContext } from "./bind-expr.ts";
import { bindFrom, type QueryBinder } from "./bind-from.ts";
import * as build from "./builders.ts";
import type { BindContext } from "./context.ts";
import { SqlPlanError } from "./errors.ts";
import type { RelNode } from "./logical.ts";

/** The conjuncts of `e` (`a AND b AND c` -> a, b, c). */
export function splitConjuncts(e: Expr): Expr[] {
  if (e.kind === "binary" && e.op === "AND") {
    return [...splitConjuncts(e.left), ...splitConjuncts(e.right)];
  }
  return [e];
}

/** Whether `e` holds an IN / EXISTS / quantified subquery (not looking into scalar ones). */
export function containsSubquery(e: Expr): boolean {
  if (e.kind === "exists" || e.kind === "inQuery" || e.kind === "quantified") return true;
  return childrenOf(e).some(containsSubquery);
}

/** Whether `e` holds a subquery of any kind, scalar ones included. */
export function hasAnySubquery(e: Expr): boolean {
  return e.kind === "subquery" || containsSubquery(e) || childrenOf(e).some(hasAnySubquery);
}

/** `a AND b AND ...` of `conjuncts` (undefined when empty). */
export function and(conjuncts: readonly Expr[]): Expr | undefined {
  return conjuncts.reduce<Expr | undefined>(
    (acc, c) =>
      acc === undefined ? c : { kind: "binary", pos: c.pos, op: "AND", left: acc, right: c },
    undefined,
  );
}

/**
 * `e` with every node for which `f` returns an expression replaced by it (a structural copy;
 * subqueries are left as they are).
 */
export function mapExpr(e: Expr, f: (node: Expr) => Expr | undefined): Expr {
  const map = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(map);
    if (x === null || typeof x !== "object") return x;
    const node = x as Expr;
    if (typeof node.kind === "string") {
      const r = f(node);
      if (r !== undefined) return r;
      if (node.kind === "subquery" || node.kind === "exists" || node.kind === "inQuery") return x;
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) out[k] = k === "pos" ? v : map(v);
    return out;
  };
  return map(e) as Expr;
}

/** The WHERE clause of a subquery split into its own conjuncts and its correlation. */
export interface Correlation {
  /** Conjuncts over the subquery's own FROM only. */
  readonly local: readonly Expr[];
  /** The equalities with the outer query: inner side, outer side. */
  readonly pairs: readonly { readonly inner: Expr; readonly outer: Expr }[];
  /** Other conjuncts that refer to the outer query (`o.ts < c.ts`). */
  readonly residual: readonly Expr[];
  /** The outer columns the residual conjuncts refer to, each once. */
  readonly outerRefs: readonly Expr[];
}

/** Whether the subquery refers to its outer query at all. */
export function isCorrelated(c: Correlation): boolean {
  return c.pairs.length > 0 || c.residual.length > 0;
}

/**
 * Splits the WHERE clause of `q` (a SELECT with FROM and WHERE) into local conjuncts, equalities
 * with the outer query and other conjuncts that refer to it. A conjunct holding a subquery is
 * local (a reference to the outer query in it fails when it is bound).
 */
export function splitCorrelation(
  q: SelectQuery & { from: TableRef; where: Expr },
  outer: ExprContext,
  ctx: BindContext,
  bindQuery: QueryBinder,
): Correlation {
  const inner = bindFrom(q.from, ctx, bindQuery).scope;
  const innerCtx: ExprContext = { scope: inner, clause: "WHERE clause", typeOf: ctx.typeOf };
  const local: Expr[] = [];
  const pairs: { inner: Expr; outer: Expr }[] = [];
  const residual: Expr[] = [];
  const outerRefs = new Map<string, Expr>();
  for (const c of splitConjuncts(q.where)) {
    if (hasAnySubquery(c) || resolves(c, innerCtx)) {
      local.push(c);
      continue;
    }
    if (c.kind === "binary" && c.op === "=") {
      if (resolves(c.left, innerCtx) && resolves(c.right, outer)) {
        pairs.push({ inner: c.left, outer: c.right });
        continue;
      }
      if (resolves(c.right, innerCtx) && resolves(c.left, outer)) {
        pairs.push({ inner: c.right, outer: c.left });
        continue;
      }
    }
    const refs = outerReferences(c, innerCtx, outer);
    if (refs.length === 0) {
      local.push(c); // refers to no outer column: binding it reports what is wrong
      continue;
    }
    for (const r of refs) outerRefs.set(exprToString(r), r);
    residual.push(c);
  }
  return { local, pairs, residual, outerRefs: [...outerRefs.values()] };
}

function resolves(x: Expr, c: ExprContext): boolean {
  try {
    bindExpr(x, c);
    return true;
  } catch {
    return false;
  }
}

/** The columns of `e` that are not the subquery's own but resolve in the outer query. */
function outerReferences(e: Expr, innerCtx: ExprContext, outer: ExprContext): Expr[] {
  if (e.kind === "identifier") {
    return !resolves(e, innerCtx) && resolves(e, outer) ? [e] : [];
  }
  return childrenOf(e).flatMap((c) => outerReferences(c, innerCtx, outer));
}

/**
 * Refuses references to the outer query in the select list, GROUP BY or HAVING of subquery `q`
 * (only its WHERE clause may correlate), naming the first one.
 */
export function refuseOuterReferences(
  q: SelectQuery & { from: TableRef },
  outer: ExprContext,
  ctx: BindContext,
  bindQuery: QueryBinder,
): void {
  const inner = bindFrom(q.from, ctx, bindQuery).scope;
  const innerCtx: ExprContext = { scope: inner, clause: "SELECT list", typeOf: ctx.typeOf };
  const grouped = (q.groupBy ?? []).filter(
    (g): g is Expr => g.kind !== "groupingSets" && g.kind !== "rollup" && g.kind !== "cube",
  );
  const exprs = [...q.items.map((i) => i.expr), ...grouped, ...(q.having ? [q.having] : [])];
  for (const x of exprs) {
    const ref = outerReferences(x, innerCtx, outer)[0];
    if (ref !== undefined && ref.kind === "identifier") {
      throw new SqlPlanError(
        `The correlated reference '${ref.parts.join(".")}' to the outer query is supported only in the subquery's WHERE clause, not in its SELECT list, GROUP BY or HAVING`,
        ref.pos,
      );
    }
  }
}

/** The distinct outer values a correlated subquery depends on (see {@link valueGenerator}). */
export interface ValueGenerator {
  /** The CTE name of the distinct values (columns `$k0`, `$k1`...). */
  readonly cteName: string;
  /** The relation of the distinct values, to register under {@link cteName}. */
  readonly keys: RelNode;
  /** `$corr_keysN.$ki` for each value. */
  readonly keyRefs: readonly Expr[];
  /** Each value over the outer row. */
  readonly outerKeys: readonly RexNode[];
  /**
   * The correlation over the values and the subquery's FROM: `$ki = inner` for the equalities,
   * the residual conjuncts with their outer columns replaced by the values.
   */
  readonly conditions: readonly Expr[];
}

/**
 * The value generator of `corr` over outer relation `rel`: the distinct values of the outer
 * sides of its equalities and of the outer columns of its residual conjuncts. Joining it with the
 * subquery's FROM on {@link ValueGenerator.conditions} gives, for each combination of outer
 * values, exactly the rows the subquery sees for an outer row with those values.
 */
export function valueGenerator(
  corr: Correlation,
  rel: RelNode,
  outer: ExprContext,
  ctx: BindContext,
  pos: SourcePos,
): ValueGenerator {
  const outerExprs = [...corr.pairs.map((p) => p.outer), ...corr.outerRefs];
  const outerKeys = outerExprs.map((x) => bindExpr(x, { ...outer, clause: "subquery" }));
  const names = outerExprs.map((_, i) => `$k${i}`);
  const keys = build.aggregate(
    build.project(rel, outerKeys, names),
    names.map((_, i) => i),
    [],
  );
  // Unique among the CTEs in reach (a nested subquery's generator sees this one), and the same
  // every time the statement is planned.
  const cteName = `$corr_keys${ctx.ctes.size}`;
  const keyRefs: Expr[] = names.map((n) => ({ kind: "identifier", pos, parts: [cteName, n] }));
  const refIndex = new Map<string, number>();
  corr.outerRefs.forEach((r, i) => refIndex.set(exprToString(r), corr.pairs.length + i));
  const conditions: Expr[] = [
    ...corr.pairs.map((p, i): Expr => ({
      kind: "binary",
      pos: p.inner.pos,
      op: "=",
      left: keyRefs[i]!,
      right: p.inner,
    })),
    ...corr.residual.map((c) =>
      mapExpr(c, (node) => {
        if (node.kind !== "identifier") return undefined;
        const i = refIndex.get(exprToString(node));
        return i === undefined ? undefined : keyRefs[i];
      }),
    ),
  ];
  return { cteName, keys, keyRefs, outerKeys, conditions };
}
