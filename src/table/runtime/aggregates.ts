/**
 * SQL aggregate functions with accumulate AND retract, over the SQL value representation. An
 * accumulator is plain data (numbers, bigints, arrays, Decimals...) so it lives in keyed state
 * and checkpoints; functions may change it in place and return it, or return a new one.
 * NULL inputs are ignored (except by COUNT(*)); an empty group yields NULL (COUNT yields 0).
 * The variance family is in `aggregates-stats.ts`; {@link aggFunctionByName} covers all.
 */
import { divideInt64, narrowIntegral, type Int64 } from "../types/bigint-math.ts";
import { Decimal, decimalDivide } from "../types/decimal.ts";
import type { Comparator as CompareFn } from "../types/compare.ts";
import type { DecimalType, LogicalType } from "../types/logical-type.ts";
import { avgAggType, sumAggType } from "../types/type-merging.ts";
import { BIGINT_OPS, integralKind, numericOps } from "./agg-numeric.ts";
import { TableRuntimeError } from "./errors.ts";
import { COUNT_INLINE, COUNT_STAR_INLINE, sumInline, type InlineAgg } from "./agg-inline.ts";
import { formatValue } from "./row.ts";
import { compareSqlValues, describeValue, valuesEqual } from "./value-keys.ts";

/** An aggregate function over one argument (COUNT(*) ignores its argument). */
export interface SqlAggFunction<ACC = any> {
  /** SQL name, for messages (`SUM`, `COUNT(*)`...). */
  readonly name: string;
  /** Whether {@link retract} is supported (FIRST_VALUE/LAST_VALUE: insert-only). */
  readonly retractable: boolean;
  /** A new, empty accumulator (plain data). */
  createAccumulator(): ACC;
  /** Adds `value` (a NULL is ignored unless the function counts rows); returns the accumulator. */
  accumulate(acc: ACC, value: unknown): ACC;
  /** Removes `value` added before; returns the accumulator. */
  retract(acc: ACC, value: unknown): ACC;
  /** The result (a fresh value, never a part of the accumulator that later changes). */
  getValue(acc: ACC): unknown;
  /** Code doing the same as the methods, for generated aggregation code (agg-inline.ts). */
  readonly inline?: InlineAgg;
}

/** Orders two values: negative, zero or positive (compare.ts `compareValues(type)` makes one). */
export type Comparator = CompareFn;

function isNull(v: unknown): boolean {
  return v === null || v === undefined;
}

/** COUNT(*): counts rows, NULLs included. */
export function countStar(): SqlAggFunction<number> {
  return {
    name: "COUNT(*)",
    retractable: true,
    inline: COUNT_STAR_INLINE,
    createAccumulator: () => 0,
    accumulate: (acc) => acc + 1,
    retract: (acc) => acc - 1,
    getValue: (acc) => acc,
  };
}

/** COUNT(x): counts non-NULL values. */
export function count(): SqlAggFunction<number> {
  return {
    name: "COUNT",
    retractable: true,
    inline: COUNT_INLINE,
    createAccumulator: () => 0,
    accumulate: (acc, v) => (isNull(v) ? acc : acc + 1),
    retract: (acc, v) => (isNull(v) ? acc : acc - 1),
    getValue: (acc) => acc,
  };
}

/** Accumulator of SUM/SUM0/AVG: the running sum and the number of values in it. */
export type SumAcc = [sum: unknown, n: number];

/**
 * SUM(x) (NULL for an empty group) or, with `zeroWhenEmpty`, SUM0 (zero instead). INT sums stay
 * INT and wrap as in Flink; BIGINT is exact (wrapping at 64 bits); DECIMAL(p, s) sums exactly
 * and returns DECIMAL(38, s), NULL when the final sum overflows 38 digits (Flink's overflow).
 */
export function sum(argType: LogicalType, zeroWhenEmpty = false): SqlAggFunction<SumAcc> {
  const name = zeroWhenEmpty ? "SUM0" : "SUM";
  const ops = numericOps(argType, name);
  const result = sumAggType(argType);
  const finish =
    result.kind === "DECIMAL"
      ? (v: unknown) => (v as Decimal).toPrecision(result.precision, result.scale)
      : (v: unknown) => v;
  const inlineKind = argType.kind === "INT" ? "int32" : argType.kind === "DOUBLE" ? "double" : null;
  return {
    name,
    retractable: true,
    ...(inlineKind !== null ? { inline: sumInline(inlineKind, zeroWhenEmpty) } : {}),
    createAccumulator: () => [ops.zero, 0],
    accumulate(acc, v) {
      if (isNull(v)) return acc;
      ops.check(v, name);
      acc[0] = ops.add(acc[0], v);
      acc[1]++;
      return acc;
    },
    retract(acc, v) {
      if (isNull(v)) return acc;
      ops.check(v, name);
      acc[0] = --acc[1] === 0 ? ops.zero : ops.sub(acc[0], v);
      return acc;
    },
    getValue: (acc) => (acc[1] === 0 ? (zeroWhenEmpty ? finish(ops.zero) : null) : finish(acc[0])),
  };
}

/** SUM0(x): like SUM, but an empty group yields zero. */
export function sum0(argType: LogicalType): SqlAggFunction<SumAcc> {
  return sum(argType, true);
}

/**
 * AVG(x) as Flink computes it: of an integral type it is integral (a BIGINT sum divided by the
 * count, truncated toward zero, cast to the argument type); of DECIMAL(p, s) it is exact, rounded
 * HALF_UP to the scale of `avgAggType` (DECIMAL(38, max(6, s))); of FLOAT/DOUBLE a division.
 */
export function avg(argType: LogicalType): SqlAggFunction<SumAcc> {
  const ik = integralKind(argType);
  const ops = ik !== null ? BIGINT_OPS : numericOps(argType, "AVG");
  const check = numericOps(argType, "AVG").check;
  let result: (sum: unknown, n: number) => unknown;
  if (ik !== null) {
    result = (s, n) => narrowIntegral(divideInt64(s as Int64, n), ik);
  } else if (argType.kind === "DECIMAL") {
    const t = avgAggType(argType) as DecimalType;
    result = (s, n) => decimalDivide(s as Decimal, Decimal.fromInteger(n), t.precision, t.scale);
  } else if (argType.kind === "FLOAT") {
    result = (s, n) => Math.fround((s as number) / n);
  } else {
    result = (s, n) => (s as number) / n;
  }
  return {
    name: "AVG",
    retractable: true,
    createAccumulator: () => [ops.zero, 0],
    accumulate(acc, v) {
      if (isNull(v)) return acc;
      check(v, "AVG");
      acc[0] = ops.add(acc[0], v);
      acc[1]++;
      return acc;
    },
    retract(acc, v) {
      if (isNull(v)) return acc;
      check(v, "AVG");
      acc[0] = --acc[1] === 0 ? ops.zero : ops.sub(acc[0], v);
      return acc;
    },
    getValue: (acc) => (acc[1] === 0 ? null : result(acc[0], acc[1])),
  };
}

/** Accumulator of a retractable MIN/MAX: distinct values with their counts, sorted ascending. */
export type SortedCounts = [value: unknown, count: number][];

/** Index of `v` in `acc`, or `-(insertion point) - 1` when absent (binary search). */
function search(acc: SortedCounts, v: unknown, compare: Comparator): number {
  let lo = 0;
  let hi = acc.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compare(acc[mid]![0], v);
    if (c < 0) lo = mid + 1;
    else if (c > 0) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}

/** Adds one occurrence of `v` to a sorted value -> count list. */
export function addSorted(acc: SortedCounts, v: unknown, compare: Comparator): void {
  const i = search(acc, v, compare);
  if (i >= 0) acc[i]![1]++;
  else acc.splice(-i - 1, 0, [v, 1]);
}

/** Removes one occurrence of `v`; throws naming `fn` when it is not there. */
export function removeSorted(acc: SortedCounts, v: unknown, compare: Comparator, fn: string): void {
  const i = search(acc, v, compare);
  if (i < 0) {
    throw new TableRuntimeError(
      `${fn}: retraction of ${formatValue(v)}, which was never accumulated`,
    );
  }
  if (--acc[i]![1] === 0) acc.splice(i, 1);
}

/**
 * MIN(x) / MAX(x). With `retraction` (the default) the accumulator keeps every distinct value
 * with its count, sorted by `compare`, so retracting the minimum finds the next one; without, it
 * keeps only the current extreme (insert-only input) and refuses retraction.
 */
export function minMax(
  which: "MIN" | "MAX",
  compare: Comparator = compareSqlValues,
  retraction = true,
): SqlAggFunction {
  const sign = which === "MIN" ? 1 : -1;
  if (!retraction) {
    return {
      name: which,
      retractable: false,
      createAccumulator: () => [null],
      accumulate(acc: [unknown], v) {
        if (!isNull(v) && (acc[0] === null || sign * compare(v, acc[0]) < 0)) acc[0] = v;
        return acc;
      },
      retract: () => refuseRetraction(which),
      getValue: (acc: [unknown]) => acc[0],
    };
  }
  return {
    name: which,
    retractable: true,
    createAccumulator: (): SortedCounts => [],
    accumulate(acc: SortedCounts, v) {
      if (!isNull(v)) addSorted(acc, v, compare);
      return acc;
    },
    retract(acc: SortedCounts, v) {
      if (!isNull(v)) removeSorted(acc, v, compare, which);
      return acc;
    },
    getValue(acc: SortedCounts) {
      if (acc.length === 0) return null;
      return (which === "MIN" ? acc[0]! : acc[acc.length - 1]!)[0];
    },
  };
}

/** MIN(x) with retraction (see {@link minMax}). */
export function min(compare: Comparator = compareSqlValues, retraction = true): SqlAggFunction {
  return minMax("MIN", compare, retraction);
}

/** MAX(x) with retraction (see {@link minMax}). */
export function max(compare: Comparator = compareSqlValues, retraction = true): SqlAggFunction {
  return minMax("MAX", compare, retraction);
}

/**
 * LISTAGG(x [, separator]): the non-NULL strings joined with `separator` (default `,`) in
 * arrival order; a retraction removes the first equal value still in the list.
 */
export function listAgg(separator = ","): SqlAggFunction<string[]> {
  return {
    name: "LISTAGG",
    retractable: true,
    createAccumulator: () => [],
    accumulate(acc, v) {
      if (isNull(v)) return acc;
      acc.push(checkString(v));
      return acc;
    },
    retract(acc, v) {
      if (isNull(v)) return acc;
      const i = acc.indexOf(checkString(v));
      if (i < 0) {
        throw new TableRuntimeError(
          `LISTAGG: retraction of '${String(v)}', which was never accumulated`,
        );
      }
      acc.splice(i, 1);
      return acc;
    },
    getValue: (acc) => (acc.length === 0 ? null : acc.join(separator)),
  };
}

function checkString(v: unknown): string {
  if (typeof v !== "string") {
    throw new TableRuntimeError(`LISTAGG: expected a string value, got ${describeValue(v)}`);
  }
  return v;
}

function refuseRetraction(name: string): never {
  throw new TableRuntimeError(
    `${name} does not support retraction: its input must be insert-only (use the retracting ` +
      `variant, or an insert-only changelog)`,
  );
}

/** FIRST_VALUE(x): the first non-NULL value (insert-only input). */
export function firstValue(): SqlAggFunction<[unknown]> {
  return {
    name: "FIRST_VALUE",
    retractable: false,
    createAccumulator: () => [null],
    accumulate(acc, v) {
      if (acc[0] === null && !isNull(v)) acc[0] = v;
      return acc;
    },
    retract: () => refuseRetraction("FIRST_VALUE"),
    getValue: (acc) => acc[0],
  };
}

/** LAST_VALUE(x): the last non-NULL value (insert-only input). */
export function lastValue(): SqlAggFunction<[unknown]> {
  return {
    name: "LAST_VALUE",
    retractable: false,
    createAccumulator: () => [null],
    accumulate(acc, v) {
      if (!isNull(v)) acc[0] = v;
      return acc;
    },
    retract: () => refuseRetraction("LAST_VALUE"),
    getValue: (acc) => acc[0],
  };
}

/**
 * SINGLE_VALUE(x): the one value of a scalar subquery — NULL when it has no rows, a run-time
 * error when it has more than one (SQL's "more than one row returned by a subquery").
 */
export function singleValue(): SqlAggFunction<unknown[]> {
  return {
    name: "SINGLE_VALUE",
    retractable: true,
    createAccumulator: () => [],
    accumulate(acc, v) {
      acc.push(v);
      return acc;
    },
    retract(acc, v) {
      const i = acc.findIndex((x) => x === v || valuesEqual(x, v));
      if (i >= 0) acc.splice(i, 1);
      return acc;
    },
    getValue(acc) {
      if (acc.length > 1) {
        throw new TableRuntimeError(
          `A scalar subquery returned more than one row (${acc.length}): it must return at most one`,
        );
      }
      return acc.length === 0 ? null : acc[0];
    },
  };
}
