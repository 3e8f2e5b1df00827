/**
 * Discovery of the REST servers of the strom processes on this machine: each `strom run` writes
 * `<STROM_HOME or ~/.strom>/jobs/<pid>.json` (`{pid, port, startedAt}`) when its server starts and
 * removes it on exit. Files of processes that are gone are removed by whoever finds them.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, renameSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** One discovery file: where a strom process's REST server listens. */
export interface DiscoveryEntry {
  /** Process id of the strom process. */
  readonly pid: number;
  /** Port of its REST server on 127.0.0.1. */
  readonly port: number;
  /** When the server started (ms since the epoch). */
  readonly startedAt: number;
}

/** Strom's home directory: `$STROM_HOME`, else `~/.strom`. */
export function stromHome(): string {
  const env = process.env.STROM_HOME;
  return env !== undefined && env !== "" ? env : join(homedir(), ".strom");
}

/** The directory of discovery files. */
export function discoveryDir(): string {
  return join(stromHome(), "jobs");
}

/** The discovery file of process `pid`. */
export function discoveryFile(pid: number): string {
  return join(discoveryDir(), `${pid}.json`);
}

/** Writes this process's discovery file (atomically: a reader never sees half a file). */
export function writeDiscovery(entry: DiscoveryEntry): string {
  const dir = discoveryDir();
  mkdirSync(dir, { recursive: true });
  const file = discoveryFile(entry.pid);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(entry)}\n`);
  renameSync(tmp, file);
  return file;
}

/** Removes the discovery file of `pid`, if there is one. */
export function removeDiscovery(pid: number): void {
  rmSync(discoveryFile(pid), { force: true });
}

/** Whether a process with this id exists (it may belong to another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Reads the discovery file of `pid`; null when there is none or it is not readable. */
export function readDiscovery(pid: number): DiscoveryEntry | null {
  return parseEntry(discoveryFile(pid));
}

function parseEntry(file: string): DiscoveryEntry | null {
  try {
    const e = JSON.parse(readFileSync(file, "utf8")) as Partial<DiscoveryEntry>;
    if (!Number.isInteger(e.pid) || !Number.isInteger(e.port)) return null;
    return { pid: e.pid!, port: e.port!, startedAt: Number(e.startedAt ?? 0) };
  } catch {
    return null;
  }
}

/**
 * The discovery entries of live processes, by pid. Files of dead processes (and unreadable
 * files) are removed.
 */
export function listDiscovered(): DiscoveryEntry[] {
  const dir = discoveryDir();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: DiscoveryEntry[] = [];
  for (const name of names) {
    const m = /^(\d+)\.json$/.exec(name);
    if (!m) continue;
    const file = join(dir, name);
    const entry = parseEntry(file);
    if (entry === null || entry.pid !== Number(m[1]) || !isProcessAlive(entry.pid)) {
      rmSync(file, { force: true });
      continue;
    }
    out.push(entry);
  }
  return out.sort((a, b) => a.pid - b.pid);
}
