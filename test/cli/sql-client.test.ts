/**
 * `strom sql` in script mode, as a child process (Node 24 from node_modules): every output
 * format over the same statements, batch vs streaming results, SET changing the mode, errors
 * that stop a script (syntax, planning, a failing job) with the earlier output kept, `-e`,
 * stdin, the persistent catalog, Ctrl-C on an unbounded query, and bad command lines.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const NODE = join(ROOT, "node_modules", ".bin", "node");
const STROM = join(ROOT, "bin", "strom.js");
const TMP = mkdtempSync(join(tmpdir(), "strom-sql-client-"));

/** A finished or running `strom sql` child with its output. */
class Proc {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  code: number | null = null;
  readonly exited: Promise<number | null>;

  constructor(args: string[], stdin?: string) {
    this.child = spawn(NODE, [STROM, "sql", ...args], {
      cwd: ROOT,
      detached: true,
      stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      env: { ...process.env, NODE_TEST_CONTEXT: undefined, STROM_HOME: join(TMP, "home") },
    });
    this.child.stdout!.setEncoding("utf8").on("data", (d: string) => (this.stdout += d));
    this.child.stderr!.setEncoding("utf8").on("data", (d: string) => (this.stderr += d));
    if (stdin !== undefined) this.child.stdin!.end(stdin);
    this.exited = new Promise((resolve) =>
      this.child.on("close", (code) => {
        this.code = code;
        resolve(code);
      }),
    );
    running.add(this);
    void this.exited.then(() => running.delete(this));
  }

  /** The output, for assertion messages. */
  output(): string {
    return `--- stdout:\n${this.stdout}\n--- stderr:\n${this.stderr}`;
  }

  /** Waits for the exit (killing the process group after `ms`). */
  async exit(ms = 60_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), ms)));
    const result = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (result === "timeout") {
      process.kill(-this.child.pid!, "SIGKILL");
      assert.fail(`strom sql did not exit within ${ms} ms\n${this.output()}`);
    }
    return result;
  }
}

const running = new Set<Proc>();
after(() => {
  for (const p of running) {
    try {
      process.kill(-p.child.pid!, "SIGKILL");
    } catch {
      // gone already
    }
  }
  rmSync(TMP, { recursive: true, force: true });
});

/** Runs `strom sql <args>` to its end. */
async function sql(args: string[], stdin?: string): Promise<Proc> {
  const p = new Proc(args, stdin);
  await p.exit();
  return p;
}

let scripts = 0;
/** Writes `text` to a new script file and returns its path. */
function script(text: string): string {
  const file = join(TMP, `script-${++scripts}.sql`);
  writeFileSync(file, text);
  return file;
}

/** Lines of a text, without the empty last one. */
function lines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "");
}

/** DDL shared by the tests: a bounded datagen table and a view over VALUES. */
const DDL = `CREATE TABLE nums (id BIGINT) WITH (
  'connector' = 'datagen', 'number-of-rows' = '6',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '6'
);
CREATE VIEW people AS SELECT * FROM (VALUES
  ('Bob', 1), ('Alice', 2), ('Greg', CAST(NULL AS INT)), ('Bob', 3), ('Ann, "the" 2nd', 4)
) AS t(name, score);
`;
const GROUP_NAMES = "SELECT name, COUNT(*) AS cnt, SUM(score) AS total FROM people GROUP BY name;";
const GROUP_NUMS =
  "SELECT MOD(id, 3) AS g, COUNT(*) AS c, SUM(id) AS s FROM nums GROUP BY MOD(id, 3);";

describe("output formats", () => {
  const file = () => script(`${DDL}${GROUP_NAMES}\n${GROUP_NUMS}\n`);

  test("table, streaming: Flink's tableau with the op column, change by change", async () => {
    const p = await sql(["-f", file()]);
    assert.equal(p.code, 0, p.output());
    assert.equal(p.stderr, "");
    const out = lines(p.stdout);
    assert.deepEqual(out.slice(0, 2), [
      "[INFO] Execute statement succeeded.",
      "[INFO] Execute statement succeeded.",
    ]);
    // Columns sized by type: the names are a VARCHAR(14), the counts BIGINT, the sums INT.
    assert.deepEqual(out.slice(2, 13), [
      "+----+----------------+----------------------+-------------+",
      "| op |           name |                  cnt |       total |",
      "+----+----------------+----------------------+-------------+",
      "| +I |            Bob |                    1 |           1 |",
      "| +I |          Alice |                    1 |           2 |",
      "| +I |           Greg |                    1 |      <NULL> |",
      "| -U |            Bob |                    1 |           1 |",
      "| +U |            Bob |                    2 |           4 |",
      '| +I | Ann, "the" 2nd |                    1 |           4 |',
      "+----+----------------+----------------------+-------------+",
      "Received a total of 6 rows",
    ]);
    assert.equal(out.at(-1), "Received a total of 9 rows", p.output());
    assert.equal(out.filter((l) => /^\| [-+][IUD] \|/.test(l)).length, 6 + 9);
  });

  test("table, batch: one box per result and 'N rows in set'", async () => {
    const p = await sql(["-f", file(), "--mode", "batch"]);
    assert.equal(p.code, 0, p.output());
    const out = lines(p.stdout).slice(2);
    assert.deepEqual(out.slice(0, 9), [
      "+----------------+-----+--------+",
      "|           name | cnt |  total |",
      "+----------------+-----+--------+",
      "|            Bob |   2 |      4 |",
      "|          Alice |   1 |      2 |",
      "|           Greg |   1 | <NULL> |",
      '| Ann, "the" 2nd |   1 |      4 |',
      "+----------------+-----+--------+",
      "4 rows in set",
    ]);
    assert.equal(out.at(-1), "3 rows in set");
  });

  test("csv: the final rows, no header, NULL as an empty field, RFC 4180 quoting", async () => {
    const p = await sql(["-f", file(), "--format", "csv"]);
    assert.equal(p.code, 0, p.output());
    assert.equal(p.stderr, "");
    assert.deepEqual(lines(p.stdout), [
      "Alice,1,2",
      "Greg,1,",
      "Bob,2,4",
      '"Ann, ""the"" 2nd",1,4',
      "1,2,5",
      "2,2,7",
      "0,2,9",
    ]);
  });

  test("json: one object per row keyed by column name", async () => {
    const p = await sql(["-f", file(), "--format", "json"]);
    assert.equal(p.code, 0, p.output());
    assert.deepEqual(
      lines(p.stdout).map((l) => JSON.parse(l)),
      [
        { name: "Alice", cnt: 1, total: 2 },
        { name: "Greg", cnt: 1, total: null },
        { name: "Bob", cnt: 2, total: 4 },
        { name: 'Ann, "the" 2nd', cnt: 1, total: 4 },
        { g: 1, c: 2, s: 5 },
        { g: 2, c: 2, s: 7 },
        { g: 0, c: 2, s: 9 },
      ],
    );
  });

  test("changelog: every change, its kind first", async () => {
    const p = await sql(["-f", file(), "--format", "changelog"]);
    assert.equal(p.code, 0, p.output());
    assert.deepEqual(lines(p.stdout), [
      "[INFO] Execute statement succeeded.",
      "[INFO] Execute statement succeeded.",
      "+I,Bob,1,1",
      "+I,Alice,1,2",
      "+I,Greg,1,",
      "-U,Bob,1,1",
      "+U,Bob,2,4",
      '+I,"Ann, ""the"" 2nd",1,4',
      "+I,1,1,1",
      "+I,2,1,2",
      "+I,0,1,3",
      "-U,1,1,1",
      "+U,1,2,5",
      "-U,2,1,2",
      "+U,2,2,7",
      "-U,0,1,3",
      "+U,0,2,9",
    ]);
  });

  test("SHOW, DESCRIBE and EXPLAIN print their rows; the plan as text", async () => {
    const p = await sql([
      "-e",
      "SHOW TABLES; DESCRIBE nums; EXPLAIN SELECT id FROM nums;",
      "--catalog-dir",
      join(TMP, "cat-show"),
    ]);
    // nums does not exist in this fresh catalog: the script stops at DESCRIBE.
    assert.equal(p.code, 1, p.output());
    assert.deepEqual(lines(p.stdout), ["Empty set"]);
    const q = await sql([
      "-f",
      script(`${DDL}SHOW TABLES;\nDESCRIBE nums;\nEXPLAIN SELECT id FROM nums;`),
    ]);
    assert.equal(q.code, 0, q.output());
    const out = q.stdout;
    const tables = ["| table name |", "+------------+", "|       nums |", "|     people |"];
    assert.ok(out.includes(`${tables.join("\n")}\n+------------+\n2 rows in set\n`), out);
    assert.match(out, /\|\s+id \|\s+BIGINT \|/);
    assert.match(out, /^== Optimized Execution Plan ==$/m);
  });
});

describe("INSERT and empty results", () => {
  const file = (dir: string) =>
    script(`CREATE TABLE empty_t (a INT) WITH ('connector' = 'values');
SELECT * FROM empty_t;
CREATE TABLE out_t (a INT, b STRING) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv');
INSERT INTO out_t VALUES (1, 'x'), (2, 'y,z'), (3, CAST(NULL AS STRING));
SELECT * FROM out_t WHERE a > 1;
`);

  test("table: INSERT runs to its end before the next statement reads its rows", async () => {
    const p = await sql(["-f", file(join(TMP, "out-table")), "--mode", "batch"]);
    assert.equal(p.code, 0, p.output());
    assert.equal(
      p.stdout,
      [
        "[INFO] Execute statement succeeded.",
        "Empty set",
        "[INFO] Execute statement succeeded.",
        "[INFO] Complete execution of the SQL update statement.",
        "+---+--------+",
        "| a |      b |",
        "+---+--------+",
        "| 2 |    y,z |",
        "| 3 | <NULL> |",
        "+---+--------+",
        "2 rows in set",
        "",
      ].join("\n"),
    );
  });

  test("csv: nothing but the rows", async () => {
    const p = await sql(["-f", file(join(TMP, "out-csv")), "--format", "csv"]);
    assert.equal(p.code, 0, p.output());
    assert.equal(p.stdout, '2,"y,z"\n3,\n');
  });
});

describe("modes", () => {
  test("streaming and batch give the same final rows in csv", async () => {
    const queries = [
      GROUP_NAMES,
      GROUP_NUMS,
      "SELECT name, score * 2 AS s FROM people WHERE score IS NULL OR score > 1;",
      "SELECT COUNT(*) AS n, MAX(id) AS m, MIN(id) AS l FROM nums;",
      "SELECT p.name, n.id FROM people AS p JOIN nums AS n ON p.score = n.id;",
    ].join("\n");
    const file = script(`${DDL}${queries}\n`);
    const streaming = await sql(["-f", file, "--format", "csv"]);
    const batch = await sql(["-f", file, "--format", "csv", "--mode", "batch"]);
    const parallel = await sql(["-f", file, "--format", "csv", "-p", "2"]);
    for (const p of [streaming, batch, parallel]) assert.equal(p.code, 0, p.output());
    const sorted = (p: Proc) => lines(p.stdout).sort();
    assert.equal(lines(streaming.stdout).length, 4 + 3 + 4 + 1 + 4, streaming.output());
    assert.deepEqual(sorted(batch), sorted(streaming));
    assert.deepEqual(sorted(parallel), sorted(streaming));
  });

  test("SET changes the runtime mode between statements", async () => {
    const file = script(
      `${GROUP_NAMES.replace("people", "(VALUES ('a', 1), ('a', 2)) AS t(name, score)")}
SET 'execution.runtime-mode' = 'batch';
${GROUP_NAMES.replace("people", "(VALUES ('a', 1), ('a', 2)) AS t(name, score)")}
SET;
RESET 'execution.runtime-mode';
SELECT 1 AS one;`,
    );
    const p = await sql(["-f", file]);
    assert.equal(p.code, 0, p.output());
    assert.equal(
      p.stdout,
      [
        // Streaming: the op column and the retraction of the first count.
        "+----+------+----------------------+-------------+",
        "| op | name |                  cnt |       total |",
        "+----+------+----------------------+-------------+",
        "| +I |    a |                    1 |           1 |",
        "| -U |    a |                    1 |           1 |",
        "| +U |    a |                    2 |           3 |",
        "+----+------+----------------------+-------------+",
        "Received a total of 3 rows",
        "[INFO] Execute statement succeeded.",
        // Batch: the final row only.
        "+------+-----+-------+",
        "| name | cnt | total |",
        "+------+-----+-------+",
        "|    a |   2 |     3 |",
        "+------+-----+-------+",
        "1 row in set",
        "+------------------------+-------+",
        "|                    key | value |",
        "+------------------------+-------+",
        "| execution.runtime-mode | batch |",
        "|    parallelism.default |     1 |",
        "|  table.local-time-zone |   UTC |",
        "+------------------------+-------+",
        "3 rows in set",
        "[INFO] Execute statement succeeded.",
        // Streaming again after RESET.
        "+----+-------------+",
        "| op |         one |",
        "+----+-------------+",
        "| +I |           1 |",
        "+----+-------------+",
        "Received a total of 1 row",
        "",
      ].join("\n"),
      p.output(),
    );
  });
});

describe("errors stop the script", () => {
  test("a syntax error at line 3: the message and the line, exit 1, earlier output kept", async () => {
    const file = script(
      "SELECT 'first' AS a;\nSET 'parallelism.default' = '2';\nSELECT name FORM people;\nSELECT 'never' AS b;\n",
    );
    for (const format of ["table", "csv"]) {
      const p = await sql(["-f", file, "--format", format]);
      assert.equal(p.code, 1, p.output());
      assert.match(p.stdout, /first/);
      assert.doesNotMatch(p.stdout, /never/);
      assert.equal(
        p.stderr,
        "[ERROR] Could not execute SQL statement. Reason:\n" +
          "SQL parse error at line 3, column 18: unexpected identifier people, expected ';' or end of input\n" +
          "  SELECT name FORM people;\n" +
          "                   ^\n",
        p.output(),
      );
    }
  });

  test("a planning error names the line and column; a failing job its cause", async () => {
    const p = await sql([
      "-f",
      script(`${DDL}SELECT 1 AS ok;\nSELECT nope FROM people;\nSELECT 2;`),
    ]);
    assert.equal(p.code, 1, p.output());
    assert.match(p.stdout, /\| \+I \| +1 \|/);
    assert.match(
      p.stderr,
      /^\[ERROR\] Could not execute SQL statement\. Reason:\nSQL validation failed at line 9, column 8: Column 'nope' not found/,
    );
    assert.match(p.stderr, /\n {2}SELECT nope FROM people;\n {9}\^\n$/);
    const q = await sql([
      "-e",
      "SELECT CAST(name AS INT) FROM (VALUES ('x')) AS t(name)",
      "--format",
      "csv",
    ]);
    assert.equal(q.code, 1, q.output());
    assert.match(q.stderr, /Cannot cast 'x'/);
  });

  test("a bad SET value", async () => {
    const p = await sql(["-e", "SET 'execution.runtime-mode' = 'sideways';"]);
    assert.equal(p.code, 1, p.output());
    assert.match(p.stderr, /Invalid value 'sideways' for option 'execution.runtime-mode'/);
  });
});

describe("script sources and client commands", () => {
  test("-e, stdin, QUIT and HELP", async () => {
    const e = await sql(["-e", "SELECT 1 AS a; SELECT 2 AS b", "--format", "csv"]);
    assert.equal(e.code, 0, e.output());
    assert.equal(e.stdout, "1\n2\n");
    const piped = await sql(
      ["--format", "json"],
      "SELECT 'piped' AS how;\nQUIT;\nSELECT 'after quit';\n",
    );
    assert.equal(piped.code, 0, piped.output());
    assert.equal(piped.stdout, '{"how":"piped"}\n');
    const help = await sql(["-e", "HELP;"]);
    assert.equal(help.code, 0, help.output());
    assert.match(help.stdout, /QUIT; or EXIT;/);
    const empty = await sql([], "");
    assert.equal(empty.code, 0, empty.output());
    assert.equal(empty.stdout, "");
  });

  test("--catalog-dir keeps tables across runs", async () => {
    const dir = join(TMP, "catalog");
    const create = await sql([
      "--catalog-dir",
      dir,
      "-e",
      "CREATE TABLE kept (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '3', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '3')",
    ]);
    assert.equal(create.code, 0, create.output());
    assert.equal(create.stdout, "[INFO] Execute statement succeeded.\n");
    const read = await sql([
      "--catalog-dir",
      dir,
      "--format",
      "csv",
      "-e",
      "SELECT id * 10 FROM kept",
    ]);
    assert.equal(read.code, 0, read.output());
    assert.equal(read.stdout, "10\n20\n30\n");
  });

  test("Ctrl-C cancels an unbounded query: exit 130, the rows so far printed", async () => {
    const p = new Proc([
      "--format",
      "changelog",
      "-e",
      "CREATE TABLE gen (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '50'); SELECT id FROM gen; SELECT 'never';",
    ]);
    const deadline = performance.now() + 30_000;
    while (!/^\+I,-?\d+$/m.test(p.stdout)) {
      assert.ok(p.code === null && performance.now() < deadline, `no rows\n${p.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    process.kill(-p.child.pid!, "SIGINT");
    const code = await p.exit(10_000);
    assert.equal(code, 130, p.output());
    assert.doesNotMatch(p.stdout, /never/);
  });
});

describe("command line", () => {
  test("bad options exit 2 with a usage error and run nothing", async () => {
    const cases: [string[], RegExp][] = [
      [
        ["--format", "xml"],
        /^strom: --format must be one of table, csv, json, changelog, got 'xml'\n$/,
      ],
      [["-p", "0", "-e", "SELECT 1"], /--parallelism must be a positive integer/],
      [["--mode"], /option --mode needs a value/],
      [["-f", join(TMP, "missing.sql")], /SQL script not found: .*missing\.sql/],
      [["--frobnicate"], /unknown option '--frobnicate'/],
    ];
    for (const [args, message] of cases) {
      const p = await sql(args);
      assert.equal(p.code, 2, p.output());
      assert.match(p.stderr, message);
      assert.equal(p.stdout, "");
    }
  });

  test("strom help lists the sql command and its options", async () => {
    const help = spawn(NODE, [STROM, "help"], { cwd: ROOT });
    let out = "";
    help.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    await new Promise((r) => help.on("close", r));
    assert.match(out, /sql \[-f script\.sql\]/);
    assert.match(out, /--format <f>/);
  });
});
