/**
 * User function contracts, with Flink's names. Every function may be given as a plain lambda or as
 * an object/class implementing the interface; rich variants add `open`/`close` and a
 * {@link RuntimeContext}.
 */
import type { Accumulator } from "./accumulators.ts";
import type { KeyedStateStore } from "./state.ts";

/** Receives records emitted by a function. */
export interface Collector<T> {
  /** Emits one record. */
  collect(record: T): void;
}

/** Identifies a side output: a typed, named extra output of a process function. */
export class OutputTag<T> {
  /** The unique name of this side output. */
  readonly id: string;
  /** Phantom field carrying the element type; never set. */
  declare readonly __type?: T;

  /** Creates a tag; two tags with the same id denote the same side output. */
  constructor(id: string) {
    if (!id) throw new TypeError("OutputTag id must be a non-empty string");
    this.id = id;
  }

  /** Readable form, used in operator names. */
  toString(): string {
    return `OutputTag(${this.id})`;
  }
}

/** Information about the parallel task a function runs in. */
export interface TaskInfo {
  /** Name of the task (the operator chain). */
  getTaskName(): string;
  /** Name of the task with the subtask, e.g. `Source -> Map (2/4)`. */
  getTaskNameWithSubtasks(): string;
  /** 0-based index of this parallel instance. */
  getIndexOfThisSubtask(): number;
  /** Parallelism of the operator. */
  getNumberOfParallelSubtasks(): number;
  /** Maximum parallelism (number of key groups). */
  getMaxNumberOfParallelSubtasks(): number;
  /** How many times this task has been restarted (0 on the first run). */
  getAttemptNumber(): number;
}

/**
 * What a rich function sees of the runtime: task info, accumulators and keyed state. The state
 * getters (`getState`, `getListState`, `getMapState`, `getReducingState`, `getAggregatingState`)
 * work in functions applied to a keyed stream, scoped to the current record's key.
 */
export interface RuntimeContext extends TaskInfo, KeyedStateStore {
  /** Task information (Flink 2 style accessor). */
  getTaskInfo(): TaskInfo;
  /** Name of the job. */
  getJobName(): string;
  /** Registers an accumulator under `name`; its merged value appears in the job result. */
  addAccumulator<V, R>(name: string, accumulator: Accumulator<V, R>): void;
  /** Returns the accumulator registered under `name`, if any. */
  getAccumulator<V, R>(name: string): Accumulator<V, R> | undefined;
}

/** Passed to `open()`; reserved for future fields (Flink 2's OpenContext). */
export type OpenContext = Record<string, never>;

/** Lifecycle and runtime-context access for rich functions. */
export interface RichFunction {
  /** Called once before the first record. */
  open?(context: OpenContext): void | Promise<void>;
  /** Called once after the last record, also on failure and cancellation. */
  close?(): void | Promise<void>;
  /** Called by the runtime before `open`. */
  setRuntimeContext?(context: RuntimeContext): void;
}

/** Base class of rich functions: gives `getRuntimeContext()` and no-op `open`/`close`. */
export abstract class AbstractRichFunction implements RichFunction {
  private runtimeContext: RuntimeContext | undefined;

  /** Set by the runtime before `open`. */
  setRuntimeContext(context: RuntimeContext): void {
    this.runtimeContext = context;
  }

  /** The runtime context; throws if called before the function was opened by the runtime. */
  getRuntimeContext(): RuntimeContext {
    if (!this.runtimeContext) {
      throw new Error(
        "The runtime context has not been initialized yet (call it from open() or later)",
      );
    }
    return this.runtimeContext;
  }

  /** Called once before the first record. */
  open(_context: OpenContext): void | Promise<void> {}

  /** Called once after the last record. */
  close(): void | Promise<void> {}
}

/** One record in, one record out. */
export interface MapFunction<T, R> {
  /** Transforms one record. */
  map(value: T): R;
}
/** One record in, zero or more out. */
export interface FlatMapFunction<T, R> {
  /** Emits any number of records for `value`. */
  flatMap(value: T, out: Collector<R>): void;
}
/** Keeps records for which it returns true. */
export interface FilterFunction<T> {
  /** Whether to keep `value`. */
  filter(value: T): boolean;
}
/** Combines two values of the same type (per key on keyed streams). */
export interface ReduceFunction<T> {
  /** Combines the accumulated `value1` with the new `value2`. */
  reduce(value1: T, value2: T): T;
}
/** Extracts the key of a record. Keys must be deterministic: primitives, tuples or plain objects. */
export interface KeySelector<T, K> {
  /** The key of `value`. */
  getKey(value: T): K;
}
/** Chooses a target partition for a key (`partitionCustom`). */
export interface Partitioner<K> {
  /** A partition index in `[0, numPartitions)`. */
  partition(key: K, numPartitions: number): number;
}
/** Maps each input of connected streams. */
export interface CoMapFunction<IN1, IN2, R> {
  /** Transforms a record of the first input. */
  map1(value: IN1): R;
  /** Transforms a record of the second input. */
  map2(value: IN2): R;
}
/** Flat-maps each input of connected streams. */
export interface CoFlatMapFunction<IN1, IN2, R> {
  /** Emits records for a record of the first input. */
  flatMap1(value: IN1, out: Collector<R>): void;
  /** Emits records for a record of the second input. */
  flatMap2(value: IN2, out: Collector<R>): void;
}

/**
 * Incremental aggregation: values are added to an accumulator, accumulators can be merged, and the
 * result is taken from the accumulator (windows' `aggregate`, `AggregatingState`).
 */
export interface AggregateFunction<IN, ACC, OUT> {
  /** A new, empty accumulator. */
  createAccumulator(): ACC;
  /** Adds `value` to `accumulator`, returning the (possibly same) accumulator. */
  add(value: IN, accumulator: ACC): ACC;
  /** The result of an accumulator. */
  getResult(accumulator: ACC): OUT;
  /** Merges two accumulators (needed by merging windows such as session windows). */
  merge?(a: ACC, b: ACC): ACC;
}

/** Rich map function base class. */
export abstract class RichMapFunction<T, R>
  extends AbstractRichFunction
  implements MapFunction<T, R>
{
  /** Transforms one record. */
  abstract map(value: T): R;
}
/** Rich flat-map function base class. */
export abstract class RichFlatMapFunction<T, R>
  extends AbstractRichFunction
  implements FlatMapFunction<T, R>
{
  /** Emits any number of records for `value`. */
  abstract flatMap(value: T, out: Collector<R>): void;
}
/** Rich filter function base class. */
export abstract class RichFilterFunction<T>
  extends AbstractRichFunction
  implements FilterFunction<T>
{
  /** Whether to keep `value`. */
  abstract filter(value: T): boolean;
}
/** Rich reduce function base class. */
export abstract class RichReduceFunction<T>
  extends AbstractRichFunction
  implements ReduceFunction<T>
{
  /** Combines two values. */
  abstract reduce(value1: T, value2: T): T;
}
/** Rich co-map function base class. */
export abstract class RichCoMapFunction<IN1, IN2, R>
  extends AbstractRichFunction
  implements CoMapFunction<IN1, IN2, R>
{
  /** Transforms a record of the first input. */
  abstract map1(value: IN1): R;
  /** Transforms a record of the second input. */
  abstract map2(value: IN2): R;
}
/** Rich co-flat-map function base class. */
export abstract class RichCoFlatMapFunction<IN1, IN2, R>
  extends AbstractRichFunction
  implements CoFlatMapFunction<IN1, IN2, R>
{
  /** Emits records for a record of the first input. */
  abstract flatMap1(value: IN1, out: Collector<R>): void;
  /** Emits records for a record of the second input. */
  abstract flatMap2(value: IN2, out: Collector<R>): void;
}

/** Timer and time access inside process functions. */
export interface TimerService {
  /** Current processing time (from the runtime's injected clock). */
  currentProcessingTime(): number;
  /** Current event-time watermark of this operator. */
  currentWatermark(): number;
  /** Registers an event-time timer (keyed streams only). */
  registerEventTimeTimer(time: number): void;
  /** Registers a processing-time timer (keyed streams only). */
  registerProcessingTimeTimer(time: number): void;
  /** Deletes an event-time timer (keyed streams only). */
  deleteEventTimeTimer(time: number): void;
  /** Deletes a processing-time timer (keyed streams only). */
  deleteProcessingTimeTimer(time: number): void;
}

/** Context of `ProcessFunction.processElement`. */
export interface ProcessContext {
  /** Timestamp of the current record, or `null` if it has none. */
  timestamp(): number | null;
  /** Time and timers. */
  timerService(): TimerService;
  /** Emits to a side output. */
  output<X>(tag: OutputTag<X>, value: X): void;
}

/** Context of `ProcessFunction.onTimer`. */
export interface OnTimerContext extends ProcessContext {
  /** Which clock the firing timer belongs to. */
  timeDomain(): TimeDomain;
}

/** The clock a timer belongs to. */
export type TimeDomain = "EVENT_TIME" | "PROCESSING_TIME";
/** The clocks timers can use, as constants. */
export const TimeDomain = {
  EVENT_TIME: "EVENT_TIME",
  PROCESSING_TIME: "PROCESSING_TIME",
} as const;

/** Low-level per-record function with side outputs and (on keyed streams) timers. */
export abstract class ProcessFunction<I, O> extends AbstractRichFunction {
  /** Processes one record. */
  abstract processElement(value: I, ctx: ProcessContext, out: Collector<O>): void;
  /** Called when a timer fires (keyed streams only). */
  onTimer(_timestamp: number, _ctx: OnTimerContext, _out: Collector<O>): void {}
}

/** Context of `KeyedProcessFunction.processElement`: adds the current key. */
export interface KeyedProcessContext<K> extends ProcessContext {
  /** The key of the current record. */
  getCurrentKey(): K;
}

/** Context of `KeyedProcessFunction.onTimer`: adds the timer's key and time domain. */
export interface KeyedOnTimerContext<K> extends KeyedProcessContext<K> {
  /** Which clock the firing timer belongs to. */
  timeDomain(): TimeDomain;
}

/**
 * Per-record function on a keyed stream with keyed state and timers: `processElement` for every
 * record, `onTimer` when an event-time or processing-time timer of the current key fires.
 */
export abstract class KeyedProcessFunction<K, I, O> extends AbstractRichFunction {
  /** Processes one record (state and timers are scoped to `ctx.getCurrentKey()`). */
  abstract processElement(value: I, ctx: KeyedProcessContext<K>, out: Collector<O>): void;
  /** Called when a timer registered for a key fires; state is scoped to that key. */
  onTimer(_timestamp: number, _ctx: KeyedOnTimerContext<K>, _out: Collector<O>): void {}
}

/** Function over two connected keyed streams with keyed state (shared by both inputs) and timers. */
export abstract class KeyedCoProcessFunction<K, IN1, IN2, O> extends AbstractRichFunction {
  /** Processes a record of the first input. */
  abstract processElement1(value: IN1, ctx: KeyedProcessContext<K>, out: Collector<O>): void;
  /** Processes a record of the second input. */
  abstract processElement2(value: IN2, ctx: KeyedProcessContext<K>, out: Collector<O>): void;
  /** Called when a timer fires. */
  onTimer(_timestamp: number, _ctx: KeyedOnTimerContext<K>, _out: Collector<O>): void {}
}

/** Low-level function over two connected inputs. */
export abstract class CoProcessFunction<IN1, IN2, O> extends AbstractRichFunction {
  /** Processes a record of the first input. */
  abstract processElement1(value: IN1, ctx: ProcessContext, out: Collector<O>): void;
  /** Processes a record of the second input. */
  abstract processElement2(value: IN2, ctx: ProcessContext, out: Collector<O>): void;
  /** Called when a timer fires (keyed streams only). */
  onTimer(_timestamp: number, _ctx: OnTimerContext, _out: Collector<O>): void {}
}

/** Normalizes a map function to a lambda plus the rich object it came from (if any). */
export function toMapLambda<T, R>(fn: MapFunction<T, R> | ((value: T) => R)): (value: T) => R {
  if (typeof fn === "function") return fn;
  requireMethod(fn, "map", "MapFunction");
  return (v) => fn.map(v);
}

/** Normalizes a key selector. */
export function toKeyLambda<T, K>(fn: KeySelector<T, K> | ((value: T) => K)): (value: T) => K {
  if (typeof fn === "function") return fn;
  requireMethod(fn, "getKey", "KeySelector");
  return (v) => fn.getKey(v);
}

/** Throws a clear error when a function object lacks its method. */
export function requireMethod(obj: unknown, method: string, kind: string): void {
  if (
    obj === null ||
    typeof obj !== "object" ||
    typeof (obj as Record<string, unknown>)[method] !== "function"
  ) {
    throw new TypeError(
      `expected a ${kind}: a function or an object with a ${method}() method, got ${describe(obj)}`,
    );
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "object")
    return `an object of class ${(v as object).constructor?.name ?? "Object"}`;
  return typeof v;
}
