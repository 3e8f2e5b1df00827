/**
 * The shared directory of incremental checkpoints: `<checkpoint root>/shared/` holds the state
 * files of incremental chains (a full file and the deltas after it), which later checkpoints keep
 * referencing after the directory of the checkpoint that wrote them is pruned. `_metadata` refers
 * to them as `../shared/<name>`. Names carry the operator, subtask, checkpoint id and attempt, so
 * they are unique and pruning can tell how old a file is without reading it.
 */
import { readdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";

/** Name of the shared directory under the checkpoint root. */
export const SHARED_DIR = "shared";

/** The shared directory of the checkpoint root `root`. */
export function sharedDirectory(root: string): string {
  return join(resolve(root), SHARED_DIR);
}

/**
 * The name in the shared directory of the file that `operatorId`'s subtask `subtask` wrote for
 * checkpoint `checkpointId` in restart attempt `attempt`.
 */
export function sharedFileName(
  operatorId: string,
  subtask: number,
  checkpointId: number,
  attempt: number,
): string {
  const safe = operatorId.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 80);
  return `${safe}-${subtask}.c${checkpointId}.a${attempt}.state`;
}

const SHARED_NAME = /-\d+\.c(\d+)\.a\d+\.state$/;

/** The checkpoint id in a shared file name, or null when the name is not one of ours. */
export function sharedCheckpointIdOf(name: string): number | null {
  const m = SHARED_NAME.exec(name);
  return m === null ? null : Number(m[1]);
}

/**
 * Which shared files may go: not referenced by a retained checkpoint (`referenced`: names in the
 * shared directory) and written for a checkpoint older than the newest completed one (files of
 * checkpoints in progress are newer and stay). Names not ours are kept.
 */
export function selectUnreferencedSharedFiles(
  names: readonly string[],
  referenced: ReadonlySet<string>,
  newestCompleted: number,
): string[] {
  return names.filter((n) => {
    const id = sharedCheckpointIdOf(n);
    return id !== null && id < newestCompleted && !referenced.has(n);
  });
}

/**
 * Deletes the shared files under `root` that {@link selectUnreferencedSharedFiles} selects
 * (best effort). `referencedPaths` are absolute paths of the files retained checkpoints use.
 */
export async function pruneSharedFiles(
  root: string,
  referencedPaths: Iterable<string>,
  newestCompleted: number,
): Promise<string[]> {
  const dir = sharedDirectory(root);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const referenced = new Set<string>();
  for (const p of referencedPaths) {
    const abs = resolve(p);
    if (resolve(abs, "..") === dir) referenced.add(abs.slice(dir.length + 1));
  }
  const doomed = selectUnreferencedSharedFiles(names, referenced, newestCompleted);
  await Promise.all(doomed.map((n) => rm(join(dir, n), { force: true }).catch(() => {})));
  return doomed;
}
