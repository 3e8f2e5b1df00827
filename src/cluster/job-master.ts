/**
 * The JobManager side shared by the executors: a job client, accumulator merging, progress lines
 * and Ctrl-C handling. Executors supply how tasks are deployed (threads or the calling thread).
 */
import { ACCUMULATOR_KINDS, type Accumulator } from "../api/accumulators.ts";
import { JobExecutionResult, type JobClient } from "../api/executor.ts";
import { describeError, JobCancelledError, JobExecutionError } from "../core/errors.ts";
import type { AccumulatorSnapshot } from "../runtime/runtime-context.ts";
import type { VertexMetrics } from "../runtime/deployment.ts";
import type { ExecutionGraph } from "../graph/execution-graph.ts";

let jobSeq = 0;
const running = new Set<JobMaster>();
let sigintInstalled = false;

function onSigint(): void {
  const jobs = [...running];
  if (jobs.length === 0) {
    process.exit(130);
  }
  process.stderr.write(
    `\nCancelling ${jobs.map((j) => `'${j.jobName}'`).join(", ")} (Ctrl-C)...\n`,
  );
  process.once("SIGINT", () => process.exit(130));
  void Promise.allSettled(jobs.map((j) => j.cancel())).then(() => {
    process.stderr.write("Job cancelled.\n");
    process.exit(130);
  });
}

/** How an executor runs and stops the tasks of one job. */
export interface JobBackend {
  /**
   * Stops every task; resolves when they are gone. `graceful` after a successful end: let the
   * TaskManagers drain their output (stdout) and exit on their own.
   */
  stop(graceful: boolean): Promise<void>;
  /** Per-vertex counters (for progress lines). */
  metrics(): Promise<VertexMetrics>;
}

/** Coordinates one running job: tracks finished tasks, merges accumulators, settles the result. */
export class JobMaster implements JobClient {
  /** The job's id. */
  readonly jobId: string;
  /** The job's name. */
  readonly jobName: string;
  private readonly graph: ExecutionGraph;
  private backend: JobBackend | null = null;
  private startTime: number;
  private remaining: number;
  private readonly accumulators = new Map<string, Accumulator<unknown, unknown> | unknown[]>();
  private settled = false;
  private resolveResult!: (r: JobExecutionResult) => void;
  private rejectResult!: (e: Error) => void;
  private readonly result: Promise<JobExecutionResult>;
  private progressTimer: NodeJS.Timeout | null = null;

  /** Creates the coordinator of a job over `graph`. */
  constructor(jobName: string, graph: ExecutionGraph) {
    this.jobId = `job-${++jobSeq}`;
    this.jobName = jobName;
    this.graph = graph;
    this.startTime = performance.now();
    this.remaining = graph.jobGraph.vertices.reduce((n, v) => n + v.parallelism, 0);
    this.result = new Promise((resolve, reject) => {
      this.resolveResult = resolve;
      this.rejectResult = reject;
    });
    // Never an unhandled rejection: callers get the same promise from getJobExecutionResult().
    this.result.catch(() => {});
    running.add(this);
    if (!sigintInstalled) {
      sigintInstalled = true;
      process.on("SIGINT", onSigint);
    }
  }

  /** Attaches the executor's backend and starts progress reporting. */
  attach(backend: JobBackend, progressInterval: number): void {
    this.backend = backend;
    if (progressInterval > 0) this.startProgress(progressInterval);
  }

  /** Marks the moment every task is deployed and starts running (the net runtime counts from here). */
  markRunning(): void {
    this.startTime = performance.now();
  }

  /** Resolves with the result, or rejects with the failure. */
  getJobExecutionResult(): Promise<JobExecutionResult> {
    return this.result;
  }

  /** Cancels the job. */
  async cancel(): Promise<void> {
    if (this.settled) return;
    await this.end(new JobCancelledError(`job '${this.jobName}' was cancelled`));
  }

  /** A task finished with these accumulator values. */
  taskFinished(accumulators: Record<string, AccumulatorSnapshot>): void {
    for (const [name, snap] of Object.entries(accumulators)) this.mergeAccumulator(name, snap);
    if (--this.remaining === 0) void this.end(null);
  }

  /** A task (or a worker) failed: the job fails with a message naming the place. */
  fail(error: unknown, where?: string): void {
    if (this.settled) return;
    const prefix = where ? `${where}: ` : "";
    const err = new JobExecutionError(
      `job '${this.jobName}' failed: ${prefix}${describeError(error)}`,
      { cause: error },
    );
    void this.end(err);
  }

  private mergeAccumulator(name: string, snap: AccumulatorSnapshot): void {
    const make = ACCUMULATOR_KINDS[snap.kind];
    const existing = this.accumulators.get(name);
    if (!make) {
      const list = Array.isArray(existing) ? existing : [];
      list.push(snap.value);
      this.accumulators.set(name, list);
      return;
    }
    const acc = existing && !Array.isArray(existing) ? existing : make();
    acc.merge({ getLocalValue: () => snap.value } as Accumulator<unknown, unknown>);
    this.accumulators.set(name, acc);
  }

  private async end(error: Error | null): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    running.delete(this);
    if (this.progressTimer) clearInterval(this.progressTimer);
    // end() may be reached from inside a running task (a collect limit, a failure): let the task
    // finish its current step before anything of it is stopped, so operators never interleave.
    await null;
    try {
      await this.backend?.stop(error === null);
    } catch {
      // Stopping is best-effort; the job's outcome is decided.
    }
    if (error) {
      this.rejectResult(error);
      return;
    }
    const acc: Record<string, unknown> = {};
    for (const [name, a] of this.accumulators) acc[name] = Array.isArray(a) ? a : a.getLocalValue();
    this.resolveResult(
      new JobExecutionResult(this.jobName, performance.now() - this.startTime, acc),
    );
  }

  private startProgress(interval: number): void {
    let last = { time: performance.now(), source: 0, sink: 0 };
    const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
    this.progressTimer = setInterval(() => {
      void this.backend
        ?.metrics()
        .then((m) => {
          if (this.settled) return;
          let source = 0;
          let sink = 0;
          for (const v of this.graph.jobGraph.vertices) {
            source += m[v.id]?.sourceRecordsOut ?? 0;
            sink += m[v.id]?.sinkRecordsIn ?? 0;
          }
          const now = performance.now();
          const secs = (now - last.time) / 1000;
          process.stderr.write(
            `[strom] ${this.jobName}: ${fmt(source)} records read (${fmt((source - last.source) / secs)}/s), ${fmt(sink)} written (${fmt((sink - last.sink) / secs)}/s)\n`,
          );
          last = { time: now, source, sink };
        })
        .catch(() => {});
    }, interval);
    this.progressTimer.unref();
  }
}
