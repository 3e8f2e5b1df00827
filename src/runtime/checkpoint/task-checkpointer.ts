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
import { encodeStateFile } from "./state-file.ts";
import { stateFileName, writeFileDurably, type SubtaskStateHandle } from "./storage.ts";
import { join } from "node:path";

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
  readonly bytes: Uint8Array;
  /** The new file, relative to the checkpoint directory. */
  readonly path: string;
  /** The files acknowledged: the chain ending with `path`, or `[path]`. */
  readonly files: string[];
  /** The new file's chain link, or null (not incremental). */
  readonly link: ChainLink | null;
  /** Earlier chain files whose writes must have succeeded. */
  readonly earlier: readonly ChainLink[];
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

  /** A barrier arrived on `ch`. */
  onBarrier(ch: InputChannel, barrier: CheckpointBarrier): void {
    const id = barrier.checkpointId;
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
    }
    this.received.add(ch);
    if (this.host.mode === "EXACTLY_ONCE") this.blocked.add(ch);
    this.maybeComplete();
  }

  /** A channel ended: alignment no longer waits for it. */
  onChannelFinished(): void {
    if (this.pendingId >= 0) this.maybeComplete();
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
      const files = this.encode(id, savepoint, false);
      const barrier = new CheckpointBarrier(id, timestamp, savepoint);
      for (const w of this.host.writers) w.broadcastEvent(barrier);
      this.upload(id, files);
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
  private encode(id: number, savepoint: boolean, final: boolean): EncodedFile[] {
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
      const splits = m.op instanceof SourceOperator ? m.op.snapshotSplits(0) : null;
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
    return out;
  }

  private upload(id: number, files: EncodedFile[]): void {
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
      if (f.link !== null) {
        const link = f.link;
        link.written = w;
        w.catch(() => this.chains.broken(f.operatorId, link));
      }
      writes.push(w);
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
      this.finalFiles = this.encode(FINAL_SNAPSHOT_ID, false, true);
      return null;
    }
    return pending.then(() => {
      this.finalFiles = this.encode(FINAL_SNAPSHOT_ID, false, true);
    });
  }

  /** Whether the final snapshot was taken. */
  get finished(): boolean {
    return this.finalFiles !== null;
  }

  /** Writes the final snapshot as this task's part of checkpoint `id`. */
  answerWithFinalSnapshot(id: number): void {
    this.upload(id, this.finalFiles ?? []);
  }
}
