/**
 * The source contract (a simplified form of Flink's FLIP-27 sources). A source describes its splits
 * (units of work, plain serializable data) and creates one reader per parallel subtask. The
 * JobManager creates the splits once and hands them out; readers poll records without blocking and
 * report their position as split state, which later checkpoints store.
 */
import type { TimerScheduler } from "../core/time.ts";

/** Whether a source ends. */
export type Boundedness = "BOUNDED" | "CONTINUOUS_UNBOUNDED";
/** Boundedness constants. */
export const Boundedness = {
  BOUNDED: "BOUNDED",
  CONTINUOUS_UNBOUNDED: "CONTINUOUS_UNBOUNDED",
} as const;

/** What a reader tells the task after a poll. */
export type InputStatus = "MORE_AVAILABLE" | "NOTHING_AVAILABLE" | "END_OF_INPUT";
/** Input status constants. */
export const InputStatus = {
  MORE_AVAILABLE: "MORE_AVAILABLE",
  NOTHING_AVAILABLE: "NOTHING_AVAILABLE",
  END_OF_INPUT: "END_OF_INPUT",
} as const;

/** Where a reader emits records. */
export interface ReaderOutput<T> {
  /** Emits a record, optionally with an event timestamp (ms). */
  collect(record: T, timestamp?: number): void;
}

/** What a reader knows about where it runs. */
export interface SourceReaderContext {
  /** Index of this reader's subtask. */
  readonly subtaskIndex: number;
  /** Parallelism of the source. */
  readonly parallelism: number;
  /** Processing-time clock and timers (injected; use it instead of Date.now/setTimeout). */
  readonly timers: TimerScheduler;
}

/** Reads the records of the splits assigned to one subtask. */
export interface SourceReader<T, SplitT> {
  /** Called once before the first poll. */
  start?(): void | Promise<void>;
  /** Assigns splits to read. */
  addSplits(splits: SplitT[]): void;
  /** Tells the reader that no further splits will come (bounded sources then end). */
  noMoreSplits(): void;
  /**
   * Emits the next records: at most a small batch (hundreds) per call, never blocking. Returns
   * whether more is available now, nothing is available (then {@link isAvailable} says when), or
   * the input has ended.
   */
  pollNext(output: ReaderOutput<T>): InputStatus;
  /** Resolves when `pollNext` may return records again after it returned NOTHING_AVAILABLE. */
  isAvailable(): Promise<void>;
  /**
   * The current state of each unfinished split (its position), for checkpoints. A reader may also
   * implement `CheckpointListener` to hear when a checkpoint completed (e.g. to acknowledge
   * messages upstream).
   */
  snapshotState(checkpointId: number): SplitT[];
  /** Releases resources. */
  close?(): void | Promise<void>;
}

/** A source of records: its boundedness, its splits, and a reader factory. */
export interface Source<T, SplitT = unknown> {
  /** Whether the source ends. */
  getBoundedness(): Boundedness;
  /**
   * The splits to read at the given source parallelism. Called once, on the JobManager; splits are
   * plain data (they cross threads and go into checkpoints).
   */
  createSplits(parallelism: number): SplitT[] | Promise<SplitT[]>;
  /** Creates the reader of one parallel subtask. */
  createReader(context: SourceReaderContext): SourceReader<T, SplitT>;
}
