/**
 * The heap backend's `MapState` handle: each (key, namespace) entry holds a JS Map from the user
 * key's map form to an item with the user's key, the value and its time-to-live stamp.
 */
import { keyToMapKey } from "../../core/keygroups.ts";
import { HeapState } from "./heap-states.ts";
import type { MapKey, StateEntry } from "./state-table.ts";

/** One map-state entry: the user's key, the value and its TTL stamp. */
interface MapItem {
  k: unknown;
  v: unknown;
  t: number;
}

/** Heap `MapState`: a Map per entry from the user key's map form to an item. */
export class HeapMapState extends HeapState {
  protected override isEntryLevelTtl(): boolean {
    return false;
  }
  protected override purgeElements(e: StateEntry): boolean {
    const m = e.value as Map<MapKey, MapItem>;
    for (const [k, item] of m) if (this.expired(item.t)) m.delete(k);
    return m.size === 0;
  }
  private map(create: boolean): Map<MapKey, MapItem> | undefined {
    const e = this.entry(false);
    if (e !== undefined) return e.value as Map<MapKey, MapItem>;
    if (!create) return undefined;
    const m = new Map<MapKey, MapItem>();
    this.write(m);
    return m;
  }
  private live(
    item: MapItem | undefined,
    m: Map<MapKey, MapItem>,
    mk: MapKey,
  ): MapItem | undefined {
    if (item === undefined || this.ttl === null) return item;
    if (this.expired(item.t)) {
      m.delete(mk);
      return this.ttl.stateVisibility === "NeverReturnExpired" ? undefined : item;
    }
    if (this.ttl.updateType === "OnReadAndWrite") item.t = this.b.now();
    return item;
  }
  get(k: unknown): unknown {
    const m = this.map(false);
    if (m === undefined) return null;
    const mk = keyToMapKey(k);
    return this.live(m.get(mk), m, mk)?.v ?? null;
  }
  put(k: unknown, v: unknown): void {
    this.map(true)!.set(keyToMapKey(k), { k, v, t: this.ttl === null ? 0 : this.b.now() });
  }
  putAll(entries: Map<unknown, unknown> | Iterable<[unknown, unknown]>): void {
    for (const [k, v] of entries) this.put(k, v);
  }
  remove(k: unknown): void {
    const m = this.map(false);
    if (m === undefined) return;
    m.delete(keyToMapKey(k));
    if (m.size === 0) this.clear();
  }
  contains(k: unknown): boolean {
    const m = this.map(false);
    if (m === undefined) return false;
    const mk = keyToMapKey(k);
    return this.live(m.get(mk), m, mk) !== undefined;
  }
  entries(): Iterable<[unknown, unknown]> {
    return this.snapshotItems().map((i) => [i.k, i.v] as [unknown, unknown]);
  }
  keys(): Iterable<unknown> {
    return this.snapshotItems().map((i) => i.k);
  }
  values(): Iterable<unknown> {
    return this.snapshotItems().map((i) => i.v);
  }
  iterator(): Iterator<[unknown, unknown]> {
    return (this.entries() as [unknown, unknown][])[Symbol.iterator]();
  }
  isEmpty(): boolean {
    return this.snapshotItems().length === 0;
  }
  /** The live items, copied so the caller may modify the state while iterating. */
  private snapshotItems(): MapItem[] {
    const m = this.map(false);
    if (m === undefined) return [];
    const out: MapItem[] = [];
    for (const [mk, item] of m) {
      const live = this.live(item, m, mk);
      if (live !== undefined) out.push(live);
    }
    if (m.size === 0) this.clear();
    return out;
  }
}
