/**
 * Control events that travel in the stream between records, in order, through every channel.
 */

/** The timestamp of a record that has none. */
export const NO_TIMESTAMP = -Infinity;

/** The watermark sent at the end of a bounded input: all event-time timers fire. */
export const MAX_WATERMARK = Infinity;

/** The watermark before any was received. */
export const MIN_WATERMARK = -Infinity;

/** Base class of in-stream control events (never a user record). */
export abstract class StreamEvent {
  /** Discriminator for exhaustive switches. */
  abstract readonly kind: "watermark" | "endOfPartition" | "barrier" | "watermarkStatus";
}

/** Event time has advanced to `timestamp` on this channel. */
export class WatermarkEvent extends StreamEvent {
  /** Discriminator. */
  readonly kind = "watermark" as const;
  /** The watermark's time, ms. */
  readonly timestamp: number;
  /** Creates a watermark event. */
  constructor(timestamp: number) {
    super();
    this.timestamp = timestamp;
  }
}

/** The producer of this channel has finished; nothing follows. */
export class EndOfPartitionEvent extends StreamEvent {
  /** Discriminator. */
  readonly kind = "endOfPartition" as const;
}

/** A checkpoint barrier: everything before it belongs to checkpoint `checkpointId`. */
export class CheckpointBarrier extends StreamEvent {
  /** Discriminator. */
  readonly kind = "barrier" as const;
  /** The checkpoint's id. */
  readonly checkpointId: number;
  /** When the checkpoint was triggered (ms). */
  readonly timestamp: number;
  /** Whether it is a savepoint (self-contained: full state files only). */
  readonly savepoint: boolean;
  /**
   * Whether it belongs to an unaligned checkpoint: a remote sender then sends it ahead of the
   * buffers still waiting for credit (it overtakes them).
   */
  readonly unaligned: boolean;
  /**
   * On the receiving side: how many buffers of its channel this barrier overtook at the sender.
   * They arrive after it but belong before it, so the receiver stores them as in-flight data.
   */
  readonly overtaken: number;
  /** Creates a barrier. */
  constructor(
    checkpointId: number,
    timestamp: number,
    savepoint = false,
    unaligned = false,
    overtaken = 0,
  ) {
    super();
    this.checkpointId = checkpointId;
    this.timestamp = timestamp;
    this.savepoint = savepoint;
    this.unaligned = unaligned;
    this.overtaken = overtaken;
  }
}

/** The channel became idle (excluded from watermark minimums) or active again. */
export class WatermarkStatusEvent extends StreamEvent {
  /** Discriminator. */
  readonly kind = "watermarkStatus" as const;
  /** Whether the channel is idle. */
  readonly idle: boolean;
  /** Creates a status event. */
  constructor(idle: boolean) {
    super();
    this.idle = idle;
  }
}

/** The shared idle status event. */
export const WATERMARK_STATUS_IDLE = new WatermarkStatusEvent(true);

/** The shared active status event. */
export const WATERMARK_STATUS_ACTIVE = new WatermarkStatusEvent(false);

/** The shared end-of-partition instance. */
export const END_OF_PARTITION = new EndOfPartitionEvent();
