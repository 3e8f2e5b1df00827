/**
 * Mini-batch group aggregation (streaming; Flink's `table.exec.mini-batch.*`): the state is
 * updated for every row as usual, but the change of a group is emitted once per batch instead of
 * once per row — `-U old` / `+U new` (or `+I`, `-D`) against the group's row when the batch
 * began, nothing when it did not change. A batch ends after `size` rows, `latencyMs`
 * after its first row (a processing-time timer), at the end of input, and before every
 * checkpoint snapshot (so the state never covers rows whose change was not emitted before the
 * barrier). The final result equals the per-row changelog's; only intermediate rows are skipped.
 */
import { keyToMapKey } from "../../core/keygroups.ts";
import {
  KeyedProcessFunction,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
} from "../../api/functions.ts";
import {
  ValueStateDescriptor,
  type CheckpointedFunction,
  type ValueState,
} from "../../api/state.ts";
import type { Aggregation, GroupAcc } from "./agg-calls.ts";
import { TableRuntimeError } from "./errors.ts";
import { END_OF_INPUT_TIME, withStateTtl } from "./execution.ts";
import { holdsValueByReference } from "../../runtime/state/heap-raw-states.ts";
import { RowKind, formatRow, isAccumulate, kindOf, sameFields, withKind, type Row } from "./row.ts";

/** Mini-batch settings. */
export interface MiniBatchSettings {
  /** Rows in a batch before it ends. */
  readonly size: number;
  /** Milliseconds after a batch's first row before it ends at the latest. */
  readonly latencyMs: number;
  /** Whether an update emits `-U old` before `+U new` (default true; false: UPSERT changes). */
  readonly updateBefore?: boolean;
}

/** A group touched in the current batch: its row when the batch began, and its accumulators. */
interface Touched {
  readonly prev: Row | null;
  g: GroupAcc;
}

/** The keyed function behind a mini-batch group aggregation. */
export class MiniBatchGroupAggregateFunction
  extends KeyedProcessFunction<unknown, Row, Row>
  implements CheckpointedFunction
{
  private readonly agg: Aggregation;
  private readonly keyOf: (row: Row) => unknown[];
  private readonly settings: MiniBatchSettings;
  private readonly place: string;
  private state!: ValueState<GroupAcc>;
  private readonly touched = new Map<unknown, Touched>();
  private out: Collector<Row> | null = null;
  private readonly stateName: string;
  /** Rows in the current batch. */
  private rows = 0;
  /** Whether the state holds a group by reference (changed in place, no write-back needed). */
  private byReference = false;
  /** Time-to-live of the per-key state, ms of processing time (0: forever; `table.exec.state.ttl`). */
  stateTtl = 0;

  /** Creates the function (state name `stateName`, shared with the per-row version). */
  constructor(
    agg: Aggregation,
    keyOf: (row: Row) => unknown[],
    settings: MiniBatchSettings,
    place: string,
    stateName: string,
  ) {
    super();
    this.stateName = stateName;
    this.agg = agg;
    this.keyOf = keyOf;
    this.settings = settings;
    this.place = place;
  }

  /** Registers the group state. */
  override open(): void {
    this.state = this.getRuntimeContext().getState(
      withStateTtl(new ValueStateDescriptor<GroupAcc>(this.stateName), this.stateTtl),
    );
    this.byReference = holdsValueByReference(this.state);
  }

  /** Nothing to restore: a batch never spans a checkpoint. */
  initializeState(): void {}

  /** Ends the current batch before the snapshot is taken. */
  snapshotState(): void {
    this.flush();
  }

  /** Accumulates or retracts one row; ends the batch when it is full. */
  processElement(row: Row, ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    this.out = out;
    const kind = kindOf(row, this.place);
    const mk = keyToMapKey(ctx.getCurrentKey() as never);
    let t = this.touched.get(mk);
    let g: GroupAcc | null = t !== undefined ? t.g : this.state.value();
    if (g === null) {
      if (!isAccumulate(kind)) {
        throw new TableRuntimeError(
          `${this.place}: ${formatRow(row)} retracts a row of a group that has no rows`,
        );
      }
      g = this.agg.create(this.keyOf(row));
    }
    if (t === undefined) {
      t = { prev: g.n > 0 ? this.agg.output(g, RowKind.UPDATE_BEFORE) : null, g };
      this.touched.set(mk, t);
      if (this.touched.size === 1) {
        const timers = ctx.timerService();
        timers.registerProcessingTimeTimer(
          timers.currentProcessingTime() + this.settings.latencyMs,
        );
        timers.registerEventTimeTimer(END_OF_INPUT_TIME);
      }
    }
    const stored = g.n > 0;
    if (isAccumulate(kind)) this.agg.accumulate(g, row);
    else this.agg.retract(g, row);
    t.g = g;
    if (g.n === 0) this.state.clear();
    else if (!stored || !this.byReference) this.state.update(g);
    if (++this.rows >= this.settings.size) this.flush();
  }

  /** The batch's latency passed, or the input ended: emit. */
  override onTimer(_t: number, _ctx: KeyedOnTimerContext<unknown>, out: Collector<Row>): void {
    this.out = out;
    this.flush();
  }

  private flush(): void {
    const out = this.out;
    if (out === null || this.touched.size === 0) return;
    for (const { prev, g } of this.touched.values()) {
      if (g.n === 0) {
        if (prev !== null) out.collect(withKind(prev, RowKind.DELETE));
        continue;
      }
      if (prev === null) {
        out.collect(this.agg.output(g, RowKind.INSERT));
        continue;
      }
      const next = this.agg.output(g, RowKind.UPDATE_AFTER);
      if (sameFields(prev, next)) continue;
      if (this.settings.updateBefore !== false) out.collect(prev);
      out.collect(next);
    }
    this.touched.clear();
    this.rows = 0;
  }
}
