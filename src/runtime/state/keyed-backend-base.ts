/**
 * What the keyed state backends share: the current key (set lazily from the current record, from
 * a timer or explicitly), the registry of states by name, and the state handles of
 * heap-states.ts, which work over a {@link StateTable}. The heap backend keeps its tables in JS
 * Maps; the disk backend gives the same handles a table that caches an embedded store.
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
import type { HeapState } from "./heap-states.ts";
import { createHeapState } from "./heap-raw-states.ts";
import type { MapKey, StateTable } from "./state-table.ts";

/** Options of every keyed state backend. */
export interface KeyedBackendOptions {
  /** Name of the operator (for error messages). */
  readonly operatorName: string;
  /** Number of key groups. */
  readonly maxParallelism: number;
  /** Key groups owned by this instance. */
  readonly keyGroupRange: KeyGroupRange;
  /** Processing time (TTL). */
  readonly now: () => number;
}

/** Current key handling and the state registry of a keyed backend; subclasses supply tables. */
export abstract class KeyedBackendBase implements KeyedStateBackend {
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
  /** The registered states by name. */
  protected readonly states = new Map<string, HeapState>();

  /** Creates an empty backend. */
  constructor(options: KeyedBackendOptions) {
    this.maxParallelism = options.maxParallelism;
    this.keyGroupRange = options.keyGroupRange;
    this.operatorName = options.operatorName;
    this.now = options.now;
  }

  /** The table that will hold the state of `descriptor`. */
  protected abstract createTable(descriptor: StateDescriptor, namespaced: boolean): StateTable;

  /** Called once a state is registered (loads restored entries waiting for it). */
  protected abstract onRegistered(state: HeapState): void;

  /** Number of owned key groups. */
  get numGroups(): number {
    return this.keyGroupRange.end - this.keyGroupRange.start + 1;
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
    if (this.snapshotGuard !== null) this.snapshotGuard(group);
    this.key = key;
    this.mapKey = keyToMapKey(key);
    this.group = group;
    this.dirty = false;
    this.version++;
  }

  /**
   * Set while an asynchronous snapshot is in progress: called with the key group index (in the
   * owned range) before state of that group is touched, or -1 before an operation that touches
   * every group (draining a namespace), so the snapshot can take the group first (copy-on-write
   * by key group).
   */
  snapshotGuard: ((group: number) => void) | null = null;

  /** An operation is about to touch every key group (see {@link snapshotGuard}). */
  beforeWideAccess(): void {
    if (this.snapshotGuard !== null) this.snapshotGuard(-1);
  }

  /**
   * Sets the current key when its map form and key group index (in the owned range) are known,
   * e.g. while iterating a state table: no hashing, no checks.
   */
  setResolvedKey(key: unknown, mapKey: MapKey, group: number): void {
    if (this.snapshotGuard !== null) this.snapshotGuard(group);
    this.key = key;
    this.mapKey = mapKey;
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

  /** The current key's map form (`keyToMapKey`), computed once per key. */
  getCurrentMapKey(): MapKey {
    this.resolve();
    return this.mapKey;
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
    const table = this.createTable(descriptor, namespaceKey !== undefined);
    const state = createHeapState(
      descriptor,
      this,
      table,
      (namespaceKey ?? null) as NamespaceKeyFn<unknown> | null,
    );
    this.states.set(descriptor.name, state);
    this.onRegistered(state);
    return state as unknown as S & InternalKvState<N>;
  }

  /** Keys with a value of state `name` in `namespace`. */
  *getKeys(name: string, namespace: unknown = VOID_NAMESPACE): Iterable<unknown> {
    const state = this.states.get(name);
    if (!state) return;
    yield* state.table.keys(state.namespaced ? state.namespaceKeyOf(namespace) : null);
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

  /** Releases all state. */
  abstract dispose(): void;
}
