/**
 * A fingerprint of a job graph. Every worker rebuilds the graph by re-loading the job module; equal
 * fingerprints prove they built the same graph (structure, settings and function source text).
 */
import { createHash } from "node:crypto";
import type { JobGraph } from "./job-graph.ts";

function fnText(x: unknown): string {
  if (typeof x === "function") return x.toString();
  if (x && typeof x === "object") {
    const proto = Object.getPrototypeOf(x) as {
      constructor?: { name?: string; toString(): string };
    } | null;
    return `${proto?.constructor?.name ?? "Object"}:${proto?.constructor?.toString().length ?? 0}`;
  }
  return String(x);
}

/** A hex digest of the graph's shape and operator definitions. */
export function fingerprintJobGraph(graph: JobGraph): string {
  const h = createHash("sha256");
  const sg = graph.streamGraph;
  h.update(
    JSON.stringify({
      job: sg.jobName,
      batch: sg.batch,
      p: sg.config.parallelism,
      mp: sg.config.maxParallelism,
    }),
  );
  for (const n of sg.nodes) {
    h.update(`|node ${n.id} ${n.name} ${n.uid} ${n.parallelism} ${n.maxParallelism} ${n.chaining}`);
    if (n.source) h.update(` source ${fnText(n.source.source)}`);
    if (n.operator) {
      h.update(` op ${n.operator.kind}`);
      for (const [k, v] of Object.entries(n.operator))
        if (k !== "kind") h.update(` ${k}=${fnText(v)}`);
    }
    for (const k of n.keys) h.update(` key=${k ? fnText(k) : "-"}`);
  }
  for (const e of sg.edges)
    h.update(
      `|edge ${e.sourceId}->${e.targetId} ${e.typeNumber} ${e.partitioner.kind} ${e.sideOutputTag}`,
    );
  return h.digest("hex").slice(0, 16);
}
