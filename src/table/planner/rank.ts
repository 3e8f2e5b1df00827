/**
 * The Rank node of Top-N and deduplication queries, and the rule that finds them.
 *
 * Flink plans `ROW_NUMBER() OVER (PARTITION BY k ORDER BY v) AS rn` filtered to an upper bound
 * (`rn <= N`, `rn < N`, `rn = N`, `rn BETWEEN a AND b`, or the same in QUALIFY) as a Rank, not as
 * an OVER window: a keyed operator that keeps each partition sorted and emits an updating
 * changelog as rows enter and leave the range (runtime/rank.ts). `ORDER BY ... LIMIT n` over
 * unbounded input becomes a global Rank too. A Rank of the first row only, without the row
 * number, over insert-only input is a deduplication (runtime/deduplicate.ts): keep the first or
 * the last row per key.
 */
import { call, type RexNode } from "../expr/rex.ts";
import { inputRefs } from "../expr/rex-util.ts";
import { isProctime, isRowtime } from "../types/time-attributes.ts";
import { changelogModeOf } from "./changelog.ts";
import * as build from "./builders.ts";
import { withInputs } from "./rel-util.ts";
import { windowBounds } from "./window-bounds.ts";
import { inputsOf, type Field, type RelNode, type SortKey, type WindowNode } from "./logical.ts";

/** The ranking functions a Rank computes. */
export type RankFunction = "ROW_NUMBER" | "RANK" | "DENSE_RANK";

/** How a deduplication orders the rows of a key. */
export interface DeduplicateSpec {
  /** Keep the last row (ORDER BY ... DESC) rather than the first (ASC). */
  readonly keepLast: boolean;
  /**
   * The order key's time attribute: `proctime` orders by arrival (keep-first is insert-only),
   * `rowtime` by event time; null: by the order column's value (ties keep the first row).
   */
  readonly time: "proctime" | "rowtime" | null;
}

/**
 * Top-N: the rows of each partition whose rank (by `orderKeys`) is within
 * [`rankStart`, `rankEnd`]. Output = the input fields, then the rank (BIGINT NOT NULL) when
 * `outputRank`.
 */
export interface RankNode {
  readonly kind: "rank";
  readonly input: RelNode;
  readonly fn: RankFunction;
  /** Input field indexes of PARTITION BY (none: one global ranking). */
  readonly partitionKeys: readonly number[];
  readonly orderKeys: readonly SortKey[];
  /** First rank kept, from 1. */
  readonly rankStart: number;
  /** Last rank kept (inclusive); below `rankStart` keeps nothing. */
  readonly rankEnd: number;
  /** Whether the rank number is the last output field. */
  readonly outputRank: boolean;
  /** Set when the Rank runs as a deduplication (first row of each key, no rank output). */
  readonly deduplicate: DeduplicateSpec | null;
  /**
   * Set for a window Top-N / window deduplication: the partition key includes `window_start`
   * and `window_end` of an insert-only windowed input; `end` is window_end's input field. Each
   * window's rows are ranked once, when the watermark passes its end (insert-only output).
   */
  readonly window: { readonly end: number } | null;
  readonly fields: readonly Field[];
}

/** The time attribute kind of an ORDER BY field, or null for a plain column. */
export function timeAttributeOf(field: Field): "proctime" | "rowtime" | null {
  return isProctime(field) ? "proctime" : isRowtime(field) ? "rowtime" : null;
}

/** Whether `rel` reads an unbounded table somewhere below. */
export function readsUnbounded(rel: RelNode): boolean {
  if (rel.kind === "scan") return !rel.source.bounded;
  return inputsOf(rel).some(readsUnbounded);
}

/** A Rank node over `input` (the deduplication form chosen when it applies). */
export function rankNode(
  input: RelNode,
  spec: {
    fn: RankFunction;
    partitionKeys: readonly number[];
    orderKeys: readonly SortKey[];
    rankStart: number;
    rankEnd: number;
    outputRank: boolean;
    /** The rank's output field (when `outputRank`). */
    rankField: Field | null;
  },
): RankNode {
  const { rankField, ...rest } = spec;
  const fields =
    spec.outputRank && rankField !== null ? [...input.fields, rankField] : input.fields;
  const window = windowOfRank(input, spec.partitionKeys);
  const node: RankNode = { kind: "rank", input, ...rest, deduplicate: null, window, fields };
  return window !== null ? node : { ...node, deduplicate: deduplicateOf(node) };
}

/**
 * The window of a window Top-N: when the partition key holds `window_start` and `window_end`
 * of an insert-only input (a window TVF, or a window aggregation's output), the position of
 * `window_end`; otherwise null.
 */
function windowOfRank(input: RelNode, partitionKeys: readonly number[]): RankNode["window"] {
  const b = windowBounds(input, true);
  if (b === null || !partitionKeys.includes(b.start) || !partitionKeys.includes(b.end)) {
    return null;
  }
  return changelogModeOf(input, false) === "I" ? { end: b.end } : null;
}

function deduplicateOf(rel: RankNode): DeduplicateSpec | null {
  if (rel.fn !== "ROW_NUMBER" || rel.outputRank || rel.rankStart !== 1 || rel.rankEnd !== 1) {
    return null;
  }
  if (rel.orderKeys.length !== 1 || rel.partitionKeys.length === 0) return null;
  if (changelogModeOf(rel.input, false) !== "I") return null;
  const key = rel.orderKeys[0]!;
  return { keepLast: key.descending, time: orderTime(rel.input, key.field) };
}

/**
 * The time attribute kind of field `i` of `input`: a marked time attribute, or a column
 * computed as `PROCTIME()` by the projection below.
 */
function orderTime(input: RelNode, i: number): "proctime" | "rowtime" | null {
  const marked = timeAttributeOf(input.fields[i]!);
  if (marked !== null) return marked;
  const e = input.kind === "project" ? input.exprs[i] : undefined;
  return e?.kind === "call" && e.op.toUpperCase() === "PROCTIME" ? "proctime" : null;
}

/** EXPLAIN's line for a Rank node (`Deduplicate(...)` for its deduplication form). */
export function describeRank(rel: RankNode): string {
  const inputs = rel.input.fields;
  const keys = rel.partitionKeys.map((k) => inputs[k]!.name);
  const d = rel.deduplicate;
  if (rel.window !== null) return describeWindowRank(rel, keys);
  if (d !== null) {
    const order = d.time === null ? inputs[rel.orderKeys[0]!.field]!.name : d.time.toUpperCase();
    return `Deduplicate(keep=[${d.keepLast ? "LastRow" : "FirstRow"}], key=[${keys.join(", ")}], order=[${order}])`;
  }
  const order = rel.orderKeys.map(
    (k) => `${inputs[k.field]!.name} ${k.descending ? "DESC" : "ASC"}`,
  );
  const strategy =
    changelogModeOf(rel.input, false) === "I" ? "AppendFastStrategy" : "RetractStrategy";
  return (
    `Rank(strategy=[${strategy}], rankType=[${rel.fn}], rankRange=[rankStart=${rel.rankStart}, ` +
    `rankEnd=${rel.rankEnd}], partitionBy=[${keys.join(", ")}], orderBy=[${order.join(", ")}], ` +
    `select=[${rel.fields.map((f) => f.name).join(", ")}])`
  );
}

/** EXPLAIN's line for a window Top-N (`WindowDeduplicate` for the first row without its number). */
function describeWindowRank(rel: RankNode, keys: string[]): string {
  const inputs = rel.input.fields;
  const order = rel.orderKeys.map(
    (k) => `${inputs[k.field]!.name} ${k.descending ? "DESC" : "ASC"}`,
  );
  const win = `window=[win_end=[${inputs[rel.window!.end]!.name}]]`;
  if (rel.fn === "ROW_NUMBER" && rel.rankStart === 1 && rel.rankEnd === 1 && !rel.outputRank) {
    return `WindowDeduplicate(${win}, keep=[FirstRow], partitionKeys=[${keys.join(", ")}], orderBy=[${order.join(", ")}])`;
  }
  return (
    `WindowRank(${win}, rankType=[${rel.fn}], rankRange=[rankStart=${rel.rankStart}, ` +
    `rankEnd=${rel.rankEnd}], partitionBy=[${keys.join(", ")}], orderBy=[${order.join(", ")}], ` +
    `select=[${rel.fields.map((f) => f.name).join(", ")}])`
  );
}

function conjuncts(e: RexNode): RexNode[] {
  if (e.kind === "call" && e.op === "AND") return e.operands.flatMap(conjuncts);
  return [e];
}

function intLiteral(e: RexNode): number | null {
  if (e.kind !== "literal") return null;
  const v = e.value;
  if (typeof v === "number" && Number.isSafeInteger(v)) return v;
  if (typeof v === "bigint") return Number(v);
  return null;
}

/** The rank range a conjunct over field `rn` imposes, or null if it is not such a bound. */
function boundOf(c: RexNode, rn: number): [number, number] | null {
  if (c.kind !== "call") return null;
  const isRn = (e: RexNode | undefined) => e !== undefined && e.kind === "input" && e.index === rn;
  if (c.op === "BETWEEN" && isRn(c.operands[0])) {
    const lo = intLiteral(c.operands[1]!);
    const hi = intLiteral(c.operands[2]!);
    return lo !== null && hi !== null ? [lo, hi] : null;
  }
  const flip: Record<string, string> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=" };
  let op = c.op;
  let value: number | null;
  if (c.operands.length !== 2 || flip[op] === undefined) return null;
  if (isRn(c.operands[0])) value = intLiteral(c.operands[1]!);
  else if (isRn(c.operands[1])) {
    value = intLiteral(c.operands[0]!);
    op = flip[op]!;
  } else return null;
  if (value === null) return null;
  switch (op) {
    case "<":
      return [1, value - 1];
    case "<=":
      return [1, value];
    case ">":
      return [value + 1, Infinity];
    case ">=":
      return [value, Infinity];
    default:
      return [value, value];
  }
}

const RANKING = new Set(["ROW_NUMBER", "RANK", "DENSE_RANK"]);

/**
 * The Rank equivalent of `filters` (conditions, innermost last) over `win`, with `needed` the
 * output fields used above (all when null), or null when it is no Top-N pattern.
 */
function rankOf(win: WindowNode, filters: RexNode[], needed: Set<number> | null): RelNode | null {
  if (win.calls.length !== 1 || win.orderKeys.length === 0) return null;
  const c = win.calls[0]!;
  if (!RANKING.has(c.fn)) return null;
  const rn = win.input.fields.length;
  let lo = 1;
  let hi = Infinity;
  const rest: RexNode[] = [];
  for (const cond of filters.flatMap(conjuncts)) {
    const b = boundOf(cond, rn);
    if (b === null) rest.push(cond);
    else [lo, hi] = [Math.max(lo, b[0]), Math.min(hi, b[1])];
  }
  if (hi === Infinity) return null;
  const outputRank = needed === null || needed.has(rn) || rest.some((r) => inputRefs(r).has(rn));
  const rank = rankNode(planRanks(win.input), {
    fn: c.fn as RankFunction,
    partitionKeys: win.partitionKeys,
    orderKeys: win.orderKeys,
    rankStart: lo,
    rankEnd: hi,
    outputRank,
    rankField: win.fields[rn]!,
  });
  return rest.length === 0
    ? rank
    : build.filter(
        rank,
        rest.reduce((a, b) => call("AND", [a, b])),
      );
}

/** Filters stacked over a window node: their conditions and the window, or null. */
function filtersOverWindow(rel: RelNode): { conds: RexNode[]; win: WindowNode } | null {
  const conds: RexNode[] = [];
  let r = rel;
  while (r.kind === "filter") {
    conds.push(r.condition);
    r = r.input;
  }
  return conds.length > 0 && r.kind === "window" ? { conds, win: r } : null;
}

/**
 * `rel` with its Top-N patterns as Rank nodes: filters bounding a ROW_NUMBER / RANK /
 * DENSE_RANK window from above (the rank output only when something above uses it), and
 * `ORDER BY ... LIMIT n` over unbounded input.
 */
export function planRanks(rel: RelNode): RelNode {
  if (rel.kind === "project") {
    const m = filtersOverWindow(rel.input);
    if (m !== null) {
      const rank = rankOf(m.win, m.conds, inputRefs(...rel.exprs));
      if (rank !== null) {
        return { ...rel, input: rank };
      }
    }
  }
  const m = filtersOverWindow(rel);
  if (m !== null) {
    const rank = rankOf(m.win, m.conds, null);
    if (rank !== null) return rank;
  }
  if (rel.kind === "sort" && rel.keys.length > 0 && rel.fetch >= 0 && readsUnbounded(rel.input)) {
    return rankNode(planRanks(rel.input), {
      fn: "ROW_NUMBER",
      partitionKeys: [],
      orderKeys: rel.keys,
      rankStart: rel.offset + 1,
      rankEnd: rel.offset + rel.fetch,
      outputRank: false,
      rankField: null,
    });
  }
  return withInputs(rel, planRanks);
}
