/**
 * The contents of the windows of the current key, in keyed state namespaced by window: reducing
 * state (reduce), aggregating state (aggregate) or list state (process/apply, and every evicting
 * window, whose list holds timestamped elements). `addFirst` also tells whether an element is its
 * window's first, for the price of the add alone: the reduce function is called only for existing
 * contents, `createAccumulator` only for new ones.
 */
import type { AggregateFunction } from "../../../api/functions.ts";
import {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  ReducingStateDescriptor,
  type StateDescriptor,
} from "../../../api/state.ts";
import { TimestampedValue } from "../../../api/windowing/evictors.ts";
import type { Window } from "../../../api/windowing/windows.ts";
import type {
  InternalKvState,
  KeyedStateBackend,
  NamespaceKeyFn,
} from "../../state/keyed-backend.ts";

/** How window contents are kept, with user functions already copied for this subtask. */
export type WindowContents =
  | { readonly kind: "reduce"; readonly reduce: (a: unknown, b: unknown) => unknown }
  | { readonly kind: "aggregate"; readonly fn: AggregateFunction<unknown, unknown, unknown> }
  | { readonly kind: "list" };

/** The state handle: appends, reads, switches windows. */
type ContentsHandle = InternalKvState<Window> & {
  add(v: unknown): void;
  get(): unknown;
  update?(values: Iterable<unknown>): void;
};

/** Window contents of the current key. */
export class WindowContentsState {
  /** How contents are kept. */
  readonly spec: WindowContents;
  /** Whether elements are kept as a list of {@link TimestampedValue}s (evicting windows). */
  private readonly timestamped: boolean;
  private state!: ContentsHandle;
  private combined = false;
  private created = false;

  /** Contents kept as `spec` says, or (with `timestamped`) as a list of timestamped elements. */
  constructor(spec: WindowContents, timestamped: boolean) {
    this.spec = spec;
    this.timestamped = timestamped;
  }

  /** Registers the state in `backend`, namespaced by window. */
  open(backend: KeyedStateBackend, nsKey: NamespaceKeyFn<Window>): void {
    this.state = backend.getOrCreateKeyedState(this.descriptor(), nsKey) as ContentsHandle;
  }

  private descriptor(): StateDescriptor {
    const c = this.spec;
    if (c.kind === "reduce" && !this.timestamped) {
      const reduce = c.reduce;
      return new ReducingStateDescriptor("window-contents", (a: unknown, b: unknown) => {
        this.combined = true;
        return reduce(a, b);
      });
    }
    if (c.kind === "aggregate" && !this.timestamped) {
      const fn = c.fn;
      const merge = fn.merge;
      return new AggregatingStateDescriptor("window-contents", {
        createAccumulator: () => {
          this.created = true;
          return fn.createAccumulator();
        },
        add: (v: unknown, acc: unknown) => fn.add(v, acc),
        getResult: (acc: unknown) => fn.getResult(acc),
        merge:
          typeof merge === "function"
            ? (a: unknown, b: unknown) => merge.call(fn, a, b)
            : undefined,
      });
    }
    return new ListStateDescriptor("window-contents");
  }

  /** Makes `window` (a state window for merging assigners) the current one. */
  setWindow(window: Window): void {
    this.state.setCurrentNamespace(window);
  }

  /** Adds an element to the current window. */
  add(value: unknown, timestamp: number): void {
    this.state.add(this.timestamped ? new TimestampedValue(value, timestamp) : value);
  }

  /** Adds an element to the current window; returns whether it is the window's first. */
  addFirst(value: unknown, timestamp: number): boolean {
    if (!this.timestamped) {
      if (this.spec.kind === "reduce") {
        this.combined = false;
        this.state.add(value);
        return !this.combined;
      }
      if (this.spec.kind === "aggregate") {
        this.created = false;
        this.state.add(value);
        return this.created;
      }
    }
    const existed = this.state.hasValue();
    this.add(value, timestamp);
    return !existed;
  }

  /** The current window's contents (one value, or the list), or null when it has none. */
  get(): unknown {
    const contents = this.state.get();
    if (contents === null) return null;
    if (this.timestamped || this.spec.kind === "list")
      return (contents as unknown[]).length === 0 ? null : contents;
    return contents;
  }

  /**
   * Takes the contents of every key in `window` in one pass (the window's contents are gone before
   * the first call): calls `fn` with each key's contents, as {@link get} returns them, with that
   * key current; key group by key group, insertion order within a group.
   */
  drain(window: Window, fn: (contents: unknown) => void): void {
    if (this.timestamped || this.spec.kind === "list") {
      this.state.drainNamespace(window, (c) => fn((c as unknown[]).length === 0 ? null : c));
    } else this.state.drainNamespace(window, fn);
  }

  /** Replaces the current window's list (evicting windows). */
  update(values: Iterable<unknown>): void {
    this.state.update!(values);
  }

  /** Drops the current window's contents. */
  clear(): void {
    this.state.clear();
  }

  /** Merges the contents of the `sources` windows into `target`. */
  merge(target: Window, sources: readonly Window[]): void {
    this.state.mergeNamespaces(target, sources);
  }
}
