/**
 * QUALIFY: a filter on the results of window functions, applied after the window nodes of the
 * SELECT block (bind-window.ts) and before its SELECT list. Its OVER calls are computed like
 * those of the SELECT list (they need not be selected); an unqualified name that is no column
 * of the FROM clause may name a SELECT list item (`SELECT ..., ROW_NUMBER() OVER (...) AS rn
 * ... QUALIFY rn = 1`). On unbounded input only a Top-N (`QUALIFY ROW_NUMBER() OVER (...) <= N`,
 * planned as a Rank by rank.ts) can run; other OVER windows are refused when translated.
 */
import type { RexNode } from "../expr/rex.ts";
import type { CallExpr } from "../sql/ast-calls.ts";
import type { Expr } from "../sql/ast-expr.ts";
import { exprToString } from "../sql/index.ts";
import { bindExpr, type ExprContext } from "./bind-expr.ts";
import * as build from "./builders.ts";
import { SqlPlanError } from "./errors.ts";
import type { RelNode } from "./logical.ts";

/**
 * Checks a QUALIFY clause before binding: the block must have window functions (`overCalls`, of
 * the SELECT list and QUALIFY). `input` is the FROM plan.
 */
export function checkQualify(qualify: Expr, overCalls: readonly CallExpr[], _input: RelNode): void {
  if (overCalls.length === 0) {
    throw new SqlPlanError(
      "QUALIFY needs a window function (OVER) in the SELECT list or in QUALIFY; filter with WHERE instead",
      qualify.pos,
    );
  }
}

/**
 * The filter of `qualify` over `rel` (the FROM row followed by the window results; `ctx`
 * resolves its columns and OVER calls). `items` are the SELECT list, for references by alias.
 */
export function bindQualify(
  qualify: Expr,
  items: readonly { expr: Expr; name?: string }[],
  rel: RelNode,
  ctx: ExprContext,
): RelNode {
  const plain: ExprContext = { ...ctx, clause: "QUALIFY clause" };
  const qctx: ExprContext = {
    ...plain,
    grouped: (e) => {
      if (e.kind !== "identifier") return null;
      try {
        return bindExpr(e, plain);
      } catch (err) {
        const item = e.parts.length === 1 ? items.find((it) => it.name === e.parts[0]) : undefined;
        if (item === undefined || !(err instanceof SqlPlanError)) throw err;
        return bindExpr(item.expr, plain);
      }
    },
  };
  const cond: RexNode = bindExpr(qualify, qctx);
  const k = cond.type.kind;
  if (k !== "BOOLEAN" && k !== "NULL") {
    throw new SqlPlanError(
      `The QUALIFY clause must be a BOOLEAN condition, got ${k}: ${exprToString(qualify)}`,
      qualify.pos,
    );
  }
  return build.filter(rel, cond);
}
