/**
 * Deploys the subtasks of some slots of an ExecutionGraph into the current thread: creates the
 * tasks, wires local channels between subtasks hosted here and remote channels (through a
 * {@link Transport}) to subtasks hosted elsewhere, and runs them on one {@link TaskScheduler}.
 */
import type { TimerScheduler } from "../core/time.ts";
import { TypeRegistry } from "../core/serialization.ts";
import type { ExecutionGraph } from "../graph/execution-graph.ts";
import { inputKey, outputKey } from "../graph/execution-graph.ts";
import {
  InputChannel,
  LocalChannelWriter,
  RemoteChannelWriter,
  type ChannelWriter,
} from "./network/channels.ts";
import { createSelector } from "./network/partitioners.ts";
import { RecordWriter } from "./network/record-writer.ts";
import type { Transport } from "./network/transport.ts";
import type { AccumulatorSnapshot } from "./runtime-context.ts";
import { TaskScheduler } from "./scheduler.ts";
import {
  StreamTask,
  type TaskCheckpointEnvironment,
  type TaskEnvironment,
  type TaskMetrics,
} from "./task.ts";
import type { CheckpointingMode } from "../api/checkpointing.ts";
import { computeOperatorIds } from "../graph/operator-ids.ts";
import type { RestoreData } from "./checkpoint/restore.ts";
import { stateRegistry } from "./checkpoint/state-file.ts";
import { checkpointDirectory, type SubtaskStateHandle } from "./checkpoint/storage.ts";

function checkpointEnvironment(
  cp: DeploymentCheckpointing | null,
  listener: DeploymentListener,
): TaskCheckpointEnvironment | null {
  if (cp === null) return null;
  return {
    mode: cp.mode,
    directoryOf: (id) => checkpointDirectory(cp.root, id),
    ack: (t, id, handles) => listener.checkpointAck(t.vertex.id, t.subtaskIndex, id, handles),
    decline: (t, id, reason) => listener.checkpointDecline(t.vertex.id, t.subtaskIndex, id, reason),
    finalSnapshotTaken: (t) => listener.finalSnapshotTaken(t.vertex.id, t.subtaskIndex),
  };
}

/** Callbacks from the deployed tasks to whoever hosts them (a worker, or the thread executor). */
export interface DeploymentListener {
  /** A task finished normally. */
  taskFinished(
    vertexId: number,
    subtask: number,
    accumulators: Record<string, AccumulatorSnapshot>,
  ): void;
  /** A task failed; the job must stop. */
  taskFailed(vertexId: number, subtask: number, error: unknown): void;
  /** Records for an `executeAndCollect` client. */
  collect(collectId: string, records: unknown[]): void;
  /** A task wrote its state for checkpoint `id`. */
  checkpointAck(vertexId: number, subtask: number, id: number, handles: SubtaskStateHandle[]): void;
  /** A task could not take part in checkpoint `id`. */
  checkpointDecline(vertexId: number, subtask: number, id: number, reason: string): void;
  /** A task finished and took its final snapshot. */
  finalSnapshotTaken(vertexId: number, subtask: number): void;
}

/** Checkpointing of a deployment. */
export interface DeploymentCheckpointing {
  /** Barrier handling. */
  readonly mode: CheckpointingMode;
  /** Root directory of the job's checkpoints (`chk-<id>` below it). */
  readonly root: string;
}

/** What to deploy. */
export interface DeploymentSpec {
  /** The parallel plan (rebuilt identically wherever it is deployed). */
  readonly graph: ExecutionGraph;
  /** Slots hosted by this deployment. */
  readonly slots: readonly number[];
  /** Source splits per vertex id, indexed by subtask. */
  readonly splits: ReadonlyMap<number, unknown[][]>;
  /** Transport to slots hosted elsewhere (null when every slot is hosted here). */
  readonly transport: Transport | null;
  /** Processing-time clock. */
  readonly timers: TimerScheduler;
  /** Restart attempt number. */
  readonly attemptNumber: number;
  /** Checkpointing, or null when off. */
  readonly checkpointing: DeploymentCheckpointing | null;
  /** State to restore (operators of the hosted subtasks), or null. */
  readonly restore: RestoreData | null;
}

/** Per-vertex counters summed over the hosted subtasks. */
export type VertexMetrics = Record<number, TaskMetrics>;

/** The tasks of some slots, running in this thread. */
export class Deployment {
  /** The job's registered classes (shared by every channel of this deployment). */
  readonly registry: TypeRegistry;
  /** The tasks, in vertex order. */
  readonly tasks: StreamTask[] = [];
  private readonly scheduler = new TaskScheduler();
  private readonly spec: DeploymentSpec;
  private readonly listener: DeploymentListener;
  private readonly remoteWriters = new Map<number, RemoteChannelWriter>();
  private readonly remoteInputs = new Map<number, InputChannel>();

  /** Creates (but does not start) the tasks. */
  constructor(spec: DeploymentSpec, listener: DeploymentListener) {
    this.spec = spec;
    this.listener = listener;
    const { graph } = spec;
    const sg = graph.jobGraph.streamGraph;
    const hosted = new Set(spec.slots);
    const registry = TypeRegistry.from(sg.config.registeredTypes);
    this.registry = registry;
    const credits = Math.max(1, sg.config.channelCredits);
    const batchSize = Math.max(1, sg.config.bufferRecords);
    const env: TaskEnvironment = {
      jobName: sg.jobName,
      batch: sg.batch,
      config: sg.config,
      timers: spec.timers,
      attemptNumber: spec.attemptNumber,
      copyFunctions: false,
      wake: () => this.scheduler.wake(),
      collectToClient: (id, records) => listener.collect(id, records),
      checkpoints: checkpointEnvironment(spec.checkpointing, listener),
      operatorIds: computeOperatorIds(sg),
      restore: spec.restore,
      registry: stateRegistry(sg.config.registeredTypes),
    };

    // Input channels of hosted consumers, by channel id.
    const inputsById = new Map<number, InputChannel>();
    const inputsOf = new Map<string, InputChannel[]>();
    for (const v of graph.jobGraph.vertices) {
      for (let s = 0; s < v.parallelism; s++) {
        if (!hosted.has(s)) continue;
        const list = graph.inputChannels.get(inputKey(v.id, s))!.map((ch, i) => {
          const remote = !hosted.has(ch.producerSubtask);
          const ic = new InputChannel(i, ch.edge.typeNumber, ch.id, remote, registry);
          inputsById.set(ch.id, ic);
          if (remote) {
            this.remoteInputs.set(ch.id, ic);
            const producerSlot = ch.producerSubtask;
            ic.onConsumed = () => spec.transport!.sendCredit(producerSlot, ch.id, 1);
          } else {
            ic.onConsumed = () => this.scheduler.wake();
          }
          return ic;
        });
        inputsOf.set(inputKey(v.id, s), list);
      }
    }

    for (const v of graph.jobGraph.vertices) {
      for (let s = 0; s < v.parallelism; s++) {
        if (!hosted.has(s)) continue;
        const writers = new Map<number, RecordWriter>();
        for (const edge of v.outputs) {
          const target = graph.jobGraph.vertices[edge.targetVertex]!;
          const channels = graph.outputChannels.get(outputKey(edge.id, s))!;
          const cws: ChannelWriter[] = channels.map((ch) => {
            const local = inputsById.get(ch.id);
            if (local && hosted.has(ch.consumerSubtask))
              return new LocalChannelWriter(local, credits, batchSize);
            if (!spec.transport)
              throw new Error(`internal error: channel ${ch.id} needs a transport`);
            const w = new RemoteChannelWriter(
              spec.transport,
              ch.consumerSubtask,
              ch.id,
              credits,
              batchSize,
              registry,
              `emitted by '${edge.sourceName}' towards '${edge.targetName}'`,
            );
            this.remoteWriters.set(ch.id, w);
            return w;
          });
          const selector = createSelector(edge.partitioner, {
            numChannels: cws.length,
            producerSubtask: s,
            consumerMaxParallelism: target.maxParallelism,
            consumerName: edge.targetName,
          });
          writers.set(
            edge.id,
            new RecordWriter(cws, selector, edge.partitioner.kind === "forward"),
          );
        }
        const splits = spec.splits.get(v.id)?.[s] ?? [];
        // Subtasks of one operator sharing this thread each get their own copy of function objects.
        const copyFunctions = spec.slots.filter((slot) => slot < v.parallelism).length > 1;
        const taskEnv = copyFunctions ? { ...env, copyFunctions } : env;
        const task = new StreamTask(
          v,
          s,
          taskEnv,
          inputsOf.get(inputKey(v.id, s))!,
          writers,
          splits,
        );
        task.onDone = (t) => this.onTaskDone(t);
        this.tasks.push(task);
        this.scheduler.add(task);
      }
    }
    spec.transport?.setHandlers(
      (channelId, bytes) => {
        const ic = this.remoteInputs.get(channelId);
        if (!ic) throw new Error(`internal error: buffer for unknown channel ${channelId}`);
        ic.push(bytes);
      },
      (channelId, n) => {
        const w = this.remoteWriters.get(channelId);
        if (!w) throw new Error(`internal error: credit for unknown channel ${channelId}`);
        w.addCredit(n);
        this.scheduler.wake();
      },
    );
  }

  /** Opens every task and starts scheduling. */
  start(): void {
    for (const t of this.tasks) t.start();
    this.scheduler.wake();
  }

  private onTaskDone(task: StreamTask): void {
    const st = task.state;
    if (st.kind === "FINISHED") {
      this.listener.taskFinished(task.vertex.id, task.subtaskIndex, task.accumulators());
    } else if (st.kind === "FAILED") {
      this.scheduler.stop();
      this.listener.taskFailed(task.vertex.id, task.subtaskIndex, st.error);
    }
  }

  /** Source tasks end their input (stop with drain). */
  endInput(): void {
    for (const t of this.tasks) t.endInput();
  }

  /** Checkpoint (or savepoint) `id` was triggered: every hosted task hears of it (sources start it). */
  triggerCheckpoint(id: number, timestamp: number, savepoint = false): void {
    for (const t of this.tasks) t.triggerCheckpoint(id, timestamp, savepoint);
  }

  /** Checkpoint `id` completed (or was aborted). */
  notifyCheckpoint(id: number, completed: boolean, final = false): Promise<void> {
    return Promise.all(this.tasks.map((t) => t.notifyCheckpoint(id, completed, final))).then(
      () => {},
    );
  }

  /** Cancels every task. */
  async cancel(): Promise<void> {
    this.scheduler.stop();
    await Promise.all(this.tasks.map((t) => t.cancel()));
  }

  /** Counters per vertex, summed over hosted subtasks. */
  metrics(): VertexMetrics {
    const out: VertexMetrics = {};
    for (const t of this.tasks) {
      const m = t.metrics();
      const acc = (out[t.vertex.id] ??= { recordsIn: 0, sourceRecordsOut: 0, sinkRecordsIn: 0 });
      acc.recordsIn += m.recordsIn;
      acc.sourceRecordsOut += m.sourceRecordsOut;
      acc.sinkRecordsIn += m.sinkRecordsIn;
    }
    return out;
  }
}
