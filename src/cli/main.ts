/**
 * The `strom` command. `strom run job.ts` runs a job module on the embedded local runtime
 * (TypeScript accepted as is, including enums and other non-erasable syntax) and serves its
 * job-control REST API; `strom list|cancel|savepoint|stop` control running jobs (src/cli/jobs.ts).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { JobCancelledError } from "../core/errors.ts";
import { runJobModule } from "../cluster/run-module.ts";
import { registerLocalExecutors } from "../cluster/register.ts";
import { runningJobs } from "../cluster/job-master.ts";
import { startRestServer } from "../cluster/rest/server.ts";
import { UsageError } from "./usage-error.ts";
import { parseRun } from "./run-args.ts";
import { parseSqlArgs, SQL_USAGE } from "./sql/args.ts";
import {
  cancelCommand,
  JobControlError,
  listCommand,
  savepointCommand,
  stopCommand,
} from "./jobs.ts";

const USAGE = `Usage: strom <command> [options]

Commands:
  run <job.ts|job.js> [options] [-- job args]   Run a job module on the embedded local runtime
  list [-a]                                     List the running jobs (-a: also ended ones)
  cancel <jobId>                                Cancel a running job
  savepoint <jobId> [dir]                       Take a savepoint; prints its path
  stop <jobId> --savepoint-dir <dir> [--drain]  Take a savepoint, then stop the job
  sql [-f script.sql] [--format f] [options]    The SQL client: a prompt, or run a script
  help                                          Show this help
  version                                       Print the version

Options of run:
  -p, --parallelism <n>         Default parallelism of the job (default: 1, or what the job sets)
  -t, --target <name>           Execution target: local (worker threads, default) or thread
      --progress <ms>           Print a throughput line every <ms> milliseconds (0: off)
      --checkpoint-dir <dir>    Where checkpoints go (savepoints default to <dir>/savepoints)
      --checkpoint-interval <d> Take a checkpoint every <d>: 500ms, 1s, 2min (bare number: ms)
      --restore <latest|path>   Start from a checkpoint or savepoint; latest: the newest complete
                                checkpoint in --checkpoint-dir
      --from-savepoint <path>   Start from this savepoint (same as --restore <path>)
      --allow-non-restored-state  Skip state of operators the job no longer has
      --state-backend <name>    Keyed state backend: hashmap (default) or disk
      --rest-port <n>           Port of the job-control REST server on 127.0.0.1 (default 0: random)

${SQL_USAGE}
Job control: list, cancel, savepoint and stop reach the jobs of every strom run on this machine
through $STROM_HOME/jobs (default ~/.strom/jobs). Job ids look like <pid>-job-<n>.

Examples:
  strom run examples/word-count.ts --parallelism 4
  strom run my-job.ts -- --input data.txt
  strom run my-job.ts --checkpoint-dir ckpt --checkpoint-interval 10s
  strom savepoint 4242-job-1 savepoints/
  strom run my-job.ts --from-savepoint savepoints/savepoint-my-job-3-ab12cd
  strom sql -f report.sql --format csv --mode batch
`;

function version(): string {
  const pkg = JSON.parse(
    readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8"),
  ) as { version: string };
  return pkg.version;
}

/**
 * In a relaunched CLI (see {@link relaunchWithTransforms}): when the parent dies, however it died
 * (SIGKILL included), the job dies with it instead of running on unsupervised.
 */
function dieWithParent(): void {
  const channel = process.channel as { unref?: () => void } | undefined;
  if (channel === undefined) return;
  process.on("disconnect", () => process.kill(process.pid, "SIGKILL"));
  channel.unref?.();
}
dieWithParent();

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
    // The IPC channel tells the child when this process is gone, even after a SIGKILL.
    { stdio: ["inherit", "inherit", "inherit", "ipc"], detached: true },
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
  const restore = parsed.options.restore;
  if (restore !== undefined && restore !== "latest" && !existsSync(restore)) {
    throw new UsageError(`no checkpoint or savepoint at ${restore}`);
  }
  registerLocalExecutors();
  const checkpointDir = parsed.options.checkpointDir;
  const rest = await startRestServer({
    port: parsed.restPort,
    defaultSavepointDir: checkpointDir === undefined ? null : join(checkpointDir, "savepoints"),
  }).catch((e: unknown) => {
    throw new UsageError(`--rest-port: ${(e as Error).message}`);
  });
  process.argv = [process.argv[0]!, path, ...parsed.jobArgs];
  try {
    await runJobModule(path, parsed.options);
    return 0;
  } catch (e) {
    if (e instanceof JobCancelledError) {
      const stopped = rest.jobs.stopped();
      if (stopped.size > 0) {
        for (const [id, location] of stopped)
          process.stderr.write(`Job ${id} stopped with a savepoint: ${location}\n`);
        return 0;
      }
      process.stderr.write(`${e.message}\n`);
      return 130;
    }
    throw e;
  } finally {
    // Jobs left running (execute() not awaited) can still be controlled; the server never keeps
    // the process alive either way.
    if (runningJobs().length === 0) await rest.close();
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
      case "list":
        return await listCommand(rest);
      case "cancel":
        return await cancelCommand(rest);
      case "savepoint":
        return await savepointCommand(rest);
      case "stop":
        return await stopCommand(rest);
      case "sql": {
        const args = parseSqlArgs(rest);
        // Loaded on demand: the other commands (and bad command lines) do not pay for SQL.
        const { sqlCommand } = await import("./sql/command.ts");
        return await sqlCommand(args);
      }
      default:
        throw new UsageError(`unknown command '${command}' (see strom help)`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`strom: ${e.message}\n`);
      return 2;
    }
    if (e instanceof JobControlError) {
      process.stderr.write(`strom: ${e.message}\n`);
      return 1;
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
