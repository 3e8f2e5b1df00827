/**
 * Translation of an (optimized) logical plan onto Strom's runtime: each node becomes DataStream
 * operators over rows `[kind, ...fields]` — a compiled calc for projections and filters, keyed
 * group aggregation, equi-joins with their keys extracted from the condition, unions, set
 * operations, sort/limit — with every expression compiled to JavaScript once.
 */
import type { DataStream } from "../../api/datastream.ts";
import type { StreamExecutionEnvironment } from "../../api/environment.ts";
import {
  compileCalc,
  compileExpression,
  compileFilter,
  compileJoinCondition,
  compileProjection,
  type CompileOptions,
} from "../expr/codegen.ts";
import { call, cast, isDeterministic, type RexCall, type RexNode } from "../expr/rex.ts";
import { shiftInputs } from "../expr/rex-util.ts";
import { aggFunctionByName } from "../runtime/aggregates-stats.ts";
import type { AggCall as RuntimeAggCall } from "../runtime/agg-calls.ts";
import { groupAggregate } from "../runtime/group-aggregate.ts";
import type { MiniBatchSettings } from "../runtime/mini-batch-aggregate.ts";
import { crossJoin, join } from "../runtime/join.ts";
import { intervalJoin } from "../runtime/interval-join.ts";
import type { Row } from "../runtime/row.ts";
import { antiJoin, semiJoin } from "../runtime/semi-join.ts";
import { except, intersect, unionAllAt } from "../runtime/set-ops.ts";
import { isBoundedStream, limit, sortLimit } from "../runtime/sort-limit.ts";
import { fromValues } from "../runtime/values.ts";
import { commonType, compareValues, typesEqual, type LogicalType } from "../types/index.ts";
import { SqlPlanError } from "./errors.ts";
import { rowComparator } from "./row-compare.ts";
import { translateWindow } from "./translate-window.ts";
import { translateScan, usesCurrentWatermark, watermarkCalc } from "./translate-watermark.ts";
import { translateRank } from "./translate-rank.ts";
import { changelogModeOf } from "./changelog.ts";
import { halfBoundedTimePair, intervalJoinSpec } from "./interval-join.ts";
import { readsUnbounded } from "./rank.ts";
import { windowJoinSpec } from "./window-join.ts";
import { windowJoin } from "../runtime/window-join.ts";
import type { Timestamp } from "../types/timestamp.ts";
import { translateCorrelate } from "./translate-correlate.ts";
import { translateExpand, withEmptyGroupingSets } from "./translate-expand.ts";
import type { AggregateNode, JoinNode, RelNode, ScanSource, SortNode } from "./logical.ts";
import { translateWindowAggregate, translateWindowTvf } from "./translate-window-tvf.ts";
import { isWindowAggregate } from "./changelog.ts";
import { windowEndField } from "./window-bounds.ts";
import { fusableWindow } from "./window-tvf.ts";
import { windowAggregate } from "../runtime/window-aggregate.ts";
import { resolveBatch } from "../runtime/execution.ts";
import { translateTemporalJoin, type LookupSourceSetup } from "./translate-temporal-join.ts";

/** What translation needs besides the plan. */
export interface TranslateContext {
  readonly env: StreamExecutionEnvironment;
  /** Creates the stream of a scan (its projected physical fields). */
  readonly source: (source: ScanSource, projection: readonly number[]) => DataStream<Row>;
  /** Options of the code generator (time zone, clock). */
  readonly compile: CompileOptions;
  /** Mini-batch settings of streaming group aggregations, or undefined (a change per row). */
  readonly miniBatch?: MiniBatchSettings;
  /** `table.exec.state.ttl` in ms (0 or absent: state kept forever). */
  readonly stateTtl?: number;
  /** An aggregation whose consumer applies changes by key: it emits no `-U` (upsert.ts). */
  readonly upsertAggregate?: AggregateNode;
  /** Creates the lookup source of a lookup join's table (by physical key columns). */
  readonly lookup?: (source: ScanSource, keys: readonly number[]) => LookupSourceSetup;
  /**
   * Sub-plan reuse (`table.optimizer.reuse-sub-plan-enabled`): the streams of translated
   * stateful nodes by their digest, so identical parts of a plan are computed once.
   */
  readonly reuse?: Map<string, DataStream<Row>>;
}

/**
 * `op` (a row-wise operator on `input`) at its input's parallelism: the rows then move forward
 * one to one, so the changes of a key keep their order (`+I` before its `-D`) — a rebalance to
 * another parallelism would let them overtake each other.
 */
function keep<T extends DataStream<Row>>(
  op: T & { setParallelism(p: number): unknown },
  input: DataStream<Row>,
): T {
  const p = input.getParallelism();
  if (p > 0) op.setParallelism(p);
  return op;
}

/** Node kinds worth sharing: they keep state or join (row-wise operators are cheap to repeat). */
const REUSED_KINDS: ReadonlySet<RelNode["kind"]> = new Set([
  "aggregate",
  "join",
  "rank",
  "windowTvf",
  "setop",
  "sort",
  "window",
]);

/** The stream of rows computed by `rel` (shared with an identical node's, see `ctx.reuse`). */
export function translate(rel: RelNode, ctx: TranslateContext): DataStream<Row> {
  if (ctx.reuse === undefined || !REUSED_KINDS.has(rel.kind) || ctx.upsertAggregate !== undefined)
    return translateNode(rel, ctx);
  const key = planDigest(rel);
  if (key === null) return translateNode(rel, ctx);
  const seen = ctx.reuse.get(key);
  if (seen !== undefined) return seen;
  const stream = translateNode(rel, ctx);
  ctx.reuse.set(key, stream);
  return stream;
}

const identities = new WeakMap<object, number>();
let nextIdentity = 0;

/**
 * A text equal for structurally equal plans: plain data by value, source positions left out,
 * and any other object (a function, a source handle, a value class) by identity, so only what
 * is surely the same matches; null when the plan cannot be written.
 */
function planDigest(rel: RelNode): string | null {
  try {
    return JSON.stringify(rel, (k, v: unknown) => {
      if (k === "pos") return undefined;
      if (typeof v === "bigint") return `${v}n`;
      if (typeof v === "function" || (typeof v === "object" && v !== null && !isPlain(v))) {
        let id = identities.get(v);
        if (id === undefined) identities.set(v, (id = nextIdentity++));
        return `#${id}`;
      }
      return v;
    });
  } catch {
    return null;
  }
}

function isPlain(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === Array.prototype || proto === null;
}

function translateNode(rel: RelNode, ctx: TranslateContext): DataStream<Row> {
  switch (rel.kind) {
    case "scan":
      return translateScan(
        rel,
        (projection) => ctx.source(rel.source, projection),
        ctx.compile,
        ctx.env.getConfig().runtimeMode === "BATCH",
      );
    case "values": {
      const rows = rel.rows.map((r) => compileProjection(r, 0, ctx.compile)([0]));
      return fromValues(ctx.env, rows, { name: "Values" });
    }
    case "filter": {
      const input = translate(rel.input, ctx);
      if (usesCurrentWatermark(rel.condition))
        return watermarkCalc(input, null, rel.condition, rel.input.fields.length, ctx.compile);
      const f = compileFilter(rel.condition, rel.input.fields.length, {
        ...ctx.compile,
        name: "where",
      });
      return keep(input.filter(f).name("Where"), input);
    }
    case "project": {
      const arity = rel.input.fields.length;
      if (rel.input.kind === "filter") {
        // Filter and projection compiled into one function.
        const input = translate(rel.input.input, ctx);
        if (usesCurrentWatermark(rel.input.condition, ...rel.exprs))
          return watermarkCalc(input, rel.exprs, rel.input.condition, arity, ctx.compile);
        const calc = compileCalc(rel.exprs, rel.input.condition, arity, {
          ...ctx.compile,
          name: "calc",
        });
        return keep(
          input
            .flatMap((row: Row, out: { collect(r: Row): void }) => {
              const r = calc(row);
              if (r !== null) out.collect(r);
            })
            .name("Calc"),
          input,
        );
      }
      const input = translate(rel.input, ctx);
      if (usesCurrentWatermark(...rel.exprs))
        return watermarkCalc(input, rel.exprs, null, arity, ctx.compile);
      const p = compileProjection(rel.exprs, arity, { ...ctx.compile, name: "select" });
      return keep(input.map((row: Row) => p(row)).name("Calc"), input);
    }
    case "aggregate":
      return withEmptyGroupingSets(rel, translateAggregate(rel, ctx));
    case "expand":
      return translateExpand(rel, translate(rel.input, ctx), ctx.compile);
    case "join":
      return translateJoin(rel, ctx);
    case "union": {
      const inputs = rel.inputs.map((i) => translate(i, ctx));
      return unionAllAt(ctx.env.getParallelism(), inputs);
    }
    case "setop": {
      const l = translate(rel.left, ctx);
      const r = translate(rel.right, ctx);
      return rel.op === "INTERSECT"
        ? intersect(l, r, { all: rel.all, stateTtl: ctx.stateTtl ?? 0 })
        : except(l, r, { all: rel.all, stateTtl: ctx.stateTtl ?? 0 });
    }
    case "sort":
      return translateSort(rel, ctx);
    case "window":
      return translateWindow(rel, translate(rel.input, ctx));
    case "correlate":
      return translateCorrelate(rel, translate(rel.input, ctx), ctx.compile);
    case "rank":
      return translateRank(rel, translate(rel.input, ctx), ctx.stateTtl ?? 0);
    case "windowTvf":
      return translateWindowTvf(rel, translate(rel.input, ctx));
    case "temporalJoin":
      return translateTemporalJoin(rel, ctx, translate);
  }
}

/**
 * A group aggregation. When its input is a projection (the group keys and aggregate arguments
 * computed from the rows below), the projection is not materialized: keys and arguments are
 * read or computed straight from the rows under it, and a filter below it becomes a filter
 * before the shuffle.
 */
function translateAggregate(rel: AggregateNode, ctx: TranslateContext): DataStream<Row> {
  const fields = rel.input.fields;
  const pre =
    rel.input.kind === "project" && rel.input.exprs.every(isDeterministic) ? rel.input : null;
  let input: DataStream<Row>;
  let exprOf: (i: number) => RexNode;
  let arity: number;
  const fused = fusableWindow(rel);
  if (pre !== null) {
    const below = pre.input;
    if (fused !== null) {
      // A window aggregation assigning the windows itself: it reads the TVF's input rows.
      input = translate(fused.tvf.input, ctx);
      if (fused.filter !== null) {
        const f = compileFilter(fused.filter, fused.tvf.input.fields.length, {
          ...ctx.compile,
          name: "where",
        });
        input = keep(input.filter(f).name("Where"), input);
      }
    } else if (below.kind === "filter" && usesCurrentWatermark(below.condition)) {
      const arity = below.input.fields.length;
      input = watermarkCalc(translate(below.input, ctx), null, below.condition, arity, ctx.compile);
    } else if (below.kind === "filter") {
      input = translate(below.input, ctx);
      const f = compileFilter(below.condition, below.input.fields.length, {
        ...ctx.compile,
        name: "where",
      });
      input = keep(input.filter(f).name("Where"), input);
    } else {
      input = translate(below, ctx);
    }
    arity = below.fields.length;
    exprOf = (i) => pre.exprs[i]!;
  } else {
    input = translate(rel.input, ctx);
    arity = fields.length;
    exprOf = (i) => ({ kind: "input", index: i, type: fields[i]!.type }) as RexNode;
  }
  const reader = (e: RexNode, name: string): ((row: Row) => unknown) => {
    if (e.kind === "input") {
      const idx = e.index + 1;
      return (row: Row) => row[idx];
    }
    return compileExpression(e, arity, { ...ctx.compile, name });
  };
  // Insert-only input never retracts: MIN/MAX keep just the extreme, not every value (as Flink).
  const retraction = changelogModeOf(rel.input, false) !== "I";
  const aggs: RuntimeAggCall[] = rel.aggs.map((a) => {
    const argType: LogicalType | null = a.args.length > 0 ? fields[a.args[0]!]!.type : null;
    const fn = aggFunctionByName(a.fn, a.fn === "COUNT" && a.args.length === 0 ? null : argType, {
      separator: typeof a.constants[0] === "string" ? (a.constants[0] as string) : undefined,
      compare: argType !== null ? compareValues(argType) : undefined,
      retraction,
    });
    const argExpr = a.args.length > 0 ? exprOf(a.args[0]!) : null;
    const arg = argExpr !== null ? reader(argExpr, "aggArg") : null;
    const filter = a.filter >= 0 ? reader(exprOf(a.filter), "aggFilter") : null;
    return {
      fn,
      ...(arg !== null ? { arg } : {}),
      ...(argExpr?.kind === "input" ? { argField: argExpr.index + 1 } : {}),
      ...(filter !== null ? { filter: (row: Row) => filter(row) === true } : {}),
      distinct: a.distinct,
    };
  });
  if (rel.groupKeys.length === 0)
    return groupAggregate(input, {
      aggs,
      name: "GlobalGroupAggregate",
      stateTtl: ctx.stateTtl ?? 0,
    });
  const keys = rel.groupKeys.map((k) => reader(exprOf(k), "groupKey"));
  const keyOf =
    keys.length === 1
      ? ((k0) => (row: Row) => [k0(row)])(keys[0]!)
      : (row: Row) => keys.map((k) => k(row));
  if (fused !== null) {
    const zone = ctx.compile.timeZone ?? "UTC";
    return translateWindowAggregate(rel, fused.tvf, exprOf, reader, aggs, input, zone);
  }
  if (isWindowAggregate(rel) && !resolveBatch([input])) {
    const windowEnd = reader(exprOf(windowEndField(rel)), "windowEnd");
    return windowAggregate(input, { keyOf, windowEnd, aggs, keyCount: keys.length });
  }
  return groupAggregate(input, {
    keyOf,
    ...(keys.length === 1 ? { singleKeyOf: keys[0]! } : {}),
    aggs,
    keyCount: keys.length,
    ...(ctx.upsertAggregate === rel ? { generateUpdateBefore: false } : {}),
    name: "GroupAggregate",
    stateTtl: ctx.stateTtl ?? 0,
    ...(ctx.miniBatch !== undefined ? { miniBatch: ctx.miniBatch } : {}),
  });
}

/** Equi-join keys found in a condition, and the rest of it. */
interface JoinKeys {
  readonly left: RexNode[];
  readonly right: RexNode[];
  readonly nullSafe: boolean[];
  readonly residual: RexNode | null;
}

function splitAnd(e: RexNode): RexNode[] {
  if (e.kind === "call" && e.op === "AND") return e.operands.flatMap(splitAnd);
  return [e];
}

function refsWithin(e: RexNode, lo: number, hi: number): boolean {
  if (e.kind === "input") return e.index >= lo && e.index < hi;
  if (e.kind === "literal") return true;
  if (e.kind === "call") return e.operands.every((o) => refsWithin(o, lo, hi));
  if (e.kind === "cast") return refsWithin(e.operand, lo, hi);
  if (e.kind === "fieldAccess") return refsWithin(e.operand, lo, hi);
  return (
    e.branches.every((b) => refsWithin(b.when, lo, hi) && refsWithin(b.then, lo, hi)) &&
    (e.otherwise === null || refsWithin(e.otherwise, lo, hi))
  );
}

function joinKeys(cond: RexNode, leftArity: number, total: number): JoinKeys {
  const left: RexNode[] = [];
  const right: RexNode[] = [];
  const nullSafe: boolean[] = [];
  const rest: RexNode[] = [];
  for (const c of splitAnd(cond)) {
    if (c.kind === "literal" && c.value === true) continue;
    const eq =
      c.kind === "call" && (c.op === "=" || c.op === "IS NOT DISTINCT FROM")
        ? (c as RexCall)
        : null;
    if (eq !== null) {
      const [a, b] = eq.operands as [RexNode, RexNode];
      const aLeft = refsWithin(a, 0, leftArity);
      const bRight = refsWithin(b, leftArity, total);
      const aRight = refsWithin(a, leftArity, total);
      const bLeft = refsWithin(b, 0, leftArity);
      let l: RexNode | null = null;
      let r: RexNode | null = null;
      if (aLeft && bRight && !(a.kind === "literal")) [l, r] = [a, b];
      else if (aRight && bLeft && !(b.kind === "literal")) [l, r] = [b, a];
      if (l !== null && r !== null && !(r.kind === "literal")) {
        const t = commonType([l.type, r.type]);
        if (t !== null) {
          left.push(typesEqual(l.type, t, true) ? l : cast(l, t));
          const rr = shiftInputs(r, -leftArity);
          right.push(typesEqual(rr.type, t, true) ? rr : cast(rr, t));
          nullSafe.push(eq.op === "IS NOT DISTINCT FROM");
          continue;
        }
      }
    }
    rest.push(c);
  }
  const residual = rest.length === 0 ? null : rest.reduce((a, b) => call("AND", [a, b]));
  return { left, right, nullSafe, residual };
}

function keyFn(
  exprs: readonly RexNode[],
  arity: number,
  ctx: TranslateContext,
): (row: Row) => unknown[] {
  if (exprs.every((e) => e.kind === "input")) {
    const idx = exprs.map((e) => (e as { index: number }).index + 1);
    return idx.length === 1 ? (row: Row) => [row[idx[0]!]] : (row: Row) => idx.map((i) => row[i]);
  }
  const p = compileProjection(exprs, arity, { ...ctx.compile, name: "joinKey" });
  return (row: Row) => p(row).slice(1);
}

function translateJoin(rel: JoinNode, ctx: TranslateContext): DataStream<Row> {
  const left = translate(rel.left, ctx);
  const right = translate(rel.right, ctx);
  const la = rel.left.fields.length;
  const ra = rel.right.fields.length;
  const k = joinKeys(rel.condition, la, la + ra);
  const condition =
    k.residual === null
      ? undefined
      : compileJoinCondition(k.residual, la, ra, { ...ctx.compile, name: "joinCondition" });
  const windowed = streamingWindowJoin(rel, ctx);
  if (windowed !== null) {
    // Window join: each window's rows are joined once, when the watermark passes its end.
    const op = windowJoin(left, right, {
      type: rel.joinType,
      leftKey: keyFn(k.left, la, ctx),
      rightKey: keyFn(k.right, ra, ctx),
      nullSafe: k.nullSafe,
      leftArity: la,
      rightArity: ra,
      leftWindowEnd: windowEndReader(windowed.leftEnd),
      rightWindowEnd: windowEndReader(windowed.rightEnd),
      ...(condition ? { condition } : {}),
    });
    return op;
  }
  if (rel.joinType === "SEMI" || rel.joinType === "ANTI") {
    const options = {
      leftKey: keyFn(k.left, la, ctx),
      rightKey: keyFn(k.right, ra, ctx),
      nullSafe: k.nullSafe,
      stateTtl: ctx.stateTtl ?? 0,
      ...(condition ? { condition } : {}),
    };
    return rel.joinType === "SEMI"
      ? semiJoin(left, right, options)
      : antiJoin(left, right, options);
  }
  const interval = streamingIntervalJoin(rel, ctx);
  if (interval !== null) {
    // Interval join: rows expire by watermark; without an equi-key, one subtask. The bounds are
    // checked on milliseconds: only the other conjuncts remain to evaluate.
    const { covered, ...bounds } = interval;
    const rest = k.residual === null ? [] : splitAnd(k.residual).filter((c) => !covered.has(c));
    const condition =
      rest.length === 0
        ? undefined
        : compileJoinCondition(
            rest.reduce((a, b) => call("AND", [a, b])),
            la,
            ra,
            { ...ctx.compile, name: "joinCondition" },
          );
    const op = intervalJoin(left, right, {
      type: rel.joinType as "INNER" | "LEFT" | "RIGHT" | "FULL",
      leftKey: keyFn(k.left, la, ctx),
      rightKey: keyFn(k.right, ra, ctx),
      nullSafe: k.nullSafe,
      leftArity: la,
      rightArity: ra,
      ...(condition ? { condition } : {}),
      ...bounds,
    });
    return k.left.length === 0 ? op.setParallelism(1) : op;
  }
  if (k.left.length === 0) {
    return crossJoin(left, right, {
      type: rel.joinType,
      leftArity: la,
      rightArity: ra,
      stateTtl: ctx.stateTtl ?? 0,
      ...(condition ? { condition } : {}),
    });
  }
  return join(left, right, {
    type: rel.joinType,
    leftKey: keyFn(k.left, la, ctx),
    rightKey: keyFn(k.right, ra, ctx),
    nullSafe: k.nullSafe,
    leftArity: la,
    rightArity: ra,
    leftInsertOnly: changelogModeOf(rel.left, false) === "I",
    rightInsertOnly: changelogModeOf(rel.right, false) === "I",
    stateTtl: ctx.stateTtl ?? 0,
    ...(condition ? { condition } : {}),
  });
}

/** A row's TIMESTAMP field `field` (0-based) as epoch ms. */
function windowEndReader(field: number): (row: Row) => number {
  const at = field + 1;
  return (row) => (row[at] as Timestamp).millis;
}

/** The window join form of `rel` when it runs as one (streaming, insert-only inputs), or null. */
function streamingWindowJoin(rel: JoinNode, ctx: TranslateContext) {
  if (ctx.env.getConfig().runtimeMode === "BATCH") return null;
  const spec = windowJoinSpec(rel);
  if (spec === null) return null;
  if (changelogModeOf(rel.left, false) !== "I" || changelogModeOf(rel.right, false) !== "I")
    return null;
  return spec;
}

/** The interval join bounds of `rel` when it runs as one (streaming, insert-only inputs), or null. */
function streamingIntervalJoin(rel: JoinNode, ctx: TranslateContext) {
  if (ctx.env.getConfig().runtimeMode === "BATCH") return null;
  const spec = intervalJoinSpec(rel);
  if (spec === null) {
    const half = halfBoundedTimePair(rel);
    if (half !== null && (readsUnbounded(rel.left) || readsUnbounded(rel.right))) {
      throw new SqlPlanError(
        `The join condition bounds the time attributes ${half.left} and ${half.right} from one side only: an interval join needs a lower and an upper bound (such as ${half.left} BETWEEN ${half.right} - INTERVAL '1' HOUR AND ${half.right}), and as a regular join over unbounded input its state would grow forever. To join without a time bound, cast the time attributes to TIMESTAMP(3) first`,
      );
    }
    return null;
  }
  if (changelogModeOf(rel.left, false) !== "I" || changelogModeOf(rel.right, false) !== "I")
    return null;
  return spec;
}

function translateSort(rel: SortNode, ctx: TranslateContext): DataStream<Row> {
  const input = translate(rel.input, ctx);
  const fetch = rel.fetch < 0 ? Infinity : rel.fetch;
  if (rel.keys.length === 0) return limit(input, { offset: rel.offset, fetch });
  if (!isBoundedStream(input)) {
    throw new SqlPlanError(
      "ORDER BY on an unbounded input is not supported without a LIMIT (ORDER BY ... LIMIT n runs as a Top-N with an updating result); sort a bounded table instead",
    );
  }
  const compare = rowComparator(rel.keys, rel.input.fields);
  return sortLimit(input, { compare, offset: rel.offset, fetch });
}
