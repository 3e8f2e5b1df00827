/**
 * Window table-valued functions: `TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), size [, offset]))`,
 * `HOP(data, timecol, slide, size [, offset])`, `CUMULATE(data, timecol, step, size [, offset])`
 * and `SESSION(TABLE t [PARTITION BY k], DESCRIPTOR(ts), gap)`, positional or with Flink's
 * named arguments (`DATA =>`, `TIMECOL =>`, `SIZE =>`, `SLIDE =>`, `STEP =>`, `GAP =>`,
 * `OFFSET =>`). Each becomes a {@link WindowTvfNode}: the input columns, then `window_start`,
 * `window_end` (TIMESTAMP(3)) and `window_time` (`window_end` - 1 ms, a time attribute of the
 * time column's kind, an LTZ when the time column is one). A row of TUMBLE/HOP/CUMULATE gets one
 * output row per window containing it; SESSION rows get their session once it is closed
 * (runtime/window-session.ts).
 *
 * In streaming mode the time column must be a time attribute (checked by
 * {@link checkWindowTvfs}, which knows the mode): an event-time one, or a processing-time one
 * for TUMBLE / HOP / CUMULATE feeding a window aggregation (window-proctime.ts); in batch mode
 * any TIMESTAMP / TIMESTAMP_LTZ column but a processing-time attribute works.
 */
import { foldConstants } from "../expr/fold.ts";
import { visitRex } from "../expr/rex-util.ts";
import type { RexNode } from "../expr/rex.ts";
import type { CallExpr, DescriptorExpr, TableArgExpr } from "../sql/ast-calls.ts";
import type { Expr } from "../sql/ast-expr.ts";
import type { TableFunctionRef } from "../sql/ast-query.ts";
import type { SourcePos } from "../sql/errors.ts";
import { notNull, typeToString, type LogicalType } from "../types/index.ts";
import { TIMESTAMP, TIMESTAMP_LTZ } from "../types/type-constructors.ts";
import { isProctime, isRowtime, withTimeAttribute } from "../types/time-attributes.ts";
import { isDeterministic } from "../expr/rex.ts";
import { bindExpr } from "./bind-expr.ts";
import { changelogModeOf, isWindowAggregate } from "./changelog.ts";
import { windowBounds } from "./window-bounds.ts";
import type { BindContext } from "./context.ts";
import { SqlPlanError } from "./errors.ts";
import { inputsOf, type AggregateNode, type Field, type RelNode } from "./logical.ts";
import { Scope } from "./scope.ts";
import { checkProctimeWindow } from "./window-proctime.ts";

/** The window TVF kinds. */
export type WindowKind = "TUMBLE" | "HOP" | "CUMULATE" | "SESSION";

/** A window TVF applied to its input (see the module comment). */
export interface WindowTvfNode {
  readonly kind: "windowTvf";
  readonly input: RelNode;
  readonly fn: WindowKind;
  /** Input field index of the time column. */
  readonly timeField: number;
  /** Window size in ms (TUMBLE, HOP, CUMULATE's largest window; SESSION: the gap). */
  readonly size: number;
  /** HOP's slide, CUMULATE's step (ms); the size for TUMBLE and SESSION. */
  readonly step: number;
  /** Offset of the window starts (ms). */
  readonly offset: number;
  /** SESSION's PARTITION BY fields. */
  readonly partitionKeys: readonly number[];
  /** Where the call is written. */
  readonly pos: SourcePos;
  readonly fields: readonly Field[];
}

const PARAMS: Record<WindowKind, readonly string[]> = {
  TUMBLE: ["DATA", "TIMECOL", "SIZE", "OFFSET"],
  HOP: ["DATA", "TIMECOL", "SLIDE", "SIZE", "OFFSET"],
  CUMULATE: ["DATA", "TIMECOL", "STEP", "SIZE", "OFFSET"],
  SESSION: ["DATA", "TIMECOL", "GAP"],
};

/** Whether a FROM item is a window TVF call (`TABLE(TUMBLE(...))`, not LATERAL). */
export function isWindowTvf(ref: TableFunctionRef): boolean {
  const c = ref.call;
  return (
    !ref.lateral && c.kind === "call" && c.name.length === 1 && c.name[0]!.toUpperCase() in PARAMS
  );
}

/** Binds a window TVF; `bindTable` binds the table argument's name. */
export function bindWindowTvf(
  ref: TableFunctionRef,
  ctx: BindContext,
  bindTable: (name: readonly string[], pos: SourcePos) => RelNode,
): { rel: RelNode; scope: Scope } {
  const c = ref.call as CallExpr;
  const fn = c.name[0]!.toUpperCase() as WindowKind;
  const names = PARAMS[fn];
  const args = new Map<string, Expr>();
  let named = false;
  c.args.forEach((a, i) => {
    if (a.kind === "namedArg") {
      named = true;
      const n = a.name.toUpperCase();
      if (!names.includes(n)) {
        throw new SqlPlanError(
          `${fn} has no parameter ${a.name} (its parameters: ${names.join(", ")})`,
          a.pos,
        );
      }
      if (args.has(n)) throw new SqlPlanError(`${fn}: parameter ${n} given twice`, a.pos);
      args.set(n, a.value);
    } else {
      if (named) {
        throw new SqlPlanError(`${fn}: a positional argument cannot follow named ones`, a.pos);
      }
      if (i >= names.length) {
        throw new SqlPlanError(
          `${fn} takes at most ${names.length} arguments (${names.join(", ")}), got ${c.args.length}`,
          a.pos,
        );
      }
      args.set(names[i]!, a);
    }
  });
  for (const n of names) {
    if (n !== "OFFSET" && !args.has(n)) {
      throw new SqlPlanError(`${fn} needs the ${n} argument (${names.join(", ")})`, c.pos);
    }
  }
  const data = args.get("DATA")!;
  if (data.kind !== "tableArg") {
    throw new SqlPlanError(`${fn}'s first argument must be TABLE name`, data.pos);
  }
  const t = data as TableArgExpr;
  if (t.orderBy.length > 0) throw new SqlPlanError(`${fn} takes no ORDER BY`, t.pos);
  if (t.partitionBy.length > 0 && fn !== "SESSION") {
    throw new SqlPlanError(`Only SESSION takes PARTITION BY, not ${fn}`, t.pos);
  }
  const input = bindTable(t.table, t.pos);
  const scope = Scope.of(t.table[t.table.length - 1]!, input.fields);
  const exprCtx = { scope, clause: `${fn} arguments`, typeOf: ctx.typeOf };
  const partitionKeys = t.partitionBy.map((p) => {
    const e = bindExpr(p, exprCtx);
    if (e.kind !== "input") throw new SqlPlanError("PARTITION BY takes column names", p.pos);
    return e.index;
  });
  const timeField = timeColumn(fn, args.get("TIMECOL")!, input.fields);
  const interval = (n: string): number => intervalArg(fn, n, args.get(n), ctx);
  const size = interval(fn === "SESSION" ? "GAP" : "SIZE");
  const step = fn === "HOP" ? interval("SLIDE") : fn === "CUMULATE" ? interval("STEP") : size;
  const offset = args.has("OFFSET") ? interval("OFFSET") : 0;
  if (size <= 0 || step <= 0) {
    throw new SqlPlanError(`${fn}: window sizes must be positive`, c.pos);
  }
  if (fn === "CUMULATE" && size % step !== 0) {
    throw new SqlPlanError(
      `CUMULATE: the max window size (${size} ms) must be a multiple of the step (${step} ms)`,
      c.pos,
    );
  }
  const timeType = input.fields[timeField]!.type;
  const bound: LogicalType = notNull(TIMESTAMP(3));
  const windowTime = withTimeAttribute(
    notNull(timeType.kind === "TIMESTAMP_LTZ" ? TIMESTAMP_LTZ(3) : TIMESTAMP(3)),
    isProctime(input.fields[timeField]!) ? "PROCTIME" : "ROWTIME",
  );
  const columns: Field[] = [
    { name: "window_start", type: bound },
    { name: "window_end", type: bound },
    { name: "window_time", type: windowTime },
  ];
  const taken = new Set(input.fields.map((f) => f.name));
  for (const col of columns) {
    if (taken.has(col.name)) {
      throw new SqlPlanError(`${fn}: the input already has a column named ${col.name}`, c.pos);
    }
  }
  const node: WindowTvfNode = {
    kind: "windowTvf",
    input,
    fn,
    timeField,
    size,
    step,
    offset,
    partitionKeys,
    pos: c.pos,
    fields: [...input.fields, ...columns],
  };
  let fields = node.fields;
  if (ref.columnAliases !== undefined) {
    if (ref.columnAliases.length !== fields.length) {
      throw new SqlPlanError(
        `List of column aliases must have the same degree as the table: ${fields.length} columns, ${ref.columnAliases.length} aliases`,
        ref.pos,
      );
    }
    fields = fields.map((f, i) => ({ name: ref.columnAliases![i]!, type: f.type }));
  }
  return { rel: { ...node, fields }, scope: Scope.of(ref.alias ?? null, fields) };
}

function timeColumn(fn: string, arg: Expr, fields: readonly Field[]): number {
  if (arg.kind !== "descriptor" || (arg as DescriptorExpr).columns.length !== 1) {
    throw new SqlPlanError(`${fn}'s time column must be DESCRIPTOR(column)`, arg.pos);
  }
  const name = (arg as DescriptorExpr).columns[0]!;
  let i = fields.findIndex((f) => f.name === name);
  if (i < 0) i = fields.findIndex((f) => f.name.toLowerCase() === name.toLowerCase());
  if (i < 0) {
    throw new SqlPlanError(
      `${fn}: no column ${name} in the input (columns: ${fields.map((f) => f.name).join(", ")})`,
      arg.pos,
    );
  }
  const f = fields[i]!;
  if (f.type.kind !== "TIMESTAMP" && f.type.kind !== "TIMESTAMP_LTZ") {
    throw new SqlPlanError(
      `${fn}: the time column ${name} must be a time attribute (TIMESTAMP(3) with a WATERMARK), got ${typeToString(f.type)}`,
      arg.pos,
    );
  }
  return i;
}

function intervalArg(fn: string, n: string, arg: Expr | undefined, ctx: BindContext): number {
  const e: RexNode = foldConstants(
    bindExpr(arg!, { scope: new Scope([]), clause: `${fn} ${n}`, typeOf: ctx.typeOf }),
  );
  if (e.type.kind !== "INTERVAL_DAY_TIME" || e.kind !== "literal" || typeof e.value !== "number") {
    throw new SqlPlanError(
      `${fn}: ${n} must be a constant day-time INTERVAL (like INTERVAL '10' MINUTE), got ${typeToString(e.type)}`,
      arg!.pos,
    );
  }
  return e.value;
}

/**
 * Checks the window TVFs of a plan: in streaming mode the time column must be a time attribute
 * and the input insert-only; processing-time windows only where they can run
 * (window-proctime.ts).
 */
export function checkWindowTvfs(rel: RelNode, batch: boolean): void {
  const fused = new Set<WindowTvfNode>();
  const walk = (node: RelNode): void => {
    if (node.kind === "aggregate") {
      const f = fusableWindow(node);
      if (f !== null) fused.add(f.tvf);
    }
    checkProctimeWindow(node, batch, fused);
    if (node.kind === "windowTvf" && !batch) {
      const f = node.input.fields[node.timeField]!;
      if (!isRowtime(f) && !isProctime(f)) {
        throw new SqlPlanError(
          `${node.fn}: the time column ${f.name} is not a time attribute: declare a WATERMARK FOR it on the table, or use a PROCTIME() column (a plain TIMESTAMP works in batch mode only)`,
          node.pos,
        );
      }
      if (changelogModeOf(node.input, false) !== "I") {
        throw new SqlPlanError(
          `${node.fn} needs insert-only input, but its input produces updates`,
          node.pos,
        );
      }
    }
    for (const i of inputsOf(node)) walk(i);
  };
  walk(rel);
}

/** EXPLAIN's line for a window TVF. */
export function describeWindowTvf(rel: WindowTvfNode): string {
  const time = rel.input.fields[rel.timeField]!.name;
  const d = (ms: number): string => `${ms} ms`;
  const spec =
    rel.fn === "TUMBLE"
      ? `size=[${d(rel.size)}]`
      : rel.fn === "HOP"
        ? `slide=[${d(rel.step)}], size=[${d(rel.size)}]`
        : rel.fn === "CUMULATE"
          ? `step=[${d(rel.step)}], maxSize=[${d(rel.size)}]`
          : `gap=[${d(rel.size)}], partitionBy=[${rel.partitionKeys.map((k) => rel.input.fields[k]!.name).join(", ")}]`;
  const offset = rel.offset !== 0 ? `, offset=[${d(rel.offset)}]` : "";
  const proctime = isProctime(rel.input.fields[rel.timeField]!) ? ", proctime=[true]" : "";
  return `WindowTableFunction(window=[${rel.fn}(time_col=[${time}], ${spec}${offset})]${proctime})`;
}

/**
 * The window TVF a window aggregation can assign windows for itself (TUMBLE, HOP, CUMULATE),
 * with the filter between them: when the aggregate reads a deterministic projection over the
 * TVF (or over a filter over it) whose aggregate arguments and filters read no window column,
 * and whose group keys are window columns or read none. Null otherwise (the TVF then runs on
 * its own).
 */
export function fusableWindow(rel: RelNode): { tvf: WindowTvfNode; filter: RexNode | null } | null {
  if (rel.kind !== "aggregate" || rel.input.kind !== "project" || !isWindowAggregate(rel)) {
    return null;
  }
  const pre = rel.input;
  if (!pre.exprs.every(isDeterministic)) return null;
  let below = pre.input;
  let filter: RexNode | null = null;
  if (below.kind === "filter") {
    filter = below.condition;
    below = below.input;
  }
  if (below.kind !== "windowTvf" || below.fn === "SESSION") return null;
  const n = below.input.fields.length;
  const plain = (e: RexNode): boolean => {
    let ok = true;
    visitRex(e, (x) => {
      if (x.kind === "input" && x.index >= n) ok = false;
    });
    return ok;
  };
  if (filter !== null && !plain(filter)) return null;
  const used = new Set<number>();
  for (const a of rel.aggs) {
    for (const i of a.args) used.add(i);
    if (a.filter >= 0) used.add(a.filter);
  }
  for (const i of used) if (!plain(pre.exprs[i]!)) return null;
  for (const k of rel.groupKeys) {
    const e = pre.exprs[k]!;
    if (!(e.kind === "input" && e.index >= n) && !plain(e)) return null;
  }
  return { tvf: below, filter };
}

/**
 * The fields of a window aggregation with `window_time` among the group keys kept as the rowtime
 * attribute (its rows are emitted once, at that time, so a window aggregation downstream can
 * use it); `fields` as they are for any other aggregation.
 */
export function keepWindowTime(rel: AggregateNode): AggregateNode {
  if (!isWindowAggregate(rel)) return rel;
  const time = windowBounds(rel.input, true)!.time;
  const j = rel.groupKeys.indexOf(time);
  if (time < 0 || j < 0) return rel;
  const fields = rel.fields.map((f, i) =>
    i === j ? { ...f, type: rel.input.fields[time]!.type } : f,
  );
  return { ...rel, fields };
}
