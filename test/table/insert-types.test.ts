/**
 * INSERT converts the query's columns to the sink's types where Flink does implicitly (a
 * widening) and refuses, naming the column, a conversion that needs an explicit CAST.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqlPlanError, TableEnvironment } from "../../src/index.ts";

/** A batch environment with a JSON-lines sink `out (cols)` in a fresh directory. */
async function withSink(cols: string): Promise<{ t: TableEnvironment; lines: () => unknown[] }> {
  const t = TableEnvironment.create({ mode: "batch" });
  const dir = mkdtempSync(join(tmpdir(), "strom-insert-types-"));
  await t.executeSql(
    `CREATE TABLE out (${cols}) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'json')`,
  );
  const lines = (): unknown[] =>
    readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => !f.split("/").some((p) => p.startsWith(".")))
      .flatMap((f) => readFileSync(join(dir, f), "utf8").split("\n"))
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as unknown);
  return { t, lines };
}

test("widening conversions are implicit: INT into BIGINT and DOUBLE, DECIMAL into a wider DECIMAL", async () => {
  const { t, lines } = await withSink("a BIGINT, b DOUBLE, c DECIMAL(10, 3), d VARCHAR(20)");
  await (
    await t.executeSql(
      "INSERT INTO out SELECT x, x, CAST(x AS DECIMAL(4, 1)) / 4, CAST('k' AS CHAR(3)) FROM (VALUES (7), (-2)) AS v(x)",
    )
  ).await();
  assert.deepEqual(
    lines()
      .map((l) => JSON.stringify(l))
      .sort(),
    ['{"a":-2,"b":-2,"c":-0.5,"d":"k  "}', '{"a":7,"b":7,"c":1.75,"d":"k  "}'],
  );
});

test("a conversion that needs a CAST is refused before anything runs, naming the column", async () => {
  const { t, lines } = await withSink("id INT, name STRING");
  const cases: [string, RegExp][] = [
    [
      "INSERT INTO out SELECT 1.5E0, 'x'",
      /column 'id' \(position 1\) is INT, the query gives DOUBLE/,
    ],
    [
      "INSERT INTO out SELECT CAST(1 AS BIGINT), 'x'",
      /column 'id' \(position 1\) is INT, the query gives BIGINT/,
    ],
    ["INSERT INTO out SELECT 1, 2", /column 'name' \(position 2\) is STRING, the query gives INT/],
  ];
  for (const [sql, message] of cases) {
    await assert.rejects(
      () => t.executeSql(sql),
      (e: unknown) =>
        e instanceof SqlPlanError && message.test(e.message) && /CAST\(/.test(e.message),
    );
  }
  await (
    await t.executeSql("INSERT INTO out SELECT CAST(1.5E0 AS INT), CAST(2 AS STRING)")
  ).await();
  assert.deepEqual(lines(), [{ id: 1, name: "2" }]);
});
