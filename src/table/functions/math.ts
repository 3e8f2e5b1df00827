/**
 * Math functions with Flink's typing: ABS, SIGN keep the argument type; MOD is the `%`
 * operator under its function name (exact numerics, typed by the divisor); POWER, SQRT, EXP,
 * LN, LOG10, LOG2, LOG, the trigonometric and hyperbolic functions, DEGREES and RADIANS compute
 * in DOUBLE with Java's `Math` semantics (NaN and infinities instead of errors); PI() and E();
 * ROUND and TRUNCATE round HALF_UP / toward zero, exactly for DECIMAL (through `Decimal`) with
 * Flink's result type DECIMAL(1 + p - s + d, d) for a literal `d < s`, integral types wrap to
 * their width as Java's narrowing does, and doubles go through their shortest decimal digits
 * (Java's `BigDecimal.valueOf`). FLOOR/CEIL are in `floor-ceil.ts`.
 */
import { SqlValidationError } from "../expr/errors.ts";
import { ARITHMETIC_OPERATORS } from "../expr/ops-arithmetic.ts";
import type { ScalarFunctionDef } from "../expr/operators.ts";
import { narrowIntegral } from "../types/bigint-math.ts";
import type { IntegralKind } from "../types/bigint-math.ts";
import { Decimal, divideRounded, pow10 } from "../types/decimal.ts";
import type { RoundingMode } from "../types/decimal.ts";
import * as T from "../types/logical-type.ts";
import type { LogicalType } from "../types/logical-type.ts";
import { isInterval } from "../types/type-families.ts";
import { decimalRoundType } from "../types/type-rules.ts";
import {
  expectArgs,
  fn,
  int,
  literalAt,
  nullableIf,
  num,
  toDouble,
  toInt,
  withAliases,
} from "./define.ts";
import type { Operands } from "./define.ts";

const DOUBLE_T = T.notNull(T.DOUBLE());

function doubleFn(
  name: string,
  arity: number,
  f: (...xs: number[]) => number,
  minArity = arity,
): ScalarFunctionDef {
  return fn({
    name,
    inferType(types) {
      expectArgs(name, types, Array(arity).fill(num), minArity);
      return nullableIf(DOUBLE_T, types);
    },
    impl: (...xs: unknown[]) => f(...xs.map(toDouble)),
  });
}

/** Java's `Math.abs` on a value of an integral kind (the minimum value stays negative). */
function absIntegral(v: number | bigint, kind: IntegralKind): number | bigint {
  if (typeof v === "bigint") return narrowIntegral(v < 0n ? -v : v, kind);
  return narrowIntegral(Math.abs(v), kind);
}

const ABS = fn({
  name: "ABS",
  inferType(types) {
    expectArgs("ABS", types, [(t) => num(t) || isInterval(t)]);
    return types[0]!.kind === "NULL" ? T.DOUBLE() : types[0]!;
  },
  bind(site) {
    const t = site.argTypes[0]!;
    switch (t.kind) {
      case "TINYINT":
      case "SMALLINT":
      case "INT":
      case "BIGINT":
        return (v: number | bigint) => absIntegral(v, t.kind as IntegralKind);
      case "DECIMAL":
        return (v: Decimal) => v.abs();
      default:
        return (v: number) => Math.abs(v);
    }
  },
});

const SIGN = fn({
  name: "SIGN",
  mayReturnNull: (site) => site.resultType.kind === "DECIMAL",
  inferType(types) {
    expectArgs("SIGN", types, [num]);
    return types[0]!.kind === "NULL" ? T.DOUBLE() : types[0]!;
  },
  bind(site) {
    const t = site.resultType;
    if (t.kind === "DECIMAL") {
      return (v: Decimal) => Decimal.fromInteger(v.signum()).toPrecision(t.precision, t.scale);
    }
    if (t.kind === "BIGINT") return (v: number | bigint) => (v > 0 ? 1 : v < 0 ? -1 : 0);
    return (v: number) => Math.sign(v);
  },
});

const MOD: ScalarFunctionDef = (() => {
  const rem = ARITHMETIC_OPERATORS.find((d) => d.name === "%")!;
  return { ...rem, name: "MOD", kind: "function", displayName: "MOD" };
})();

/** The rounding position of ROUND/TRUNCATE: the literal second operand, 0 when absent. */
function roundDigits(types: readonly LogicalType[], operands: Operands): number | undefined {
  if (types.length === 1) return 0;
  const lit = literalAt(operands, 1);
  if (lit === undefined || lit.value === null) return undefined;
  return toInt(lit.value);
}

/** `v` rounded at `d` fraction digits (negative: left of the point) with `mode`, scale max(d, 0). */
export function roundDecimal(v: Decimal, d: number, mode: RoundingMode): Decimal {
  if (d >= 0) return d >= v.scale ? v : v.setScale(d, mode);
  const unit = pow10(v.scale - d);
  return new Decimal(divideRounded(v.unscaled, unit, mode) * pow10(-d), 0);
}

function roundIntegral(
  v: number | bigint,
  d: number,
  mode: RoundingMode,
  kind: IntegralKind,
): number | bigint {
  if (d >= 0) return v;
  const unit = pow10(-d);
  return narrowIntegral(divideRounded(BigInt(v), unit, mode) * unit, kind);
}

function roundApprox(v: number, d: number, mode: RoundingMode, float: boolean): number {
  if (!Number.isFinite(v)) return v;
  // a FLOAT widens to double first, as Java's BigDecimal.valueOf((double) f) does
  let x = Decimal.fromNumber(v);
  if (mode === "DOWN" && x.scale > 18) x = x.setScale(18, "HALF_UP"); // Flink truncates via DECIMAL(38, 18)
  const r = roundDecimal(x, d, mode).toNumber();
  return float ? Math.fround(r) : r;
}

function roundDef(name: "ROUND" | "TRUNCATE", mode: RoundingMode): ScalarFunctionDef {
  return fn({
    name,
    mayReturnNull: (site) => site.resultType.kind === "DECIMAL",
    inferType(types, operands?: Operands) {
      expectArgs(name, types, [num, int], 1);
      const t = types[0]!;
      if (t.kind === "NULL") return nullableIf(T.DOUBLE(), types);
      if (t.kind !== "DECIMAL") return nullableIf(t, types);
      const d = roundDigits(types, operands);
      if (d === undefined) return nullableIf(t, types);
      return nullableIf(T.withNullability(decimalRoundType(t.precision, t.scale, d), false), types);
    },
    bind(site) {
      const t = site.argTypes[0]!;
      const res = site.resultType;
      const digits = (d: unknown) => (d === undefined ? 0 : toInt(d));
      switch (t.kind) {
        case "TINYINT":
        case "SMALLINT":
        case "INT":
        case "BIGINT":
          return (v: number | bigint, d?: number | bigint) =>
            roundIntegral(v, digits(d), mode, t.kind as IntegralKind);
        case "DECIMAL": {
          const { precision, scale } = res as T.DecimalType;
          return (v: Decimal, d?: number | bigint) =>
            roundDecimal(v, digits(d), mode).toPrecision(precision, scale);
        }
        case "FLOAT":
        case "DOUBLE":
          return (v: number, d?: number | bigint) =>
            roundApprox(v, digits(d), mode, t.kind === "FLOAT");
        default:
          throw new SqlValidationError(`${name} does not apply to ${t.kind}`);
      }
    },
  });
}

function constant(name: string, value: number): ScalarFunctionDef {
  return fn({
    name,
    inferType(types) {
      expectArgs(name, types, []);
      return DOUBLE_T;
    },
    inline: () => String(value),
  });
}

const LOG = fn({
  name: "LOG",
  inferType(types) {
    expectArgs("LOG", types, [num, num], 1);
    return nullableIf(DOUBLE_T, types);
  },
  impl: (a: unknown, b?: unknown) =>
    b === undefined ? Math.log(toDouble(a)) : Math.log(toDouble(b)) / Math.log(toDouble(a)),
});

/** The math function definitions. */
export const MATH_FUNCTIONS: readonly ScalarFunctionDef[] = [
  ABS,
  SIGN,
  MOD,
  ...withAliases(doubleFn("POWER", 2, Math.pow), "POW"),
  doubleFn("SQRT", 1, Math.sqrt),
  doubleFn("EXP", 1, Math.exp),
  doubleFn("LN", 1, Math.log),
  doubleFn("LOG10", 1, Math.log10),
  doubleFn("LOG2", 1, (x) => Math.log(x) / Math.log(2)),
  LOG,
  doubleFn("SIN", 1, Math.sin),
  doubleFn("COS", 1, Math.cos),
  doubleFn("TAN", 1, Math.tan),
  doubleFn("COT", 1, (x) => 1 / Math.tan(x)),
  doubleFn("ASIN", 1, Math.asin),
  doubleFn("ACOS", 1, Math.acos),
  doubleFn("ATAN", 1, Math.atan),
  doubleFn("ATAN2", 2, Math.atan2),
  doubleFn("SINH", 1, Math.sinh),
  doubleFn("COSH", 1, Math.cosh),
  doubleFn("TANH", 1, Math.tanh),
  doubleFn("DEGREES", 1, (x) => x * (180 / Math.PI)),
  doubleFn("RADIANS", 1, (x) => x * (Math.PI / 180)),
  constant("PI", Math.PI),
  constant("E", Math.E),
  roundDef("ROUND", "HALF_UP"),
  roundDef("TRUNCATE", "DOWN"),
];
