/**
 * Creates the keyed state backend a job asked for (`config.stateBackend`): the heap backend, or
 * the embedded on-disk backend working in a fresh directory under `config.stateDirectory` (the
 * OS temp directory by default), removed when the backend is disposed.
 */
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StateBackendKind } from "../../api/config.ts";
import type { TypeRegistry } from "../../core/serialization.ts";
import { DiskKeyedStateBackend } from "./disk/disk-backend.ts";
import { HeapKeyedStateBackend } from "./heap-backend.ts";
import type { KeyedBackendBase, KeyedBackendOptions } from "./keyed-backend-base.ts";

/** Where and how a backend is created. */
export interface BackendChoice {
  /** Heap or disk. */
  readonly kind: StateBackendKind;
  /** Parent of the disk backend's working directories (null: the OS temp directory). */
  readonly directory: string | null;
  /** Classes state values may hold (the disk backend serializes them). */
  readonly registry: TypeRegistry;
  /** A readable label for the working directory (job, operator, subtask). */
  readonly label: string;
}

/** A keyed state backend of the chosen kind. */
export function createKeyedBackend(
  choice: BackendChoice,
  options: KeyedBackendOptions,
): KeyedBackendBase {
  if (choice.kind === "disk") {
    const safe = choice.label.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 60);
    const dir = join(
      choice.directory ?? join(tmpdir(), "strom-state"),
      `${safe}-${process.pid}-${randomBytes(4).toString("hex")}`,
    );
    return new DiskKeyedStateBackend({ ...options, directory: dir, registry: choice.registry });
  }
  return new HeapKeyedStateBackend(options);
}
