/**
 * The rows of one key (a partition, or a whole bounded table) buffered in keyed state until the
 * end of input, with retractions applied: each distinct row once, with its number of copies and
 * its first arrival number (so sorting keeps ties in arrival order). Shared by ORDER BY and OVER.
 */
import type { KeyedProcessContext, RuntimeContext } from "../../api/functions.ts";
import {
  MapStateDescriptor,
  ValueStateDescriptor,
  type MapState,
  type ValueState,
} from "../../api/state.ts";
import { TableRuntimeError } from "./errors.ts";
import { END_OF_INPUT_TIME } from "./execution.ts";
import { RowKind, formatRow, isAccumulate, kindOf, withKind, type Row } from "./row.ts";
import { rowIdentity } from "./value-keys.ts";

/** One stored row: the row (as +I), its copies, its first arrival number. */
type Entry = [row: Row, count: number, seq: number];

/** Buffered rows of the current key, in keyed state named `<prefix>-rows` / `<prefix>-seq`. */
export class RowBuffer {
  private readonly prefix: string;
  private readonly place: string;
  private rows!: MapState<unknown, Entry>;
  private seq!: ValueState<number>;

  /** A buffer whose states are named after `prefix`; `place` names the operator in errors. */
  constructor(prefix: string, place: string) {
    this.prefix = prefix;
    this.place = place;
  }

  /** Registers the states (call from the function's `open`). */
  open(ctx: RuntimeContext): void {
    this.rows = ctx.getMapState(new MapStateDescriptor<unknown, Entry>(`${this.prefix}-rows`));
    this.seq = ctx.getState(new ValueStateDescriptor<number>(`${this.prefix}-seq`));
  }

  /**
   * Adds (+I/+U) or retracts (-U/-D) `row`; the key's first row registers the end-of-input timer.
   */
  add(row: Row, ctx: KeyedProcessContext<unknown>): void {
    const kind = kindOf(row, this.place);
    const id = rowIdentity(row);
    const e = this.rows.get(id);
    if (isAccumulate(kind)) {
      if (e !== null) {
        e[1]++;
        this.rows.put(id, e);
        return;
      }
      const seq = (this.seq.value() ?? 0) + 1;
      if (seq === 1) ctx.timerService().registerEventTimeTimer(END_OF_INPUT_TIME);
      this.seq.update(seq);
      this.rows.put(id, [withKind(row, RowKind.INSERT), 1, seq]);
      return;
    }
    if (e === null) {
      throw new TableRuntimeError(
        `${this.place}: ${formatRow(row)} retracts a row that is not there`,
      );
    }
    if (--e[1] === 0) this.rows.remove(id);
    else this.rows.put(id, e);
  }

  /**
   * Every buffered row (each copy), ordered by `compare` with ties in arrival order, and the
   * buffer emptied.
   */
  drainSorted(compare: ((a: Row, b: Row) => number) | null): Row[] {
    const entries = [...this.rows.values()];
    entries.sort((a, b) => {
      const c = compare === null ? 0 : compare(a[0], b[0]);
      return c !== 0 ? c : a[2] - b[2];
    });
    const out: Row[] = [];
    for (const [row, copies] of entries) for (let i = 0; i < copies; i++) out.push(row);
    this.rows.clear();
    this.seq.clear();
    return out;
  }
}
