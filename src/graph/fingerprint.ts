/**
 * A fingerprint of a job graph. Every worker rebuilds the graph by re-loading the job module; equal
 * fingerprints prove they built the same graph (structure, settings and function source text).
 */
import { createHash } from "node:crypto";
import type { PartitionerSpec } from "../api/transformations.ts";
import type { JobGraph } from "./job-graph.ts";

/**
 * A text standing for a function or function object: source text of functions, and for objects
 * their class's source plus their own function-valued fields (lambdas wrapped by the API).
 */
function fnText(x: unknown, depth = 0): string {
  if (typeof x === "function") return Function.prototype.toString.call(x);
  if (x && typeof x === "object") {
    if (depth > 2) return "{...}";
    const ctor = (Object.getPrototypeOf(x) as { constructor?: unknown } | null)?.constructor;
    let text =
      typeof ctor === "function" ? Function.prototype.toString.call(ctor) : "null-prototype";
    for (const key of Object.keys(x).sort()) {
      const v = (x as Record<string, unknown>)[key];
      if (typeof v === "function" || (v !== null && typeof v === "object" && !Array.isArray(v))) {
        text += ` ${key}=${fnText(v, depth + 1)}`;
      }
    }
    return text;
  }
  return String(x);
}

function partitionerText(p: PartitionerSpec): string {
  switch (p.kind) {
    case "hash":
      return `hash ${fnText(p.key)}`;
    case "custom":
      return `custom ${fnText(p.key)} ${fnText(p.partition)}`;
    default:
      return p.kind;
  }
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
      for (const [k, v] of Object.entries(n.operator)) {
        if (k !== "kind") h.update(` ${k}=${fnText(v)}`);
      }
    }
    for (const k of n.keys) h.update(` key=${k ? fnText(k) : "-"}`);
  }
  for (const e of sg.edges) {
    const p = partitionerText(e.partitioner);
    h.update(`|edge ${e.sourceId}->${e.targetId} ${e.typeNumber} ${p} ${e.sideOutputTag}`);
  }
  return h.digest("hex").slice(0, 16);
}
