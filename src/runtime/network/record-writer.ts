/**
 * RecordWriter: a producer subtask's output on one edge. It selects a channel per record with the
 * edge's partitioner and broadcasts events (watermarks, watermark status, end of partition) to
 * every channel.
 */
import {
  StreamEvent,
  WatermarkEvent,
  WATERMARK_STATUS_ACTIVE,
  WATERMARK_STATUS_IDLE,
} from "../events.ts";
import type { RecordTarget } from "../output.ts";
import type { ChannelWriter } from "./channels.ts";
import { BROADCAST, type ChannelSelector } from "./partitioners.ts";

/** Writes a subtask's records on one edge to the right channels. */
export class RecordWriter implements RecordTarget {
  /** Channel writers, by output index. */
  readonly channels: ChannelWriter[];
  private readonly selector: ChannelSelector;
  private readonly single: ChannelWriter | null;

  /** Creates a writer over `channels` choosing with `selector`. */
  constructor(channels: ChannelWriter[], selector: ChannelSelector, forwardOnly: boolean) {
    this.channels = channels;
    this.selector = selector;
    this.single = forwardOnly && channels.length === 1 ? channels[0]! : null;
  }

  /** Routes one record. */
  push(value: unknown, timestamp: number): void {
    const s = this.single;
    if (s !== null) {
      s.write(value, timestamp);
      return;
    }
    const c = this.selector.select(value);
    if (c === BROADCAST) {
      for (const ch of this.channels) ch.write(value, timestamp);
    } else {
      this.channels[c]!.write(value, timestamp);
    }
  }

  /** Broadcasts a watermark. */
  watermark(watermark: number): void {
    this.broadcastEvent(new WatermarkEvent(watermark));
  }

  /** Broadcasts a watermark status change. */
  watermarkStatus(idle: boolean): void {
    this.broadcastEvent(idle ? WATERMARK_STATUS_IDLE : WATERMARK_STATUS_ACTIVE);
  }

  /** Sends an event to every channel. */
  broadcastEvent(event: StreamEvent): void {
    for (const ch of this.channels) ch.writeEvent(event);
  }
}
