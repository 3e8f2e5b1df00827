/**
 * The disk backend's change log, for incremental checkpoints: the (state, key group, namespace,
 * key) written back or deleted in the store since the last snapshot. It lives on the heap, per
 * state and key group, keyed by the map forms the write-back cache uses (no store key is encoded
 * or decoded for it), and is bounded by `maxChanges` distinct entries: past the bound it is
 * dropped and stays incomplete (no more logging) until the next snapshot is marked.
 *
 * Each logged entry refers to the cache slot that was written back, whose entry is what the store
 * holds (a newer write-back of the same key refers to its newer slot), so a delta reads no store
 * for it. When such a slot is evicted from the cache the log keeps it, up to `maxRetained` slots;
 * past that an evicted slot is replaced by a {@link LoggedKey} (its user key only), and the delta
 * reads that entry from the store. Cost: one Map entry per logged entry (about 40 bytes), plus at
 * most `maxRetained` evicted slots with their entries.
 */
import type { Slot } from "./cache.ts";
import type { MapKey, NsKey } from "../state-table.ts";

/** A logged entry whose slot was dropped: the user's key (its value is in the store). */
export class LoggedKey {
  /** The user's key. */
  readonly key: unknown;

  /** The logged entry of user key `key`. */
  constructor(key: unknown) {
    this.key = key;
  }
}

/** What the log holds per changed entry: the slot written back, or the user's key. */
export type Logged = Slot | LoggedKey;

/** The changes of one namespace of a state in one key group. */
export interface NsChanges {
  /** The namespace as the user gave it (its last logged form). */
  ns: unknown;
  /** Map key -> slot (or user key) of every changed entry. */
  readonly keys: Map<MapKey, Logged>;
}

/** The changes of one state, by key group index (of the backend's range). */
export class TableChanges {
  /** Changes of a state without namespaces: map key -> slot (or user key). */
  readonly flat: (Map<MapKey, Logged> | undefined)[];
  /** Changes of a namespaced state, by namespace map form. */
  readonly nested: (Map<NsKey, NsChanges> | undefined)[];

  /** Changes over `numGroups` key groups. */
  constructor(numGroups: number) {
    this.flat = new Array<Map<MapKey, Logged> | undefined>(numGroups).fill(undefined);
    this.nested = new Array<Map<NsKey, NsChanges> | undefined>(numGroups).fill(undefined);
  }

  /** Forgets every change. */
  clear(): void {
    this.flat.fill(undefined);
    this.nested.fill(undefined);
  }
}

/** The change log of one disk backend. */
export class ChangeLog {
  private readonly tables: TableChanges[] = [];
  private readonly numGroups: number;
  private readonly maxChanges: number;
  private readonly maxRetained: number;
  private logging = false;
  private complete = false;
  private count = 0;
  private retained = 0;
  /** Changes with every new log, so slots know whether the current log refers to them. */
  epoch = 1;

  /**
   * A log over `numGroups` key groups holding at most `maxChanges` distinct entries and keeping
   * at most `maxRetained` evicted slots.
   */
  constructor(numGroups: number, maxChanges: number, maxRetained: number) {
    this.numGroups = numGroups;
    this.maxChanges = maxChanges;
    this.maxRetained = maxRetained;
  }

  /** The change set of a new state (kept by its table). */
  newTable(): TableChanges {
    const t = new TableChanges(this.numGroups);
    this.tables.push(t);
    return t;
  }

  /** Whether changes are being logged now. */
  get active(): boolean {
    return this.logging;
  }

  /**
   * Logs a change of the entry under map key `mk` in namespace `nsKey` (user namespace `ns`; null
   * without namespaces) at key group index `group` of `t`'s state: `ref` is the slot just written
   * back (its entry is what the store holds), or the user's key.
   */
  log(
    t: TableChanges,
    group: number,
    nsKey: NsKey | null,
    ns: unknown,
    mk: MapKey,
    ref: Logged,
  ): void {
    if (!this.logging) return;
    if (!(ref instanceof LoggedKey)) ref.logged = this.epoch;
    this.set(t, group, nsKey, ns, mk, ref);
  }

  /** A slot is being evicted from the cache: keeps it, or replaces it by its user key. */
  evicted(t: TableChanges, s: Slot): void {
    if (s.logged !== this.epoch || !this.logging) return;
    if (this.retained < this.maxRetained) {
      this.retained++;
      return;
    }
    s.logged = 0;
    const key = s.e !== null ? s.e.key : s.key;
    this.set(t, s.group, s.nsKey, undefined, s.mapKey, new LoggedKey(key));
  }

  private set(
    t: TableChanges,
    group: number,
    nsKey: NsKey | null,
    ns: unknown,
    mk: MapKey,
    ref: Logged,
  ): void {
    let m: Map<MapKey, Logged> | undefined;
    if (nsKey === null) {
      m = t.flat[group];
      if (m === undefined) t.flat[group] = m = new Map();
    } else {
      let byNs = t.nested[group];
      if (byNs === undefined) t.nested[group] = byNs = new Map();
      let c = byNs.get(nsKey);
      if (c === undefined) byNs.set(nsKey, (c = { ns, keys: new Map() }));
      else if (ns !== undefined) c.ns = ns;
      m = c.keys;
    }
    const before = m.size;
    m.set(mk, ref);
    if (m.size !== before && ++this.count > this.maxChanges) this.drop();
  }

  /** Whether the log holds every change since the last {@link markSnapshotted}. */
  isComplete(): boolean {
    return this.complete;
  }

  /** Starts a new log (the state as of now is in a snapshot). */
  markSnapshotted(): void {
    this.clear();
    this.logging = true;
    this.complete = true;
  }

  /** Drops the log: the next snapshot must be a full one. */
  drop(): void {
    if (!this.logging && !this.complete) return;
    this.logging = false;
    this.complete = false;
    this.clear();
  }

  private clear(): void {
    this.epoch++;
    if (this.count === 0) return;
    for (const t of this.tables) t.clear();
    this.count = 0;
    this.retained = 0;
  }
}
