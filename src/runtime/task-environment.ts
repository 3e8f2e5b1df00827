/**
 * What a task gets from its deployment (TaskEnvironment: job settings, injected time, restore
 * data, checkpoint callbacks) and what it reports (its lifecycle state and counters).
 */
import type { ExecutionConfig } from "../api/config.ts";
import type { CheckpointingMode } from "../api/checkpointing.ts";
import type { TimerScheduler } from "../core/time.ts";
import type { TypeRegistry } from "../core/serialization.ts";
import type { RestoreData } from "./checkpoint/restore.ts";
import type { SubtaskStateHandle } from "./checkpoint/storage.ts";
import type { StreamTask } from "./task.ts";

/** What a task needs from the outside world. */
export interface TaskEnvironment {
  /** Job name. */
  readonly jobName: string;
  /** Whether the job runs with batch semantics. */
  readonly batch: boolean;
  /** Job settings. */
  readonly config: ExecutionConfig;
  /** Processing-time clock and timers. */
  readonly timers: TimerScheduler;
  /** Restart attempt. */
  readonly attemptNumber: number;
  /** Deep-copy function objects per subtask (several subtasks of an operator share this thread). */
  readonly copyFunctions: boolean;
  /** Asks the scheduler for a turn soon. */
  wake(): void;
  /** Sends records to the client (executeAndCollect). */
  collectToClient(collectId: string, records: unknown[]): void;
  /** Checkpointing of the task, or null when checkpointing is off. */
  readonly checkpoints: TaskCheckpointEnvironment | null;
  /** Stable operator ids by stream node id. */
  readonly operatorIds: ReadonlyMap<number, string>;
  /** State to restore, by operator id, or null. */
  readonly restore: RestoreData | null;
  /** Codec registry of the job (state values). */
  readonly registry: TypeRegistry;
}

/** What a task needs for checkpoints. */
export interface TaskCheckpointEnvironment {
  /** Barrier handling. */
  readonly mode: CheckpointingMode;
  /** The directory of checkpoint `id`. */
  directoryOf(id: number): string;
  /** The task's files of checkpoint `id` are written. */
  ack(task: StreamTask, id: number, handles: SubtaskStateHandle[]): void;
  /** The task could not take part in checkpoint `id`. */
  decline(task: StreamTask, id: number, reason: string): void;
  /** The task took its final snapshot and waits for a checkpoint to include it. */
  finalSnapshotTaken(task: StreamTask): void;
}

/** Lifecycle of a task. */
export type TaskState =
  | { readonly kind: "CREATED" }
  | { readonly kind: "OPENING" }
  | { readonly kind: "RUNNING" }
  | { readonly kind: "FINISHING" }
  | { readonly kind: "DRAINING" }
  | { readonly kind: "AWAITING_FINAL_CHECKPOINT" }
  | { readonly kind: "CLOSING" }
  | { readonly kind: "FINISHED" }
  | { readonly kind: "FAILED"; readonly error: unknown }
  | { readonly kind: "CANCELED" };

/** Per-task counters. */
export interface TaskMetrics {
  /** Records read from input channels. */
  recordsIn: number;
  /** Records emitted by the source (source tasks). */
  sourceRecordsOut: number;
  /** Records written by sinks in this task. */
  sinkRecordsIn: number;
}
