/**
 * The window functions of OVER, computed over one sorted partition (pure functions of the rows):
 * ranking (ROW_NUMBER, RANK, DENSE_RANK, PERCENT_RANK, CUME_DIST, NTILE), offsets (LAG, LEAD),
 * FIRST_VALUE / LAST_VALUE and aggregates over ROWS or RANGE frames.
 *
 * Peers are rows the ORDER BY comparator finds equal (all rows, without ORDER BY). A frame is an
 * index range `[lo, hi]` per row; aggregates slide over it (accumulating rows entering it,
 * retracting rows leaving it), so a frame costs each row about one accumulate and one retract.
 */
import type { SqlAggFunction } from "./aggregates.ts";
import { TableRuntimeError } from "./errors.ts";
import type { Row } from "./row.ts";

/** One frame bound: `UNBOUNDED PRECEDING`, `n PRECEDING`, `CURRENT ROW`, ... */
export interface FrameBound {
  /** Which bound. */
  readonly kind:
    "UNBOUNDED_PRECEDING" | "PRECEDING" | "CURRENT_ROW" | "FOLLOWING" | "UNBOUNDED_FOLLOWING";
  /** Rows (ROWS) or order-key distance (RANGE) of `n PRECEDING` / `n FOLLOWING`. */
  readonly offset?: number;
}

/** A window frame. */
export interface OverFrame {
  /** Row-count frame or value-range frame (RANGE: bounds move over peers and key values). */
  readonly unit: "ROWS" | "RANGE";
  /** First row of the frame. */
  readonly start: FrameBound;
  /** Last row of the frame. */
  readonly end: FrameBound;
}

/** The ordering of a partition. */
export interface OverOrder {
  /** Compares two rows by the ORDER BY keys. */
  readonly compare: (a: Row, b: Row) => number;
  /**
   * RANGE frames with offsets: the single ORDER BY key of a row as a number (null for NULL),
   * and whether it sorts descending.
   */
  readonly rangeValue?: (row: Row) => number | null;
  /** Whether the single ORDER BY key sorts descending (RANGE offsets). */
  readonly descending?: boolean;
}

/** One window function call. */
export interface OverCall {
  /** ROW_NUMBER, RANK, DENSE_RANK, PERCENT_RANK, CUME_DIST, NTILE, LAG, LEAD, FIRST_VALUE,
   * LAST_VALUE, or AGGREGATE (with {@link agg}). */
  readonly fn: string;
  /** The argument of a row (LAG/LEAD/FIRST_VALUE/LAST_VALUE, aggregates but COUNT(*)). */
  readonly arg?: (row: Row) => unknown;
  /** LAG/LEAD: the default of a row whose offset row does not exist (NULL when omitted). */
  readonly defaultValue?: (row: Row) => unknown;
  /** LAG/LEAD's offset (default 1); NTILE's bucket count. */
  readonly n?: number;
  /** AGGREGATE: the aggregate function (must support retraction). */
  readonly agg?: SqlAggFunction;
  /** FIRST_VALUE, LAST_VALUE and AGGREGATE: the frame. */
  readonly frame?: OverFrame;
}

/** Peer group bounds of each row: first and last index of the rows equal to it. */
function peerGroups(rows: readonly Row[], order: OverOrder | null): [Int32Array, Int32Array] {
  const n = rows.length;
  const start = new Int32Array(n);
  const end = new Int32Array(n);
  let s = 0;
  for (let i = 1; i <= n; i++) {
    if (i === n || order === null || order.compare(rows[i - 1]!, rows[i]!) !== 0) {
      if (order === null && i < n) continue;
      for (let j = s; j < i; j++) {
        start[j] = s;
        end[j] = i - 1;
      }
      s = i;
    }
  }
  return [start, end];
}

/** The results of `call` for each row of the sorted partition `rows`. */
export function computeOver(
  call: OverCall,
  rows: readonly Row[],
  order: OverOrder | null,
  place: string,
): unknown[] {
  const n = rows.length;
  const out: unknown[] = new Array(n);
  const [ps, pe] = peerGroups(rows, order);
  switch (call.fn) {
    case "ROW_NUMBER":
      for (let i = 0; i < n; i++) out[i] = i + 1;
      return out;
    case "RANK":
      for (let i = 0; i < n; i++) out[i] = ps[i]! + 1;
      return out;
    case "DENSE_RANK": {
      let d = 0;
      for (let i = 0; i < n; i++) out[i] = ps[i] === i ? ++d : d;
      return out;
    }
    case "PERCENT_RANK":
      for (let i = 0; i < n; i++) out[i] = n > 1 ? ps[i]! / (n - 1) : 0;
      return out;
    case "CUME_DIST":
      for (let i = 0; i < n; i++) out[i] = (pe[i]! + 1) / n;
      return out;
    case "NTILE": {
      const b = call.n ?? 1;
      const size = Math.floor(n / b);
      const rem = n % b;
      const big = rem * (size + 1);
      for (let i = 0; i < n; i++) {
        out[i] = i < big ? Math.floor(i / (size + 1)) + 1 : rem + Math.floor((i - big) / size) + 1;
      }
      return out;
    }
    case "LAG":
    case "LEAD": {
      const off = (call.n ?? 1) * (call.fn === "LAG" ? -1 : 1);
      const arg = need(call.arg, call.fn, place);
      for (let i = 0; i < n; i++) {
        const j = i + off;
        if (j >= 0 && j < n) out[i] = arg(rows[j]!);
        else out[i] = call.defaultValue === undefined ? null : call.defaultValue(rows[i]!);
      }
      return out;
    }
    case "FIRST_VALUE":
    case "LAST_VALUE": {
      const arg = need(call.arg, call.fn, place);
      const [lo, hi] = frameBounds(need(call.frame, call.fn, place), rows, order, ps, pe, place);
      for (let i = 0; i < n; i++) {
        if (lo[i]! > hi[i]!) out[i] = null;
        else out[i] = arg(rows[call.fn === "FIRST_VALUE" ? lo[i]! : hi[i]!]!);
      }
      return out;
    }
    case "AGGREGATE":
      return slide(call, rows, order, ps, pe, place);
    default:
      throw new TableRuntimeError(`${place}: unknown window function ${call.fn}`);
  }
}

function need<T>(v: T | undefined, fn: string, place: string): T {
  if (v === undefined) throw new TableRuntimeError(`${place}: ${fn} is missing a setting`);
  return v;
}

/** An aggregate over each row's frame, sliding an accumulator along the partition. */
function slide(
  call: OverCall,
  rows: readonly Row[],
  order: OverOrder | null,
  ps: Int32Array,
  pe: Int32Array,
  place: string,
): unknown[] {
  const agg = need(call.agg, "AGGREGATE", place);
  const frame = need(call.frame, agg.name, place);
  const [lo, hi] = frameBounds(frame, rows, order, ps, pe, place);
  const arg = call.arg;
  const value = (i: number): unknown => (arg === undefined ? undefined : arg(rows[i]!));
  const out: unknown[] = new Array(rows.length);
  let acc = agg.createAccumulator();
  // The accumulator holds rows [a, b).
  let a = 0;
  let b = 0;
  for (let i = 0; i < rows.length; i++) {
    const from = Math.min(lo[i]!, rows.length);
    const to = Math.min(Math.max(from, hi[i]! + 1), rows.length);
    // A function that cannot retract starts over when rows leave its frame.
    if (from < a || to < b || (from > a && !agg.retractable)) {
      acc = agg.createAccumulator();
      a = b = from;
    }
    while (b < to) acc = agg.accumulate(acc, value(b++));
    while (a < from) acc = agg.retract(acc, value(a++));
    out[i] = agg.getValue(acc);
  }
  return out;
}

/** First and last frame row of each row (clamped to the partition; lo > hi: empty). */
function frameBounds(
  frame: OverFrame,
  rows: readonly Row[],
  order: OverOrder | null,
  ps: Int32Array,
  pe: Int32Array,
  place: string,
): [Int32Array, Int32Array] {
  const n = rows.length;
  const lo = new Int32Array(n);
  const hi = new Int32Array(n);
  const ranged = frame.unit === "RANGE" && (hasOffset(frame.start) || hasOffset(frame.end));
  const pos = ranged ? rangePositions(rows, order, place) : null;
  const r: RangeKeys | null = pos === null ? null : { pos, nonNull: nonNullRange(pos) };
  for (let i = 0; i < n; i++) {
    lo[i] = Math.max(0, bound(frame.start, true, i, n, frame.unit, ps, pe, r));
    hi[i] = Math.min(n - 1, bound(frame.end, false, i, n, frame.unit, ps, pe, r));
  }
  return [lo, hi];
}

function hasOffset(b: FrameBound): boolean {
  return b.kind === "PRECEDING" || b.kind === "FOLLOWING";
}

/** RANGE offsets: each row's key as a position that grows along the partition (null: NULL). */
function rangePositions(
  rows: readonly Row[],
  order: OverOrder | null,
  place: string,
): (number | null)[] {
  const value = order?.rangeValue;
  if (order === null || value === undefined) {
    throw new TableRuntimeError(
      `${place}: a RANGE frame with an offset needs one numeric ORDER BY key`,
    );
  }
  const sign = order.descending === true ? -1 : 1;
  return rows.map((r) => {
    const v = value(r);
    return v === null ? null : sign * v;
  });
}

function bound(
  b: FrameBound,
  isStart: boolean,
  i: number,
  n: number,
  unit: "ROWS" | "RANGE",
  ps: Int32Array,
  pe: Int32Array,
  r: RangeKeys | null,
): number {
  switch (b.kind) {
    case "UNBOUNDED_PRECEDING":
      return 0;
    case "UNBOUNDED_FOLLOWING":
      return n - 1;
    case "CURRENT_ROW":
      if (unit === "ROWS") return i;
      return isStart ? ps[i]! : pe[i]!;
    case "PRECEDING":
    case "FOLLOWING": {
      const off = (b.offset ?? 0) * (b.kind === "PRECEDING" ? -1 : 1);
      if (unit === "ROWS") return i + off;
      const p = r!.pos[i];
      // A NULL key's offset frame is its peers (the other NULLs).
      if (p === null || p === undefined) return isStart ? ps[i]! : pe[i]!;
      return isStart ? firstAtLeast(r!, p + off) : lastAtMost(r!, p + off);
    }
  }
}

/** The non-NULL index range of `pos` (NULLs sort together, first or last). */
function nonNullRange(pos: readonly (number | null)[]): [number, number] {
  let s = 0;
  let e = pos.length - 1;
  while (s <= e && pos[s] === null) s++;
  while (e >= s && pos[e] === null) e--;
  return [s, e];
}

/** The positions of RANGE offset frames and their non-NULL index range. */
interface RangeKeys {
  readonly pos: readonly (number | null)[];
  readonly nonNull: [number, number];
}

/** The first non-NULL index whose position is >= `x` (past the last one when none is). */
function firstAtLeast(r: RangeKeys, x: number): number {
  const pos = r.pos;
  const [s, e] = r.nonNull;
  let l = s;
  let h = e + 1;
  while (l < h) {
    const m = (l + h) >> 1;
    if ((pos[m] as number) >= x) h = m;
    else l = m + 1;
  }
  return l;
}

/** The last non-NULL index whose position is <= `x` (before the first one when none is). */
function lastAtMost(r: RangeKeys, x: number): number {
  const pos = r.pos;
  const [s, e] = r.nonNull;
  let l = s;
  let h = e + 1;
  while (l < h) {
    const m = (l + h) >> 1;
    if ((pos[m] as number) <= x) l = m + 1;
    else h = m;
  }
  return l - 1;
}
