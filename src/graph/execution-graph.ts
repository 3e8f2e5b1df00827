/**
 * ExecutionGraph: the parallel form of a JobGraph. Each vertex has `parallelism` subtasks; subtask
 * i of every vertex runs in slot i (slot sharing), so a job needs as many slots as its largest
 * parallelism. Channels connect producer subtasks to consumer subtasks according to each edge's
 * distribution pattern.
 */
import type { JobEdge, JobGraph } from "./job-graph.ts";

/** One producer-subtask-to-consumer-subtask connection of an edge. */
export interface Channel {
  /** Global channel id. */
  readonly id: number;
  /** The job edge. */
  readonly edge: JobEdge;
  /** Producer subtask index. */
  readonly producerSubtask: number;
  /** Consumer subtask index. */
  readonly consumerSubtask: number;
  /** Index of this channel among the producer's channels on this edge (what partitioners select). */
  readonly outputIndex: number;
}

/** The parallel execution plan. */
export interface ExecutionGraph {
  /** The chained graph. */
  readonly jobGraph: JobGraph;
  /** Number of slots (the largest parallelism). */
  readonly numSlots: number;
  /** All channels. */
  readonly channels: Channel[];
  /** Channels by (edge id, producer subtask), ordered by outputIndex. */
  readonly outputChannels: Map<string, Channel[]>;
  /** Channels by (vertex id, consumer subtask). */
  readonly inputChannels: Map<string, Channel[]>;
}

/** Whether an edge connects each producer to a subset of consumers (forward, rescale). */
export function isPointwise(edge: JobEdge): boolean {
  return edge.partitioner.kind === "forward" || edge.partitioner.kind === "rescale";
}

/** The consumer subtasks a producer subtask feeds on an edge. */
export function consumersOf(
  edge: JobEdge,
  producer: number,
  producers: number,
  consumers: number,
): number[] {
  if (!isPointwise(edge)) return Array.from({ length: consumers }, (_, i) => i);
  if (producers === consumers) return [producer];
  if (producers > consumers) {
    // Several producers feed each consumer: consumer c reads producers [c*P/C, (c+1)*P/C).
    for (let c = 0; c < consumers; c++) {
      if (
        producer >= Math.floor((c * producers) / consumers) &&
        producer < Math.floor(((c + 1) * producers) / consumers)
      )
        return [c];
    }
    return [];
  }
  const from = Math.floor((producer * consumers) / producers);
  const to = Math.floor(((producer + 1) * consumers) / producers);
  return Array.from({ length: to - from }, (_, i) => from + i);
}

/** Key of `outputChannels`. */
export function outputKey(edgeId: number, producerSubtask: number): string {
  return `${edgeId}/${producerSubtask}`;
}

/** Key of `inputChannels`. */
export function inputKey(vertexId: number, consumerSubtask: number): string {
  return `${vertexId}/${consumerSubtask}`;
}

/** Expands a JobGraph into subtasks and channels. */
export function buildExecutionGraph(jobGraph: JobGraph): ExecutionGraph {
  const channels: Channel[] = [];
  const outputChannels = new Map<string, Channel[]>();
  const inputChannels = new Map<string, Channel[]>();
  let numSlots = 1;
  for (const v of jobGraph.vertices) {
    numSlots = Math.max(numSlots, v.parallelism);
    for (let s = 0; s < v.parallelism; s++) inputChannels.set(inputKey(v.id, s), []);
  }
  for (const v of jobGraph.vertices) {
    for (const edge of v.outputs) {
      const consumers = jobGraph.vertices[edge.targetVertex]!.parallelism;
      for (let p = 0; p < v.parallelism; p++) {
        const list: Channel[] = [];
        for (const c of consumersOf(edge, p, v.parallelism, consumers)) {
          const ch: Channel = {
            id: channels.length,
            edge,
            producerSubtask: p,
            consumerSubtask: c,
            outputIndex: list.length,
          };
          channels.push(ch);
          list.push(ch);
          inputChannels.get(inputKey(edge.targetVertex, c))!.push(ch);
        }
        outputChannels.set(outputKey(edge.id, p), list);
      }
    }
  }
  return { jobGraph, numSlots, channels, outputChannels, inputChannels };
}
