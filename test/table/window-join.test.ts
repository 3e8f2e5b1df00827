/**
 * Window joins in streaming mode where arrival order matters (parallelism 1, rows in a
 * controlled order, a watermark per row): each window's pairs are emitted once when the
 * watermark passes its end, insert-only, outer rows padded then; late rows dropped; EXPLAIN.
 * (tests/sql/window-join.slt checks that every mode agrees.)
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { TableEnvironment } from "../../src/index.ts";
import { registerValuesData } from "../../src/table/connectors/values.ts";
import { RowKind } from "../../src/table/runtime/row.ts";
import { Timestamp } from "../../src/table/types/timestamp.ts";

const sec = (s: number) => Timestamp.fromMillis(s * 1000);

/** Registers table `name (id INT, k INT, ts)` of rows `[id, k, second]` in this order. */
async function table(
  t: TableEnvironment,
  name: string,
  rows: readonly [number, number, number][],
): Promise<void> {
  const id = registerValuesData(rows.map(([i, k, s]) => [0, i, k, sec(s)]));
  await t.executeSql(
    `CREATE TABLE ${name} (id INT, k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
     WITH ('connector' = 'values', 'data-id' = '${id}', 'scan.watermark.emit.strategy' = 'on-event')`,
  );
}

const tvf = (name: string) =>
  `(SELECT * FROM TABLE(TUMBLE(TABLE ${name}, DESCRIPTOR(ts), INTERVAL '10' SECOND)))`;

const FULL = `SELECT a.id, b.id, COALESCE(a.window_start, b.window_start) FROM ${tvf("a")} a FULL JOIN ${tvf("b")} b
  ON a.window_start = b.window_start AND a.window_end = b.window_end AND a.k = b.k`;

test("a FULL window join emits each window's pairs and padded rows once, insert-only", async () => {
  const t = TableEnvironment.create({ parallelism: 1 });
  await table(t, "a", [
    [1, 1, 1],
    [2, 2, 3],
    [3, 1, 12],
  ]);
  await table(t, "b", [
    [10, 1, 2],
    [11, 3, 4],
    [12, 1, 25],
  ]);
  const plan = String(
    ((await (await t.executeSql(`EXPLAIN ${FULL}`)).collect()) as unknown[][])[0]![0],
  );
  assert.match(
    plan,
    /WindowJoin\(leftWindow=\[win_end=\[window_end\]\], rightWindow=\[win_end=\[window_end\]\], joinType=\[FULL\].*changelogMode=\[I\]/,
  );
  const changes = await (await t.executeSql(FULL)).changelog();
  assert.ok(
    changes.every((c) => c[0] === RowKind.INSERT),
    `expected only +I, got ${JSON.stringify(changes)}`,
  );
  const shown = changes
    .map((c) => `${String(c[1])}-${String(c[2])}@${(c[3] as Timestamp).millis / 1000}`)
    .sort();
  assert.deepEqual(shown, ["1-10@0", "2-null@0", "3-null@10", "null-11@0", "null-12@20"]);
});

test("rows behind the join's watermark are dropped, never joined twice", async () => {
  const t = TableEnvironment.create({ parallelism: 1 });
  // b's rows at 5 and 16 arrive after b's watermark reached 40: whether they are late depends
  // on how far a's watermark (the join's is the smaller) had come, which the interleaving of
  // the two sources decides. Either way each pair is emitted at most once, and the pair of
  // rows that are never late is always there.
  await table(t, "a", [
    [1, 1, 1],
    [2, 1, 15],
    [3, 1, 30],
  ]);
  await table(t, "b", [
    [10, 1, 2],
    [11, 1, 40],
    [12, 1, 5],
    [13, 1, 16],
  ]);
  const rows = (await (
    await t.executeSql(
      `SELECT a.id, b.id FROM ${tvf("a")} a JOIN ${tvf("b")} b
       ON a.window_start = b.window_start AND a.window_end = b.window_end AND a.k = b.k`,
    )
  ).collect()) as unknown[][];
  const got = rows.map((r) => `${String(r[0])}-${String(r[1])}`).sort();
  assert.ok(got.includes("1-10"), JSON.stringify(got));
  assert.equal(new Set(got).size, got.length, JSON.stringify(got));
  assert.ok(
    got.every((p) => ["1-10", "1-12", "2-13"].includes(p)),
    JSON.stringify(got),
  );
});

test("a join of windowed inputs without both window columns stays a regular join", async () => {
  const t = TableEnvironment.create({ parallelism: 1 });
  await table(t, "a", [[1, 1, 1]]);
  await table(t, "b", [[10, 1, 2]]);
  const plan = String(
    (
      (await (
        await t.executeSql(
          `EXPLAIN SELECT a.id, b.id FROM ${tvf("a")} a JOIN ${tvf("b")} b ON a.window_start = b.window_start AND a.k = b.k`,
        )
      ).collect()) as unknown[][]
    )[0]![0],
  );
  assert.doesNotMatch(plan, /WindowJoin/);
  assert.match(plan, /Join\(joinType=\[INNER\]/);
});
