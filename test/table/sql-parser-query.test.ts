import { test } from "node:test";
import assert from "node:assert/strict";
import {
  formatExpr,
  parseQuery,
  parseStatement,
  type Query,
  type SelectQuery,
  type TableRef,
} from "../../src/table/sql/index.ts";

/** The AST without positions. */
function shape(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x, (k, v) => (k === "pos" || k === "text" ? undefined : v)));
}

function select(sql: string): SelectQuery {
  const q = parseQuery(sql);
  assert.equal(q.kind, "select", sql);
  return q as SelectQuery;
}

/** Set operations as `(UNION ALL a b)`, selects by their first FROM table. */
function ops(q: Query): string {
  switch (q.kind) {
    case "setOp":
      return `(${q.op}${q.all ? " ALL" : ""} ${ops(q.left)} ${ops(q.right)})`;
    case "select":
      return q.from?.kind === "table" ? q.from.name.join(".") : "select";
    case "ordered":
      return `(ORDERED ${ops(q.query)})`;
    default:
      return q.kind;
  }
}

/** Joins as `(LEFT a b)`, other items by name or kind. */
function joins(r: TableRef): string {
  switch (r.kind) {
    case "join":
      return `(${r.comma ? "," : r.joinType}${r.natural ? " NATURAL" : ""} ${joins(r.left)} ${joins(r.right)})`;
    case "table":
      return r.alias ?? r.name.join(".");
    default:
      return r.alias ?? r.kind;
  }
}

test("a SELECT with every clause", () => {
  const q = select(`SELECT /*+ BROADCAST(d) */ DISTINCT a, b + 1 AS b1, c c1, t.*, *
    FROM t WHERE a > 0 GROUP BY a, b HAVING COUNT(*) > 1
    WINDOW w AS (PARTITION BY a ORDER BY b) QUALIFY ROW_NUMBER() OVER w = 1`);
  assert.equal(q.distinct, true);
  assert.deepEqual(shape(q.hints), [{ name: "BROADCAST", options: [{ value: "d" }] }]);
  assert.deepEqual(
    q.items.map((i) => [formatExpr(i.expr), i.alias ?? null]),
    [
      ["a", null],
      ["b + 1", "b1"],
      ["c", "c1"],
      ["t.*", null],
      ["*", null],
    ],
  );
  assert.equal(q.where && formatExpr(q.where), "a > 0");
  assert.deepEqual(
    q.groupBy?.map((g) => g.kind),
    ["identifier", "identifier"],
  );
  assert.equal(q.having && formatExpr(q.having), "COUNT(*) > 1");
  assert.deepEqual(
    q.windows.map((w) => w.name),
    ["w"],
  );
  assert.equal(q.qualify?.kind, "binary");
});

test("SELECT without FROM, and keywords as implicit and explicit aliases", () => {
  const q = select("SELECT 1 AS value, 2 count, 'x' AS `timestamp`");
  assert.deepEqual(
    q.items.map((i) => i.alias),
    ["value", "count", "timestamp"],
  );
  assert.equal(q.from, undefined);
});

test("set operations: INTERSECT binds tighter, all are left-associative, parentheses group", () => {
  assert.equal(
    ops(parseQuery("SELECT * FROM a UNION SELECT * FROM b INTERSECT SELECT * FROM c")),
    "(UNION a (INTERSECT b c))",
  );
  assert.equal(
    ops(parseQuery("SELECT * FROM a UNION ALL SELECT * FROM b EXCEPT SELECT * FROM c")),
    "(EXCEPT (UNION ALL a b) c)",
  );
  assert.equal(
    ops(parseQuery("(SELECT * FROM a UNION SELECT * FROM b) INTERSECT ALL SELECT * FROM c")),
    "(INTERSECT ALL (UNION a b) c)",
  );
  assert.equal(ops(parseQuery("SELECT * FROM a MINUS SELECT * FROM b")), "(EXCEPT a b)");
  assert.equal(
    ops(parseQuery("SELECT * FROM a UNION DISTINCT SELECT * FROM b ORDER BY 1 LIMIT 5")),
    "(ORDERED (UNION a b))",
  );
});

test("ORDER BY, LIMIT, OFFSET and FETCH FIRST", () => {
  const q = parseQuery("SELECT * FROM t ORDER BY a DESC NULLS LAST, b LIMIT 10 OFFSET 20");
  assert.equal(q.kind, "ordered");
  if (q.kind !== "ordered") return;
  assert.deepEqual(
    q.orderBy.map((o) => [formatExpr(o.expr), o.direction ?? null, o.nulls ?? null]),
    [
      ["a", "DESC", "LAST"],
      ["b", null, null],
    ],
  );
  assert.deepEqual(
    [q.limit && formatExpr(q.limit), q.offset && formatExpr(q.offset)],
    ["10", "20"],
  );
  const f = parseQuery("SELECT * FROM t OFFSET 2 ROWS FETCH NEXT 3 ROWS ONLY");
  assert.equal(
    f.kind === "ordered" && `${f.offset && formatExpr(f.offset)} ${f.limit && formatExpr(f.limit)}`,
    "2 3",
  );
});

test("WITH: several CTEs with column lists", () => {
  const q = parseQuery("WITH a (x, y) AS (SELECT 1, 2), b AS (SELECT x FROM a) SELECT * FROM b");
  assert.equal(q.kind, "with");
  if (q.kind !== "with") return;
  assert.deepEqual(
    q.ctes.map((c) => [c.name, c.columns ?? null, c.query.kind]),
    [
      ["a", ["x", "y"], "select"],
      ["b", null, "select"],
    ],
  );
  assert.equal(q.body.kind, "select");
});

test("VALUES rows, as a query and as a FROM item with column aliases", () => {
  const v = parseQuery("VALUES (1, 'a'), (2, 'b'), 3");
  assert.equal(v.kind === "values" && v.rows.map((r) => r.length).join(","), "2,2,1");
  const q = select("SELECT * FROM (VALUES (1, 'a')) AS t (id, name)");
  assert.deepEqual(
    [
      q.from?.kind,
      q.from?.kind === "subqueryRef" && q.from.alias,
      q.from?.kind === "subqueryRef" && q.from.columnAliases,
    ],
    ["subqueryRef", "t", ["id", "name"]],
  );
});

test("joins: types, NATURAL, USING, comma joins, left-deep chains, parentheses", () => {
  const j = (sql: string): string => joins(select(sql).from!);
  assert.equal(
    j("SELECT * FROM a JOIN b ON a.x = b.x LEFT JOIN c ON b.y = c.y"),
    "(LEFT (INNER a b) c)",
  );
  assert.equal(j("SELECT * FROM a INNER JOIN b USING (k)"), "(INNER a b)");
  assert.equal(
    j("SELECT * FROM a RIGHT OUTER JOIN b ON TRUE FULL JOIN c ON TRUE"),
    "(FULL (RIGHT a b) c)",
  );
  assert.equal(
    j("SELECT * FROM a CROSS JOIN b NATURAL LEFT JOIN c"),
    "(LEFT NATURAL (CROSS a b) c)",
  );
  assert.equal(j("SELECT * FROM a, b JOIN c ON TRUE, d"), "(, (, a (INNER b c)) d)");
  assert.equal(j("SELECT * FROM a JOIN (b JOIN c ON TRUE) ON TRUE"), "(INNER a (INNER b c))");
  const u = select("SELECT * FROM a JOIN b USING (k1, k2)").from!;
  assert.deepEqual(u.kind === "join" && u.using, ["k1", "k2"]);
});

test("temporal joins, table hints and aliases on named tables", () => {
  const q = select(`SELECT * FROM orders /*+ OPTIONS('k'='v', 'k2'='v2') */ AS o
    JOIN rates FOR SYSTEM_TIME AS OF o.ts AS r ON o.cur = r.cur`);
  const from = q.from!;
  if (from.kind !== "join" || from.left.kind !== "table" || from.right.kind !== "table")
    return assert.fail();
  assert.deepEqual(shape(from.left.hints), [
    {
      name: "OPTIONS",
      options: [
        { key: "k", value: "v" },
        { key: "k2", value: "v2" },
      ],
    },
  ]);
  assert.equal(from.left.alias, "o");
  assert.equal(from.right.systemTime && formatExpr(from.right.systemTime), "o.ts");
  assert.equal(from.right.alias, "r");
});

test("LATERAL TABLE, UNNEST WITH ORDINALITY and LATERAL subqueries", () => {
  const q = select(`SELECT * FROM t, LATERAL TABLE(split(t.s)) AS x(word)
    CROSS JOIN UNNEST(t.arr, t.arr2) WITH ORDINALITY AS u(a, b, n)
    LEFT JOIN LATERAL (SELECT * FROM s WHERE s.k = t.k) AS l ON TRUE`);
  // A comma binds looser than JOIN: t, ((tf CROSS JOIN unnest) LEFT JOIN sub).
  assert.equal(joins(q.from!), "(, t (LEFT (CROSS x u) l))");
  const from = q.from!;
  if (from.kind !== "join" || from.right.kind !== "join" || from.right.left.kind !== "join")
    return assert.fail();
  const tf = from.right.left.left;
  assert.deepEqual(
    [
      tf.kind,
      tf.kind === "tableFunction" && tf.lateral,
      tf.kind === "tableFunction" && tf.columnAliases,
    ],
    ["tableFunction", true, ["word"]],
  );
  const un = from.right.left.right;
  assert.deepEqual(
    [un.kind, un.kind === "unnest" && un.args.length, un.kind === "unnest" && un.withOrdinality],
    ["unnest", 2, true],
  );
  const sub = from.right.right;
  assert.deepEqual([sub.kind, sub.kind === "subqueryRef" && sub.lateral], ["subqueryRef", true]);
});

test("window TVFs in FROM: TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL ...))", () => {
  const q = select(`SELECT window_start, COUNT(*) FROM TABLE(
      HOP(TABLE bids, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES, INTERVAL '10' MINUTES)) AS w
    GROUP BY window_start, window_end`);
  const from = q.from!;
  if (from.kind !== "tableFunction" || from.call.kind !== "call") return assert.fail(from.kind);
  assert.equal(from.lateral, false);
  assert.equal(from.alias, "w");
  assert.deepEqual(from.call.name, ["HOP"]);
  assert.deepEqual(
    from.call.args.map((a) => a.kind),
    ["tableArg", "descriptor", "interval", "interval"],
  );
});

test("GROUP BY with GROUPING SETS, ROLLUP, CUBE, the empty set and legacy group windows", () => {
  const q =
    select(`SELECT COUNT(*) FROM t GROUP BY GROUPING SETS ((a, b), a, ()), ROLLUP (a, (b, c)), CUBE (d),
    TUMBLE(ts, INTERVAL '1' HOUR)`);
  assert.deepEqual(shape(q.groupBy![0]), {
    kind: "groupingSets",
    sets: [
      {
        kind: "row",
        fields: [
          { kind: "identifier", parts: ["a"] },
          { kind: "identifier", parts: ["b"] },
        ],
        explicit: false,
      },
      { kind: "identifier", parts: ["a"] },
      { kind: "row", fields: [], explicit: false },
    ],
  });
  assert.deepEqual(
    q.groupBy!.slice(1).map((g) => g.kind),
    ["rollup", "cube", "call"],
  );
});

test("MATCH_RECOGNIZE: clauses, pattern quantifiers and alias", () => {
  const q = select(`SELECT * FROM ticker MATCH_RECOGNIZE (
      PARTITION BY sym ORDER BY rowtime
      MEASURES FIRST(A.rowtime) AS start_ts, LAST(B.price) AS last_price
      ONE ROW PER MATCH
      AFTER MATCH SKIP TO FIRST B
      PATTERN (A B+? (C | D){2,3} E*)
      WITHIN INTERVAL '1' HOUR
      SUBSET CD = (C, D)
      DEFINE A AS A.price > 10, B AS B.price < PREV(B.price)
    ) AS m`);
  const mr = q.from!;
  if (mr.kind !== "matchRecognize") return assert.fail(mr.kind);
  assert.equal(mr.alias, "m");
  assert.equal(mr.input.kind === "table" && mr.input.name.join("."), "ticker");
  assert.deepEqual(
    mr.measures.map((m) => m.alias),
    ["start_ts", "last_price"],
  );
  assert.equal(mr.rowsPerMatch, "ONE");
  assert.deepEqual(mr.afterMatch, { kind: "toFirst", variable: "B" });
  assert.equal(mr.within?.kind, "interval");
  assert.deepEqual(shape(mr.subsets), [{ name: "CD", variables: ["C", "D"] }]);
  assert.deepEqual(
    mr.defines.map((d) => d.variable),
    ["A", "B"],
  );
  assert.deepEqual(shape(mr.pattern), {
    kind: "patternSeq",
    items: [
      { kind: "patternVar", name: "A" },
      { kind: "patternQuant", pattern: { kind: "patternVar", name: "B" }, min: 1, reluctant: true },
      {
        kind: "patternQuant",
        pattern: {
          kind: "patternAlt",
          alternatives: [
            { kind: "patternVar", name: "C" },
            { kind: "patternVar", name: "D" },
          ],
        },
        min: 2,
        max: 3,
        reluctant: false,
      },
      {
        kind: "patternQuant",
        pattern: { kind: "patternVar", name: "E" },
        min: 0,
        reluctant: false,
      },
    ],
  });
});

test("subqueries in FROM, nested parentheses and explicit TABLE queries", () => {
  const q = select("SELECT * FROM ((SELECT 1 AS x)) AS s");
  assert.equal(q.from?.kind === "subqueryRef" && q.from.alias, "s");
  assert.equal(parseQuery("TABLE cat.db.t").kind, "explicitTable");
  const st = parseStatement("((SELECT 1) UNION (SELECT 2))");
  assert.equal(st.kind === "query" && st.query.kind, "setOp");
});

test("positions point at the construct in multi-line queries", () => {
  const q = select("SELECT\n  a,\n  bad_col\nFROM t\nWHERE x = 1");
  assert.deepEqual(q.items[1]!.expr.pos, { line: 3, column: 3, offset: 14 });
  assert.deepEqual(q.from!.pos, { line: 4, column: 6, offset: 27 });
  assert.equal(q.where!.pos.line, 5);
});
