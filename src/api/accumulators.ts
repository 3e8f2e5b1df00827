/**
 * Accumulators: values that every parallel instance adds to and that are merged into the job's
 * result (`JobExecutionResult.getAccumulatorResult(name)`).
 */

/** A mergeable value, added to locally by each subtask. */
export interface Accumulator<V, R> {
  /** Adds one value locally. */
  add(value: V): void;
  /** The local (this subtask's) result. */
  getLocalValue(): R;
  /** Clears the local value. */
  resetLocal(): void;
  /** Merges another accumulator of the same kind into this one. */
  merge(other: Accumulator<V, R>): void;
  /** A fresh accumulator of the same kind, holding a copy of this value. */
  clone(): Accumulator<V, R>;
}

/** Counts with integers (sums numbers). */
export class IntCounter implements Accumulator<number, number> {
  private value: number;
  /** Starts at `initial` (default 0). */
  constructor(initial = 0) {
    this.value = initial;
  }
  /** Adds `v` (default 1). */
  add(v = 1): void {
    this.value += v;
  }
  /** The local count. */
  getLocalValue(): number {
    return this.value;
  }
  /** Back to 0. */
  resetLocal(): void {
    this.value = 0;
  }
  /** Adds the other counter's value. */
  merge(other: Accumulator<number, number>): void {
    this.value += other.getLocalValue();
  }
  /** A copy. */
  clone(): IntCounter {
    return new IntCounter(this.value);
  }
}

/** Alias of {@link IntCounter} with Flink's name for 64-bit counts. */
export class LongCounter extends IntCounter {
  /** A copy. */
  override clone(): LongCounter {
    return new LongCounter(this.getLocalValue());
  }
}

/** Sums floating-point numbers. */
export class DoubleCounter extends IntCounter {
  /** A copy. */
  override clone(): DoubleCounter {
    return new DoubleCounter(this.getLocalValue());
  }
}

/** Keeps the maximum number seen. */
export class MaxAccumulator implements Accumulator<number, number> {
  private value = -Infinity;
  /** Keeps `v` if larger. */
  add(v: number): void {
    if (v > this.value) this.value = v;
  }
  /** The maximum so far (-Infinity if none). */
  getLocalValue(): number {
    return this.value;
  }
  /** Back to -Infinity. */
  resetLocal(): void {
    this.value = -Infinity;
  }
  /** Keeps the larger of both. */
  merge(other: Accumulator<number, number>): void {
    this.add(other.getLocalValue());
  }
  /** A copy. */
  clone(): MaxAccumulator {
    const c = new MaxAccumulator();
    c.add(this.value);
    return c;
  }
}

/** Collects values into a list (keep it small: it travels to the client). */
export class ListAccumulator<T> implements Accumulator<T, T[]> {
  private values: T[] = [];
  /** Appends `v`. */
  add(v: T): void {
    this.values.push(v);
  }
  /** The local list. */
  getLocalValue(): T[] {
    return this.values;
  }
  /** Empties the list. */
  resetLocal(): void {
    this.values = [];
  }
  /** Appends the other's values. */
  merge(other: Accumulator<T, T[]>): void {
    for (const v of other.getLocalValue()) this.values.push(v);
  }
  /** A copy. */
  clone(): ListAccumulator<T> {
    const c = new ListAccumulator<T>();
    c.merge(this);
    return c;
  }
}

/** Counts occurrences per value (a histogram). */
export class Histogram implements Accumulator<string | number, Record<string, number>> {
  private counts: Record<string, number> = {};
  /** Counts one occurrence of `v`. */
  add(v: string | number): void {
    this.counts[v] = (this.counts[v] ?? 0) + 1;
  }
  /** The local counts. */
  getLocalValue(): Record<string, number> {
    return this.counts;
  }
  /** Empties the histogram. */
  resetLocal(): void {
    this.counts = {};
  }
  /** Adds the other's counts. */
  merge(other: Accumulator<string | number, Record<string, number>>): void {
    for (const [k, n] of Object.entries(other.getLocalValue()))
      this.counts[k] = (this.counts[k] ?? 0) + n;
  }
  /** A copy. */
  clone(): Histogram {
    const c = new Histogram();
    c.merge(this);
    return c;
  }
}

/** Built-in accumulator classes by name, so values can cross threads and be merged again. */
export const ACCUMULATOR_KINDS: Record<string, () => Accumulator<any, any>> = {
  IntCounter: () => new IntCounter(),
  LongCounter: () => new LongCounter(),
  DoubleCounter: () => new DoubleCounter(),
  MaxAccumulator: () => new MaxAccumulator(),
  ListAccumulator: () => new ListAccumulator(),
  Histogram: () => new Histogram(),
};
