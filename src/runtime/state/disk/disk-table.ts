/**
 * One state of the disk backend as a {@link StateTable}, so the heap backend's state handles work
 * on it unchanged: point lookups go through the write-back cache (cache.ts) to synchronous LMDB
 * reads; scans (keys, size, draining a namespace) flush the cache and read key group by key
 * group from the store. A stored value is the codec form of `[value, t]`, plus the user's key
 * when its map form differs from it, plus the namespace for namespaced states.
 */
import { VOID_NAMESPACE } from "../keyed-backend.ts";
import { StateTable, type MapKey, type NsKey, type StateEntry } from "../state-table.ts";
import type { CachedTable, Slot, WriteBackCache } from "./cache.ts";
import { LoggedKey, type ChangeLog, type TableChanges } from "./change-log.ts";
import { decodeKey, type KeyCodec, type ValueCodec } from "./codec.ts";
import type { DiskStore } from "./store.ts";

/** What the tables of one disk backend share. */
export interface DiskContext {
  /** The store. */
  readonly store: DiskStore;
  /** Store keys. */
  readonly keys: KeyCodec;
  /** Stored values. */
  readonly values: ValueCodec;
  /** The write-back cache. */
  readonly cache: WriteBackCache;
  /** The change log (incremental checkpoints). */
  readonly changes: ChangeLog;
  /** First owned key group. */
  readonly rangeStart: number;
  /** Number of owned key groups. */
  readonly numGroups: number;
}

/** A stored record: value, last-access time, user key (if not its map form), namespace. */
export type StoredRecord = [value: unknown, t: number, key?: unknown, ns?: unknown];

/** A state's entries in the disk store, behind the shared cache. */
export class DiskStateTable extends StateTable implements CachedTable {
  /** The state's id in store keys. */
  readonly sid: number;
  /** Cached slots. */
  cached = 0;
  private readonly ctx: DiskContext;
  private readonly flat = new Map<MapKey, Slot>();
  private readonly nested = new Map<NsKey, Map<MapKey, Slot>>();
  /** This state's part of the change log. */
  readonly changed: TableChanges;

  /** The table of state `sid`. */
  constructor(ctx: DiskContext, sid: number, namespaced: boolean) {
    super(0, namespaced, false);
    this.ctx = ctx;
    this.sid = sid;
    this.changed = ctx.changes.newTable();
  }

  /**
   * The entry under (group, key, namespace) now, or null: the cached one (after a flush, what the
   * store holds), else read from the store without caching it.
   */
  current(group: number, key: MapKey, nsKey: NsKey | null): StateEntry | null {
    const inner = nsKey === null ? this.flat : this.nested.get(nsKey);
    const s = inner?.get(key);
    if (s !== undefined) return s.e;
    const ctx = this.ctx;
    const bytes = ctx.store.peek(ctx.keys.key(group + ctx.rangeStart, this.sid, nsKey, key));
    return bytes === undefined ? null : this.entryOf(ctx.values.decode(bytes) as StoredRecord, key);
  }

  override get(group: number, key: MapKey, nsKey: NsKey | null): StateEntry | undefined {
    const s = this.slotOf(group, key, nsKey);
    this.ctx.cache.touch(s);
    return s.e ?? undefined;
  }

  override put(group: number, key: MapKey, nsKey: NsKey | null, entry: StateEntry): void {
    const s = this.slotOf(group, key, nsKey);
    s.e = entry;
    this.ctx.cache.touch(s);
  }

  override remove(group: number, key: MapKey, nsKey: NsKey | null): void {
    const s = this.slotOf(group, key, nsKey);
    this.clearSlot(s);
  }

  private clearSlot(s: Slot): void {
    if (s.e !== null) {
      s.key = s.e.key;
      s.ns = s.e.ns;
      s.e = null;
    }
    this.ctx.cache.touch(s);
  }

  /** The cached slot of (group, key, namespace), loaded from the store on a miss. */
  private slotOf(group: number, key: MapKey, nsKey: NsKey | null): Slot {
    let inner: Map<MapKey, Slot> | undefined;
    if (nsKey === null) inner = this.flat;
    else {
      inner = this.nested.get(nsKey);
      if (inner === undefined) this.nested.set(nsKey, (inner = new Map()));
    }
    let s = inner.get(key);
    if (s !== undefined) return s;
    const ctx = this.ctx;
    const bytes = ctx.store.get(ctx.keys.key(group + ctx.rangeStart, this.sid, nsKey, key));
    const e =
      bytes === undefined ? null : this.entryOf(ctx.values.decode(bytes) as StoredRecord, key);
    s = {
      table: this,
      group,
      mapKey: key,
      nsKey,
      e,
      orig: bytes ?? null,
      key: e?.key,
      ns: e?.ns,
      touched: false,
      hot: false,
      ver: -1,
      dead: false,
      logged: 0,
    };
    inner.set(key, s);
    this.cached++;
    ctx.cache.touch(s);
    ctx.cache.added();
    return s;
  }

  /** The entry of a stored record under map key `mk`. */
  entryOf(rec: StoredRecord, mk: MapKey): StateEntry {
    const key = rec.length > 2 && rec[2] !== undefined ? rec[2] : mk;
    return { key, ns: this.namespaced ? rec[3] : VOID_NAMESPACE, value: rec[0], t: rec[1] };
  }

  /** The stored record of `e` under map key `mk`. */
  recordOf(e: StateEntry, mk: MapKey): StoredRecord {
    const key = e.key === mk ? undefined : e.key;
    if (this.namespaced) return [e.value, e.t, key, e.ns];
    return key === undefined ? [e.value, e.t] : [e.value, e.t, key];
  }

  /** Sets a restored entry (through the cache, so restores are written in batches). */
  restore(group: number, mk: MapKey, nsKey: NsKey | null, entry: StateEntry): void {
    this.put(group, mk, nsKey, entry);
  }

  writeBack(s: Slot): void {
    const ctx = this.ctx;
    const key = ctx.keys.key(s.group + ctx.rangeStart, this.sid, s.nsKey, s.mapKey);
    if (s.e === null) {
      if (s.orig !== null) {
        if (ctx.store.remove(key))
          ctx.changes.log(this.changed, s.group, s.nsKey, s.ns, s.mapKey, s);
        s.orig = null;
      }
      return;
    }
    const bytes = ctx.values.encode(this.recordOf(s.e, s.mapKey));
    if (s.orig !== null && s.orig.equals(bytes)) return;
    ctx.store.put(key, bytes);
    ctx.changes.log(this.changed, s.group, s.nsKey, s.e.ns, s.mapKey, s);
    s.orig = bytes;
    s.key = s.e.key;
    s.ns = s.e.ns;
  }

  evict(n: number, version: number): number {
    let done = this.evictFrom(this.flat, n, version);
    for (const [nk, inner] of this.nested) {
      if (done >= n) break;
      done += this.evictFrom(inner, n - done, version);
      if (inner.size === 0) this.nested.delete(nk);
    }
    this.cached -= done;
    return done;
  }

  private evictFrom(m: Map<MapKey, Slot>, n: number, version: number): number {
    let done = 0;
    for (const [k, s] of m) {
      if (done >= n) break;
      if (s.touched || s.ver === version) continue;
      m.delete(k);
      if (s.hot) {
        s.hot = false;
        m.set(k, s); // second chance: to the back
        continue;
      }
      if (s.logged !== 0) {
        s.orig = null; // never written back again; the log may keep the slot
        this.ctx.changes.evicted(this.changed, s);
      }
      done++;
    }
    return done;
  }

  /** Every cached slot. */
  private *slots(): Generator<Slot> {
    yield* this.flat.values();
    for (const inner of this.nested.values()) yield* inner.values();
  }

  /** The cached entries (TTL cleanup works on the cache; stored entries expire when read). */
  override *entries(): Generator<[entry: StateEntry, remove: () => void]> {
    for (const s of this.slots()) {
      const e = s.e;
      if (e === null) continue;
      this.ctx.cache.touch(s); // cleanup may drop expired elements in place
      yield [e, () => void (s.e === e && this.clearSlot(s))];
    }
  }

  /** Removes namespace `nsKey` from the store and the cache, key group by key group. */
  override *takeEntryMaps(nsKey: NsKey): Generator<[number, Map<MapKey, StateEntry>]> {
    const ctx = this.ctx;
    ctx.cache.flush();
    const cachedNs = this.nested.get(nsKey);
    if (cachedNs !== undefined) {
      for (const s of cachedNs.values()) s.dead = true;
      this.nested.delete(nsKey);
      this.cached -= cachedNs.size;
      ctx.cache.count -= cachedNs.size;
    }
    for (let g = 0; g < ctx.numGroups; g++) {
      const m = new Map<MapKey, StateEntry>();
      const keys: Buffer[] = [];
      const changes = ctx.changes;
      for (const { key, value } of ctx.store.range(
        ctx.keys.prefix(g + ctx.rangeStart, this.sid, nsKey),
      )) {
        const mk = decodeKey(key, true).mapKey;
        m.set(mk, this.entryOf(ctx.values.decode(value) as StoredRecord, mk));
        keys.push(key);
      }
      if (m.size === 0) continue;
      ctx.store.write(() => {
        let i = 0;
        for (const [mk, e] of m)
          if (ctx.store.remove(keys[i++]!))
            changes.log(this.changed, g, nsKey, e.ns, mk, new LoggedKey(e.key));
      });
      yield [g, m];
    }
  }

  /** The keys with a value in namespace `nsKey` (every key without namespaces). */
  override *keys(nsKey: NsKey | null): Generator<unknown> {
    const ctx = this.ctx;
    ctx.cache.flush();
    for (let g = 0; g < ctx.numGroups; g++) {
      const out: unknown[] = [];
      for (const { key, value } of ctx.store.range(
        ctx.keys.prefix(g + ctx.rangeStart, this.sid, nsKey),
      )) {
        const rec = ctx.values.decode(value) as StoredRecord;
        out.push(
          rec.length > 2 && rec[2] !== undefined ? rec[2] : decodeKey(key, this.namespaced).mapKey,
        );
      }
      yield* out;
    }
  }

  /** Number of stored entries (after a flush). */
  override size(): number {
    const ctx = this.ctx;
    ctx.cache.flush();
    let n = 0;
    for (let g = 0; g < ctx.numGroups; g++)
      n += ctx.store.count(ctx.keys.prefix(g + ctx.rangeStart, this.sid));
    return n;
  }
}
