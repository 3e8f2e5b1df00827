/**
 * Join ordering by estimated sizes (`table.optimizer.join-reorder-enabled`): the chosen order
 * shows in EXPLAIN, and the rows are the same with and without it, in batch and streaming mode.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { TableEnvironment } from "../../src/index.ts";
import { registerValuesData } from "../../src/table/connectors/index.ts";
import { INT, STRING } from "../../src/table/types/index.ts";

const rows = (n: number, f: (i: number) => unknown[]): unknown[][] =>
  Array.from({ length: n }, (_, i) => f(i));

/** big (1000 rows) -> mid (100) -> small (5), plus a table with NULL keys. */
function env(mode: "batch" | "streaming", parallelism = 1, reorder = true): TableEnvironment {
  const t = TableEnvironment.create({ mode, parallelism });
  t.catalogs.registerRows(
    "big",
    [
      { name: "id", type: INT() },
      { name: "m", type: INT() },
    ],
    rows(1000, (i) => [i, i % 7 === 0 ? null : i % 120]),
  );
  t.catalogs.registerRows(
    "mid",
    [
      { name: "id", type: INT() },
      { name: "s", type: INT() },
    ],
    rows(100, (i) => [i, i % 6]),
  );
  t.catalogs.registerRows(
    "small",
    [
      { name: "s", type: INT() },
      { name: "name", type: STRING() },
    ],
    rows(5, (i) => [i, `n${i}`]),
  );
  if (reorder) t.getConfig().set("table.optimizer.join-reorder-enabled", "true");
  return t;
}

async function plan(t: TableEnvironment, sql: string): Promise<string> {
  const text = String(
    (await (await t.executeSql(`EXPLAIN ESTIMATED_COST ${sql}`)).collect())[0]![0],
  );
  return text.split("== Optimized Execution Plan ==\n")[1]!;
}

async function result(t: TableEnvironment, sql: string): Promise<string[]> {
  return (await (await t.executeSql(sql)).collect()).map((r) => JSON.stringify(r)).sort();
}

/** The scans of a plan, top to bottom. */
function scans(p: string): string[] {
  return [...p.matchAll(/TableSourceScan\(table=\[\[(?:\w+\.)*(\w+)\]\]/g)].map((m) => m[1]!);
}

const CHAIN =
  "SELECT big.id, mid.id AS mid_id, small.name FROM big, mid, small " +
  "WHERE big.m = mid.id AND mid.s = small.s";

test("a chain of inner joins starts with the smallest input and joins along equalities", async () => {
  const t = env("batch");
  const p = await plan(t, CHAIN);
  assert.deepEqual(scans(p), ["small", "mid", "big"], p);
  assert.doesNotMatch(p, /where=\[true\]/, "no cross join");
  assert.match(p, /Join\(joinType=\[INNER\], where=\[=\(\$3, \$0\)\].*rows=100\.0\)/, p);
  const off = env("batch", 1, false);
  assert.deepEqual(scans(await plan(off, CHAIN)), ["big", "mid", "small"]);
  // The columns keep their order and names.
  const r = await t.executeSql(CHAIN);
  assert.deepEqual(
    r.columns.map((c) => c.name),
    ["id", "mid_id", "name"],
  );
});

test("join ordering is off by default and the option takes only true or false", async () => {
  const t = TableEnvironment.create({ mode: "batch" });
  assert.equal(t.getConfig().joinReorder, false);
  assert.throws(
    () => t.getConfig().set("table.optimizer.join-reorder-enabled", "yes"),
    /Invalid value 'yes' for option 'table.optimizer.join-reorder-enabled': expected true or false/,
  );
});

test("no cross join is introduced when the smallest input is only reachable through others", async () => {
  const t = env("batch");
  // small joins big only through mid: the order must keep every step an equi-join.
  const sql =
    "SELECT COUNT(*) FROM big JOIN mid ON big.m = mid.id JOIN small ON mid.s = small.s AND big.id > 500";
  const p = await plan(t, sql);
  assert.doesNotMatch(p, /where=\[true\]/, p);
  assert.deepEqual(await result(t, sql), await result(env("batch", 1, false), sql));
});

test("outer joins are barriers: inner chains on either side are ordered on their own", async () => {
  const t = env("batch");
  const sql =
    "SELECT b.id, x.name FROM big b LEFT JOIN " +
    "(SELECT mid.id, small.name FROM mid JOIN small ON mid.s = small.s) x ON b.m = x.id " +
    "JOIN mid m2 ON b.id = m2.id";
  const p = await plan(t, sql);
  assert.match(p, /joinType=\[LEFT\]/);
  assert.deepEqual(await result(t, sql), await result(env("batch", 1, false), sql));
});

for (const [mode, p] of [
  ["batch", 1],
  ["streaming", 1],
  ["streaming", 4],
] as const) {
  test(`reordered joins give the same rows (${mode}, p${p})`, async () => {
    for (const sql of [
      CHAIN,
      "SELECT small.name, COUNT(*), SUM(big.id) FROM big JOIN mid ON big.m = mid.id " +
        "JOIN small ON mid.s = small.s WHERE big.id % 3 = 0 GROUP BY small.name",
      // A condition over three inputs and a non-equality conjunct.
      "SELECT big.id, small.s FROM big, mid, small WHERE big.m = mid.id AND big.id + small.s = mid.id * 10 AND mid.id < 50",
      // A genuine cross join stays (and gives the same rows).
      "SELECT small.name, mid.id FROM small, mid, big WHERE mid.id = big.id AND big.id < 3",
    ]) {
      assert.deepEqual(
        await result(env(mode, p), sql),
        await result(env(mode, p, false), sql),
        sql,
      );
    }
  });
}

test("reordered joins over a retracting input give the same final rows (streaming, p1 and p4)", async () => {
  const id = registerValuesData([
    [0, 1, 0],
    [0, 2, 1],
    [1, 1, 0],
    [2, 1, 3],
    [0, 3, null],
    [3, 2, 1],
    [0, 4, 2],
  ]);
  const sql =
    "SELECT x.k, mid.id, small.name FROM x JOIN mid ON x.k = mid.id JOIN small ON mid.s = small.s JOIN big ON big.id = x.k";
  for (const p of [1, 4]) {
    const results: string[][] = [];
    for (const reorder of [true, false]) {
      const t = env("streaming", p, reorder);
      await t.executeSql(
        `CREATE TABLE x (k INT, v INT) WITH ('connector' = 'values', 'data-id' = '${id}', 'changelog-mode' = 'I,UB,UA,D')`,
      );
      if (reorder) assert.deepEqual(scans(await plan(t, sql)), ["small", "mid", "x", "big"]);
      results.push(await result(t, sql));
    }
    assert.deepEqual(results[0], results[1]);
    assert.ok(results[0]!.length > 0);
  }
});
