/**
 * The heap keyed state backend: every state is a {@link StateTable} of JS Maps, one per key group
 * owned by the instance (so a snapshot or a rescale can take whole key groups), from the key's map
 * form to an entry holding the key, the namespace, the value and its last-access time (for TTL),
 * or straight to the value for states without TTL of the hottest kinds (see state-table.ts).
 * Current key handling and the state registry are in keyed-backend-base.ts, canonical snapshots
 * in heap-snapshot.ts.
 */
import type { StateDescriptor } from "../../api/state.ts";
import type { KeyedEntry, SnapshotableKeyedBackend, StateMeta } from "../checkpoint/snapshot.ts";
import type { RunVisitor } from "../checkpoint/state-file.ts";
import { checkRestoredKind } from "./canonical.ts";
import {
  forEachHeapEntry,
  loadPending,
  restoreHeapEntry,
  type PendingState,
} from "./heap-snapshot.ts";
import type { HeapState } from "./heap-states.ts";
import { usesRawTable } from "./heap-raw-states.ts";
import { KeyedBackendBase, type KeyedBackendOptions } from "./keyed-backend-base.ts";
import { StateTable } from "./state-table.ts";

/** Options of a heap backend. */
export type HeapBackendOptions = KeyedBackendOptions;

/** Keyed state in JS Maps. */
export class HeapKeyedStateBackend extends KeyedBackendBase implements SnapshotableKeyedBackend {
  /** Restored entries of states not registered yet, by state name. */
  private readonly pending = new Map<string, PendingState>();

  /** A table of JS Maps (raw for the hottest kinds). */
  protected createTable(descriptor: StateDescriptor, namespaced: boolean): StateTable {
    return new StateTable(this.numGroups, namespaced, usesRawTable(descriptor, namespaced));
  }

  /** Loads restored entries waiting for `state`. */
  protected onRegistered(state: HeapState): void {
    const p = this.pending.get(state.descriptor.name);
    if (p === undefined) return;
    loadPending(state, p, this.keyGroupRange.start, this.operatorName);
    this.pending.delete(state.descriptor.name);
  }

  /** The registered states, then the restored ones not registered yet. */
  snapshotMeta(): StateMeta[] {
    const out: StateMeta[] = [];
    for (const s of this.states.values())
      out.push({ name: s.descriptor.name, kind: s.descriptor.kind, namespaced: s.namespaced });
    for (const p of this.pending.values()) out.push(p.meta);
    return out;
  }

  /**
   * Visits every entry of key group `keyGroup`, state by state; plain value tables go to `run`
   * whole when it is given.
   */
  forEachEntry(
    keyGroup: number,
    visit: (state: string, entry: KeyedEntry) => void,
    run?: RunVisitor,
  ): void {
    const group = this.ownedIndex(keyGroup, "snapshot");
    const now = this.now();
    for (const [name, s] of this.states) {
      forEachHeapEntry(
        s,
        group,
        now,
        (e) => visit(name, e),
        run === undefined ? undefined : (m, objs) => run(name, m, objs),
      );
    }
    for (const [name, p] of this.pending) {
      const entries = p.groups.get(keyGroup);
      if (entries !== undefined) for (const e of entries) visit(name, e);
    }
  }

  /** Adds a restored entry (kept pending until the state is registered). */
  restoreEntry(meta: StateMeta, keyGroup: number, entry: KeyedEntry): void {
    const group = this.ownedIndex(keyGroup, "restore");
    const state = this.states.get(meta.name);
    if (state !== undefined) {
      checkRestoredKind(state.descriptor, state.namespaced, meta, this.operatorName);
      restoreHeapEntry(state, group, entry, `of operator '${this.operatorName}'`);
      return;
    }
    let p = this.pending.get(meta.name);
    if (p === undefined) this.pending.set(meta.name, (p = { meta, groups: new Map() }));
    else if (p.meta.kind !== meta.kind || p.meta.namespaced !== meta.namespaced)
      throw new Error(
        `state '${meta.name}' of operator '${this.operatorName}' is restored with two kinds (${p.meta.kind} and ${meta.kind})`,
      );
    let list = p.groups.get(keyGroup);
    if (list === undefined) p.groups.set(keyGroup, (list = []));
    list.push({ ...entry });
  }

  /** Index of owned key group `keyGroup`, or a clear error. */
  private ownedIndex(keyGroup: number, what: string): number {
    const { start, end } = this.keyGroupRange;
    if (!(Number.isInteger(keyGroup) && keyGroup >= start && keyGroup <= end))
      throw new Error(
        `${what}: key group ${keyGroup} is not owned by this instance of operator '${this.operatorName}' (key groups ${start}..${end})`,
      );
    return keyGroup - start;
  }

  /** Drops all state. */
  dispose(): void {
    this.states.clear();
    this.pending.clear();
  }
}
