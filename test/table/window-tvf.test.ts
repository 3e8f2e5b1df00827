/**
 * Window TVFs and window aggregation in streaming mode where arrival order matters (parallelism
 * 1, rows in a controlled order, a watermark per row): late rows dropped as Flink drops them,
 * HOP counting a late row only in its still-open windows, SESSION merging rows that arrive out
 * of order, empty windows not emitted; EXPLAIN; and a window aggregation restarting from a
 * checkpoint with exact results. (tests/sql/window-tvf.slt checks that every mode agrees.)
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  RestartStrategies,
  StreamExecutionEnvironment,
  TableEnvironment,
  WatermarkStrategy,
  type CheckpointListener,
  type CheckpointedFunction,
  type MapFunction,
} from "../../src/index.ts";
import { registerValuesData } from "../../src/table/connectors/values.ts";
import { aggFunctionByName } from "../../src/table/runtime/aggregates-stats.ts";
import { collectChangelog } from "../../src/table/runtime/collect.ts";
import { insertRows, type Row } from "../../src/table/runtime/row.ts";
import { fromValues } from "../../src/table/runtime/values.ts";
import {
  assigningWindowAggregate,
  windowAggregate,
} from "../../src/table/runtime/window-aggregate.ts";
import { assignWindows, sessionWindows, windowsOf } from "../../src/table/runtime/window-tvf.ts";
import { BIGINT } from "../../src/table/types/index.ts";
import { Timestamp } from "../../src/table/types/timestamp.ts";

const sec = (s: number) => Timestamp.fromMillis(s * 1000);
const hms = (v: unknown) => (v as Timestamp).millis / 1000;

/** A streaming session at parallelism 1 over rows `(id, ts seconds)` in this order. */
async function events(seconds: readonly number[], lag = 0): Promise<TableEnvironment> {
  const t = TableEnvironment.create({ parallelism: 1 });
  const id = registerValuesData(seconds.map((s, i) => [0, i + 1, sec(s)]));
  await t.executeSql(
    `CREATE TABLE ev (id INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '${lag}' SECOND)
     WITH ('connector' = 'values', 'data-id' = '${id}', 'scan.watermark.emit.strategy' = 'on-event')`,
  );
  return t;
}

/** Every change row of a query, timestamps as seconds, in arrival order. */
async function collectChangelogOf(t: TableEnvironment, sql: string): Promise<unknown[][]> {
  const log = await (await t.executeSql(sql)).changelog();
  return log.map((row) => row.map((v) => (v instanceof Timestamp ? hms(v) : v)));
}

async function rows(t: TableEnvironment, sql: string): Promise<unknown[][]> {
  const r = (await (await t.executeSql(sql)).collect()) as unknown[][];
  return r
    .map((row) => row.map((v) => (v instanceof Timestamp ? hms(v) : v)))
    .sort((a, b) => {
      for (let i = 0; i < a.length; i++) {
        const d = Number(a[i]) - Number(b[i]);
        if (d !== 0) return d;
      }
      return 0;
    });
}

describe("window assignment", () => {
  test("TUMBLE, HOP and CUMULATE windows of a time, with offsets and negative times", () => {
    const spec = (kind: "TUMBLE" | "HOP" | "CUMULATE", size: number, step: number, offset = 0) =>
      ({ kind, size, step, offset }) as const;
    assert.deepEqual(windowsOf(spec("TUMBLE", 10, 10), 7), [0, 10]);
    assert.deepEqual(windowsOf(spec("TUMBLE", 10, 10, 3), 2), [-7, 3]);
    assert.deepEqual(windowsOf(spec("TUMBLE", 10, 10), -1), [-10, 0]);
    assert.deepEqual(windowsOf(spec("HOP", 10, 5), 7), [5, 15, 0, 10]);
    assert.deepEqual(windowsOf(spec("HOP", 10, 4), 7), [4, 14, 0, 10]);
    assert.deepEqual(windowsOf(spec("CUMULATE", 15, 5), 7), [0, 10, 0, 15]);
    assert.deepEqual(windowsOf(spec("CUMULATE", 15, 5), 15), [15, 20, 15, 25, 15, 30]);
  });
});

describe("late data and out-of-order rows (parallelism 1)", () => {
  test("TUMBLE: rows behind a fired window are dropped, never counted twice", async () => {
    // Watermark = ts: 11 fires [0, 10); 3 and 5 arrive after it, late.
    const t = await events([1, 2, 11, 3, 12, 25, 5, 21]);
    assert.deepEqual(
      await rows(
        t,
        `SELECT window_start, window_end, COUNT(*), SUM(id) FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end`,
      ),
      [
        [0, 10, 2, 3],
        [10, 20, 2, 8],
        [20, 30, 2, 14],
      ],
    );
  });

  test("HOP: a late row still counts in its windows that have not fired", async () => {
    // After 12 (watermark 12), 8 is late for [0, 10) but not for [5, 15).
    const t = await events([1, 6, 12, 8, 30]);
    assert.deepEqual(
      await rows(
        t,
        `SELECT window_start, window_end, COUNT(*) FROM TABLE(HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end`,
      ),
      [
        [-5, 5, 1],
        [0, 10, 2],
        [5, 15, 3],
        [10, 20, 1],
        [25, 35, 1],
        [30, 40, 1],
      ],
    );
  });

  test("empty windows are not emitted; an offset shifts the windows", async () => {
    const t = await events([1, 52]);
    assert.deepEqual(
      await rows(
        t,
        `SELECT window_start, window_end, COUNT(*) FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' SECOND, INTERVAL '5' SECOND)) GROUP BY window_start, window_end`,
      ),
      [
        [-5, 5, 1],
        [45, 55, 1],
      ],
    );
  });

  test("SESSION: a row arriving out of order bridges two sessions", async () => {
    // Gap 10 s: 0 and 18 are separate sessions until 9 arrives, which touches both.
    const t = await events([0, 18, 50, 9], 100);
    assert.deepEqual(
      await rows(
        t,
        `SELECT window_start, window_end, COUNT(*), SUM(id) FROM TABLE(SESSION(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end`,
      ),
      [
        [0, 28, 3, 7],
        [50, 60, 1, 3],
      ],
    );
  });

  test("SESSION: a row of a closed session is late; one merging into an open one is not", async () => {
    // Watermark 30 closes [0, 10); 5 is late; 25 joins the open session of 30.
    const t = await events([0, 30, 5, 25]);
    assert.deepEqual(
      await rows(
        t,
        `SELECT window_start, window_end, COUNT(*) FROM TABLE(SESSION(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end`,
      ),
      [
        [0, 10, 1],
        [25, 40, 2],
      ],
    );
  });

  test("the TVF alone assigns windows row by row (insert-only)", async () => {
    const t = await events([1, 12]);
    assert.deepEqual(
      await rows(
        t,
        `SELECT id, window_start, window_end, window_time FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' SECOND))`,
      ),
      [
        [1, 0, 10, 9.999],
        [2, 10, 20, 19.999],
      ],
    );
  });
});

describe("plans and errors", () => {
  test("EXPLAIN shows the window TVF and an insert-only WindowAggregate", async () => {
    const t = await events([1]);
    const r = (await (
      await t.executeSql(
        `EXPLAIN SELECT window_start, COUNT(*) FROM TABLE(HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end`,
      )
    ).collect()) as unknown[][];
    const text = String(r[0]![0]);
    assert.match(
      text,
      /WindowAggregate\(groupBy=\[window_start, window_end\].*changelogMode=\[I\]/,
    );
    assert.match(
      text,
      /WindowTableFunction\(window=\[HOP\(time_col=\[ts\], slide=\[5000 ms\], size=\[10000 ms\]\)\]\)/,
    );
  });

  test("an aggregation of a window aggregation's windows cascades: insert-only, per window", async () => {
    // Ids 1..6 at seconds 1, 2, 3, 11, 12, 14: per id parity and 10 s window, then the largest
    // count per window (Nexmark q5's shape).
    const t = await events([1, 2, 3, 11, 12, 14]);
    const sql = `SELECT MAX(n), ws, we FROM (SELECT MOD(id, 2) AS k, COUNT(*) AS n, window_start AS ws, window_end AS we FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY MOD(id, 2), window_start, window_end) GROUP BY ws, we`;
    const plan = String(
      ((await (await t.executeSql(`EXPLAIN ${sql}`)).collect()) as unknown[][])[0]![0],
    );
    assert.match(plan, /WindowAggregate\(groupBy=\[ws, we\].*changelogMode=\[I\]/);
    const log = await collectChangelogOf(t, sql);
    assert.deepEqual(log, [
      [0, 2, 0, 10],
      [0, 2, 10, 20],
    ]);
  });

  test("a regular GROUP BY without window_end stays an updating aggregation", async () => {
    const t = await events([1]);
    const r = (await (
      await t.executeSql(
        `EXPLAIN SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY window_start`,
      )
    ).collect()) as unknown[][];
    assert.match(
      String(r[0]![0]),
      /GroupAggregate\(groupBy=\[window_start\].*changelogMode=\[I,UB,UA,D\]/,
    );
  });

  test("the legacy GROUP BY TUMBLE(...) runs as a window aggregation", async () => {
    const t = await events([1, 2, 11, 3, 12]);
    const sql = `SELECT TUMBLE_START(ts, INTERVAL '10' SECOND) AS ws, TUMBLE_END(ts, INTERVAL '10' SECOND) AS we, COUNT(*) FROM ev GROUP BY TUMBLE(ts, INTERVAL '10' SECOND)`;
    const r = (await (await t.executeSql(`EXPLAIN ${sql}`)).collect()) as unknown[][];
    assert.match(String(r[0]![0]), /WindowAggregate\(.*changelogMode=\[I\]/);
    // 3 arrives after the watermark passed [0, 10): dropped, as in the TVF form.
    assert.deepEqual(await rows(t, sql), [
      [0, 10, 2],
      [10, 20, 2],
    ]);
  });

  test("bad arguments are refused with the reason and the position", async () => {
    const t = await events([1]);
    const err = async (sql: string, re: RegExp) =>
      assert.rejects(async () => (await t.executeSql(sql)).collect(), re);
    await err(
      `SELECT * FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(id), INTERVAL '1' SECOND))`,
      /line 1, column \d+: TUMBLE: the time column id must be a time attribute/,
    );
    await err(
      `SELECT * FROM TABLE(HOP(TABLE ev, DESCRIPTOR(ts), INTERVAL '1' SECOND))`,
      /HOP needs the SIZE argument/,
    );
    await err(
      `SELECT * FROM TABLE(TUMBLE(TABLE ev PARTITION BY id, DESCRIPTOR(ts), INTERVAL '1' SECOND))`,
      /Only SESSION takes PARTITION BY/,
    );
    await err(
      `SELECT * FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), SIZEE => INTERVAL '1' SECOND))`,
      /TUMBLE has no parameter SIZEE/,
    );
  });
});

/** Shared by the attempts (function objects are copied; this is not). */
const fail = { seen: 0, armed: false, done: false };

/** Passes rows through; once a checkpoint completes after 3000 rows, fails once. */
class FailAfterCheckpoint
  implements MapFunction<Row, Row>, CheckpointedFunction, CheckpointListener
{
  map(row: Row): Row {
    fail.seen++;
    if (fail.armed && !fail.done) {
      fail.done = true;
      throw new Error("injected failure");
    }
    return row;
  }
  initializeState(): void {}
  snapshotState(): void {}
  notifyCheckpointComplete(): void {
    if (fail.seen > 3000) fail.armed = true;
  }
}

test("HOP and SESSION window aggregations restart from a checkpoint with exact results", async () => {
  const dir = mkdtempSync(join(tmpdir(), "strom-sql-window-"));
  try {
    const N = 100_000;
    // Row i: key i % 5, time i * 10 ms (+ a gap every 1000 rows for sessions), value i.
    const time = (i: number) => i * 10 + Math.floor(i / 1000) * 5000;
    const data = insertRows(
      Array.from({ length: N }, (_, i) => [i % 5, Timestamp.fromMillis(time(i)), i]),
    );
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
    env.setParallelism(2);
    env.enableCheckpointing(10);
    env.getCheckpointConfig().setCheckpointStorage(dir);
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(2, 0));
    const input = fromValues(env, data, { parallelism: 1 })
      .map(new FailAfterCheckpoint())
      .setParallelism(1)
      .assignTimestampsAndWatermarks(
        WatermarkStrategy.forMonotonousTimestamps<Row>().withTimestampAssigner(
          (r: Row) => (r[2] as Timestamp).millis,
        ),
      )
      .setParallelism(1);
    const aggs = [
      { fn: aggFunctionByName("COUNT", null) },
      { fn: aggFunctionByName("SUM", BIGINT()), argField: 3, arg: (r: Row) => r[3] },
    ];
    // HOP 2 s / 1 s per key: key fields 1 (k), 4 (window_start), 5 (window_end).
    const hop = assignWindows(input, {
      spec: { kind: "HOP", size: 2000, step: 1000, offset: 0 },
      timeField: 2,
    });
    const hopAgg = windowAggregate(hop, {
      keyOf: (r) => [r[1], (r[4] as Timestamp).millis, (r[5] as Timestamp).millis],
      windowEnd: (r) => r[5],
      aggs,
      keyCount: 3,
      uid: "hop-agg",
    });
    const sessions = sessionWindows(input, {
      spec: { kind: "SESSION", size: 1000, step: 1000, offset: 0 },
      timeField: 2,
      keyOf: (r) => r[1],
      uid: "sessions",
    });
    const sessionAgg = windowAggregate(sessions, {
      keyOf: (r) => [r[1], (r[4] as Timestamp).millis, (r[5] as Timestamp).millis],
      windowEnd: (r) => r[5],
      aggs,
      keyCount: 3,
      uid: "session-agg",
    });
    // The same HOP aggregation assigning windows itself (windows per key in MapState).
    const assigning = assigningWindowAggregate(input, {
      spec: { kind: "HOP", size: 2000, step: 1000, offset: 0 },
      timeField: 2,
      keys: [(r) => r[1], "start", "end"],
      aggs,
      uid: "assigning-agg",
    });
    const log = await collectChangelog(
      hopAgg.union(
        sessionAgg.map((r) => [...r, "s"] as Row),
        assigning.map((r) => [...r, "a"] as Row),
      ),
    );
    assert.ok(fail.done, "the failure was injected after a checkpoint");
    // Expected results computed directly.
    const expected = new Map<string, string>();
    const add = (key: string, v: number) => {
      const [c, s] = (expected.get(key) ?? "0,0").split(",").map(Number);
      expected.set(key, `${c! + 1},${s! + v}`);
    };
    for (let i = 0; i < N; i++) {
      const t = time(i);
      for (let start = t - (t % 1000); start > t - 2000; start -= 1000) {
        add(`h|${i % 5}|${start}|${start + 2000}`, i);
        add(`a|${i % 5}|${start}|${start + 2000}`, i);
      }
    }
    // Sessions: per key rows 50 ms apart (gap 1 s) until each 5 s pause.
    for (let b = 0; b < N / 1000; b++) {
      for (let k = 0; k < 5; k++) {
        const ids = Array.from({ length: 200 }, (_, j) => b * 1000 + j * 5 + k);
        const start = time(ids[0]!);
        const end = time(ids[ids.length - 1]!) + 1000;
        expected.set(`s|${k}|${start}|${end}`, `200,${ids.reduce((a, x) => a + x, 0)}`);
      }
    }
    const got = new Map<string, string>();
    for (const r of log) {
      assert.equal(r[0], 0, "insert-only output");
      const tag = r[6] === "s" ? "s" : r[6] === "a" ? "a" : "h";
      const ms = (v: unknown) => (v instanceof Timestamp ? v.millis : v);
      const key = `${tag}|${r[1]}|${ms(r[2])}|${ms(r[3])}`;
      const value = `${r[4]},${r[5]}`;
      const before = got.get(key);
      // At-least-once collection may repeat a row; it must be the same row.
      if (before !== undefined) assert.equal(value, before, `repeated ${key}`);
      got.set(key, value);
    }
    assert.deepEqual(new Map([...got].sort()), new Map([...expected].sort()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
