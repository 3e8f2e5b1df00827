/**
 * The sink contract: a sink creates one writer per parallel subtask. Writers receive records
 * synchronously and flush on checkpoint barriers and at the end of input; two-phase-committing
 * sinks pre-commit on the barrier and commit when the checkpoint completes.
 */
import type { TimerScheduler } from "../core/time.ts";

/** Per-record context handed to a writer. */
export interface SinkWriterContext {
  /** Event timestamp of the current record, or null. */
  timestamp(): number | null;
}

/** What a writer knows about where it runs. */
export interface SinkInitContext {
  /** Index of this writer's subtask. */
  readonly subtaskIndex: number;
  /** Parallelism of the sink. */
  readonly parallelism: number;
  /** Name of the sink operator. */
  readonly operatorName: string;
  /**
   * Processing time (the injected clock): `now()`, and `scheduleAt` whose callbacks run in the
   * task's turn, between records (never while the writer is being called).
   */
  readonly timers: TimerScheduler;
}

/** Writes the records of one parallel subtask. */
export interface SinkWriter<T> {
  /** Writes (or buffers) one record. */
  write(element: T, context: SinkWriterContext): void;
  /** Flushes buffered records; `endOfInput` is true once no more records will come. */
  flush(endOfInput: boolean): void | Promise<void>;
  /** Releases resources. */
  close?(): void | Promise<void>;
}

/** A destination for records. */
export interface Sink<T> {
  /** Creates the writer of one parallel subtask. */
  createWriter(context: SinkInitContext): SinkWriter<T> | Promise<SinkWriter<T>>;
}

/**
 * The writer of a {@link TwoPhaseCommittingSink}: writes into an open transaction (e.g. a hidden
 * part file); on each checkpoint barrier `prepareCommit` closes it (pre-commit) and returns what
 * must be committed once the checkpoint completes.
 */
export interface PrecommittingSinkWriter<T, CommT> extends SinkWriter<T> {
  /**
   * Pre-commit: called on a checkpoint barrier after `flush(false)`, and at the end of input after
   * `flush(true)`. Returns the committables of everything written since the last call.
   */
  prepareCommit(): CommT[] | Promise<CommT[]>;
}

/** Commits pre-committed transactions. `commit` must be idempotent (it is retried after a restore). */
export interface Committer<CommT> {
  /** Makes the committables' effects visible. */
  commit(committables: CommT[]): void | Promise<void>;
  /** Releases resources. */
  close?(): void | Promise<void>;
}

/**
 * A sink with end-to-end exactly-once through two-phase commit: the runtime keeps the committables
 * of each checkpoint in the sink's state and commits them when that checkpoint completes (and
 * again after a restore, for checkpoints whose commit may not have happened).
 */
export interface TwoPhaseCommittingSink<T, CommT> extends Sink<T> {
  /** Creates the writer of one parallel subtask. */
  createWriter(
    context: SinkInitContext,
  ): PrecommittingSinkWriter<T, CommT> | Promise<PrecommittingSinkWriter<T, CommT>>;
  /** Creates the committer (one per parallel subtask). */
  createCommitter(): Committer<CommT> | Promise<Committer<CommT>>;
}

/** Whether `sink` is a {@link TwoPhaseCommittingSink}. */
export function isTwoPhaseCommittingSink(
  sink: Sink<unknown>,
): sink is TwoPhaseCommittingSink<unknown, unknown> {
  return typeof (sink as TwoPhaseCommittingSink<unknown, unknown>).createCommitter === "function";
}
