/**
 * One SQL client session: a table environment, the output format, and the running statement.
 * {@link SqlSession.execute} runs one parsed statement and prints its outcome: `[INFO]` lines
 * for statements without rows (nothing in csv/json), and query rows through a
 * {@link ResultView} (the printed formats of scripts, or the interactive live table).
 */
import { SqlPlanError, TableEnvironment, type TableResult } from "../../table/index.ts";
import type { Statement } from "../../table/sql/ast-statement.ts";
import { StromError } from "../../core/errors.ts";
import type { OutputFormat, SqlArgs } from "./args.ts";
import { excerptAt, ScriptError } from "./split.ts";
import type { ValueOptions } from "./rows.ts";

/** Where the client writes: `out` for results, `err` for errors (text with its newlines). */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

/** What a view needs to show a query's rows. */
export interface QueryContext {
  /** The result to read (its job starts when the view reads it). */
  readonly result: TableResult;
  /** Whether the rows come from a job (a SELECT) rather than ready rows (SHOW, DESCRIBE...). */
  readonly fromJob: boolean;
  /** The statement. */
  readonly statement: Statement;
  /** Whether the session runs in batch mode. */
  readonly batch: boolean;
  /** How values print. */
  readonly values: ValueOptions;
  /** Whether the query was cancelled (Ctrl-C). */
  cancelled(): boolean;
}

/** Shows the rows of a query. Resolves once they are all shown (or the query was cancelled). */
export interface ResultView {
  show(query: QueryContext): Promise<void>;
}

/** The line Flink's client prints for a statement without rows. */
export const INFO_SUCCEEDED = "[INFO] Execute statement succeeded.";
/** The line printed when an INSERT job has run to its end. */
export const INFO_INSERT_DONE = "[INFO] Complete execution of the SQL update statement.";
/** The line printed when a running statement was cancelled. */
export const INFO_CANCELLED = "[INFO] Statement cancelled.";

/** A SQL client session over one table environment. */
export class SqlSession {
  /** The session's table environment. */
  readonly tEnv: TableEnvironment;
  /** How results print. */
  readonly format: OutputFormat;
  private running: TableResult | null = null;
  private cancelRequested = false;

  /** A session for the options of a `strom sql` command line. */
  constructor(args: Pick<SqlArgs, "format" | "mode" | "parallelism" | "catalogDir">) {
    this.format = args.format;
    this.tEnv = TableEnvironment.create({
      mode: args.mode,
      parallelism: args.parallelism,
      ...(args.catalogDir !== undefined ? { catalogPath: args.catalogDir } : {}),
    });
  }

  /** Whether queries run in batch mode now (`SET 'execution.runtime-mode'` changes it). */
  get batch(): boolean {
    return this.tEnv.getConfig().get("execution.runtime-mode") === "batch";
  }

  /** How values print now (the session time zone). */
  get valueOptions(): ValueOptions {
    return { timeZone: this.tEnv.getConfig().get("table.local-time-zone") ?? "UTC" };
  }

  /** Whether a statement is running (a query's job or an INSERT). */
  get busy(): boolean {
    return this.running !== null;
  }

  /** Cancels the running statement, if any; resolves when the cancel request went out. */
  async cancel(): Promise<boolean> {
    const result = this.running;
    if (result === null) return false;
    this.cancelRequested = true;
    await result.cancel();
    return true;
  }

  /**
   * Runs `statement` and prints its outcome to `output` (rows through `view`). Returns whether
   * it was cancelled. Throws on failure (see {@link describeFailure}).
   */
  async execute(statement: Statement, output: Output, view: ResultView): Promise<boolean> {
    this.cancelRequested = false;
    const result = await this.tEnv.executeSql(statement);
    const quiet = this.format === "csv" || this.format === "json";
    switch (result.kind) {
      case "SUCCESS":
        if (!quiet) output.out(`${INFO_SUCCEEDED}\n`);
        return false;
      case "INSERT":
        await this.track(result, () => result.await());
        if (this.cancelRequested) {
          output.err(`${INFO_CANCELLED}\n`);
          return true;
        }
        if (!quiet) output.out(`${INFO_INSERT_DONE}\n`);
        return false;
      case "QUERY": {
        const context: QueryContext = {
          result,
          fromJob: isJobQuery(statement),
          statement,
          batch: this.batch,
          values: this.valueOptions,
          cancelled: () => this.cancelRequested,
        };
        await this.track(result, () => view.show(context));
        if (this.cancelRequested && !quiet) output.err(`${INFO_CANCELLED}\n`);
        return this.cancelRequested;
      }
    }
  }

  /** Runs `work` with `result` as the running statement. */
  private async track(result: TableResult, work: () => Promise<void>): Promise<void> {
    this.running = result;
    try {
      await work();
    } finally {
      this.running = null;
    }
  }
}

/** Whether `statement` reads its rows from a job (a query, possibly under EXECUTE). */
export function isJobQuery(statement: Statement): boolean {
  if (statement.kind === "query") return true;
  return statement.kind === "execute" && statement.statement.kind === "query";
}

/**
 * The text printed for a failed statement, as Flink's client prints it:
 * `[ERROR] Could not execute SQL statement. Reason:` and the cause, with the line of `script`
 * the error points at (for syntax and planning errors). Errors that are not Strom's own (a bug)
 * keep their stack.
 */
export function describeFailure(e: unknown, script: string): string {
  const lines = ["[ERROR] Could not execute SQL statement. Reason:"];
  if (e instanceof ScriptError) {
    lines.push(e.message);
    if (e.excerpt !== "") lines.push(e.excerpt);
  } else if (e instanceof SqlPlanError) {
    lines.push(e.message);
    const excerpt = excerptAt(script, e.line, e.column);
    if (excerpt !== "") lines.push(excerpt);
  } else if (e instanceof StromError) {
    lines.push(e.message);
    let cause = e.cause;
    for (let depth = 0; cause instanceof Error && depth < 5; depth++, cause = cause.cause) {
      if (e.message.includes(cause.message)) continue;
      lines.push(`Caused by: ${cause.name}: ${cause.message}`);
    }
  } else if (e instanceof Error) {
    lines.push(e.stack ?? `${e.name}: ${e.message}`);
  } else {
    lines.push(String(e));
  }
  return lines.join("\n") + "\n";
}
