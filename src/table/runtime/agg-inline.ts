/**
 * Inline code of the simplest aggregate functions, for the generated aggregation code
 * (agg-codegen.ts): COUNT(*), COUNT(x), and SUM/SUM0 of INT-wide integers and DOUBLE, whose
 * accumulators are a number or a `[sum, count]` pair. A value of the wrong type is handed to the
 * function itself (`fn`), which throws its usual error; so the inline code only covers the
 * common path and keeps the function's semantics.
 */

/** Code templates of one aggregate function: `acc` is an assignable expression, `v` a value. */
export interface InlineAgg {
  /** Statements adding `v` to `acc` (`fn` names the function object, for the error path). */
  accumulate(acc: string, v: string, fn: string): string;
  /** Statements removing `v` from `acc`. */
  retract(acc: string, v: string, fn: string): string;
  /** An expression of the result. */
  getValue(acc: string): string;
}

/** COUNT(*). */
export const COUNT_STAR_INLINE: InlineAgg = {
  accumulate: (acc) => `${acc} += 1;`,
  retract: (acc) => `${acc} -= 1;`,
  getValue: (acc) => acc,
};

/** COUNT(x). */
export const COUNT_INLINE: InlineAgg = {
  accumulate: (acc, v) => `if (${v} !== null && ${v} !== undefined) ${acc} += 1;`,
  retract: (acc, v) => `if (${v} !== null && ${v} !== undefined) ${acc} -= 1;`,
  getValue: (acc) => acc,
};

/**
 * SUM (or SUM0 with `zeroWhenEmpty`) of INT (`int32`: wraps at 32 bits) or DOUBLE values; the
 * accumulator is `[sum, count]`, the sum reset to 0 when the count drops to 0.
 */
export function sumInline(kind: "int32" | "double", zeroWhenEmpty: boolean): InlineAgg {
  const isType =
    kind === "int32"
      ? (v: string) => `typeof ${v} === "number" && Number.isInteger(${v})`
      : (v: string) => `typeof ${v} === "number"`;
  const wrap = kind === "int32" ? (e: string) => `(${e}) | 0` : (e: string) => e;
  const step = (acc: string, v: string, fn: string, method: string, body: string): string =>
    `if (${v} !== null && ${v} !== undefined) { if (!(${isType(v)})) ${fn}.${method}(${acc}, ${v}); else { const s = ${acc}; ${body} } }`;
  return {
    accumulate: (acc, v, fn) =>
      step(acc, v, fn, "accumulate", `s[0] = ${wrap(`s[0] + ${v}`)}; s[1]++;`),
    retract: (acc, v, fn) =>
      step(acc, v, fn, "retract", `s[0] = --s[1] === 0 ? 0 : ${wrap(`s[0] - ${v}`)};`),
    getValue: (acc) => `(${acc}[1] === 0 ? ${zeroWhenEmpty ? "0" : "null"} : ${acc}[0])`,
  };
}
