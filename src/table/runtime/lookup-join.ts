/**
 * The lookup join (Flink's LookupJoin): a processing-time temporal join against a table that is
 * looked up by key instead of scanned. Row-wise: each left row's key values are looked up in the
 * table (connectors/lookup.ts) and the row joined with every answer row for which the residual
 * condition holds; a LEFT join pads a row without any. The left row's kind is kept, and the
 * operator runs at its input's parallelism. A NULL key value never matches.
 *
 * With a partial cache, answers are kept by key (up to `maxRows` keys, least recently used
 * evicted first) and reused until `expireAfterWrite` ms (of the injected clock) after they were
 * read. With `async`, lookups returning promises run concurrently through Async I/O, results in
 * input order.
 */
import type { DataStream, SingleOutputStreamOperator } from "../../api/datastream.ts";
import { AsyncDataStream, RichAsyncFunction, type ResultFuture } from "../../api/async.ts";
import { ProcessFunction, type Collector, type ProcessContext } from "../../api/functions.ts";
import type {
  LookupCacheSettings,
  LookupFunction,
  LookupRows,
  LookupTableSource,
} from "../connectors/lookup.ts";
import { TableRuntimeError } from "./errors.ts";
import { configure, type OperatorOptions } from "./execution.ts";
import type { Row } from "./row.ts";
import { rowIdentity } from "./value-keys.ts";

/** Options of {@link lookupJoin}. */
export interface LookupJoinOptions extends OperatorOptions {
  /** INNER or LEFT. */
  readonly type: "INNER" | "LEFT";
  /** The lookup key values of a left row. */
  readonly leftKey: (row: Row) => unknown[];
  /** The table's lookup source. */
  readonly source: LookupTableSource;
  /** Cache settings. */
  readonly cache: LookupCacheSettings;
  /** Number of fields of a looked-up row. */
  readonly rightArity: number;
  /** The residual condition over the left row and a looked-up row (`[kind, ...fields]`). */
  readonly condition?: (left: Row, right: Row) => boolean | null;
  /** The clock of the cache's expiry (epoch ms). */
  readonly clock: () => number;
}

/** A cached answer. */
interface Cached {
  readonly rows: LookupRows;
  readonly written: number;
}

/** Looks keys up through a partial cache, and joins answers with left rows. */
class LookupJoiner {
  private fn: LookupFunction | null = null;
  private readonly cache = new Map<unknown, Cached>();

  private readonly o: LookupJoinOptions;

  constructor(options: LookupJoinOptions) {
    this.o = options;
  }

  open(): void {
    this.fn = this.o.source.createFunction({ now: this.o.clock });
  }

  close(): void {
    this.fn?.close?.();
    this.fn = null;
    this.cache.clear();
  }

  /** The key of a left row, or null when a value is NULL (no match). */
  keyOf(row: Row): unknown[] | null {
    const key = this.o.leftKey(row);
    return key.some((v) => v === null || v === undefined) ? null : key;
  }

  /** A cached answer for `key`, or undefined. */
  cached(key: readonly unknown[]): LookupRows | undefined {
    if (!this.o.cache.partial) return undefined;
    const id = rowIdentity([0, ...key]);
    const c = this.cache.get(id);
    if (c === undefined) return undefined;
    this.cache.delete(id);
    if (this.o.clock() - c.written >= this.o.cache.expireAfterWrite) return undefined;
    this.cache.set(id, c); // most recently used last
    return c.rows;
  }

  /** Looks `key` up in the table. */
  lookup(key: readonly unknown[]): LookupRows | Promise<LookupRows> {
    if (this.fn === null) this.open();
    return this.fn!.lookup(key);
  }

  /** Remembers an answer. */
  remember(key: readonly unknown[], rows: LookupRows): void {
    const s = this.o.cache;
    if (!s.partial || (rows.length === 0 && !s.cacheMissingKey)) return;
    this.cache.set(rowIdentity([0, ...key]), { rows, written: this.o.clock() });
    while (this.cache.size > s.maxRows) this.cache.delete(this.cache.keys().next().value);
  }

  /** The output rows of `row` joined with the answer `rows`. */
  join(row: Row, rows: LookupRows): Row[] {
    const out: Row[] = [];
    for (const r of rows) {
      const right: Row = [0, ...r];
      if (this.o.condition !== undefined && this.o.condition(row, right) !== true) continue;
      out.push(row.concat(r));
    }
    if (out.length === 0 && this.o.type === "LEFT") {
      out.push(row.concat(new Array<unknown>(this.o.rightArity).fill(null)));
    }
    return out;
  }
}

/** The synchronous lookup join function. */
class LookupJoinFunction extends ProcessFunction<Row, Row> {
  private readonly joiner: LookupJoiner;
  private readonly name: string;
  constructor(options: LookupJoinOptions) {
    super();
    this.joiner = new LookupJoiner(options);
    this.name = options.name ?? "LookupJoin";
  }
  override open(): void {
    this.joiner.open();
  }
  override close(): void {
    this.joiner.close();
  }
  processElement(row: Row, _ctx: ProcessContext, out: Collector<Row>): void {
    const key = this.joiner.keyOf(row);
    let rows: LookupRows = [];
    if (key !== null) {
      const hit = this.joiner.cached(key);
      if (hit !== undefined) rows = hit;
      else {
        const answer = this.joiner.lookup(key);
        if (answer instanceof Promise) {
          throw new TableRuntimeError(
            `${this.name}: a lookup returned a promise; set 'lookup.async' = 'true' on the table to run asynchronous lookups`,
          );
        }
        this.joiner.remember(key, answer);
        rows = answer;
      }
    }
    for (const r of this.joiner.join(row, rows)) out.collect(r);
  }
}

/** The asynchronous lookup join function (Async I/O, ordered). */
class AsyncLookupJoinFunction extends RichAsyncFunction<Row, Row> {
  private readonly joiner: LookupJoiner;
  constructor(options: LookupJoinOptions) {
    super();
    this.joiner = new LookupJoiner(options);
  }
  override open(): void {
    this.joiner.open();
  }
  override close(): void {
    this.joiner.close();
  }
  async asyncInvoke(row: Row, future: ResultFuture<Row>): Promise<void> {
    const key = this.joiner.keyOf(row);
    let rows: LookupRows = [];
    if (key !== null) {
      const hit = this.joiner.cached(key);
      if (hit !== undefined) rows = hit;
      else {
        rows = await this.joiner.lookup(key);
        this.joiner.remember(key, rows);
      }
    }
    future.complete(this.joiner.join(row, rows));
  }
}

/** A lookup join of `input` with a lookup table: rows `[kind, ...left fields, ...table fields]`. */
export function lookupJoin(
  input: DataStream<Row>,
  options: LookupJoinOptions,
): SingleOutputStreamOperator<Row> {
  const name = options.name ?? "LookupJoin";
  const p = input.getParallelism();
  const op = options.cache.async
    ? AsyncDataStream.orderedWait(input, new AsyncLookupJoinFunction(options), 0, 100)
    : input.process<Row>(new LookupJoinFunction(options));
  if (p > 0) op.setParallelism(p);
  return configure(op, options, name);
}
