/**
 * The runtime helpers that generated code reaches as `h.<name>`: exact BIGINT and DECIMAL
 * arithmetic, comparisons of strings and bytes, three-valued logic, date/time arithmetic, LIKE
 * and SIMILAR TO matching, and the error helpers that name the failing expression. One frozen
 * object shared by all compiled queries; it holds no per-query state.
 */
import {
  addInt64,
  divideInt64,
  multiplyInt64,
  narrowIntegral,
  negateInt64,
  remainderInt64,
  subtractInt64,
} from "../types/bigint-math.ts";
import type { Int64, IntegralKind } from "../types/bigint-math.ts";
import {
  Decimal,
  decimalAdd,
  decimalDivide,
  decimalMultiply,
  decimalRemainder,
  decimalSubtract,
} from "../types/decimal.ts";
import {
  and3,
  compareBytes,
  compareStrings,
  mapGet,
  not3,
  or3,
  valueKey,
  valuesEqual,
} from "../types/compare.ts";
import { addMonthsToDate, addMonthsToTimestamp, dateToTimestamp } from "../types/datetime.ts";
import { SqlArithmeticError } from "../types/errors.ts";
import { addIntervalToTime } from "../types/temporal.ts";
import { withExpressionText } from "./errors.ts";
import { likeMatcher, similarMatcher } from "./like.ts";

const MILLIS_PER_DAY = 86400000;

/** A small cache of compiled patterns for LIKE / SIMILAR TO with non-constant patterns. */
class PatternCache {
  private readonly map = new Map<string, RegExp>();
  private readonly build: (pattern: string, escape: string | null) => RegExp;
  /** A cache compiling patterns with `build`. */
  constructor(build: (pattern: string, escape: string | null) => RegExp) {
    this.build = build;
  }
  /** Whether `text` matches `pattern` (with `escape`). */
  test(text: string, pattern: string, escape: string | null): boolean {
    const key = escape === null ? pattern : `${escape}\u0000${pattern}`;
    let re = this.map.get(key);
    if (re === undefined) {
      re = this.build(pattern, escape);
      if (this.map.size >= 256) this.map.clear();
      this.map.set(key, re);
    }
    return re.test(text);
  }
}

const likeCache = new PatternCache((p, e) => likeMatcher(p, e, false));
const ilikeCache = new PatternCache((p, e) => likeMatcher(p, e, true));
const similarCache = new PatternCache((p, e) => similarMatcher(p, e));

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The helpers object passed to every generated function as `h`. */
export const HELPERS = Object.freeze({
  addInt64,
  subtractInt64,
  multiplyInt64,
  divideInt64,
  remainderInt64,
  negateInt64,
  /** Narrows an integral value to a kind, keeping the low bits (Java). */
  narrowIntegral: (v: Int64, kind: IntegralKind): Int64 => narrowIntegral(v, kind),
  decimalAdd,
  decimalSubtract,
  decimalMultiply,
  decimalDivide,
  decimalRemainder,
  /** An integral value as a DECIMAL with scale 0. */
  decimalOfInt: (v: Int64): Decimal => Decimal.fromInteger(v),
  /** A double as the DECIMAL with its shortest digits. */
  decimalOfNumber: (v: number): Decimal => Decimal.fromNumber(v),
  compareStrings,
  compareBytes,
  valuesEqual,
  valueKey,
  mapGet,
  and3,
  or3,
  not3,
  concatBytes,
  dateToTimestamp,
  addMonthsToDate,
  addMonthsToTimestamp,
  /** DATE + day-time interval: whole days, truncated toward zero (Flink). */
  addMillisToDate: (days: number, millis: number): number =>
    days + Math.trunc(millis / MILLIS_PER_DAY),
  /** TIME + day-time interval, wrapping around midnight. */
  addMillisToTime: (t: number, millis: number): number =>
    addIntervalToTime(t, millis, "INTERVAL_DAY_TIME"),
  /** An interval times a number, truncated to whole months / milliseconds. */
  scaleInterval: (interval: number, factor: number): number => Math.trunc(interval * factor) || 0,
  /** An interval divided by a number, truncated to whole months / milliseconds. */
  divideInterval: (interval: number, divisor: number): number =>
    Math.trunc(interval / divisor) || 0,
  /** Throws the division-by-zero error of the expression `text`. */
  divisionByZero(text: string): never {
    throw new SqlArithmeticError(`Division by zero (in expression ${text})`);
  },
  /** `error` re-raised with the expression text (see `withExpressionText`). */
  fail: (error: unknown, text: string): Error => withExpressionText(error, text),
  /** LIKE with a pattern known only at run time. */
  like: (s: string, p: string, e: string | null): boolean => likeCache.test(s, p, e),
  /** ILIKE (case-insensitive LIKE) with a pattern known only at run time. */
  ilike: (s: string, p: string, e: string | null): boolean => ilikeCache.test(s, p, e),
  /** SIMILAR TO with a pattern known only at run time. */
  similar: (s: string, p: string, e: string | null): boolean => similarCache.test(s, p, e),
});

/** The type of {@link HELPERS}. */
export type Helpers = typeof HELPERS;
