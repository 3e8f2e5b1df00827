/**
 * The heap backend's state handles over entry tables. Each handle reads the backend's current key
 * and its own current namespace, and keeps time-to-live per entry (value, reducing, aggregating)
 * or per element (list, map) when the descriptor enables it. Map state is in heap-map-state.ts,
 * the handles of raw tables (no entry objects) and the factory in heap-raw-states.ts.
 */
import type {
  AggregatingStateDescriptor,
  ReducingStateDescriptor,
  StateDescriptor,
  StateTtlConfig,
} from "../../api/state.ts";
import type { AggregateFunction } from "../../api/functions.ts";
import { VOID_NAMESPACE, type NamespaceKeyFn } from "./keyed-backend.ts";
import type { KeyedBackendBase } from "./keyed-backend-base.ts";
import type { NsKey, StateEntry, StateTable } from "./state-table.ts";

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
  protected readonly b: KeyedBackendBase;
  /** The current namespace. */
  protected ns: unknown = VOID_NAMESPACE;
  /** Map form of the current namespace (namespaced states). */
  protected nsKey: NsKey | null = null;
  private readonly nsKeyFn: NamespaceKeyFn<unknown> | null;
  private cleanup: Generator<[StateEntry, () => void]> | null = null;
  /** The entry the last lookup found (without TTL), valid while the backend's version holds. */
  private last: StateEntry | undefined = undefined;
  private lastVersion = -1;
  private lastNs: NsKey | null = null;

  /** Creates the handle. */
  constructor(
    descriptor: StateDescriptor,
    backend: KeyedBackendBase,
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
  namespaceKeyOf(ns: unknown): NsKey | null {
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

  /** Takes every key's value in namespace `ns` in one pass (see `InternalKvState`). */
  drainNamespace(ns: unknown, fn: (value: unknown) => void): void {
    if (!this.namespaced || this.descriptor.kind === "map") {
      throw new Error(
        `${this.descriptor.kind} state '${this.descriptor.name}' cannot be drained by namespace (only namespaced value, list, reducing and aggregating state can)`,
      );
    }
    this.b.beforeWideAccess();
    this.lastVersion = -1;
    const b = this.b;
    const ttl = this.ttl;
    const skipExpired =
      ttl !== null && this.isEntryLevelTtl() && ttl.stateVisibility === "NeverReturnExpired";
    for (const [group, m] of this.table.takeEntryMaps(this.nsKeyFn!(ns))) {
      for (const [k, e] of m) {
        if (skipExpired && this.expired(e.t)) continue;
        b.setResolvedKey(e.key, k, group);
        fn(this.resultOf(e.value));
      }
    }
  }

  /** What `get()`/`value()` returns for a stored value (expiry aside). */
  protected resultOf(stored: unknown): unknown {
    return stored;
  }
}

/** Heap `ValueState`. */
export class HeapValueState extends HeapState {
  value(): unknown {
    const e = this.entry(true);
    return e === undefined ? null : e.value;
  }
  update(v: unknown): void {
    if (v === null || v === undefined) this.clear();
    else this.write(v);
  }
}

/** Heap `ReducingState`. */
export class HeapReducingState extends HeapState {
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
export class HeapAggregatingState extends HeapState {
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
  protected override resultOf(stored: unknown): unknown {
    return this.fn.getResult(stored);
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
export class HeapListState extends HeapState {
  protected override isEntryLevelTtl(): boolean {
    return false;
  }
  protected override purgeElements(e: StateEntry): boolean {
    const list = (e.value as Stamped[]).filter((x) => !this.expired(x.t));
    e.value = list;
    return list.length === 0;
  }
  protected override resultOf(stored: unknown): unknown {
    if (this.ttl === null) return stored;
    const visible = this.ttl.stateVisibility === "ReturnExpiredIfNotCleanedUp";
    const list = stored as Stamped[];
    return (visible ? list : list.filter((x) => !this.expired(x.t))).map((x) => x.v);
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
