/**
 * Differential tests against PostgreSQL: the tables of tests/sql/pg/schema.sql are created in
 * both engines (PostgreSQL runs the script as is; Strom loads the same CREATE TABLE and INSERT
 * statements as in-memory tables), then every query of tests/sql/pg/queries.sql runs in Strom
 * (batch mode) and in PostgreSQL, and the results are compared after normalizing the text forms
 * (numbers, decimals, booleans, timestamps). Only queries where Flink's and PostgreSQL's
 * semantics agree belong there; the differences are listed in tests/sql/README.md.
 *
 * PostgreSQL is reached with `psql` (trust auth) at 127.0.0.1:5432, database `test`, user
 * `postgres`, in a schema of its own that is dropped at the end. On CI (`CI=true`) a missing
 * `psql` or an unreachable server fails the test naming the service; elsewhere the test skips.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TableEnvironment } from "../../src/index.ts";
import type { ResultColumn } from "../../src/table/api/table-result.ts";
import type { Query, Statement } from "../../src/table/sql/index.ts";
import {
  BIGINT,
  BOOLEAN,
  DECIMAL,
  DOUBLE,
  Decimal,
  INT,
  STRING,
  TIMESTAMP,
  Timestamp,
  formatValue,
  type LogicalType,
} from "../../src/table/types/index.ts";
import { loadSeedTables, parseSeedScript } from "./golden-runner.ts";

const PG_DIR = join(import.meta.dirname, "..", "..", "tests", "sql", "pg");
const HOST = process.env.PGHOST ?? "127.0.0.1";
const PORT = process.env.PGPORT ?? "5432";
const DATABASE = "test";
const USER = "postgres";
const SERVICE = `PostgreSQL at ${HOST}:${PORT} (database '${DATABASE}', user '${USER}')`;
const SCHEMA = `strom_diff_${process.pid}`;
const ON_CI = process.env.CI === "true";

/** Runs psql with `sql` on stdin; resolves with stdout, rejects with stderr. */
function psql(sql: string, searchPath?: string): Promise<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, PGCONNECT_TIMEOUT: "5" };
  if (searchPath !== undefined) env.PGOPTIONS = `-c search_path=${searchPath}`;
  const args = [
    "-X",
    "-q",
    "-v",
    "ON_ERROR_STOP=1",
    "-h",
    HOST,
    "-p",
    PORT,
    "-U",
    USER,
    "-d",
    DATABASE,
  ];
  return new Promise((resolve, reject) => {
    const child = execFile("psql", args, { env, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
    child.stdin!.end(sql);
  });
}

/** Why PostgreSQL cannot be used, or null when it answers. */
async function unavailable(): Promise<string | null> {
  try {
    await psql("SELECT 1;");
    return null;
  } catch (e) {
    const msg =
      (e as Error & { code?: string }).code === "ENOENT"
        ? "psql is not installed"
        : (e as Error).message;
    return `${SERVICE} is not usable: ${msg.split("\n")[0]}`;
  }
}

/** Parses CSV written by COPY ... (FORMAT csv, FORCE_QUOTE *): NULL is an unquoted empty field. */
function parseCsv(text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    let value: string | null;
    if (text[i] === '"') {
      let s = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new Error("CSV: unterminated quoted field");
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            s += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += text[i++];
      }
      value = s;
    } else {
      let j = i;
      while (j < text.length && text[j] !== "," && text[j] !== "\n") j++;
      value = j === i ? null : text.slice(i, j);
      i = j;
    }
    row.push(value);
    if (text[i] === ",") i++;
    else {
      rows.push(row);
      row = [];
      if (text[i] === "\n") i++;
    }
  }
  return rows;
}

/** Exact-number text without insignificant zeros (`1.50` -> `1.5`, `-0` -> `0`), else null. */
function canonicalNumber(text: string): string | null {
  const m = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (m === null) return null;
  const int = m[2]!.replace(/^0+(?=\d)/, "");
  const frac = (m[3] ?? "").replace(/0+$/, "");
  const body = frac === "" ? int : `${int}.${frac}`;
  return m[1] === "-" && /[1-9]/.test(body) ? `-${body}` : body;
}

/** A double's text rounded to 12 significant digits (the engines may differ in the last bits). */
function canonicalDouble(n: number): string {
  return Number.isFinite(n) ? String(Number(n.toPrecision(12))) : String(n);
}

/** The comparable text of a PostgreSQL cell for a Strom column type. */
function normalizePg(cell: string | null, type: LogicalType): string {
  if (cell === null) return "NULL";
  switch (type.kind) {
    case "BOOLEAN":
      return cell === "t" ? "TRUE" : cell === "f" ? "FALSE" : `?${cell}`;
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
    case "DECIMAL":
      return canonicalNumber(cell) ?? `?${cell}`;
    case "FLOAT":
    case "DOUBLE":
      return canonicalDouble(Number(cell));
    case "TIMESTAMP":
    case "TIME":
      return cell.replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
    default:
      return cell;
  }
}

/** The comparable text of a Strom value. */
function normalizeStrom(value: unknown, type: LogicalType): string {
  if (value === null) return "NULL";
  const text = formatValue(value, type);
  switch (type.kind) {
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
    case "DECIMAL":
      return canonicalNumber(text) ?? `?${text}`;
    case "FLOAT":
    case "DOUBLE":
      return canonicalDouble(value as number);
    case "TIMESTAMP":
    case "TIME":
      return text.replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
    default:
      return text;
  }
}

/** Whether a query's result order is defined (a top-level ORDER BY). */
function isOrdered(q: Query): boolean {
  if (q.kind === "ordered") return q.orderBy.length > 0;
  if (q.kind === "with") return isOrdered(q.body);
  return false;
}

function lines(rows: string[][], ordered: boolean): string[] {
  const out = rows.map((r) => r.join(" | "));
  return ordered ? out : out.sort();
}

const schemaScript = readFileSync(join(PG_DIR, "schema.sql"), "utf8");
/**
 * The queries of a file with their text: comment lines that follow a statement (they belong to
 * the next one) and its `;` are cut off, so the text can be wrapped in COPY (...).
 */
function readQueries(file: string): { text: string; statement: Statement }[] {
  return TableEnvironment.splitStatements(readFileSync(join(PG_DIR, file), "utf8")).map((s) => ({
    statement: s.statement,
    text: s.text
      .replace(/^\s*--.*$/gm, "")
      .trim()
      .replace(/;$/, ""),
  }));
}

const problem = await unavailable();
if (problem !== null && !ON_CI) console.log(`pg-differential: skipped, ${problem}`);
const skip = problem !== null ? problem : false;

test(
  "PostgreSQL is reachable (required on CI)",
  { skip: problem !== null && !ON_CI ? problem : false },
  () => {
    assert.equal(
      problem,
      null,
      `${problem}: the differential tests need this service on CI (CI=true)`,
    );
  },
);

let ready: Promise<TableEnvironment> | null = null;
after(async () => {
  if (ready !== null) await psql(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE;`);
});

/** Creates the tables once in both engines (PostgreSQL in a schema of this process). */
function setUp(): Promise<TableEnvironment> {
  ready ??= (async () => {
    await psql(`CREATE SCHEMA ${SCHEMA};\nSET search_path TO ${SCHEMA};\n${schemaScript}`);
    const tEnv = TableEnvironment.create({ mode: "batch" });
    await loadSeedTables(tEnv, parseSeedScript(schemaScript, "tests/sql/pg/schema.sql"));
    return tEnv;
  })();
  return ready;
}

/** Runs one query in both engines and compares the normalized rows. */
async function compare(
  tEnv: TableEnvironment,
  where: string,
  text: string,
  statement: Statement,
): Promise<void> {
  assert.equal(statement.kind, "query", `${where} is not a query`);
  const ordered = statement.kind === "query" && isOrdered(statement.query);
  const result = await tEnv.executeSql(statement);
  const columns: readonly ResultColumn[] = result.columns;
  const strom = (await result.collect()).map((r) =>
    r.map((v, i) => normalizeStrom(v, columns[i]!.type)),
  );
  const csv = await psql(`COPY (\n${text}\n) TO STDOUT WITH (FORMAT csv, FORCE_QUOTE *);`, SCHEMA);
  const pg = parseCsv(csv).map((r) => {
    assert.equal(
      r.length,
      columns.length,
      `${where}: PostgreSQL returned ${r.length} columns, Strom ${columns.length}`,
    );
    return r.map((cell, i) => normalizePg(cell, columns[i]!.type));
  });
  assert.deepEqual(
    lines(strom, ordered),
    lines(pg, ordered),
    `${where}: Strom (actual) and PostgreSQL (expected) differ${ordered ? " (ordered)" : ""}\n${text}`,
  );
}

for (const [file, pending] of [
  ["queries.sql", false],
  ["pending.sql", true],
  ["optimizer.sql", false],
] as const) {
  const todo = pending ? "pending: engine gaps listed in tests/sql/README.md" : false;
  test(`Strom and PostgreSQL agree on tests/sql/pg/${file}`, { skip, todo }, async (t) => {
    const tEnv = await setUp();
    for (const { text, statement } of readQueries(file)) {
      if (statement.kind === "set") {
        // Session options (optimizer.sql) apply to Strom only, until the end of the file.
        await tEnv.executeSql(statement);
        continue;
      }
      const where = `tests/sql/pg/${file}:${statement.pos.line}`;
      await t.test(`${where} ${text.replace(/\s+/g, " ").slice(0, 70)}`, { todo }, () =>
        compare(tEnv, where, text, statement),
      );
    }
    await tEnv.executeSql("RESET");
  });
}

test("CSV cells, numbers, booleans and timestamps normalize alike in both engines", () => {
  assert.deepEqual(parseCsv('"1","a,b",,"say ""hi"""\n"",,"x"\n'), [
    ["1", "a,b", null, 'say "hi"'],
    ["", null, "x"],
  ]);
  assert.deepEqual(parseCsv('"line\nbreak"\n'), [["line\nbreak"]]);
  assert.equal(canonicalNumber("0012.500"), "12.5");
  assert.equal(canonicalNumber("-0.00"), "0");
  assert.equal(canonicalNumber("3.0000000000000000"), "3");
  assert.equal(canonicalNumber("1e5"), null);
  const same = (cell: string | null, value: unknown, type: LogicalType) =>
    assert.equal(
      normalizePg(cell, type),
      normalizeStrom(value, type),
      `${cell} vs ${String(value)}`,
    );
  same("1.50", Decimal.of(15n, 1), DECIMAL(10, 2));
  same("t", true, BOOLEAN());
  same(null, null, INT());
  same("9223372036854775807", 9223372036854775807n, BIGINT());
  same("2024-01-05 09:15:00.25", new Timestamp(Date.UTC(2024, 0, 5, 9, 15, 0, 250)), TIMESTAMP(3));
  same("2024-01-06 18:00:00", new Timestamp(Date.UTC(2024, 0, 6, 18)), TIMESTAMP(3));
  same("0.30000000000000004", 0.3, DOUBLE());
  same("10000000000", 1e10, DOUBLE());
  assert.notEqual(normalizePg("f", BOOLEAN()), normalizeStrom(true, BOOLEAN()));
  assert.notEqual(
    normalizePg("1.51", DECIMAL(10, 2)),
    normalizeStrom(Decimal.of(15n, 1), DECIMAL(10, 2)),
  );
  assert.notEqual(normalizePg("", STRING()), normalizeStrom(null, STRING()));
});
