/**
 * The async wait operator (Flink's AsyncWaitOperator): starts the user's asynchronous request per
 * record, keeps at most `capacity` requests (and the events between them) in an element queue,
 * and emits results in input order or as they complete (see async-queue.ts).
 *
 * Completions and timeouts may happen at any time (a promise callback, a timer); they only mark
 * the request and post one mail to the task's mailbox, which emits whatever is ready in the
 * task's turn, so results never reach downstream operators reentrantly. While its capacity is full
 * the operator refuses input (`canAcceptInput`), so the task stops reading its channels; records
 * of a batch beyond the capacity wait in a small overflow queue and start as slots free up.
 *
 * During `finish()` the task is parked and runs no mails, so the operator waits for its remaining
 * requests itself: completions and timeouts then wake the `finish` loop instead of posting mails.
 * Timeout timers are therefore registered on the injected clock directly (their callbacks only
 * flag the request); the user's `timeout()` always runs inside a drain, never from the timer.
 */
import { inspect } from "node:util";
import type { Cancellable } from "../../core/time.ts";
import {
  AsyncTimeoutError,
  type AsyncFunction,
  type AsyncReturn,
  type ResultFuture,
} from "../../api/async.ts";
import type { RichFunction } from "../../api/functions.ts";
import { ListStateDescriptor, type ListState } from "../../api/state.ts";
import {
  OrderedQueue,
  UnorderedQueue,
  type QueueElement,
  type QueueEvent,
  type QueuedRequest,
  type StreamElementQueue,
} from "./async-queue.ts";
import { OneInputOperator } from "./operator.ts";

type Method = (input: unknown, future: ResultFuture<unknown>) => AsyncReturn<unknown>;

/** One request: its input, its state and its result future. */
class AsyncRequest implements QueuedRequest, ResultFuture<unknown> {
  readonly kind = "record";
  /** Completed successfully: `results` is set and the queue may emit it. */
  done = false;
  /** Completed in any way (later completions are ignored). */
  settled = false;
  segment: unknown = null;
  results: readonly unknown[] | null = null;
  timer: Cancellable | null = null;
  readonly input: unknown;
  readonly timestamp: number;
  private readonly owner: AsyncWaitOperator;
  constructor(owner: AsyncWaitOperator, input: unknown, timestamp: number) {
    this.owner = owner;
    this.input = input;
    this.timestamp = timestamp;
  }
  complete(results: Iterable<unknown>): void {
    this.owner.completeRequest(this, results);
  }
  completeExceptionally(error: unknown): void {
    this.owner.failRequest(this, error);
  }
}

/** A record waiting for a free slot, or an event queued behind such records. */
type Overflow =
  { readonly kind: "pending"; readonly value: unknown; readonly ts: number } | QueueEvent;

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (
    x !== null &&
    (typeof x === "object" || typeof x === "function") &&
    typeof (x as { then?: unknown }).then === "function"
  );
}

function shortText(v: unknown): string {
  const s = inspect(v, { depth: 2, breakLength: Infinity, maxStringLength: 60, maxArrayLength: 5 });
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

/** Name of the operator list state (SPLIT) holding the queued elements at a checkpoint. */
export const ASYNC_WAIT_STATE_NAME = "_async_wait_operator_state_";

/** A queued element as checkpointed: an input record (re-issued on restore) or an event. */
export type AsyncQueuedElement =
  { readonly kind: "record"; readonly value: unknown; readonly timestamp: number } | QueueEvent;

/** Settings of an {@link AsyncWaitOperator}. */
export interface AsyncWaitSettings {
  /** Emit in input order. */
  readonly ordered: boolean;
  /** Timeout per request in ms (0: none). */
  readonly timeoutMs: number;
  /** Maximum elements in the queue. */
  readonly capacity: number;
}

/** Runs asynchronous requests per record with bounded concurrency. */
export class AsyncWaitOperator extends OneInputOperator<unknown> {
  private readonly fn: AsyncFunction<unknown, unknown>;
  private readonly settings: AsyncWaitSettings;
  private readonly queue: StreamElementQueue<AsyncRequest>;
  private overflow: Overflow[] = [];
  private overflowHead = 0;
  private readonly inFlight = new Set<AsyncRequest>();
  private readonly timedOut: AsyncRequest[] = [];
  private failure: { readonly error: unknown } | null = null;
  private drainPosted = false;
  private finishing = false;
  private signalled = false;
  private finishWaiter: (() => void) | null = null;
  private closed = false;
  private queuedState!: ListState<AsyncQueuedElement>;

  /** Creates the operator for `fn`. */
  constructor(fn: AsyncFunction<unknown, unknown>, settings: AsyncWaitSettings) {
    super();
    this.fn = fn;
    this.settings = settings;
    this.userFunction = fn as RichFunction;
    this.queue = settings.ordered ? new OrderedQueue() : new UnorderedQueue();
  }

  /**
   * Opens the user function, then re-issues the elements of a restored checkpoint (requests
   * started again in their order, events queued between them) before any new input.
   */
  override async open(): Promise<void> {
    this.queuedState = this.ctx.operatorState.getListState(
      new ListStateDescriptor<AsyncQueuedElement>(ASYNC_WAIT_STATE_NAME),
    );
    const restored = [...this.queuedState.get()];
    await super.open();
    if (restored.length === 0) return;
    for (const el of restored) {
      if (el.kind === "record") this.processElement(el.value, el.timestamp);
      else if (el.kind === "watermark" || el.kind === "status") {
        // Queued without emitting: what is ready goes out in the task's first turn.
        if (this.canAcceptInput()) this.queue.addEvent(el);
        else this.overflow.push(el);
      } else {
        throw new Error(
          `operator '${this.name}': unknown element ${shortText(el)} in restored async state '${ASYNC_WAIT_STATE_NAME}'`,
        );
      }
    }
    this.requestDrain();
  }

  /**
   * Stores every element not yet emitted (the input of each running or completed request, and the
   * events between them, then the records waiting for a slot) in operator list state, then lets
   * a checkpointed user function snapshot. A pending request failure fails the checkpoint.
   */
  override snapshotState(checkpointId: number, timestamp: number): void | Promise<void> {
    this.throwIfFailed();
    const out: AsyncQueuedElement[] = [];
    for (const el of this.queue.elements(this.inFlight)) {
      out.push(
        el.kind === "record" ? { kind: "record", value: el.input, timestamp: el.timestamp } : el,
      );
    }
    for (let i = this.overflowHead; i < this.overflow.length; i++) {
      const item = this.overflow[i]!;
      out.push(
        item.kind === "pending" ? { kind: "record", value: item.value, timestamp: item.ts } : item,
      );
    }
    this.queuedState.update(out);
    return super.snapshotState(checkpointId, timestamp);
  }

  /** False while the queue is full or records wait for a slot: the task then reads no input. */
  override canAcceptInput(): boolean {
    return this.overflowHead === this.overflow.length && this.queue.size < this.settings.capacity;
  }

  /** Starts the request for `value`, or queues it until a slot is free. */
  processElement(value: unknown, timestamp: number): void {
    if (this.canAcceptInput()) this.start(value, timestamp);
    else this.overflow.push({ kind: "pending", value, ts: timestamp });
  }

  /** Queues the watermark behind the records before it. */
  override processWatermark(watermark: number): void {
    this.addEvent({ kind: "watermark", watermark });
  }

  /** Queues the status change behind the records before it. */
  override processWatermarkStatus(idle: boolean): void {
    this.addEvent({ kind: "status", idle });
  }

  private addEvent(event: QueueEvent): void {
    if (!this.canAcceptInput()) {
      this.overflow.push(event);
      return;
    }
    this.queue.addEvent(event);
    this.queue.emitCompleted(this.emit);
  }

  private start(value: unknown, timestamp: number): void {
    const req = new AsyncRequest(this, value, timestamp);
    this.queue.addRecord(req);
    this.inFlight.add(req);
    const timeoutMs = this.settings.timeoutMs;
    if (timeoutMs > 0) {
      const timers = this.ctx.timers;
      req.timer = timers.scheduleAt(timers.now() + timeoutMs, () => this.timerFired(req));
    }
    this.call(this.fn.asyncInvoke as Method, req);
  }

  /**
   * Calls `asyncInvoke` or `timeout`. A returned promise (or iterable) completes the request; a
   * function that does not take the future and returns nothing completes it without results.
   */
  private call(method: Method, req: AsyncRequest): void {
    const takesFuture = method.length >= 2;
    let r: AsyncReturn<unknown>;
    try {
      r = method.call(this.fn, req.input, req);
    } catch (e) {
      throw this.userError(e);
    }
    if (isThenable(r)) {
      r.then(
        (v) => {
          if (v !== undefined && v !== null) req.complete(v);
          else if (!takesFuture) req.complete([]);
        },
        (e: unknown) => req.completeExceptionally(e),
      );
    } else if (r !== undefined && r !== null) req.complete(r);
    else if (!takesFuture) req.complete([]);
  }

  /** A request completed with `results` (ignored when it already completed or the task ended). */
  completeRequest(req: AsyncRequest, results: Iterable<unknown>): void {
    if (req.settled || this.closed) return;
    let list: readonly unknown[];
    if (Array.isArray(results)) list = results;
    else if (
      results !== null &&
      typeof results === "object" &&
      typeof (results as Iterable<unknown>)[Symbol.iterator] === "function"
    ) {
      try {
        list = Array.from(results);
      } catch (e) {
        this.failRequest(req, e);
        return;
      }
    } else {
      this.failRequest(
        req,
        new TypeError(
          `an async request must complete with an iterable of results (e.g. an array), got ${shortText(results)}`,
        ),
      );
      return;
    }
    req.done = true;
    req.results = list;
    this.settle(req);
    this.queue.onCompleted(req);
    this.requestDrain();
  }

  /** A request failed: the next drain fails the task (ignored when already completed). */
  failRequest(req: AsyncRequest, error: unknown): void {
    if (req.settled || this.closed) return;
    this.settle(req);
    if (this.failure === null) this.failure = { error };
    this.requestDrain();
  }

  private settle(req: AsyncRequest): void {
    req.settled = true;
    req.timer?.cancel();
    req.timer = null;
    this.inFlight.delete(req);
  }

  private timerFired(req: AsyncRequest): void {
    req.timer = null;
    if (req.settled || this.closed) return;
    this.timedOut.push(req);
    this.requestDrain();
  }

  /** Has the queue emptied at the next opportunity: a mail, or the `finish` loop. */
  private requestDrain(): void {
    if (this.closed) return;
    if (this.finishing) {
      this.signalled = true;
      const w = this.finishWaiter;
      this.finishWaiter = null;
      w?.();
      return;
    }
    if (!this.drainPosted) {
      this.drainPosted = true;
      this.ctx.mailbox.execute(this.drainMail);
    }
  }

  private readonly drainMail = (): void => {
    this.drainPosted = false;
    this.drain();
  };

  /** Handles timeouts and failures, emits what is ready and starts waiting records. */
  private drain(): void {
    if (this.closed) return;
    this.throwIfFailed();
    while (this.timedOut.length > 0) {
      const req = this.timedOut.shift()!;
      if (req.settled) continue;
      if (typeof this.fn.timeout === "function") this.call(this.fn.timeout as Method, req);
      else {
        req.completeExceptionally(
          new AsyncTimeoutError(
            `async request timed out after ${this.settings.timeoutMs} ms for input ${shortText(req.input)} in operator '${this.name}' (give the AsyncFunction a timeout() method to handle timeouts)`,
          ),
        );
      }
      this.throwIfFailed();
    }
    this.queue.emitCompleted(this.emit);
    while (this.admitOverflow()) this.queue.emitCompleted(this.emit);
  }

  private throwIfFailed(): void {
    if (this.failure !== null) throw this.userError(this.failure.error);
  }

  /** Moves waiting records and events into the queue while it has room; true when any moved. */
  private admitOverflow(): boolean {
    const over = this.overflow;
    let moved = false;
    while (this.overflowHead < over.length && this.queue.size < this.settings.capacity) {
      const item = over[this.overflowHead]!;
      over[this.overflowHead++] = undefined as never;
      moved = true;
      if (item.kind === "pending") this.start(item.value, item.ts);
      else this.queue.addEvent(item);
    }
    if (this.overflowHead === over.length) {
      this.overflow = [];
      this.overflowHead = 0;
    }
    return moved;
  }

  private readonly emit = (el: QueueElement<AsyncRequest>): void => {
    if (el.kind === "record") {
      const rs = el.results!;
      const ts = el.timestamp;
      for (let i = 0; i < rs.length; i++) this.output.collect(rs[i], ts);
    } else if (el.kind === "watermark") {
      this.currentWatermark = el.watermark;
      this.output.emitWatermark(el.watermark);
    } else {
      this.output.emitWatermarkStatus(el.idle);
    }
  };

  /** End of input: waits for every request (and waiting record) and emits their results. */
  override async finish(): Promise<void> {
    this.finishing = true;
    this.signalled = false;
    this.drain();
    while (this.queue.size > 0 || this.overflowHead < this.overflow.length) {
      if (!this.signalled) await new Promise<void>((resolve) => (this.finishWaiter = resolve));
      this.signalled = false;
      if (this.closed) return;
      this.drain();
    }
  }

  /** Cancels pending timeouts; later completions are ignored. Closes the user function. */
  override close(): void | Promise<void> {
    this.closed = true;
    this.finishWaiter = null;
    for (const req of this.inFlight) req.timer?.cancel();
    this.inFlight.clear();
    return super.close();
  }
}
