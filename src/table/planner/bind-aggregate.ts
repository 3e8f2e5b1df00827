/**
 * Aggregate calls of a SELECT block: finding them in the SELECT list and HAVING, binding their
 * arguments (into the pre-aggregation projection) and typing their results as Flink does.
 */
import type { RexNode } from "../expr/rex.ts";
import type { CallExpr } from "../sql/ast-calls.ts";
import type { Expr } from "../sql/ast-expr.ts";
import { exprToString } from "../sql/index.ts";
import {
  avgAggType,
  BIGINT,
  notNull,
  STRING,
  sumAggType,
  withNullability,
  type LogicalType,
} from "../types/index.ts";
import { AGGREGATE_FUNCTIONS, bindExpr, isAggregateCall, type ExprContext } from "./bind-expr.ts";
import { lookupUserAggregate } from "../runtime/user-functions.ts";
import { userAggregateCall } from "./bind-user-aggregate.ts";
import { SqlPlanError } from "./errors.ts";
import type { AggCall } from "./logical.ts";

/** The sub-expressions of `e` (not descending into subqueries). */
export function childrenOf(e: Expr): Expr[] {
  const opt = (...xs: (Expr | undefined)[]): Expr[] => xs.filter((x): x is Expr => x !== undefined);
  switch (e.kind) {
    case "binary":
    case "distinctFrom":
      return [e.left, e.right];
    case "unary":
    case "is":
    case "cast":
    case "extract":
    case "floorCeil":
      return [e.operand];
    case "between":
      return [e.operand, e.low, e.high];
    case "like":
      return opt(e.operand, e.pattern, e.escape);
    case "inList":
      return [e.operand, ...e.list];
    case "inQuery":
    case "quantified":
      return [e.operand];
    case "case":
      return opt(e.operand, ...e.whens.flatMap((w) => [w.when, w.then]), e.else);
    case "call":
      return opt(...e.args, e.filter);
    case "position":
      return opt(e.needle, e.haystack, e.from);
    case "trim":
      return opt(e.chars, e.operand);
    case "substring":
      return opt(e.operand, e.from, e.for);
    case "overlay":
      return opt(e.operand, e.placing, e.from, e.for);
    default:
      return [];
  }
}

/** The distinct aggregate calls in `exprs`, in order of appearance. */
export function collectAggregates(exprs: readonly Expr[]): CallExpr[] {
  const found = new Map<string, CallExpr>();
  const walk = (e: Expr, inside: CallExpr | null): void => {
    if (isAggregateCall(e)) {
      const c = e as CallExpr;
      if (inside !== null) {
        throw new SqlPlanError(
          `Aggregate function calls cannot be nested: ${exprToString(c)} inside ${exprToString(inside)}`,
          c.pos,
        );
      }
      const d = exprToString(c);
      if (!found.has(d)) found.set(d, c);
      for (const ch of childrenOf(c)) walk(ch, c);
      return;
    }
    for (const ch of childrenOf(e)) walk(ch, inside);
  };
  for (const e of exprs) walk(e, null);
  return [...found.values()];
}

/**
 * Binds aggregate call `c` (the `index`-th of its block): its arguments and filter are appended
 * to `pre` (the pre-aggregation projection) and referenced by position.
 */
export function aggregateCall(
  c: CallExpr,
  index: number,
  ctx: ExprContext,
  pre: RexNode[],
  preNames: string[],
  items: readonly { expr: Expr; name?: string }[],
): AggCall {
  const fn = c.name[0]!.toUpperCase();
  if (!AGGREGATE_FUNCTIONS.has(fn) && lookupUserAggregate(fn) !== undefined) {
    return userAggregateCall(c, index, ctx, pre, preNames, items);
  }
  const star = c.args.length === 1 && c.args[0]!.kind === "star";
  const argExprs = star ? [] : [...c.args];
  const constants: unknown[] = [];
  if (fn === "LISTAGG" && argExprs.length === 2) {
    const sep = argExprs.pop()!;
    if (sep.kind !== "literal" || sep.type !== "string") {
      throw new SqlPlanError("LISTAGG's separator must be a string literal", sep.pos);
    }
    constants.push(sep.value);
  }
  if (fn !== "COUNT" && argExprs.length !== 1) {
    throw new SqlPlanError(`${fn} takes exactly one argument`, c.pos);
  }
  if (fn === "COUNT" && argExprs.length > 1 && c.quantifier !== "DISTINCT") {
    throw new SqlPlanError("COUNT takes one argument (or *)", c.pos);
  }
  const args: number[] = [];
  const argTypes: LogicalType[] = [];
  for (const a of argExprs) {
    const r = bindExpr(a, ctx);
    args.push(pre.length);
    argTypes.push(r.type);
    pre.push(r);
    preNames.push(`$f${pre.length - 1}`);
  }
  let filter = -1;
  if (c.filter !== undefined) {
    const r = bindExpr(c.filter, { ...ctx, clause: "FILTER clause" });
    if (r.type.kind !== "BOOLEAN") {
      throw new SqlPlanError(`FILTER needs a BOOLEAN condition, got ${r.type.kind}`, c.filter.pos);
    }
    filter = pre.length;
    pre.push(r);
    preNames.push(`$f${pre.length - 1}`);
  }
  const item = items.find((it) => it.expr === c);
  return {
    fn: fn === "STDDEV" ? "STDDEV_SAMP" : fn === "VARIANCE" ? "VAR_SAMP" : fn,
    args,
    constants,
    distinct: c.quantifier === "DISTINCT",
    filter,
    type: resultType(fn, argTypes, c),
    name: item?.name ?? `EXPR$agg${index}`,
  };
}

function resultType(fn: string, args: readonly LogicalType[], c: CallExpr): LogicalType {
  const arg = args[0];
  const numeric = (): LogicalType => {
    const k = arg?.kind;
    if (k === undefined || !NUMERIC.has(k)) {
      throw new SqlPlanError(
        `Cannot apply '${fn}' to arguments of type '${fn}(<${k ?? "NONE"}>)'. Supported form(s): '${fn}(<NUMERIC>)'`,
        c.pos,
      );
    }
    return arg!;
  };
  switch (fn) {
    case "COUNT":
      return notNull(BIGINT());
    case "SUM":
      return withNullability(sumAggType(numeric()), true);
    case "SUM0":
      return notNull(sumAggType(numeric()));
    case "AVG":
      return withNullability(avgAggType(numeric()), true);
    case "STDDEV":
    case "STDDEV_POP":
    case "STDDEV_SAMP":
    case "VARIANCE":
    case "VAR_POP":
    case "VAR_SAMP":
      return withNullability(avgAggType(numeric()), true);
    case "LISTAGG":
      return withNullability(STRING(), true);
    default:
      return withNullability(arg!, true);
  }
}

const NUMERIC = new Set(["TINYINT", "SMALLINT", "INT", "BIGINT", "DECIMAL", "FLOAT", "DOUBLE"]);
