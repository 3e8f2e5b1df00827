/**
 * Flink's typing rules for expressions: result types of arithmetic (+ - * / % on integral,
 * DECIMAL and approximate numbers, and date/time ± interval), comparability, string
 * concatenation, CAST result types and nullability propagation. Re-exports the cast matrices and
 * common-supertype rules so that callers need one import.
 *
 * Flink particulars worth knowing (Flink derives these through Calcite with its own type system):
 * - integral arithmetic stays in the wider operand type and wraps on overflow: INT + INT is INT,
 *   TINYINT + TINYINT is TINYINT, and INT / INT is INT (integer division, truncating);
 * - `%` on integral types has the type of the right operand (Calcite's NULLABLE_MOD), and `%` is
 *   only defined for exact numerics;
 * - any DECIMAL operand turns the other exact operand into DECIMAL(3|5|10|19, 0) and uses the
 *   DECIMAL rules of `type-merging.ts` (e.g. DECIMAL(38, 18) * DECIMAL(38, 18) is
 *   DECIMAL(38, 6));
 * - DECIMAL with FLOAT/DOUBLE gives DOUBLE; FLOAT with integral types stays FLOAT;
 * - a datetime ± an interval keeps the datetime type (DATE + INTERVAL '1' HOUR is still a DATE).
 */
import { SqlTypeError } from "./errors.ts";
import * as T from "./logical-type.ts";
import type { LogicalType } from "./logical-type.ts";
import {
  hasFamily,
  isBinaryString,
  isCharacterString,
  isConstructed,
  isExactNumeric,
  isInterval,
  isNumeric,
  isTemporal,
} from "./type-families.ts";
import {
  asDecimalType,
  commonType,
  decimalAdditionType,
  decimalDivisionType,
  decimalModuloType,
  decimalMultiplicationType,
} from "./type-merging.ts";
import { typeToString } from "./type-print.ts";

export {
  castCanFail,
  supportsAvoidingCast,
  supportsExplicitCast,
  supportsImplicitCast,
} from "./cast-rules.ts";
export {
  adjustPrecisionScale,
  asDecimalType,
  avgAggType,
  commonType,
  decimalAdditionType,
  decimalDivisionType,
  decimalModuloType,
  decimalMultiplicationType,
  decimalRoundType,
  sumAggType,
} from "./type-merging.ts";

/** A binary arithmetic operator. */
export type ArithmeticOp = "+" | "-" | "*" | "/" | "%";

/** Nullable when any of the types is nullable (the usual SQL propagation). */
export function anyNullable(...types: readonly LogicalType[]): boolean {
  for (const t of types) if (t.nullable) return true;
  return false;
}

/** `type` made nullable when any of `inputs` is nullable, otherwise returned unchanged. */
export function propagateNullability<U extends LogicalType>(
  type: U,
  ...inputs: readonly LogicalType[]
): U {
  return anyNullable(...inputs) ? T.asNullable(type) : type;
}

function cannotApply(op: string, left: LogicalType, right?: LogicalType): never {
  const args =
    right === undefined ? typeToString(left) : `${typeToString(left)}, ${typeToString(right)}`;
  throw new SqlTypeError(`Cannot apply '${op}' to arguments of type (${args})`);
}

function numericResult(op: ArithmeticOp, l: LogicalType, r: LogicalType): LogicalType {
  const exact = isExactNumeric(l) && isExactNumeric(r);
  if (op === "%") {
    if (!exact) cannotApply(op, l, r);
    if (l.kind !== "DECIMAL" && r.kind !== "DECIMAL") return r;
  }
  if (exact && (l.kind === "DECIMAL" || r.kind === "DECIMAL")) {
    const a = asDecimalType(l);
    const b = asDecimalType(r);
    const derive = {
      "+": decimalAdditionType,
      "-": decimalAdditionType,
      "*": decimalMultiplicationType,
      "/": decimalDivisionType,
      "%": decimalModuloType,
    }[op];
    return derive(a.precision, a.scale, b.precision, b.scale);
  }
  const c = commonType([l, r]);
  if (c === null) cannotApply(op, l, r);
  return c;
}

function temporalResult(op: ArithmeticOp, l: LogicalType, r: LogicalType): LogicalType {
  const dt = (t: LogicalType) => isTemporal(t);
  const timeWithYm = (a: LogicalType, b: LogicalType) =>
    a.kind === "TIME" && b.kind === "INTERVAL_YEAR_MONTH";
  if ((op === "+" || op === "-") && dt(l) && isInterval(r) && !timeWithYm(l, r)) return l;
  if (op === "+" && isInterval(l) && dt(r) && !timeWithYm(r, l)) return r;
  if ((op === "+" || op === "-") && isInterval(l) && isInterval(r) && l.kind === r.kind) {
    const c = commonType([l, r]);
    if (c !== null) return c;
  }
  if (op === "*" && isInterval(l) && isNumeric(r)) return l;
  if (op === "*" && isNumeric(l) && isInterval(r)) return r;
  if (op === "/" && isInterval(l) && isNumeric(r)) return l;
  return cannotApply(op, l, r);
}

/**
 * Result type of `left op right`, nullable when either side is. Throws a {@link SqlTypeError}
 * naming the operator and the types when the operator does not apply. NULL operands take the
 * other side's type.
 */
export function arithmeticType(
  op: ArithmeticOp,
  left: LogicalType,
  right: LogicalType,
): LogicalType {
  const nullable = left.nullable || right.nullable;
  const l = left.kind === "NULL" ? right : left;
  const r = right.kind === "NULL" ? left : right;
  if (l.kind === "NULL") cannotApply(op, left, right);
  let result: LogicalType;
  if (isNumeric(l) && isNumeric(r)) result = numericResult(op, T.notNull(l), T.notNull(r));
  else if (isInterval(l) || isInterval(r)) result = temporalResult(op, T.notNull(l), T.notNull(r));
  else return cannotApply(op, left, right);
  return T.withNullability(result, nullable);
}

/** Result type of unary minus: numeric and interval types keep their type. */
export function negateType(operand: LogicalType): LogicalType {
  if (isNumeric(operand) || isInterval(operand) || operand.kind === "NULL") return operand;
  return cannotApply("-", operand);
}

/** How two values are compared: `=`/`<>`/IN/DISTINCT, or `<`/`>`/BETWEEN/ORDER BY. */
export type ComparisonKind = "equality" | "ordering";

/**
 * The type both sides of a comparison convert to, or `null` when Flink would reject the
 * comparison. Comparable: numbers with numbers (in their common type: BIGINT vs DOUBLE compares
 * as DOUBLE, as Java does), strings with strings, binary strings with binary strings, BOOLEAN,
 * DATE, TIME, TIMESTAMP with TIMESTAMP_LTZ (as TIMESTAMP_LTZ), intervals of the same family,
 * and constructed types with the same constructor whose children compare — those for equality
 * only. Strings and numbers do not compare without a CAST.
 */
export function comparisonType(
  left: LogicalType,
  right: LogicalType,
  kind: ComparisonKind,
): LogicalType | null {
  if (left.kind === "NULL" && right.kind === "NULL") return null;
  const l = left.kind === "NULL" ? right : left;
  const r = right.kind === "NULL" ? left : right;
  if (isConstructed(l) || isConstructed(r)) {
    if (kind === "ordering" || l.kind !== r.kind) return null;
    const a = T.childTypes(l);
    const b = T.childTypes(r);
    if (a.length !== b.length) return null;
    for (let i = 0; i < a.length; i++)
      if (comparisonType(a[i]!, b[i]!, "equality") === null) return null;
    return commonType([l, r]) ?? l;
  }
  const sameFamily =
    (isNumeric(l) && isNumeric(r)) ||
    (isCharacterString(l) && isCharacterString(r)) ||
    (isBinaryString(l) && isBinaryString(r)) ||
    (hasFamily(l, "TIMESTAMP") && hasFamily(r, "TIMESTAMP")) ||
    l.kind === r.kind;
  if (!sameFamily) return null;
  return commonType([l, r]);
}

/**
 * Result type of `left || right`: both character strings (CHAR || CHAR is CHAR(n1 + n2),
 * otherwise VARCHAR(n1 + n2), capped at 2147483647) or both binary strings (likewise).
 */
export function concatType(left: LogicalType, right: LogicalType): LogicalType {
  const nullable = left.nullable || right.nullable;
  const chars = isCharacterString(left) && isCharacterString(right);
  const bins = isBinaryString(left) && isBinaryString(right);
  if (!chars && !bins) cannotApply("||", left, right);
  const a = left as T.CharacterType | T.BinaryType;
  const b = right as T.CharacterType | T.BinaryType;
  const length = Math.min(a.length + b.length, T.MAX_LENGTH);
  const fixed = a.kind === b.kind && (a.kind === "CHAR" || a.kind === "BINARY");
  const t = chars
    ? fixed
      ? T.CHAR(length)
      : T.VARCHAR(length)
    : fixed
      ? T.BINARY(length)
      : T.VARBINARY(length);
  return T.withNullability(t, nullable);
}

/**
 * Result type of `CAST(x AS target)`: the target type with the nullability of the input (Flink
 * keeps the input's nullability); TRY_CAST is always nullable.
 */
export function castResultType(
  source: LogicalType,
  target: LogicalType,
  tryCast = false,
): LogicalType {
  return T.withNullability(target, tryCast || source.nullable || source.kind === "NULL");
}

/** Result type of AND / OR / NOT and of comparisons: BOOLEAN, nullable when any input is. */
export function booleanResultType(...inputs: readonly LogicalType[]): LogicalType {
  return T.withNullability(T.BOOLEAN(), anyNullable(...inputs));
}
