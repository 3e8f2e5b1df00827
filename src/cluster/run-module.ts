/**
 * Runs a job module the way `strom run` does: sets the launcher defaults (parallelism, target,
 * checkpointing and restore settings, the module URL that workers re-load), then imports the
 * module, whose top-level code builds the job and calls `execute()`. Resolves with the
 * module's exports once its top level has finished.
 */
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { resetExecutionIndex } from "../api/executor.ts";
import { getLauncherContext, setLauncherContext, type LauncherContext } from "../api/launcher.ts";

/** Options of {@link runJobModule}. */
export interface RunOptions {
  /** Default parallelism for the job's environment. */
  parallelism?: number;
  /** Execution target ("local" worker threads by default, or "thread"). */
  target?: string;
  /** Print a throughput line every this many ms. */
  progressInterval?: number;
  /** Checkpoint directory. */
  checkpointDir?: string;
  /** Checkpoint interval in ms. */
  checkpointInterval?: number;
  /** Checkpoint or savepoint directory to start from, or "latest" (in `checkpointDir`). */
  restore?: string;
  /** Skip the state of operators that the job no longer has. */
  allowNonRestoredState?: boolean;
  /** Keyed state backend. */
  stateBackend?: "hashmap" | "disk";
}

let runSeq = 0;

/**
 * Imports the job module at `path` (a file path or URL) as a fresh module instance and returns its
 * namespace. One job module at a time per process.
 */
export async function runJobModule<M = Record<string, unknown>>(
  path: string,
  options: RunOptions = {},
): Promise<M> {
  const base = path.startsWith("file:") ? new URL(path) : pathToFileURL(resolve(path));
  base.searchParams.set("strom-run", String(++runSeq));
  const previous = getLauncherContext();
  const ctx: LauncherContext = { moduleUrl: base.href };
  if (options.parallelism !== undefined) ctx.parallelism = options.parallelism;
  if (options.target !== undefined) ctx.target = options.target;
  if (options.progressInterval !== undefined) ctx.progressInterval = options.progressInterval;
  if (options.checkpointDir !== undefined) ctx.checkpointDir = options.checkpointDir;
  if (options.checkpointInterval !== undefined) ctx.checkpointInterval = options.checkpointInterval;
  if (options.restore !== undefined) ctx.restore = options.restore;
  if (options.allowNonRestoredState !== undefined)
    ctx.allowNonRestoredState = options.allowNonRestoredState;
  if (options.stateBackend !== undefined) ctx.stateBackend = options.stateBackend;
  setLauncherContext(ctx);
  resetExecutionIndex();
  try {
    return (await import(base.href)) as M;
  } finally {
    setLauncherContext(previous);
  }
}
