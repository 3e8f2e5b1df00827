/**
 * Defaults set by whoever launched the program: the `strom` CLI (`--parallelism`, `--target`) or a
 * worker thread re-loading the job module. Read by new environments; never by the runtime.
 */

/** Launcher-provided defaults. */
export interface LauncherContext {
  /** Default parallelism for new environments. */
  parallelism?: number;
  /** Default execution target. */
  target?: string;
  /** URL of the job module (what worker threads re-load). */
  moduleUrl?: string;
  /** Print a throughput line every this many ms. */
  progressInterval?: number;
  /** Checkpoint directory (`--checkpoint-dir`). */
  checkpointDir?: string;
  /** Checkpoint interval in ms (`--checkpoint-interval`). */
  checkpointInterval?: number;
  /** Checkpoint/savepoint to start from, or "latest" (`--restore`, `--from-savepoint`). */
  restore?: string;
  /** Skip state of removed operators (`--allow-non-restored-state`). */
  allowNonRestoredState?: boolean;
  /** Keyed state backend (`--state-backend hashmap|disk`). */
  stateBackend?: "hashmap" | "disk";
}

const KEY = Symbol.for("strom.launcher");

/** Sets the launcher defaults of this thread. */
export function setLauncherContext(ctx: LauncherContext): void {
  (globalThis as Record<symbol, unknown>)[KEY] = ctx;
}

/** The launcher defaults of this thread (empty when run as plain `node job.ts`). */
export function getLauncherContext(): LauncherContext {
  return ((globalThis as Record<symbol, unknown>)[KEY] as LauncherContext | undefined) ?? {};
}
