/**
 * Broadcast state pattern operators: two-input operators whose input 2 is the broadcast side (every
 * instance receives every element; its key selector is null). The broadcast side writes the
 * declared broadcast states; the other side (and keyed timers) reads them through read-only views.
 * In the keyed variant the broadcast side has no current key: keyed state is reachable only
 * through `applyToKeyedState`, which visits every key of the instance.
 */
import type {
  BroadcastProcessFunction,
  KeyedBroadcastProcessFunction,
  KeyedStateFunction,
} from "../../api/broadcast.ts";
import type {
  Collector,
  OutputTag,
  RichFunction,
  TimeDomain,
  TimerService,
} from "../../api/functions.ts";
import type {
  BroadcastState,
  MapStateDescriptor,
  ReadOnlyBroadcastState,
  State,
  StateDescriptor,
} from "../../api/state.ts";
import { NO_TIMESTAMP } from "../events.ts";
import type { Output } from "../output.ts";
import type { KeyedStateBackend, VoidNamespace } from "../state/keyed-backend.ts";
import {
  ReadOnlyBroadcastView,
  type HeapBroadcastState,
  type OperatorStateBackend,
} from "../state/operator-state.ts";
import type { InternalTimer, Triggerable } from "../state/timers.ts";
import { TimestampedCollector } from "./functions-support.ts";
import { KeyedTimerService } from "./keyed-process.ts";
import { TwoInputOperator } from "./operator.ts";

const STATE_KINDS = new Set(["value", "list", "map", "reducing", "aggregating"]);

/** The declared broadcast states of one operator instance, writable and as read-only views. */
class BroadcastStates {
  private readonly declared: Map<string, MapStateDescriptor<unknown, unknown>>;
  private readonly store: OperatorStateBackend;
  private readonly operatorName: string;
  private readonly views = new Map<string, ReadOnlyBroadcastView>();

  constructor(
    declared: readonly MapStateDescriptor<unknown, unknown>[],
    store: OperatorStateBackend,
    operatorName: string,
  ) {
    this.declared = new Map(declared.map((d) => [d.name, d]));
    this.store = store;
    this.operatorName = operatorName;
    for (const d of declared) store.getBroadcastState(d);
  }

  /** The writable state of `d`, which must have been declared in `broadcast(...)`. */
  writable(d: MapStateDescriptor<unknown, unknown>): HeapBroadcastState {
    const name = (d as { name?: unknown } | null)?.name;
    if (d?.kind !== "map") {
      throw new TypeError(
        `getBroadcastState() in operator '${this.operatorName}' expects a MapStateDescriptor, got ${typeof name === "string" ? `'${name}' (${d?.kind} state)` : String(d)}`,
      );
    }
    if (typeof name !== "string" || !this.declared.has(name)) {
      const list = [...this.declared.keys()].map((n) => `'${n}'`).join(", ") || "none";
      throw new Error(
        `broadcast state ${typeof name === "string" ? `'${name}'` : String(d)} of operator '${this.operatorName}' was not declared: pass its MapStateDescriptor to broadcast(...) of the broadcast stream (declared: ${list})`,
      );
    }
    return this.store.getBroadcastState(d) as unknown as HeapBroadcastState;
  }

  /** The read-only view of `d` (no put/remove/clear). */
  readOnly(d: MapStateDescriptor<unknown, unknown>): ReadOnlyBroadcastView {
    const state = this.writable(d);
    let view = this.views.get(d.name);
    if (view === undefined) this.views.set(d.name, (view = new ReadOnlyBroadcastView(state)));
    return view;
  }
}

/** What the operators share with their contexts. */
interface Host {
  readonly out: Output<unknown>;
  readonly states: BroadcastStates;
  now(): number;
  watermark(): number;
}

/** Base of every context: timestamp, side outputs, time. */
class BaseContext {
  /** Timestamp of the current element or timer. */
  ts = NO_TIMESTAMP;
  protected readonly host: Host;
  constructor(host: Host) {
    this.host = host;
  }
  timestamp(): number | null {
    return this.ts === NO_TIMESTAMP ? null : this.ts;
  }
  output<X>(tag: OutputTag<X>, value: X): void {
    this.host.out.collectSide(tag.id, value, this.ts);
  }
  currentProcessingTime(): number {
    return this.host.now();
  }
  currentWatermark(): number {
    return this.host.watermark();
  }
}

/** Non-broadcast side (and timers): read-only broadcast state. */
class ReadOnlyContextImpl extends BaseContext {
  getBroadcastState<K, V>(d: MapStateDescriptor<K, V>): ReadOnlyBroadcastState<K, V> {
    return this.host.states.readOnly(
      d as MapStateDescriptor<unknown, unknown>,
    ) as ReadOnlyBroadcastState<K, V>;
  }
}

/** Broadcast side: writable broadcast state. */
class ContextImpl extends BaseContext {
  getBroadcastState<K, V>(d: MapStateDescriptor<K, V>): BroadcastState<K, V> {
    return this.host.states.writable(
      d as MapStateDescriptor<unknown, unknown>,
    ) as unknown as BroadcastState<K, V>;
  }
}

/** Keyed side and timers: adds the current key, keyed timers and the timer's domain. */
class KeyedReadOnlyContextImpl extends ReadOnlyContextImpl {
  /** Domain of the firing timer. */
  domain: TimeDomain = "EVENT_TIME";
  private readonly backend: KeyedStateBackend;
  private readonly timers: TimerService;
  constructor(host: Host, backend: KeyedStateBackend, timers: TimerService) {
    super(host);
    this.backend = backend;
    this.timers = timers;
  }
  getCurrentKey(): unknown {
    return this.backend.getCurrentKey();
  }
  timerService(): TimerService {
    return this.timers;
  }
  timeDomain(): TimeDomain {
    return this.domain;
  }
}

/** Keyed broadcast side: adds `applyToKeyedState`. */
class KeyedContextImpl extends ContextImpl {
  private readonly backend: KeyedStateBackend;
  private readonly operatorName: string;
  private readonly noKey: string;
  constructor(host: Host, backend: KeyedStateBackend, operatorName: string, noKey: string) {
    super(host);
    this.backend = backend;
    this.operatorName = operatorName;
    this.noKey = noKey;
  }
  applyToKeyedState(
    d: StateDescriptor,
    fn: KeyedStateFunction<unknown, State> | ((key: unknown, state: State) => void),
  ): void {
    if (!d || !STATE_KINDS.has(d.kind)) {
      throw new TypeError(
        `applyToKeyedState() in operator '${this.operatorName}' expects a keyed state descriptor (ValueStateDescriptor, ListStateDescriptor, ...), got ${String(d)}`,
      );
    }
    const f =
      typeof fn === "function"
        ? fn
        : fn && typeof fn.process === "function"
          ? (k: unknown, s: State) => fn.process(k, s)
          : null;
    if (f === null) {
      throw new TypeError(
        `applyToKeyedState() in operator '${this.operatorName}' expects a function (key, state) => void or a KeyedStateFunction`,
      );
    }
    try {
      this.backend.applyToAllKeys(d, f);
    } finally {
      this.backend.clearCurrentKey(this.noKey);
    }
  }
}

/** The per-element methods of a broadcast process function, with the contexts of its sides. */
interface SideFunctions<R, W> {
  processElement(value: unknown, ctx: R, out: Collector<unknown>): void;
  processBroadcastElement(value: unknown, ctx: W, out: Collector<unknown>): void;
}

/**
 * Base of the broadcast operators: registers the declared broadcast states and hands each element
 * to the function with the context of its side (`R`: read-only, `W`: writable).
 */
abstract class BroadcastOperatorBase<
  R extends BaseContext,
  W extends BaseContext,
  F extends SideFunctions<R, W> & RichFunction,
> extends TwoInputOperator<unknown, unknown> {
  protected readonly fn: F;
  private readonly descriptors: readonly MapStateDescriptor<unknown, unknown>[];
  protected collector!: TimestampedCollector<unknown>;
  protected readCtx!: R;
  protected writeCtx!: W;

  /** Creates the operator for `fn` and the declared broadcast states. */
  constructor(fn: F, descriptors: readonly MapStateDescriptor<unknown, unknown>[]) {
    super();
    this.fn = fn;
    this.descriptors = descriptors;
    this.userFunction = fn;
  }

  /** The contexts of the non-broadcast and the broadcast side (created in `open`). */
  protected abstract createContexts(host: Host): [R, W];

  /** Registers the broadcast states, builds the contexts and opens the function. */
  override open(): void | Promise<void> {
    const host = hostOf(this.output, this.ctx, this.descriptors, () => this.currentWatermark);
    this.collector = new TimestampedCollector(this.output);
    [this.readCtx, this.writeCtx] = this.createContexts(host);
    return super.open();
  }

  /** An element of the non-broadcast side. */
  processElement1(value: unknown, timestamp: number): void {
    this.collector.timestamp = timestamp;
    this.readCtx.ts = timestamp;
    try {
      this.fn.processElement(value, this.readCtx, this.collector);
    } catch (e) {
      throw this.userError(e);
    }
  }

  /** An element of the broadcast side. */
  processElement2(value: unknown, timestamp: number): void {
    this.collector.timestamp = timestamp;
    this.writeCtx.ts = timestamp;
    try {
      this.fn.processBroadcastElement(value, this.writeCtx, this.collector);
    } catch (e) {
      throw this.userError(e);
    }
  }
}

/** Applies a {@link BroadcastProcessFunction} (input 1: non-keyed side, input 2: broadcast side). */
export class BroadcastProcessOperator extends BroadcastOperatorBase<
  ReadOnlyContextImpl,
  ContextImpl,
  BroadcastProcessFunction<unknown, unknown, unknown>
> {
  /** Plain read-only and writable contexts. */
  protected createContexts(host: Host): [ReadOnlyContextImpl, ContextImpl] {
    return [new ReadOnlyContextImpl(host), new ContextImpl(host)];
  }
}

/** Applies a {@link KeyedBroadcastProcessFunction} (input 1: keyed side, input 2: broadcast side). */
export class KeyedBroadcastProcessOperator
  extends BroadcastOperatorBase<
    KeyedReadOnlyContextImpl,
    KeyedContextImpl,
    KeyedBroadcastProcessFunction<unknown, unknown, unknown, unknown>
  >
  implements Triggerable<VoidNamespace>
{
  private backend!: KeyedStateBackend;
  private timers!: TimerService;
  private noKey = "";

  /** Checks for a keyed first input, sets up keyed timers, then opens as any broadcast operator. */
  override open(): void | Promise<void> {
    const op = this.ctx;
    if (op.keyedBackend === null || op.timeServiceManager === null) {
      throw new Error(
        `operator '${op.operatorName}' applies a KeyedBroadcastProcessFunction and needs a keyed first input (apply keyBy() before connect())`,
      );
    }
    this.backend = op.keyedBackend;
    this.noKey = `processBroadcastElement() has no current key, so keyed state and timers cannot be used there; use ctx.applyToKeyedState(descriptor, fn) to visit the state of every key`;
    this.timers = new KeyedTimerService(
      op.timeServiceManager.getInternalTimerService<VoidNamespace>("user-timers", () => 0, this),
    );
    return super.open();
  }

  /** Keyed contexts: key, timers and state of the current key, or of all keys on the broadcast side. */
  protected createContexts(host: Host): [KeyedReadOnlyContextImpl, KeyedContextImpl] {
    return [
      new KeyedReadOnlyContextImpl(host, this.backend, this.timers),
      new KeyedContextImpl(host, this.backend, this.ctx.operatorName, this.noKey),
    ];
  }

  /** An element of the broadcast side: no current key (a stale one must not leak in). */
  override processElement2(value: unknown, timestamp: number): void {
    this.backend.clearCurrentKey(this.noKey);
    super.processElement2(value, timestamp);
  }

  /** An event-time timer fired (its key is current). */
  onEventTime(timer: InternalTimer<VoidNamespace>): void {
    this.fire(timer.timestamp, "EVENT_TIME", timer.timestamp);
  }

  /** A processing-time timer fired (its key is current). */
  onProcessingTime(timer: InternalTimer<VoidNamespace>): void {
    this.fire(timer.timestamp, "PROCESSING_TIME", NO_TIMESTAMP);
  }

  private fire(time: number, domain: TimeDomain, ts: number): void {
    this.collector.timestamp = ts;
    this.readCtx.ts = ts;
    this.readCtx.domain = domain;
    try {
      this.fn.onTimer?.(time, this.readCtx, this.collector as Collector<unknown>);
    } catch (e) {
      throw this.userError(e);
    }
  }

  /** In BATCH mode, pending processing-time timers fire at the end of input. */
  override finish(): void {
    if (this.ctx.batch) this.ctx.timeServiceManager!.fireAllProcessingTimers();
  }
}

function hostOf(
  out: Output<unknown>,
  ctx: {
    operatorState: OperatorStateBackend;
    operatorName: string;
    timers: { now(): number };
  },
  descriptors: readonly MapStateDescriptor<unknown, unknown>[],
  watermark: () => number,
): Host {
  return {
    out,
    states: new BroadcastStates(descriptors, ctx.operatorState, ctx.operatorName),
    now: () => ctx.timers.now(),
    watermark,
  };
}
