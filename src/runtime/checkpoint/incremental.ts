/**
 * Incremental checkpoints of keyed backends with a change log (the disk backend): per operator a
 * chain of state files, a full file then deltas (the entries written or deleted since the
 * previous file), which a restore merges (restore.ts). Chain files live in the shared directory
 * (shared-files.ts) since later checkpoints keep referencing them; every checkpoint's `_metadata`
 * lists its whole chain. A chain is materialized (a new full file starts it again) after
 * `maxDeltas` deltas, and a full file is taken whenever the change log is incomplete (first
 * snapshot, after a restore, log overflow). Savepoints (self-contained: full files in their own
 * directory only) and a finished task's final snapshot (re-used by every later checkpoint) are
 * full files outside the chain that leave the change log running, so the chain goes on after them.
 *
 * A chain may include the delta of a checkpoint that was aborted: its changes are in no later
 * delta (the change log was restarted after it), so later checkpoints reference it; pruning keeps
 * every file a retained checkpoint references.
 */
import type { KeyedEntry } from "./snapshot.ts";
import { SHARED_DIR, sharedFileName } from "./shared-files.ts";

/**
 * Deltas a chain holds at most before the next snapshot is full again, unless the job's
 * `CheckpointSettings.maxDeltas` says otherwise. Restore reads every file of a chain, so the
 * bound trades checkpoint size for restore time.
 */
export const DEFAULT_MAX_DELTAS = 10;

/** A keyed backend with a change log (the incremental side of the disk backend). */
export interface IncrementalKeyedBackend {
  /**
   * Visits what changed in `keyGroup` since the last `markSnapshotted` (null: deleted). The entry
   * object may be reused from one call to the next: a visitor that keeps entries must copy them.
   */
  forEachChange(
    keyGroup: number,
    visit: (state: string, key: unknown, ns: unknown, entry: KeyedEntry | null) => void,
  ): void;
  /** Starts a new change log (call right after a snapshot scan). */
  markSnapshotted(): void;
  /** Whether the change log holds every change since the last `markSnapshotted`. */
  hasCompleteChangeLog(): boolean;
}

/** Whether `b` keeps a change log (incremental checkpoints are possible). */
export function supportsIncremental(b: unknown): b is IncrementalKeyedBackend {
  const x = b as Partial<IncrementalKeyedBackend> | null;
  return (
    typeof x === "object" &&
    x !== null &&
    typeof x.forEachChange === "function" &&
    typeof x.markSnapshotted === "function" &&
    typeof x.hasCompleteChangeLog === "function"
  );
}

/** What decides between a full and a delta file. */
export interface SnapshotKindInput {
  /** The backend keeps a change log and incremental checkpoints are on (maxDeltas > 0). */
  readonly incremental: boolean;
  /** The change log holds every change since the chain's last file. */
  readonly completeChangeLog: boolean;
  /** The snapshot is for a savepoint. */
  readonly savepoint: boolean;
  /** The snapshot is a finished task's final one. */
  readonly final: boolean;
  /** Files in the operator's current chain (0: none, 1: a full file, more: deltas after it). */
  readonly chainLength: number;
  /** Deltas a chain may hold. */
  readonly maxDeltas: number;
}

/** Full or delta: a delta only on a complete change log over an existing, short enough chain. */
export function chooseSnapshotKind(s: SnapshotKindInput): "full" | "delta" {
  const ok =
    s.incremental &&
    !s.savepoint &&
    !s.final &&
    s.completeChangeLog &&
    s.chainLength >= 1 &&
    s.chainLength - 1 < s.maxDeltas;
  return ok ? "delta" : "full";
}

/** One file of a chain: its path relative to a checkpoint directory and its write. */
export interface ChainLink {
  /** `../shared/<name>`. */
  readonly path: string;
  /** Settles when the file is durably written (set by the upload). */
  written: Promise<void>;
}

/** What the checkpointer does for one operator's snapshot. */
export interface SnapshotPlan {
  /** Full or delta file. */
  readonly kind: "full" | "delta";
  /** The new file, relative to the checkpoint directory. */
  readonly path: string;
  /** Every file of the state the checkpoint acknowledges (ends with `path`). */
  readonly files: string[];
  /** The new file's chain link (null outside incremental mode). */
  readonly link: ChainLink | null;
  /** Earlier files of the chain: their writes must succeed before the acknowledgement. */
  readonly earlier: readonly ChainLink[];
  /** Call `markSnapshotted()` after the scan (chain files only). */
  readonly markSnapshotted: boolean;
}

/** The chains of a task's operators, and the decisions made with them. */
export class IncrementalChains {
  private readonly chains = new Map<string, ChainLink[]>();
  private readonly maxDeltas: number;
  private readonly attempt: number;

  /** Chains for a task in restart attempt `attempt`; `maxDeltas` 0 turns incremental mode off. */
  constructor(maxDeltas: number, attempt: number) {
    this.maxDeltas = Math.max(0, Math.floor(maxDeltas));
    this.attempt = attempt;
  }

  /**
   * Plans the snapshot of `operatorId`'s subtask for checkpoint `id` and updates its chain.
   * `plainPath` is the file's path outside incremental mode (in the checkpoint directory).
   */
  plan(
    operatorId: string,
    subtask: number,
    backend: unknown,
    id: number,
    savepoint: boolean,
    final: boolean,
    plainPath: string,
  ): SnapshotPlan {
    const incremental = this.maxDeltas > 0 && supportsIncremental(backend);
    const chain = this.chains.get(operatorId) ?? [];
    const kind = chooseSnapshotKind({
      incremental,
      completeChangeLog: incremental && backend.hasCompleteChangeLog(),
      savepoint,
      final,
      chainLength: chain.length,
      maxDeltas: this.maxDeltas,
    });
    if (!incremental || savepoint || final) {
      // Self-contained: a full file in the checkpoint's own directory. The change log is not
      // restarted, so it still holds every change since the chain's last file and the next
      // checkpoint continues the chain.
      return {
        kind,
        path: plainPath,
        files: [plainPath],
        link: null,
        earlier: [],
        markSnapshotted: false,
      };
    }
    const link: ChainLink = {
      path: `../${SHARED_DIR}/${sharedFileName(operatorId, subtask, id, this.attempt)}`,
      written: Promise.resolve(),
    };
    const earlier = kind === "delta" ? chain : [];
    const next = [...earlier, link];
    this.chains.set(operatorId, next);
    return {
      kind,
      path: link.path,
      files: next.map((l) => l.path),
      link,
      earlier,
      markSnapshotted: true,
    };
  }

  /** Writing `link` failed: a chain holding it is broken, the next snapshot is full. */
  broken(operatorId: string, link: ChainLink): void {
    if (this.chains.get(operatorId)?.includes(link)) this.chains.delete(operatorId);
  }

  /** The current chain of `operatorId` (paths), for tests and messages. */
  chainOf(operatorId: string): string[] {
    return (this.chains.get(operatorId) ?? []).map((l) => l.path);
  }
}

/**
 * The entries of a delta file: the backend's changes, deletions as entries with no value (the
 * `deleted` flag of the state file format).
 */
export function deltaEntries(
  backend: IncrementalKeyedBackend,
): (keyGroup: number, visit: (state: string, e: KeyedEntry, deleted: boolean) => void) => void {
  return (kg, visit) =>
    backend.forEachChange(kg, (state, key, ns, entry) => {
      if (entry !== null) visit(state, entry, false);
      else visit(state, { key, ns, value: undefined, t: 0 }, true);
    });
}
