/**
 * Window Top-N and window deduplication in streaming mode where arrival order matters
 * (parallelism 1, rows in a controlled order, a watermark per row): each window is ranked once
 * when the watermark passes its end, insert-only; rows of a window already ranked are late and
 * dropped; EXPLAIN names the operators. (tests/sql/window-topn.slt checks every mode agrees.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { TableEnvironment } from "../../src/index.ts";
import { registerValuesData } from "../../src/table/connectors/values.ts";
import { RowKind } from "../../src/table/runtime/row.ts";
import { Timestamp } from "../../src/table/types/timestamp.ts";

const sec = (s: number) => Timestamp.fromMillis(s * 1000);

/** A streaming session at parallelism 1 over rows `(id, score, ts seconds)` in this order. */
async function events(rows: readonly [number, number][]): Promise<TableEnvironment> {
  const t = TableEnvironment.create({ parallelism: 1 });
  const id = registerValuesData(rows.map(([score, s], i) => [0, i + 1, score, sec(s)]));
  await t.executeSql(
    `CREATE TABLE ev (id INT, score INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
     WITH ('connector' = 'values', 'data-id' = '${id}', 'scan.watermark.emit.strategy' = 'on-event')`,
  );
  return t;
}

const TOP2 = `SELECT window_start, id, score, rn FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY score DESC) AS rn
  FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' SECOND))) WHERE rn <= 2`;

test("window Top-N emits each window's top rows once, insert-only, in window order", async () => {
  // Watermark = ts: 12 closes [0, 10), 25 closes [10, 20).
  const t = await events([
    [5, 1],
    [9, 2],
    [7, 3],
    [1, 12],
    [8, 14],
    [3, 25],
  ]);
  const changes = await (await t.executeSql(TOP2)).changelog();
  assert.ok(
    changes.every((c) => c[0] === RowKind.INSERT),
    `expected only +I, got ${JSON.stringify(changes)}`,
  );
  const shown = changes.map((c) => [(c[1] as Timestamp).millis / 1000, c[2], c[3], c[4]]);
  assert.deepEqual(shown, [
    [0, 2, 9, 1],
    [0, 3, 7, 2],
    [10, 5, 8, 1],
    [10, 4, 1, 2],
    [20, 6, 3, 1],
  ]);
});

test("a row of a window already ranked is late and dropped, never changing the result", async () => {
  // 15 moves the watermark past [0, 10)'s end; 99 at second 4 arrives after: late.
  const t = await events([
    [5, 1],
    [9, 2],
    [7, 15],
    [99, 4],
  ]);
  const rows = (await (await t.executeSql(TOP2)).collect()) as unknown[][];
  const shown = rows.map((r) => [(r[0] as Timestamp).millis / 1000, r[1], r[2], r[3]]);
  assert.deepEqual(
    shown.sort((a, b) => Number(a[0]) - Number(b[0]) || Number(a[3]) - Number(b[3])),
    [
      [0, 2, 9, 1],
      [0, 1, 5, 2],
      [10, 3, 7, 1],
    ],
  );
});

test("window deduplication keeps the first or last row per key and window", async () => {
  const t = await events([
    [1, 3],
    [1, 1],
    [2, 2],
    [1, 12],
    [2, 11],
  ]);
  const sql = (order: string) =>
    `SELECT score, id FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, score ORDER BY ts ${order}) AS rn
     FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' SECOND))) WHERE rn = 1`;
  const sorted = (r: unknown[][]) => r.map((x) => `${String(x[0])}:${String(x[1])}`).sort();
  assert.deepEqual(sorted((await (await t.executeSql(sql("ASC"))).collect()) as unknown[][]), [
    "1:2",
    "1:4",
    "2:3",
    "2:5",
  ]);
  const t2 = await events([
    [1, 3],
    [1, 1],
    [2, 2],
    [1, 12],
    [2, 11],
  ]);
  assert.deepEqual(sorted((await (await t2.executeSql(sql("DESC"))).collect()) as unknown[][]), [
    "1:1",
    "1:4",
    "2:3",
    "2:5",
  ]);
});

test("EXPLAIN shows WindowRank and WindowDeduplicate with an insert-only changelog", async () => {
  const t = await events([[1, 1]]);
  const plan = async (sql: string) =>
    String(((await (await t.executeSql(`EXPLAIN ${sql}`)).collect()) as unknown[][])[0]![0]);
  assert.match(
    await plan(TOP2),
    /WindowRank\(window=\[win_end=\[window_end\]\], rankType=\[ROW_NUMBER\], rankRange=\[rankStart=1, rankEnd=2\], partitionBy=\[window_start, window_end\], orderBy=\[score DESC\].*changelogMode=\[I\]/,
  );
  assert.match(
    await plan(
      `SELECT id FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, score ORDER BY ts) AS rn
       FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' SECOND))) WHERE rn = 1`,
    ),
    /WindowDeduplicate\(window=\[win_end=\[window_end\]\], keep=\[FirstRow\], partitionKeys=\[window_start, window_end, score\], orderBy=\[ts ASC\], changelogMode=\[I\]/,
  );
});
