/**
 * Runtime of GROUPING SETS / ROLLUP / CUBE (see planner/expand.ts).
 *
 * - {@link expandRows}: each row copied once per grouping set (a projection per set), keeping
 *   its row kind, so a retraction (`-U`/`-D`) retracts the row's copy in every set.
 * - {@link withEmptyGroupResults}: in batch mode an empty grouping set `()` has its result row
 *   even when the input is empty, as a global aggregation has: the aggregation's rows of that
 *   set are watched by one subtask which, at the end of input, emits the set's empty-input row
 *   (COUNT 0, other aggregates NULL) if none came. Streaming emits nothing for empty input,
 *   like Flink.
 */
import type { DataStream } from "../../api/datastream.ts";
import {
  KeyedProcessFunction,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
} from "../../api/functions.ts";
import { ValueStateDescriptor, type ValueState } from "../../api/state.ts";
import {
  END_OF_INPUT_TIME,
  configure,
  isMarker,
  resolveBatch,
  withEndMarker,
  type OperatorOptions,
} from "./execution.ts";
import type { Row } from "./row.ts";

/** Options of {@link expandRows}. */
export interface ExpandOptions extends Omit<OperatorOptions, "batch"> {
  /** One projection per grouping set: the copy of a row for that set (keeping `row[0]`). */
  readonly projections: readonly ((row: Row) => Row)[];
}

/** Each row of `stream` copied once per projection, at the input's parallelism. */
export function expandRows(stream: DataStream<Row>, options: ExpandOptions): DataStream<Row> {
  const ps = options.projections;
  const op = stream.flatMap((row: Row, out: { collect(r: Row): void }) => {
    for (let i = 0; i < ps.length; i++) out.collect(ps[i]!(row));
  });
  const p = stream.getParallelism();
  if (p > 0 && options.parallelism === undefined) op.setParallelism(p);
  return configure(op, options, "Expand");
}

/** Options of {@link withEmptyGroupResults}. */
export interface EmptyGroupOptions extends OperatorOptions {
  /** Index in an output row (after the kind) of the grouping set id column. */
  readonly idIndex: number;
  /** Per empty grouping set id: its result row for empty input (an `+I` row). */
  readonly defaults: ReadonlyMap<number, Row>;
}

/** The keyed function behind {@link withEmptyGroupResults}: remembers which sets had rows. */
export class EmptyGroupFunction extends KeyedProcessFunction<unknown, Row, Row> {
  private readonly idIndex: number;
  private readonly defaults: ReadonlyMap<number, Row>;
  private seen!: ValueState<number[]>;

  /** Creates the function. */
  constructor(idIndex: number, defaults: ReadonlyMap<number, Row>) {
    super();
    this.idIndex = idIndex;
    this.defaults = defaults;
  }

  /** Registers the state of the sets seen. */
  override open(): void {
    this.seen = this.getRuntimeContext().getState(
      new ValueStateDescriptor<number[]>("sql-empty-sets-seen"),
    );
  }

  /** Notes the set of a result row; the end-of-input marker registers the final timer. */
  processElement(row: Row, ctx: KeyedProcessContext<unknown>, _out: Collector<Row>): void {
    if (isMarker(row)) {
      ctx.timerService().registerEventTimeTimer(END_OF_INPUT_TIME);
      return;
    }
    const id = Number(row[this.idIndex]);
    const seen = this.seen.value() ?? [];
    if (!seen.includes(id)) this.seen.update([...seen, id]);
  }

  /** At the end of input: the empty-input row of each empty set that had no row. */
  override onTimer(_t: number, _ctx: KeyedOnTimerContext<unknown>, out: Collector<Row>): void {
    const seen = this.seen.value() ?? [];
    for (const [id, row] of this.defaults) if (!seen.includes(id)) out.collect([...row]);
    this.seen.clear();
  }
}

/**
 * `aggregated` (the output of an aggregation over an expanded stream) plus, in batch mode, the
 * empty-input row of each empty grouping set that produced no row. Streaming: unchanged.
 */
export function withEmptyGroupResults(
  aggregated: DataStream<Row>,
  options: EmptyGroupOptions,
): DataStream<Row> {
  if (options.defaults.size === 0 || !resolveBatch([aggregated], options.batch)) return aggregated;
  const idx = options.idIndex;
  const defaults = options.defaults;
  const ofEmptySets = aggregated
    .filter((row: Row) => defaults.has(Number(row[idx])))
    .name("Empty grouping sets");
  const watcher = withEndMarker(ofEmptySets)
    .keyBy(() => 0)
    .process<Row>(new EmptyGroupFunction(idx, defaults));
  const filled = configure(watcher, options, "EmptyGroupingSets").setParallelism(1);
  return aggregated.union(filled);
}
