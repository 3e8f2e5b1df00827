/**
 * Statement sets: `EXECUTE STATEMENT SET BEGIN ... END` and `tEnv.createStatementSet()` run their
 * INSERTs as one job with a sink per statement, in batch and streaming; a statement that cannot
 * be planned runs none of them; EXPLAIN shows every statement.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StreamExecutionEnvironment, TableEnvironment } from "../../src/index.ts";

const GEN = `CREATE TABLE gen (id INT, v INT) WITH ('connector' = 'datagen', 'number-of-rows' = '10',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '10',
  'fields.v.kind' = 'sequence', 'fields.v.start' = '0', 'fields.v.end' = '9')`;

/** The JSON lines written under `dir`, sorted. */
function written(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => !f.split("/").some((p) => p.startsWith(".")))
    .map((f) => readFileSync(join(dir, f), "utf8"))
    .join("")
    .split("\n")
    .filter((l) => l !== "")
    .sort();
}

/** A filesystem table `name (id INT, v INT)` in a fresh directory; returns the directory. */
async function sinkTable(
  t: TableEnvironment,
  name: string,
  cols = "id INT, v INT",
): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `strom-set-${name}-`));
  await t.executeSql(
    `CREATE TABLE ${name} (${cols}) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'json')`,
  );
  return dir;
}

/** Counts the jobs started while `body` runs. */
async function countJobs(body: () => Promise<void>): Promise<number> {
  const proto = StreamExecutionEnvironment.prototype as unknown as {
    executeAsync: (...a: unknown[]) => Promise<unknown>;
  };
  const original = proto.executeAsync;
  let jobs = 0;
  proto.executeAsync = function (this: unknown, ...a: unknown[]) {
    jobs++;
    return original.apply(this, a);
  };
  try {
    await body();
  } finally {
    proto.executeAsync = original;
  }
  return jobs;
}

for (const [mode, p] of [
  ["batch", 1],
  ["streaming", 1],
  ["streaming", 4],
] as const) {
  test(`EXECUTE STATEMENT SET: one job, every sink gets its rows (${mode}, p${p})`, async () => {
    const t = TableEnvironment.create({ mode, parallelism: p });
    await t.executeSql(GEN);
    const even = await sinkTable(t, "even");
    const odd = await sinkTable(t, "odd");
    const jobs = await countJobs(async () => {
      const r = await t.executeSql(`EXECUTE STATEMENT SET BEGIN
        INSERT INTO even SELECT id, v FROM gen WHERE id % 2 = 0;
        INSERT INTO odd SELECT id, v * 10 FROM gen WHERE id % 2 = 1;
      END`);
      assert.equal(r.kind, "INSERT");
      await r.await();
    });
    assert.equal(jobs, 1);
    assert.deepEqual(written(even), [2, 4, 6, 8, 10].map((i) => `{"id":${i},"v":${i - 1}}`).sort());
    assert.deepEqual(
      written(odd),
      [1, 3, 5, 7, 9].map((i) => `{"id":${i},"v":${(i - 1) * 10}}`).sort(),
    );
  });

  test(`createStatementSet: addInsertSql and addInsert run as one job (${mode}, p${p})`, async () => {
    const t = TableEnvironment.create({ mode, parallelism: p });
    await t.executeSql(GEN);
    const a = await sinkTable(t, "a");
    const b = await sinkTable(t, "b");
    const set = t.createStatementSet();
    set.addInsertSql("INSERT INTO a SELECT id, v FROM gen WHERE id <= 2");
    set.addInsert("b", t.sqlQuery("SELECT id, -v AS v FROM gen WHERE id > 8"));
    const jobs = await countJobs(async () => {
      await (await set.execute()).await();
    });
    assert.equal(jobs, 1);
    assert.deepEqual(written(a), ['{"id":1,"v":0}', '{"id":2,"v":1}']);
    assert.deepEqual(written(b), ['{"id":10,"v":-9}', '{"id":9,"v":-8}']);
  });
}

test("a statement that cannot be planned runs none of the set", async () => {
  const t = TableEnvironment.create({ mode: "batch" });
  await t.executeSql(GEN);
  const a = await sinkTable(t, "a");
  await sinkTable(t, "b");
  const jobs = await countJobs(async () => {
    await assert.rejects(
      t.executeSql(`EXECUTE STATEMENT SET BEGIN
        INSERT INTO a SELECT id, v FROM gen;
        INSERT INTO b SELECT id, nope FROM gen;
      END`),
      /Column 'nope' not found/,
    );
    const set = t.createStatementSet();
    set.addInsertSql("INSERT INTO a SELECT id, v FROM gen");
    set.addInsertSql("INSERT INTO b SELECT id FROM gen");
    await assert.rejects(set.execute(), /Column count mismatch in INSERT INTO b/);
  });
  assert.equal(jobs, 0);
  assert.deepEqual(written(a), []);
});

test("an updating statement into an append-only sink fails the whole set at planning", async () => {
  const t = TableEnvironment.create({ mode: "streaming" });
  await t.executeSql(GEN);
  const a = await sinkTable(t, "a");
  await sinkTable(t, "b");
  const set = t.createStatementSet();
  set.addInsertSql("INSERT INTO a SELECT id, v FROM gen");
  set.addInsertSql("INSERT INTO b SELECT v % 2, CAST(COUNT(*) AS INT) FROM gen GROUP BY v % 2");
  await assert.rejects(set.execute(), /doesn't support consuming update changes/);
  assert.deepEqual(written(a), []);
});

test("EXPLAIN STATEMENT SET and StatementSet.explain show every statement", async () => {
  const t = TableEnvironment.create({ mode: "batch" });
  await t.executeSql(GEN);
  await sinkTable(t, "a");
  await sinkTable(t, "b");
  const r = await t.executeSql(`EXPLAIN STATEMENT SET BEGIN
    INSERT INTO a SELECT id, v FROM gen WHERE v > 3;
    INSERT INTO b SELECT id, v FROM gen;
  END`);
  const text = String((await r.collect())[0]![0]);
  assert.match(
    text,
    /== Statement 1: INSERT INTO a ==\nSink\(table=\[default_catalog\.default_database\.a\]/,
  );
  assert.match(text, /== Statement 2: INSERT INTO b ==/);
  assert.match(text, /TableSourceScan\(table=\[\[default_catalog\.default_database\.gen\]\]/);
  const set = t.createStatementSet().addInsertSql("INSERT INTO a SELECT id, v FROM gen");
  assert.match(set.explain(), /== Statement 1: INSERT INTO a ==/);
  assert.throws(() => t.createStatementSet().explain(), /holds no statement/);
  assert.throws(
    () => t.createStatementSet().addInsertSql("SELECT 1"),
    /expects exactly one INSERT statement, got a query statement/,
  );
});

test("statements reading the same table share one source: each generated row reaches one statement", async () => {
  const t = TableEnvironment.create();
  // Random values: two separate reads would draw different v for the same id.
  await t.executeSql(
    `CREATE TABLE rnd (id INT, v INT) WITH ('connector' = 'datagen', 'number-of-rows' = '200',
      'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '200',
      'fields.v.min' = '0', 'fields.v.max' = '99')`,
  );
  const low = await sinkTable(t, "low");
  const high = await sinkTable(t, "high");
  const jobs = await countJobs(async () => {
    await (
      await t.executeSql(`EXECUTE STATEMENT SET BEGIN
        INSERT INTO low SELECT id, v FROM rnd WHERE v < 50;
        INSERT INTO high SELECT id, v FROM rnd WHERE v >= 50;
      END`)
    ).await();
  });
  assert.equal(jobs, 1);
  const ids = [...written(low), ...written(high)].map((l) => (JSON.parse(l) as { id: number }).id);
  assert.equal(ids.length, 200, "every generated row reached exactly one of the statements");
  assert.equal(new Set(ids).size, 200);
});
