/**
 * The disk backend's embedded store: an LMDB environment in the backend's working directory with
 * one database, `state` (every stored value, see codec.ts for the key layout). Reads are
 * synchronous; writes run in synchronous write transactions, batched by the caller. The
 * environment is not synced to disk (it is a working copy: checkpoints make state durable). The
 * change log of incremental checkpoints is kept on the heap (change-log.ts).
 */
import { mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import type { Database, RootDatabase } from "lmdb";
import { prefixEnd } from "./codec.ts";

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

/** The LMDB state of one disk backend. */
export class DiskStore {
  /** The working directory. */
  readonly directory: string;
  private readonly root: RootDatabase<Buffer, Buffer>;
  private readonly state: Database<Buffer, Buffer>;
  private inTxn = false;
  private closed = false;

  /** Opens a fresh store in `directory` (created; emptied first). */
  constructor(directory: string) {
    this.directory = directory;
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
  }

  /** The stored bytes under `key` (a copy), or undefined. */
  get(key: Buffer): Buffer | undefined {
    return this.state.getBinary(key);
  }

  /**
   * The stored bytes under `key` in LMDB's shared read buffer (no copy), or undefined: valid only
   * until the next operation on the store, so decode them at once.
   */
  peek(key: Buffer): Buffer | undefined {
    return this.state.getBinaryFast(key);
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
  }

  /** Stores `bytes` under `key`. */
  put(key: Buffer, bytes: Buffer): void {
    this.state.putSync(key, bytes);
  }

  /** Removes `key`; whether there was a value. */
  remove(key: Buffer): boolean {
    return this.state.removeSync(key);
  }

  /** The entries whose keys start with `prefix`, in key order (do not write while iterating). */
  range(prefix: Buffer): Iterable<{ key: Buffer; value: Buffer }> {
    return this.state.getRange({ start: prefix, end: prefixEnd(prefix) });
  }

  /** Number of entries whose keys start with `prefix`. */
  count(prefix: Buffer): number {
    return this.state.getCount({ start: prefix, end: prefixEnd(prefix) });
  }

  /** Closes the environment and removes the working directory. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.root.close();
    rmSync(this.directory, { recursive: true, force: true });
  }
}
