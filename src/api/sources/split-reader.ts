/**
 * What the built-in sources share: the parallelism check and even range cutting of
 * `createSplits`, and {@link SplitQueueReader}, the split bookkeeping of their readers.
 */
import { InputStatus, type ReaderOutput, type SourceReader } from "../source.ts";

/** Most records a built-in reader emits per `pollNext` call. */
export const READER_BATCH_SIZE = 256;

/** Checks a source parallelism (a positive safe integer) and returns it. */
export function checkParallelism(parallelism: number): number {
  if (!Number.isSafeInteger(parallelism) || parallelism < 1) {
    throw new RangeError(
      `source parallelism must be a positive integer, got ${String(parallelism)}`,
    );
  }
  return parallelism;
}

/** Whether `start <= position <= end` are safe integers with `start >= 0` (a split's index range). */
export function isIndexRange(start: number, position: number, end: number): boolean {
  return (
    Number.isSafeInteger(start) &&
    Number.isSafeInteger(end) &&
    Number.isSafeInteger(position) &&
    start >= 0 &&
    start <= position &&
    position <= end
  );
}

/**
 * Cuts the indices `0..count-1` into `parallelism` contiguous ranges `[start, end)` whose sizes
 * differ by at most one (some may be empty). Checks the parallelism first.
 */
export function evenRanges(count: number, parallelism: number): Array<[number, number]> {
  const p = checkParallelism(parallelism);
  const base = Math.floor(count / p);
  const rem = count % p;
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < p; i++) {
    const start = i * base + Math.min(i, rem);
    ranges.push([start, start + base + (i < rem ? 1 : 0)]);
  }
  return ranges;
}

/**
 * A reader over a queue of splits, read one after another from the head. It keeps the queue,
 * the end of splits and the waiter of {@link isAvailable}; subclasses say how to copy a split,
 * when one is finished and how to emit its records. Splits are copied on the way in and out, so
 * the reader owns the objects it moves forward.
 */
export abstract class SplitQueueReader<T, SplitT> implements SourceReader<T, SplitT> {
  /** The assigned splits still to read; the head is read first. */
  protected readonly splits: SplitT[] = [];
  /** Whether {@link noMoreSplits} was called. */
  protected noMore = false;
  private waiter: PromiseWithResolvers<void> | null = null;

  /**
   * Checks a split (throws a RangeError when it does not fit this reader) and returns a fresh copy.
   * Used for assigned splits and for snapshots.
   */
  protected abstract copySplit(split: SplitT): SplitT;

  /** Whether a split has nothing more to emit. */
  protected abstract isFinished(split: SplitT): boolean;

  /**
   * Emits at most `budget` records of `split` (the head of the queue), moving its position on,
   * and returns how many it emitted. Returning with the split unfinished ends the poll.
   */
  protected abstract emitFrom(split: SplitT, output: ReaderOutput<T>, budget: number): number;

  /** Queues copies of the splits (each checked by {@link copySplit}) and wakes a waiter. */
  addSplits(splits: SplitT[]): void {
    for (const s of splits) this.splits.push(this.copySplit(s));
    this.wake();
  }

  /** Records that no splits will follow and wakes a waiter. */
  noMoreSplits(): void {
    this.noMore = true;
    this.wake();
  }

  /** Emits up to {@link READER_BATCH_SIZE} records, then reports {@link queueStatus}. */
  pollNext(output: ReaderOutput<T>): InputStatus {
    this.emitBatch(output, READER_BATCH_SIZE);
    return this.queueStatus();
  }

  /** Resolves at once while splits are queued or they have ended, else when either happens. */
  isAvailable(): Promise<void> {
    if (this.splits.length > 0 || this.noMore) return Promise.resolve();
    this.waiter ??= Promise.withResolvers<void>();
    return this.waiter.promise;
  }

  /** Copies of the unfinished splits, positions included. */
  snapshotState(_checkpointId: number): SplitT[] {
    return this.splits.filter((s) => !this.isFinished(s)).map((s) => this.copySplit(s));
  }

  /** Drops the queued splits. */
  close(): void {
    this.splits.length = 0;
  }

  /**
   * Emits up to `budget` records from the head of the queue, dropping splits as they finish, and
   * returns how many it emitted.
   */
  protected emitBatch(output: ReaderOutput<T>, budget: number): number {
    let emitted = 0;
    while (emitted < budget && this.splits.length > 0) {
      const split = this.splits[0]!;
      emitted += this.emitFrom(split, output, budget - emitted);
      if (!this.isFinished(split)) break;
      this.splits.shift();
    }
    return emitted;
  }

  /** MORE_AVAILABLE while splits are queued, else END_OF_INPUT once they ended, else NOTHING_AVAILABLE. */
  protected queueStatus(): InputStatus {
    if (this.splits.length > 0) return InputStatus.MORE_AVAILABLE;
    return this.noMore ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
  }

  /** Drops the finished splits at the head of the queue. */
  protected dropFinishedSplits(): void {
    while (this.splits.length > 0 && this.isFinished(this.splits[0]!)) this.splits.shift();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.resolve();
  }
}
