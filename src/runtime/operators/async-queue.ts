/**
 * The element queues of the async wait operator (Flink's StreamElementQueue): they hold the
 * requests in flight (and completed ones not yet emitted) together with the watermarks and
 * watermark-status changes between them, and decide what may be emitted. The ordered queue emits
 * strictly in input order; the unordered queue emits requests as they complete, but only within
 * the segment between two events, so nothing crosses a watermark.
 */

/** A watermark or a watermark-status change, queued between requests. */
export type QueueEvent =
  | { readonly kind: "watermark"; readonly watermark: number }
  | { readonly kind: "status"; readonly idle: boolean };

type Ev = QueueEvent;

/** A request as the queue sees it. */
export interface QueuedRequest {
  /** Discriminates requests from events. */
  readonly kind: "record";
  /** Whether the request completed successfully (its results are set). */
  done: boolean;
  /** The segment of the unordered queue holding the request (set by that queue). */
  segment: unknown;
}

/** A request or an event. */
export type QueueElement<R extends QueuedRequest> = R | Ev;

/** The queue contract shared by both modes. */
export interface StreamElementQueue<R extends QueuedRequest> {
  /** Requests and events not yet emitted (what counts against the capacity). */
  readonly size: number;
  /** Adds a request that was just started. */
  addRecord(request: R): void;
  /** Adds a watermark or watermark-status change. */
  addEvent(event: Ev): void;
  /** Tells the queue that `request` completed (`done` is already set). */
  onCompleted(request: R): void;
  /** Emits (and removes) everything that may be emitted now, in order; returns how many. */
  emitCompleted(emit: (element: QueueElement<R>) => void): number;
  /**
   * Every element not yet emitted (requests running or completed, and events), for a checkpoint:
   * in input order, except that the unordered queue lists a segment's completed requests before
   * its running ones. `running` gives the requests still running, in start order.
   */
  elements(running: Iterable<R>): QueueElement<R>[];
}

/** Emits strictly in input order: an element leaves only once all before it have. */
export class OrderedQueue<R extends QueuedRequest> implements StreamElementQueue<R> {
  private items: (QueueElement<R> | undefined)[] = [];
  private head = 0;

  /** Elements not yet emitted. */
  get size(): number {
    return this.items.length - this.head;
  }
  /** Appends a request. */
  addRecord(request: R): void {
    this.items.push(request);
  }
  /** Appends an event. */
  addEvent(event: Ev): void {
    this.items.push(event);
  }
  /** Nothing to do: the head is checked when emitting. */
  onCompleted(): void {}
  /** Emits the completed prefix. */
  emitCompleted(emit: (element: QueueElement<R>) => void): number {
    const items = this.items;
    let n = 0;
    while (this.head < items.length) {
      const el = items[this.head]!;
      if (el.kind === "record" && !el.done) break;
      items[this.head++] = undefined;
      n++;
      emit(el);
    }
    if (this.head === items.length) {
      items.length = 0;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > items.length) {
      this.items = items.slice(this.head);
      this.head = 0;
    }
    return n;
  }
  /** The elements from the head on. */
  elements(): QueueElement<R>[] {
    return this.items.slice(this.head) as QueueElement<R>[];
  }
}

/** Requests between two events, closed by the later event. */
interface Segment<R> {
  /** Requests of the segment still running. */
  inFlight: number;
  /** Completed requests of the segment, in completion order. */
  readonly ready: R[];
  /** The event ending the segment, or null for the open last segment. */
  closer: Ev | null;
}

/** Emits requests as they complete, but never across an event. */
export class UnorderedQueue<R extends QueuedRequest> implements StreamElementQueue<R> {
  private readonly segments: Segment<R>[] = [];
  private count = 0;

  /** Elements not yet emitted. */
  get size(): number {
    return this.count;
  }
  private open(): Segment<R> {
    const last = this.segments[this.segments.length - 1];
    if (last !== undefined && last.closer === null) return last;
    const seg: Segment<R> = { inFlight: 0, ready: [], closer: null };
    this.segments.push(seg);
    return seg;
  }
  /** Adds a request to the open segment. */
  addRecord(request: R): void {
    const seg = this.open();
    seg.inFlight++;
    request.segment = seg;
    this.count++;
  }
  /** Closes the open segment with `event`. */
  addEvent(event: Ev): void {
    this.open().closer = event;
    this.count++;
  }
  /** Moves the request to its segment's ready list. */
  onCompleted(request: R): void {
    const seg = request.segment as Segment<R>;
    seg.inFlight--;
    seg.ready.push(request);
  }
  /** Emits the first segment's completed requests, and its event once all of them completed. */
  emitCompleted(emit: (element: QueueElement<R>) => void): number {
    let n = 0;
    while (this.segments.length > 0) {
      const seg = this.segments[0]!;
      const ready = seg.ready;
      for (let i = 0; i < ready.length; i++) {
        const r = ready[i]!;
        this.count--;
        n++;
        emit(r);
      }
      ready.length = 0;
      if (seg.inFlight > 0 || seg.closer === null) break;
      this.segments.shift();
      this.count--;
      n++;
      emit(seg.closer);
    }
    return n;
  }
  /** Segment by segment: its completed requests, its running ones, then its closing event. */
  elements(running: Iterable<R>): QueueElement<R>[] {
    const bySegment = new Map<unknown, R[]>();
    for (const r of running) {
      const list = bySegment.get(r.segment);
      if (list === undefined) bySegment.set(r.segment, [r]);
      else list.push(r);
    }
    const out: QueueElement<R>[] = [];
    for (const seg of this.segments) {
      out.push(...seg.ready, ...(bySegment.get(seg) ?? []));
      if (seg.closer !== null) out.push(seg.closer);
    }
    return out;
  }
}
