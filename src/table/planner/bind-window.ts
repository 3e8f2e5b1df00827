/**
 * OVER window calls of a SELECT block without GROUP BY: `f(...) OVER (PARTITION BY .. ORDER BY ..
 * [ROWS | RANGE frame])` and `f(...) OVER w` with `WINDOW w AS (...)`.
 *
 * Like aggregation: a projection appends the partition keys, order keys and arguments to the
 * FROM row, one {@link WindowNode} per distinct (PARTITION BY, ORDER BY) appends its calls'
 * results, and the SELECT list is then bound over the last one, each OVER call being a reference
 * to its result column (`ExprContext.windowed`). Frames default as in SQL: with ORDER BY,
 * `RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW` (peers included); without, the whole
 * partition. Result types follow Flink (ROW_NUMBER, RANK, DENSE_RANK, NTILE: BIGINT NOT NULL).
 */
import { cast, inputRef, rexToString, type RexNode } from "../expr/rex.ts";
import type { CallExpr, FrameBound, WindowSpec } from "../sql/ast-calls.ts";
import type { Expr } from "../sql/ast-expr.ts";
import type { SelectQuery } from "../sql/ast-query.ts";
import { exprToString } from "../sql/index.ts";
import { BIGINT, DOUBLE, notNull, withNullability } from "../types/index.ts";
import { aggregateCall, childrenOf } from "./bind-aggregate.ts";
import { AGGREGATE_FUNCTIONS, bindExpr, type ExprContext } from "./bind-expr.ts";
import { lookupUserAggregate } from "../runtime/user-functions.ts";
import * as build from "./builders.ts";
import { at, SqlPlanError } from "./errors.ts";
import type {
  FrameBoundSpec,
  FrameSpec,
  RelNode,
  SortKey,
  WindowCall,
  WindowNode,
} from "./logical.ts";

const RANKING = new Set(["ROW_NUMBER", "RANK", "DENSE_RANK", "PERCENT_RANK", "CUME_DIST"]);
const NUMERIC = new Set(["TINYINT", "SMALLINT", "INT", "BIGINT", "DECIMAL", "FLOAT", "DOUBLE"]);
const TEMPORAL = new Set(["TIMESTAMP", "TIMESTAMP_LTZ"]);

/** The OVER calls in `exprs`, in order of appearance (an OVER call inside another is an error). */
export function collectOverCalls(exprs: readonly Expr[]): CallExpr[] {
  const found: CallExpr[] = [];
  const walk = (e: Expr, inside: CallExpr | null): void => {
    if (e.kind === "call" && e.over !== undefined) {
      if (inside !== null) {
        throw new SqlPlanError(
          `OVER windows cannot be nested: ${exprToString(e)} inside ${exprToString(inside)}`,
          e.pos,
        );
      }
      found.push(e);
      for (const ch of childrenOf(e)) walk(ch, e);
      return;
    }
    for (const ch of childrenOf(e)) walk(ch, inside);
  };
  for (const e of exprs) walk(e, null);
  return found;
}

/** A bound window: what the calls sharing it are computed over. */
interface BoundSpec {
  readonly partition: number[];
  readonly order: SortKey[];
  readonly spec: WindowSpec;
}

/**
 * Adds the window nodes computing `calls` over `input` (whose fields `ctx.scope` resolves).
 * Returns the plan (input fields first, unchanged) and each call's result column.
 */
export function bindWindows(
  q: SelectQuery,
  items: readonly { expr: Expr; name?: string }[],
  calls: readonly CallExpr[],
  input: RelNode,
  ctx: ExprContext,
): { rel: RelNode; refs: Map<Expr, RexNode> } {
  const pre: RexNode[] = build.identity(input);
  const preNames: string[] = input.fields.map((f) => f.name);
  const digests = new Map<string, number>();
  const fieldOf = (e: Expr, clause: string): number => {
    const r = bindExpr(e, { ...ctx, clause });
    if (r.kind === "input") return r.index;
    const d = rexToString(r);
    const known = digests.get(d);
    if (known !== undefined) return known;
    pre.push(r);
    preNames.push(`$f${pre.length - 1}`);
    digests.set(d, pre.length - 1);
    return pre.length - 1;
  };
  const groups = new Map<string, { spec: BoundSpec; calls: CallExpr[]; bound: WindowCall[] }>();
  calls.forEach((c, i) => {
    const spec = resolveSpec(c, q);
    const partition = spec.partitionBy.map((p) => fieldOf(p, "PARTITION BY clause"));
    const order: SortKey[] = spec.orderBy.map((o) => {
      const descending = o.direction === "DESC";
      const nullsFirst = o.nulls === undefined ? !descending : o.nulls === "FIRST";
      return { field: fieldOf(o.expr, "ORDER BY clause of a window"), descending, nullsFirst };
    });
    const bspec: BoundSpec = { partition, order, spec };
    const key = JSON.stringify([partition, order]);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { spec: bspec, calls: [], bound: [] }));
    const item = items.find((it) => it.expr === c);
    g.calls.push(c);
    g.bound.push(
      windowCall(c, bspec, item?.name ?? `w${i}$o0`, { ...ctx, pre, preNames, fieldOf }, items),
    );
  });
  let rel: RelNode = pre.length > input.fields.length ? build.project(input, pre, preNames) : input;
  const refs = new Map<Expr, RexNode>();
  for (const g of groups.values()) {
    const base = rel.fields.length;
    const names = build.uniqueNames([
      ...rel.fields.map((f) => f.name),
      ...g.bound.map((b) => b.name),
    ]);
    const types = [...rel.fields.map((f) => f.type), ...g.bound.map((b) => b.type)];
    const node: WindowNode = {
      kind: "window",
      input: rel,
      partitionKeys: g.spec.partition,
      orderKeys: g.spec.order,
      calls: g.bound,
      fields: types.map((type, i) => ({ name: names[i]!, type })),
    };
    rel = node;
    g.calls.forEach((c, j) => refs.set(c, inputRef(base + j, g.bound[j]!.type)));
  }
  return { rel, refs };
}

/** The window of `c`: inline, named (`OVER w`), or inline over a named base (`OVER (w ...)`). */
function resolveSpec(c: CallExpr, q: SelectQuery): WindowSpec {
  const over = c.over!;
  const seen = new Set<string>();
  const named = (name: string, pos: typeof c.pos): WindowSpec => {
    const w = q.windows.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (w === undefined) throw new SqlPlanError(`Window '${name}' not found`, pos);
    if (seen.has(w.name)) throw new SqlPlanError(`Window '${name}' is defined by itself`, pos);
    seen.add(w.name);
    return w.spec.base !== undefined ? merge(named(w.spec.base, w.pos), w.spec) : w.spec;
  };
  if (over.kind === "windowRef") return named(over.name, over.pos);
  return over.base !== undefined ? merge(named(over.base, over.pos), over) : over;
}

function merge(base: WindowSpec, spec: WindowSpec): WindowSpec {
  if (spec.partitionBy.length > 0) {
    throw new SqlPlanError(
      `A window based on window '${spec.base}' cannot have its own PARTITION BY`,
      spec.pos,
    );
  }
  if (spec.orderBy.length > 0 && base.orderBy.length > 0) {
    throw new SqlPlanError(
      `A window based on window '${spec.base}' cannot override its ORDER BY`,
      spec.pos,
    );
  }
  return {
    ...spec,
    partitionBy: base.partitionBy,
    orderBy: spec.orderBy.length > 0 ? spec.orderBy : base.orderBy,
    ...((spec.frame ?? base.frame) ? { frame: spec.frame ?? base.frame } : {}),
  };
}

interface CallContext extends ExprContext {
  readonly pre: RexNode[];
  readonly preNames: string[];
  readonly fieldOf: (e: Expr, clause: string) => number;
}

function windowCall(
  c: CallExpr,
  w: BoundSpec,
  name: string,
  ctx: CallContext,
  items: readonly { expr: Expr; name?: string }[],
): WindowCall {
  const fn = c.name.join(".").toUpperCase();
  const where = `${fn}(...) OVER`;
  if (c.filter !== undefined || c.quantifier === "DISTINCT" || c.withinGroup !== undefined) {
    throw new SqlPlanError(
      `FILTER, DISTINCT and WITHIN GROUP are not supported in ${where} yet`,
      c.pos,
    );
  }
  if (c.nullTreatment === "IGNORE") {
    throw new SqlPlanError(`IGNORE NULLS is not supported in ${where} yet`, c.pos);
  }
  const needOrder = (): void => {
    if (w.order.length === 0)
      throw new SqlPlanError(`${fn} needs an ORDER BY in its window`, c.pos);
  };
  const noFrame = (): void => {
    if (w.spec.frame !== undefined) {
      throw new SqlPlanError(
        `${fn} does not take a window frame (ROWS or RANGE)`,
        w.spec.frame.pos,
      );
    }
  };
  const args = (min: number, max: number): readonly Expr[] => {
    if (c.args.length < min || c.args.length > max) {
      const n = min === max ? `${min}` : `${min} to ${max}`;
      throw new SqlPlanError(`${fn} takes ${n} argument(s), got ${c.args.length}`, c.pos);
    }
    return c.args;
  };
  const frame = frameOf(w, ctx);
  const base = { fn, args: [] as number[], constants: [] as number[], frame, name };
  if (RANKING.has(fn)) {
    args(0, 0);
    needOrder();
    noFrame();
    const type = fn === "PERCENT_RANK" || fn === "CUME_DIST" ? DOUBLE() : BIGINT();
    return { ...base, type: notNull(type) };
  }
  if (fn === "NTILE") {
    const [n] = args(1, 1);
    needOrder();
    noFrame();
    return {
      ...base,
      constants: [intLiteral(n!, 1, "NTILE's bucket count")],
      type: notNull(BIGINT()),
    };
  }
  if (fn === "LAG" || fn === "LEAD") {
    const [x, off, dflt] = args(1, 3);
    needOrder();
    noFrame();
    const value = ctx.fieldOf(x!, `${fn} argument`);
    const type = withNullability(ctx.pre[value]!.type, true);
    const out = [value];
    if (dflt !== undefined) {
      const d = bindExpr(dflt, { ...ctx, clause: `${fn} default` });
      const typed = d.type.kind === type.kind ? d : at(dflt.pos, () => cast(d, type));
      ctx.pre.push(typed);
      ctx.preNames.push(`$f${ctx.pre.length - 1}`);
      out.push(ctx.pre.length - 1);
    }
    const offset = off === undefined ? 1 : intLiteral(off, 0, `${fn}'s offset`);
    return { ...base, args: out, constants: [offset], type };
  }
  if (fn === "FIRST_VALUE" || fn === "LAST_VALUE") {
    const [x] = args(1, 1);
    const value = ctx.fieldOf(x!, `${fn} argument`);
    return { ...base, args: [value], type: withNullability(ctx.pre[value]!.type, true) };
  }
  const aggregate = AGGREGATE_FUNCTIONS.has(fn) || lookupUserAggregate(fn) !== undefined;
  if (aggregate && fn !== "LISTAGG" && c.name.length === 1) {
    const before = ctx.pre.length;
    const a = aggregateCall(
      c,
      0,
      { ...ctx, clause: "OVER aggregate argument" },
      ctx.pre,
      ctx.preNames,
      items,
    );
    // A plain column argument is read where it is (no copy in the pre-projection).
    const used = a.args.map((i) => {
      const r = ctx.pre[i]!;
      return r.kind === "input" ? r.index : i;
    });
    if (used.every((i) => i < before)) {
      ctx.pre.length = before;
      ctx.preNames.length = before;
    }
    return { ...base, fn: a.fn, args: used.every((i) => i < before) ? used : a.args, type: a.type };
  }
  throw new SqlPlanError(
    `${fn} is not a window function (or is not supported with OVER yet)`,
    c.pos,
  );
}

function intLiteral(e: Expr, min: number, what: string): number {
  const v = e.kind === "literal" && e.type === "integer" ? Number(e.value) : NaN;
  if (!Number.isSafeInteger(v) || v < min) {
    throw new SqlPlanError(
      `${what} must be an integer literal >= ${min}, got ${exprToString(e)}`,
      e.pos,
    );
  }
  return v;
}

const RANKS = [
  "UNBOUNDED_PRECEDING",
  "PRECEDING",
  "CURRENT_ROW",
  "FOLLOWING",
  "UNBOUNDED_FOLLOWING",
];

/** The frame of a window (its SQL default when not written), checked. */
function frameOf(w: BoundSpec, ctx: CallContext): FrameSpec {
  const f = w.spec.frame;
  if (f === undefined) {
    return w.order.length > 0
      ? { unit: "RANGE", start: { kind: "UNBOUNDED_PRECEDING" }, end: { kind: "CURRENT_ROW" } }
      : {
          unit: "ROWS",
          start: { kind: "UNBOUNDED_PRECEDING" },
          end: { kind: "UNBOUNDED_FOLLOWING" },
        };
  }
  const key = w.order.length === 1 ? ctx.pre[w.order[0]!.field]! : null;
  const temporal = key !== null && TEMPORAL.has(key.type.kind);
  const start = boundOf(f.start, f.unit, temporal, ctx);
  const end =
    f.end === undefined ? { kind: "CURRENT_ROW" as const } : boundOf(f.end, f.unit, temporal, ctx);
  if (
    start.kind === "UNBOUNDED_FOLLOWING" ||
    end.kind === "UNBOUNDED_PRECEDING" ||
    RANKS.indexOf(start.kind) > RANKS.indexOf(end.kind)
  ) {
    throw new SqlPlanError(
      `Invalid window frame: it cannot start at ${start.kind.replace("_", " ")} and end at ${end.kind.replace("_", " ")}`,
      f.pos,
    );
  }
  if (f.unit === "RANGE" && (start.offset !== undefined || end.offset !== undefined)) {
    if (key === null || !(NUMERIC.has(key.type.kind) || temporal)) {
      throw new SqlPlanError(
        "A RANGE frame with an offset needs exactly one ORDER BY key of a numeric type (or a TIMESTAMP with an INTERVAL offset)",
        f.pos,
      );
    }
  }
  return { unit: f.unit, start, end };
}

/**
 * One frame bound. An offset of a RANGE frame over a TIMESTAMP key (`temporal`) is an INTERVAL
 * DAY TO SECOND literal, kept as milliseconds; any other offset is a numeric literal.
 */
function boundOf(
  b: FrameBound,
  unit: "ROWS" | "RANGE",
  temporal: boolean,
  ctx: ExprContext,
): FrameBoundSpec {
  switch (b.kind) {
    case "unboundedPreceding":
      return { kind: "UNBOUNDED_PRECEDING" };
    case "unboundedFollowing":
      return { kind: "UNBOUNDED_FOLLOWING" };
    case "currentRow":
      return { kind: "CURRENT_ROW" };
    case "preceding":
    case "following": {
      const kind = b.kind === "preceding" ? "PRECEDING" : "FOLLOWING";
      const e = b.offset!;
      if (unit === "RANGE" && temporal) {
        const r = e.kind === "interval" ? bindExpr(e, { ...ctx, clause: "window frame" }) : null;
        const ms = r !== null && r.kind === "literal" ? Number(r.value) : NaN;
        if (r === null || r.type.kind !== "INTERVAL_DAY_TIME" || !(ms >= 0)) {
          throw new SqlPlanError(
            `The offset of ${kind} over a TIMESTAMP ORDER BY key must be an INTERVAL DAY TO SECOND literal >= 0 (INTERVAL '1' HOUR), got ${exprToString(e)}`,
            e.pos,
          );
        }
        return { kind, offset: ms };
      }
      if (e.kind === "interval") {
        throw new SqlPlanError(
          `An INTERVAL offset needs a RANGE frame over one TIMESTAMP ORDER BY key, got ${exprToString(e)}`,
          e.pos,
        );
      }
      const ok =
        e.kind === "literal" &&
        (e.type === "integer" ||
          (unit === "RANGE" && (e.type === "decimal" || e.type === "approx")));
      const v = ok ? Number(e.value) : NaN;
      if (!Number.isFinite(v) || v < 0 || (unit === "ROWS" && !Number.isSafeInteger(v))) {
        throw new SqlPlanError(
          `The offset of ${kind} must be a ${unit === "ROWS" ? "integer" : "numeric"} literal >= 0, got ${exprToString(e)}`,
          e.pos,
        );
      }
      return { kind, offset: v };
    }
  }
}
