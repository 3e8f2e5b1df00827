/**
 * Aggregate push-down (`table.optimizer.agg-push-down-enabled`): pre-aggregating one side of an
 * inner equi-join and partial aggregates in the branches of UNION ALL. The plans show in
 * EXPLAIN; the rows must be the same as without the option, NULL keys, empty inputs and
 * retracting inputs included, in batch and streaming mode.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { TableEnvironment } from "../../src/index.ts";
import { registerValuesData } from "../../src/table/connectors/index.ts";
import { INT, STRING } from "../../src/table/types/index.ts";

const OPTION = "table.optimizer.agg-push-down-enabled";

/** A retracting changelog: ann's 10 becomes 12, bob's row is deleted, a NULL key arrives. */
const changes = registerValuesData([
  [0, 1, "ann", 10],
  [0, 2, "bob", 20],
  [1, 1, "ann", 10],
  [2, 1, "ann", 12],
  [0, 3, null, 5],
  [0, 4, "ann", 1],
  [3, 2, "bob", 20],
  [0, 5, "cid", null],
]);

function env(mode: "batch" | "streaming", parallelism: number, on: boolean): TableEnvironment {
  const t = TableEnvironment.create({ mode, parallelism });
  t.catalogs.registerRows(
    "emp",
    [
      { name: "id", type: INT() },
      { name: "dept", type: STRING() },
      { name: "sal", type: INT() },
    ],
    [
      [1, "eng", 10],
      [2, "eng", 20],
      [3, "ops", 5],
      [4, null, 7],
      [5, "ops", null],
      [6, "hr", 3],
      [7, null, null],
    ],
  );
  t.catalogs.registerRows(
    "dept",
    [
      { name: "code", type: STRING() },
      { name: "title", type: STRING() },
    ],
    [
      ["eng", "E"],
      ["ops", "O"],
      ["ops", "O2"],
      ["law", "L"],
      [null, "N"],
    ],
  );
  if (mode === "streaming") {
    t.executeSql(
      `CREATE TABLE upd (id INT, name STRING, v INT) WITH ('connector' = 'values', 'data-id' = '${changes}', 'changelog-mode' = 'I,UB,UA,D')`,
    );
  }
  if (on) t.getConfig().set(OPTION, "true");
  return t;
}

async function plan(t: TableEnvironment, sql: string): Promise<string> {
  const text = String((await (await t.executeSql(`EXPLAIN ${sql}`)).collect())[0]![0]);
  return text.split("== Optimized Execution Plan ==\n")[1]!;
}

async function result(t: TableEnvironment, sql: string): Promise<string[]> {
  return (await (await t.executeSql(sql)).collect()).map((r) => JSON.stringify(r)).sort();
}

const JOIN_QUERIES = [
  "SELECT d.title, SUM(e.sal), COUNT(*), COUNT(e.sal), MIN(e.id), MAX(d.code) FROM emp e JOIN dept d ON e.dept = d.code GROUP BY d.title",
  "SELECT e.dept, COUNT(*), MAX(d.title) FROM emp e JOIN dept d ON e.dept = d.code GROUP BY e.dept",
  "SELECT COUNT(*), SUM(e.sal), MIN(d.title) FROM emp e JOIN dept d ON e.dept = d.code",
  "SELECT COUNT(*), SUM(e.sal) FROM emp e JOIN dept d ON e.dept = d.code WHERE e.id > 100",
  "SELECT d.title, COUNT(*) FROM emp e JOIN dept d ON e.dept IS NOT DISTINCT FROM d.code GROUP BY d.title",
  "SELECT d.code, SUM(e.sal) FILTER (WHERE e.sal > 5) FROM emp e JOIN dept d ON e.dept = d.code GROUP BY d.code",
];

const UNION_QUERIES = [
  "SELECT dept, COUNT(*), SUM(sal), MIN(id), MAX(sal), COUNT(sal) FROM (SELECT id, dept, sal FROM emp UNION ALL SELECT 10, code, CAST(NULL AS INT) FROM dept UNION ALL SELECT id + 20, dept, sal * 2 FROM emp WHERE id > 3) GROUP BY dept",
  "SELECT COUNT(*), SUM(sal) FROM (SELECT sal FROM emp WHERE id > 100 UNION ALL SELECT sal FROM emp WHERE id < 0)",
  "SELECT DISTINCT dept FROM (SELECT dept FROM emp UNION ALL SELECT code FROM dept)",
];

test("a GROUP BY over an inner equi-join pre-aggregates the larger side", async () => {
  const p = await plan(env("batch", 1, true), JOIN_QUERIES[0]!);
  assert.match(
    p,
    /GroupAggregate\(groupBy=\[title\], select=\[title, SUM\(EXPR\$agg0\) AS EXPR\$agg0, SUM0\(EXPR\$agg1\) AS EXPR\$agg1, SUM0\(EXPR\$agg2\) AS EXPR\$agg2, MIN\(EXPR\$agg3\) AS EXPR\$agg3, MAX\(code\) AS EXPR\$agg4\]/,
    p,
  );
  assert.match(
    p,
    /Join[^\n]*\n\s+\+- GroupAggregate\(groupBy=\[dept\], select=\[dept, SUM\(sal\)/,
    p,
  );
  const off = await plan(env("batch", 1, false), JOIN_QUERIES[0]!);
  assert.doesNotMatch(off, /SUM0/);
});

test("a GROUP BY over UNION ALL aggregates each branch, then combines the partial results", async () => {
  const p = await plan(env("batch", 1, true), UNION_QUERIES[0]!);
  assert.equal(p.match(/GroupAggregate/g)?.length, 4, p);
  assert.match(p, /Union\(all=\[true\]/);
  assert.match(p, /SUM0\(EXPR\$agg0\)/);
});

test("aggregates that cannot be split keep the plan", async () => {
  const t = env("batch", 1, true);
  for (const sql of [
    "SELECT d.title, COUNT(DISTINCT e.sal) FROM emp e JOIN dept d ON e.dept = d.code GROUP BY d.title",
    "SELECT d.title, AVG(e.sal) FROM emp e JOIN dept d ON e.dept = d.code GROUP BY d.title",
    "SELECT d.title, LISTAGG(e.dept) FROM emp e JOIN dept d ON e.dept = d.code GROUP BY d.title",
    // SUM over the other side would need multiplying by the match count.
    "SELECT d.title, SUM(e.sal), COUNT(d.title) FROM emp e JOIN dept d ON e.dept = d.code GROUP BY d.title",
    "SELECT d.title, COUNT(*) FROM emp e JOIN dept d ON e.dept = d.code AND e.sal > 3 GROUP BY d.title",
    "SELECT COUNT(DISTINCT dept) FROM (SELECT dept FROM emp UNION ALL SELECT code FROM dept)",
  ]) {
    const p = await plan(t, sql);
    assert.equal(p.match(/GroupAggregate/g)?.length, 1, `${sql}\n${p}`);
  }
  assert.equal(TableEnvironment.create({ mode: "batch" }).getConfig().aggPushDown, false);
});

for (const [mode, p] of [
  ["batch", 1],
  ["streaming", 1],
  ["streaming", 4],
] as const) {
  test(`pushed-down aggregates give the same rows (${mode}, p${p})`, async () => {
    for (const sql of [...JOIN_QUERIES, ...UNION_QUERIES]) {
      assert.deepEqual(
        await result(env(mode, p, true), sql),
        await result(env(mode, p, false), sql),
        sql,
      );
    }
  });
}

for (const p of [1, 4]) {
  test(`pushed-down aggregates over retracting input (streaming, p${p})`, async () => {
    const queries = [
      "SELECT d.title, COUNT(*), SUM(u.v), MIN(u.v), MAX(u.id) FROM upd u JOIN dept d ON u.name = d.code OR u.name = 'ann' AND d.code = 'eng' GROUP BY d.title",
      "SELECT u.name, COUNT(*), SUM(u.v), MIN(u.v), MAX(d.title) FROM upd u JOIN dept d ON u.name = d.code GROUP BY u.name",
      "SELECT d.code, COUNT(*), SUM(v), MAX(v) FROM (SELECT name, v FROM upd UNION ALL SELECT dept, sal FROM emp) AS x JOIN dept d ON x.name = d.code GROUP BY d.code",
      "SELECT name, COUNT(*), SUM(v), MIN(v), MAX(v) FROM (SELECT name, v FROM upd UNION ALL SELECT dept, sal FROM emp UNION ALL SELECT name, v * 2 FROM upd) GROUP BY name",
    ];
    for (const sql of queries) {
      const on = env("streaming", p, true);
      assert.deepEqual(await result(on, sql), await result(env("streaming", p, false), sql), sql);
    }
    const shown = await plan(env("streaming", p, true), queries[1]!);
    assert.match(shown, /GroupAggregate\(groupBy=\[name\][^\n]*changelogMode=\[I,UB,UA,D\]/, shown);
  });
}
