/**
 * Shared helpers of the DataStream API, graph and runtime tests: environments on the in-thread
 * target, running one job at several parallelisms, order-insensitive comparison, sinks that
 * record which subtask received what, and bounded waits.
 */
import assert from "node:assert/strict";
import {
  Boundedness,
  InputStatus,
  StreamExecutionEnvironment,
  type ExecutionConfig,
  type ReaderOutput,
  type Sink,
  type SinkWriter,
  type Source,
  type SourceReader,
  type SourceReaderContext,
} from "strom";
import { ManualTimerScheduler } from "../../src/core/time.ts";
import { registerExecutorFactory } from "../../src/api/executor.ts";
import { ThreadExecutor } from "../../src/cluster/thread-executor.ts";

/** The parallelisms every semantic test runs at. */
export const PARALLELISMS: readonly number[] = [1, 2, 4];

/** An environment running in the calling thread, so jobs can be defined inline in tests. */
export function threadEnv(
  parallelism = 1,
  options: Partial<ExecutionConfig> = {},
): StreamExecutionEnvironment {
  return StreamExecutionEnvironment.getExecutionEnvironment({
    target: "thread",
    parallelism,
    ...options,
  });
}

/** A stable text form of a value, used to sort values of any shape. */
export function keyOf(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === "bigint" ? `${v}n` : v === undefined ? "__undefined__" : v,
  );
}

/** A sorted copy (by {@link keyOf}), for order-insensitive comparison. */
export function sorted<T>(values: readonly T[]): T[] {
  return values
    .map((v) => [keyOf(v), v] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, v]) => v);
}

/** Asserts that two collections hold the same elements with the same multiplicities. */
export function assertSameMultiset<T>(actual: readonly T[], expected: readonly T[], msg?: string) {
  assert.deepEqual(sorted(actual), sorted(expected), msg);
}

/**
 * Runs `job` at every parallelism of {@link PARALLELISMS} and returns the results by parallelism.
 * Jobs run one after the other (never concurrently) so their output stays separate.
 */
export async function atEachParallelism<R>(
  job: (parallelism: number) => Promise<R>,
  parallelisms: readonly number[] = PARALLELISMS,
): Promise<Map<number, R>> {
  const out = new Map<number, R>();
  for (const p of parallelisms) out.set(p, await job(p));
  return out;
}

/**
 * Runs `job` at 1, 2 and 4 and checks that every run gives `expected` (ignoring order), and that
 * all runs agree with each other.
 */
export async function assertSameAtEachParallelism<T>(
  job: (parallelism: number) => Promise<T[]>,
  expected: readonly T[],
): Promise<Map<number, T[]>> {
  const results = await atEachParallelism(job);
  for (const [p, got] of results) assertSameMultiset(got, expected, `parallelism ${p}`);
  return results;
}

/** Groups values by a key, keeping their order. */
export function groupBy<T, K>(values: readonly T[], key: (v: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const v of values) {
    const k = key(v);
    const list = out.get(k);
    if (list) list.push(v);
    else out.set(k, [v]);
  }
  return out;
}

/** What a {@link RecordingSink} saw in one subtask. */
export interface SinkSubtaskLog<T> {
  /** Records, in arrival order. */
  readonly records: T[];
  /** Timestamps of the records (null when none), parallel to `records`. */
  readonly timestamps: (number | null)[];
  /** Parallelism the writer was created with. */
  readonly parallelism: number;
  /** How many times the writer was flushed with endOfInput = true. */
  endOfInputFlushes: number;
  /** Whether the writer was closed. */
  closed: boolean;
}

/**
 * A sink that records, per subtask, what arrived (the sink writer is created per subtask with its
 * index, so this is where records really landed). Usable only with the in-thread target.
 */
export class RecordingSink<T> implements Sink<T> {
  /** Logs by subtask index. */
  readonly subtasks = new Map<number, SinkSubtaskLog<T>>();

  /** One writer per subtask. */
  createWriter(ctx: { subtaskIndex: number; parallelism: number }): SinkWriter<T> {
    assert.ok(!this.subtasks.has(ctx.subtaskIndex), `writer ${ctx.subtaskIndex} created twice`);
    const log: SinkSubtaskLog<T> = {
      records: [],
      timestamps: [],
      parallelism: ctx.parallelism,
      endOfInputFlushes: 0,
      closed: false,
    };
    this.subtasks.set(ctx.subtaskIndex, log);
    return {
      write(element, context) {
        log.records.push(element);
        log.timestamps.push(context.timestamp());
      },
      flush(endOfInput) {
        if (endOfInput) log.endOfInputFlushes++;
      },
      close() {
        log.closed = true;
      },
    };
  }

  /** Every record, subtask by subtask (each subtask's records in arrival order). */
  all(): T[] {
    return [...this.subtasks.keys()]
      .sort((a, b) => a - b)
      .flatMap((s) => this.subtasks.get(s)!.records);
  }

  /** The records of subtask `s` (empty when it received nothing). */
  of(s: number): T[] {
    return this.subtasks.get(s)?.records ?? [];
  }

  /** `[subtask, record]` for every record. */
  landings(): [number, T][] {
    const out: [number, T][] = [];
    for (const [s, log] of this.subtasks) for (const r of log.records) out.push([s, r]);
    return out;
  }
}

/** A record of {@link SubtaskTaggedSource}: which source subtask emitted it, and its sequence number there. */
export interface Tagged {
  /** The emitting source subtask. */
  readonly from: number;
  /** 0-based sequence number within that subtask. */
  readonly seq: number;
}

/**
 * A bounded source whose records name the subtask that emitted them: subtask i emits
 * `{ from: i, seq: 0..perSubtask-1 }` in order. Lets tests see where records came from without
 * relying on anything but the reader context.
 */
export class SubtaskTaggedSource implements Source<Tagged, number> {
  private readonly perSubtask: number;
  /** Each subtask emits `perSubtask` records. */
  constructor(perSubtask: number) {
    this.perSubtask = perSubtask;
  }
  /** Bounded. */
  getBoundedness(): Boundedness {
    return Boundedness.BOUNDED;
  }
  /** One split per subtask (split i goes to subtask i). */
  createSplits(parallelism: number): number[] {
    return Array.from({ length: parallelism }, (_, i) => i);
  }
  /** A reader emitting its subtask's records. */
  createReader(ctx: SourceReaderContext): SourceReader<Tagged, number> {
    const n = this.perSubtask;
    let next = 0;
    let assigned: number[] = [];
    return {
      addSplits(splits) {
        assigned = [...assigned, ...splits];
      },
      noMoreSplits() {},
      pollNext(output: ReaderOutput<Tagged>) {
        assert.deepEqual(assigned, [ctx.subtaskIndex], "split i goes to subtask i");
        const end = Math.min(n, next + 100);
        for (; next < end; next++) output.collect({ from: ctx.subtaskIndex, seq: next });
        return next >= n ? InputStatus.END_OF_INPUT : InputStatus.MORE_AVAILABLE;
      },
      isAvailable: () => Promise.resolve(),
      snapshotState: () => [],
    };
  }
}

/** Rejects when `promise` has not settled within `ms` (then the test fails instead of hanging). */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not settled within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `condition` every few ms until it holds; fails after `ms`. */
export async function waitUntil(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline)
      throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The errors of a cause chain, outermost first. */
export function causeChain(error: unknown): unknown[] {
  const out: unknown[] = [];
  let e: unknown = error;
  while (e !== undefined && e !== null && out.length < 20) {
    out.push(e);
    e = e instanceof Error ? e.cause : undefined;
  }
  return out;
}

/** Awaits a promise that must reject, and returns the rejection reason. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail("expected the promise to reject, but it resolved");
}

let manualTargets = 0;

/**
 * An in-thread environment whose processing time is a {@link ManualTimerScheduler}: the test moves
 * time with `timers.advanceTo(t)` while the job runs (processing-time timers, TTL, idleness).
 */
export function manualClockEnv(
  parallelism = 1,
  options: Partial<ExecutionConfig> = {},
  start = 0,
): { env: StreamExecutionEnvironment; timers: ManualTimerScheduler } {
  const timers = new ManualTimerScheduler(start);
  const executor = new ThreadExecutor(timers);
  const target = `thread-manual-${++manualTargets}`;
  registerExecutorFactory((t) => (t === target ? executor : null));
  const env = StreamExecutionEnvironment.getExecutionEnvironment({
    target,
    parallelism,
    ...options,
  });
  return { env, timers };
}

/** Lets the in-thread runtime run `turns` scheduler turns (macrotasks). */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}

/**
 * An unbounded source fed by the test (in-thread targets only): records pushed with `push` are
 * read by the one reader that owns the single split; `end()` ends the input. Lets tests interleave
 * input with moves of a manual clock.
 */
export class QueueSource<T> implements Source<T, number> {
  private readonly queue: { value: T; timestamp?: number }[] = [];
  private ended = false;
  private wake: (() => void) | null = null;
  /** Number of records the reader has taken so far. */
  taken = 0;
  /** Unbounded (until `end`). */
  getBoundedness(): Boundedness {
    return Boundedness.CONTINUOUS_UNBOUNDED;
  }
  /** One split: one reader reads everything. */
  createSplits(): number[] {
    return [0];
  }
  /** Adds records (with an optional timestamp). */
  push(...values: T[]): void {
    for (const value of values) this.queue.push({ value });
    this.notify();
  }
  /** Adds one record with a timestamp. */
  pushAt(value: T, timestamp: number): void {
    this.queue.push({ value, timestamp });
    this.notify();
  }
  /** Ends the input after the queued records. */
  end(): void {
    this.ended = true;
    this.notify();
  }
  /** Whether every pushed record was read. */
  drained(): boolean {
    return this.queue.length === 0;
  }
  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
  /** The reader: owns the data if it got the split, else ends at once. */
  createReader(): SourceReader<T, number> {
    let owns = false;
    let noMore = false;
    return {
      addSplits: (splits: number[]) => {
        if (splits.length > 0) owns = true;
      },
      noMoreSplits: () => {
        noMore = true;
      },
      pollNext: (output: ReaderOutput<T>) => {
        if (!owns) return noMore ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
        const item = this.queue.shift();
        if (item) {
          this.taken++;
          if (item.timestamp === undefined) output.collect(item.value);
          else output.collect(item.value, item.timestamp);
          return InputStatus.MORE_AVAILABLE;
        }
        return this.ended ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
      },
      isAvailable: () =>
        this.queue.length > 0 || this.ended || !owns
          ? Promise.resolve()
          : new Promise<void>((r) => (this.wake = r)),
      snapshotState: () => (owns ? [0] : []),
    };
  }
}
