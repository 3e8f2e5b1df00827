/**
 * `strom sql`: the SQL client. With `-f FILE`, `-e SQL`, or statements piped into stdin it runs
 * them as a script and exits (0, 1 at the first error, 130 after Ctrl-C); on a terminal it opens
 * the interactive prompt (src/cli/sql/interactive.ts).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import type { ReadStream, WriteStream } from "node:tty";
import { registerLocalExecutors } from "../../cluster/register.ts";
import { UsageError } from "../usage-error.ts";
import type { SqlArgs } from "./args.ts";
import { historyFile } from "./history.ts";
import { runInteractive } from "./interactive.ts";
import { PrintedView } from "./printed-view.ts";
import { exitCodeOf, runScript } from "./script.ts";
import { SqlSession, type Output } from "./session.ts";

/** Reads all of stdin as text. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** The script text of the command line, or null for the interactive prompt. */
async function scriptText(
  file: string | undefined,
  execute: string | undefined,
): Promise<string | null> {
  if (file !== undefined) {
    if (!existsSync(file)) throw new UsageError(`SQL script not found: ${file}`);
    if (!statSync(file).isFile()) throw new UsageError(`not a file: ${file}`);
    return readFileSync(file, "utf8");
  }
  if (execute !== undefined) return execute;
  if (!process.stdin.isTTY) return readStdin();
  return null;
}

/** Resolves once everything written to `stream` so far has been handed to the OS. */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => stream.write("", () => resolve()));
}

/** Runs `strom sql` with its parsed command line; resolves with the exit code. */
export async function sqlCommand(args: SqlArgs): Promise<number> {
  const script = await scriptText(args.file, args.execute);
  registerLocalExecutors();
  const session = new SqlSession(args);
  const output: Output = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  };
  let code: number;
  if (script === null) {
    code = await runInteractive(session, {
      input: process.stdin as ReadStream,
      output: process.stdout as WriteStream,
      errors: process.stderr as WriteStream,
      historyPath: historyFile(),
    });
  } else {
    code = await runWithInterrupts(session, script, output);
  }
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  return code;
}

/**
 * Runs a script; the first SIGINT (Ctrl-C) cancels the running statement and stops the script
 * (exit code 130), a second one ends the process at once.
 */
async function runWithInterrupts(
  session: SqlSession,
  script: string,
  output: Output,
): Promise<number> {
  let interrupted = false;
  const onSignal = (): void => {
    if (interrupted) process.exit(130);
    interrupted = true;
    void session.cancel();
  };
  process.on("SIGINT", onSignal);
  try {
    // A script shown on a terminal still prints (a live table would be redrawn over itself).
    const view = new PrintedView(session.format, output);
    const outcome = await runScript(session, script, output, view, () => interrupted);
    return exitCodeOf(interrupted ? "cancelled" : outcome);
  } finally {
    process.off("SIGINT", onSignal);
  }
}
