import { test } from "node:test";
import assert from "node:assert/strict";
import {
  formatExpr,
  parseStatement,
  parseStatements,
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

test("scripts: ';' separates statements, empty statements and comments are skipped", () => {
  const list = parseStatements(`
    -- set up
    SET 'parallelism.default' = '2';;
    /* the source */
    CREATE TABLE t (a INT) WITH ('connector' = 'datagen');
    SELECT a FROM t
  `);
  assert.deepEqual(
    list.map((s) => s.kind),
    ["set", "createTable", "query"],
  );
  assert.deepEqual(list[1]!.pos, { line: 5, column: 5, offset: 78 });
  assert.deepEqual(parseStatements(" ; -- nothing\n"), []);
});

test("INSERT INTO / OVERWRITE with hints, static partition, column list and VALUES", () => {
  const s = statementOf(
    "INSERT OVERWRITE cat.db.t /*+ OPTIONS('sink.parallelism'='4') */ PARTITION (dt = '2024-01-01', hr = 7) (a, b) SELECT x, y FROM src",
    "insert",
  );
  assert.deepEqual([s.overwrite, s.table, s.columns], [true, ["cat", "db", "t"], ["a", "b"]]);
  assert.deepEqual(shape(s.hints), [
    { name: "OPTIONS", options: [{ key: "sink.parallelism", value: "4" }] },
  ]);
  assert.deepEqual(
    s.partition?.map((p) => [p.column, p.value && formatExpr(p.value)]),
    [
      ["dt", "'2024-01-01'"],
      ["hr", "7"],
    ],
  );
  const v = statementOf("INSERT INTO t VALUES (1, 'a'), (2, 'b')", "insert");
  assert.equal(v.query.kind, "values");
  const p = statementOf("INSERT INTO t (SELECT 1)", "insert");
  assert.equal(p.columns, undefined);
});

test("statement sets: EXECUTE STATEMENT SET and the client's BEGIN STATEMENT SET; ... END;", () => {
  const e = statementOf(
    "EXECUTE STATEMENT SET BEGIN INSERT INTO a SELECT 1; INSERT INTO b SELECT 2; END",
    "execute",
  );
  assert.equal(e.statement.kind, "statementSet");
  assert.equal(e.statement.kind === "statementSet" && e.statement.statements.length, 2);
  const script = parseStatements(`
    SET 'a' = 'b';
    BEGIN STATEMENT SET;
    INSERT INTO a SELECT 1;
    INSERT INTO b SELECT 2;
    END;
    SELECT 3;`);
  assert.deepEqual(
    script.map((s) => s.kind),
    ["set", "statementSet", "query"],
  );
  const set = script[1]!;
  assert.deepEqual(set.kind === "statementSet" && set.statements.map((i) => i.table[0]), [
    "a",
    "b",
  ]);
  assert.throws(
    () => parseStatements("BEGIN STATEMENT SET; SELECT 1; END;"),
    /expected an INSERT statement or END/,
  );
  assert.throws(
    () => parseStatements("BEGIN STATEMENT SET; INSERT INTO a SELECT 1;"),
    /expected END to close the statement set/,
  );
  const ex = statementOf("EXECUTE INSERT INTO t SELECT 1", "execute");
  assert.equal(ex.statement.kind, "insert");
});

test("EXPLAIN with PLAN FOR, details and each kind of target", () => {
  const plan = statementOf("EXPLAIN PLAN FOR SELECT 1", "explain");
  assert.deepEqual([plan.details, plan.statement.kind], [[], "query"]);
  const d = statementOf("EXPLAIN CHANGELOG_MODE, PLAN_ADVICE INSERT INTO t SELECT 1", "explain");
  assert.deepEqual([d.details, d.statement.kind], [["CHANGELOG_MODE", "PLAN_ADVICE"], "insert"]);
  const ss = statementOf("EXPLAIN STATEMENT SET BEGIN INSERT INTO t SELECT 1; END", "explain");
  assert.equal(ss.statement.kind, "statementSet");
});

test("SHOW forms", () => {
  const show = (sql: string): unknown => shape(statementOf(sql, "show"));
  assert.deepEqual(show("SHOW CURRENT CATALOG"), { kind: "show", object: "CURRENT CATALOG" });
  assert.deepEqual(show("SHOW TABLES FROM c.d NOT LIKE 'x%'"), {
    kind: "show",
    object: "TABLES",
    from: ["c", "d"],
    like: { not: true, caseInsensitive: false, pattern: "x%" },
  });
  assert.deepEqual(show("SHOW DATABASES IN c ILIKE 'A%'"), {
    kind: "show",
    object: "DATABASES",
    from: ["c"],
    like: { not: false, caseInsensitive: true, pattern: "A%" },
  });
  assert.deepEqual(show("SHOW COLUMNS FROM t LIKE '%id'"), {
    kind: "show",
    object: "COLUMNS",
    name: ["t"],
    like: { not: false, caseInsensitive: false, pattern: "%id" },
  });
  assert.deepEqual(show("SHOW CREATE VIEW db.v"), {
    kind: "show",
    object: "CREATE VIEW",
    name: ["db", "v"],
  });
  assert.deepEqual(show("SHOW USER FUNCTIONS"), { kind: "show", object: "USER FUNCTIONS" });
  assert.deepEqual(show("SHOW FULL MODULES"), { kind: "show", object: "FULL MODULES" });
  assert.deepEqual(show("show jobs"), { kind: "show", object: "JOBS" });
});

test("DESCRIBE, USE, SET, RESET, modules and JARs", () => {
  assert.deepEqual(shape(parseStatement("DESC EXTENDED c.d.t")), {
    kind: "describe",
    name: ["c", "d", "t"],
    extended: true,
  });
  assert.deepEqual(shape(parseStatement("USE CATALOG c")), { kind: "useCatalog", name: "c" });
  assert.deepEqual(shape(parseStatement("USE c.d")), { kind: "useDatabase", name: ["c", "d"] });
  assert.deepEqual(shape(parseStatement("USE MODULES a, b")), {
    kind: "useModules",
    names: ["a", "b"],
  });
  assert.deepEqual(shape(parseStatement("SET 'table.exec.mini-batch.enabled' = 'true';")), {
    kind: "set",
    key: "table.exec.mini-batch.enabled",
    value: "true",
  });
  assert.deepEqual(shape(parseStatement("SET")), { kind: "set" });
  assert.deepEqual(shape(parseStatement("RESET 'k'")), { kind: "reset", key: "k" });
  assert.deepEqual(shape(parseStatement("RESET")), { kind: "reset" });
  assert.deepEqual(shape(parseStatement("LOAD MODULE m WITH ('v' = '1')")), {
    kind: "loadModule",
    name: "m",
    options: [{ key: "v", value: "1" }],
  });
  assert.deepEqual(shape(parseStatement("UNLOAD MODULE m")), { kind: "unloadModule", name: "m" });
  assert.deepEqual(shape(parseStatement("ADD JAR '/a.jar'")), { kind: "addJar", path: "/a.jar" });
  assert.deepEqual(shape(parseStatement("REMOVE JAR '/a.jar'")), {
    kind: "removeJar",
    path: "/a.jar",
  });
});

test("CALL, STOP JOB, TRUNCATE, DELETE, UPDATE, ANALYZE", () => {
  const call = statementOf("CALL cat.sys.expire(`table` => 'db.t', keep => 3)", "callProcedure");
  assert.deepEqual(call.name, ["cat", "sys", "expire"]);
  assert.deepEqual(
    call.args.map((a) => (a.kind === "namedArg" ? a.name : a.kind)),
    ["table", "keep"],
  );
  assert.deepEqual(shape(parseStatement("STOP JOB 'abc' WITH DRAIN")), {
    kind: "stopJob",
    jobId: "abc",
    withSavepoint: false,
    withDrain: true,
  });
  assert.deepEqual(shape(parseStatement("TRUNCATE TABLE t")), {
    kind: "truncateTable",
    name: ["t"],
  });
  const del = statementOf("DELETE FROM t WHERE a = 1", "delete");
  assert.equal(del.where && formatExpr(del.where), "a = 1");
  const up = statementOf("UPDATE t SET a = a + 1, b = 'x'", "update");
  assert.deepEqual(
    up.assignments.map((a) => [a.column, formatExpr(a.value)]),
    [
      ["a", "a + 1"],
      ["b", "'x'"],
    ],
  );
  const an = statementOf(
    "ANALYZE TABLE t PARTITION (p1 = 1, p2) COMPUTE STATISTICS FOR COLUMNS a, b",
    "analyzeTable",
  );
  assert.deepEqual(
    [an.partition?.map((p) => p.column), an.columns],
    [
      ["p1", "p2"],
      ["a", "b"],
    ],
  );
});

test("keywords are case-insensitive, identifiers keep their case", () => {
  const s = statementOf("select Amount From MyTable wHeRe Amount > 1", "query");
  assert.equal(
    s.query.kind === "select" && s.query.from?.kind === "table" && s.query.from.name[0],
    "MyTable",
  );
});
