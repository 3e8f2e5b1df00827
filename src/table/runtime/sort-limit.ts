/**
 * ORDER BY with LIMIT/OFFSET on bounded input, and LIMIT on insert-only streams.
 *
 * A sort gathers every row to one subtask (keyed by a constant, parallelism 1), keeps the table
 * in MapState (row -> copies, arrival number; retractions remove copies), and at the end of
 * input sorts it (stably: ties keep their arrival order), cuts OFFSET/FETCH and emits `+I` rows
 * in order. Its output has parallelism 1; keep what follows at parallelism 1 to keep the order
 * (the collect helpers do). Over unbounded input the planner runs ORDER BY ... LIMIT as a Top-N
 * (runtime/rank.ts); an ORDER BY without LIMIT is refused ({@link unboundedSortError}).
 */
import type { DataStream, SingleOutputStreamOperator } from "../../api/datastream.ts";
import {
  KeyedProcessFunction,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
} from "../../api/functions.ts";
import { ValueStateDescriptor, type ValueState } from "../../api/state.ts";
import { SourceTransformation, type Transformation } from "../../api/transformations.ts";
import { TableRuntimeError, UnsupportedPlanError } from "./errors.ts";
import { configure, type OperatorOptions } from "./execution.ts";
import { ROW_KIND_NAMES, RowKind, formatRow, kindOf, type Row } from "./row.ts";
import { RowBuffer } from "./row-buffer.ts";

/**
 * The error for an ORDER BY that cannot run: sorting unbounded input needs a time attribute
 * (ascending) as its first sort key, or a Top-N (ORDER BY ... LIMIT n, a later issue).
 */
export function unboundedSortError(place = "ORDER BY"): UnsupportedPlanError {
  return new UnsupportedPlanError(
    `${place}: sorting an unbounded stream is not supported unless it is sorted by a time ` +
      `attribute in ascending order first; run the query in BATCH mode or on bounded input`,
  );
}

function isBounded(t: Transformation, seen: Set<Transformation>): boolean {
  if (seen.has(t)) return true;
  seen.add(t);
  if (t instanceof SourceTransformation && t.source.getBoundedness() !== "BOUNDED") return false;
  return t.inputs().every((i) => isBounded(i, seen));
}

/** Whether every source upstream of `stream` is bounded. */
export function isBoundedStream(stream: DataStream<any>): boolean {
  return isBounded(stream.getTransformation(), new Set());
}

/** Options of {@link sortLimit}. */
export interface SortLimitOptions extends Omit<OperatorOptions, "parallelism" | "batch"> {
  /** The ORDER BY comparator of two rows; omitted: arrival order (OFFSET/FETCH only). */
  readonly compare?: (a: Row, b: Row) => number;
  /** Rows to skip (OFFSET), default 0. */
  readonly offset?: number;
  /** Rows to emit after the offset (LIMIT / FETCH), default all. */
  readonly fetch?: number;
}

function checkCount(n: number | undefined, what: string, place: string, dflt: number): number {
  if (n === undefined) return dflt;
  if (!(Number.isSafeInteger(n) && n >= 0) && n !== Infinity) {
    throw new TableRuntimeError(`${place}: ${what} must be an integer >= 0, got ${String(n)}`);
  }
  return n;
}

/** The keyed function behind {@link sortLimit}. */
export class SortLimitFunction extends KeyedProcessFunction<unknown, Row, Row> {
  private readonly compare: ((a: Row, b: Row) => number) | null;
  private readonly offset: number;
  private readonly fetch: number;
  private readonly place: string;
  private readonly buffer: RowBuffer;

  /** Creates the function. */
  constructor(
    compare: ((a: Row, b: Row) => number) | null,
    offset: number,
    fetch: number,
    place: string,
  ) {
    super();
    this.compare = compare;
    this.offset = offset;
    this.fetch = fetch;
    this.place = place;
    this.buffer = new RowBuffer("sql-sort", place);
  }

  /** Registers the buffered table. */
  override open(): void {
    this.buffer.open(this.getRuntimeContext());
  }

  /** Buffers (or retracts) one row. */
  processElement(row: Row, ctx: KeyedProcessContext<unknown>, _out: Collector<Row>): void {
    this.buffer.add(row, ctx);
  }

  /** End of input: sorts, cuts OFFSET/FETCH, emits. */
  override onTimer(_t: number, _ctx: KeyedOnTimerContext<unknown>, out: Collector<Row>): void {
    const sorted = this.buffer.drainSorted(this.compare);
    const end = Math.min(sorted.length, this.offset + this.fetch);
    for (let i = this.offset; i < end; i++) out.collect(sorted[i]!);
  }
}

/**
 * ORDER BY `compare` OFFSET `offset` FETCH `fetch` over bounded input: sorted `+I` rows at the
 * end of input, from one subtask. Throws {@link unboundedSortError} when a source upstream is
 * unbounded.
 */
export function sortLimit(
  stream: DataStream<Row>,
  options: SortLimitOptions = {},
): SingleOutputStreamOperator<Row> {
  const name = options.name ?? "SortLimit";
  if (!isBoundedStream(stream)) throw unboundedSortError(name);
  if (options.compare !== undefined && typeof options.compare !== "function") {
    throw new TableRuntimeError(`${name}: compare must be a function of two rows`);
  }
  const offset = checkCount(options.offset, "offset", name, 0);
  const fetch = checkCount(options.fetch, "fetch", name, Infinity);
  const fn = new SortLimitFunction(options.compare ?? null, offset, fetch, name);
  const op = stream.keyBy(() => 0).process<Row>(fn);
  return configure(op, options, name).setParallelism(1);
}

/** Options of {@link limit}. */
export interface LimitOptions extends Omit<OperatorOptions, "parallelism" | "batch"> {
  /** Rows to emit (LIMIT / FETCH). */
  readonly fetch: number;
  /** Rows to skip first (OFFSET), default 0. */
  readonly offset?: number;
}

/** The keyed function behind {@link limit}. */
export class LimitFunction extends KeyedProcessFunction<unknown, Row, Row> {
  private readonly offset: number;
  private readonly fetch: number;
  private readonly place: string;
  private seen!: ValueState<number>;

  /** Creates the function. */
  constructor(offset: number, fetch: number, place: string) {
    super();
    this.offset = offset;
    this.fetch = fetch;
    this.place = place;
  }

  /** Registers the row counter. */
  override open(): void {
    this.seen = this.getRuntimeContext().getState(
      new ValueStateDescriptor<number>("sql-limit-seen"),
    );
  }

  /** Emits the row when it is among the first `offset + fetch` (after the offset). */
  processElement(row: Row, _ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    const kind = kindOf(row, this.place);
    if (kind !== RowKind.INSERT) {
      throw new TableRuntimeError(
        `${this.place}: LIMIT without ORDER BY needs an insert-only input, got a ${ROW_KIND_NAMES[kind]} row ${formatRow(row)}`,
      );
    }
    const n = this.seen.value() ?? 0;
    if (n >= this.offset + this.fetch) return;
    this.seen.update(n + 1);
    if (n >= this.offset) out.collect(row);
  }
}

/**
 * LIMIT `fetch` [OFFSET `offset`] on an insert-only stream: the first rows to arrive (at one
 * subtask), emitted at once; later rows are dropped. Works the same in both modes.
 */
export function limit(
  stream: DataStream<Row>,
  options: LimitOptions,
): SingleOutputStreamOperator<Row> {
  const name = options.name ?? "Limit";
  const offset = checkCount(options.offset, "offset", name, 0);
  const fetch = checkCount(options.fetch, "fetch", name, Infinity);
  const op = stream.keyBy(() => 0).process<Row>(new LimitFunction(offset, fetch, name));
  return configure(op, options, name).setParallelism(1);
}
