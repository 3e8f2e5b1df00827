/**
 * OVER window functions on bounded input (ROW_NUMBER, RANK, LAG, SUM(x) OVER (...), ...).
 *
 * The input is keyed by the partition key; each partition's rows are kept in MapState (row ->
 * copies, first arrival number; retractions remove copies) until the end of input (an event-time
 * timer at {@link END_OF_INPUT_TIME}, as sort-limit.ts does). Then the partition is sorted by
 * the ORDER BY comparator (stably: ties keep their arrival order), every call is computed over
 * it (over-functions.ts) and each row is emitted once as `+I` with the results appended. Both
 * modes behave the same; unbounded input is refused ({@link unboundedOverError}), since the
 * partition is never complete there (streaming OVER aggregations over a time attribute run on
 * `over-stream.ts` instead).
 */
import type { DataStream, SingleOutputStreamOperator } from "../../api/datastream.ts";
import {
  KeyedProcessFunction,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
} from "../../api/functions.ts";
import { TableRuntimeError, UnsupportedPlanError } from "./errors.ts";
import { configure, type OperatorOptions } from "./execution.ts";
import { computeOver, type OverCall, type OverOrder } from "./over-functions.ts";
import type { Row } from "./row.ts";
import { RowBuffer } from "./row-buffer.ts";
import { isBoundedStream } from "./sort-limit.ts";

export type { FrameBound, OverCall, OverFrame, OverOrder } from "./over-functions.ts";

/** The error for OVER on unbounded input. */
export function unboundedOverError(place = "OVER"): UnsupportedPlanError {
  return new UnsupportedPlanError(
    `${place}: OVER window functions need bounded input (every partition is complete only at ` +
      `the end of input); on unbounded input, only aggregates ordered by a time attribute run ` +
      `(as a streaming OVER aggregation)`,
  );
}

/** Options of {@link overWindow}. */
export interface OverOptions extends Omit<OperatorOptions, "batch"> {
  /** The `keyBy` key of a row's partition; omitted: one partition, at parallelism 1. */
  readonly keyOf?: (row: Row) => unknown;
  /** The ordering within a partition (omitted: arrival order, every row a peer of the others). */
  readonly order?: OverOrder;
  /** The calls; their results follow the input fields, in this order. */
  readonly calls: readonly OverCall[];
}

/** The keyed function behind {@link overWindow}. */
export class OverWindowFunction extends KeyedProcessFunction<unknown, Row, Row> {
  private readonly calls: readonly OverCall[];
  private readonly order: OverOrder | null;
  private readonly place: string;
  private readonly buffer: RowBuffer;

  /** Creates the function. */
  constructor(calls: readonly OverCall[], order: OverOrder | null, place: string) {
    super();
    this.calls = calls;
    this.order = order;
    this.place = place;
    this.buffer = new RowBuffer("sql-over", place);
  }

  /** Registers the buffered partition. */
  override open(): void {
    this.buffer.open(this.getRuntimeContext());
  }

  /** Buffers (or retracts) one row of the partition. */
  processElement(row: Row, ctx: KeyedProcessContext<unknown>, _out: Collector<Row>): void {
    this.buffer.add(row, ctx);
  }

  /** End of input: sorts the partition, computes the calls, emits every row once. */
  override onTimer(_t: number, _ctx: KeyedOnTimerContext<unknown>, out: Collector<Row>): void {
    const sorted = this.buffer.drainSorted(this.order?.compare ?? null);
    const results = this.calls.map((c) => computeOver(c, sorted, this.order, this.place));
    for (let i = 0; i < sorted.length; i++) {
      const r = sorted[i]!.slice();
      for (const res of results) r.push(res[i]);
      out.collect(r);
    }
  }
}

/**
 * Window functions over the partitions of bounded `stream`: each input row once, as `+I`, with
 * one result per call appended, at the end of input. Throws {@link unboundedOverError} when a
 * source upstream is unbounded.
 */
export function overWindow(
  stream: DataStream<Row>,
  options: OverOptions,
): SingleOutputStreamOperator<Row> {
  const name = options.name ?? "OverAggregate";
  if (!isBoundedStream(stream)) throw unboundedOverError(name);
  if (!Array.isArray(options.calls) || options.calls.length === 0) {
    throw new TableRuntimeError(`${name}: at least one window function call is needed`);
  }
  const fn = new OverWindowFunction(options.calls, options.order ?? null, name);
  const keyOf = options.keyOf;
  if (keyOf === undefined) {
    const op = stream.keyBy(() => 0).process<Row>(fn);
    return configure(op, { ...options, parallelism: 1 }, name);
  }
  return configure(stream.keyBy(keyOf).process<Row>(fn), options, name);
}
