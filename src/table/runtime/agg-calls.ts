/**
 * Aggregate calls of one GROUP BY (function, argument, FILTER clause, DISTINCT) and the
 * per-group accumulator record they share, kept as plain data in keyed state.
 */
import { keyToMapKey } from "../../core/keygroups.ts";
import type { SqlAggFunction } from "./aggregates.ts";
import { TableRuntimeError } from "./errors.ts";
import { formatRow, formatValue, type Row, type RowKind } from "./row.ts";
import { hashableValue } from "./value-keys.ts";

/** One aggregate call: `fn(DISTINCT arg(row)) FILTER (WHERE filter(row))`. */
export interface AggCall {
  /** The aggregate function. */
  readonly fn: SqlAggFunction;
  /** The argument of a row; omitted for COUNT(*) (the function then sees `undefined`). */
  readonly arg?: (row: Row) => unknown;
  /** The FILTER (WHERE ...) clause: rows for which it is not `true` are skipped. */
  readonly filter?: (row: Row) => boolean | null;
  /** DISTINCT: each distinct non-NULL value counts once (a count per value, so it retracts). */
  readonly distinct?: boolean;
  /** Hashable key of a DISTINCT value (default `hashableValue`; typed: compare.ts `valueKey`). */
  readonly distinctKey?: (value: unknown) => unknown;
}

/** The state of one group: its key values, row count, accumulators and DISTINCT value counts. */
export interface GroupAcc {
  /** The group's key values (the first columns of its output row). */
  k: unknown[];
  /** Number of rows in the group (accumulated minus retracted). */
  n: number;
  /** One accumulator per call. */
  a: unknown[];
  /** Per call, the count of each distinct value (DISTINCT calls only; null otherwise). */
  d: (Map<unknown, number> | null)[];
}

type DistinctMapKey = ReturnType<typeof keyToMapKey>;

/** Runs a list of aggregate calls over groups (the row-level part of a group aggregation). */
export class Aggregation {
  private readonly calls: readonly AggCall[];
  private readonly place: string;

  /** Checks the calls; `place` names the operator in errors. */
  constructor(calls: readonly AggCall[], place: string) {
    calls.forEach((c, i) => {
      const fn = c?.fn as Partial<SqlAggFunction> | undefined;
      for (const m of ["createAccumulator", "accumulate", "retract", "getValue"] as const) {
        if (typeof fn?.[m] !== "function") {
          throw new TableRuntimeError(`${place}: aggregate call ${i} has no function with ${m}()`);
        }
      }
    });
    this.calls = calls;
    this.place = place;
  }

  /** Number of calls. */
  get size(): number {
    return this.calls.length;
  }

  /** A new, empty group with key values `key`. */
  create(key: unknown[]): GroupAcc {
    return {
      k: key,
      n: 0,
      a: this.calls.map((c) => c.fn.createAccumulator()),
      d: this.calls.map((c) => (c.distinct ? new Map<unknown, number>() : null)),
    };
  }

  /** Adds `row` to group `g`. */
  accumulate(g: GroupAcc, row: Row): void {
    g.n++;
    const calls = this.calls;
    for (let i = 0; i < calls.length; i++) {
      const c = calls[i]!;
      if (c.filter !== undefined && c.filter(row) !== true) continue;
      const v = c.arg === undefined ? undefined : c.arg(row);
      const seen = g.d[i];
      if (seen != null) {
        if (v === null || v === undefined) continue;
        const k = this.distinctKey(c, v);
        const n = seen.get(k) ?? 0;
        seen.set(k, n + 1);
        if (n > 0) continue;
      }
      g.a[i] = c.fn.accumulate(g.a[i], v);
    }
  }

  /** Removes `row` (added before) from group `g`. */
  retract(g: GroupAcc, row: Row): void {
    g.n--;
    const calls = this.calls;
    for (let i = 0; i < calls.length; i++) {
      const c = calls[i]!;
      if (c.filter !== undefined && c.filter(row) !== true) continue;
      const v = c.arg === undefined ? undefined : c.arg(row);
      const seen = g.d[i];
      if (seen != null) {
        if (v === null || v === undefined) continue;
        const k = this.distinctKey(c, v);
        const n = seen.get(k);
        if (n === undefined) {
          throw new TableRuntimeError(
            `${this.place}: ${c.fn.name}(DISTINCT ...) retraction of ${formatValue(v)} by ` +
              `${formatRow(row)}, which was never accumulated`,
          );
        }
        if (n > 1) {
          seen.set(k, n - 1);
          continue;
        }
        seen.delete(k);
      }
      g.a[i] = c.fn.retract(g.a[i], v);
    }
  }

  /** The results of the calls for group `g`. */
  values(g: GroupAcc): unknown[] {
    const out = new Array<unknown>(this.calls.length);
    for (let i = 0; i < this.calls.length; i++) out[i] = this.calls[i]!.fn.getValue(g.a[i]);
    return out;
  }

  /** The output row of group `g`: `[kind, ...key values, ...results]`. */
  output(g: GroupAcc, kind: RowKind): Row {
    const k = g.k;
    const calls = this.calls;
    const row = new Array<unknown>(1 + k.length + calls.length);
    row[0] = kind;
    for (let i = 0; i < k.length; i++) row[i + 1] = k[i];
    const base = 1 + k.length;
    for (let i = 0; i < calls.length; i++) row[base + i] = calls[i]!.fn.getValue(g.a[i]);
    return row;
  }

  private distinctKey(c: AggCall, v: unknown): DistinctMapKey {
    return keyToMapKey(c.distinctKey !== undefined ? c.distinctKey(v) : hashableValue(v));
  }
}
