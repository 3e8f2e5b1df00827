/**
 * Window aggregation over processing-time windows (`DESCRIPTOR(p)` with `p AS PROCTIME()`), on a
 * manual clock: TUMBLE, HOP and CUMULATE counts per key and window with rows arriving at chosen
 * processing times, each window emitted once (insert-only) when the clock passes its end, the
 * legacy `GROUP BY TUMBLE(p, ...)` form, windows aligned to the session time zone, pending
 * windows fired at the end of input, an open window restored from a savepoint, the types,
 * EXPLAIN, and the refusals (a TVF on its own, SESSION, batch mode, window Top-N and joins).
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ManualTimerScheduler } from "../../src/core/time.ts";
import { TableEnvironment, WatermarkStrategy } from "../../src/index.ts";
import { registerValuesData } from "../../src/table/connectors/values.ts";
import { INT, STRING } from "../../src/table/types/index.ts";
import { Timestamp } from "../../src/table/types/timestamp.ts";
import { QueueSource, manualClockEnv, settle } from "../api/harness.ts";

interface Ev {
  k: string;
  v: number;
}

/** Where the tests' jobs take their savepoints. */
const SAVEPOINTS = mkdtempSync(join(tmpdir(), "strom-proctime-window-"));
after(() => rmSync(SAVEPOINTS, { recursive: true, force: true }));

const TUMBLE_COUNTS = `SELECT k, COUNT(*) AS c, SUM(v) AS s, window_start, window_end
  FROM TABLE(TUMBLE(TABLE ep, DESCRIPTOR(p), INTERVAL '10' SECOND))
  GROUP BY k, window_start, window_end`;

/** A value as the tests compare it: timestamps as their millis. */
const plain = (v: unknown): unknown => (v instanceof Timestamp ? v.millis : v);

/**
 * A streaming job on a manual clock over a queue of `(k, v)` rows, viewed as `ep` with
 * `p AS PROCTIME()`, collecting the changes of `sql` as `+I[...]` strings.
 */
async function job(
  sql: string,
  options: { timeZone?: string; restore?: string; start?: number; parallelism?: number } = {},
) {
  const { env, timers } = manualClockEnv(
    options.parallelism ?? 1,
    options.restore !== undefined
      ? { restore: { path: options.restore, allowNonRestoredState: false } }
      : {},
    options.start ?? 0,
  );
  // Checkpoints on (for savepoints), but none triggered by the clock during a test.
  env.enableCheckpointing(3_600_000);
  const t = TableEnvironment.fromStreamEnvironment(env, {
    clock: () => timers.now(),
    ...(options.timeZone !== undefined ? { timeZone: options.timeZone } : {}),
  });
  const source = new QueueSource<Ev>();
  const stream = env.fromSource(source, WatermarkStrategy.noWatermarks(), "events");
  const fields = [
    { name: "k", type: STRING() },
    { name: "v", type: INT() },
  ];
  t.createTemporaryView("e", t.fromDataStream(stream, fields));
  await t.executeSql("CREATE VIEW ep AS SELECT *, PROCTIME() AS p FROM e");
  const out: string[] = [];
  t.toChangelogStream(t.sqlQuery(sql)).sinkTo((c) => {
    const { kind, row } = c as { kind: string; row: Record<string, unknown> };
    out.push(`${kind}${JSON.stringify(Object.values(row).map(plain))}`);
  });
  const client = await env.executeAsync();
  // A savepoint completes once every task runs (and has restored its state): only then do the
  // tests move the clock, so each row reaches the window operator at the time it is pushed.
  await client.triggerSavepoint(SAVEPOINTS);
  await settle();
  return {
    out,
    timers,
    client,
    /** Moves the clock to `ms`, then pushes `rows` (they arrive at `ms`). */
    async at(ms: number, ...rows: Ev[]) {
      timers.advanceTo(ms);
      await settle();
      if (rows.length > 0) {
        source.push(...rows);
        await settle();
      }
    },
    /** Ends the input and waits for the job. */
    async end() {
      source.end();
      await client.getJobExecutionResult();
    },
  };
}

const a = (v = 1): Ev => ({ k: "a", v });
const b = (v = 1): Ev => ({ k: "b", v });

describe("processing-time window aggregation (manual clock)", () => {
  test("TUMBLE: each key's window is emitted once, when the clock passes its end", async () => {
    const j = await job(TUMBLE_COUNTS);
    await j.at(1_000, a(1), b(5));
    await j.at(9_999, a(2)); // the window's last millisecond: still in [0, 10 s)
    assert.deepEqual(j.out, []);
    await j.at(10_000, a(4)); // the clock passed 9.999 s: [0, 10 s) fires, this row opens the next
    assert.deepEqual(j.out.sort(), ['+I["a",2,3,0,10000]', '+I["b",1,5,0,10000]']);
    await j.at(19_999);
    assert.equal(j.out.length, 2);
    await j.at(35_000, b(1)); // [10 s, 20 s) fired on the way; [20 s, 30 s) had no rows
    assert.deepEqual(j.out.slice(2), ['+I["a",1,4,10000,20000]']);
    await j.at(40_000);
    assert.deepEqual(j.out.slice(3), ['+I["b",1,1,30000,40000]']);
    await j.end();
    assert.equal(j.out.length, 4);
  });

  test("HOP: a row counts in every window of its arrival time", async () => {
    const j = await job(
      `SELECT k, COUNT(*) AS c, window_start, window_end
       FROM TABLE(HOP(TABLE ep, DESCRIPTOR(p), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
       GROUP BY k, window_start, window_end`,
      { parallelism: 2 },
    );
    await j.at(1_000, a());
    await j.at(6_000, a(), b());
    await j.at(12_000, a());
    assert.deepEqual(j.out.sort(), [
      '+I["a",1,-5000,5000]',
      '+I["a",2,0,10000]',
      '+I["b",1,0,10000]',
    ]);
    await j.at(15_000);
    assert.deepEqual(j.out.slice(3).sort(), ['+I["a",2,5000,15000]', '+I["b",1,5000,15000]']);
    await j.at(20_000);
    assert.deepEqual(j.out.slice(5), ['+I["a",1,10000,20000]']);
    await j.end();
    assert.equal(j.out.length, 6);
  });

  test("CUMULATE: the growing windows of each max-size window", async () => {
    const j = await job(
      `SELECT k, window_start, window_end, COUNT(*) AS c, SUM(v) AS s
       FROM TABLE(CUMULATE(TABLE ep, DESCRIPTOR(p), INTERVAL '2' SECOND, INTERVAL '6' SECOND))
       WHERE v > 0
       GROUP BY k, window_start, window_end`,
    );
    await j.at(500, a(1), a(-1));
    await j.at(2_500, a(2));
    await j.at(4_500, a(4));
    await j.at(6_000, a(8));
    await j.at(8_000);
    assert.deepEqual(j.out, [
      '+I["a",0,2000,1,1]',
      '+I["a",0,4000,2,3]',
      '+I["a",0,6000,3,7]',
      '+I["a",6000,8000,1,8]',
    ]);
    await j.end();
    assert.deepEqual(j.out.slice(4), ['+I["a",6000,10000,1,8]', '+I["a",6000,12000,1,8]']);
  });

  test("the legacy GROUP BY TUMBLE(p, ...) / HOP(p, ...) with TUMBLE_PROCTIME", async () => {
    const j = await job(
      `SELECT k, TUMBLE_START(p, INTERVAL '10' SECOND) AS ws, TUMBLE_END(p, INTERVAL '10' SECOND) AS we,
         TUMBLE_PROCTIME(p, INTERVAL '10' SECOND) AS pt, COUNT(*) AS c
       FROM ep GROUP BY TUMBLE(p, INTERVAL '10' SECOND), k`,
    );
    await j.at(3_000, a(), a(), b());
    await j.at(10_000);
    assert.deepEqual(j.out.sort(), ['+I["a",0,10000,9999,2]', '+I["b",0,10000,9999,1]']);
    await j.end();
    const hop = await job(
      `SELECT HOP_START(p, INTERVAL '5' SECOND, INTERVAL '10' SECOND) AS ws, COUNT(*) AS c
       FROM ep WHERE v > 1 GROUP BY HOP(p, INTERVAL '5' SECOND, INTERVAL '10' SECOND)`,
    );
    await hop.at(7_000, a(2), a(1), b(3));
    await hop.at(15_000);
    assert.deepEqual(hop.out, ["+I[0,2]", "+I[5000,2]"]);
    await hop.end();
  });

  test("windows are aligned to the session time zone's local time", async () => {
    // +05:30: the instant 0 is 05:30 local, in the local hour [05:00, 06:00), which ends at the
    // instant 30 min. window_start / window_end are local TIMESTAMPs, window_time an instant.
    const j = await job(
      `SELECT k, window_start, window_end, window_time, COUNT(*) AS c
       FROM TABLE(TUMBLE(TABLE ep, DESCRIPTOR(p), INTERVAL '1' HOUR))
       GROUP BY k, window_start, window_end, window_time`,
      { timeZone: "Asia/Kolkata" },
    );
    const min = 60_000;
    await j.at(0, a());
    await j.at(30 * min - 1, a());
    assert.deepEqual(j.out, []);
    await j.at(30 * min);
    assert.deepEqual(j.out, [`+I["a",${300 * min},${360 * min},${30 * min - 1},2]`]);
    await j.end();
  });

  test("cascading windows: an aggregation's window_time feeds a larger window", async () => {
    const j = await job(
      `WITH tens AS (
         SELECT k, window_start AS s10, window_time AS wt, COUNT(*) AS c
         FROM TABLE(TUMBLE(TABLE ep, DESCRIPTOR(p), INTERVAL '10' SECOND))
         GROUP BY k, window_start, window_end, window_time)
       SELECT window_start, window_end, COUNT(*) AS windows, SUM(c) AS c
       FROM TABLE(TUMBLE(TABLE tens, DESCRIPTOR(wt), INTERVAL '1' MINUTE))
       GROUP BY window_start, window_end`,
    );
    await j.at(1_000, a(), b());
    await j.at(12_000, a());
    await j.at(59_999);
    assert.deepEqual(j.out, []);
    await j.at(60_000); // the 10 s windows reached the minute window at 10 s and 20 s
    assert.deepEqual(j.out, ["+I[0,60000,3,3]"]);
    await j.end();
  });

  test("a bounded input fires the pending windows at its end", async () => {
    const j = await job(TUMBLE_COUNTS);
    await j.at(1_000, a(1), b(2));
    await j.at(12_000, a(3));
    assert.equal(j.out.length, 2);
    await j.end();
    assert.deepEqual(j.out.slice(2), ['+I["a",1,3,10000,20000]']);
  });

  test("an open window restored from a savepoint keeps its rows and its timer", async () => {
    const first = await job(TUMBLE_COUNTS);
    await first.at(1_000, a(1), b(2));
    await first.at(2_000, a(4));
    const savepoint = await first.client.stopWithSavepoint(SAVEPOINTS);
    assert.deepEqual(first.out, [], "nothing emitted before the savepoint");
    const second = await job(TUMBLE_COUNTS, { restore: savepoint, start: 3_000 });
    await second.at(4_000, a(8));
    await second.at(9_999);
    assert.deepEqual(second.out, []);
    await second.at(10_000);
    assert.deepEqual(second.out.sort(), ['+I["a",3,13,0,10000]', '+I["b",1,2,0,10000]']);
    await second.end();
    assert.equal(second.out.length, 2);
  });
});

describe("types and EXPLAIN", () => {
  /** A session over a bounded values table with a PROCTIME() column, on a manual clock. */
  async function bounded(): Promise<{ t: TableEnvironment; timers: ManualTimerScheduler }> {
    const { env, timers } = manualClockEnv(1);
    const t = TableEnvironment.fromStreamEnvironment(env, { clock: () => timers.now() });
    const id = registerValuesData([
      [0, 1, "x"],
      [0, 2, "y"],
      [0, 3, "x"],
    ]);
    await t.executeSql(
      `CREATE TABLE ev (id INT, k STRING, p AS PROCTIME())
       WITH ('connector' = 'values', 'data-id' = '${id}')`,
    );
    return { t, timers };
  }

  test("window_start / window_end are TIMESTAMP(3), window_time a proctime attribute", async () => {
    const { t } = await bounded();
    const result = await t.executeSql(
      `SELECT k, window_start, window_end, window_time, COUNT(*) AS c
       FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(p), INTERVAL '1' MINUTE))
       GROUP BY k, window_start, window_end, window_time`,
    );
    assert.deepEqual(
      result.columns.map((c) => c.typeText),
      [
        "STRING",
        "TIMESTAMP(3) NOT NULL",
        "TIMESTAMP(3) NOT NULL",
        "TIMESTAMP_LTZ(3) NOT NULL *PROCTIME*",
        "BIGINT NOT NULL",
      ],
    );
    // The clock stays at 0: the input ends inside [0, 1 min), whose rows come at its end.
    const rows = (await result.collect()).map((r) => r.map(plain));
    assert.deepEqual(
      rows.sort((x, y) => String(x[0]).localeCompare(String(y[0]))),
      [
        ["x", 0, 60_000, 59_999, 2],
        ["y", 0, 60_000, 59_999, 1],
      ],
    );
  });

  test("EXPLAIN shows a window aggregation over a processing-time window", async () => {
    const { t } = await bounded();
    const [[plan]] = (await (
      await t.executeSql(
        `EXPLAIN SELECT k, COUNT(*) FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(p), INTERVAL '10' SECOND))
         GROUP BY k, window_start, window_end`,
      )
    ).collect()) as string[][];
    const optimized = plan!.split("== Optimized Execution Plan ==")[1]!;
    assert.match(
      optimized,
      /WindowAggregate\(groupBy=\[k, window_start, window_end\], select=\[k, window_start, window_end, COUNT\(\*\) AS [^\]]+\], changelogMode=\[I\]\)/,
    );
    assert.match(
      optimized,
      /WindowTableFunction\(window=\[TUMBLE\(time_col=\[p\], size=\[10000 ms\]\)\], proctime=\[true\], changelogMode=\[I\]\)/,
    );
  });
});

describe("refusals", () => {
  const refused = async (sql: string, error: RegExp, mode?: "batch") => {
    const t = TableEnvironment.create(mode !== undefined ? { mode } : {});
    const id = registerValuesData([[0, 1, "x"]]);
    await t.executeSql(
      `CREATE TABLE ev (id INT, k STRING, p AS PROCTIME())
       WITH ('connector' = 'values', 'data-id' = '${id}')`,
    );
    assert.throws(() => t.sqlQuery(sql), error);
  };
  const agg = `SELECT k, window_start, window_end, COUNT(*) AS c
    FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(p), INTERVAL '10' SECOND))
    GROUP BY k, window_start, window_end`;

  test("a processing-time window TVF on its own, or read by the aggregates", async () => {
    const alone =
      /TUMBLE: windows over the processing-time attribute p can only feed a window aggregation/;
    await refused(
      "SELECT * FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(p), INTERVAL '10' SECOND))",
      alone,
    );
    await refused(
      `SELECT window_start, window_end, MAX(window_time) FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(p), INTERVAL '10' SECOND))
       GROUP BY window_start, window_end`,
      alone,
    );
  });

  test("SESSION over processing time, and batch mode", async () => {
    await refused(
      `SELECT k, window_start, window_end, COUNT(*) FROM TABLE(SESSION(TABLE ev PARTITION BY k, DESCRIPTOR(p), INTERVAL '5' SECOND))
       GROUP BY k, window_start, window_end`,
      /SESSION: windows over the processing-time attribute p are not supported yet/,
    );
    await refused(
      "SELECT k, COUNT(*) FROM ev GROUP BY SESSION(p, INTERVAL '5' SECOND), k",
      /SESSION: windows over the processing-time attribute p are not supported yet/,
    );
    await refused(
      agg,
      /TUMBLE: windows over the processing-time attribute p are not supported in batch mode/,
      "batch",
    );
  });

  test("window Top-N and window joins over processing-time windows", async () => {
    await refused(
      `SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY c DESC) AS rn
       FROM (${agg})) WHERE rn <= 1`,
      /window Top-N or window deduplication over processing-time windows is not supported/,
    );
    await refused(
      `SELECT l.k, r.c FROM (${agg}) l JOIN (${agg}) r
       ON l.k = r.k AND l.window_start = r.window_start AND l.window_end = r.window_end`,
      /window join over processing-time windows is not supported/,
    );
  });
});
