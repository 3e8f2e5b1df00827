/**
 * Fault-tolerance setup shared by the executors: where checkpoints go, which checkpoint or
 * savepoint a job starts from (`restore.path`, or "latest" in the checkpoint directory, falling
 * back past incomplete or corrupt checkpoints), whether it fits the job, and the restore data a
 * deployment loads.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { ExecutionConfig } from "../api/config.ts";
import { InvalidJobError } from "../core/errors.ts";
import type { ExecutionGraph } from "../graph/execution-graph.ts";
import { computeOperatorIds } from "../graph/operator-ids.ts";
import {
  loadRestoreData,
  matchOperators,
  type RestoreData,
} from "../runtime/checkpoint/restore.ts";
import { stateRegistry } from "../runtime/checkpoint/state-file.ts";
import {
  findLatestCheckpoint,
  readMetadata,
  validateCheckpoint,
  type CompletedCheckpointRef,
} from "../runtime/checkpoint/storage.ts";
import type { CheckpointedOperator } from "./checkpoint-coordinator.ts";
import type { FaultToleranceOptions } from "./job-master.ts";

/** The job's operators by stable id. */
export function checkpointedOperators(graph: ExecutionGraph): Map<string, CheckpointedOperator> {
  const sg = graph.jobGraph.streamGraph;
  const ids = computeOperatorIds(sg);
  const out = new Map<string, CheckpointedOperator>();
  for (const n of sg.nodes) {
    const operatorId = ids.get(n.id)!;
    out.set(operatorId, {
      operatorId,
      name: n.name,
      parallelism: n.parallelism,
      maxParallelism: n.maxParallelism,
    });
  }
  return out;
}

/** Resolves checkpointing, restart and restore settings of a job about to be submitted. */
export async function prepareFaultTolerance(
  graph: ExecutionGraph,
  config: ExecutionConfig,
  log: (message: string) => void,
): Promise<FaultToleranceOptions> {
  const batch = graph.jobGraph.streamGraph.batch;
  const checkpointing = { ...config.checkpointing };
  if (batch) checkpointing.interval = 0;
  const operators = checkpointedOperators(graph);
  let root: string | null = null;
  let temporaryRoot = false;
  if (checkpointing.interval > 0) {
    if (checkpointing.directory !== null) root = resolve(checkpointing.directory);
    else {
      root = await mkdtemp(join(tmpdir(), "strom-checkpoints-"));
      temporaryRoot = true;
    }
  }
  let restore: CompletedCheckpointRef | null = null;
  const r = config.restore;
  if (r !== null) {
    const registry = stateRegistry(config.registeredTypes);
    if (r.path === "latest") {
      const dir = checkpointing.directory;
      if (dir === null) {
        throw new InvalidJobError(
          "--restore latest needs the checkpoint directory (--checkpoint-dir) to look in",
        );
      }
      restore = await findLatestCheckpoint(dir, registry, (e) =>
        log(`skipping checkpoint: ${e.message}`),
      );
      if (restore === null) log(`no complete checkpoint in ${resolve(dir)}: starting from scratch`);
    } else {
      restore = await readMetadata(r.path);
      await validateCheckpoint(restore, registry);
    }
    if (restore !== null) {
      matchOperators(restore, [...operators.values()], r.allowNonRestoredState);
      log(
        `restoring from ${restore.metadata.kind} ${restore.metadata.checkpointId} (${restore.directory})`,
      );
    }
  }
  return {
    checkpointing,
    root,
    restartStrategy: config.restartStrategy,
    restore,
    operators,
    stateBackend: config.stateBackend,
    temporaryRoot,
  };
}

/** Loads the restore data of every operator of the job that has state in `ref`. */
export async function loadJobRestore(
  graph: ExecutionGraph,
  ref: CompletedCheckpointRef | null,
): Promise<RestoreData | null> {
  if (ref === null) return null;
  const config = graph.jobGraph.streamGraph.config;
  const ids = new Set(checkpointedOperators(graph).keys());
  const wanted = new Set(
    ref.metadata.operators.map((o) => o.operatorId).filter((id) => ids.has(id)),
  );
  return loadRestoreData(ref, wanted, stateRegistry(config.registeredTypes));
}
