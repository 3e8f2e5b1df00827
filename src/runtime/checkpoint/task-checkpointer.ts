/**
 * The checkpoint side of one task: barrier alignment over its input channels, the synchronous
 * snapshot of its operators (user snapshot hooks, keyed state, timers, operator state, source
 * splits) encoded into state files, the barrier forwarded downstream, then the asynchronous
 * upload and acknowledgement. Also the final snapshot of a finished task, which stands in for it
 * in every later checkpoint until the job ends.
 *
 * Exactly-once: a channel that delivered the barrier of checkpoint n is blocked (its later data
 * waits) until every other unfinished channel delivered it too. At-least-once: nothing is
 * blocked; the snapshot is taken when the last barrier arrives.
 *
 * Operators whose keyed backend keeps a change log write incremental chains (incremental.ts):
 * full or delta files in the shared directory, each acknowledgement listing the whole chain.
 */
import { assignToKeyGroup, type KeyGroupRange } from "../../core/keygroups.ts";
import type { TypeRegistry } from "../../core/serialization.ts";
import type { CheckpointingMode } from "../../api/checkpointing.ts";
import { CheckpointBarrier } from "../events.ts";
import type { InputChannel } from "../network/channels.ts";
import type { RecordWriter } from "../network/record-writer.ts";
import type { OperatorContext, StreamOperator } from "../operators/operator.ts";
import { SourceOperator } from "../operators/source.ts";
import {
  DEFAULT_MAX_DELTAS,
  deltaEntries,
  IncrementalChains,
  supportsIncremental,
  type ChainLink,
} from "./incremental.ts";
import { isSnapshotable, type TimerEntry } from "./snapshot.ts";
import { encodeStateFile, StateFileBuilder } from "./state-file.ts";
import { stateFileName, writeFileDurably, type SubtaskStateHandle } from "./storage.ts";
import { join } from "node:path";
import { encodeChannelState, InFlightRecorder } from "./unaligned.ts";
import { AsyncKeyedSnapshot } from "./async-snapshot.ts";
import { HeapKeyedStateBackend } from "../state/heap-backend.ts";

/** Key groups of a background snapshot encoded per mailbox turn. */
const ASYNC_GROUPS_PER_TURN = 4;

/** Checkpoint id used for the snapshot a task takes when it has finished. */
export const FINAL_SNAPSHOT_ID = Number.MAX_SAFE_INTEGER;

/** One operator of the chain, as the checkpointer sees it. */
export interface ChainMember {
  /** The operator. */
  readonly op: StreamOperator<unknown>;
  /** Its context (backends). */
  readonly ctx: OperatorContext;
  /** Its stable id. */
  readonly operatorId: string;
}

/** What the checkpointer needs from its task. */
export interface CheckpointerHost {
  /** The chain, head first. */
  readonly members: readonly ChainMember[];
  /** Outputs of the task (barriers are broadcast on all of them). */
  readonly writers: readonly RecordWriter[];
  /** Input channels. */
  readonly inputs: readonly InputChannel[];
  /** Codec registry for state values. */
  readonly registry: TypeRegistry;
  /** Barrier handling mode. */
  readonly mode: CheckpointingMode;
  /** Subtask index and parallelism. */
  readonly subtask: number;
  /** Parallelism of the task. */
  readonly parallelism: number;
  /** The directory of checkpoint `id`. */
  directoryOf(id: number): string;
  /** Restart attempt (part of incremental file names; default 0). */
  readonly attempt?: number;
  /** Deltas an incremental chain holds at most (default {@link DEFAULT_MAX_DELTAS}; 0: off). */
  readonly maxDeltas?: number;
  /** Unaligned checkpoints (EXACTLY_ONCE only; savepoints stay aligned). */
  readonly unaligned?: boolean;
  /** With `unaligned`: align first, switch to unaligned after this many ms (0: at once). */
  readonly alignedTimeout?: number;
  /** Runs `fn` in the task's mailbox at its next turn (asynchronous snapshot steps). */
  postMail?(fn: () => void): void;
  /** Runs `fn` in the task's mailbox after `delay` ms of processing time. */
  scheduleAfter?(delay: number, fn: () => void): void;
  /** Parks the task until `step` settles (async snapshot hooks); errors fail the task. */
  park(step: Promise<void>): void;
  /** Unblocked channels may be read again. */
  channelsUnblocked(channels: InputChannel[]): void;
  /** The state files of checkpoint `id` are written. */
  ack(id: number, handles: SubtaskStateHandle[]): void;
  /** The task could not take part in checkpoint `id`. */
  decline(id: number, reason: string): void;
}

interface EncodedFile {
  readonly operatorId: string;
  readonly keyGroupRange: KeyGroupRange | null;
  /** The file's bytes (filled in later when the keyed part is encoded asynchronously). */
  bytes: Uint8Array;
  /** The new file, relative to the checkpoint directory. */
  readonly path: string;
  /** The files acknowledged: the chain ending with `path`, or `[path]`. */
  readonly files: string[];
  /** The new file's chain link, or null (not incremental). */
  readonly link: ChainLink | null;
  /** Earlier chain files whose writes must have succeeded. */
  readonly earlier: readonly ChainLink[];
  /** Called once the bytes are written (or failed to be): their memory may be reused. */
  release?: () => void;
}

/** Barrier alignment and snapshots of one task. */
export class TaskCheckpointer {
  private readonly host: CheckpointerHost;
  /** Checkpoint being aligned, or -1. */
  private pendingId = -1;
  private pendingTs = 0;
  private pendingSavepoint = false;
  private readonly received = new Set<InputChannel>();
  /** Highest checkpoint id seen (older barriers are stale). */
  private lastId = -1;
  /** Channels blocked by alignment. */
  readonly blocked = new Set<InputChannel>();
  /** The final snapshot, once the task finished. */
  private finalFiles: EncodedFile[] | null = null;
  /** Incremental chains of the operators. */
  readonly chains: IncrementalChains;
  /** Size of each operator's last full file (sizes the next one's buffer). */
  private readonly lastSizes = new Map<string, number>();
  /** Size of each operator's last state file header (room reserved in the next file). */
  private readonly lastHeaders = new Map<string, number>();
  /**
   * Each operator's last asynchronously built file buffer once written: the next one reuses the
   * memory (a fresh ~size-of-state buffer per checkpoint costs major GCs).
   */
  private readonly spare = new Map<string, Uint8Array>();
  /** The keyed part of a snapshot still being encoded in the background, or null. */
  private asyncRun: { snap: AsyncKeyedSnapshot; finish: () => void } | null = null;
  /** In-flight data being recorded for an unaligned checkpoint, with its completion. */
  private unalignedRun: {
    recorder: InFlightRecorder;
    done: (path: string | null) => void;
    failed: (e: Error) => void;
  } | null = null;

  /** Creates the checkpointer of a task. */
  constructor(host: CheckpointerHost) {
    this.host = host;
    this.chains = new IncrementalChains(host.maxDeltas ?? DEFAULT_MAX_DELTAS, host.attempt ?? 0);
  }

  /** The highest checkpoint id this task snapshotted, declined or is aligning (-1: none). */
  get lastSeenId(): number {
    return this.lastId;
  }

  /** Whether channel `ch` may not be read now (exactly-once alignment). */
  isBlocked(ch: InputChannel): boolean {
    return this.blocked.size > 0 && this.blocked.has(ch);
  }

  /** A source task starts checkpoint (or savepoint) `id`: snapshot, then barrier downstream. */
  triggerSource(id: number, timestamp: number, savepoint = false): void {
    if (id <= this.lastId) return;
    this.lastId = id;
    this.perform(id, timestamp, savepoint);
  }

  /** Whether barriers are looked at on arrival (unaligned checkpoints without aligned phase). */
  get unalignedOnArrival(): boolean {
    return (
      this.host.unaligned === true &&
      this.host.mode === "EXACTLY_ONCE" &&
      (this.host.alignedTimeout ?? 0) === 0
    );
  }

  /** The recorder of in-flight data, when an unaligned checkpoint records it. */
  get recorder(): InFlightRecorder | null {
    return this.unalignedRun?.recorder ?? null;
  }

  /**
   * A barrier arrived on `ch` (it is still queued behind earlier data): an unaligned checkpoint
   * starts at once, overtaking the queued data, which is recorded as in-flight data.
   */
  onBarrierArrived(_ch: InputChannel, barrier: CheckpointBarrier): void {
    if (!this.unalignedOnArrival || barrier.savepoint) return;
    const id = barrier.checkpointId;
    if (id <= this.lastId) return;
    if (this.pendingId >= 0) {
      this.host.decline(
        this.pendingId,
        `checkpoint ${id} started before ${this.pendingId} was aligned`,
      );
      this.pendingId = -1;
      this.received.clear();
      this.unblockAll();
    }
    this.startUnaligned(id, barrier.timestamp, this.host.inputs);
  }

  /** Takes an unaligned snapshot now and records the in-flight data of `channels`. */
  private startUnaligned(id: number, timestamp: number, channels: Iterable<InputChannel>): void {
    this.lastId = Math.max(this.lastId, id);
    if (this.unalignedRun !== null) {
      this.host.decline(
        this.unalignedRun.recorder.id,
        `checkpoint ${id} started before it completed`,
      );
      this.unalignedRun.failed(new Error("superseded"));
      this.unalignedRun = null;
    }
    const recorder = new InFlightRecorder(id, channels);
    const inflight = new Promise<string | null>((resolve, reject) => {
      this.unalignedRun = { recorder, done: resolve, failed: reject };
    });
    inflight.catch(() => {});
    const pending = this.runHooks(id, timestamp);
    const finish = (): void => {
      const { files, ready } = this.encode(id, false, false);
      const barrier = new CheckpointBarrier(id, timestamp, false, true);
      for (const w of this.host.writers) w.broadcastEvent(barrier);
      this.upload(id, files, inflight, ready);
      this.maybeFinishUnaligned();
    };
    if (pending === null) finish();
    else this.host.park(pending.then(finish));
  }

  /** Writes the recorded in-flight data once every channel delivered the barrier. */
  private maybeFinishUnaligned(): void {
    const run = this.unalignedRun;
    if (run === null || !run.recorder.done) return;
    this.unalignedRun = null;
    const gates = run.recorder.result();
    if (gates.every((g) => g.values.length === 0)) {
      run.done(null);
      return;
    }
    const id = run.recorder.id;
    const name = stateFileName(`channels-${this.host.members[0]!.operatorId}`, this.host.subtask);
    const bytes = encodeChannelState(gates, this.host.registry);
    writeFileDurably(join(this.host.directoryOf(id), name), bytes).then(
      () => run.done(name),
      (e: unknown) => run.failed(e as Error),
    );
  }

  /** A barrier was processed on `ch` (in order with the data). */
  onBarrier(ch: InputChannel, barrier: CheckpointBarrier): void {
    const id = barrier.checkpointId;
    const run = this.unalignedRun;
    if (run !== null && id === run.recorder.id) {
      run.recorder.close(ch, barrier.overtaken);
      this.maybeFinishUnaligned();
      return;
    }
    if (id < this.pendingId || (this.pendingId < 0 && id <= this.lastId)) return;
    if (id > this.pendingId && this.pendingId >= 0) {
      // A newer checkpoint overtook the one being aligned: that one cannot complete here.
      this.host.decline(
        this.pendingId,
        `checkpoint ${id} started before ${this.pendingId} was aligned`,
      );
      this.unblockAll();
    }
    if (id !== this.pendingId) {
      this.pendingId = id;
      this.pendingTs = barrier.timestamp;
      this.pendingSavepoint = barrier.savepoint;
      this.lastId = Math.max(this.lastId, id);
      this.received.clear();
      const timeout = this.host.alignedTimeout ?? 0;
      if (this.host.unaligned && !barrier.savepoint && timeout > 0) {
        this.host.scheduleAfter?.(timeout, () => {
          if (this.pendingId === id) this.switchToUnaligned();
        });
      }
    }
    this.received.add(ch);
    if (this.host.mode === "EXACTLY_ONCE") this.blocked.add(ch);
    this.maybeComplete();
  }

  /** A buffer that an unaligned barrier overtook on `ch` was processed (and recorded). */
  onOvertakenBuffer(ch: InputChannel): void {
    const run = this.unalignedRun;
    if (run === null) return;
    run.recorder.bufferDone(ch);
    this.maybeFinishUnaligned();
  }

  /** A channel ended: alignment no longer waits for it, nor does in-flight recording. */
  onChannelFinished(): void {
    const run = this.unalignedRun;
    if (run !== null) {
      for (const ch of this.host.inputs) if (ch.finished) run.recorder.close(ch);
      this.maybeFinishUnaligned();
    }
    if (this.pendingId >= 0) this.maybeComplete();
  }

  /**
   * Alignment took longer than the aligned timeout: snapshot now, release the blocked channels
   * (their queued data is after the barrier) and record what the others deliver before theirs.
   */
  private switchToUnaligned(): void {
    const id = this.pendingId;
    const rest = this.host.inputs.filter((ch) => !ch.finished && !this.received.has(ch));
    this.pendingId = -1;
    this.received.clear();
    this.unblockAll();
    this.startUnaligned(id, this.pendingTs, rest);
  }

  private maybeComplete(): void {
    for (const ch of this.host.inputs) {
      if (!ch.finished && !this.received.has(ch)) return;
    }
    const id = this.pendingId;
    this.pendingId = -1;
    this.received.clear();
    this.unblockAll();
    this.perform(id, this.pendingTs, this.pendingSavepoint);
  }

  private unblockAll(): void {
    if (this.blocked.size === 0) return;
    const chans = [...this.blocked];
    this.blocked.clear();
    this.host.channelsUnblocked(chans);
  }

  /** Runs the operators' snapshot hooks (possibly async), then snapshots and forwards the barrier. */
  private perform(id: number, timestamp: number, savepoint: boolean): void {
    const pending = this.runHooks(id, timestamp);
    const finish = (): void => {
      const { files, ready } = this.encode(id, savepoint, false);
      const unaligned = !savepoint && this.unalignedOnArrival;
      const barrier = new CheckpointBarrier(id, timestamp, savepoint, unaligned);
      for (const w of this.host.writers) w.broadcastEvent(barrier);
      this.upload(id, files, undefined, ready);
    };
    if (pending === null) finish();
    else this.host.park(pending.then(finish));
  }

  private runHooks(id: number, timestamp: number): Promise<void> | null {
    const members = this.host.members;
    for (let i = 0; i < members.length; i++) {
      const r = members[i]!.op.snapshotState(id, timestamp);
      if (r instanceof Promise) {
        return (async () => {
          await r;
          for (let j = i + 1; j < members.length; j++)
            await members[j]!.op.snapshotState(id, timestamp);
        })();
      }
    }
    return null;
  }

  /** Encodes the state of every operator that has some (full, or delta files of a chain). */
  /** Finishes a snapshot still encoding in the background (before another one starts). */
  private completeAsync(): void {
    const run = this.asyncRun;
    if (run === null) return;
    this.asyncRun = null;
    run.snap.takeAll();
    run.finish();
  }

  /** Encodes a few key groups of the background snapshot per mailbox turn. */
  private scheduleAsyncStep(): void {
    this.host.postMail!(() => {
      const run = this.asyncRun;
      if (run === null) return;
      if (run.snap.step(ASYNC_GROUPS_PER_TURN)) {
        this.asyncRun = null;
        run.finish();
      } else this.scheduleAsyncStep();
    });
  }

  /** Whether `backend`'s keyed state may be encoded after the barrier (see async-snapshot.ts). */
  private asyncEligible(backend: unknown, final: boolean, delta: boolean): boolean {
    if (final || delta || this.host.postMail === undefined) return false;
    if (!(backend instanceof HeapKeyedStateBackend)) return false;
    for (const s of backend.registeredStates().values()) {
      // TTL cleanup may change other keys' groups than the current key's.
      if (s.descriptor.ttlConfig !== null) return false;
    }
    return true;
  }

  private encode(
    id: number,
    savepoint: boolean,
    final: boolean,
  ): { files: EncodedFile[]; ready: Promise<void> | null } {
    this.completeAsync();
    let ready: Promise<void> | null = null;
    const out: EncodedFile[] = [];
    for (const m of this.host.members) {
      const backend = m.ctx.keyedBackend;
      const keyed = backend !== null && isSnapshotable(backend) ? backend : null;
      const range = backend?.keyGroupRange ?? null;
      const timersByGroup = new Map<number, TimerEntry[]>();
      if (m.ctx.timeServiceManager !== null && backend !== null) {
        for (const t of m.ctx.timeServiceManager.snapshotTimers()) {
          const kg = assignToKeyGroup(t.key, backend.maxParallelism);
          let list = timersByGroup.get(kg);
          if (list === undefined) timersByGroup.set(kg, (list = []));
          list.push(t);
        }
      }
      const opState = m.ctx.operatorState.snapshot();
      const splits = m.op instanceof SourceOperator ? m.op.snapshotSplits(id) : null;
      const states = keyed?.snapshotMeta() ?? [];
      const empty =
        states.length === 0 &&
        timersByGroup.size === 0 &&
        opState.lists.length === 0 &&
        opState.broadcast.length === 0 &&
        splits === null;
      if (empty) continue;
      const plainPath = stateFileName(m.operatorId, this.host.subtask);
      const plan = this.chains.plan(
        m.operatorId,
        this.host.subtask,
        backend,
        id,
        savepoint,
        final,
        plainPath,
      );
      const delta = plan.kind === "delta" && supportsIncremental(backend) ? backend : null;
      if (range !== null && keyed !== null && this.asyncEligible(backend, final, delta !== null)) {
        const builder = new StateFileBuilder(
          {
            kind: "full",
            operatorId: m.operatorId,
            operatorName: m.ctx.operatorName,
            subtask: this.host.subtask,
            parallelism: this.host.parallelism,
            maxParallelism: m.ctx.maxParallelism,
            keyGroupRange: range,
          },
          states,
          this.host.registry,
          this.lastSizes.get(m.operatorId) ?? 0,
          { buffer: this.spare.get(m.operatorId), headerHint: this.lastHeaders.get(m.operatorId) },
        );
        this.spare.delete(m.operatorId);
        const file: EncodedFile = {
          operatorId: m.operatorId,
          keyGroupRange: range,
          bytes: new Uint8Array(0),
          ...plan,
        };
        const snap = new AsyncKeyedSnapshot(
          backend as HeapKeyedStateBackend,
          builder,
          {
            entries: (kg) =>
              (backend as HeapKeyedStateBackend).forEachEntry(
                kg,
                builder.liveEntry,
                builder.liveRun,
              ),
            timers: (kg) => timersByGroup.get(kg) ?? [],
          },
          range,
        );
        const operatorSection = { ...opState, splits };
        ready = new Promise<void>((resolve) => {
          this.asyncRun = {
            snap,
            finish: () => {
              const bytes = builder.finish(operatorSection);
              file.bytes = bytes;
              file.release = () => this.spare.set(m.operatorId, new Uint8Array(bytes.buffer));
              this.lastSizes.set(m.operatorId, bytes.length);
              this.lastHeaders.set(m.operatorId, builder.headerSize);
              resolve();
            },
          };
        });
        this.scheduleAsyncStep();
        out.push(file);
        continue;
      }
      const bytes = encodeStateFile(
        {
          header: {
            kind: delta === null ? "full" : "delta",
            operatorId: m.operatorId,
            operatorName: m.ctx.operatorName,
            subtask: this.host.subtask,
            parallelism: this.host.parallelism,
            maxParallelism: m.ctx.maxParallelism,
            keyGroupRange: range,
          },
          states,
          keyed:
            range === null
              ? null
              : {
                  entries:
                    delta !== null
                      ? deltaEntries(delta)
                      : (kg, visit) =>
                          keyed?.forEachEntry(kg, (state, e) => visit(state, e, false)),
                  timers: (kg) => timersByGroup.get(kg) ?? [],
                },
          operator: { ...opState, splits },
        },
        this.host.registry,
      );
      if (plan.markSnapshotted && supportsIncremental(backend)) backend.markSnapshotted();
      out.push({ operatorId: m.operatorId, keyGroupRange: range, bytes, ...plan });
    }
    return { files: out, ready };
  }

  private upload(
    id: number,
    files: EncodedFile[],
    inflight?: Promise<string | null>,
    ready?: Promise<void> | null,
  ): void {
    if (ready) {
      // The keyed part is still being encoded in the background.
      void ready.then(() => this.upload(id, files, inflight));
      return;
    }
    const dir = this.host.directoryOf(id);
    const handles: SubtaskStateHandle[] = files.map((f) => ({
      operatorId: f.operatorId,
      subtask: this.host.subtask,
      files: f.files,
      keyGroupRange: f.keyGroupRange,
      size: f.bytes.length,
    }));
    const writes: Promise<void>[] = [];
    for (const f of files) {
      // Earlier files of the chain were written by earlier (maybe aborted) checkpoints.
      for (const l of f.earlier) writes.push(l.written);
      const w = writeFileDurably(join(dir, f.path), f.bytes);
      const release = f.release;
      if (release !== undefined) w.then(release, release);
      if (f.link !== null) {
        const link = f.link;
        link.written = w;
        w.catch(() => this.chains.broken(f.operatorId, link));
      }
      writes.push(w);
    }
    if (inflight !== undefined) {
      const head = this.host.members[0]!.operatorId;
      writes.push(
        inflight.then((path) => {
          if (path === null) return;
          const i = handles.findIndex((h) => h.operatorId === head);
          const base = i >= 0 ? handles[i]! : null;
          const h: SubtaskStateHandle = base
            ? { ...base, inflight: path }
            : {
                operatorId: head,
                subtask: this.host.subtask,
                files: [],
                keyGroupRange: null,
                size: 0,
                inflight: path,
              };
          if (i >= 0) handles[i] = h;
          else handles.push(h);
        }),
      );
    }
    Promise.all(writes).then(
      () => this.host.ack(id, handles),
      (e: unknown) => this.host.decline(id, `writing state failed: ${(e as Error).message}`),
    );
  }

  /**
   * The task finished: takes its final snapshot (after the operators' `finish`), which answers
   * this and every later checkpoint.
   */
  takeFinalSnapshot(timestamp: number): Promise<void> | null {
    const pending = this.runHooks(FINAL_SNAPSHOT_ID, timestamp);
    if (pending === null) {
      this.finalFiles = this.encode(FINAL_SNAPSHOT_ID, false, true).files;
      return null;
    }
    return pending.then(() => {
      this.finalFiles = this.encode(FINAL_SNAPSHOT_ID, false, true).files;
    });
  }

  /** Writes the final snapshot as this task's part of checkpoint `id`. */
  answerWithFinalSnapshot(id: number): void {
    this.upload(id, this.finalFiles ?? []);
  }
}
