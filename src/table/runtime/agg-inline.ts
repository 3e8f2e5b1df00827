/**
 * Inline code of the simplest aggregate functions, for the generated aggregation code
 * (agg-codegen.ts): COUNT(*), COUNT(x), and SUM/SUM0 of INT-wide integers and DOUBLE. Their
 * accumulators live in slots of the group's flat accumulator array (`slot(j)` is the code of
 * slot j), so a row touches no accumulator object of its own. A value of the wrong type is
 * handed to `fail`, code that calls the function itself and so throws its usual error: the inline
 * code covers the common path and keeps the function's semantics.
 */

/** Code of one slot of a call's accumulator (an assignable expression). */
export type SlotCode = (j: number) => string;

/** Code templates of one aggregate function over `slots` accumulator slots. */
export interface InlineAgg {
  /** Number of slots. */
  readonly slots: number;
  /** The initial value of each slot (JavaScript literals). */
  readonly init: readonly string[];
  /** Statements adding value `v`; `fail` is an expression throwing the function's error for `v`. */
  accumulate(slot: SlotCode, v: string, fail: string): string;
  /** Statements removing value `v` (added before). */
  retract(slot: SlotCode, v: string, fail: string): string;
  /** An expression of the result. */
  getValue(slot: SlotCode): string;
}

/** COUNT(*). */
export const COUNT_STAR_INLINE: InlineAgg = {
  slots: 1,
  init: ["0"],
  accumulate: (s) => `${s(0)} += 1;`,
  retract: (s) => `${s(0)} -= 1;`,
  getValue: (s) => s(0),
};

/** COUNT(x). */
export const COUNT_INLINE: InlineAgg = {
  slots: 1,
  init: ["0"],
  accumulate: (s, v) => `if (${v} !== null && ${v} !== undefined) ${s(0)} += 1;`,
  retract: (s, v) => `if (${v} !== null && ${v} !== undefined) ${s(0)} -= 1;`,
  getValue: (s) => s(0),
};

/**
 * SUM (or SUM0 with `zeroWhenEmpty`) of INT (`int32`: wraps at 32 bits) or DOUBLE values over two
 * slots, the sum and the count of values, the sum reset to 0 when the count drops to 0.
 */
export function sumInline(kind: "int32" | "double", zeroWhenEmpty: boolean): InlineAgg {
  const isType =
    kind === "int32"
      ? (v: string) => `typeof ${v} === "number" && Number.isInteger(${v})`
      : (v: string) => `typeof ${v} === "number"`;
  const wrap = kind === "int32" ? (e: string) => `(${e}) | 0` : (e: string) => e;
  const step = (v: string, fail: string, body: string): string =>
    `if (${v} !== null && ${v} !== undefined) { if (!(${isType(v)})) ${fail}; ${body} }`;
  return {
    slots: 2,
    init: ["0", "0"],
    accumulate: (s, v, fail) => step(v, fail, `${s(0)} = ${wrap(`${s(0)} + ${v}`)}; ${s(1)}++;`),
    retract: (s, v, fail) =>
      step(v, fail, `${s(0)} = --${s(1)} === 0 ? 0 : ${wrap(`${s(0)} - ${v}`)};`),
    getValue: (s) => `(${s(1)} === 0 ? ${zeroWhenEmpty ? "0" : "null"} : ${s(0)})`,
  };
}
