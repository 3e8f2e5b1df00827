/**
 * Streaming plans that compute a non-deterministic function over updating input are refused
 * (Flink's non-deterministic update check, TRY_RESOLVE), with the function and its position;
 * the same function over insert-only input, in batch mode, or with IGNORE runs.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SqlPlanError, TableEnvironment } from "../../src/index.ts";
import { INT, STRING } from "../../src/table/types/index.ts";

function env(mode: "batch" | "streaming"): TableEnvironment {
  const t = TableEnvironment.create({ mode });
  t.catalogs.registerRows(
    "t",
    [
      { name: "k", type: STRING() },
      { name: "v", type: INT() },
    ],
    [
      ["a", 1],
      ["b", 2],
      ["a", 3],
    ],
  );
  return t;
}

const AGG = "(SELECT k, COUNT(*) AS c FROM t GROUP BY k)";

test("a non-deterministic function over an aggregation's updates is refused at its position", async () => {
  const t = env("streaming");
  const cases: [string, RegExp, string][] = [
    [`SELECT k, c, RAND() AS r FROM ${AGG}`, /RAND in column 'r'/, "RAND"],
    [`SELECT k FROM ${AGG} WHERE UUID() > 'x'`, /UUID in a filter condition/, "UUID"],
    [`SELECT k, CAST(NOW() AS STRING) AS n FROM ${AGG}`, /NOW in column 'n'/, "NOW"],
  ];
  for (const [sql, cause, fn] of cases) {
    const column = sql.indexOf(fn) + 1;
    await assert.rejects(
      () => t.executeSql(sql),
      (e: unknown) => {
        assert.ok(e instanceof SqlPlanError, String(e));
        assert.match(e.message, cause);
        assert.match(e.message, /updating input in streaming mode/);
        assert.equal(e.line, 1);
        assert.equal(e.column, column, e.message);
        return true;
      },
    );
  }
});

test("the same functions over insert-only input, in batch mode, or with IGNORE run", async () => {
  const streaming = env("streaming");
  const before = await streaming.executeSql(
    "SELECT k, COUNT(*) AS c, MAX(r) < 1 AS ok FROM (SELECT k, RAND() AS r FROM t) GROUP BY k",
  );
  assert.deepEqual(
    (await before.collect()).map((r) => r[2]),
    [true, true],
  );
  const json = await streaming.executeSql(`SELECT k, JSON_OBJECT('c' VALUE c) FROM ${AGG}`);
  assert.deepEqual((await json.collect()).map((r) => String(r[1])).sort(), ['{"c":1}', '{"c":2}']);
  const batch = env("batch");
  const rows = await (await batch.executeSql(`SELECT k, c, RAND() < 1 FROM ${AGG}`)).collect();
  assert.equal(rows.length, 2);
  streaming.getConfig().set("table.optimizer.non-deterministic-update-strategy", "IGNORE");
  const ignored = await streaming.executeSql(`SELECT k, c FROM ${AGG} WHERE RAND() < 2`);
  assert.equal((await ignored.collect()).length, 2);
  assert.throws(
    () => streaming.getConfig().set("table.optimizer.non-deterministic-update-strategy", "maybe"),
    /expected 'TRY_RESOLVE' or 'IGNORE'/,
  );
});
