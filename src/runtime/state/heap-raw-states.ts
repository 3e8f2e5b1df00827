/**
 * The heap backend's handles over raw tables (see state-table.ts), which map keys straight to
 * values, without entry objects and so without TTL: value state without namespace, and reducing
 * and aggregating state with a namespace (window contents). Also the factory choosing a handle.
 *
 * A stored `undefined` (a reduce result, an accumulator, or a reducing state's added value may be
 * `undefined`) is kept as {@link UNDEFINED_VALUE}, so it stays a value (`get()` returns
 * `undefined`, not null, and `hasValue()` is true) as in entry tables; null, 0, "" and false are
 * stored as themselves.
 */
import type {
  AggregatingStateDescriptor,
  ReducingStateDescriptor,
  StateDescriptor,
} from "../../api/state.ts";
import type { AggregateFunction } from "../../api/functions.ts";
import type { NamespaceKeyFn } from "./keyed-backend.ts";
import type { KeyedBackendBase } from "./keyed-backend-base.ts";
import {
  HeapAggregatingState,
  HeapListState,
  HeapReducingState,
  HeapState,
  HeapValueState,
} from "./heap-states.ts";
import { HeapMapState } from "./heap-map-state.ts";
import { UNDEFINED_VALUE, type StateTable } from "./state-table.ts";

/** The stored form of a value. */
function encode(v: unknown): unknown {
  return v === undefined ? UNDEFINED_VALUE : v;
}

/** The value of a stored form (not `undefined`, which means absent). */
function decode(v: unknown): unknown {
  return v === UNDEFINED_VALUE ? undefined : v;
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

/** Base of the raw namespaced handles: namespace -> key -> stored value. */
abstract class RawNamespacedState extends HeapState {
  /** The stored form of the current (key, namespace) value, or undefined when there is none. */
  protected stored(): unknown {
    const b = this.b;
    if (b.dirty) b.resolve();
    return this.table.rawNsGroups[b.group]?.get(this.nsKey!)?.values.get(b.mapKey);
  }

  /** Stores `v` under the current (key, namespace); the key must be resolved. */
  protected store(v: unknown): void {
    const b = this.b;
    const s = this.table.slot(b.group, this.nsKey!, this.ns, true)!;
    const mk = b.mapKey;
    if (mk !== b.key && !s.values.has(mk)) (s.objs ??= new Map()).set(mk, b.key);
    s.values.set(mk, encode(v));
  }

  override hasValue(): boolean {
    return this.stored() !== undefined;
  }

  override clear(): void {
    const b = this.b;
    if (b.dirty) b.resolve();
    this.table.removeFromSlot(b.group, this.nsKey!, b.mapKey);
  }

  /** Removes the current key's value in namespace `ns`; returns its stored form (for merging). */
  protected take(ns: unknown): unknown {
    this.setCurrentNamespace(ns);
    const b = this.b;
    if (b.dirty) b.resolve();
    return this.table.removeFromSlot(b.group, this.nsKey!, b.mapKey);
  }

  /** Merges the current key's values of `sources` into `target` with `merge`. */
  protected mergeWith(
    target: unknown,
    sources: readonly unknown[],
    merge: (a: unknown, b: unknown) => unknown,
  ): void {
    let found = false;
    let acc: unknown = undefined;
    for (const s of sources) {
      const t = this.take(s);
      if (t === undefined) continue;
      acc = found ? merge(acc, decode(t)) : decode(t);
      found = true;
    }
    if (!found) return;
    this.setCurrentNamespace(target);
    const cur = this.stored();
    this.store(cur === undefined ? acc : merge(decode(cur), acc));
  }

  override drainNamespace(ns: unknown, fn: (value: unknown) => void): void {
    const b = this.b;
    b.beforeWideAccess();
    for (const s of this.table.takeSlots(this.namespaceKeyOf(ns)!)) {
      const objs = s.objs;
      const group = s.group;
      for (const [k, v] of s.values) {
        b.setResolvedKey(objs === null ? k : (objs.get(k) ?? k), k, group);
        fn(this.resultOf(decode(v)));
      }
    }
  }
}

/** Heap `ReducingState` with a namespace and without TTL. */
class RawReducingState extends RawNamespacedState {
  private readonly fn: (a: unknown, b: unknown) => unknown;
  constructor(...args: ConstructorParameters<typeof HeapState>) {
    super(...args);
    this.fn = (this.descriptor as ReducingStateDescriptor<unknown>).reduceFunction;
  }
  get(): unknown {
    const v = this.stored();
    return v === undefined ? null : decode(v);
  }
  add(v: unknown): void {
    const b = this.b;
    if (b.dirty) b.resolve();
    const s = this.table.slot(b.group, this.nsKey!, this.ns, true)!;
    const mk = b.mapKey;
    const cur = s.values.get(mk);
    if (cur !== undefined) {
      s.values.set(mk, encode(this.fn(decode(cur), v)));
      return;
    }
    s.values.set(mk, encode(v));
    if (mk !== b.key) (s.objs ??= new Map()).set(mk, b.key);
  }
  override mergeNamespaces(target: unknown, sources: readonly unknown[]): void {
    this.mergeWith(target, sources, this.fn);
  }
}

/** Heap `AggregatingState` with a namespace and without TTL (stores the accumulator). */
class RawAggregatingState extends RawNamespacedState {
  private readonly fn: AggregateFunction<unknown, unknown, unknown>;
  constructor(...args: ConstructorParameters<typeof HeapState>) {
    super(...args);
    this.fn = (
      this.descriptor as AggregatingStateDescriptor<unknown, unknown, unknown>
    ).aggregateFunction;
  }
  get(): unknown {
    const v = this.stored();
    return v === undefined ? null : this.fn.getResult(decode(v));
  }
  protected override resultOf(acc: unknown): unknown {
    return this.fn.getResult(acc);
  }
  add(v: unknown): void {
    const b = this.b;
    if (b.dirty) b.resolve();
    const s = this.table.slot(b.group, this.nsKey!, this.ns, true)!;
    const mk = b.mapKey;
    const acc = s.values.get(mk);
    if (acc !== undefined) {
      s.values.set(mk, encode(this.fn.add(v, decode(acc))));
      return;
    }
    s.values.set(mk, encode(this.fn.add(v, this.fn.createAccumulator())));
    if (mk !== b.key) (s.objs ??= new Map()).set(mk, b.key);
  }
  override mergeNamespaces(target: unknown, sources: readonly unknown[]): void {
    const fn = this.fn;
    const merge = fn.merge;
    if (typeof merge !== "function") {
      throw new Error(
        `aggregating state '${this.descriptor.name}': the AggregateFunction has no merge(), which merging windows need`,
      );
    }
    this.mergeWith(target, sources, (a, b) => merge.call(fn, a, b));
  }
}

/** Whether `descriptor`'s state is kept in a raw table (no entry objects; never with TTL). */
export function usesRawTable(descriptor: StateDescriptor, namespaced: boolean): boolean {
  if (descriptor.ttlConfig !== null) return false;
  const kind = descriptor.kind;
  return kind === "value"
    ? !namespaced
    : namespaced && (kind === "reducing" || kind === "aggregating");
}

/** Creates the heap handle for `descriptor` over `table`. */
export function createHeapState(
  descriptor: StateDescriptor,
  backend: KeyedBackendBase,
  table: StateTable,
  nsKeyFn: NamespaceKeyFn<unknown> | null,
): HeapState {
  const raw = table.raw;
  switch (descriptor.kind) {
    case "value":
      return raw
        ? new RawValueState(descriptor, backend, table, nsKeyFn)
        : new HeapValueState(descriptor, backend, table, nsKeyFn);
    case "list":
      return new HeapListState(descriptor, backend, table, nsKeyFn);
    case "map":
      return new HeapMapState(descriptor, backend, table, nsKeyFn);
    case "reducing":
      return raw
        ? new RawReducingState(descriptor, backend, table, nsKeyFn)
        : new HeapReducingState(descriptor, backend, table, nsKeyFn);
    case "aggregating":
      return raw
        ? new RawAggregatingState(descriptor, backend, table, nsKeyFn)
        : new HeapAggregatingState(descriptor, backend, table, nsKeyFn);
    default:
      throw new Error(`unknown state kind ${(descriptor as { kind: string }).kind}`);
  }
}

/**
 * Whether `state` holds its value by reference (the heap backend's value state without TTL): a
 * value read from it and changed in place is already the stored value, so writing it back with
 * `update` changes nothing. Disk states and states with TTL need the `update`.
 */
export function holdsValueByReference(state: unknown): boolean {
  return state instanceof RawValueState;
}
