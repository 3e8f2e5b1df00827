/**
 * The command line of `strom run`: the job file, its options (parallelism, target, progress,
 * checkpointing, restore, state backend, REST port) and the job's own arguments after `--`.
 */
import { resolve } from "node:path";
import { parseDuration } from "../core/duration.ts";
import type { RunOptions } from "../cluster/run-module.ts";
import { UsageError } from "./usage-error.ts";

/** A parsed `strom run` command line. */
export interface ParsedRun {
  /** The job module as given. */
  file: string;
  /** Launcher options for the job. */
  options: RunOptions;
  /** Arguments for the job (its process.argv after the file). */
  jobArgs: string[];
  /** Port of the REST server (0: random). */
  restPort: number;
}

function positiveInteger(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got '${text}'`);
  }
  return n;
}

/** Parses the arguments after `strom run`; throws a {@link UsageError} naming the bad option. */
export function parseRun(args: string[]): ParsedRun {
  let file: string | undefined;
  const options: RunOptions = {};
  const jobArgs: string[] = [];
  let restPort = 0;
  let fromSavepoint: string | undefined;
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
    } else if (a === "--checkpoint-dir") {
      const dir = value();
      if (dir === "") throw new UsageError("--checkpoint-dir must name a directory");
      options.checkpointDir = resolve(dir);
    } else if (a === "--checkpoint-interval") {
      const text = value();
      let ms: number;
      try {
        ms = parseDuration(text).toMillis();
      } catch (e) {
        throw new UsageError(`--checkpoint-interval: ${(e as Error).message}`);
      }
      if (ms < 1) throw new UsageError(`--checkpoint-interval must be at least 1ms, got '${text}'`);
      options.checkpointInterval = ms;
    } else if (a === "--restore") {
      if (options.restore !== undefined) throw new UsageError("--restore is given twice");
      const r = value();
      options.restore = r === "latest" ? r : resolve(r);
    } else if (a === "--from-savepoint") {
      const p = value();
      if (p === "latest")
        throw new UsageError("--from-savepoint takes a savepoint path; use --restore latest");
      fromSavepoint = resolve(p);
    } else if (a === "--allow-non-restored-state") {
      options.allowNonRestoredState = true;
    } else if (a === "--state-backend") {
      const b = value();
      if (b !== "hashmap" && b !== "disk")
        throw new UsageError(`unknown state backend '${b}': use hashmap or disk`);
      options.stateBackend = b;
    } else if (a === "--rest-port") {
      restPort = positiveInteger("--rest-port", value(), 0, 65535);
    } else if (a.startsWith("-")) {
      throw new UsageError(`unknown option '${a}' (see strom help)`);
    } else if (file === undefined) {
      file = a;
    } else {
      jobArgs.push(a);
    }
  }
  if (!file) throw new UsageError("strom run: missing the job file (strom run job.ts)");
  if (fromSavepoint !== undefined) {
    if (options.restore !== undefined)
      throw new UsageError("use either --restore or --from-savepoint, not both");
    options.restore = fromSavepoint;
  }
  if (options.restore === "latest" && options.checkpointDir === undefined) {
    throw new UsageError(
      "--restore latest needs --checkpoint-dir (the directory to look for the newest checkpoint in)",
    );
  }
  return { file, options, jobArgs, restPort };
}
