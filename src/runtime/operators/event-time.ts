/**
 * Watermark generation shared by the operators that create event time: sources with a
 * WatermarkStrategy and `assignTimestampsAndWatermarks`. {@link WatermarkEmitter} is the
 * generator's {@link WatermarkOutput}: it drops watermarks that do not advance, runs the periodic
 * emission and the idleness detection on the task's processing-time timers, and emits idle /
 * active status changes. The operators keep the per-record work (assigner, `onEvent`) themselves.
 */
import { inspect } from "node:util";
import {
  describeTimestamp,
  Watermark,
  type WatermarkGenerator,
  type WatermarkOutput,
  type WatermarkStrategy,
} from "../../api/watermarks.ts";
import type { Cancellable } from "../../core/time.ts";
import { MIN_WATERMARK } from "../events.ts";
import type { OperatorContext } from "./operator.ts";

/** Where a {@link WatermarkEmitter} sends what it decides (the operator's current output). */
export interface EmitterTarget {
  /** Emits an advancing watermark. */
  watermark(timestamp: number): void;
  /** Emits a status change. */
  status(idle: boolean): void;
  /** Wraps an error of user code (generator) with the operator's name. */
  userError(e: unknown): Error;
  /** Records the operator has emitted so far (activity, for the idleness detection). */
  recordCount(): number;
}

/** The generator's output: monotonic watermarks, periodic emission, idleness. */
export class WatermarkEmitter implements WatermarkOutput {
  /** Whether the output is idle; the operator calls {@link markActive} before its next record. */
  idle = false;
  /** The generator (created by {@link start}). */
  generator!: WatermarkGenerator<unknown>;
  private readonly strategy: WatermarkStrategy<unknown>;
  private readonly ctx: OperatorContext;
  private readonly target: EmitterTarget;
  private readonly operatorName: string;
  private current = MIN_WATERMARK;
  private periodic: Cancellable | null = null;
  private idleCheck: Cancellable | null = null;
  /** Idle because no record came for the timeout (then periodic emission pauses). */
  private idleByTimeout = false;
  /** Record count at the last idleness check, and the time from which no record was seen. */
  private seenRecords = 0;
  private quietSince = 0;
  private stopped = false;

  /** An emitter for the operator `operatorName` using `strategy`. */
  constructor(
    strategy: WatermarkStrategy<unknown>,
    ctx: OperatorContext,
    target: EmitterTarget,
    operatorName: string,
  ) {
    this.strategy = strategy;
    this.ctx = ctx;
    this.target = target;
    this.operatorName = operatorName;
  }

  /** Creates the generator and starts the periodic emission and the idleness detection. */
  start(): void {
    try {
      this.generator = this.strategy.createWatermarkGenerator();
    } catch (e) {
      throw this.target.userError(e);
    }
    if (
      !this.generator ||
      typeof this.generator.onEvent !== "function" ||
      typeof this.generator.onPeriodicEmit !== "function"
    ) {
      throw this.target.userError(
        new TypeError(
          `the WatermarkStrategy of '${this.operatorName}' created ${describeTimestamp(this.generator)} instead of a WatermarkGenerator with onEvent() and onPeriodicEmit()`,
        ),
      );
    }
    this.schedulePeriodic();
    if (this.strategy.idleTimeout !== null) {
      this.seenRecords = this.target.recordCount();
      this.quietSince = this.ctx.timers.now();
      this.scheduleIdleCheck(this.quietSince);
    }
  }

  /** Emits `watermark` if it advances (making an idle output active first). */
  emitWatermark(watermark: Watermark | number): void {
    const ts = watermark instanceof Watermark ? watermark.getTimestamp() : watermark;
    if (typeof ts !== "number" || Number.isNaN(ts)) {
      throw new TypeError(
        `the watermark generator of '${this.operatorName}' emitted ${describeTimestamp(watermark)}: expected a Watermark or a number of milliseconds`,
      );
    }
    if (ts <= this.current) return;
    this.current = ts;
    if (this.idle) this.markActive();
    this.target.watermark(ts);
  }

  /** Marks the output idle (no-op when it already is). */
  markIdle(): void {
    if (this.idle) return;
    this.idle = true;
    this.target.status(true);
  }

  /** Marks the output active again (no-op when it is); idleness detection restarts. */
  markActive(): void {
    if (!this.idle) return;
    this.idle = false;
    this.target.status(false);
    if (this.idleByTimeout) {
      this.idleByTimeout = false;
      if (!this.stopped) {
        this.seenRecords = this.target.recordCount();
        this.quietSince = this.ctx.timers.now();
        this.scheduleIdleCheck(this.quietSince);
      }
    }
  }

  /** The error for an assigner result that is not a timestamp. */
  invalidTimestamp(record: unknown, ts: unknown): Error {
    return this.target.userError(
      new TypeError(
        `timestamp assigner of '${this.operatorName}' returned ${describeTimestamp(ts)} for record ${describeRecord(record)}: expected a number of milliseconds`,
      ),
    );
  }

  /** Stops the timers (end of input, close, failure). */
  stop(): void {
    this.stopped = true;
    this.periodic?.cancel();
    this.periodic = null;
    this.idleCheck?.cancel();
    this.idleCheck = null;
  }

  private schedulePeriodic(): void {
    const interval = this.ctx.autoWatermarkInterval;
    if (!(interval > 0) || this.stopped) return;
    this.periodic = this.ctx.registerProcessingTimer(this.ctx.timers.now() + interval, () => {
      this.periodic = null;
      if (this.stopped) return;
      // As Flink's WatermarksWithIdleness: an output idle for lack of records emits nothing.
      if (!this.idleByTimeout) {
        try {
          this.generator.onPeriodicEmit(this);
        } catch (e) {
          throw this.target.userError(e);
        }
      }
      this.schedulePeriodic();
    });
  }

  /**
   * Checks for records every `min(autoWatermarkInterval, timeout)` ms (every timeout when periodic
   * emission is off). Records seen since the last check restart the quiet period at this check,
   * so the output goes idle at least `timeout` and at most one check period plus `timeout` after
   * its last record.
   */
  private scheduleIdleCheck(now: number): void {
    const timeout = this.strategy.idleTimeout!;
    const interval = this.ctx.autoWatermarkInterval;
    const period = interval > 0 ? Math.min(interval, timeout) : timeout;
    const due = this.quietSince + timeout;
    // Already quiet for the timeout but idle by the generator's own markIdle(): keep polling.
    const at = due > now ? Math.min(now + period, due) : now + period;
    this.idleCheck = this.ctx.registerProcessingTimer(at, () => {
      this.idleCheck = null;
      if (this.stopped) return;
      const t = this.ctx.timers.now();
      const records = this.target.recordCount();
      if (records !== this.seenRecords) {
        this.seenRecords = records;
        this.quietSince = t;
      } else if (t - this.quietSince >= timeout && !this.idle) {
        this.idleByTimeout = true;
        this.markIdle();
        return; // the next record restarts the detection (markActive)
      }
      this.scheduleIdleCheck(t);
    });
  }
}

/** A short one-line rendering of a record for error messages. */
export function describeRecord(record: unknown): string {
  const text = inspect(record, {
    depth: 2,
    breakLength: Infinity,
    compact: true,
    maxArrayLength: 10,
    maxStringLength: 80,
  });
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
