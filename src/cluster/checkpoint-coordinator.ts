/**
 * The checkpoint coordinator (JobManager side): triggers checkpoints periodically and on demand
 * (savepoints), collects the subtasks' acknowledgements, writes `_metadata` when every subtask
 * acknowledged, tells the tasks that the checkpoint completed, and aborts checkpoints that were
 * declined or timed out. Honours the minimum pause, maximum concurrent checkpoints, retention and
 * tolerable failures of the job's CheckpointSettings. Once every task finished, it takes the
 * final checkpoint that lets them commit and end.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rename } from "node:fs/promises";
import { dirname } from "node:path";
import type { CheckpointSettings } from "../api/checkpointing.ts";
import type { Cancellable, TimerScheduler } from "../core/time.ts";
import {
  checkpointDirectory,
  discardCheckpointDir,
  pruneCheckpoints,
  savepointDirectory,
  writeMetadata,
  type CheckpointMetadata,
  type CompletedCheckpointRef,
  type OperatorMetadata,
  type SubtaskStateHandle,
  METADATA_FORMAT,
  METADATA_VERSION,
} from "../runtime/checkpoint/storage.ts";

/** An operator of the job, as checkpoints describe it. */
export interface CheckpointedOperator {
  /** Stable id. */
  readonly operatorId: string;
  /** Name. */
  readonly name: string;
  /** Parallelism. */
  readonly parallelism: number;
  /** Max parallelism. */
  readonly maxParallelism: number;
}

/** What the coordinator drives. */
export interface CoordinatorDeps {
  /** Settings. */
  readonly settings: CheckpointSettings;
  /** Root directory of the job's checkpoints. */
  readonly root: string;
  /** Job name (metadata). */
  readonly jobName: string;
  /** State backend name (metadata). */
  readonly stateBackend: string;
  /** Number of subtasks that must acknowledge. */
  readonly totalTasks: number;
  /** Operators by id. */
  readonly operators: ReadonlyMap<string, CheckpointedOperator>;
  /** Wall clock and timers. */
  readonly timers: TimerScheduler;
  /** Sends a trigger to every TaskManager (`savepoint`: full, self-contained state files). */
  trigger(id: number, timestamp: number, savepoint: boolean): void;
  /** Tells every TaskManager that `id` completed or was aborted; resolves when all were told. */
  notify(id: number, completed: boolean, final: boolean): Promise<void>;
  /** More checkpoints failed than tolerated: the job must fail (and restart). */
  fail(error: Error): void;
  /** Log line. */
  log(message: string): void;
}

interface Pending {
  readonly id: number;
  readonly timestamp: number;
  readonly savepointDir: string | null;
  readonly acks: Map<string, SubtaskStateHandle[]>;
  readonly timeout: Cancellable;
  readonly resolve: (ref: CompletedCheckpointRef) => void;
  readonly reject: (e: Error) => void;
}

/** Coordinates the checkpoints of one job across its restarts. */
export class CheckpointCoordinator {
  private readonly deps: CoordinatorDeps;
  private nextId: number;
  private readonly pending = new Map<number, Pending>();
  private periodic: Cancellable | null = null;
  private running = false;
  private lastEnd = -Infinity;
  private failures = 0;
  private finishedTasks = new Set<string>();
  private finalTriggered = false;
  /** Id of the final checkpoint (taken once every task finished), or -1. */
  private finalId = -1;
  /** Where the final checkpoint goes as a savepoint (stop with drain), with its waiter. */
  private finalSavepoint: {
    root: string;
    resolve: (ref: CompletedCheckpointRef) => void;
    reject: (e: Error) => void;
  } | null = null;
  /** Storage work still running (pruning), awaited before the job ends. */
  private housekeeping: Promise<void> = Promise.resolve();

  /** Resolves when pruning of old checkpoints is done. */
  settled(): Promise<void> {
    return this.housekeeping;
  }

  /** The newest completed checkpoint (restarts restore from it). */
  latest: CompletedCheckpointRef | null = null;

  /** Creates the coordinator; ids continue after `restoredId` (0 when none). */
  constructor(deps: CoordinatorDeps, restored: CompletedCheckpointRef | null) {
    this.deps = deps;
    this.latest = restored;
    this.nextId = (restored?.metadata.checkpointId ?? 0) + 1;
  }

  /** Callers of {@link whenRunning} waiting for an attempt's tasks. */
  private startWaiters: (() => void)[] = [];

  /** Resolves once the tasks of an attempt run (at once if they do now). */
  whenRunning(): Promise<void> {
    if (this.running) return Promise.resolve();
    return new Promise((resolve) => this.startWaiters.push(resolve));
  }

  /** The tasks of a new attempt run: periodic checkpoints start. */
  start(): void {
    this.running = true;
    for (const wake of this.startWaiters.splice(0)) wake();
    this.finishedTasks = new Set();
    this.finalTriggered = false;
    if (this.deps.settings.interval > 0) this.schedule(this.deps.settings.interval);
  }

  /** The attempt ends (failure, cancellation, end of job): pending checkpoints are aborted. */
  stop(reason: string): void {
    this.running = false;
    this.finalSavepoint?.reject(new Error(`no savepoint was taken: ${reason}`));
    this.finalSavepoint = null;
    this.periodic?.cancel();
    this.periodic = null;
    for (const p of [...this.pending.values()]) this.abort(p, reason, false);
  }

  private schedule(delay: number): void {
    this.periodic?.cancel();
    const at = this.deps.timers.now() + Math.max(0, delay);
    this.periodic = this.deps.timers.scheduleAt(at, () => {
      this.periodic = null;
      if (!this.running) return;
      const s = this.deps.settings;
      const now = this.deps.timers.now();
      const pauseLeft = this.lastEnd + s.minPauseBetweenCheckpoints - now;
      if (this.pending.size >= s.maxConcurrentCheckpoints || pauseLeft > 0) {
        this.schedule(Math.max(pauseLeft, 50));
        return;
      }
      void this.trigger(null).catch(() => {});
      this.schedule(s.interval);
    });
  }

  /**
   * Triggers a checkpoint, or a savepoint into a new directory under `savepointRoot` when given.
   * Resolves when it completed.
   */
  trigger(savepointRoot: string | null): Promise<CompletedCheckpointRef> {
    if (!this.running) return Promise.reject(new Error("the job is not running"));
    const id = this.nextId++;
    const savepointDir =
      savepointRoot === null
        ? null
        : savepointDirectory(savepointRoot, this.deps.jobName, id, randomBytes(3).toString("hex"));
    const timestamp = this.deps.timers.now();
    return new Promise((resolve, reject) => {
      const timeout = this.deps.timers.scheduleAt(timestamp + this.deps.settings.timeout, () => {
        const p = this.pending.get(id);
        if (p)
          this.abort(p, `checkpoint ${id} expired after ${this.deps.settings.timeout} ms`, true);
      });
      this.pending.set(id, {
        id,
        timestamp,
        savepointDir,
        acks: new Map(),
        timeout,
        resolve,
        reject,
      });
      this.deps.trigger(id, timestamp, savepointDir !== null);
    });
  }

  /** A subtask acknowledged checkpoint `id`. */
  ack(vertexId: number, subtask: number, id: number, handles: SubtaskStateHandle[]): void {
    const p = this.pending.get(id);
    if (p === undefined) return;
    p.acks.set(`${vertexId}/${subtask}`, handles);
    if (p.acks.size === this.deps.totalTasks) void this.complete(p);
  }

  /** A subtask declined checkpoint `id`. */
  decline(vertexId: number, subtask: number, id: number, reason: string): void {
    const p = this.pending.get(id);
    if (p) this.abort(p, `subtask ${subtask} of vertex ${vertexId} declined: ${reason}`, true);
  }

  /**
   * Makes the final checkpoint (taken once every task finished) a savepoint under `root`;
   * resolves with it. For stop-with-savepoint with drain.
   */
  finalAsSavepoint(root: string): Promise<CompletedCheckpointRef> {
    return new Promise((resolve, reject) => {
      this.finalSavepoint = { root, resolve, reject };
    });
  }

  /** A subtask finished and took its final snapshot. */
  finalSnapshotTaken(vertexId: number, subtask: number): void {
    this.finishedTasks.add(`${vertexId}/${subtask}`);
    this.maybeTriggerFinal();
  }

  private maybeTriggerFinal(): void {
    if (!this.running || this.finalTriggered || this.pending.size > 0) return;
    if (this.finishedTasks.size < this.deps.totalTasks) return;
    this.finalTriggered = true;
    const sp = this.finalSavepoint;
    this.finalId = this.nextId;
    void this.trigger(sp?.root ?? null).then(
      (ref) => {
        this.finalSavepoint = null;
        sp?.resolve(ref);
      },
      (e: unknown) => {
        this.finalTriggered = false;
        this.deps.log(`final checkpoint failed: ${(e as Error).message}`);
        this.maybeTriggerFinal();
      },
    );
  }

  private async complete(p: Pending): Promise<void> {
    this.pending.delete(p.id);
    p.timeout.cancel();
    const byOp = new Map<string, SubtaskStateHandle[]>();
    for (const handles of p.acks.values()) {
      for (const h of handles) {
        let list = byOp.get(h.operatorId);
        if (list === undefined) byOp.set(h.operatorId, (list = []));
        list.push(h);
      }
    }
    const operators: OperatorMetadata[] = [];
    for (const [operatorId, subtasks] of byOp) {
      const op = this.deps.operators.get(operatorId);
      operators.push({
        operatorId,
        name: op?.name ?? operatorId,
        parallelism: op?.parallelism ?? subtasks.length,
        maxParallelism: op?.maxParallelism ?? 128,
        subtasks: subtasks.sort((a, b) => a.subtask - b.subtask),
      });
    }
    const metadata: CheckpointMetadata = {
      format: METADATA_FORMAT,
      version: METADATA_VERSION,
      kind: p.savepointDir === null ? "checkpoint" : "savepoint",
      checkpointId: p.id,
      timestamp: p.timestamp,
      jobName: this.deps.jobName,
      stateBackend: this.deps.stateBackend,
      operators,
    };
    let directory = checkpointDirectory(this.deps.root, p.id);
    try {
      await writeMetadata(directory, metadata);
      if (p.savepointDir !== null) {
        await mkdir(dirname(p.savepointDir), { recursive: true });
        await rename(directory, p.savepointDir);
        directory = p.savepointDir;
      }
    } catch (e) {
      this.failed(
        p,
        `writing the metadata of checkpoint ${p.id} failed: ${(e as Error).message}`,
        true,
      );
      return;
    }
    const ref: CompletedCheckpointRef = { directory, metadata };
    if (p.savepointDir === null) this.latest = ref;
    this.lastEnd = this.deps.timers.now();
    this.failures = 0;
    const told = this.deps.notify(p.id, true, p.id === this.finalId);
    // A savepoint resolves once every task heard of it (stop-with-savepoint then commits first).
    if (p.savepointDir !== null) await told.catch(() => {});
    p.resolve(ref);
    if (p.savepointDir === null) {
      const prune = pruneCheckpoints(this.deps.root, this.deps.settings.retainedCheckpoints).catch(
        () => {},
      );
      this.housekeeping = this.housekeeping.then(() => prune);
      await prune;
    }
    this.maybeTriggerFinal();
  }

  private abort(p: Pending, reason: string, countFailure: boolean): void {
    this.pending.delete(p.id);
    p.timeout.cancel();
    this.failed(p, reason, countFailure);
  }

  private failed(p: Pending, reason: string, countFailure: boolean): void {
    this.lastEnd = this.deps.timers.now();
    void this.deps.notify(p.id, false, false).catch(() => {});
    void discardCheckpointDir(checkpointDirectory(this.deps.root, p.id));
    p.reject(new Error(`checkpoint ${p.id} aborted: ${reason}`));
    if (!this.running) return;
    this.deps.log(`checkpoint ${p.id} aborted: ${reason}`);
    const tolerable = this.deps.settings.tolerableFailedCheckpoints;
    if (countFailure && tolerable >= 0 && ++this.failures > tolerable) {
      this.deps.fail(
        new Error(`more than ${tolerable} checkpoint failures in a row; last: ${reason}`),
      );
      return;
    }
    this.maybeTriggerFinal();
  }
}
