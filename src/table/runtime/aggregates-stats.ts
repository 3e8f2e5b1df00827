/**
 * The variance family (VAR_POP, VAR_SAMP, STDDEV_POP, STDDEV_SAMP; VARIANCE and STDDEV are the
 * sample aliases) and {@link aggFunctionByName}, the lookup of every SQL aggregate by name.
 *
 * Flink (through Calcite) rewrites these into `(SUM(x*x) - SUM(x)*SUM(x)/COUNT(x)) / COUNT(x)`
 * (`COUNT(x) - 1` for the sample forms, NULL when the count is 1) evaluated in the result type,
 * which is the AVG type of the argument: integral arguments give an integral result (integer
 * divisions, truncated), DECIMAL gives DECIMAL(38, max(6, s)), FLOAT/DOUBLE a double. Here the
 * three sums are kept exactly (bigint for integral input, Decimal for DECIMAL), so retraction
 * never drifts and nothing overflows in between; the formula is then applied once, as Flink does.
 * The standard deviation is the square root (a double) cast back to the result type.
 */
import { lookupUserAggregate, userAggFunction } from "./user-functions.ts";
import { doubleToIntegral, narrowIntegral, normalizeInt64 } from "../types/bigint-math.ts";
import { Decimal } from "../types/decimal.ts";
import type { DecimalType, LogicalType } from "../types/logical-type.ts";
import { avgAggType } from "../types/type-merging.ts";
import { bigOf, integralKind, numericOps } from "./agg-numeric.ts";
import {
  avg,
  count,
  countStar,
  firstValue,
  lastValue,
  singleValue,
  listAgg,
  minMax,
  sum,
  type Comparator,
  type SqlAggFunction,
} from "./aggregates.ts";
import { TableRuntimeError } from "./errors.ts";

/** The four statistics of the variance family. */
export type VarianceKind = "VAR_POP" | "VAR_SAMP" | "STDDEV_POP" | "STDDEV_SAMP";

/** Accumulator of the variance family: count, sum and sum of squares (exact per type). */
export type VarianceAcc = [n: number, sum: unknown, sumSq: unknown];

interface Moments {
  zero: unknown;
  add(acc: VarianceAcc, v: unknown, sign: 1 | -1): void;
  result(n: number, s: unknown, sq: unknown, divisor: number): unknown;
}

function integralMoments(type: LogicalType, stddev: boolean): Moments {
  const ik = integralKind(type)!;
  return {
    zero: 0n,
    add(acc, v, sign) {
      const b = bigOf(v);
      acc[1] = (acc[1] as bigint) + (sign > 0 ? b : -b);
      acc[2] = (acc[2] as bigint) + (sign > 0 ? b * b : -(b * b));
    },
    result(n, s, sq, divisor) {
      const sb = s as bigint;
      const variance = ((sq as bigint) - (sb * sb) / BigInt(n)) / BigInt(divisor);
      if (!stddev) return narrowIntegral(normalizeInt64(variance), ik);
      return doubleToIntegral(Math.sqrt(Number(variance)), ik);
    },
  };
}

function doubleMoments(float: boolean, stddev: boolean): Moments {
  const round = float ? Math.fround : (x: number) => x;
  return {
    zero: 0,
    add(acc, v, sign) {
      const x = v as number;
      acc[1] = (acc[1] as number) + sign * x;
      acc[2] = (acc[2] as number) + sign * x * x;
    },
    result(n, s, sq, divisor) {
      const sn = s as number;
      // Rounding may leave a tiny negative numerator for equal values; the variance is 0 there.
      const variance = Math.max(0, ((sq as number) - (sn * sn) / n) / divisor);
      return round(stddev ? Math.sqrt(variance) : variance);
    },
  };
}

function decimalMoments(type: DecimalType, stddev: boolean): Moments {
  const t = avgAggType(type) as DecimalType;
  return {
    zero: new Decimal(0n, type.scale),
    add(acc, v, sign) {
      const d = v as Decimal;
      const sq = d.multiply(d);
      acc[1] = sign > 0 ? (acc[1] as Decimal).add(d) : (acc[1] as Decimal).subtract(d);
      acc[2] = sign > 0 ? (acc[2] as Decimal).add(sq) : (acc[2] as Decimal).subtract(sq);
    },
    result(n, s, sq, divisor) {
      const sd = s as Decimal;
      // (n * sumSq - sum^2) / (n * divisor), rounded once to the result scale.
      const num = (sq as Decimal).multiply(Decimal.fromInteger(n)).subtract(sd.multiply(sd));
      const variance = num.divide(Decimal.fromInteger(n * divisor), t.scale);
      if (!stddev) return variance.toPrecision(t.precision, t.scale);
      return Decimal.fromNumber(Math.sqrt(Math.max(0, variance.toNumber()))).toPrecision(
        t.precision,
        t.scale,
      );
    },
  };
}

/** VAR_POP, VAR_SAMP, STDDEV_POP or STDDEV_SAMP of a numeric argument, with retraction. */
export function variance(kind: VarianceKind, argType: LogicalType): SqlAggFunction<VarianceAcc> {
  const check = numericOps(argType, kind).check;
  const stddev = kind.startsWith("STDDEV");
  const sample = kind.endsWith("SAMP");
  let m: Moments;
  if (integralKind(argType) !== null) m = integralMoments(argType, stddev);
  else if (argType.kind === "DECIMAL") m = decimalMoments(argType, stddev);
  else m = doubleMoments(argType.kind === "FLOAT", stddev);
  return {
    name: kind,
    retractable: true,
    createAccumulator: () => [0, m.zero, m.zero],
    accumulate(acc, v) {
      if (v === null || v === undefined) return acc;
      check(v, kind);
      acc[0]++;
      m.add(acc, v, 1);
      return acc;
    },
    retract(acc, v) {
      if (v === null || v === undefined) return acc;
      check(v, kind);
      if (--acc[0] === 0) {
        acc[1] = m.zero;
        acc[2] = m.zero;
      } else m.add(acc, v, -1);
      return acc;
    },
    getValue(acc) {
      const n = acc[0];
      if (n === 0 || (sample && n === 1)) return null;
      return m.result(n, acc[1], acc[2], sample ? n - 1 : n);
    },
  };
}

/** Options of {@link aggFunctionByName}. */
export interface AggFunctionOptions {
  /** Ordering of MIN/MAX values (default: `compareSqlValues`). */
  readonly compare?: Comparator;
  /** LISTAGG's separator (default `,`). */
  readonly separator?: string;
  /**
   * Whether the input may retract (default true). False gives MIN/MAX the cheap insert-only
   * accumulator; FIRST_VALUE/LAST_VALUE are insert-only either way.
   */
  readonly retraction?: boolean;
}

/**
 * The aggregate function named `name` (case-insensitive) over an argument of `argType`; COUNT
 * without an argument type is COUNT(*). Throws an error naming the function when it is unknown
 * or needs an argument type it was not given.
 */
export function aggFunctionByName(
  name: string,
  argType: LogicalType | null,
  options: AggFunctionOptions = {},
): SqlAggFunction {
  const upper = name.toUpperCase();
  const needType = (): LogicalType => {
    if (argType === null) throw new TableRuntimeError(`${upper} needs the type of its argument`);
    return argType;
  };
  switch (upper) {
    case "COUNT":
      return argType === null ? countStar() : count();
    case "SUM":
      return sum(needType());
    case "SUM0":
    case "$SUM0":
      return sum(needType(), true);
    case "AVG":
      return avg(needType());
    case "MIN":
    case "MAX":
      return minMax(upper, options.compare, options.retraction ?? true);
    case "LISTAGG":
      return listAgg(options.separator ?? ",");
    case "VAR_POP":
    case "VAR_SAMP":
    case "STDDEV_POP":
    case "STDDEV_SAMP":
      return variance(upper, needType());
    case "VARIANCE":
      return variance("VAR_SAMP", needType());
    case "STDDEV":
      return variance("STDDEV_SAMP", needType());
    case "FIRST_VALUE":
      return firstValue();
    case "LAST_VALUE":
      return lastValue();
    case "SINGLE_VALUE":
      return singleValue();
    default: {
      const user = lookupUserAggregate(upper);
      if (user !== undefined) return userAggFunction(user);
      throw new TableRuntimeError(`unknown aggregate function ${upper}`);
    }
  }
}
