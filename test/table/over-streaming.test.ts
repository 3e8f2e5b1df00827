/**
 * Streaming OVER aggregations (rowtime and proctime): rows buffered until the watermark passes
 * them and processed in timestamp order, out-of-order rows within the watermark delay, late rows
 * dropped, RANGE with INTERVAL and ROWS frames, the same rows as batch mode on bounded input,
 * processing time on a manual clock, and the refusals of what streaming OVER cannot do.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SqlPlanError, TableEnvironment, WatermarkStrategy } from "../../src/index.ts";
import { registerValuesData } from "../../src/table/connectors/values.ts";
import { aggFunctionByName } from "../../src/table/runtime/aggregates-stats.ts";
import { StreamOverFunction } from "../../src/table/runtime/over-stream.ts";
import type { Row } from "../../src/table/runtime/row.ts";
import { INT, STRING } from "../../src/table/types/index.ts";
import { Timestamp } from "../../src/table/types/timestamp.ts";
import { QueueSource, manualClockEnv, settle } from "../api/harness.ts";

const sec = (s: number) => Timestamp.fromMillis(s * 1000);

/** Rows `[+I, id, k, ts]` with `ts` in seconds, in this arrival order. */
function data(rows: readonly [number, string, number][]): string {
  return registerValuesData(rows.map(([id, k, s]) => [0, id, k, sec(s)]));
}

async function table(t: TableEnvironment, dataId: string, delay = 2): Promise<void> {
  await t.executeSql(
    `CREATE TABLE ev (id INT, k STRING, ts TIMESTAMP(3), p AS PROCTIME(),
       WATERMARK FOR ts AS ts - INTERVAL '${delay}' SECOND)
     WITH ('connector' = 'values', 'data-id' = '${dataId}', 'scan.watermark.emit.strategy' = 'on-event')`,
  );
}

async function run(mode: "batch" | "streaming", dataId: string, sql: string, delay = 2) {
  const t = TableEnvironment.create({ mode, parallelism: 1 });
  await table(t, dataId, delay);
  const rows = await (await t.executeSql(sql)).collect();
  return rows.map((r) => r.map((v) => (v instanceof Timestamp ? v.millis / 1000 : v)));
}

const sortRows = (rows: unknown[][]) =>
  [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe("event time", () => {
  test("out-of-order rows within the delay are processed in timestamp order; late rows dropped", async () => {
    // Watermark = max ts - 2 s: 4 arrives after 5 (wm 3: in time), 2 after 10 (wm 8: late).
    const id = data([
      [1, "a", 1],
      [5, "a", 5],
      [4, "a", 4],
      [10, "a", 10],
      [2, "a", 2],
      [9, "a", 9],
    ]);
    const sql =
      "SELECT id, SUM(id) OVER (ORDER BY ts) AS s, COUNT(*) OVER (ORDER BY ts) AS c FROM ev";
    assert.deepEqual(await run("streaming", id, sql), [
      [1, 1, 1],
      [4, 5, 2],
      [5, 10, 3],
      [9, 19, 4],
      [10, 29, 5],
    ]);
    // Batch mode has no late rows.
    assert.deepEqual(sortRows(await run("batch", id, sql)), [
      [1, 1, 1],
      [10, 31, 6],
      [2, 3, 2],
      [4, 7, 3],
      [5, 12, 4],
      [9, 21, 5],
    ]);
  });

  test("RANGE INTERVAL and ROWS frames per partition equal batch mode on in-time input", async () => {
    const id = data([
      [1, "a", 1],
      [2, "b", 1],
      [3, "a", 2],
      [4, "a", 2],
      [6, "b", 4],
      [5, "a", 3],
      [7, "a", 5],
      [8, "b", 9],
      [9, "a", 8],
    ]);
    const sql = `SELECT id, k,
        SUM(id) OVER w AS s, MIN(id) OVER w AS mn, MAX(id) OVER w AS mx, COUNT(id) OVER w AS c,
        AVG(CAST(id AS DOUBLE)) OVER w AS av
      FROM ev WINDOW w AS (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '2' SECOND PRECEDING AND CURRENT ROW)`;
    const streaming = sortRows(await run("streaming", id, sql, 5));
    assert.deepEqual(streaming, sortRows(await run("batch", id, sql, 5)));
    const byId = new Map(streaming.map((r) => [r[0], r]));
    // a at 2 s: rows 1, 3, 4 (peers 3 and 4 together); a at 5 s: rows 5 (3 s) and 7.
    assert.deepEqual(byId.get(3), [3, "a", 8, 1, 4, 3, 8 / 3]);
    assert.deepEqual(byId.get(4), [4, "a", 8, 1, 4, 3, 8 / 3]);
    assert.deepEqual(byId.get(7), [7, "a", 12, 5, 7, 2, 6]);
    assert.deepEqual(byId.get(9), [9, "a", 9, 9, 9, 1, 9]);
    const rowsSql = `SELECT id, SUM(id) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s,
        MAX(id) OVER (PARTITION BY k ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS m FROM ev WHERE id <> 4`;
    const rs = sortRows(await run("streaming", id, rowsSql, 5));
    assert.deepEqual(rs, sortRows(await run("batch", id, rowsSql, 5)));
    assert.deepEqual(
      rs.filter((r) => [1, 3, 5, 7, 9].includes(r[0] as number)),
      [
        [1, 1, 1],
        [3, 4, 3],
        [5, 8, 5],
        [7, 12, 7],
        [9, 16, 9],
      ],
    );
  });

  test("a late row is dropped once, never counted, and later rows are unaffected", async () => {
    const id = data([
      [1, "a", 10],
      [2, "a", 20],
      [3, "a", 12],
      [4, "a", 21],
    ]);
    const sql =
      "SELECT id, COUNT(*) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN INTERVAL '10' SECOND PRECEDING AND CURRENT ROW) AS c FROM ev";
    assert.deepEqual(await run("streaming", id, sql, 1), [
      [1, 1],
      [2, 2],
      [4, 2],
    ]);
  });

  test("two windows in one SELECT run as two OVER nodes", async () => {
    const id = data([
      [1, "a", 1],
      [2, "b", 2],
      [3, "a", 3],
    ]);
    const sql =
      "SELECT id, SUM(id) OVER (PARTITION BY k ORDER BY ts) AS a, SUM(id) OVER (ORDER BY ts) AS b FROM ev";
    assert.deepEqual(sortRows(await run("streaming", id, sql)), [
      [1, 1, 1],
      [2, 2, 3],
      [3, 4, 6],
    ]);
  });
});

test("user aggregate functions, with and without retract, slide over a ROWS frame", async () => {
  const id = data([
    [1, "a", 1],
    [2, "a", 2],
    [3, "a", 3],
    [4, "a", 4],
  ]);
  const results = [];
  for (const mode of ["batch", "streaming"] as const) {
    const t = TableEnvironment.create({ mode, parallelism: 1 });
    await table(t, id);
    // Concatenation in order cannot retract: its accumulator is rebuilt from the frame's rows.
    t.createTemporarySystemFunction("cat", {
      kind: "aggregate",
      resultType: "STRING",
      argumentTypes: ["INT"],
      createAccumulator: () => "",
      accumulate: (acc: string, v: number | null) => `${acc}${v ?? ""}`,
      getValue: (acc: string) => acc,
    });
    t.createTemporarySystemFunction("prod", {
      kind: "aggregate",
      resultType: "BIGINT",
      argumentTypes: ["BIGINT"],
      createAccumulator: () => 1,
      accumulate: (acc: number, v: number | null) => (v === null ? acc : acc * v),
      retract: (acc: number, v: number | null) => (v === null ? acc : acc / v),
      getValue: (acc: number) => acc,
    });
    const r = await (
      await t.executeSql(
        "SELECT id, cat(id) OVER w, prod(id) OVER w FROM ev WINDOW w AS (ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)",
      )
    ).collect();
    results.push(sortRows(r));
  }
  assert.deepEqual(results[1], [
    [1, "1", 1],
    [2, "12", 2],
    [3, "123", 6],
    [4, "234", 24],
  ]);
  assert.deepEqual(results[0], results[1]);
});

describe("processing time", () => {
  test("rows are processed on arrival at the clock's time; RANGE frames expire", async () => {
    const { env, timers } = manualClockEnv(1);
    const t = TableEnvironment.fromStreamEnvironment(env, { clock: () => timers.now() });
    const source = new QueueSource<{ id: number; k: string }>();
    const stream = env.fromSource(source, WatermarkStrategy.noWatermarks(), "events");
    const tbl = t.fromDataStream(stream, [
      { name: "id", type: INT() },
      { name: "k", type: STRING() },
    ]);
    t.createTemporaryView("s", tbl);
    const out: Record<string, unknown>[] = [];
    t.toDataStream(
      t.sqlQuery(`SELECT id, SUM(id) OVER w AS s, COUNT(*) OVER w AS c FROM (SELECT *, PROCTIME() AS p FROM s)
        WINDOW w AS (PARTITION BY k ORDER BY p RANGE BETWEEN INTERVAL '1' SECOND PRECEDING AND CURRENT ROW)`),
    ).sinkTo((v) => void out.push(v as Record<string, unknown>));
    const client = await env.executeAsync();
    await settle();
    const at = async (ms: number, ...ids: number[]) => {
      timers.advanceTo(ms);
      await settle();
      source.push(...ids.map((id) => ({ id, k: "a" })));
      await settle();
    };
    await at(100, 1);
    await at(600, 2);
    await at(1500, 3);
    await at(5000, 4);
    await at(5000, 5);
    assert.deepEqual(
      out.map((o) => [o.id, o.s, o.c]),
      [
        [1, 1, 1],
        [2, 3, 2],
        [3, 5, 2],
        [4, 4, 1],
        [5, 9, 2],
      ],
    );
    source.end();
    await client.getJobExecutionResult();
  });
});

describe("refusals", () => {
  const unbounded = () => {
    const { env } = manualClockEnv(1);
    const t = TableEnvironment.fromStreamEnvironment(env);
    const stream = env.fromSource(
      new QueueSource<{ id: number; ts: Timestamp }>(),
      WatermarkStrategy.noWatermarks(),
      "e",
    );
    t.createTemporaryView(
      "s",
      t.fromDataStream(
        stream,
        [
          { name: "id", type: INT() },
          { name: "ts", type: { kind: "TIMESTAMP", nullable: true, precision: 3 } },
        ],
        { watermark: { column: "ts", expression: "ts" } },
      ),
    );
    return t;
  };
  const refused = (sql: string, re: RegExp) => {
    const t = unbounded();
    assert.throws(
      () => t.toDataStream(t.sqlQuery(sql)),
      (e: unknown) => e instanceof SqlPlanError && re.test(e.message),
    );
  };

  test("ranking functions, non-time ordering, differing frames, FOLLOWING", () => {
    refused(
      "SELECT ROW_NUMBER() OVER (ORDER BY ts) FROM s",
      /ROW_NUMBER\(\) OVER is not supported in a streaming OVER aggregation.*Top-N/,
    );
    refused(
      "SELECT SUM(id) OVER (ORDER BY id) FROM s",
      /ordering in stream mode must be defined on a time attribute; 'id' is not one/,
    );
    refused(
      "SELECT SUM(id) OVER (ORDER BY ts ROWS 1 PRECEDING), COUNT(*) OVER (ORDER BY ts) FROM s",
      /All aggregates must be computed on the same window/,
    );
    refused(
      "SELECT SUM(id) OVER (ORDER BY ts ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) FROM s",
      /the frame must end at CURRENT ROW/,
    );
    refused("SELECT SUM(id) OVER (ORDER BY ts DESC) FROM s", /ASCENDING/);
  });

  test("an INTERVAL offset needs a TIMESTAMP key and a RANGE frame", () => {
    const t = unbounded();
    assert.throws(
      () =>
        t.sqlQuery("SELECT SUM(id) OVER (ORDER BY id RANGE INTERVAL '1' SECOND PRECEDING) FROM s"),
      /An INTERVAL offset needs a RANGE frame over one TIMESTAMP ORDER BY key/,
    );
    assert.throws(
      () => t.sqlQuery("SELECT SUM(id) OVER (ORDER BY ts RANGE 5 PRECEDING) FROM s"),
      /must be an INTERVAL DAY TO SECOND literal/,
    );
  });
});

/** Drives a {@link StreamOverFunction} of one key by hand: rows, watermarks, its state size. */
class OverDriver {
  readonly out: Row[] = [];
  private watermark = -Infinity;
  private readonly timers = new Set<number>();
  private readonly values = new Map<string, unknown>();
  private readonly maps = new Map<string, Map<unknown, unknown>>();
  private readonly fn: StreamOverFunction;

  constructor(fn: StreamOverFunction) {
    this.fn = fn;
    const values = this.values;
    const maps = this.maps;
    const ctx = {
      getState: (d: { name: string }) => ({
        value: () => values.get(d.name) ?? null,
        update: (v: unknown) => void values.set(d.name, v),
        clear: () => void values.delete(d.name),
      }),
      getMapState: (d: { name: string }) => {
        if (!maps.has(d.name)) maps.set(d.name, new Map());
        const m = maps.get(d.name)!;
        return {
          get: (k: unknown) => m.get(k) ?? null,
          put: (k: unknown, v: unknown) => void m.set(k, v),
          remove: (k: unknown) => void m.delete(k),
        };
      },
    };
    (fn as unknown as { setRuntimeContext(c: unknown): void }).setRuntimeContext(ctx);
    fn.open();
  }

  private context() {
    return {
      getCurrentKey: () => 0,
      timerService: () => ({
        currentWatermark: () => this.watermark,
        registerEventTimeTimer: (t: number) => void this.timers.add(t),
      }),
    } as never;
  }

  /** Feeds rows `[+I, id, time]`. */
  rows(...rows: [number, number][]): this {
    for (const [id, t] of rows) this.fn.processElement([0, id, t], this.context(), this.sink());
    return this;
  }

  /** Advances the watermark, firing the timers it passes in time order. */
  advance(to: number): this {
    this.watermark = to;
    for (;;) {
      const due = [...this.timers].filter((t) => t <= to).sort((a, b) => a - b)[0];
      if (due === undefined) return this;
      this.timers.delete(due);
      this.fn.onTimer(due, this.context(), this.sink());
    }
  }

  /** Entries in keyed state (values, frame rows, pending rows). */
  stateSize(): number {
    const frame = (this.values.get("sql-over-frame") as unknown[] | undefined)?.length ?? 0;
    let pending = 0;
    for (const m of this.maps.values()) pending += m.size;
    return this.values.size + frame + pending;
  }

  private sink() {
    return { collect: (r: Row) => void this.out.push(r) };
  }
}

test("the state of a RANGE frame goes back down when its rows leave the frame", () => {
  const fn = new StreamOverFunction(
    {
      rowtime: (r) => r[2] as number,
      unit: "RANGE",
      preceding: 10,
      calls: [{ agg: aggFunctionByName("SUM", INT()), arg: (r) => r[1] }],
    },
    "OverAggregate",
  );
  const d = new OverDriver(fn).rows([1, 100], [2, 105], [3, 103]);
  assert.equal(d.out.length, 0, "rows wait for the watermark");
  d.advance(104);
  assert.deepEqual(d.out.splice(0), [
    [0, 1, 100, 1],
    [0, 3, 103, 4],
  ]);
  d.rows([4, 104]); // late: not after the watermark
  d.advance(110);
  assert.deepEqual(d.out.splice(0), [[0, 2, 105, 6]]);
  assert.ok(d.stateSize() > 0);
  // Cleanup timers at 111, 114 and 116 expire the rows; the last one empties the key's state.
  d.advance(115);
  assert.ok(d.stateSize() > 0, "row 105 is still in the frame of a row at 115");
  d.advance(116);
  assert.equal(d.stateSize(), 0, "every state entry of the key is gone");
  d.rows([5, 200]).advance(200);
  assert.deepEqual(d.out.splice(0), [[0, 5, 200, 5]], "a new frame starts empty");
});
