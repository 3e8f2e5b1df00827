/**
 * Deduplication (Flink's Deduplicate operator): one row per key of an insert-only stream, the
 * first or the last by an order, the kept row alone in keyed state.
 *
 * Ordered by arrival (a processing-time attribute): keep-first emits a key's first row (`+I`)
 * and drops the others, so its output is insert-only; keep-last emits each new row, as `+U`
 * after a `-U` of the row it replaces. Ordered by a value (an event-time attribute or a plain
 * column): a row replaces the kept one when it comes first in the order (`-U` / `+U`); ties keep
 * the first row, except keep-last by a time attribute, where the later row wins as in Flink.
 * Batch: the kept row of each key once, as `+I`, at the end of input.
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
import { ROW_KIND_NAMES, RowKind, formatRow, kindOf, type Row } from "./row.ts";

/** Options of {@link deduplicate}. */
export interface DeduplicateOptions extends OperatorOptions {
  /** The `keyBy` key of a row. */
  readonly keyOf: (row: Row) => unknown;
  /** Keep the last row rather than the first. */
  readonly keepLast: boolean;
  /**
   * The order of the rows (the first in it is kept; for keep-last, a DESC order); omitted:
   * arrival order (processing time).
   */
  readonly compare?: (a: Row, b: Row) => number;
  /** On ties in `compare`, the later row wins (keep-last by a time attribute). */
  readonly laterWinsTies?: boolean;
}

/** The keyed function behind {@link deduplicate}. */
export class DeduplicateFunction extends KeyedProcessFunction<unknown, Row, Row> {
  private readonly keepLast: boolean;
  private readonly compare: ((a: Row, b: Row) => number) | null;
  private readonly laterWinsTies: boolean;
  private readonly batch: boolean;
  private readonly place: string;
  private kept!: ValueState<Row>;
  /** Time-to-live of the per-key state, ms of processing time (0: forever; `table.exec.state.ttl`). */
  stateTtl = 0;

  /** Creates the function (`batch`: emit once at the end of input). */
  constructor(
    keepLast: boolean,
    compare: ((a: Row, b: Row) => number) | null,
    laterWinsTies: boolean,
    batch: boolean,
    place: string,
  ) {
    super();
    this.keepLast = keepLast;
    this.compare = compare;
    this.laterWinsTies = laterWinsTies;
    this.batch = batch;
    this.place = place;
  }

  /** Registers the kept row. */
  override open(): void {
    this.kept = this.getRuntimeContext().getState(
      withStateTtl(new ValueStateDescriptor<Row>("sql-dedup-row"), this.stateTtl),
    );
  }

  /** Keeps `row` when it replaces the key's row, and emits the change (streaming). */
  processElement(row: Row, ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    const kind = kindOf(row, this.place);
    if (kind !== RowKind.INSERT) {
      throw new TableRuntimeError(
        `${this.place}: deduplication needs an insert-only input, got a ${ROW_KIND_NAMES[kind]} row ${formatRow(row)}`,
      );
    }
    const old = this.kept.value();
    if (old !== null && !this.replaces(row, old)) return;
    const copy = row.slice();
    this.kept.update(copy);
    if (this.batch) {
      if (old === null) ctx.timerService().registerEventTimeTimer(END_OF_INPUT_TIME);
      return;
    }
    if (old === null) {
      out.collect(row.slice());
      return;
    }
    const before = old.slice();
    before[0] = RowKind.UPDATE_BEFORE;
    const after = row.slice();
    after[0] = RowKind.UPDATE_AFTER;
    out.collect(before);
    out.collect(after);
  }

  private replaces(row: Row, old: Row): boolean {
    if (this.compare === null) return this.keepLast;
    const c = this.compare(row, old);
    return c < 0 || (c === 0 && this.laterWinsTies);
  }

  /** End of input (batch): the kept row as `+I`. */
  override onTimer(_t: number, _ctx: KeyedOnTimerContext<unknown>, out: Collector<Row>): void {
    const row = this.kept.value();
    if (row === null) return;
    out.collect(row.slice());
    this.kept.clear();
  }
}

/**
 * The first (or last) row per key of insert-only `stream` (see the module comment): a changelog
 * in streaming mode (insert-only for keep-first in arrival order), the kept rows at the end of
 * input in batch mode.
 */
export function deduplicate(
  stream: DataStream<Row>,
  options: DeduplicateOptions,
): SingleOutputStreamOperator<Row> {
  const name = options.name ?? "Deduplicate";
  if (typeof options.keyOf !== "function") {
    throw new TableRuntimeError(`${name}: keyOf must be a function of a row`);
  }
  const fn = new DeduplicateFunction(
    options.keepLast,
    options.compare ?? null,
    options.laterWinsTies ?? false,
    resolveBatch([stream], options.batch),
    name,
  );
  if (!resolveBatch([stream], options.batch)) fn.stateTtl = options.stateTtl ?? 0;
  return configure(stream.keyBy(options.keyOf).process<Row>(fn), options, name);
}
