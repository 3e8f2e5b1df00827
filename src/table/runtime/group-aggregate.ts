/**
 * GROUP BY aggregation over a changelog (and SELECT DISTINCT, which is one without aggregates).
 *
 * The input is keyed by the group key; each key's {@link GroupAcc} (row count, accumulators,
 * DISTINCT counts) lives in keyed ValueState, so it is checkpointed and restored.
 *
 * - STREAMING (Flink's GroupAggFunction): `+I`/`+U` rows accumulate, `-U`/`-D` rows retract, and
 *   every change of a group's result is emitted: its first result as `+I`, later ones as
 *   `-U old` + `+U new` (only `+U` without update-before, an UPSERT changelog), `-D old` when the
 *   group's row count drops to 0, nothing when the result did not change. A global aggregation
 *   (no GROUP BY) behaves the same way with one group: like Flink, it emits nothing for empty
 *   input and its first row on the first input; retracting every row deletes it (`-D`).
 * - BATCH: nothing is emitted per row; each group's final row is emitted once as `+I` when the
 *   input ends (an event-time timer at the end of input). A global aggregation also gets an
 *   end-of-input marker, so it yields exactly one row even for empty input (COUNT 0, SUM NULL).
 *
 * So streaming's final changelog state equals batch's output, except for a global aggregation
 * over empty input (no row in streaming, one in batch), where this follows Flink.
 */
import type { DataStream, SingleOutputStreamOperator } from "../../api/datastream.ts";
import {
  KeyedProcessFunction,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
} from "../../api/functions.ts";
import { ValueStateDescriptor, type ValueState } from "../../api/state.ts";
import { holdsValueByReference } from "../../runtime/state/heap-raw-states.ts";
import { Aggregation, EMPTY_GROUP, type AggCall, type GroupAcc } from "./agg-calls.ts";
import { TableRuntimeError } from "./errors.ts";
import {
  END_OF_INPUT_TIME,
  configure,
  isMarker,
  resolveBatch,
  withEndMarker,
  withStateTtl,
  type OperatorOptions,
} from "./execution.ts";
import { RowKind, formatRow, isAccumulate, kindOf, rowFields, type Row } from "./row.ts";
import { partitionKey, partitionKey1 } from "./value-keys.ts";
import { MiniBatchGroupAggregateFunction, type MiniBatchSettings } from "./mini-batch-aggregate.ts";

/** Name of the keyed value state holding each group's accumulators. */
export const GROUP_STATE_NAME = "sql-group-acc";

/** Options of {@link groupAggregate}. */
export interface GroupAggregateOptions extends OperatorOptions {
  /**
   * The GROUP BY key values of a row (they become the first output columns). Omitted: a global
   * aggregation (one group, run at parallelism 1).
   */
  readonly keyOf?: (row: Row) => unknown[];
  /** The aggregate calls (their results follow the key columns). */
  readonly aggs: readonly AggCall[];
  /**
   * Whether an update emits `-U old` before `+U new` (default true: a RETRACT changelog); false
   * gives an UPSERT changelog keyed by the group key (`+I`, `+U`, `-D`).
   */
  readonly generateUpdateBefore?: boolean;
  /**
   * With a single GROUP BY key: its value in a row (saves building a key array per row for the
   * shuffle; must agree with `keyOf`).
   */
  readonly singleKeyOf?: (row: Row) => unknown;
  /** Streaming only: emit each group's change once per mini-batch (see mini-batch-aggregate.ts). */
  readonly miniBatch?: MiniBatchSettings;
  /** The number of values `keyOf` returns, when fixed (lets output rows be built as literals). */
  readonly keyCount?: number;
}

/** The settings a group aggregate function runs with (plain data and closures). */
export interface GroupSettings {
  /** The group key values of a row. */
  readonly keyOf: (row: Row) => unknown[];
  /** A global aggregation (no GROUP BY): one row even for empty input in batch. */
  readonly global: boolean;
  /** Batch semantics: each group's final row once, at the end of input. */
  readonly batch: boolean;
  /** Whether updates emit `-U` before `+U`. */
  readonly updateBefore: boolean;
  /** The operator's name, for errors. */
  readonly place: string;
}

/** The keyed function behind {@link groupAggregate}. */
export class GroupAggregateFunction extends KeyedProcessFunction<unknown, Row, Row> {
  private readonly agg: Aggregation;
  private readonly s: GroupSettings;
  /** Time-to-live of the per-key state, ms of processing time (0: forever; `table.exec.state.ttl`). */
  stateTtl = 0;
  private state!: ValueState<GroupAcc>;
  /** The results of the current group before the current row (reused for every row). */
  private readonly prev: unknown[] = [];
  /** Whether the state holds the group by reference (changed in place, no write-back needed). */
  private byReference = false;

  /** Creates the function for the given calls and settings. */
  constructor(agg: Aggregation, settings: GroupSettings) {
    super();
    this.agg = agg;
    this.s = settings;
  }

  /** Registers the group state (restored groups keep their accumulators). */
  override open(): void {
    this.state = this.getRuntimeContext().getState(
      withStateTtl(new ValueStateDescriptor<GroupAcc>(GROUP_STATE_NAME), this.stateTtl),
    );
    this.byReference = holdsValueByReference(this.state);
  }

  /** Accumulates or retracts one row and emits the group's change (STREAMING). */
  processElement(row: Row, ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    const s = this.s;
    if (s.global && isMarker(row)) {
      if (this.state.value() === null) this.state.update(this.agg.create([]));
      ctx.timerService().registerEventTimeTimer(END_OF_INPUT_TIME);
      return;
    }
    const kind = kindOf(row, s.place);
    let g = this.state.value();
    const isNew = g === null;
    if (g === null) {
      if (!isAccumulate(kind)) {
        throw new TableRuntimeError(
          `${s.place}: ${formatRow(row)} retracts a row of a group that has no rows`,
        );
      }
      g = this.agg.create(s.keyOf(row));
    }
    const agg = this.agg;
    if (s.batch || isNew) {
      if (isAccumulate(kind)) agg.accumulate(g, row);
      else agg.retract(g, row);
      if (s.batch) {
        if (g.n === 0 && !s.global) this.state.clear();
        else if (isNew || !this.byReference) this.state.update(g);
        if (isNew) ctx.timerService().registerEventTimeTimer(END_OF_INPUT_TIME);
        return;
      }
      this.state.update(g);
      out.collect(agg.output(g, RowKind.INSERT));
      return;
    }
    const prev = this.prev;
    const next = agg.update(g, row, isAccumulate(kind), prev);
    if (next === EMPTY_GROUP) {
      this.state.clear();
      out.collect(agg.rowOf(g, prev, RowKind.DELETE));
      return;
    }
    if (!this.byReference) this.state.update(g);
    if (next === null) return;
    if (s.updateBefore) out.collect(agg.rowOf(g, prev, RowKind.UPDATE_BEFORE));
    out.collect(next);
  }

  /** At the end of input (BATCH): emits the group's final row. */
  override onTimer(_t: number, _ctx: KeyedOnTimerContext<unknown>, out: Collector<Row>): void {
    const g = this.state.value();
    if (g === null) return;
    if (g.n > 0 || this.s.global) out.collect(this.agg.output(g, RowKind.INSERT));
    this.state.clear();
  }
}

/**
 * GROUP BY aggregation of a changelog stream: output rows `[kind, ...key values, ...results]`
 * (see the module comment for the changelog it emits in each mode).
 */
export function groupAggregate(
  stream: DataStream<Row>,
  options: GroupAggregateOptions,
): SingleOutputStreamOperator<Row> {
  const global = options.keyOf === undefined;
  const keyOf = options.keyOf ?? (() => []);
  if (typeof keyOf !== "function") {
    throw new TableRuntimeError("groupAggregate: keyOf must be a function of a row");
  }
  if (!Array.isArray(options.aggs)) {
    throw new TableRuntimeError("groupAggregate: aggs must be an array of aggregate calls");
  }
  const name = options.name ?? (global ? "GlobalGroupAggregate" : "GroupAggregate");
  const batch = resolveBatch([stream], options.batch);
  const aggregation = new Aggregation(options.aggs, name, global ? 0 : options.keyCount);
  const mini = options.miniBatch !== undefined && !batch && !global;
  const fn = mini
    ? new MiniBatchGroupAggregateFunction(
        aggregation,
        keyOf,
        { ...options.miniBatch!, updateBefore: options.generateUpdateBefore ?? true },
        name,
        GROUP_STATE_NAME,
      )
    : new GroupAggregateFunction(aggregation, {
        keyOf,
        global,
        batch,
        updateBefore: options.generateUpdateBefore ?? true,
        place: name,
      });
  fn.stateTtl = batch ? 0 : (options.stateTtl ?? 0);
  const input = global && batch ? withEndMarker(stream) : stream;
  const single = options.singleKeyOf;
  const keyed = global
    ? input.keyBy(() => 0)
    : single !== undefined
      ? input.keyBy((row: Row) => partitionKey1(single(row)))
      : input.keyBy((row: Row) => partitionKey(keyOf(row)));
  const op = configure(keyed.process<Row>(fn), options, name);
  if (global) op.setParallelism(1);
  return op;
}

/**
 * SELECT DISTINCT (and UNION without ALL, after a union of the inputs): a group aggregation on
 * every field without aggregates. Streaming emits `+I` when a row first appears and `-D` when
 * its last copy is retracted; batch emits each distinct row once.
 */
export function distinct(
  stream: DataStream<Row>,
  options: OperatorOptions = {},
): SingleOutputStreamOperator<Row> {
  return groupAggregate(stream, {
    ...options,
    name: options.name ?? "Distinct",
    keyOf: rowFields,
    aggs: [],
  });
}
