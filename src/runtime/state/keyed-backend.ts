/**
 * The keyed state backend contract. A backend holds the keyed state of one operator instance, for
 * the key groups assigned to it, and knows the current key (set from the current record, lazily,
 * or from a firing timer). The heap backend implements it today; a disk backend and checkpoint
 * snapshots build on the same contract.
 */
import type { KeyGroupRange } from "../../core/keygroups.ts";
import type { State, StateDescriptor } from "../../api/state.ts";
import type { KeyFn } from "../../api/transformations.ts";

/** Turns a namespace (e.g. a window) into a map key; namespaces with equal keys are equal. */
export type NamespaceKeyFn<N> = (namespace: N) => string | number;

/** The namespace of state that has none (all state outside windows). */
export const VOID_NAMESPACE: unique symbol = Symbol("VoidNamespace");
/** Type of {@link VOID_NAMESPACE}. */
export type VoidNamespace = typeof VOID_NAMESPACE;

/** A keyed state handle of the runtime: the user-facing handle plus namespace switching. */
export interface InternalKvState<N = unknown> extends State {
  /** Sets the namespace later calls apply to. */
  setCurrentNamespace(namespace: N): void;
  /** Merges the values of `sources` namespaces into `target` (merging windows; merging kinds only). */
  mergeNamespaces(target: N, sources: readonly N[]): void;
  /** Whether the current key has a value in the current namespace (cheap; runs no user code). */
  hasValue(): boolean;
  /**
   * Takes every key's value in `namespace` in one pass: removes the whole namespace, then calls
   * `fn` with each value (as `get()`/`value()` would have returned it) and its key current, key
   * group by key group (insertion order within a group); values expired by TTL are skipped
   * unless visible. For value, list, reducing and aggregating state (window contents).
   */
  drainNamespace(namespace: N, fn: (value: unknown) => void): void;
}

/** Where the current key comes from and how state is looked up under it. */
export interface KeyContext {
  /** Sets the current key explicitly (timers, `applyToKeyedState`). */
  setCurrentKey(key: unknown): void;
  /** The current key (computing it from the current record on first use). */
  getCurrentKey(): unknown;
  /** The current key's map form (`keyToMapKey`), computed once per key. */
  getCurrentMapKey(): string | number | bigint | boolean | null;
  /** Makes `record` the source of the current key; the key is computed only when needed. */
  setCurrentRecord(record: unknown, keyFn: KeyFn): void;
}

/** Keyed state of one operator instance, partitioned by key group. */
export interface KeyedStateBackend extends KeyContext {
  /** Number of key groups of the job's key space. */
  readonly maxParallelism: number;
  /** The key groups this instance owns. */
  readonly keyGroupRange: KeyGroupRange;
  /** The key group of the current key. */
  getCurrentKeyGroup(): number;
  /**
   * The state declared by `descriptor` in namespace kind `namespaceKey` (VOID when absent); the
   * same name always gives the same handle, a different kind under a used name is an error.
   */
  getOrCreateKeyedState<S extends State, N = VoidNamespace>(
    descriptor: StateDescriptor<S>,
    namespaceKey?: NamespaceKeyFn<N>,
  ): S & InternalKvState<N>;
  /** The keys that have a value of state `name` in `namespace`. */
  getKeys(name: string, namespace?: unknown): Iterable<unknown>;
  /** Runs `fn` for every key with a value of `descriptor`'s state (in the VOID namespace), with that key current. */
  applyToAllKeys<S extends State>(
    descriptor: StateDescriptor<S>,
    fn: (key: unknown, state: S) => void,
  ): void;
  /**
   * Leaves the backend without a current key (e.g. on the broadcast input of a keyed broadcast
   * operator), so a stale key cannot leak; state access then fails naming `reason`.
   */
  clearCurrentKey(reason: string): void;
  /** Number of (key, namespace) entries over all states (for metrics and tests). */
  numStateEntries(): number;
  /** Releases all state. */
  dispose(): void;
}
