/**
 * The disk backend's heap write-back cache. Every (state, key, namespace) the state handles touch
 * gets a {@link Slot} holding the live entry (or none) and the bytes last stored for it. Handles
 * read and change entries in place (as in the heap backend), so every touched slot is written
 * back at the next flush if its encoding differs from the stored bytes: only real changes reach
 * the store and its change log. The cache holds at most `capacity` slots; past that it flushes
 * all touched slots in one write transaction and evicts down to half, oldest first, giving
 * recently used slots a second chance (CLOCK). Slots touched while processing the current record
 * are never evicted and stay touched after a flush, because a handle may still change the entry
 * it just read.
 */
import type { MapKey, NsKey, StateEntry } from "../state-table.ts";
import type { DiskStore } from "./store.ts";

/** One cached (state, key, namespace). */
export interface Slot {
  /** The table (state) it belongs to. */
  readonly table: CachedTable;
  /** Key group index in the owned range. */
  readonly group: number;
  /** Map form of the key. */
  readonly mapKey: MapKey;
  /** Map form of the namespace (null without namespaces). */
  readonly nsKey: NsKey | null;
  /** The live entry, or null when there is no value. */
  e: StateEntry | null;
  /** The bytes in the store, or null when the store has no value. */
  orig: Buffer | null;
  /** User key and namespace of the last value (for logging a deletion). */
  key: unknown;
  ns: unknown;
  /** Whether the slot is in the touched list. */
  touched: boolean;
  /** Used since the last eviction pass (second chance). */
  hot: boolean;
  /** Backend version (record) of the last touch. */
  ver: number;
  /** Dropped from the cache by a drain; never written back. */
  dead: boolean;
  /** Epoch of the change log that refers to this slot (see change-log.ts), or 0. */
  logged: number;
}

/** What the cache needs of a table. */
export interface CachedTable {
  /** Writes the slot's entry back to the store if it changed. */
  writeBack(slot: Slot): void;
  /** Evicts up to `n` untouched slots not used in `version`; returns how many it evicted. */
  evict(n: number, version: number): number;
  /** Number of cached slots. */
  readonly cached: number;
}

/** The write-back cache shared by the tables of one disk backend. */
export class WriteBackCache {
  /** Slots cached over all tables. */
  count = 0;
  private touchedList: Slot[] = [];
  private readonly capacity: number;
  private readonly store: DiskStore;
  private readonly version: { readonly version: number };
  private readonly tables: CachedTable[] = [];

  /** A cache of `capacity` slots over `store`; `version` is the backend (current record). */
  constructor(capacity: number, store: DiskStore, version: { readonly version: number }) {
    this.capacity = Math.max(16, capacity);
    this.store = store;
    this.version = version;
  }

  /** Adds a table to flush and evict. */
  addTable(t: CachedTable): void {
    this.tables.push(t);
  }

  /** Marks `s` used (and possibly changed) now. */
  touch(s: Slot): void {
    s.hot = true;
    s.ver = this.version.version;
    if (!s.touched) {
      s.touched = true;
      this.touchedList.push(s);
    }
  }

  /** Counts a slot just added; shrinks the cache when it is over capacity. */
  added(): void {
    if (++this.count > this.capacity) this.shrink();
  }

  /** Writes every touched slot back, in one transaction. */
  flush(): void {
    const list = this.touchedList;
    if (list.length === 0) return;
    this.touchedList = [];
    const version = this.version.version;
    this.store.write(() => {
      for (const s of list) {
        s.touched = false;
        if (s.dead) continue;
        s.table.writeBack(s);
        if (s.ver === version) {
          s.touched = true;
          this.touchedList.push(s);
        }
      }
    });
  }

  /** Flushes, then evicts down to half the capacity, each table in proportion to its size. */
  shrink(): void {
    this.flush();
    const version = this.version.version;
    const excess = this.count - (this.capacity >> 1);
    if (excess <= 0) return;
    const total = this.count;
    for (const t of this.tables) {
      const n = Math.ceil((t.cached * excess) / total);
      if (n > 0) this.count -= t.evict(n, version);
    }
  }
}
