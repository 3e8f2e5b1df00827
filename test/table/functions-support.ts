/**
 * Helpers of the built-in function tests: build calls over literals or input fields and run
 * them through the real code generator (`compileExpression`).
 */
import "../../src/table/functions/index.ts";
import { compileExpression } from "../../src/table/expr/codegen.ts";
import type { CompileOptions } from "../../src/table/expr/codegen.ts";
import { call, inputRef, literal, literalOf, nullLiteral } from "../../src/table/expr/rex.ts";
import type { RexNode } from "../../src/table/expr/rex.ts";
import { Decimal } from "../../src/table/types/decimal.ts";
import * as T from "../../src/table/types/logical-type.ts";
import type { LogicalType } from "../../src/table/types/logical-type.ts";
import { Timestamp } from "../../src/table/types/timestamp.ts";

/** An argument: a node, or a primitive turned into a literal (null: a NULL of type STRING). */
export type Arg = RexNode | string | number | boolean | bigint | null;

/** A literal node for a primitive argument. */
export function lit(v: Arg): RexNode {
  if (v === null) return nullLiteral(T.STRING());
  if (typeof v === "object") return v;
  return literalOf(v);
}

/** A typed literal. */
export function typed(value: unknown, type: LogicalType): RexNode {
  return literal(value, type);
}

/** A NULL literal of a type. */
export function nul(type: LogicalType): RexNode {
  return nullLiteral(type);
}

/** A DECIMAL literal from its text, typed DECIMAL(p, s) with the text's scale by default. */
export function dec(text: string, precision?: number, scale?: number): RexNode {
  const d = Decimal.parse(text);
  const s = scale ?? d.scale;
  const p = precision ?? Math.max(d.precision(), s, 1);
  return literal(d.setScale(s), T.notNull(T.DECIMAL(p, s)));
}

/** A TIMESTAMP(p) literal from `yyyy-MM-ddTHH:mm:ss.sss` (UTC-encoded local date-time). */
export function ts(text: string, precision = 3, nanos = 0): RexNode {
  return literal(
    Timestamp.fromMillis(Date.parse(text + "Z"), nanos),
    T.notNull(T.TIMESTAMP(precision)),
  );
}

/** A TIMESTAMP_LTZ(3) literal of an instant (ISO text with zone). */
export function ltz(iso: string): RexNode {
  return literal(Timestamp.fromMillis(Date.parse(iso)), T.notNull(T.TIMESTAMP_LTZ(3)));
}

/** A DATE literal from `yyyy-MM-dd`. */
export function date(text: string): RexNode {
  return literal(Date.parse(text + "T00:00:00Z") / 86400000, T.notNull(T.DATE()));
}

/** A TIME(0) literal from `HH:mm:ss[.sss]`. */
export function time(text: string): RexNode {
  return literal(Date.parse(`1970-01-01T${text}Z`), T.notNull(T.TIME(3)));
}

/** `op(args...)` as a call node. */
export function fcall(op: string, ...args: Arg[]): RexNode {
  return call(op, args.map(lit));
}

/** Evaluates `op(args...)` over literals. */
export function ev(op: string, ...args: Arg[]): unknown {
  return run(fcall(op, ...args));
}

/** Evaluates an expression on a row of input fields. */
export function run(
  e: RexNode,
  fields: readonly unknown[] = [],
  options: CompileOptions = {},
): unknown {
  return compileExpression(e, Number.MAX_SAFE_INTEGER, options)([0, ...fields]);
}

/**
 * Evaluates `op(args...)` with every argument read from an input field of the given types (so
 * the function sees values only at run time).
 */
export function evIn(
  op: string,
  types: readonly LogicalType[],
  values: readonly unknown[],
  options: CompileOptions = {},
): unknown {
  const e = call(
    op,
    types.map((t, i) => inputRef(i, t)),
  );
  return run(e, values, options);
}

/** Input field reference. */
export { inputRef };

/** Text of a TIMESTAMP / TIMESTAMP_LTZ value as UTC ISO (for assertions). */
export function iso(v: unknown): string {
  if (!(v instanceof Timestamp)) throw new TypeError(`Not a timestamp: ${String(v)}`);
  return new Date(v.millis).toISOString();
}

/** DATE value as `yyyy-MM-dd`. */
export function day(v: unknown): string {
  return new Date((v as number) * 86400000).toISOString().slice(0, 10);
}
