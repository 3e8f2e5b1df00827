/**
 * Translation of GROUPING SETS plans: an {@link ExpandNode} becomes a row-wise flatMap (one
 * compiled projection per grouping set), and an aggregation over it gets, in batch mode, the
 * empty-input rows of its empty grouping sets (`runtime/expand.ts`).
 */
import type { DataStream } from "../../api/datastream.ts";
import { compileProjection, type CompileOptions } from "../expr/codegen.ts";
import { aggFunctionByName } from "../runtime/aggregates-stats.ts";
import { expandRows, withEmptyGroupResults } from "../runtime/expand.ts";
import { RowKind, type Row } from "../runtime/row.ts";
import { compareValues } from "../types/index.ts";
import type { ExpandNode } from "./expand.ts";
import type { AggregateNode } from "./logical.ts";

/** The stream of `rel` over `input` (the translated stream of `rel.input`). */
export function translateExpand(
  rel: ExpandNode,
  input: DataStream<Row>,
  compile: CompileOptions,
): DataStream<Row> {
  const arity = rel.input.fields.length;
  const projections = rel.projects.map((p, i) =>
    compileProjection(p, arity, { ...compile, name: `expand${i}` }),
  );
  return expandRows(input, { projections, name: "Expand" });
}

/**
 * `out`, the stream of aggregation `rel`; when `rel` groups an Expand with empty grouping sets,
 * plus (batch mode) their rows for empty input: keys NULL, the set's id, each aggregate's value
 * over no rows.
 */
export function withEmptyGroupingSets(rel: AggregateNode, out: DataStream<Row>): DataStream<Row> {
  const input = rel.input;
  if (input.kind !== "expand" || input.emptySets.length === 0) return out;
  const idIndex = rel.groupKeys.indexOf(input.expandId);
  if (idIndex < 0) return out;
  const empty = rel.aggs.map((a) => {
    const argType = a.args.length > 0 ? input.fields[a.args[0]!]!.type : null;
    const fn = aggFunctionByName(a.fn, a.fn === "COUNT" && a.args.length === 0 ? null : argType, {
      separator: typeof a.constants[0] === "string" ? (a.constants[0] as string) : undefined,
      ...(argType !== null ? { compare: compareValues(argType) } : {}),
    });
    return fn.getValue(fn.createAccumulator());
  });
  const defaults = new Map<number, Row>();
  for (const id of input.emptySets) {
    const keys = rel.groupKeys.map((_, i) => (i === idIndex ? id : null));
    defaults.set(id, [RowKind.INSERT, ...keys, ...empty]);
  }
  return withEmptyGroupResults(out, { idIndex: idIndex + 1, defaults });
}
