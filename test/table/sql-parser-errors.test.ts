import { test } from "node:test";
import assert from "node:assert/strict";
import {
  parseExpression,
  parseStatement,
  parseStatements,
  SqlParseError,
} from "../../src/table/sql/index.ts";

function errorOf(run: () => unknown): SqlParseError {
  try {
    run();
  } catch (e) {
    assert.ok(e instanceof SqlParseError, `not a SqlParseError: ${String(e)}`);
    return e;
  }
  assert.fail("no error");
}

/** [sql, line, column, reason] */
const MISTAKES: [string, number, number, string][] = [
  [
    "SELEC a FROM t",
    1,
    1,
    "unexpected identifier SELEC, expected a statement (SELECT, INSERT, CREATE, ALTER, DROP, SHOW, SET, EXPLAIN, ...); did you mean SELECT?",
  ],
  [
    "SELECT a FROM WHERE b = 1",
    1,
    15,
    "unexpected keyword WHERE, expected a table name, '(', LATERAL, TABLE(...) or UNNEST(...)",
  ],
  [
    "SELECT a,\n  b\nFROM t WHERE a = 'abc\n",
    3,
    18,
    "unterminated string literal: missing closing quote (')",
  ],
  ["SELECT a FROM t x y", 1, 19, "unexpected identifier y, expected ';' or end of input"],
  [
    "SELECT COUNT(a FROM t",
    1,
    16,
    "unexpected keyword FROM, expected ')' to close the '(' at column 13",
  ],
  [
    "CREATE TABLE t (\n  a INT\n",
    3,
    1,
    "unexpected end of input, expected ')' to close the '(' at line 1, column 16",
  ],
  [
    "SELECT INTERVAL '1' FORTNIGHT",
    1,
    21,
    "unexpected identifier FORTNIGHT, expected an interval unit (YEAR, MONTH, DAY, HOUR, MINUTE or SECOND)",
  ],
  [
    "SELECT INTERVAL 'abc' DAY",
    1,
    17,
    "invalid interval value 'abc' for INTERVAL ... DAY: expected a value like '10'",
  ],
  [
    "SELECT INTERVAL '1:30' DAY TO MINUTE",
    1,
    17,
    "invalid interval value '1:30' for INTERVAL ... DAY TO MINUTE: expected a value like '1 12:30' (days hours:minutes)",
  ],
  [
    "SELECT INTERVAL '1' MONTH TO YEAR",
    1,
    30,
    "invalid interval qualifier MONTH TO YEAR: the range must go from a larger to a smaller unit (YEAR TO MONTH, DAY TO HOUR|MINUTE|SECOND, HOUR TO MINUTE|SECOND, MINUTE TO SECOND)",
  ],
  ["SELECT a, FROM t", 1, 11, "unexpected keyword FROM, expected an expression"],
  ["SELECT a +\n  FROM t", 2, 3, "unexpected keyword FROM, expected an expression"],
  [
    "SELECT CASE WHEN a THEN 1 FROM t",
    1,
    27,
    "unexpected keyword FROM, expected WHEN, ELSE or END",
  ],
  ["SELECT CASE WHEN a 1 END", 1, 20, "unexpected number 1, expected THEN"],
  ["SELECT * FROM a JOIN b WHERE x = 1", 1, 24, "unexpected keyword WHERE, expected ON or USING"],
  ["CREATE TABLE t (a, b INT)", 1, 18, "unexpected ',', expected a data type"],
  [
    "CREATE TABLE t (a INT) WITH (connector = 'kafka')",
    1,
    30,
    "unexpected identifier connector, expected an option key in quotes, like 'connector'",
  ],
  [
    "CREATE TABLE t (from INT)",
    1,
    17,
    "unexpected keyword FROM, expected a column name, WATERMARK FOR or PRIMARY KEY (quote a reserved word to use it as a name: `from`)",
  ],
  ["SELECT a FROM t GROUP a", 1, 23, "unexpected identifier a, expected BY"],
  ["SELECT DATE '2024-13'", 1, 13, "invalid DATE literal '2024-13': expected 'yyyy-mm-dd'"],
  ["SELECT * FROM t WHERE a = ?", 1, 27, "dynamic parameters ('?') are not supported"],
  ["INSERT t SELECT 1", 1, 8, "unexpected identifier t, expected INTO or OVERWRITE"],
  ["SELECT a IN () FROM t", 1, 14, "unexpected ')', expected an expression"],
  [
    "SELECT MAP['a'] FROM t",
    1,
    8,
    "MAP[...] needs an even number of items (key, value, ...), got 1",
  ],
  [
    "SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts PATTERN (A B))",
    1,
    59,
    "unexpected ')', expected DEFINE",
  ],
  [
    "SELECT SUM(a) OVER (ORDER BY b ROWZ 1 PRECEDING) FROM t",
    1,
    32,
    "unexpected identifier ROWZ, expected ROWS, RANGE or ')' to close the window at line 1, column 20",
  ],
  [
    "SELECT SUM(a) OVER (ROWS UNBOUNDED) FROM t",
    1,
    35,
    "unexpected ')', expected PRECEDING or FOLLOWING after UNBOUNDED",
  ],
  [
    "CREATE OR REPLACE FUNCTION f AS 'x'",
    1,
    19,
    "CREATE OR REPLACE is not supported for a FUNCTION",
  ],
  [
    "SELECT CAST(a AS ROW<x INT) FROM t",
    1,
    27,
    "unexpected ')', expected '>' to close the '<' at line 1, column 21",
  ],
  ["SELECT CAST(a AS VARCHR(10))", 1, 18, "unexpected identifier VARCHR, expected a data type"],
  [
    "SELECT EXTRACT(FORTNIGHT FROM ts)",
    1,
    16,
    "unexpected identifier FORTNIGHT, expected a time unit (YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, ...)",
  ],
  ["SELECT * FROM t LIMIT 1 LIMIT 2", 1, 25, "LIMIT / FETCH is given twice"],
  ["CREATE TABLE t (a INT) LIKE s (OVERWRITING ALL)", 1, 44, "OVERWRITING cannot be used with ALL"],
  [
    "SELECT * FROM t;\nSELECT * FROM\n",
    3,
    1,
    "unexpected end of input, expected a table name, '(', LATERAL, TABLE(...) or UNNEST(...)",
  ],
  ["SELECT a FROM t UNION", 1, 22, "unexpected end of input, expected SELECT, VALUES, WITH or '('"],
  ["SELECT * FROM TABLE(t)", 1, 21, "expected a table function call inside TABLE(...)"],
  [
    "SELECT x FROM t WHERE a IS 5",
    1,
    28,
    "unexpected number 5, expected NULL, TRUE, FALSE, UNKNOWN, JSON or DISTINCT FROM after IS",
  ],
  ["CREATE TABLE t (a INT) PARTITIONED (a)", 1, 36, "unexpected '(', expected BY"],
  ["SET 'a' 'b'", 1, 9, "unexpected string 'b', expected '='"],
  [
    "SET table.planner = 'blink'",
    1,
    5,
    "unexpected keyword TABLE, expected an option key in quotes, like 'parallelism.default'",
  ],
  [
    "CREATE TABLE t AS SELECT 1 UNION",
    1,
    33,
    "unexpected end of input, expected SELECT, VALUES, WITH or '('",
  ],
  [
    "CREATE OR REPLACE TABLE t WITH ('a' = 'b')",
    1,
    43,
    "CREATE OR REPLACE TABLE needs AS followed by a query",
  ],
  ["SELECT a FROM t WHERE b BETWEEN 1 OR 2", 1, 35, "unexpected keyword OR, expected AND"],
  ["SELECT * FROM t FOR SYSTEM_TIME OF x", 1, 33, "unexpected identifier OF, expected AS"],
  [
    "SELECT 1 FROM t WHERE\n\t\tx = 'a' AND AND y",
    2,
    15,
    "unexpected keyword AND, expected an expression",
  ],
];

test("mistakes are reported at their line and column, naming what was found and expected", () => {
  assert.ok(MISTAKES.length >= 15);
  for (const [sql, line, column, reason] of MISTAKES) {
    const e = errorOf(() => parseStatements(sql));
    assert.deepEqual([e.line, e.column, e.reason], [line, column, reason], sql);
  }
});

test("the message holds the position, the cause, the offending line and a caret", () => {
  const e = errorOf(() => parseStatements("SELECT a\nFROM t\nWHERE a = = 1"));
  assert.equal(
    e.message,
    "SQL parse error at line 3, column 11: unexpected '=', expected an expression\n" +
      "  WHERE a = = 1\n" +
      "            ^",
  );
  assert.equal(e.offset, 26);
  assert.equal(e.name, "SqlParseError");
});

test("the caret lines up under tabs", () => {
  const e = errorOf(() => parseStatements("SELECT\n\ta,\n\t\tFROM t"));
  assert.equal(e.message.split("\n").slice(1).join("\n"), "  \t\tFROM t\n  \t\t^");
});

test("entry points refuse trailing input and more than one statement where one is expected", () => {
  assert.equal(
    errorOf(() => parseStatement("SELECT 1; SELECT 2")).reason,
    "unexpected keyword SELECT, expected end of input (only one statement is allowed here)",
  );
  assert.equal(
    errorOf(() => parseStatement("SELECT 1 SELECT 2")).reason,
    "unexpected keyword SELECT, expected ';' or end of input",
  );
  assert.equal(
    errorOf(() => parseExpression("a + b c")).reason,
    "unexpected identifier c, expected end of input",
  );
  assert.equal(
    errorOf(() => parseExpression("")).reason,
    "unexpected end of input, expected an expression",
  );
  assert.equal(
    errorOf(() => parseStatement("")).reason.startsWith(
      "unexpected end of input, expected a statement",
    ),
    true,
  );
});

test("mangled statements only ever raise SqlParseError, with a position inside the text", () => {
  const seeds = [
    "SELECT a, SUM(b) OVER (PARTITION BY c ORDER BY d ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t WHERE x IN (1, 2)",
    "CREATE TABLE t (a INT NOT NULL, b AS a + 1, c TIMESTAMP(3) METADATA FROM 'ts' VIRTUAL, WATERMARK FOR c AS c - INTERVAL '1' SECOND, PRIMARY KEY (a) NOT ENFORCED) WITH ('k' = 'v')",
    "SELECT * FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' MINUTES)) AS w JOIN u FOR SYSTEM_TIME AS OF w.ts ON TRUE",
    "SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts MEASURES A.x AS ax PATTERN (A B+? C{1,2}) DEFINE A AS A.x > 1)",
    "INSERT INTO s /*+ OPTIONS('a'='b') */ SELECT CASE WHEN a THEN JSON_VALUE(j, '$.x' DEFAULT 0 ON EMPTY) END FROM t",
  ];
  const pieces = [
    "(",
    ")",
    ",",
    "'",
    "`",
    "*",
    "[",
    "]",
    "/*+",
    "*/",
    ";",
    "--",
    "=>",
    "{",
    "?",
    "<",
    "NOT",
    "END",
    "AS",
  ];
  let seed = 7;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return Math.floor((seed / 2 ** 32) * n);
  };
  for (let i = 0; i < 3000; i++) {
    let sql = seeds[rand(seeds.length)]!;
    const at = rand(sql.length);
    sql =
      rand(2) === 0
        ? sql.slice(0, at) + sql.slice(at + 1 + rand(4))
        : `${sql.slice(0, at)} ${pieces[rand(pieces.length)]} ${sql.slice(at)}`;
    try {
      parseStatements(sql);
    } catch (e) {
      assert.ok(e instanceof SqlParseError, `${String(e)}\n${sql}`);
      assert.ok(e.offset >= 0 && e.offset <= sql.length && e.line >= 1 && e.column >= 1, sql);
    }
  }
});

test("absurdly deep nesting is a parse error, not a stack overflow", () => {
  const depth = 50_000;
  const e = errorOf(() => parseExpression("(".repeat(depth) + "1" + ")".repeat(depth)));
  assert.equal(e.reason, "the SQL is nested too deeply to parse");
  assert.equal(parseExpression("(".repeat(500) + "1" + ")".repeat(500)).kind, "literal");
});
