/**
 * A bounded source over an in-memory array (`env.fromElements(...)`, `env.fromCollection(arr)`).
 * The array itself stays on the Source object: every worker rebuilds the same job module and so
 * holds the same array, and a split only carries an index range and a read position.
 */
import {
  Boundedness,
  InputStatus,
  type ReaderOutput,
  type Source,
  type SourceReader,
  type SourceReaderContext,
} from "../source.ts";

/** Most records a reader emits per `pollNext` call. */
const BATCH_SIZE = 256;

/** A range `[start, end)` of a collection's indices; `position` is the next index to emit. */
export interface CollectionSplit {
  /** First index of the range (inclusive). */
  start: number;
  /** End of the range (exclusive). */
  end: number;
  /** Next index to emit (`start <= position <= end`). */
  position: number;
}

/** Checks a source parallelism and returns it. */
function checkParallelism(parallelism: number): number {
  if (!Number.isSafeInteger(parallelism) || parallelism < 1) {
    throw new RangeError(
      `source parallelism must be a positive integer, got ${String(parallelism)}`,
    );
  }
  return parallelism;
}

/**
 * A bounded source emitting the elements of an array in order. The array is referenced, not copied:
 * do not change it after the job is built.
 */
export class CollectionSource<T> implements Source<T, CollectionSplit> {
  /** The elements to emit. */
  readonly elements: readonly T[];

  /** A source over `elements`. */
  constructor(elements: readonly T[]) {
    if (!Array.isArray(elements)) throw new TypeError("CollectionSource: expected an array");
    this.elements = elements;
  }

  /** Always bounded. */
  getBoundedness(): Boundedness {
    return Boundedness.BOUNDED;
  }

  /** `parallelism` contiguous index ranges whose sizes differ by at most one (some may be empty). */
  createSplits(parallelism: number): CollectionSplit[] {
    const p = checkParallelism(parallelism);
    const n = this.elements.length;
    const base = Math.floor(n / p);
    const rem = n % p;
    const splits: CollectionSplit[] = [];
    for (let i = 0; i < p; i++) {
      const start = i * base + Math.min(i, rem);
      const end = start + base + (i < rem ? 1 : 0);
      splits.push({ start, end, position: start });
    }
    return splits;
  }

  /** A reader emitting the elements of its assigned ranges. */
  createReader(_context: SourceReaderContext): SourceReader<T, CollectionSplit> {
    return new CollectionSourceReader<T>(this.elements);
  }
}

/** Reads index ranges of a collection. */
class CollectionSourceReader<T> implements SourceReader<T, CollectionSplit> {
  private readonly elements: readonly T[];
  private readonly splits: CollectionSplit[] = [];
  private noMore = false;
  private waiter: PromiseWithResolvers<void> | null = null;

  constructor(elements: readonly T[]) {
    this.elements = elements;
  }

  addSplits(splits: CollectionSplit[]): void {
    for (const s of splits) {
      const ok =
        Number.isSafeInteger(s.start) &&
        Number.isSafeInteger(s.end) &&
        Number.isSafeInteger(s.position) &&
        s.start >= 0 &&
        s.start <= s.position &&
        s.position <= s.end &&
        s.end <= this.elements.length;
      if (!ok) {
        throw new RangeError(
          `CollectionSource: split ${JSON.stringify(s)} does not fit a collection of ` +
            `${this.elements.length} elements (did the job build a different collection?)`,
        );
      }
      this.splits.push({ start: s.start, end: s.end, position: s.position });
    }
    this.wake();
  }

  noMoreSplits(): void {
    this.noMore = true;
    this.wake();
  }

  pollNext(output: ReaderOutput<T>): InputStatus {
    let budget = BATCH_SIZE;
    while (budget > 0 && this.splits.length > 0) {
      const split = this.splits[0]!;
      const stop = Math.min(split.end, split.position + budget);
      budget -= stop - split.position;
      while (split.position < stop) output.collect(this.elements[split.position++]!);
      if (split.position >= split.end) this.splits.shift();
    }
    if (this.splits.length > 0) return InputStatus.MORE_AVAILABLE;
    return this.noMore ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
  }

  isAvailable(): Promise<void> {
    if (this.splits.length > 0 || this.noMore) return Promise.resolve();
    this.waiter ??= Promise.withResolvers<void>();
    return this.waiter.promise;
  }

  snapshotState(_checkpointId: number): CollectionSplit[] {
    return this.splits
      .filter((s) => s.position < s.end)
      .map((s) => ({ start: s.start, end: s.end, position: s.position }));
  }

  close(): void {
    this.splits.length = 0;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.resolve();
  }
}
