/** Execution settings of an environment, carried with the plan to every worker. */
import {
  defaultCheckpointSettings,
  type CheckpointSettings,
  type RestartStrategySettings,
  type RestoreSettings,
} from "./checkpointing.ts";

/** Which keyed state backend a job uses: JS maps on the heap, or the embedded on-disk store. */
export type StateBackendKind = "hashmap" | "disk";

/** How a job runs: as a stream, as a batch, or chosen from the sources' boundedness. */
export type RuntimeExecutionMode = "STREAMING" | "BATCH" | "AUTOMATIC";
/** Runtime mode constants, as in Flink. */
export const RuntimeExecutionMode = {
  STREAMING: "STREAMING",
  BATCH: "BATCH",
  AUTOMATIC: "AUTOMATIC",
} as const;

/** Settings of one job. Plain data, so it crosses threads as is. */
export interface ExecutionConfig {
  /** Default parallelism of operators. */
  parallelism: number;
  /** Default max parallelism (number of key groups). */
  maxParallelism: number;
  /** Streaming, batch or automatic. */
  runtimeMode: RuntimeExecutionMode;
  /**
   * Where the job runs: "local" runs each parallel slot in its own worker thread (the default),
   * "thread" runs every subtask in the calling thread (no module re-loading; for tests and REPLs).
   */
  target: string;
  /** Whether operators may be chained. */
  chaining: boolean;
  /** Max ms a partly filled network buffer waits before it is sent. */
  bufferTimeout: number;
  /** Interval of periodic watermark emission, ms (0: no periodic emission). */
  autoWatermarkInterval: number;
  /** Print a throughput line every this many ms (0: off). */
  progressInterval: number;
  /** Records per network buffer before it is sent. */
  bufferRecords: number;
  /** Buffers a receiver grants per channel before the sender must wait (credit-based flow control). */
  channelCredits: number;
  /** Class names registered for serialization across threads, by name. */
  registeredTypes: Record<string, new (...args: any[]) => unknown>;
  /** Checkpoint settings (interval 0: checkpointing off). */
  checkpointing: CheckpointSettings;
  /** Restart strategy, or null for the default (exponential delay with checkpointing, else none). */
  restartStrategy: RestartStrategySettings | null;
  /** Keyed state backend. */
  stateBackend: StateBackendKind;
  /** Where the on-disk backend keeps its working files (null: a directory under the OS temp dir). */
  stateDirectory: string | null;
  /** A checkpoint or savepoint to start from, or null. */
  restore: RestoreSettings | null;
}

/** The defaults of a new environment. */
export function defaultExecutionConfig(): ExecutionConfig {
  return {
    parallelism: 1,
    maxParallelism: 128,
    runtimeMode: "STREAMING",
    target: "local",
    chaining: true,
    bufferTimeout: 100,
    autoWatermarkInterval: 200,
    progressInterval: 0,
    bufferRecords: 4096,
    channelCredits: 8,
    registeredTypes: {},
    checkpointing: defaultCheckpointSettings(),
    restartStrategy: null,
    stateBackend: "hashmap",
    stateDirectory: null,
    restore: null,
  };
}
