/**
 * The row-wise operator of a lateral table function (`LATERAL TABLE(f(x))`, `UNNEST(x)`): each
 * input row calls the function with arguments computed from it and is emitted once per
 * function row, its fields followed by the function's, with the input row's kind (so a `-D`
 * retracts every row its `+I` produced). A LEFT correlate emits an input row without
 * (matching) function rows once, padded with NULLs. It keeps its input's parallelism.
 */
import type { DataStream } from "../../api/datastream.ts";
import type { Row } from "./row.ts";

/** Options of {@link correlate}. */
export interface CorrelateOptions {
  /** The function's rows (field values) for an input row. */
  readonly rows: (row: Row) => Iterable<readonly unknown[]>;
  /** Number of fields of a function row. */
  readonly arity: number;
  /** Keeps a combined row `[kind, ...input fields, ...function fields]` (absent: all). */
  readonly condition?: (row: Row) => boolean;
  /** LEFT: pad input rows without function rows. */
  readonly left: boolean;
  /** Operator name. */
  readonly name?: string;
}

/** The stream of `input` rows joined with their function rows. */
export function correlate(input: DataStream<Row>, options: CorrelateOptions): DataStream<Row> {
  const { rows, arity, condition, left } = options;
  const op = input.flatMap((row: Row, out: { collect(r: Row): void }) => {
    let emitted = false;
    for (const fields of rows(row)) {
      const r = row.slice();
      for (let i = 0; i < arity; i++) r.push(fields[i] ?? null);
      if (condition !== undefined && !condition(r)) continue;
      emitted = true;
      out.collect(r);
    }
    if (left && !emitted) {
      const r = row.slice();
      for (let i = 0; i < arity; i++) r.push(null);
      out.collect(r);
    }
  });
  op.name(options.name ?? "Correlate");
  const p = input.getParallelism();
  if (p > 0) op.setParallelism(p);
  return op;
}

/**
 * The rows of UNNEST over one collection value: an ARRAY's elements (a ROW element gives its
 * fields), a MAP's entries (key, value), a MULTISET's elements repeated by their counts; NULL
 * gives none; `rowWidth` is the number of fields of a ROW element (0: not a ROW). With `ordinality`, each row ends with its 1-based position.
 */
export function unnestRows(
  value: unknown,
  kind: "ARRAY" | "MAP" | "MULTISET",
  rowWidth: number,
  ordinality: boolean,
): unknown[][] {
  if (value === null || value === undefined) return [];
  const out: unknown[][] = [];
  if (kind === "ARRAY") {
    for (const e of value as readonly unknown[]) {
      if (rowWidth === 0) out.push([e]);
      else out.push(e === null ? new Array<unknown>(rowWidth).fill(null) : [...(e as unknown[])]);
    }
  } else if (kind === "MAP") {
    for (const [k, v] of value as Map<unknown, unknown>) out.push([k, v]);
  } else {
    for (const [e, n] of value as Map<unknown, number>) {
      for (let i = 0; i < n; i++) out.push([e]);
    }
  }
  if (ordinality) out.forEach((r, i) => r.push(i + 1));
  return out;
}
