/**
 * The JobManager side shared by the executors: a job client, accumulator merging, progress lines
 * and Ctrl-C handling. Executors supply how tasks are deployed (threads or the calling thread).
 */
import { ACCUMULATOR_KINDS, type Accumulator } from "../api/accumulators.ts";
import { JobExecutionResult, type JobClient } from "../api/executor.ts";
import {
  describeError,
  InvalidJobError,
  JobCancelledError,
  JobExecutionError,
} from "../core/errors.ts";
import type { AccumulatorSnapshot } from "../runtime/runtime-context.ts";
import type { VertexMetrics } from "../runtime/deployment.ts";
import type { ExecutionGraph } from "../graph/execution-graph.ts";
import type { CheckpointSettings, RestartStrategySettings } from "../api/checkpointing.ts";
import { systemTimerScheduler } from "../core/time.ts";
import { rm } from "node:fs/promises";
import type { CompletedCheckpointRef, SubtaskStateHandle } from "../runtime/checkpoint/storage.ts";
import {
  createRestartBackoff,
  type RestartBackoff,
} from "../runtime/checkpoint/restart-strategy.ts";
import { CheckpointCoordinator, type CheckpointedOperator } from "./checkpoint-coordinator.ts";

let jobSeq = 0;
const running = new Set<JobMaster>();

/** How long a savepoint request waits for the tasks of a job still deploying or restarting. */
export const SAVEPOINT_START_WAIT_MS = 30_000;
let sigintInstalled = false;

/** The jobs of this process that have not ended yet (the REST server lists them). */
export function runningJobs(): JobMaster[] {
  return [...running];
}

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

/** What one attempt of a job reports to the JobMaster (stale attempts are ignored). */
export interface AttemptContext {
  /** Attempt number (0 first). */
  readonly attempt: number;
  /** Checkpoint or savepoint to restore, or null. */
  readonly restore: CompletedCheckpointRef | null;
  /** Every task of the attempt is deployed and running. */
  running(): void;
  /** A task finished with these accumulator values. */
  taskFinished(accumulators: Record<string, AccumulatorSnapshot>): void;
  /** Something failed. */
  fail(error: unknown, where?: string): void;
  /** A task acknowledged a checkpoint. */
  checkpointAck(vertexId: number, subtask: number, id: number, handles: SubtaskStateHandle[]): void;
  /** A task declined a checkpoint. */
  checkpointDecline(vertexId: number, subtask: number, id: number, reason: string): void;
  /** A task finished and took its final snapshot. */
  finalSnapshotTaken(vertexId: number, subtask: number): void;
}

/** Deploys one attempt of a job and returns its backend. */
export type Deployer = (ctx: AttemptContext) => Promise<JobBackend>;

/** How a job is checkpointed and restarted. */
export interface FaultToleranceOptions {
  /** Checkpoint settings (interval 0: off). */
  readonly checkpointing: CheckpointSettings;
  /** Root directory of checkpoints (null when checkpointing is off). */
  readonly root: string | null;
  /** Restart strategy (null: default). */
  readonly restartStrategy: RestartStrategySettings | null;
  /** Initial checkpoint or savepoint to restore, or null. */
  readonly restore: CompletedCheckpointRef | null;
  /** The job's operators by id (checkpoint metadata). */
  readonly operators: ReadonlyMap<string, CheckpointedOperator>;
  /** State backend name. */
  readonly stateBackend: string;
  /** Removes the checkpoint root at the end (it was a temporary directory). */
  readonly temporaryRoot: boolean;
}

/** How an executor runs and stops the tasks of one job. */
export interface JobBackend {
  /** Makes every source end its input (stop with drain). */
  endInput(): void;
  /** Sends a checkpoint (or savepoint) trigger to every task. */
  triggerCheckpoint(id: number, timestamp: number, savepoint: boolean): void;
  /** Tells every task that checkpoint `id` completed or was aborted; resolves when all were told. */
  notifyCheckpoint(id: number, completed: boolean, final: boolean): Promise<void>;
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
  /** When the job was submitted (wall clock, ms since the epoch). */
  readonly submittedAt = Date.now();
  private readonly graph: ExecutionGraph;
  private backend: JobBackend | null = null;
  private startTime: number;
  private remaining: number;
  private readonly accumulators = new Map<string, Accumulator<unknown, unknown> | unknown[]>();
  private settled = false;
  private resolveResult!: (r: JobExecutionResult) => void;
  private rejectResult!: (e: Error) => void;
  private readonly result: Promise<JobExecutionResult>;
  private deployer: Deployer | null = null;
  private ft: FaultToleranceOptions | null = null;
  private coordinator: CheckpointCoordinator | null = null;
  private backoff: RestartBackoff | null = null;
  private attempt = 0;
  private progressTimer: NodeJS.Timeout | null = null;

  /** Creates the coordinator of a job over `graph`. */
  constructor(jobName: string, graph: ExecutionGraph) {
    // The pid makes ids unique across the strom processes of a machine (strom list, cancel...).
    this.jobId = `${process.pid}-job-${++jobSeq}`;
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

  /**
   * Runs the job with fault tolerance: deploys attempt 0 (restoring `options.restore`), takes
   * checkpoints, and after a failure redeploys from the latest completed checkpoint as the
   * restart strategy allows.
   */
  launch(deployer: Deployer, options: FaultToleranceOptions, progressInterval: number): void {
    this.deployer = deployer;
    this.ft = options;
    const cp = options.checkpointing;
    const total = this.graph.jobGraph.vertices.reduce((n, v) => n + v.parallelism, 0);
    if (cp.interval > 0 && options.root !== null) {
      this.coordinator = new CheckpointCoordinator(
        {
          settings: cp,
          root: options.root,
          jobName: this.jobName,
          stateBackend: options.stateBackend,
          totalTasks: total,
          operators: options.operators,
          timers: systemTimerScheduler,
          trigger: (id, ts, savepoint) => this.backend?.triggerCheckpoint(id, ts, savepoint),
          notify: (id, completed, final) =>
            this.backend?.notifyCheckpoint(id, completed, final) ?? Promise.resolve(),
          fail: (e) => this.fail(e, "checkpointing"),
          log: (m) => process.stderr.write(`[strom] ${this.jobName}: ${m}\n`),
        },
        options.restore,
      );
    }
    this.backoff = createRestartBackoff(options.restartStrategy, cp.interval > 0);
    if (progressInterval > 0) this.startProgress(progressInterval);
    void this.deployAttempt(options.restore);
  }

  /**
   * Takes a savepoint into a new directory under `root`; resolves with its path. Needs
   * checkpointing (the barrier machinery) to be enabled. A job whose tasks are still being
   * deployed (or restarted) is waited for, up to {@link SAVEPOINT_START_WAIT_MS}.
   */
  async triggerSavepoint(root: string): Promise<string> {
    if (this.coordinator === null) {
      throw new Error(
        `job '${this.jobName}' runs without checkpointing, so it cannot take savepoints: enable checkpointing (env.enableCheckpointing or --checkpoint-interval)`,
      );
    }
    if (!this.settled) {
      // A job still deploying (or restarting) takes the savepoint once its tasks run.
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SAVEPOINT_START_WAIT_MS);
        timer.unref?.();
      });
      await Promise.race([this.coordinator.whenRunning(), gaveUp, this.result.catch(() => {})]);
      clearTimeout(timer);
    }
    const ref = await this.coordinator.trigger(root);
    return ref.directory;
  }

  /**
   * Stops the job with a savepoint; resolves with the savepoint's path. Without `drain`: takes a
   * savepoint, then cancels. With `drain`: the sources end their input (a final watermark fires
   * every event-time timer and window), the job finishes, and its final checkpoint is the
   * savepoint.
   */
  async stopWithSavepoint(root: string, drain = false): Promise<string> {
    if (!drain) {
      const path = await this.triggerSavepoint(root);
      await this.cancel();
      return path;
    }
    if (this.coordinator === null || this.backend === null) {
      throw new Error(
        `job '${this.jobName}' runs without checkpointing, so it cannot stop with a savepoint: enable checkpointing (env.enableCheckpointing or --checkpoint-interval)`,
      );
    }
    const saved = this.coordinator.finalAsSavepoint(root);
    this.backend.endInput();
    const ref = await saved;
    await this.result.catch(() => {});
    return ref.directory;
  }

  /** The coordinator of this job's checkpoints, or null when checkpointing is off. */
  getCheckpointCoordinator(): CheckpointCoordinator | null {
    return this.coordinator;
  }

  private async deployAttempt(restore: CompletedCheckpointRef | null): Promise<void> {
    const attempt = this.attempt;
    this.remaining = this.graph.jobGraph.vertices.reduce((n, v) => n + v.parallelism, 0);
    this.accumulators.clear();
    const live = () => attempt === this.attempt && !this.settled;
    const ctx: AttemptContext = {
      attempt,
      restore,
      running: () => {
        if (!live()) return;
        this.markRunning();
        this.backoff?.onRunning(systemTimerScheduler.now());
        this.coordinator?.start();
      },
      taskFinished: (acc) => {
        if (live()) this.taskFinished(acc);
      },
      fail: (e, where) => {
        if (live()) this.fail(e, where);
      },
      checkpointAck: (v, s, id, h) => {
        if (live()) this.coordinator?.ack(v, s, id, h);
      },
      checkpointDecline: (v, s, id, r) => {
        if (live()) this.coordinator?.decline(v, s, id, r);
      },
      finalSnapshotTaken: (v, s) => {
        if (live()) this.coordinator?.finalSnapshotTaken(v, s);
      },
    };
    try {
      const backend = await this.deployer!(ctx);
      if (!live()) {
        await backend.stop(false).catch(() => {});
        return;
      }
      this.backend = backend;
    } catch (e) {
      if (live()) this.fail(e, "deploying the job");
    }
  }

  /** Restarts after `error` if the strategy allows; returns false when the job must fail. */
  private tryRestart(error: Error): boolean {
    if (this.backoff === null || this.deployer === null) return false;
    const decision = this.backoff.onFailure(systemTimerScheduler.now());
    if (!decision.restart) return false;
    this.attempt++;
    this.coordinator?.stop("the job is restarting");
    const old = this.backend;
    this.backend = null;
    const restore = this.coordinator?.latest ?? this.ft?.restore ?? null;
    process.stderr.write(
      `[strom] ${this.jobName}: ${describeError(error)}\n[strom] ${this.jobName}: restarting (attempt ${this.attempt + 1}) in ${decision.delay} ms from ${restore ? `checkpoint ${restore.metadata.checkpointId}` : "the beginning"}\n`,
    );
    void (async () => {
      await old?.stop(false).catch(() => {});
      await new Promise((r) => setTimeout(r, decision.delay));
      if (!this.settled) await this.deployAttempt(restore);
    })();
    return true;
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
    if (!(error instanceof InvalidJobError) && this.tryRestart(err)) return;
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
    this.coordinator?.stop(error ? "the job ended" : "the job finished");
    if (this.ft?.temporaryRoot && this.ft.root !== null) {
      const root = this.ft.root;
      const cleanup = () => rm(root, { recursive: true, force: true }).catch(() => {});
      this.result.then(cleanup, cleanup);
    }
    // end() may be reached from inside a running task (a collect limit, a failure): let the task
    // finish its current step before anything of it is stopped, so operators never interleave.
    await null;
    try {
      await this.backend?.stop(error === null);
    } catch {
      // Stopping is best-effort; the job's outcome is decided.
    }
    await this.coordinator?.settled();
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
