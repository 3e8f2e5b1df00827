/**
 * Keyed timers. An {@link InternalTimerService} keeps event-time and processing-time timers of
 * (key, namespace, timestamp), de-duplicated, in priority queues ordered by time. Event-time timers
 * fire as the operator's watermark passes them; processing-time timers fire through the task's
 * mailbox when the injected clock reaches them. While a timer fires, its key is the current key.
 */
import type { Cancellable } from "../../core/time.ts";
import { VOID_NAMESPACE, type KeyContext, type NamespaceKeyFn } from "./keyed-backend.ts";
import type { TimerEntry } from "../checkpoint/snapshot.ts";

/** A registered timer. */
export interface InternalTimer<N> {
  /** When it fires (ms). */
  readonly timestamp: number;
  /** The key it belongs to. */
  readonly key: unknown;
  /** Its namespace (e.g. the window). */
  readonly namespace: N;
}

/** Receives fired timers. */
export interface Triggerable<N> {
  /** An event-time timer fired (the watermark passed it). */
  onEventTime(timer: InternalTimer<N>): void;
  /** A processing-time timer fired. */
  onProcessingTime(timer: InternalTimer<N>): void;
}

/** What a timer service needs from its operator's task. */
export interface TimerHost {
  /** Current processing time. */
  now(): number;
  /** Runs `callback` through the mailbox at processing time `time`. */
  registerProcessingTimer(time: number, callback: () => void): Cancellable;
}

interface QueuedTimer<N> extends InternalTimer<N> {
  /** Registration order, to break timestamp ties deterministically. */
  readonly seq: number;
  /** De-duplication id. */
  readonly id: string;
}

/** A binary min-heap of timers by (timestamp, seq) with de-duplication and removal by id. */
export class TimerQueue<N> {
  private readonly heap: QueuedTimer<N>[] = [];
  private readonly byId = new Map<string, QueuedTimer<N>>();
  private seq = 0;

  /** Number of timers. */
  get size(): number {
    return this.byId.size;
  }

  /** Adds a timer unless an equal one exists; returns whether it was added. */
  add(timestamp: number, key: unknown, namespace: N, id: string): boolean {
    if (this.byId.has(id)) return false;
    const t: QueuedTimer<N> = { timestamp, key, namespace, seq: this.seq++, id };
    this.byId.set(id, t);
    this.heap.push(t);
    this.up(this.heap.length - 1);
    return true;
  }

  /** Removes the timer with `id`, if present. */
  remove(id: string): boolean {
    const t = this.byId.get(id);
    if (t === undefined) return false;
    this.byId.delete(id);
    const i = this.heap.indexOf(t);
    const last = this.heap.pop()!;
    if (i < this.heap.length) {
      this.heap[i] = last;
      this.down(i);
      this.up(i);
    }
    return true;
  }

  /** The earliest timer, if any. */
  peek(): InternalTimer<N> | undefined {
    return this.heap[0];
  }

  /** Removes and returns the earliest timer. */
  poll(): InternalTimer<N> | undefined {
    const top = this.heap[0];
    if (top === undefined) return undefined;
    this.byId.delete(top.id);
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.down(0);
    }
    return top;
  }

  /** All timers (unordered). */
  all(): Iterable<InternalTimer<N>> {
    return this.byId.values();
  }

  private less(a: QueuedTimer<N>, b: QueuedTimer<N>): boolean {
    return a.timestamp < b.timestamp || (a.timestamp === b.timestamp && a.seq < b.seq);
  }
  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }
  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}

/** Event- and processing-time timers of one operator, for one namespace type. */
export class InternalTimerService<N> {
  /** Service name (unique per operator). */
  readonly name: string;
  private readonly keys: KeyContext;
  private readonly nsKey: NamespaceKeyFn<N>;
  private readonly host: TimerHost;
  private triggerable: Triggerable<N>;
  private readonly eventTimers = new TimerQueue<N>();
  private readonly processingTimers = new TimerQueue<N>();
  private watermark = -Infinity;
  /** Set once all processing-time timers were fired for good; later registrations are ignored. */
  private processingTimeEnded = false;
  private scheduled: { time: number; handle: Cancellable } | null = null;

  /** Creates a service firing into `triggerable`. */
  constructor(
    name: string,
    keys: KeyContext,
    nsKey: NamespaceKeyFn<N>,
    host: TimerHost,
    triggerable: Triggerable<N>,
  ) {
    this.name = name;
    this.keys = keys;
    this.nsKey = nsKey;
    this.host = host;
    this.triggerable = triggerable;
  }

  /** Replaces the receiver of fired timers. */
  setTriggerable(t: Triggerable<N>): void {
    this.triggerable = t;
  }

  /** Current processing time. */
  currentProcessingTime(): number {
    return this.host.now();
  }

  /** Current event time (the last watermark this service saw). */
  currentWatermark(): number {
    return this.watermark;
  }

  private id(namespace: N, time: number): string {
    const mk = this.keys.getCurrentMapKey();
    return `${time}\u0000${typeof mk}:${String(mk)}\u0000${this.nsKey(namespace)}`;
  }

  /** Registers an event-time timer for the current key. */
  registerEventTimeTimer(namespace: N, time: number): void {
    checkTime(time);
    this.eventTimers.add(time, this.keys.getCurrentKey(), namespace, this.id(namespace, time));
  }

  /** Deletes an event-time timer of the current key. */
  deleteEventTimeTimer(namespace: N, time: number): void {
    this.eventTimers.remove(this.id(namespace, time));
  }

  /** Registers a processing-time timer for the current key. */
  registerProcessingTimeTimer(namespace: N, time: number): void {
    checkTime(time);
    // Processing time has ended (BATCH end of input): a timer re-registering itself would loop.
    if (this.processingTimeEnded) return;
    if (
      this.processingTimers.add(
        time,
        this.keys.getCurrentKey(),
        namespace,
        this.id(namespace, time),
      )
    )
      this.reschedule();
  }

  /** Deletes a processing-time timer of the current key. */
  deleteProcessingTimeTimer(namespace: N, time: number): void {
    if (this.processingTimers.remove(this.id(namespace, time))) this.reschedule();
  }

  /** Fires all event-time timers at or before `watermark`, in time order. */
  advanceWatermark(watermark: number): void {
    this.watermark = watermark;
    for (;;) {
      const t = this.eventTimers.peek();
      if (t === undefined || t.timestamp > watermark) return;
      this.eventTimers.poll();
      this.keys.setCurrentKey(t.key);
      this.triggerable.onEventTime(t);
    }
  }

  /** Fires all processing-time timers at or before `time` (all of them with `Infinity`). */
  fireProcessingTimers(time: number): void {
    if (time === Infinity) this.processingTimeEnded = true;
    for (;;) {
      const t = this.processingTimers.peek();
      if (t === undefined || t.timestamp > time) break;
      this.processingTimers.poll();
      this.keys.setCurrentKey(t.key);
      this.triggerable.onProcessingTime(t);
    }
    this.reschedule();
  }

  /** Number of pending event-time timers. */
  numEventTimeTimers(): number {
    return this.eventTimers.size;
  }

  /** Number of pending processing-time timers. */
  numProcessingTimeTimers(): number {
    return this.processingTimers.size;
  }

  /** Pending timers (for snapshots). */
  pendingTimers(): { event: Iterable<InternalTimer<N>>; processing: Iterable<InternalTimer<N>> } {
    return { event: this.eventTimers.all(), processing: this.processingTimers.all() };
  }

  /** Cancels the physical processing-time timer. */
  close(): void {
    this.scheduled?.handle.cancel();
    this.scheduled = null;
  }

  /** Keeps one physical timer, at the earliest processing-time timer. */
  private reschedule(): void {
    const next = this.processingTimers.peek();
    if (this.scheduled && (next === undefined || this.scheduled.time !== next.timestamp)) {
      this.scheduled.handle.cancel();
      this.scheduled = null;
    }
    if (next === undefined || this.scheduled) return;
    const time = next.timestamp;
    const handle = this.host.registerProcessingTimer(time, () => {
      if (this.scheduled?.handle === handle) this.scheduled = null;
      this.fireProcessingTimers(this.host.now());
    });
    this.scheduled = { time, handle };
  }
}

function checkTime(time: number): void {
  if (typeof time !== "number" || Number.isNaN(time)) {
    throw new TypeError(`a timer's time must be a number of milliseconds, got ${String(time)}`);
  }
}

/** The timer services of one operator, by name. */
export class InternalTimeServiceManager {
  private readonly services = new Map<string, InternalTimerService<unknown>>();
  /** Restored timers of services not registered yet, by service name. */
  private readonly restored = new Map<string, TimerEntry[]>();
  private readonly keys: KeyContext;
  private readonly host: TimerHost;

  /** Creates the manager of an operator with key context `keys`. */
  constructor(keys: KeyContext, host: TimerHost) {
    this.keys = keys;
    this.host = host;
  }

  /** The service `name`, created on first use. */
  getInternalTimerService<N>(
    name: string,
    nsKey: NamespaceKeyFn<N>,
    triggerable: Triggerable<N>,
  ): InternalTimerService<N> {
    let s = this.services.get(name) as InternalTimerService<N> | undefined;
    if (s === undefined) {
      s = new InternalTimerService<N>(name, this.keys, nsKey, this.host, triggerable);
      this.services.set(name, s as InternalTimerService<unknown>);
      const pending = this.restored.get(name);
      if (pending !== undefined) {
        this.restored.delete(name);
        for (const t of pending) this.register(s as InternalTimerService<unknown>, t);
      }
    } else s.setTriggerable(triggerable);
    return s;
  }

  /** Advances event time in every service. */
  advanceWatermark(watermark: number): void {
    for (const s of this.services.values()) s.advanceWatermark(watermark);
  }

  /**
   * Fires every pending processing-time timer (end of input in BATCH mode); processing time then
   * counts as ended, so timers registered from then on are ignored.
   */
  fireAllProcessingTimers(): void {
    for (const s of this.services.values()) s.fireProcessingTimers(Infinity);
  }

  /** Closes every service. */
  close(): void {
    for (const s of this.services.values()) s.close();
  }

  /** The services (for snapshots). */
  all(): Iterable<InternalTimerService<unknown>> {
    return this.services.values();
  }

  /**
   * Every timer in canonical form (registered services and restored timers of services not
   * registered again yet), for snapshots.
   */
  *snapshotTimers(): Iterable<TimerEntry> {
    for (const s of this.services.values()) {
      const { event, processing } = s.pendingTimers();
      for (const t of event) yield timerEntry(s.name, "event", t);
      for (const t of processing) yield timerEntry(s.name, "processing", t);
    }
    for (const list of this.restored.values()) yield* list;
  }

  /** Adds a restored timer (kept until its service is registered). */
  restoreTimer(t: TimerEntry): void {
    const s = this.services.get(t.service);
    if (s !== undefined) {
      this.register(s, t);
      return;
    }
    let list = this.restored.get(t.service);
    if (list === undefined) this.restored.set(t.service, (list = []));
    list.push(t);
  }

  private register(s: InternalTimerService<unknown>, t: TimerEntry): void {
    this.keys.setCurrentKey(t.key);
    const ns = t.ns === undefined ? VOID_NAMESPACE : t.ns;
    if (t.domain === "event") s.registerEventTimeTimer(ns, t.time);
    else s.registerProcessingTimeTimer(ns, t.time);
  }
}

function timerEntry(
  service: string,
  domain: "event" | "processing",
  t: InternalTimer<unknown>,
): TimerEntry {
  return {
    service,
    domain,
    key: t.key,
    ns: t.namespace === VOID_NAMESPACE ? undefined : t.namespace,
    time: t.timestamp,
  };
}
