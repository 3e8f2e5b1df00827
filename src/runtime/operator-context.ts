/**
 * Builds the {@link OperatorContext} of one operator of a task: its keyed state backend (heap or
 * disk, for keyed operators), timers, operator state, runtime context, and the state restored
 * into them from a checkpoint or savepoint.
 */
import type { Cancellable } from "../core/time.ts";
import { computeKeyGroupRange } from "../core/keygroups.ts";
import type { JobVertex } from "../graph/job-graph.ts";
import { applyOperatorRestore } from "./checkpoint/restore.ts";
import { isSnapshotable } from "./checkpoint/snapshot.ts";
import type { Mailbox, OperatorContext } from "./operators/operator.ts";
import type { RuntimeContextImpl } from "./runtime-context.ts";
import { createKeyedBackend } from "./state/backend-factory.ts";
import { OperatorKeyedStateStore } from "./state/keyed-state-store.ts";
import { OperatorStateBackend } from "./state/operator-state.ts";
import { InternalTimeServiceManager } from "./state/timers.ts";
import type { TaskEnvironment } from "./task.ts";

/** What the task provides for its operators' contexts. */
export interface OperatorContextDeps {
  /** The task's environment. */
  readonly env: TaskEnvironment;
  /** The task's vertex (chain). */
  readonly vertex: JobVertex;
  /** Subtask index. */
  readonly subtaskIndex: number;
  /** Display name of the task. */
  readonly taskName: string;
  /** The task's runtime context (per operator views are derived from it). */
  readonly runtimeContext: RuntimeContextImpl;
  /** The task's mailbox. */
  readonly mailbox: Mailbox;
  /** Registers a processing-time callback run through the mailbox. */
  registerTimer(time: number, callback: () => void): Cancellable;
}

/**
 * The context of operator `name` (`operatorId` for restored state); also returns the source
 * split states restored for it (null: none, or not a source).
 */
export function createOperatorContext(
  deps: OperatorContextDeps,
  name: string,
  keys: OperatorContext["keys"],
  operatorId: string,
): { ctx: OperatorContext; splits: unknown[] | null } {
  const { env, vertex, subtaskIndex } = deps;
  const keyed = keys.some((k) => k !== null);
  const backend = keyed
    ? createKeyedBackend(
        {
          kind: env.config.stateBackend,
          directory: env.config.stateDirectory,
          registry: env.registry,
          label: `${name}-${subtaskIndex}`,
        },
        {
          operatorName: name,
          maxParallelism: vertex.maxParallelism,
          keyGroupRange: computeKeyGroupRange(
            vertex.maxParallelism,
            vertex.parallelism,
            subtaskIndex,
          ),
          now: () => env.timers.now(),
        },
      )
    : null;
  const timeServiceManager = backend
    ? new InternalTimeServiceManager(backend, {
        now: () => env.timers.now(),
        registerProcessingTimer: (time, callback) => deps.registerTimer(time, callback),
      })
    : null;
  const operatorState = new OperatorStateBackend(name);
  const restore = env.restore?.get(operatorId);
  const restored = restore
    ? applyOperatorRestore(restore, {
        subtask: subtaskIndex,
        parallelism: vertex.parallelism,
        keyGroupRange: backend?.keyGroupRange ?? null,
        keyed: backend !== null && isSnapshotable(backend) ? backend : null,
        timers: timeServiceManager,
        operatorState,
      })
    : null;
  const ctx: OperatorContext = {
    keyedBackend: backend,
    timeServiceManager,
    operatorState,
    operatorName: name,
    taskName: deps.taskName,
    jobName: env.jobName,
    subtaskIndex,
    parallelism: vertex.parallelism,
    maxParallelism: vertex.maxParallelism,
    batch: env.batch,
    timers: env.timers,
    runtimeContext: deps.runtimeContext.forOperator(new OperatorKeyedStateStore(backend, name)),
    keys,
    autoWatermarkInterval: env.config.autoWatermarkInterval,
    registerProcessingTimer: (time, callback) => deps.registerTimer(time, callback),
    mailbox: deps.mailbox,
    collectToClient: (id, records) => env.collectToClient(id, records),
    isRestored: restore !== undefined,
    checkpointing: env.checkpoints !== null,
  };
  return { ctx, splits: restored?.splits ?? null };
}
