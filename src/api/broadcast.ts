/**
 * The broadcast state pattern, with Flink's names: `stream.broadcast(...descriptors)` gives a
 * {@link BroadcastStream}; `other.connect(broadcastStream)` a {@link BroadcastConnectedStream}
 * whose `process` applies a {@link BroadcastProcessFunction} (non-keyed) or a
 * {@link KeyedBroadcastProcessFunction} (keyed). Every parallel instance receives every broadcast
 * element and keeps the same broadcast state; the other side reads it through a read-only view.
 *
 * This module imports the stream classes only as types (datastream.ts imports this one); it adds
 * plan nodes through the methods of the streams it is given.
 */
import { InvalidJobError } from "../core/errors.ts";
import type { DataStream, SingleOutputStreamOperator, StreamHost } from "./datastream.ts";
import {
  AbstractRichFunction,
  requireMethod,
  type Collector,
  type OutputTag,
  type TimeDomain,
  type TimerService,
} from "./functions.ts";
import {
  MapStateDescriptor,
  type BroadcastState,
  type ReadOnlyBroadcastState,
  type State,
  type StateDescriptor,
  type StateOfDescriptor,
} from "./state.ts";
import type { KeyFn, Transformation } from "./transformations.ts";

/** What both sides' contexts offer (Flink's `BaseBroadcastProcessFunction.BaseContext`). */
export interface BroadcastBaseContext {
  /** Timestamp of the current element (or firing event-time timer), or `null`. */
  timestamp(): number | null;
  /** Emits to a side output. */
  output<X>(tag: OutputTag<X>, value: X): void;
  /** Current processing time (the runtime's injected clock). */
  currentProcessingTime(): number;
  /** Current event-time watermark of the operator. */
  currentWatermark(): number;
}

/** Context of `processElement` (Flink's `BroadcastProcessFunction.ReadOnlyContext`). */
export interface BroadcastReadOnlyContext extends BroadcastBaseContext {
  /** The broadcast state `descriptor` (declared in `broadcast(...)`), read only. */
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): ReadOnlyBroadcastState<K, V>;
}

/** Context of `processBroadcastElement` (Flink's `BroadcastProcessFunction.Context`). */
export interface BroadcastContext extends BroadcastBaseContext {
  /** The broadcast state `descriptor` (declared in `broadcast(...)`), writable. */
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V>;
}

/** Context of the keyed `processElement`: adds the current key and keyed timers. */
export interface KeyedBroadcastReadOnlyContext<KS> extends BroadcastReadOnlyContext {
  /** The key of the current element. */
  getCurrentKey(): KS;
  /** Timers of the current key, and time. */
  timerService(): TimerService;
}

/** Context of the keyed `onTimer`: adds the timer's time domain. */
export interface KeyedBroadcastOnTimerContext<KS> extends KeyedBroadcastReadOnlyContext<KS> {
  /** Which clock the firing timer belongs to. */
  timeDomain(): TimeDomain;
}

/** Visits the keyed state of one key (Flink's `KeyedStateFunction`). */
export interface KeyedStateFunction<KS, S extends State> {
  /** Called with a key and its state (scoped to that key). */
  process(key: KS, state: S): void;
}

/** Context of the keyed `processBroadcastElement`: adds access to the keyed state of all keys. */
export interface KeyedBroadcastContext<KS> extends BroadcastContext {
  /**
   * Runs `fn` for every key of this parallel instance that has a value of `descriptor`'s state,
   * with that key's state (reads and writes apply to that key).
   */
  applyToKeyedState<D extends StateDescriptor<any, any>>(
    descriptor: D,
    fn:
      | KeyedStateFunction<KS, StateOfDescriptor<D>>
      | ((key: KS, state: StateOfDescriptor<D>) => void),
  ): void;
}

/**
 * Connects a non-keyed stream with a broadcast stream: `processElement` for the non-broadcast side
 * (read-only broadcast state), `processBroadcastElement` for the broadcast side (writable).
 */
export abstract class BroadcastProcessFunction<IN1, IN2, OUT> extends AbstractRichFunction {
  /** Processes an element of the non-broadcast side. */
  abstract processElement(value: IN1, ctx: BroadcastReadOnlyContext, out: Collector<OUT>): void;
  /** Processes an element of the broadcast side (every instance gets every element). */
  abstract processBroadcastElement(value: IN2, ctx: BroadcastContext, out: Collector<OUT>): void;
}

/**
 * Connects a keyed stream with a broadcast stream: keyed state and timers on the keyed side,
 * `applyToKeyedState` on the broadcast side, `onTimer` when a timer of a key fires.
 */
export abstract class KeyedBroadcastProcessFunction<
  KS,
  IN1,
  IN2,
  OUT,
> extends AbstractRichFunction {
  /** Processes an element of the keyed side (state and timers scoped to its key). */
  abstract processElement(
    value: IN1,
    ctx: KeyedBroadcastReadOnlyContext<KS>,
    out: Collector<OUT>,
  ): void;
  /** Processes an element of the broadcast side (there is no current key here). */
  abstract processBroadcastElement(
    value: IN2,
    ctx: KeyedBroadcastContext<KS>,
    out: Collector<OUT>,
  ): void;
  /** Called when a timer of a key fires; state is scoped to that key. */
  onTimer(_timestamp: number, _ctx: KeyedBroadcastOnTimerContext<KS>, _out: Collector<OUT>): void {}
}

/** A stream broadcast to every parallel instance, with the broadcast states it fills. */
export class BroadcastStream<T> {
  private readonly stream: DataStream<T>;
  private readonly descriptors: readonly MapStateDescriptor<unknown, unknown>[];

  /** Created by `DataStream.broadcast(...descriptors)` from the broadcast-partitioned stream. */
  constructor(stream: DataStream<T>, descriptors: readonly MapStateDescriptor<any, any>[]) {
    const names = new Set<string>();
    for (const d of descriptors) {
      if (!(d instanceof MapStateDescriptor)) {
        throw new TypeError(
          `broadcast(): broadcast state is declared with MapStateDescriptors, got ${describe(d)}`,
        );
      }
      if (names.has(d.name))
        throw new InvalidJobError(`broadcast(): broadcast state '${d.name}' is declared twice`);
      names.add(d.name);
    }
    this.stream = stream;
    this.descriptors = [...descriptors];
  }

  /** The declared broadcast states. */
  getBroadcastStateDescriptors(): readonly MapStateDescriptor<unknown, unknown>[] {
    return this.descriptors;
  }

  /** The environment of this stream. */
  getExecutionEnvironment(): StreamHost {
    return this.stream.getExecutionEnvironment();
  }

  /** The plan node behind this stream (the broadcast partitioning). */
  getTransformation(): Transformation<T> {
    return this.stream.getTransformation();
  }
}

/** A stream connected with a {@link BroadcastStream}, ready for `process`. */
export class BroadcastConnectedStream<IN1, IN2> {
  private readonly first: DataStream<IN1>;
  private readonly second: BroadcastStream<IN2>;
  private readonly key: KeyFn | null;

  /** Created by `DataStream.connect(broadcastStream)`; `key` is the first input's key selector. */
  constructor(first: DataStream<IN1>, second: BroadcastStream<IN2>, key: KeyFn | null) {
    if (first.getExecutionEnvironment() !== second.getExecutionEnvironment())
      throw new InvalidJobError("connect: both streams must belong to the same environment");
    this.first = first;
    this.second = second;
    this.key = key;
  }

  /** The non-broadcast input. */
  getFirstInput(): DataStream<IN1> {
    return this.first;
  }
  /** The broadcast input. */
  getSecondInput(): BroadcastStream<IN2> {
    return this.second;
  }

  /**
   * Applies a {@link KeyedBroadcastProcessFunction} (the first input is keyed) or a
   * {@link BroadcastProcessFunction} (it is not).
   */
  process<R>(
    fn: KeyedBroadcastProcessFunction<any, IN1, IN2, R> | BroadcastProcessFunction<IN1, IN2, R>,
  ): SingleOutputStreamOperator<R> {
    requireMethod(fn, "processElement", "BroadcastProcessFunction");
    requireMethod(fn, "processBroadcastElement", "BroadcastProcessFunction");
    const keyed = this.key !== null;
    if (fn instanceof KeyedBroadcastProcessFunction && !keyed) {
      throw new InvalidJobError(
        "a KeyedBroadcastProcessFunction can only be applied to a keyed stream connected with a broadcast stream: use keyBy() before connect(), or a BroadcastProcessFunction",
      );
    }
    if (fn instanceof BroadcastProcessFunction && keyed) {
      throw new InvalidJobError(
        "a BroadcastProcessFunction can only be applied to a non-keyed stream connected with a broadcast stream: use a KeyedBroadcastProcessFunction on a keyed stream",
      );
    }
    const descriptors = this.second.getBroadcastStateDescriptors();
    return this.first.addTwoInputOperator<IN2, R>(
      this.second.getTransformation(),
      keyed ? "Co-Process-Broadcast-Keyed" : "Co-Process-Broadcast",
      keyed
        ? {
            kind: "keyedBroadcastProcess",
            fn: fn as KeyedBroadcastProcessFunction<any, IN1, IN2, R>,
            descriptors,
          }
        : {
            kind: "broadcastProcess",
            fn: fn as BroadcastProcessFunction<IN1, IN2, R>,
            descriptors,
          },
      null,
    );
  }
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === "object") return `an object of class ${(v as object).constructor?.name}`;
  return typeof v;
}
