/**
 * `tEnv.createStatementSet()`: several INSERTs collected and run as ONE job with one sink per
 * statement, as `EXECUTE STATEMENT SET BEGIN ... END` does in SQL.
 */
import type { InsertStatement } from "../sql/ast-statement.ts";
import { parseStatements } from "../sql/index.ts";
import { TableEnvironmentError } from "./errors.ts";
import type { TableResult } from "./table-result.ts";
import type { Table } from "./table.ts";

/** What a statement set needs from its table environment. */
export interface StatementSetHost {
  /** Plans every INSERT (all or none) and returns the job writing them all. */
  executeInserts(inserts: readonly InsertStatement[]): TableResult;
  /** EXPLAIN of the INSERTs. */
  explainInserts(inserts: readonly InsertStatement[]): string;
}

/** INSERT statements to run together as one job (Flink's `StatementSet`). */
export class StatementSet {
  private readonly inserts: InsertStatement[] = [];
  private readonly host: StatementSetHost;

  /** Use `tEnv.createStatementSet()`. */
  constructor(host: StatementSetHost) {
    this.host = host;
  }

  /** Adds `INSERT INTO t ...` (SQL text holding one INSERT statement). */
  addInsertSql(sql: string): this {
    const all = parseStatements(sql);
    const s = all[0];
    if (all.length !== 1 || s === undefined || s.kind !== "insert") {
      throw new TableEnvironmentError(
        `addInsertSql expects exactly one INSERT statement, got ${all.length === 1 ? `a ${s!.kind} statement` : `${all.length} statements`}`,
      );
    }
    this.inserts.push(s);
    return this;
  }

  /** Adds the insert of `table`'s rows into the table at `targetPath` (`"db.t"`). */
  addInsert(targetPath: string, table: Table, overwrite = false): this {
    // The target's name parts as SQL reads them; the query is the table's own.
    const s = parseStatements(`INSERT ${overwrite ? "OVERWRITE" : "INTO"} ${targetPath} SELECT 1`);
    const q = parseStatements(table.sql);
    if (s.length !== 1 || s[0]!.kind !== "insert" || q.length !== 1 || q[0]!.kind !== "query") {
      throw new TableEnvironmentError(`addInsert: cannot insert into '${targetPath}'`);
    }
    this.inserts.push({ ...s[0]!, query: q[0]!.query });
    return this;
  }

  /** The plans of the statements (see EXPLAIN STATEMENT SET). */
  explain(): string {
    this.checkNotEmpty();
    return this.host.explainInserts(this.inserts);
  }

  /**
   * Plans every statement (a statement that fails to plan runs none) and returns the result of
   * the one job writing them all; `await()` on it runs the job to its end. The set is emptied.
   */
  async execute(): Promise<TableResult> {
    this.checkNotEmpty();
    const result = this.host.executeInserts(this.inserts);
    this.inserts.length = 0;
    return result;
  }

  private checkNotEmpty(): void {
    if (this.inserts.length === 0) {
      throw new TableEnvironmentError("The statement set holds no statement: add INSERTs first");
    }
  }
}
