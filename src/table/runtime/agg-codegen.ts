/**
 * Generated code for the row-level part of a group aggregation: one JavaScript function per
 * plan (`new Function`) for accumulate, retract and output, with the loop over the aggregate
 * calls unrolled. Each call's function, argument and filter is a constant of its own line, so
 * every call site sees one target (V8 inlines it), and an argument that is a plain input field
 * is read as `row[i]` without a closure. DISTINCT calls go through a helper that counts each
 * value (see agg-calls.ts); everything else is straight-line code over the accumulator array.
 */
import type { AggCall, GroupAcc } from "./agg-calls.ts";
import type { Row, RowKind } from "./row.ts";

/** The generated functions of one list of aggregate calls. */
export interface CompiledAggregation {
  /** Adds a row to a group. */
  readonly accumulate: (g: GroupAcc, row: Row) => void;
  /** Removes a row (added before) from a group. */
  readonly retract: (g: GroupAcc, row: Row) => void;
  /** The group's output row `[kind, ...keys, ...results]`. */
  readonly output: (g: GroupAcc, kind: RowKind) => Row;
  /** Writes the group's results into `into` (a scratch array reused across rows). */
  readonly snapshot: (g: GroupAcc, into: unknown[]) => void;
  /** Whether output row `row` of the group holds the results `snap` (a {@link snapshot}). */
  readonly sameResults: (g: GroupAcc, row: Row, snap: readonly unknown[]) => boolean;
  /** The group's output row with kind `kind` and the results `snap` instead of the current ones. */
  readonly rowOf: (g: GroupAcc, snap: readonly unknown[], kind: RowKind) => Row;
}

/**
 * Counts a DISTINCT value of call `i` in group `g` up (`delta` 1) or down (-1); returns whether
 * the value is new (up) or gone (down), i.e. whether the aggregate function must see it.
 */
export type DistinctStep = (g: GroupAcc, i: number, v: unknown, delta: 1 | -1, row: Row) => boolean;

function argCode(c: AggCall, i: number): string {
  if (c.argField !== undefined) return `row[${c.argField}]`;
  return c.arg === undefined ? "undefined" : `arg${i}(row)`;
}

function stepCode(calls: readonly AggCall[], method: "accumulate" | "retract"): string {
  const lines: string[] = [method === "accumulate" ? "g.n++;" : "g.n--;", "const a = g.a;"];
  calls.forEach((c, i) => {
    const inline = c.fn.inline;
    const update =
      inline !== undefined
        ? inline[method](`a[${i}]`, `v${i}`, `fn${i}`)
        : `a[${i}] = fn${i}.${method}(a[${i}], v${i});`;
    const body = c.distinct
      ? `if (v${i} !== null && v${i} !== undefined && ds(g, ${i}, v${i}, ${method === "accumulate" ? 1 : -1}, row)) ${update}`
      : update;
    const inner = `const v${i} = ${argCode(c, i)}; ${body}`;
    lines.push(c.filter !== undefined ? `if (flt${i}(row) === true) { ${inner} }` : `{ ${inner} }`);
  });
  return lines.join("\n");
}

function resultCode(c: AggCall, i: number): string {
  return c.fn.inline !== undefined
    ? c.fn.inline.getValue(`g.a[${i}]`)
    : `fn${i}.getValue(g.a[${i}])`;
}

function outputCode(
  calls: readonly AggCall[],
  keyCount: number | undefined,
  result: (i: number) => string = (i) => resultCode(calls[i]!, i),
): string {
  const results = calls.map((_, i) => result(i));
  if (keyCount !== undefined) {
    const keys = Array.from({ length: keyCount }, (_, j) => `k[${j}]`);
    return `const k = g.k;\nreturn [kind${[...keys, ...results].map((s) => `, ${s}`).join("")}];`;
  }
  return [
    "const k = g.k;",
    `const row = new Array(1 + k.length + ${calls.length});`,
    "row[0] = kind;",
    "for (let j = 0; j < k.length; j++) row[j + 1] = k[j];",
    ...results.map((r, i) => `row[1 + k.length + ${i}] = ${r};`),
    "return row;",
  ].join("\n");
}

function snapshotCode(calls: readonly AggCall[]): string {
  return calls.map((c, i) => `into[${i}] = ${resultCode(c, i)};`).join("\n");
}

function sameResultsCode(calls: readonly AggCall[], keyCount: number | undefined): string {
  const base = keyCount !== undefined ? `${1 + keyCount}` : "1 + g.k.length";
  const tests = calls.map(
    (_, i) => `(row[b + ${i}] === snap[${i}] || eq(row[b + ${i}], snap[${i}]))`,
  );
  return `const b = ${base};\nreturn ${tests.length > 0 ? tests.join(" &&\n  ") : "true"};`;
}

/**
 * Compiles `calls` into straight-line functions. `keyCount` (the number of group key values,
 * when known) lets the output row be built as one literal; `distinct` counts DISTINCT values;
 * `equal` compares two results (value-keys.ts `valuesEqual`).
 */
export function compileAggregation(
  calls: readonly AggCall[],
  keyCount: number | undefined,
  distinct: DistinctStep,
  equal: (a: unknown, b: unknown) => boolean,
): CompiledAggregation {
  const names: string[] = ["ds", "eq"];
  const values: unknown[] = [distinct, equal];
  calls.forEach((c, i) => {
    names.push(`fn${i}`, `arg${i}`, `flt${i}`);
    values.push(c.fn, c.arg, c.filter);
  });
  const source = [
    '"use strict";',
    `function accumulate(g, row) {\n${stepCode(calls, "accumulate")}\n}`,
    `function retract(g, row) {\n${stepCode(calls, "retract")}\n}`,
    `function output(g, kind) {\n${outputCode(calls, keyCount)}\n}`,
    `function snapshot(g, into) {\n${snapshotCode(calls)}\n}`,
    `function sameResults(g, row, snap) {\n${sameResultsCode(calls, keyCount)}\n}`,
    `function rowOf(g, snap, kind) {\n${outputCode(calls, keyCount, (i) => `snap[${i}]`)}\n}`,
    "return { accumulate, retract, output, snapshot, sameResults, rowOf };",
  ].join("\n");
  const factory = new Function(...names, source) as (...args: unknown[]) => CompiledAggregation;
  return factory(...values);
}
