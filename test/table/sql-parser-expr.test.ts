import { test } from "node:test";
import assert from "node:assert/strict";
import { parseExpression, type Expr } from "../../src/table/sql/index.ts";

/** The AST without positions. */
function shape(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x, (k, v) => (k === "pos" ? undefined : v)));
}

/** A compact prefix form showing how operators grouped: `(+ a (* b c))`. */
function tree(e: Expr): string {
  switch (e.kind) {
    case "identifier":
      return e.parts.join(".");
    case "literal":
      return e.type === "string" ? `'${e.value}'` : e.value;
    case "binary":
      return `(${e.op} ${tree(e.left)} ${tree(e.right)})`;
    case "unary":
      return `(${e.op} ${tree(e.operand)})`;
    case "is":
      return `(IS${e.not ? " NOT" : ""} ${e.test} ${tree(e.operand)})`;
    case "distinctFrom":
      return `(${e.not ? "NOT " : ""}DISTINCT ${tree(e.left)} ${tree(e.right)})`;
    case "between":
      return `(${e.not ? "NOT " : ""}BETWEEN ${tree(e.operand)} ${tree(e.low)} ${tree(e.high)})`;
    case "like":
      return `(${e.not ? "NOT " : ""}${e.op} ${tree(e.operand)} ${tree(e.pattern)}${e.escape ? ` ${tree(e.escape)}` : ""})`;
    case "inList":
      return `(${e.not ? "NOT " : ""}IN ${tree(e.operand)} [${e.list.map(tree).join(" ")}])`;
    case "call":
      return `${e.name.join(".")}(${e.args.map(tree).join(" ")})`;
    case "item":
      return `(ITEM ${tree(e.operand)} ${tree(e.index)})`;
    case "fieldAccess":
      return `(FIELD ${tree(e.operand)} ${e.field})`;
    case "row":
      return `(ROW ${e.fields.map(tree).join(" ")})`;
    case "star":
      return [...e.qualifier, "*"].join(".");
    default:
      return `<${e.kind}>`;
  }
}

const t = (sql: string): string => tree(parseExpression(sql));

test("arithmetic precedence and left associativity", () => {
  assert.equal(t("a + b * c"), "(+ a (* b c))");
  assert.equal(t("a - b - c"), "(- (- a b) c)");
  assert.equal(t("a / b % c * d"), "(* (% (/ a b) c) d)");
  assert.equal(t("(a + b) * c"), "(* (+ a b) c)");
  assert.equal(t("-a * b"), "(* (- a) b)");
  assert.equal(t("- -a"), "(- (- a))");
  assert.equal(t("a || b + c"), "(|| a (+ b c))");
});

test("boolean precedence: OR < AND < NOT < IS < comparison < predicates", () => {
  assert.equal(t("a OR b AND c"), "(OR a (AND b c))");
  assert.equal(t("NOT a = b AND c"), "(AND (NOT (= a b)) c)");
  assert.equal(t("a = b IS TRUE"), "(IS TRUE (= a b))");
  assert.equal(t("x IS NOT NULL AND y IS UNKNOWN"), "(AND (IS NOT NULL x) (IS UNKNOWN y))");
  assert.equal(t("a < b + 1 OR c >= d"), "(OR (< a (+ b 1)) (>= c d))");
  assert.equal(t("a != b"), "(<> a b)");
  assert.equal(t("a BETWEEN 1 AND 2 AND b"), "(AND (BETWEEN a 1 2) b)");
  assert.equal(t("a NOT BETWEEN b + 1 AND c * 2"), "(NOT BETWEEN a (+ b 1) (* c 2))");
  assert.equal(
    t("a LIKE 'x%' ESCAPE '!' OR b NOT ILIKE 'y'"),
    "(OR (LIKE a 'x%' '!') (NOT ILIKE b 'y'))",
  );
  assert.equal(t("a NOT SIMILAR TO 'b+'"), "(NOT SIMILAR TO a 'b+')");
  assert.equal(t("a IN (1, 2) = b"), "(= (IN a [1 2]) b)");
  assert.equal(t("a NOT IN (1)"), "(NOT IN a [1])");
  assert.equal(t("a IS NOT DISTINCT FROM b"), "(NOT DISTINCT a b)");
  assert.equal(t("doc IS JSON ARRAY"), "(IS JSON ARRAY doc)");
});

test("BETWEEN SYMMETRIC and quantified comparisons", () => {
  const b = parseExpression("x BETWEEN SYMMETRIC 3 AND 1");
  assert.equal(b.kind === "between" && b.symmetric, true);
  const q = parseExpression("price > ALL (SELECT p FROM t)");
  assert.equal(q.kind, "quantified");
  assert.equal(
    q.kind === "quantified" && `${q.op} ${q.quantifier} ${q.query.kind}`,
    "> ALL select",
  );
  const some = parseExpression("a = SOME (SELECT b FROM t)");
  assert.equal(some.kind === "quantified" && some.quantifier, "SOME");
});

test("numeric literals keep their digits; no JS number is ever made", () => {
  assert.deepEqual(shape(parseExpression("9223372036854775807")), {
    kind: "literal",
    type: "integer",
    value: "9223372036854775807",
    text: "9223372036854775807",
  });
  const d = parseExpression("123456789012345678901234567890.000000001");
  assert.equal(
    d.kind === "literal" && `${d.type} ${d.value}`,
    "decimal 123456789012345678901234567890.000000001",
  );
  const a = parseExpression("1.5E3");
  assert.equal(a.kind === "literal" && a.type, "approx");
  assert.equal(t("-1"), "(- 1)");
});

test("string, binary, boolean, null, date and time literals", () => {
  const lit = (sql: string): unknown => {
    const e = parseExpression(sql);
    return e.kind === "literal" ? [e.type, e.value] : e.kind;
  };
  assert.deepEqual(lit("'it''s'"), ["string", "it's"]);
  assert.deepEqual(lit("'ab'\n'cd'"), ["string", "abcd"]);
  assert.deepEqual(lit("U&'\\0041'"), ["string", "A"]);
  assert.deepEqual(lit("X'01ff'"), ["binary", "01FF"]);
  assert.deepEqual(lit("true"), ["boolean", "TRUE"]);
  assert.deepEqual(lit("NULL"), ["null", "NULL"]);
  assert.deepEqual(lit("UNKNOWN"), ["unknown", "UNKNOWN"]);
  assert.deepEqual(lit("DATE '2024-02-29'"), ["date", "2024-02-29"]);
  assert.deepEqual(lit("TIME '12:34:56.789'"), ["time", "12:34:56.789"]);
  assert.deepEqual(lit("TIMESTAMP '2024-02-29 12:34:56'"), ["timestamp", "2024-02-29 12:34:56"]);
  assert.deepEqual(lit("TIMESTAMP WITH LOCAL TIME ZONE '2024-02-29 12:00:00'"), [
    "timestampLtz",
    "2024-02-29 12:00:00",
  ]);
});

test("interval literals: single units, plural units, ranges, precisions, signs", () => {
  const iv = (sql: string): unknown => {
    const e = parseExpression(sql);
    assert.equal(e.kind, "interval", sql);
    return shape(e);
  };
  assert.deepEqual(iv("INTERVAL '10' MINUTES"), {
    kind: "interval",
    negative: false,
    value: "10",
    qualifier: { start: "MINUTE" },
  });
  assert.deepEqual(iv("INTERVAL '1-2' YEAR TO MONTH"), {
    kind: "interval",
    negative: false,
    value: "1-2",
    qualifier: { start: "YEAR", end: "MONTH" },
  });
  assert.deepEqual(iv("INTERVAL '10 00:00:00.004' DAY TO SECOND(3)"), {
    kind: "interval",
    negative: false,
    value: "10 00:00:00.004",
    qualifier: { start: "DAY", end: "SECOND", fractionalPrecision: 3 },
  });
  assert.deepEqual(iv("INTERVAL -'5' SECOND(2, 3)"), {
    kind: "interval",
    negative: true,
    value: "5",
    qualifier: { start: "SECOND", startPrecision: 2, fractionalPrecision: 3 },
  });
  assert.equal(t("ts - INTERVAL '3' SECONDS"), "(- ts <interval>)");
});

test("names: qualified identifiers, t.*, keywords usable as column names", () => {
  assert.deepEqual(shape(parseExpression("cat.db.`my table`.col")), {
    kind: "identifier",
    parts: ["cat", "db", "my table", "col"],
  });
  assert.equal(t("t.*"), "t.*");
  assert.equal(
    t("count + value + `timestamp` + t.timestamp + date + interval"),
    "(+ (+ (+ (+ (+ count value) timestamp) t.timestamp) date) interval)",
  );
});

test("calls: DISTINCT, *, qualified names, FILTER, WITHIN GROUP, IGNORE NULLS, niladic", () => {
  const c = parseExpression("COUNT(DISTINCT a) FILTER (WHERE b > 0)");
  assert.equal(c.kind, "call");
  if (c.kind !== "call") return;
  assert.equal(c.quantifier, "DISTINCT");
  assert.equal(c.filter && tree(c.filter), "(> b 0)");
  assert.equal(t("COUNT(*)"), "COUNT(*)");
  assert.equal(t("db.my_fn(1, 'a')"), "db.my_fn(1 'a')");
  assert.equal(t("LEFT('abc', 2)"), "LEFT('abc' 2)");
  const lg = parseExpression("LISTAGG(x, ',') WITHIN GROUP (ORDER BY x DESC)");
  assert.equal(lg.kind === "call" && lg.withinGroup?.[0]?.direction, "DESC");
  const lv = parseExpression("LAST_VALUE(x) IGNORE NULLS OVER w");
  assert.equal(lv.kind === "call" && `${lv.nullTreatment} ${lv.over?.kind}`, "IGNORE windowRef");
  assert.deepEqual(shape(parseExpression("CURRENT_TIMESTAMP")), {
    kind: "call",
    name: ["CURRENT_TIMESTAMP"],
    args: [],
    niladic: true,
  });
  assert.equal(t("PROCTIME()"), "PROCTIME()");
  assert.equal(t("CURRENT_ROW_TIMESTAMP()"), "CURRENT_ROW_TIMESTAMP()");
});

test("OVER windows with partitions, order and frames", () => {
  const e = parseExpression(
    "SUM(amount) OVER (PARTITION BY product ORDER BY ts ASC NULLS FIRST RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW)",
  );
  assert.equal(e.kind, "call");
  if (e.kind !== "call" || e.over?.kind !== "windowSpec") return assert.fail("no window spec");
  const w = e.over;
  assert.deepEqual(w.partitionBy.map(tree), ["product"]);
  assert.deepEqual([w.orderBy[0]!.direction, w.orderBy[0]!.nulls], ["ASC", "FIRST"]);
  assert.equal(w.frame?.unit, "RANGE");
  assert.equal(w.frame?.start.kind, "preceding");
  assert.equal(w.frame?.start.offset?.kind, "interval");
  assert.equal(w.frame?.end?.kind, "currentRow");
  const rows = parseExpression(
    "COUNT(*) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 2 FOLLOWING)",
  );
  if (rows.kind !== "call" || rows.over?.kind !== "windowSpec")
    return assert.fail("no window spec");
  assert.equal(rows.over.base, "w");
  assert.deepEqual(
    [rows.over.frame?.start.kind, rows.over.frame?.end?.kind],
    ["unboundedPreceding", "following"],
  );
  const short = parseExpression("AVG(x) OVER (ORDER BY t ROWS 5 PRECEDING)");
  if (short.kind !== "call" || short.over?.kind !== "windowSpec")
    return assert.fail("no window spec");
  assert.equal(short.over.frame?.end, undefined);
});

test("CASE, CAST, TRY_CAST, EXTRACT and the keyword-argument functions", () => {
  const c = parseExpression("CASE WHEN a > 1 THEN 'x' WHEN a > 0 THEN 'y' ELSE 'z' END");
  assert.equal(
    c.kind === "case" && `${c.operand === undefined} ${c.whens.length} ${c.else?.kind}`,
    "true 2 literal",
  );
  const s = parseExpression("CASE status WHEN 1 THEN 'a' END");
  assert.equal(s.kind === "case" && s.operand?.kind, "identifier");
  assert.deepEqual(shape(parseExpression("CAST(x AS DECIMAL(10, 2) NOT NULL)")), {
    kind: "cast",
    safe: false,
    operand: { kind: "identifier", parts: ["x"] },
    type: { kind: "scalarType", nullable: false, name: "DECIMAL", precision: 10, scale: 2 },
  });
  assert.equal(parseExpression("TRY_CAST(s AS INT)").kind === "cast", true);
  assert.deepEqual(shape(parseExpression("EXTRACT(DOY FROM ts)")), {
    kind: "extract",
    unit: "DOY",
    operand: { kind: "identifier", parts: ["ts"] },
  });
  assert.equal(parseExpression("POSITION('b' IN s FROM 2)").kind, "position");
  const trim = parseExpression("TRIM(TRAILING 'x' FROM s)");
  assert.equal(trim.kind === "trim" && `${trim.side} ${trim.chars?.kind}`, "TRAILING literal");
  const plainTrim = parseExpression("TRIM(s)");
  assert.equal(plainTrim.kind === "trim" && plainTrim.side, "BOTH");
  assert.equal(parseExpression("SUBSTRING(s FROM 2 FOR 3)").kind, "substring");
  assert.equal(t("SUBSTRING(s, 2, 3)"), "SUBSTRING(s 2 3)");
  assert.equal(parseExpression("OVERLAY(s PLACING 'x' FROM 1)").kind, "overlay");
  const fl = parseExpression("FLOOR(ts TO MINUTE)");
  assert.equal(fl.kind === "floorCeil" && `${fl.op} ${fl.unit}`, "FLOOR MINUTE");
  assert.equal(t("CEIL(1.5)"), "CEIL(1.5)");
});

test("JSON functions keep their clauses", () => {
  assert.deepEqual(
    shape(parseExpression("JSON_VALUE(j, '$.a' RETURNING INT DEFAULT 0 ON EMPTY NULL ON ERROR)")),
    {
      kind: "jsonValue",
      operand: { kind: "identifier", parts: ["j"] },
      path: { kind: "literal", type: "string", value: "$.a", text: "'$.a'" },
      returning: { kind: "scalarType", nullable: true, name: "INT" },
      onEmpty: {
        behavior: "DEFAULT",
        value: { kind: "literal", type: "integer", value: "0", text: "0" },
      },
      onError: { behavior: "NULL" },
    },
  );
  const q = parseExpression(
    "JSON_QUERY(j, '$.a' WITH UNCONDITIONAL ARRAY WRAPPER EMPTY OBJECT ON ERROR)",
  );
  assert.equal(q.kind === "jsonQuery" && `${q.wrapper} ${q.onError}`, "UNCONDITIONAL EMPTY OBJECT");
  const q2 = parseExpression("JSON_QUERY(j, '$' WITH WRAPPER)");
  assert.equal(q2.kind === "jsonQuery" && q2.wrapper, "UNCONDITIONAL");
  const ex = parseExpression("JSON_EXISTS(j, '$.x' UNKNOWN ON ERROR)");
  assert.equal(ex.kind === "jsonExists" && ex.onError, "UNKNOWN");
  const o = parseExpression(
    "JSON_OBJECT(KEY 'a' VALUE 1, 'b' VALUE JSON_ARRAY(1, NULL NULL ON NULL) ABSENT ON NULL)",
  );
  assert.equal(
    o.kind === "jsonObject" && `${o.entries.length} ${o.onNull} ${o.entries[1]!.value.kind}`,
    "2 ABSENT jsonArray",
  );
  const empty = parseExpression("JSON_OBJECT()");
  assert.equal(empty.kind === "jsonObject" && empty.entries.length, 0);
  const agg = parseExpression("JSON_ARRAYAGG(x ORDER BY y NULL ON NULL)");
  assert.equal(agg.kind === "jsonArrayAgg" && `${agg.orderBy.length} ${agg.onNull}`, "1 NULL");
  assert.equal(parseExpression("JSON_OBJECTAGG(KEY k VALUE v)").kind, "jsonObjectAgg");
});

test("constructors, item access, field access and subqueries", () => {
  assert.equal(t("ARRAY[1, 2][1]"), "(ITEM <array> 1)");
  const m = parseExpression("MAP['a', 1, 'b', 2]");
  assert.equal(m.kind === "map" && m.entries.length, 2);
  assert.equal(t("ROW(1, 'a')"), "(ROW 1 'a')");
  assert.equal(t("(1, 'a')"), "(ROW 1 'a')");
  assert.equal(t("f(x).a.b"), "(FIELD (FIELD f(x) a) b)");
  assert.equal(t("m['k'].v"), "(FIELD (ITEM m 'k') v)");
  assert.equal(t("arr[i + 1]"), "(ITEM arr (+ i 1))");
  const sub = parseExpression("(SELECT MAX(x) FROM t) + 1");
  assert.equal(sub.kind === "binary" && sub.left.kind, "subquery");
  const nested = parseExpression("((SELECT 1) + 1)");
  assert.equal(nested.kind === "binary" && nested.left.kind, "subquery");
  assert.equal(parseExpression("EXISTS (SELECT 1)").kind, "exists");
  const inq = parseExpression("a NOT IN (SELECT b FROM t)");
  assert.equal(inq.kind === "inQuery" && inq.not, true);
});

test("table-function arguments: named arguments, TABLE t PARTITION BY, DESCRIPTOR", () => {
  const e = parseExpression(
    "SESSION(DATA => TABLE bids PARTITION BY item ORDER BY ts, TIMECOL => DESCRIPTOR(ts), GAP => INTERVAL '5' MINUTES)",
  );
  if (e.kind !== "call") return assert.fail(e.kind);
  assert.deepEqual(
    e.args.map((a) => (a.kind === "namedArg" ? `${a.name}=${a.value.kind}` : a.kind)),
    ["DATA=tableArg", "TIMECOL=descriptor", "GAP=interval"],
  );
  const data = e.args[0]!;
  if (data.kind !== "namedArg" || data.value.kind !== "tableArg")
    return assert.fail("no table arg");
  assert.deepEqual(
    [data.value.table, data.value.partitionBy.map(tree), data.value.orderBy.length],
    [["bids"], ["item"], 1],
  );
});

test("MATCH_RECOGNIZE semantics prefixes", () => {
  const e = parseExpression("FINAL LAST(A.price, 1)");
  assert.equal(
    e.kind === "matchSemantics" && `${e.semantics} ${tree(e.operand)}`,
    "FINAL LAST(A.price 1)",
  );
});

test("every node carries its 1-based line and column", () => {
  const e = parseExpression("a +\n  foo(\n    b)");
  if (e.kind !== "binary" || e.right.kind !== "call") return assert.fail("shape");
  assert.deepEqual(e.pos, { line: 1, column: 1, offset: 0 });
  assert.deepEqual(e.right.pos, { line: 2, column: 3, offset: 6 });
  assert.deepEqual(e.right.args[0]!.pos, { line: 3, column: 5, offset: 15 });
});
