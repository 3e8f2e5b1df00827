/**
 * The `strom` command. `strom run job.ts` runs a job module on the embedded local runtime
 * (TypeScript accepted as is, including enums and other non-erasable syntax).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { JobCancelledError } from "../core/errors.ts";
import { runJobModule, type RunOptions } from "../cluster/run-module.ts";
import { registerLocalExecutors } from "../cluster/register.ts";

const USAGE = `Usage: strom <command> [options]

Commands:
  run <job.ts|job.js> [options] [-- job args]   Run a job module on the embedded local runtime
  help                                          Show this help
  version                                       Print the version

Options of run:
  -p, --parallelism <n>    Default parallelism of the job (default: 1, or what the job sets)
  -t, --target <name>      Execution target: local (worker threads, default) or thread
      --progress <ms>      Print a throughput line every <ms> milliseconds (0: off)

Examples:
  strom run examples/word-count.ts --parallelism 4
  strom run my-job.ts -- --input data.txt
`;

/** Thrown for bad command lines; printed without a stack. */
class UsageError extends Error {}

interface ParsedRun {
  file: string;
  options: RunOptions;
  jobArgs: string[];
}

function parseRun(args: string[]): ParsedRun {
  let file: string | undefined;
  const options: RunOptions = {};
  const jobArgs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`option ${a} needs a value`);
      return v;
    };
    if (a === "--") {
      jobArgs.push(...args.slice(i + 1));
      break;
    } else if (a === "-p" || a === "--parallelism") {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1)
        throw new UsageError(`--parallelism must be a positive integer, got '${args[i]}'`);
      options.parallelism = n;
    } else if (a === "-t" || a === "--target") {
      const t = value();
      if (t !== "local" && t !== "thread")
        throw new UsageError(`unknown target '${t}': use local or thread`);
      options.target = t;
    } else if (a === "--progress") {
      const n = Number(value());
      if (!Number.isFinite(n) || n < 0)
        throw new UsageError(`--progress must be a number of milliseconds, got '${args[i]}'`);
      options.progressInterval = n;
    } else if (a.startsWith("-")) {
      throw new UsageError(`unknown option '${a}' (see strom help)`);
    } else if (file === undefined) {
      file = a;
    } else {
      jobArgs.push(a);
    }
  }
  if (!file) throw new UsageError("strom run: missing the job file (strom run job.ts)");
  return { file, options, jobArgs };
}

function version(): string {
  const pkg = JSON.parse(
    readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8"),
  ) as { version: string };
  return pkg.version;
}

/** Re-runs the CLI in a child Node with full TypeScript transforms (enums, namespaces...). */
function relaunchWithTransforms(argv: string[]): Promise<number> {
  const child = spawn(
    process.execPath,
    [
      "--experimental-transform-types",
      "--disable-warning=ExperimentalWarning",
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      ...argv,
    ],
    // Its own process group: a terminal's Ctrl-C reaches only this process, which forwards it
    // once (the child cancels the job on the first SIGINT and exits on the second).
    { stdio: "inherit", detached: true },
  );
  const forward = (signal: NodeJS.Signals) => () => {
    if (child.exitCode === null) child.kill(signal);
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
    process.on(signal, forward(signal));
  // If this process dies, the child must not keep running on its own.
  process.on("exit", () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  return new Promise((res) =>
    child.on("exit", (code, signal) => res(code ?? (signal === "SIGINT" ? 130 : 1))),
  );
}

async function run(args: string[]): Promise<number> {
  const parsed = parseRun(args);
  const path = resolve(parsed.file);
  if (!existsSync(path)) throw new UsageError(`job file not found: ${parsed.file}`);
  const needsTransforms =
    /\.(ts|mts|cts)$/.test(path) && !process.execArgv.includes("--experimental-transform-types");
  if (needsTransforms) return relaunchWithTransforms(["run", ...args]);
  registerLocalExecutors();
  process.argv = [process.argv[0]!, path, ...parsed.jobArgs];
  try {
    await runJobModule(path, parsed.options);
    return 0;
  } catch (e) {
    if (e instanceof JobCancelledError) {
      process.stderr.write(`${e.message}\n`);
      return 130;
    }
    throw e;
  }
}

/**
 * Exits with `code` once pending output is written: the process ends on its own when nothing is
 * left to do (output relayed from worker threads still drains), or after a second at the latest.
 */
export function exitSoon(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 1000).unref();
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case "help":
      case "--help":
      case "-h":
        process.stdout.write(USAGE);
        return 0;
      case "version":
      case "--version":
      case "-v":
        process.stdout.write(`strom ${version()}\n`);
        return 0;
      case "run":
        return await run(rest);
      default:
        throw new UsageError(`unknown command '${command}' (see strom help)`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`strom: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    if (e instanceof Error && e.cause instanceof Error && e.cause.stack)
      process.stderr.write(`Caused by: ${e.cause.stack}\n`);
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = 1;
  void main(process.argv.slice(2)).then(exitSoon);
}
