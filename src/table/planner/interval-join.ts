/**
 * Interval joins: a streaming join whose condition bounds the distance between a time attribute
 * of each side from below and from above, such as `l.ts BETWEEN r.ts - INTERVAL '4' HOUR AND
 * r.ts` or `l.ts >= r.ts - INTERVAL '1' MINUTE AND l.ts < r.ts + INTERVAL '1' MINUTE`. Both
 * columns must be event-time attributes (rowtime); processing-time attributes are not
 * recognized (such a join stays a regular join). A condition with one bound only (`l.ts > r.ts`)
 * is not an interval join either: it runs as a regular join, keeping its state.
 *
 * The bounds decide how long rows are buffered (runtime/interval-join.ts) and, checked on the
 * rowtimes' milliseconds, whether a pair joins; conjuncts that are not bounds of the chosen pair
 * are evaluated as the join's residual condition, so results equal those of the regular join
 * that batch mode runs.
 */
import type { RexNode } from "../expr/rex.ts";
import { isRowtimeType } from "../types/time-attributes.ts";
import type { JoinNode } from "./logical.ts";

/** The time bounds of an interval join: `lower <= l.time - r.time <= upper` (ms). */
export interface IntervalJoinSpec {
  /** Index of the left time attribute among the left fields. */
  readonly leftTime: number;
  /** Index of the right time attribute among the right fields. */
  readonly rightTime: number;
  /** Smallest `l.time - r.time` that may join, ms. */
  readonly lower: number;
  /** Largest `l.time - r.time` that may join, ms. */
  readonly upper: number;
  /** Whether `l.time - r.time` must be greater than (not equal to) `lower`. */
  readonly lowerStrict: boolean;
  /** Whether `l.time - r.time` must be less than (not equal to) `upper`. */
  readonly upperStrict: boolean;
  /**
   * Conjuncts of the condition that say exactly what the bounds say (checked on the rowtimes'
   * milliseconds at run time, so they need not be evaluated).
   */
  readonly covered: ReadonlySet<RexNode>;
}

/** `field + offset` (ms) where field indexes the join's input row (left then right fields). */
interface TimeTerm {
  readonly field: number;
  readonly offset: number;
}

function intervalMillis(e: RexNode): number | null {
  if (e.kind !== "literal" || e.type.kind !== "INTERVAL_DAY_TIME") return null;
  const v = e.value;
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  return null;
}

/**
 * `e` as a rowtime column plus or minus constant intervals, or null. Whether a field is a rowtime
 * comes from the join's inputs (`rowtime`): a condition moved into the join from a WHERE above it
 * references the join's own output, whose time attributes are materialized.
 */
function timeTerm(e: RexNode, rowtime: (i: number) => boolean): TimeTerm | null {
  if (e.kind === "input") return rowtime(e.index) ? { field: e.index, offset: 0 } : null;
  if (e.kind === "call" && (e.op === "+" || e.op === "-") && e.operands.length === 2) {
    const [a, b] = e.operands as [RexNode, RexNode];
    const ms = intervalMillis(b);
    if (ms !== null) {
      const t = timeTerm(a, rowtime);
      return t === null ? null : { field: t.field, offset: t.offset + (e.op === "+" ? ms : -ms) };
    }
    const msA = intervalMillis(a);
    if (msA !== null && e.op === "+") {
      const t = timeTerm(b, rowtime);
      return t === null ? null : { field: t.field, offset: t.offset + msA };
    }
  }
  return null;
}

/** The top-level conjuncts of a condition, each with its comparisons (BETWEEN: two). */
function conjuncts(e: RexNode): { node: RexNode; parts: RexNode[] }[] {
  if (e.kind === "call" && e.op === "AND") return e.operands.flatMap(conjuncts);
  if (e.kind === "call" && e.op === "BETWEEN" && e.operands.length === 3) {
    const [x, lo, hi] = e.operands as [RexNode, RexNode, RexNode];
    const parts: RexNode[] = [
      { kind: "call", op: ">=", operands: [x, lo], type: e.type },
      { kind: "call", op: "<=", operands: [x, hi], type: e.type },
    ];
    return [{ node: e, parts }];
  }
  return [{ node: e, parts: [e] }];
}

/** A bound found in one comparison: `l.time - r.time (>= | > | <= | <) value`. */
interface Bound {
  readonly left: number;
  readonly right: number;
  readonly lowerBound: boolean;
  readonly strict: boolean;
  readonly value: number;
}

function boundOf(c: RexNode, leftArity: number, rowtime: (i: number) => boolean): Bound | null {
  if (c.kind !== "call" || c.operands.length !== 2) return null;
  const op = c.op;
  if (op !== ">" && op !== ">=" && op !== "<" && op !== "<=") return null;
  const x = timeTerm(c.operands[0]!, rowtime);
  const y = timeTerm(c.operands[1]!, rowtime);
  if (x === null || y === null) return null;
  const xLeft = x.field < leftArity;
  const yLeft = y.field < leftArity;
  if (xLeft === yLeft) return null;
  // x op y  <=>  x.field - y.field op y.offset - x.offset
  let greater = op === ">" || op === ">=";
  let value = y.offset - x.offset;
  if (!xLeft) {
    // r - l op v  <=>  l - r flipped(op) -v
    greater = !greater;
    value = -value;
  }
  const l = xLeft ? x.field : y.field;
  const r = (xLeft ? y.field : x.field) - leftArity;
  return { left: l, right: r, lowerBound: greater, strict: op === ">" || op === "<", value };
}

interface PairBounds {
  left: number;
  right: number;
  lo: number;
  loStrict: boolean;
  hi: number;
  hiStrict: boolean;
}

/** The bounds of every pair of rowtime attributes (left, right) the condition compares. */
function timePairs(rel: JoinNode): {
  pairs: Map<string, PairBounds>;
  all: ReturnType<typeof conjuncts>;
  boundsOf: (Bound | null)[][];
} {
  const la = rel.left.fields.length;
  const fields = [...rel.left.fields, ...rel.right.fields];
  const rowtime = (i: number) => i >= 0 && i < fields.length && isRowtimeType(fields[i]!.type);
  const pairs = new Map<string, PairBounds>();
  const all = conjuncts(rel.condition);
  const boundsOf = all.map((c) => c.parts.map((part) => boundOf(part, la, rowtime)));
  for (const bs of boundsOf) {
    for (const b of bs) {
      if (b === null) continue;
      const k = `${b.left}:${b.right}`;
      let p = pairs.get(k);
      if (p === undefined) {
        p = {
          left: b.left,
          right: b.right,
          lo: -Infinity,
          loStrict: false,
          hi: Infinity,
          hiStrict: false,
        };
        pairs.set(k, p);
      }
      if (b.lowerBound) {
        if (b.value > p.lo || (b.value === p.lo && b.strict))
          [p.lo, p.loStrict] = [b.value, b.strict];
      } else if (b.value < p.hi || (b.value === p.hi && b.strict)) {
        [p.hi, p.hiStrict] = [b.value, b.strict];
      }
    }
  }
  return { pairs, all, boundsOf };
}

/**
 * The names of two rowtime attributes (left, right) that `rel`'s condition bounds from one side
 * only (`l.ts > r.ts`), when no pair is bounded from both: such a join is no interval join,
 * and over unbounded inputs its state would grow forever. Null otherwise.
 */
export function halfBoundedTimePair(rel: JoinNode): { left: string; right: string } | null {
  if (intervalJoinSpec(rel) !== null) return null;
  for (const p of timePairs(rel).pairs.values()) {
    if (Number.isFinite(p.lo) !== Number.isFinite(p.hi)) {
      return { left: rel.left.fields[p.left]!.name, right: rel.right.fields[p.right]!.name };
    }
  }
  return null;
}

/**
 * The interval join bounds of `rel`'s condition, or null when it is not an interval join
 * (not an INNER/LEFT/RIGHT/FULL join, or no pair of rowtime attributes bounded on both sides).
 */
export function intervalJoinSpec(rel: JoinNode): IntervalJoinSpec | null {
  if (rel.joinType === "SEMI" || rel.joinType === "ANTI") return null;
  const la = rel.left.fields.length;
  const fields = [...rel.left.fields, ...rel.right.fields];
  const { pairs, all, boundsOf } = timePairs(rel);
  for (const p of pairs.values()) {
    if (!(Number.isFinite(p.lo) && Number.isFinite(p.hi))) continue;
    // The conjuncts made only of this pair's bounds, when both columns have the same type
    // (TIMESTAMP against TIMESTAMP_LTZ compares in the session time zone).
    const sameKind = fields[p.left]!.type.kind === fields[la + p.right]!.type.kind;
    const covered = new Set<RexNode>();
    all.forEach((c, i) => {
      const bs = boundsOf[i]!;
      if (sameKind && bs.every((b) => b !== null && b.left === p.left && b.right === p.right))
        covered.add(c.node);
    });
    return {
      leftTime: p.left,
      rightTime: p.right,
      lower: p.lo,
      upper: p.hi,
      lowerStrict: p.loStrict,
      upperStrict: p.hiStrict,
      covered,
    };
  }
  return null;
}

/** `IntervalJoin` bounds for EXPLAIN: `leftTime - rightTime BETWEEN lower AND upper` (ms). */
export function describeIntervalJoin(rel: JoinNode, spec: IntervalJoinSpec): string {
  const l = rel.left.fields[spec.leftTime]!.name;
  const r = rel.right.fields[spec.rightTime]!.name;
  return `windowBounds=[leftTime=${l}, rightTime=${r}, leftLowerBound=${spec.lower}, leftUpperBound=${spec.upper}]`;
}
