/**
 * The per-record work of the keyed-state and window benchmarks (bench/state.ts), shared by the jobs
 * (run by Strom in worker threads) and the bare loops (run in the benchmark's main thread): the
 * same event generator, key and timestamp functions, and the sink writers.
 *
 * Events are `{ key: i % keys, ts: i }` for the index i = 0..N-1: every key gets N / keys records,
 * one per round of `keys` indices, and the event time advances by 1 ms per record. The number of
 * keys comes from `BENCH_KEYS` (as N comes from `BENCH_N`, see workload.ts).
 */
import {
  KeyedProcessFunction,
  ValueStateDescriptor,
  type AggregateFunction,
  type Collector,
  type KeyedProcessContext,
  type OpenContext,
  type ValueState,
} from "strom";
import { StatsWriter } from "./workload.ts";

/** One generated event. */
export interface KeyedEvent {
  /** The key, `index % keys`. */
  key: number;
  /** Event time in ms, the index. */
  ts: number;
}

/** The generator of `keys` keys: a fresh event per index. */
export function makeEventGenerator(keys: number): (i: number) => KeyedEvent {
  return (i: number): KeyedEvent => ({ key: i % keys, ts: i });
}

/** Key selector of both pipelines. */
export function eventKey(e: KeyedEvent): number {
  return e.key;
}

/** Timestamp assigner of the window pipeline. */
export function eventTime(e: KeyedEvent): number {
  return e.ts;
}

/** Number of distinct keys of a job, from the `BENCH_KEYS` env var. */
export function keyCount(fallback: number): number {
  const k = Number(process.env["BENCH_KEYS"] ?? fallback);
  if (!Number.isSafeInteger(k) || k < 1) throw new RangeError(`bad BENCH_KEYS ${String(k)}`);
  return k;
}

/**
 * Updates each key gets before the state pipeline emits it: N / keys rounded down, so every key
 * reaches it exactly once (with N a multiple of keys, at its last record).
 */
export function emitThreshold(n: number, keys: number): number {
  return Math.max(1, Math.floor(n / keys));
}

/**
 * Tumbling window length for `keys` keys, ms: 2.5 rounds of keys (records are 1 ms apart), so a
 * window holds every key, half of them twice and half three times (alternating between windows).
 */
export function windowMillis(keys: number): number {
  return Math.round(keys * 2.5);
}

/**
 * The state pipeline's function: a `ValueState<number>` count per key, read, incremented and
 * written back on every record; emits the key once, when its count reaches `threshold`.
 */
export class CountUpdates extends KeyedProcessFunction<number, KeyedEvent, number> {
  private readonly threshold: number;
  private count!: ValueState<number>;

  /** Emits a key when its count reaches `threshold`. */
  constructor(threshold: number) {
    super();
    this.threshold = threshold;
  }

  /** Registers the count state. */
  override open(_context: OpenContext): void {
    this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>("count"));
  }

  /** value() + 1 -> update(); emits the key at the threshold. */
  processElement(e: KeyedEvent, _ctx: KeyedProcessContext<number>, out: Collector<number>): void {
    const c = (this.count.value() ?? 0) + 1;
    this.count.update(c);
    if (c === this.threshold) out.collect(e.key);
  }
}

/** Counts the events of a window. */
export class CountAggregate implements AggregateFunction<KeyedEvent, number, number> {
  /** Zero. */
  createAccumulator(): number {
    return 0;
  }
  /** One more. */
  add(_e: KeyedEvent, acc: number): number {
    return acc + 1;
  }
  /** The count. */
  getResult(acc: number): number {
    return acc;
  }
  /** Sum of counts. */
  merge(a: number, b: number): number {
    return a + b;
  }
}

/**
 * Sums the squares of the numbers written, modulo 2^32: independent of the order of the writes but
 * not of how records were grouped into them (counts 2 + 3 and 1 + 4 give different sums).
 */
export class SquareChecksumWriter extends StatsWriter<number> {
  /** Adds `n * n`. */
  write(n: number): void {
    this.sum = (this.sum + Math.imul(n, n)) | 0;
    this.count++;
  }
}
