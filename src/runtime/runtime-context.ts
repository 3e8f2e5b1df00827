/** The RuntimeContext given to rich functions, and accumulator reporting. */
import { ACCUMULATOR_KINDS, type Accumulator } from "../api/accumulators.ts";
import type { RuntimeContext, TaskInfo } from "../api/functions.ts";
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
  ValueState,
  ValueStateDescriptor,
} from "../api/state.ts";

/** An accumulator's local value with the name of its class, so it can be merged elsewhere. */
export interface AccumulatorSnapshot {
  /** Class name of the accumulator. */
  readonly kind: string;
  /** Local value. */
  readonly value: unknown;
}

/** The name of the nearest built-in accumulator class of `acc` (so subclasses merge like it). */
function accumulatorKind(acc: object): string {
  for (
    let p = Object.getPrototypeOf(acc) as { constructor?: { name?: string } } | null;
    p;
    p = Object.getPrototypeOf(p)
  ) {
    const name = p.constructor?.name;
    if (
      name &&
      Object.hasOwn(ACCUMULATOR_KINDS, name) &&
      ACCUMULATOR_KINDS[name]!().constructor === p.constructor
    )
      return name;
  }
  return (acc as { constructor: { name: string } }).constructor.name;
}

/** The runtime context of one operator of a task (accumulators are shared by the task). */
export class RuntimeContextImpl implements RuntimeContext {
  private readonly accumulators: Map<string, Accumulator<unknown, unknown>>;
  private readonly keyedState: KeyedStateStore | null;
  private readonly info: {
    taskName: string;
    jobName: string;
    subtask: number;
    parallelism: number;
    maxParallelism: number;
    attempt: number;
  };

  /** Creates the context of one subtask (keyed state access is refused until bound). */
  constructor(
    info: RuntimeContextImpl["info"],
    keyedState: KeyedStateStore | null = null,
    accumulators = new Map<string, Accumulator<unknown, unknown>>(),
  ) {
    this.info = info;
    this.keyedState = keyedState;
    this.accumulators = accumulators;
  }

  /** The context of one operator: same task and accumulators, the operator's keyed state. */
  forOperator(keyedState: KeyedStateStore): RuntimeContextImpl {
    return new RuntimeContextImpl(this.info, keyedState, this.accumulators);
  }

  private store(): KeyedStateStore {
    if (this.keyedState === null) throw new Error("keyed state is not available in this context");
    return this.keyedState;
  }
  /** A value state scoped to the current key. */
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T> {
    return this.store().getState(descriptor);
  }
  /** A list state scoped to the current key. */
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T> {
    return this.store().getListState(descriptor);
  }
  /** A map state scoped to the current key. */
  getMapState<K, V>(descriptor: MapStateDescriptor<K, V>): MapState<K, V> {
    return this.store().getMapState(descriptor);
  }
  /** A reducing state scoped to the current key. */
  getReducingState<T>(descriptor: ReducingStateDescriptor<T>): ReducingState<T> {
    return this.store().getReducingState(descriptor);
  }
  /** An aggregating state scoped to the current key. */
  getAggregatingState<IN, ACC, OUT>(
    descriptor: AggregatingStateDescriptor<IN, ACC, OUT>,
  ): AggregatingState<IN, OUT> {
    return this.store().getAggregatingState(descriptor);
  }
  /** Task info. */
  getTaskInfo(): TaskInfo {
    return this;
  }
  /** Task name (the chain's name). */
  getTaskName(): string {
    return this.info.taskName;
  }
  /** Task name with the subtask, e.g. `Source -> Map (2/4)`. */
  getTaskNameWithSubtasks(): string {
    return `${this.info.taskName} (${this.info.subtask + 1}/${this.info.parallelism})`;
  }
  /** Job name. */
  getJobName(): string {
    return this.info.jobName;
  }
  /** Subtask index. */
  getIndexOfThisSubtask(): number {
    return this.info.subtask;
  }
  /** Parallelism. */
  getNumberOfParallelSubtasks(): number {
    return this.info.parallelism;
  }
  /** Max parallelism. */
  getMaxNumberOfParallelSubtasks(): number {
    return this.info.maxParallelism;
  }
  /** Attempt number. */
  getAttemptNumber(): number {
    return this.info.attempt;
  }
  /** Registers an accumulator (names are unique per task). */
  addAccumulator<V, R>(name: string, accumulator: Accumulator<V, R>): void {
    if (this.accumulators.has(name)) {
      throw new Error(
        `accumulator '${name}' is already registered in task '${this.info.taskName}'`,
      );
    }
    this.accumulators.set(name, accumulator as Accumulator<unknown, unknown>);
  }
  /** The accumulator registered under `name`. */
  getAccumulator<V, R>(name: string): Accumulator<V, R> | undefined {
    return this.accumulators.get(name) as Accumulator<V, R> | undefined;
  }
  /** Local values of all accumulators. */
  snapshotAccumulators(): Record<string, AccumulatorSnapshot> {
    const out: Record<string, AccumulatorSnapshot> = {};
    for (const [name, acc] of this.accumulators) {
      out[name] = { kind: accumulatorKind(acc), value: acc.getLocalValue() };
    }
    return out;
  }
}
