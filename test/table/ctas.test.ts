/**
 * CREATE TABLE ... AS SELECT (the table's columns come from the query, its options from the
 * statement, then the query's rows are inserted) and INSERT INTO t (col, ...) with a column list
 * (the columns not named get NULL, a NOT NULL one is an error).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TableEnvironment } from "../../src/index.ts";

const GEN = `CREATE TABLE gen (id INT, v INT) WITH ('connector' = 'datagen', 'number-of-rows' = '10',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '10',
  'fields.v.kind' = 'sequence', 'fields.v.start' = '0', 'fields.v.end' = '9')`;

const sorted = (rows: unknown[][]): string[] => rows.map((r) => JSON.stringify(r)).sort();

function fsOptions(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `strom-ctas-${name}-`));
  return `WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'json')`;
}

/** Reads a table back in a batch query of `t`'s catalog. */
async function readBack(t: TableEnvironment, sql: string): Promise<string[]> {
  return sorted(await (await t.executeSql(sql)).collect());
}

for (const mode of ["batch", "streaming"] as const) {
  test(`CREATE TABLE ... AS SELECT creates the table from the query and fills it (${mode})`, async () => {
    const t = TableEnvironment.create({ mode, parallelism: mode === "batch" ? 1 : 2 });
    await t.executeSql(GEN);
    const r = await t.executeSql(
      `CREATE TABLE doubled ${fsOptions("d")} AS SELECT id, v * 2 AS w, CAST(id AS STRING) AS s FROM gen WHERE id <= 3`,
    );
    assert.equal(r.kind, "INSERT");
    await r.await();
    const described = await (await t.executeSql("DESCRIBE doubled")).collect();
    assert.deepEqual(
      described.map((row) => [row[0], row[1]]),
      [
        ["id", "INT"],
        ["w", "INT"],
        ["s", "STRING"],
      ],
    );
    assert.deepEqual(
      await readBack(t, "SELECT * FROM doubled"),
      sorted([
        [1, 0, "1"],
        [2, 2, "2"],
        [3, 4, "3"],
      ]),
    );
  });
}

test("CTAS refuses declared columns and cleans up when its INSERT cannot run", async () => {
  const t = TableEnvironment.create({ mode: "streaming" });
  await t.executeSql(GEN);
  await assert.rejects(
    t.executeSql(`CREATE TABLE c1 (x INT) ${fsOptions("c1")} AS SELECT id FROM gen`),
    /takes its columns from the query/,
  );
  // An updating query cannot go into the append-only filesystem sink: no table is left behind.
  await assert.rejects(
    t.executeSql(
      `CREATE TABLE c2 ${fsOptions("c2")} AS SELECT v % 2 AS k, COUNT(*) AS n FROM gen GROUP BY v % 2`,
    ),
    /doesn't support consuming update changes/,
  );
  await assert.rejects(t.executeSql("DESCRIBE c2"), /c2/);
  // A query that does not plan creates nothing either.
  await assert.rejects(
    t.executeSql(`CREATE TABLE c3 ${fsOptions("c3")} AS SELECT nope FROM gen`),
    /Column 'nope' not found/,
  );
  await assert.rejects(t.executeSql("DESCRIBE c3"), /c3/);
});

test("CTAS with IF NOT EXISTS over an existing table does nothing", async () => {
  const t = TableEnvironment.create({ mode: "batch" });
  await t.executeSql(GEN);
  await (
    await t.executeSql(`CREATE TABLE once ${fsOptions("once")} AS SELECT id FROM gen WHERE id = 1`)
  ).await();
  const r = await t.executeSql(
    `CREATE TABLE IF NOT EXISTS once ${fsOptions("x")} AS SELECT id FROM gen WHERE id = 2`,
  );
  assert.equal(r.kind, "SUCCESS");
  assert.deepEqual(await readBack(t, "SELECT * FROM once"), sorted([[1]]));
});

for (const mode of ["batch", "streaming"] as const) {
  test(`INSERT INTO t (cols) fills the other columns with NULL, in the table's order (${mode})`, async () => {
    const t = TableEnvironment.create({ mode });
    await t.executeSql(GEN);
    await t.executeSql(`CREATE TABLE people (id INT, name STRING, v INT) ${fsOptions("p")}`);
    await (
      await t.executeSql("INSERT INTO people (v, id) SELECT v, id FROM gen WHERE id <= 2")
    ).await();
    await (await t.executeSql("INSERT INTO people (name, id) VALUES ('ann', 7)")).await();
    assert.deepEqual(
      await readBack(t, "SELECT id, name, v FROM people"),
      sorted([
        [1, null, 0],
        [2, null, 1],
        [7, "ann", null],
      ]),
    );
  });
}

test("INSERT column lists: unknown, repeated and missing NOT NULL columns are errors", async () => {
  const t = TableEnvironment.create({ mode: "batch" });
  await t.executeSql(GEN);
  await t.executeSql(`CREATE TABLE k (id INT NOT NULL, name STRING) ${fsOptions("k")}`);
  await assert.rejects(
    t.executeSql("INSERT INTO k (nme) SELECT 'x'"),
    /Unknown column 'nme' in the column list of INSERT INTO k \(its columns: id, name\)/,
  );
  await assert.rejects(
    t.executeSql("INSERT INTO k (id, id) SELECT 1, 2"),
    /Column 'id' appears twice/,
  );
  await assert.rejects(
    t.executeSql("INSERT INTO k (name) SELECT 'x'"),
    /Column 'id' of k is NOT NULL/,
  );
  await assert.rejects(
    t.executeSql("INSERT INTO k (id, name) SELECT id FROM gen"),
    /the query has 1 columns, the column list 2/,
  );
  await assert.rejects(
    t.executeSql("INSERT OVERWRITE k SELECT id, 'x' FROM gen"),
    /INSERT OVERWRITE is not supported yet/,
  );
});
