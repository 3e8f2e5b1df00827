/**
 * Sub-plan reuse (`table.optimizer.reuse-sub-plan-enabled`, on by default as in Flink): identical
 * stateful parts of a plan, written twice in a query, run once and feed both consumers.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { TableEnvironment } from "../../src/index.ts";
import { registerValuesData } from "../../src/table/connectors/values.ts";

/** Counts the rows every instance of the aggregate accumulates. */
let accumulated = 0;
const countingSum = {
  kind: "aggregate",
  resultType: "BIGINT",
  createAccumulator: (): { sum: number } => ({ sum: 0 }),
  accumulate(acc: { sum: number }, v: number | null) {
    accumulated++;
    if (v !== null) acc.sum += v;
  },
  retract(acc: { sum: number }, v: number | null) {
    if (v !== null) acc.sum -= v;
  },
  getValue: (acc: { sum: number }) => acc.sum,
};

const QUERY = `SELECT a.k, a.s, b.s FROM
  (SELECT k, counting_sum(v) AS s FROM t GROUP BY k) AS a
  JOIN (SELECT k, counting_sum(v) AS s FROM t GROUP BY k) AS b ON a.k = b.k`;

async function run(reuse: boolean | undefined): Promise<string[]> {
  const tEnv = TableEnvironment.create({ mode: "batch" });
  tEnv.createTemporarySystemFunction("counting_sum", countingSum);
  if (reuse !== undefined)
    tEnv.getConfig().set("table.optimizer.reuse-sub-plan-enabled", String(reuse));
  const id = registerValuesData(Array.from({ length: 100 }, (_, i) => [0, i % 3, i]));
  await tEnv.executeSql(
    `CREATE TABLE t (k INT, v INT) WITH ('connector' = 'values', 'data-id' = '${id}')`,
  );
  accumulated = 0;
  const rows = await (await tEnv.executeSql(QUERY)).collect();
  return rows.map((r) => r.join("|")).sort();
}

test("an aggregation written twice runs once by default, and twice with reuse off", async () => {
  const shared = await run(undefined);
  assert.equal(accumulated, 100, "each row accumulated once");
  const separate = await run(false);
  assert.equal(accumulated, 200, "each copy accumulates every row");
  assert.deepEqual(shared, separate);
  assert.deepEqual(shared, ["0|1683|1683", "1|1617|1617", "2|1650|1650"]);
});
