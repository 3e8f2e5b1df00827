/**
 * The keyed-state getters of an operator's RuntimeContext: checks that the operator is keyed and
 * that each descriptor is of the kind its getter expects, then asks the operator's backend.
 */
import type {
  AggregatingState,
  AggregatingStateDescriptor,
  KeyedStateStore,
  ListState,
  ListStateDescriptor,
  MapState,
  MapStateDescriptor,
  ReducingState,
  ReducingStateDescriptor,
  State,
  StateDescriptor,
  StateKind,
  ValueState,
  ValueStateDescriptor,
} from "../../api/state.ts";
import type { KeyedStateBackend } from "./keyed-backend.ts";

/** Keyed state access of one operator (refused with a clear error when it is not keyed). */
export class OperatorKeyedStateStore implements KeyedStateStore {
  private readonly backend: KeyedStateBackend | null;
  private readonly operatorName: string;

  /** Creates the store of operator `operatorName` over `backend` (null: not keyed). */
  constructor(backend: KeyedStateBackend | null, operatorName: string) {
    this.backend = backend;
    this.operatorName = operatorName;
  }

  private get<S extends State>(d: StateDescriptor<S>, kind: StateKind, getter: string): S {
    if (this.backend === null) {
      throw new Error(
        `keyed state ('${d?.name}') is only available on a keyed stream, but operator '${this.operatorName}' is not applied to one: use keyBy() before it, or operator state (CheckpointedFunction) instead`,
      );
    }
    if (!d || d.kind !== kind) {
      throw new TypeError(
        `${getter}() in operator '${this.operatorName}' expects a ${kindName(kind)}, got ${d?.constructor?.name ?? String(d)}`,
      );
    }
    return this.backend.getOrCreateKeyedState(d);
  }

  /** A value state. */
  getState<T>(d: ValueStateDescriptor<T>): ValueState<T> {
    return this.get(d, "value", "getState");
  }
  /** A list state. */
  getListState<T>(d: ListStateDescriptor<T>): ListState<T> {
    return this.get(d, "list", "getListState");
  }
  /** A map state. */
  getMapState<K, V>(d: MapStateDescriptor<K, V>): MapState<K, V> {
    return this.get(d as StateDescriptor<MapState<K, V>>, "map", "getMapState");
  }
  /** A reducing state. */
  getReducingState<T>(d: ReducingStateDescriptor<T>): ReducingState<T> {
    return this.get(d, "reducing", "getReducingState");
  }
  /** An aggregating state. */
  getAggregatingState<IN, ACC, OUT>(
    d: AggregatingStateDescriptor<IN, ACC, OUT>,
  ): AggregatingState<IN, OUT> {
    return this.get(d, "aggregating", "getAggregatingState");
  }
}

function kindName(kind: StateKind): string {
  const names: Record<StateKind, string> = {
    value: "ValueStateDescriptor",
    list: "ListStateDescriptor",
    map: "MapStateDescriptor",
    reducing: "ReducingStateDescriptor",
    aggregating: "AggregatingStateDescriptor",
  };
  return names[kind];
}
