/**
 * The jobs the REST server knows: those running in this process (from the JobMaster registry)
 * and, for a while, those it saw end. States use Flink's names.
 */
import { JobCancelledError } from "../../core/errors.ts";
import { runningJobs, type JobMaster } from "../job-master.ts";

/** State of a job as reported by the REST API. */
export type JobState = "RUNNING" | "FINISHED" | "CANCELED" | "FAILED";

/** A job as the REST server tracks it. */
export interface TrackedJob {
  /** The job's master (for control commands). */
  readonly master: JobMaster;
  /** Its current state. */
  state: JobState;
  /** When it ended (ms since the epoch), or -1. */
  endTime: number;
  /** Where it was stopped with a savepoint, if it was. */
  stoppedWithSavepoint: string | null;
}

/** How many ended jobs are remembered. */
const MAX_ENDED = 100;

/** The jobs known to this process's REST server. */
export class JobRegistry {
  private readonly jobs = new Map<string, TrackedJob>();

  /** Picks up jobs that started since the last call. */
  refresh(): void {
    for (const master of runningJobs()) {
      if (this.jobs.has(master.jobId)) continue;
      const job: TrackedJob = { master, state: "RUNNING", endTime: -1, stoppedWithSavepoint: null };
      this.jobs.set(master.jobId, job);
      const ended = (state: JobState) => {
        job.state = state;
        job.endTime = Date.now();
        this.forgetOldest();
      };
      master.getJobExecutionResult().then(
        () => ended("FINISHED"),
        (e: unknown) => ended(e instanceof JobCancelledError ? "CANCELED" : "FAILED"),
      );
    }
  }

  /** Every known job, oldest first. */
  all(): TrackedJob[] {
    this.refresh();
    return [...this.jobs.values()];
  }

  /** The job with this id, or undefined. */
  get(id: string): TrackedJob | undefined {
    this.refresh();
    return this.jobs.get(id);
  }

  /** Paths of the savepoints of jobs stopped through the REST API, by job id. */
  stopped(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [id, j] of this.jobs) {
      if (j.stoppedWithSavepoint !== null) out.set(id, j.stoppedWithSavepoint);
    }
    return out;
  }

  private forgetOldest(): void {
    const ended = [...this.jobs.values()].filter((j) => j.state !== "RUNNING");
    for (const j of ended.slice(0, Math.max(0, ended.length - MAX_ENDED))) {
      this.jobs.delete(j.master.jobId);
    }
  }
}

/** The JSON form of a job (Flink's field names: jid, name, state, start-time...). */
export function jobJson(job: TrackedJob): Record<string, unknown> {
  const start = job.master.submittedAt;
  const end = job.endTime;
  return {
    jid: job.master.jobId,
    name: job.master.jobName,
    state: job.state,
    "start-time": start,
    "end-time": end,
    duration: (end === -1 ? Date.now() : end) - start,
    pid: process.pid,
  };
}
