/**
 * SQL over generated orders and a CSV file of customers: DDL with the built-in connectors, a
 * join with a group aggregation, the same query in batch and in streaming mode (streaming
 * prints every change of the result; batch the final rows), EXPLAIN, and a Table API version.
 *
 *   node examples/sql.ts
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatRow, TableEnvironment } from "strom";

const dir = mkdtempSync(join(tmpdir(), "strom-sql-example-"));
writeFileSync(join(dir, "customers.csv"), "1,Ann,Oslo\n2,Bob,Bergen\n3,Cid,Oslo\n");

const DDL = [
  `CREATE TABLE orders (
     id INT, customer_id INT, amount DECIMAL(10, 2)
   ) WITH (
     'connector' = 'datagen', 'number-of-rows' = '12', 'seed' = '7',
     'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '12',
     'fields.customer_id.min' = '1', 'fields.customer_id.max' = '3',
     'fields.amount.min' = '1', 'fields.amount.max' = '100'
   )`,
  `CREATE TABLE customers (id INT, name STRING, city STRING)
   WITH ('connector' = 'filesystem', 'path' = '${join(dir, "customers.csv")}', 'format' = 'csv')`,
];
const QUERY = `
  SELECT c.city, COUNT(*) AS orders, SUM(o.amount) AS total
  FROM orders o JOIN customers c ON o.customer_id = c.id
  WHERE o.amount > 10
  GROUP BY c.city`;

for (const mode of ["streaming", "batch"] as const) {
  const t = TableEnvironment.create({ mode });
  for (const ddl of DDL) await t.executeSql(ddl);
  console.log(`-- ${mode}: every change of the result`);
  const changes = await (await t.executeSql(QUERY)).changelog();
  for (const row of changes) console.log(formatRow(row));
}

const t = TableEnvironment.create({ mode: "batch" });
for (const ddl of DDL) await t.executeSql(ddl);
console.log("-- EXPLAIN");
console.log((await (await t.executeSql(`EXPLAIN ${QUERY}`)).collect())[0]![0]);

console.log("-- Table API: the biggest orders");
const top = t
  .from("orders")
  .where("amount > 50")
  .select("id", "amount")
  .orderBy("amount DESC")
  .limit(3);
for (const row of await top.execute().collect()) console.log(row.map(String).join(", "));
