import { test } from "node:test";
import assert from "node:assert/strict";
import {
  formatDataType,
  formatExpr,
  parseDataType,
  parseStatement,
  type Statement,
} from "../../src/table/sql/index.ts";

/** The AST without positions and literal texts. */
function shape(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x, (k, v) => (k === "pos" || k === "text" ? undefined : v)));
}

function statementOf<K extends Statement["kind"]>(sql: string, kind: K): Statement & { kind: K } {
  const s = parseStatement(sql);
  assert.equal(s.kind, kind, sql);
  return s as Statement & { kind: K };
}

test("CREATE TABLE: physical, computed and metadata columns, watermark, primary key, options", () => {
  const s = statementOf(
    `CREATE TEMPORARY TABLE IF NOT EXISTS cat.db.orders (
       id BIGINT NOT NULL COMMENT 'the id',
       price DECIMAL(10, 2),
       qty INT,
       total AS price * qty COMMENT 'derived',
       ts TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
       \`partition\` INT METADATA,
       WATERMARK FOR ts AS ts - INTERVAL '5' SECOND,
       CONSTRAINT pk PRIMARY KEY (id) NOT ENFORCED
     ) COMMENT 'orders table'
     PARTITIONED BY (qty)
     WITH ('connector' = 'kafka', 'topic' = 'o''s')`,
    "createTable",
  );
  assert.deepEqual(
    [s.mode, s.temporary, s.ifNotExists, s.name],
    ["create", true, true, ["cat", "db", "orders"]],
  );
  assert.deepEqual(
    s.columns.map((c) => [c.kind, c.name, c.comment ?? null]),
    [
      ["physical", "id", "the id"],
      ["physical", "price", null],
      ["physical", "qty", null],
      ["computed", "total", "derived"],
      ["metadata", "ts", null],
      ["metadata", "partition", null],
    ],
  );
  const [id, , , total, ts, part] = s.columns;
  assert.equal(id!.kind === "physical" && formatDataType(id!.type), "BIGINT NOT NULL");
  assert.equal(total!.kind === "computed" && formatExpr(total!.expr), "price * qty");
  assert.deepEqual(ts!.kind === "metadata" && [ts!.key, ts!.virtual, formatDataType(ts!.type)], [
    "timestamp",
    true,
    "TIMESTAMP_LTZ(3)",
  ]);
  assert.deepEqual(part!.kind === "metadata" && [part!.key ?? null, part!.virtual], [null, false]);
  assert.deepEqual(shape(s.watermarks), [
    {
      kind: "watermark",
      column: "ts",
      strategy: {
        kind: "binary",
        op: "-",
        left: { kind: "identifier", parts: ["ts"] },
        right: { kind: "interval", negative: false, value: "5", qualifier: { start: "SECOND" } },
      },
    },
  ]);
  assert.deepEqual(shape(s.primaryKey), {
    kind: "primaryKey",
    name: "pk",
    columns: ["id"],
    enforced: false,
  });
  assert.equal(s.comment, "orders table");
  assert.deepEqual(s.partitionedBy, ["qty"]);
  assert.deepEqual(
    s.options.map((o) => [o.key, o.value]),
    [
      ["connector", "kafka"],
      ["topic", "o's"],
    ],
  );
});

test("CREATE TABLE: a column-level PRIMARY KEY becomes the table's key; two keys are refused", () => {
  const s = statementOf(
    "CREATE TABLE t (id STRING PRIMARY KEY NOT ENFORCED, v INT) WITH ('connector' = 'x')",
    "createTable",
  );
  assert.deepEqual(shape(s.primaryKey), { kind: "primaryKey", columns: ["id"], enforced: false });
  assert.deepEqual(
    s.columns.map((c) => c.name),
    ["id", "v"],
  );
  assert.throws(
    () =>
      parseStatement(
        "CREATE TABLE t (a INT PRIMARY KEY NOT ENFORCED, PRIMARY KEY (a) NOT ENFORCED)",
      ),
    /line 1, column 49: a table can have only one PRIMARY KEY/,
  );
});

test("CREATE TABLE ... LIKE with merge options, AS SELECT, DISTRIBUTED BY", () => {
  const like = statementOf(
    `CREATE TABLE t2 (WATERMARK FOR ts AS ts) WITH ('a' = 'b')
     LIKE cat.db.t1 (EXCLUDING ALL INCLUDING GENERATED, OVERWRITING OPTIONS INCLUDING METADATA)`,
    "createTable",
  );
  assert.deepEqual(shape(like.like), {
    name: ["cat", "db", "t1"],
    options: [
      { strategy: "EXCLUDING", feature: "ALL" },
      { strategy: "INCLUDING", feature: "GENERATED" },
      { strategy: "OVERWRITING", feature: "OPTIONS" },
      { strategy: "INCLUDING", feature: "METADATA" },
    ],
  });
  const ctas = statementOf(
    "CREATE TABLE t3 WITH ('connector' = 'x') AS SELECT a FROM t1",
    "createTable",
  );
  assert.equal(ctas.asQuery?.kind, "select");
  assert.equal(ctas.columns.length, 0);
  const rtas = statementOf("REPLACE TABLE t3 AS SELECT 1", "createTable");
  assert.equal(rtas.mode, "replace");
  const dist = statementOf(
    "CREATE TABLE t4 (a INT) DISTRIBUTED BY RANGE(a) INTO 4 BUCKETS",
    "createTable",
  );
  assert.deepEqual(shape(dist.distribution), { algorithm: "RANGE", columns: ["a"], buckets: "4" });
});

test("data types: canonical names, parameters, nesting, suffix ARRAY, nullability", () => {
  const cases: [string, string][] = [
    ["integer", "INT"],
    ["NUMERIC(20)", "DECIMAL(20)"],
    ["dec(5, 1)", "DECIMAL(5, 1)"],
    ["DOUBLE PRECISION", "DOUBLE"],
    ["REAL", "FLOAT"],
    ["CHARACTER VARYING(3)", "VARCHAR(3)"],
    ["TIMESTAMP(3) WITH LOCAL TIME ZONE", "TIMESTAMP_LTZ(3)"],
    ["TIMESTAMP WITHOUT TIME ZONE", "TIMESTAMP"],
    ["TIME(0)", "TIME(0)"],
    ["INTERVAL DAY(2) TO SECOND(3)", "INTERVAL DAY(2) TO SECOND(3)"],
    ["INTERVAL MONTH", "INTERVAL MONTH"],
    ["INT ARRAY", "ARRAY<INT>"],
    ["INT NOT NULL ARRAY NOT NULL", "ARRAY<INT NOT NULL> NOT NULL"],
    ["STRING MULTISET", "MULTISET<STRING>"],
    ["MAP<STRING, ARRAY<ROW<a INT>>>", "MAP<STRING, ARRAY<ROW<a INT>>>"],
    ["ROW(a INT, `b c` STRING 'doc')", "ROW<a INT, `b c` STRING 'doc'>"],
    ["ROW<>", "ROW<>"],
    ["RAW('com.Acme', 'c25hcA==')", "RAW('com.Acme', 'c25hcA==')"],
    ["BYTES NULL", "BYTES"],
    ["NULL", "NULL"],
  ];
  for (const [text, canonical] of cases)
    assert.equal(formatDataType(parseDataType(text)), canonical, text);
  assert.deepEqual(shape(parseDataType("DECIMAL(38, 18) NOT NULL")), {
    kind: "scalarType",
    nullable: false,
    name: "DECIMAL",
    precision: 38,
    scale: 18,
  });
  assert.throws(() => parseDataType("TIMESTAMP WITH TIME ZONE"), /WITH TIME ZONE is not supported/);
  assert.throws(
    () => parseDataType("VARCHR(3)"),
    /unexpected identifier VARCHR, expected a data type/,
  );
});

test("CREATE VIEW, FUNCTION, CATALOG, DATABASE", () => {
  const v = statementOf(
    "CREATE TEMPORARY VIEW IF NOT EXISTS v (a, b) COMMENT 'c' AS SELECT 1, 2",
    "createView",
  );
  assert.deepEqual(
    [v.temporary, v.ifNotExists, v.columns, v.comment, v.query.kind],
    [true, true, ["a", "b"], "c", "select"],
  );
  const f = statementOf(
    "CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS f AS 'a.B' LANGUAGE TYPESCRIPT USING JAR 'x.jar', JAR 'y.jar'",
    "createFunction",
  );
  assert.deepEqual(
    [f.temporary, f.system, f.ifNotExists, f.identifier, f.language, f.resources.map((r) => r.uri)],
    [true, true, true, "a.B", "TYPESCRIPT", ["x.jar", "y.jar"]],
  );
  const c = statementOf("CREATE CATALOG c1 WITH ('type' = 'jdbc')", "createCatalog");
  assert.deepEqual([c.name, c.options.length], ["c1", 1]);
  const d = statementOf("CREATE DATABASE IF NOT EXISTS c1.d1 COMMENT 'x'", "createDatabase");
  assert.deepEqual([d.name, d.ifNotExists, d.comment, d.options], [["c1", "d1"], true, "x", []]);
});

test("DROP statements", () => {
  const d = statementOf("DROP TEMPORARY SYSTEM FUNCTION IF EXISTS f", "drop");
  assert.deepEqual(
    [d.objectKind, d.temporary, d.system, d.ifExists, d.name],
    ["FUNCTION", true, true, true, ["f"]],
  );
  const db = statementOf("DROP DATABASE c.d CASCADE", "drop");
  assert.deepEqual([db.objectKind, db.behavior, db.name], ["DATABASE", "CASCADE", ["c", "d"]]);
  assert.equal(statementOf("DROP VIEW v", "drop").objectKind, "VIEW");
});

test("ALTER TABLE actions", () => {
  const action = (sql: string): unknown =>
    shape(statementOf(`ALTER TABLE t ${sql}`, "alterTable").action);
  assert.deepEqual(action("RENAME TO db.t2"), { kind: "renameTable", newName: ["db", "t2"] });
  assert.deepEqual(action("RENAME a TO b"), { kind: "renameColumn", from: "a", to: "b" });
  assert.deepEqual(action("SET ('k' = 'v')"), {
    kind: "setOptions",
    options: [{ key: "k", value: "v" }],
  });
  assert.deepEqual(action("RESET ('k', 'j')"), { kind: "resetOptions", keys: ["k", "j"] });
  assert.deepEqual(action("DROP (a, b)"), { kind: "dropColumns", columns: ["a", "b"] });
  assert.deepEqual(action("DROP c"), { kind: "dropColumns", columns: ["c"] });
  assert.deepEqual(action("DROP PRIMARY KEY"), { kind: "dropPrimaryKey" });
  assert.deepEqual(action("DROP WATERMARK"), { kind: "dropWatermark" });
  assert.deepEqual(action("DROP CONSTRAINT pk"), { kind: "dropConstraint", name: "pk" });
  const add = statementOf(
    `ALTER TABLE IF EXISTS t ADD (
       a STRING COMMENT 'x' FIRST,
       b AS UPPER(a) AFTER a,
       c INT PRIMARY KEY NOT ENFORCED,
       WATERMARK FOR ts AS ts
     )`,
    "alterTable",
  );
  assert.equal(add.ifExists, true);
  assert.equal(add.action.kind, "add");
  if (add.action.kind !== "add") return;
  assert.deepEqual(
    add.action.items.map((i) => [i.kind, "position" in i ? (i.position?.kind ?? null) : null]),
    [
      ["physical", "first"],
      ["computed", "after"],
      ["physical", null],
      ["primaryKey", null],
      ["watermark", null],
    ],
  );
  const modify = statementOf("ALTER TABLE t MODIFY amount DOUBLE NOT NULL AFTER id", "alterTable");
  assert.deepEqual(
    modify.action.kind === "modify" &&
      modify.action.items.map((i) => ("position" in i ? i.position : null)),
    [{ kind: "after", column: "id" }],
  );
  assert.deepEqual(
    action("ADD PARTITION (dt = '2024-01-01') PARTITION (dt = '2024-01-02') WITH ('k' = 'v')"),
    {
      kind: "addPartitions",
      ifNotExists: false,
      partitions: [
        {
          spec: [{ column: "dt", value: { kind: "literal", type: "string", value: "2024-01-01" } }],
          options: [],
        },
        {
          spec: [{ column: "dt", value: { kind: "literal", type: "string", value: "2024-01-02" } }],
          options: [{ key: "k", value: "v" }],
        },
      ],
    },
  );
});

test("ALTER VIEW, FUNCTION, DATABASE, CATALOG", () => {
  const v = statementOf("ALTER VIEW v AS SELECT 2", "alterView");
  assert.equal(v.action.kind, "as");
  const f = statementOf(
    "ALTER TEMPORARY FUNCTION IF EXISTS f AS 'x.Y' LANGUAGE SCALA",
    "alterFunction",
  );
  assert.deepEqual(
    [f.temporary, f.system, f.ifExists, f.identifier, f.language],
    [true, false, true, "x.Y", "SCALA"],
  );
  const d = statementOf("ALTER DATABASE d SET ('k' = 'v')", "alterDatabase");
  assert.equal(d.action.kind, "setOptions");
  const c = statementOf("ALTER CATALOG c RESET ('k')", "alterCatalog");
  assert.deepEqual(shape(c.action), { kind: "resetOptions", keys: ["k"] });
});
