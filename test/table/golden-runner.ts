/**
 * The runner of the golden-file SQL suite (format: golden-format.ts, re-exported here, and
 * tests/sql/README.md). {@link runGoldenFile} runs a file in one mode on a fresh
 * `TableEnvironment` and returns every mismatch with its file:line, the expected and the actual
 * text; {@link loadSeedTables} registers the tables of a `load` script.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { TableEnvironment } from "../../src/index.ts";
import type { ResultColumn, TableResult } from "../../src/table/api/table-result.ts";
import { applyChangelog } from "../../src/table/runtime/row.ts";
import {
  asNullable,
  formatValue,
  quoteIdentifier,
  typeToString,
  type LogicalType,
} from "../../src/table/types/index.ts";
import {
  GoldenFormatError,
  appliesTo,
  parseGoldenFile,
  parseSeedScript,
  type GoldenRecord,
  type RunMode,
  type SeedTable,
} from "./golden-format.ts";

export * from "./golden-format.ts";

/**
 * Computes the rows of seed tables with the engine (each field is `CAST(<literal> AS <type>)`,
 * run in a batch environment) and registers them as in-memory tables of `tEnv`.
 */
export async function loadSeedTables(
  tEnv: TableEnvironment,
  tables: readonly SeedTable[],
  options: { rowsPerSecond?: number } = {},
): Promise<void> {
  const loader = TableEnvironment.create({ mode: "batch" });
  for (const t of tables) {
    let values: unknown[][] = [];
    if (t.rows.length > 0) {
      const casts = t.rows.map(
        (r) =>
          "(" +
          r
            .map((e, i) => `CAST(${e} AS ${typeToString(asNullable(t.columns[i]!.type))})`)
            .join(", ") +
          ")",
      );
      const names = t.columns.map((c) => quoteIdentifier(c.name)).join(", ");
      const sql = `SELECT * FROM (VALUES ${casts.join(", ")}) AS v(${names})`;
      values = await (await loader.executeSql(sql)).collect();
    }
    values.forEach((row) =>
      row.forEach((v, i) => {
        const c = t.columns[i]!;
        if (v === null && !c.type.nullable) {
          throw new GoldenFormatError(`table ${t.name}: NULL in NOT NULL column ${c.name}`);
        }
      }),
    );
    tEnv.catalogs.registerRows(t.name, t.columns, values, options);
  }
}

/**
 * The text of one value in a result line: Flink's text form (TIMESTAMP_LTZ in `timeZone`), NULL
 * as `NULL`; a string that is empty, is `NULL`, has blanks at an end or holds a tab or newline
 * is printed JSON-quoted.
 */
export function renderValue(value: unknown, type: LogicalType, timeZone = "UTC"): string {
  if (
    typeof value === "string" &&
    (value === "" || value === "NULL" || /^\s|\s$|[\n\t]/.test(value))
  ) {
    return JSON.stringify(value);
  }
  return formatValue(value, type, { nullText: "NULL", timeZone });
}

/** A result row as a golden line: the values' texts separated by single spaces. */
export function renderRow(
  row: readonly unknown[],
  columns: readonly ResultColumn[],
  timeZone = "UTC",
): string {
  return row.map((v, i) => renderValue(v, columns[i]!.type, timeZone)).join(" ");
}

/** The type letter of a column type. */
export function typeLetter(type: LogicalType): string {
  switch (type.kind) {
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "BIGINT":
      return "I";
    case "FLOAT":
    case "DOUBLE":
    case "DECIMAL":
      return "R";
    case "CHAR":
    case "VARCHAR":
      return "T";
    case "BOOLEAN":
      return "B";
    case "DATE":
    case "TIME":
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ":
    case "INTERVAL_YEAR_MONTH":
    case "INTERVAL_DAY_TIME":
      return "D";
    default:
      return "?";
  }
}

/** A difference between a golden file and what the engine did. */
export interface Mismatch {
  /** `file:line` of the record. */
  readonly where: string;
  /** What differs, with the expected and the actual text. */
  readonly message: string;
}

/** The outcome of one file in one mode. */
export interface GoldenReport {
  /** Every mismatch, in file order. */
  readonly mismatches: readonly Mismatch[];
  /** Records run. */
  readonly ran: number;
  /** Records skipped by skipif/onlyif. */
  readonly skipped: number;
  /** Restore mode: queries stopped with a savepoint and restored (the others ended first). */
  readonly restored: number;
}

/** Options of {@link runGoldenFile}. */
export interface RunOptions {
  /** Time limit per record in ms (default 60 s). */
  readonly timeoutMs?: number;
}

const indent = (lines: readonly string[]): string => lines.map((l) => "    " + l).join("\n");
const firstLines = (e: unknown): string =>
  (e instanceof Error ? e.message : String(e)).split("\n").slice(0, 3).join("\n    ");

async function withTimeout<T>(ms: number, what: string, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([fn(), limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** What the restore mode needs while running a file. */
interface RestoreRun {
  /** The parallelism a stopped query is restored at. */
  readonly parallelism: number;
  /** Where savepoints go. */
  readonly dir: string;
  /** Queries stopped with a savepoint and restored so far (the rest ended first). */
  restored: number;
}

/** How fast the sources of the restore mode emit (rows per second per reader). */
const RESTORE_RATE = 400;

/**
 * The restore mode's run of a query: stopped with a savepoint once its first rows arrived (or
 * after 30 ms), then restored from the savepoint at another parallelism; the two changelogs
 * together are the result. A job that ended before the savepoint is taken gives its rows as is.
 */
async function executeRestored(
  tEnv: TableEnvironment,
  sql: string,
  first: TableResult,
  run: RestoreRun,
): Promise<unknown[][]> {
  let seen = 0;
  let ended = false;
  const running = first.changelog((rows) => (seen += rows.length));
  void running.then(
    () => (ended = true),
    () => (ended = true),
  );
  const client = await first.getJobClient();
  const start = Date.now();
  while (!ended && seen === 0 && Date.now() - start < 30) {
    await new Promise((r) => setTimeout(r, 2));
  }
  let savepoint: string | null = null;
  if (client !== null && !ended) {
    try {
      savepoint = await client.stopWithSavepoint(run.dir);
    } catch {
      savepoint = null; // the job ended first
    }
  }
  const before = await running;
  if (savepoint === null) return applyChangelog(before);
  run.restored++;
  const config = tEnv.getConfig();
  const parallelism = config.get("parallelism.default")!;
  config.set("parallelism.default", String(run.parallelism));
  config.set("execution.savepoint.path", savepoint);
  try {
    const after = await (await tEnv.executeSql(sql)).changelog();
    return applyChangelog([...before, ...after]);
  } finally {
    config.reset("execution.savepoint.path");
    config.set("parallelism.default", parallelism);
  }
}

/** A `CREATE TABLE ... 'connector' = 'datagen'` slowed down for the restore mode. */
function slowDatagen(sql: string): string {
  if (!/'connector'\s*=\s*'datagen'/i.test(sql) || /'rows-per-second'/i.test(sql)) return sql;
  return sql.replace(/WITH\s*\(/i, `WITH ('rows-per-second' = '${RESTORE_RATE}', `);
}

/** Runs a statement to its end: a query's rows are collected, an INSERT awaited. */
async function execute(
  tEnv: TableEnvironment,
  sql: string,
  restore: RestoreRun | null = null,
): Promise<{ columns: readonly ResultColumn[]; rows: unknown[][] }> {
  const result = await tEnv.executeSql(restore === null ? sql : slowDatagen(sql));
  if (result.kind === "QUERY") {
    const rows =
      restore !== null && result.runsJob
        ? await executeRestored(tEnv, sql, result, restore)
        : await result.collect();
    return { columns: result.columns, rows };
  }
  if (result.kind === "INSERT") await result.await();
  return { columns: result.columns, rows: [] };
}

function compareLines(
  expected: readonly string[],
  actual: readonly string[],
  sorted: boolean,
): string | null {
  const e = sorted ? [...expected].sort() : [...expected];
  const a = sorted ? [...actual].sort() : [...actual];
  if (e.length === a.length && e.every((l, i) => l === a[i])) return null;
  let text = `expected (${e.length} rows):\n${indent(e)}\n  actual (${a.length} rows):\n${indent(a)}`;
  if (sorted) {
    const count = (ls: string[]) =>
      ls.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
    const ce = count(e);
    const ca = count(a);
    const missing = [...ce].filter(([l, n]) => (ca.get(l) ?? 0) < n).map(([l]) => l);
    const extra = [...ca].filter(([l, n]) => (ce.get(l) ?? 0) < n).map(([l]) => l);
    if (missing.length > 0) text += `\n  missing:\n${indent(missing)}`;
    if (extra.length > 0) text += `\n  unexpected:\n${indent(extra)}`;
  }
  return text;
}

/** Runs one record; returns the mismatch text or null. */
async function runRecord(
  tEnv: TableEnvironment,
  r: GoldenRecord,
  restore: RestoreRun | null,
): Promise<string | null> {
  switch (r.kind) {
    case "load":
      try {
        const rate = restore !== null ? { rowsPerSecond: RESTORE_RATE } : {};
        await loadSeedTables(tEnv, parseSeedScript(r.script, r.origin), rate);
        return null;
      } catch (e) {
        return `load ${r.origin} failed: ${firstLines(e)}`;
      }
    case "statement":
      try {
        await execute(tEnv, r.sql, restore);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        if (r.error === null) return `statement failed:\n    ${firstLines(e)}`;
        if (message.includes(r.error)) return null;
        return `wrong error:\n  expected text: ${r.error}\n  actual error:  ${firstLines(e)}`;
      }
      return r.error === null ? null : `statement succeeded, expected an error with: ${r.error}`;
    case "columns":
      try {
        const result = await tEnv.executeSql(r.sql);
        const actual = result.columns.map((c) => `${c.name} ${c.typeText}`);
        const diff = compareLines(r.expected, actual, false);
        return diff === null ? null : `columns differ: ${diff}`;
      } catch (e) {
        return `query failed:\n    ${firstLines(e)}`;
      }
    case "query": {
      let out: { columns: readonly ResultColumn[]; rows: unknown[][] };
      try {
        out = await execute(tEnv, r.sql, restore);
      } catch (e) {
        return `query failed:\n    ${firstLines(e)}`;
      }
      const letters = out.columns.map((c) => typeLetter(c.type)).join("");
      const typesOk =
        letters.length === r.types.length &&
        [...r.types].every((t, i) => t === "?" || t === letters[i]);
      if (!typesOk) {
        const cols = out.columns.map((c) => `${c.name} ${c.typeText}`).join(", ");
        return `column types '${r.types}' expected, the query has '${letters}' (${cols})`;
      }
      const diff = compareLines(
        r.expected,
        out.rows.map((row) => renderRow(row, out.columns, tEnv.getConfig().timeZone)),
        r.sort === "rowsort",
      );
      return diff === null ? null : `result differs (${r.sort}): ${diff}`;
    }
  }
}

/** Runs a golden file in one mode on a fresh table environment, collecting every mismatch. */
export async function runGoldenFile(
  file: string,
  mode: RunMode,
  options: RunOptions = {},
): Promise<GoldenReport> {
  const records = parseGoldenFile(readFileSync(file, "utf8"), file);
  const tEnv = TableEnvironment.create({ mode: mode.mode, parallelism: mode.parallelism });
  const mismatches: Mismatch[] = [];
  let ran = 0;
  let skipped = 0;
  const timeoutMs = options.timeoutMs ?? 60_000;
  let restore: RestoreRun | null = null;
  if (mode.restoreParallelism !== undefined) {
    const dir = mkdtempSync(join(tmpdir(), "strom-golden-restore-"));
    restore = { parallelism: mode.restoreParallelism, dir: join(dir, "savepoints"), restored: 0 };
    tEnv.getConfig().set("execution.checkpointing.interval", "10 ms");
    tEnv.getConfig().set("execution.checkpointing.dir", join(dir, "checkpoints"));
    // A run-time error (an expected one, too) fails the query instead of restarting it.
    tEnv.getConfig().set("restart-strategy.type", "none");
  }
  try {
    return await runRecords();
  } finally {
    if (restore !== null) {
      rmSync(dirname(restore.dir), { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    }
  }

  async function runRecords(): Promise<GoldenReport> {
    for (const r of records) {
      if (!appliesTo(r, mode)) {
        skipped++;
        continue;
      }
      ran++;
      const where = `${file}:${r.line}`;
      let problem: string | null;
      try {
        problem = await withTimeout(timeoutMs, `${where}`, () => runRecord(tEnv, r, restore));
      } catch (e) {
        problem = firstLines(e);
      }
      if (problem !== null) {
        const sql = "sql" in r ? `\n  ${r.sql.split("\n").join("\n  ")}` : "";
        mismatches.push({
          where,
          message: `${where} [${mode.label}] ${r.kind}${sql}\n  ${problem}`,
        });
      }
    }
    return { mismatches, ran, skipped, restored: restore?.restored ?? 0 };
  }
}
