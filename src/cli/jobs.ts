/**
 * Job control from another terminal: `strom list`, `strom cancel`, `strom savepoint` and
 * `strom stop` find the strom processes of this machine through their discovery files and talk to
 * their loopback REST servers. Job ids start with the pid of their process (`<pid>-job-<n>`), so a
 * command goes straight to the process that runs the job.
 */
import { resolve } from "node:path";
import {
  discoveryDir,
  listDiscovered,
  readDiscovery,
  removeDiscovery,
  isProcessAlive,
  type DiscoveryEntry,
} from "../cluster/rest/discovery.ts";
import {
  errorMessage,
  restCall,
  RestUnreachableError,
  type RestAnswer,
} from "../cluster/rest/client.ts";
import { UsageError } from "./usage-error.ts";

/** A job as `GET /jobs/overview` lists it. */
interface JobOverview {
  jid: string;
  name: string;
  state: string;
  "start-time": number;
}

/** A job-control failure: printed as `strom: message`, exit code 1. */
export class JobControlError extends Error {}

/** Calls the server of `entry`; a server that does not answer is stale and forgotten. */
async function call(
  entry: DiscoveryEntry,
  method: string,
  path: string,
  body?: unknown,
): Promise<RestAnswer> {
  try {
    return await restCall(entry.port, method, path, body);
  } catch (e) {
    if (!(e instanceof RestUnreachableError)) throw e;
    removeDiscovery(entry.pid);
    throw new JobControlError(
      `strom process ${entry.pid} does not answer on 127.0.0.1:${entry.port} (${e.code}): it has probably exited; its stale entry was removed`,
    );
  }
}

/** The process that runs job `id` (from the pid in the id). */
function processOf(id: string): DiscoveryEntry {
  const m = /^(\d+)-/.exec(id);
  if (!m) {
    throw new JobControlError(
      `'${id}' is not a strom job id (they look like <pid>-job-<n>; see strom list)`,
    );
  }
  const pid = Number(m[1]);
  const entry = isProcessAlive(pid) ? readDiscovery(pid) : null;
  if (entry === null) {
    removeDiscovery(pid);
    if (listDiscovered().length === 0) {
      throw new JobControlError(
        `no job with id '${id}': no strom process is running (none found in ${discoveryDir()})`,
      );
    }
    throw new JobControlError(
      `no job with id '${id}': strom process ${pid} is not running (see strom list)`,
    );
  }
  return entry;
}

function check(answer: RestAnswer): unknown {
  if (answer.status >= 400) throw new JobControlError(errorMessage(answer));
  return answer.body;
}

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

function formatTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** `strom list [-a]`: the running jobs (with -a also the ended ones) of every strom process. */
export async function listCommand(args: string[]): Promise<number> {
  let all = false;
  for (const a of args) {
    if (a === "-a" || a === "--all") all = true;
    else throw new UsageError(`strom list: unexpected argument '${a}'`);
  }
  const rows: string[][] = [["JOB ID", "NAME", "STATE", "STARTED"]];
  for (const entry of listDiscovered()) {
    let answer: RestAnswer;
    try {
      answer = await call(entry, "GET", "/jobs/overview");
    } catch (e) {
      if (!(e instanceof JobControlError)) throw e;
      process.stderr.write(`strom: ${e.message}\n`);
      continue;
    }
    const jobs = ((check(answer) as { jobs?: JobOverview[] }).jobs ?? []).filter(
      (j) => all || j.state === "RUNNING",
    );
    for (const j of jobs) rows.push([j.jid, j.name, j.state, formatTime(j["start-time"])]);
  }
  if (rows.length === 1) {
    process.stdout.write(all ? "No jobs.\n" : "No running jobs.\n");
    return 0;
  }
  process.stdout.write(`${pad(rows)}\n`);
  return 0;
}

function jobIdArg(command: string, args: string[]): string {
  const id = args[0];
  if (id === undefined || id.startsWith("-")) {
    throw new UsageError(`strom ${command}: missing the job id (see strom list)`);
  }
  return id;
}

/** `strom cancel <jobId>`. */
export async function cancelCommand(args: string[]): Promise<number> {
  const id = jobIdArg("cancel", args);
  if (args.length > 1) throw new UsageError(`strom cancel: unexpected argument '${args[1]}'`);
  const path = `/jobs/${encodeURIComponent(id)}?mode=cancel`;
  check(await call(processOf(id), "PATCH", path));
  process.stdout.write(`Cancelled job ${id}.\n`);
  return 0;
}

/** `strom savepoint <jobId> [targetDir]`: prints the path of the new savepoint. */
export async function savepointCommand(args: string[]): Promise<number> {
  const id = jobIdArg("savepoint", args);
  if (args.length > 2) throw new UsageError(`strom savepoint: unexpected argument '${args[2]}'`);
  const body = args[1] === undefined ? {} : { "target-directory": resolve(args[1]) };
  const path = `/jobs/${encodeURIComponent(id)}/savepoints`;
  const answer = check(await call(processOf(id), "POST", path, body)) as { location: string };
  process.stdout.write(`${answer.location}\n`);
  return 0;
}

/** `strom stop <jobId> --savepoint-dir DIR [--drain]`: prints the path of the savepoint. */
export async function stopCommand(args: string[]): Promise<number> {
  const id = jobIdArg("stop", args);
  let dir: string | undefined;
  let drain = false;
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--drain") drain = true;
    else if (a === "--savepoint-dir") {
      const v = args[++i];
      if (v === undefined) throw new UsageError("option --savepoint-dir needs a value");
      dir = resolve(v);
    } else throw new UsageError(`strom stop: unexpected argument '${a}'`);
  }
  const body = dir === undefined ? { drain } : { targetDirectory: dir, drain };
  const path = `/jobs/${encodeURIComponent(id)}/stop`;
  const answer = check(await call(processOf(id), "POST", path, body)) as { location: string };
  process.stdout.write(`${answer.location}\n`);
  return 0;
}
