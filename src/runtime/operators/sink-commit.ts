/**
 * The runtime side of two-phase-commit sinks: the committables pre-committed on each checkpoint
 * barrier wait here (and in the sink's operator list state) until their checkpoint completes, then
 * go through the sink's {@link Committer}. After a restore everything in the restored state belongs
 * to a completed checkpoint and is committed again (commits are idempotent).
 */
import type { Committer } from "../../api/sink.ts";
import { ListStateDescriptor, type ListState, type OperatorStateStore } from "../../api/state.ts";

/** Name of the operator list state (SPLIT distribution) holding a sink's pending committables. */
export const SINK_COMMITTABLES_STATE = "__strom_sink_committables";

/** The committables pre-committed for one checkpoint (or at the end of input). */
export interface PendingCommittables {
  /** Committed once a checkpoint with an id at least this one completes. */
  readonly checkpointId: number;
  /** True for the committables of the end of input. */
  readonly endOfInput: boolean;
  /** What the sink's writer returned from `prepareCommit`. */
  readonly committables: unknown[];
}

/** Pending committables of one sink subtask, in checkpoint order. */
export class SinkCommitLog {
  private pending: PendingCommittables[] = [];
  private readonly state: ListState<PendingCommittables>;
  private readonly committer: Committer<unknown>;
  private readonly place: string;

  /**
   * Registers the state in `store`; `place` names the sink in errors (e.g. "sink 'Files' (1/2)").
   */
  constructor(store: OperatorStateStore, committer: Committer<unknown>, place: string) {
    this.state = store.getListState(
      new ListStateDescriptor<PendingCommittables>(SINK_COMMITTABLES_STATE),
    );
    this.committer = committer;
    this.place = place;
  }

  /**
   * Commits everything in the restored state (it belongs to checkpoints that completed, though
   * their commit may not have happened) and empties it.
   */
  async commitRestored(): Promise<void> {
    const restored = [...this.state.get()];
    for (const entry of restored) {
      if (!entry || !Array.isArray(entry.committables)) {
        throw new Error(
          `${this.place}: restored state '${SINK_COMMITTABLES_STATE}' holds a malformed entry (${typeof entry})`,
        );
      }
    }
    await this.commit(restored.flatMap((e) => e.committables));
    this.state.clear();
  }

  /** Adds the committables of checkpoint `checkpointId` (nothing when empty). */
  add(checkpointId: number, committables: readonly unknown[], endOfInput = false): void {
    if (!Array.isArray(committables)) {
      throw new TypeError(
        `${this.place}: prepareCommit() must return an array of committables, got ${typeof committables}`,
      );
    }
    if (committables.length === 0) return;
    this.pending.push({ checkpointId, endOfInput, committables: [...committables] });
  }

  /** Copies the pending entries into the operator state (called on every snapshot). */
  snapshot(): void {
    this.state.update(this.pending);
  }

  /** Commits (and drops) every entry of a checkpoint up to `checkpointId`. */
  async commitUpTo(checkpointId: number): Promise<void> {
    const due = this.pending.filter((e) => e.checkpointId <= checkpointId);
    if (due.length === 0) return;
    await this.commit(due.flatMap((e) => e.committables));
    this.pending = this.pending.filter((e) => e.checkpointId > checkpointId);
  }

  /** Entries waiting for their checkpoint. */
  get size(): number {
    return this.pending.length;
  }

  /** Closes the committer. */
  async close(): Promise<void> {
    if (typeof this.committer.close === "function") await this.committer.close();
  }

  private async commit(committables: unknown[]): Promise<void> {
    if (committables.length === 0) return;
    await this.committer.commit(committables);
  }
}
