/**
 * Code fragments that depend on the runtime representation of SQL values: which JavaScript form
 * a type has, how a value of one type is converted to the form of another (the implicit numeric
 * widening the typing rules allow: INT to BIGINT, DECIMAL or DOUBLE, DATE to TIMESTAMP...), and
 * how two values of one type are compared. The code generator and the operator definitions build
 * their JavaScript from these, so every operator treats numbers, bigints, `Decimal`s and
 * `Timestamp`s the same way.
 *
 * All functions take codes of non-null values (locals or literals) and return an expression.
 */
import { Decimal } from "../types/decimal.ts";
import type { LogicalType } from "../types/logical-type.ts";
import { Timestamp } from "../types/timestamp.ts";
import { typeToString } from "../types/type-print.ts";
import { compareValues, valueKey } from "../types/compare.ts";
import { dateToTimestamp } from "../types/datetime.ts";
import { SqlValidationError } from "./errors.ts";

/** The JavaScript form of the values of a type. */
export type Repr =
  /** A safe integer `number` (TINYINT, SMALLINT, INT, DATE, TIME, intervals). */
  | "int"
  /** A `number` or a `bigint` (BIGINT). */
  | "int64"
  /** A `number` (FLOAT, DOUBLE). */
  | "double"
  /** A `Decimal`. */
  | "decimal"
  /** A `string`. */
  | "string"
  /** A `boolean`. */
  | "bool"
  /** A `Timestamp`. */
  | "timestamp"
  /** A `Uint8Array`. */
  | "binary"
  /** Arrays, maps, rows, multisets. */
  | "composite"
  /** Only NULL. */
  | "null";

/** The representation of values of `type`. */
export function reprOf(type: LogicalType): Repr {
  switch (type.kind) {
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "DATE":
    case "TIME":
    case "INTERVAL_YEAR_MONTH":
    case "INTERVAL_DAY_TIME":
      return "int";
    case "BIGINT":
      return "int64";
    case "FLOAT":
    case "DOUBLE":
      return "double";
    case "DECIMAL":
      return "decimal";
    case "CHAR":
    case "VARCHAR":
      return "string";
    case "BOOLEAN":
      return "bool";
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ":
      return "timestamp";
    case "BINARY":
    case "VARBINARY":
      return "binary";
    case "NULL":
      return "null";
    default:
      return "composite";
  }
}

const INTEGRAL_WIDTH: Partial<Record<LogicalType["kind"], number>> = {
  TINYINT: 8,
  SMALLINT: 16,
  INT: 32,
  BIGINT: 64,
};

function noImplicit(from: LogicalType, to: LogicalType): never {
  throw new SqlValidationError(
    `No implicit conversion from ${typeToString(from)} to ${typeToString(to)}; ` +
      `the planner must insert a CAST`,
  );
}

/**
 * Code converting the non-null value `code` of type `from` to the representation of `to`, for
 * the conversions implicit in Flink's typing (numeric widening, DATE to TIMESTAMP); the same
 * code when the forms already agree. Throws a {@link SqlValidationError} for anything else.
 * With `constant`, a numeric literal is converted at once (`3` to a `Decimal` constant).
 */
export function coerceCode(
  code: string,
  from: LogicalType,
  to: LogicalType,
  constant?: (value: unknown) => string,
): string {
  const out = coercion(code, from, to);
  if (out === code || constant === undefined || reprOf(from) === reprOf(to)) return out;
  // a numeric literal is converted once, at code generation
  const m = NUMERIC_LITERAL.exec(code);
  if (m === null) return out;
  const value = m[2] === "n" ? BigInt(m[1]!) : Number(m[1]);
  return valueCode(coerceValue(value, from, to), constant);
}

const NUMERIC_LITERAL = /^\(?(-?(?:\d+(?:\.\d*)?(?:e[+-]?\d+)?|Infinity|NaN))(n?)\)?$/;

function coercion(code: string, from: LogicalType, to: LogicalType): string {
  const a = reprOf(from);
  const b = reprOf(to);
  if (a === "null" || b === "null") return code;
  if (to.kind === "FLOAT" && from.kind !== "FLOAT") {
    // INT has more digits than FLOAT: round it first, as Java's int-to-float conversion does
    if (a === "int") return from.kind === "INT" ? `Math.fround(${code})` : code;
    if (a === "int64") return `Math.fround(Number(${code}))`;
    if (a === "double") return `Math.fround(${code})`;
    if (a === "decimal") return `Math.fround(${code}.toNumber())`;
    return noImplicit(from, to);
  }
  if (a === b) {
    if (a === "timestamp" && from.kind !== to.kind) return noImplicit(from, to);
    if (a !== "int") return code;
    const wf = INTEGRAL_WIDTH[from.kind];
    const wt = INTEGRAL_WIDTH[to.kind];
    // a wider integral into a narrower one only happens for `%` (typed by its right side)
    if (wf !== undefined && wt !== undefined && wf > wt)
      return `h.narrowIntegral(${code}, "${to.kind}")`;
    return code;
  }
  switch (b) {
    case "int64":
      if (a === "int") return code;
      break;
    case "int":
      if (a === "int64") return `h.narrowIntegral(${code}, "${to.kind}")`;
      break;
    case "double":
      if (a === "int") return code;
      if (a === "int64") return `Number(${code})`;
      if (a === "decimal") return `${code}.toNumber()`;
      break;
    case "decimal":
      if (a === "int" || a === "int64") return `h.decimalOfInt(${code})`;
      if (a === "double") return `h.decimalOfNumber(${code})`;
      break;
    case "timestamp":
      // TIMESTAMP_LTZ needs the session time zone: the planner inserts an explicit CAST
      if (from.kind === "DATE" && to.kind === "TIMESTAMP") return `h.dateToTimestamp(${code})`;
      break;
  }
  return noImplicit(from, to);
}

/**
 * The plan-time counterpart of {@link coerceCode}: converts a non-null constant of type `from`
 * to the representation of `to` (used to prepare IN sets and similar constants).
 */
export function coerceValue(value: unknown, from: LogicalType, to: LogicalType): unknown {
  const a = reprOf(from);
  const b = reprOf(to);
  if (a === "timestamp" && b === "timestamp" && from.kind !== to.kind) return noImplicit(from, to);
  if (a === b || a === "null" || b === "null") {
    return to.kind === "FLOAT" && typeof value === "number" ? Math.fround(value) : value;
  }
  if (b === "int64" && a === "int") return value;
  if (b === "double") {
    const n = value instanceof Decimal ? value.toNumber() : Number(value as number | bigint);
    return to.kind === "FLOAT" ? Math.fround(n) : n;
  }
  if (b === "decimal") {
    if (a === "int" || a === "int64") return Decimal.fromInteger(value as number | bigint);
    if (a === "double") return Decimal.fromNumber(value as number);
  }
  if (b === "timestamp" && from.kind === "DATE" && to.kind === "TIMESTAMP") {
    return dateToTimestamp(value as number);
  }
  return noImplicit(from, to);
}

/** A comparison operator. */
export type CompareOp = "=" | "<>" | "<" | "<=" | ">" | ">=";

const JS_OP: Record<CompareOp, string> = {
  "=": "===",
  "<>": "!==",
  "<": "<",
  "<=": "<=",
  ">": ">",
  ">=": ">=",
};

/**
 * Code of `a op b` for two non-null values of (the representation of) `type`, with SQL
 * semantics: numbers and bigints compare exactly (NaN is unequal to everything, as in Java),
 * DECIMALs numerically, strings by code point (Flink compares UTF-8 bytes), bytes unsigned,
 * TIMESTAMPs by instant, composite values structurally (ordering only for ARRAY and ROW).
 * `constant` passes a comparator to the generated code.
 */
export function compareCode(
  op: CompareOp,
  a: string,
  b: string,
  type: LogicalType,
  constant: (value: unknown) => string,
): string {
  const js = JS_OP[op];
  switch (reprOf(type)) {
    case "int":
    case "int64":
    case "double":
    case "bool":
    case "null":
      return `(${a} ${js} ${b})`;
    case "string":
      return op === "=" || op === "<>"
        ? `(${a} ${js} ${b})`
        : `(h.compareStrings(${a}, ${b}) ${js} 0)`;
    case "decimal":
      return `(${a}.compareTo(${b}) ${js} 0)`;
    case "timestamp":
      if (op === "=") return `(${a}.millis === ${b}.millis && ${a}.nanos === ${b}.nanos)`;
      if (op === "<>") return `(${a}.millis !== ${b}.millis || ${a}.nanos !== ${b}.nanos)`;
      return `(${a}.compareTo(${b}) ${js} 0)`;
    case "binary":
      return `(h.compareBytes(${a}, ${b}) ${js} 0)`;
    case "composite":
      if (op === "=") return `h.valuesEqual(${a}, ${b})`;
      if (op === "<>") return `!h.valuesEqual(${a}, ${b})`;
      return `(${constant(compareValues(type))}(${a}, ${b}) ${js} 0)`;
  }
}

/**
 * Code of a canonical key of a non-null value of `type`, such that two values are SQL-equal
 * exactly when their keys are `===` (NaN aside): the value itself for primitives, `key()` for
 * DECIMAL and TIMESTAMP, an encoded string for bytes and composite values.
 */
export function keyCode(code: string, type: LogicalType): string {
  switch (reprOf(type)) {
    case "decimal":
    case "timestamp":
      return `${code}.key()`;
    case "binary":
    case "composite":
      return `h.valueKey(${code})`;
    default:
      return code;
  }
}

/** The plan-time counterpart of {@link keyCode}. */
export function keyOf(value: unknown, type: LogicalType): unknown {
  const r = reprOf(type);
  if (r === "decimal") return (value as Decimal).key();
  if (r === "timestamp") return (value as Timestamp).key();
  if (r === "binary" || r === "composite") return valueKey(value, type);
  return typeof value === "number" && value === 0 ? 0 : value;
}

/**
 * JavaScript source of a literal value: numbers, bigints, booleans, strings and null inline;
 * anything else (Decimal, Timestamp, bytes, arrays, maps) through `constant`.
 */
export function valueCode(value: unknown, constant: (value: unknown) => string): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      if (Number.isNaN(value)) return "NaN";
      if (value === Infinity) return "Infinity";
      if (value === -Infinity) return "-Infinity";
      if (Object.is(value, -0)) return "(-0)";
      return value < 0 ? `(${String(value)})` : String(value);
    case "bigint":
      return value < 0n ? `(${value}n)` : `${value}n`;
    case "string":
      return JSON.stringify(value);
    default:
      return constant(value);
  }
}
