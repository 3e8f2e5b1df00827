/**
 * Aggregate calls of one GROUP BY (function, argument, FILTER clause, DISTINCT) and the
 * per-group accumulator record they share, kept as plain data in keyed state.
 */
import { keyToMapKey } from "../../core/keygroups.ts";
import type { SqlAggFunction } from "./aggregates.ts";
import { TableRuntimeError } from "./errors.ts";
import { formatRow, formatValue, type Row, type RowKind } from "./row.ts";
import { hashableValue, valuesEqual } from "./value-keys.ts";
import { compileAggregation, type CompiledAggregation } from "./agg-codegen.ts";

export { EMPTY_GROUP } from "./agg-codegen.ts";

/** One aggregate call: `fn(DISTINCT arg(row)) FILTER (WHERE filter(row))`. */
export interface AggCall {
  /** The aggregate function. */
  readonly fn: SqlAggFunction;
  /** The argument of a row; omitted for COUNT(*) (the function then sees `undefined`). */
  readonly arg?: (row: Row) => unknown;
  /** When the argument is a plain field: its index in the row (`row[argField]`), used over `arg`. */
  readonly argField?: number;
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
  /**
   * The calls' accumulators as one flat array of slots (agg-codegen.ts): a call with inline code
   * has slots of its own (SUM: sum and count), any other its accumulator in one slot.
   */
  a: unknown[];
  /** Per call, the count of each distinct value (DISTINCT calls only; null otherwise). */
  d: (Map<unknown, number> | null)[];
}

type DistinctMapKey = ReturnType<typeof keyToMapKey>;

/**
 * Runs a list of aggregate calls over groups (the row-level part of a group aggregation), with
 * code generated for the calls (agg-codegen.ts).
 */
export class Aggregation {
  private readonly calls: readonly AggCall[];
  private readonly place: string;
  private readonly compiled: CompiledAggregation;

  /**
   * Checks the calls; `place` names the operator in errors; `keyCount`, when known, is the
   * number of group key values of every group.
   */
  constructor(calls: readonly AggCall[], place: string, keyCount?: number) {
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
    this.compiled = compileAggregation(
      calls,
      keyCount,
      (g, i, v, delta, row) => this.distinctStep(g, i, v, delta, row),
      valuesEqual,
    );
    this.create = this.compiled.create;
    this.values = this.compiled.values;
    this.accumulate = this.compiled.accumulate;
    this.retract = this.compiled.retract;
    this.output = this.compiled.output;
    this.update = this.compiled.update;
    this.rowOf = this.compiled.rowOf;
  }

  /** Number of calls. */
  get size(): number {
    return this.calls.length;
  }

  /** A new, empty group with key values `key`. */
  readonly create: (key: unknown[]) => GroupAcc;

  /** Adds `row` to group `g`. */
  readonly accumulate: (g: GroupAcc, row: Row) => void;

  /** Removes `row` (added before) from group `g`. */
  readonly retract: (g: GroupAcc, row: Row) => void;

  /** The output row of group `g`: `[kind, ...key values, ...results]`. */
  readonly output: (g: GroupAcc, kind: RowKind) => Row;

  /**
   * Adds (`add`) or removes `row` in group `g`, which has rows: writes the results before the row
   * into `snap` (a reused scratch array), and returns the new output row (`+U`), null when the
   * results did not change, or {@link EMPTY_GROUP} when the group has no rows left.
   */
  readonly update: (g: GroupAcc, row: Row, add: boolean, snap: unknown[]) => Row | null;

  /** The output row of group `g` with the results `snap` (written by {@link update}). */
  readonly rowOf: (g: GroupAcc, snap: readonly unknown[], kind: RowKind) => Row;

  /** Counts DISTINCT value `v` of call `i` up or down; whether the function must see it. */
  private distinctStep(g: GroupAcc, i: number, v: unknown, delta: 1 | -1, row: Row): boolean {
    const c = this.calls[i]!;
    const seen = g.d[i]!;
    const k = this.distinctKey(c, v);
    const n = seen.get(k);
    if (delta === 1) {
      seen.set(k, (n ?? 0) + 1);
      return n === undefined;
    }
    if (n === undefined) {
      throw new TableRuntimeError(
        `${this.place}: ${c.fn.name}(DISTINCT ...) retraction of ${formatValue(v)} by ` +
          `${formatRow(row)}, which was never accumulated`,
      );
    }
    if (n > 1) {
      seen.set(k, n - 1);
      return false;
    }
    seen.delete(k);
    return true;
  }

  /** The results of the calls for group `g`. */
  readonly values: (g: GroupAcc) => unknown[];

  private distinctKey(c: AggCall, v: unknown): DistinctMapKey {
    return keyToMapKey(c.distinctKey !== undefined ? c.distinctKey(v) : hashableValue(v));
  }
}
