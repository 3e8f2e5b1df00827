/**
 * Binding of AST expressions to the typed expression IR: column names resolve against the
 * block's {@link Scope}, functions and operators against the scalar registry, and every type
 * error is reported at the position of the expression at fault. Aggregate calls and grouped
 * expressions are handed to the {@link ExprContext}'s hooks (see bind-aggregate.ts).
 */
import { call, caseWhen, cast, fieldAccess, inputRef, literal, type RexNode } from "../expr/rex.ts";
import { lookupScalar, sqlFunctionName } from "../expr/operators.ts";
import { notePosition } from "./rex-positions.ts";
import { lookupUserAggregate } from "../runtime/user-functions.ts";
import type { CallExpr } from "../sql/ast-calls.ts";
import type { Expr } from "../sql/ast-expr.ts";
import type { DataTypeNode } from "../sql/ast-types.ts";
import type { SourcePos } from "../sql/errors.ts";
import { exprToString } from "../sql/index.ts";
import { notNull, STRING, type LogicalType } from "../types/index.ts";
import { at, SqlPlanError } from "./errors.ts";
import { bindInterval, bindLiteral } from "./literals.ts";
import { bindSpecial } from "./bind-special.ts";
import type { Scope } from "./scope.ts";

/** The aggregate functions the planner knows (upper case). */
export const AGGREGATE_FUNCTIONS = new Set([
  "COUNT",
  "SUM",
  "SUM0",
  "AVG",
  "MIN",
  "MAX",
  "LISTAGG",
  "STDDEV",
  "STDDEV_POP",
  "STDDEV_SAMP",
  "VARIANCE",
  "VAR_POP",
  "VAR_SAMP",
  "FIRST_VALUE",
  "LAST_VALUE",
]);

/** Functions whose first argument is a time unit keyword (`TIMESTAMPADD(DAY, 1, ts)`). */
const TIME_UNIT_FIRST = new Set(["TIMESTAMPADD", "TIMESTAMPDIFF"]);

/** Whether `e` is a call of an aggregate function (not an OVER window). */
export function isAggregateCall(e: Expr): boolean {
  return (
    e.kind === "call" &&
    e.over === undefined &&
    e.name.length === 1 &&
    (AGGREGATE_FUNCTIONS.has(e.name[0]!.toUpperCase()) ||
      lookupUserAggregate(e.name[0]!) !== undefined)
  );
}

/** What binding an expression needs besides the AST. */
export interface ExprContext {
  /** Columns in reach. */
  readonly scope: Scope;
  /** Where the expression is (for messages): "WHERE clause", "SELECT list"... */
  readonly clause: string;
  /** Converts a written data type. */
  readonly typeOf: (node: DataTypeNode) => LogicalType;
  /**
   * After aggregation: the output reference of a grouped expression or an aggregate call, or
   * null when `e` is neither (then its parts are bound one by one).
   */
  readonly grouped?: (e: Expr) => RexNode | null;
  /** The column of each scalar subquery joined into the block (see subqueries.ts). */
  readonly subqueries?: ReadonlyMap<Expr, RexNode>;
  /** The result column of each OVER call of the SELECT list (see bind-window.ts). */
  readonly windowed?: ReadonlyMap<Expr, RexNode>;
}

/** Binds `e` in `ctx`. */
export function bindExpr(e: Expr, ctx: ExprContext): RexNode {
  if (ctx.grouped !== undefined) {
    const g = ctx.grouped(e);
    if (g !== null) return g;
  }
  switch (e.kind) {
    case "identifier": {
      if (ctx.grouped !== undefined) {
        throw new SqlPlanError(
          `Expression '${e.parts.join(".")}' is not being grouped (use it in GROUP BY or inside an aggregate function)`,
          e.pos,
        );
      }
      const ref = ctx.scope.resolve(e.parts, e.pos);
      let node: RexNode = inputRef(ref.index, ref.type);
      for (const part of ref.rest) node = at(e.pos, () => fieldAccess(node, part));
      return node;
    }
    case "literal":
      return bindLiteral(e);
    case "interval":
      return bindInterval(e);
    case "unary": {
      const o = e.operand;
      if (
        e.op === "-" &&
        o.kind === "literal" &&
        ["integer", "decimal", "approx"].includes(o.type)
      ) {
        // `-2` is a negative literal (ROUND(x, -2) needs to see the constant).
        const neg = o.value.startsWith("-") ? o.value.slice(1) : `-${o.value}`;
        return bindLiteral({ ...o, value: neg, text: `-${o.text}` });
      }
      const x = bindExpr(e.operand, ctx);
      if (e.op === "+") return x;
      return apply(e.op === "-" ? "UNARY_MINUS" : "NOT", [x], e.pos);
    }
    case "binary": {
      const l = bindExpr(e.left, ctx);
      const r = bindExpr(e.right, ctx);
      return apply(e.op, [l, r], e.pos);
    }
    case "is": {
      if (e.test.startsWith("JSON")) {
        const kind = e.test === "JSON" ? "VALUE" : e.test.slice(5);
        const x = apply(
          "IS JSON",
          [literal(kind, notNull(STRING())), bindExpr(e.operand, ctx)],
          e.pos,
        );
        return e.not ? apply("NOT", [x], e.pos) : x;
      }
      return apply(`IS ${e.not ? "NOT " : ""}${e.test}`, [bindExpr(e.operand, ctx)], e.pos);
    }
    case "distinctFrom":
      return apply(
        e.not ? "IS NOT DISTINCT FROM" : "IS DISTINCT FROM",
        [bindExpr(e.left, ctx), bindExpr(e.right, ctx)],
        e.pos,
      );
    case "between": {
      const name = `${e.not ? "NOT " : ""}BETWEEN${e.symmetric ? " SYMMETRIC" : ""}`;
      return apply(
        name,
        [e.operand, e.low, e.high].map((x) => bindExpr(x, ctx)),
        e.pos,
      );
    }
    case "like": {
      const args = [bindExpr(e.operand, ctx), bindExpr(e.pattern, ctx)];
      if (e.escape !== undefined) args.push(bindExpr(e.escape, ctx));
      return apply(`${e.not ? "NOT " : ""}${e.op}`, args, e.pos);
    }
    case "inList":
      return apply(
        e.not ? "NOT IN" : "IN",
        [e.operand, ...e.list].map((x) => bindExpr(x, ctx)),
        e.pos,
      );
    case "case": {
      const whens = e.whens.map((w) => {
        const cond =
          e.operand === undefined
            ? bindExpr(w.when, ctx)
            : apply("=", [bindExpr(e.operand, ctx), bindExpr(w.when, ctx)], w.pos);
        return [cond, bindExpr(w.then, ctx)] as const;
      });
      const otherwise = e.else === undefined ? null : bindExpr(e.else, ctx);
      return at(e.pos, () => caseWhen(whens, otherwise));
    }
    case "cast": {
      const x = bindExpr(e.operand, ctx);
      const target = ctx.typeOf(e.type);
      return at(e.pos, () => cast(x, target, e.safe));
    }
    case "call":
      return bindCall(e, ctx);
    case "extract":
      return apply("EXTRACT", [text(e.unit.toUpperCase()), bindExpr(e.operand, ctx)], e.pos);
    case "position": {
      const args = [bindExpr(e.needle, ctx), bindExpr(e.haystack, ctx)];
      if (e.from !== undefined) args.push(bindExpr(e.from, ctx));
      return apply("POSITION", args, e.pos);
    }
    case "trim": {
      const chars = e.chars === undefined ? text(" ") : bindExpr(e.chars, ctx);
      return apply("TRIM", [text(e.side), chars, bindExpr(e.operand, ctx)], e.pos);
    }
    case "substring": {
      const args = [bindExpr(e.operand, ctx), bindExpr(e.from, ctx)];
      if (e.for !== undefined) args.push(bindExpr(e.for, ctx));
      return apply("SUBSTRING", args, e.pos);
    }
    case "overlay": {
      const args = [e.operand, e.placing, e.from].map((x) => bindExpr(x, ctx));
      if (e.for !== undefined) args.push(bindExpr(e.for, ctx));
      return apply("OVERLAY", args, e.pos);
    }
    case "floorCeil":
      return apply(e.op, [bindExpr(e.operand, ctx), text(e.unit.toUpperCase())], e.pos);
    case "subquery": {
      const ref = ctx.subqueries?.get(e);
      if (ref !== undefined) return ref;
      throw new SqlPlanError(
        `Scalar subqueries are supported in the WHERE clause and in the SELECT list of a query without GROUP BY (found one in the ${ctx.clause})`,
        e.pos,
      );
    }
    case "inQuery":
    case "exists":
    case "quantified":
      throw new SqlPlanError(
        `Subqueries are supported only as IN / EXISTS conditions of a WHERE clause, joined by AND (found one in the ${ctx.clause}); scalar subqueries may also appear in WHERE and SELECT`,
        e.pos,
      );
    default: {
      const special = bindSpecial(e, (x) => bindExpr(x, ctx), apply);
      if (special !== null) return special;
      throw new SqlPlanError(`${describe(e)} is not supported in the ${ctx.clause} yet`, e.pos);
    }
  }
}

function bindCall(e: CallExpr, ctx: ExprContext): RexNode {
  const op = e.name.join(".").toUpperCase();
  const name = sqlFunctionName(op);
  if (e.over !== undefined) {
    const ref = ctx.windowed?.get(e);
    if (ref !== undefined) return ref;
    throw new SqlPlanError(
      `OVER windows are supported only in the SELECT list of a query without GROUP BY (found one in the ${ctx.clause}): ${exprToString(e)}`,
      e.pos,
    );
  }
  if (isAggregateCall(e)) {
    throw new SqlPlanError(`Aggregate function ${name} is not allowed in the ${ctx.clause}`, e.pos);
  }
  if (name === "GROUPING" || name === "GROUPING_ID" || name === "GROUP_ID") {
    // Bound by bind-grouping.ts where allowed: SELECT list and HAVING of an aggregated query.
    throw new SqlPlanError(
      `${name} is allowed only in the SELECT list and HAVING of a query with GROUP BY (found one in the ${ctx.clause}${ctx.clause === "ORDER BY clause" ? ": select it to order by it" : ""})`,
      e.pos,
    );
  }
  const args = e.args.map((a, i) =>
    i === 0 && TIME_UNIT_FIRST.has(name) && a.kind === "identifier" && a.parts.length === 1
      ? text(a.parts[0]!.toUpperCase())
      : bindExpr(a, ctx),
  );
  const def = lookupScalar(op);
  if (def === undefined) {
    throw new SqlPlanError(
      `No match found for function signature ${name}(${args.map((a) => typeName(a.type)).join(", ")})`,
      e.pos,
    );
  }
  return apply(op, args, e.pos);
}

/** A call of registered operator `op`, type errors reported at `pos`. */
export function apply(op: string, args: readonly RexNode[], pos: SourcePos): RexNode {
  const node = at(pos, () => call(op, args));
  notePosition(node, pos);
  return node;
}

function text(s: string): RexNode {
  return literal(s, notNull(STRING()));
}

function typeName(t: LogicalType): string {
  return t.kind;
}

function describe(e: Expr): string {
  return `Expression '${exprToString(e)}'`;
}
