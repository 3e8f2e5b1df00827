/**
 * Calls of user-defined aggregate functions (see api/user-table-functions.ts) in GROUP BY
 * queries and OVER windows, and the plan-time check that a streaming aggregation over an
 * updating input only uses user aggregates that can retract.
 */
import { sqlFunctionName } from "../expr/operators.ts";
import { call, type RexNode } from "../expr/rex.ts";
import { lookupUserAggregate } from "../runtime/user-functions.ts";
import type { CallExpr } from "../sql/ast-calls.ts";
import type { Expr } from "../sql/ast-expr.ts";
import { checkArguments } from "./bind-correlate.ts";
import { bindExpr, type ExprContext } from "./bind-expr.ts";
import { changelogModeOf } from "./changelog.ts";
import { SqlPlanError } from "./errors.ts";
import { inputsOf, type AggCall, type RelNode } from "./logical.ts";

/**
 * Binds user aggregate call `c` (the `index`-th of its block). Its arguments are packed into
 * one ROW value of the pre-aggregation projection (the runtime adapter spreads them again);
 * a call without arguments has none.
 */
export function userAggregateCall(
  c: CallExpr,
  index: number,
  ctx: ExprContext,
  pre: RexNode[],
  preNames: string[],
  items: readonly { expr: Expr; name?: string }[],
): AggCall {
  const fn = c.name[0]!.toUpperCase();
  const name = sqlFunctionName(fn);
  const def = lookupUserAggregate(fn)!;
  if (c.args.some((a) => a.kind === "star")) {
    throw new SqlPlanError(`Aggregate function ${name} does not take *`, c.pos);
  }
  const bound = c.args.map((a) => bindExpr(a, ctx));
  const checked = checkArguments(name, "Aggregate function", def.args, bound, c);
  const args: number[] = [];
  if (checked.length > 0) {
    args.push(pre.length);
    pre.push(call("ROW_VALUE", checked));
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
    fn,
    args,
    constants: [],
    distinct: c.quantifier === "DISTINCT",
    filter,
    type: def.resultType,
    name: item?.name ?? `EXPR$agg${index}`,
    pos: c.pos,
  };
}

/**
 * Refuses a plan in which a streaming group aggregation over an updating input (one that
 * retracts rows) calls a user aggregate without `retract()`.
 */
export function checkUserAggregates(rel: RelNode, batch: boolean): void {
  if (batch) return;
  if (rel.kind === "aggregate" && changelogModeOf(rel.input, batch) !== "I") {
    for (const a of rel.aggs) {
      const def = lookupUserAggregate(a.fn);
      if (def !== undefined && typeof def.impl.retract !== "function") {
        throw new SqlPlanError(
          `Aggregate function ${sqlFunctionName(def.name)} has no retract() method, but its input is an update stream (it retracts rows): implement retract(acc, ...args), or aggregate an insert-only input`,
          a.pos,
        );
      }
    }
  }
  for (const i of inputsOf(rel)) checkUserAggregates(i, batch);
}
