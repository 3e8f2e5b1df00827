/**
 * SQL end to end through `executeSql`: DDL with the built-in connectors, queries over them in
 * both modes, INSERT INTO sinks, SHOW / DESCRIBE / EXPLAIN, and errors that name their cause.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TableEnvironment } from "../../src/index.ts";

const GEN = `CREATE TABLE gen (id INT, v INT) WITH ('connector' = 'datagen', 'number-of-rows' = '100',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '100',
  'fields.v.kind' = 'sequence', 'fields.v.start' = '0', 'fields.v.end' = '99')`;

const sorted = (rows: unknown[][]): string[] => rows.map((r) => JSON.stringify(r)).sort();

async function rows(t: TableEnvironment, sql: string): Promise<unknown[][]> {
  return (await t.executeSql(sql)).collect();
}

for (const [mode, p] of [
  ["batch", 1],
  ["streaming", 1],
  ["streaming", 4],
] as const) {
  test(`datagen and filesystem tables, the same answers (${mode}, p${p})`, async () => {
    const t = TableEnvironment.create({ mode, parallelism: p });
    await t.executeSql(GEN);
    assert.deepEqual(await rows(t, "SELECT COUNT(*), SUM(id), MAX(v) FROM gen"), [[100, 5050, 99]]);
    assert.deepEqual(
      sorted(await rows(t, "SELECT v % 3 AS m, COUNT(*) FROM gen WHERE id > 10 GROUP BY v % 3")),
      sorted([
        [0, 30],
        [1, 30],
        [2, 30],
      ]),
    );
    const dir = mkdtempSync(join(tmpdir(), "strom-sql-"));
    writeFileSync(join(dir, "a.csv"), '1,x\n2,y\n3,"z,w"\n');
    await t.executeSql(
      `CREATE TABLE csv_in (a INT, b STRING) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv')`,
    );
    assert.deepEqual(
      sorted(await rows(t, "SELECT a, UPPER(b) FROM csv_in")),
      sorted([
        [1, "X"],
        [2, "Y"],
        [3, "Z,W"],
      ]),
    );
    const joined = await rows(t, "SELECT c.b, g.v FROM csv_in c JOIN gen g ON c.a = g.id");
    assert.deepEqual(
      sorted(joined),
      sorted([
        ["x", 0],
        ["y", 1],
        ["z,w", 2],
      ]),
    );
  });
}

test("INSERT INTO a filesystem table, then read it back", async () => {
  const t = TableEnvironment.create({ mode: "batch" });
  const dir = mkdtempSync(join(tmpdir(), "strom-sql-out-"));
  await t.executeSql(GEN);
  await t.executeSql(
    `CREATE TABLE sink (id INT, tag STRING) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'json')`,
  );
  const r = await t.executeSql(
    "INSERT INTO sink SELECT id, CASE WHEN id % 2 = 0 THEN 'even' ELSE 'odd' END FROM gen WHERE id <= 4",
  );
  assert.equal(r.kind, "INSERT");
  await r.await();
  const text = readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => !f.split("/").some((p) => p.startsWith(".")))
    .map((f) => readFileSync(join(dir, f), "utf8"))
    .join("");
  assert.deepEqual(text.trim().split("\n").sort(), [
    '{"id":1,"tag":"odd"}',
    '{"id":2,"tag":"even"}',
    '{"id":3,"tag":"odd"}',
    '{"id":4,"tag":"even"}',
  ]);
  assert.deepEqual(
    sorted(await rows(t, "SELECT * FROM sink")),
    sorted([
      [1, "odd"],
      [2, "even"],
      [3, "odd"],
      [4, "even"],
    ]),
  );
});

test("catalog statements: SHOW, DESCRIBE, EXPLAIN, SET", async () => {
  const t = TableEnvironment.create();
  await t.executeSql(GEN);
  assert.deepEqual(await rows(t, "SHOW TABLES"), [["gen"]]);
  const desc = await rows(t, "DESCRIBE gen");
  assert.deepEqual(
    desc.map((r) => r.slice(0, 2)),
    [
      ["id", "INT"],
      ["v", "INT"],
    ],
  );
  const [[plan]] = await rows(t, "EXPLAIN SELECT v FROM gen WHERE 1 = 1 AND id > 2");
  assert.match(String(plan), /== Optimized Execution Plan ==/);
  assert.match(String(plan), /changelogMode=\[I\]/);
  await t.executeSql("SET 'execution.runtime-mode' = 'batch'");
  assert.equal(t.getConfig().get("execution.runtime-mode"), "batch");
  await assert.rejects(
    () => t.executeSql("SET 'execution.runtime-mode' = 'fast'"),
    /expected 'streaming' or 'batch'/,
  );
});

test("bad DDL and bad queries name the cause and the place; nothing runs", async () => {
  const t = TableEnvironment.create();
  await assert.rejects(
    () => t.executeSql("CREATE TABLE bad (id INT) WITH ('connector' = 'datagen', 'nope' = '1')"),
    /Unsupported options found for 'datagen'[\s\S]*nope \(line 1, column 58\)[\s\S]*Supported options:[\s\S]*number-of-rows/,
  );
  await assert.rejects(
    () =>
      t.executeSql("CREATE TABLE f (id INT) WITH ('connector' = 'filesystem', 'format' = 'csv')"),
    /path/,
  );
  await t.executeSql(GEN);
  await t.executeSql(
    "CREATE TABLE p (v INT, n BIGINT) WITH ('connector' = 'filesystem', 'path' = '/tmp/x', 'format' = 'csv')",
  );
  await assert.rejects(
    () => t.executeSql("INSERT INTO p SELECT v, COUNT(*) FROM gen GROUP BY v"),
    /doesn't support consuming update changes/,
  );
  await assert.rejects(
    () => t.executeSql("SELECT * FROM gen WHERE"),
    /SQL parse error at line 1, column 24/,
  );
  await assert.rejects(() => t.executeSql("SELECT * FROM nowhere"), /nowhere/);
});
