/** The file catalog: definitions survive a restart (a new FileCatalog on the same directory). */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CatalogError,
  CatalogManager,
  FileCatalog,
  encodeName,
  executeDdlScript,
  type CatalogTable,
  type CatalogView,
  type TableResult,
} from "../../src/table/catalog/index.ts";

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "strom-filecat-"));
}

function session(dir: string): CatalogManager {
  return new CatalogManager({
    defaultCatalog: new FileCatalog("default_catalog", dir, "default_database"),
  });
}

/** A table's content without AST positions (those differ between parses). */
function shape(t: CatalogTable): unknown {
  return JSON.parse(JSON.stringify(t, (k, v) => (k === "pos" || k === "expr" ? undefined : v)));
}

function allFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
}

const SCRIPT = `
CREATE DATABASE shop COMMENT 'the shop' WITH ('k' = 'v');
CREATE TABLE shop.orders (
  id BIGINT NOT NULL,
  \`weird name.\` STRING COMMENT 'it''s fine',
  price DECIMAL(10, 2),
  tags ARRAY<STRING>,
  ts TIMESTAMP_LTZ(3),
  total AS price * 2,
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND,
  CONSTRAINT pk PRIMARY KEY (id) NOT ENFORCED
) COMMENT 'orders'
WITH ('connector' = 'filesystem', 'path' = '/data/orders', 'format' = 'json', 'json.ignore-parse-errors' = 'true');
CREATE TABLE Mixed (a INT) WITH ('connector' = 'blackhole');
CREATE TABLE mixed (b INT) WITH ('connector' = 'blackhole');
CREATE VIEW shop.big (i) COMMENT 'big ones' AS SELECT id FROM shop.orders WHERE price > 100;
CREATE FUNCTION shop.Upper2 AS './fns.ts#upper';
CREATE TEMPORARY TABLE temp_t (a INT) WITH ('connector' = 'blackhole');
`;

test("tables, views, functions and databases survive a restart exactly", () => {
  const dir = tmpDir();
  const first = session(dir);
  executeDdlScript(SCRIPT, first);
  const second = session(dir);
  for (const name of [["shop", "orders"], ["Mixed"], ["mixed"]]) {
    const a = first.lookupTable(name).object as CatalogTable;
    const b = second.lookupTable(name).object as CatalogTable;
    assert.deepEqual(shape(b), shape(a), name.join("."));
  }
  const orders = second.lookupTable(["shop", "orders"]).object as CatalogTable;
  assert.equal(orders.ddl, (first.lookupTable(["shop", "orders"]).object as CatalogTable).ddl);
  assert.match(orders.ddl!, /^CREATE TABLE shop\.orders \(/, "the DDL as written is kept");
  const total = orders.schema.columns.find((c) => c.name === "total")!;
  assert.equal(
    total.kind === "computed" && total.expr.kind,
    "binary",
    "expressions are parsed back",
  );
  const view = second.lookupTable(["shop", "big"]).object as CatalogView;
  assert.equal(view.text, "SELECT id FROM shop.orders WHERE price > 100");
  assert.deepEqual(view.columns, ["i"]);
  assert.equal(view.comment, "big ones");
  assert.equal(view.query.kind, "select");
  assert.deepEqual(second.resolveFunction(["shop", "upper2"]).object, {
    kind: "function",
    identifier: "./fns.ts#upper",
    language: "TYPESCRIPT",
  });
  assert.deepEqual(second.getCatalog("default_catalog").getDatabase("shop"), {
    comment: "the shop",
    properties: { k: "v" },
  });
  assert.deepEqual(second.listTables(), ["Mixed", "mixed"], "temporary tables are not persisted");
  assert.deepEqual(second.listTables("default_catalog", "shop"), ["big", "orders"]);
  assert.ok(!allFiles(dir).some((f) => f.includes(".tmp-")), "no temporary files are left");
  assert.ok(allFiles(dir).includes(path.join("shop", "tables", `${encodeName("orders")}.json`)));
});

test("ALTER, RENAME and DROP are persisted", () => {
  const dir = tmpDir();
  const m = session(dir);
  executeDdlScript(SCRIPT, m);
  executeDdlScript(
    `ALTER TABLE shop.orders ADD qty INT AFTER id;
     ALTER TABLE shop.orders SET ('path' = '/data/orders2');
     ALTER TABLE shop.orders RENAME TO orders2;
     ALTER VIEW shop.big AS SELECT id FROM shop.orders2;
     ALTER FUNCTION shop.upper2 AS './other.js';
     DROP TABLE Mixed;
     ALTER DATABASE shop SET ('k' = 'w');`,
    m,
  );
  const r = session(dir);
  const t = r.lookupTable(["shop", "orders2"]).object as CatalogTable;
  assert.deepEqual(
    t.schema.columns.map((c) => c.name),
    ["id", "qty", "weird name.", "price", "tags", "ts", "total"],
  );
  assert.equal(t.options.path, "/data/orders2");
  assert.equal(t.schema.primaryKey?.name, "pk");
  assert.throws(
    () => r.lookupTable(["shop", "orders"]),
    /Table 'orders' not found in database 'default_catalog.shop'/,
  );
  assert.equal(
    (r.lookupTable(["shop", "big"]).object as CatalogView).text,
    "SELECT id FROM shop.orders2",
  );
  assert.equal(r.resolveFunction(["shop", "UPPER2"]).object.language, "JAVASCRIPT");
  assert.deepEqual(r.listTables(), ["mixed"]);
  assert.equal(r.getCatalog("default_catalog").getDatabase("shop").properties.k, "w");
  const show = executeDdlScript("SHOW CREATE TABLE shop.orders2", r)[0] as TableResult;
  assert.match(
    String(show.rows[0]![0]),
    /`qty` INT,\n {2}`weird name\.` STRING COMMENT 'it''s fine'/,
  );

  executeDdlScript("DROP DATABASE shop CASCADE", r);
  assert.deepEqual(session(dir).getCatalog("default_catalog").listDatabases(), [
    "default_database",
  ]);
  assert.ok(!allFiles(dir).some((f) => f.startsWith("shop")));
});

test("a catalog created with CREATE CATALOG ... 'file' reloads in a new session", () => {
  const dir = tmpDir();
  const a = new CatalogManager();
  executeDdlScript(
    `CREATE CATALOG disk WITH ('type' = 'file', 'path' = '${dir}', 'default-database' = 'db');
     USE CATALOG disk;
     CREATE TABLE t (a INT, b STRING) WITH ('connector' = 'datagen', 'fields.b.length' = '4');`,
    a,
  );
  const b = new CatalogManager();
  executeDdlScript(
    `CREATE CATALOG disk WITH ('type' = 'file', 'path' = '${dir}', 'default-database' = 'db')`,
    b,
  );
  const t = b.lookupTable(["disk", "db", "t"]).object as CatalogTable;
  assert.deepEqual(t.options, { connector: "datagen", "fields.b.length": "4" });
});

test("a damaged file is reported with its path, and nothing is deleted", () => {
  const dir = tmpDir();
  executeDdlScript("CREATE TABLE t (a INT) WITH ('connector' = 'blackhole')", session(dir));
  const file = path.join(dir, "default_database", "tables", "t.json");
  fs.writeFileSync(file, "{ not json");
  assert.throws(
    () => session(dir),
    (e: unknown) => e instanceof CatalogError && e.message.includes(file),
  );
  assert.equal(fs.readFileSync(file, "utf8"), "{ not json");
  fs.writeFileSync(
    file,
    JSON.stringify({ version: 1, name: "t", kind: "table", ddl: "CREATE TABLE t (a CHAR(0))" }),
  );
  assert.throws(() => session(dir), /cannot read the table in .*t\.json: Invalid type CHAR\(0\)/);
  fs.writeFileSync(file, JSON.stringify({ version: 7, name: "t" }));
  assert.throws(() => session(dir), /unsupported format version 7/);
});

test("names are escaped into safe, distinct file names", () => {
  assert.equal(encodeName("orders"), "orders");
  assert.equal(encodeName("Orders"), "^orders");
  assert.equal(encodeName("a.b/c"), "a%2Eb%2Fc");
  assert.equal(encodeName(".."), "%2E%2E");
  assert.equal(encodeName("ü"), "%C3%BC");
  assert.notEqual(encodeName("A"), encodeName("a"));
});
