/**
 * Where an operator emits: records (with timestamps), side-output records and watermarks. Within a
 * chain an output calls the next operator directly; at a chain's end it feeds record writers.
 */

/** The emitting side of an operator. */
export interface Output<T> {
  /** Emits a record with its timestamp (NO_TIMESTAMP for none). */
  collect(value: T, timestamp: number): void;
  /** Emits a record to the side output `tagId` (dropped when nothing consumes it). */
  collectSide(tagId: string, value: unknown, timestamp: number): void;
  /** Forwards a watermark. */
  emitWatermark(watermark: number): void;
}

/** A consumer of records and watermarks: a chained operator or a network writer. */
export interface RecordTarget {
  /** Receives a record. */
  push(value: unknown, timestamp: number): void;
  /** Receives a watermark. */
  watermark(watermark: number): void;
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
}
