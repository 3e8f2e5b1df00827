/**
 * The window table-valued functions at run time. TUMBLE, HOP and CUMULATE are row-wise: each
 * row is copied once per window containing its time column's value, with `window_start`,
 * `window_end` and `window_time` (`window_end` - 1 ms) appended. SESSION is keyed by its
 * partition key: rows wait in keyed state in their session, sessions within the gap of each
 * other merge (also when a late-arriving row bridges two), and a session's rows are emitted with
 * its bounds once the watermark passes its end. A row whose session is already closed (its end
 * at or behind the watermark, after merging) is late and dropped, as Flink drops it.
 */
import type { DataStream, SingleOutputStreamOperator } from "../../api/datastream.ts";
import {
  KeyedProcessFunction,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
} from "../../api/functions.ts";
import { ValueStateDescriptor, type ValueState } from "../../api/state.ts";
import { Timestamp } from "../types/timestamp.ts";
import { TableRuntimeError } from "./errors.ts";
import { configure, type OperatorOptions } from "./execution.ts";
import type { Row } from "./row.ts";

/** How a window TVF assigns windows. */
export interface WindowSpec {
  readonly kind: "TUMBLE" | "HOP" | "CUMULATE" | "SESSION";
  /** Size (CUMULATE: the largest window; SESSION: the gap), ms. */
  readonly size: number;
  /** HOP's slide, CUMULATE's step; the size otherwise (ms). */
  readonly step: number;
  /** Offset of window starts (ms). */
  readonly offset: number;
}

function floorMod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

/**
 * The windows `[start, end)` containing time `t` (ms), as a flat array `[s0, e0, s1, e1, ...]`,
 * for TUMBLE, HOP and CUMULATE (Flink's assignment, with the offset shifting window starts).
 */
export function windowsOf(spec: WindowSpec, t: number): number[] {
  const { size, step, offset } = spec;
  if (spec.kind === "TUMBLE") {
    const start = t - floorMod(t - offset, size);
    return [start, start + size];
  }
  if (spec.kind === "HOP") {
    const out: number[] = [];
    const last = t - floorMod(t - offset, step);
    for (let start = last; start > t - size; start -= step) out.push(start, start + size);
    return out;
  }
  const start = t - floorMod(t - offset, size);
  const out: number[] = [];
  for (let end = t - floorMod(t - offset, step) + step; end <= start + size; end += step) {
    out.push(start, end);
  }
  return out;
}

/** The time column's value of a row, in ms; throws on NULL (as Flink does). */
function timeOf(row: Row, field: number, place: string): number {
  const v = row[field] as Timestamp | null;
  if (v === null || v === undefined) {
    throw new TableRuntimeError(
      `${place}: the time column of a window is NULL in row ${JSON.stringify(row.slice(1))}; a row's time attribute must not be NULL`,
    );
  }
  return v.millis;
}

function withWindow(row: Row, start: number, end: number): Row {
  const out = row.slice();
  out.push(Timestamp.fromMillis(start), Timestamp.fromMillis(end), Timestamp.fromMillis(end - 1));
  return out as Row;
}

/** Options of {@link assignWindows} and {@link sessionWindows}. */
export interface WindowTvfOptions extends OperatorOptions {
  readonly spec: WindowSpec;
  /** Row index of the time column (1-based: after the row kind). */
  readonly timeField: number;
}

/** TUMBLE / HOP / CUMULATE: each row once per window, keeping the input's parallelism. */
export function assignWindows(
  input: DataStream<Row>,
  options: WindowTvfOptions,
): SingleOutputStreamOperator<Row> {
  const { spec, timeField } = options;
  const place = options.name ?? "WindowTableFunction";
  const op = input.flatMap((row: Row, out: Collector<Row>) => {
    const w = windowsOf(spec, timeOf(row, timeField, place));
    for (let i = 0; i < w.length; i += 2) out.collect(withWindow(row, w[i]!, w[i + 1]!));
  });
  const p = input.getParallelism();
  if (p > 0) op.setParallelism(p);
  return configure(op, options, "WindowTableFunction");
}

/** One open session of a key: its bounds and its rows. */
interface Session {
  start: number;
  end: number;
  rows: Row[];
}

/** Name of the keyed state holding a key's open sessions. */
export const SESSION_STATE_NAME = "sql-window-sessions";

/** The keyed function behind {@link sessionWindows}. */
export class SessionWindowFunction extends KeyedProcessFunction<unknown, Row, Row> {
  private state!: ValueState<Session[]>;
  private readonly gap: number;
  private readonly timeField: number;
  private readonly place: string;

  /** A session assigner with gap `gap` (ms) over the time column at row index `timeField`. */
  constructor(gap: number, timeField: number, place: string) {
    super();
    this.gap = gap;
    this.timeField = timeField;
    this.place = place;
  }

  /** Registers the sessions' state. */
  override open(): void {
    this.state = this.getRuntimeContext().getState(
      new ValueStateDescriptor<Session[]>(SESSION_STATE_NAME),
    );
  }

  /** Adds the row to its session, merging the sessions it bridges; drops it when late. */
  processElement(row: Row, ctx: KeyedProcessContext<unknown>, _out: Collector<Row>): void {
    const t = timeOf(row, this.timeField, this.place);
    const sessions = this.state.value() ?? [];
    let start = t;
    let end = t + this.gap;
    const keep: Session[] = [];
    const merged: Session[] = [];
    for (const s of sessions) {
      // Flink's TimeWindow.intersects: touching windows merge too.
      if (s.start <= end && start <= s.end) {
        merged.push(s);
        start = Math.min(start, s.start);
        end = Math.max(end, s.end);
      } else keep.push(s);
    }
    if (end - 1 <= ctx.timerService().currentWatermark()) return; // late: its session closed
    // A row joining one session is appended to its list in place (a session's rows are not
    // copied for each row it gains); a row bridging sessions concatenates theirs.
    const rows = merged.length === 1 ? merged[0]!.rows : merged.flatMap((s) => s.rows);
    rows.push(row);
    keep.push({ start, end, rows });
    this.state.update(keep);
    // A session whose end did not move has its timer already.
    if (merged.length !== 1 || merged[0]!.end !== end)
      ctx.timerService().registerEventTimeTimer(end - 1);
  }

  /** Emits the rows of the sessions the watermark has passed. */
  override onTimer(t: number, _ctx: KeyedOnTimerContext<unknown>, out: Collector<Row>): void {
    const sessions = this.state.value();
    if (sessions === null) return;
    const open: Session[] = [];
    for (const s of sessions) {
      if (s.end - 1 > t) {
        open.push(s);
        continue;
      }
      for (const r of s.rows) out.collect(withWindow(r, s.start, s.end));
    }
    if (open.length === 0) this.state.clear();
    else if (open.length !== sessions.length) this.state.update(open);
  }
}

/** SESSION: keyed by `keyOf` (the PARTITION BY key; omitted: one partition, parallelism 1). */
export function sessionWindows(
  input: DataStream<Row>,
  options: WindowTvfOptions & { readonly keyOf?: (row: Row) => unknown },
): SingleOutputStreamOperator<Row> {
  const place = options.name ?? "SessionWindowTableFunction";
  const keyOf = options.keyOf;
  const keyed = keyOf !== undefined ? input.keyBy(keyOf) : input.keyBy(() => 0);
  const fn = new SessionWindowFunction(options.spec.size, options.timeField, place);
  const op = configure(keyed.process<Row>(fn), options, "SessionWindowTableFunction");
  if (keyOf === undefined) op.setParallelism(1);
  return op;
}
