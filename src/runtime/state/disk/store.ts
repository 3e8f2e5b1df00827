/**
 * The disk backend's embedded store: an LMDB environment in the backend's working directory with
 * two databases, `state` (every stored value, see codec.ts for the key layout) and `changes` (the
 * change log: the keys written or deleted since the last snapshot, each with the user's key and
 * namespace, so a deletion can be reported). Reads are synchronous; writes run in synchronous
 * write transactions, batched by the caller. The environment is not synced to disk (it is a
 * working copy: checkpoints make state durable).
 *
 * The change log is on disk too, so it needs no heap; it is bounded by `maxChanges` distinct
 * keys. Past the bound it is dropped and stays incomplete (no more logging) until the next
 * snapshot is marked.
 */
import { mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import type { Database, RootDatabase } from "lmdb";
import { prefixEnd, type ValueCodec } from "./codec.ts";

/**
 * LMDB's `open`, loaded on first use: the native addon is loaded only by processes and worker
 * threads that really use the disk backend (loading it in a worker thread that is being
 * terminated aborts the whole process).
 */
let lmdbOpen: typeof import("lmdb").open | null = null;
function openLmdb(
  ...args: Parameters<typeof import("lmdb").open>
): ReturnType<typeof import("lmdb").open> {
  if (lmdbOpen === null) {
    const lmdb = createRequire(import.meta.url)("lmdb") as typeof import("lmdb");
    lmdbOpen = lmdb.open;
  }
  return lmdbOpen(...args);
}

/** LMDB state and change log of one disk backend. */
export class DiskStore {
  /** The working directory. */
  readonly directory: string;
  private readonly root: RootDatabase<Buffer, Buffer>;
  private readonly state: Database<Buffer, Buffer>;
  private readonly changes: Database<Buffer, Buffer>;
  private readonly codec: ValueCodec;
  private readonly maxChanges: number;
  private logging = false;
  private complete = false;
  private numChanges = 0;
  private inTxn = false;
  private clearPending = false;
  private closed = false;

  /** Opens a fresh store in `directory` (created; emptied first). */
  constructor(directory: string, codec: ValueCodec, maxChanges: number) {
    this.directory = directory;
    this.codec = codec;
    this.maxChanges = maxChanges;
    rmSync(directory, { recursive: true, force: true });
    mkdirSync(directory, { recursive: true });
    const binary = { keyEncoding: "binary", encoding: "binary" } as const;
    this.root = openLmdb({
      path: directory,
      noSync: true,
      maxDbs: 4,
      ...binary,
    }) as unknown as RootDatabase<Buffer, Buffer>;
    this.state = this.root.openDB<Buffer, Buffer>({ name: "state", ...binary });
    this.changes = this.root.openDB<Buffer, Buffer>({ name: "changes", ...binary });
  }

  /** The stored bytes under `key` (a copy), or undefined. */
  get(key: Buffer): Buffer | undefined {
    return this.state.getBinary(key);
  }

  /** Runs `fn` in one write transaction (nested calls join the outer one). */
  write(fn: () => void): void {
    if (this.inTxn) {
      fn();
      return;
    }
    this.inTxn = true;
    try {
      this.root.transactionSync(fn);
    } finally {
      this.inTxn = false;
    }
    if (this.clearPending) {
      this.clearPending = false;
      this.changes.clearSync();
    }
  }

  /** Stores `bytes` under `key`; logs the change with the user's `key` and namespace `ns`. */
  put(key: Buffer, bytes: Buffer, userKey: unknown, ns: unknown): void {
    this.state.putSync(key, bytes);
    if (this.logging) this.log(key, userKey, ns);
  }

  /** Stores `bytes` under `key` without logging (restored and pending entries). */
  putQuiet(key: Buffer, bytes: Buffer): void {
    this.state.putSync(key, bytes);
  }

  /** Removes `key`; logs the deletion if there was a value. */
  remove(key: Buffer, userKey: unknown, ns: unknown): void {
    if (this.state.removeSync(key) && this.logging) this.log(key, userKey, ns);
  }

  /** Removes `key` without logging. */
  removeQuiet(key: Buffer): void {
    this.state.removeSync(key);
  }

  /** The entries whose keys start with `prefix`, in key order (do not write while iterating). */
  range(prefix: Buffer): Iterable<{ key: Buffer; value: Buffer }> {
    return this.state.getRange({ start: prefix, end: prefixEnd(prefix) });
  }

  /** Number of entries whose keys start with `prefix`. */
  count(prefix: Buffer): number {
    return this.state.getCount({ start: prefix, end: prefixEnd(prefix) });
  }

  /** The change log entries whose keys start with `prefix`: the store key, user key, namespace. */
  *changed(prefix: Buffer): Generator<[key: Buffer, userKey: unknown, ns: unknown]> {
    for (const { key, value } of this.changes.getRange({ start: prefix, end: prefixEnd(prefix) })) {
      const [userKey, ns] = this.codec.decode(value) as [unknown, unknown];
      yield [key, userKey, ns];
    }
  }

  /** Whether the change log holds every change since the last {@link markSnapshotted}. */
  hasCompleteChangeLog(): boolean {
    return this.complete;
  }

  /** Starts a new change log (the state as of now is in a snapshot). */
  markSnapshotted(): void {
    this.clearPending = false;
    this.changes.clearSync();
    this.numChanges = 0;
    this.logging = true;
    this.complete = true;
  }

  /** Drops the change log: the next snapshot must be a full one. */
  dropChangeLog(): void {
    if (!this.logging && !this.complete) return;
    this.logging = false;
    this.complete = false;
    if (this.inTxn) this.clearPending = true;
    else this.changes.clearSync();
  }

  private log(key: Buffer, userKey: unknown, ns: unknown): void {
    if (!this.changes.doesExist(key) && ++this.numChanges > this.maxChanges) {
      this.dropChangeLog();
      return;
    }
    this.changes.putSync(key, this.codec.encode([userKey, ns]));
  }

  /** Closes the environment and removes the working directory. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.root.close();
    rmSync(this.directory, { recursive: true, force: true });
  }
}
