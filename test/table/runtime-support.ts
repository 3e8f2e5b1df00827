/**
 * Helpers of the SQL runtime operator tests: in-thread environments in either runtime mode,
 * collecting a changelog, and printing rows as Flink does.
 */
import assert from "node:assert/strict";
import { StreamExecutionEnvironment, type DataStream } from "../../src/index.ts";
import { collectChangelog } from "../../src/table/runtime/collect.ts";
import { applyChangelog, formatRow, sameTable, type Row } from "../../src/table/runtime/row.ts";

/** The runtime modes every semantic test runs in. */
export type Mode = "STREAMING" | "BATCH";

/** An environment running in the calling thread. */
export function env(parallelism: number, mode: Mode = "STREAMING"): StreamExecutionEnvironment {
  const e = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread", parallelism });
  e.setRuntimeMode(mode);
  return e;
}

/** The changelog of `stream` as Flink prints it (`+I[a, 1]`), in arrival order. */
export async function changelog(stream: DataStream<Row>): Promise<string[]> {
  return (await collectChangelog(stream)).map(formatRow);
}

/** Sorted printed rows of a materialized table. */
export function printed(table: readonly unknown[][]): string[] {
  return table.map((f) => formatRow([0, ...f]).slice(2)).sort();
}

/**
 * Runs `build` in STREAMING at parallelism 1 and 4 and in BATCH at 1 and 4; asserts that every
 * streaming changelog materializes to the batch output, that batch emits inserts only, and that
 * all runs agree (`batchInsertOnly` false: the input retracts, so batch may too). Returns the streaming changelog at parallelism 1 (deterministic order) and
 * the final table.
 */
export async function bothModes(
  build: (e: StreamExecutionEnvironment) => DataStream<Row>,
  keyFields?: readonly number[],
  batchInsertOnly = true,
): Promise<{ streaming: string[]; table: string[] }> {
  let streaming: string[] = [];
  let table: string[] | null = null;
  for (const mode of ["STREAMING", "BATCH"] as const) {
    for (const p of [1, 4]) {
      const rows = await collectChangelog(build(env(p, mode)));
      if (mode === "BATCH" && batchInsertOnly) {
        for (const r of rows)
          assert.equal(r[0], 0, `BATCH p=${p} emits inserts only: ${formatRow(r)}`);
      } else if (p === 1) streaming = rows.map(formatRow);
      const t = applyChangelog(rows, mode === "STREAMING" ? keyFields : undefined);
      const got = printed(t);
      if (table === null) table = got;
      else assert.deepEqual(got, table, `${mode} p=${p} final table`);
      assert.ok(sameTable(t, t));
    }
  }
  return { streaming, table: table! };
}

/** A map state of a {@link FunctionDriver}: one JS Map per key. */
function driverMapState(store: Map<unknown, Map<unknown, unknown>>, key: () => unknown) {
  const map = (create: boolean) => {
    let m = store.get(key());
    if (m === undefined && create) store.set(key(), (m = new Map()));
    return m;
  };
  const k = (x: unknown) => JSON.stringify(x);
  return {
    get: (x: unknown) => (map(false)?.get(k(x)) as [unknown, unknown] | undefined)?.[1] ?? null,
    put: (x: unknown, v: unknown) => void map(true)!.set(k(x), [x, v]),
    remove: (x: unknown) => void map(false)?.delete(k(x)),
    contains: (x: unknown) => map(false)?.has(k(x)) ?? false,
    entries: () => [...(map(false)?.values() ?? [])] as [unknown, unknown][],
    values: () => [...(map(false)?.values() ?? [])].map((e) => (e as [unknown, unknown])[1]),
    keys: () => [...(map(false)?.values() ?? [])].map((e) => (e as [unknown, unknown])[0]),
    isEmpty: () => (map(false)?.size ?? 0) === 0,
    clear: () => void store.delete(key()),
  };
}

/**
 * Drives a keyed (co-)process function directly, in the order the test gives, with heap-like
 * keyed value and map state, a context and recorded event-time timers: for asserting exact
 * changelogs of two-input operators, whose inputs interleave nondeterministically in jobs. List
 * state holds one JS array per key.
 */
export class FunctionDriver {
  /** Every row emitted so far, printed. */
  readonly out: string[] = [];
  private key: unknown = null;
  private readonly timers = new Set<string>();
  private readonly states = new Map<string, Map<unknown, unknown>>();
  private readonly fn: any;

  /** Opens `fn` with the driver's runtime context. */
  constructor(fn: object) {
    this.fn = fn;
    const key = () => JSON.stringify(this.key);
    const store = (name: string) => {
      if (!this.states.has(name)) this.states.set(name, new Map());
      return this.states.get(name)!;
    };
    const ctx = {
      getState: (d: { name: string }) => ({
        value: () => store(d.name).get(key()) ?? null,
        update: (v: unknown) => void store(d.name).set(key(), v),
        clear: () => void store(d.name).delete(key()),
      }),
      getMapState: (d: { name: string }) =>
        driverMapState(store(d.name) as Map<unknown, Map<unknown, unknown>>, key),
      getListState: (d: { name: string }) => {
        const lists = store(d.name) as Map<unknown, unknown[]>;
        return {
          get: () => [...(lists.get(key()) ?? [])],
          add: (v: unknown) => void (lists.get(key()) ?? lists.set(key(), []).get(key())!).push(v),
          clear: () => void lists.delete(key()),
        };
      },
    };
    this.fn.setRuntimeContext(ctx);
    this.fn.open?.({});
  }

  private context() {
    return {
      getCurrentKey: () => this.key,
      timerService: () => ({
        registerEventTimeTimer: () => void this.timers.add(JSON.stringify(this.key)),
      }),
    };
  }

  private collector() {
    return { collect: (r: Row) => void this.out.push(formatRow(r)) };
  }

  /** Feeds `row` to input 1 (or the only input) with key `key`. */
  one(key: unknown, row: Row): this {
    this.key = key;
    const f = this.fn.processElement1 ? "processElement1" : "processElement";
    this.fn[f](row, this.context(), this.collector());
    return this;
  }

  /** Feeds `row` to input 2 with key `key`. */
  two(key: unknown, row: Row): this {
    this.key = key;
    this.fn.processElement2(row, this.context(), this.collector());
    return this;
  }

  /** Fires the end-of-input timers of every key that registered one. */
  end(): this {
    for (const k of this.timers) {
      this.key = JSON.parse(k) as unknown;
      this.fn.onTimer(Number.MAX_SAFE_INTEGER, this.context(), this.collector());
    }
    this.timers.clear();
    return this;
  }

  /** The emitted rows since the last call, and forgets them. */
  take(): string[] {
    return this.out.splice(0);
  }
}
