/**
 * A source of literal rows: SQL `VALUES`, and the `values` test connector (which may carry a
 * changelog, rows of any kind). The rows stay on the Source object (every worker rebuilds the
 * same job and so holds the same rows); a split is an index range with a read position, which
 * checkpoints store, so a restored job continues where its checkpoint left off.
 */
import type { DataStream, SingleOutputStreamOperator, StreamHost } from "../../api/datastream.ts";
import { DataStream as DataStreamClass } from "../../api/datastream.ts";
import {
  Boundedness,
  InputStatus,
  type ReaderOutput,
  type Source,
  type SourceReader,
  type SourceReaderContext,
} from "../../api/source.ts";
import { SplitQueueReader, evenRanges, isIndexRange } from "../../api/sources/split-reader.ts";
import { SourceTransformation } from "../../api/transformations.ts";
import { WatermarkStrategy } from "../../api/watermarks.ts";
import type { TimerScheduler } from "../../core/time.ts";
import { registerSqlValueTypes } from "./value-types.ts";
import { kindOf, type Row } from "./row.ts";

/** A range `[start, end)` of the rows; `position` is the next row to emit. */
export interface ValuesSplit {
  /** First row of the range. */
  start: number;
  /** End of the range (exclusive). */
  end: number;
  /** Next row to emit. */
  position: number;
}

/** Options of a {@link ValuesSource}. */
export interface ValuesSourceOptions {
  /**
   * False makes the source unbounded: after its rows it stays open without input (a streaming
   * test table; the job then runs until cancelled). Default true.
   */
  readonly bounded?: boolean;
  /**
   * At most this many rows per second from each parallel reader (default: as fast as possible):
   * a slow table for tests that stop a job mid-way.
   */
  readonly rowsPerSecond?: number;
}

/** A source emitting literal rows `[kind, ...fields]` in order (per split). */
export class ValuesSource implements Source<Row, ValuesSplit> {
  /** The rows to emit. */
  readonly rows: readonly Row[];
  /** Whether the source ends after its rows. */
  readonly bounded: boolean;
  /** The rate limit of each reader (0: none). */
  readonly rowsPerSecond: number;

  /** A source over `rows`; each must be an array starting with a row kind. */
  constructor(rows: readonly Row[], options: ValuesSourceOptions = {}) {
    if (!Array.isArray(rows)) throw new TypeError("ValuesSource: expected an array of rows");
    rows.forEach((r, i) => kindOf(r, `ValuesSource row ${i}`));
    this.rows = rows;
    this.bounded = options.bounded ?? true;
    const rate = options.rowsPerSecond ?? 0;
    if (!(Number.isFinite(rate) && rate >= 0)) {
      throw new RangeError(`ValuesSource: rowsPerSecond must be a number >= 0, got ${rate}`);
    }
    this.rowsPerSecond = rate;
  }

  /** Bounded unless created with `bounded: false`. */
  getBoundedness(): Boundedness {
    return this.bounded ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
  }

  /** `parallelism` contiguous ranges of rows (sizes differ by at most one). */
  createSplits(parallelism: number): ValuesSplit[] {
    return evenRanges(this.rows.length, parallelism).map(([start, end]) => ({
      start,
      end,
      position: start,
    }));
  }

  /** A reader of the assigned ranges. */
  createReader(context: SourceReaderContext): SourceReader<Row, ValuesSplit> {
    return new ValuesReader(this.rows, this.bounded, this.rowsPerSecond, context.timers);
  }
}

/** Reads ranges of rows. */
class ValuesReader extends SplitQueueReader<Row, ValuesSplit> {
  private readonly rows: readonly Row[];
  private readonly bounded: boolean;
  private readonly rate: number;
  /** Rate limit: when this reader started, how many rows it emitted since. */
  private started = -1;
  private emitted = 0;

  private readonly timers: TimerScheduler;

  constructor(rows: readonly Row[], bounded: boolean, rate: number, timers: TimerScheduler) {
    super();
    this.rows = rows;
    this.bounded = bounded;
    this.rate = rate;
    this.timers = timers;
  }

  /** Rate limit: the time the next row may go out (ms since the epoch). */
  private nextRowAt(): number {
    return this.started + (this.emitted * 1000) / this.rate;
  }

  protected copySplit(s: ValuesSplit): ValuesSplit {
    if (!isIndexRange(s.start, s.position, s.end) || s.end > this.rows.length) {
      throw new RangeError(
        `ValuesSource: split ${JSON.stringify(s)} does not fit ${this.rows.length} rows ` +
          `(did the job build different rows?)`,
      );
    }
    return { start: s.start, end: s.end, position: s.position };
  }

  protected isFinished(split: ValuesSplit): boolean {
    return split.position >= split.end;
  }

  protected emitFrom(split: ValuesSplit, output: ReaderOutput<Row>, budget: number): number {
    const stop = Math.min(split.end, split.position + budget);
    const n = stop - split.position;
    while (split.position < stop) output.collect(this.rows[split.position++]!);
    return n;
  }

  override pollNext(output: ReaderOutput<Row>): InputStatus {
    let status: InputStatus;
    if (this.rate > 0) {
      const now = this.timers.now();
      if (this.started < 0) this.started = now;
      const allowed = Math.floor(((now - this.started) * this.rate) / 1000) + 1 - this.emitted;
      if (allowed > 0) this.emitted += this.emitBatch(output, Math.min(allowed, 256));
      status = this.queueStatus();
      if (status === InputStatus.MORE_AVAILABLE && this.nextRowAt() > this.timers.now()) {
        status = InputStatus.NOTHING_AVAILABLE;
      }
    } else status = super.pollNext(output);
    return status === InputStatus.END_OF_INPUT && !this.bounded
      ? InputStatus.NOTHING_AVAILABLE
      : status;
  }

  override isAvailable(): Promise<void> {
    if (!this.bounded && this.noMore && this.splits.length === 0) return new Promise(() => {});
    const at = this.rate > 0 && this.splits.length > 0 ? this.nextRowAt() : -Infinity;
    if (at > this.timers.now()) {
      return new Promise((resolve) => this.timers.scheduleAt(Math.ceil(at), resolve));
    }
    return super.isAvailable();
  }
}

/** Options of {@link fromValues}. */
export interface FromValuesOptions extends ValuesSourceOptions {
  /** Operator name (default `Values`). */
  readonly name?: string;
  /** Source parallelism (default 1, which keeps the rows' order). */
  readonly parallelism?: number;
}

/**
 * A stream of literal rows `[kind, ...fields]` on the environment (or stream host) `host`.
 * Use `insertRows(fieldArrays)` for an insert-only table.
 */
export function fromValues(
  host: StreamHost,
  rows: readonly Row[],
  options: FromValuesOptions = {},
): SingleOutputStreamOperator<Row> {
  const source = new ValuesSource(rows, options);
  registerSqlValueTypes(host);
  return sourceStream(host, source, options.name ?? "Values").setParallelism(
    options.parallelism ?? 1,
  );
}

/** Adds `source` to `host` (an environment, or the host of a stream) without a watermark strategy. */
export function sourceStream<T>(
  host: StreamHost,
  source: Source<T, any>,
  name: string,
): SingleOutputStreamOperator<T> {
  const t = new SourceTransformation<T>(name, source, WatermarkStrategy.noWatermarks(), -1);
  return DataStreamClass.wrapOperator<T>(host, host.addTransformation(t));
}

/** The environment (stream host) of a stream. */
export function hostOf(stream: DataStream<unknown>): StreamHost {
  return stream.getExecutionEnvironment();
}
