/**
 * CAST on runtime values with Flink's semantics, for every pair of the explicit cast matrix
 * (`cast-rules.ts`). `castFunction(from, to)` picks the conversion once (the planner calls it per
 * column) and returns a function applied per row; `castValue` is the one-shot form.
 *
 * Semantics (Flink ≥ 1.15 defaults): NULL stays NULL; a failed conversion (an unparsable string,
 * an integral overflow from a string, a non-finite number to DECIMAL) throws a
 * {@link SqlCastError} naming the value and the types — `tryCastValue`/`tryCastFunction` return
 * NULL instead, like TRY_CAST; numbers to DECIMAL round HALF_UP and give NULL on overflow;
 * narrowing integral casts keep the low bits and FLOAT/DOUBLE → integral truncate and saturate,
 * as Java casts do; DECIMAL → integral truncates; strings to CHAR(n) pad with spaces and to
 * VARCHAR(n) truncate (likewise BINARY/VARBINARY with zero bytes); lower TIMESTAMP/TIME
 * precisions truncate; TIMESTAMP ↔ TIMESTAMP_LTZ (and DATE/TIME → TIMESTAMP_LTZ) go through the
 * session time zone.
 */
import * as B from "./bigint-math.ts";
import type { IntegralKind } from "./bigint-math.ts";
import { supportsExplicitCast } from "./cast-rules.ts";
import * as P from "./cast-parse.ts";
import {
  parseDate,
  parseTime,
  parseTimestamp,
  dateToTimestamp,
  MILLIS_PER_DAY,
} from "./datetime.ts";
import { Decimal } from "./decimal.ts";
import { SqlCastError, SqlTypeError } from "./errors.ts";
import { valueToString } from "./format.ts";
import * as T from "./logical-type.ts";
import type { LogicalType } from "./logical-type.ts";
import { Timestamp } from "./timestamp.ts";
import { DEFAULT_TIME_ZONE, checkTimeZone, instantToLocal, localToInstant } from "./time-zone.ts";
import { typeToString } from "./type-print.ts";
import { describe } from "./values.ts";

/** Options of CAST. */
export interface CastOptions {
  /** Session time zone (IANA name) for TIMESTAMP_LTZ conversions. Default 'UTC'. */
  readonly timeZone?: string;
}

/** A compiled cast: converts one value (NULL gives NULL). */
export type CastFunction = (value: unknown) => unknown;

type Conv = (v: any) => unknown;

const encoder = new TextEncoder();

function hasSurrogates(s: string): boolean {
  return /[\uD800-\uDFFF]/.test(s);
}

/** The first `n` code points of `s`. */
function truncateCodePoints(s: string, n: number): string {
  if (s.length <= n) return s;
  if (!hasSurrogates(s)) return s.slice(0, n);
  let out = "";
  let count = 0;
  for (const ch of s) {
    if (count++ === n) break;
    out += ch;
  }
  return out;
}

function codePointLength(s: string): number {
  if (!hasSurrogates(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function fitString(to: T.CharacterType): (s: string) => string {
  const n = to.length;
  if (to.kind === "VARCHAR") return n === T.MAX_LENGTH ? (s) => s : (s) => truncateCodePoints(s, n);
  return (s) => {
    const len = codePointLength(s);
    return len >= n ? truncateCodePoints(s, n) : s + " ".repeat(n - len);
  };
}

function fitBytes(to: T.BinaryType): (b: Uint8Array) => Uint8Array {
  const n = to.length;
  if (to.kind === "VARBINARY") return (b) => (b.length <= n ? b : b.slice(0, n));
  return (b) => {
    if (b.length === n) return b;
    if (b.length > n) return b.slice(0, n);
    const out = new Uint8Array(n);
    out.set(b);
    return out;
  };
}

const UNIT_MONTHS: Record<string, number> = { YEAR: 12, MONTH: 1 };
const UNIT_MILLIS: Record<string, number> = {
  DAY: MILLIS_PER_DAY,
  HOUR: 3600000,
  MINUTE: 60000,
  SECOND: 1000,
};

/** Months or milliseconds per unit of a single-field interval. */
function intervalUnit(t: LogicalType): number {
  if (t.kind === "INTERVAL_YEAR_MONTH") return UNIT_MONTHS[t.resolution]!;
  if (t.kind === "INTERVAL_DAY_TIME") return UNIT_MILLIS[t.resolution]!;
  throw new TypeError(`${t.kind} is not an interval`);
}

function toIntegral(from: LogicalType, kind: IntegralKind): Conv {
  switch (from.kind) {
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
      return B.INTEGRAL_BITS[from.kind] <= B.INTEGRAL_BITS[kind]
        ? (v) => v
        : (v) => B.narrowIntegral(v, kind);
    case "BOOLEAN":
      return (v) => (v ? 1 : 0);
    case "DECIMAL":
      return (v: Decimal) => B.narrowIntegral(B.wrapInt64(v.toBigIntTruncated()), kind);
    case "FLOAT":
    case "DOUBLE":
      return (v: number) => B.doubleToIntegral(v, kind);
    case "CHAR":
    case "VARCHAR":
      return (v: string) => P.parseIntegralText(v, kind);
    case "INTERVAL_YEAR_MONTH":
    case "INTERVAL_DAY_TIME": {
      const unit = intervalUnit(from);
      return (v: number) => B.narrowIntegral(Math.trunc(v / unit), kind);
    }
    default:
      throw unsupported(from, kind);
  }
}

function toDecimal(from: LogicalType, p: number, s: number): Conv {
  switch (from.kind) {
    case "DECIMAL":
      return (v: Decimal) => v.toPrecision(p, s);
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
      return (v: B.Int64) => Decimal.fromInteger(v).toPrecision(p, s);
    case "BOOLEAN":
      return (v) => Decimal.fromInteger(v ? 1 : 0).toPrecision(p, s);
    case "FLOAT":
    case "DOUBLE":
      return (v: number) => {
        if (!Number.isFinite(v)) P.fail(`${v} has no DECIMAL representation`);
        return Decimal.fromNumber(v).toPrecision(p, s);
      };
    case "CHAR":
    case "VARCHAR":
      return (v: string) => P.parseDecimalText(v, p, s);
    default:
      throw unsupported(from, "DECIMAL");
  }
}

function toApproximate(from: LogicalType, float: boolean): Conv {
  const round = float ? Math.fround : (x: number) => x;
  switch (from.kind) {
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
    case "FLOAT":
    case "DOUBLE":
      return float ? (v) => Math.fround(Number(v)) : (v) => Number(v);
    case "DECIMAL":
      return (v: Decimal) => round(v.toNumber());
    case "BOOLEAN":
      return (v) => (v ? 1 : 0);
    case "CHAR":
    case "VARCHAR":
      return (v: string) => P.parseApproximateText(v, float);
    default:
      throw unsupported(from, float ? "FLOAT" : "DOUBLE");
  }
}

function parsed<R>(result: R | undefined, what: string): R {
  if (result === undefined) P.fail(`not a valid ${what}`);
  return result;
}

function toTemporal(from: LogicalType, to: LogicalType, zone: string): Conv {
  const f = from.kind;
  switch (to.kind) {
    case "DATE":
      if (f === "CHAR" || f === "VARCHAR") return (v: string) => parsed(parseDate(v), "DATE");
      if (f === "TIMESTAMP") return (v: Timestamp) => v.epochDay();
      if (f === "TIMESTAMP_LTZ") return (v: Timestamp) => instantToLocal(v, zone).epochDay();
      break;
    case "TIME": {
      const unit = 10 ** Math.max(0, 3 - to.precision);
      const trunc = (ms: number) => ms - (ms % unit);
      if (f === "CHAR" || f === "VARCHAR")
        return (v: string) => trunc(parsed(parseTime(v), "TIME"));
      if (f === "TIME") return trunc;
      if (f === "TIMESTAMP") return (v: Timestamp) => trunc(v.millisOfDay());
      if (f === "TIMESTAMP_LTZ")
        return (v: Timestamp) => trunc(instantToLocal(v, zone).millisOfDay());
      break;
    }
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ": {
      const p = to.precision;
      const ltz = to.kind === "TIMESTAMP_LTZ";
      const fromLocal = ltz
        ? (t: Timestamp) => localToInstant(t, zone).truncate(p)
        : (t: Timestamp) => t.truncate(p);
      if (f === "CHAR" || f === "VARCHAR")
        return (v: string) => fromLocal(parsed(parseTimestamp(v, p), "TIMESTAMP"));
      if (f === "DATE") return (v: number) => fromLocal(dateToTimestamp(v));
      if (f === "TIME") return (v: number) => fromLocal(new Timestamp(v));
      if (f === "TIMESTAMP") return fromLocal;
      if (f === "TIMESTAMP_LTZ")
        return ltz
          ? (v: Timestamp) => v.truncate(p)
          : (v: Timestamp) => instantToLocal(v, zone).truncate(p);
      break;
    }
  }
  throw unsupported(from, to.kind);
}

function toConstructed(from: LogicalType, to: LogicalType, zone: string): Conv {
  if (from.kind === "ARRAY" && to.kind === "ARRAY") {
    const el = nullSafe(build(from.element, to.element, zone));
    return (v: unknown[]) => v.map(el);
  }
  if (from.kind === "MAP" && to.kind === "MAP") {
    const k = nullSafe(build(from.key, to.key, zone));
    const x = nullSafe(build(from.value, to.value, zone));
    return (v: Map<unknown, unknown>) => {
      const out = new Map<unknown, unknown>();
      for (const [key, value] of v) out.set(k(key), x(value));
      return out;
    };
  }
  if (from.kind === "MULTISET" && to.kind === "MULTISET") {
    const el = nullSafe(build(from.element, to.element, zone));
    return (v: Map<unknown, number>) => {
      const out = new Map<unknown, number>();
      for (const [key, count] of v) {
        const c = el(key);
        out.set(c, (out.get(c) ?? 0) + count);
      }
      return out;
    };
  }
  if (from.kind === "ROW" && to.kind === "ROW") {
    const fields = from.fields.map((f, i) => nullSafe(build(f.type, to.fields[i]!.type, zone)));
    return (v: unknown[]) => fields.map((c, i) => c(v[i]));
  }
  throw unsupported(from, to.kind);
}

function nullSafe(c: Conv): Conv {
  return (v) => (v === null || v === undefined ? null : c(v));
}

function unsupported(from: LogicalType, to: string): SqlTypeError {
  return new SqlTypeError(`Cast from ${typeToString(from)} to ${to} is not supported`);
}

/** Builds the conversion of non-null values from `from` to `to`. */
function build(from: LogicalType, to: LogicalType, zone: string): Conv {
  if (from.kind === "NULL") return () => null;
  switch (to.kind) {
    case "CHAR":
    case "VARCHAR": {
      const fit = fitString(to);
      if (from.kind === "CHAR" || from.kind === "VARCHAR") return fit;
      return (v) => fit(valueToString(v, from, { timeZone: zone })!);
    }
    case "BINARY":
    case "VARBINARY": {
      const fit = fitBytes(to);
      if (from.kind === "CHAR" || from.kind === "VARCHAR")
        return (v: string) => fit(encoder.encode(v));
      return fit;
    }
    case "BOOLEAN":
      if (from.kind === "BOOLEAN") return (v) => v;
      if (from.kind === "CHAR" || from.kind === "VARCHAR")
        return (v: string) => P.parseBooleanText(v);
      return (v: number | bigint) => v !== 0;
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
      return toIntegral(from, to.kind);
    case "DECIMAL":
      return toDecimal(from, to.precision, to.scale);
    case "FLOAT":
    case "DOUBLE":
      return toApproximate(from, to.kind === "FLOAT");
    case "DATE":
    case "TIME":
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ":
      return toTemporal(from, to, zone);
    case "INTERVAL_YEAR_MONTH":
    case "INTERVAL_DAY_TIME": {
      if (from.kind === to.kind) return (v) => v;
      const unit = intervalUnit(to);
      return (v: B.Int64) => {
        const r = B.multiplyInt64(v, unit);
        if (typeof r !== "number") P.fail("interval overflow");
        return r;
      };
    }
    case "ARRAY":
    case "MAP":
    case "MULTISET":
    case "ROW":
      return toConstructed(from, to, zone);
    case "NULL":
      throw unsupported(from, "NULL");
  }
}

/**
 * Compiles `CAST(x AS to)` for values of type `from`. Throws a {@link SqlTypeError} when Flink
 * does not support the pair, and a RangeError for an unknown time zone. The returned function
 * maps NULL to NULL and throws {@link SqlCastError} for values that do not convert.
 */
export function castFunction(
  from: LogicalType,
  to: LogicalType,
  options: CastOptions = {},
): CastFunction {
  if (!supportsExplicitCast(T.asNullable(from), T.asNullable(to))) {
    throw new SqlTypeError(
      `Cast from ${typeToString(from)} to ${typeToString(to)} is not supported`,
    );
  }
  const zone = checkTimeZone(options.timeZone ?? DEFAULT_TIME_ZONE);
  const conv = build(from, to, zone);
  return (value) => {
    if (value === null || value === undefined) return null;
    try {
      return conv(value);
    } catch (e) {
      if (e instanceof P.ConversionError) {
        throw new SqlCastError(
          `Cannot cast ${describe(value)} of type ${typeToString(from)} to ${typeToString(to)}: ${e.message}`,
          { cause: e },
        );
      }
      throw e;
    }
  };
}

/** Like {@link castFunction}, but values that do not convert give NULL (TRY_CAST). */
export function tryCastFunction(
  from: LogicalType,
  to: LogicalType,
  options: CastOptions = {},
): CastFunction {
  const cast = castFunction(from, to, options);
  return (value) => {
    try {
      return cast(value);
    } catch (e) {
      if (e instanceof SqlCastError) return null;
      throw e;
    }
  };
}

/** `CAST(value AS to)` for a value of type `from` (see {@link castFunction}). */
export function castValue(
  value: unknown,
  from: LogicalType,
  to: LogicalType,
  options: CastOptions = {},
): unknown {
  return castFunction(from, to, options)(value);
}

/** `TRY_CAST(value AS to)`: NULL instead of a {@link SqlCastError}. */
export function tryCastValue(
  value: unknown,
  from: LogicalType,
  to: LogicalType,
  options: CastOptions = {},
): unknown {
  return tryCastFunction(from, to, options)(value);
}
