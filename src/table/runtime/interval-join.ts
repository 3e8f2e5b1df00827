/**
 * The streaming interval join of SQL (Flink's time-interval join on event time): both inputs
 * are insert-only and keyed by the equi-join key (a constant at parallelism 1 when there is
 * none); a key's rows of both sides are buffered in one value state, each side's sorted by
 * rowtime, each row with whether it has matched. A row joins the buffered rows of the other side that
 * satisfy the condition (the time bounds only pre-select them), and is buffered only while rows
 * of the other side that it may still join can arrive: a left row at `t` while the watermark is
 * at most `t - lower`, a right row at `t` while it is at most `t + upper` (where the condition
 * bounds `lower <= left.time - right.time <= upper`; the rows a new row may join are found by
 * binary search). An event-time timer at that time removes it (expired rows are a prefix of
 * their side), emitting it padded with NULLs if it is of an outer side and never matched. A row arriving
 * behind the watermark (late) is not buffered: it joins the rows still buffered and, on an outer
 * side, is emitted padded at once if none matched (as Flink's interval join does). The output is
 * insert-only.
 */
import type { DataStream, SingleOutputStreamOperator } from "../../api/datastream.ts";
import {
  KeyedCoProcessFunction,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
} from "../../api/functions.ts";
import { LongCounter, MaxAccumulator } from "../../api/accumulators.ts";
import { ValueStateDescriptor, type ValueState } from "../../api/state.ts";
import { holdsValueByReference } from "../../runtime/state/heap-raw-states.ts";
import type { Timestamp } from "../types/timestamp.ts";
import { TableRuntimeError } from "./errors.ts";
import { configure, type OperatorOptions } from "./execution.ts";
import {
  joined,
  joinSettings,
  paddedRow,
  unmatchableKey,
  type JoinSettings,
  type JoinType,
} from "./join.ts";
import { RowKind, formatRow, type Row } from "./row.ts";
import { partitionKey } from "./value-keys.ts";

/** Options of {@link intervalJoin}. */
export interface IntervalJoinOptions extends OperatorOptions {
  /** INNER, LEFT, RIGHT or FULL (outer). */
  readonly type: JoinType;
  /** The equi-join key values of a left row (none: one subtask). */
  readonly leftKey: (row: Row) => unknown[];
  /** The equi-join key values of a right row. */
  readonly rightKey: (row: Row) => unknown[];
  /** The rest of the condition (the time bounds are checked apart): a pair joins when it returns `true`. */
  readonly condition?: (left: Row, right: Row) => boolean | null;
  /** Number of fields of a left row. */
  readonly leftArity: number;
  /** Number of fields of a right row. */
  readonly rightArity: number;
  /** Per key field, whether NULL matches NULL. */
  readonly nullSafe?: readonly boolean[];
  /** Field index (0-based) of the left rowtime. */
  readonly leftTime: number;
  /** Field index (0-based) of the right rowtime. */
  readonly rightTime: number;
  /** Smallest `left.time - right.time` that joins, ms. */
  readonly lower: number;
  /** Largest `left.time - right.time` that joins, ms. */
  readonly upper: number;
  /** Whether `left.time - right.time` must exceed `lower` (default: may equal it). */
  readonly lowerStrict?: boolean;
  /** Whether `left.time - right.time` must be below `upper` (default: may equal it). */
  readonly upperStrict?: boolean;
}

/** A buffered row: its rowtime (ms), the row, and whether it has matched a row of the other side. */
type Buffered = [time: number, row: Row, matched: boolean];

/** A key's buffered rows of each side, each sorted by rowtime. */
interface Buffers {
  l: Buffered[];
  r: Buffered[];
}

/** Name of the keyed value state holding a key's {@link Buffers}. */
export const INTERVAL_JOIN_STATE_NAME = "sql-interval-join-buffers";

/**
 * Accumulators of an interval join named `name` (job result, summed / maxed over subtasks): the
 * rows still buffered at the end, and the most rows one subtask buffered at once. Rows restored
 * from a checkpoint are not counted.
 */
export function intervalJoinAccumulators(name: string): { buffered: string; maxBuffered: string } {
  return { buffered: `${name}.bufferedRows`, maxBuffered: `${name}.maxBufferedRows` };
}

/** The index of the first entry of `list` (sorted by time) whose time is at least `t`. */
function firstAtOrAfter(list: readonly Buffered[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]![0] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The keyed two-input function behind {@link intervalJoin}. */
export class IntervalJoinFunction extends KeyedCoProcessFunction<unknown, Row, Row, Row> {
  private readonly s: JoinSettings;
  private readonly o: IntervalJoinOptions;
  private state!: ValueState<Buffers>;
  /** Whether the state hands out its stored object (changes in place need no `update`). */
  private byReference = false;
  private count = 0;
  private bufferedAcc!: LongCounter;
  private maxAcc!: MaxAccumulator;

  /** Creates the function. */
  constructor(settings: JoinSettings, options: IntervalJoinOptions) {
    super();
    this.s = settings;
    this.o = options;
  }

  /** Registers the buffers' state and the accumulators. */
  override open(): void {
    const ctx = this.getRuntimeContext();
    this.state = ctx.getState(new ValueStateDescriptor<Buffers>(INTERVAL_JOIN_STATE_NAME));
    this.byReference = holdsValueByReference(this.state);
    const acc = intervalJoinAccumulators(this.s.place);
    const buffered = ctx.getAccumulator<number, number>(acc.buffered);
    if (buffered instanceof LongCounter) this.bufferedAcc = buffered;
    else ctx.addAccumulator(acc.buffered, (this.bufferedAcc = new LongCounter()));
    const max = ctx.getAccumulator<number, number>(acc.maxBuffered);
    if (max instanceof MaxAccumulator) this.maxAcc = max;
    else ctx.addAccumulator(acc.maxBuffered, (this.maxAcc = new MaxAccumulator()));
  }

  /** A left row. */
  processElement1(row: Row, ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    this.process(row, true, ctx, out);
  }

  /** A right row. */
  processElement2(row: Row, ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    this.process(row, false, ctx, out);
  }

  private process(
    row: Row,
    isLeft: boolean,
    ctx: KeyedProcessContext<unknown>,
    out: Collector<Row>,
  ): void {
    const s = this.s;
    const o = this.o;
    if (row[0] !== RowKind.INSERT) {
      throw new TableRuntimeError(
        `${s.place}: an interval join takes insert-only input, got ${formatRow(row)}`,
      );
    }
    const arity = isLeft ? o.leftArity : o.rightArity;
    if (row.length !== arity + 1) {
      throw new TableRuntimeError(
        `${s.place}: expected a ${isLeft ? "left" : "right"} row of ${arity} fields, got ${formatRow(row)}`,
      );
    }
    const outer = isLeft ? s.leftOuter : s.rightOuter;
    const time = (row[1 + (isLeft ? o.leftTime : o.rightTime)] as Timestamp | null) ?? null;
    // The keyBy key of a single non-NULL value is that value itself: nothing to check then.
    const k = ctx.getCurrentKey();
    const plain = typeof k === "number" || typeof k === "bigint" || typeof k === "boolean";
    if (
      time === null ||
      (!plain && unmatchableKey((isLeft ? s.leftKey : s.rightKey)(row), s.nullSafe))
    ) {
      if (outer)
        out.collect(paddedRow(row, isLeft, isLeft ? o.rightArity : o.leftArity, RowKind.INSERT));
      return;
    }
    const t = time.millis;
    // The other side's rows this row may join: other.time between lo and hi.
    const lo = isLeft ? t - o.upper : t + o.lower;
    const hi = isLeft ? t - o.lower : t + o.upper;
    const loStrict = (isLeft ? o.upperStrict : o.lowerStrict) === true;
    const hiStrict = (isLeft ? o.lowerStrict : o.upperStrict) === true;
    const stored = this.state.value();
    const buffers = stored ?? { l: [], r: [] };
    const other = isLeft ? buffers.r : buffers.l;
    const cond = s.condition;
    let matched = false;
    let changed = false;
    for (let i = firstAtOrAfter(other, lo); i < other.length; i++) {
      const e = other[i]!;
      const ts = e[0];
      if (ts > hi || (hiStrict && ts === hi)) break;
      if (loStrict && ts === lo) continue;
      const l = isLeft ? row : e[1];
      const r = isLeft ? e[1] : row;
      if (cond !== null && cond(l, r) !== true) continue;
      matched = true;
      out.collect(joined(RowKind.INSERT, l, r));
      if (!e[2]) {
        e[2] = true;
        changed = true;
      }
    }
    // Buffer the row while rows of the other side it may join can still come (not late).
    // (Kept one ms past its bound, so a row of the other side exactly at the watermark joins.)
    const expiry = (isLeft ? t - o.lower : t + o.upper) + 1;
    if (ctx.timerService().currentWatermark() < expiry) {
      const mine = isLeft ? buffers.l : buffers.r;
      const entry: Buffered = [t, row, matched];
      if (mine.length === 0 || mine[mine.length - 1]![0] <= t) mine.push(entry);
      else mine.splice(firstAtOrAfter(mine, t + 1), 0, entry);
      changed = true;
      this.bufferedAcc.add(1);
      if (++this.count > this.maxAcc.getLocalValue()) this.maxAcc.add(this.count);
      ctx.timerService().registerEventTimeTimer(expiry);
    } else if (outer && !matched) {
      out.collect(paddedRow(row, isLeft, isLeft ? o.rightArity : o.leftArity, RowKind.INSERT));
    }
    if (changed && (stored === null || !this.byReference)) this.state.update(buffers);
  }

  /** Removes the rows that can no longer join, emitting unmatched outer rows padded. */
  override onTimer(time: number, _ctx: KeyedOnTimerContext<unknown>, out: Collector<Row>): void {
    const o = this.o;
    const buffers = this.state.value();
    if (buffers === null) return;
    // A left row at t expires at t - lower + 1, a right row at t + upper + 1: a sorted prefix.
    const gone =
      this.expire(buffers.l, -o.lower + 1, time, true, out) +
      this.expire(buffers.r, o.upper + 1, time, false, out);
    if (gone === 0) return;
    if (buffers.l.length === 0 && buffers.r.length === 0) this.state.clear();
    else if (!this.byReference) this.state.update(buffers);
  }

  /** Drops the rows of `list` expired at `time` (a row at `t` expires at `t + shift`); returns how many. */
  private expire(
    list: Buffered[],
    shift: number,
    time: number,
    isLeft: boolean,
    out: Collector<Row>,
  ): number {
    let n = 0;
    while (n < list.length && list[n]![0] + shift <= time) n++;
    if (n === 0) return 0;
    if (isLeft ? this.s.leftOuter : this.s.rightOuter) {
      const pad = isLeft ? this.o.rightArity : this.o.leftArity;
      for (let i = 0; i < n; i++) {
        const e = list[i]!;
        if (!e[2]) out.collect(paddedRow(e[1], isLeft, pad, RowKind.INSERT));
      }
    }
    list.splice(0, n);
    this.count -= n;
    this.bufferedAcc.add(-n);
    return n;
  }
}

/**
 * An interval join of two insert-only streams with rowtime (see the module comment): rows
 * `[+I, ...left fields, ...right fields]`. Without an equi-key it runs at parallelism 1.
 */
export function intervalJoin(
  left: DataStream<Row>,
  right: DataStream<Row>,
  options: IntervalJoinOptions,
): SingleOutputStreamOperator<Row> {
  const name = options.name ?? `Interval${options.type}Join`;
  if (!(Number.isFinite(options.lower) && Number.isFinite(options.upper))) {
    throw new TableRuntimeError(`${name}: the time bounds must be finite numbers of ms`);
  }
  const s = joinSettings(options, false, name);
  const op = left
    .connect(right)
    .keyBy(
      (r: Row) => partitionKey(s.leftKey(r)),
      (r: Row) => partitionKey(s.rightKey(r)),
    )
    .process<Row>(new IntervalJoinFunction(s, options));
  return configure(op, options, name);
}
