/**
 * A bounded, parallel source of the integers `from..to` (both inclusive), like Flink's
 * NumberSequenceSource (`env.fromSequence(from, to)`). The range is cut into contiguous splits.
 */
import {
  Boundedness,
  type ReaderOutput,
  type Source,
  type SourceReader,
  type SourceReaderContext,
} from "../source.ts";
import { SplitQueueReader, checkParallelism } from "./split-reader.ts";

/** The integers `from..to` (inclusive); `next` is the next number to emit (`next > to`: done). */
export interface NumberSequenceSplit {
  /** First number of the range. */
  from: number;
  /** Last number of the range (inclusive). */
  to: number;
  /** Next number to emit. */
  next: number;
}

/** A bounded source of the safe integers `from..to`, both inclusive. */
export class NumberSequenceSource implements Source<number, NumberSequenceSplit> {
  /** First number. */
  readonly from: number;
  /** Last number (inclusive). */
  readonly to: number;

  /** The numbers `from..to` (inclusive); both must be safe integers with `from <= to`. */
  constructor(from: number, to: number) {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) {
      throw new RangeError(
        `fromSequence(${String(from)}, ${String(to)}): both ends must be safe integers`,
      );
    }
    if (from > to) {
      throw new RangeError(`fromSequence(${from}, ${to}): 'from' must not be greater than 'to'`);
    }
    this.from = from;
    this.to = to;
  }

  /** Always bounded. */
  getBoundedness(): Boundedness {
    return Boundedness.BOUNDED;
  }

  /**
   * `min(parallelism, count)` contiguous, non-empty ranges whose sizes differ by at most one.
   * Computed with BigInt, so even the full safe-integer range splits exactly.
   */
  createSplits(parallelism: number): NumberSequenceSplit[] {
    const parallel = BigInt(checkParallelism(parallelism));
    const from = BigInt(this.from);
    const n = BigInt(this.to) - from + 1n;
    const p = n < parallel ? n : parallel;
    const base = n / p;
    const rem = n % p;
    const splits: NumberSequenceSplit[] = [];
    for (let i = 0n; i < p; i++) {
      const start = from + i * base + (i < rem ? i : rem);
      const last = start + base + (i < rem ? 1n : 0n) - 1n;
      splits.push({ from: Number(start), to: Number(last), next: Number(start) });
    }
    return splits;
  }

  /** A reader emitting the numbers of its assigned ranges in ascending order. */
  createReader(_context: SourceReaderContext): SourceReader<number, NumberSequenceSplit> {
    return new NumberSequenceReader();
  }
}

/** Reads number ranges. */
class NumberSequenceReader extends SplitQueueReader<number, NumberSequenceSplit> {
  protected copySplit(s: NumberSequenceSplit): NumberSequenceSplit {
    const ok =
      Number.isSafeInteger(s.from) &&
      Number.isSafeInteger(s.to) &&
      Number.isInteger(s.next) &&
      s.from <= s.next &&
      s.next <= s.to + 1;
    if (!ok) throw new RangeError(`NumberSequenceSource: invalid split ${JSON.stringify(s)}`);
    return { from: s.from, to: s.to, next: s.next };
  }

  protected isFinished(split: NumberSequenceSplit): boolean {
    return split.next > split.to;
  }

  protected emitFrom(
    split: NumberSequenceSplit,
    output: ReaderOutput<number>,
    budget: number,
  ): number {
    // `to - next + 1` stays exact: both are safe integers within one split.
    const count = Math.min(budget, split.to - split.next + 1);
    for (let k = 0; k < count; k++) output.collect(split.next++);
    return count;
  }
}
