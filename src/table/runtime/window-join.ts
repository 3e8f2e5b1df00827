/**
 * The window join of SQL (Flink's WindowJoin): two insert-only windowed inputs (window TVFs or
 * window aggregations) joined on `window_start` and `window_end` (and any other equi-keys).
 * Both sides are keyed by the equi-join key, window columns included, so one key is one window
 * of one join key; each side buffers its rows in a ListState until the watermark passes the
 * window's end (`window_end - 1`), when the window's pairs are joined and emitted, insert-only,
 * and both buffers are dropped. INNER, LEFT, RIGHT and FULL joins emit the matching pairs and,
 * for the outer sides, the unmatched rows padded with NULLs; SEMI and ANTI joins emit the left
 * rows with / without a match. A row whose window has already been joined (late) is dropped and
 * counted in `lateRowsDropped`, as Flink drops it.
 */
import type { DataStream, SingleOutputStreamOperator } from "../../api/datastream.ts";
import {
  KeyedCoProcessFunction,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
} from "../../api/functions.ts";
import { ListStateDescriptor, type ListState } from "../../api/state.ts";
import { TableRuntimeError } from "./errors.ts";
import { configure, type OperatorOptions } from "./execution.ts";
import { joined, paddedRow, unmatchableKey } from "./join.ts";
import { RowKind, formatRow, type Row } from "./row.ts";
import { partitionKey } from "./value-keys.ts";

/** The join types a window join runs. */
export type WindowJoinType = "INNER" | "LEFT" | "RIGHT" | "FULL" | "SEMI" | "ANTI";

/** Options of {@link windowJoin}. */
export interface WindowJoinOptions extends OperatorOptions {
  /** The join type. */
  readonly type: WindowJoinType;
  /** The equi-join key values of a left row, window columns included. */
  readonly leftKey: (row: Row) => unknown[];
  /** The equi-join key values of a right row (same positions and types as the left ones). */
  readonly rightKey: (row: Row) => unknown[];
  /** Per key field, whether NULL matches NULL; default: never. */
  readonly nullSafe?: readonly boolean[];
  /** The rest of the condition: a pair joins only when it returns `true`. */
  readonly condition?: (left: Row, right: Row) => boolean | null;
  /** A left row's `window_end`, epoch ms. */
  readonly leftWindowEnd: (row: Row) => number;
  /** A right row's `window_end`, epoch ms. */
  readonly rightWindowEnd: (row: Row) => number;
  /** Number of fields of a left row. */
  readonly leftArity: number;
  /** Number of fields of a right row. */
  readonly rightArity: number;
}

/** Names of the two sides' keyed list states. */
export const WINDOW_JOIN_STATE_NAMES = {
  left: "sql-window-join-left",
  right: "sql-window-join-right",
} as const;

/** The keyed two-input function behind {@link windowJoin}. */
export class WindowJoinFunction extends KeyedCoProcessFunction<unknown, Row, Row, Row> {
  private readonly o: WindowJoinOptions;
  private readonly place: string;
  private readonly nullSafe: readonly boolean[];
  private left!: ListState<Row>;
  private right!: ListState<Row>;
  /** Rows of windows already joined, dropped (this subtask). */
  lateRowsDropped = 0;

  /** Creates the function. */
  constructor(options: WindowJoinOptions, place: string) {
    super();
    this.o = options;
    this.place = place;
    this.nullSafe = options.nullSafe ?? [];
  }

  /** Registers both sides' buffers. */
  override open(): void {
    const ctx = this.getRuntimeContext();
    this.left = ctx.getListState(new ListStateDescriptor<Row>(WINDOW_JOIN_STATE_NAMES.left));
    this.right = ctx.getListState(new ListStateDescriptor<Row>(WINDOW_JOIN_STATE_NAMES.right));
  }

  /** A left row. */
  processElement1(row: Row, ctx: KeyedProcessContext<unknown>, _out: Collector<Row>): void {
    this.buffer(row, true, ctx);
  }

  /** A right row. */
  processElement2(row: Row, ctx: KeyedProcessContext<unknown>, _out: Collector<Row>): void {
    this.buffer(row, false, ctx);
  }

  private buffer(row: Row, isLeft: boolean, ctx: KeyedProcessContext<unknown>): void {
    const o = this.o;
    if (row[0] !== RowKind.INSERT) {
      throw new TableRuntimeError(
        `${this.place}: a window join takes insert-only input, got ${formatRow(row)}`,
      );
    }
    const arity = isLeft ? o.leftArity : o.rightArity;
    if (row.length !== arity + 1) {
      throw new TableRuntimeError(
        `${this.place}: expected a ${isLeft ? "left" : "right"} row of ${arity} fields, got ${formatRow(row)}`,
      );
    }
    const fireAt = (isLeft ? o.leftWindowEnd : o.rightWindowEnd)(row) - 1;
    const timers = ctx.timerService();
    if (fireAt <= timers.currentWatermark()) {
      this.lateRowsDropped++;
      return;
    }
    (isLeft ? this.left : this.right).add(row);
    timers.registerEventTimeTimer(fireAt);
  }

  /** The window closed: joins its rows, emits the result and drops both buffers. */
  override onTimer(_t: number, _ctx: KeyedOnTimerContext<unknown>, out: Collector<Row>): void {
    const o = this.o;
    const lefts = [...this.left.get()];
    const rights = [...this.right.get()];
    this.left.clear();
    this.right.clear();
    const type = o.type;
    const rightMatched = new Array<boolean>(rights.length).fill(false);
    // Rows whose key has a NULL (not null-safe) never match: the key is the same on both
    // sides of one keyed state, so the left rows tell.
    const unmatchable = lefts.length > 0 && unmatchableKey(o.leftKey(lefts[0]!), this.nullSafe);
    for (const l of lefts) {
      let matched = false;
      if (!unmatchable) {
        for (let j = 0; j < rights.length; j++) {
          const r = rights[j]!;
          if (o.condition !== undefined && o.condition(l, r) !== true) continue;
          matched = true;
          rightMatched[j] = true;
          if (type === "SEMI" || type === "ANTI") break;
          out.collect(joined(RowKind.INSERT, l, r));
        }
      }
      if (type === "SEMI" ? matched : type === "ANTI" ? !matched : false) {
        out.collect(l.slice());
      } else if (!matched && (type === "LEFT" || type === "FULL")) {
        out.collect(paddedRow(l, true, o.rightArity, RowKind.INSERT));
      }
    }
    if (type === "RIGHT" || type === "FULL") {
      for (let j = 0; j < rights.length; j++) {
        if (!rightMatched[j])
          out.collect(paddedRow(rights[j]!, false, o.leftArity, RowKind.INSERT));
      }
    }
  }
}

/**
 * A window join of two insert-only windowed streams (see the module comment): rows
 * `[+I, ...left fields, ...right fields]` (SEMI / ANTI: the left fields), each window's once.
 */
export function windowJoin(
  left: DataStream<Row>,
  right: DataStream<Row>,
  options: WindowJoinOptions,
): SingleOutputStreamOperator<Row> {
  const name = options.name ?? `Window${options.type}Join`;
  const types: readonly string[] = ["INNER", "LEFT", "RIGHT", "FULL", "SEMI", "ANTI"];
  if (!types.includes(options.type)) {
    throw new TableRuntimeError(`${name}: unknown join type '${String(options.type)}'`);
  }
  const leftKey = options.leftKey;
  const rightKey = options.rightKey;
  const op = left
    .connect(right)
    .keyBy(
      (r: Row) => partitionKey(leftKey(r)),
      (r: Row) => partitionKey(rightKey(r)),
    )
    .process<Row>(new WindowJoinFunction(options, name));
  return configure(op, options, name);
}
