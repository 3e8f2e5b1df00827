/**
 * Shared pieces of the backend conformance suite: backend factories, a clock and disposal
 * harness, namespaces, keys of every shape, and order-insensitive comparison.
 */
import type { AggregateFunction, StateDescriptor, StateOfDescriptor } from "strom";
import type { KeyGroupRange } from "../../src/core/keygroups.ts";
import type { SnapshotableKeyedBackend } from "../../src/runtime/checkpoint/snapshot.ts";
import type { InternalKvState, KeyedStateBackend } from "../../src/runtime/state/keyed-backend.ts";

/** A backend under test: keyed and snapshotable. */
export type TestBackend = KeyedStateBackend & SnapshotableKeyedBackend;

/** Makes backends of one kind. */
export interface BackendFactory {
  /** Name in test titles. */
  readonly name: string;
  /** A new empty backend over `range` of 128 key groups, with processing time from `now`. */
  create(range: KeyGroupRange, now: () => number): TestBackend;
}

/** A window-like namespace with its own map form. */
export interface Ns {
  readonly id: number;
}
/** Namespace key function of {@link Ns}. */
export const nsKey = (n: Ns): number => n.id;
/** Namespaces. */
export const W1: Ns = { id: 1 };
export const W2: Ns = { id: 2 };
export const W3: Ns = { id: 3 };

/** Handles of merging kinds, as the window operator sees them. */
export type Handle = InternalKvState<Ns> & { add(v: unknown): void; get(): unknown };

/** Sums numbers, with merge. */
export const sumAgg: AggregateFunction<number, { n: number }, number> = {
  createAccumulator: () => ({ n: 0 }),
  add: (v, acc) => ({ n: acc.n + v }),
  getResult: (acc) => acc.n,
  merge: (a, b) => ({ n: a.n + b.n }),
};

/** Keys of every shape: composite keys, escaped strings, numbers, booleans, null. */
export const KEYS: readonly unknown[] = [
  { user: "a", n: 1 },
  ["b", 2],
  "\u0000escaped",
  7,
  -3.5,
  "plain",
  true,
  null,
  12345678901234n,
];

/** Tracks backends and a settable clock for one test file. */
export class Harness {
  /** The clock. */
  time = 0;
  private readonly made: TestBackend[] = [];
  private readonly factory: BackendFactory;
  constructor(factory: BackendFactory) {
    this.factory = factory;
  }
  /** A new backend (disposed after the test). */
  make(range: KeyGroupRange = { start: 0, end: 127 }): TestBackend {
    return this.makeWith(this.factory, range);
  }
  /** A new backend of `factory` on this clock (disposed after the test). */
  makeWith(factory: BackendFactory, range: KeyGroupRange = { start: 0, end: 127 }): TestBackend {
    const b = factory.create(range, () => this.time);
    this.made.push(b);
    return b;
  }
  /** Disposes everything made. */
  disposeAll(): void {
    for (const b of this.made.splice(0)) b.dispose();
    this.time = 0;
  }
}

/** Values as sorted JSON strings (for order-insensitive comparison). */
export function sorted(values: Iterable<unknown>): string[] {
  return [...values].map((v) => JSON.stringify(v, (_k, x: unknown) => jsonable(x))).sort();
}

/** A JSON-friendly form of Maps and bigints. */
export function jsonable(x: unknown): unknown {
  if (x instanceof Map) return { map: [...x.entries()] };
  if (typeof x === "bigint") return `${x}n`;
  return x;
}

/** Registers `d` (with namespace function `ns`) in `b`, typed as the descriptor's handle. */
export function st<D extends StateDescriptor>(
  b: TestBackend,
  d: D,
  ns?: (n: Ns) => number,
): StateOfDescriptor<D> & InternalKvState<Ns> {
  return b.getOrCreateKeyedState(d, ns) as never;
}
