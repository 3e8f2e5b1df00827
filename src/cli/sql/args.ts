/**
 * The command line of `strom sql`: where the statements come from (`-f FILE`, `-e SQL`, or the
 * terminal / stdin), how results print (`--format`), the runtime mode, the parallelism and the
 * catalog directory.
 */
import { resolve } from "node:path";
import { UsageError } from "../usage-error.ts";

/** How query results print. */
export type OutputFormat = "table" | "csv" | "json" | "changelog";

/** The runtime mode queries start in (`SET 'execution.runtime-mode'` changes it). */
export type RuntimeMode = "streaming" | "batch";

/** The options of `strom sql`, for the usage text of `strom help`. */
export const SQL_USAGE = `Options of sql:
  -f, --file <script.sql>       Run the statements of a script, then exit (stops at the first error)
  -e, --execute <sql>           Run these statements, then exit
      --format <f>              How query results print: table (default), csv (rows only, NULL as an
                                empty field), json (an object per row) or changelog (+I,1,a)
      --mode <m>                Runtime mode: streaming (default) or batch
  -p, --parallelism <n>         Default parallelism of queries (default: 1)
      --catalog-dir <dir>       Keep the default catalog (tables, views...) in this directory
  Without -f and -e, statements piped into stdin run as a script; on a terminal an interactive
  prompt opens (history in ~/.strom_sql_history or $STROM_HOME/sql_history).
`;

/** A parsed `strom sql` command line. */
export interface SqlArgs {
  /** A script file to run (as given), if any. */
  readonly file?: string;
  /** SQL text given with `-e`, if any. */
  readonly execute?: string;
  /** Output format (default table). */
  readonly format: OutputFormat;
  /** Runtime mode (default streaming). */
  readonly mode: RuntimeMode;
  /** Default parallelism of queries (default 1). */
  readonly parallelism: number;
  /** Directory of the persistent default catalog (absolute), if given. */
  readonly catalogDir?: string;
}

const FORMATS: readonly OutputFormat[] = ["table", "csv", "json", "changelog"];
const MODES: readonly RuntimeMode[] = ["streaming", "batch"];

/** `value` as one of `allowed`, or a usage error naming `flag`. */
function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  const v = value.toLowerCase();
  if (!(allowed as readonly string[]).includes(v)) {
    throw new UsageError(`${flag} must be one of ${allowed.join(", ")}, got '${value}'`);
  }
  return v as T;
}

/** Parses the arguments after `strom sql`; throws a {@link UsageError} naming the bad option. */
export function parseSqlArgs(args: readonly string[]): SqlArgs {
  let file: string | undefined;
  let execute: string | undefined;
  let format: OutputFormat = "table";
  let mode: RuntimeMode = "streaming";
  let parallelism = 1;
  let catalogDir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    // `--format=csv` is the same as `--format csv`.
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    const value = (): string => {
      if (inline !== undefined) return inline;
      const v = args[++i];
      if (v === undefined) throw new UsageError(`option ${flag} needs a value`);
      return v;
    };
    if (inline !== undefined && !flag.startsWith("--")) {
      throw new UsageError(`unknown option '${a}' (see strom help)`);
    }
    switch (flag) {
      case "-f":
      case "--file":
        if (file !== undefined) throw new UsageError(`${flag} is given twice`);
        file = value();
        if (file === "") throw new UsageError(`${flag} must name a SQL script file`);
        break;
      case "-e":
      case "--execute":
        if (execute !== undefined) throw new UsageError(`${flag} is given twice`);
        execute = value();
        break;
      case "--format":
        format = oneOf(flag, value(), FORMATS);
        break;
      case "--mode":
        mode = oneOf(flag, value(), MODES);
        break;
      case "-p":
      case "--parallelism": {
        const text = value();
        const n = Number(text);
        if (text.trim() === "" || !Number.isInteger(n) || n < 1) {
          throw new UsageError(`--parallelism must be a positive integer, got '${text}'`);
        }
        parallelism = n;
        break;
      }
      case "--catalog-dir": {
        const dir = value();
        if (dir === "") throw new UsageError("--catalog-dir must name a directory");
        catalogDir = resolve(dir);
        break;
      }
      default:
        if (a.startsWith("-")) throw new UsageError(`unknown option '${a}' (see strom help)`);
        throw new UsageError(
          `unexpected argument '${a}': give a script with -f ${a} (see strom help)`,
        );
    }
  }
  if (file !== undefined && execute !== undefined) {
    throw new UsageError("use either -f (a script file) or -e (SQL text), not both");
  }
  return {
    ...(file !== undefined ? { file } : {}),
    ...(execute !== undefined ? { execute } : {}),
    format,
    mode,
    parallelism,
    ...(catalogDir !== undefined ? { catalogDir } : {}),
  };
}
