/**
 * Generated code for the row-level part of a group aggregation: one JavaScript function per
 * plan (`new Function`) for each step (create, accumulate, retract, update, output), with the
 * loop over the aggregate calls unrolled. Each call's function, argument and filter is a
 * constant of its own line, so every call site sees one target (V8 inlines it), and an argument
 * that is a plain input field is read as `row[i]` without a closure.
 *
 * A group's accumulators are one flat array of slots (`GroupAcc.a`): a function with inline code
 * (agg-inline.ts: COUNT, SUM of INT/DOUBLE) keeps its state in slots of its own, any other
 * function its accumulator object in one slot. A row so touches the group object and one array,
 * not an accumulator object per call. DISTINCT calls go through a helper that counts each value
 * (see agg-calls.ts).
 */
import type { AggCall, GroupAcc } from "./agg-calls.ts";
import type { SlotCode } from "./agg-inline.ts";
import { RowKind, type Row } from "./row.ts";

const UPDATE_AFTER = RowKind.UPDATE_AFTER;

/** The generated functions of one list of aggregate calls. */
export interface CompiledAggregation {
  /** A new, empty group with key values `key`. */
  readonly create: (key: unknown[]) => GroupAcc;
  /** Adds a row to a group. */
  readonly accumulate: (g: GroupAcc, row: Row) => void;
  /** Removes a row (added before) from a group. */
  readonly retract: (g: GroupAcc, row: Row) => void;
  /** The group's output row `[kind, ...keys, ...results]`. */
  readonly output: (g: GroupAcc, kind: RowKind) => Row;
  /** The results of the calls. */
  readonly values: (g: GroupAcc) => unknown[];
  /**
   * Adds (`add`) or removes a row of a group that has rows, in one step: writes the results
   * before the row into `snap`, then returns the group's new output row (`+U`), `null` when its
   * results did not change, or {@link EMPTY_GROUP} when the group has no rows left.
   */
  readonly update: (g: GroupAcc, row: Row, add: boolean, snap: unknown[]) => Row | null;
  /** The group's output row with kind `kind` and the results `snap` instead of the current ones. */
  readonly rowOf: (g: GroupAcc, snap: readonly unknown[], kind: RowKind) => Row;
}

/**
 * Counts a DISTINCT value of call `i` in group `g` up (`delta` 1) or down (-1); returns whether
 * the value is new (up) or gone (down), i.e. whether the aggregate function must see it.
 */
export type DistinctStep = (g: GroupAcc, i: number, v: unknown, delta: 1 | -1, row: Row) => boolean;

/** Returned by `update` for a group whose last row was removed. */
export const EMPTY_GROUP: Row = Object.freeze([]) as unknown as Row;

/** Where each call's accumulator lives in the slot array. */
function slotLayout(calls: readonly AggCall[]): SlotCode[] {
  let next = 0;
  return calls.map((c) => {
    const base = next;
    next += c.fn.inline?.slots ?? 1;
    return (j: number) => `a[${base + j}]`;
  });
}

function argCode(c: AggCall, i: number): string {
  if (c.argField !== undefined) return `row[${c.argField}]`;
  return c.arg === undefined ? "undefined" : `arg${i}(row)`;
}

function stepCode(
  calls: readonly AggCall[],
  slots: readonly SlotCode[],
  method: "accumulate" | "retract",
): string {
  const lines: string[] = [method === "accumulate" ? "g.n++;" : "g.n--;"];
  calls.forEach((c, i) => {
    const inline = c.fn.inline;
    const s = slots[i]!;
    const v = `v${i}`;
    const update =
      inline !== undefined
        ? inline[method](s, v, `fn${i}.${method}(fn${i}.createAccumulator(), ${v})`)
        : `${s(0)} = fn${i}.${method}(${s(0)}, ${v});`;
    const delta = method === "accumulate" ? 1 : -1;
    const body = c.distinct
      ? `if (${v} !== null && ${v} !== undefined && ds(g, ${i}, ${v}, ${delta}, row)) { ${update} }`
      : update;
    const inner = `const ${v} = ${argCode(c, i)}; ${body}`;
    lines.push(c.filter !== undefined ? `if (flt${i}(row) === true) { ${inner} }` : `{ ${inner} }`);
  });
  return lines.join("\n");
}

function resultCode(c: AggCall, i: number, slots: readonly SlotCode[]): string {
  const s = slots[i]!;
  return c.fn.inline !== undefined ? c.fn.inline.getValue(s) : `fn${i}.getValue(${s(0)})`;
}

function rowCode(results: readonly string[], keyCount: number | undefined, kind: string): string {
  if (keyCount !== undefined) {
    const keys = Array.from({ length: keyCount }, (_, j) => `k[${j}]`);
    return `const k = g.k;\nreturn [${[kind, ...keys, ...results].join(", ")}];`;
  }
  return [
    "const k = g.k;",
    `const out = new Array(1 + k.length + ${results.length});`,
    `out[0] = ${kind};`,
    "for (let j = 0; j < k.length; j++) out[j + 1] = k[j];",
    ...results.map((r, i) => `out[1 + k.length + ${i}] = ${r};`),
    "return out;",
  ].join("\n");
}

function createCode(calls: readonly AggCall[]): string {
  const init = calls.flatMap((c, i) => c.fn.inline?.init ?? [`fn${i}.createAccumulator()`]);
  const distinct = calls.map((c) => (c.distinct ? "new Map()" : "null"));
  return `return { k: key, n: 0, a: [${init.join(", ")}], d: [${distinct.join(", ")}] };`;
}

function updateCode(
  calls: readonly AggCall[],
  slots: readonly SlotCode[],
  keyCount: number | undefined,
): string {
  const before = calls.map(
    (c, i) => `const p${i} = ${resultCode(c, i, slots)}; snap[${i}] = p${i};`,
  );
  const after = calls.map((c, i) => `const r${i} = ${resultCode(c, i, slots)};`);
  // Numbers, strings, booleans and bigints are equal when ===, NaN only to NaN; objects
  // (DECIMAL, TIMESTAMP, arrays...) by value.
  const same = calls.map(
    (_, i) =>
      `(r${i} === p${i} || (typeof r${i} === "object" && r${i} !== null && eq(r${i}, p${i})) || (r${i} !== r${i} && p${i} !== p${i}))`,
  );
  return [
    ...before,
    `if (add) {\n${stepCode(calls, slots, "accumulate")}\n} else {\n${stepCode(calls, slots, "retract")}\n}`,
    "if (g.n === 0) return EMPTY;",
    ...after,
    `if (${same.length > 0 ? same.join(" &&\n  ") : "true"}) return null;`,
    rowCode(
      calls.map((_, i) => `r${i}`),
      keyCount,
      String(UPDATE_AFTER),
    ),
  ].join("\n");
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
  const names: string[] = ["ds", "eq", "EMPTY"];
  const values: unknown[] = [distinct, equal, EMPTY_GROUP];
  calls.forEach((c, i) => {
    names.push(`fn${i}`, `arg${i}`, `flt${i}`);
    values.push(c.fn, c.arg, c.filter);
  });
  const slots = slotLayout(calls);
  const results = calls.map((c, i) => resultCode(c, i, slots));
  const snapRow = rowCode(
    calls.map((_, i) => `snap[${i}]`),
    keyCount,
    "kind",
  );
  const source = [
    '"use strict";',
    `function create(key) {\n${createCode(calls)}\n}`,
    `function accumulate(g, row) {\nconst a = g.a;\n${stepCode(calls, slots, "accumulate")}\n}`,
    `function retract(g, row) {\nconst a = g.a;\n${stepCode(calls, slots, "retract")}\n}`,
    `function output(g, kind) {\nconst a = g.a;\n${rowCode(results, keyCount, "kind")}\n}`,
    `function values(g) {\nconst a = g.a;\nreturn [${results.join(", ")}];\n}`,
    `function update(g, row, add, snap) {\nconst a = g.a;\n${updateCode(calls, slots, keyCount)}\n}`,
    `function rowOf(g, snap, kind) {\n${snapRow}\n}`,
    "return { create, accumulate, retract, output, values, update, rowOf };",
  ].join("\n");
  const factory = new Function(...names, source) as (...args: unknown[]) => CompiledAggregation;
  return factory(...values);
}
