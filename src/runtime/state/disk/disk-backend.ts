/**
 * The embedded on-disk keyed state backend, for state far larger than the heap. State lives in
 * LMDB (store.ts) in the backend's working directory, keyed so that one key group is one
 * contiguous range (codec.ts); the heap backend's state handles work on it through a table per
 * state (disk-table.ts) behind a bounded write-back cache (cache.ts), so keyed access stays
 * synchronous: cache hits cost a Map lookup, misses one synchronous LMDB read, and changed entries
 * are written in batches. Canonical snapshots and restores are in disk-snapshot.ts; an optional
 * change log gives incremental checkpoints ({@link DiskKeyedStateBackend.forEachChange}).
 */
import type { StateDescriptor } from "../../../api/state.ts";
import type { TypeRegistry } from "../../../core/serialization.ts";
import { stateRegistry } from "../../checkpoint/state-file.ts";
import type { KeyedEntry, SnapshotableKeyedBackend, StateMeta } from "../../checkpoint/snapshot.ts";
import { checkRestoredKind } from "../canonical.ts";
import type { HeapState } from "../heap-states.ts";
import { KeyedBackendBase, type KeyedBackendOptions } from "../keyed-backend-base.ts";
import type { StateTable } from "../state-table.ts";
import { WriteBackCache } from "./cache.ts";
import { ChangeLog } from "./change-log.ts";
import { KeyCodec, MAX_STATE_ID, ValueCodec } from "./codec.ts";
import {
  forEachDiskChange,
  forEachDiskEntry,
  loadDiskPending,
  pendingRecord,
  restoreDiskEntry,
  type DiskPending,
  type DiskStates,
} from "./disk-snapshot.ts";
import { DiskStateTable, type DiskContext } from "./disk-table.ts";
import { DiskStore } from "./store.ts";

/** Options of a disk backend. */
export interface DiskBackendOptions extends KeyedBackendOptions {
  /** Working directory (created, emptied first, removed by `dispose()`). */
  readonly directory: string;
  /** Classes that state values may hold (default: none but the window classes). */
  readonly registry?: TypeRegistry;
  /**
   * Entries the heap cache holds at most (default 100,000); the change log may keep as many
   * evicted changed entries until the next snapshot.
   */
  readonly cacheSize?: number;
  /**
   * Distinct changed entries the change log (on the heap, ~40 bytes each) holds before it is
   * dropped (default 1,000,000).
   */
  readonly maxChangeLogEntries?: number;
}

/** Restored entries buffered before they are written in one transaction. */
const PENDING_BATCH = 10_000;

/** Keyed state in an embedded LMDB store with a heap write-back cache. */
export class DiskKeyedStateBackend extends KeyedBackendBase implements SnapshotableKeyedBackend {
  private readonly ctx: DiskContext;
  private readonly ids = new Map<string, number>();
  private readonly byId = new Map<number, HeapState>();
  private readonly pending = new Map<string, DiskPending>();
  private readonly pendingById = new Map<number, DiskPending>();
  private pendingBatch: [Buffer, Buffer][] = [];
  private disposed = false;

  /** Opens a fresh store in `options.directory`. */
  constructor(options: DiskBackendOptions) {
    super(options);
    const values = new ValueCodec(options.registry ?? stateRegistry({}));
    const store = new DiskStore(options.directory);
    const cacheSize = options.cacheSize ?? 100_000;
    this.ctx = {
      store,
      // The log keeps at most as many evicted slots as the cache holds.
      changes: new ChangeLog(this.numGroups, options.maxChangeLogEntries ?? 1_000_000, cacheSize),
      keys: new KeyCodec(),
      values,
      cache: new WriteBackCache(cacheSize, store, this),
      rangeStart: this.keyGroupRange.start,
      numGroups: this.numGroups,
    };
  }

  /** The working directory. */
  get directory(): string {
    return this.ctx.store.directory;
  }

  private idFor(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.ids.size;
      if (id > MAX_STATE_ID)
        throw new Error(
          `operator '${this.operatorName}' has more than ${MAX_STATE_ID + 1} keyed states`,
        );
      this.ids.set(name, id);
    }
    return id;
  }

  /** A table in the store (never raw: every state keeps entries with their key and time). */
  protected createTable(descriptor: StateDescriptor, namespaced: boolean): StateTable {
    const table = new DiskStateTable(this.ctx, this.idFor(descriptor.name), namespaced);
    this.ctx.cache.addTable(table);
    return table;
  }

  /** Moves restored entries waiting for `state` into its table. */
  protected onRegistered(state: HeapState): void {
    const sid = (state.table as unknown as DiskStateTable).sid;
    this.byId.set(sid, state);
    const p = this.pending.get(state.descriptor.name);
    if (p === undefined) return;
    this.flushPendingBatch();
    loadDiskPending(this.ctx, state, p, this.operatorName, () => void this.version++);
    this.pending.delete(p.meta.name);
    this.pendingById.delete(p.sid);
  }

  private get snapshotStates(): DiskStates {
    return { byId: this.byId, pendingById: this.pendingById };
  }

  /** Writes cached changes and buffered restored entries to the store. */
  flush(): void {
    this.flushPendingBatch();
    this.ctx.cache.flush();
  }

  private flushPendingBatch(): void {
    const batch = this.pendingBatch;
    if (batch.length === 0) return;
    this.pendingBatch = [];
    const store = this.ctx.store;
    store.write(() => {
      for (const [k, v] of batch) store.put(k, v);
    });
  }

  /** The registered states, then the restored ones not registered yet. */
  snapshotMeta(): StateMeta[] {
    const out: StateMeta[] = [];
    for (const s of this.states.values())
      out.push({ name: s.descriptor.name, kind: s.descriptor.kind, namespaced: s.namespaced });
    for (const p of this.pending.values()) out.push(p.meta);
    return out;
  }

  /** Visits every entry of key group `keyGroup` (one range scan), state by state. */
  forEachEntry(keyGroup: number, visit: (state: string, entry: KeyedEntry) => void): void {
    this.owned(keyGroup, "snapshot");
    this.flush();
    forEachDiskEntry(this.ctx, this.snapshotStates, keyGroup, this.now(), visit);
  }

  /** Adds a restored entry; the change log is incomplete afterwards. */
  restoreEntry(meta: StateMeta, keyGroup: number, entry: KeyedEntry): void {
    this.owned(keyGroup, "restore");
    this.ctx.changes.drop();
    const state = this.states.get(meta.name);
    if (state !== undefined) {
      checkRestoredKind(state.descriptor, state.namespaced, meta, this.operatorName);
      this.version++; // not the current record's entry: the cache may evict it
      const where = `of operator '${this.operatorName}'`;
      restoreDiskEntry(state, keyGroup - this.keyGroupRange.start, entry, where);
      return;
    }
    let p = this.pending.get(meta.name);
    if (p === undefined) {
      p = { meta, sid: this.idFor(meta.name), seq: 0 };
      this.pending.set(meta.name, p);
      this.pendingById.set(p.sid, p);
    } else if (p.meta.kind !== meta.kind || p.meta.namespaced !== meta.namespaced) {
      throw new Error(
        `state '${meta.name}' of operator '${this.operatorName}' is restored with two kinds (${p.meta.kind} and ${meta.kind})`,
      );
    }
    this.pendingBatch.push(pendingRecord(this.ctx, p, keyGroup, entry));
    if (this.pendingBatch.length >= PENDING_BATCH) this.flushPendingBatch();
  }

  /**
   * Incremental checkpoints: visits every (state, key, namespace) of key group `keyGroup` written
   * or deleted since the last {@link markSnapshotted}, with its entry now (canonical form), or
   * null when it was deleted. Only valid while {@link hasCompleteChangeLog} is true.
   */
  forEachChange(
    keyGroup: number,
    visit: (state: string, key: unknown, ns: unknown, entry: KeyedEntry | null) => void,
  ): void {
    this.owned(keyGroup, "incremental snapshot");
    this.flush();
    forEachDiskChange(this.ctx, this.snapshotStates, keyGroup, visit);
  }

  /**
   * Starts a new change log: the state as it is now is in a snapshot. Call right after the
   * snapshot's last `forEachEntry`/`forEachChange`, before state changes again.
   */
  markSnapshotted(): void {
    this.flush();
    this.ctx.changes.markSnapshotted();
  }

  /**
   * Whether {@link forEachChange} gives every change since the last {@link markSnapshotted}:
   * false before the first one, after a restore, and when the log outgrew its bound (then the
   * next snapshot must be a full one).
   */
  hasCompleteChangeLog(): boolean {
    return this.ctx.changes.isComplete();
  }

  private owned(keyGroup: number, what: string): void {
    const { start, end } = this.keyGroupRange;
    if (!(Number.isInteger(keyGroup) && keyGroup >= start && keyGroup <= end))
      throw new Error(
        `${what}: key group ${keyGroup} is not owned by this instance of operator '${this.operatorName}' (key groups ${start}..${end})`,
      );
  }

  /** Closes the store and removes the working directory. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.states.clear();
    this.ctx.store.close();
  }
}
