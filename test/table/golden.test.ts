/**
 * The golden-file SQL suite: every `tests/sql/*.slt` runs in batch mode, in streaming mode at
 * parallelism 1 and at parallelism 4, and in the restore mode (streaming at parallelism 2 with
 * checkpoints, each query stopped with a savepoint mid-way and restored from it at parallelism
 * 3), each on a fresh TableEnvironment, against the same expected final rows. Files listed as pending in tests/sql/README.md (`pending-*.slt`) hold cases the
 * engine does not pass yet: they run as `todo` tests. The format's parser is tested here too.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import {
  GoldenFormatError,
  RUN_MODES,
  appliesTo,
  parseGoldenFile,
  parseSeedScript,
  renderValue,
  runGoldenFile,
} from "./golden-runner.ts";
import { Decimal, DECIMAL, INT, STRING, BIGINT, DOUBLE } from "../../src/table/types/index.ts";

const DIR = join(import.meta.dirname, "..", "..", "tests", "sql");
const files = readdirSync(DIR)
  .filter((f) => f.endsWith(".slt"))
  .sort();

test("the golden directory holds .slt files", () => {
  assert.ok(files.length > 0, `no .slt files in ${DIR}`);
});

for (const f of files) {
  const pending = f.startsWith("pending-");
  for (const mode of RUN_MODES) {
    const path = relative(process.cwd(), join(DIR, f));
    test(
      `${f} [${mode.label}]`,
      { todo: pending ? "pending: known engine gaps" : false },
      async () => {
        const report = await runGoldenFile(path, mode);
        if (report.mismatches.length > 0) {
          assert.fail(
            `${report.mismatches.length} of ${report.ran} records differ:\n\n` +
              report.mismatches.map((m) => m.message).join("\n\n"),
          );
        }
        assert.ok(report.ran > 0, `${f}: no record ran in ${mode.label}`);
        if (mode.restoreParallelism !== undefined && !pending) {
          assert.ok(report.restored > 0, `${f}: no query was stopped mid-way and restored`);
        }
      },
    );
  }
}

test("the parser reads records, conditions and results", () => {
  const text = [
    "# a comment",
    "load",
    "CREATE TABLE t (a INT, b STRING);",
    "INSERT INTO t VALUES (1, 'x'), (2, NULL);",
    "",
    "statement error Column 'zz' not found",
    "SELECT zz FROM t",
    "",
    "skipif streaming rows arrive in any order",
    "query IT nosort",
    "SELECT a, b",
    "FROM t ORDER BY a",
    "----",
    "1 x",
    "2 NULL",
    "",
    "query I",
    "SELECT a FROM t WHERE a > 5",
    "----",
    "",
    "columns",
    "SELECT a FROM t",
    "----",
    "a INT",
  ].join("\n");
  const records = parseGoldenFile(text, "x.slt");
  assert.deepEqual(
    records.map((r) => [r.kind, r.line]),
    [
      ["load", 2],
      ["statement", 6],
      ["query", 10],
      ["query", 17],
      ["columns", 21],
    ],
  );
  const q = records[2]!;
  assert.equal(q.kind, "query");
  if (q.kind === "query") {
    assert.equal(q.sql, "SELECT a, b\nFROM t ORDER BY a");
    assert.equal(q.sort, "nosort");
    assert.deepEqual(q.expected, ["1 x", "2 NULL"]);
    assert.deepEqual(q.conditions, [
      { kind: "skipif", target: "streaming", reason: "rows arrive in any order" },
    ]);
  }
  const empty = records[3]!;
  assert.ok(empty.kind === "query" && empty.sort === "rowsort" && empty.expected.length === 0);
  const err = records[1]!;
  assert.ok(err.kind === "statement" && err.error === "Column 'zz' not found");
  const [batch, p1, p4] = RUN_MODES;
  assert.deepEqual(
    [batch!, p1!, p4!].map((m) => appliesTo(q, m)),
    [true, false, false],
  );
});

test("malformed golden files fail with file and line", () => {
  const bad = (text: string, re: RegExp) =>
    assert.throws(
      () => parseGoldenFile(text, "bad.slt"),
      (e: unknown) => e instanceof GoldenFormatError && re.test(e.message),
    );
  bad("query IT\nSELECT 1, 'a'", /bad.slt:1: query without a ---- line/);
  bad("\n\nquery IX\nSELECT 1\n----\n1", /bad.slt:3: query needs column type letters/);
  bad("skipif streaming\nquery I\nSELECT 1\n----\n1", /bad.slt:1: skipif streaming needs a reason/);
  bad("onlyif p9 why\nquery I\nSELECT 1\n----\n1", /bad.slt:1: onlyif needs one of/);
  bad("frobnicate\nSELECT 1", /bad.slt:1: unknown record 'frobnicate'/);
  bad("statement error\nSELECT 1", /needs the expected message text/);
  bad("query I sorted\nSELECT 1\n----\n1", /unknown sort mode 'sorted'/);
});

test("load scripts are CREATE TABLE and INSERT ... VALUES", () => {
  const tables = parseSeedScript(
    "CREATE TABLE t (a INT NOT NULL, b DECIMAL(10, 2), c STRING);\n" +
      "INSERT INTO t VALUES (1, 1.50, 'x'), (2, -0.01, NULL);\nINSERT INTO t VALUES (3, NULL, 'it''s');",
    "seed.sql",
  );
  assert.equal(tables.length, 1);
  assert.deepEqual(
    tables[0]!.columns.map((c) => [c.name, c.type.kind, c.type.nullable]),
    [
      ["a", "INT", false],
      ["b", "DECIMAL", true],
      ["c", "VARCHAR", true],
    ],
  );
  assert.equal(tables[0]!.rows.length, 3);
  assert.equal(tables[0]!.rows[2]![2], "'it''s'");
  assert.throws(
    () => parseSeedScript("INSERT INTO u VALUES (1);", "s.sql"),
    /s.sql line 1: INSERT into an undeclared table/,
  );
  assert.throws(
    () => parseSeedScript("CREATE TABLE t (a INT);\nINSERT INTO t VALUES (1, 2);", "s.sql"),
    /s.sql line 2: a row of 2 values for 1 columns/,
  );
});

test("values print in Flink's text forms with NULL and odd strings marked", () => {
  assert.equal(renderValue(null, INT()), "NULL");
  assert.equal(renderValue(9223372036854775807n, BIGINT()), "9223372036854775807");
  assert.equal(renderValue(Decimal.of(150n, 2), DECIMAL(10, 2)), "1.50");
  assert.equal(renderValue(1e10, DOUBLE()), "1.0E10");
  assert.equal(renderValue("", STRING()), '""');
  assert.equal(renderValue("NULL", STRING()), '"NULL"');
  assert.equal(renderValue("a ", STRING()), '"a "');
  assert.equal(renderValue("a b", STRING()), "a b");
});

test("the runner reports each mismatch with file:line, expected and actual", async () => {
  const dir = mkdtempSync(join(tmpdir(), "strom-golden-"));
  try {
    const file = join(dir, "wrong.slt");
    writeFileSync(
      file,
      [
        "load",
        "CREATE TABLE t (a INT, b STRING);",
        "INSERT INTO t VALUES (1, 'x'), (2, NULL);",
        "",
        "query IT",
        "SELECT a, b FROM t",
        "----",
        "1 x",
        "2 y",
        "",
        "query T",
        "SELECT a FROM t",
        "----",
        "1",
        "2",
        "",
        "statement error no such thing",
        "SELECT zz FROM t",
        "",
        "statement ok",
        "SELECT a FROM t",
        "",
      ].join("\n"),
    );
    const report = await runGoldenFile(file, RUN_MODES[0]!);
    assert.equal(report.ran, 5);
    assert.deepEqual(
      report.mismatches.map((m) => m.where),
      [`${file}:5`, `${file}:11`, `${file}:17`],
    );
    const [rows, types, error] = report.mismatches.map((m) => m.message);
    assert.match(
      rows!,
      /result differs \(rowsort\)[\s\S]*missing:\n {4}2 y\n {2}unexpected:\n {4}2 NULL/,
    );
    assert.match(types!, /column types 'T' expected, the query has 'I' \(a INT\)/);
    assert.match(
      error!,
      /expected text: no such thing\n {2}actual error: {2}.*Column 'zz' not found/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
