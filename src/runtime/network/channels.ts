/**
 * Channels between subtasks. A producer writes records into a {@link ChannelWriter}; records are
 * batched (never one message per record) and delivered to the consumer's {@link InputChannel}.
 * Local channels (same thread) hand over arrays of objects; remote channels serialize into binary
 * buffers and move them through a {@link Transport}. Both apply credit-based flow control: a
 * producer may have at most `credits` undelivered batches per channel, so a slow consumer
 * backpressures its producers with bounded memory.
 */
import { RecordSerializationError } from "../../core/errors.ts";
import {
  DataInputView,
  RESERVED_TAG_BASE,
  DataOutputView,
  SerializationError,
  type TypeRegistry,
} from "../../core/serialization.ts";
import {
  CheckpointBarrier,
  END_OF_PARTITION,
  NO_TIMESTAMP,
  StreamEvent,
  WatermarkEvent,
  WatermarkStatusEvent,
} from "../events.ts";
import type { Transport } from "./transport.ts";

/** A batch handed over within one thread: parallel arrays of values (or events) and timestamps. */
export interface LocalBatch {
  /** Record values, or StreamEvent instances for events (the first `count` entries are valid). */
  readonly values: unknown[];
  /** Timestamps, parallel to `values`. */
  readonly timestamps: Float64Array;
  /** Number of valid entries. */
  count: number;
}

/** The producer side of a channel. */
export interface ChannelWriter {
  /** Appends a record. */
  write(value: unknown, timestamp: number): void;
  /** Appends an event (after all records written so far). */
  writeEvent(event: StreamEvent): void;
  /** Sends the partly filled batch now. */
  flush(): void;
  /** Whether the producer may write more without exceeding its credit. */
  isAvailable(): boolean;
  /** Whether records are waiting in the current, unsent batch. */
  hasPending(): boolean;
}

/** The consumer side of a channel: a FIFO of batches. */
export class InputChannel {
  /** Index within the consumer's gate. */
  readonly gateIndex: number;
  /** Which input of the consumer (1 or 2). */
  readonly typeNumber: 1 | 2;
  /** Global channel id. */
  readonly channelId: number;
  /** Pending batches (LocalBatch or serialized Uint8Array). */
  readonly queue: (LocalBatch | Uint8Array)[] = [];
  /** Consumed local batches, handed back to the writer for reuse. */
  readonly pool: LocalBatch[] = [];
  /** The last watermark received. */
  watermark = -Infinity;
  /** Whether the producer has finished. */
  finished = false;
  /** Whether the channel is idle (excluded from the watermark minimum). */
  idle = false;
  /**
   * Whether the channel's watermark takes part in the task's minimum: false while idle, and after
   * it became active again until its watermark caught up with the task's (see watermark-valve.ts).
   */
  aligned = true;
  /** Deserializer of a remote channel (keeps the structure table across buffers). */
  readonly reader: DataInputView | null;
  /** Called after a batch was consumed (returns credit / wakes the producer). */
  onConsumed: () => void = () => {};
  /** Called when a batch arrives (wakes the consumer). */
  onArrival: () => void = () => {};

  /** Creates a channel; `remote` channels get a deserializer. */
  constructor(
    gateIndex: number,
    typeNumber: 1 | 2,
    channelId: number,
    remote: boolean,
    registry: TypeRegistry | undefined,
  ) {
    this.gateIndex = gateIndex;
    this.typeNumber = typeNumber;
    this.channelId = channelId;
    this.reader = remote ? new DataInputView(undefined, registry) : null;
  }

  /** Enqueues a batch. */
  push(batch: LocalBatch | Uint8Array): void {
    this.queue.push(batch);
    this.onArrival();
  }
}

/** Writes into an InputChannel of the same thread. */
export class LocalChannelWriter implements ChannelWriter {
  private batch: LocalBatch;
  private readonly target: InputChannel;
  private readonly capacity: number;
  private readonly batchSize: number;

  /** Creates a writer to `target` with `capacity` batches of credit and `batchSize` records per batch. */
  constructor(target: InputChannel, capacity: number, batchSize: number) {
    this.target = target;
    this.capacity = capacity;
    this.batchSize = batchSize;
    this.batch = this.newBatch();
  }

  private newBatch(): LocalBatch {
    // Consumed batches come back through the channel's pool, so steady state allocates nothing.
    const recycled = this.target.pool.pop();
    if (recycled !== undefined) {
      recycled.count = 0;
      return recycled;
    }
    const n = this.batchSize + 1;
    return { values: new Array<unknown>(n), timestamps: new Float64Array(n), count: 0 };
  }

  /** Appends a record; hands the batch over when full. */
  write(value: unknown, timestamp: number): void {
    const b = this.batch;
    const i = b.count;
    b.values[i] = value;
    b.timestamps[i] = timestamp;
    b.count = i + 1;
    if (i + 1 >= this.batchSize) this.flush();
  }

  /** Appends an event. */
  writeEvent(event: StreamEvent): void {
    const b = this.batch;
    b.values[b.count] = event;
    b.timestamps[b.count] = NO_TIMESTAMP;
    b.count++;
    this.flush();
  }

  /** Hands the current batch to the consumer. */
  flush(): void {
    if (this.batch.count === 0) return;
    const full = this.batch;
    this.batch = this.newBatch();
    this.target.push(full);
  }

  /** Available while the consumer holds fewer than `capacity` batches. */
  isAvailable(): boolean {
    return this.target.queue.length < this.capacity;
  }

  /** Whether records wait in the current batch. */
  hasPending(): boolean {
    return this.batch.count > 0;
  }
}

/** Bytes of a buffer holding nothing but a checkpoint barrier (tag, id, time, flags, overtaken). */
const LONE_BARRIER_BYTES = 1 + 8 + 8 + 1 + 4;
/** Barrier flag bits. */
const BARRIER_SAVEPOINT = 1;
const BARRIER_UNALIGNED = 2;

/** Decodes a barrier's flags byte and overtaken count. */
function barrierOf(id: number, ts: number, flags: number, overtaken: number): CheckpointBarrier {
  return new CheckpointBarrier(
    id,
    ts,
    (flags & BARRIER_SAVEPOINT) !== 0,
    (flags & BARRIER_UNALIGNED) !== 0,
    overtaken,
  );
}

/**
 * The checkpoint barrier that ends `batch`, if any, without consuming it: the last element of a
 * local batch, or a remote buffer holding only a barrier (barriers always end their batch, and
 * remote writers send them alone).
 */
export function peekBarrier(batch: LocalBatch | Uint8Array): CheckpointBarrier | null {
  if (batch instanceof Uint8Array) {
    if (batch.length !== LONE_BARRIER_BYTES || batch[0] !== TAG_BARRIER) return null;
    const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
    return barrierOf(
      view.getFloat64(1, true),
      view.getFloat64(9, true),
      batch[17]!,
      view.getUint32(18, true),
    );
  }
  const last = batch.count > 0 ? batch.values[batch.count - 1] : undefined;
  return last instanceof CheckpointBarrier ? last : null;
}

/** Record tags of the binary channel format. */
// A record without timestamp is written as its bare value; everything else starts with a tag from
// the codec's reserved range, which no value starts with.
const TAG_RECORD_TS = RESERVED_TAG_BASE;
const TAG_WATERMARK = RESERVED_TAG_BASE + 1;
const TAG_END = RESERVED_TAG_BASE + 2;
const TAG_BARRIER = RESERVED_TAG_BASE + 3;
const TAG_STATUS = RESERVED_TAG_BASE + 4;

/**
 * Serializes records into buffers for a consumer in another slot. Records are first staged by
 * reference (as in a local batch: `write` is the same few stores on the hot path of the producer)
 * and serialized in one tight loop when the batch is full, flushed or followed by an event.
 */
export class RemoteChannelWriter implements ChannelWriter {
  private readonly out: DataOutputView;
  /** Staged records (not serialized yet) and their timestamps. */
  private readonly values: unknown[];
  private readonly timestamps: Float64Array;
  private staged = 0;
  /** Elements serialized into `out` and not sent yet. */
  private records = 0;
  private credits: number;
  private readonly pending: Uint8Array[] = [];
  private readonly transport: Transport;
  private readonly targetSlot: number;
  private readonly channelId: number;
  private readonly batchSize: number;
  private readonly maxBytes: number;
  private readonly describe: string;

  /** Creates a writer for channel `channelId` towards `targetSlot`. */
  constructor(
    transport: Transport,
    targetSlot: number,
    channelId: number,
    credits: number,
    batchSize: number,
    registry: TypeRegistry | undefined,
    describe: string,
  ) {
    this.transport = transport;
    this.targetSlot = targetSlot;
    this.channelId = channelId;
    this.credits = credits;
    this.batchSize = batchSize;
    this.maxBytes = 64 * 1024;
    this.out = new DataOutputView(this.maxBytes + 4096, registry);
    this.values = new Array<unknown>(batchSize + 1);
    this.timestamps = new Float64Array(batchSize + 1);
    this.describe = describe;
  }

  /** Stages a record; serializes and sends the batch when full. */
  write(value: unknown, timestamp: number): void {
    const i = this.staged;
    this.values[i] = value;
    this.timestamps[i] = timestamp;
    this.staged = i + 1;
    if (i + 1 >= this.batchSize) this.flush();
  }

  /** Serializes the staged records into `out`, sending a buffer whenever it reaches `maxBytes`. */
  private serializeStaged(): void {
    const n = this.staged;
    if (n === 0) return;
    const out = this.out;
    const values = this.values;
    const ts = this.timestamps;
    const maxBytes = this.maxBytes;
    let i = 0;
    /** Index of the first record of the current buffer. */
    let first = 0;
    let mark = out.position;
    try {
      for (; i < n; i++) {
        mark = out.position;
        const t = ts[i]!;
        if (t !== NO_TIMESTAMP) {
          out.writeUint8(TAG_RECORD_TS);
          out.writeFloat64(t);
        }
        out.writeValue(values[i]);
        if (out.position >= maxBytes) {
          this.records += i + 1 - first;
          first = i + 1;
          this.send();
        }
      }
      this.records += n - first;
    } catch (e) {
      out.truncate(mark);
      this.records += i - first;
      if (e instanceof SerializationError) {
        throw new RecordSerializationError(
          `a record ${this.describe} cannot cross to another worker thread: ${e.message}`,
          { cause: e },
        );
      }
      throw e;
    } finally {
      values.fill(undefined, 0, n);
      this.staged = 0;
    }
  }

  /**
   * Serializes an event (after the staged records) and sends the buffer. A checkpoint barrier
   * travels in a buffer of its own, so the receiver can see it on arrival ({@link peekBarrier});
   * an unaligned one is sent at once, ahead of the buffers waiting for credit, and tells the
   * receiver how many it overtook.
   */
  writeEvent(event: StreamEvent): void {
    this.serializeStaged();
    if (event instanceof CheckpointBarrier) {
      this.send();
      this.writeBarrier(event);
      return;
    }
    const out = this.out;
    if (event instanceof WatermarkEvent) {
      out.writeUint8(TAG_WATERMARK);
      out.writeFloat64(event.timestamp);
    } else if (event instanceof WatermarkStatusEvent) {
      out.writeUint8(TAG_STATUS);
      out.writeUint8(event.idle ? 1 : 0);
    } else {
      out.writeUint8(TAG_END);
    }
    this.records++;
    this.send();
  }

  private writeBarrier(barrier: CheckpointBarrier): void {
    const out = this.out;
    const overtaken = barrier.unaligned ? this.pending.length : 0;
    out.writeUint8(TAG_BARRIER);
    out.writeFloat64(barrier.checkpointId);
    out.writeFloat64(barrier.timestamp);
    out.writeUint8(
      (barrier.savepoint ? BARRIER_SAVEPOINT : 0) | (barrier.unaligned ? BARRIER_UNALIGNED : 0),
    );
    out.writeUint32(overtaken);
    if (!barrier.unaligned) {
      this.records++;
      this.send();
      return;
    }
    // Priority: the barrier goes now, whatever the credit. It still takes one (credit may go
    // negative), as the receiver returns one when it consumes the barrier's buffer.
    const bytes = out.toUint8Array();
    out.reset();
    this.credits--;
    this.transport.sendBuffer(this.targetSlot, this.channelId, bytes);
  }

  /** Serializes the staged records and sends the buffer (or queues it until credit arrives). */
  flush(): void {
    this.serializeStaged();
    this.send();
  }

  private send(): void {
    if (this.records === 0) return;
    const bytes = this.out.toUint8Array();
    this.out.reset();
    this.records = 0;
    if (this.credits > 0 && this.pending.length === 0) {
      this.credits--;
      this.transport.sendBuffer(this.targetSlot, this.channelId, bytes);
    } else {
      this.pending.push(bytes);
    }
  }

  /** Credit returned by the consumer: send queued buffers. */
  addCredit(n: number): void {
    this.credits += n;
    while (this.credits > 0 && this.pending.length > 0) {
      this.credits--;
      this.transport.sendBuffer(this.targetSlot, this.channelId, this.pending.shift()!);
    }
  }

  /** Available while no buffer waits for credit. */
  isAvailable(): boolean {
    return this.pending.length === 0;
  }

  /** Whether records wait in the current batch. */
  hasPending(): boolean {
    return this.staged > 0 || this.records > 0;
  }
}

/**
 * Decodes elements of the reader's current buffer into `batch` (records as values, events as
 * StreamEvent instances, like a local batch), at most `max` of them; returns false when the buffer
 * is exhausted. Decoding in one tight loop and then processing the batch with the local-batch loop
 * keeps both loops small and their call sites monomorphic.
 */
export function decodeInto(reader: DataInputView, batch: LocalBatch, max: number): boolean {
  const values = batch.values;
  const timestamps = batch.timestamps;
  let n = 0;
  let tag = reader.peekTag();
  while (tag >= 0 && n < max) {
    if (tag < TAG_RECORD_TS || tag > TAG_STATUS) {
      values[n] = reader.readValue();
      timestamps[n] = NO_TIMESTAMP;
    } else {
      reader.readUint8();
      timestamps[n] = NO_TIMESTAMP;
      switch (tag) {
        case TAG_RECORD_TS: {
          const ts = reader.readFloat64();
          values[n] = reader.readValue();
          timestamps[n] = ts;
          break;
        }
        case TAG_WATERMARK:
          values[n] = new WatermarkEvent(reader.readFloat64());
          break;
        case TAG_BARRIER: {
          const id = reader.readFloat64();
          const ts = reader.readFloat64();
          const flags = reader.readUint8();
          values[n] = barrierOf(id, ts, flags, reader.readUint32());
          break;
        }
        case TAG_STATUS:
          values[n] = new WatermarkStatusEvent(reader.readUint8() === 1);
          break;
        case TAG_END:
          values[n] = END_OF_PARTITION;
          break;
        default:
          throw new Error(`corrupt channel buffer: unknown element tag ${tag}`);
      }
    }
    n++;
    tag = reader.peekTag();
  }
  batch.count = n;
  return tag >= 0;
}
