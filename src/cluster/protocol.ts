/** Messages between the JobManager (main thread) and the TaskManager slots (worker threads). */
import type { MessagePort } from "node:worker_threads";
import type { LauncherContext } from "../api/launcher.ts";
import type { DeploymentCheckpointing, VertexMetrics } from "../runtime/deployment.ts";
import type { SubtaskStateHandle } from "../runtime/checkpoint/storage.ts";
import type { AccumulatorSnapshot } from "../runtime/runtime-context.ts";

/** What a worker needs to rebuild the job and deploy its slot. */
export interface WorkerInit {
  /** The job module to re-load. */
  readonly moduleUrl: string;
  /** Launcher defaults to reproduce. */
  readonly launcher: LauncherContext;
  /** Which `execute()` call of the module is this job. */
  readonly executionIndex: number;
  /** Results of earlier `execute()` calls of the module (their awaits resolve with these). */
  readonly previousResults: {
    jobName: string;
    netRuntime: number;
    accumulators: Record<string, unknown>;
  }[];
  /** The slot this worker runs. */
  readonly slot: number;
  /** Expected graph fingerprint. */
  readonly fingerprint: string;
  /** Source splits: [vertexId, splits per subtask]. */
  readonly splits: [number, unknown[][]][];
  /** Ports to the other slots: [slot, port]. */
  readonly peers: [number, MessagePort][];
  /** Restart attempt. */
  readonly attempt: number;
  /** Directory of the checkpoint or savepoint to restore, or null. */
  readonly restoreDir: string | null;
  /** Checkpointing (mode and root directory), or null when off. */
  readonly checkpointing: DeploymentCheckpointing | null;
}

/** Serialized error crossing threads. */
export interface ErrorInfo {
  /** Error class name. */
  readonly name: string;
  /** Message. */
  readonly message: string;
  /** Stack, including the user's frames. */
  readonly stack: string | undefined;
}

/** JobManager to worker. */
export type ToWorker =
  | { type: "start" }
  | { type: "cancel" }
  | { type: "shutdown" }
  | { type: "metrics"; id: number }
  | { type: "trigger"; id: number; timestamp: number; savepoint: boolean }
  | { type: "endInput" }
  | { type: "notify"; id: number; completed: boolean; final: boolean; seq: number };

/** Worker to JobManager. */
export type FromWorker =
  | { type: "ready" }
  | { type: "failed"; error: ErrorInfo; where: string }
  | {
      type: "taskFinished";
      vertexId: number;
      subtask: number;
      accumulators: Record<string, AccumulatorSnapshot>;
    }
  | { type: "collect"; collectId: string; bytes: Uint8Array }
  | { type: "metrics"; id: number; metrics: VertexMetrics }
  | { type: "cancelled" }
  | {
      type: "ack";
      vertexId: number;
      subtask: number;
      id: number;
      handles: SubtaskStateHandle[];
    }
  | { type: "decline"; vertexId: number; subtask: number; id: number; reason: string }
  | { type: "finalSnapshot"; vertexId: number; subtask: number }
  | { type: "notified"; seq: number };

/** Converts any thrown value to ErrorInfo. */
export function toErrorInfo(e: unknown): ErrorInfo {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: "Error", message: String(e), stack: undefined };
}

/** Rebuilds an Error from ErrorInfo, keeping the original stack. */
export function fromErrorInfo(info: ErrorInfo): Error {
  const e = new Error(info.message);
  e.name = info.name;
  if (info.stack) e.stack = info.stack;
  return e;
}
