/** Execution settings of an environment, carried with the plan to every worker. */

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
  };
}
