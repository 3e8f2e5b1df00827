/**
 * Window aggregation (Flink's WindowAggregate): a GROUP BY that includes `window_start` and
 * `window_end` of a window TVF. Each window's accumulators live in keyed state until the
 * watermark passes the window's end, when its one result row is emitted (`+I`, insert-only
 * output) and the state is dropped. Windows without rows emit nothing. A row of a window that
 * has already fired (`window_end - 1 <= watermark`) is late: it is dropped from that window and
 * counted in the function's `lateRowsDropped` (Flink's `numLateRecordsDropped`).
 *
 * - {@link assigningWindowAggregate} (TUMBLE, HOP, CUMULATE): keyed by the group key without
 *   the window columns, it assigns each row to its windows itself, one accumulator per window
 *   end in MapState: rows are not copied per window.
 * - {@link windowAggregate}: over rows that already carry their window (SESSION's, or when the
 *   aggregation reads window columns), keyed by the whole group key, window columns included.
 * - Over a processing-time attribute: window-aggregate-proctime.ts (the same state layout,
 *   fired by processing-time timers).
 *
 * In batch mode the windows fire at the end of input (the final watermark).
 */
import type { DataStream, KeyedStream, SingleOutputStreamOperator } from "../../api/datastream.ts";
import {
  KeyedProcessFunction,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
} from "../../api/functions.ts";
import {
  MapStateDescriptor,
  ValueStateDescriptor,
  type MapState,
  type ValueState,
} from "../../api/state.ts";
import { Timestamp } from "../types/timestamp.ts";
import { Aggregation, type AggCall, type GroupAcc } from "./agg-calls.ts";
import { configure, type OperatorOptions } from "./execution.ts";
import { RowKind, isAccumulate, kindOf, type Row } from "./row.ts";
import { TableRuntimeError } from "./errors.ts";
import { partitionKey, partitionKey1 } from "./value-keys.ts";
import { windowsOf, type WindowSpec } from "./window-tvf.ts";

/** Name of the keyed state holding a window's accumulators. */
export const WINDOW_STATE_NAME = "sql-window-acc";

/** Options of {@link windowAggregate}. */
export interface WindowAggregateOptions extends OperatorOptions {
  /** The GROUP BY key values of a row (window_start and window_end among them). */
  readonly keyOf: (row: Row) => unknown[];
  /** The row's `window_end` (a TIMESTAMP). */
  readonly windowEnd: (row: Row) => unknown;
  /** The aggregate calls. */
  readonly aggs: readonly AggCall[];
  /** The number of values `keyOf` returns. */
  readonly keyCount: number;
}

/** The keyed function behind {@link windowAggregate}. */
export class WindowAggregateFunction extends KeyedProcessFunction<unknown, Row, Row> {
  private readonly agg: Aggregation;
  private readonly keyOf: (row: Row) => unknown[];
  private readonly windowEnd: (row: Row) => unknown;
  private readonly place: string;
  private state!: ValueState<GroupAcc>;
  /** Rows dropped because their window had fired (in this subtask). */
  lateRowsDropped = 0;

  /** Creates the function over the calls of `agg`. */
  constructor(
    agg: Aggregation,
    keyOf: (row: Row) => unknown[],
    windowEnd: (row: Row) => unknown,
    place: string,
  ) {
    super();
    this.agg = agg;
    this.keyOf = keyOf;
    this.windowEnd = windowEnd;
    this.place = place;
  }

  /** Registers the window state. */
  override open(): void {
    this.state = this.getRuntimeContext().getState(
      new ValueStateDescriptor<GroupAcc>(WINDOW_STATE_NAME),
    );
  }

  /** Adds (or retracts) the row in its window's accumulators; drops it when late. */
  processElement(row: Row, ctx: KeyedProcessContext<unknown>, _out: Collector<Row>): void {
    const end = (this.windowEnd(row) as Timestamp).millis;
    const timers = ctx.timerService();
    if (end - 1 <= timers.currentWatermark()) {
      this.lateRowsDropped++;
      return;
    }
    let g = this.state.value();
    if (g === null) {
      g = this.agg.create(this.keyOf(row));
      timers.registerEventTimeTimer(end - 1);
    }
    if (isAccumulate(kindOf(row, this.place))) this.agg.accumulate(g, row);
    else this.agg.retract(g, row);
    this.state.update(g);
  }

  /** The window closed: emits its result row and drops its state. */
  override onTimer(_t: number, _ctx: KeyedOnTimerContext<unknown>, out: Collector<Row>): void {
    const g = this.state.value();
    if (g === null) return;
    if (g.n > 0) out.collect(this.agg.output(g, RowKind.INSERT));
    this.state.clear();
  }
}

/** A streaming window aggregation: rows `[+I, ...key values, ...results]`, one per window. */
export function windowAggregate(
  stream: DataStream<Row>,
  options: WindowAggregateOptions,
): SingleOutputStreamOperator<Row> {
  const name = options.name ?? "WindowAggregate";
  const aggregation = new Aggregation(options.aggs, name, options.keyCount);
  const fn = new WindowAggregateFunction(aggregation, options.keyOf, options.windowEnd, name);
  const keyOf = options.keyOf;
  const keyed = stream.keyBy((row: Row) => partitionKey(keyOf(row)));
  return configure(keyed.process<Row>(fn), options, name);
}

/** One GROUP BY key column of {@link assigningWindowAggregate}: a window bound or a value. */
export type WindowGroupKey = "start" | "end" | "time" | ((row: Row) => unknown);

/** Options of {@link assigningWindowAggregate}. */
export interface AssigningWindowAggregateOptions extends OperatorOptions {
  /** TUMBLE, HOP or CUMULATE and its sizes. */
  readonly spec: WindowSpec;
  /** Row index of the time column (1-based: after the row kind). */
  readonly timeField: number;
  /** The GROUP BY columns in output order. */
  readonly keys: readonly WindowGroupKey[];
  /** The aggregate calls (over the rows before window assignment). */
  readonly aggs: readonly AggCall[];
}

/**
 * The keyed function behind {@link assigningWindowAggregate}: keyed by the group key without the
 * window columns, it assigns each row to its windows itself and keeps one accumulator per window
 * in MapState (window end -> group), so a row is not copied per window.
 */
export class AssigningWindowAggregateFunction extends KeyedProcessFunction<unknown, Row, Row> {
  private readonly agg: Aggregation;
  private readonly o: AssigningWindowAggregateOptions;
  private readonly place: string;
  private windows!: MapState<number, GroupAcc>;
  /** Rows dropped from windows that had fired (in this subtask; a HOP row counts per window). */
  lateRowsDropped = 0;

  /** Creates the function over the calls of `agg`. */
  constructor(agg: Aggregation, options: AssigningWindowAggregateOptions, place: string) {
    super();
    this.agg = agg;
    this.o = options;
    this.place = place;
  }

  /** Registers the windows' state. */
  override open(): void {
    this.windows = this.getRuntimeContext().getMapState(
      new MapStateDescriptor<number, GroupAcc>(WINDOW_STATE_NAME),
    );
  }

  /** Adds (or retracts) the row in each of its windows that has not fired. */
  processElement(row: Row, ctx: KeyedProcessContext<unknown>, _out: Collector<Row>): void {
    const o = this.o;
    const v = row[o.timeField] as Timestamp | null;
    if (v === null || v === undefined) {
      throw new TableRuntimeError(
        `${this.place}: the time column of a window is NULL in row ${JSON.stringify(row.slice(1))}; a row's time attribute must not be NULL`,
      );
    }
    const timers = ctx.timerService();
    const wm = timers.currentWatermark();
    const add = isAccumulate(kindOf(row, this.place));
    const w = windowsOf(o.spec, v.millis);
    for (let i = 0; i < w.length; i += 2) {
      const end = w[i + 1]!;
      if (end - 1 <= wm) {
        this.lateRowsDropped++;
        continue;
      }
      let g = this.windows.get(end);
      if (g === null) {
        g = this.agg.create(this.keyValues(row, w[i]!, end));
        timers.registerEventTimeTimer(end - 1);
      }
      if (add) this.agg.accumulate(g, row);
      else this.agg.retract(g, row);
      this.windows.put(end, g);
    }
  }

  private keyValues(row: Row, start: number, end: number): unknown[] {
    return windowKeyValues(this.o.keys, row, start, end, end - 1);
  }

  /** A window closed: emits its result row and drops its state. */
  override onTimer(t: number, _ctx: KeyedOnTimerContext<unknown>, out: Collector<Row>): void {
    const end = t + 1;
    const g = this.windows.get(end);
    if (g === null) return;
    if (g.n > 0) out.collect(this.agg.output(g, RowKind.INSERT));
    this.windows.remove(end);
  }
}

/**
 * A streaming window aggregation over TUMBLE, HOP or CUMULATE that assigns the windows itself
 * (the rows are the window TVF's input): rows `[+I, ...key values, ...results]`, one per window.
 */
export function assigningWindowAggregate(
  stream: DataStream<Row>,
  options: AssigningWindowAggregateOptions,
): SingleOutputStreamOperator<Row> {
  const name = options.name ?? "WindowAggregate";
  const aggregation = new Aggregation(options.aggs, name, options.keys.length);
  const fn = new AssigningWindowAggregateFunction(aggregation, options, name);
  return keyedByGroup(stream, options.keys, (keyed) =>
    configure(keyed.process<Row>(fn), options, name),
  );
}

/**
 * The GROUP BY values of a window's result row: the window bounds as TIMESTAMP(3) values
 * (`start`, `end`, epoch or local millis) and `window_time` (`time`, millis), the other keys
 * read from `row` (the window's first row).
 */
export function windowKeyValues(
  keys: readonly WindowGroupKey[],
  row: Row,
  start: number,
  end: number,
  time: number,
): unknown[] {
  return keys.map((k) =>
    k === "start"
      ? Timestamp.fromMillis(start)
      : k === "end"
        ? Timestamp.fromMillis(end)
        : k === "time"
          ? Timestamp.fromMillis(time)
          : k(row),
  );
}

/**
 * `stream` keyed by the values of the non-window group keys, given to `process`; without any,
 * all rows go to one key and the operator runs at parallelism 1.
 */
export function keyedByGroup(
  stream: DataStream<Row>,
  keys: readonly WindowGroupKey[],
  process: (keyed: KeyedStream<Row, unknown>) => SingleOutputStreamOperator<Row>,
): SingleOutputStreamOperator<Row> {
  const values = keys.filter((k) => typeof k === "function");
  const keyed =
    values.length === 0
      ? stream.keyBy(() => 0)
      : values.length === 1
        ? stream.keyBy((row: Row) => partitionKey1(values[0]!(row)))
        : stream.keyBy((row: Row) => partitionKey(values.map((k) => k(row))));
  const op = process(keyed as KeyedStream<Row, unknown>);
  if (values.length === 0) op.setParallelism(1);
  return op;
}
