/** Name resolution, temporary shadowing, function lookup order and function loading. */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CatalogError,
  CatalogManager,
  CatalogNotExistError,
  DatabaseNotExistError,
  InMemoryCatalog,
  TableNotExistError,
  executeDdlScript,
  loadFunction,
  type CatalogTable,
} from "../../src/table/catalog/index.ts";

function setup(): CatalogManager {
  const m = new CatalogManager();
  m.registerCatalog("other", new InMemoryCatalog("other", "odb"));
  executeDdlScript(
    `CREATE DATABASE db2;
     CREATE TABLE t (a INT) WITH ('connector' = 'blackhole');
     CREATE TABLE db2.t (b INT) WITH ('connector' = 'blackhole');
     CREATE TABLE other.odb.t (c INT) WITH ('connector' = 'blackhole');`,
    m,
  );
  return m;
}

const firstColumn = (m: CatalogManager, parts: string[]) =>
  (m.lookupTable(parts).object as CatalogTable).schema.columns[0]!.name;

test("1-, 2- and 3-part names resolve against the current catalog and database", () => {
  const m = setup();
  assert.equal(m.currentCatalog, "default_catalog");
  assert.equal(m.currentDatabase, "default_database");
  assert.equal(firstColumn(m, ["t"]), "a");
  assert.equal(firstColumn(m, ["db2", "t"]), "b");
  assert.equal(firstColumn(m, ["other", "odb", "t"]), "c");
  m.setCurrentDatabase("db2");
  assert.equal(firstColumn(m, ["t"]), "b");
  m.setCurrentCatalog("other");
  assert.equal(m.currentDatabase, "odb", "USE CATALOG switches to the catalog's default database");
  assert.equal(firstColumn(m, ["t"]), "c");
  assert.equal(firstColumn(m, ["default_catalog", "default_database", "t"]), "a");
  assert.deepEqual(m.qualify(["x"]), { catalog: "other", database: "odb", object: "x" });
});

test("missing objects give errors naming the database and the place", () => {
  const m = setup();
  const pos = { line: 3, column: 15, offset: 0 };
  assert.throws(
    () => m.lookupTable(["x"], pos),
    (e: unknown) =>
      e instanceof TableNotExistError &&
      e.message ===
        "Table 'x' not found in database 'default_catalog.default_database' (line 3, column 15)",
  );
  assert.throws(
    () => m.lookupTable(["nodb", "x"], pos),
    (e: unknown) =>
      e instanceof DatabaseNotExistError &&
      /Database 'default_catalog.nodb' does not exist \(line 3, column 15\)/.test(e.message),
  );
  assert.throws(
    () => m.lookupTable(["nocat", "db", "x"], pos),
    (e: unknown) =>
      e instanceof CatalogNotExistError &&
      /Catalog 'nocat' does not exist \(line 3, column 15\)/.test(e.message),
  );
  assert.throws(
    () => m.lookupTable(["a", "b", "c", "d"], pos),
    /Invalid name 'a.b.c.d' \(line 3, column 15\): expected \[catalog.\]\[database.\]name/,
  );
  assert.throws(
    () => m.resolveFunction(["f"], pos),
    /Function 'f' not found in database 'default_catalog.default_database' \(line 3, column 15\)/,
  );
});

test("temporary tables and views shadow permanent ones in their own database only", () => {
  const m = setup();
  executeDdlScript("CREATE TEMPORARY TABLE t (tmp STRING) WITH ('connector' = 'blackhole')", m);
  assert.equal(firstColumn(m, ["t"]), "tmp");
  assert.equal(m.lookupTable(["t"]).temporary, true);
  assert.equal(firstColumn(m, ["db2", "t"]), "b");
  assert.deepEqual(m.listTables(), ["t"]);
  executeDdlScript("CREATE TEMPORARY VIEW db2.v AS SELECT 1", m);
  assert.deepEqual(m.listTables("default_catalog", "db2"), ["t", "v"]);
  assert.deepEqual(m.listViews("default_catalog", "db2"), ["v"]);
  assert.throws(
    () => executeDdlScript("CREATE TEMPORARY TABLE t (x INT) WITH ('connector' = 'blackhole')", m),
    /Temporary table \(or view\) 'default_catalog.default_database.t' already exists/,
  );
  m.unregisterCatalog("other");
  assert.throws(() => m.getCatalog("other"), CatalogNotExistError);
});

test("functions resolve: temporary system, then temporary, then catalog functions", () => {
  const m = setup();
  executeDdlScript(
    `CREATE FUNCTION f AS './catalog.js';
     CREATE FUNCTION db2.f AS './db2.js';`,
    m,
  );
  assert.equal(m.resolveFunction(["F"]).object.identifier, "./catalog.js");
  assert.equal(m.resolveFunction(["db2", "f"]).object.identifier, "./db2.js");
  executeDdlScript("CREATE TEMPORARY FUNCTION f AS './temp.js'", m);
  assert.equal(m.resolveFunction(["f"]).object.identifier, "./temp.js");
  assert.equal(m.resolveFunction(["f"]).temporary, true);
  executeDdlScript("CREATE TEMPORARY SYSTEM FUNCTION f AS './system.js'", m);
  assert.equal(m.resolveFunction(["f"]).object.identifier, "./system.js");
  assert.equal(
    m.resolveFunction(["default_database", "f"]).object.identifier,
    "./temp.js",
    "a qualified name skips system functions",
  );
  assert.throws(
    () => executeDdlScript("DROP FUNCTION f", m),
    /Temporary function 'default_catalog.default_database.f' exists.*DROP TEMPORARY FUNCTION/,
  );
  executeDdlScript("DROP TEMPORARY SYSTEM FUNCTION f; DROP TEMPORARY FUNCTION f", m);
  assert.equal(m.resolveFunction(["f"]).object.identifier, "./catalog.js");
  assert.equal(m.lookupFunction(["nope"]), undefined);
});

test("SHOW FUNCTIONS lists built-ins given by the planner and user functions", () => {
  const m = new CatalogManager({ builtinFunctions: () => ["UPPER", "ABS"] });
  executeDdlScript("CREATE FUNCTION myfn AS './x.js'", m);
  const r = executeDdlScript("SHOW FUNCTIONS", m)[0];
  assert.deepEqual(r, { columns: ["function name"], rows: [["abs"], ["myfn"], ["upper"]] });
});

test("loadFunction imports a module export, the default export, or fails naming the module", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strom-fn-"));
  fs.writeFileSync(
    path.join(dir, "fns.ts"),
    "export function twice(x: number): number { return x * 2; }\nexport default class Hello { eval(s: string) { return `hi ${s}`; } }\n",
  );
  const m = new CatalogManager();
  executeDdlScript(
    "CREATE FUNCTION twice AS './fns.ts#twice'; CREATE FUNCTION hello AS './fns.ts'",
    m,
  );
  const twice = (await loadFunction(m.resolveFunction(["twice"]).object, { baseDir: dir })) as (
    x: number,
  ) => number;
  assert.equal(twice(21), 42);
  const Hello = (await loadFunction(m.resolveFunction(["hello"]).object, {
    baseDir: dir,
  })) as new () => { eval(s: string): string };
  assert.equal(new Hello().eval("you"), "hi you");
  const abs = (await loadFunction(`${path.join(dir, "fns.ts")}#twice`)) as (x: number) => number;
  assert.equal(abs(2), 4);
  await assert.rejects(
    loadFunction("./fns.ts#nope", { baseDir: dir }),
    (e: unknown) =>
      e instanceof CatalogError &&
      /has no export 'nope' \(its exports: default, twice\)/.test(e.message),
  );
  await assert.rejects(
    loadFunction("./missing.ts#f", { baseDir: dir }),
    /Cannot load the module of function '\.\/missing\.ts#f'/,
  );
  fs.writeFileSync(path.join(dir, "named.js"), "export const a = 1;\n");
  await assert.rejects(
    loadFunction("./named.js", { baseDir: dir }),
    /Module '\.\/named\.js' of function '\.\/named\.js' has no default export: name one with '\.\/named\.js#exportName' \(its exports: a\)/,
  );
  const join = (await loadFunction("node:path#join")) as typeof path.join;
  assert.equal(join("a", "b"), path.join("a", "b"));
});
