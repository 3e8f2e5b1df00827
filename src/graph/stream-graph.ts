/**
 * StreamGraph: the program's transformations resolved into real operator nodes and edges. Virtual
 * nodes (partitioning, union, side-output selection) disappear into edge properties; default
 * parallelism and partitioning are filled in.
 */
import { InvalidJobError } from "../core/errors.ts";
import type { ExecutionConfig } from "../api/config.ts";
import {
  OneInputTransformation,
  PartitionTransformation,
  SideOutputTransformation,
  SourceTransformation,
  TwoInputTransformation,
  UnionTransformation,
  type ChainingStrategy,
  type KeyFn,
  type OperatorSpec,
  type PartitionerSpec,
  type Transformation,
} from "../api/transformations.ts";

/** A real operator: a source, or a one- or two-input operator (sinks included). */
export interface StreamNode {
  /** Id (the transformation's position in the program). */
  readonly id: number;
  /** Display name. */
  readonly name: string;
  /** Stable user id, if set. */
  readonly uid: string | null;
  /** Resolved parallelism. */
  readonly parallelism: number;
  /** Resolved max parallelism. */
  readonly maxParallelism: number;
  /** Chaining behaviour. */
  readonly chaining: ChainingStrategy;
  /** Slot sharing group. */
  readonly slotSharingGroup: string;
  /** The source transformation, for source nodes. */
  readonly source: SourceTransformation<unknown> | null;
  /** The operator, for non-source nodes. */
  readonly operator: OperatorSpec | null;
  /** Key selectors of the operator's inputs (null when not keyed); index 0 is input 1. */
  readonly keys: readonly (KeyFn | null)[];
  /** Incoming edges. */
  readonly inEdges: StreamEdge[];
  /** Outgoing edges. */
  readonly outEdges: StreamEdge[];
}

/** A connection between two nodes. */
export interface StreamEdge {
  /** Sequential edge id. */
  readonly id: number;
  /** Producing node id. */
  readonly sourceId: number;
  /** Consuming node id. */
  readonly targetId: number;
  /** Which input of the consumer (1 or 2). */
  readonly typeNumber: 1 | 2;
  /** How records are distributed. */
  readonly partitioner: PartitionerSpec;
  /** Side output tag id when this edge carries a side output, else null. */
  readonly sideOutputTag: string | null;
}

/** The resolved operator graph of one job. */
export interface StreamGraph {
  /** Job name. */
  readonly jobName: string;
  /** Nodes by id, in id order. */
  readonly nodes: StreamNode[];
  /** All edges. */
  readonly edges: StreamEdge[];
  /** True when the job runs with batch semantics. */
  readonly batch: boolean;
  /** The settings. */
  readonly config: ExecutionConfig;
}

interface Producer {
  node: StreamNode;
  partitioner: PartitionerSpec | null;
  tag: string | null;
}

/** Builds the StreamGraph of a program's transformations. */
export function buildStreamGraph(
  jobName: string,
  transformations: readonly Transformation[],
  config: ExecutionConfig,
): StreamGraph {
  const nodes = new Map<Transformation, StreamNode>();
  const edges: StreamEdge[] = [];
  const resolving = new Set<Transformation>();

  const resolveParallelism = (t: Transformation): number =>
    t.parallelism > 0 ? t.parallelism : config.parallelism;
  const resolveMaxParallelism = (t: Transformation): number =>
    t.maxParallelism > 0 ? t.maxParallelism : config.maxParallelism;

  const producersOf = (t: Transformation): Producer[] => {
    if (t instanceof PartitionTransformation) {
      return producersOf(t.input).map((p) => ({ ...p, partitioner: t.partitioner }));
    }
    if (t instanceof UnionTransformation) return t.unioned.flatMap((i) => producersOf(i));
    if (t instanceof SideOutputTransformation) {
      return producersOf(t.input).map((p) => ({ ...p, tag: t.tagId }));
    }
    return [{ node: nodeOf(t), partitioner: null, tag: null }];
  };

  const connect = (target: StreamNode, input: Transformation, typeNumber: 1 | 2): void => {
    const producers = producersOf(input);
    for (const p of producers) {
      let partitioner = p.partitioner;
      if (partitioner === null) {
        partitioner =
          p.node.parallelism === target.parallelism ? { kind: "forward" } : { kind: "rebalance" };
      } else if (partitioner.kind === "forward" && p.node.parallelism !== target.parallelism) {
        throw new InvalidJobError(
          `forward partitioning does not allow a change of parallelism: '${p.node.name}' has ${p.node.parallelism}, '${target.name}' has ${target.parallelism}; use rebalance() or rescale()`,
        );
      }
      const edge: StreamEdge = {
        id: edges.length,
        sourceId: p.node.id,
        targetId: target.id,
        typeNumber,
        partitioner,
        sideOutputTag: p.tag,
      };
      edges.push(edge);
      p.node.outEdges.push(edge);
      target.inEdges.push(edge);
    }
  };

  function nodeOf(t: Transformation): StreamNode {
    const existing = nodes.get(t);
    if (existing) return existing;
    if (resolving.has(t)) throw new InvalidJobError(`cycle in the job graph at '${t.name}'`);
    resolving.add(t);
    const base = {
      id: t.id,
      name: t.name,
      uid: t.uid,
      parallelism: resolveParallelism(t),
      maxParallelism: resolveMaxParallelism(t),
      chaining: t.chaining,
      slotSharingGroup: t.slotSharingGroup,
      inEdges: [] as StreamEdge[],
      outEdges: [] as StreamEdge[],
    };
    let node: StreamNode;
    if (t instanceof SourceTransformation) {
      node = { ...base, source: t as SourceTransformation<unknown>, operator: null, keys: [] };
      nodes.set(t, node);
    } else if (t instanceof OneInputTransformation) {
      node = { ...base, source: null, operator: t.operator, keys: [t.key] };
      nodes.set(t, node);
      connect(node, t.input, 1);
    } else if (t instanceof TwoInputTransformation) {
      node = { ...base, source: null, operator: t.operator, keys: [t.key1, t.key2] };
      nodes.set(t, node);
      connect(node, t.input1, 1);
      connect(node, t.input2, 2);
    } else {
      throw new InvalidJobError(`'${t.name}' is not an operator`);
    }
    if (node.parallelism > node.maxParallelism) {
      throw new InvalidJobError(
        `'${node.name}': parallelism ${node.parallelism} exceeds its max parallelism ${node.maxParallelism}`,
      );
    }
    resolving.delete(t);
    return node;
  }

  for (const t of transformations) {
    if (
      t instanceof SourceTransformation ||
      t instanceof OneInputTransformation ||
      t instanceof TwoInputTransformation
    ) {
      nodeOf(t);
    }
  }
  const list = [...nodes.values()].sort((a, b) => a.id - b.id);
  const allBounded = list.every((n) => !n.source || n.source.source.getBoundedness() === "BOUNDED");
  if (config.runtimeMode === "BATCH" && !allBounded) {
    const unbounded = list.find((n) => n.source && n.source.source.getBoundedness() !== "BOUNDED");
    throw new InvalidJobError(
      `the job runs in BATCH mode but source '${unbounded?.name}' is unbounded; use STREAMING or AUTOMATIC`,
    );
  }
  const batch =
    config.runtimeMode === "BATCH" || (config.runtimeMode === "AUTOMATIC" && allBounded);
  if (!list.some((n) => n.source)) throw new InvalidJobError("the job has no source");
  return { jobName, nodes: list, edges, batch, config };
}
