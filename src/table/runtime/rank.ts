/**
 * Top-N (Flink's Rank operator): the rows of each partition whose ROW_NUMBER, RANK or
 * DENSE_RANK by an ORDER BY is within [start, end].
 *
 * The input is keyed by the partition key; each partition's rows are kept sorted in keyed state
 * (one entry per distinct row: the row and its copies; a row goes after its peers, so ties keep
 * their arrival order). For insert-only input only the rows ranked up to `end` are kept (a row pushed
 * below can never come back); updating input keeps the whole partition, since a retraction in
 * the top moves the next row up.
 *
 * Streaming: for each input row the rows in range before and after it are compared and the
 * difference emitted: without the rank number, a row leaving the range is `-D` and one entering
 * it `+I`; with the rank number (ROW_NUMBER), each rank whose row changed is updated (`-U` of
 * the old row and rank, `+U` of the new), and a rank that appears or disappears is `+I` / `-D`
 * (RANK / DENSE_RANK: `-D` / `+I` of the changed rows with their ranks). Batch: the rows in
 * range once, as `+I`, at the end of input. Window Top-N (`windowEnd`): the rows in range of
 * each window once, as `+I`, when the watermark passes the window's end; a row arriving after
 * that is late and dropped (counted in `lateRowsDropped`), as Flink's WindowRank drops it.
 */
import type { DataStream, SingleOutputStreamOperator } from "../../api/datastream.ts";
import {
  KeyedProcessFunction,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
} from "../../api/functions.ts";
import { ValueStateDescriptor, type ValueState } from "../../api/state.ts";
import { TableRuntimeError } from "./errors.ts";
import {
  END_OF_INPUT_TIME,
  configure,
  resolveBatch,
  withStateTtl,
  type OperatorOptions,
} from "./execution.ts";
import { RowKind, formatRow, isAccumulate, kindOf, withKind, type Row } from "./row.ts";
import { arraysEqual } from "./value-keys.ts";

/** The ranking function of a {@link RankOptions}. */
export type RankType = "ROW_NUMBER" | "RANK" | "DENSE_RANK";

/** Options of {@link rank}. */
export interface RankOptions extends OperatorOptions {
  /** The `keyBy` key of a row's partition; omitted: one global ranking at parallelism 1. */
  readonly keyOf?: (row: Row) => unknown;
  /** The ORDER BY comparator of two rows (ties rank by arrival). */
  readonly compare: (a: Row, b: Row) => number;
  /** Default ROW_NUMBER. */
  readonly rankType?: RankType;
  /** First rank emitted, from 1 (default 1). */
  readonly start?: number;
  /** Last rank emitted (inclusive). */
  readonly end: number;
  /** Append the rank number (a BIGINT) to each output row. */
  readonly outputRank?: boolean;
  /** The input only inserts: keep only the rows ranked up to `end`. */
  readonly insertOnlyInput?: boolean;
  /**
   * Window Top-N: a row's `window_end` in epoch ms (the partition key includes the window).
   * Streaming mode then ranks each window's rows once, when the watermark passes its end
   * (insert-only output), and drops rows of windows already ranked (late).
   */
  readonly windowEnd?: (row: Row) => number;
}

/** One stored row: the row (as +I) and its copies. */
type Entry = [row: Row, count: number];

/** A partition's state: its entries in rank order (peers in arrival order). */
interface Partition {
  entries: Entry[];
}

/** A row in range and its rank. */
type Ranked = [row: Row, rank: number];

/** The keyed function behind {@link rank}. */
export class RankFunction extends KeyedProcessFunction<unknown, Row, Row> {
  private readonly compare: (a: Row, b: Row) => number;
  private readonly type: RankType;
  private readonly start: number;
  private readonly end: number;
  private readonly outputRank: boolean;
  private readonly insertOnly: boolean;
  private readonly batch: boolean;
  private readonly place: string;
  private state!: ValueState<Partition>;
  /** Time-to-live of the per-key state, ms of processing time (0: forever; `table.exec.state.ttl`). */
  stateTtl = 0;
  /** Window Top-N in streaming mode: a row's window end (see {@link RankOptions.windowEnd}). */
  windowEnd: ((row: Row) => number) | null = null;
  /** Rows of windows already ranked, dropped (window Top-N, this subtask). */
  lateRowsDropped = 0;

  /** Creates the function (`batch`: emit once at the end of input). */
  constructor(
    options: Required<
      Pick<RankOptions, "compare" | "rankType" | "start" | "end" | "outputRank" | "insertOnlyInput">
    >,
    batch: boolean,
    place: string,
  ) {
    super();
    this.compare = options.compare;
    this.type = options.rankType;
    this.start = options.start;
    this.end = options.end;
    this.outputRank = options.outputRank;
    this.insertOnly = options.insertOnlyInput;
    this.batch = batch;
    this.place = place;
  }

  /** Registers the partition state. */
  override open(): void {
    this.state = this.getRuntimeContext().getState(
      withStateTtl(new ValueStateDescriptor<Partition>("sql-rank-partition"), this.stateTtl),
    );
  }

  /** Applies one row to its partition and emits the change of the rows in range. */
  processElement(row: Row, ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    const kind = kindOf(row, this.place);
    let fireAt: number | null = this.batch ? END_OF_INPUT_TIME : null;
    if (this.windowEnd !== null) {
      fireAt = this.windowEnd(row) - 1;
      if (fireAt <= ctx.timerService().currentWatermark()) {
        this.lateRowsDropped++;
        return;
      }
    }
    let p = this.state.value();
    if (p === null) {
      if (!isAccumulate(kind)) throw this.missing(row);
      p = { entries: [] };
      if (fireAt !== null) ctx.timerService().registerEventTimeTimer(fireAt);
    }
    const [at, same] = this.locate(p.entries, row);
    if (this.batch || this.windowEnd !== null) {
      this.apply(p, row, kind, at, same);
      this.state.update(p);
      return;
    }
    // The entries before the one changed keep their ranks: compare the rest only.
    const from = same >= 0 ? same : at;
    const before = this.inRange(p.entries, from);
    this.apply(p, row, kind, at, same);
    this.emitChanges(before, this.inRange(p.entries, from), out);
    if (p.entries.length === 0) this.state.clear();
    else this.state.update(p);
  }

  /** End of input (batch) or of the window: the rows in range, as `+I`. */
  override onTimer(_t: number, _ctx: KeyedOnTimerContext<unknown>, out: Collector<Row>): void {
    const p = this.state.value();
    if (p === null) return;
    for (const r of this.inRange(p.entries)) out.collect(this.output(RowKind.INSERT, r));
    this.state.clear();
  }

  private missing(row: Row): TableRuntimeError {
    return new TableRuntimeError(
      `${this.place}: ${formatRow(row)} retracts a row that is not in its partition`,
    );
  }

  /**
   * Where `row` goes in `entries`: the index of the first entry ranked after it (it goes after
   * its peers, in arrival order), and the index of its equal entry, or -1.
   */
  private locate(entries: readonly Entry[], row: Row): [at: number, same: number] {
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(entries[mid]![0], row) <= 0) lo = mid + 1;
      else hi = mid;
    }
    let same = -1;
    for (let i = lo - 1; i >= 0 && this.compare(entries[i]![0], row) === 0; i--) {
      if (arraysEqual(entries[i]![0], row, 1)) {
        same = i;
        break;
      }
    }
    return [lo, same];
  }

  /** Adds or retracts `row` at its place (and trims the entries for insert-only input). */
  private apply(p: Partition, row: Row, kind: RowKind, at: number, same: number): void {
    const entries = p.entries;
    if (isAccumulate(kind)) {
      if (same >= 0) entries[same]![1]++;
      else entries.splice(at, 0, [withKind(row, RowKind.INSERT), 1]);
      if (this.insertOnly) this.trim(entries);
      return;
    }
    if (same < 0) throw this.missing(row);
    if (--entries[same]![1] === 0) entries.splice(same, 1);
  }

  /** Drops the entries ranked after `end` (insert-only input: they never rank again). */
  private trim(entries: Entry[]): void {
    let position = 0;
    let rank = 0;
    let dense = 0;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const peer = i > 0 && this.compare(entries[i - 1]![0], e[0]) === 0;
      if (!peer) {
        rank = position + 1;
        dense++;
      }
      const first = this.type === "ROW_NUMBER" ? position + 1 : this.type === "RANK" ? rank : dense;
      if (first > this.end) {
        entries.length = i;
        return;
      }
      if (this.type === "ROW_NUMBER" && position + e[1] > this.end) e[1] = this.end - position;
      position += e[1];
    }
  }

  /**
   * The rows (each copy) of the entries from index `from` on whose rank is in [start, end],
   * with their ranks, in rank order.
   */
  private inRange(entries: readonly Entry[], from = 0): Ranked[] {
    const out: Ranked[] = [];
    let position = 0;
    let rank = 0;
    let dense = 0;
    for (let i = 0; i < entries.length; i++) {
      const [row, count] = entries[i]!;
      const peer = i > 0 && this.compare(entries[i - 1]![0], row) === 0;
      if (!peer) {
        rank = position + 1;
        dense++;
      }
      for (let c = 0; c < count; c++) {
        position++;
        const r = this.type === "ROW_NUMBER" ? position : this.type === "RANK" ? rank : dense;
        if (r > this.end) return out;
        if (r >= this.start && i >= from) out.push([row, r]);
      }
    }
    return out;
  }

  private output(kind: RowKind, [row, r]: Ranked): Row {
    const o = row.slice(); // never the stored row itself
    o[0] = kind;
    if (this.outputRank) o.push(r);
    return o;
  }

  /** Emits what turns `before` into `after` (see the module comment). */
  private emitChanges(before: Ranked[], after: Ranked[], out: Collector<Row>): void {
    if (this.outputRank && this.type === "ROW_NUMBER") {
      // Rank numbers are positions: update each position whose row changed.
      const n = Math.max(before.length, after.length);
      for (let i = 0; i < n; i++) {
        const b = before[i];
        const a = after[i];
        if (b !== undefined && a !== undefined) {
          if (b[0] === a[0]) continue;
          out.collect(this.output(RowKind.UPDATE_BEFORE, b));
          out.collect(this.output(RowKind.UPDATE_AFTER, a));
        } else if (b !== undefined) out.collect(this.output(RowKind.DELETE, b));
        else out.collect(this.output(RowKind.INSERT, a!));
      }
      return;
    }
    // A multiset difference: each distinct row is one entry (one row object) of the partition.
    // (With the rank output, a row's copies share its rank, so a row and its rank count as one.)
    const counts = new Map<Row, number>();
    for (const a of after) counts.set(a[0], (counts.get(a[0]) ?? 0) + 1);
    const rankOf = new Map<Row, number>(after.map((a) => [a[0], a[1]]));
    const removed: Ranked[] = [];
    for (const b of before) {
      const n = counts.get(b[0]) ?? 0;
      if (n > 0 && (!this.outputRank || rankOf.get(b[0]) === b[1])) counts.set(b[0], n - 1);
      else removed.push(b);
    }
    for (const r of removed) out.collect(this.output(RowKind.DELETE, r));
    for (const a of after) {
      const n = counts.get(a[0])!;
      if (n === 0) continue;
      counts.set(a[0], n - 1);
      out.collect(this.output(RowKind.INSERT, a));
    }
  }
}

function checkRank(n: number | undefined, what: string, place: string, dflt: number): number {
  if (n === undefined) return dflt;
  if (!(Number.isSafeInteger(n) && n >= 0)) {
    throw new TableRuntimeError(`${place}: ${what} must be an integer >= 0, got ${String(n)}`);
  }
  return n;
}

/**
 * Top-N of `stream` per partition (see the module comment): an updating changelog in streaming
 * mode, the final rows at the end of input in batch mode.
 */
export function rank(
  stream: DataStream<Row>,
  options: RankOptions,
): SingleOutputStreamOperator<Row> {
  const name = options.name ?? "Rank";
  if (typeof options.compare !== "function") {
    throw new TableRuntimeError(`${name}: compare must be a function of two rows`);
  }
  const start = Math.max(1, checkRank(options.start, "start", name, 1));
  const end = checkRank(options.end, "end", name, 0);
  const fn = new RankFunction(
    {
      compare: options.compare,
      rankType: options.rankType ?? "ROW_NUMBER",
      start,
      end,
      outputRank: options.outputRank ?? false,
      insertOnlyInput: options.insertOnlyInput ?? false,
    },
    resolveBatch([stream], options.batch),
    name,
  );
  if (!resolveBatch([stream], options.batch)) {
    fn.stateTtl = options.stateTtl ?? 0;
    fn.windowEnd = options.windowEnd ?? null;
  }
  const keyOf = options.keyOf;
  if (keyOf === undefined) {
    const op = stream.keyBy(() => 0).process<Row>(fn);
    return configure(op, { ...options, parallelism: 1 }, name);
  }
  return configure(stream.keyBy(keyOf).process<Row>(fn), options, name);
}
