/**
 * GROUPING SETS, ROLLUP, CUBE with GROUPING() / GROUPING_ID() / GROUP_ID() (an Expand node under
 * the aggregation), and QUALIFY on bounded input, end to end in batch and streaming mode.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyChangelog, TableEnvironment } from "../../src/index.ts";
import { groupingSetsOf } from "../../src/table/planner/bind-grouping.ts";
import { parseStatement } from "../../src/table/sql/index.ts";
import type { SelectQuery } from "../../src/table/sql/ast-query.ts";
import { exprToString } from "../../src/table/sql/index.ts";
import { INT, STRING } from "../../src/table/types/index.ts";

function env(mode: "batch" | "streaming", parallelism = 1): TableEnvironment {
  const t = TableEnvironment.create({ mode, parallelism });
  t.catalogs.registerRows(
    "sales",
    [
      { name: "region", type: STRING() },
      { name: "item", type: STRING() },
      { name: "qty", type: INT() },
    ],
    [
      ["north", "apple", 3],
      ["north", "apple", 2],
      ["north", "pear", 5],
      ["south", "pear", 1],
      ["south", null, 4],
    ],
  );
  t.catalogs.registerRows(
    "nothing",
    [
      { name: "k", type: STRING() },
      { name: "v", type: INT() },
    ],
    [],
  );
  return t;
}

async function rows(t: TableEnvironment, sql: string): Promise<string[]> {
  const r = await (await t.executeSql(sql)).collect();
  return r.map((x) => JSON.stringify(x)).sort();
}

const MODES = [
  ["batch", 1],
  ["batch", 4],
  ["streaming", 1],
  ["streaming", 4],
] as const;

const sets = (groupBy: string): string[] => {
  const stmt = parseStatement(`SELECT 1 FROM t GROUP BY ${groupBy}`);
  const q = (stmt as { query: SelectQuery }).query;
  return groupingSetsOf(q.groupBy!).map((s) => `(${s.map((e) => exprToString(e)).join(", ")})`);
};

test("grouping sets of ROLLUP, CUBE, GROUPING SETS and their cross product", () => {
  assert.deepEqual(sets("ROLLUP (a, b)"), ["(a, b)", "(a)", "()"]);
  assert.deepEqual(sets("CUBE (a, b)"), ["(a, b)", "(a)", "(b)", "()"]);
  assert.deepEqual(sets("ROLLUP (a, (b, c))"), ["(a, b, c)", "(a)", "()"]);
  assert.deepEqual(sets("GROUPING SETS ((a, b), a, ())"), ["(a, b)", "(a)", "()"]);
  assert.deepEqual(sets("a, ROLLUP (b, c)"), ["(a, b, c)", "(a, b)", "(a)"]);
  assert.deepEqual(sets("GROUPING SETS (a, ROLLUP (b))"), ["(a)", "(b)", "()"]);
  assert.deepEqual(sets("CUBE (a), CUBE (b)"), ["(a, b)", "(a)", "(b)", "()"]);
  assert.deepEqual(sets("a, b"), ["(a, b)"]);
  assert.deepEqual(sets("()"), ["()"]);
});

for (const [mode, p] of MODES) {
  const label = `(${mode}, p${p})`;

  test(`ROLLUP with GROUPING, GROUPING_ID and types ${label}`, async () => {
    const t = env(mode, p);
    const sql = `SELECT region, item, SUM(qty) AS s, COUNT(*) AS n, GROUPING(region) AS g,
        GROUPING_ID(region, item) AS gid, GROUP_ID() AS d
      FROM sales GROUP BY ROLLUP (region, item)`;
    const r = await t.executeSql(sql);
    assert.deepEqual(
      r.columns.map((c) => `${c.name} ${c.typeText}`),
      [
        "region STRING",
        "item STRING",
        "s INT",
        "n BIGINT NOT NULL",
        "g BIGINT NOT NULL",
        "gid BIGINT NOT NULL",
        "d BIGINT NOT NULL",
      ],
    );
    assert.deepEqual(await rows(t, sql), [
      '["north","apple",5,2,0,0,0]',
      '["north","pear",5,1,0,0,0]',
      '["north",null,10,3,0,1,0]',
      '["south","pear",1,1,0,0,0]',
      '["south",null,4,1,0,0,0]',
      '["south",null,5,2,0,1,0]',
      "[null,null,15,5,1,3,0]",
    ]);
  });

  test(`CUBE with HAVING over GROUPING ${label}`, async () => {
    const t = env(mode, p);
    assert.deepEqual(
      await rows(
        t,
        `SELECT region, item, COUNT(*) FROM sales GROUP BY CUBE (region, item)
         HAVING GROUPING_ID(region, item) IN (2, 3)`,
      ),
      ['[null,"apple",2]', '[null,"pear",2]', "[null,null,1]", "[null,null,5]"],
    );
  });

  test(`the empty grouping set over empty input ${label}`, async () => {
    const t = env(mode, p);
    const got = await rows(
      t,
      "SELECT k, COUNT(*), SUM(v), GROUPING(k) FROM nothing GROUP BY GROUPING SETS ((k), (), ())",
    );
    // Batch: one row per empty set, as a global aggregate; streaming: nothing (Flink).
    assert.deepEqual(got, mode === "batch" ? ["[null,0,null,1]", "[null,0,null,1]"] : []);
  });

  test(`QUALIFY keeps the top row per key ${label}`, async () => {
    const t = env(mode, p);
    assert.deepEqual(
      await rows(
        t,
        `SELECT region, item, qty FROM sales
         QUALIFY ROW_NUMBER() OVER (PARTITION BY region ORDER BY qty DESC) = 1`,
      ),
      ['["north","pear",5]', '["south",null,4]'],
    );
  });
}

test("streaming: retractions of an updating input go through the expansion", async () => {
  const t = env("streaming", 2);
  const r = await t.executeSql(
    `SELECT region, SUM(n) FROM (SELECT region, item, COUNT(*) AS n FROM sales GROUP BY region, item) x
     GROUP BY ROLLUP (region)`,
  );
  const changes = await r.changelog();
  const kinds = new Set(changes.map((c) => c[0]));
  assert.ok(kinds.has(1) && kinds.has(2), `expected -U/+U in ${JSON.stringify(changes)}`);
  const final = applyChangelog(changes as never)
    .map((x) => JSON.stringify(x))
    .sort();
  assert.deepEqual(final, ['["north",3]', '["south",2]', "[null,5]"]);
});

test("EXPLAIN shows the Expand node under the aggregation", async () => {
  const t = env("streaming");
  const [[plan]] = await (
    await t.executeSql("EXPLAIN SELECT region, COUNT(*) FROM sales GROUP BY ROLLUP (region)")
  ).collect();
  const text = String(plan);
  assert.match(text, /GroupAggregate\(groupBy=\[region, \$e\]/);
  assert.match(text, /Expand\(projects=\[\{\$0, 0\}, \{null:STRING, 1\}\], changelogMode=\[I\]\)/);
});

test("grouping functions and QUALIFY refuse what they cannot do, with the place", async () => {
  const t = env("batch");
  const cases: [string, RegExp][] = [
    [
      "SELECT GROUPING(qty) FROM sales GROUP BY ROLLUP (region)",
      /line 1, column 17: Argument of GROUPING must be an expression of GROUP BY: qty/,
    ],
    ["SELECT GROUPING() FROM sales GROUP BY region", /GROUPING needs at least one argument/],
    ["SELECT GROUP_ID(region) FROM sales GROUP BY region", /GROUP_ID takes no arguments/],
    [
      "SELECT region, COUNT(*) FROM sales GROUP BY ROLLUP (region) ORDER BY GROUPING(region)",
      /GROUPING is allowed only in the SELECT list and HAVING .* ORDER BY clause: select it/,
    ],
    [
      "SELECT qty FROM sales WHERE GROUPING(qty) = 0",
      /column 29: GROUPING is allowed only in the SELECT list and HAVING of a query with GROUP BY \(found one in the WHERE clause\)/,
    ],
    [
      "SELECT 1 FROM sales GROUP BY CUBE (region, item, qty, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)",
      /column 30: CUBE of 13 groups is too large \(at most 12\)/,
    ],
    [
      "SELECT region, item FROM sales GROUP BY CUBE (region)",
      /Expression 'item' is not being grouped/,
    ],
    ["SELECT region FROM sales QUALIFY region = 'x'", /column 34: QUALIFY needs a window function/],
    [
      "SELECT region FROM sales GROUP BY region QUALIFY ROW_NUMBER() OVER (ORDER BY region) = 1",
      /QUALIFY is supported only in a query without GROUP BY/,
    ],
    [
      "SELECT region FROM sales QUALIFY ROW_NUMBER() OVER (ORDER BY region)",
      /The QUALIFY clause must be a BOOLEAN condition, got BIGINT/,
    ],
  ];
  for (const [sql, re] of cases) {
    await assert.rejects(async () => rows(t, sql), re, sql);
  }
});

test("QUALIFY on unbounded input is refused when planned, unless it is a Top-N", async () => {
  const t = env("streaming");
  await t.executeSql("CREATE TABLE g (a INT, b INT) WITH ('connector' = 'datagen')");
  await assert.rejects(
    async () =>
      rows(t, "SELECT a FROM g QUALIFY ROW_NUMBER() OVER (PARTITION BY b ORDER BY a) > 1"),
    /OVER window functions are supported only on bounded input.*a Top-N/,
  );
});

test("QUALIFY by a SELECT list alias; a FROM column of the same name wins", async () => {
  const t = env("batch");
  assert.deepEqual(
    await rows(
      t,
      `SELECT region, qty, RANK() OVER (PARTITION BY region ORDER BY qty) AS rk FROM sales
       QUALIFY rk <= 2 AND rk > 1`,
    ),
    ['["north",3,2]', '["south",4,2]'],
  );
  assert.deepEqual(
    await rows(
      t,
      `SELECT item AS qty, ROW_NUMBER() OVER (ORDER BY qty DESC) AS rn FROM sales
       QUALIFY qty > 3`,
    ),
    ['["pear",1]', "[null,2]"],
  );
});
