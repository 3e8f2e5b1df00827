/**
 * Error types shared by every layer. Each error names the cause and the place, so a user can find
 * the operator, subtask or option that failed without reading Strom's internals.
 */

/** Base class of all errors Strom raises itself. */
export class StromError extends Error {
  /** Creates an error with a message and an optional underlying cause. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * An error that already names the operator or connection where it happened; operators upstream
 * pass it through instead of claiming it as their own.
 */
export class PlacedError extends StromError {}

/** A record cannot be serialized to cross to another thread; names both operators. */
export class RecordSerializationError extends PlacedError {}

/** A key selector or custom partitioner failed; names the keyBy and its consumer. */
export class PartitionerError extends PlacedError {}

/** A job definition is invalid (bad parallelism, a missing input, an unknown option...). */
export class InvalidJobError extends StromError {}

/** A user function threw; carries the operator, subtask and the user's own stack. */
export class UserFunctionError extends PlacedError {
  /** Name of the operator whose function threw. */
  readonly operatorName: string;
  /** Index of the subtask that failed. */
  readonly subtaskIndex: number;
  /** Parallelism of the failing operator. */
  readonly parallelism: number;

  /** Wraps `cause`, thrown by a user function in `operatorName`, subtask `subtaskIndex`. */
  constructor(operatorName: string, subtaskIndex: number, parallelism: number, cause: unknown) {
    super(
      `${describeError(cause)}\n    in operator '${operatorName}' (subtask ${subtaskIndex + 1}/${parallelism})`,
      { cause },
    );
    this.operatorName = operatorName;
    this.subtaskIndex = subtaskIndex;
    this.parallelism = parallelism;
    const userStack = cause instanceof Error && cause.stack ? cause.stack : undefined;
    if (userStack) {
      this.stack = `${this.name}: ${this.message}\nCaused by: ${userStack}`;
    }
  }
}

/** A job failed; thrown by `execute()`. The cause is the first failure that stopped it. */
export class JobExecutionError extends StromError {}

/** A job was cancelled (Ctrl-C, a limit reached, or an explicit cancel). */
export class JobCancelledError extends StromError {}

/** Renders any thrown value as a one-line description, keeping Error names. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return `thrown value: ${String(e)}`;
}
