/**
 * A bounded source over an in-memory array (`env.fromElements(...)`, `env.fromCollection(arr)`).
 * The array itself stays on the Source object: every worker rebuilds the same job module and so
 * holds the same array, and a split only carries an index range and a read position.
 */
import {
  Boundedness,
  type ReaderOutput,
  type Source,
  type SourceReader,
  type SourceReaderContext,
} from "../source.ts";
import { SplitQueueReader, evenRanges, isIndexRange } from "./split-reader.ts";

/** A range `[start, end)` of a collection's indices; `position` is the next index to emit. */
export interface CollectionSplit {
  /** First index of the range (inclusive). */
  start: number;
  /** End of the range (exclusive). */
  end: number;
  /** Next index to emit (`start <= position <= end`). */
  position: number;
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
    return evenRanges(this.elements.length, parallelism).map(([start, end]) => ({
      start,
      end,
      position: start,
    }));
  }

  /** A reader emitting the elements of its assigned ranges. */
  createReader(_context: SourceReaderContext): SourceReader<T, CollectionSplit> {
    return new CollectionSourceReader<T>(this.elements);
  }
}

/** Reads index ranges of a collection. */
class CollectionSourceReader<T> extends SplitQueueReader<T, CollectionSplit> {
  private readonly elements: readonly T[];

  constructor(elements: readonly T[]) {
    super();
    this.elements = elements;
  }

  protected copySplit(s: CollectionSplit): CollectionSplit {
    if (!isIndexRange(s.start, s.position, s.end) || s.end > this.elements.length) {
      throw new RangeError(
        `CollectionSource: split ${JSON.stringify(s)} does not fit a collection of ` +
          `${this.elements.length} elements (did the job build a different collection?)`,
      );
    }
    return { start: s.start, end: s.end, position: s.position };
  }

  protected isFinished(split: CollectionSplit): boolean {
    return split.position >= split.end;
  }

  protected emitFrom(split: CollectionSplit, output: ReaderOutput<T>, budget: number): number {
    const stop = Math.min(split.end, split.position + budget);
    const count = stop - split.position;
    while (split.position < stop) output.collect(this.elements[split.position++]!);
    return count;
  }
}
