/**
 * Statistics of the logical plan: an estimated row count for every node, from what the sources
 * know and Calcite-like default selectivities. The estimates only steer the optimizer (join
 * ordering) and EXPLAIN ESTIMATED_COST; they never change a result.
 *
 * - scan: the source's `rowCount` (a `registerRows` table knows its rows, a connector factory
 *   reports them through `DynamicTableFactory.statistics`: `values` its rows, `datagen` its
 *   `number-of-rows`, `filesystem` its file sizes over an estimated line width), else
 *   {@link DEFAULT_ROW_COUNT}; VALUES: its rows;
 * - filter: input × selectivity of the condition: `=` 0.15, a range (`<`, `>`, BETWEEN...) 0.5,
 *   IS NOT NULL 0.9, IS NULL / LIKE / anything else 0.25; AND multiplies, OR is `a + b - ab`,
 *   NOT is `1 - s`; TRUE 1, FALSE and NULL 0;
 * - inner join with an equality between the sides: max(left, right) (a key / foreign-key join)
 *   × the selectivity of the other conjuncts; without one: left × right × selectivity; outer
 *   joins at least their preserved side(s); SEMI/ANTI: half the left;
 * - aggregate: 1 without keys, else input × (1 - 0.9^keys), at least 1;
 * - union: the sum; INTERSECT: the smaller side; EXCEPT: the left side; sort with LIMIT: at most
 *   the fetch; projection and OVER: the input; Top-N (rank): its range per partition (a
 *   partition per ten input rows), at most the input.
 */
import type { RexNode } from "../expr/rex.ts";
import { inputRefs } from "../expr/rex-util.ts";
import type { JoinNode, RelNode } from "./logical.ts";

/** Rows assumed for a source that does not know its size (Flink's default for unknown tables). */
export const DEFAULT_ROW_COUNT = 1e8;

const cache = new WeakMap<RelNode, number>();

/** The estimated number of rows `rel` produces (memoized per node object). */
export function estimateRows(rel: RelNode): number {
  const known = cache.get(rel);
  if (known !== undefined) return known;
  const n = Math.max(0, compute(rel));
  cache.set(rel, n);
  return n;
}

function compute(rel: RelNode): number {
  switch (rel.kind) {
    case "scan":
      return rel.source.rowCount ?? DEFAULT_ROW_COUNT;
    case "values":
      return rel.rows.length;
    case "project":
    case "window":
      return estimateRows(rel.input);
    case "correlate":
      return estimateRows(rel.input) * (rel.joinType === "LEFT" ? 2 : 1.5);
    case "windowTvf":
      return estimateRows(rel.input) * (rel.fn === "HOP" ? Math.ceil(rel.size / rel.step) : 1);
    case "expand":
      return estimateRows(rel.input) * rel.projects.length;
    case "filter":
      return estimateRows(rel.input) * selectivity(rel.condition);
    case "aggregate": {
      if (rel.groupKeys.length === 0) return 1;
      const input = estimateRows(rel.input);
      return Math.min(input, Math.max(1, input * (1 - Math.pow(0.9, rel.groupKeys.length))));
    }
    case "join":
      return joinRows(rel);
    case "temporalJoin":
      return estimateRows(rel.left);
    case "union":
      return rel.inputs.reduce((sum, i) => sum + estimateRows(i), 0);
    case "setop": {
      const l = estimateRows(rel.left);
      return rel.op === "INTERSECT" ? Math.min(l, estimateRows(rel.right)) : l;
    }
    case "rank":
      return Math.min(
        estimateRows(rel.input),
        Math.max(0, rel.rankEnd - rel.rankStart + 1) *
          (rel.partitionKeys.length === 0 ? 1 : estimateRows(rel.input) * 0.1),
      );
    case "sort": {
      const rows = Math.max(0, estimateRows(rel.input) - rel.offset);
      return rel.fetch >= 0 ? Math.min(rows, rel.fetch) : rows;
    }
  }
}

function joinRows(rel: JoinNode): number {
  const l = estimateRows(rel.left);
  const r = estimateRows(rel.right);
  if (rel.joinType === "SEMI" || rel.joinType === "ANTI") return l * 0.5;
  const la = rel.left.fields.length;
  let equi = false;
  let rest = 1;
  for (const c of conjunctsOf(rel.condition)) {
    if (isEquiBetween(c, la)) equi = true;
    else rest *= selectivity(c);
  }
  const inner = (equi ? Math.max(l, r) : l * r) * rest;
  switch (rel.joinType) {
    case "INNER":
      return inner;
    case "LEFT":
      return Math.max(inner, l);
    case "RIGHT":
      return Math.max(inner, r);
    case "FULL":
      return Math.max(inner, l, r);
  }
}

/** Whether `c` is an equality (`=`, IS NOT DISTINCT FROM) between the two sides of a join. */
export function isEquiBetween(c: RexNode, leftArity: number): boolean {
  if (c.kind !== "call" || (c.op !== "=" && c.op !== "IS NOT DISTINCT FROM")) return false;
  const [a, b] = c.operands as [RexNode, RexNode];
  const side = (e: RexNode): "L" | "R" | null => {
    const refs = [...inputRefs(e)];
    if (refs.length === 0) return null;
    if (refs.every((i) => i < leftArity)) return "L";
    if (refs.every((i) => i >= leftArity)) return "R";
    return null;
  };
  const sa = side(a);
  const sb = side(b);
  return sa !== null && sb !== null && sa !== sb;
}

/** The conjuncts of a condition (`a AND b AND c` -> [a, b, c]). */
export function conjunctsOf(e: RexNode): RexNode[] {
  if (e.kind === "call" && e.op === "AND") return e.operands.flatMap(conjunctsOf);
  return [e];
}

const RANGE = new Set(["<", ">", "<=", ">=", "BETWEEN", "NOT BETWEEN"]);

/** The estimated fraction of rows for which `cond` is TRUE (Calcite's default guesses). */
export function selectivity(cond: RexNode): number {
  if (cond.kind === "literal") return cond.value === true ? 1 : 0;
  if (cond.kind !== "call") return 0.25;
  switch (cond.op) {
    case "AND":
      return cond.operands.reduce((s, o) => s * selectivity(o), 1);
    case "OR":
      return cond.operands.reduce((s, o) => {
        const x = selectivity(o);
        return s + x - s * x;
      }, 0);
    case "NOT":
      return 1 - selectivity(cond.operands[0]!);
    case "=":
    case "IS NOT DISTINCT FROM":
      return 0.15;
    case "IS NOT NULL":
      return 0.9;
    default:
      return RANGE.has(cond.op) ? 0.5 : 0.25;
  }
}

/** A row count as EXPLAIN ESTIMATED_COST prints it: `1.0`, `1.2E3`. */
export function formatRowCount(n: number): string {
  if (n < 1000) return (Math.round(n * 10) / 10).toFixed(1);
  const exp = Math.floor(Math.log10(n));
  let mantissa = Math.round((n / Math.pow(10, exp)) * 10) / 10;
  let e = exp;
  if (mantissa >= 10) {
    mantissa /= 10;
    e += 1;
  }
  return `${mantissa.toFixed(1)}E${e}`;
}
