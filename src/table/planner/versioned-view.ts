/**
 * Versioned views (Flink's): a view that keeps the last row per key by event time,
 *
 *   SELECT k, v, ts FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts DESC) AS rn
 *   FROM history) WHERE rn = 1
 *
 * is a versioned table whose primary key is the PARTITION BY columns and whose event time is
 * `ts` (a rowtime attribute). In an event-time temporal join its versions are the rows below the
 * deduplication: each history row is the key's version from its time on, so the join reads
 * those rows directly (the same versions the deduplication would emit, in both modes).
 */
import type { RexNode } from "../expr/rex.ts";
import { isRowtimeType } from "../types/time-attributes.ts";
import type { RelNode } from "./logical.ts";
import { optimize } from "./optimize.ts";

/** A versioned view's rows as version rows, with its key and time fields. */
export interface VersionedView {
  /** The view's fields computed from the rows below the deduplication. */
  readonly rel: RelNode;
  /** Output field indexes of the primary key (the PARTITION BY columns). */
  readonly primaryKey: readonly number[];
}

/**
 * `rel` (a bound view) as a versioned view, or null when it is not a keep-last-row deduplication
 * by a rowtime attribute whose key columns it outputs.
 */
export function versionedView(rel: RelNode): VersionedView | null {
  const planned = optimize(rel);
  const projects: (RelNode & { kind: "project" })[] = [];
  let node = planned;
  while (node.kind === "project") {
    projects.push(node);
    node = node.input;
  }
  if (node.kind !== "rank" || node.deduplicate === null) return null;
  const d = node.deduplicate;
  if (!d.keepLast || d.time !== "rowtime") return null;
  // Output position of each rank field kept as a plain reference.
  let positions = new Map<number, number>(node.fields.map((_, i) => [i, i]));
  for (let p = projects.length - 1; p >= 0; p--) {
    const next = new Map<number, number>();
    projects[p]!.exprs.forEach((e: RexNode, out) => {
      if (e.kind !== "input") return;
      const at = [...positions].find(([, pos]) => pos === e.index);
      if (at !== undefined && !next.has(at[0])) next.set(at[0], out);
    });
    positions = next;
  }
  const primaryKey = node.partitionKeys.map((k) => positions.get(k));
  if (primaryKey.some((k) => k === undefined)) return null;
  const time = positions.get(node.orderKeys[0]!.field);
  if (time === undefined) return null;
  // The rows below the deduplication, through the same projections.
  let out: RelNode = node.input;
  for (let p = projects.length - 1; p >= 0; p--) out = { ...projects[p]!, input: out };
  if (!isRowtimeType(out.fields[time]!.type)) return null;
  return { rel: out, primaryKey: primaryKey as number[] };
}
