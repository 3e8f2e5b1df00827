/**
 * The sink contract: a sink creates one writer per parallel subtask. Writers receive records
 * synchronously and flush at the end of input (and, with the checkpoint issue, on barriers).
 */

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
