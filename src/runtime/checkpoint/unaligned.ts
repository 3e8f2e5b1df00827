/**
 * Unaligned checkpoints: the in-flight data a task stores with a checkpoint. When a task takes an
 * unaligned snapshot, the records still queued in its input channels (and those arriving until
 * each channel's barrier is processed) were sent before the barrier but are not in the snapshot's
 * state; so are the buffers a remote sender still held for lack of credit, which the barrier
 * overtook (it carries their count, and they arrive after it). The {@link InFlightRecorder}
 * copies all of them as the task processes them, and the channel state file keeps them per input
 * gate. On restore they are processed first, before new input.
 *
 * Channel state file: magic `STROMCS1`, u32 LE CRC-32 of the body, body = one codec value
 * `{ gates: [gateIndex, values[], timestamps[], overtakenBuffers][] }` (the count is informational).
 */
import { crc32 } from "node:zlib";
import { DataInputView, DataOutputView, type TypeRegistry } from "../../core/serialization.ts";
import { StreamEvent } from "../events.ts";
import type { InputChannel, LocalBatch } from "../network/channels.ts";
import { CheckpointFormatError } from "./state-file.ts";

const MAGIC = "STROMCS1";

/** Records of one input gate stored with a checkpoint. */
export interface GateRecords {
  /** Index of the input channel in the task's gate. */
  readonly gate: number;
  /** Record values, in arrival order. */
  readonly values: unknown[];
  /** Their timestamps. */
  readonly timestamps: number[];
  /** How many of the recorded buffers an unaligned barrier had overtaken at the sender. */
  overtaken?: number;
}

/** Copies the records a task processes from channels that are still before a checkpoint's barrier. */
export class InFlightRecorder {
  /** The checkpoint recorded for. */
  readonly id: number;
  private readonly open = new Set<InputChannel>();
  private readonly gates = new Map<number, GateRecords>();
  /** Channels past their barrier, with the number of overtaken buffers still to record. */
  private readonly tails = new Map<InputChannel, number>();

  /** Records channels `channels` (unfinished, barrier `id` not processed yet). */
  constructor(id: number, channels: Iterable<InputChannel>) {
    this.id = id;
    for (const ch of channels) if (!ch.finished) this.open.add(ch);
  }

  /** Whether records of `ch` are recorded. */
  records(ch: InputChannel): boolean {
    return this.open.has(ch);
  }

  /** Copies the records (not the events) of `batch` read from `ch`. */
  add(ch: InputChannel, batch: LocalBatch): void {
    let g = this.gates.get(ch.gateIndex);
    if (g === undefined) {
      g = { gate: ch.gateIndex, values: [], timestamps: [] };
      this.gates.set(ch.gateIndex, g);
    }
    const { values, timestamps, count } = batch;
    for (let i = 0; i < count; i++) {
      const v = values[i];
      if (v instanceof StreamEvent) continue;
      g.values.push(v);
      g.timestamps.push(timestamps[i]!);
    }
  }

  /**
   * Channel `ch` delivered the barrier (or ended). With `overtaken` > 0 the barrier overtook that
   * many buffers at the sender: they are recorded too, as they arrive ({@link bufferDone}).
   */
  close(ch: InputChannel, overtaken = 0): void {
    if (overtaken > 0 && this.open.has(ch)) this.tails.set(ch, overtaken);
    else {
      this.open.delete(ch);
      this.tails.delete(ch);
    }
  }

  /** Whether `ch` delivered its barrier and the buffers it overtook are being recorded. */
  inTail(ch: InputChannel): boolean {
    return this.tails.size > 0 && this.tails.has(ch);
  }

  /** One overtaken buffer of `ch` was recorded and processed. */
  bufferDone(ch: InputChannel): void {
    const g = this.gates.get(ch.gateIndex);
    if (g !== undefined) g.overtaken = (g.overtaken ?? 0) + 1;
    const left = (this.tails.get(ch) ?? 1) - 1;
    if (left > 0) this.tails.set(ch, left);
    else {
      this.tails.delete(ch);
      this.open.delete(ch);
    }
  }

  /** Whether every channel delivered the barrier. */
  get done(): boolean {
    return this.open.size === 0;
  }

  /** The recorded records per gate. */
  result(): GateRecords[] {
    return [...this.gates.values()];
  }
}

/** Encodes a channel state file. */
export function encodeChannelState(gates: GateRecords[], registry: TypeRegistry): Uint8Array {
  const out = new DataOutputView(64 * 1024, registry);
  out.writeValue({
    gates: gates.map((g) => [g.gate, g.values, g.timestamps, g.overtaken ?? 0]),
  });
  const body = out.toUint8Array();
  const bytes = new Uint8Array(12 + body.length);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(bytes.buffer).setUint32(8, crc32(body), true);
  bytes.set(body, 12);
  return bytes;
}

/** Decodes a channel state file read from `path`; throws a {@link CheckpointFormatError}. */
export function decodeChannelState(
  path: string,
  bytes: Uint8Array,
  registry: TypeRegistry,
): GateRecords[] {
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new CheckpointFormatError(path, "not a Strom channel state file (bad magic bytes)");
  }
  const body = bytes.subarray(12);
  const crc = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (crc32(body) !== crc) {
    throw new CheckpointFormatError(path, "corrupt or truncated channel state (checksum mismatch)");
  }
  try {
    const v = new DataInputView(body, registry).readValue() as {
      gates: [number, unknown[], number[], number?][];
    };
    return v.gates.map(([gate, values, timestamps, overtaken]) =>
      overtaken ? { gate, values, timestamps, overtaken } : { gate, values, timestamps },
    );
  } catch (e) {
    throw new CheckpointFormatError(
      path,
      `cannot decode the channel state: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
}

/** Splits restored records into local batches of at most `size` records. */
export function toBatches(g: GateRecords, size: number): LocalBatch[] {
  const out: LocalBatch[] = [];
  for (let i = 0; i < g.values.length; i += size) {
    const n = Math.min(size, g.values.length - i);
    out.push({
      values: g.values.slice(i, i + n),
      timestamps: Float64Array.from(g.timestamps.slice(i, i + n)),
      count: n,
    });
  }
  return out;
}
