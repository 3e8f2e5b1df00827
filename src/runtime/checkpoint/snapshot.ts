/**
 * The canonical, backend-independent form of keyed state that checkpoints and savepoints store:
 * per key group, every (state, key, namespace) value, plus the timers. Every keyed state backend
 * can give its state in this form and take it back, so a snapshot of one backend restores into the
 * other, and key groups can be redistributed to a different parallelism.
 */
import type { StateKind } from "../../api/state.ts";

/** What a snapshot records about one registered keyed state. */
export interface StateMeta {
  /** The state's name (unique per operator). */
  readonly name: string;
  /** Its kind. */
  readonly kind: StateKind;
  /** Whether it has namespaces (window state). */
  readonly namespaced: boolean;
}

/**
 * One keyed state value in canonical form. Values are what the user sees: value and reducing
 * state -> the value, aggregating state -> the accumulator, list state -> an array, map state -> a
 * `Map` from user key to value.
 */
export interface KeyedEntry {
  /** The key as the key selector returned it. */
  readonly key: unknown;
  /** The namespace (a window), or undefined for state without namespace. */
  readonly ns: unknown;
  /** The value. */
  readonly value: unknown;
  /** Processing time of the last TTL-relevant access (0 when the state has no TTL). */
  readonly t: number;
}

/** A registered timer in canonical form. */
export interface TimerEntry {
  /** Name of the timer service (e.g. "user-timers", "window-timers"). */
  readonly service: string;
  /** Event time or processing time. */
  readonly domain: "event" | "processing";
  /** The timer's key. */
  readonly key: unknown;
  /** Its namespace (VOID_NAMESPACE is stored as undefined). */
  readonly ns: unknown;
  /** When it fires (ms). */
  readonly time: number;
}

/** A keyed state backend that can give and take its state in canonical form. */
export interface SnapshotableKeyedBackend {
  /** The states registered (or restored and not yet registered) in this backend. */
  snapshotMeta(): StateMeta[];
  /**
   * Visits every entry of the absolute key group `keyGroup` (which the backend owns), state by
   * state. Runs synchronously; the visitor must not touch the backend. The entry object may be
   * reused from one call to the next: a visitor that keeps entries must copy them.
   */
  forEachEntry(keyGroup: number, visit: (state: string, entry: KeyedEntry) => void): void;
  /**
   * Adds a restored entry (before or after the state is registered by its descriptor). Called
   * before the operator opens; the backend must own `keyGroup`.
   */
  restoreEntry(meta: StateMeta, keyGroup: number, entry: KeyedEntry): void;
}

/** Whether `b` implements {@link SnapshotableKeyedBackend}. */
export function isSnapshotable(b: unknown): b is SnapshotableKeyedBackend {
  return (
    typeof b === "object" &&
    b !== null &&
    typeof (b as SnapshotableKeyedBackend).forEachEntry === "function" &&
    typeof (b as SnapshotableKeyedBackend).restoreEntry === "function"
  );
}
