/**
 * The contexts the window operator hands to user code, reused for every call: the trigger context
 * (timers and state of the current key and window), the process-window-function context
 * (per-window and per-key state, side outputs), and a collector stamping results with the window's
 * max timestamp.
 */
import type { Collector, OutputTag } from "../../../api/functions.ts";
import type {
  AggregatingState,
  AggregatingStateDescriptor,
  KeyedStateStore,
  ListState,
  ListStateDescriptor,
  MapState,
  MapStateDescriptor,
  ReducingState,
  ReducingStateDescriptor,
  State,
  StateDescriptor,
  StateOfDescriptor,
  ValueState,
  ValueStateDescriptor,
} from "../../../api/state.ts";
import type { OnMergeContext } from "../../../api/windowing/triggers.ts";
import type { ProcessWindowFunctionContext } from "../../../api/windowing/window-functions.ts";
import type { Window } from "../../../api/windowing/windows.ts";
import type { Output } from "../../output.ts";
import type { KeyedStateBackend, NamespaceKeyFn } from "../../state/keyed-backend.ts";
import type { InternalTimerService } from "../../state/timers.ts";

/** Emits to the operator's current output with a settable timestamp. */
export class WindowCollector implements Collector<unknown> {
  /** Timestamp of emitted records (the window's max timestamp). */
  timestamp = -Infinity;
  /** The operator's output (replaced when the task fuses the chain). */
  out: Output<unknown>;
  /** Emits to `out`. */
  constructor(out: Output<unknown>) {
    this.out = out;
  }
  /** Emits one record. */
  collect(record: unknown): void {
    this.out.collect(record, this.timestamp);
  }
}

/** The trigger context: timers and state of the current key in `window`. */
export class WindowTriggerContext implements OnMergeContext {
  /** The window the trigger is called for. */
  window: Window = null as unknown as Window;
  /** The windows merged into `window` (during `onMerge`). */
  mergedWindows: readonly Window[] = [];
  private readonly backend: KeyedStateBackend;
  private readonly timers: InternalTimerService<Window>;
  private readonly nsKey: NamespaceKeyFn<Window>;

  /** Creates the context over the operator's backend and timer service. */
  constructor(
    backend: KeyedStateBackend,
    timers: InternalTimerService<Window>,
    nsKey: NamespaceKeyFn<Window>,
  ) {
    this.backend = backend;
    this.timers = timers;
    this.nsKey = nsKey;
  }
  /** Current processing time. */
  getCurrentProcessingTime(): number {
    return this.timers.currentProcessingTime();
  }
  /** Current watermark. */
  getCurrentWatermark(): number {
    return this.timers.currentWatermark();
  }
  /** Registers a processing-time timer of the window. */
  registerProcessingTimeTimer(time: number): void {
    this.timers.registerProcessingTimeTimer(this.window, time);
  }
  /** Registers an event-time timer of the window. */
  registerEventTimeTimer(time: number): void {
    this.timers.registerEventTimeTimer(this.window, time);
  }
  /** Deletes a processing-time timer of the window. */
  deleteProcessingTimeTimer(time: number): void {
    this.timers.deleteProcessingTimeTimer(this.window, time);
  }
  /** Deletes an event-time timer of the window. */
  deleteEventTimeTimer(time: number): void {
    this.timers.deleteEventTimeTimer(this.window, time);
  }
  /** State of the current key and window. */
  getPartitionedState<D extends StateDescriptor<any, any>>(descriptor: D): StateOfDescriptor<D> {
    const s = this.backend.getOrCreateKeyedState<State, Window>(descriptor, this.nsKey);
    s.setCurrentNamespace(this.window);
    return s as unknown as StateOfDescriptor<D>;
  }
  /** Merges the state of the merged windows into the window's. */
  mergePartitionedState(descriptor: StateDescriptor<any, any>): void {
    if (this.mergedWindows.length === 0) return;
    const s = this.backend.getOrCreateKeyedState<State, Window>(descriptor, this.nsKey);
    s.mergeNamespaces(this.window, this.mergedWindows);
  }
}

/** Keyed state of the current key in the context's window (`windowState()`). */
class PerWindowStateStore implements KeyedStateStore {
  private readonly ctx: WindowProcessContext;
  constructor(ctx: WindowProcessContext) {
    this.ctx = ctx;
  }
  private get<S extends State>(d: StateDescriptor<S, any>): S {
    return this.ctx.windowScoped(d);
  }
  getState<T>(d: ValueStateDescriptor<T>): ValueState<T> {
    return this.get(d);
  }
  getListState<T>(d: ListStateDescriptor<T>): ListState<T> {
    return this.get(d);
  }
  getMapState<K, V>(d: MapStateDescriptor<K, V>): MapState<K, V> {
    return this.get(d);
  }
  getReducingState<T>(d: ReducingStateDescriptor<T>): ReducingState<T> {
    return this.get(d);
  }
  getAggregatingState<IN, ACC, OUT>(
    d: AggregatingStateDescriptor<IN, ACC, OUT>,
  ): AggregatingState<IN, OUT> {
    return this.get(d);
  }
}

/** The context of (all-)process window functions, for the window set in `window`. */
export class WindowProcessContext implements ProcessWindowFunctionContext<Window> {
  /** The window being evaluated or cleared. */
  w: Window = null as unknown as Window;
  private readonly backend: KeyedStateBackend;
  private readonly timers: InternalTimerService<Window>;
  private readonly watermark: () => number;
  private readonly nsKey: NamespaceKeyFn<Window>;
  private readonly global: KeyedStateStore;
  private readonly collector: WindowCollector;
  private readonly merging: string | null;
  private readonly perWindow: PerWindowStateStore;

  /** Creates the context; `merging` names the merging assigner (per-window state is refused). */
  constructor(
    backend: KeyedStateBackend,
    timers: InternalTimerService<Window>,
    watermark: () => number,
    nsKey: NamespaceKeyFn<Window>,
    global: KeyedStateStore,
    collector: WindowCollector,
    merging: string | null,
  ) {
    this.backend = backend;
    this.timers = timers;
    this.watermark = watermark;
    this.nsKey = nsKey;
    this.global = global;
    this.collector = collector;
    this.merging = merging;
    this.perWindow = new PerWindowStateStore(this);
  }
  /** The window. */
  window(): Window {
    return this.w;
  }
  /** Current processing time. */
  currentProcessingTime(): number {
    return this.timers.currentProcessingTime();
  }
  /** Current watermark. */
  currentWatermark(): number {
    return this.watermark();
  }
  /** State of the current key in this window. */
  windowState(): KeyedStateStore {
    return this.perWindow;
  }
  /** State of the current key. */
  globalState(): KeyedStateStore {
    return this.global;
  }
  /** Emits to a side output with the window's max timestamp. */
  output<X>(outputTag: OutputTag<X>, value: X): void {
    this.collector.out.collectSide(outputTag.id, value, this.w.maxTimestamp());
  }
  /** The state of `d` in the current window (refused for merging windows, as in Flink). */
  windowScoped<S extends State>(d: StateDescriptor<S, any>): S {
    if (this.merging !== null)
      throw new Error(
        `per-window state (windowState()) is not supported with merging windows (${this.merging}); use globalState() instead`,
      );
    const s = this.backend.getOrCreateKeyedState<S, Window>(d, this.nsKey);
    s.setCurrentNamespace(this.w);
    return s;
  }
}
