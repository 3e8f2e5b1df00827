/**
 * The fluent DataStream API: typed streams, keyed streams and connected streams. Every method adds
 * a plan node ({@link Transformation}) and returns a new stream; nothing runs until `execute()`.
 */
import { inspect } from "node:util";
import { InvalidJobError } from "../core/errors.ts";
import type { ExecutionConfig } from "./config.ts";
import type { JobClient } from "./executor.ts";
import type { CollectHandlers } from "./collect-barrier.ts";
import {
  requireMethod,
  toKeyLambda,
  toMapLambda,
  type CoFlatMapFunction,
  type CoMapFunction,
  type Collector,
  type FilterFunction,
  type FlatMapFunction,
  type KeySelector,
  type MapFunction,
  type OutputTag,
  type Partitioner,
  type ReduceFunction,
  type RichFunction,
  type CoProcessFunction,
  type KeyedCoProcessFunction,
  type KeyedProcessFunction,
  type ProcessFunction,
} from "./functions.ts";
import type { Sink, SinkWriter } from "./sink.ts";
import { byAggregation, fieldAggregation } from "./field-aggregations.ts";
import { AllWindowedStream } from "./windowing/all-windowed-stream.ts";
import type { WindowAssigner } from "./windowing/assigners.ts";
import type { GlobalWindow, Window } from "./windowing/windows.ts";
import { WindowedStream } from "./windowing/windowed-stream.ts";
import { BroadcastConnectedStream, BroadcastStream } from "./broadcast.ts";
import { IntervalJoin } from "./joins.ts";
import { CoGroupedStreams, JoinedStreams } from "./window-joins.ts";
import type { MapStateDescriptor } from "./state.ts";
import {
  OneInputTransformation,
  PartitionTransformation,
  SideOutputTransformation,
  TwoInputTransformation,
  UnionTransformation,
  type KeyFn,
  type OperatorSpec,
  type PartitionerSpec,
  type Transformation,
} from "./transformations.ts";
import type { WatermarkStrategy } from "./watermarks.ts";

/** What streams need from their environment (kept narrow to avoid an import cycle). */
export interface StreamHost {
  /** Registers a plan node. */
  addTransformation<X extends Transformation>(t: X): X;
  /** Registers a collect handler; returns its id. */
  registerCollector(handler: ((records: unknown[]) => void) | CollectHandlers): string;
  /** Submits the job. */
  executeAsync(jobName?: string): Promise<JobClient>;
  /** The job's settings. */
  getConfig(): ExecutionConfig;
}

/** A function given as a lambda or as a Flink-style object. */
type Fn<F, L> = F | L;

function richOf(fn: unknown): RichFunction | null {
  return typeof fn === "object" && fn !== null ? (fn as RichFunction) : null;
}

/** A stream of records of type T. */
export class DataStream<T> {
  /** The environment the stream belongs to. */
  protected readonly host: StreamHost;
  /** The plan node producing this stream. */
  protected readonly transformation: Transformation<T>;

  /** Wraps a plan node; use the environment and stream methods instead. */
  constructor(host: StreamHost, transformation: Transformation<T>) {
    this.host = host;
    this.transformation = transformation;
  }

  /** Wraps an operator node as a configurable stream (internal factory). */
  static wrapOperator<T>(host: StreamHost, t: Transformation<T>): SingleOutputStreamOperator<T> {
    return new SingleOutputStreamOperator<T>(host, t);
  }

  /** The plan node behind this stream. */
  getTransformation(): Transformation<T> {
    return this.transformation;
  }

  /** The environment of this stream. */
  getExecutionEnvironment(): StreamHost {
    return this.host;
  }

  /** Parallelism of the producing operator (-1: environment default). */
  getParallelism(): number {
    return this.transformation.parallelism;
  }

  /** Adds a one-input operator; used by every transformation method. */
  protected addOneInput<R>(
    name: string,
    operator: OperatorSpec,
    key: KeyFn | null = null,
  ): SingleOutputStreamOperator<R> {
    const t = new OneInputTransformation<T, R>(this.transformation, name, operator, -1, key);
    return new SingleOutputStreamOperator<R>(this.host, this.host.addTransformation(t));
  }

  /**
   * Adds a one-input operator described by `operator` (Flink's `transform`), for stream classes of
   * other modules (windows). On a keyed stream the operator runs keyed unless `key` says otherwise.
   */
  transform<R>(
    name: string,
    operator: OperatorSpec,
    key: KeyFn | null = this.keyOfOperator(),
  ): SingleOutputStreamOperator<R> {
    return this.addOneInput<R>(name, operator, key);
  }

  /**
   * Adds a two-input operator with this stream as input 1 (keyed when this stream is) and `input2`
   * as input 2 with key selector `key2`; used by stream classes of other modules (broadcast).
   */
  addTwoInputOperator<U, R>(
    input2: Transformation<U>,
    name: string,
    operator: OperatorSpec,
    key2: KeyFn | null,
  ): SingleOutputStreamOperator<R> {
    const t = new TwoInputTransformation<T, U, R>(
      this.transformation,
      input2,
      name,
      operator,
      -1,
      this.keyOfOperator(),
      key2,
    );
    return new SingleOutputStreamOperator<R>(this.host, this.host.addTransformation(t));
  }

  /** Transforms every record. */
  map<R>(fn: Fn<MapFunction<T, R>, (value: T) => R>): SingleOutputStreamOperator<R> {
    return this.addOneInput<R>(
      "Map",
      { kind: "map", fn: toMapLambda(fn), rich: richOf(fn) },
      this.keyOfOperator(),
    );
  }

  /** Emits zero or more records per record. */
  flatMap<R>(
    fn: Fn<FlatMapFunction<T, R>, (value: T, out: Collector<R>) => void>,
  ): SingleOutputStreamOperator<R> {
    const f: FlatMapFunction<T, R> = typeof fn === "function" ? { flatMap: fn } : fn;
    if (typeof fn !== "function") requireMethod(fn, "flatMap", "FlatMapFunction");
    return this.addOneInput<R>("Flat Map", { kind: "flatMap", fn: f }, this.keyOfOperator());
  }

  /** Keeps records for which `fn` returns true. */
  filter(fn: Fn<FilterFunction<T>, (value: T) => boolean>): SingleOutputStreamOperator<T> {
    let f: (v: T) => boolean;
    if (typeof fn === "function") f = fn;
    else {
      requireMethod(fn, "filter", "FilterFunction");
      f = (v) => fn.filter(v);
    }
    return this.addOneInput<T>(
      "Filter",
      { kind: "filter", fn: f, rich: richOf(fn) },
      this.keyOfOperator(),
    );
  }

  /** Applies a low-level {@link ProcessFunction} (side outputs; timers on keyed streams). */
  process<R>(fn: ProcessFunction<T, R>): SingleOutputStreamOperator<R> {
    requireMethod(fn, "processElement", "ProcessFunction");
    return this.addOneInput<R>("Process", { kind: "process", fn }, this.keyOfOperator());
  }

  /** Assigns event timestamps and watermarks inside the pipeline. */
  assignTimestampsAndWatermarks(strategy: WatermarkStrategy<T>): SingleOutputStreamOperator<T> {
    return this.addOneInput<T>("Timestamps/Watermarks", { kind: "timestamps", strategy });
  }

  /** Partitions by key: records with equal keys go to the same parallel instance. */
  keyBy<K>(key: Fn<KeySelector<T, K>, (value: T) => K>): KeyedStream<T, K> {
    const fn = toKeyLambda(key) as KeyFn;
    const t = new PartitionTransformation<T>(this.transformation, { kind: "hash", key: fn });
    return new KeyedStream<T, K>(this.host, this.host.addTransformation(t), fn);
  }

  /** Cuts the whole (non-keyed) stream into windows, evaluated with parallelism 1 as in Flink. */
  windowAll<W extends Window>(assigner: WindowAssigner<T, W>): AllWindowedStream<T, W> {
    return new AllWindowedStream<T, W>(this, assigner);
  }

  /** Count windows over the whole stream: every `size` records (sliding every `slide` when given). */
  countWindowAll(size: number, slide?: number): AllWindowedStream<T, GlobalWindow> {
    return AllWindowedStream.countWindowAll<T>(this, size, slide);
  }

  /** Merges this stream with others of the same type. */
  union(...streams: DataStream<T>[]): DataStream<T> {
    for (const s of streams) {
      if (s.host !== this.host)
        throw new InvalidJobError("union: all streams must belong to the same environment");
    }
    const t = new UnionTransformation<T>([
      this.transformation,
      ...streams.map((s) => s.transformation),
    ]);
    return new DataStream<T>(this.host, this.host.addTransformation(t));
  }

  /**
   * Joins with `other` per window: `.where(key).equalTo(otherKey).window(assigner).apply(fn)`
   * calls a JoinFunction for every pair of the same key in the same window.
   */
  join<U>(other: DataStream<U>): JoinedStreams<T, U> {
    return new JoinedStreams<T, U>(this, other);
  }

  /**
   * Groups this stream and `other` per key and window: `.where(key).equalTo(otherKey)
   * .window(assigner).apply(fn)` calls a CoGroupFunction with both groups of every window.
   */
  coGroup<U>(other: DataStream<U>): CoGroupedStreams<T, U> {
    return new CoGroupedStreams<T, U>(this, other);
  }

  /** Connects with another stream (possibly of another type) for a two-input operator. */
  connect<U>(other: DataStream<U>): ConnectedStreams<T, U>;
  /** Connects with a broadcast stream (the broadcast state pattern). */
  connect<U>(other: BroadcastStream<U>): BroadcastConnectedStream<T, U>;
  connect<U>(
    other: DataStream<U> | BroadcastStream<U>,
  ): ConnectedStreams<T, U> | BroadcastConnectedStream<T, U> {
    if (other instanceof BroadcastStream)
      return new BroadcastConnectedStream<T, U>(this, other, this.keyOfOperator());
    if (other.host !== this.host)
      throw new InvalidJobError("connect: both streams must belong to the same environment");
    return new ConnectedStreams<T, U>(this.host, this, other);
  }

  private partition(spec: PartitionerSpec): DataStream<T> {
    const t = new PartitionTransformation<T>(this.transformation, spec);
    return new DataStream<T>(this.host, this.host.addTransformation(t));
  }

  /** Sends each record to the instance with the same index (parallelism must match). */
  forward(): DataStream<T> {
    return this.partition({ kind: "forward" });
  }
  /** Distributes records round-robin over all downstream instances. */
  rebalance(): DataStream<T> {
    return this.partition({ kind: "rebalance" });
  }
  /** Round-robin over a local subset of downstream instances. */
  rescale(): DataStream<T> {
    return this.partition({ kind: "rescale" });
  }
  /** Distributes records randomly (uniformly). */
  shuffle(): DataStream<T> {
    return this.partition({ kind: "shuffle" });
  }
  /** Sends every record to every downstream instance. */
  broadcast(): DataStream<T>;
  /**
   * Broadcasts the stream for the broadcast state pattern: connect another stream with the result
   * and apply a (Keyed)BroadcastProcessFunction; `descriptors` declare the broadcast states.
   */
  broadcast(
    descriptor: MapStateDescriptor<any, any>,
    ...descriptors: MapStateDescriptor<any, any>[]
  ): BroadcastStream<T>;
  broadcast(...descriptors: MapStateDescriptor<any, any>[]): DataStream<T> | BroadcastStream<T> {
    const partitioned = this.partition({ kind: "broadcast" });
    return descriptors.length === 0
      ? partitioned
      : new BroadcastStream<T>(partitioned, descriptors);
  }
  /** Sends every record to the first downstream instance. */
  global(): DataStream<T> {
    return this.partition({ kind: "global" });
  }
  /** Chooses the target instance with a custom partitioner over a key. */
  partitionCustom<K>(
    partitioner: Fn<Partitioner<K>, (key: K, numPartitions: number) => number>,
    key: Fn<KeySelector<T, K>, (value: T) => K>,
  ): DataStream<T> {
    const p =
      typeof partitioner === "function"
        ? partitioner
        : (k: K, n: number) => partitioner.partition(k, n);
    if (typeof partitioner !== "function") requireMethod(partitioner, "partition", "Partitioner");
    return this.partition({
      kind: "custom",
      key: toKeyLambda(key) as KeyFn,
      partition: p as (k: unknown, n: number) => number,
    });
  }

  /** Prints every record to standard output, prefixed with the subtask when parallel. */
  print(sinkIdentifier?: string): DataStreamSink<T> {
    return this.sinkTo(new PrintSink<T>(sinkIdentifier, false)).name("Print to Std. Out");
  }

  /** Prints every record to standard error. */
  printToErr(sinkIdentifier?: string): DataStreamSink<T> {
    return this.sinkTo(new PrintSink<T>(sinkIdentifier, true)).name("Print to Std. Err");
  }

  /** Writes the stream to a sink (a {@link Sink}, or a function called per record). */
  sinkTo(sink: Sink<T> | ((value: T) => void)): DataStreamSink<T> {
    const s: Sink<T> = typeof sink === "function" ? new FunctionSink<T>(sink) : sink;
    if (typeof s.createWriter !== "function")
      throw new TypeError("sinkTo: expected a Sink with createWriter(), or a function");
    const t = new OneInputTransformation<T, never>(
      this.transformation,
      "Sink",
      { kind: "sink", sink: s },
      -1,
      null,
    );
    return new DataStreamSink<T>(this.host.addTransformation(t));
  }

  /**
   * Runs the job and returns the records of this stream (the first `limit` of them, after which an
   * unbounded job is cancelled).
   */
  async executeAndCollect(jobNameOrLimit?: string | number, limit?: number): Promise<T[]> {
    const jobName = typeof jobNameOrLimit === "string" ? jobNameOrLimit : "Collect Job";
    const max = typeof jobNameOrLimit === "number" ? jobNameOrLimit : (limit ?? Infinity);
    const out: T[] = [];
    let client: JobClient | null = null;
    let cancelled = false;
    const id = this.host.registerCollector((records) => {
      for (const r of records) {
        if (out.length < max) out.push(r as T);
      }
      if (out.length >= max && client && !cancelled) {
        cancelled = true;
        void client.cancel();
      }
    });
    const t = new OneInputTransformation<T, never>(
      this.transformation,
      "Collect Sink",
      { kind: "collect", collectId: id },
      -1,
      null,
    );
    this.host.addTransformation(t);
    client = await this.host.executeAsync(jobName);
    if (out.length >= max && !cancelled) {
      cancelled = true;
      void client.cancel();
    }
    try {
      await client.getJobExecutionResult();
    } catch (e) {
      if (!cancelled) throw e;
    }
    return out;
  }

  /** The key selector when this stream's operator runs keyed (overridden by keyed streams). */
  protected keyOfOperator(): KeyFn | null {
    return null;
  }
}

/** A stream produced by an operator, whose name, uid, parallelism and chaining can be set. */
export class SingleOutputStreamOperator<T> extends DataStream<T> {
  /** Sets the operator's display name. */
  name(name: string): this {
    this.transformation.name = name;
    return this;
  }
  /** Sets a stable unique id (used to match state when a job changes). */
  uid(uid: string): this {
    this.transformation.uid = uid;
    return this;
  }
  /** Sets this operator's parallelism. */
  setParallelism(parallelism: number): this {
    if (!Number.isInteger(parallelism) || parallelism < 1) {
      throw new RangeError(
        `parallelism of '${this.transformation.name}' must be a positive integer, got ${parallelism}`,
      );
    }
    this.transformation.parallelism = parallelism;
    return this;
  }
  /** Sets this operator's max parallelism (the number of key groups, 1..32768). */
  setMaxParallelism(maxParallelism: number): this {
    if (!Number.isInteger(maxParallelism) || maxParallelism < 1 || maxParallelism > 32768) {
      throw new RangeError(
        `max parallelism of '${this.transformation.name}' must be an integer in 1..32768, got ${maxParallelism}`,
      );
    }
    this.transformation.maxParallelism = maxParallelism;
    return this;
  }
  /** Never chains this operator with its neighbours. */
  disableChaining(): this {
    this.transformation.chaining = "NEVER";
    return this;
  }
  /** Starts a new chain at this operator (it may still chain with what follows). */
  startNewChain(): this {
    this.transformation.chaining = "HEAD";
    return this;
  }
  /** Puts the operator in a slot sharing group. */
  slotSharingGroup(group: string): this {
    this.transformation.slotSharingGroup = group;
    return this;
  }
  /** The side output with the given tag. */
  getSideOutput<X>(tag: OutputTag<X>): DataStream<X> {
    const t = new SideOutputTransformation<X>(this.transformation, tag.id);
    return new DataStream<X>(this.host, this.host.addTransformation(t));
  }
}

/** A stream partitioned by key. Operators on it run per key. */
export class KeyedStream<T, K> extends DataStream<T> {
  private readonly keyFn: KeyFn;

  /** Created by `DataStream.keyBy`. */
  constructor(host: StreamHost, t: Transformation<T>, key: KeyFn) {
    super(host, t);
    this.keyFn = key;
  }

  /** The key selector as a function. */
  getKeySelector(): (value: T) => K {
    return this.keyFn as (value: T) => K;
  }

  /** Operators on a keyed stream run with the key in scope. */
  protected override keyOfOperator(): KeyFn | null {
    return this.keyFn;
  }

  /**
   * Applies a {@link KeyedProcessFunction} (or a ProcessFunction) with keyed state and timers of
   * the current key.
   */
  override process<R>(
    fn: KeyedProcessFunction<K, T, R> | ProcessFunction<T, R>,
  ): SingleOutputStreamOperator<R> {
    requireMethod(fn, "processElement", "KeyedProcessFunction");
    return this.addOneInput<R>("KeyedProcess", { kind: "keyedProcess", fn }, this.keyFn);
  }

  /** Cuts each key's records into windows (tumbling, sliding, session, global...). */
  window<W extends Window>(assigner: WindowAssigner<T, W>): WindowedStream<T, K, W> {
    return new WindowedStream<T, K, W>(this, assigner);
  }

  /** Count windows per key: every `size` records (sliding every `slide` when given). */
  countWindow(size: number, slide?: number): WindowedStream<T, K, GlobalWindow> {
    return WindowedStream.countWindow<T, K>(this, size, slide);
  }

  /**
   * Joins with another keyed stream by time interval (event time): set the bounds with
   * `.between(lower, upper)`, then `.process(ProcessJoinFunction)`.
   */
  intervalJoin<T2>(other: KeyedStream<T2, K>): IntervalJoin<T, T2, K> {
    return new IntervalJoin<T, T2, K>(this, other);
  }

  /** Combines records per key; emits the running result (STREAMING) or the final one (BATCH). */
  reduce(fn: Fn<ReduceFunction<T>, (a: T, b: T) => T>): SingleOutputStreamOperator<T> {
    let f: (a: T, b: T) => T;
    if (typeof fn === "function") f = fn;
    else {
      requireMethod(fn, "reduce", "ReduceFunction");
      f = (a, b) => fn.reduce(a, b);
    }
    return this.addOneInput<T>(
      "Keyed Reduce",
      { kind: "reduce", key: this.keyFn, fn: f, rich: richOf(fn) },
      this.keyFn,
    );
  }

  /** Running sum of a numeric field (property name, or index for tuples). */
  sum(field: string | number): SingleOutputStreamOperator<T> {
    return this.reduce(fieldAggregation<T>(field, "sum")).name(`Keyed Aggregation(sum ${field})`);
  }
  /** Running minimum of a field; other fields keep the first record's values. */
  min(field: string | number): SingleOutputStreamOperator<T> {
    return this.reduce(fieldAggregation<T>(field, "min")).name(`Keyed Aggregation(min ${field})`);
  }
  /** Running maximum of a field; other fields keep the first record's values. */
  max(field: string | number): SingleOutputStreamOperator<T> {
    return this.reduce(fieldAggregation<T>(field, "max")).name(`Keyed Aggregation(max ${field})`);
  }
  /** The whole record with the minimum field value (the first one on ties, or the last with first=false). */
  minBy(field: string | number, first = true): SingleOutputStreamOperator<T> {
    return this.reduce(byAggregation<T>(field, "min", first)).name(
      `Keyed Aggregation(minBy ${field})`,
    );
  }
  /** The whole record with the maximum field value (the first one on ties, or the last with first=false). */
  maxBy(field: string | number, first = true): SingleOutputStreamOperator<T> {
    return this.reduce(byAggregation<T>(field, "max", first)).name(
      `Keyed Aggregation(maxBy ${field})`,
    );
  }
}

/** Two streams connected for a two-input operator. */
export class ConnectedStreams<A, B> {
  private readonly host: StreamHost;
  private readonly first: DataStream<A>;
  private readonly second: DataStream<B>;
  private readonly key1: KeyFn | null;
  private readonly key2: KeyFn | null;

  /** Created by `DataStream.connect`. */
  constructor(
    host: StreamHost,
    first: DataStream<A>,
    second: DataStream<B>,
    key1: KeyFn | null = null,
    key2: KeyFn | null = null,
  ) {
    this.host = host;
    this.first = first;
    this.second = second;
    this.key1 = key1;
    this.key2 = key2;
  }

  /** The first input. */
  getFirstInput(): DataStream<A> {
    return this.first;
  }
  /** The second input. */
  getSecondInput(): DataStream<B> {
    return this.second;
  }

  /** Keys both inputs (records with equal keys meet in the same instance). */
  keyBy<K>(
    key1: Fn<KeySelector<A, K>, (v: A) => K>,
    key2: Fn<KeySelector<B, K>, (v: B) => K>,
  ): ConnectedStreams<A, B> {
    const k1 = toKeyLambda(key1) as KeyFn;
    const k2 = toKeyLambda(key2) as KeyFn;
    return new ConnectedStreams<A, B>(
      this.host,
      this.first.keyBy(k1),
      this.second.keyBy(k2),
      k1,
      k2,
    );
  }

  private add<R>(name: string, operator: OperatorSpec): SingleOutputStreamOperator<R> {
    const t = new TwoInputTransformation<A, B, R>(
      this.first.getTransformation(),
      this.second.getTransformation(),
      name,
      operator,
      -1,
      this.key1,
      this.key2,
    );
    return DataStream.wrapOperator<R>(this.host, this.host.addTransformation(t));
  }

  /** Maps each input with its own function. */
  map<R>(fn: CoMapFunction<A, B, R>): SingleOutputStreamOperator<R> {
    requireMethod(fn, "map1", "CoMapFunction");
    requireMethod(fn, "map2", "CoMapFunction");
    return this.add<R>("Co-Map", { kind: "coMap", fn });
  }
  /** Flat-maps each input with its own function. */
  flatMap<R>(fn: CoFlatMapFunction<A, B, R>): SingleOutputStreamOperator<R> {
    requireMethod(fn, "flatMap1", "CoFlatMapFunction");
    requireMethod(fn, "flatMap2", "CoFlatMapFunction");
    return this.add<R>("Co-Flat Map", { kind: "coFlatMap", fn });
  }
  /**
   * Applies a {@link CoProcessFunction}, or on two keyed inputs a {@link KeyedCoProcessFunction}
   * (keyed state shared by both inputs, timers).
   */
  process<R>(
    fn: CoProcessFunction<A, B, R> | KeyedCoProcessFunction<any, A, B, R>,
  ): SingleOutputStreamOperator<R> {
    requireMethod(fn, "processElement1", "CoProcessFunction");
    requireMethod(fn, "processElement2", "CoProcessFunction");
    if (this.key1 !== null && this.key2 !== null)
      return this.add<R>("KeyedCo-Process", { kind: "keyedCoProcess", fn });
    return this.add<R>("Co-Process", { kind: "coProcess", fn: fn as CoProcessFunction<A, B, R> });
  }
}

/** The end of a stream: a sink whose name, uid and parallelism can be set. */
export class DataStreamSink<T> {
  private readonly transformation: Transformation<T>;
  /** Created by `sinkTo`/`print`. */
  constructor(t: Transformation<T>) {
    this.transformation = t;
  }
  /** The sink's plan node. */
  getTransformation(): Transformation<T> {
    return this.transformation;
  }
  /** Sets the sink's name. */
  name(name: string): this {
    this.transformation.name = name;
    return this;
  }
  /** Sets the sink's stable id. */
  uid(uid: string): this {
    this.transformation.uid = uid;
    return this;
  }
  /** Sets the sink's parallelism. */
  setParallelism(parallelism: number): this {
    if (!Number.isInteger(parallelism) || parallelism < 1)
      throw new RangeError(`sink parallelism must be a positive integer, got ${parallelism}`);
    this.transformation.parallelism = parallelism;
    return this;
  }
  /** Never chains the sink. */
  disableChaining(): this {
    this.transformation.chaining = "NEVER";
    return this;
  }
}

/** Formats a record for printing the way users expect in a terminal. */
export function formatRecord(value: unknown): string {
  return typeof value === "string"
    ? value
    : inspect(value, { breakLength: Infinity, depth: 6, compact: true });
}

/** Writes records to stdout/stderr, one line each (`N> record` when parallel). */
export class PrintSink<T> implements Sink<T> {
  private readonly identifier: string | undefined;
  private readonly stdErr: boolean;
  /** Creates a print sink with an optional line prefix. */
  constructor(identifier?: string, stdErr = false) {
    this.identifier = identifier;
    this.stdErr = stdErr;
  }
  /** One writer per subtask; lines are buffered and written per batch. */
  createWriter(ctx: { subtaskIndex: number; parallelism: number }): SinkWriter<T> {
    const parts: string[] = [];
    if (this.identifier) parts.push(this.identifier);
    if (ctx.parallelism > 1) parts.push(String(ctx.subtaskIndex + 1));
    const prefix = parts.length ? `${parts.join(":")}> ` : "";
    const stream = this.stdErr ? process.stderr : process.stdout;
    let buffer = "";
    return {
      write(element: T) {
        buffer += prefix + formatRecord(element) + "\n";
        if (buffer.length > 16384) {
          stream.write(buffer);
          buffer = "";
        }
      },
      flush(): Promise<void> | void {
        if (!buffer) return;
        const text = buffer;
        buffer = "";
        // Resolve once the text is handed over: a worker's stdout is relayed to the main thread,
        // and a job must not end (and stop its workers) before its output got there.
        return new Promise<void>((resolve, reject) =>
          stream.write(text, (e) => (e ? reject(e) : resolve())),
        );
      },
    };
  }
}

/** A sink calling a function for each record. */
export class FunctionSink<T> implements Sink<T> {
  private readonly fn: (value: T) => void;
  /** Wraps `fn`. */
  constructor(fn: (value: T) => void) {
    this.fn = fn;
  }
  /** A writer calling the function. */
  createWriter(): SinkWriter<T> {
    return { write: this.fn, flush() {} };
  }
}
