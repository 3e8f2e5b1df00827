/**
 * Planner statistics (planner/statistics.ts): row counts from the sources (in-memory rows, the
 * `values`, `datagen` and `filesystem` connectors, a factory's own `statistics`, unknown
 * sources), default selectivities, joins, aggregates and limits, as EXPLAIN ESTIMATED_COST
 * prints them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TableEnvironment } from "../../src/index.ts";
import {
  VALUES_CONNECTOR,
  registerValuesData,
  type DynamicTableFactory,
} from "../../src/table/connectors/index.ts";
import { fromValues } from "../../src/table/runtime/values.ts";
import { formatRowCount, selectivity } from "../../src/table/planner/statistics.ts";
import { INT, STRING } from "../../src/table/types/index.ts";
import { call, inputRef, literalOf } from "../../src/table/expr/rex.ts";

function env(): TableEnvironment {
  const t = TableEnvironment.create({ mode: "batch" });
  t.catalogs.registerRows(
    "t",
    [
      { name: "a", type: INT() },
      { name: "b", type: STRING() },
    ],
    Array.from({ length: 200 }, (_, i) => [i, `b${i % 10}`]),
  );
  t.catalogs.registerRows(
    "u",
    [
      { name: "a", type: INT() },
      { name: "c", type: INT() },
    ],
    Array.from({ length: 40 }, (_, i) => [i, i]),
  );
  return t;
}

/** The `rows=` of each line of the optimized plan, top to bottom. */
async function estimates(t: TableEnvironment, sql: string): Promise<string[]> {
  const text = String(
    (await (await t.executeSql(`EXPLAIN ESTIMATED_COST ${sql}`)).collect())[0]![0],
  );
  const optimized = text.split("== Optimized Execution Plan ==\n")[1]!;
  return optimized.split("\n").map((l) => /rows=([^)\s,]+)/.exec(l)?.[1] ?? "?");
}

test("row counts print as Flink does: one decimal, E notation from a thousand", () => {
  assert.equal(formatRowCount(0), "0.0");
  assert.equal(formatRowCount(7.25), "7.3");
  assert.equal(formatRowCount(999), "999.0");
  assert.equal(formatRowCount(1234), "1.2E3");
  assert.equal(formatRowCount(99999), "1.0E5");
  assert.equal(formatRowCount(1e8), "1.0E8");
});

test("default selectivities: = 0.15, ranges 0.5, IS NOT NULL 0.9, AND multiplies, OR adds", () => {
  const a = inputRef(0, INT());
  const eq = call("=", [a, literalOf(1)]);
  const gt = call(">", [a, literalOf(1)]);
  assert.equal(selectivity(eq), 0.15);
  assert.equal(selectivity(gt), 0.5);
  assert.equal(selectivity(call("IS NOT NULL", [a])), 0.9);
  assert.equal(selectivity(call("AND", [eq, gt])), 0.075);
  assert.ok(Math.abs(selectivity(call("OR", [eq, gt])) - 0.575) < 1e-12);
  assert.equal(selectivity(call("NOT", [gt])), 0.5);
  assert.equal(selectivity(literalOf(true)), 1);
  assert.equal(selectivity(call("LIKE", [inputRef(0, STRING()), literalOf("x%")])), 0.25);
});

test("EXPLAIN ESTIMATED_COST shows each node's estimate; plain EXPLAIN does not", async () => {
  const t = env();
  assert.deepEqual(await estimates(t, "SELECT a FROM t WHERE a = 3"), ["30.0", "30.0", "200.0"]);
  assert.deepEqual(await estimates(t, "SELECT a FROM t WHERE a > 3 AND b = 'x'"), [
    "15.0",
    "15.0",
    "100.0",
    "200.0",
  ]);
  assert.deepEqual(await estimates(t, "SELECT COUNT(*) FROM t"), ["1.0", "1.0", "200.0", "200.0"]);
  assert.deepEqual(
    await estimates(t, "SELECT b, COUNT(*) FROM t GROUP BY b").then((r) => r[1]),
    "20.0",
  );
  assert.deepEqual(
    await estimates(t, "SELECT a FROM t ORDER BY a LIMIT 7").then((r) => r[0]),
    "7.0",
  );
  assert.deepEqual(
    await estimates(t, "SELECT a FROM t UNION ALL SELECT a FROM u").then((r) => r[0]),
    "240.0",
  );
  assert.deepEqual(await estimates(t, "VALUES (1), (2), (3)").then((r) => r.at(-1)), "3.0");
  const plain = String((await (await t.executeSql("EXPLAIN SELECT a FROM t")).collect())[0]![0]);
  assert.doesNotMatch(plain, /rows=/);
});

test("joins: an equi-join the larger side, a cross join the product, outer joins their kept side", async () => {
  const t = env();
  const top = async (sql: string) => (await estimates(t, sql)).find((r) => r !== "?");
  assert.equal(await top("SELECT * FROM t JOIN u ON t.a = u.a"), "200.0");
  assert.equal(await top("SELECT * FROM t, u"), "8.0E3");
  assert.equal(await top("SELECT * FROM t JOIN u ON t.a = u.a AND t.a < u.c"), "100.0");
  assert.equal(await top("SELECT * FROM u LEFT JOIN t ON t.a = u.a AND t.a = 1"), "40.0");
  assert.equal(await top("SELECT * FROM t WHERE a IN (SELECT a FROM u)"), "100.0");
});

test("sources report their size: values, datagen's number-of-rows, file sizes; unknown is 1E8", async () => {
  const t = env();
  const id = registerValuesData([
    [0, 1],
    [0, 2],
    [0, 3],
  ]);
  await t.executeSql(
    `CREATE TABLE v (x INT) WITH ('connector' = 'values', 'data-id' = '${id}', 'bounded' = 'true')`,
  );
  await t.executeSql(
    "CREATE TABLE g (x INT) WITH ('connector' = 'datagen', 'number-of-rows' = '1234')",
  );
  await t.executeSql("CREATE TABLE gu (x INT) WITH ('connector' = 'datagen')");
  const dir = mkdtempSync(join(tmpdir(), "strom-stats-"));
  try {
    // 1000 lines of "123456,abcdefgh": 16 bytes each.
    writeFileSync(join(dir, "a.csv"), "123456,abcdefgh\n".repeat(1000));
    await t.executeSql(
      `CREATE TABLE f (x INT, s VARCHAR(8)) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv')`,
    );
    const scan = async (name: string) => (await estimates(t, `SELECT * FROM ${name}`)).at(-1);
    assert.equal(await scan("v"), "3.0");
    assert.equal(await scan("g"), "1.2E3");
    assert.equal(await scan("gu"), "1.0E8");
    const files = Number(await scan("f"));
    assert.ok(files >= 500 && files <= 2000, `estimate ${files} for 1000 lines`);
    t.catalogs.registerStream("s", [{ name: "x", type: INT() }], (e) => fromValues(e, [[0, 1]]));
    assert.equal(await scan("s"), "1.0E8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a connector factory reports statistics through its statistics() method", async () => {
  const t = env();
  const sized: DynamicTableFactory = {
    ...VALUES_CONNECTOR,
    identifier: "sized",
    statistics: () => ({ rowCount: 4.2e6 }),
  };
  t.catalogs.connectors.register(sized);
  await t.executeSql("CREATE TABLE big (x INT) WITH ('connector' = 'sized')");
  assert.equal((await estimates(t, "SELECT * FROM big")).at(-1), "4.2E6");
});
