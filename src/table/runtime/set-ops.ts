/**
 * Set operations on changelog streams: UNION ALL (a stream union), INTERSECT [ALL] and
 * EXCEPT [ALL]. The last two tag each row with its side, key the union by the whole row and keep
 * per distinct row its count on each side (ValueState, so retractions work). The output
 * multiplicity of a row is min(l, r) (INTERSECT ALL), 1 when both are positive (INTERSECT),
 * max(l - r, 0) (EXCEPT ALL), 1 when l > 0 and r = 0 (EXCEPT). STREAMING emits each change of
 * it as `+I` or `-D` rows; BATCH emits the final rows once at the end of input.
 * (UNION without ALL is `distinct(unionAll(...))`.)
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
import { hashableValue } from "./value-keys.ts";

/** UNION ALL: every row of every input (a stream union; row kinds pass through). */
export function unionAll(first: DataStream<Row>, ...others: DataStream<Row>[]): DataStream<Row> {
  return first.union(...others);
}

/**
 * UNION ALL whose inputs all run at `parallelism`, so that a row-wise consumer of the union
 * (which runs at the default parallelism) reads each input forward: an input at another
 * parallelism (a global aggregate or join at 1) first moves there hashed by the whole row, which
 * keeps the changes of each row in order — a rebalance would let a `-D` overtake its `+I`.
 */
export function unionAllAt(
  parallelism: number,
  inputs: readonly DataStream<Row>[],
): DataStream<Row> {
  const aligned = inputs.map((s) => {
    const p = s.getParallelism();
    if (p <= 0 || p === parallelism) return s;
    return s
      .keyBy(rowFieldsKey)
      .map((r: Row) => r)
      .name("Exchange")
      .setParallelism(parallelism);
  });
  return unionAll(aligned[0]!, ...aligned.slice(1));
}

/** The set operations keyed by the whole row. */
export type SetOpKind = "INTERSECT" | "INTERSECT_ALL" | "EXCEPT" | "EXCEPT_ALL";

/** A row tagged with its side: 0 left, 1 right. */
type SideRow = [side: 0 | 1, row: Row];

/** State per distinct row: the row (as +I) and its count on the left and on the right. */
type SetOpEntry = [row: Row, left: number, right: number];

/** The output multiplicity of a row present `l` times on the left and `r` times on the right. */
export function setOpMultiplicity(kind: SetOpKind, l: number, r: number): number {
  switch (kind) {
    case "INTERSECT":
      return l > 0 && r > 0 ? 1 : 0;
    case "INTERSECT_ALL":
      return Math.min(l, r);
    case "EXCEPT":
      return l > 0 && r === 0 ? 1 : 0;
    case "EXCEPT_ALL":
      return Math.max(l - r, 0);
  }
}

/** The keyed function behind {@link intersect} and {@link except}. */
export class SetOpFunction extends KeyedProcessFunction<unknown, SideRow, Row> {
  private readonly kind: SetOpKind;
  private readonly batch: boolean;
  private readonly place: string;
  private state!: ValueState<SetOpEntry>;
  /** Time-to-live of the per-key state, ms of processing time (0: forever; `table.exec.state.ttl`). */
  stateTtl = 0;

  /** Creates the function. */
  constructor(kind: SetOpKind, batch: boolean, place: string) {
    super();
    this.kind = kind;
    this.batch = batch;
    this.place = place;
  }

  /** Registers the per-row counts. */
  override open(): void {
    this.state = this.getRuntimeContext().getState(
      withStateTtl(new ValueStateDescriptor<SetOpEntry>("sql-set-op"), this.stateTtl),
    );
  }

  /** Counts one row of either side and emits the change of its multiplicity (STREAMING). */
  processElement(tagged: SideRow, ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    const [side, row] = tagged;
    const kind = kindOf(row, this.place);
    const delta = isAccumulate(kind) ? 1 : -1;
    let e = this.state.value();
    if (e === null) {
      if (delta < 0) {
        throw new TableRuntimeError(
          `${this.place}: ${formatRow(row)} retracts a row that is not there`,
        );
      }
      e = [withKind(row, RowKind.INSERT), 0, 0];
      if (this.batch) ctx.timerService().registerEventTimeTimer(END_OF_INPUT_TIME);
    }
    const before = setOpMultiplicity(this.kind, e[1], e[2]);
    if (side === 0) e[1] += delta;
    else e[2] += delta;
    if (e[1] < 0 || e[2] < 0) {
      throw new TableRuntimeError(
        `${this.place}: ${formatRow(row)} retracts a ${side === 0 ? "left" : "right"} row that is not there`,
      );
    }
    if (e[1] === 0 && e[2] === 0 && !this.batch) this.state.clear();
    else this.state.update(e);
    if (this.batch) return;
    const after = setOpMultiplicity(this.kind, e[1], e[2]);
    const emitted = after > before ? e[0] : withKind(e[0], RowKind.DELETE);
    for (let i = Math.min(before, after); i < Math.max(before, after); i++) out.collect(emitted);
  }

  /** BATCH, end of input: the row as many times as its final multiplicity. */
  override onTimer(_t: number, _ctx: KeyedOnTimerContext<unknown>, out: Collector<Row>): void {
    const e = this.state.value();
    if (e === null) return;
    const n = setOpMultiplicity(this.kind, e[1], e[2]);
    for (let i = 0; i < n; i++) out.collect(e[0]);
    this.state.clear();
  }
}

function setOp(
  kind: SetOpKind,
  left: DataStream<Row>,
  right: DataStream<Row>,
  options: OperatorOptions,
): SingleOutputStreamOperator<Row> {
  const name = options.name ?? kind.replace("_", " ");
  const batch = resolveBatch([left, right], options.batch);
  // The tags run at their input's parallelism: a rebalance could reorder a row's changes.
  const tag = (s: DataStream<Row>, side: 0 | 1, what: string) => {
    const op = s.map((r: Row): SideRow => [side, r]).name(`${name} (${what})`);
    return s.getParallelism() > 0 ? op.setParallelism(s.getParallelism()) : op;
  };
  const tagged = tag(left, 0, "left").union(tag(right, 1, "right"));
  const fn = new SetOpFunction(kind, batch, name);
  fn.stateTtl = batch ? 0 : (options.stateTtl ?? 0);
  const op = tagged.keyBy((t: SideRow) => rowFieldsKey(t[1])).process<Row>(fn);
  return configure(op, options, name);
}

function rowFieldsKey(row: Row): unknown[] {
  const out = new Array<unknown>(row.length - 1);
  for (let i = 1; i < row.length; i++) out[i - 1] = hashableValue(row[i]);
  return out;
}

/** INTERSECT (distinct rows in both inputs) or, with `all`, INTERSECT ALL. */
export function intersect(
  left: DataStream<Row>,
  right: DataStream<Row>,
  options: OperatorOptions & { readonly all?: boolean } = {},
): SingleOutputStreamOperator<Row> {
  return setOp(options.all ? "INTERSECT_ALL" : "INTERSECT", left, right, options);
}

/** EXCEPT (distinct left rows not in the right input) or, with `all`, EXCEPT ALL. */
export function except(
  left: DataStream<Row>,
  right: DataStream<Row>,
  options: OperatorOptions & { readonly all?: boolean } = {},
): SingleOutputStreamOperator<Row> {
  return setOp(options.all ? "EXCEPT_ALL" : "EXCEPT", left, right, options);
}
