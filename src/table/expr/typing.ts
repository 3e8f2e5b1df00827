/**
 * Small typing helpers shared by the operator definitions: argument-count checks, the standard
 * "cannot apply" error, and the comparison type of a set of operands.
 */
import type { LogicalType } from "../types/logical-type.ts";
import { typeToString } from "../types/type-print.ts";
import { booleanResultType, comparisonType } from "../types/type-rules.ts";
import type { ComparisonKind } from "../types/type-rules.ts";
import { SqlValidationError } from "./errors.ts";

/**
 * Throws the {@link SqlValidationError} of a call whose arguments do not fit:
 * `Cannot apply 'name' to arguments of type (INT, STRING)` plus an optional hint.
 */
export function cannotApply(name: string, argTypes: readonly LogicalType[], hint?: string): never {
  const types = argTypes.map(typeToString).join(", ");
  const suffix = hint === undefined ? "" : `. ${hint}`;
  throw new SqlValidationError(`Cannot apply '${name}' to arguments of type (${types})${suffix}`);
}

/** Throws unless `argTypes` has between `min` and `max` entries (inclusive). */
export function checkArity(
  name: string,
  argTypes: readonly LogicalType[],
  min: number,
  max = min,
): void {
  if (argTypes.length < min || argTypes.length > max) {
    const expected =
      min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new SqlValidationError(
      `Invalid number of arguments to '${name}': expected ${expected}, got ${argTypes.length}`,
    );
  }
}

/**
 * The type all `types` are compared in (for `=`, IN, BETWEEN, CASE-like equality), or a
 * {@link SqlValidationError} naming `name` when two of them do not compare. NULL types take the
 * others' type; all NULL gives the NULL type.
 */
export function comparisonTypeOf(
  name: string,
  types: readonly LogicalType[],
  kind: ComparisonKind,
): LogicalType {
  let acc: LogicalType | null = null;
  for (const t of types) {
    if (t.kind === "NULL") continue;
    if (acc === null) {
      acc = t;
      continue;
    }
    const c = comparisonType(acc, t, kind);
    if (c === null) cannotApply(name, types);
    acc = c;
  }
  return acc ?? types[0]!;
}

/** BOOLEAN, nullable when any of `types` is. */
export function booleanOf(types: readonly LogicalType[]): LogicalType {
  return booleanResultType(...types);
}
