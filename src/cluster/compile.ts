/**
 * Turns a job plan into its executable forms (StreamGraph, JobGraph, ExecutionGraph, fingerprint)
 * and creates source splits. Pure apart from split creation, and deterministic: every worker that
 * rebuilds the plan gets the same graphs.
 */
import type { JobPlan } from "../api/executor.ts";
import { buildExecutionGraph, type ExecutionGraph } from "../graph/execution-graph.ts";
import { fingerprintJobGraph } from "../graph/fingerprint.ts";
import { buildJobGraph } from "../graph/job-graph.ts";
import { buildStreamGraph } from "../graph/stream-graph.ts";

/** A compiled job. */
export interface CompiledJob {
  /** The parallel plan. */
  readonly graph: ExecutionGraph;
  /** Fingerprint of the job graph. */
  readonly fingerprint: string;
}

/** Compiles a plan. */
export function compilePlan(plan: JobPlan): CompiledJob {
  const sg = buildStreamGraph(plan.jobName, plan.transformations, plan.config);
  const jg = buildJobGraph(sg);
  return { graph: buildExecutionGraph(jg), fingerprint: fingerprintJobGraph(jg) };
}

/** Creates the splits of every source vertex and assigns them round-robin to its subtasks. */
export async function createSplits(graph: ExecutionGraph): Promise<Map<number, unknown[][]>> {
  const out = new Map<number, unknown[][]>();
  for (const v of graph.jobGraph.vertices) {
    const head = v.nodes[0]!;
    if (!head.source) continue;
    let splits: unknown[];
    try {
      splits = await head.source.source.createSplits(v.parallelism);
    } catch (e) {
      throw new Error(
        `source '${head.name}' could not create its splits: ${(e as Error)?.message ?? String(e)}`,
        { cause: e },
      );
    }
    const perSubtask: unknown[][] = Array.from({ length: v.parallelism }, () => []);
    splits.forEach((s, i) => perSubtask[i % v.parallelism]!.push(s));
    out.set(v.id, perSubtask);
  }
  return out;
}
