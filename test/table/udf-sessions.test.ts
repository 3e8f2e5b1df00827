/**
 * User functions belong to their table environment: two sessions may define the same name
 * differently, DROP FUNCTION and dropTemporarySystemFunction unregister them, SHOW FUNCTIONS
 * lists the session's, and names resolve in Flink's order (temporary system, built-in,
 * temporary catalog, catalog function).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TableEnvironment } from "../../src/index.ts";

const FIXTURE = "./test/fixtures/sql-udfs.ts";

async function rows(t: TableEnvironment, sql: string): Promise<unknown[][]> {
  return (await t.executeSql(sql)).collect();
}

function moduleDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "strom-udf-sessions-"));
  writeFileSync(
    join(dir, "fns.mjs"),
    'export const mask = Object.assign((s) => "*".repeat(s.length), { resultType: "STRING" });\n' +
      'export const hide = Object.assign((s) => "#".repeat(s.length), { resultType: "STRING" });\n',
  );
  return dir;
}

test("a temporary system function is visible only in its own session", async () => {
  const a = TableEnvironment.create();
  const b = TableEnvironment.create();
  a.createTemporarySystemFunction("twice", (x: number) => 2 * x, { resultType: "INT" });
  assert.deepEqual(await rows(a, "SELECT twice(2)"), [[4]]);
  await assert.rejects(
    () => rows(b, "SELECT twice(2)"),
    /No match found for function signature TWICE/,
  );
  // The same name in another session, with another implementation.
  b.createTemporarySystemFunction("twice", (x: number) => 20 * x, { resultType: "INT" });
  assert.deepEqual(await rows(b, "SELECT twice(2)"), [[40]]);
  assert.deepEqual(await rows(a, "SELECT twice(2)"), [[4]]);
  // Re-registering replaces in its session only.
  a.createTemporarySystemFunction("twice", (x: number) => 3 * x, { resultType: "INT" });
  assert.deepEqual(await rows(a, "SELECT twice(2)"), [[6]]);
  assert.deepEqual(await rows(b, "SELECT twice(2)"), [[40]]);
});

test("dropTemporarySystemFunction and DROP TEMPORARY SYSTEM FUNCTION unregister", async () => {
  const t = TableEnvironment.create();
  t.createTemporarySystemFunction("inc", (x: number) => x + 1, { resultType: "INT" });
  assert.deepEqual(await rows(t, "SELECT inc(1)"), [[2]]);
  assert.deepEqual(await rows(t, "SHOW USER FUNCTIONS"), [["inc"]]);
  assert.equal(t.dropTemporarySystemFunction("INC"), true);
  assert.equal(t.dropTemporarySystemFunction("inc"), false);
  await assert.rejects(() => rows(t, "SELECT inc(1)"), /No match found for function signature INC/);
  t.createTemporarySystemFunction("inc", (x: number) => x + 1, { resultType: "INT" });
  await t.executeSql("DROP TEMPORARY SYSTEM FUNCTION inc");
  await assert.rejects(() => rows(t, "SELECT inc(1)"), /No match found/);
  assert.deepEqual(await rows(t, "SHOW USER FUNCTIONS"), []);
});

test("CREATE FUNCTION / DROP FUNCTION register and unregister in the session", async () => {
  const dir = moduleDir();
  try {
    const t = TableEnvironment.create();
    const other = TableEnvironment.create();
    await t.executeSql(`CREATE FUNCTION mask AS '${join(dir, "fns.mjs")}#mask'`);
    assert.deepEqual(await rows(t, "SELECT mask('ab')"), [["**"]]);
    await assert.rejects(() => rows(other, "SELECT mask('ab')"), /No match found/);
    const shown = (await rows(t, "SHOW FUNCTIONS")).map((r) => r[0]);
    assert.ok(shown.includes("mask") && shown.includes("upper"));
    assert.ok(!(await rows(other, "SHOW FUNCTIONS")).some((r) => r[0] === "mask"));
    await t.executeSql("DROP FUNCTION mask");
    await assert.rejects(() => rows(t, "SELECT mask('ab')"), /No match found/);
    // A temporary catalog function shadows the catalog function of the same name.
    await t.executeSql(`CREATE FUNCTION mask AS '${join(dir, "fns.mjs")}#mask'`);
    await t.executeSql(`CREATE TEMPORARY FUNCTION mask AS '${join(dir, "fns.mjs")}#hide'`);
    assert.deepEqual(await rows(t, "SELECT mask('ab')"), [["##"]]);
    await t.executeSql("DROP TEMPORARY FUNCTION mask");
    assert.deepEqual(await rows(t, "SELECT mask('ab')"), [["**"]]);
    // Qualified names reach catalog functions.
    assert.deepEqual(await rows(t, "SELECT default_catalog.default_database.mask('abc')"), [
      ["***"],
    ]);
    // A temporary system function comes before catalog functions.
    t.createTemporarySystemFunction("mask", (s: string) => s, { resultType: "STRING" });
    assert.deepEqual(await rows(t, "SELECT mask('ab')"), [["ab"]]);
    t.dropTemporarySystemFunction("mask");
    assert.deepEqual(await rows(t, "SELECT mask('ab')"), [["**"]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a catalog function persisted by another session is loaded when first used", async () => {
  const dir = moduleDir();
  const catalogPath = join(dir, "catalog");
  try {
    const a = TableEnvironment.create({ catalogPath });
    await a.executeSql(`CREATE FUNCTION mask AS '${join(dir, "fns.mjs")}#mask'`);
    const b = TableEnvironment.create({ catalogPath });
    assert.deepEqual(await rows(b, "SELECT mask('abc')"), [["***"]]);
    await b.executeSql("DROP FUNCTION mask");
    await assert.rejects(() => rows(b, "SELECT mask('ab')"), /No match found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("table and aggregate functions are per session too", async () => {
  const a = TableEnvironment.create();
  const b = TableEnvironment.create();
  await a.executeSql(`CREATE TEMPORARY SYSTEM FUNCTION split AS '${FIXTURE}#split'`);
  await a.executeSql(`CREATE TEMPORARY SYSTEM FUNCTION wavg AS '${FIXTURE}#WeightedAvg'`);
  const lateral = "SELECT w FROM (VALUES ('a b')) t(s), LATERAL TABLE(split(s)) AS x(w, n)";
  assert.deepEqual(await rows(a, lateral), [["a"], ["b"]]);
  await assert.rejects(() => rows(b, lateral), /No table function named SPLIT/);
  const agg = "SELECT wavg(v, w) FROM (VALUES (1, 1), (3, 1)) t(v, w)";
  assert.equal((await rows(a, agg)).length, 1);
  await assert.rejects(() => rows(b, agg), /No match found for function signature WAVG/);
  // Plans show the SQL name.
  const plan = (await rows(a, `EXPLAIN ${agg}`))[0]![0] as string;
  assert.match(plan, /WAVG\(/);
  assert.doesNotMatch(plan, /#/);
  await a.executeSql("DROP TEMPORARY SYSTEM FUNCTION wavg");
  await assert.rejects(() => rows(a, agg), /No match found/);
});

test("built-in names stay refused; internal names cannot be written", async () => {
  const t = TableEnvironment.create();
  assert.throws(
    () => t.createTemporarySystemFunction("upper", (s: string) => s, { resultType: "STRING" }),
    /UPPER is a built-in function/,
  );
  t.createTemporarySystemFunction("twice", (x: number) => 2 * x, { resultType: "INT" });
  await assert.rejects(() => rows(t, "SELECT `TWICE#1`(2)"), /No match found for function TWICE#1/);
});
