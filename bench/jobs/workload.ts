/**
 * The per-record work shared by the benchmark jobs (run by Strom in worker threads) and by the bare
 * loops they are compared with (run in the benchmark's main thread): the same generator, map,
 * filter, key, reduce functions and the same sink writer classes, so both sides do exactly the
 * same work per record.
 *
 * Sink writers keep a checksum (so results can be compared with the bare loop) and, when the
 * `BENCH_STATS` env var names a file, append one JSON line per writer at the end of input: the
 * checksum, the record count, when the writer was created and when its input ended (absolute ms,
 * comparable across threads), and the peak heap of its worker thread (sampled every 50 ms).
 */
import { appendFileSync } from "node:fs";
import { getHeapStatistics } from "node:v8";
import type { Sink, SinkInitContext, SinkWriter } from "strom";

/** A small record, as produced by the object generator. */
export interface Rec {
  id: number;
  value: number;
}

// ---- numbers (env.fromSequence) -------------------------------------------------------------

/** Map of the chained number pipeline. */
export function mapNumber(n: number): number {
  return n * 3;
}

/** Filter of the chained number pipeline (keeps half). */
export function keepNumber(n: number): boolean {
  return n % 2 === 0;
}

/** Key of the keyed number pipeline. */
export function keyNumber(n: number): number {
  return n % 1024;
}

/** Reduce of the keyed number pipeline. */
export function sumNumbers(a: number, b: number): number {
  return a + b;
}

// ---- objects (DataGeneratorSource) ----------------------------------------------------------

/** Generator of the object pipelines: a fresh small object per index. */
export function genRecord(i: number): Rec {
  return { id: i, value: i };
}

/** Map of the chained object pipeline (allocates a new record, as immutable records do). */
export function mapRecord(r: Rec): Rec {
  return { id: r.id, value: r.value * 3 };
}

/** Filter of the chained object pipeline (keeps half). */
export function keepRecord(r: Rec): boolean {
  return r.value % 2 === 0;
}

/** Key of the keyed object pipeline. */
export function keyRecord(r: Rec): number {
  return r.value % 1024;
}

/** Reduce of the keyed object pipeline (a running sum per key, as a new record). */
export function sumRecords(a: Rec, b: Rec): Rec {
  return { id: b.id, value: a.value + b.value };
}

// ---- sinks ----------------------------------------------------------------------------------

/** What a sink writer reports at the end of its input. */
export interface WriterStats {
  /** Subtask index of the writer. */
  subtask: number;
  /** The writer's checksum. */
  sum: number;
  /** Records written. */
  count: number;
  /** When the writer was created (task open), absolute ms. */
  openedAt: number;
  /** When its input ended, absolute ms. */
  endedAt: number;
  /** Peak used heap of the writer's thread, bytes (sampled). */
  peakHeapUsed: number;
  /** Peak total (committed) heap of the writer's thread, bytes (sampled). */
  peakHeapTotal: number;
}

/** Absolute time in ms, comparable across threads of the process. */
export function absoluteNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Base of the checksum writers: stats and heap sampling around the per-record work. */
export abstract class StatsWriter<T> implements SinkWriter<T> {
  /** Checksum of what was written. */
  sum = 0;
  /** Records written. */
  count = 0;
  private readonly subtask: number;
  private readonly openedAt = absoluteNow();
  private readonly statsFile: string | undefined;
  private sampler: NodeJS.Timeout | null = null;
  private peakHeapUsed = 0;
  private peakHeapTotal = 0;

  constructor(subtask: number, statsFile: string | undefined) {
    this.subtask = subtask;
    this.statsFile = statsFile;
    if (statsFile) {
      this.sample();
      this.sampler = setInterval(() => this.sample(), 50);
      this.sampler.unref();
    }
  }

  abstract write(element: T): void;

  private sample(): void {
    const h = getHeapStatistics();
    if (h.used_heap_size > this.peakHeapUsed) this.peakHeapUsed = h.used_heap_size;
    if (h.total_heap_size > this.peakHeapTotal) this.peakHeapTotal = h.total_heap_size;
  }

  flush(endOfInput: boolean): void {
    if (!endOfInput || !this.statsFile) return;
    const endedAt = absoluteNow();
    this.sample();
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = null;
    const stats: WriterStats = {
      subtask: this.subtask,
      sum: this.sum,
      count: this.count,
      openedAt: this.openedAt,
      endedAt,
      peakHeapUsed: this.peakHeapUsed,
      peakHeapTotal: this.peakHeapTotal,
    };
    appendFileSync(this.statsFile, JSON.stringify(stats) + "\n");
  }
}

/**
 * Sums numbers modulo 2^32: exact for any order (so parallel subtasks can be combined with
 * {@link combineChecksums}) as long as the numbers are integers below 2^52.
 */
export class NumberChecksumWriter extends StatsWriter<number> {
  write(n: number): void {
    this.sum = (this.sum + n) | 0;
    this.count++;
  }
}

/** Sums the `value` field of records modulo 2^32. */
export class RecordChecksumWriter extends StatsWriter<Rec> {
  write(r: Rec): void {
    this.sum = (this.sum + r.value) | 0;
    this.count++;
  }
}

/** Combines the checksums of several writers. */
export function combineChecksums(sums: readonly number[]): number {
  let s = 0;
  for (const x of sums) s = (s + x) | 0;
  return s;
}

type WriterClass<T> = new (subtask: number, statsFile: string | undefined) => SinkWriter<T>;

/** A sink whose writers are instances of `writer`; stats go to the `BENCH_STATS` file. */
export class BenchSink<T> implements Sink<T> {
  private readonly writer: WriterClass<T>;
  /** Creates a sink of `writer` instances. */
  constructor(writer: WriterClass<T>) {
    this.writer = writer;
  }
  /** One writer per subtask. */
  createWriter(context: SinkInitContext): SinkWriter<T> {
    return new this.writer(context.subtaskIndex, process.env["BENCH_STATS"]);
  }
}

/** Record count of a job, from the `BENCH_N` env var. */
export function recordCount(fallback: number): number {
  const n = Number(process.env["BENCH_N"] ?? fallback);
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`bad BENCH_N ${String(n)}`);
  return n;
}
