/**
 * The pure parts of the SQL client (src/cli/sql): command-line parsing, script splitting with
 * positions in the whole script, CSV / JSON / changelog lines, the tableau box, the live table's
 * materialization and its terminal-sized picture, the redraw throttle and the history file.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSqlArgs } from "../../src/cli/sql/args.ts";
import { UsageError } from "../../src/cli/usage-error.ts";
import {
  clientCommand,
  isComplete,
  parseChunk,
  ScriptError,
  splitScript,
} from "../../src/cli/sql/split.ts";
import { changelogLine, csvField, csvLine, jsonLine } from "../../src/cli/sql/rows.ts";
import { renderBox, rowsInSet, StreamingTableau, truncate } from "../../src/cli/sql/tableau.ts";
import { MaterializedTable, renderLiveArea } from "../../src/cli/sql/live-table.ts";
import { LiveView, type RedrawClock } from "../../src/cli/sql/live-view.ts";
import { historyEntry, loadHistory, saveHistory } from "../../src/cli/sql/history.ts";
import type { QueryContext } from "../../src/cli/sql/session.ts";
import type { ResultColumn, TableResult } from "../../src/table/index.ts";
import {
  BIGINT,
  DECIMAL,
  Decimal,
  INT,
  STRING,
  VARCHAR,
  notNull,
  typeToString,
  type LogicalType,
} from "../../src/table/types/index.ts";

function col(name: string, type: LogicalType): ResultColumn {
  return { name, type, typeText: typeToString(type) };
}

const UTC = { timeZone: "UTC" };

describe("strom sql arguments", () => {
  test("defaults and every option", () => {
    assert.deepEqual(parseSqlArgs([]), {
      format: "table",
      mode: "streaming",
      parallelism: 1,
    });
    const a = parseSqlArgs([
      "-f",
      "x.sql",
      "--format",
      "CSV",
      "--mode=batch",
      "-p",
      "3",
      "--catalog-dir",
      "cat",
    ]);
    assert.equal(a.file, "x.sql");
    assert.equal(a.format, "csv");
    assert.equal(a.mode, "batch");
    assert.equal(a.parallelism, 3);
    assert.equal(a.catalogDir, join(process.cwd(), "cat"));
    assert.equal(parseSqlArgs(["-e", "SELECT 1"]).execute, "SELECT 1");
  });

  test("bad command lines name the problem", () => {
    const cases: [string[], RegExp][] = [
      [["--format", "xml"], /--format must be one of table, csv, json, changelog, got 'xml'/],
      [["--mode", "fast"], /--mode must be one of streaming, batch/],
      [["-p", "0"], /--parallelism must be a positive integer, got '0'/],
      [["-p", "1.5"], /--parallelism/],
      [["-f"], /option -f needs a value/],
      [["--bogus"], /unknown option '--bogus'/],
      [["x.sql"], /unexpected argument 'x.sql': give a script with -f x.sql/],
      [["-f", "a.sql", "-e", "SELECT 1"], /either -f .* or -e/],
      [["-f", "a", "-f", "b"], /-f is given twice/],
    ];
    for (const [args, message] of cases) {
      assert.throws(
        () => parseSqlArgs(args),
        (e: unknown) => {
          assert.ok(e instanceof UsageError, `${args.join(" ")}: ${String(e)}`);
          assert.match(e.message, message);
          return true;
        },
      );
    }
  });
});

describe("script splitting", () => {
  test("cuts at top-level semicolons only, keeping offsets", () => {
    const script = "SELECT ';' AS a; -- a comment; still a comment\nSELECT 2 /* ; */;\n\n;  ";
    const chunks = splitScript(script);
    assert.deepEqual(
      chunks.map((c) => c.text),
      ["SELECT ';' AS a", "-- a comment; still a comment\nSELECT 2 /* ; */"],
    );
    assert.equal(script.slice(chunks[1]!.start, chunks[1]!.end).trim().endsWith(";"), true);
    // The last statement may do without its semicolon.
    assert.deepEqual(
      splitScript("SELECT 1; SELECT 2").map((c) => c.text),
      ["SELECT 1", "SELECT 2"],
    );
  });

  test("a statement set stays one statement", () => {
    const script =
      "BEGIN STATEMENT SET;\nINSERT INTO a SELECT CASE WHEN x THEN 1 END FROM t;\nINSERT INTO b SELECT 1;\nEND;\nSELECT 3;";
    const chunks = splitScript(script);
    assert.equal(chunks.length, 2, JSON.stringify(chunks));
    assert.match(chunks[0]!.text, /^BEGIN STATEMENT SET;[\s\S]*END$/);
    assert.equal(chunks[1]!.text, "SELECT 3");
  });

  test("parse errors point at the line and column of the whole script", () => {
    const script = "SELECT 1;\nSET 'a' = 'b';\nSELECT FROM t;\nSELECT 4;";
    const chunks = splitScript(script);
    assert.equal(chunks.length, 4);
    assert.equal(parseChunk(script, chunks[0]!)?.kind, "query");
    assert.equal(parseChunk(script, chunks[1]!)?.kind, "set");
    assert.throws(
      () => parseChunk(script, chunks[2]!),
      (e: unknown) => {
        assert.ok(e instanceof ScriptError);
        assert.match(e.message, /^SQL parse error at line 3, column 8: /);
        assert.equal(e.excerpt, "  SELECT FROM t;\n         ^");
        return true;
      },
    );
  });

  test("text the lexer rejects: the statements before it still come first", () => {
    const script = "SELECT 1;\nSELECT 2;\nSELECT 'open\n;SELECT 3;";
    const chunks = splitScript(script);
    assert.deepEqual(
      chunks.map((c) => c.text),
      ["SELECT 1", "SELECT 2", "SELECT 'open\n;SELECT 3"],
    );
    assert.throws(() => parseChunk(script, chunks[2]!), /line 3, column 8: unterminated string/);
  });

  test("client commands and complete input", () => {
    assert.equal(clientCommand("help;"), "HELP");
    assert.equal(clientCommand(" Exit ; "), "QUIT");
    assert.equal(clientCommand("QUIT"), "QUIT");
    assert.equal(clientCommand("SELECT 1"), null);
    assert.equal(isComplete("SELECT 1"), false);
    assert.equal(isComplete("SELECT 1;"), true);
    assert.equal(isComplete("SELECT ';"), false, "inside a string");
    assert.equal(isComplete("SELECT 1; -- done"), true);
    assert.equal(isComplete("SELECT 1 /* ; */"), false);
    assert.equal(isComplete("BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1;"), false);
    assert.equal(isComplete("BEGIN STATEMENT SET;\nINSERT INTO a SELECT 1;\nEND;"), true);
    assert.equal(isComplete("quit"), true);
    assert.equal(isComplete("SELECT #;"), true, "a lexer error shows at once");
  });
});

describe("row formats", () => {
  const columns = [col("a", INT()), col("b", STRING()), col("d", DECIMAL(5, 2))];

  test("CSV: RFC 4180 quoting, NULL empty, the empty string quoted", () => {
    assert.equal(csvField("plain"), "plain");
    assert.equal(csvField("a,b"), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField("two\nlines"), '"two\nlines"');
    assert.equal(csvField(""), '""');
    const d = Decimal.of(150n, 2);
    assert.equal(csvLine([1, "x", d], columns, UTC), "1,x,1.50");
    assert.equal(csvLine([null, "", null], columns, UTC), ',"",');
  });

  test("JSON lines keyed by column name", () => {
    const d = Decimal.of(1230n, 2);
    assert.equal(jsonLine([7, 'q"', d], columns), '{"a":7,"b":"q\\"","d":12.30}');
    assert.equal(jsonLine([null, null, null], columns), '{"a":null,"b":null,"d":null}');
    assert.equal(jsonLine([2n ** 60n], [col("big", BIGINT())]), '{"big":1152921504606846976}');
  });

  test("changelog lines: the kind, then the CSV fields", () => {
    assert.equal(changelogLine([0, 1, "a", null], columns, UTC), "+I,1,a,");
    assert.equal(changelogLine([1, 1, "a,b", null], columns, UTC), '-U,1,"a,b",');
    assert.equal(changelogLine([2, 2, "", null], columns, UTC), '+U,2,"",');
    assert.equal(changelogLine([3, null, "z", null], columns, UTC), "-D,,z,");
  });
});

describe("tableau", () => {
  test("a complete result: right-aligned cells sized to the values", () => {
    assert.deepEqual(
      renderBox(
        ["name", "cnt"],
        [
          ["Bob", "2"],
          ["Alice", "<NULL>"],
        ],
      ),
      [
        "+-------+--------+",
        "|  name |    cnt |",
        "+-------+--------+",
        "|   Bob |      2 |",
        "| Alice | <NULL> |",
        "+-------+--------+",
      ],
    );
    assert.deepEqual(renderBox(["a"], []), []);
    assert.equal(rowsInSet(0), "Empty set");
    assert.equal(rowsInSet(1), "1 row in set");
    assert.equal(rowsInSet(12), "12 rows in set");
    assert.equal(truncate("abcdefgh", 6), "abc...");
    assert.equal(truncate("abc", 6), "abc");
  });

  test("a streaming changelog: columns sized by type, an op column, long values cut", () => {
    const t = new StreamingTableau(
      [col("id", notNull(INT())), col("word", VARCHAR(5)), col("text", STRING())],
      UTC,
    );
    const header = t.header();
    assert.deepEqual(header, [
      "+----+-------------+--------+--------------------------------+",
      "| op |          id |   word |                           text |",
      "+----+-------------+--------+--------------------------------+",
    ]);
    assert.equal(
      t.line([2, 42, null, "x".repeat(40)]),
      `| +U |          42 | <NULL> | ${"x".repeat(27)}... |`,
    );
    assert.deepEqual(t.footer(3), [header[0], "Received a total of 3 rows"]);
    assert.deepEqual(t.footer(0), ["Empty set"]);
  });
});

describe("live table", () => {
  const columns = [col("k", STRING()), col("n", BIGINT())];

  test("applies a changelog; an update keeps its row's place", () => {
    const t = new MaterializedTable();
    t.apply([
      [0, "a", 1],
      [0, "b", 1],
      [0, "c", 1],
    ]);
    t.apply([
      [1, "a", 1],
      [2, "a", 2],
    ]);
    assert.deepEqual(t.rows(), [
      ["a", 2],
      ["b", 1],
      ["c", 1],
    ]);
    t.apply([[3, "b", 1]]);
    t.apply([[0, "b", 1]]);
    assert.deepEqual(t.rows(), [
      ["a", 2],
      ["c", 1],
      ["b", 1],
    ]);
    assert.equal(t.size, 3);
    assert.equal(t.changes, 7);
    assert.deepEqual(t.rows(2), [
      ["a", 2],
      ["c", 1],
    ]);
    assert.throws(
      () => t.apply([[3, "zz", 9]]),
      /change 8 \(-D\) retracts a row that is not in the result/,
    );
  });

  test("duplicates and many changes (compaction keeps the order)", () => {
    const t = new MaterializedTable();
    for (let i = 0; i < 200; i++) t.apply([[0, `r${i}`, i]]);
    t.apply([[0, "r5", 5]]);
    for (let i = 0; i < 200; i += 2) t.apply([[3, `r${i}`, i]]);
    assert.equal(t.size, 101);
    const rows = t.rows();
    assert.deepEqual(rows.slice(0, 3), [
      ["r1", 1],
      ["r3", 3],
      ["r5", 5],
    ]);
    assert.deepEqual(rows[rows.length - 1], ["r5", 5], "the duplicate came last");
    t.apply([
      [1, "r5", 5],
      [2, "r5", 6],
    ]);
    assert.deepEqual(t.rows()[2], ["r5", 5], "the first r5 stays, the later copy is updated");
    assert.deepEqual(t.rows()[100], ["r5", 6]);
  });

  test("the result area fits the terminal and ends with the status line", () => {
    const t = new MaterializedTable();
    for (let i = 0; i < 30; i++) t.apply([[0, `key-${i}`, i]]);
    const state = { columns, table: t, status: "RUNNING" as const, values: UTC };
    const lines = renderLiveArea(state, { columns: 40, rows: 12 });
    assert.equal(lines.length, 11, lines.join("\n"));
    // Only the rows on screen size the columns.
    assert.equal(lines[0], "+-------+---+");
    assert.equal(lines[3], "| key-0 | 0 |");
    assert.equal(lines[lines.length - 2], "... 25 more rows");
    assert.equal(
      lines[lines.length - 1],
      "rows: 30, changes: 30, status: RUNNING",
      "no room for the hint",
    );
    const wide = renderLiveArea(state, { columns: 80, rows: 12 });
    assert.equal(wide[wide.length - 1], "rows: 30, changes: 30, status: RUNNING  (Ctrl-C cancels)");
    const all = renderLiveArea({ ...state, status: "FINISHED" });
    assert.equal(all.length, 30 + 4 + 1);
    assert.equal(all[all.length - 1], "rows: 30, changes: 30, status: FINISHED");
  });

  test("the view redraws in place at most every 100 ms and leaves the final table", async () => {
    let now = 0;
    const timers: { at: number; fn: () => void }[] = [];
    const clock: RedrawClock = {
      now: () => now,
      after: (ms, fn) => {
        const timer = { at: now + ms, fn };
        timers.push(timer);
        return () => timers.splice(timers.indexOf(timer), 1);
      },
    };
    let screen = "";
    const view = new LiveView(
      { write: (s) => (screen += s), size: () => ({ columns: 80, rows: 24 }) },
      clock,
    );
    let emit: (rows: unknown[][]) => void = () => {};
    let finish: () => void = () => {};
    const result = {
      columns,
      changelog: (onRows: (rows: unknown[][]) => void) => {
        emit = onRows;
        return new Promise<unknown[][]>((resolve) => (finish = () => resolve([])));
      },
      cancel: async () => {},
    } as unknown as TableResult;
    const query: QueryContext = {
      result,
      fromJob: true,
      statement: { kind: "query" } as QueryContext["statement"],
      batch: false,
      values: UTC,
      cancelled: () => false,
    };
    const shown = view.show(query);
    assert.match(screen, /rows: 0, changes: 0, status: RUNNING/);
    const draws = () => screen.split("status: ").length - 1;
    now = 10;
    emit([[0, "a", 1]]);
    emit([[0, "b", 2]]);
    assert.equal(draws(), 1, "no redraw within 100 ms of the last");
    assert.equal(timers.length, 1, "one redraw scheduled");
    now = 100;
    timers.shift()!.fn();
    assert.equal(draws(), 2);
    assert.ok(screen.includes("\x1b[1A\r\x1b[0J"), "the first picture (one line) was cleared");
    assert.match(screen, /rows: 2, changes: 2, status: RUNNING/);
    now = 500;
    emit([
      [1, "a", 1],
      [2, "a", 5],
    ]);
    assert.equal(draws(), 3, "redrawn at once after a quiet spell");
    finish();
    await shown;
    assert.equal(timers.length, 0);
    const final = screen.slice(screen.lastIndexOf("\x1b[0J") + 4);
    assert.equal(
      final,
      [
        "+---+---+",
        "| k | n |",
        "+---+---+",
        "| a | 5 |",
        "| b | 2 |",
        "+---+---+",
        "rows: 2, changes: 4, status: FINISHED",
        "",
      ].join("\n") + "\x1b[?25h",
    );
  });
});

describe("history file", () => {
  test("round trip, newest first in memory, oldest first on disk", () => {
    const dir = mkdtempSync(join(tmpdir(), "strom-sql-history-"));
    try {
      const file = join(dir, "sub", "sql_history");
      assert.deepEqual(loadHistory(file), []);
      assert.equal(saveHistory(file, ["SELECT 2;", "SELECT 1;"]), null);
      assert.equal(readFileSync(file, "utf8"), "SELECT 1;\nSELECT 2;\n");
      assert.deepEqual(loadHistory(file), ["SELECT 2;", "SELECT 1;"]);
      assert.equal(historyEntry(["SELECT a,", "  b", "", "FROM t;"]), "SELECT a, b FROM t;");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
