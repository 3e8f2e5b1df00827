/**
 * Operator (non-keyed) state of one parallel instance: list state (split round-robin when
 * rescaled), union list state (every instance gets all entries on restore) and broadcast state (a
 * map with the same content on every instance). Checkpoints snapshot it through this class.
 */
import type {
  BroadcastState,
  ListState,
  ListStateDescriptor,
  MapStateDescriptor,
  OperatorStateStore,
} from "../../api/state.ts";
import { keyToMapKey } from "../../core/keygroups.ts";

/** Operator state in canonical form: list states with their distribution, broadcast maps. */
export interface OperatorStateSnapshot {
  /** List states. */
  readonly lists: { name: string; distribution: ListDistribution; values: unknown[] }[];
  /** Broadcast states as [key, value] pairs. */
  readonly broadcast: { name: string; entries: [unknown, unknown][] }[];
}

/** How a list state is redistributed on restore. */
export type ListDistribution = "SPLIT" | "UNION";

class OperatorListState implements ListState<unknown> {
  readonly distribution: ListDistribution;
  items: unknown[] = [];
  private readonly name: string;
  constructor(name: string, distribution: ListDistribution) {
    this.name = name;
    this.distribution = distribution;
  }
  get(): Iterable<unknown> {
    return this.items;
  }
  add(v: unknown): void {
    if (v === null || v === undefined)
      throw new TypeError(`operator list state '${this.name}': cannot add ${v}`);
    this.items.push(v);
  }
  addAll(vs: Iterable<unknown>): void {
    for (const v of vs) this.add(v);
  }
  update(vs: Iterable<unknown>): void {
    this.items = [];
    this.addAll(vs);
  }
  clear(): void {
    this.items = [];
  }
}

/** A broadcast state: a map keyed by the user key's map form. */
export class HeapBroadcastState implements BroadcastState<unknown, unknown> {
  /** Entries: map form of the key -> [key, value]. */
  readonly map = new Map<unknown, [unknown, unknown]>();
  /** The declaring descriptor. */
  readonly descriptor: MapStateDescriptor<unknown, unknown>;
  /** Creates an empty state. */
  constructor(descriptor: MapStateDescriptor<unknown, unknown>) {
    this.descriptor = descriptor;
  }
  /** The value under `key`, or null. */
  get(key: unknown): unknown {
    return this.map.get(keyToMapKey(key))?.[1] ?? null;
  }
  /** Whether `key` has an entry. */
  contains(key: unknown): boolean {
    return this.map.has(keyToMapKey(key));
  }
  /** The entries. */
  immutableEntries(): Iterable<[unknown, unknown]> {
    return [...this.map.values()].map(([k, v]) => [k, v] as [unknown, unknown]);
  }
  /** Entries (alias of immutableEntries on the writable side). */
  entries(): Iterable<[unknown, unknown]> {
    return this.immutableEntries();
  }
  /** Iterates the entries. */
  iterator(): Iterator<[unknown, unknown]> {
    return this.immutableEntries()[Symbol.iterator]();
  }
  /** Sets the value under `key`. */
  put(key: unknown, value: unknown): void {
    this.map.set(keyToMapKey(key), [key, value]);
  }
  /** Sets all entries. */
  putAll(entries: Map<unknown, unknown> | Iterable<[unknown, unknown]>): void {
    for (const [k, v] of entries) this.put(k, v);
  }
  /** Removes the entry under `key`. */
  remove(key: unknown): void {
    this.map.delete(keyToMapKey(key));
  }
  /** Removes every entry. */
  clear(): void {
    this.map.clear();
  }
}

/** A read-only view of a broadcast state (what the non-broadcast side gets). */
export class ReadOnlyBroadcastView {
  private readonly state: HeapBroadcastState;
  /** Wraps `state`. */
  constructor(state: HeapBroadcastState) {
    this.state = state;
  }
  /** The value under `key`, or null. */
  get(key: unknown): unknown {
    return this.state.get(key);
  }
  /** Whether `key` has an entry. */
  contains(key: unknown): boolean {
    return this.state.contains(key);
  }
  /** The entries. */
  immutableEntries(): Iterable<[unknown, unknown]> {
    return this.state.immutableEntries();
  }
}

/** The operator state of one operator instance. */
export class OperatorStateBackend implements OperatorStateStore {
  private readonly lists = new Map<string, OperatorListState>();
  private readonly broadcasts = new Map<string, HeapBroadcastState>();
  private readonly operatorName: string;

  /** Creates an empty backend for operator `operatorName`. */
  constructor(operatorName: string) {
    this.operatorName = operatorName;
  }

  private list(d: ListStateDescriptor<unknown>, distribution: ListDistribution): OperatorListState {
    const getter = distribution === "UNION" ? "getUnionListState" : "getListState";
    if (!d || d.kind !== "list") {
      throw new TypeError(
        `${getter}() of the operator state of '${this.operatorName}' expects a ListStateDescriptor, got ${describeDescriptor(d)}`,
      );
    }
    const existing = this.lists.get(d.name);
    if (existing) {
      if (existing.distribution !== distribution) {
        throw new Error(
          `operator state '${d.name}' of '${this.operatorName}' is already registered as ${existing.distribution === "UNION" ? "union list" : "list"} state; it cannot also be ${distribution === "UNION" ? "union list" : "list"} state (${getter}())`,
        );
      }
      return existing;
    }
    const s = new OperatorListState(d.name, distribution);
    this.lists.set(d.name, s);
    return s;
  }

  /** List state split among instances on rescale. */
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.list(descriptor as ListStateDescriptor<unknown>, "SPLIT") as ListState<T>;
  }

  /** List state whose union every instance gets on restore. */
  getUnionListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.list(descriptor as ListStateDescriptor<unknown>, "UNION") as ListState<T>;
  }

  /** Broadcast state `descriptor`, created on first use. */
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V> {
    if (!descriptor || descriptor.kind !== "map") {
      throw new TypeError(
        `getBroadcastState() of the operator state of '${this.operatorName}' expects a MapStateDescriptor, got ${describeDescriptor(descriptor)}`,
      );
    }
    let s = this.broadcasts.get(descriptor.name);
    if (s === undefined) {
      s = new HeapBroadcastState(descriptor as MapStateDescriptor<unknown, unknown>);
      this.broadcasts.set(descriptor.name, s);
    }
    return s as unknown as BroadcastState<K, V>;
  }

  /** Every list and broadcast state, in canonical form (for checkpoints). */
  snapshot(): OperatorStateSnapshot {
    const lists: OperatorStateSnapshot["lists"] = [];
    for (const [name, l] of this.lists) {
      lists.push({ name, distribution: l.distribution, values: [...l.items] });
    }
    const broadcast: OperatorStateSnapshot["broadcast"] = [];
    for (const [name, b] of this.broadcasts) {
      broadcast.push({ name, entries: [...b.map.values()].map(([k, v]) => [k, v]) });
    }
    return { lists, broadcast };
  }

  /** Fills the backend from restored state (before the operator opens). */
  restore(snapshot: OperatorStateSnapshot): void {
    for (const l of snapshot.lists) {
      const s = new OperatorListState(l.name, l.distribution);
      s.items = [...l.values];
      this.lists.set(l.name, s);
    }
    for (const b of snapshot.broadcast) {
      const s = new HeapBroadcastState({ name: b.name, kind: "map" } as MapStateDescriptor<
        unknown,
        unknown
      >);
      for (const [k, v] of b.entries) s.put(k, v);
      this.broadcasts.set(b.name, s);
    }
  }

  /** Names of the list states. */
  getRegisteredStateNames(): Set<string> {
    return new Set(this.lists.keys());
  }

  /** Names of the broadcast states. */
  getRegisteredBroadcastStateNames(): Set<string> {
    return new Set(this.broadcasts.keys());
  }
}

/** How a wrong descriptor is named in errors. */
function describeDescriptor(d: unknown): string {
  if (d === null || d === undefined) return String(d);
  if (typeof d !== "object") return typeof d;
  const name = (d as { name?: unknown }).name;
  const cls = (d as object).constructor?.name ?? "Object";
  return typeof name === "string" ? `${cls} '${name}'` : `an object of class ${cls}`;
}
