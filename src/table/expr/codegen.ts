/**
 * Compiles expressions into JavaScript functions once per query (`new Function`), never
 * interpreted per row. Rows are `[kind, f0, f1, ...]` (src/table/runtime/row.ts): input field `i`
 * is `row[i + 1]`, and projections copy the input's row kind to index 0 of their output.
 *
 * - {@link compileProjection}: `row => [row[0], e0, e1, ...]`;
 * - {@link compileFilter}: `row => boolean` (NULL counts as false);
 * - {@link compileCalc}: filter then project in one function, `null` for filtered rows;
 * - {@link compileExpression}: `row => value`;
 * - {@link compileJoinCondition}: `(left, right) => boolean`, inputs ≥ leftArity are the right
 *   row's fields.
 *
 * Each result carries its generated `source` for debugging and tests. Run-time errors (division by
 * zero, a failed CAST) name the failing expression (`rexToString`).
 */
import { SqlValidationError } from "./errors.ts";
import { CodeEmitter } from "./emitter.ts";
import type { EmitOptions, Val } from "./emitter.ts";
import { HELPERS } from "./helpers.ts";
import type { RexNode } from "./rex.ts";
import { rexToString } from "./rex.ts";
import { inputRefs } from "./rex-util.ts";

/** A compiled function with the JavaScript source it was built from. */
export type Compiled<F> = F & {
  /** The generated source (the factory body; `c` is the context array, `h` the helpers). */
  readonly source: string;
};

/** Options of compilation. */
export interface CompileOptions extends EmitOptions {
  /** Name of the generated function (shows in stack traces); letters, digits and `_`. */
  readonly name?: string;
}

/** A projection: input row to output row `[kind, ...values]`. */
export type ProjectionFn = (row: readonly unknown[]) => unknown[];
/** A filter: whether the row passes (NULL is false). */
export type FilterFn = (row: readonly unknown[]) => boolean;
/** A calc: the projected row, or null when the condition filters it out. */
export type CalcFn = (row: readonly unknown[]) => unknown[] | null;
/** An expression: its value for the row. */
export type ExpressionFn = (row: readonly unknown[]) => unknown;
/** A join condition over a left and a right row. */
export type JoinConditionFn = (left: readonly unknown[], right: readonly unknown[]) => boolean;

function checkInputs(exprs: readonly (RexNode | null)[], arity: number, what: string): void {
  for (const e of exprs) {
    if (e === null) continue;
    for (const i of inputRefs(e)) {
      if (i >= arity) {
        throw new SqlValidationError(
          `Input reference $${i} out of range in ${what} ${rexToString(e)}: the input has ${arity} fields`,
        );
      }
    }
  }
}

function functionName(name: string | undefined, fallback: string): string {
  const n = (name ?? fallback).replace(/[^A-Za-z0-9_]/g, "_");
  return /^[A-Za-z_]/.test(n) ? n : `_${n}`;
}

function build<F>(em: CodeEmitter, params: string, tail: string, name: string): Compiled<F> {
  const body = [em.statements(), tail].filter((s) => s.length > 0).join("\n");
  const source = `"use strict";\nreturn function ${name}(${params}) {\n${body}\n};`;
  const factory = new Function("c", "h", source) as (c: unknown[], h: typeof HELPERS) => F;
  const fn = factory(em.constants, HELPERS);
  Object.defineProperty(fn, "source", { value: source, enumerable: false });
  return fn as Compiled<F>;
}

function test(cond: Val): string {
  return cond.nullable ? `${cond.code} === true` : cond.code;
}

function rowOf(values: readonly Val[]): string {
  return `[row[0]${values.map((v) => `, ${v.code}`).join("")}]`;
}

/**
 * Compiles a projection: `row => [row[0], e0(row), e1(row), ...]`. Throws a
 * {@link SqlValidationError} when an expression refers to a field ≥ `inputArity`.
 */
export function compileProjection(
  exprs: readonly RexNode[],
  inputArity: number,
  options: CompileOptions = {},
): Compiled<ProjectionFn> {
  checkInputs(exprs, inputArity, "projection");
  const em = new CodeEmitter((i) => `row[${i + 1}]`, options);
  const values = exprs.map((e) => em.emit(e));
  return build(em, "row", `  return ${rowOf(values)};`, functionName(options.name, "projection"));
}

/** Compiles a filter condition (BOOLEAN): `row => condition IS TRUE`. */
export function compileFilter(
  condition: RexNode,
  inputArity = Number.MAX_SAFE_INTEGER,
  options: CompileOptions = {},
): Compiled<FilterFn> {
  checkBoolean(condition, "filter");
  checkInputs([condition], inputArity, "filter");
  const em = new CodeEmitter((i) => `row[${i + 1}]`, options);
  const cond = em.emit(condition);
  return build(em, "row", `  return ${test(cond)};`, functionName(options.name, "filter"));
}

/**
 * Compiles a filter and a projection into one function: `row => null` when the condition is not
 * TRUE, else the projected row. The projections are computed only for rows that pass.
 */
export function compileCalc(
  projections: readonly RexNode[],
  condition: RexNode | null,
  inputArity = Number.MAX_SAFE_INTEGER,
  options: CompileOptions = {},
): Compiled<CalcFn> {
  if (condition !== null) checkBoolean(condition, "calc condition");
  checkInputs([...projections, condition], inputArity, "calc");
  const em = new CodeEmitter((i) => `row[${i + 1}]`, options);
  if (condition !== null) {
    const cond = em.emit(condition);
    em.line(`if (!(${test(cond)})) return null;`);
  }
  const values = projections.map((e) => em.emit(e));
  return build(em, "row", `  return ${rowOf(values)};`, functionName(options.name, "calc"));
}

/** Compiles one expression: `row => value`. */
export function compileExpression(
  expr: RexNode,
  inputArity = Number.MAX_SAFE_INTEGER,
  options: CompileOptions = {},
): Compiled<ExpressionFn> {
  checkInputs([expr], inputArity, "expression");
  const em = new CodeEmitter((i) => `row[${i + 1}]`, options);
  const v = em.emit(expr);
  return build(em, "row", `  return ${v.code};`, functionName(options.name, "expression"));
}

/**
 * Compiles a join condition over two rows: input references below `leftArity` read the left
 * row, the others the right row (field `i - leftArity`). NULL counts as false.
 */
export function compileJoinCondition(
  condition: RexNode,
  leftArity: number,
  rightArity = Number.MAX_SAFE_INTEGER - leftArity,
  options: CompileOptions = {},
): Compiled<JoinConditionFn> {
  checkBoolean(condition, "join condition");
  checkInputs([condition], leftArity + rightArity, "join condition");
  const em = new CodeEmitter(
    (i) => (i < leftArity ? `left[${i + 1}]` : `right[${i - leftArity + 1}]`),
    options,
  );
  const cond = em.emit(condition);
  return build(
    em,
    "left, right",
    `  return ${test(cond)};`,
    functionName(options.name, "joinCondition"),
  );
}

function checkBoolean(cond: RexNode, what: string): void {
  if (cond.type.kind !== "BOOLEAN" && cond.type.kind !== "NULL") {
    throw new SqlValidationError(
      `A ${what} must be BOOLEAN, got ${cond.type.kind}: ${rexToString(cond)}`,
    );
  }
}
