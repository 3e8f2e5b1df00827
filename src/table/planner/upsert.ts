/**
 * Update-before elimination (Flink's changelog-mode inference, in its simplest valid form): when
 * the consumer of a plan applies changes by key (an upsert consumer), an updating GROUP BY at the
 * plan's top need not emit `-U old` before `+U new`: the new row replaces the old one with the
 * same group key. The aggregation is found through projections only (they keep rows one to one)
 * that keep every group key column; a filter above it (HAVING) or any other node in between
 * keeps the full changelog, since a filter can drop a `+U` whose `-U` the consumer would need.
 */
import type { AggregateNode, RelNode } from "./logical.ts";

/** The aggregation that may skip `-U`, and the plan's output columns holding its group key. */
export interface UpsertPlan {
  /** The top GROUP BY. */
  readonly aggregate: AggregateNode;
  /** Output column indexes of the group key, in group key order. */
  readonly keyColumns: readonly number[];
}

/**
 * The top aggregation of `rel` whose output reaches the consumer through projections only, the
 * group key kept as plain columns; null when there is none (insert-only plans, joins, HAVING...).
 */
export function upsertPlan(rel: RelNode): UpsertPlan | null {
  if (rel.kind === "aggregate") {
    if (rel.groupKeys.length === 0) return null;
    return { aggregate: rel, keyColumns: rel.groupKeys.map((_, i) => i) };
  }
  if (rel.kind !== "project") return null;
  const below = upsertPlan(rel.input);
  if (below === null) return null;
  const keyColumns: number[] = [];
  for (const k of below.keyColumns) {
    const at = rel.exprs.findIndex((e) => e.kind === "input" && e.index === k);
    if (at < 0) return null;
    keyColumns.push(at);
  }
  return { aggregate: below.aggregate, keyColumns };
}
