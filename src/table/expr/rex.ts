/**
 * The resolved, typed expression IR of Strom's SQL layer (Calcite's `RexNode`): what the planner
 * makes of the parser's expression AST once names are resolved to input fields and every node
 * has its type. Nodes are immutable plain data (no closures, no classes), so plans can be
 * printed, compared, serialized and fingerprinted.
 *
 * - `input`: field `index` of the input row (at `row[index + 1]` at run time, after the row kind);
 * - `literal`: a value in the runtime representation (see src/table/types/values.ts) and its type;
 * - `call`: a registered operator or function (`operators.ts`) applied to operands;
 * - `cast`: CAST (or TRY_CAST when `safe`) to a target type;
 * - `case`: searched CASE (`WHEN c THEN v ... ELSE e END`; a simple CASE is rewritten to it);
 * - `fieldAccess`: field of a ROW value.
 *
 * The builders check what can be checked at plan time and throw a {@link SqlValidationError}
 * naming the node and the types. Traversals (input references, shifting, folding) live in
 * `rex-util.ts` and `fold.ts`; compilation to JavaScript in `codegen.ts`.
 */
import { BOOLEAN, NULL, notNull, withNullability } from "../types/logical-type.ts";
import type { LogicalType } from "../types/logical-type.ts";
import { castResultType, commonType, supportsExplicitCast } from "../types/type-rules.ts";
import { materializedType } from "../types/time-attributes.ts";
import { typeToString } from "../types/type-print.ts";
import { describeInvalidValue } from "../types/values.ts";
import { SqlValidationError } from "./errors.ts";
import { lookupScalar } from "./operators.ts";
import { literalToString } from "./rex-print.ts";

/** A reference to a field of the input row. */
export interface RexInputRef {
  /** The discriminant. */
  readonly kind: "input";
  /** 0-based field index (the value is at `row[index + 1]`). */
  readonly index: number;
  /** The field's type. */
  readonly type: LogicalType;
}

/** A constant in the runtime representation. */
export interface RexLiteral {
  /** The discriminant. */
  readonly kind: "literal";
  /** The value (`null` for NULL). */
  readonly value: unknown;
  /** The literal's type. */
  readonly type: LogicalType;
}

/** A call of a registered scalar operator or function. */
export interface RexCall {
  /** The discriminant. */
  readonly kind: "call";
  /** The operator's registry name (`+`, `=`, `AND`, `IS NULL`, `LIKE`, `UPPER`...). */
  readonly op: string;
  /** The operands. */
  readonly operands: readonly RexNode[];
  /** The result type. */
  readonly type: LogicalType;
}

/** `CAST(operand AS type)`, or `TRY_CAST` (NULL instead of an error) when `safe`. */
export interface RexCast {
  /** The discriminant. */
  readonly kind: "cast";
  /** The converted expression. */
  readonly operand: RexNode;
  /** The target type (nullable when the operand is, or when `safe`). */
  readonly type: LogicalType;
  /** True for TRY_CAST. */
  readonly safe: boolean;
}

/** One `WHEN condition THEN value` of a CASE. */
export interface RexWhen {
  /** A BOOLEAN condition; only TRUE selects the branch. */
  readonly when: RexNode;
  /** The branch value. */
  readonly then: RexNode;
}

/** Searched `CASE WHEN c1 THEN v1 ... [ELSE e] END`; without ELSE the result is NULL. */
export interface RexCase {
  /** The discriminant. */
  readonly kind: "case";
  /** The branches, tried in order. */
  readonly branches: readonly RexWhen[];
  /** The ELSE value, or null when there is none. */
  readonly otherwise: RexNode | null;
  /** The result type (the common type of the branch values). */
  readonly type: LogicalType;
}

/** Field `index` of a ROW value (NULL when the row is NULL). */
export interface RexFieldAccess {
  /** The discriminant. */
  readonly kind: "fieldAccess";
  /** The ROW-typed expression. */
  readonly operand: RexNode;
  /** 0-based field position. */
  readonly index: number;
  /** The field name (for printing). */
  readonly name: string;
  /** The field type, nullable when the row is. */
  readonly type: LogicalType;
}

/** A resolved, typed expression. */
export type RexNode = RexInputRef | RexLiteral | RexCall | RexCast | RexCase | RexFieldAccess;

/** The type of an expression. */
export function rexType(node: RexNode): LogicalType {
  return node.type;
}

/** A reference to input field `index` of type `type`. */
export function inputRef(index: number, type: LogicalType): RexInputRef {
  if (!Number.isInteger(index) || index < 0) {
    throw new SqlValidationError(`Input reference index must be an integer ≥ 0, got ${index}`);
  }
  return { kind: "input", index, type };
}

/**
 * A literal of `type`. The value must be in the runtime representation of the type (checked),
 * e.g. a `Decimal` for DECIMAL and days since the epoch for DATE.
 */
export function literal(value: unknown, type: LogicalType): RexLiteral {
  if (value === undefined) throw new SqlValidationError("A literal value must not be undefined");
  const why = describeInvalidValue(value, value === null ? withNullability(type, true) : type);
  if (why !== undefined) throw new SqlValidationError(`Invalid literal: ${why}`);
  return { kind: "literal", value, type };
}

/** The NULL literal of `type` (the untyped NULL when no type is given). */
export function nullLiteral(type: LogicalType = NULL()): RexLiteral {
  return { kind: "literal", value: null, type: withNullability(type, true) };
}

/**
 * A literal with the type Flink gives a SQL literal of that value: booleans BOOLEAN, integers
 * INT (BIGINT beyond 32 bits, and for bigints), other numbers DOUBLE, strings CHAR(n) (VARCHAR
 * for the empty string) — all NOT NULL. Other values need {@link literal} with a type.
 */
export function literalOf(value: boolean | number | bigint | string): RexLiteral {
  switch (typeof value) {
    case "boolean":
      return literal(value, notNull(BOOLEAN()));
    case "number":
      if (Number.isInteger(value) && value >= -2147483648 && value <= 2147483647) {
        return literal(value === 0 ? 0 : value, { kind: "INT", nullable: false });
      }
      if (Number.isSafeInteger(value)) return literal(value, { kind: "BIGINT", nullable: false });
      return literal(value, { kind: "DOUBLE", nullable: false });
    case "bigint": {
      const n = value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value;
      return literal(n, { kind: "BIGINT", nullable: false });
    }
    case "string":
      return literal(value, {
        kind: value.length === 0 ? "VARCHAR" : "CHAR",
        nullable: false,
        length: Math.max(1, [...value].length),
      });
  }
}

/**
 * A call of the registered operator `op`. Without `type` the result type is inferred by the
 * operator (which throws a {@link SqlValidationError} naming it and the argument types when
 * they do not fit); an unknown operator is an error too.
 */
export function call(op: string, operands: readonly RexNode[], type?: LogicalType): RexCall {
  const def = lookupScalar(op);
  if (def === undefined) throw new SqlValidationError(`No such function or operator: ${op}`);
  let resultType =
    type ??
    def.inferType(
      operands.map((o) => o.type),
      operands,
    );
  // A computed value is not a time attribute (`ts + INTERVAL ...`), except PROCTIME()'s.
  if (type === undefined && def.name !== "PROCTIME") resultType = materializedType(resultType);
  return { kind: "call", op: def.name, operands: [...operands], type: resultType };
}

/**
 * `CAST(operand AS target)`, or `TRY_CAST` when `safe`. The result keeps the operand's
 * nullability (TRY_CAST is always nullable). Throws when Flink has no such cast.
 */
export function cast(operand: RexNode, target: LogicalType, safe = false): RexCast {
  const from = operand.type;
  if (from.kind !== "NULL" && !supportsExplicitCast(from, target)) {
    throw new SqlValidationError(
      `Cannot cast ${typeToString(from)} to ${typeToString(target)}` +
        ` in ${safe ? "TRY_CAST" : "CAST"}(${rexToString(operand)} AS ${bareType(target)})`,
    );
  }
  return { kind: "cast", operand, type: castResultType(from, target, safe), safe };
}

/**
 * Searched CASE. Every condition must be BOOLEAN; the result type is the common type of the
 * branch values (and ELSE), nullable when any is or when ELSE is missing, unless `type` is given.
 */
export function caseWhen(
  branches: ReadonlyArray<readonly [RexNode, RexNode] | RexWhen>,
  otherwise: RexNode | null = null,
  type?: LogicalType,
): RexCase {
  if (branches.length === 0) throw new SqlValidationError("CASE needs at least one WHEN branch");
  const list: RexWhen[] = branches.map((b) =>
    Array.isArray(b) ? { when: b[0], then: b[1] } : (b as RexWhen),
  );
  for (const b of list) {
    const k = b.when.type.kind;
    if (k !== "BOOLEAN" && k !== "NULL") {
      throw new SqlValidationError(
        `CASE condition must be BOOLEAN, got ${typeToString(b.when.type)}: ${rexToString(b.when)}`,
      );
    }
  }
  let resultType = type;
  if (resultType === undefined) {
    const values = list.map((b) => b.then.type);
    if (otherwise !== null) values.push(otherwise.type);
    const common = commonType(values);
    if (common === null) {
      throw new SqlValidationError(
        `CASE branches have no common type: ${values.map(typeToString).join(", ")}`,
      );
    }
    resultType = materializedType(otherwise === null ? withNullability(common, true) : common);
  }
  return { kind: "case", branches: list, otherwise, type: resultType };
}

/** Field `field` (position or name) of a ROW-typed expression. */
export function fieldAccess(operand: RexNode, field: number | string): RexFieldAccess {
  const t = operand.type;
  if (t.kind !== "ROW") {
    throw new SqlValidationError(
      `Field access needs a ROW, got ${typeToString(t)}: ${rexToString(operand)}`,
    );
  }
  const index = typeof field === "number" ? field : t.fields.findIndex((f) => f.name === field);
  const f = t.fields[index];
  if (f === undefined) {
    throw new SqlValidationError(`No field ${JSON.stringify(field)} in ${typeToString(t)}`);
  }
  const type = t.nullable ? withNullability(f.type, true) : f.type;
  return { kind: "fieldAccess", operand, index, name: f.name, type };
}

/** A type as printed inside CAST: without NOT NULL. */
function bareType(type: LogicalType): string {
  const s = typeToString(type);
  return s.endsWith(" NOT NULL") ? s.slice(0, -" NOT NULL".length) : s;
}

/**
 * The expression as Flink's EXPLAIN prints it: `$0`, `+($0, 1)`, `>($2, 10)`,
 * `CAST($1 AS BIGINT)`, `IS NULL($0)`, `CASE(>($0, 1), 'a', 'b')`, `$0.name`, `-($0)`.
 */
export function rexToString(node: RexNode): string {
  switch (node.kind) {
    case "input":
      return `$${node.index}`;
    case "literal":
      return literalToString(node.value, node.type);
    case "call": {
      const def = lookupScalar(node.op);
      const name = def?.displayName ?? node.op;
      return `${name}(${node.operands.map(rexToString).join(", ")})`;
    }
    case "cast":
      return `${node.safe ? "TRY_CAST" : "CAST"}(${rexToString(node.operand)} AS ${bareType(node.type)})`;
    case "case": {
      const parts: string[] = [];
      for (const b of node.branches) parts.push(rexToString(b.when), rexToString(b.then));
      parts.push(
        node.otherwise === null ? literalToString(null, node.type) : rexToString(node.otherwise),
      );
      return `CASE(${parts.join(", ")})`;
    }
    case "fieldAccess":
      return `${rexToString(node.operand)}.${node.name}`;
  }
}

/**
 * Whether the expression gives the same result for the same input every time: false when it
 * calls a non-deterministic function (RAND, NOW...) or an unknown one.
 */
export function isDeterministic(node: RexNode): boolean {
  switch (node.kind) {
    case "input":
    case "literal":
      return true;
    case "call": {
      const def = lookupScalar(node.op);
      return def !== undefined && def.deterministic && node.operands.every(isDeterministic);
    }
    case "cast":
    case "fieldAccess":
      return isDeterministic(node.operand);
    case "case":
      return (
        node.branches.every((b) => isDeterministic(b.when) && isDeterministic(b.then)) &&
        (node.otherwise === null || isDeterministic(node.otherwise))
      );
  }
}

/** Whether a node is a literal (optionally: with a non-null value). */
export function isLiteral(node: RexNode, nonNull = false): node is RexLiteral {
  return node.kind === "literal" && (!nonNull || node.value !== null);
}

export { inputRefs, shiftInputs } from "./rex-util.ts";
