/**
 * The in-flight windows of one key for a merging assigner (sessions): each window maps to the
 * *state window*, the namespace its contents are kept under. When windows merge, the result keeps
 * the state window of one of them and the others' contents are merged into it, so merging never
 * moves more state than needed. The mapping is kept in keyed state (per key), loaded and persisted
 * by the window operator around each element and timer.
 */
import type { MergingWindowAssigner } from "../../../api/windowing/assigners.ts";
import type { Window } from "../../../api/windowing/windows.ts";
import type { ValueState } from "../../../api/state.ts";
import type { NamespaceKeyFn } from "../../state/keyed-backend.ts";

/** Called when windows merge: the operator merges triggers, timers and state. */
export type MergeFunction<W> = (
  mergeResult: W,
  mergedWindows: W[],
  stateWindowResult: W,
  mergedStateWindows: W[],
) => void;

/** A window and the namespace of its state. */
type Mapping<W> = [window: W, stateWindow: W];

/** The window -> state window mapping of the current key. */
export class MergingWindowSet<W extends Window> {
  private readonly assigner: MergingWindowAssigner<unknown, W>;
  private readonly state: ValueState<Mapping<W>[]>;
  private readonly nsKey: NamespaceKeyFn<W>;
  private mapping = new Map<string | number, Mapping<W>>();
  private changed = false;

  /** Creates the set over the keyed state `state`. */
  constructor(
    assigner: MergingWindowAssigner<unknown, W>,
    state: ValueState<Mapping<W>[]>,
    nsKey: NamespaceKeyFn<W>,
  ) {
    this.assigner = assigner;
    this.state = state;
    this.nsKey = nsKey;
  }

  /** Loads the mapping of the current key. */
  load(): this {
    this.mapping = new Map();
    this.changed = false;
    const stored = this.state.value();
    if (stored !== null) for (const m of stored) this.mapping.set(this.nsKey(m[0]), m);
    return this;
  }

  /** Writes the mapping of the current key back if it changed. */
  persist(): void {
    if (!this.changed) return;
    this.changed = false;
    if (this.mapping.size === 0) this.state.clear();
    else this.state.update([...this.mapping.values()]);
  }

  /** The state window of `window`, or undefined when it is not in flight. */
  getStateWindow(window: W): W | undefined {
    return this.mapping.get(this.nsKey(window))?.[1];
  }

  /** Removes `window` (it was purged or cleaned up). */
  retireWindow(window: W): void {
    if (!this.mapping.delete(this.nsKey(window)))
      throw new Error(`window ${String(window)} is not in the in-flight window set`);
    this.changed = true;
  }

  /**
   * Adds `newWindow`, merging it with in-flight windows it overlaps (calling `mergeFunction` for
   * every merge), and returns the window it ended up in.
   */
  addWindow(newWindow: W, mergeFunction: MergeFunction<W>): W {
    const windows: W[] = [];
    for (const m of this.mapping.values()) windows.push(m[0]);
    windows.push(newWindow);
    const results: [W, W[]][] = [];
    this.assigner.mergeWindows(windows, {
      merge: (toBeMerged, mergeResult) => {
        results.push([mergeResult, [...toBeMerged]]);
      },
    });
    let resultWindow = newWindow;
    let mergedNewWindow = false;
    for (const [mergeResult, mergedWindows] of results) {
      const i = mergedWindows.indexOf(newWindow);
      if (i >= 0) {
        mergedWindows.splice(i, 1);
        mergedNewWindow = true;
        resultWindow = mergeResult;
      }
      // The merge result keeps the state window of one merged window; the others' state merges in.
      const mergedStateWindow = this.mapping.get(this.nsKey(mergedWindows[0]!))![1];
      const targetKey = this.nsKey(mergedStateWindow);
      const mergedStateWindows: W[] = [];
      for (const w of mergedWindows) {
        const k = this.nsKey(w);
        const res = this.mapping.get(k);
        if (res !== undefined) {
          this.mapping.delete(k);
          if (this.nsKey(res[1]) !== targetKey) mergedStateWindows.push(res[1]);
        }
      }
      const resultKey = this.nsKey(mergeResult);
      this.mapping.set(resultKey, [mergeResult, mergedStateWindow]);
      this.changed = true;
      // A new window that only lands inside one existing window merges nothing.
      const onlyItself = mergedWindows.length === 1 && this.nsKey(mergedWindows[0]!) === resultKey;
      if (!onlyItself)
        mergeFunction(mergeResult, mergedWindows, mergedStateWindow, mergedStateWindows);
    }
    if (results.length === 0 || (resultWindow === newWindow && !mergedNewWindow)) {
      this.mapping.set(this.nsKey(resultWindow), [resultWindow, resultWindow]);
      this.changed = true;
    }
    return resultWindow;
  }

  /** The in-flight windows (for tests). */
  windows(): W[] {
    return [...this.mapping.values()].map((m) => m[0]);
  }
}
