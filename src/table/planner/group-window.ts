/**
 * The legacy group window syntax, `GROUP BY TUMBLE(ts, INTERVAL '1' HOUR), k` (and `HOP(ts,
 * slide, size)`, `SESSION(ts, gap)`) with `TUMBLE_START(ts, ...)`, `TUMBLE_END`,
 * `TUMBLE_ROWTIME` / `TUMBLE_PROCTIME` (HOP_*, SESSION_* alike) in the select list, planned as
 * the window TVF form it means: the FROM and WHERE rows become the table argument of
 * `TABLE(TUMBLE(TABLE rows, DESCRIPTOR(ts), ...))`, the group window becomes `window_start,
 * window_end`, and the auxiliary functions read those columns. A legacy SESSION groups
 * sessions per group key, so its other plain-column group keys become the TVF's PARTITION BY.
 */
import type { CallExpr, TableArgExpr } from "../sql/ast-calls.ts";
import type { Expr, IdentifierExpr } from "../sql/ast-expr.ts";
import type { GroupingElement, SelectQuery, TableFunctionRef } from "../sql/ast-query.ts";
import type { BindContext } from "./context.ts";
import { mapExpr } from "./correlation.ts";
import { SqlPlanError } from "./errors.ts";
import type { RelNode } from "./logical.ts";

const GROUP_WINDOWS = new Set(["TUMBLE", "HOP", "SESSION"]);

/** The rows being windowed, registered as a CTE under this name. */
const ROWS_NAME = "$group_window_rows";

function groupWindowOf(e: GroupingElement): CallExpr | null {
  if (e.kind !== "call") return null;
  const c = e as CallExpr;
  if (c.name.length !== 1 || !GROUP_WINDOWS.has(c.name[0]!.toUpperCase())) return null;
  return c.args.length >= 2 ? c : null;
}

/** Whether a SELECT groups by a legacy group window. */
export function hasGroupWindow(q: SelectQuery): boolean {
  return (q.groupBy ?? []).some((g) => groupWindowOf(g) !== null);
}

/**
 * `q` rewritten onto a window TVF, with the context holding its input rows; `bindRows` binds
 * the SELECT * FROM ... WHERE ... part.
 */
export function rewriteGroupWindow(
  q: SelectQuery,
  ctx: BindContext,
  bindRows: (rows: SelectQuery) => RelNode,
): { query: SelectQuery; ctx: BindContext } {
  const windows = (q.groupBy ?? []).map(groupWindowOf).filter((c) => c !== null);
  const w = windows[0]!;
  if (windows.length > 1) {
    throw new SqlPlanError("GROUP BY can hold only one group window", windows[1]!.pos);
  }
  if (q.from === undefined) throw new SqlPlanError("A group window needs a FROM clause", w.pos);
  const fn = w.name[0]!.toUpperCase();
  const time = w.args[0]!;
  if (time.kind !== "identifier") {
    throw new SqlPlanError(`${fn}'s first argument must be the time attribute column`, time.pos);
  }
  const rows = bindRows({
    ...q,
    distinct: false,
    items: [{ pos: q.pos, expr: { kind: "star", pos: q.pos, qualifier: [] } }],
    groupBy: undefined,
    having: undefined,
    qualify: undefined,
    windows: [],
  });
  const others = (q.groupBy ?? []).filter((g) => g !== w);
  const partitionBy =
    fn === "SESSION"
      ? others
          .filter((g): g is IdentifierExpr => g.kind === "identifier")
          .map((g) => ({ ...g, parts: [g.parts[g.parts.length - 1]!] }))
      : [];
  const table: TableArgExpr = {
    kind: "tableArg",
    pos: w.pos,
    table: [ROWS_NAME],
    partitionBy,
    orderBy: [],
  };
  const column = (time as IdentifierExpr).parts[(time as IdentifierExpr).parts.length - 1]!;
  const call: CallExpr = {
    ...w,
    name: [fn],
    args: [table, { kind: "descriptor", pos: time.pos, columns: [column] }, ...w.args.slice(1)],
  };
  const from = q.from;
  const alias =
    from.kind === "table"
      ? (from.alias ?? from.name[from.name.length - 1])
      : from.kind === "subqueryRef"
        ? from.alias
        : undefined;
  const tvf: TableFunctionRef = {
    kind: "tableFunction",
    pos: from.pos,
    lateral: false,
    call,
    ...(alias !== undefined ? { alias } : {}),
  };
  const id = (name: string, pos: Expr["pos"]): Expr => ({ kind: "identifier", pos, parts: [name] });
  const aux = (e: Expr): Expr =>
    mapExpr(e, (node) => {
      if (node.kind !== "call") return undefined;
      const c = node as CallExpr;
      const name = c.name.length === 1 ? c.name[0]!.toUpperCase() : "";
      if (name === `${fn}_START`) return id("window_start", c.pos);
      if (name === `${fn}_END`) return id("window_end", c.pos);
      // window_time is the window's rowtime or proctime attribute, as its time column is.
      if (name === `${fn}_ROWTIME` || name === `${fn}_PROCTIME`) return id("window_time", c.pos);
      return undefined;
    });
  const groupBy: GroupingElement[] = [];
  for (const g of q.groupBy ?? []) {
    if (g === w) {
      groupBy.push(id("window_start", w.pos), id("window_end", w.pos), id("window_time", w.pos));
    } else groupBy.push(g);
  }
  const query: SelectQuery = {
    ...q,
    from: tvf,
    where: undefined,
    groupBy,
    items: q.items.map((i) => ({ ...i, expr: aux(i.expr) })),
    ...(q.having !== undefined ? { having: aux(q.having) } : {}),
  };
  return { query, ctx: { ...ctx, ctes: new Map([...ctx.ctes, [ROWS_NAME, rows]]) } };
}
