/** The Table API and the conversions between tables and DataStreams. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DataGeneratorSource,
  ScalarFunction,
  StreamExecutionEnvironment,
  TableEnvironment,
  WatermarkStrategy,
} from "../../src/index.ts";
import { INT, STRING } from "../../src/table/types/index.ts";

const sorted = (rows: unknown[][]): string[] => rows.map((r) => JSON.stringify(r)).sort();

function env(): TableEnvironment {
  const t = TableEnvironment.create({ mode: "batch" });
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
    ],
  );
  return t;
}

test("from / where / groupBy / select / orderBy match the SQL", async () => {
  const t = env();
  const table = t
    .from("orders")
    .where("amount > 4")
    .groupBy("customer")
    .select("customer", "SUM(amount) AS total")
    .orderBy("total DESC");
  assert.deepEqual(await table.execute().collect(), [
    ["bob", 20],
    ["ann", 15],
  ]);
  assert.match(table.explain(), /GroupAggregate/);
  const sql = await t
    .sqlQuery(
      "SELECT customer, SUM(amount) AS total FROM orders WHERE amount > 4 GROUP BY customer",
    )
    .execute()
    .collect();
  assert.deepEqual(
    sorted(sql),
    sorted([
      ["bob", 20],
      ["ann", 15],
    ]),
  );
});

test("views, joins, distinct, union and limit", async () => {
  const t = env();
  t.createTemporaryView("big", t.from("orders").where("amount >= 10"));
  const joined = t.from("orders").as("o").join(t.from("big").as("b"), "o.id = b.id").select("o.id");
  assert.deepEqual(sorted(await joined.execute().collect()), sorted([[1], [2]]));
  const names = t.from("orders").select("customer").distinct();
  assert.deepEqual(sorted(await names.execute().collect()), sorted([["ann"], ["bob"]]));
  const all = t.from("big").select("id").unionAll(t.from("big").select("id"));
  assert.equal((await all.execute().collect()).length, 4);
  const first = t.from("orders").orderBy("id").limit(1);
  assert.deepEqual(await first.execute().collect(), [[1, "ann", 10]]);
});

test("fromDataStream, toDataStream and toChangelogStream", async () => {
  const senv = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
  const t = TableEnvironment.fromStreamEnvironment(senv);
  const clicks = senv.fromSource(
    new DataGeneratorSource((i: number) => ({ user: `u${i % 3}`, n: i }), 9),
    WatermarkStrategy.noWatermarks(),
    "clicks",
  );
  const table = t.fromDataStream(clicks, [
    { name: "user", type: STRING() },
    { name: "n", type: INT() },
  ]);
  const out: unknown[] = [];
  t.toDataStream(table.where("n >= 6")).sinkTo((v) => void out.push(v));
  const changes: { kind: string; row: Record<string, unknown> }[] = [];
  t.toChangelogStream(table.groupBy("`user`").select("`user`", "COUNT(*) AS c")).sinkTo(
    (v) => void changes.push(v),
  );
  await senv.execute("conversions");
  assert.deepEqual(out.map((o) => JSON.stringify(o)).sort(), [
    '{"user":"u0","n":6}',
    '{"user":"u1","n":7}',
    '{"user":"u2","n":8}',
  ]);
  const last = new Map<string, unknown>();
  for (const c of changes)
    if (c.kind === "+I" || c.kind === "+U") last.set(String(c.row.user), c.row.c);
  assert.deepEqual([...last.entries()].sort(), [
    ["u0", 3],
    ["u1", 3],
    ["u2", 3],
  ]);
  assert.ok(changes.some((c) => c.kind === "-U"));
  assert.throws(
    () => t.toDataStream(table.groupBy("`user`").select("`user`", "COUNT(*)")),
    /insert-only/,
  );
});

test("user-defined scalar functions: a class or a function, NULL in gives NULL out", async () => {
  const t = env();
  class Discount extends ScalarFunction {
    eval(amount: number, pct: number): number {
      return amount - Math.floor((amount * pct) / 100);
    }
  }
  t.createTemporarySystemFunction("discount", new Discount(), { resultType: "INT" });
  t.createTemporarySystemFunction("shout", (s: string) => `${s.toUpperCase()}!`, {
    resultType: "STRING",
  });
  const r = await (
    await t.executeSql("SELECT id, DISCOUNT(amount, 10), SHOUT(customer) FROM orders WHERE id < 3")
  ).collect();
  assert.deepEqual(
    sorted(r),
    sorted([
      [1, 9, "ANN!"],
      [2, 18, "BOB!"],
    ]),
  );
  const n = await (await t.executeSql("SELECT SHOUT(CAST(NULL AS STRING))")).collect();
  assert.deepEqual(n, [[null]]);
  assert.throws(
    () => t.createTemporarySystemFunction("upper", (s: string) => s, { resultType: "STRING" }),
    /built-in/,
  );
});

test("CREATE FUNCTION loads a module's export and registers it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "strom-udf-"));
  writeFileSync(
    join(dir, "udf.mjs"),
    'export const mask = Object.assign((s) => "*".repeat(s.length), { resultType: "STRING" });\n' +
      "export class Twice { resultType = 'INT'; eval(x) { return 2 * x; } }\n" +
      "export const untyped = (x) => x;\n",
  );
  const t = env();
  await t.executeSql(
    `CREATE TEMPORARY FUNCTION mask AS '${join(dir, "udf.mjs")}#mask' LANGUAGE JAVASCRIPT`,
  );
  await t.executeSql(
    `CREATE FUNCTION twice AS '${join(dir, "udf.mjs")}#Twice' LANGUAGE JAVASCRIPT`,
  );
  const r = await (
    await t.executeSql("SELECT MASK(customer), TWICE(amount) FROM orders WHERE id = 1")
  ).collect();
  assert.deepEqual(r, [["***", 20]]);
  await assert.rejects(
    () =>
      t.executeSql(
        `CREATE FUNCTION untyped AS '${join(dir, "udf.mjs")}#untyped' LANGUAGE JAVASCRIPT`,
      ),
    /declares no result type/,
  );
});
