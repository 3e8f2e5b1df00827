/**
 * The golden-file SQL suite's format (`tests/sql/*.slt`, described in tests/sql/README.md): its
 * records, their parser and the reader of `load` scripts. A file is a list of records separated
 * by blank lines:
 *
 * ```
 * load data/shop.sql                      # or: load, then an inline script
 *
 * statement ok | statement error <text>   # then the SQL
 *
 * query <types> [rowsort|nosort]          # then the SQL, `----`, one line per row
 *
 * columns                                 # then the SQL, `----`, `name TYPE` per column
 * ```
 *
 * `skipif <mode> <reason>` / `onlyif <mode> <reason>` lines before a record restrict it to some
 * run modes. The runner is golden-runner.ts.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { logicalTypeOf } from "../../src/table/catalog/type-from-ast.ts";
import { parseStatements, formatExpr } from "../../src/table/sql/index.ts";
import type { LogicalType } from "../../src/table/types/index.ts";

/** A way of running the suite: runtime mode and parallelism. */
export interface RunMode {
  /** `batch`, `streaming-p1`, `streaming-p4` or `streaming-restore` (what skipif/onlyif name). */
  readonly label: string;
  /** The runtime mode. */
  readonly mode: "batch" | "streaming";
  /** Default parallelism of the queries. */
  readonly parallelism: number;
  /**
   * Set for the restore mode: each query runs with checkpoints over slowed-down sources, is
   * stopped with a savepoint once its first rows arrive, and is restored from it at this
   * parallelism; the two changelogs together must give the expected rows.
   */
  readonly restoreParallelism?: number;
}

/** The modes every golden file runs in. */
export const RUN_MODES: readonly RunMode[] = [
  { label: "batch", mode: "batch", parallelism: 1 },
  { label: "streaming-p1", mode: "streaming", parallelism: 1 },
  { label: "streaming-p4", mode: "streaming", parallelism: 4 },
  { label: "streaming-restore", mode: "streaming", parallelism: 2, restoreParallelism: 3 },
];

/** Names a condition may use: a mode label, or `streaming` for every streaming mode. */
const CONDITION_TARGETS = new Set([
  "batch",
  "streaming",
  "streaming-p1",
  "streaming-p4",
  "streaming-restore",
]);

/** A `skipif` / `onlyif` line. */
export interface Condition {
  readonly kind: "skipif" | "onlyif";
  /** A mode label or `streaming`. */
  readonly target: string;
  /** Why the record differs in that mode (required). */
  readonly reason: string;
}

interface RecordBase {
  /** 1-based line of the record's header. */
  readonly line: number;
  /** Conditions written before the header. */
  readonly conditions: readonly Condition[];
}

/** `statement ok` / `statement error <substring>`: runs the SQL (a query to its end). */
export interface StatementRecord extends RecordBase {
  readonly kind: "statement";
  readonly sql: string;
  /** The expected error text (a substring of the message), or null for success. */
  readonly error: string | null;
}

/** `query <types> [rowsort|nosort]`: runs a query and compares its final rows. */
export interface QueryRecord extends RecordBase {
  readonly kind: "query";
  readonly sql: string;
  /** One letter per column: I integer, R FLOAT/DOUBLE/DECIMAL, T text, B boolean, D temporal, ? any. */
  readonly types: string;
  /** `rowsort` compares sorted lines, `nosort` lines in order. */
  readonly sort: "rowsort" | "nosort";
  /** The expected lines. */
  readonly expected: readonly string[];
}

/** `columns`: plans a query (without running it) and compares `name TYPE` of its columns. */
export interface ColumnsRecord extends RecordBase {
  readonly kind: "columns";
  readonly sql: string;
  readonly expected: readonly string[];
}

/** `load [file]`: registers in-memory tables from CREATE TABLE and INSERT ... VALUES. */
export interface LoadRecord extends RecordBase {
  readonly kind: "load";
  /** The script. */
  readonly script: string;
  /** Where the script comes from (`file.sql` or `file.slt:line`), for messages. */
  readonly origin: string;
}

/** One record of a golden file. */
export type GoldenRecord = StatementRecord | QueryRecord | ColumnsRecord | LoadRecord;

/** A malformed golden file. */
export class GoldenFormatError extends Error {}

const TYPE_LETTERS = /^[IRTBD?]+$/;

/** Parses the text of a golden file; `file` is its path (for `load` files and messages). */
export function parseGoldenFile(text: string, file: string): GoldenRecord[] {
  const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
  const records: GoldenRecord[] = [];
  const fail = (line: number, msg: string): never => {
    throw new GoldenFormatError(`${file}:${line}: ${msg}`);
  };
  let i = 0;
  let conditions: Condition[] = [];
  while (i < lines.length) {
    const raw = lines[i]!;
    const lineNo = i + 1;
    const trimmed = raw.trim();
    i++;
    if (trimmed === "" || trimmed.startsWith("#")) {
      if (trimmed === "" && conditions.length > 0) fail(lineNo, "a blank line after skipif/onlyif");
      continue;
    }
    const words = trimmed.split(/\s+/);
    const head = words[0]!;
    if (head === "skipif" || head === "onlyif") {
      const target = words[1] ?? "";
      if (!CONDITION_TARGETS.has(target)) {
        fail(lineNo, `${head} needs one of ${[...CONDITION_TARGETS].join(", ")}, got '${target}'`);
      }
      const reason = words.slice(2).join(" ");
      if (reason === "") fail(lineNo, `${head} ${target} needs a reason after the mode`);
      conditions.push({ kind: head, target, reason });
      continue;
    }
    // The body: lines up to the next blank line.
    const body: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== "") body.push(lines[i++]!);
    const sep = body.findIndex((l) => l.trim() === "----");
    const sqlOf = (part: string[]): string => {
      const sql = part.join("\n").trim();
      if (sql === "") fail(lineNo, `${head} without SQL`);
      return sql;
    };
    const base = { line: lineNo, conditions };
    if (head === "statement") {
      if (sep >= 0) fail(lineNo + 1 + sep, "a statement has no ---- results");
      if (words[1] === "ok" && words.length === 2) {
        records.push({ ...base, kind: "statement", sql: sqlOf(body), error: null });
      } else if (words[1] === "error") {
        const error = trimmed.replace(/^statement\s+error\s*/, "");
        if (error === "") fail(lineNo, "statement error needs the expected message text");
        records.push({ ...base, kind: "statement", sql: sqlOf(body), error });
      } else {
        fail(lineNo, `expected 'statement ok' or 'statement error <text>', got '${trimmed}'`);
      }
    } else if (head === "query") {
      const types = words[1] ?? "";
      if (!TYPE_LETTERS.test(types))
        fail(lineNo, `query needs column type letters (IRTBD?), got '${types}'`);
      const sort = words[2] ?? "rowsort";
      if (sort !== "rowsort" && sort !== "nosort") fail(lineNo, `unknown sort mode '${sort}'`);
      if (words.length > 3)
        fail(lineNo, `unexpected '${words.slice(3).join(" ")}' after the sort mode`);
      if (sep < 0) fail(lineNo, "query without a ---- line before its results");
      const expected = body.slice(sep + 1).map((l) => l.trimEnd());
      records.push({
        ...base,
        kind: "query",
        sql: sqlOf(body.slice(0, sep)),
        types,
        sort: sort as "rowsort" | "nosort",
        expected,
      });
    } else if (head === "columns") {
      if (words.length > 1) fail(lineNo, "columns takes no arguments");
      if (sep < 0) fail(lineNo, "columns without a ---- line before the column list");
      const expected = body.slice(sep + 1).map((l) => l.trim());
      records.push({ ...base, kind: "columns", sql: sqlOf(body.slice(0, sep)), expected });
    } else if (head === "load") {
      if (words.length > 2) fail(lineNo, "load takes at most one file name");
      if (words.length === 2) {
        if (body.length > 0) fail(lineNo, "load <file> has no inline script");
        const path = resolve(dirname(file), words[1]!);
        let script: string;
        try {
          script = readFileSync(path, "utf8");
        } catch (e) {
          return fail(lineNo, `cannot read ${words[1]}: ${(e as Error).message}`);
        }
        records.push({ ...base, kind: "load", script, origin: words[1]! });
      } else {
        if (sep >= 0) fail(lineNo + 1 + sep, "load has no ---- results");
        records.push({
          ...base,
          kind: "load",
          script: sqlOf(body),
          origin: `${file}:${lineNo + 1}`,
        });
      }
    } else {
      fail(lineNo, `unknown record '${head}' (statement, query, columns, load, skipif, onlyif)`);
    }
    conditions = [];
  }
  if (conditions.length > 0) fail(lines.length, "skipif/onlyif at the end of the file");
  return records;
}

/** Whether a record runs in `mode`. */
export function appliesTo(record: GoldenRecord, mode: RunMode): boolean {
  const matches = (target: string): boolean =>
    target === mode.label || (target === "streaming" && mode.mode === "streaming");
  return record.conditions.every((c) =>
    c.kind === "skipif" ? !matches(c.target) : matches(c.target),
  );
}

/** A table declared by a load script: its columns and the VALUES rows (SQL text per field). */
export interface SeedTable {
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly type: LogicalType }[];
  readonly rows: string[][];
}

/**
 * Reads a load script: `CREATE TABLE t (col TYPE, ...)` (physical columns only, no WITH needed)
 * and `INSERT INTO t VALUES (...), ...` statements, as written for PostgreSQL too.
 */
export function parseSeedScript(script: string, origin: string): SeedTable[] {
  const tables = new Map<string, SeedTable>();
  for (const s of parseStatements(script)) {
    const where = `${origin} line ${s.pos.line}`;
    if (s.kind === "createTable") {
      const name = s.name.join(".");
      if (tables.has(name)) throw new GoldenFormatError(`${where}: table ${name} is created twice`);
      const columns = s.columns.map((c) => {
        if (c.kind !== "physical")
          throw new GoldenFormatError(`${where}: only physical columns can be loaded`);
        return { name: c.name, type: logicalTypeOf(c.type) };
      });
      tables.set(name, { name, columns, rows: [] });
    } else if (s.kind === "insert") {
      const table = tables.get(s.table.join("."));
      if (table === undefined)
        throw new GoldenFormatError(`${where}: INSERT into an undeclared table`);
      if (s.query.kind !== "values" || s.columns !== undefined) {
        throw new GoldenFormatError(`${where}: only INSERT INTO t VALUES (...) can be loaded`);
      }
      for (const row of s.query.rows) {
        if (row.length !== table.columns.length) {
          throw new GoldenFormatError(
            `${where}: a row of ${row.length} values for ${table.columns.length} columns`,
          );
        }
        table.rows.push(row.map(formatExpr));
      }
    } else {
      throw new GoldenFormatError(
        `${where}: a load script holds CREATE TABLE and INSERT only, got ${s.kind}`,
      );
    }
  }
  return [...tables.values()];
}
