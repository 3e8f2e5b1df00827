/**
 * The event-time temporal join (Flink's TemporalRowTimeJoinOperator): each left row joins the
 * version of the right (versioned) table valid at the left row's event time.
 *
 * Both inputs are keyed by the join key (the right table's primary key). Per key the state holds
 * the left rows not yet emitted and the right table's versions sorted by their event time (a
 * `+I`/`+U` starts a version, a `-D` ends the key's row; `-U` is ignored, the `+U` after it
 * starts the next version). A left row waits for the watermark (the smaller of both inputs') to
 * pass its time, with an event-time timer at that time; then the last version at or before its
 * time, if any and not a delete, is joined (when the residual condition holds), else a LEFT join
 * emits the row padded with NULLs. The output only inserts.
 *
 * When the watermark passes a time, the versions before the last one at or before it can no
 * longer be seen (every later left row has a later time) and are dropped, so the state holds
 * one version per key plus those ahead of the watermark. A left row that arrives behind the
 * watermark is joined at once with the versions still kept. Batch mode runs the same operator:
 * its only watermark is the final one, when every row has arrived.
 */
import type { DataStream, SingleOutputStreamOperator } from "../../api/datastream.ts";
import {
  KeyedCoProcessFunction,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
} from "../../api/functions.ts";
import { ValueStateDescriptor, type ValueState } from "../../api/state.ts";
import type { Timestamp } from "../types/timestamp.ts";
import { TableRuntimeError } from "./errors.ts";
import { configure, type OperatorOptions } from "./execution.ts";
import { RowKind, formatRow, isAccumulate, kindOf, withKind, type Row } from "./row.ts";
import { partitionKey } from "./value-keys.ts";

/** Options of {@link temporalJoin}. */
export interface TemporalJoinOptions extends OperatorOptions {
  /** INNER or LEFT. */
  readonly type: "INNER" | "LEFT";
  /** The join key values of a left row (null values never match). */
  readonly leftKey: (row: Row) => unknown[];
  /** The key (primary key) values of a right row. */
  readonly rightKey: (row: Row) => unknown[];
  /** Row index (1-based, after the kind) of the left row's time attribute. */
  readonly leftTime: number;
  /** Row index (1-based) of the right row's event time. */
  readonly rightTime: number;
  /** Number of fields of a right row (to pad unmatched left rows). */
  readonly rightArity: number;
  /** The residual condition: a pair joins only when it returns `true`. */
  readonly condition?: (left: Row, right: Row) => boolean | null;
}

/** One version of a key's right row: its time and the row (null: deleted from then on). */
type Version = [time: number, row: Row | null];

/** Names of the keyed states (for tests that inspect state sizes). */
export const TEMPORAL_JOIN_STATE = { left: "sql-temporal-left", right: "sql-temporal-versions" };

function timeOf(row: Row, field: number, place: string, side: string): number {
  const v = row[field] as Timestamp | null | undefined;
  if (v === null || v === undefined) {
    throw new TableRuntimeError(
      `${place}: the ${side} time attribute is NULL in row ${formatRow(row)}; a row's time attribute must not be NULL`,
    );
  }
  return v.millis;
}

/** The keyed function behind {@link temporalJoin}. */
export class TemporalJoinFunction extends KeyedCoProcessFunction<unknown, Row, Row, Row> {
  private leftState!: ValueState<Row[]>;
  private versions!: ValueState<Version[]>;

  /** Creates the function. */
  private readonly o: TemporalJoinOptions;
  private readonly place: string;

  constructor(options: TemporalJoinOptions, place: string) {
    super();
    this.o = options;
    this.place = place;
  }

  /** Registers the keyed states. */
  override open(): void {
    const ctx = this.getRuntimeContext();
    this.leftState = ctx.getState(new ValueStateDescriptor<Row[]>(TEMPORAL_JOIN_STATE.left));
    this.versions = ctx.getState(new ValueStateDescriptor<Version[]>(TEMPORAL_JOIN_STATE.right));
  }

  /** A left row: buffered until the watermark passes its time (joined now when already late). */
  processElement1(row: Row, ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    const kind = kindOf(row, this.place);
    if (kind !== RowKind.INSERT) {
      throw new TableRuntimeError(
        `${this.place}: the left input of an event-time temporal join must only insert rows, got ${formatRow(row)}`,
      );
    }
    const t = timeOf(row, this.o.leftTime, this.place, "left");
    if (this.o.leftKey(row).some((v) => v === null || v === undefined)) {
      if (this.o.type === "LEFT") out.collect(this.padded(row));
      return;
    }
    if (t <= ctx.timerService().currentWatermark()) {
      this.emit(row, t, this.versions.value() ?? [], out);
      return;
    }
    const pending = this.leftState.value() ?? [];
    pending.push(row);
    this.leftState.update(pending);
    ctx.timerService().registerEventTimeTimer(t);
  }

  /** A right row: a new version of its key (or its deletion) from its time on. */
  processElement2(row: Row, ctx: KeyedProcessContext<unknown>, _out: Collector<Row>): void {
    const kind = kindOf(row, this.place);
    if (kind === RowKind.UPDATE_BEFORE) return;
    const t = timeOf(row, this.o.rightTime, this.place, "right");
    const version: Version = [t, isAccumulate(kind) ? withKind(row, RowKind.INSERT) : null];
    const versions = this.versions.value() ?? [];
    let at = versions.length;
    while (at > 0 && versions[at - 1]![0] > t) at--;
    versions.splice(at, 0, version);
    this.versions.update(versions);
    // Expire old versions once the watermark passes this one.
    ctx.timerService().registerEventTimeTimer(t);
  }

  /** The watermark passed `time`: emits the left rows up to it and drops unreachable versions. */
  override onTimer(time: number, _ctx: KeyedOnTimerContext<unknown>, out: Collector<Row>): void {
    const versions = this.versions.value() ?? [];
    const pending = this.leftState.value();
    if (pending !== null) {
      const ready: [number, Row][] = [];
      const rest: Row[] = [];
      for (const r of pending) {
        const t = timeOf(r, this.o.leftTime, this.place, "left");
        if (t <= time) ready.push([t, r]);
        else rest.push(r);
      }
      ready.sort((a, b) => a[0] - b[0]);
      for (const [t, r] of ready) this.emit(r, t, versions, out);
      if (rest.length === 0) this.leftState.clear();
      else if (ready.length > 0) this.leftState.update(rest);
    }
    // Versions before the last one at or before `time` can no longer be seen.
    let last = -1;
    for (let i = 0; i < versions.length && versions[i]![0] <= time; i++) last = i;
    if (last < 0) return;
    const kept = versions.slice(versions[last]![1] === null ? last + 1 : last);
    if (kept.length === versions.length) return;
    if (kept.length === 0) this.versions.clear();
    else this.versions.update(kept);
  }

  private emit(row: Row, t: number, versions: readonly Version[], out: Collector<Row>): void {
    let match: Row | null = null;
    for (let i = versions.length - 1; i >= 0; i--) {
      if (versions[i]![0] <= t) {
        match = versions[i]![1];
        break;
      }
    }
    if (
      match !== null &&
      (this.o.condition === undefined || this.o.condition(row, match) === true)
    ) {
      const joined = row.concat(match.slice(1));
      joined[0] = RowKind.INSERT;
      out.collect(joined);
    } else if (this.o.type === "LEFT") {
      out.collect(this.padded(row));
    }
  }

  private padded(row: Row): Row {
    const r = row.concat(new Array<unknown>(this.o.rightArity).fill(null));
    r[0] = RowKind.INSERT;
    return r;
  }
}

/**
 * An event-time temporal join of an insert-only left stream with a versioned right changelog:
 * rows `[+I, ...left fields, ...right fields]`.
 */
export function temporalJoin(
  left: DataStream<Row>,
  right: DataStream<Row>,
  options: TemporalJoinOptions,
): SingleOutputStreamOperator<Row> {
  const name = options.name ?? "TemporalJoin";
  const op = left
    .connect(right)
    .keyBy(
      (r: Row) => partitionKey(options.leftKey(r)),
      (r: Row) => partitionKey(options.rightKey(r)),
    )
    .process<Row>(new TemporalJoinFunction(options, name));
  return configure(op, options, name);
}
