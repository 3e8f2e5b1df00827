/**
 * The window operator (Flink's WindowOperator): assigns each element to windows, keeps window
 * contents in keyed state namespaced by window (reducing, aggregating or list state), asks the
 * trigger what to do on elements and timers, evaluates fired windows with the window function,
 * and removes windows at their cleanup time (end + allowed lateness for event time). Merging
 * assigners (sessions) keep a window -> state-window mapping per key. Elements too late for all
 * their windows go to the late-data side output, or are counted as dropped.
 *
 * The per-record path of windows with the event-time trigger is kept lean: the assigner reuses its
 * window objects, the window's namespace key is cached, and the trigger and cleanup timers are
 * registered only for a window's first element; fixed-size windows without allowed lateness keep
 * their end timers in {@link WindowEndTimers} instead of the general timer service, and fire a
 * whole window at once, taking its contents from state in one pass.
 */
import { PlacedError } from "../../../core/errors.ts";
import type { RichFunction } from "../../../api/functions.ts";
import { ValueStateDescriptor, type ValueState } from "../../../api/state.ts";
import {
  MergingWindowAssigner,
  SlidingEventTimeWindows,
  TumblingEventTimeWindows,
  type WindowAssigner,
  type WindowAssignerContext,
} from "../../../api/windowing/assigners.ts";
import type { WindowFunctionSpec } from "../../../api/windowing/spec.ts";
import { EventTimeTrigger, type Trigger } from "../../../api/windowing/triggers.ts";
import type { Window } from "../../../api/windowing/windows.ts";
import { NO_TIMESTAMP } from "../../events.ts";
import type { Output } from "../../output.ts";
import type { KeyedStateBackend } from "../../state/keyed-backend.ts";
import type { InternalTimer, InternalTimerService, Triggerable } from "../../state/timers.ts";
import { OneInputOperator } from "../operator.ts";
import { WindowCollector, WindowProcessContext, WindowTriggerContext } from "./contexts.ts";
import { LateRecords } from "./late-records.ts";
import { MergingWindowSet, type MergeFunction } from "./merging-window-set.ts";
import { WindowContentsState, type WindowContents } from "./window-contents.ts";
import { WindowEndTimers } from "./window-ends.ts";

/** The parts of a window operator (copied for this subtask). */
export interface WindowOperatorParts {
  /** Assigns elements to windows. */
  readonly assigner: WindowAssigner<unknown, Window>;
  /** Decides when windows fire. */
  readonly trigger: Trigger<unknown, Window>;
  /** Allowed lateness, ms. */
  readonly allowedLateness: number;
  /** Side output id of late elements, or null. */
  readonly lateDataTag: string | null;
  /** How contents are kept. */
  readonly contents: WindowContents;
  /** What evaluates fired windows. */
  readonly windowFunction: WindowFunctionSpec;
}

/** Evaluates keyed windows. */
export class WindowOperator extends OneInputOperator<unknown> implements Triggerable<Window> {
  /** Assigns elements to windows. */
  protected readonly assigner: WindowAssigner<unknown, Window>;
  /** Decides when windows fire. */
  protected readonly trigger: Trigger<unknown, Window>;
  /** Whether the contents are one value (reduce/aggregate without evictor). */
  protected single: boolean;
  private readonly allowedLateness: number;
  private readonly lateDataTag: string | null;
  private readonly fnSpec: WindowFunctionSpec;
  private readonly isEventTime: boolean;
  private readonly merging: MergingWindowAssigner<unknown, Window> | null;
  /** The built-in event-time trigger on non-merging, non-evicting windows: timers are known. */
  private readonly fast: boolean;
  /** Fast, fixed-size windows and no lateness: end timers in {@link WindowEndTimers}. */
  private readonly lean: WindowEndTimers | null;
  private readonly hasClear: boolean;
  /** The window contents. */
  protected readonly contents: WindowContentsState;
  /** The window timers. */
  protected timers!: InternalTimerService<Window>;
  /** The keyed backend. */
  protected backend!: KeyedStateBackend;
  private triggerCtx!: WindowTriggerContext;
  private processCtx!: WindowProcessContext;
  private collector!: WindowCollector;
  private mergingSet: MergingWindowSet<Window> | null = null;
  private assignerCtx!: WindowAssignerContext;
  private late!: LateRecords;
  private lastWindow: Window | null = null;
  private lastWindowKey: string | number = 0;

  /** Creates the operator; `timestamped` keeps elements with timestamps (evicting windows). */
  constructor(parts: WindowOperatorParts, timestamped = false) {
    super();
    this.assigner = parts.assigner;
    this.trigger = parts.trigger;
    this.allowedLateness = parts.allowedLateness;
    this.lateDataTag = parts.lateDataTag;
    this.contents = new WindowContentsState(parts.contents, timestamped);
    this.single = parts.contents.kind !== "list" && !timestamped;
    this.fnSpec = parts.windowFunction;
    this.isEventTime = parts.assigner.isEventTime();
    this.merging = parts.assigner instanceof MergingWindowAssigner ? parts.assigner : null;
    this.userFunction = this.fnSpec.kind === "pass" ? null : (this.fnSpec.fn as RichFunction);
    this.hasClear =
      (this.fnSpec.kind === "process" || this.fnSpec.kind === "processAll") &&
      typeof this.fnSpec.fn.clear === "function";
    this.fast =
      this.merging === null && !timestamped && this.trigger.constructor === EventTimeTrigger;
    const a = this.assigner.constructor;
    const fixedSize = a === TumblingEventTimeWindows || a === SlidingEventTimeWindows;
    this.lean = this.fast && fixedSize && this.allowedLateness === 0 ? new WindowEndTimers() : null;
  }

  /** Elements dropped as late (no late-data side output set). */
  get numLateRecordsDropped(): number {
    return this.late.numLateRecordsDropped;
  }

  /** The namespace key of a window (the last one is cached: runs of elements share a window). */
  private readonly nsKey = (w: Window): string | number => {
    if (w === this.lastWindow) return this.lastWindowKey;
    const k = w.namespaceKey();
    this.lastWindow = w;
    this.lastWindowKey = k;
    return k;
  };

  /** Sets up state, timers and contexts, then opens the window function. */
  override open(): void | Promise<void> {
    const backend = this.ctx.keyedBackend;
    const tsm = this.ctx.timeServiceManager;
    if (backend === null || tsm === null)
      throw new Error(`window operator '${this.name}' needs a keyed stream (keyBy before window)`);
    this.backend = backend;
    this.contents.open(backend, this.nsKey);
    if (this.lean !== null && this.ctx.isRestored) this.lean.restore(backend, this.name);
    this.timers = tsm.getInternalTimerService<Window>("window-timers", this.nsKey, this);
    this.triggerCtx = new WindowTriggerContext(backend, this.timers, this.nsKey);
    this.collector = new WindowCollector(this.output);
    this.processCtx = new WindowProcessContext(
      backend,
      this.timers,
      () => this.currentWatermark,
      this.nsKey,
      this.ctx.runtimeContext,
      this.collector,
      this.merging === null ? null : this.assigner.toString(),
    );
    this.late = new LateRecords(
      this.lateDataTag,
      this.collector,
      this.ctx.runtimeContext,
      this.name,
    );
    const timers = this.ctx.timers;
    this.assignerCtx = { getCurrentProcessingTime: () => timers.now() };
    if (this.merging !== null) {
      const state = backend.getOrCreateKeyedState(
        new ValueStateDescriptor<[Window, Window][]>("merging-window-set"),
      ) as unknown as ValueState<[Window, Window][]>;
      this.mergingSet = new MergingWindowSet(this.merging, state, this.nsKey);
    }
    return super.open();
  }

  /** Keeps the collector on the current output (the task may fuse the chain after open). */
  override replaceOutput(output: Output<unknown>): void {
    super.replaceOutput(output);
    if (this.collector) this.collector.out = output;
  }

  /** Adds an element to its windows and runs the trigger for each. */
  processElement(value: unknown, timestamp: number): void {
    try {
      if (timestamp === NO_TIMESTAMP && this.isEventTime) throw this.missingTimestamp();
      const windows = this.assigner.assignWindows(value, timestamp, this.assignerCtx);
      const skipped =
        this.mergingSet === null
          ? this.addToWindows(value, timestamp, windows)
          : this.addToMergingWindows(value, timestamp, windows);
      if (skipped) this.late.add(value, timestamp);
    } catch (e) {
      throw this.userError(e);
    }
  }

  private addToWindows(value: unknown, timestamp: number, windows: readonly Window[]): boolean {
    let skipped = true;
    const state = this.contents;
    for (let i = 0; i < windows.length; i++) {
      const w = windows[i]!;
      const end = w.maxTimestamp();
      if (this.isEventTime && end + this.allowedLateness <= this.currentWatermark) continue;
      skipped = false;
      state.setWindow(w);
      if (this.fast) {
        if (!state.addFirst(value, timestamp)) {
          // The first element of this window set its timers; the event-time trigger fires late
          // elements at once (within allowed lateness) and otherwise continues.
          if (end <= this.currentWatermark) this.fire(w, w);
          continue;
        }
        if (this.lean !== null) {
          // The event-time trigger sets a timer at the end (not late: end > watermark).
          this.lean.register(w, end);
          continue;
        }
      } else state.add(value, timestamp);
      const tc = this.triggerCtx;
      tc.window = w;
      const result = this.trigger.onElement(value, timestamp, w, tc);
      if (result.isFire()) this.fire(w, w);
      if (result.isPurge()) this.purge(w);
      // With the event-time trigger and no lateness, its timer is the cleanup timer.
      if (!this.fast || this.allowedLateness !== 0) this.registerCleanupTimer(w);
    }
    return skipped;
  }

  private addToMergingWindows(
    value: unknown,
    timestamp: number,
    windows: readonly Window[],
  ): boolean {
    const set = this.mergingSet!.load();
    let skipped = true;
    for (const w of windows) {
      const actual = set.addWindow(w, this.mergeWindows);
      if (this.isWindowLate(actual)) {
        set.retireWindow(actual);
        continue;
      }
      skipped = false;
      const stateWindow = set.getStateWindow(actual);
      if (stateWindow === undefined)
        throw new Error(`window ${String(actual)} is not in the in-flight window set`);
      this.contents.setWindow(stateWindow);
      this.contents.add(value, timestamp);
      const tc = this.triggerCtx;
      tc.window = actual;
      const result = this.trigger.onElement(value, timestamp, actual, tc);
      if (result.isFire()) this.fire(actual, stateWindow);
      if (result.isPurge()) this.purge(stateWindow);
      this.registerCleanupTimer(actual);
    }
    set.persist();
    return skipped;
  }

  /** Merges windows: checks the result, merges trigger state and contents, moves cleanup timers. */
  private readonly mergeWindows: MergeFunction<Window> = (
    mergeResult,
    mergedWindows,
    stateWindowResult,
    mergedStateWindows,
  ) => {
    if (this.isEventTime && this.isWindowLate(mergeResult))
      throw new Error(
        `the end of an event-time window cannot become earlier than the current watermark by merging (watermark ${this.currentWatermark}, window ${String(mergeResult)})`,
      );
    if (!this.isEventTime && mergeResult.maxTimestamp() <= this.timers.currentProcessingTime())
      throw new Error(
        `the end of a processing-time window cannot become earlier than the current processing time by merging (window ${String(mergeResult)})`,
      );
    const tc = this.triggerCtx;
    tc.window = mergeResult;
    tc.mergedWindows = mergedWindows;
    this.trigger.onMerge(mergeResult, tc);
    tc.mergedWindows = [];
    for (const m of mergedWindows) {
      tc.window = m;
      this.trigger.clear(m, tc);
      this.deleteCleanupTimer(m);
    }
    this.contents.merge(stateWindowResult, mergedStateWindows);
  };

  /** Evaluates `window`, whose contents are kept under `stateWindow` (nothing when empty, as Flink). */
  protected fire(window: Window, stateWindow: Window): void {
    this.contents.setWindow(stateWindow);
    const contents = this.contents.get();
    if (contents !== null) this.applyFunction(window, contents, this.single);
  }

  /** Calls the window function with `input` (one value when `single`, else the elements). */
  protected applyFunction(window: Window, input: unknown, single: boolean): void {
    const out = this.collector;
    out.timestamp = window.maxTimestamp();
    const f = this.fnSpec;
    if (f.kind === "pass") {
      out.collect(input);
      return;
    }
    const elements = (single ? [input] : input) as Iterable<unknown>;
    switch (f.kind) {
      case "window":
        f.fn.apply(this.backend.getCurrentKey(), window, elements, out);
        return;
      case "process":
        this.processCtx.w = window;
        f.fn.process(this.backend.getCurrentKey(), this.processCtx, elements, out);
        return;
      case "allWindow":
        f.fn.apply(window, elements, out);
        return;
      case "processAll":
        this.processCtx.w = window;
        f.fn.process(this.processCtx, elements, out);
        return;
    }
  }

  private purge(stateWindow: Window): void {
    this.contents.setWindow(stateWindow);
    this.contents.clear();
  }

  /** Fires (lean mode) the windows ending at or before the watermark, then forwards it. */
  override processWatermark(watermark: number): void {
    if (this.lean !== null && this.lean.due(watermark)) {
      this.currentWatermark = watermark;
      try {
        this.lean.fireUpTo(watermark, this.fireAtEnd);
      } catch (e) {
        throw this.userError(e);
      }
    }
    super.processWatermark(watermark);
  }

  /**
   * Lean mode: the end of `window` is also its cleanup time for every key: takes the window's
   * contents in one pass, then per key (current) evaluates them and clears the window function's
   * per-window state (the event-time trigger keeps none).
   */
  private readonly fireAtEnd = (window: Window): void => {
    this.contents.drain(window, (contents) => {
      if (contents !== null) this.applyFunction(window, contents, this.single);
      if (this.hasClear) this.clearFunctionState(window);
    });
  };

  /** An event-time timer fired: ask the trigger, and clean up at the window's cleanup time. */
  onEventTime(timer: InternalTimer<Window>): void {
    try {
      this.onTimer(timer.namespace, timer.timestamp, true);
    } catch (e) {
      throw this.userError(e);
    }
  }

  /** A processing-time timer fired. */
  onProcessingTime(timer: InternalTimer<Window>): void {
    try {
      this.onTimer(timer.namespace, timer.timestamp, false);
    } catch (e) {
      throw this.userError(e);
    }
  }

  private onTimer(window: Window, time: number, eventTime: boolean): void {
    let stateWindow = window;
    let set: MergingWindowSet<Window> | null = null;
    if (this.mergingSet !== null) {
      set = this.mergingSet.load();
      const sw = set.getStateWindow(window);
      if (sw === undefined) return; // merged away or cleaned up; its trigger was cleared
      stateWindow = sw;
    }
    const tc = this.triggerCtx;
    tc.window = window;
    const result = eventTime
      ? this.trigger.onEventTime(time, window, tc)
      : this.trigger.onProcessingTime(time, window, tc);
    if (result.isFire()) this.fire(window, stateWindow);
    if (result.isPurge()) this.purge(stateWindow);
    if (eventTime === this.isEventTime && time === this.cleanupTime(window))
      this.clearAllState(window, stateWindow, set);
    set?.persist();
  }

  /** Removes everything of `window`: contents, trigger state and timers, per-window state. */
  private clearAllState(
    window: Window,
    stateWindow: Window,
    set: MergingWindowSet<Window> | null,
  ): void {
    this.purge(stateWindow);
    if (!this.fast) {
      // (The event-time trigger's only timer, at the window's end, has fired by now.)
      this.triggerCtx.window = window;
      this.trigger.clear(window, this.triggerCtx);
    }
    if (this.hasClear) this.clearFunctionState(window);
    set?.retireWindow(window);
  }

  /** Calls the process window function's `clear` for `window` (with its key current). */
  private clearFunctionState(window: Window): void {
    this.processCtx.w = window;
    const f = this.fnSpec as { fn: { clear(ctx: WindowProcessContext): void } };
    f.fn.clear(this.processCtx);
  }

  private cleanupTime(window: Window): number {
    return this.isEventTime ? window.maxTimestamp() + this.allowedLateness : window.maxTimestamp();
  }

  private isWindowLate(window: Window): boolean {
    return this.isEventTime && this.cleanupTime(window) <= this.currentWatermark;
  }

  private registerCleanupTimer(window: Window): void {
    const t = this.cleanupTime(window);
    if (t === Infinity) return;
    if (this.isEventTime) this.timers.registerEventTimeTimer(window, t);
    else this.timers.registerProcessingTimeTimer(window, t);
  }

  private deleteCleanupTimer(window: Window): void {
    const t = this.cleanupTime(window);
    if (t === Infinity) return;
    if (this.isEventTime) this.timers.deleteEventTimeTimer(window, t);
    else this.timers.deleteProcessingTimeTimer(window, t);
  }

  private missingTimestamp(): Error {
    return new PlacedError(
      `window operator '${this.name}' (subtask ${this.ctx.subtaskIndex + 1}/${this.ctx.parallelism}) received a record without timestamp, but ${this.assigner.toString()} assigns windows by event time: did you forget assignTimestampsAndWatermarks() (or a WatermarkStrategy with a timestamp assigner on the source)?`,
    );
  }

  /** In BATCH mode, pending processing-time windows fire at the end of input. */
  override finish(): void {
    if (this.ctx.batch) this.ctx.timeServiceManager!.fireAllProcessingTimers();
  }
}
