/**
 * Semi and anti joins (IN / EXISTS and NOT EXISTS subqueries) of two changelog streams, with
 * retraction. The output is the left rows that have (semi) or lack (anti) a matching right row.
 *
 * Per key, the left side keeps `[row, count, matches]` and the right side `[row, count]` in
 * MapState. A left row is emitted with its own kind when it qualifies on arrival; a right row
 * that gives a left row its first match emits that row (`+I` semi, `-D` anti) and one that takes
 * its last match away emits the opposite. A left row whose key has a NULL (not null-safe) never
 * matches: anti joins pass it through, semi joins drop it (NOT IN's special NULL semantics are
 * the planner's: it rewrites them into conditions). BATCH emits the qualifying left rows once,
 * at the end of input.
 */
import type { DataStream, SingleOutputStreamOperator } from "../../api/datastream.ts";
import {
  KeyedCoProcessFunction,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
} from "../../api/functions.ts";
import { MapStateDescriptor, type MapState } from "../../api/state.ts";
import { TableRuntimeError } from "./errors.ts";
import {
  END_OF_INPUT_TIME,
  configure,
  resolveBatch,
  withStateTtl,
  type OperatorOptions,
} from "./execution.ts";
import { unmatchableKey, type JoinEntry } from "./join.ts";
import { RowKind, formatRow, isAccumulate, kindOf, withKind, type Row } from "./row.ts";
import { partitionKey, rowIdentity } from "./value-keys.ts";

/** Options of {@link semiJoin} and {@link antiJoin}. */
export interface SemiJoinOptions extends OperatorOptions {
  /** The equi-join key values of a left row. */
  readonly leftKey: (row: Row) => unknown[];
  /** The equi-join key values of a right row. */
  readonly rightKey: (row: Row) => unknown[];
  /** The residual condition: a pair matches only when it returns `true`. */
  readonly condition?: (left: Row, right: Row) => boolean | null;
  /** Per key field, whether NULL matches NULL; default: never. */
  readonly nullSafe?: readonly boolean[];
}

/** Names of the two sides' keyed map states. */
export const SEMI_JOIN_STATE_NAMES = { left: "sql-semi-left", right: "sql-semi-right" } as const;

/** What a semi/anti join function runs with. */
export interface SemiSettings {
  /** True for NOT EXISTS (anti), false for EXISTS / IN (semi). */
  readonly anti: boolean;
  /** The join key values of a left row. */
  readonly leftKey: (row: Row) => unknown[];
  /** The join key values of a right row. */
  readonly rightKey: (row: Row) => unknown[];
  /** The residual condition, or null. */
  readonly condition: ((left: Row, right: Row) => boolean | null) | null;
  /** Per key field, whether NULL matches NULL. */
  readonly nullSafe: readonly boolean[];
  /** Batch semantics: qualifying left rows once, at the end of input. */
  readonly batch: boolean;
  /** The operator's name, for errors. */
  readonly place: string;
}

/** The keyed two-input function behind {@link semiJoin} and {@link antiJoin}. */
export class SemiJoinFunction extends KeyedCoProcessFunction<unknown, Row, Row, Row> {
  private readonly s: SemiSettings;
  private left!: MapState<unknown, JoinEntry>;
  private right!: MapState<unknown, JoinEntry>;
  /** Time-to-live of the per-key state, ms of processing time (0: forever; `table.exec.state.ttl`). */
  stateTtl = 0;

  /** Creates the function. */
  constructor(settings: SemiSettings) {
    super();
    this.s = settings;
  }

  /** Registers both sides' state. */
  override open(): void {
    const ctx = this.getRuntimeContext();
    this.left = ctx.getMapState(
      withStateTtl(
        new MapStateDescriptor<unknown, JoinEntry>(SEMI_JOIN_STATE_NAMES.left),
        this.stateTtl,
      ),
    );
    this.right = ctx.getMapState(
      withStateTtl(
        new MapStateDescriptor<unknown, JoinEntry>(SEMI_JOIN_STATE_NAMES.right),
        this.stateTtl,
      ),
    );
  }

  private qualifies(matches: number): boolean {
    return this.s.anti ? matches === 0 : matches > 0;
  }

  private matches(l: Row, r: Row): boolean {
    return this.s.condition === null || this.s.condition(l, r) === true;
  }

  /** A left row: stored with its matches, emitted when it qualifies (STREAMING). */
  processElement1(row: Row, ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    const s = this.s;
    const kind = kindOf(row, s.place);
    if (unmatchableKey(s.leftKey(row), s.nullSafe)) {
      if (s.anti) out.collect(row);
      return;
    }
    const id = rowIdentity(row);
    const own = this.left.get(id);
    let matches: number;
    if (isAccumulate(kind)) {
      matches = 0;
      for (const e of this.right.values()) if (this.matches(row, e[0])) matches += e[1];
      if (own === null) {
        this.left.put(id, [withKind(row, RowKind.INSERT), 1, matches]);
        if (s.batch) ctx.timerService().registerEventTimeTimer(END_OF_INPUT_TIME);
      } else {
        own[1]++;
        this.left.put(id, own);
      }
    } else {
      if (own === null) {
        throw new TableRuntimeError(
          `${s.place}: ${formatRow(row)} retracts a left row that is not in the join state`,
        );
      }
      matches = own[2];
      if (--own[1] === 0) this.left.remove(id);
      else this.left.put(id, own);
    }
    if (!s.batch && this.qualifies(matches)) out.collect(row);
  }

  /** A right row: updates the matches of the left rows it joins, emitting their changes. */
  processElement2(row: Row, _ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    const s = this.s;
    const kind = kindOf(row, s.place);
    if (unmatchableKey(s.rightKey(row), s.nullSafe)) return;
    const id = rowIdentity(row);
    const own = this.right.get(id);
    const accumulate = isAccumulate(kind);
    if (accumulate) {
      if (own === null) this.right.put(id, [withKind(row, RowKind.INSERT), 1, 0]);
      else {
        own[1]++;
        this.right.put(id, own);
      }
    } else {
      if (own === null) {
        throw new TableRuntimeError(
          `${s.place}: ${formatRow(row)} retracts a right row that is not in the join state`,
        );
      }
      if (--own[1] === 0) this.right.remove(id);
      else this.right.put(id, own);
    }
    for (const [leftId, e] of this.left.entries()) {
      if (!this.matches(e[0], row)) continue;
      const before = e[2];
      e[2] += accumulate ? 1 : -1;
      this.left.put(leftId, e);
      if (s.batch || this.qualifies(before) === this.qualifies(e[2])) continue;
      const emitted = withKind(e[0], this.qualifies(e[2]) ? RowKind.INSERT : RowKind.DELETE);
      for (let i = 0; i < e[1]; i++) out.collect(emitted);
    }
  }

  /** BATCH, end of input: the qualifying left rows. */
  override onTimer(_t: number, _ctx: KeyedOnTimerContext<unknown>, out: Collector<Row>): void {
    for (const e of this.left.values()) {
      if (this.qualifies(e[2])) for (let i = 0; i < e[1]; i++) out.collect(e[0]);
    }
  }
}

function semiOrAnti(
  anti: boolean,
  left: DataStream<Row>,
  right: DataStream<Row>,
  options: SemiJoinOptions,
): SingleOutputStreamOperator<Row> {
  const name = options.name ?? (anti ? "AntiJoin" : "SemiJoin");
  if (typeof options.leftKey !== "function" || typeof options.rightKey !== "function") {
    throw new TableRuntimeError(`${name}: leftKey and rightKey must be functions of a row`);
  }
  const s: SemiSettings = {
    anti,
    leftKey: options.leftKey,
    rightKey: options.rightKey,
    condition: options.condition ?? null,
    nullSafe: options.nullSafe ?? [],
    batch: resolveBatch([left, right], options.batch),
    place: name,
  };
  const fn = new SemiJoinFunction(s);
  fn.stateTtl = s.batch ? 0 : (options.stateTtl ?? 0);
  const op = left
    .connect(right)
    .keyBy(
      (r: Row) => partitionKey(s.leftKey(r)),
      (r: Row) => partitionKey(s.rightKey(r)),
    )
    .process<Row>(fn);
  return configure(op, options, name);
}

/** The left rows that have a matching right row (`IN` / `EXISTS`). */
export function semiJoin(
  left: DataStream<Row>,
  right: DataStream<Row>,
  options: SemiJoinOptions,
): SingleOutputStreamOperator<Row> {
  return semiOrAnti(false, left, right, options);
}

/** The left rows that have no matching right row (`NOT EXISTS`). */
export function antiJoin(
  left: DataStream<Row>,
  right: DataStream<Row>,
  options: SemiJoinOptions,
): SingleOutputStreamOperator<Row> {
  return semiOrAnti(true, left, right, options);
}
