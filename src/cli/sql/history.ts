/**
 * The interactive client's command history, kept across sessions in a text file: one entry per
 * line, oldest first (a statement typed over several lines is kept as one line). The file is
 * `$STROM_HOME/sql_history` when STROM_HOME is set, else `~/.strom_sql_history`.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

/** The most entries kept. */
export const HISTORY_SIZE = 1000;

/** Where the history lives for the environment `env`. */
export function historyFile(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.STROM_HOME;
  return home !== undefined && home !== ""
    ? join(home, "sql_history")
    : join(homedir(), ".strom_sql_history");
}

/** The entries of the history file, newest first (as readline wants them); none if it is missing. */
export function loadHistory(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .slice(-HISTORY_SIZE)
    .reverse();
}

/**
 * Writes `history` (newest first) to `file`, oldest first, replacing it whole so that a reader
 * never sees half a file. Failures are returned, not thrown: history must not stop the client.
 */
export function saveHistory(file: string, history: readonly string[]): Error | null {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const lines = history.slice(0, HISTORY_SIZE).reverse();
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, lines.map((l) => `${l}\n`).join(""));
    renameSync(tmp, file);
    return null;
  } catch (e) {
    return e as Error;
  }
}

/** One history entry for a statement typed over `lines`: the lines joined by spaces. */
export function historyEntry(lines: readonly string[]): string {
  return lines
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .join(" ");
}
