/**
 * The interval join operator: a two-input keyed operator that buffers both inputs in keyed map
 * state (timestamp -> records) and joins each new record with the buffered records of the other
 * input whose timestamps fall in the interval. Event-time timers remove a bucket once the
 * watermark has passed the last timestamp a future record of the other side could join it with.
 *
 * A record is late when its timestamp is at or behind the operator's watermark (the watermark
 * contract: no such records are expected any more). Late records are sent to the side output of
 * their input, or dropped and counted in the accumulator `<operator>.numLateRecordsDropped`.
 * Every record that is not late meets all its partners: a bucket's cleanup time is never before
 * the timestamps of the records still allowed to join it.
 */
import { LongCounter } from "../../api/accumulators.ts";
import type { OutputTag } from "../../api/functions.ts";
import type { IntervalJoinOperatorSpec, ProcessJoinContext } from "../../api/joins.ts";
import { MapStateDescriptor, type MapState } from "../../api/state.ts";
import { PlacedError } from "../../core/errors.ts";
import { NO_TIMESTAMP } from "../events.ts";
import type { Output } from "../output.ts";
import type { InternalTimer, InternalTimerService, Triggerable } from "../state/timers.ts";
import { TimestampedCollector } from "./functions-support.ts";
import { TwoInputOperator } from "./operator.ts";

/** Names of the operator's keyed states and timer services (prefixed to stay clear of user state). */
export const INTERVAL_JOIN_LEFT_BUFFER = "__strom.intervalJoin.leftBuffer";
/** Keyed map state of the right input's records (timestamp -> records). */
export const INTERVAL_JOIN_RIGHT_BUFFER = "__strom.intervalJoin.rightBuffer";

/** The context handed to the join function (reused for every pair). */
class JoinContext implements ProcessJoinContext {
  left = 0;
  right = 0;
  private readonly out: Output<unknown>;
  constructor(out: Output<unknown>) {
    this.out = out;
  }
  getLeftTimestamp(): number {
    return this.left;
  }
  getRightTimestamp(): number {
    return this.right;
  }
  getTimestamp(): number {
    return Math.max(this.left, this.right);
  }
  output<X>(tag: OutputTag<X>, value: X): void {
    this.out.collectSide(tag.id, value, this.getTimestamp());
  }
}

/** Removes the bucket a cleanup timer names (its namespace is the bucket's timestamp). */
class BucketCleaner implements Triggerable<number> {
  private readonly buffer: MapState<number, unknown[]>;
  constructor(buffer: MapState<number, unknown[]>) {
    this.buffer = buffer;
  }
  onEventTime(timer: InternalTimer<number>): void {
    this.buffer.remove(timer.namespace);
  }
  onProcessingTime(): void {}
}

/** Runs a `"intervalJoin"` spec. */
export class IntervalJoinOperator extends TwoInputOperator<unknown, unknown> {
  private readonly fn: IntervalJoinOperatorSpec["fn"];
  private readonly spec: IntervalJoinOperatorSpec;
  private leftBuffer!: MapState<number, unknown[]>;
  private rightBuffer!: MapState<number, unknown[]>;
  private leftTimers!: InternalTimerService<number>;
  private rightTimers!: InternalTimerService<number>;
  private collector!: TimestampedCollector<unknown>;
  private context!: JoinContext;
  private lateCounter: LongCounter | null = null;

  /** Creates the operator for `spec` (with the subtask's own copy of the function). */
  constructor(spec: IntervalJoinOperatorSpec) {
    super();
    this.spec = spec;
    this.fn = spec.fn;
    this.userFunction = spec.fn;
  }

  /** Creates the buffers and cleanup timers, then opens the function. */
  override open(): void | Promise<void> {
    const backend = this.ctx.keyedBackend;
    const timers = this.ctx.timeServiceManager;
    if (backend === null || timers === null || this.ctx.keys.some((k) => k === null))
      throw new PlacedError(
        `interval join '${this.name}' needs two keyed inputs (keyBy() both streams before intervalJoin())`,
      );
    this.leftBuffer = backend.getOrCreateKeyedState(
      new MapStateDescriptor<number, unknown[]>(INTERVAL_JOIN_LEFT_BUFFER, "number"),
    );
    this.rightBuffer = backend.getOrCreateKeyedState(
      new MapStateDescriptor<number, unknown[]>(INTERVAL_JOIN_RIGHT_BUFFER, "number"),
    );
    const ns = (n: number): number => n;
    this.leftTimers = timers.getInternalTimerService(
      "intervalJoin.leftCleanup",
      ns,
      new BucketCleaner(this.leftBuffer),
    );
    this.rightTimers = timers.getInternalTimerService(
      "intervalJoin.rightCleanup",
      ns,
      new BucketCleaner(this.rightBuffer),
    );
    this.collector = new TimestampedCollector(this.output);
    this.context = new JoinContext(this.output);
    return super.open();
  }

  /** A record of the left input. */
  processElement1(value: unknown, timestamp: number): void {
    if (!this.admit(value, timestamp, true)) return;
    this.buffer(this.leftBuffer, value, timestamp);
    // Left `a` joins right `b` while b.ts <= a.ts + upper can still arrive.
    const cleanup = Math.max(timestamp, timestamp + this.spec.upperBound);
    this.leftTimers.registerEventTimeTimer(timestamp, cleanup);
    const ctx = this.context;
    ctx.left = timestamp;
    for (const [ts, records] of this.rightBuffer.entries()) {
      if (!this.inInterval(ts - timestamp)) continue;
      ctx.right = ts;
      for (const r of records) this.emit(value, r);
    }
  }

  /** A record of the right input. */
  processElement2(value: unknown, timestamp: number): void {
    if (!this.admit(value, timestamp, false)) return;
    this.buffer(this.rightBuffer, value, timestamp);
    // Right `b` joins left `a` while a.ts >= b.ts - upper ... a.ts <= b.ts - lower can still arrive.
    const cleanup = Math.max(timestamp, timestamp - this.spec.lowerBound);
    this.rightTimers.registerEventTimeTimer(timestamp, cleanup);
    const ctx = this.context;
    ctx.right = timestamp;
    for (const [ts, records] of this.leftBuffer.entries()) {
      if (!this.inInterval(timestamp - ts)) continue;
      ctx.left = ts;
      for (const l of records) this.emit(l, value);
    }
  }

  /** Whether `right.ts - left.ts = diff` lies within the bounds. */
  private inInterval(diff: number): boolean {
    const s = this.spec;
    return (
      (s.lowerBoundInclusive ? diff >= s.lowerBound : diff > s.lowerBound) &&
      (s.upperBoundInclusive ? diff <= s.upperBound : diff < s.upperBound)
    );
  }

  private buffer(state: MapState<number, unknown[]>, value: unknown, timestamp: number): void {
    const list = state.get(timestamp);
    if (list === null) state.put(timestamp, [value]);
    else {
      list.push(value);
      state.put(timestamp, list);
    }
  }

  private emit(left: unknown, right: unknown): void {
    const ctx = this.context;
    this.collector.timestamp = ctx.getTimestamp();
    try {
      this.fn.processElement(left, right, ctx, this.collector);
    } catch (e) {
      throw this.userError(e);
    }
  }

  /** Checks the timestamp; sends late records to their side output (or counts them). */
  private admit(value: unknown, timestamp: number, left: boolean): boolean {
    if (timestamp === NO_TIMESTAMP || Number.isNaN(timestamp))
      throw new PlacedError(
        `interval join '${this.name}' (subtask ${this.ctx.subtaskIndex + 1}/${this.ctx.parallelism}) received a record without timestamp on its ${left ? "left" : "right"} input: interval joins work in event time; did you forget assignTimestampsAndWatermarks() (or a WatermarkStrategy with a timestamp assigner on the source)?`,
      );
    if (timestamp > this.currentWatermark) return true;
    const tag = left ? this.spec.leftLateDataTag : this.spec.rightLateDataTag;
    if (tag !== null) this.output.collectSide(tag, value, timestamp);
    else this.countLate();
    return false;
  }

  private countLate(): void {
    if (this.lateCounter === null) {
      // Visible in the job result as the accumulator `<operator name>.numLateRecordsDropped`.
      const rc = this.ctx.runtimeContext;
      const name = `${this.name}.numLateRecordsDropped`;
      const existing = rc.getAccumulator<number, number>(name);
      if (existing instanceof LongCounter) this.lateCounter = existing;
      else rc.addAccumulator(name, (this.lateCounter = new LongCounter()));
    }
    this.lateCounter.add(1);
  }
}
