/**
 * Regular (non-windowed) equi-joins of two changelog streams: INNER, LEFT, RIGHT and FULL OUTER,
 * with an optional residual (non-equi) condition, and the cross join.
 *
 * Both inputs are keyed by their join key; each side keeps, per key, a MapState from the row's
 * identity to `[row, count, matches]` (the row, how many copies of it are in the table, and for
 * an outer side how many rows of the other side it currently joins). Following Flink's
 * StreamingJoinOperator:
 *
 * - an accumulating row (`+I`/`+U`) joins every stored row of the other side that satisfies the
 *   condition; an outer row without any match is emitted padded with NULLs (`+I [l, null...]`);
 *   a match for an other-side outer row that had none retracts its padded row first (`-D`);
 * - a retracting row (`-U`/`-D`) retracts its joined rows; an outer row retracts its padded row
 *   when it had no match; an other-side outer row whose last match goes re-emits its padded row;
 * - an INNER join forwards the input's row kind; outer joins emit `+I` and `-D` only.
 *
 * A NULL in a join key never matches (SQL's `=`), unless that key field is declared null-safe
 * (`IS NOT DISTINCT FROM`).
 *
 * A side declared insert-only that is not an outer side keeps its rows in a ListState instead:
 * its rows are never retracted and count no matches, so each is appended as it comes (one
 * `[row, 1, 0]` entry per copy) without computing the row's identity (Flink keys such a side's
 * state by the whole row all the same).
 *
 * BATCH uses the same operator (correct on any input) with one change so that its output is
 * insert-only: padded rows are not emitted eagerly but once, at the end of input, for the outer
 * rows that stayed unmatched. A dedicated batch join would instead buffer one side (hash join:
 * build the smaller side, then probe with the other) or sort both sides by key (sort-merge join),
 * keeping no per-row match counts and no MapState per key.
 */
import type { DataStream, SingleOutputStreamOperator } from "../../api/datastream.ts";
import {
  KeyedCoProcessFunction,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
} from "../../api/functions.ts";
import {
  ListStateDescriptor,
  MapStateDescriptor,
  type ListState,
  type MapState,
} from "../../api/state.ts";
import { TableRuntimeError } from "./errors.ts";
import {
  END_OF_INPUT_TIME,
  badRow,
  configure,
  resolveBatch,
  withStateTtl,
  type OperatorOptions,
} from "./execution.ts";
import { RowKind, formatRow, isAccumulate, kindOf, withKind, type Row } from "./row.ts";
import { partitionKey, rowIdentity } from "./value-keys.ts";

/** The kinds of regular joins. */
export type JoinType = "INNER" | "LEFT" | "RIGHT" | "FULL";

/** Options of {@link join}. */
export interface JoinOptions extends OperatorOptions {
  /** INNER, LEFT, RIGHT or FULL (outer). */
  readonly type: JoinType;
  /** The equi-join key values of a left row. */
  readonly leftKey: (row: Row) => unknown[];
  /** The equi-join key values of a right row (same positions and types as the left ones). */
  readonly rightKey: (row: Row) => unknown[];
  /** The residual condition: a pair joins only when it returns `true` (not false or NULL). */
  readonly condition?: (left: Row, right: Row) => boolean | null;
  /** Number of fields of a left row (needed to pad right rows; checked on every row). */
  readonly leftArity?: number;
  /** Number of fields of a right row (needed to pad left rows; checked on every row). */
  readonly rightArity?: number;
  /** Per key field, whether NULL matches NULL (`IS NOT DISTINCT FROM`); default: never. */
  readonly nullSafe?: readonly boolean[];
  /** Whether the left input is insert-only (its rows then go to a list; a retraction fails). */
  readonly leftInsertOnly?: boolean;
  /** Whether the right input is insert-only. */
  readonly rightInsertOnly?: boolean;
}

/** One stored row of a join side: the row (as +I), its number of copies, its current matches. */
export type JoinEntry = [row: Row, count: number, matches: number];

/** Names of the two sides' keyed map states. */
export const JOIN_STATE_NAMES = {
  left: "sql-join-left",
  right: "sql-join-right",
  leftRows: "sql-join-left-rows",
  rightRows: "sql-join-right-rows",
} as const;

/** What a join function runs with. */
export interface JoinSettings {
  /** Whether unmatched left rows are emitted padded (LEFT, FULL). */
  readonly leftOuter: boolean;
  /** Whether unmatched right rows are emitted padded (RIGHT, FULL). */
  readonly rightOuter: boolean;
  /** The join key values of a left row. */
  readonly leftKey: (row: Row) => unknown[];
  /** The join key values of a right row. */
  readonly rightKey: (row: Row) => unknown[];
  /** The residual condition, or null. */
  readonly condition: ((left: Row, right: Row) => boolean | null) | null;
  /** Fields of a left row, or null when not given (inner joins). */
  readonly leftArity: number | null;
  /** Fields of a right row, or null when not given (inner joins). */
  readonly rightArity: number | null;
  /** Per key field, whether NULL matches NULL. */
  readonly nullSafe: readonly boolean[];
  /** Whether the left rows are kept in a list (an insert-only input, not an outer side). */
  readonly leftAppend: boolean;
  /** Whether the right rows are kept in a list. */
  readonly rightAppend: boolean;
  /** Batch semantics: padded rows only at the end of input. */
  readonly batch: boolean;
  /** The operator's name, for errors. */
  readonly place: string;
}

/** Whether a join key cannot match anything (a NULL where NULL is not safe). */
export function unmatchableKey(key: readonly unknown[], nullSafe: readonly boolean[]): boolean {
  for (let i = 0; i < key.length; i++) {
    if ((key[i] === null || key[i] === undefined) && nullSafe[i] !== true) return true;
  }
  return false;
}

/** The keyed two-input function behind {@link join}. */
export class JoinFunction extends KeyedCoProcessFunction<unknown, Row, Row, Row> {
  private readonly s: JoinSettings;
  private left!: MapState<unknown, JoinEntry>;
  private right!: MapState<unknown, JoinEntry>;
  private leftRows: ListState<JoinEntry> | null = null;
  private rightRows: ListState<JoinEntry> | null = null;
  /** Time-to-live of the per-key state, ms of processing time (0: forever; `table.exec.state.ttl`). */
  stateTtl = 0;

  /** Creates the function. */
  constructor(settings: JoinSettings) {
    super();
    this.s = settings;
  }

  /** Registers both sides' state. */
  override open(): void {
    const ctx = this.getRuntimeContext();
    const ttl = this.stateTtl;
    this.left = ctx.getMapState(
      withStateTtl(new MapStateDescriptor<unknown, JoinEntry>(JOIN_STATE_NAMES.left), ttl),
    );
    this.right = ctx.getMapState(
      withStateTtl(new MapStateDescriptor<unknown, JoinEntry>(JOIN_STATE_NAMES.right), ttl),
    );
    const list = (name: string) =>
      ctx.getListState(withStateTtl(new ListStateDescriptor<JoinEntry>(name), ttl));
    if (this.s.leftAppend) this.leftRows = list(JOIN_STATE_NAMES.leftRows);
    if (this.s.rightAppend) this.rightRows = list(JOIN_STATE_NAMES.rightRows);
  }

  /** A left row. */
  processElement1(row: Row, ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    this.process(row, true, ctx, out);
  }

  /** A right row. */
  processElement2(row: Row, ctx: KeyedProcessContext<unknown>, out: Collector<Row>): void {
    this.process(row, false, ctx, out);
  }

  /** BATCH, end of input: the padded rows of outer rows that stayed unmatched. */
  override onTimer(_t: number, _ctx: KeyedOnTimerContext<unknown>, out: Collector<Row>): void {
    if (this.s.leftOuter) this.emitUnmatched(this.left, true, out);
    if (this.s.rightOuter) this.emitUnmatched(this.right, false, out);
  }

  private emitUnmatched(state: MapState<unknown, JoinEntry>, isLeft: boolean, out: Collector<Row>) {
    for (const e of state.values()) {
      if (e[2] === 0) this.emitTimes(out, this.padded(e[0], isLeft, RowKind.INSERT), e[1]);
    }
  }

  private process(
    row: Row,
    isLeft: boolean,
    ctx: KeyedProcessContext<unknown>,
    out: Collector<Row>,
  ) {
    const s = this.s;
    const kind = kindOf(row, s.place);
    const arity = isLeft ? s.leftArity : s.rightArity;
    if (arity !== null && row.length !== arity + 1) {
      badRow(s.place, row, `a ${isLeft ? "left" : "right"} row of ${arity} fields`);
    }
    const thisOuter = isLeft ? s.leftOuter : s.rightOuter;
    const otherOuter = isLeft ? s.rightOuter : s.leftOuter;
    const inner = !s.leftOuter && !s.rightOuter;
    const accumulate = isAccumulate(kind);
    if (unmatchableKey((isLeft ? s.leftKey : s.rightKey)(row), s.nullSafe)) {
      if (thisOuter)
        out.collect(this.padded(row, isLeft, accumulate ? RowKind.INSERT : RowKind.DELETE));
      return;
    }
    const mine = isLeft ? this.left : this.right;
    const other = isLeft ? this.right : this.left;
    const mineList = isLeft ? this.leftRows : this.rightRows;
    const otherList = isLeft ? this.rightRows : this.leftRows;
    if (mineList !== null && !accumulate) {
      throw new TableRuntimeError(
        `${s.place}: ${formatRow(row)} retracts a ${isLeft ? "left" : "right"} row, but that input was planned as insert-only`,
      );
    }
    const id = mineList === null ? rowIdentity(row) : null;
    const own = mineList === null ? mine.get(id) : null;
    if (!accumulate && own === null) {
      throw new TableRuntimeError(
        `${s.place}: ${formatRow(row)} retracts a ${isLeft ? "left" : "right"} row that is not in the join state`,
      );
    }
    const joinKind = inner ? kind : accumulate ? RowKind.INSERT : RowKind.DELETE;
    const eager = !s.batch;
    let matches = 0;
    // A listed side is never outer: its entries are not written back, so need no identity.
    const stored =
      otherList === null
        ? (other.entries() as Iterable<[unknown, JoinEntry]>)
        : (otherList.get() as Iterable<JoinEntry>);
    for (const item of stored) {
      const pair = otherList === null ? (item as [unknown, JoinEntry]) : null;
      const e = pair === null ? (item as JoinEntry) : pair[1];
      const o = e[0];
      if (s.condition !== null && (isLeft ? s.condition(row, o) : s.condition(o, row)) !== true)
        continue;
      matches += e[1];
      const out1 = isLeft ? joined(joinKind, row, o) : joined(joinKind, o, row);
      if (!otherOuter) {
        this.emitTimes(out, out1, e[1]);
        continue;
      }
      // The other row's padded copies exist exactly while it has no match: a first match
      // retracts them before the joined rows, losing the last match restores them after.
      if (accumulate) {
        if (e[2]++ === 0 && eager)
          this.emitTimes(out, this.padded(o, !isLeft, RowKind.DELETE), e[1]);
        this.emitTimes(out, out1, e[1]);
      } else {
        this.emitTimes(out, out1, e[1]);
        if (--e[2] === 0 && eager)
          this.emitTimes(out, this.padded(o, !isLeft, RowKind.INSERT), e[1]);
      }
      other.put(pair![0], e);
    }
    if (thisOuter && matches === 0 && eager) {
      out.collect(this.padded(row, isLeft, accumulate ? RowKind.INSERT : RowKind.DELETE));
    }
    if (mineList !== null) {
      mineList.add([withKind(row, RowKind.INSERT), 1, 0]);
    } else if (own === null) {
      mine.put(id, [withKind(row, RowKind.INSERT), 1, matches]);
      if (s.batch && thisOuter) ctx.timerService().registerEventTimeTimer(END_OF_INPUT_TIME);
    } else if ((own[1] += accumulate ? 1 : -1) === 0) {
      mine.remove(id);
    } else {
      own[2] = matches;
      mine.put(id, own);
    }
  }

  private emitTimes(out: Collector<Row>, row: Row, times: number): void {
    for (let i = 0; i < times; i++) out.collect(row);
  }

  private padded(row: Row, isLeft: boolean, kind: RowKind): Row {
    const s = this.s;
    const pad = isLeft ? s.rightArity : s.leftArity;
    if (pad === null) {
      throw new TableRuntimeError(
        `${s.place}: an outer join needs leftArity and rightArity to pad rows`,
      );
    }
    return paddedRow(row, isLeft, pad, kind);
  }
}

/**
 * `row` of the left (`isLeft`) or right side as a joined row of `kind` with NULLs for the other
 * side's `pad` fields.
 */
export function paddedRow(row: Row, isLeft: boolean, pad: number, kind: RowKind): Row {
  const out: Row = [kind];
  if (!isLeft) for (let i = 0; i < pad; i++) out.push(null);
  for (let i = 1; i < row.length; i++) out.push(row[i]);
  if (isLeft) for (let i = 0; i < pad; i++) out.push(null);
  return out;
}

/** `[kind, ...left fields, ...right fields]`. */
export function joined(kind: RowKind, left: Row, right: Row): Row {
  const out: Row = new Array(left.length + right.length - 1);
  out[0] = kind;
  let j = 1;
  for (let i = 1; i < left.length; i++) out[j++] = left[i];
  for (let i = 1; i < right.length; i++) out[j++] = right[i];
  return out;
}

function checkArity(n: number | undefined, what: string, place: string): number | null {
  if (n === undefined) return null;
  if (!Number.isInteger(n) || n < 0)
    throw new TableRuntimeError(`${place}: ${what} must be an integer >= 0, got ${n}`);
  return n;
}

/** The settings of a join (checked), shared by {@link join} and the cross join. */
export function joinSettings(options: JoinOptions, batch: boolean, place: string): JoinSettings {
  const t = options.type;
  if (t !== "INNER" && t !== "LEFT" && t !== "RIGHT" && t !== "FULL") {
    throw new TableRuntimeError(
      `${place}: unknown join type '${String(t)}' (INNER, LEFT, RIGHT or FULL)`,
    );
  }
  if (typeof options.leftKey !== "function" || typeof options.rightKey !== "function") {
    throw new TableRuntimeError(`${place}: leftKey and rightKey must be functions of a row`);
  }
  const leftArity = checkArity(options.leftArity, "leftArity", place);
  const rightArity = checkArity(options.rightArity, "rightArity", place);
  const leftOuter = t === "LEFT" || t === "FULL";
  const rightOuter = t === "RIGHT" || t === "FULL";
  if ((leftOuter && rightArity === null) || (rightOuter && leftArity === null)) {
    throw new TableRuntimeError(
      `${place}: a ${t} join needs leftArity and rightArity (to pad rows with NULLs)`,
    );
  }
  return {
    leftOuter,
    rightOuter,
    leftKey: options.leftKey,
    rightKey: options.rightKey,
    condition: options.condition ?? null,
    leftArity,
    rightArity,
    nullSafe: options.nullSafe ?? [],
    leftAppend: options.leftInsertOnly === true && !leftOuter,
    rightAppend: options.rightInsertOnly === true && !rightOuter,
    batch,
    place,
  };
}

/** An equi-join of two changelog streams: rows `[kind, ...left fields, ...right fields]`. */
export function join(
  left: DataStream<Row>,
  right: DataStream<Row>,
  options: JoinOptions,
): SingleOutputStreamOperator<Row> {
  const name = options.name ?? `${options.type}Join`;
  const s = joinSettings(options, resolveBatch([left, right], options.batch), name);
  const fn = new JoinFunction(s);
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

/** Options of {@link crossJoin}: a join without key. */
export type CrossJoinOptions = Omit<JoinOptions, "leftKey" | "rightKey" | "nullSafe" | "type"> & {
  /** INNER (default), LEFT, RIGHT or FULL. */
  readonly type?: JoinType;
};

/**
 * A join without equi-key (a cross join, or a nested-loop join with only a `condition`): both
 * sides go to one subtask (keyed by a constant, parallelism 1).
 */
export function crossJoin(
  left: DataStream<Row>,
  right: DataStream<Row>,
  options: CrossJoinOptions = {},
): SingleOutputStreamOperator<Row> {
  const none = (): unknown[] => [];
  return join(left, right, {
    ...options,
    type: options.type ?? "INNER",
    leftKey: none,
    rightKey: none,
    name: options.name ?? "CrossJoin",
  }).setParallelism(1);
}
