/**
 * Binding of an aggregated SELECT block: GROUP BY (with GROUPING SETS, ROLLUP and CUBE),
 * aggregates, HAVING, and GROUPING() / GROUPING_ID() / GROUP_ID().
 *
 * A projection computes the group keys (every distinct expression of any grouping set) and the
 * aggregate arguments over the FROM row. With one grouping set an aggregate node groups them;
 * with several, an {@link ExpandNode} first copies each row once per set (keys outside the set
 * NULL, the set's position in a last column `$e`) and the aggregate groups by the keys and `$e`.
 * The SELECT list and HAVING are then bound over the aggregate's output: a grouped expression or
 * an aggregate call is a reference to its column, GROUPING(...) a CASE over `$e`.
 */
import { call, caseWhen, inputRef, literal, nullLiteral, type RexNode } from "../expr/rex.ts";
import type { CallExpr } from "../sql/ast-calls.ts";
import type { Expr } from "../sql/ast-expr.ts";
import type { GroupingElement, SelectQuery } from "../sql/ast-query.ts";
import { exprToString } from "../sql/index.ts";
import { BIGINT, notNull, withNullability } from "../types/index.ts";
import { aggregateCall } from "./bind-aggregate.ts";
import { bindExpr, type ExprContext } from "./bind-expr.ts";
import * as build from "./builders.ts";
import type { BindContext } from "./context.ts";
import { SqlPlanError } from "./errors.ts";
import { expand } from "./expand.ts";
import type { AggCall, Field, RelNode } from "./logical.ts";
import { Scope } from "./scope.ts";

/** More grouping sets than this (CUBE of 12 or more expressions) is refused. */
export const MAX_GROUPING_SETS = 4096;

/** A SELECT list item with its output name. */
interface Item {
  readonly expr: Expr;
  readonly name?: string;
}

/**
 * The grouping sets of a GROUP BY clause, in order, each a list of expressions: its items
 * combined as a cross product, `(a, b)` a group of expressions, `()` the empty set, ROLLUP and
 * CUBE their prefixes and subsets.
 */
export function groupingSetsOf(groupBy: readonly GroupingElement[]): Expr[][] {
  let sets: Expr[][] = [[]];
  for (const g of groupBy) {
    const own = setsOf(g);
    sets = sets.flatMap((s) => own.map((o) => [...s, ...o]));
    if (sets.length > MAX_GROUPING_SETS) {
      throw new SqlPlanError(
        `GROUP BY has more than ${MAX_GROUPING_SETS} grouping sets (${sets.length} so far)`,
        g.pos,
      );
    }
  }
  return sets;
}

function group(e: Expr): Expr[] {
  return e.kind === "row" && !e.explicit ? [...e.fields] : [e];
}

function setsOf(g: GroupingElement): Expr[][] {
  switch (g.kind) {
    case "groupingSets":
      return g.sets.flatMap(setsOf);
    case "rollup": {
      const groups = g.exprs.map(group);
      const out: Expr[][] = [];
      for (let n = groups.length; n >= 0; n--) out.push(groups.slice(0, n).flat());
      return out;
    }
    case "cube": {
      const groups = g.exprs.map(group);
      if (groups.length > 12) {
        throw new SqlPlanError(`CUBE of ${groups.length} groups is too large (at most 12)`, g.pos);
      }
      const out: Expr[][] = [];
      const n = groups.length;
      for (let mask = (1 << n) - 1; mask >= 0; mask--) {
        out.push(groups.filter((_, i) => (mask & (1 << (n - 1 - i))) !== 0).flat());
      }
      return out;
    }
    default:
      return [group(g)];
  }
}

/** The full text of an expression (exprToString shortens long ones), to compare them. */
function digest(e: Expr): string {
  return exprToString(e, Infinity);
}

const GROUPING_FUNCTIONS = new Set(["GROUPING", "GROUPING_ID", "GROUP_ID"]);

function isGroupingCall(e: Expr): e is CallExpr {
  return (
    e.kind === "call" &&
    e.over === undefined &&
    e.name.length === 1 &&
    GROUPING_FUNCTIONS.has(e.name[0]!.toUpperCase())
  );
}

/** Binds an aggregated SELECT block (GROUP BY or aggregate calls) over `input`. */
export function bindAggregate(
  q: SelectQuery,
  items: readonly Item[],
  aggCalls: readonly CallExpr[],
  input: RelNode,
  scope: Scope,
  ctx: BindContext,
): RelNode {
  const gctx: ExprContext = { scope, clause: "GROUP BY clause", typeOf: ctx.typeOf };
  const sets = groupingSetsOf(q.groupBy ?? []);
  // The keys: each distinct expression of any set; a set is the positions of its keys.
  const keys: Expr[] = [];
  const keyIndex = new Map<string, number>();
  const members: Set<number>[] = sets.map((s) => {
    const m = new Set<number>();
    for (const e of s) {
      const d = digest(e);
      let i = keyIndex.get(d);
      if (i === undefined) {
        i = keys.length;
        keys.push(e);
        keyIndex.set(d, i);
      }
      m.add(i);
    }
    return m;
  });
  const pre: RexNode[] = keys.map((g) => bindExpr(g, gctx));
  const preNames: string[] = keys.map((g, i) =>
    g.kind === "identifier" ? g.parts[g.parts.length - 1]! : `$f${i}`,
  );
  const actx: ExprContext = { ...gctx, clause: "aggregate function argument" };
  const aggs: AggCall[] = aggCalls.map((c, i) => aggregateCall(c, i, actx, pre, preNames, items));
  const projected = build.project(input, pre, preNames);
  const nk = keys.length;
  const expanded = sets.length > 1;
  let agg: RelNode;
  if (!expanded) {
    agg = build.aggregate(
      projected,
      keys.map((_, i) => i),
      aggs,
    );
  } else {
    const partial = (j: number): boolean => members.some((m) => !m.has(j));
    const fields: Field[] = projected.fields.map((f, j) =>
      j < nk && partial(j) ? { name: f.name, type: withNullability(f.type, true) } : f,
    );
    fields.push({ name: "$e", type: notNull(BIGINT()) });
    const projects = members.map((m, i) => [
      ...fields
        .slice(0, -1)
        .map((f, j) => (j < nk && !m.has(j) ? nullLiteral(f.type) : inputRef(j, f.type))),
      literal(i, notNull(BIGINT())),
    ]);
    const emptySets = members.flatMap((m, i) => (m.size === 0 ? [i] : []));
    const ex = expand(projected, projects, fields, emptySets);
    agg = build.aggregate(ex, [...keys.map((_, i) => i), ex.expandId], aggs);
  }
  const aggBase = expanded ? nk + 1 : nk;
  const outFields = agg.fields;
  const keyOf = (e: Expr): number | undefined => {
    const i = keyIndex.get(digest(e));
    if (i !== undefined) return i;
    if (e.kind === "identifier" && e.parts.length > 1) {
      // `t.a` grouped as `a` (or the reverse): compare the resolved columns.
      for (const [d, idx] of keyIndex) if (d === e.parts[e.parts.length - 1]) return idx;
    }
    return undefined;
  };
  const aggIndex = new Map<string, number>();
  aggCalls.forEach((c, i) => aggIndex.set(digest(c), aggBase + i));
  const eRef = expanded ? inputRef(nk, outFields[nk]!.type) : null;
  const post: ExprContext = {
    scope: Scope.of(null, outFields),
    clause: "SELECT list",
    typeOf: ctx.typeOf,
    grouped: (e) => {
      if (isGroupingCall(e)) return groupingValue(e, members, keyOf, eRef);
      const k = keyOf(e);
      if (k !== undefined) return inputRef(k, outFields[k]!.type);
      const a = aggIndex.get(digest(e));
      return a === undefined ? null : inputRef(a, outFields[a]!.type);
    },
  };
  let rel: RelNode = agg;
  if (q.having !== undefined) {
    const cond = bindExpr(q.having, { ...post, clause: "HAVING clause" });
    const k = cond.type.kind;
    if (k !== "BOOLEAN" && k !== "NULL") {
      throw new SqlPlanError(
        `The HAVING clause must be a BOOLEAN condition, got ${k}: ${exprToString(q.having)}`,
        q.having.pos,
      );
    }
    rel = build.filter(rel, cond);
  }
  const exprs = items.map((it) => bindExpr(it.expr, post));
  const names = items.map((it, n) => it.name ?? `EXPR$${n}`);
  return build.project(rel, exprs, names);
}

/**
 * GROUPING(a, ...) / GROUPING_ID(a, ...): per grouping set, a bit per argument (the first the
 * most significant), 1 when the argument is not in the set; GROUP_ID(): how many earlier sets
 * equal the row's set. A constant with one set, else a CASE over the set id `eRef`.
 */
function groupingValue(
  c: CallExpr,
  members: readonly Set<number>[],
  keyOf: (e: Expr) => number | undefined,
  eRef: RexNode | null,
): RexNode {
  const fn = c.name[0]!.toUpperCase();
  if (c.filter !== undefined || c.quantifier !== undefined) {
    throw new SqlPlanError(`${fn} takes no DISTINCT or FILTER`, c.pos);
  }
  let values: number[];
  if (fn === "GROUP_ID") {
    if (c.args.length > 0) throw new SqlPlanError("GROUP_ID takes no arguments", c.pos);
    const text = members.map((m) => [...m].sort((a, b) => a - b).join(","));
    values = text.map((t, i) => text.slice(0, i).filter((x) => x === t).length);
  } else {
    if (c.args.length === 0) throw new SqlPlanError(`${fn} needs at least one argument`, c.pos);
    if (c.args.length > 53) throw new SqlPlanError(`${fn} takes at most 53 arguments`, c.pos);
    const positions = c.args.map((a) => {
      const k = keyOf(a);
      if (k === undefined) {
        throw new SqlPlanError(
          `Argument of ${fn} must be an expression of GROUP BY: ${exprToString(a)}`,
          a.pos,
        );
      }
      return k;
    });
    values = members.map((m) => positions.reduce((acc, k) => acc * 2 + (m.has(k) ? 0 : 1), 0));
  }
  const type = notNull(BIGINT());
  if (eRef === null || values.every((v) => v === values[0])) return literal(values[0]!, type);
  const branches = values
    .slice(0, -1)
    .map((v, i) => [call("=", [eRef, literal(i, type)]), literal(v, type)] as const);
  return caseWhen(branches, literal(values[values.length - 1]!, type), type);
}
