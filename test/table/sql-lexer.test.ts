import { test } from "node:test";
import assert from "node:assert/strict";
import { SqlParseError, tokenize, type Token } from "../../src/table/sql/index.ts";

/** `type:value` of every token but the final eof. */
function brief(sql: string): string[] {
  return tokenize(sql)
    .slice(0, -1)
    .map((t) => `${t.type}:${t.value}`);
}

function lexError(sql: string): SqlParseError {
  try {
    tokenize(sql);
  } catch (e) {
    assert.ok(e instanceof SqlParseError, String(e));
    return e;
  }
  assert.fail(`no error for ${sql}`);
}

test("words keep their text and carry an upper-case form for keyword tests", () => {
  const tokens = tokenize("select Foo from bar_1$x");
  assert.deepEqual(
    tokens.map((t) => [t.type, t.text, t.upper]),
    [
      ["word", "select", "SELECT"],
      ["word", "Foo", "FOO"],
      ["word", "from", "FROM"],
      ["word", "bar_1$x", "BAR_1$X"],
      ["eof", "", ""],
    ],
  );
});

test("quoted identifiers undo doubled backticks and keep any character", () => {
  assert.deepEqual(brief("`my col` `a``b` `select`"), [
    "quoted:my col",
    "quoted:a`b",
    "quoted:select",
  ]);
});

test("strings decode '' and may span lines; N'..' is a string too", () => {
  assert.deepEqual(brief("'it''s' 'a\nb' N'nat'"), ["string:it's", "string:a\nb", "string:nat"]);
  const t = tokenize("'it''s'")[0]!;
  assert.equal(t.text, "'it''s'");
});

test("U&'...' strings decode \\XXXX, \\+XXXXXX, \\\\ and honour UESCAPE", () => {
  assert.deepEqual(brief("U&'\\0041\\+01F600\\\\x'"), ["string:A\u{1F600}\\x"]);
  assert.deepEqual(brief("u&'!0042!!' UESCAPE '!'"), ["string:B!"]);
});

test("binary strings keep upper-case hex digits", () => {
  assert.deepEqual(brief("X'0aFF' x''"), ["binary:0AFF", "binary:"]);
});

test("numbers are integer, decimal or approx and keep their exact digits", () => {
  assert.deepEqual(brief("42 9223372036854775808 3.14 .5 7. 1.5E3 2e-10"), [
    "integer:42",
    "integer:9223372036854775808",
    "decimal:3.14",
    "decimal:.5",
    "decimal:7.",
    "approx:1.5E3",
    "approx:2e-10",
  ]);
});

test("comments are skipped; positions count lines and columns from 1", () => {
  const tokens = tokenize("-- header\nSELECT /* inline\n comment */ a,\n\tb -- tail\n");
  const words = tokens.filter((t) => t.type !== "eof");
  assert.deepEqual(
    words.map((t) => [t.text, t.pos.line, t.pos.column, t.pos.offset]),
    [
      ["SELECT", 2, 1, 10],
      ["a", 3, 13, 39],
      [",", 3, 14, 40],
      ["b", 4, 2, 43],
    ],
  );
});

test("hint comments become hintStart / hintEnd tokens around their content", () => {
  assert.deepEqual(brief("t /*+ OPTIONS('k'='v') */ x"), [
    "word:t",
    "hintStart:/*+",
    "word:OPTIONS",
    "symbol:(",
    "string:k",
    "symbol:=",
    "string:v",
    "symbol:)",
    "hintEnd:*/",
    "word:x",
  ]);
});

test("operators: two-character symbols are one token, '>' stays single for nested types", () => {
  assert.deepEqual(
    tokenize("<> <= >= != || => >> ; ? | { } [ ]")
      .filter((t: Token) => t.type === "symbol")
      .map((t) => t.text),
    ["<>", "<=", ">=", "!=", "||", "=>", ">", ">", ";", "?", "|", "{", "}", "[", "]"],
  );
});

test("an unterminated string is reported where it starts", () => {
  const e = lexError("SELECT 1,\n  2\nFROM t WHERE a = 'oops\n");
  assert.equal(e.line, 3);
  assert.equal(e.column, 18);
  assert.match(e.message, /^SQL parse error at line 3, column 18: unterminated string literal/);
  assert.ok(e.message.endsWith(`\n  FROM t WHERE a = 'oops\n${" ".repeat(19)}^`), e.message);
});

test("lexical mistakes give positioned errors naming the cause", () => {
  const cases: [string, number, number, RegExp][] = [
    ["SELECT /* never closed", 1, 8, /unterminated comment/],
    ["SELECT `abc", 1, 8, /unterminated quoted identifier/],
    ["SELECT ``", 1, 8, /empty quoted identifier/],
    ["SELECT 12abc", 1, 8, /bad number '12abc'/],
    ["SELECT 1.5E+", 1, 8, /bad number '1.5E\+': the exponent has no digits/],
    ["SELECT 1.2.3", 1, 8, /bad number '1.2.3'/],
    ["SELECT a # b", 1, 10, /unexpected character '#'/],
    ['SELECT "name"', 1, 8, /double quotes are not used in Flink SQL/],
    ["SELECT X'0G'", 1, 11, /invalid hex digit 'G'/],
    ["SELECT X'ABC'", 1, 8, /odd number of hex digits/],
    ["SELECT U&'\\00'", 1, 11, /invalid unicode escape/],
    ["SELECT a /*+ OPTIONS('a'='b')", 1, 10, /unterminated hint comment/],
  ];
  for (const [sql, line, column, reason] of cases) {
    const e = lexError(sql);
    assert.deepEqual([e.line, e.column], [line, column], sql);
    assert.match(e.reason, reason, sql);
  }
});
