/**
 * The heap backend's state handles. Each handle reads the backend's current key and its own
 * current namespace, and keeps time-to-live per entry (value, reducing, aggregating) or per
 * element (list, map) when the descriptor enables it.
 */
import { keyToMapKey } from "../../core/keygroups.ts";
import type {
  AggregatingStateDescriptor,
  ReducingStateDescriptor,
  StateDescriptor,
  StateTtlConfig,
} from "../../api/state.ts";
import type { AggregateFunction } from "../../api/functions.ts";
import { VOID_NAMESPACE, type NamespaceKeyFn } from "./keyed-backend.ts";
import type { HeapKeyedStateBackend, MapKey, StateEntry, StateTable } from "./heap-backend.ts";

/** An element with its own time-to-live stamp (list and map state with TTL). */
interface Stamped {
  v: unknown;
  t: number;
}

/** Base of the heap state handles: lookup of the current entry, namespaces and TTL. */
export abstract class HeapState {
  /** The declaring descriptor. */
  readonly descriptor: StateDescriptor;
  /** The entries. */
  readonly table: StateTable;
  /** Whether the state has namespaces. */
  readonly namespaced: boolean;
  /** Time-to-live settings, or null. */
  protected readonly ttl: StateTtlConfig | null;
  /** The backend (current key). */
  protected readonly b: HeapKeyedStateBackend;
  /** The current namespace. */
  protected ns: unknown = VOID_NAMESPACE;
  /** Map form of the current namespace (namespaced states). */
  protected nsKey: string | number | null = null;
  private readonly nsKeyFn: NamespaceKeyFn<unknown> | null;
  private cleanup: Generator<[StateEntry, () => void]> | null = null;
  /** The entry the last lookup found (without TTL), valid while the backend's version holds. */
  private last: StateEntry | undefined = undefined;
  private lastVersion = -1;
  private lastNs: string | number | null = null;

  /** Creates the handle. */
  constructor(
    descriptor: StateDescriptor,
    backend: HeapKeyedStateBackend,
    table: StateTable,
    nsKeyFn: NamespaceKeyFn<unknown> | null,
  ) {
    this.descriptor = descriptor;
    this.b = backend;
    this.table = table;
    this.namespaced = nsKeyFn !== null;
    this.nsKeyFn = nsKeyFn;
    this.ttl = descriptor.ttlConfig;
  }

  /** Map form of a namespace. */
  namespaceKeyOf(ns: unknown): string | number | null {
    return this.nsKeyFn === null ? null : this.nsKeyFn(ns);
  }

  /** Sets the namespace later calls apply to. */
  setCurrentNamespace(ns: unknown): void {
    this.ns = ns;
    this.nsKey = this.nsKeyFn === null ? null : this.nsKeyFn(ns);
  }

  /** The current (key, namespace) entry, honouring TTL; `read` marks a read access. */
  protected entry(read: boolean): StateEntry | undefined {
    const b = this.b;
    if (b.dirty) b.resolve();
    const e = this.table.get(b.group, b.mapKey, this.nsKey);
    if (this.ttl === null) {
      // A read-modify-write reads, then writes the same entry: remember it for the write.
      this.last = e;
      this.lastVersion = b.version;
      this.lastNs = this.nsKey;
      return e;
    }
    if (e === undefined) return e;
    this.cleanupStep();
    if (this.isEntryLevelTtl() && this.expired(e.t)) {
      this.table.remove(b.group, b.mapKey, this.nsKey);
      if (this.ttl.stateVisibility === "NeverReturnExpired") return undefined;
      return e; // returned once, already removed
    }
    if (read && this.ttl.updateType === "OnReadAndWrite") e.t = b.now();
    return e;
  }

  /** Stores `value` under the current (key, namespace). */
  protected write(value: unknown): void {
    const b = this.b;
    if (b.dirty) b.resolve();
    const e =
      this.lastVersion === b.version && this.lastNs === this.nsKey && this.last !== undefined
        ? this.last
        : this.table.get(b.group, b.mapKey, this.nsKey);
    const t = this.ttl === null ? 0 : b.now();
    if (e !== undefined) {
      e.value = value;
      e.t = t;
    } else {
      this.table.put(b.group, b.mapKey, this.nsKey, { key: b.key, ns: this.ns, value, t });
    }
  }

  /** Stores `value` as a new entry; only right after `entry()` found none (one lookup less than `write`). */
  protected insert(value: unknown): void {
    const b = this.b;
    const t = this.ttl === null ? 0 : b.now();
    this.table.put(b.group, b.mapKey, this.nsKey, { key: b.key, ns: this.ns, value, t });
  }

  /** Whether the current (key, namespace) has an entry (expired entries count as absent). */
  hasValue(): boolean {
    return this.entry(false) !== undefined;
  }

  /** Removes the current (key, namespace) entry. */
  clear(): void {
    this.lastVersion = -1;
    const b = this.b;
    if (b.dirty) b.resolve();
    this.table.remove(b.group, b.mapKey, this.nsKey);
  }

  /** Whether a stamp `t` is past its time-to-live. */
  protected expired(t: number): boolean {
    return this.b.now() - t >= this.ttl!.ttl;
  }

  /** Whether TTL applies to whole entries (true) or to elements (list, map). */
  protected isEntryLevelTtl(): boolean {
    return true;
  }

  /** Removes expired elements of an entry's value; returns whether the entry is now empty. */
  protected purgeElements(_e: StateEntry): boolean {
    return false;
  }

  /** Incremental cleanup: checks a few entries for expiry. */
  protected cleanupStep(): void {
    const n = this.ttl!.incrementalCleanupSize;
    for (let i = 0; i < n; i++) {
      if (this.cleanup === null) this.cleanup = this.table.entries();
      const next = this.cleanup.next();
      if (next.done) {
        this.cleanup = null;
        return;
      }
      const [e, remove] = next.value;
      if (this.isEntryLevelTtl() ? this.expired(e.t) : this.purgeElements(e)) remove();
    }
  }

  /** Merges the values of `sources` into `target` (merging kinds override). */
  mergeNamespaces(_target: unknown, _sources: readonly unknown[]): void {
    throw new Error(
      `${this.descriptor.kind} state '${this.descriptor.name}' cannot be merged (only list, reducing and aggregating state can)`,
    );
  }

  /** Reads the entry value of namespace `ns` and removes it (for merging). */
  protected takeNamespace(ns: unknown): StateEntry | undefined {
    this.setCurrentNamespace(ns);
    const e = this.entry(false);
    if (e !== undefined) this.clear();
    return e;
  }
}

/** Heap `ValueState`. */
class HeapValueState extends HeapState {
  value(): unknown {
    const e = this.entry(true);
    return e === undefined ? null : e.value;
  }
  update(v: unknown): void {
    if (v === null || v === undefined) this.clear();
    else this.write(v);
  }
}

/** Heap `ValueState` without namespace and TTL: the table maps keys straight to values. */
class RawValueState extends HeapState {
  value(): unknown {
    const b = this.b;
    if (b.dirty) b.resolve();
    const v = this.table.rawGroups[b.group]?.get(b.mapKey);
    return v === undefined ? null : v;
  }
  update(v: unknown): void {
    if (v === null || v === undefined) {
      this.clear();
      return;
    }
    const b = this.b;
    if (b.dirty) b.resolve();
    const t = this.table;
    let m = t.rawGroups[b.group];
    if (m === undefined) m = t.rawGroups[b.group] = new Map();
    if (b.mapKey !== b.key && !m.has(b.mapKey)) t.keyObjects.set(b.mapKey, b.key);
    m.set(b.mapKey, v);
  }
  override clear(): void {
    const b = this.b;
    if (b.dirty) b.resolve();
    const m = this.table.rawGroups[b.group];
    if (m !== undefined) this.table.removeRaw(m, b.mapKey);
  }
}

/** Heap `ReducingState`. */
class HeapReducingState extends HeapState {
  private readonly fn: (a: unknown, b: unknown) => unknown;
  constructor(...args: ConstructorParameters<typeof HeapState>) {
    super(...args);
    this.fn = (this.descriptor as ReducingStateDescriptor<unknown>).reduceFunction;
  }
  get(): unknown {
    const e = this.entry(true);
    return e === undefined ? null : e.value;
  }
  add(v: unknown): void {
    const e = this.entry(false);
    if (e === undefined) this.insert(v);
    else if (this.ttl === null) e.value = this.fn(e.value, v);
    else this.write(this.fn(e.value, v));
  }
  override mergeNamespaces(target: unknown, sources: readonly unknown[]): void {
    let acc: { v: unknown } | null = null;
    for (const s of sources) {
      const e = this.takeNamespace(s);
      if (e !== undefined) acc = acc === null ? { v: e.value } : { v: this.fn(acc.v, e.value) };
    }
    if (acc === null) return;
    this.setCurrentNamespace(target);
    const cur = this.entry(false);
    this.write(cur === undefined ? acc.v : this.fn(cur.value, acc.v));
  }
}

/** Heap `AggregatingState` (stores the accumulator). */
class HeapAggregatingState extends HeapState {
  private readonly fn: AggregateFunction<unknown, unknown, unknown>;
  constructor(...args: ConstructorParameters<typeof HeapState>) {
    super(...args);
    this.fn = (
      this.descriptor as AggregatingStateDescriptor<unknown, unknown, unknown>
    ).aggregateFunction;
  }
  get(): unknown {
    const e = this.entry(true);
    return e === undefined ? null : this.fn.getResult(e.value);
  }
  add(v: unknown): void {
    const e = this.entry(false);
    if (e === undefined) this.insert(this.fn.add(v, this.fn.createAccumulator()));
    else if (this.ttl === null) e.value = this.fn.add(v, e.value);
    else this.write(this.fn.add(v, e.value));
  }
  override mergeNamespaces(target: unknown, sources: readonly unknown[]): void {
    const merge = this.fn.merge;
    if (typeof merge !== "function") {
      throw new Error(
        `aggregating state '${this.descriptor.name}': the AggregateFunction has no merge(), which merging windows need`,
      );
    }
    let acc: { v: unknown } | null = null;
    for (const s of sources) {
      const e = this.takeNamespace(s);
      if (e !== undefined)
        acc = acc === null ? { v: e.value } : { v: merge.call(this.fn, acc.v, e.value) };
    }
    if (acc === null) return;
    this.setCurrentNamespace(target);
    const cur = this.entry(false);
    this.write(cur === undefined ? acc.v : merge.call(this.fn, cur.value, acc.v));
  }
}

/** Heap `ListState`: an array per entry (of stamped elements with TTL). */
class HeapListState extends HeapState {
  protected override isEntryLevelTtl(): boolean {
    return false;
  }
  protected override purgeElements(e: StateEntry): boolean {
    const list = (e.value as Stamped[]).filter((x) => !this.expired(x.t));
    e.value = list;
    return list.length === 0;
  }
  get(): Iterable<unknown> {
    const e = this.entry(true);
    if (e === undefined) return [];
    if (this.ttl === null) return e.value as unknown[];
    const visible = this.ttl.stateVisibility === "ReturnExpiredIfNotCleanedUp";
    const list = e.value as Stamped[];
    const out = visible
      ? list.map((x) => x.v)
      : list.filter((x) => !this.expired(x.t)).map((x) => x.v);
    this.purgeElements(e);
    if ((e.value as Stamped[]).length === 0) this.clear();
    else if (this.ttl.updateType === "OnReadAndWrite") {
      const now = this.b.now();
      for (const x of e.value as Stamped[]) x.t = now;
    }
    return out;
  }
  add(v: unknown): void {
    if (v === null || v === undefined)
      throw new TypeError(`list state '${this.descriptor.name}': cannot add ${v}`);
    const e = this.entry(false);
    const item = this.ttl === null ? v : { v, t: this.b.now() };
    if (e === undefined) this.write([item]);
    else (e.value as unknown[]).push(item);
  }
  addAll(vs: Iterable<unknown>): void {
    for (const v of vs) this.add(v);
  }
  update(vs: Iterable<unknown>): void {
    this.clear();
    this.addAll(vs);
  }
  override mergeNamespaces(target: unknown, sources: readonly unknown[]): void {
    const all: unknown[] = [];
    for (const s of sources) {
      const e = this.takeNamespace(s);
      if (e !== undefined) all.push(...(e.value as unknown[]));
    }
    if (all.length === 0) return;
    this.setCurrentNamespace(target);
    const cur = this.entry(false);
    if (cur === undefined) this.write(all);
    else (cur.value as unknown[]).push(...all);
  }
}

/** One map-state entry: the user's key, the value and its TTL stamp. */
interface MapItem {
  k: unknown;
  v: unknown;
  t: number;
}

/** Heap `MapState`: a Map per entry from the user key's map form to an item. */
class HeapMapState extends HeapState {
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

/** Creates the heap handle for `descriptor`. */
export function createHeapState(
  descriptor: StateDescriptor,
  backend: HeapKeyedStateBackend,
  table: StateTable,
  nsKeyFn: NamespaceKeyFn<unknown> | null,
): HeapState {
  switch (descriptor.kind) {
    case "value":
      return table.raw
        ? new RawValueState(descriptor, backend, table, nsKeyFn)
        : new HeapValueState(descriptor, backend, table, nsKeyFn);
    case "list":
      return new HeapListState(descriptor, backend, table, nsKeyFn);
    case "map":
      return new HeapMapState(descriptor, backend, table, nsKeyFn);
    case "reducing":
      return new HeapReducingState(descriptor, backend, table, nsKeyFn);
    case "aggregating":
      return new HeapAggregatingState(descriptor, backend, table, nsKeyFn);
    default:
      throw new Error(`unknown state kind ${(descriptor as { kind: string }).kind}`);
  }
}
