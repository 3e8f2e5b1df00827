/**
 * Runs a query of the SQL fuzzer in Strom (batch, streaming at parallelism 1 and 4) and in
 * PostgreSQL (through `psql`, as test/table/pg-differential.test.ts does), and normalizes the
 * rows to comparable text: exact numbers without insignificant zeros, DOUBLE rounded to 12
 * significant digits, booleans as TRUE/FALSE, NULL apart from the empty string.
 */
import { execFile } from "node:child_process";
import { TableEnvironment } from "../../../src/index.ts";
import type { ResultColumn } from "../../../src/table/api/table-result.ts";
import { formatValue, type LogicalType } from "../../../src/table/types/index.ts";
import { loadSeedTables, parseSeedScript } from "../golden-runner.ts";
import { FUZZ_SCHEMA } from "./schema.ts";

/** The result of one engine: normalized row lines, or the error (at planning or at run time). */
export type Outcome =
  | {
      readonly ok: true;
      readonly lines: readonly string[];
      readonly columns: readonly ResultColumn[];
    }
  | { readonly ok: false; readonly stage: "plan" | "run"; readonly message: string };

const HOST = process.env.PGHOST ?? "127.0.0.1";
const PORT = process.env.PGPORT ?? "5432";

/** Runs psql with `sql` on stdin; resolves with stdout, rejects with stderr. */
export function psql(sql: string, searchPath?: string): Promise<string> {
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
    "postgres",
    "-d",
    "test",
  ];
  return new Promise((resolve, reject) => {
    const child = execFile("psql", args, { env, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
    child.stdin!.end(sql);
  });
}

/** Parses CSV written by COPY ... (FORMAT csv, FORCE_QUOTE *): NULL is an unquoted empty field. */
export function parseCsv(text: string): (string | null)[][] {
  const rows: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let i = 0;
  while (i < text.length) {
    let value: string | null;
    if (text[i] === '"') {
      let s = "";
      for (i++; ;) {
        if (i >= text.length) throw new Error("CSV: unterminated quoted field");
        if (text[i] === '"' && text[i + 1] === '"') {
          s += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else s += text[i++];
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

function canonicalNumber(text: string): string {
  const m = /^([+-]?)(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (m === null) return `?${text}`;
  const int = m[2]!.replace(/^0+(?=\d)/, "");
  const frac = (m[3] ?? "").replace(/0+$/, "");
  const body = frac === "" ? int : `${int}.${frac}`;
  return m[1] === "-" && /[1-9]/.test(body) ? `-${body}` : body;
}

function canonicalDouble(n: number): string {
  return Number.isFinite(n) ? String(Number(n.toPrecision(12))) : String(n);
}

function isExact(type: LogicalType): boolean {
  return ["TINYINT", "SMALLINT", "INT", "BIGINT", "DECIMAL"].includes(type.kind);
}

/** The comparable text of a PostgreSQL cell read as a Strom column type. */
export function normalizePg(cell: string | null, type: LogicalType): string {
  if (cell === null) return "NULL";
  if (type.kind === "BOOLEAN") return cell === "t" ? "TRUE" : cell === "f" ? "FALSE" : `?${cell}`;
  if (isExact(type)) return canonicalNumber(cell);
  if (type.kind === "DOUBLE" || type.kind === "FLOAT") return canonicalDouble(Number(cell));
  return JSON.stringify(cell);
}

/** The comparable text of a Strom value. */
export function normalizeStrom(value: unknown, type: LogicalType): string {
  if (value === null) return "NULL";
  if (type.kind === "DOUBLE" || type.kind === "FLOAT") return canonicalDouble(value as number);
  const text = formatValue(value, type);
  if (isExact(type)) return canonicalNumber(text);
  return type.kind === "BOOLEAN" ? text : JSON.stringify(text);
}

/** The Strom environments (one per mode) and the PostgreSQL schema of one fuzz run. */
export class FuzzEngines {
  /** The PostgreSQL schema holding the tables. */
  readonly schema = `strom_fuzz_${process.pid}`;

  /** Batch, streaming p1 and streaming p4, in this order. */
  readonly strom: readonly { readonly label: string; readonly env: TableEnvironment }[];

  private constructor(
    strom: readonly { readonly label: string; readonly env: TableEnvironment }[],
  ) {
    this.strom = strom;
  }

  /** Creates the tables in three Strom environments and (when `pg`) in PostgreSQL. */
  static async create(pg: boolean): Promise<FuzzEngines> {
    const modes = [
      { label: "batch", mode: "batch", parallelism: 1 },
      { label: "streaming-p1", mode: "streaming", parallelism: 1 },
      { label: "streaming-p4", mode: "streaming", parallelism: 4 },
    ] as const;
    const tables = parseSeedScript(FUZZ_SCHEMA, "test/table/fuzz/schema.ts");
    const strom = [];
    for (const m of modes) {
      const env = TableEnvironment.create({ mode: m.mode, parallelism: m.parallelism });
      await loadSeedTables(env, tables);
      strom.push({ label: m.label, env });
    }
    const engines = new FuzzEngines(strom);
    if (pg) {
      await psql(
        `DROP SCHEMA IF EXISTS ${engines.schema} CASCADE;\nCREATE SCHEMA ${engines.schema};\n` +
          `SET search_path TO ${engines.schema};\n${FUZZ_SCHEMA}`,
      );
    }
    return engines;
  }

  /** Drops the PostgreSQL schema. */
  async dropPg(): Promise<void> {
    await psql(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE;`);
  }

  /** Runs `sql` in the Strom environment `i` (0 batch, 1 streaming p1, 2 streaming p4). */
  async runStrom(i: number, sql: string, timeoutMs = 30_000): Promise<Outcome> {
    let result;
    try {
      result = await this.strom[i]!.env.executeSql(sql);
    } catch (e) {
      return { ok: false, stage: "plan", message: (e as Error).message };
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      });
      const rows = await Promise.race([result.collect(), timeout]);
      const columns = result.columns;
      const lines = rows.map((r) =>
        r.map((v, c) => normalizeStrom(v, columns[c]!.type)).join(" | "),
      );
      return { ok: true, lines, columns };
    } catch (e) {
      void result.cancel().catch(() => {});
      return { ok: false, stage: "run", message: (e as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs `sql` in PostgreSQL, reading the cells as the Strom `columns` (null: raw text). */
  async runPg(sql: string, columns: readonly ResultColumn[] | null): Promise<Outcome> {
    let csv: string;
    try {
      csv = await psql(
        `COPY (\n${sql}\n) TO STDOUT WITH (FORMAT csv, FORCE_QUOTE *);`,
        this.schema,
      );
    } catch (e) {
      return { ok: false, stage: "run", message: (e as Error).message };
    }
    const rows = parseCsv(csv);
    if (columns === null) {
      return { ok: true, lines: rows.map((r) => JSON.stringify(r)), columns: [] };
    }
    const bad = rows.find((r) => r.length !== columns.length);
    if (bad !== undefined) {
      return {
        ok: false,
        stage: "run",
        message: `${bad.length} columns, Strom has ${columns.length}`,
      };
    }
    const lines = rows.map((r) =>
      r.map((cell, c) => normalizePg(cell, columns[c]!.type)).join(" | "),
    );
    return { ok: true, lines, columns };
  }
}
