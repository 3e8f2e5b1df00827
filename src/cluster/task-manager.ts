/**
 * The TaskManager role: something that hosts slots and runs the subtasks the JobManager deploys
 * there. Locally a TaskManager is one worker thread with one slot; a TaskManager process on
 * another host will implement the same interface over RPC.
 */
import { Worker } from "node:worker_threads";
import type { VertexMetrics } from "../runtime/deployment.ts";
import type { SubtaskStateHandle } from "../runtime/checkpoint/storage.ts";
import type { AccumulatorSnapshot } from "../runtime/runtime-context.ts";
import { fromErrorInfo, type FromWorker, type ToWorker, type WorkerInit } from "./protocol.ts";

/** What a TaskManager reports to the JobManager. */
export interface JobManagerGateway {
  /** The slot has rebuilt the job and deployed its subtasks. */
  slotReady(slot: number): void;
  /** Something failed in the slot. */
  slotFailed(slot: number, error: Error, where: string): void;
  /** A subtask finished. */
  taskFinished(accumulators: Record<string, AccumulatorSnapshot>): void;
  /** Serialized records for an executeAndCollect client. */
  collected(collectId: string, bytes: Uint8Array): void;
  /** A task acknowledged a checkpoint. */
  checkpointAck(vertexId: number, subtask: number, id: number, handles: SubtaskStateHandle[]): void;
  /** A task declined a checkpoint. */
  checkpointDecline(vertexId: number, subtask: number, id: number, reason: string): void;
  /** A task finished and took its final snapshot. */
  finalSnapshotTaken(vertexId: number, subtask: number): void;
}

/** The JobManager's handle on one TaskManager. */
export interface TaskManager {
  /** The slot it runs. */
  readonly slot: number;
  /** Starts the deployed subtasks (after every slot is ready). */
  start(): void;
  /** Current counters of its subtasks. */
  metrics(): Promise<VertexMetrics>;
  /** Makes its source subtasks end their input. */
  endInput(): void;
  /** Triggers checkpoint (or savepoint) `id` in its subtasks. */
  triggerCheckpoint(id: number, timestamp: number, savepoint: boolean): void;
  /** Checkpoint `id` completed or was aborted; resolves when the worker's tasks were told. */
  notifyCheckpoint(id: number, completed: boolean, final: boolean): Promise<void>;
  /** Stops it (gracefully: lets it exit on its own, draining its output); resolves when it is gone. */
  stop(graceful: boolean): Promise<void>;
}

/** How long a worker may take to exit on its own after a successful job. */
const SHUTDOWN_TIMEOUT_MS = 5_000;

const WORKER_URL = new URL("./worker-boot.ts", import.meta.url);

/** A TaskManager with one slot on its own worker thread. */
export class WorkerTaskManager implements TaskManager {
  /** The slot it runs. */
  readonly slot: number;
  private readonly worker: Worker;
  private stopping = false;
  private metricsSeq = 0;
  private readonly metricsWaiters = new Map<number, (m: VertexMetrics) => void>();
  private readonly notifyWaiters = new Map<number, () => void>();

  /** Starts the worker thread, which re-loads the job module and deploys the slot. */
  constructor(init: WorkerInit, jm: JobManagerGateway) {
    this.slot = init.slot;
    this.worker = new Worker(WORKER_URL, {
      workerData: init,
      transferList: init.peers.map(([, p]) => p),
      argv: process.argv.slice(2),
    });
    this.worker.on("message", (msg: FromWorker) => {
      switch (msg.type) {
        case "ready":
          jm.slotReady(this.slot);
          break;
        case "failed":
          jm.slotFailed(this.slot, fromErrorInfo(msg.error), msg.where);
          break;
        case "taskFinished":
          jm.taskFinished(msg.accumulators);
          break;
        case "collect":
          jm.collected(msg.collectId, msg.bytes);
          break;
        case "metrics": {
          const w = this.metricsWaiters.get(msg.id);
          this.metricsWaiters.delete(msg.id);
          w?.(msg.metrics);
          break;
        }
        case "cancelled":
          break;
        case "ack":
          jm.checkpointAck(msg.vertexId, msg.subtask, msg.id, msg.handles);
          break;
        case "decline":
          jm.checkpointDecline(msg.vertexId, msg.subtask, msg.id, msg.reason);
          break;
        case "notified": {
          const w = this.notifyWaiters.get(msg.seq);
          this.notifyWaiters.delete(msg.seq);
          w?.();
          break;
        }
        case "finalSnapshot":
          jm.finalSnapshotTaken(msg.vertexId, msg.subtask);
          break;
      }
    });
    this.worker.on("error", (e) => jm.slotFailed(this.slot, e, `worker of slot ${this.slot}`));
    this.worker.on("exit", (code) => {
      if (!this.stopping && code !== 0) {
        jm.slotFailed(
          this.slot,
          new Error(`worker of slot ${this.slot} exited with code ${code}`),
          `slot ${this.slot}`,
        );
      }
    });
  }

  private post(msg: ToWorker): void {
    this.worker.postMessage(msg);
  }

  /** Starts the subtasks. */
  start(): void {
    this.post({ type: "start" });
  }

  /** Makes the source subtasks end their input. */
  endInput(): void {
    if (!this.stopping) this.post({ type: "endInput" });
  }

  /** Triggers checkpoint `id`. */
  triggerCheckpoint(id: number, timestamp: number, savepoint = false): void {
    if (!this.stopping) this.post({ type: "trigger", id, timestamp, savepoint });
  }

  /** Checkpoint `id` completed or was aborted; resolves when the worker's tasks were told. */
  notifyCheckpoint(id: number, completed: boolean, final: boolean): Promise<void> {
    if (this.stopping) return Promise.resolve();
    const seq = ++this.metricsSeq;
    return new Promise((resolve) => {
      this.notifyWaiters.set(seq, resolve);
      this.post({ type: "notify", id, completed, final, seq });
    });
  }

  /** Asks the worker for its counters. */
  metrics(): Promise<VertexMetrics> {
    const id = ++this.metricsSeq;
    return new Promise((resolve) => {
      this.metricsWaiters.set(id, resolve);
      this.post({ type: "metrics", id });
    });
  }

  /** Terminates the worker thread. */
  async stop(graceful: boolean): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const w of this.metricsWaiters.values()) w({});
    this.metricsWaiters.clear();
    for (const w of this.notifyWaiters.values()) w();
    this.notifyWaiters.clear();
    if (graceful && this.worker.threadId >= 0) {
      const exited = new Promise<boolean>((resolve) => {
        this.worker.once("exit", () => resolve(true));
        setTimeout(() => resolve(false), SHUTDOWN_TIMEOUT_MS).unref();
      });
      this.post({ type: "shutdown" });
      if (await exited) return;
    }
    await this.worker.terminate();
  }
}
