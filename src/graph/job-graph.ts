/**
 * JobGraph: StreamGraph nodes grouped into chains. A chain (a {@link JobVertex}) runs as one task
 * per parallel instance; chained operators call each other directly without serialization.
 */
import type { PartitionerSpec } from "../api/transformations.ts";
import type { StreamEdge, StreamGraph, StreamNode } from "./stream-graph.ts";

/** A chain of operators that runs as one task per parallel instance. */
export interface JobVertex {
  /** Vertex id (its position in `vertices`). */
  readonly id: number;
  /** Names of the chained operators joined with " -> ". */
  readonly name: string;
  /** The chain's nodes, head first, in a topological order. */
  readonly nodes: StreamNode[];
  /** Parallelism of the chain. */
  readonly parallelism: number;
  /** Max parallelism of the chain (the head's). */
  readonly maxParallelism: number;
  /** Edges arriving at the head from other vertices. */
  readonly inputs: JobEdge[];
  /** Edges leaving any node of the chain to another vertex. */
  readonly outputs: JobEdge[];
  /** Whether the head is a source. */
  readonly isSource: boolean;
}

/** A network connection between two vertices. */
export interface JobEdge {
  /** Edge id (the StreamEdge id). */
  readonly id: number;
  /** Producing vertex. */
  readonly sourceVertex: number;
  /** The node in the producing chain that emits into this edge. */
  readonly sourceNodeId: number;
  /** Consuming vertex. */
  readonly targetVertex: number;
  /** Which input of the consumer head (1 or 2). */
  readonly typeNumber: 1 | 2;
  /** Distribution of records. */
  readonly partitioner: PartitionerSpec;
  /** Side output tag, or null. */
  readonly sideOutputTag: string | null;
  /** Name of the consuming head operator (for error messages). */
  readonly targetName: string;
  /** Name of the producing operator. */
  readonly sourceName: string;
}

/** The chained graph of a job. */
export interface JobGraph {
  /** The underlying stream graph. */
  readonly streamGraph: StreamGraph;
  /** Vertices in topological order (ids equal positions). */
  readonly vertices: JobVertex[];
  /** Vertex of each node id. */
  readonly vertexOfNode: Map<number, number>;
}

/** Whether `edge` can be chained (its target runs in the same task as its source). */
export function isChainable(edge: StreamEdge, graph: StreamGraph): boolean {
  if (!graph.config.chaining) return false;
  const up = graph.nodes.find((n) => n.id === edge.sourceId)!;
  const down = graph.nodes.find((n) => n.id === edge.targetId)!;
  return (
    down.inEdges.length === 1 &&
    edge.partitioner.kind === "forward" &&
    up.parallelism === down.parallelism &&
    up.slotSharingGroup === down.slotSharingGroup &&
    down.chaining === "ALWAYS" &&
    up.chaining !== "NEVER"
  );
}

/** Groups a StreamGraph into chains. */
export function buildJobGraph(graph: StreamGraph): JobGraph {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const chainable = new Set(graph.edges.filter((e) => isChainable(e, graph)).map((e) => e.id));
  // Heads are nodes whose single in-edge is not chainable (or that have none).
  const heads = graph.nodes.filter(
    (n) => !(n.inEdges.length === 1 && chainable.has(n.inEdges[0]!.id)),
  );
  const chainOf = new Map<number, StreamNode[]>();
  for (const head of heads) {
    const chain: StreamNode[] = [];
    const visit = (n: StreamNode): void => {
      chain.push(n);
      for (const e of n.outEdges) if (chainable.has(e.id)) visit(byId.get(e.targetId)!);
    };
    visit(head);
    chainOf.set(head.id, chain);
  }
  // Order vertices topologically (Kahn over head dependencies), ties by head id.
  const vertexHeadOfNode = new Map<number, number>();
  for (const [headId, chain] of chainOf) for (const n of chain) vertexHeadOfNode.set(n.id, headId);
  const deps = new Map<number, Set<number>>();
  for (const headId of chainOf.keys()) deps.set(headId, new Set());
  for (const e of graph.edges) {
    if (chainable.has(e.id)) continue;
    deps.get(vertexHeadOfNode.get(e.targetId)!)!.add(vertexHeadOfNode.get(e.sourceId)!);
  }
  const order: number[] = [];
  const done = new Set<number>();
  while (order.length < chainOf.size) {
    const ready = [...chainOf.keys()]
      .filter((h) => !done.has(h) && [...deps.get(h)!].every((d) => done.has(d)))
      .sort((a, b) => a - b);
    if (ready.length === 0) throw new Error("internal error: cycle between chains");
    for (const h of ready) {
      done.add(h);
      order.push(h);
    }
  }
  const vertexIdOfHead = new Map(order.map((h, i) => [h, i]));
  const vertexOfNode = new Map<number, number>();
  for (const [nodeId, headId] of vertexHeadOfNode)
    vertexOfNode.set(nodeId, vertexIdOfHead.get(headId)!);
  const vertices: JobVertex[] = order.map((headId, i) => {
    const chain = chainOf.get(headId)!;
    const head = chain[0]!;
    return {
      id: i,
      name: chain.map((n) => n.name).join(" -> "),
      nodes: chain,
      parallelism: head.parallelism,
      maxParallelism: head.maxParallelism,
      inputs: [],
      outputs: [],
      isSource: head.source !== null,
    };
  });
  for (const e of graph.edges) {
    if (chainable.has(e.id)) continue;
    const je: JobEdge = {
      id: e.id,
      sourceVertex: vertexOfNode.get(e.sourceId)!,
      sourceNodeId: e.sourceId,
      targetVertex: vertexOfNode.get(e.targetId)!,
      typeNumber: e.typeNumber,
      partitioner: e.partitioner,
      sideOutputTag: e.sideOutputTag,
      targetName: byId.get(e.targetId)!.name,
      sourceName: byId.get(e.sourceId)!.name,
    };
    vertices[je.sourceVertex]!.outputs.push(je);
    vertices[je.targetVertex]!.inputs.push(je);
  }
  return { streamGraph: graph, vertices, vertexOfNode };
}
