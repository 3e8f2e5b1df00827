/**
 * How `execute()` reaches a runtime without the API depending on it. The public entry registers
 * executors (the local worker-thread cluster, the single-thread executor); a worker thread that
 * re-loads a job module installs a *plan capture* instead, so the module's `execute()` hands its
 * plan to the worker and never runs the code after it.
 */
import type { ExecutionConfig } from "./config.ts";
import type { Transformation } from "./transformations.ts";

/** Everything a runtime needs to run one job. */
export interface JobPlan {
  /** The job's name. */
  readonly jobName: string;
  /** Every transformation the program created, in creation order. */
  readonly transformations: readonly Transformation[];
  /** Environment settings. */
  readonly config: ExecutionConfig;
  /** 0-based index of this `execute()` call within the program (for worker re-loading). */
  readonly executionIndex: number;
}

/** The result of a finished job. */
export class JobExecutionResult {
  /** Name of the job. */
  readonly jobName: string;
  /** Wall time from start to end, ms. */
  readonly netRuntime: number;
  /** Merged accumulator values by name. */
  readonly accumulators: Readonly<Record<string, unknown>>;

  /** Creates a result. */
  constructor(jobName: string, netRuntime: number, accumulators: Record<string, unknown>) {
    this.jobName = jobName;
    this.netRuntime = netRuntime;
    this.accumulators = accumulators;
  }

  /** Runtime in milliseconds. */
  getNetRuntime(): number {
    return this.netRuntime;
  }

  /** The merged value of accumulator `name`, or undefined. */
  getAccumulatorResult<R = unknown>(name: string): R | undefined {
    return this.accumulators[name] as R | undefined;
  }

  /** All merged accumulator values. */
  getAllAccumulatorResults(): Readonly<Record<string, unknown>> {
    return this.accumulators;
  }
}

/** Handle of a submitted, running job. */
export interface JobClient {
  /** The job's id. */
  readonly jobId: string;
  /** Resolves with the result when the job finishes; rejects when it fails or is cancelled. */
  getJobExecutionResult(): Promise<JobExecutionResult>;
  /** Cancels the job; the result promise then rejects with a JobCancelledError. */
  cancel(): Promise<void>;
  /**
   * Takes a savepoint into a new directory under `directory`; resolves with its path (needs
   * checkpointing enabled).
   */
  triggerSavepoint(directory: string): Promise<string>;
  /**
   * Stops the job with a savepoint and resolves with its path: takes a savepoint then cancels, or
   * with `drain` ends the sources' input so every timer and window fires, and the job finishes
   * with the savepoint as its final checkpoint.
   */
  stopWithSavepoint(directory: string, drain?: boolean): Promise<string>;
}

/** Receives records from `executeAndCollect` sinks, by collect id. */
export type CollectHandler = (collectId: string, records: unknown[]) => void;

/** Runs job plans. */
export interface PipelineExecutor {
  /** Starts the job and returns its client. */
  submit(plan: JobPlan, onCollect: CollectHandler): Promise<JobClient>;
}

/** Creates the executor for a target name ("local", "thread", ...). */
export type ExecutorFactory = (target: string) => PipelineExecutor | null;

const registry: ExecutorFactory[] = [];

/** Registers an executor factory; later registrations are asked first. */
export function registerExecutorFactory(factory: ExecutorFactory): void {
  registry.unshift(factory);
}

/** Finds the executor for `target`, or throws a clear error. */
export function findExecutor(target: string): PipelineExecutor {
  for (const f of registry) {
    const e = f(target);
    if (e) return e;
  }
  throw new Error(
    `no executor for execution target '${target}'. Import the API from "strom" (which registers the local executors)`,
  );
}

/** Installed by a worker thread that re-loads the job module to rebuild its graph. */
export interface PlanCapture {
  /** Receives the plan of an `execute()` call; the returned promise settles the user's await. */
  capture(plan: JobPlan): Promise<JobExecutionResult>;
}

const CAPTURE_KEY = Symbol.for("strom.planCapture");
const COUNTER_KEY = Symbol.for("strom.executionCounter");

/** Installs (or removes, with null) the plan capture of this thread. */
export function setPlanCapture(capture: PlanCapture | null): void {
  (globalThis as Record<symbol, unknown>)[CAPTURE_KEY] = capture;
}

/** The plan capture of this thread, if it is a worker re-loading a job module. */
export function getPlanCapture(): PlanCapture | null {
  return ((globalThis as Record<symbol, unknown>)[CAPTURE_KEY] as PlanCapture | undefined) ?? null;
}

/** Returns and advances the per-thread counter of `execute()` calls. */
export function nextExecutionIndex(): number {
  const g = globalThis as Record<symbol, number | undefined>;
  const n = g[COUNTER_KEY] ?? 0;
  g[COUNTER_KEY] = n + 1;
  return n;
}

/** Resets the `execute()` counter (before re-loading a module with a fresh query string). */
export function resetExecutionIndex(): void {
  (globalThis as Record<symbol, number | undefined>)[COUNTER_KEY] = 0;
}
