/** End-to-end SQL through the planner: in-process row tables and VALUES, batch and streaming. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { applyChangelog, TableEnvironment } from "../../src/index.ts";
import { INT, STRING, BIGINT } from "../../src/table/types/index.ts";

function env(mode: "batch" | "streaming", parallelism = 1): TableEnvironment {
  const t = TableEnvironment.create({ mode, parallelism });
  t.catalogs.registerRows(
    "orders",
    [
      { name: "id", type: INT() },
      { name: "customer", type: STRING() },
      { name: "amount", type: INT() },
    ],
    [
      [1, "ann", 10],
      [2, "bob", 20],
      [3, "ann", 5],
      [4, "cid", null],
      [5, "bob", 7],
    ],
  );
  t.catalogs.registerRows(
    "customers",
    [
      { name: "name", type: STRING() },
      { name: "city", type: STRING() },
    ],
    [
      ["ann", "Oslo"],
      ["bob", "Bergen"],
      ["dan", "Tromso"],
    ],
  );
  return t;
}

const sorted = (rows: unknown[][]): string[] => rows.map((r) => JSON.stringify(r)).sort();

for (const [mode, p] of [
  ["batch", 1],
  ["streaming", 1],
  ["streaming", 4],
] as const) {
  test(`filter, projection, group by and having (${mode}, p${p})`, async () => {
    const t = env(mode, p);
    const r = await t.executeSql(
      "SELECT customer, COUNT(*) AS n, SUM(amount) AS total FROM orders WHERE id > 1 GROUP BY customer HAVING COUNT(*) >= 1",
    );
    assert.deepEqual(
      r.columns.map((c) => `${c.name} ${c.typeText}`),
      ["customer STRING", "n BIGINT NOT NULL", "total INT"],
    );
    assert.deepEqual(
      sorted(await r.collect()),
      sorted([
        ["ann", 1, 5],
        ["bob", 2, 27],
        ["cid", 1, null],
      ]),
    );
  });

  test(`joins, union, distinct, order by and limit (${mode}, p${p})`, async () => {
    const t = env(mode, p);
    const inner = await (
      await t.executeSql(
        "SELECT o.id, c.city FROM orders o JOIN customers c ON o.customer = c.name WHERE o.amount > 6",
      )
    ).collect();
    assert.deepEqual(
      sorted(inner),
      sorted([
        [1, "Oslo"],
        [2, "Bergen"],
        [5, "Bergen"],
      ]),
    );
    const left = await (
      await t.executeSql(
        "SELECT c.name, o.id FROM customers c LEFT JOIN orders o ON o.customer = c.name",
      )
    ).collect();
    assert.deepEqual(
      sorted(left),
      sorted([
        ["ann", 1],
        ["ann", 3],
        ["bob", 2],
        ["bob", 5],
        ["dan", null],
      ]),
    );
    const u = await (
      await t.executeSql("SELECT customer FROM orders UNION SELECT name FROM customers")
    ).collect();
    assert.deepEqual(sorted(u), sorted([["ann"], ["bob"], ["cid"], ["dan"]]));
    if (mode === "batch" || p === 1) {
      const top = await (
        await t.executeSql("SELECT id, amount FROM orders ORDER BY amount DESC NULLS LAST LIMIT 2")
      ).collect();
      assert.deepEqual(top, [
        [2, 20],
        [1, 10],
      ]);
    }
  });

  test(`IN and EXISTS subqueries, VALUES, CASE (${mode}, p${p})`, async () => {
    const t = env(mode, p);
    const r = await (
      await t.executeSql(
        "SELECT id, CASE WHEN amount >= 10 THEN 'big' ELSE 'small' END AS size FROM orders WHERE customer IN (SELECT name FROM customers WHERE city <> 'Oslo')",
      )
    ).collect();
    assert.deepEqual(
      sorted(r),
      sorted([
        [2, "big"],
        [5, "small"],
      ]),
    );
    const notIn = await (
      await t.executeSql("SELECT id FROM orders WHERE customer NOT IN (SELECT name FROM customers)")
    ).collect();
    assert.deepEqual(notIn, [[4]]);
    const v = await (
      await t.executeSql(
        "SELECT a + 1, b FROM (VALUES (1, 'x'), (2, CAST(NULL AS STRING))) AS t(a, b)",
      )
    ).collect();
    assert.deepEqual(
      sorted(v),
      sorted([
        [2, "x"],
        [3, null],
      ]),
    );
  });
}

for (const [mode, p] of [
  ["batch", 1],
  ["streaming", 1],
  ["streaming", 4],
] as const) {
  test(`scalar subqueries in WHERE and SELECT (${mode}, p${p})`, async () => {
    const t = env(mode, p);
    const above = await (
      await t.executeSql("SELECT id FROM orders WHERE amount > (SELECT AVG(amount) FROM orders)")
    ).collect();
    assert.deepEqual(sorted(above), sorted([[2]]));
    const diff = await (
      await t.executeSql("SELECT id, amount - (SELECT MIN(amount) FROM orders) FROM orders")
    ).collect();
    assert.deepEqual(
      sorted(diff),
      sorted([
        [1, 5],
        [2, 15],
        [3, 0],
        [4, null],
        [5, 2],
      ]),
    );
    const empty = await (
      await t.executeSql(
        "SELECT id, (SELECT city FROM customers WHERE name = 'zed') FROM orders WHERE id = 1",
      )
    ).collect();
    assert.deepEqual(empty, [[1, null]]);
    await assert.rejects(
      async () =>
        (
          await t.executeSql("SELECT id FROM orders WHERE customer = (SELECT name FROM customers)")
        ).collect(),
      /scalar subquery returned more than one row/,
    );
  });
}

test("bad statements fail with the cause and the position", async () => {
  const t = env("batch");
  await assert.rejects(
    () => t.executeSql("SELECT nope FROM orders"),
    /line 1, column 8: Column 'nope' not found/,
  );
  await assert.rejects(() => t.executeSql("SELECT id FROM missing"), /missing/);
  await assert.rejects(
    () => t.executeSql("SELECT o.id FROM orders o, orders p WHERE id = 1"),
    /Column 'id' is ambiguous/,
  );
  await assert.rejects(
    () => t.executeSql("SELECT customer, SUM(amount) FROM orders"),
    /Expression 'customer' is not being grouped/,
  );
  await assert.rejects(
    () => t.executeSql("SELECT FOO(id) FROM orders"),
    /No match found for function signature FOO/,
  );
  await assert.rejects(() => t.executeSql("SELECT id +\n 'x' FROM orders"), /line 1/);
});

test("EXPLAIN shows the plan with changelog modes", async () => {
  const t = env("streaming");
  const r = await t.executeSql(
    "EXPLAIN SELECT customer, COUNT(*) FROM orders WHERE 1 = 1 GROUP BY customer",
  );
  const [[plan]] = await r.collect();
  assert.match(String(plan), /GroupAggregate\(groupBy=\[customer\].*changelogMode=\[I,UB,UA,D\]/);
  assert.match(String(plan), /TableSourceScan\(table=\[\[orders\]\]/);
  assert.doesNotMatch(String(plan).split("== Optimized")[1]!, /where=\[true\]/);
  void BIGINT;
});

test("streaming aggregation emits retractions", async () => {
  const t = env("streaming");
  const r = await t.executeSql("SELECT customer, SUM(amount) FROM orders GROUP BY customer");
  const changes = await r.changelog();
  const kinds = changes.map((c) => c[0]);
  assert.ok(kinds.includes(1) && kinds.includes(2), `expected -U/+U in ${JSON.stringify(changes)}`);
});

test("mini-batch aggregation: fewer changes, the same final result", async () => {
  const perRow = env("streaming");
  const q = "SELECT customer, SUM(amount) AS total, COUNT(*) AS n FROM orders GROUP BY customer";
  const all = await (await perRow.executeSql(q)).changelog();
  const mini = env("streaming");
  await mini.executeSql("SET 'table.exec.mini-batch.enabled' = 'true'");
  await mini.executeSql("SET 'table.exec.mini-batch.size' = '1000'");
  await mini.executeSql("SET 'table.exec.mini-batch.allow-latency' = '5 s'");
  const batched = await (await mini.executeSql(q)).changelog();
  assert.ok(batched.length < all.length, `${batched.length} changes vs ${all.length}`);
  assert.deepEqual(batched.map((r) => r[0]).sort(), [0, 0, 0]);
  const final = (rows: unknown[][]): string[] => sorted(applyChangelog(rows as never));
  assert.deepEqual(final(batched), final(all));
  await assert.rejects(
    () => mini.executeSql("SET 'table.exec.mini-batch.allow-latency' = 'soon'"),
    /expected a duration/,
  );
});

test("correlated EXISTS / IN through equalities and through other conditions", async () => {
  const t = env("streaming", 2);
  const r = await (
    await t.executeSql(
      "SELECT c.name FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer = c.name AND o.amount > 15)",
    )
  ).collect();
  assert.deepEqual(r, [["bob"]]);
  const none = await (
    await t.executeSql(
      "SELECT name FROM customers c WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.customer = c.name)",
    )
  ).collect();
  assert.deepEqual(none, [["dan"]]);
  // Other correlations run per distinct outer value (see subqueries-correlated.ts).
  const other = await (
    await t.executeSql(
      "SELECT name FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > CHAR_LENGTH(c.name) * 4)",
    )
  ).collect();
  assert.deepEqual(sorted(other), sorted([["ann"], ["bob"], ["dan"]]));
  const mixed = await (
    await t.executeSql(
      "SELECT name FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer = c.name AND o.amount > CHAR_LENGTH(c.name) * 4)",
    )
  ).collect();
  assert.deepEqual(mixed, [["bob"]]);
});

test("ORDER BY a column or expression that is not selected", async () => {
  const t = env("batch");
  const r = await (
    await t.executeSql("SELECT id FROM orders ORDER BY amount DESC NULLS LAST, id")
  ).collect();
  assert.deepEqual(r, [[2], [1], [5], [3], [4]]);
  const e = await (
    await t.executeSql("SELECT customer FROM orders ORDER BY id * -1 LIMIT 2")
  ).collect();
  assert.deepEqual(e, [["bob"], ["cid"]]);
  await assert.rejects(
    () => t.executeSql("SELECT DISTINCT customer FROM orders ORDER BY amount"),
    /Column 'amount' not found/,
  );
});
