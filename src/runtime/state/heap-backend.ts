/**
 * The heap keyed state backend: every state is a table of JS Maps, one per key group owned by the
 * instance (so a snapshot or a rescale can take whole key groups), from the key's map form to an
 * entry holding the key, the namespace, the value and its last-access time (for TTL).
 */
import { assignToKeyGroup, keyToMapKey, type KeyGroupRange } from "../../core/keygroups.ts";
import type { State, StateDescriptor } from "../../api/state.ts";
import type { KeyFn } from "../../api/transformations.ts";
import {
  VOID_NAMESPACE,
  type InternalKvState,
  type KeyedStateBackend,
  type NamespaceKeyFn,
  type VoidNamespace,
} from "./keyed-backend.ts";
import { createHeapState, type HeapState } from "./heap-states.ts";

/** Map form of a key (primitives as themselves, composite keys as a canonical string). */
export type MapKey = string | number | bigint | boolean | null;

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

/**
 * The entries of one state, per key group: `groups[i]` maps key -> entry (VOID namespace);
 * namespaced state maps namespace -> (key -> entry), namespace first: a window holds many keys,
 * and a key rarely has more than a few windows, so no per-key map is allocated.
 */
export class StateTable {
  /** Per owned key group (index = key group - range start). */
  readonly groups: (Map<MapKey, StateEntry> | undefined)[];
  /** Namespaced tables: per key group, namespace key -> key -> entry. */
  readonly nsGroups: (Map<string | number, Map<MapKey, StateEntry>> | undefined)[];
  /** Whether this table has namespaces. */
  readonly namespaced: boolean;
  /**
   * Raw tables (value state without namespace and TTL, the hottest case) map the key straight to
   * the value, saving an entry object and a memory access per lookup.
   */
  readonly raw: boolean;
  /** Raw tables: per key group, key -> value. */
  readonly rawGroups: (Map<MapKey, unknown> | undefined)[];
  /** Raw tables: the user's key objects of composite keys (whose map form is a string). */
  readonly keyObjects = new Map<MapKey, unknown>();

  /** Creates an empty table over `numGroups` key groups. */
  constructor(numGroups: number, namespaced: boolean, raw = false) {
    this.namespaced = namespaced;
    this.raw = raw && !namespaced;
    this.groups = namespaced || this.raw ? [] : new Array(numGroups).fill(undefined);
    this.nsGroups = namespaced ? new Array(numGroups).fill(undefined) : [];
    this.rawGroups = this.raw ? new Array(numGroups).fill(undefined) : [];
  }

  /** The entry of (group, key, namespace key), if any. */
  get(group: number, key: MapKey, nsKey: string | number | null): StateEntry | undefined {
    if (!this.namespaced) return this.groups[group]?.get(key);
    return this.nsGroups[group]?.get(nsKey!)?.get(key);
  }

  /** Stores an entry. */
  put(group: number, key: MapKey, nsKey: string | number | null, entry: StateEntry): void {
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

  /** Removes an entry. */
  remove(group: number, key: MapKey, nsKey: string | number | null): void {
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

  /** Every entry with the means to remove it (safe to remove while iterating). */
  *entries(): Generator<[entry: StateEntry, remove: () => void]> {
    if (this.raw) {
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

  /** Removes a key of a raw table. */
  removeRaw(m: Map<MapKey, unknown>, k: MapKey): void {
    if (m.delete(k) && this.keyObjects.size > 0) this.keyObjects.delete(k);
  }

  /** Number of entries. */
  size(): number {
    let n = 0;
    if (this.raw) for (const m of this.rawGroups) n += m?.size ?? 0;
    else if (!this.namespaced) for (const m of this.groups) n += m?.size ?? 0;
    else for (const g of this.nsGroups) if (g) for (const m of g.values()) n += m.size;
    return n;
  }
}

/** Options of a heap backend. */
export interface HeapBackendOptions {
  /** Name of the operator (for error messages). */
  readonly operatorName: string;
  /** Number of key groups. */
  readonly maxParallelism: number;
  /** Key groups owned by this instance. */
  readonly keyGroupRange: KeyGroupRange;
  /** Processing time (TTL). */
  readonly now: () => number;
}

/** Keyed state in JS Maps. */
export class HeapKeyedStateBackend implements KeyedStateBackend {
  /** Number of key groups. */
  readonly maxParallelism: number;
  /** Owned key groups. */
  readonly keyGroupRange: KeyGroupRange;
  /** Operator name, for errors. */
  readonly operatorName: string;
  /** Processing time. */
  readonly now: () => number;
  /** Current key (valid when not `dirty`). */
  key: unknown = undefined;
  /** Map form of the current key. */
  mapKey: MapKey = null;
  /** Index of the current key's group in the owned range. */
  group = 0;
  /** Changes whenever the current key may change (lets handles reuse the entry they just read). */
  version = 0;
  /** Whether the current key must still be computed from the current record (or is missing). */
  dirty = true;
  private record: unknown = undefined;
  private keyFn: KeyFn | null = null;
  private noKeyReason =
    "keyed state and timers are only usable in processElement/onTimer (there is no key in open/close)";
  private readonly states = new Map<string, HeapState>();

  /** Creates an empty backend. */
  constructor(options: HeapBackendOptions) {
    this.maxParallelism = options.maxParallelism;
    this.keyGroupRange = options.keyGroupRange;
    this.operatorName = options.operatorName;
    this.now = options.now;
  }

  /** Makes `record` the source of the current key. */
  setCurrentRecord(record: unknown, keyFn: KeyFn): void {
    this.record = record;
    this.keyFn = keyFn;
    this.dirty = true;
    this.version++;
  }

  /** Sets the current key. */
  setCurrentKey(key: unknown): void {
    if (key === undefined) {
      throw new Error(
        `the key selector of operator '${this.operatorName}' returned undefined; keys must be defined values`,
      );
    }
    const kg = assignToKeyGroup(key, this.maxParallelism);
    const group = kg - this.keyGroupRange.start;
    if (group < 0 || kg > this.keyGroupRange.end) {
      throw new Error(
        `key ${String(key)} (key group ${kg}) does not belong to this instance of operator '${this.operatorName}' (key groups ${this.keyGroupRange.start}..${this.keyGroupRange.end}): is the key selector deterministic?`,
      );
    }
    this.key = key;
    this.mapKey = keyToMapKey(key);
    this.group = group;
    this.dirty = false;
    this.version++;
  }

  /** Leaves no current key: keyed state access fails (naming `reason`) until a key is set again. */
  clearCurrentKey(reason: string): void {
    this.record = undefined;
    this.keyFn = null;
    this.dirty = true;
    this.noKeyReason = reason;
  }

  /** Computes the current key from the current record if needed. */
  resolve(): void {
    if (this.dirty) {
      if (this.keyFn === null) {
        throw new Error(
          `no current key in operator '${this.operatorName}'${this.noKeyReason ? `: ${this.noKeyReason}` : ""}`,
        );
      }
      this.setCurrentKey(this.keyFn(this.record));
    }
  }

  /** The current key. */
  getCurrentKey(): unknown {
    this.resolve();
    return this.key;
  }

  /** The current key's key group. */
  getCurrentKeyGroup(): number {
    this.resolve();
    return this.group + this.keyGroupRange.start;
  }

  /** The state of `descriptor`, created on first use. */
  getOrCreateKeyedState<S extends State, N = VoidNamespace>(
    descriptor: StateDescriptor<S>,
    namespaceKey?: NamespaceKeyFn<N>,
  ): S & InternalKvState<N> {
    const existing = this.states.get(descriptor.name);
    if (existing) {
      if (existing.descriptor.kind !== descriptor.kind) {
        throw new Error(
          `state '${descriptor.name}' of operator '${this.operatorName}' is already registered as ${existing.descriptor.kind} state; it cannot also be ${descriptor.kind} state`,
        );
      }
      if (existing.namespaced !== (namespaceKey !== undefined)) {
        throw new Error(
          `state '${descriptor.name}' of operator '${this.operatorName}' is registered both with and without a namespace`,
        );
      }
      return existing as unknown as S & InternalKvState<N>;
    }
    const numGroups = this.keyGroupRange.end - this.keyGroupRange.start + 1;
    const namespaced = namespaceKey !== undefined;
    const raw = descriptor.kind === "value" && !namespaced && descriptor.ttlConfig === null;
    const table = new StateTable(numGroups, namespaced, raw);
    const state = createHeapState(
      descriptor,
      this,
      table,
      (namespaceKey ?? null) as NamespaceKeyFn<unknown> | null,
    );
    this.states.set(descriptor.name, state);
    return state as unknown as S & InternalKvState<N>;
  }

  /** Keys with a value of state `name` in `namespace`. */
  *getKeys(name: string, namespace: unknown = VOID_NAMESPACE): Iterable<unknown> {
    const state = this.states.get(name);
    if (!state) return;
    const nsKey = state.namespaced ? state.namespaceKeyOf(namespace) : null;
    for (const [e] of state.table.entries()) {
      if (nsKey === null || state.namespaceKeyOf(e.ns) === nsKey) yield e.key;
    }
  }

  /** Runs `fn` for every key of `descriptor`'s state, with that key current. */
  applyToAllKeys<S extends State>(
    descriptor: StateDescriptor<S>,
    fn: (key: unknown, state: S) => void,
  ): void {
    const state = this.getOrCreateKeyedState(descriptor);
    const keys = [...this.getKeys(descriptor.name)];
    const saved = this.dirty ? null : { key: this.key };
    const savedRecord = this.dirty;
    for (const k of keys) {
      this.setCurrentKey(k);
      fn(k, state);
    }
    if (saved) this.setCurrentKey(saved.key);
    else this.dirty = savedRecord;
  }

  /** Entries over all states. */
  numStateEntries(): number {
    let n = 0;
    for (const s of this.states.values()) n += s.table.size();
    return n;
  }

  /** The registered states (for snapshots). */
  registeredStates(): ReadonlyMap<string, HeapState> {
    return this.states;
  }

  /** Drops all state. */
  dispose(): void {
    this.states.clear();
  }
}
