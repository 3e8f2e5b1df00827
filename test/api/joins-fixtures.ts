/** Shared data of the join tests: seeded random events with out-of-order timestamps. */
import type { DataStream, KeyedStream } from "strom";
import { rng } from "./rng.ts";

/** A test event: unique id, join key and event timestamp. */
export interface Ev {
  readonly id: string;
  readonly key: string;
  readonly ts: number;
}

/**
 * `n` events over `numKeys` keys; event i has timestamp `3 i + jitter` with jitter in
 * `[0, bound]`, so the order is off by at most `bound` and a watermark of (largest timestamp seen
 * - bound - 1) never makes an event late.
 */
export function randomEvents(
  prefix: string,
  n: number,
  numKeys: number,
  bound: number,
  seed: number,
): Ev[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i}`,
    key: `k${Math.floor(r() * numKeys)}`,
    ts: 3 * i + Math.floor(r() * (bound + 1)),
  }));
}

/** The stream keyed by the event's key. */
export function keyed(stream: DataStream<Ev>): KeyedStream<Ev, string> {
  return stream.keyBy((e) => e.key);
}
