/**
 * Every DDL form end to end, on the in-memory catalog and on the file catalog (the same
 * script, the same answers).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CatalogManager,
  DatabaseNotEmptyError,
  FileCatalog,
  InMemoryCatalog,
  TableAlreadyExistError,
  TableNotExistError,
  executeDdlScript,
  type CatalogTable,
  type CatalogView,
  type DdlResult,
  type TableResult,
} from "../../src/table/catalog/index.ts";
import { OptionValidationError } from "../../src/table/connectors/options.ts";
import { typeToString } from "../../src/table/types/type-print.ts";

const KINDS = ["memory", "file"] as const;

function manager(kind: (typeof KINDS)[number]): CatalogManager {
  if (kind === "memory") return new CatalogManager();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strom-ddl-"));
  return new CatalogManager({
    defaultCatalog: new FileCatalog("default_catalog", dir, "default_database"),
  });
}

function run(m: CatalogManager, sql: string): DdlResult[] {
  return executeDdlScript(sql, m);
}

function rows(m: CatalogManager, sql: string): unknown[][] {
  const r = run(m, sql).at(-1) as TableResult;
  assert.equal(typeof r, "object", `${sql} returns rows`);
  return r.rows;
}

function table(m: CatalogManager, name: string): CatalogTable {
  const t = m.lookupTable([name]).object;
  assert.equal(t.kind, "table");
  return t as CatalogTable;
}

const ORDERS = `CREATE TABLE orders (
  id BIGINT,
  product STRING COMMENT 'what was bought',
  price DECIMAL(10, 2),
  ts TIMESTAMP(3),
  total AS price * 2,
  ptime AS PROCTIME(),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND,
  PRIMARY KEY (id) NOT ENFORCED
) COMMENT 'all orders' WITH (
  'connector' = 'datagen',
  'number-of-rows' = '10',
  'fields.id.kind' = 'sequence',
  'fields.id.start' = '1',
  'fields.id.end' = '10'
)`;

for (const kind of KINDS) {
  test(`${kind}: CREATE TABLE keeps columns, watermark, key, options and DDL text`, () => {
    const m = manager(kind);
    assert.deepEqual(run(m, ORDERS), ["OK"]);
    const t = table(m, "orders");
    assert.deepEqual(
      t.schema.columns.map((c) => [c.name, c.kind, c.type ? typeToString(c.type) : null]),
      [
        ["id", "physical", "BIGINT NOT NULL"],
        ["product", "physical", "STRING"],
        ["price", "physical", "DECIMAL(10, 2)"],
        ["ts", "physical", "TIMESTAMP(3)"],
        ["total", "computed", null],
        ["ptime", "computed", "TIMESTAMP_LTZ(3) NOT NULL"],
      ],
    );
    const total = t.schema.columns[4]!;
    assert.equal(total.kind === "computed" && total.text, "price * 2");
    assert.equal(total.kind === "computed" && total.expr.kind, "binary");
    assert.equal(t.schema.columns[1]!.comment, "what was bought");
    assert.deepEqual(
      t.schema.watermarks.map((w) => [w.rowtime, w.text]),
      [["ts", "ts - INTERVAL '5' SECOND"]],
    );
    assert.deepEqual(t.schema.primaryKey, { name: "PK_id", columns: ["id"] });
    assert.equal(t.comment, "all orders");
    assert.equal(t.options["fields.id.end"], "10");
    assert.equal(t.ddl, ORDERS);
  });

  test(`${kind}: DESCRIBE and SHOW COLUMNS give Flink's columns`, () => {
    const m = manager(kind);
    run(m, ORDERS);
    const r = run(m, "DESCRIBE orders")[0] as TableResult;
    assert.deepEqual(r.columns, ["name", "type", "null", "key", "extras", "watermark"]);
    assert.deepEqual(r.rows, [
      ["id", "BIGINT", false, "PRI(id)", null, null],
      ["product", "STRING", true, null, null, null],
      ["price", "DECIMAL(10, 2)", true, null, null, null],
      ["ts", "TIMESTAMP(3) *ROWTIME*", true, null, null, "ts - INTERVAL '5' SECOND"],
      ["total", "", true, null, "AS price * 2", null],
      ["ptime", "TIMESTAMP_LTZ(3) *PROCTIME*", false, null, "AS PROCTIME()", null],
    ]);
    assert.deepEqual(
      rows(m, "SHOW COLUMNS FROM orders LIKE 'p%'").map((x) => x[0]),
      ["product", "price", "ptime"],
    );
  });

  test(`${kind}: metadata columns are checked against the connector`, () => {
    const m = manager(kind);
    run(
      m,
      `CREATE TABLE files (line STRING, fname STRING NOT NULL METADATA FROM 'file.name' VIRTUAL,
         \`file.size\` BIGINT NOT NULL METADATA VIRTUAL)
       WITH ('connector' = 'filesystem', 'path' = '/tmp/none', 'format' = 'csv')`,
    );
    const cols = table(m, "files").schema.columns;
    assert.deepEqual(cols[1], {
      kind: "metadata",
      name: "fname",
      type: { kind: "VARCHAR", nullable: false, length: 2147483647 },
      key: "file.name",
      virtual: true,
    });
    assert.deepEqual(rows(m, "DESCRIBE files")[1], [
      "fname",
      "STRING",
      false,
      null,
      "METADATA FROM 'file.name' VIRTUAL",
      null,
    ]);
    assert.throws(
      () =>
        run(
          m,
          "CREATE TABLE bad (a INT, o BIGINT METADATA FROM 'offset') WITH ('connector' = 'datagen')",
        ),
      /Invalid metadata key 'offset' in column 'o' of table 'default_catalog.default_database.bad' \(line 1, column 1\): the connector 'datagen' supports no metadata keys/,
    );
  });

  test(`${kind}: CREATE TABLE errors name the cause and the place`, () => {
    const m = manager(kind);
    const cases: [string, RegExp][] = [
      [
        "CREATE TABLE t (a INT, a STRING) WITH ('connector' = 'blackhole')",
        /Duplicate column name 'a' \(line 1, column 24\)/,
      ],
      [
        "CREATE TABLE t (a INT, PRIMARY KEY (a) ENFORCED) WITH ('connector' = 'blackhole')",
        /PRIMARY KEY must be declared NOT ENFORCED \(line 1, column 24\)/,
      ],
      [
        "CREATE TABLE t (a INT, PRIMARY KEY (b) NOT ENFORCED) WITH ('connector' = 'blackhole')",
        /PRIMARY KEY column 'b' is not a column of the table \(line 1, column 24\)/,
      ],
      [
        "CREATE TABLE t (a INT, b AS a + 1, PRIMARY KEY (b) NOT ENFORCED) WITH ('connector' = 'blackhole')",
        /'b' is a computed column.*physical columns/,
      ],
      [
        "CREATE TABLE t (a BIGINT,\n WATERMARK FOR a AS a) WITH ('connector' = 'blackhole')",
        /rowtime column 'a' of the watermark \(line 2, column 2\): it must be TIMESTAMP\(p\) or TIMESTAMP_LTZ\(p\).*but it is BIGINT/,
      ],
      [
        "CREATE TABLE t (a TIMESTAMP(3), WATERMARK FOR b AS a) WITH ('connector' = 'blackhole')",
        /rowtime column 'b' of the watermark is not a column/,
      ],
      [
        "CREATE TABLE t (a CHAR(0)) WITH ('connector' = 'blackhole')",
        /Invalid type CHAR\(0\) \(line 1, column 19\)/,
      ],
      [
        "CREATE TABLE t (a INT) PARTITIONED BY (b) WITH ('connector' = 'blackhole')",
        /Partition column 'b' is not a column/,
      ],
      [
        "CREATE TABLE t (a INT) WITH ('connector' = 'blackhole', 'connector' = 'print')",
        /Option 'connector' is set twice \(line 1, column 57\)/,
      ],
      [
        "CREATE TABLE t (a INT)",
        /has no 'connector' option \(line 1, column 1\).*Available connectors: blackhole, datagen, filesystem, nexmark, print, values/,
      ],
      [
        "CREATE TABLE t (a INT) WITH ('connector' = 'kafka')",
        /Unknown connector 'kafka' for table 'default_catalog.default_database.t' \(line 1, column 30\)/,
      ],
      [
        "CREATE TABLE t (a INT) WITH ('connector' = 'datagen', 'rows-per-sec' = '5')",
        /Unsupported options found for 'datagen'[\s\S]*rows-per-sec \(line 1, column 55\)[\s\S]*Supported options:[\s\S]*fields\.a\.kind[\s\S]*rows-per-second/,
      ],
      [
        "CREATE TABLE t (a INT) WITH ('connector' = 'filesystem', 'format' = 'csv')",
        /Missing required options are:\n\npath/,
      ],
      [
        "CREATE TABLE x.t (a INT) WITH ('connector' = 'blackhole')",
        /Database 'default_catalog.x' does not exist \(line 1, column 1\)/,
      ],
      [
        "CREATE TABLE c.x.t (a INT) WITH ('connector' = 'blackhole')",
        /Catalog 'c' does not exist \(line 1, column 1\)/,
      ],
      ["CREATE TABLE t AS SELECT 1", /CREATE TABLE \.\.\. AS SELECT is run by the planner/],
    ];
    for (const [sql, re] of cases) assert.throws(() => run(m, sql), re, sql);
    assert.deepEqual(m.listTables(), [], "nothing was created");
  });

  test(`${kind}: IF NOT EXISTS, duplicates and DROP`, () => {
    const m = manager(kind);
    run(m, "CREATE TABLE t (a INT) WITH ('connector' = 'blackhole')");
    assert.deepEqual(
      run(m, "CREATE TABLE IF NOT EXISTS t (b INT) WITH ('connector' = 'blackhole')"),
      ["OK"],
    );
    assert.equal(table(m, "t").schema.columns[0]!.name, "a", "the first definition stays");
    assert.throws(
      () => run(m, "\n  CREATE TABLE t (b INT) WITH ('connector' = 'blackhole')"),
      (e: unknown) =>
        e instanceof TableAlreadyExistError &&
        /'default_database.t' already exists in catalog 'default_catalog' \(line 2, column 3\)/.test(
          e.message,
        ),
    );
    assert.throws(
      () => run(m, "DROP VIEW t"),
      /'default_catalog.default_database.t' is a table, not a view.*use DROP TABLE/,
    );
    run(m, "DROP TABLE t");
    assert.deepEqual(m.listTables(), []);
    assert.deepEqual(run(m, "DROP TABLE IF EXISTS t"), ["OK"]);
    assert.throws(
      () => run(m, "DROP TABLE t"),
      (e: unknown) => e instanceof TableNotExistError && /Table 't' not found/.test(e.message),
    );
  });

  test(`${kind}: CREATE TABLE LIKE merges with Flink's rules`, () => {
    const m = manager(kind);
    run(m, ORDERS);
    run(
      m,
      `CREATE TABLE orders2 (extra INT, total AS price * 3)
       WITH ('number-of-rows' = '5') LIKE orders (EXCLUDING CONSTRAINTS OVERWRITING GENERATED)`,
    );
    const t = table(m, "orders2");
    assert.deepEqual(
      t.schema.columns.map((c) => c.name),
      ["id", "product", "price", "ts", "total", "ptime", "extra"],
    );
    const total = t.schema.columns[4]!;
    assert.equal(total.kind === "computed" && total.text, "price * 3");
    assert.equal(t.schema.primaryKey, undefined);
    assert.equal(t.schema.watermarks.length, 1);
    assert.equal(t.options["number-of-rows"], "5", "options are overwritten by default");
    assert.equal(t.options["fields.id.kind"], "sequence");
    assert.match(t.ddl!, /^CREATE TABLE `orders2` \(/, "a LIKE table stores generated DDL");

    run(
      m,
      "CREATE TABLE bare (a INT) WITH ('connector' = 'blackhole') LIKE orders (EXCLUDING ALL)",
    );
    assert.deepEqual(
      table(m, "bare").schema.columns.map((c) => c.name),
      ["id", "product", "price", "ts", "a"],
    );
    assert.deepEqual(table(m, "bare").options, { connector: "blackhole" });

    const errors: [string, RegExp][] = [
      [
        "CREATE TABLE x (price INT) LIKE orders",
        /A column named 'price' already exists in the base table \(line 1, column 17\)/,
      ],
      [
        "CREATE TABLE x (total AS 1) LIKE orders",
        /computed column named 'total' already exists.*OVERWRITING GENERATED/,
      ],
      [
        "CREATE TABLE x (WATERMARK FOR ts AS ts) LIKE orders",
        /already exists a watermark on column 'ts'.*EXCLUDING WATERMARKS or OVERWRITING WATERMARKS/,
      ],
      [
        "CREATE TABLE x (PRIMARY KEY (price) NOT ENFORCED) LIKE orders",
        /already has a primary key.*EXCLUDING CONSTRAINTS/,
      ],
      [
        "CREATE TABLE x WITH ('number-of-rows' = '1') LIKE orders (INCLUDING OPTIONS)",
        /already exists an option \['number-of-rows' -> '10'\] in the base table \(line 1, column 22\)/,
      ],
      [
        "CREATE TABLE x (a INT) LIKE nope",
        /Table 'nope' not found in database 'default_catalog.default_database' \(line 1, column 24\)/,
      ],
    ];
    for (const [sql, re] of errors) assert.throws(() => run(m, sql), re, sql);
    run(m, "CREATE VIEW v AS SELECT 1");
    assert.throws(() => run(m, "CREATE TABLE x (a INT) LIKE v"), /LIKE clause is a view/);
  });

  test(`${kind}: views, OR REPLACE, temporary views and DROP VIEW`, () => {
    const m = manager(kind);
    run(m, ORDERS);
    run(
      m,
      "CREATE VIEW cheap (i, p) COMMENT 'cheap ones' AS SELECT id, price FROM orders WHERE price < 10",
    );
    const v = m.lookupTable(["cheap"]).object as CatalogView;
    assert.equal(v.kind, "view");
    assert.equal(v.text, "SELECT id, price FROM orders WHERE price < 10");
    assert.equal(v.query.kind, "select");
    assert.deepEqual(v.columns, ["i", "p"]);
    assert.equal(v.comment, "cheap ones");
    assert.throws(() => run(m, "CREATE VIEW cheap AS SELECT 1"), TableAlreadyExistError);
    run(m, "CREATE OR REPLACE VIEW cheap AS SELECT id FROM orders");
    assert.equal((m.lookupTable(["cheap"]).object as CatalogView).text, "SELECT id FROM orders");
    run(m, "CREATE TEMPORARY VIEW tv AS (SELECT id FROM orders)");
    assert.equal((m.lookupTable(["tv"]).object as CatalogView).text, "SELECT id FROM orders");
    assert.deepEqual(rows(m, "SHOW VIEWS").flat(), ["cheap", "tv"]);
    assert.deepEqual(rows(m, "SHOW TABLES").flat(), ["cheap", "orders", "tv"]);
    assert.throws(() => run(m, "DESCRIBE cheap"), /DESCRIBE of view 'cheap' needs the planner/);
    assert.throws(() => run(m, "DROP TABLE cheap"), /is a view, not a table.*use DROP VIEW/);
    assert.throws(
      () => run(m, "DROP VIEW tv"),
      /Temporary view 'default_catalog.default_database.tv' exists.*DROP TEMPORARY VIEW/,
    );
    run(m, "DROP TEMPORARY VIEW tv");
    run(m, "DROP VIEW cheap");
    assert.deepEqual(rows(m, "SHOW VIEWS"), []);
  });

  test(`${kind}: functions: CREATE, TEMPORARY, SYSTEM, ALTER, DROP, SHOW`, () => {
    const m = manager(kind);
    run(m, "CREATE FUNCTION Upper2 AS './fns.ts#upper'");
    assert.deepEqual(m.resolveFunction(["UPPER2"]).object, {
      kind: "function",
      identifier: "./fns.ts#upper",
      language: "TYPESCRIPT",
    });
    run(m, "CREATE TEMPORARY FUNCTION t1 AS 'pkg#fn' LANGUAGE JAVASCRIPT");
    run(m, "CREATE TEMPORARY SYSTEM FUNCTION s1 AS './s.js'");
    assert.deepEqual(rows(m, "SHOW USER FUNCTIONS").flat(), ["s1", "t1", "upper2"]);
    run(m, "ALTER FUNCTION upper2 AS './other.js#u'");
    assert.equal(m.resolveFunction(["upper2"]).object.identifier, "./other.js#u");
    assert.throws(
      () => run(m, "CREATE FUNCTION j AS 'com.example.Fn' LANGUAGE JAVA"),
      /LANGUAGE JAVA are not supported \(line 1, column 1\)/,
    );
    assert.throws(() => run(m, "CREATE FUNCTION j AS 'x#'"), /Invalid function identifier 'x#'/);
    assert.throws(
      () => run(m, "CREATE FUNCTION upper2 AS './a.js'"),
      /Function 'default_database.upper2' already exists/,
    );
    run(m, "DROP TEMPORARY SYSTEM FUNCTION s1");
    run(m, "DROP TEMPORARY FUNCTION t1");
    run(m, "DROP FUNCTION upper2");
    run(m, "DROP FUNCTION IF EXISTS upper2");
    assert.deepEqual(rows(m, "SHOW USER FUNCTIONS"), []);
    assert.throws(
      () => run(m, "DROP FUNCTION upper2"),
      /Function 'default_database.upper2' does not exist/,
    );
  });

  test(`${kind}: databases, catalogs, USE and SHOW`, () => {
    const m = manager(kind);
    run(m, "CREATE DATABASE sales COMMENT 'the sales' WITH ('owner' = 'me')");
    const db = m.getCatalog("default_catalog").getDatabase("sales");
    assert.deepEqual(db, { comment: "the sales", properties: { owner: "me" } });
    run(m, "ALTER DATABASE sales SET ('owner' = 'you', 'x' = 'y')");
    assert.deepEqual(m.getCatalog("default_catalog").getDatabase("sales").properties, {
      owner: "you",
      x: "y",
    });
    assert.deepEqual(rows(m, "SHOW DATABASES").flat(), ["default_database", "sales"]);
    run(m, "USE sales");
    assert.deepEqual(rows(m, "SHOW CURRENT DATABASE"), [["sales"]]);
    run(m, "CREATE TABLE t (a INT) WITH ('connector' = 'blackhole')");
    assert.deepEqual(m.lookupTable(["t"]).identifier, {
      catalog: "default_catalog",
      database: "sales",
      object: "t",
    });
    assert.throws(() => run(m, "DROP DATABASE sales"), /it is the current database/);
    run(m, "USE default_database");
    assert.throws(
      () => run(m, "DROP DATABASE sales"),
      (e: unknown) => e instanceof DatabaseNotEmptyError && /CASCADE/.test(e.message),
    );
    run(m, "DROP DATABASE sales CASCADE");
    assert.deepEqual(rows(m, "SHOW DATABASES").flat(), ["default_database"]);
    assert.throws(
      () => run(m, "USE nope"),
      /Database 'default_catalog.nope' does not exist \(line 1, column 1\)/,
    );

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strom-cat-"));
    run(m, `CREATE CATALOG mem WITH ('type' = 'generic_in_memory', 'default-database' = 'd0')`);
    run(m, `CREATE CATALOG disk WITH ('type' = 'file', 'path' = '${dir}')`);
    assert.deepEqual(rows(m, "SHOW CATALOGS").flat(), ["default_catalog", "disk", "mem"]);
    assert.match(
      String(rows(m, "SHOW CREATE CATALOG disk")[0]![0]),
      /CREATE CATALOG `disk` WITH \(\n {2}'type' = 'file',/,
    );
    run(m, "USE CATALOG mem");
    assert.deepEqual(rows(m, "SHOW CURRENT CATALOG"), [["mem"]]);
    assert.deepEqual(rows(m, "SHOW CURRENT DATABASE"), [["d0"]]);
    run(m, "CREATE TABLE disk.`default`.x (a INT) WITH ('connector' = 'blackhole')");
    assert.ok(fs.existsSync(path.join(dir, "default", "tables", "x.json")));
    assert.deepEqual(rows(m, "SHOW TABLES FROM disk.`default`").flat(), ["x"]);
    assert.throws(() => run(m, "DROP CATALOG mem"), /it is the current catalog/);
    run(m, "USE CATALOG default_catalog");
    run(m, "DROP CATALOG mem");
    assert.throws(
      () => run(m, "CREATE CATALOG c WITH ('type' = 'hive')"),
      /Invalid value 'hive' for option 'type'.*expected one of generic_in_memory, in-memory, file/,
    );
    assert.throws(
      () => run(m, "CREATE CATALOG c WITH ('type' = 'file', 'paht' = '/x')"),
      /Unsupported options found for CREATE CATALOG[\s\S]*paht/,
    );
    assert.throws(
      () => run(m, "CREATE CATALOG c WITH ('type' = 'file')"),
      /needs the option 'path'/,
    );
    assert.throws(
      () => run(m, "USE CATALOG gone"),
      /Catalog 'gone' does not exist \(line 1, column 1\)/,
    );
  });

  test(`${kind}: SHOW LIKE / ILIKE / NOT LIKE filters`, () => {
    const m = manager(kind);
    for (const n of ["orders", "Order_items", "users"]) {
      run(m, `CREATE TABLE ${n} (a INT) WITH ('connector' = 'blackhole')`);
    }
    assert.deepEqual(rows(m, "SHOW TABLES LIKE 'o%'").flat(), ["orders"]);
    assert.deepEqual(rows(m, "SHOW TABLES ILIKE 'o%'").flat(), ["Order_items", "orders"]);
    assert.deepEqual(rows(m, "SHOW TABLES NOT LIKE '%s'").flat(), []);
    assert.deepEqual(rows(m, "SHOW TABLES LIKE 'user_'").flat(), ["users"]);
  });

  test(`${kind}: ALTER TABLE changes options, columns, watermark and key`, () => {
    const m = manager(kind);
    run(m, ORDERS);
    run(m, "ALTER TABLE orders SET ('number-of-rows' = '20', 'rows-per-second' = '5')");
    assert.equal(table(m, "orders").options["number-of-rows"], "20");
    run(m, "ALTER TABLE orders RESET ('rows-per-second')");
    assert.equal(table(m, "orders").options["rows-per-second"], undefined);
    assert.throws(
      () => run(m, "ALTER TABLE orders SET ('rows-per-secnd' = '5')"),
      /Unsupported options found for 'datagen'[\s\S]*rows-per-secnd \(line 1, column 25\)/,
    );
    assert.throws(
      () => run(m, "ALTER TABLE orders RESET ('connector')"),
      /cannot reset 'connector'/,
    );
    assert.equal(
      table(m, "orders").options["rows-per-secnd"],
      undefined,
      "a failed ALTER changes nothing",
    );

    run(
      m,
      "ALTER TABLE orders ADD (qty INT NOT NULL COMMENT 'how many' AFTER id, first_col STRING FIRST)",
    );
    assert.deepEqual(
      table(m, "orders").schema.columns.map((c) => c.name),
      ["first_col", "id", "qty", "product", "price", "ts", "total", "ptime"],
    );
    run(m, "ALTER TABLE orders MODIFY qty BIGINT");
    assert.equal(typeToString(table(m, "orders").schema.columns[2]!.type!), "BIGINT");
    run(m, "ALTER TABLE orders RENAME qty TO quantity");
    run(m, "ALTER TABLE orders DROP (first_col, quantity)");
    assert.deepEqual(
      table(m, "orders").schema.columns.map((c) => c.name),
      ["id", "product", "price", "ts", "total", "ptime"],
    );
    const bad: [string, RegExp][] = [
      [
        "ALTER TABLE orders ADD id INT",
        /Column 'id' already exists in table 'default_catalog.default_database.orders' \(line 1, column 24\)/,
      ],
      ["ALTER TABLE orders MODIFY nope INT", /Column 'nope' does not exist/],
      ["ALTER TABLE orders DROP id", /Column 'id' is used by the primary key/],
      ["ALTER TABLE orders DROP price", /Column 'price' is used by computed column 'total'/],
      ["ALTER TABLE orders DROP ts", /Column 'ts' is used by the watermark/],
      [
        "ALTER TABLE orders RENAME ts TO ts2",
        /Column 'ts' is used by the watermark.*cannot be renamed/,
      ],
      [
        "ALTER TABLE orders ADD WATERMARK FOR ts AS ts",
        /already has a watermark.*MODIFY WATERMARK/,
      ],
      ["ALTER TABLE orders ADD PRIMARY KEY (product) NOT ENFORCED", /already has a primary key/],
      [
        "ALTER TABLE nope ADD x INT",
        /Table 'nope' not found in database 'default_catalog.default_database' \(line 1, column 1\)/,
      ],
    ];
    for (const [sql, re] of bad) assert.throws(() => run(m, sql), re, sql);
    assert.deepEqual(run(m, "ALTER TABLE IF EXISTS nope ADD x INT"), ["OK"]);

    run(m, "ALTER TABLE orders MODIFY WATERMARK FOR ts AS ts - INTERVAL '1' MINUTE");
    assert.equal(table(m, "orders").schema.watermarks[0]!.text, "ts - INTERVAL '1' MINUTE");
    run(m, "ALTER TABLE orders DROP WATERMARK");
    assert.deepEqual(table(m, "orders").schema.watermarks, []);
    run(m, "ALTER TABLE orders DROP PRIMARY KEY");
    assert.equal(table(m, "orders").schema.primaryKey, undefined);
    run(m, "ALTER TABLE orders ADD CONSTRAINT pk PRIMARY KEY (id, product) NOT ENFORCED");
    assert.deepEqual(table(m, "orders").schema.primaryKey, {
      name: "pk",
      columns: ["id", "product"],
    });
    assert.equal(typeToString(table(m, "orders").schema.columns[1]!.type!), "STRING NOT NULL");
    run(m, "ALTER TABLE orders DROP CONSTRAINT pk");
    run(m, "ALTER TABLE orders RENAME TO orders_v2");
    assert.deepEqual(m.listTables(), ["orders_v2"]);
    assert.match(table(m, "orders_v2").ddl!, /^CREATE TABLE `orders_v2`/);
    assert.throws(
      () => run(m, "ALTER TABLE orders_v2 RENAME TO other_db.x"),
      /can only be renamed within its database/,
    );
  });

  test(`${kind}: ALTER TABLE re-validates the connector options against the new schema`, () => {
    const m = manager(kind);
    run(
      m,
      "CREATE TABLE g (a INT, b STRING) WITH ('connector' = 'datagen', 'fields.b.length' = '3')",
    );
    assert.throws(
      () => run(m, "ALTER TABLE g DROP b"),
      (e: unknown) =>
        e instanceof OptionValidationError &&
        /Unsupported options[\s\S]*fields\.b\.length/.test(e.message),
    );
    assert.deepEqual(
      table(m, "g").schema.columns.map((c) => c.name),
      ["a", "b"],
    );
  });

  test(`${kind}: temporary tables shadow permanent ones`, () => {
    const m = manager(kind);
    run(m, "CREATE TABLE t (a INT) WITH ('connector' = 'blackhole')");
    run(m, "CREATE TEMPORARY TABLE t (b STRING) WITH ('connector' = 'blackhole')");
    const found = m.lookupTable(["t"]);
    assert.equal(found.temporary, true);
    assert.equal((found.object as CatalogTable).schema.columns[0]!.name, "b");
    assert.match(
      String(rows(m, "SHOW CREATE TABLE t")[0]![0]),
      /^CREATE TEMPORARY TABLE `default_catalog`.`default_database`.`t` \(\n {2}`b` STRING\n\)/,
    );
    assert.throws(
      () => run(m, "DROP TABLE t"),
      /Temporary table 'default_catalog.default_database.t' exists.*DROP TEMPORARY TABLE/,
    );
    run(m, "ALTER TABLE t ADD c INT");
    assert.deepEqual(
      (m.lookupTable(["t"]).object as CatalogTable).schema.columns.map((c) => c.name),
      ["b", "c"],
    );
    run(m, "DROP TEMPORARY TABLE t");
    assert.equal(m.lookupTable(["t"]).temporary, false);
    assert.deepEqual(
      (m.lookupTable(["t"]).object as CatalogTable).schema.columns.map((c) => c.name),
      ["a"],
    );
    assert.throws(
      () => run(m, "DROP TEMPORARY TABLE t"),
      /Temporary table 'default_catalog.default_database.t' does not exist/,
    );
  });

  test(`${kind}: statements that are not DDL or not supported are refused with their place`, () => {
    const m = manager(kind);
    assert.throws(() => run(m, "SELECT 1"), /query statements are not DDL \(line 1, column 1\)/);
    assert.throws(() => run(m, "SHOW JOBS"), /SHOW JOBS is not supported/);
    assert.throws(
      () => run(m, "ALTER CATALOG default_catalog SET ('a' = 'b')"),
      /ALTER CATALOG is not supported/,
    );
  });
}

test("in-memory catalogs are separate; OVERWRITING CONSTRAINTS is refused", () => {
  const a = new CatalogManager();
  const b = new CatalogManager({
    defaultCatalog: new InMemoryCatalog("default_catalog", "default_database"),
  });
  run(a, "CREATE TABLE t (a INT) WITH ('connector' = 'blackhole')");
  assert.deepEqual(b.listTables(), []);
  assert.throws(
    () => run(a, "CREATE TABLE t2 (b INT) LIKE t (OVERWRITING CONSTRAINTS)"),
    (e: unknown) =>
      e instanceof Error && /OVERWRITING/.test(e.message) && /CONSTRAINTS/.test(e.message),
  );
});

test("validateConnectors: false skips the connector check (e.g. for a factory registered later)", () => {
  const m = new CatalogManager();
  executeDdlScript("CREATE TABLE t (a INT) WITH ('connector' = 'later')", m, {
    validateConnectors: false,
  });
  assert.equal(m.listTables()[0], "t");
  assert.throws(
    () => executeDdlScript("CREATE TABLE u (a INT) WITH ('connector' = 'later')", m),
    OptionValidationError,
  );
});
