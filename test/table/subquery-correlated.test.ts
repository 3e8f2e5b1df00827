/**
 * Correlated subqueries end to end: scalar subqueries correlated through equalities (in SELECT
 * and WHERE, aggregated or not), subqueries inside them, an updating outer query in streaming,
 * the run-time check of a non-aggregated one, and the errors for what is not supported.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { TableEnvironment } from "../../src/index.ts";
import { INT, STRING } from "../../src/table/types/index.ts";

const sorted = (rows: unknown[][]): string[] => rows.map((r) => JSON.stringify(r)).sort();

function env(mode: "batch" | "streaming", parallelism: number): TableEnvironment {
  const t = TableEnvironment.create({ mode, parallelism });
  t.catalogs.registerRows(
    "c",
    [
      { name: "name", type: STRING() },
      { name: "tier", type: INT() },
    ],
    [
      ["ann", 1],
      ["bob", 2],
      ["cy", 2],
      [null, 3],
    ],
  );
  t.catalogs.registerRows(
    "o",
    [
      { name: "cust", type: STRING() },
      { name: "amount", type: INT() },
    ],
    [
      ["ann", 10],
      ["ann", 20],
      ["bob", 5],
      [null, 7],
    ],
  );
  return t;
}

const CASES: [string, unknown[][]][] = [
  [
    "SELECT name, (SELECT COUNT(*) FROM o WHERE UPPER(o.cust) = UPPER(c.name)) FROM c",
    [
      ["ann", 2],
      ["bob", 1],
      ["cy", 0],
      [null, 0],
    ],
  ],
  [
    "SELECT name, (SELECT SUM(amount) FROM o WHERE o.cust = c.name AND o.amount IN (SELECT amount FROM o WHERE amount > 6)) FROM c",
    [
      ["ann", 30],
      ["bob", null],
      ["cy", null],
      [null, null],
    ],
  ],
  [
    "SELECT name, (SELECT MAX(amount) FROM o WHERE o.cust = c.name AND o.amount < (SELECT AVG(amount) FROM o o2 WHERE o2.cust = o.cust)) FROM c",
    [
      ["ann", 10],
      ["bob", null],
      ["cy", null],
      [null, null],
    ],
  ],
  [
    // Two scalar subqueries, one of them uncorrelated, and an IN condition beside them.
    "SELECT name, (SELECT COUNT(*) FROM o WHERE o.cust = c.name), (SELECT MAX(amount) FROM o) FROM c WHERE tier IN (SELECT tier FROM c WHERE tier < 3)",
    [
      ["ann", 2, 20],
      ["bob", 1, 20],
      ["cy", 0, 20],
    ],
  ],
  [
    // The outer query updates its rows in streaming (a GROUP BY): the joins follow.
    "SELECT k, s, (SELECT COUNT(*) FROM c WHERE c.tier = t.s / 10) FROM (SELECT cust AS k, SUM(amount) AS s FROM o GROUP BY cust) t",
    [
      ["ann", 30, 1],
      ["bob", 5, 0],
      [null, 7, 0],
    ],
  ],
  ["SELECT name FROM c WHERE tier < (SELECT COUNT(*) FROM o WHERE o.cust = c.name)", [["ann"]]],
  // Correlated through other conditions than equalities.
  [
    "SELECT name, (SELECT COUNT(*) FROM o WHERE o.cust = c.name AND o.amount > c.tier * 5) FROM c",
    [
      ["ann", 2],
      ["bob", 0],
      ["cy", 0],
      [null, 0],
    ],
  ],
  [
    "SELECT name, (SELECT MIN(amount) FROM o WHERE o.amount > c.tier * 6), (SELECT COUNT(*) FROM o WHERE o.amount > c.tier * 9) FROM c",
    [
      ["ann", 7, 2],
      ["bob", 20, 1],
      ["cy", 20, 1],
      [null, 20, 0],
    ],
  ],
  [
    "SELECT name FROM c WHERE EXISTS (SELECT 1 FROM o WHERE o.cust <> c.name)",
    [["ann"], ["bob"], ["cy"]],
  ],
  [
    "SELECT name FROM c WHERE tier IN (SELECT amount / 5 FROM o WHERE o.cust <> c.name)",
    [["ann"], ["bob"], ["cy"]],
  ],
  [
    "SELECT name FROM c WHERE tier NOT IN (SELECT amount / 5 FROM o WHERE o.cust <> c.name)",
    [[null]],
  ],
];

for (const [mode, p] of [
  ["batch", 1],
  ["streaming", 1],
  ["streaming", 4],
] as const) {
  test(`correlated scalar subqueries (${mode}, p${p})`, async () => {
    const t = env(mode, p);
    for (const [sql, expected] of CASES) {
      const rows = await (await t.executeSql(sql)).collect();
      assert.deepEqual(sorted(rows), sorted(expected), sql);
    }
  });

  test(`a non-aggregated correlated scalar subquery fails on a second row (${mode}, p${p})`, async () => {
    const t = env(mode, p);
    await assert.rejects(
      async () =>
        (
          await t.executeSql("SELECT name, (SELECT amount FROM o WHERE o.cust = c.name) FROM c")
        ).collect(),
      /A scalar subquery returned more than one row/,
    );
    const rows = await (
      await t.executeSql(
        "SELECT name, (SELECT amount FROM o WHERE o.cust = c.name AND amount > 15) FROM c",
      )
    ).collect();
    assert.deepEqual(
      sorted(rows),
      sorted([
        ["ann", 20],
        ["bob", null],
        ["cy", null],
        [null, null],
      ]),
    );
  });
}

test("outer references outside the WHERE clause are refused at their position", async () => {
  const t = env("batch", 1);
  await assert.rejects(
    t.executeSql(
      "SELECT name,\n  (SELECT MAX(amount) + c.tier FROM o WHERE o.cust = c.name) FROM c",
    ),
    (e: Error) =>
      /line 2, column 25: The correlated reference 'c.tier' to the outer query is supported only in the subquery's WHERE clause, not in its SELECT list, GROUP BY or HAVING/.test(
        e.message,
      ),
  );
  await assert.rejects(
    t.executeSql(
      "SELECT name, (SELECT COUNT(*) FROM o WHERE o.cust = c.name HAVING COUNT(*) > c.tier) FROM c",
    ),
    /column 78: The correlated reference 'c.tier'/,
  );
  await assert.rejects(
    t.executeSql(
      "SELECT name FROM c WHERE EXISTS (SELECT COUNT(*) FROM o WHERE o.cust = c.name GROUP BY o.cust)",
    ),
    /Correlated EXISTS \/ IN subqueries with GROUP BY, DISTINCT or aggregates are not supported yet/,
  );
});

test("a correlated scalar subquery through the Table API and in EXPLAIN", async () => {
  const t = env("batch", 1);
  const table = t.sqlQuery(
    "SELECT name, (SELECT COUNT(*) FROM o WHERE o.cust = c.name) AS n FROM c",
  );
  assert.deepEqual(
    sorted(await (await table.execute()).collect()),
    sorted([
      ["ann", 2],
      ["bob", 1],
      ["cy", 0],
      [null, 0],
    ]),
  );
  const plan = table.explain();
  assert.match(plan, /Join\(joinType=\[LEFT\], where=\[IS NOT DISTINCT FROM\(\$0, \$3\)\]\)/);
  assert.match(plan, /COUNT\(\*\) FILTER/);
});
