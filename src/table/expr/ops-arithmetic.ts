/**
 * Arithmetic operators `+ - * / %` and unary minus, with Flink's (Java's) semantics per result
 * type:
 * - TINYINT/SMALLINT/INT wrap at their width (`(a + b) | 0`, `Math.imul`), division truncates;
 * - BIGINT is exact: a number fast path inside the helpers, bigint beyond 2^53, wrapping at 64
 *   bits like Java's long;
 * - DECIMAL uses the `Decimal` class, rounded HALF_UP to the result scale, NULL on overflow;
 * - FLOAT/DOUBLE are plain IEEE arithmetic (`x / 0` is ±Infinity or NaN);
 * - integral and DECIMAL division or remainder by zero throw "Division by zero";
 * - DATE/TIME/TIMESTAMP ± INTERVAL, INTERVAL ± INTERVAL, INTERVAL * / number.
 * Result types come from the types' `arithmeticType` (Flink's rules).
 */
import type { LogicalType } from "../types/logical-type.ts";
import { isInterval, isNumeric, isTemporal } from "../types/type-families.ts";
import { arithmeticType, negateType } from "../types/type-rules.ts";
import type { ArithmeticOp } from "../types/type-rules.ts";
import { SqlTypeError } from "../types/errors.ts";
import type { CallSite, ScalarFunctionDef } from "./operators.ts";
import { coerceCode } from "./repr.ts";
import { cannotApply, checkArity } from "./typing.ts";

/** Wraps an int32 expression to the width of a small integral kind. */
function wrap(code: string, kind: string): string {
  if (kind === "TINYINT") return `((${code}) << 24 >> 24)`;
  if (kind === "SMALLINT") return `((${code}) << 16 >> 16)`;
  return `((${code}) | 0)`;
}

function zeroCheck(test: string, site: CallSite, code: string): string {
  return `(${test} ? h.divisionByZero(${site.textRef}) : ${code})`;
}

function integralCode(op: ArithmeticOp, a: string, b: string, site: CallSite): string {
  const res = site.resultType.kind;
  const [lt, rt] = site.argTypes as [LogicalType, LogicalType];
  if (op === "%") {
    // typed by the right operand; the left may be wider
    if (lt.kind === "BIGINT" || rt.kind === "BIGINT") {
      const r = `h.remainderInt64(${a}, ${b})`;
      return zeroCheck(
        `${b} === 0`,
        site,
        res === "BIGINT" ? r : `h.narrowIntegral(${r}, "${res}")`,
      );
    }
    return zeroCheck(`${b} === 0`, site, `((${a} % ${b}) | 0)`);
  }
  const x = coerceCode(a, lt, site.resultType, site.constant);
  const y = coerceCode(b, rt, site.resultType, site.constant);
  if (res === "BIGINT") {
    switch (op) {
      case "+":
        return `h.addInt64(${x}, ${y})`;
      case "-":
        return `h.subtractInt64(${x}, ${y})`;
      case "*":
        return `h.multiplyInt64(${x}, ${y})`;
      case "/":
        return zeroCheck(`${y} === 0`, site, `h.divideInt64(${x}, ${y})`);
    }
  }
  switch (op) {
    case "+":
      return wrap(`${x} + ${y}`, res);
    case "-":
      return wrap(`${x} - ${y}`, res);
    case "*":
      return res === "INT" ? `Math.imul(${x}, ${y})` : wrap(`Math.imul(${x}, ${y})`, res);
    case "/":
      return zeroCheck(`${y} === 0`, site, wrap(`(${x} / ${y}) | 0`, res));
  }
}

function decimalCode(op: ArithmeticOp, a: string, b: string, site: CallSite): string {
  const t = site.resultType as { precision: number; scale: number };
  const [lt, rt] = site.argTypes as [LogicalType, LogicalType];
  const x = coerceCode(a, lt, site.resultType, site.constant);
  const y = coerceCode(b, rt, site.resultType, site.constant);
  const ps = `${t.precision}, ${t.scale}`;
  switch (op) {
    case "+":
      return `h.decimalAdd(${x}, ${y}, ${ps})`;
    case "-":
      return `h.decimalSubtract(${x}, ${y}, ${ps})`;
    case "*":
      return `h.decimalMultiply(${x}, ${y}, ${ps})`;
    case "/":
      return zeroCheck(`${y}.unscaled === 0n`, site, `h.decimalDivide(${x}, ${y}, ${ps})`);
    case "%":
      return zeroCheck(`${y}.unscaled === 0n`, site, `h.decimalRemainder(${x}, ${y}, ${ps})`);
  }
}

function approximateCode(op: ArithmeticOp, a: string, b: string, site: CallSite): string {
  const [lt, rt] = site.argTypes as [LogicalType, LogicalType];
  const x = coerceCode(a, lt, site.resultType, site.constant);
  const y = coerceCode(b, rt, site.resultType, site.constant);
  const code = `(${x} ${op} ${y})`;
  return site.resultType.kind === "FLOAT" ? `Math.fround${code}` : code;
}

/** A number operand of interval scaling as a JS number. */
function factor(code: string, type: LogicalType): string {
  if (type.kind === "DECIMAL") return `${code}.toNumber()`;
  if (type.kind === "BIGINT") return `Number(${code})`;
  return code;
}

function datetimePlus(dt: string, dtType: LogicalType, iv: string, ivType: LogicalType): string {
  const months = ivType.kind === "INTERVAL_YEAR_MONTH";
  switch (dtType.kind) {
    case "DATE":
      return months ? `h.addMonthsToDate(${dt}, ${iv})` : `h.addMillisToDate(${dt}, ${iv})`;
    case "TIME":
      return `h.addMillisToTime(${dt}, ${iv})`;
    default:
      return months ? `h.addMonthsToTimestamp(${dt}, ${iv})` : `${dt}.plusMillis(${iv})`;
  }
}

function temporalCode(op: ArithmeticOp, a: string, b: string, site: CallSite): string {
  const [lt, rt] = site.argTypes as [LogicalType, LogicalType];
  if (op === "+" || op === "-") {
    if (isTemporal(lt) && isInterval(rt))
      return datetimePlus(a, lt, op === "-" ? `(0 - ${b})` : b, rt);
    if (isInterval(lt) && isTemporal(rt)) return datetimePlus(b, rt, a, lt);
    return `(${a} ${op} ${b})`;
  }
  if (op === "*") {
    return isInterval(lt)
      ? `h.scaleInterval(${a}, ${factor(b, rt)})`
      : `h.scaleInterval(${b}, ${factor(a, lt)})`;
  }
  // interval / number
  const d = factor(b, rt);
  return zeroCheck(`${d} == 0`, site, `h.divideInterval(${a}, ${d})`);
}

function arithmeticInline(op: ArithmeticOp) {
  return (args: readonly string[], site: CallSite): string => {
    const [a, b] = args as [string, string];
    const [lt, rt] = site.argTypes as [LogicalType, LogicalType];
    const res = site.resultType;
    if (!isNumeric(lt) || !isNumeric(rt)) return temporalCode(op, a, b, site);
    if (res.kind === "DECIMAL") return decimalCode(op, a, b, site);
    if (res.kind === "FLOAT" || res.kind === "DOUBLE") return approximateCode(op, a, b, site);
    return integralCode(op, a, b, site);
  };
}

function inferArithmetic(op: ArithmeticOp) {
  return (types: readonly LogicalType[]): LogicalType => {
    checkArity(op, types, 2);
    try {
      return arithmeticType(op, types[0]!, types[1]!);
    } catch (e) {
      if (e instanceof SqlTypeError) cannotApply(op, types);
      throw e;
    }
  };
}

function arithmetic(op: ArithmeticOp): ScalarFunctionDef {
  return {
    name: op,
    kind: "operator",
    nullPolicy: "strict",
    deterministic: true,
    inferType: inferArithmetic(op),
    // DECIMAL results are NULL on overflow (Flink)
    mayReturnNull: (site) => site.resultType.kind === "DECIMAL",
    inline: arithmeticInline(op),
  };
}

function negateInline(args: readonly string[], site: CallSite): string {
  const a = args[0]!;
  switch (site.resultType.kind) {
    case "TINYINT":
    case "SMALLINT":
    case "INT":
      return wrap(`-${a}`, site.resultType.kind);
    case "BIGINT":
      return `h.negateInt64(${a})`;
    case "DECIMAL":
      return `${a}.negate()`;
    case "FLOAT":
    case "DOUBLE":
      return `(-${a})`;
    default:
      return `(0 - ${a})`; // intervals: no -0
  }
}

/** The arithmetic operator definitions. */
export const ARITHMETIC_OPERATORS: readonly ScalarFunctionDef[] = [
  arithmetic("+"),
  arithmetic("-"),
  arithmetic("*"),
  arithmetic("/"),
  arithmetic("%"),
  {
    name: "UNARY_MINUS",
    displayName: "-",
    kind: "operator",
    nullPolicy: "strict",
    deterministic: true,
    inferType(types) {
      checkArity("-", types, 1);
      try {
        return negateType(types[0]!);
      } catch (e) {
        if (e instanceof SqlTypeError) cannotApply("-", types);
        throw e;
      }
    },
    inline: negateInline,
  },
];
