/**
 * State as user functions see it, with Flink's names: state handles (`ValueState`, `ListState`,
 * `MapState`, `ReducingState`, `AggregatingState`, broadcast state) and the descriptors that
 * declare them, including time-to-live. Keyed state is scoped to the key of the current record (or
 * firing timer); operator state belongs to a parallel instance.
 */
import { toMillis, type DurationLike } from "../core/duration.ts";
import type { AggregateFunction, ReduceFunction } from "./functions.ts";

/** Base of all state handles. */
export interface State {
  /** Removes the value(s) of the current key (and namespace). */
  clear(): void;
}

/** One value per key. */
export interface ValueState<T> extends State {
  /** The value of the current key, or `null` when none is set. */
  value(): T | null;
  /** Sets the value of the current key (`null`/`undefined` clears it). */
  update(value: T | null): void;
}

/** A list of values per key. */
export interface ListState<T> extends State {
  /** The values of the current key (empty when none). */
  get(): Iterable<T>;
  /** Appends a value. */
  add(value: T): void;
  /** Appends values. */
  addAll(values: Iterable<T>): void;
  /** Replaces all values. */
  update(values: Iterable<T>): void;
}

/** A map per key. */
export interface MapState<K, V> extends State {
  /** The value under `key`, or `null`. */
  get(key: K): V | null;
  /** Sets the value under `key`. */
  put(key: K, value: V): void;
  /** Sets all entries of `map`. */
  putAll(map: Map<K, V> | Iterable<[K, V]>): void;
  /** Removes the entry under `key`. */
  remove(key: K): void;
  /** Whether an entry exists under `key`. */
  contains(key: K): boolean;
  /** All entries. */
  entries(): Iterable<[K, V]>;
  /** All keys. */
  keys(): Iterable<K>;
  /** All values. */
  values(): Iterable<V>;
  /** Iterates the entries. */
  iterator(): Iterator<[K, V]>;
  /** Whether the map of the current key is empty. */
  isEmpty(): boolean;
}

/** Values added are combined with a reduce function into one value per key. */
export interface ReducingState<T> extends State {
  /** The combined value, or `null`. */
  get(): T | null;
  /** Combines `value` into the state. */
  add(value: T): void;
}

/** Values added are folded into an accumulator by an {@link AggregateFunction}. */
export interface AggregatingState<IN, OUT> extends State {
  /** The aggregate's result, or `null` when nothing was added. */
  get(): OUT | null;
  /** Folds `value` into the accumulator. */
  add(value: IN): void;
}

/** Broadcast state as the broadcast side sees it: readable and writable. */
export interface BroadcastState<K, V> extends ReadOnlyBroadcastState<K, V> {
  /** Sets the value under `key`. */
  put(key: K, value: V): void;
  /** Sets all entries. */
  putAll(map: Map<K, V> | Iterable<[K, V]>): void;
  /** Removes the entry under `key`. */
  remove(key: K): void;
  /** Removes every entry. */
  clear(): void;
  /** All entries. */
  entries(): Iterable<[K, V]>;
  /** Iterates the entries. */
  iterator(): Iterator<[K, V]>;
}

/** Broadcast state as the keyed/non-broadcast side sees it: read only. */
export interface ReadOnlyBroadcastState<K, V> {
  /** The value under `key`, or `null`. */
  get(key: K): V | null;
  /** Whether an entry exists under `key`. */
  contains(key: K): boolean;
  /** All entries (read only). */
  immutableEntries(): Iterable<[K, V]>;
}

/** An optional hint of the stored type (a name like `"number"`, or a class), for serializers. */
export type TypeHint = string | (abstract new (...args: never[]) => unknown) | null;

/** The kinds of state a descriptor can declare. */
export type StateKind = "value" | "list" | "map" | "reducing" | "aggregating";

/** Declares a state: its unique name, kind, optional type hint and time-to-live. */
export abstract class StateDescriptor<_S extends State = State, T = unknown> {
  /** The state's name, unique within an operator. */
  readonly name: string;
  /** What kind of state this is. */
  abstract readonly kind: StateKind;
  /** Type hint for serializers (optional). */
  readonly type: TypeHint;
  /** Time-to-live settings, if enabled. */
  ttlConfig: StateTtlConfig | null = null;
  /** Phantom field carrying the value type; never set. */
  declare readonly __value?: T;

  /** Creates a descriptor named `name`. */
  constructor(name: string, type: TypeHint = null) {
    if (typeof name !== "string" || name.length === 0)
      throw new TypeError("a state descriptor needs a non-empty name");
    this.name = name;
    this.type = type;
  }

  /** Enables time-to-live for this state. */
  enableTimeToLive(config: StateTtlConfig): void {
    if (!(config instanceof StateTtlConfig))
      throw new TypeError(
        "enableTimeToLive expects a StateTtlConfig (StateTtlConfig.newBuilder(...).build())",
      );
    this.ttlConfig = config;
  }
}

/** Declares a {@link ValueState}. */
export class ValueStateDescriptor<T> extends StateDescriptor<ValueState<T>, T> {
  /** Kind marker. */
  readonly kind = "value";
}

/** Declares a {@link ListState}. */
export class ListStateDescriptor<T> extends StateDescriptor<ListState<T>, T> {
  /** Kind marker. */
  readonly kind = "list";
}

/** Declares a {@link MapState} (also used for broadcast state). */
export class MapStateDescriptor<K, V> extends StateDescriptor<MapState<K, V>, V> {
  /** Kind marker. */
  readonly kind = "map";
  /** Type hint of the keys. */
  readonly keyType: TypeHint;
  /** Creates a descriptor with optional key and value type hints. */
  constructor(name: string, keyType: TypeHint = null, valueType: TypeHint = null) {
    super(name, valueType);
    this.keyType = keyType;
  }
  /** Phantom field carrying the key type; never set. */
  declare readonly __key?: K;
}

/** Declares a {@link ReducingState}. */
export class ReducingStateDescriptor<T> extends StateDescriptor<ReducingState<T>, T> {
  /** Kind marker. */
  readonly kind = "reducing";
  /** Combines two values. */
  readonly reduceFunction: (a: T, b: T) => T;
  /** Creates a descriptor with its reduce function (a lambda or a ReduceFunction). */
  constructor(
    name: string,
    reduce: ReduceFunction<T> | ((a: T, b: T) => T),
    type: TypeHint = null,
  ) {
    super(name, type);
    if (typeof reduce === "function") this.reduceFunction = reduce;
    else if (reduce && typeof reduce.reduce === "function")
      this.reduceFunction = (a, b) => reduce.reduce(a, b);
    else throw new TypeError(`ReducingStateDescriptor '${name}' needs a reduce function`);
  }
}

/** Declares an {@link AggregatingState}. */
export class AggregatingStateDescriptor<IN, ACC, OUT> extends StateDescriptor<
  AggregatingState<IN, OUT>,
  ACC
> {
  /** Kind marker. */
  readonly kind = "aggregating";
  /** The aggregate function. */
  readonly aggregateFunction: AggregateFunction<IN, ACC, OUT>;
  /** Creates a descriptor with its aggregate function. */
  constructor(name: string, fn: AggregateFunction<IN, ACC, OUT>, accType: TypeHint = null) {
    super(name, accType);
    for (const m of ["createAccumulator", "add", "getResult"] as const) {
      if (!fn || typeof fn[m] !== "function")
        throw new TypeError(
          `AggregatingStateDescriptor '${name}': the AggregateFunction has no ${m}()`,
        );
    }
    this.aggregateFunction = fn;
  }
}

/** The handle type a state descriptor declares (`ReducingStateDescriptor<T>` -> `ReducingState<T>`...). */
export type StateOfDescriptor<D> =
  D extends ValueStateDescriptor<infer T>
    ? ValueState<T>
    : D extends ListStateDescriptor<infer T>
      ? ListState<T>
      : D extends MapStateDescriptor<infer K, infer V>
        ? MapState<K, V>
        : D extends ReducingStateDescriptor<infer T>
          ? ReducingState<T>
          : D extends AggregatingStateDescriptor<infer IN, infer _ACC, infer OUT>
            ? AggregatingState<IN, OUT>
            : State;

/** When the time-to-live of a value is (re)started. */
export type TtlUpdateType = "OnCreateAndWrite" | "OnReadAndWrite";
/** The update types as constants (Flink's `StateTtlConfig.UpdateType`). */
export const TtlUpdateType = {
  OnCreateAndWrite: "OnCreateAndWrite",
  OnReadAndWrite: "OnReadAndWrite",
} as const;

/** Whether an expired value that was not cleaned up yet may still be returned. */
export type TtlStateVisibility = "NeverReturnExpired" | "ReturnExpiredIfNotCleanedUp";
/** The visibilities as constants (Flink's `StateTtlConfig.StateVisibility`). */
export const TtlStateVisibility = {
  NeverReturnExpired: "NeverReturnExpired",
  ReturnExpiredIfNotCleanedUp: "ReturnExpiredIfNotCleanedUp",
} as const;

/** Time-to-live of state values, measured in processing time of the injected clock. */
export class StateTtlConfig {
  /** How long a value lives, ms. */
  readonly ttl: number;
  /** When the time-to-live restarts. */
  readonly updateType: TtlUpdateType;
  /** Whether expired values may be returned. */
  readonly stateVisibility: TtlStateVisibility;
  /** Entries checked per state access by incremental cleanup (0 disables). */
  readonly incrementalCleanupSize: number;
  /** Whether incremental cleanup also runs for every processed record. */
  readonly cleanupOnEveryRecord: boolean;
  /** Whether expired values are left out of full snapshots. */
  readonly cleanupInFullSnapshot: boolean;

  /** Use {@link StateTtlConfig.newBuilder}. */
  constructor(b: StateTtlConfigBuilder) {
    this.ttl = b.ttl;
    this.updateType = b.updateType;
    this.stateVisibility = b.visibility;
    this.incrementalCleanupSize = b.cleanupSize;
    this.cleanupOnEveryRecord = b.everyRecord;
    this.cleanupInFullSnapshot = b.fullSnapshot;
  }

  /** Starts a configuration with time-to-live `ttl`. */
  static newBuilder(ttl: DurationLike): StateTtlConfigBuilder {
    return new StateTtlConfigBuilder(toMillis(ttl, "state time-to-live", 1));
  }
}

/** Builds a {@link StateTtlConfig}. */
export class StateTtlConfigBuilder {
  /** Time-to-live, ms. */
  ttl: number;
  /** Update type. */
  updateType: TtlUpdateType = "OnCreateAndWrite";
  /** Visibility. */
  visibility: TtlStateVisibility = "NeverReturnExpired";
  /** Incremental cleanup size (default 5 entries per access, as Flink's heap backend). */
  cleanupSize = 5;
  /** Incremental cleanup per record. */
  everyRecord = false;
  /** Cleanup in full snapshots. */
  fullSnapshot = false;

  /** Created by `StateTtlConfig.newBuilder`. */
  constructor(ttl: number) {
    this.ttl = ttl;
  }
  /** Sets when the time-to-live restarts. */
  setUpdateType(t: TtlUpdateType): this {
    this.updateType = t;
    return this;
  }
  /** Restarts the time-to-live on creation and writes (the default). */
  updateTtlOnCreateAndWrite(): this {
    return this.setUpdateType("OnCreateAndWrite");
  }
  /** Restarts the time-to-live on reads too. */
  updateTtlOnReadAndWrite(): this {
    return this.setUpdateType("OnReadAndWrite");
  }
  /** Sets whether expired values may be returned. */
  setStateVisibility(v: TtlStateVisibility): this {
    this.visibility = v;
    return this;
  }
  /** Never returns expired values (the default). */
  neverReturnExpired(): this {
    return this.setStateVisibility("NeverReturnExpired");
  }
  /** Returns expired values until they are cleaned up. */
  returnExpiredIfNotCleanedUp(): this {
    return this.setStateVisibility("ReturnExpiredIfNotCleanedUp");
  }
  /** Checks `cleanupSize` entries for expiry on every state access (and per record if asked). */
  cleanupIncrementally(cleanupSize: number, runCleanupForEveryRecord = false): this {
    if (!(Number.isInteger(cleanupSize) && cleanupSize >= 0))
      throw new RangeError(
        `cleanupIncrementally: cleanupSize must be an integer >= 0, got ${cleanupSize}`,
      );
    this.cleanupSize = cleanupSize;
    this.everyRecord = runCleanupForEveryRecord;
    return this;
  }
  /** Leaves expired values out of full snapshots. */
  cleanupFullSnapshot(): this {
    this.fullSnapshot = true;
    return this;
  }
  /** Disables background cleanup (expired values are only removed when read). */
  disableCleanupInBackground(): this {
    this.cleanupSize = 0;
    this.everyRecord = false;
    return this;
  }
  /** The configuration. */
  build(): StateTtlConfig {
    return new StateTtlConfig(this);
  }
}

/** Creates keyed state handles (what `RuntimeContext.getState` and friends delegate to). */
export interface KeyedStateStore {
  /** A value state. */
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  /** A list state. */
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  /** A map state. */
  getMapState<K, V>(descriptor: MapStateDescriptor<K, V>): MapState<K, V>;
  /** A reducing state. */
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T>;
  /** An aggregating state. */
  getAggregatingState<IN, ACC, OUT>(
    descriptor: AggregatingStateDescriptor<IN, ACC, OUT>,
  ): AggregatingState<IN, OUT>;
}

/** Operator (non-keyed) state of one parallel instance. */
export interface OperatorStateStore {
  /** List state redistributed round-robin on rescaling. */
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  /** List state of which every instance gets the union of all instances' lists on restore. */
  getUnionListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  /** Broadcast state (same content on every instance). */
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V>;
  /** Names of the registered list states. */
  getRegisteredStateNames(): Set<string>;
  /** Names of the registered broadcast states. */
  getRegisteredBroadcastStateNames(): Set<string>;
}

/** Given to {@link CheckpointedFunction.initializeState}. */
export interface FunctionInitializationContext {
  /** Whether state was restored from a checkpoint or savepoint. */
  isRestored(): boolean;
  /** Operator state of this parallel instance. */
  getOperatorStateStore(): OperatorStateStore;
  /** Keyed state (keyed streams only). */
  getKeyedStateStore(): KeyedStateStore;
}

/** Given to {@link CheckpointedFunction.snapshotState}. */
export interface FunctionSnapshotContext {
  /** Id of the checkpoint being taken. */
  getCheckpointId(): number;
  /** Processing time at which the checkpoint was triggered. */
  getCheckpointTimestamp(): number;
}

/** A function with operator state: declares it in `initializeState`, fills it in `snapshotState`. */
export interface CheckpointedFunction {
  /** Called before `open` to register (and restore) state. */
  initializeState(context: FunctionInitializationContext): void | Promise<void>;
  /** Called when a checkpoint is taken. */
  snapshotState(context: FunctionSnapshotContext): void | Promise<void>;
}

/** Whether `fn` implements {@link CheckpointedFunction}. */
export function isCheckpointedFunction(fn: unknown): fn is CheckpointedFunction {
  return (
    typeof fn === "object" &&
    fn !== null &&
    typeof (fn as CheckpointedFunction).initializeState === "function" &&
    typeof (fn as CheckpointedFunction).snapshotState === "function"
  );
}
