/**
 * Helpers of the async I/O tests: promises that resolve after a varying number of event-loop
 * hops (so requests complete out of order without sleeping), order checks, and a deferred map
 * whose requests the test completes by hand.
 */
import type { ResultFuture } from "strom";

/** Resolves with `value` after `hops` macrotask hops (setImmediate). */
export function afterHops<T>(hops: number, value: T): Promise<T> {
  return new Promise<T>((resolve) => {
    const step = (n: number): void => {
      if (n === 0) resolve(value);
      else setImmediate(() => step(n - 1));
    };
    step(hops);
  });
}

/** A scrambled but deterministic number of hops (0..12) for request `i`. */
export function hopsFor(i: number): number {
  return (i * 7919 + 13) % 13;
}

/** Number of pairs (i < j) with `values[i] > values[j]`. */
export function inversions(values: readonly number[]): number {
  let n = 0;
  for (let i = 0; i < values.length; i++)
    for (let j = i + 1; j < values.length; j++) if (values[i]! > values[j]!) n++;
  return n;
}

/** Whether `values` is strictly increasing. */
export function increasing(values: readonly number[]): boolean {
  for (let i = 1; i < values.length; i++) if (values[i - 1]! >= values[i]!) return false;
  return true;
}

/** Requests the test completes by hand: `started` lists the inputs in start order. */
export class Deferreds<IN, OUT> {
  /** Inputs whose request was started, in order. */
  readonly started: IN[] = [];
  private readonly futures = new Map<IN, ResultFuture<OUT>>();
  /** Records a started request. */
  add(input: IN, future: ResultFuture<OUT>): void {
    this.started.push(input);
    this.futures.set(input, future);
  }
  /** The future of the request for `input`. */
  get(input: IN): ResultFuture<OUT> {
    const f = this.futures.get(input);
    if (!f) throw new Error(`no request was started for ${String(input)}`);
    return f;
  }
}
