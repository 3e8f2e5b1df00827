/**
 * Streaming OVER aggregation (Flink's OverAggregate on unbounded input): aggregates over a
 * frame that ends at the current row, ordered by a time attribute, each input row emitted once
 * (`+I`) with the aggregate values appended: the output is insert-only.
 *
 * Event time: a row waits in keyed map state (timestamp -> rows) until the watermark passes its
 * timestamp (an event-time timer per key and timestamp), then the rows of a timestamp are
 * processed in arrival order; a row whose timestamp is not after the current watermark is late
 * and dropped. RANGE: the rows of one timestamp are peers, added together and emitted with the
 * same values. ROWS: each row sees itself and the `n` rows processed before it. Processing time:
 * rows are processed on arrival at the clock's current time (the injected clock).
 *
 * State per key: the accumulators (one per call) and, for bounded frames, the rows still in the
 * frame with their times. A row leaving the frame is retracted from each accumulator (or, for a
 * function that cannot retract, its accumulator is recomputed from the frame's rows). RANGE
 * frames with a bounded start register a cleanup timer when their newest rows leave the frame,
 * so an idle key's state goes away.
 */
import type { DataStream, SingleOutputStreamOperator } from "../../api/datastream.ts";
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
import type { SqlAggFunction } from "./aggregates.ts";
import { TableRuntimeError } from "./errors.ts";
import { configure, type OperatorOptions } from "./execution.ts";
import { ROW_KIND_NAMES, RowKind, formatRow, kindOf, type Row } from "./row.ts";

/** One aggregate of a streaming OVER node. */
export interface StreamOverCall {
  /** The aggregate function. */
  readonly agg: SqlAggFunction;
  /** Its argument of a row (omitted: COUNT(*)). */
  readonly arg?: (row: Row) => unknown;
}

/** Options of {@link streamOver}. */
export interface StreamOverOptions extends Omit<OperatorOptions, "batch"> {
  /** The `keyBy` key of a row's partition; omitted: one partition, at parallelism 1. */
  readonly keyOf?: (row: Row) => unknown;
  /** The row's event time in epoch milliseconds (event time); omitted: processing time. */
  readonly rowtime?: (row: Row) => number | null;
  /** RANGE (peers by time) or ROWS. */
  readonly unit: "ROWS" | "RANGE";
  /** Rows (ROWS) or milliseconds (RANGE) before the current row; omitted: UNBOUNDED PRECEDING. */
  readonly preceding?: number;
  /** The aggregates; their results follow the input fields, in this order. */
  readonly calls: readonly StreamOverCall[];
}

/** A processed row still in a bounded frame: its time and the row. */
type FrameEntry = [time: number, row: Row];

/** The keyed function behind {@link streamOver}. */
export class StreamOverFunction extends KeyedProcessFunction<unknown, Row, Row> {
  private readonly calls: readonly StreamOverCall[];
  private readonly rowtime: ((row: Row) => number | null) | null;
  private readonly unit: "ROWS" | "RANGE";
  private readonly preceding: number | null;
  private readonly place: string;
  private accs!: ValueState<unknown[]>;
  private frame!: ValueState<FrameEntry[]>;
  private pending!: MapState<number, Row[]>;

  /** Creates the function (see {@link StreamOverOptions}). */
  constructor(options: StreamOverOptions, place: string) {
    super();
    this.calls = options.calls;
    this.rowtime = options.rowtime ?? null;
    this.unit = options.unit;
    this.preceding = options.preceding ?? null;
    this.place = place;
  }

  /** Registers the keyed states. */
  override open(): void {
    const rc = this.getRuntimeContext();
    this.accs = rc.getState(new ValueStateDescriptor<unknown[]>("sql-over-accs"));
    this.frame = rc.getState(new ValueStateDescriptor<FrameEntry[]>("sql-over-frame"));
    this.pending = rc.getMapState(new MapStateDescriptor<number, Row[]>("sql-over-pending"));
  }

  /** Buffers a row until the watermark passes it (event time), or processes it (proctime). */
  processElement(row: Row, ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    const kind = kindOf(row, this.place);
    if (kind !== RowKind.INSERT) {
      throw new TableRuntimeError(
        `${this.place}: OVER aggregation needs an insert-only input, got a ${ROW_KIND_NAMES[kind]} row ${formatRow(row)}`,
      );
    }
    const timers = ctx.timerService();
    if (this.rowtime === null) {
      const now = timers.currentProcessingTime();
      this.process([row], now, out);
      if (this.unit === "RANGE" && this.preceding !== null) {
        timers.registerProcessingTimeTimer(now + this.preceding + 1);
      }
      return;
    }
    const t = this.rowtime(row);
    if (t === null) {
      throw new TableRuntimeError(
        `${this.place}: the rowtime of ${formatRow(row)} is NULL (an OVER aggregation orders rows by it)`,
      );
    }
    // Late: the rows of this time may already have been processed.
    if (t <= timers.currentWatermark()) return;
    const rows = this.pending.get(t);
    if (rows === null) {
      this.pending.put(t, [row]);
      timers.registerEventTimeTimer(t);
    } else {
      rows.push(row);
      this.pending.put(t, rows);
    }
  }

  /** The watermark passed `t`: expires the frame, then processes the rows of time `t`. */
  override onTimer(t: number, ctx: KeyedOnTimerContext<unknown>, out: Collector<Row>): void {
    if (this.rowtime === null) {
      // A processing-time cleanup timer of a RANGE frame.
      this.expire(ctx.timerService().currentProcessingTime());
      return;
    }
    const rows = this.pending.get(t);
    if (rows === null) {
      this.expire(t);
      return;
    }
    this.pending.remove(t);
    this.process(rows, t, out);
    if (this.unit === "RANGE" && this.preceding !== null) {
      ctx.timerService().registerEventTimeTimer(t + this.preceding + 1);
    }
  }

  /** Adds the rows of time `t` to the frame and emits each with the frame's results. */
  private process(rows: readonly Row[], t: number, out: Collector<Row>): void {
    const calls = this.calls;
    const accs = this.accs.value() ?? calls.map((c) => c.agg.createAccumulator());
    const bounded = this.preceding !== null;
    const frame = bounded ? (this.frame.value() ?? []) : null;
    const accumulate = (row: Row): void => {
      for (let i = 0; i < calls.length; i++) {
        const c = calls[i]!;
        accs[i] = c.agg.accumulate(accs[i], c.arg === undefined ? undefined : c.arg(row));
      }
      if (frame !== null) frame.push([t, row]);
    };
    const emit = (row: Row, results: readonly unknown[]): void => {
      const r = row.slice();
      for (const v of results) r.push(v);
      out.collect(r);
    };
    if (this.unit === "RANGE") {
      for (const row of rows) accumulate(row);
      if (frame !== null) this.leave(frame, accs, (e) => e[0] < t - this.preceding!);
      const results = calls.map((c, i) => c.agg.getValue(accs[i]));
      for (const row of rows) emit(row, results);
    } else {
      for (const row of rows) {
        accumulate(row);
        if (frame !== null) this.leave(frame, accs, (_e, left) => left > this.preceding! + 1);
        emit(
          row,
          calls.map((c, i) => c.agg.getValue(accs[i])),
        );
      }
    }
    this.accs.update(accs);
    if (frame !== null) this.frame.update(frame);
  }

  /**
   * Removes the oldest frame rows while `leaves(entry, rowsLeft)` holds, retracting them from the
   * accumulators (recomputing those of functions that cannot retract).
   */
  private leave(
    frame: FrameEntry[],
    accs: unknown[],
    leaves: (e: FrameEntry, left: number) => boolean,
  ): void {
    let gone = 0;
    while (gone < frame.length && leaves(frame[gone]!, frame.length - gone)) gone++;
    if (gone === 0) return;
    const calls = this.calls;
    const removed = frame.splice(0, gone);
    for (let i = 0; i < calls.length; i++) {
      const c = calls[i]!;
      const value = (row: Row): unknown => (c.arg === undefined ? undefined : c.arg(row));
      if (c.agg.retractable) {
        for (const [, row] of removed) accs[i] = c.agg.retract(accs[i], value(row));
      } else {
        let acc = c.agg.createAccumulator();
        for (const [, row] of frame) acc = c.agg.accumulate(acc, value(row));
        accs[i] = acc;
      }
    }
  }

  /** A cleanup timer: drops the RANGE frame's rows older than `now - preceding`. */
  private expire(now: number): void {
    const frame = this.frame.value();
    if (frame === null || this.preceding === null) return;
    const accs = this.accs.value() ?? this.calls.map((c) => c.agg.createAccumulator());
    this.leave(frame, accs, (e) => e[0] < now - this.preceding!);
    if (frame.length === 0) {
      this.frame.clear();
      this.accs.clear();
      return;
    }
    this.frame.update(frame);
    this.accs.update(accs);
  }
}

/**
 * Streaming OVER aggregation of insert-only `stream` (see the module comment): each row once,
 * as `+I`, with one value per call appended, computed over the rows of its frame.
 */
export function streamOver(
  stream: DataStream<Row>,
  options: StreamOverOptions,
): SingleOutputStreamOperator<Row> {
  const name = options.name ?? "OverAggregate";
  if (!Array.isArray(options.calls) || options.calls.length === 0) {
    throw new TableRuntimeError(`${name}: at least one aggregate call is needed`);
  }
  const p = options.preceding;
  if (p !== undefined && !(Number.isSafeInteger(p) && p >= 0)) {
    throw new TableRuntimeError(`${name}: PRECEDING must be an integer >= 0, got ${String(p)}`);
  }
  const fn = new StreamOverFunction(options, name);
  const keyOf = options.keyOf;
  if (keyOf === undefined) {
    const op = stream.keyBy(() => 0).process<Row>(fn);
    return configure(op, { ...options, parallelism: 1 }, name);
  }
  return configure(stream.keyBy(keyOf).process<Row>(fn), options, name);
}
