/**
 * Asynchronous snapshots of the heap backend, copy-on-write by key group. At the barrier only
 * the operator state and timers are taken; the keyed state is encoded key group by key group in
 * later mailbox turns, between records. Until a group is encoded, the backend's snapshot guard
 * encodes it first whenever the task is about to touch it (a record or timer of a key in that
 * group, or an operation on every group), so every group is encoded exactly as it was at the
 * barrier, while processing goes on.
 */
import type { KeyGroupRange } from "../../core/keygroups.ts";
import type { KeyedBackendBase } from "../state/keyed-backend-base.ts";
import type { StateFileBuilder, StateFileInput } from "./state-file.ts";

/** The pending keyed part of one operator's snapshot. */
export class AsyncKeyedSnapshot {
  private readonly backend: KeyedBackendBase;
  private readonly builder: StateFileBuilder;
  private readonly keyed: NonNullable<StateFileInput["keyed"]>;
  private readonly range: KeyGroupRange;
  private readonly pending: Uint8Array;
  private remaining: number;
  private next = 0;

  /** Starts the snapshot: installs the guard on `backend`. */
  constructor(
    backend: KeyedBackendBase,
    builder: StateFileBuilder,
    keyed: NonNullable<StateFileInput["keyed"]>,
    range: KeyGroupRange,
  ) {
    this.backend = backend;
    this.builder = builder;
    this.keyed = keyed;
    this.range = range;
    const n = range.end - range.start + 1;
    this.pending = new Uint8Array(n).fill(1);
    this.remaining = n;
    backend.snapshotGuard = (group) => {
      if (group < 0) this.takeAll();
      else if (this.pending[group] === 1) this.take(group);
    };
  }

  /** Whether every key group is encoded. */
  get done(): boolean {
    return this.remaining === 0;
  }

  private take(group: number): void {
    this.pending[group] = 0;
    this.remaining--;
    this.builder.addKeyGroup(this.range.start + group, this.keyed);
    if (this.remaining === 0) this.backend.snapshotGuard = null;
  }

  /** Encodes up to `max` more key groups; returns whether all are encoded. */
  step(max: number): boolean {
    let n = 0;
    while (this.remaining > 0 && n < max) {
      const g = this.next++;
      if (this.pending[g] === 1) {
        this.take(g);
        n++;
      }
    }
    return this.remaining === 0;
  }

  /** Encodes every remaining key group now. */
  takeAll(): void {
    this.step(Infinity);
  }
}
