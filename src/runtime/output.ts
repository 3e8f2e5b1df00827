/**
 * Where an operator emits: records (with timestamps), side-output records, watermarks and watermark
 * status (idle / active). Within a chain an output calls the next operator directly; at a chain's
 * end it feeds record writers. Watermarks and status go to every target, main and side.
 */

/** The emitting side of an operator. */
export interface Output<T> {
  /** Emits a record with its timestamp (NO_TIMESTAMP for none). */
  collect(value: T, timestamp: number): void;
  /** Emits a record to the side output `tagId` (dropped when nothing consumes it). */
  collectSide(tagId: string, value: unknown, timestamp: number): void;
  /** Forwards a watermark. */
  emitWatermark(watermark: number): void;
  /** Forwards a watermark status change: idle (left out of watermark minimums) or active again. */
  emitWatermarkStatus(idle: boolean): void;
}

/** A consumer of records and watermarks: a chained operator or a network writer. */
export interface RecordTarget {
  /** Receives a record. */
  push(value: unknown, timestamp: number): void;
  /** Receives a watermark. */
  watermark(watermark: number): void;
  /** Receives a watermark status change. */
  watermarkStatus(idle: boolean): void;
}

/** Routes an operator's main and side outputs to their targets. */
export class RoutingOutput implements Output<unknown> {
  private readonly main: RecordTarget[];
  private readonly single: RecordTarget | null;
  private readonly side: Map<string, RecordTarget[]>;
  private readonly all: RecordTarget[];

  /** Creates an output with main targets and side targets by tag. */
  constructor(main: RecordTarget[], side: Map<string, RecordTarget[]>) {
    this.main = main;
    this.single = main.length === 1 ? main[0]! : null;
    this.side = side;
    this.all = [...main, ...[...side.values()].flat()];
  }

  /** Sends to every main target. */
  collect(value: unknown, timestamp: number): void {
    const s = this.single;
    if (s !== null) {
      s.push(value, timestamp);
      return;
    }
    const m = this.main;
    for (let i = 0; i < m.length; i++) m[i]!.push(value, timestamp);
  }

  /** Sends to the targets of `tagId`. */
  collectSide(tagId: string, value: unknown, timestamp: number): void {
    const targets = this.side.get(tagId);
    if (!targets) return;
    for (const t of targets) t.push(value, timestamp);
  }

  /** Sends the watermark to every target, main and side. */
  emitWatermark(watermark: number): void {
    for (const t of this.all) t.watermark(watermark);
  }

  /** Sends the status to every target, main and side. */
  emitWatermarkStatus(idle: boolean): void {
    for (const t of this.all) t.watermarkStatus(idle);
  }
}

/** The common case: one chained successor and no side outputs. Calls it directly. */
export class DirectOutput implements Output<unknown> {
  private readonly target: RecordTarget;

  /** Creates an output feeding `target` only. */
  constructor(target: RecordTarget) {
    this.target = target;
  }

  /** Sends to the single target. */
  collect(value: unknown, timestamp: number): void {
    this.target.push(value, timestamp);
  }

  /** No side outputs are consumed: dropped. */
  collectSide(): void {}

  /** Forwards the watermark. */
  emitWatermark(watermark: number): void {
    this.target.watermark(watermark);
  }

  /** Forwards the status. */
  emitWatermarkStatus(idle: boolean): void {
    this.target.watermarkStatus(idle);
  }
}

/** What a chained successor must offer (a one-input operator). */
export interface ChainedOperator {
  /** Processes one record. */
  processElement(value: unknown, timestamp: number): void;
  /** Processes a watermark. */
  processWatermark(watermark: number): void;
  /** Processes a watermark status change. */
  processWatermarkStatus(idle: boolean): void;
}

/** Output of an operator whose only consumer is the next operator of its chain. */
export class ChainOutput implements Output<unknown> {
  /** The chained successor. */
  readonly op: ChainedOperator;
  /** Feeds `op`. */
  constructor(op: ChainedOperator) {
    this.op = op;
  }
  /** Calls the successor directly. */
  collect(value: unknown, timestamp: number): void {
    this.op.processElement(value, timestamp);
  }
  /** No side outputs are consumed: dropped. */
  collectSide(): void {}
  /** Forwards the watermark. */
  emitWatermark(watermark: number): void {
    this.op.processWatermark(watermark);
  }
  /** Forwards the status. */
  emitWatermarkStatus(idle: boolean): void {
    this.op.processWatermarkStatus(idle);
  }
}
