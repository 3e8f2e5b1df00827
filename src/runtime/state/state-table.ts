/**
 * The storage of one keyed state in the heap backend: one JS Map per key group owned by the
 * instance (so a snapshot or a rescale can take whole key groups). Four layouts:
 *
 * - plain: key -> entry `{key, ns, value, t}`;
 * - namespaced: namespace key -> key -> entry, namespace first (a window holds many keys, a key
 *   rarely has more than a few windows, so no per-key map is allocated);
 * - raw (value state without namespace and TTL, the hottest case): key -> value;
 * - raw namespaced (reducing and aggregating state without TTL, i.e. window contents): namespace
 *   key -> {@link NsSlot} (key -> value).
 *
 * Raw layouts save an entry object and a memory access per lookup. They keep the user's key
 * objects only for keys whose map form differs from the key (composite keys, escaped strings).
 * A raw value of `undefined` (a reduce result or an accumulator may be `undefined`, and a Map
 * cannot tell that from absence) is stored as {@link UNDEFINED_VALUE}; `null`, 0, "" and false are
 * stored as themselves.
 */
import { VOID_NAMESPACE } from "./keyed-backend.ts";

/** Map form of a key (primitives as themselves, composite keys as a canonical string). */
export type MapKey = string | number | bigint | boolean | null;

/** Map form of a namespace (see `NamespaceKeyFn`). */
export type NsKey = string | number;

/** One stored value: its key, namespace, value and last-access time. */
export interface StateEntry {
  /** The key as the user's key selector returned it. */
  readonly key: unknown;
  /** The namespace (VOID outside windows). */
  readonly ns: unknown;
  /** The value (state kind specific). */
  value: unknown;
  /** Processing time of the last TTL-relevant access. */
  t: number;
}

/** Stands for a stored `undefined` in raw tables (where a Map's `undefined` means absent). */
export const UNDEFINED_VALUE: unique symbol = Symbol("undefined state value");

/** The values of one namespace in one key group of a raw namespaced table. */
export interface NsSlot {
  /** The key group index (in the owned range). */
  readonly group: number;
  /** The namespace (for iteration). */
  readonly ns: unknown;
  /** Key -> value ({@link UNDEFINED_VALUE} for `undefined`). */
  readonly values: Map<MapKey, unknown>;
  /** The user's key objects of keys whose map form differs from the key, or null if none yet. */
  objs: Map<MapKey, unknown> | null;
}

/** The entries of one state, per key group (see the module comment for the layouts). */
export class StateTable {
  /** Plain tables: per owned key group (index = key group - range start), key -> entry. */
  readonly groups: (Map<MapKey, StateEntry> | undefined)[];
  /** Namespaced tables: per key group, namespace key -> key -> entry. */
  readonly nsGroups: (Map<NsKey, Map<MapKey, StateEntry>> | undefined)[];
  /** Whether this table has namespaces. */
  readonly namespaced: boolean;
  /** Whether values are stored without entry objects (and so without TTL stamps). */
  readonly raw: boolean;
  /** Raw tables without namespace: per key group, key -> value. */
  readonly rawGroups: (Map<MapKey, unknown> | undefined)[];
  /** Raw tables without namespace: the user's key objects of keys whose map form differs. */
  readonly keyObjects = new Map<MapKey, unknown>();
  /** Raw namespaced tables: per key group, namespace key -> slot. */
  readonly rawNsGroups: (Map<NsKey, NsSlot> | undefined)[];

  /** Creates an empty table over `numGroups` key groups. */
  constructor(numGroups: number, namespaced: boolean, raw = false) {
    this.namespaced = namespaced;
    this.raw = raw;
    const slots = (on: boolean): undefined[] => (on ? new Array(numGroups).fill(undefined) : []);
    this.groups = slots(!namespaced && !raw);
    this.nsGroups = slots(namespaced && !raw);
    this.rawGroups = slots(!namespaced && raw);
    this.rawNsGroups = slots(namespaced && raw);
  }

  /** The entry of (group, key, namespace key), if any (entry layouts). */
  get(group: number, key: MapKey, nsKey: NsKey | null): StateEntry | undefined {
    if (!this.namespaced) return this.groups[group]?.get(key);
    return this.nsGroups[group]?.get(nsKey!)?.get(key);
  }

  /** Stores an entry (entry layouts). */
  put(group: number, key: MapKey, nsKey: NsKey | null, entry: StateEntry): void {
    if (!this.namespaced) {
      let m = this.groups[group];
      if (m === undefined) m = this.groups[group] = new Map();
      m.set(key, entry);
      return;
    }
    let g = this.nsGroups[group];
    if (g === undefined) g = this.nsGroups[group] = new Map();
    let m = g.get(nsKey!);
    if (m === undefined) g.set(nsKey!, (m = new Map()));
    m.set(key, entry);
  }

  /** Removes an entry (entry layouts). */
  remove(group: number, key: MapKey, nsKey: NsKey | null): void {
    if (!this.namespaced) {
      this.groups[group]?.delete(key);
      return;
    }
    const g = this.nsGroups[group];
    const m = g?.get(nsKey!);
    if (m === undefined) return;
    m.delete(key);
    if (m.size === 0) g!.delete(nsKey!);
  }

  /** Removes a key of a raw table without namespace. */
  removeRaw(m: Map<MapKey, unknown>, k: MapKey): void {
    if (m.delete(k) && this.keyObjects.size > 0) this.keyObjects.delete(k);
  }

  /** Raw namespaced tables: the slot of (group, namespace key), created (for `ns`) if asked. */
  slot(group: number, nsKey: NsKey, ns: unknown, create: boolean): NsSlot | undefined {
    let g = this.rawNsGroups[group];
    let s = g?.get(nsKey);
    if (s !== undefined || !create) return s;
    if (g === undefined) g = this.rawNsGroups[group] = new Map();
    s = { group, ns, values: new Map(), objs: null };
    g.set(nsKey, s);
    return s;
  }

  /** Raw namespaced tables: removes a key from (group, namespace key); returns its stored value. */
  removeFromSlot(group: number, nsKey: NsKey, k: MapKey): unknown {
    const g = this.rawNsGroups[group];
    const s = g?.get(nsKey);
    if (s === undefined) return undefined;
    const v = s.values.get(k);
    if (v === undefined) return undefined;
    s.values.delete(k);
    if (s.values.size === 0) g!.delete(nsKey);
    else if (s.objs !== null) s.objs.delete(k);
    return v;
  }

  /**
   * Raw namespaced tables: removes the whole namespace from every key group and returns its
   * slots, in key group order (nothing is left of the namespace, whatever the caller does next).
   */
  takeSlots(nsKey: NsKey): NsSlot[] {
    const out: NsSlot[] = [];
    const groups = this.rawNsGroups;
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      const s = g?.get(nsKey);
      if (s === undefined) continue;
      g!.delete(nsKey);
      out.push(s);
    }
    return out;
  }

  /** Namespaced entry tables: removes namespace `nsKey` from every key group; returns its maps. */
  takeEntryMaps(nsKey: NsKey): Iterable<[group: number, entries: Map<MapKey, StateEntry>]> {
    const out: [number, Map<MapKey, StateEntry>][] = [];
    const groups = this.nsGroups;
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i];
      const m = g?.get(nsKey);
      if (m === undefined) continue;
      g!.delete(nsKey);
      out.push([i, m]);
    }
    return out;
  }

  /** The keys with a value in namespace `nsKey` (every key when the table has no namespaces). */
  *keys(nsKey: NsKey | null): Generator<unknown> {
    if (!this.namespaced) {
      for (const [e] of this.entries()) yield e.key;
      return;
    }
    if (this.raw) {
      for (const g of this.rawNsGroups) {
        const s = g?.get(nsKey!);
        if (s === undefined) continue;
        for (const k of s.values.keys()) yield s.objs?.get(k) ?? k;
      }
      return;
    }
    for (const g of this.nsGroups) {
      const m = g?.get(nsKey!);
      if (m !== undefined) for (const e of m.values()) yield e.key;
    }
  }

  /**
   * Every entry with the means to remove it (safe to remove while iterating). Raw layouts yield
   * fresh entry objects (value decoded, `t` 0), whose changes are not stored.
   */
  *entries(): Generator<[entry: StateEntry, remove: () => void]> {
    if (this.raw && !this.namespaced) {
      for (const m of this.rawGroups) {
        if (m === undefined) continue;
        for (const [k, value] of m) {
          const key = this.keyObjects.get(k) ?? k;
          const entry: StateEntry = { key, ns: VOID_NAMESPACE, value, t: 0 };
          yield [entry, () => this.removeRaw(m, k)];
        }
      }
      return;
    }
    if (this.raw) {
      for (let i = 0; i < this.rawNsGroups.length; i++) {
        const g = this.rawNsGroups[i];
        if (g === undefined) continue;
        for (const [nk, s] of g) {
          for (const [k, v] of s.values) {
            const key = s.objs?.get(k) ?? k;
            const value = v === UNDEFINED_VALUE ? undefined : v;
            yield [{ key, ns: s.ns, value, t: 0 }, () => void this.removeFromSlot(i, nk, k)];
          }
        }
      }
      return;
    }
    if (!this.namespaced) {
      for (const m of this.groups) {
        if (m === undefined) continue;
        for (const [k, e] of m) yield [e, () => m.delete(k)];
      }
      return;
    }
    for (const g of this.nsGroups) {
      if (g === undefined) continue;
      for (const [nk, m] of g) {
        for (const [k, e] of m) {
          yield [
            e,
            () => {
              m.delete(k);
              if (m.size === 0) g.delete(nk);
            },
          ];
        }
      }
    }
  }

  /** Number of entries. */
  size(): number {
    let n = 0;
    if (this.raw && this.namespaced) {
      for (const g of this.rawNsGroups) if (g) for (const s of g.values()) n += s.values.size;
    } else if (this.raw) for (const m of this.rawGroups) n += m?.size ?? 0;
    else if (!this.namespaced) for (const m of this.groups) n += m?.size ?? 0;
    else for (const g of this.nsGroups) if (g) for (const m of g.values()) n += m.size;
    return n;
  }
}
