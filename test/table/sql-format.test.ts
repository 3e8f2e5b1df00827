import { test } from "node:test";
import assert from "node:assert/strict";
import {
  exprToString,
  formatExpr,
  formatQuery,
  formatSql,
  parseDataType,
  parseExpression,
  parseQuery,
  parseStatement,
  type Expr,
  type SourcePos,
} from "../../src/table/sql/index.ts";

/** The AST without positions and literal source texts. */
function shape(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x, (k, v) => (k === "pos" || k === "text" ? undefined : v)));
}

test("expressions print canonically: upper-case keywords, names as written, minimal parentheses", () => {
  const cases: [string, string][] = [
    ["a+b*c", "a + b * c"],
    ["(a+b)*c", "(a + b) * c"],
    ["a-(b-c)", "a - (b - c)"],
    ["(a-b)-c", "a - b - c"],
    ["not (a and b) or c", "NOT (a AND b) OR c"],
    ["(a = b) = c", "a = b = c"],
    ["a = (b = c)", "a = (b = c)"],
    ["-(a+1)", "-(a + 1)"],
    ["-(-a)", "-(-a)"],
    ["(a is null) is not true", "a IS NULL IS NOT TRUE"],
    ["x between (a and b) and c", "x BETWEEN (a AND b) AND c"],
    ["cast(x as varchar(3)) || 'y'", "CAST(x AS VARCHAR(3)) || 'y'"],
    [
      "count(distinct x) filter (where x>1) over (partition by k order by t rows 2 preceding)",
      "count(DISTINCT x) FILTER (WHERE x > 1) OVER (PARTITION BY k ORDER BY t ROWS 2 PRECEDING)",
    ],
    [
      "`select` + `a b` + `it``s` + timestamp + plain_1",
      "`select` + `a b` + `it``s` + `timestamp` + plain_1",
    ],
    ["'it''s'", "'it''s'"],
    ["interval '5' minutes", "INTERVAL '5' MINUTE"],
    ["(a).b", "(a).b"],
    ["f(x).b[1]", "f(x).b[1]"],
    ["current_timestamp", "CURRENT_TIMESTAMP"],
    ["trim(s)", "TRIM(BOTH FROM s)"],
    ["a not in (1, 2)", "a NOT IN (1, 2)"],
    ["a in (select 1)", "a IN (SELECT 1)"],
    ["json_object('a' value 1)", "JSON_OBJECT(KEY 'a' VALUE 1)"],
    ["json_array()", "JSON_ARRAY()"],
  ];
  for (const [input, expected] of cases)
    assert.equal(formatExpr(parseExpression(input)), expected, input);
});

test("queries print on one line with the parentheses set operations need", () => {
  const cases: [string, string][] = [
    [
      "select a from t where x=1 group by a having count(*)>1 order by a desc limit 5",
      "SELECT a FROM t WHERE x = 1 GROUP BY a HAVING count(*) > 1 ORDER BY a DESC LIMIT 5",
    ],
    ["select 1 union (select 2 union select 3)", "SELECT 1 UNION (SELECT 2 UNION SELECT 3)"],
    [
      "(select 1 union select 2) intersect select 3",
      "(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3",
    ],
    ["select 1 union select 2 intersect select 3", "SELECT 1 UNION SELECT 2 INTERSECT SELECT 3"],
    ["(select 1 order by 1) union all select 2", "(SELECT 1 ORDER BY 1) UNION ALL SELECT 2"],
    [
      "select * from (a join b on true) join c on true",
      "SELECT * FROM a JOIN b ON TRUE JOIN c ON TRUE",
    ],
    [
      "select * from a join (b join c on true) on true",
      "SELECT * FROM a JOIN (b JOIN c ON TRUE) ON TRUE",
    ],
    ["select * from (a, b) join c on true", "SELECT * FROM (a, b) JOIN c ON TRUE"],
    ["select * from t /*+ options('a'='b') */ x", "SELECT * FROM t /*+ OPTIONS('a' = 'b') */ AS x"],
    ["with w as (select 1) select * from w", "WITH w AS (SELECT 1) SELECT * FROM w"],
  ];
  for (const [input, expected] of cases) {
    const printed = formatQuery(parseQuery(input));
    assert.equal(printed, expected, input);
    assert.deepEqual(shape(parseQuery(printed)), shape(parseQuery(input)), input);
  }
});

test("formatSql prints any node by its kind; exprToString cuts long text", () => {
  assert.equal(formatSql(parseStatement("drop table if exists t")), "DROP TABLE IF EXISTS t");
  assert.equal(formatSql(parseQuery("values (1)")), "VALUES (1)");
  assert.equal(formatSql(parseExpression("a||b")), "a || b");
  assert.equal(
    formatSql(parseDataType("map<string, int array> not null")),
    "MAP<STRING, ARRAY<INT>> NOT NULL",
  );
  const q = parseQuery("select * from a left join b using (k)");
  assert.equal(q.kind === "select" && q.from && formatSql(q.from), "a LEFT JOIN b USING (k)");
  const long = parseExpression(Array.from({ length: 40 }, (_, i) => `c${i}`).join(" + "));
  const cut = exprToString(long, 30);
  assert.equal(cut.length, 30);
  assert.ok(cut.endsWith("..."));
  assert.equal(exprToString(parseExpression("a + 1")), "a + 1");
});

// --- Property test: random expression trees print to text that parses back to the same tree.

const POS: SourcePos = { line: 1, column: 1, offset: 0 };

/** A small deterministic random generator (LCG). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomExpr(r: () => number, depth: number): Expr {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const sub = (): Expr => randomExpr(r, depth - 1);
  if (depth <= 0 || r() < 0.2) {
    return r() < 0.5
      ? {
          kind: "identifier",
          pos: POS,
          parts: [pick(["a", "b", "t.c"])].flatMap((p) => p.split(".")),
        }
      : { kind: "literal", pos: POS, type: "integer", value: pick(["0", "1", "42"]), text: "" };
  }
  switch (Math.floor(r() * 11)) {
    case 0:
    case 1: {
      const op = pick(["OR", "AND", "=", "<>", "<", ">=", "||", "+", "-", "*", "/", "%"] as const);
      return { kind: "binary", pos: POS, op, left: sub(), right: sub() };
    }
    case 2:
      return { kind: "unary", pos: POS, op: pick(["-", "+", "NOT"] as const), operand: sub() };
    case 3:
      return {
        kind: "is",
        pos: POS,
        not: r() < 0.5,
        test: pick(["NULL", "TRUE", "UNKNOWN"] as const),
        operand: sub(),
      };
    case 4:
      return {
        kind: "between",
        pos: POS,
        not: r() < 0.5,
        symmetric: r() < 0.3,
        operand: sub(),
        low: sub(),
        high: sub(),
      };
    case 5:
      return {
        kind: "like",
        pos: POS,
        op: pick(["LIKE", "ILIKE", "SIMILAR TO"] as const),
        not: r() < 0.5,
        operand: sub(),
        pattern: sub(),
      };
    case 6:
      return { kind: "inList", pos: POS, not: r() < 0.5, operand: sub(), list: [sub(), sub()] };
    case 7:
      return { kind: "item", pos: POS, operand: sub(), index: sub() };
    case 8:
      return { kind: "fieldAccess", pos: POS, operand: sub(), field: "f" };
    case 9:
      return { kind: "call", pos: POS, name: ["fn"], args: [sub(), sub()] };
    default:
      return { kind: "distinctFrom", pos: POS, not: r() < 0.5, left: sub(), right: sub() };
  }
}

test("random expression trees survive print and re-parse unchanged", () => {
  const r = rng(20261101);
  for (let i = 0; i < 2000; i++) {
    const e = randomExpr(r, 4);
    const text = formatExpr(e);
    let back: Expr;
    try {
      back = parseExpression(text);
    } catch (err) {
      assert.fail(`${text}\n${(err as Error).message}`);
    }
    assert.deepEqual(shape(back), shape(e), text);
  }
});
