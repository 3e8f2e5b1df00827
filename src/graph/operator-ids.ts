/**
 * Stable operator ids: what checkpoints and savepoints key state by. An operator's id is its
 * `uid()` when set; otherwise one is derived from its place in the graph (its kind, its inputs'
 * ids and partitioning, and its rank among otherwise equal siblings), so rebuilding the same job
 * gives the same ids. Adding or removing operators upstream changes generated ids: set `uid()` on
 * stateful operators of jobs that will evolve (as in Flink).
 */
import { createHash } from "node:crypto";
import { InvalidJobError } from "../core/errors.ts";
import type { StreamGraph } from "./stream-graph.ts";

/** Operator ids by node id. */
export function computeOperatorIds(graph: StreamGraph): Map<number, string> {
  const ids = new Map<number, string>();
  const byUid = new Map<string, string>();
  const seen = new Map<string, number>();
  for (const node of graph.nodes) {
    if (node.uid !== null) {
      const other = byUid.get(node.uid);
      if (other !== undefined) {
        throw new InvalidJobError(
          `uid '${node.uid}' is used by both '${other}' and '${node.name}'; operator uids must be unique`,
        );
      }
      byUid.set(node.uid, node.name);
      ids.set(node.id, node.uid);
      continue;
    }
    const kind = node.source ? "source" : node.operator!.kind;
    const inputs = node.inEdges
      .map(
        (e) =>
          `${e.typeNumber}:${ids.get(e.sourceId)}:${e.partitioner.kind}:${e.sideOutputTag ?? ""}`,
      )
      .sort()
      .join(",");
    const base = `${kind}|${inputs}`;
    const rank = seen.get(base) ?? 0;
    seen.set(base, rank + 1);
    const hash = createHash("sha1").update(`${base}|${rank}`).digest("hex").slice(0, 16);
    ids.set(node.id, `auto-${hash}`);
  }
  return ids;
}
