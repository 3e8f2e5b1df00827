/**
 * Checkpoint storage in a directory (local, or a mounted shared filesystem every TaskManager
 * sees). Layout:
 *
 * ```
 * <checkpoint dir>/chk-<id>/_metadata              one per completed checkpoint (JSON)
 * <checkpoint dir>/chk-<id>/<operator>-<subtask>.state   state files of the subtasks
 * <savepoint dir>/savepoint-<job>-<id>-<suffix>/    the same layout for a savepoint
 * <checkpoint dir>/shared/<operator>-<subtask>.c<id>.a<attempt>.state   incremental chains
 * ```
 *
 * A checkpoint is complete once its `_metadata` exists: it is written last, to a temporary name,
 * synced and renamed. Paths in `_metadata` are relative to its directory, so a savepoint can be
 * moved. State files are written by the subtasks, `_metadata` by the coordinator. Incremental
 * checkpoints (shared-files.ts, incremental.ts) refer to files in `shared/` as `../shared/<name>`;
 * savepoints never do.
 */
import { mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { KeyGroupRange } from "../../core/keygroups.ts";
import type { TypeRegistry } from "../../core/serialization.ts";
import { pruneSharedFiles } from "./shared-files.ts";
import { CheckpointFormatError, StateFile } from "./state-file.ts";
import { decodeChannelState, type GateRecords } from "./unaligned.ts";

/** Name of the metadata file of a checkpoint or savepoint. */
export const METADATA_FILE = "_metadata";
/** Format tag and version of `_metadata`. */
export const METADATA_FORMAT = "strom-checkpoint";
/** Current metadata version. */
export const METADATA_VERSION = 1;

/** What a subtask reports for one operator of its chain. */
export interface SubtaskStateHandle {
  /** Stable operator id. */
  readonly operatorId: string;
  /** Subtask index. */
  readonly subtask: number;
  /** State files, relative to the checkpoint directory: a full file, then deltas in order. */
  readonly files: string[];
  /** Key groups of the subtask (null when not keyed). */
  readonly keyGroupRange: KeyGroupRange | null;
  /** Bytes written for this checkpoint (delta only, for incremental checkpoints). */
  readonly size: number;
  /** Channel state file of an unaligned checkpoint (the task's in-flight input), if any. */
  readonly inflight?: string;
}

/** One operator in `_metadata`. */
export interface OperatorMetadata {
  /** Stable operator id (uid, or generated from the graph position). */
  readonly operatorId: string;
  /** Operator name. */
  readonly name: string;
  /** Parallelism when taken. */
  readonly parallelism: number;
  /** Max parallelism (key groups); a restore must keep it. */
  readonly maxParallelism: number;
  /** Per subtask: its state handle. */
  readonly subtasks: SubtaskStateHandle[];
}

/** The `_metadata` of a completed checkpoint or savepoint. */
export interface CheckpointMetadata {
  /** Always {@link METADATA_FORMAT}. */
  readonly format: string;
  /** Metadata version. */
  readonly version: number;
  /** Checkpoint or savepoint. */
  readonly kind: "checkpoint" | "savepoint";
  /** Checkpoint id. */
  readonly checkpointId: number;
  /** Trigger time (ms since the epoch). */
  readonly timestamp: number;
  /** Name of the job that took it. */
  readonly jobName: string;
  /** The keyed state backend that wrote it (state files are canonical either way). */
  readonly stateBackend: string;
  /** Operators with state. */
  readonly operators: OperatorMetadata[];
}

/** A completed checkpoint found on disk. */
export interface CompletedCheckpointRef {
  /** Its directory (absolute). */
  readonly directory: string;
  /** Its metadata. */
  readonly metadata: CheckpointMetadata;
}

/** The directory of checkpoint `id` under `root`. */
export function checkpointDirectory(root: string, id: number): string {
  return join(resolve(root), `chk-${id}`);
}

/** A file name for the state of `operatorId`'s subtask `subtask`. */
export function stateFileName(operatorId: string, subtask: number, suffix = ""): string {
  const safe = operatorId.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 80);
  return `${safe}-${subtask}${suffix}.state`;
}

/** Writes `bytes` to `path` durably (creating its directory). */
export async function writeFileDurably(path: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const fh = await open(path, "w");
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Writes `_metadata` into `directory` atomically (temporary name, sync, rename). */
export async function writeMetadata(
  directory: string,
  metadata: CheckpointMetadata,
): Promise<void> {
  const tmp = join(directory, `${METADATA_FILE}.inprogress`);
  await writeFileDurably(tmp, new TextEncoder().encode(JSON.stringify(metadata, null, 1)));
  await rename(tmp, join(directory, METADATA_FILE));
}

/**
 * Reads the metadata of a checkpoint or savepoint: `path` is its directory or its `_metadata`
 * file. Throws a {@link CheckpointFormatError} naming the file when it is missing or corrupt.
 */
export async function readMetadata(path: string): Promise<CompletedCheckpointRef> {
  let file = resolve(path);
  try {
    if ((await stat(file)).isDirectory()) file = join(file, METADATA_FILE);
  } catch (e) {
    throw new CheckpointFormatError(file, "no such checkpoint or savepoint", { cause: e });
  }
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (e) {
    throw new CheckpointFormatError(
      file,
      `cannot read ${METADATA_FILE}: the checkpoint is incomplete or missing`,
      { cause: e },
    );
  }
  let metadata: CheckpointMetadata;
  try {
    metadata = JSON.parse(text) as CheckpointMetadata;
  } catch (e) {
    throw new CheckpointFormatError(
      file,
      "corrupt or truncated checkpoint metadata (invalid JSON)",
      {
        cause: e,
      },
    );
  }
  if (metadata.format !== METADATA_FORMAT || !Array.isArray(metadata.operators)) {
    throw new CheckpointFormatError(file, "not a Strom checkpoint or savepoint metadata file");
  }
  if (metadata.version !== METADATA_VERSION) {
    throw new CheckpointFormatError(
      file,
      `metadata version ${metadata.version} is not supported (this Strom reads version ${METADATA_VERSION})`,
    );
  }
  return { directory: dirname(file), metadata };
}

/** Reads and parses one state file of a checkpoint (header only is checked here). */
export async function openStateFile(
  checkpointDir: string,
  relative: string,
  registry: TypeRegistry,
): Promise<StateFile> {
  const path = resolve(checkpointDir, relative);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new CheckpointFormatError(path, "state file is missing or unreadable", { cause: e });
  }
  return new StateFile(path, bytes, registry);
}

/** Reads a channel state file (in-flight data of an unaligned checkpoint) of a checkpoint. */
export async function readChannelState(
  checkpointDir: string,
  relative: string,
  registry: TypeRegistry,
): Promise<GateRecords[]> {
  const path = resolve(checkpointDir, relative);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new CheckpointFormatError(path, "channel state file is missing or unreadable", {
      cause: e,
    });
  }
  return decodeChannelState(path, bytes, registry);
}

/**
 * Checks every state file of a checkpoint: present, parsable, and every section's checksum
 * right. Throws a {@link CheckpointFormatError} naming the first bad file.
 */
export async function validateCheckpoint(
  ref: CompletedCheckpointRef,
  registry: TypeRegistry,
): Promise<void> {
  for (const op of ref.metadata.operators) {
    for (const st of op.subtasks) {
      for (const f of st.files) {
        const file = await openStateFile(ref.directory, f, registry);
        const range = file.header.keyGroupRange;
        if (range !== null) file.readKeyGroups(range, { entry() {}, timer() {} });
        file.readOperatorSection();
      }
      if (st.inflight !== undefined) await readChannelState(ref.directory, st.inflight, registry);
    }
  }
}

/** Completed checkpoints (`chk-<id>` with a `_metadata`) under `root`, newest first. */
export async function listCheckpointDirs(root: string): Promise<{ id: number; dir: string }[]> {
  let names: string[];
  try {
    names = await readdir(resolve(root));
  } catch {
    return [];
  }
  const out: { id: number; dir: string }[] = [];
  for (const n of names) {
    const m = /^chk-(\d+)$/.exec(n);
    if (m) out.push({ id: Number(m[1]), dir: join(resolve(root), n) });
  }
  return out.sort((a, b) => b.id - a.id);
}

/**
 * The newest complete and readable checkpoint under `root`, skipping (and reporting through
 * `onSkip`) incomplete or corrupt ones; null when there is none.
 */
export async function findLatestCheckpoint(
  root: string,
  registry: TypeRegistry,
  onSkip: (error: Error) => void,
): Promise<CompletedCheckpointRef | null> {
  for (const { dir } of await listCheckpointDirs(root)) {
    try {
      const ref = await readMetadata(dir);
      await validateCheckpoint(ref, registry);
      return ref;
    } catch (e) {
      onSkip(e as Error);
    }
  }
  return null;
}

/** Deletes a checkpoint directory (best effort). */
export async function discardCheckpointDir(dir: string): Promise<void> {
  // Best effort, never rejecting (callers fire and forget): a task of an aborted checkpoint may
  // still be writing a file into it (ENOTEMPTY), so it is tried again; what stays is pruned later.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await rm(dir, { recursive: true, force: true });
      return;
    } catch {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/**
 * Keeps the `retained` newest completed checkpoints under `root` and deletes older ones, and
 * incomplete ones older than the newest completed one. Then deletes the files in `shared/` that
 * no retained checkpoint references and that are older than the newest completed checkpoint
 * (skipped when a retained `_metadata` cannot be read: nothing is deleted on a guess).
 */
export async function pruneCheckpoints(root: string, retained: number): Promise<void> {
  const all = await listCheckpointDirs(root);
  let kept = 0;
  let newestComplete = -1;
  const keptDirs: string[] = [];
  for (const { id, dir } of all) {
    const complete = await stat(join(dir, METADATA_FILE)).then(
      () => true,
      () => false,
    );
    if (complete) {
      if (newestComplete < 0) newestComplete = id;
      if (++kept > Math.max(1, retained)) await discardCheckpointDir(dir);
      else keptDirs.push(dir);
    } else if (newestComplete >= 0 && id < newestComplete) {
      await discardCheckpointDir(dir);
    }
  }
  if (newestComplete < 0) return;
  const referenced: string[] = [];
  for (const dir of keptDirs) {
    let ref: CompletedCheckpointRef;
    try {
      ref = await readMetadata(dir);
    } catch {
      return;
    }
    for (const op of ref.metadata.operators)
      for (const st of op.subtasks) for (const f of st.files) referenced.push(resolve(dir, f));
  }
  await pruneSharedFiles(root, referenced, newestComplete);
}

/** A name for a new savepoint directory under `root`. */
export function savepointDirectory(
  root: string,
  jobName: string,
  id: number,
  suffix: string,
): string {
  const safe = jobName.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 40) || "job";
  return join(resolve(root), `savepoint-${safe}-${id}-${suffix}`);
}
