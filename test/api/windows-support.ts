/**
 * Helpers of the window tests: generated keyed events with bounded disorder, event-time streams
 * with periodic or punctuated (deterministic) watermarks, and reference window computations.
 */
import {
  WatermarkStrategy,
  type DataStream,
  type StreamExecutionEnvironment,
  type WatermarkOutput,
} from "strom";
import { rng } from "./rng.ts";

/** A keyed event with a value and an event timestamp. */
export interface Ev {
  readonly key: string;
  readonly value: number;
  readonly ts: number;
}

/** `n` events over `keys` keys with increasing timestamps from `start` (steps of 0..`step`). */
export function orderedEvents(n: number, keys: number, step = 7, seed = 1, start = 0): Ev[] {
  const r = rng(seed);
  const out: Ev[] = [];
  let ts = start;
  for (let i = 0; i < n; i++) {
    ts += Math.floor(r() * (step + 1));
    out.push({ key: `k${Math.floor(r() * keys)}`, value: 1 + Math.floor(r() * 100), ts });
  }
  return out;
}

/**
 * The same events out of order, each at most `bound` ms behind the largest timestamp before it
 * (so nothing is late with `forBoundedOutOfOrderness(bound)`).
 */
export function shuffledWithin(events: readonly Ev[], bound: number, seed = 2): Ev[] {
  const r = rng(seed);
  const keyed = events.map((e) => ({ e, k: e.ts + r() * bound }));
  keyed.sort((a, b) => a.k - b.k);
  const out = keyed.map((x) => x.e);
  let max = -Infinity;
  for (const e of out) {
    if (e.ts < max - bound) throw new Error("shuffledWithin produced a late event");
    max = Math.max(max, e.ts);
  }
  return out;
}

/** Events from a collection with timestamps and bounded-out-of-orderness watermarks. */
export function eventStream(
  env: StreamExecutionEnvironment,
  events: readonly Ev[],
  bound = 0,
): DataStream<Ev> {
  return env
    .fromCollection(events)
    .assignTimestampsAndWatermarks(
      WatermarkStrategy.forBoundedOutOfOrderness<Ev>(bound).withTimestampAssigner((e) => e.ts),
    );
}

/**
 * Events read by one source subtask with a watermark after every event (max timestamp - `lag` -
 * 1), so which events are late is deterministic at any parallelism of the windows.
 */
export function punctuatedStream<T extends { ts: number }>(
  env: StreamExecutionEnvironment,
  events: readonly T[],
  lag = 0,
): DataStream<T> {
  const strategy = WatermarkStrategy.forGenerator<T>(() => {
    let max = -Infinity;
    return {
      onEvent(_e: T, ts: number, out: WatermarkOutput) {
        max = Math.max(max, ts);
        out.emitWatermark(max - lag - 1);
      },
      onPeriodicEmit() {},
    };
  }).withTimestampAssigner((e) => e.ts);
  return env
    .fromCollection(events)
    .setParallelism(1)
    .assignTimestampsAndWatermarks(strategy)
    .setParallelism(1);
}

/** Start of the tumbling window of `size` (and `offset`) containing `ts` (reference formula). */
export function windowStart(ts: number, size: number, offset = 0): number {
  return ts - ((((ts - offset) % size) + size) % size);
}

/** Reference tumbling windows: per key and window start, the events in input order. */
export function tumblingGroups(events: readonly Ev[], size: number): Map<string, Ev[]> {
  const out = new Map<string, Ev[]>();
  for (const e of events) {
    const id = `${e.key}@${windowStart(e.ts, size)}`;
    const list = out.get(id);
    if (list) list.push(e);
    else out.set(id, [e]);
  }
  return out;
}

/** A window summary `[key, start, end, sum, count]`. */
export type Summary = [string, number, number, number, number];

/** Reference summaries of tumbling windows. */
export function tumblingSummaries(events: readonly Ev[], size: number): Summary[] {
  return [...tumblingGroups(events, size).values()].map((list) => {
    const start = windowStart(list[0]!.ts, size);
    const sum = list.reduce((s, e) => s + e.value, 0);
    return [list[0]!.key, start, start + size, sum, list.length];
  });
}

/** Reference summaries of sliding windows. */
export function slidingSummaries(events: readonly Ev[], size: number, slide: number): Summary[] {
  const groups = new Map<string, Summary>();
  for (const e of events) {
    for (let s = windowStart(e.ts, slide); s > e.ts - size; s -= slide) {
      const id = `${e.key}@${s}`;
      const g = groups.get(id);
      if (g) {
        g[3] += e.value;
        g[4]++;
      } else groups.set(id, [e.key, s, s + size, e.value, 1]);
    }
  }
  return [...groups.values()];
}

/** Reference event-time sessions per key: `[key, start, end, sum, count]`. */
export function sessionSummaries(events: readonly Ev[], gap: number): Summary[] {
  const byKey = new Map<string, Ev[]>();
  for (const e of events) {
    const list = byKey.get(e.key) ?? [];
    list.push(e);
    byKey.set(e.key, list);
  }
  const out: Summary[] = [];
  for (const [key, list] of byKey) {
    const sorted = [...list].sort((a, b) => a.ts - b.ts);
    let cur: Summary | null = null;
    for (const e of sorted) {
      if (cur !== null && e.ts <= cur[2]) {
        cur[2] = Math.max(cur[2], e.ts + gap);
        cur[3] += e.value;
        cur[4]++;
      } else {
        if (cur) out.push(cur);
        cur = [key, e.ts, e.ts + gap, e.value, 1];
      }
    }
    if (cur) out.push(cur);
  }
  return out;
}
