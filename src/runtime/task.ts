/**
 * StreamTask: one parallel instance of an operator chain, run mailbox-style. The scheduler gives a
 * task turns; in a turn the task first runs its mails (timers, async completions), then processes a
 * bounded amount of input ("fuel"), then yields. No operator method ever interleaves with another:
 * async steps (open, finish, close) park the task until they complete, and nothing else of the
 * task runs meanwhile.
 */
import type { Cancellable } from "../core/time.ts";
import type { JobVertex } from "../graph/job-graph.ts";
import {
  END_OF_PARTITION,
  StreamEvent,
  type WatermarkEvent,
  type WatermarkStatusEvent,
} from "./events.ts";
import {
  decodeInto,
  type ChannelWriter,
  type InputChannel,
  peekBarrier,
  type LocalBatch,
} from "./network/channels.ts";
import { RecordWriter } from "./network/record-writer.ts";
import { createOperator } from "./operators/factory.ts";
import {
  OneInputOperator,
  StreamOperator,
  TwoInputOperator,
  type OperatorContext,
} from "./operators/operator.ts";
import { CollectOperator, SinkOperator } from "./operators/sinks.ts";
import { SourceOperator } from "./operators/source.ts";
import {
  ChainOutput,
  DirectOutput,
  RoutingOutput,
  type Output,
  type RecordTarget,
} from "./output.ts";
import { installFusedOutputs } from "./fusion.ts";
import { StatusWatermarkValve } from "./watermark-valve.ts";
import { RuntimeContextImpl, type AccumulatorSnapshot } from "./runtime-context.ts";
import type { KeyFn } from "../api/transformations.ts";
import type { KeyedBackendBase } from "./state/keyed-backend-base.ts";
import type { CheckpointBarrier } from "./events.ts";
import { createOperatorContext } from "./operator-context.ts";
import { toBatches } from "./checkpoint/unaligned.ts";
import {
  FINAL_SNAPSHOT_ID,
  TaskCheckpointer,
  type ChainMember,
} from "./checkpoint/task-checkpointer.ts";

import type { TaskEnvironment, TaskMetrics, TaskState } from "./task-environment.ts";
export type {
  TaskCheckpointEnvironment,
  TaskEnvironment,
  TaskMetrics,
  TaskState,
} from "./task-environment.ts";

class ChainedTarget implements RecordTarget {
  readonly op: OneInputOperator<unknown>;
  constructor(op: OneInputOperator<unknown>) {
    this.op = op;
  }
  push(value: unknown, timestamp: number): void {
    this.op.processElement(value, timestamp);
  }
  watermark(watermark: number): void {
    this.op.processWatermark(watermark);
  }
  watermarkStatus(idle: boolean): void {
    this.op.processWatermarkStatus(idle);
  }
}

/** Elements of a remote buffer decoded at a time (a buffer holds about one batch). */
const DECODE_CHUNK = 4097;

/** One running subtask of a vertex. */
export class StreamTask {
  /** The vertex (operator chain). */
  readonly vertex: JobVertex;
  /** Subtask index. */
  readonly subtaskIndex: number;
  /** Display name, e.g. `Source -> Map (2/4)`. */
  readonly displayName: string;
  /** Current lifecycle state. */
  state: TaskState = { kind: "CREATED" };
  /** Called when the task ends (finished, failed or canceled). */
  onDone: (task: StreamTask) => void = () => {};

  private readonly env: TaskEnvironment;
  private readonly operators: StreamOperator<unknown>[] = [];
  private readonly head: StreamOperator<unknown>;
  private readonly headOne: OneInputOperator<unknown> | null;
  private readonly headTwo: TwoInputOperator<unknown, unknown> | null;
  private readonly source: SourceOperator | null;
  /** Remote buffers are decoded into this batch, then processed like a local batch. */
  private readonly decoded: LocalBatch = {
    values: new Array<unknown>(DECODE_CHUNK),
    timestamps: new Float64Array(DECODE_CHUNK),
    count: 0,
  };
  private readonly inputs: InputChannel[];
  private readonly writers: RecordWriter[];
  private readonly channelWriters: ChannelWriter[];
  private readonly runtimeContext: RuntimeContextImpl;
  private readonly mails: (() => void)[] = [];
  /** Operators post async completions here (see OperatorContext.mailbox). */
  private readonly mailbox = {
    execute: (action: () => void): void => {
      this.mails.push(action);
      this.env.wake();
    },
  };
  private readonly timers = new Set<Cancellable>();
  private busy = false;
  private sourceWaiting = false;
  private readonly available: InputChannel[] = [];
  private readonly queued: boolean[];
  private finishedChannels = 0;
  /** Combines the input channels' watermarks and idleness into the head operator's. */
  private readonly valve: StatusWatermarkValve;
  private currentChannel: InputChannel | null = null;
  private lastFlush = 0;
  private recordsIn = 0;
  /** Keyed state of the head operator (keyed operators are always chain heads), or null. */
  private headBackend: KeyedBackendBase | null = null;
  /** Key selectors of the head's inputs. */
  private headKeys: readonly (KeyFn | null)[] = [];
  /** The chain with contexts and operator ids (head first). */
  private readonly members: ChainMember[] = [];
  /** Barrier alignment and snapshots, or null when checkpointing is off. */
  private readonly checkpointer: TaskCheckpointer | null = null;
  /** Checkpoints triggered while the task was finishing, answered once its final snapshot exists. */
  private readonly pendingFinal: number[] = [];
  /** Restored in-flight batches queued ahead of new input (unaligned checkpoints). */
  private readonly injected = new Set<LocalBatch>();
  /** Checkpoints triggered while this task was running (it waits for their barriers). */
  private readonly awaitingBarrier: number[] = [];
  /** Checkpoints that include this task's final snapshot. */
  private readonly finalIn = new Set<number>();
  /** Callbacks waiting for the current async step to end. */
  private readonly idleWaiters: (() => void)[] = [];
  /** Pending notification promises (resolved when the task ends, too). */
  private readonly notified: (() => void)[] = [];

  /**
   * Builds the chain. `inputs` are this subtask's input channels in gate order; `writers` are the
   * record writers of the vertex's outgoing edges, by edge id.
   */
  constructor(
    vertex: JobVertex,
    subtaskIndex: number,
    env: TaskEnvironment,
    inputs: InputChannel[],
    writers: Map<number, RecordWriter>,
    splits: unknown[],
  ) {
    this.vertex = vertex;
    this.subtaskIndex = subtaskIndex;
    this.env = env;
    this.inputs = inputs;
    this.writers = [...writers.values()];
    this.channelWriters = this.writers.flatMap((w) => w.channels);
    this.queued = inputs.map(() => false);
    this.displayName = `${vertex.name} (${subtaskIndex + 1}/${vertex.parallelism})`;
    this.runtimeContext = new RuntimeContextImpl({
      taskName: vertex.name,
      jobName: env.jobName,
      subtask: subtaskIndex,
      parallelism: vertex.parallelism,
      maxParallelism: vertex.maxParallelism,
      attempt: env.attemptNumber,
    });
    for (const ch of inputs) {
      ch.onArrival = () => {
        if (!this.queued[ch.gateIndex]) {
          this.queued[ch.gateIndex] = true;
          this.available.push(ch);
        }
        const cp = this.checkpointer;
        if (cp !== null && cp.unalignedOnArrival) {
          // Unaligned checkpoints: a barrier is acted on when it arrives, ahead of queued data.
          const barrier = peekBarrier(ch.queue[ch.queue.length - 1]!);
          if (barrier !== null) this.mails.unshift(() => cp.onBarrierArrived(ch, barrier));
        }
        env.wake();
      };
    }

    // Create operators tail-first so each one's chained successors exist when its output is built.
    const byNode = new Map<number, StreamOperator<unknown>>();
    for (let i = vertex.nodes.length - 1; i >= 0; i--) {
      const node = vertex.nodes[i]!;
      const operatorId = env.operatorIds.get(node.id) ?? `node-${node.id}`;
      const { ctx: opCtx, splits: restoredSplits } = this.operatorContext(
        node.name,
        node.keys,
        operatorId,
      );
      const op: StreamOperator<unknown> = node.source
        ? new SourceOperator(
            node.source.source as never,
            node.source.watermarks as never,
            restoredSplits ?? splits,
          )
        : createOperator(node.operator!, env.copyFunctions);
      const main: RecordTarget[] = [];
      const side = new Map<string, RecordTarget[]>();
      for (const e of node.outEdges) {
        const chainedOp = byNode.get(e.targetId);
        const target: RecordTarget = chainedOp
          ? new ChainedTarget(chainedOp as OneInputOperator<unknown>)
          : writers.get(e.id)!;
        if (e.sideOutputTag === null) main.push(target);
        else {
          const list = side.get(e.sideOutputTag) ?? [];
          list.push(target);
          side.set(e.sideOutputTag, list);
        }
      }
      let output: Output<unknown>;
      if (main.length === 1 && side.size === 0) {
        const only = main[0]!;
        output = only instanceof ChainedTarget ? new ChainOutput(only.op) : new DirectOutput(only);
      } else {
        output = new RoutingOutput(main, side);
      }
      if (i === 0) {
        this.headBackend = opCtx.keyedBackend as KeyedBackendBase | null;
        this.headKeys = node.keys;
      }
      op.setup(opCtx, output);
      byNode.set(node.id, op);
      this.operators.unshift(op);
      this.members.unshift({ op, ctx: opCtx, operatorId });
    }
    this.head = this.operators[0]!;
    this.source = this.head instanceof SourceOperator ? this.head : null;
    this.headOne = this.head instanceof OneInputOperator ? this.head : null;
    this.headTwo = this.head instanceof TwoInputOperator ? this.head : null;
    const head = this.head;
    const cp = env.checkpoints;
    if (cp !== null) {
      this.checkpointer = new TaskCheckpointer({
        members: this.members,
        writers: this.writers,
        inputs,
        registry: env.registry,
        mode: cp.mode,
        subtask: subtaskIndex,
        parallelism: vertex.parallelism,
        directoryOf: (id) => cp.directoryOf(id),
        attempt: env.attemptNumber,
        maxDeltas: env.config.checkpointing.maxDeltas,
        unaligned: env.config.checkpointing.unaligned,
        alignedTimeout: env.config.checkpointing.alignedCheckpointTimeout,
        postMail: (fn) => {
          this.mails.push(fn);
          this.env.wake();
        },
        scheduleAfter: (delay, fn) => {
          this.registerTimer(env.timers.now() + delay, fn);
        },
        park: (step) => this.runAsync(() => step),
        channelsUnblocked: (chans) => this.unblock(chans),
        ack: (id, handles) => cp.ack(this, id, handles),
        decline: (id, reason) => cp.decline(this, id, reason),
      });
    }
    const headRestore = env.restore?.get(this.members[0]!.operatorId);
    const inflight = headRestore?.inflight[subtaskIndex];
    if (inflight) {
      // Unaligned checkpoint: the input that was in flight is processed first.
      for (const g of inflight) {
        const ch = inputs[g.gate];
        if (ch === undefined) continue;
        const batches = toBatches(g, Math.max(1, env.config.bufferRecords));
        for (const b of batches) this.injected.add(b);
        ch.queue.unshift(...batches);
        if (!this.queued[ch.gateIndex]) {
          this.queued[ch.gateIndex] = true;
          this.available.push(ch);
        }
      }
    }
    this.valve = new StatusWatermarkValve(inputs, {
      watermark: (wm) => head.processWatermark(wm),
      status: (idle) => head.processWatermarkStatus(idle),
    });
  }

  private operatorContext(
    name: string,
    keys: OperatorContext["keys"],
    operatorId: string,
  ): { ctx: OperatorContext; splits: unknown[] | null } {
    return createOperatorContext(
      {
        env: this.env,
        vertex: this.vertex,
        subtaskIndex: this.subtaskIndex,
        taskName: this.displayName,
        runtimeContext: this.runtimeContext,
        mailbox: this.mailbox,
        registerTimer: (time, callback) => this.registerTimer(time, callback),
      },
      name,
      keys,
      operatorId,
    );
  }

  /** Schedules `callback` as a mail at processing time `time`. */
  registerTimer(time: number, callback: () => void): Cancellable {
    let handle: Cancellable | null = null;
    let cancelled = false;
    handle = this.env.timers.scheduleAt(time, () => {
      this.timers.delete(handle!);
      if (cancelled) return;
      this.mails.push(callback);
      this.env.wake();
    });
    this.timers.add(handle);
    return {
      cancel: () => {
        cancelled = true;
        handle!.cancel();
        this.timers.delete(handle!);
      },
    };
  }

  /** Opens all operators (last in the chain first). */
  start(): void {
    this.state = { kind: "OPENING" };
    this.runAsync(async () => {
      for (let i = this.operators.length - 1; i >= 0; i--) await this.operators[i]!.open();
      installFusedOutputs(this.operators);
      this.state = { kind: "RUNNING" };
      if (this.inputs.length === 0 && !this.source) this.beginFinish();
      else if (this.endInputWhenRunning && this.source !== null) this.beginFinish();
    });
  }

  /** Whether the task can make progress now. */
  isRunnable(): boolean {
    if (this.busy) return false;
    if (this.mails.length > 0) return true;
    const k = this.state.kind;
    if (k === "DRAINING") return this.outputsAvailable();
    if (k !== "RUNNING") return false;
    if (!this.outputsAvailable()) return false;
    if (this.source) return !this.sourceWaiting;
    return this.available.length > 0 && this.head.canAcceptInput();
  }

  /** Whether the task has ended. */
  isDone(): boolean {
    const k = this.state.kind;
    return k === "FINISHED" || k === "FAILED" || k === "CANCELED";
  }

  private outputsAvailable(): boolean {
    const w = this.channelWriters;
    for (let i = 0; i < w.length; i++) if (!w[i]!.isAvailable()) return false;
    return true;
  }

  /** Runs mails, then up to `fuel` records of input. Errors fail the task. */
  runTurn(fuel: number): void {
    try {
      while (this.mails.length > 0 && !this.busy && !this.isDone()) this.mails.shift()!();
      if (this.busy || this.isDone()) return;
      if (this.state.kind === "RUNNING") {
        if (this.source) this.pollSource(fuel);
        else this.processInput(fuel);
      }
      if (this.state.kind === "DRAINING" && this.outputsAvailable()) this.close();
      else this.maybeFlush();
    } catch (e) {
      this.fail(e);
    }
  }

  private maybeFlush(): void {
    if (this.isDone() || this.busy) return;
    const now = this.env.timers.now();
    // Idle for lack of input: send partial batches now (latency). Blocked by backpressure instead:
    // sending half-empty batches would only waste the consumer's credits, so wait for the timeout.
    const idle = !this.isRunnable() && this.outputsAvailable();
    if (idle || now - this.lastFlush >= this.env.config.bufferTimeout) {
      this.lastFlush = now;
      for (const w of this.channelWriters) if (w.hasPending()) w.flush();
      if (idle) {
        for (const op of this.operators) {
          const r = op.onIdle();
          if (r instanceof Promise) r.catch((e: unknown) => this.fail(e));
        }
      }
    }
  }

  private pollSource(fuel: number): void {
    const src = this.source!;
    const start = src.recordsOut;
    while (src.recordsOut - start < fuel && this.outputsAvailable()) {
      const status = src.poll();
      if (status === "END_OF_INPUT") {
        this.beginFinish();
        return;
      }
      if (status === "NOTHING_AVAILABLE") {
        this.sourceWaiting = true;
        src.isAvailable().then(
          () => {
            this.mails.push(() => (this.sourceWaiting = false));
            this.env.wake();
          },
          (e: unknown) => {
            this.mails.push(() => {
              throw e;
            });
            this.env.wake();
          },
        );
        return;
      }
    }
  }

  private processInput(fuel: number): void {
    let done = 0;
    const cp = this.checkpointer;
    while (
      done < fuel &&
      this.available.length > 0 &&
      this.outputsAvailable() &&
      this.state.kind === "RUNNING" &&
      !this.busy &&
      this.head.canAcceptInput()
    ) {
      const ch = this.available.shift()!;
      if (cp !== null && cp.isBlocked(ch)) {
        // Aligning a checkpoint: this channel's data after the barrier waits.
        this.queued[ch.gateIndex] = false;
        continue;
      }
      const batch = ch.queue.shift()!;
      if (ch.queue.length > 0) this.available.push(ch);
      else this.queued[ch.gateIndex] = false;
      this.currentChannel = ch;
      if (batch instanceof Uint8Array) {
        const reader = ch.reader!;
        const decoded = this.decoded;
        reader.setBuffer(batch);
        // A buffer an unaligned barrier overtook at the sender (it arrived after that barrier).
        const overtaken = cp?.recorder?.inTail(ch) === true;
        let more = true;
        while (more) {
          more = decodeInto(reader, decoded, DECODE_CHUNK);
          const rec = cp?.recorder;
          if (rec && rec.records(ch)) rec.add(ch, decoded);
          done += this.processLocal(decoded, ch);
          decoded.values.fill(undefined, 0, decoded.count);
        }
        if (overtaken) cp!.onOvertakenBuffer(ch);
      } else {
        const rec = cp?.recorder;
        if (rec && rec.records(ch)) rec.add(ch, batch);
        done += this.processLocal(batch, ch);
        // Restored in-flight data is not the producer's batch: no recycling, no credit back.
        if (this.injected.size > 0 && this.injected.delete(batch)) continue;
        batch.values.fill(undefined, 0, batch.count);
        if (ch.pool.length < 4) ch.pool.push(batch);
      }
      ch.onConsumed();
    }
    this.recordsIn += done;
  }

  private processLocal(batch: LocalBatch, ch: InputChannel): number {
    const values = batch.values;
    const ts = batch.timestamps;
    const n = batch.count;
    let records = 0;
    const one = this.headOne;
    const backend = this.headBackend;
    if (one !== null) {
      if (backend !== null) {
        const key = this.headKeys[0]!;
        for (let i = 0; i < n; i++) {
          const v = values[i];
          if (v instanceof StreamEvent) this.event(v);
          else {
            backend.setCurrentRecord(v, key);
            one.processElement(v, ts[i]!);
            records++;
          }
        }
      } else {
        for (let i = 0; i < n; i++) {
          const v = values[i];
          if (v instanceof StreamEvent) this.event(v);
          else {
            one.processElement(v, ts[i]!);
            records++;
          }
        }
      }
    } else {
      const two = this.headTwo!;
      const first = ch.typeNumber === 1;
      const key = backend === null ? null : this.headKeys[first ? 0 : 1]!;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v instanceof StreamEvent) this.event(v);
        else {
          if (key !== null) backend!.setCurrentRecord(v, key);
          if (first) two.processElement1(v, ts[i]!);
          else two.processElement2(v, ts[i]!);
          records++;
        }
      }
    }
    return records;
  }

  /** An event from the current channel. */
  event(event: StreamEvent): void {
    const ch = this.currentChannel!;
    switch (event.kind) {
      case "watermark":
        this.valve.inputWatermark(ch, (event as WatermarkEvent).timestamp);
        break;
      case "watermarkStatus":
        this.valve.inputStatus(ch, (event as WatermarkStatusEvent).idle);
        break;
      case "endOfPartition":
        if (!ch.finished) {
          this.finishedChannels++;
          this.valve.channelFinished(ch);
          this.checkpointer?.onChannelFinished();
          if (this.finishedChannels === this.inputs.length) this.beginFinish();
        }
        break;
      case "barrier":
        if (this.checkpointer === null) {
          throw new Error(
            `unexpected checkpoint barrier in task ${this.displayName}: checkpointing is off`,
          );
        }
        this.checkpointer.onBarrier(ch, event as CheckpointBarrier);
    }
  }

  /** All input ended: finish operators in chain order, then signal end of partition downstream. */
  private beginFinish(): void {
    if (this.state.kind !== "RUNNING") return;
    this.state = { kind: "FINISHING" };
    this.runAsync(async () => {
      for (const op of this.operators) await op.finish();
      for (const w of this.writers) w.broadcastEvent(END_OF_PARTITION);
      const cp = this.checkpointer;
      if (cp === null) {
        // No checkpoints: what waits for one (two-phase-commit sinks) commits now.
        for (const op of this.operators) await op.notifyCheckpointComplete(FINAL_SNAPSHOT_ID);
        this.state = { kind: "DRAINING" };
        if (this.outputsAvailable()) this.close();
        return;
      }
      await cp.takeFinalSnapshot(this.env.timers.now());
      this.state = { kind: "AWAITING_FINAL_CHECKPOINT" };
      // Checkpoints whose barriers never came (the inputs ended first) get the final snapshot.
      const seen = cp.lastSeenId;
      for (const id of this.awaitingBarrier.splice(0)) if (id > seen) this.pendingFinal.push(id);
      for (const id of this.pendingFinal.splice(0)) this.answerFinal(id);
      this.env.checkpoints!.finalSnapshotTaken(this);
    });
  }

  private answerFinal(id: number): void {
    this.finalIn.add(id);
    this.checkpointer!.answerWithFinalSnapshot(id);
  }

  /**
   * A source task ends its input as if the source had ended (stop with drain). Asked before the
   * task runs (still opening its operators or restoring), it ends its input as soon as it does.
   */
  endInput(): void {
    this.mails.push(() => {
      const k = this.state.kind;
      if (k === "CREATED" || k === "OPENING") this.endInputWhenRunning = true;
      else if (k === "RUNNING" && this.source !== null) this.beginFinish();
    });
    this.env.wake();
  }

  /** Stop-with-drain arrived before the task was running. */
  private endInputWhenRunning = false;

  /** Channels released by a completed alignment may be read again. */
  private unblock(channels: InputChannel[]): void {
    for (const ch of channels) {
      if (ch.queue.length > 0 && !this.queued[ch.gateIndex]) {
        this.queued[ch.gateIndex] = true;
        this.available.push(ch);
      }
    }
    this.env.wake();
  }

  /**
   * The coordinator triggered checkpoint `id`: a running source task snapshots and emits the
   * barrier; a finished task answers with its final snapshot; other tasks wait for barriers.
   * A savepoint's barrier says so (its state files are full and self-contained).
   */
  triggerCheckpoint(id: number, timestamp: number, savepoint = false): void {
    this.mails.push(() => {
      const k = this.state.kind;
      if (k === "AWAITING_FINAL_CHECKPOINT") this.answerFinal(id);
      else if (k === "FINISHING" || k === "DRAINING") this.pendingFinal.push(id);
      else if (k === "RUNNING" && this.source !== null)
        this.checkpointer?.triggerSource(id, timestamp, savepoint);
      else if (k === "RUNNING" && this.inputs.length === 0) this.pendingFinal.push(id);
      else if (k === "RUNNING") {
        const seen = this.checkpointer?.lastSeenId ?? -1;
        while (this.awaitingBarrier.length > 0 && this.awaitingBarrier[0]! <= seen) {
          this.awaitingBarrier.shift();
        }
        this.awaitingBarrier.push(id);
      }
    });
    this.env.wake();
  }

  /**
   * Checkpoint `id` completed (or was aborted) on every task: tell the operators. Resolves when
   * they were told (or the task ended first).
   */
  notifyCheckpoint(id: number, completed: boolean, final = false): Promise<void> {
    // A task that already ended has nothing to tell (and no close() left to release a waiter).
    if (this.isDone()) return Promise.resolve();
    let done!: () => void;
    const told = new Promise<void>((resolve) => (done = resolve));
    this.notified.push(done);
    this.mails.push(() => {
      if (this.isDone()) {
        const i = this.notified.indexOf(done);
        if (i >= 0) this.notified.splice(i, 1);
        done();
        return;
      }
      this.runAsync(async () => {
        for (const op of this.operators) {
          if (completed) await op.notifyCheckpointComplete(id);
          else await op.notifyCheckpointAborted(id);
        }
        if (!completed) {
          this.finalIn.delete(id);
          return;
        }
        // Only the job's final checkpoint releases finished tasks: until every task finished, each
        // later checkpoint needs their final snapshots again.
        if (final && this.finalIn.has(id) && this.state.kind === "AWAITING_FINAL_CHECKPOINT") {
          this.state = { kind: "DRAINING" };
        }
      });
      this.whenIdle(() => {
        this.notified.splice(this.notified.indexOf(done), 1);
        done();
      });
    });
    this.env.wake();
    return told;
  }

  /** Runs `fn` once the current async step (if any) is over. */
  private whenIdle(fn: () => void): void {
    if (!this.busy) fn();
    else this.idleWaiters.push(fn);
  }

  private close(): void {
    this.state = { kind: "CLOSING" };
    this.runAsync(async () => {
      this.cancelTimers();
      for (const op of this.operators) await op.close();
      this.disposeBackends();
      this.state = { kind: "FINISHED" };
      for (const d of this.notified.splice(0)) d();
      this.onDone(this);
    });
  }

  private disposeBackends(): void {
    for (const m of this.members) {
      try {
        m.ctx.keyedBackend?.dispose();
      } catch {
        // Releasing state is best-effort.
      }
    }
  }

  private runAsync(step: () => Promise<void>): void {
    this.busy = true;
    const idle = (): void => {
      this.busy = false;
      for (const w of this.idleWaiters.splice(0)) w();
    };
    step().then(
      () => {
        idle();
        this.env.wake();
      },
      (e: unknown) => {
        idle();
        this.fail(e);
      },
    );
  }

  private cancelTimers(): void {
    for (const t of this.timers) t.cancel();
    this.timers.clear();
  }

  /** Fails the task with `error` (closing operators best-effort) and reports it. */
  fail(error: unknown): void {
    if (this.isDone()) return;
    this.state = { kind: "FAILED", error };
    for (const d of this.notified.splice(0)) d();
    this.cancelTimers();
    for (const op of this.operators) {
      try {
        void Promise.resolve(op.close()).catch(() => {});
      } catch {
        // Closing after a failure is best-effort; the original error is what matters.
      }
    }
    this.disposeBackends();
    this.onDone(this);
  }

  /** Cancels the task (closing operators best-effort). */
  async cancel(): Promise<void> {
    if (this.isDone()) return;
    this.state = { kind: "CANCELED" };
    for (const d of this.notified.splice(0)) d();
    this.cancelTimers();
    for (const op of this.operators) {
      try {
        await op.close();
      } catch {
        // Best-effort on cancellation.
      }
    }
    this.disposeBackends();
  }

  /** Counters for progress reporting. */
  metrics(): TaskMetrics {
    let sinkRecordsIn = 0;
    for (const op of this.operators) {
      if (op instanceof SinkOperator || op instanceof CollectOperator)
        sinkRecordsIn += op.recordsIn;
    }
    return {
      recordsIn: this.recordsIn,
      sourceRecordsOut: this.source?.recordsOut ?? 0,
      sinkRecordsIn,
    };
  }

  /** Local accumulator values. */
  accumulators(): Record<string, AccumulatorSnapshot> {
    return this.runtimeContext.snapshotAccumulators();
  }
}
