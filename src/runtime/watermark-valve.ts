/**
 * The watermark valve of a task (Flink's StatusWatermarkValve): combines the watermarks and the
 * idle/active status of the task's input channels into the task's own watermark and status.
 *
 * - The task's watermark is the minimum over the channels that are active, unfinished and
 *   *aligned*, and it never decreases.
 * - An idle channel is left out. A channel that becomes active again rejoins the minimum only once
 *   its watermark has caught up with the task's (until then it is unaligned), so a re-activated
 *   channel that is behind never moves the task's watermark back.
 * - When every unfinished channel is idle, the task's watermark advances to the largest watermark
 *   of its channels and the task becomes idle itself; it becomes active again with the first
 *   channel that does.
 * - Watermarks arriving on an idle channel are ignored (producers send ACTIVE before them).
 */
import { MIN_WATERMARK } from "./events.ts";

/** What the valve reads and keeps per input channel (fields of `InputChannel`). */
export interface ValveChannel {
  /** The channel's last watermark. */
  watermark: number;
  /** Whether the channel is idle. */
  idle: boolean;
  /** Whether the channel takes part in the minimum (caught up since it became active). */
  aligned: boolean;
  /** Whether the producer has finished. */
  finished: boolean;
}

/** Receives what the valve decides (the task's head operator). */
export interface ValveOutput {
  /** The task's watermark advanced. */
  watermark(watermark: number): void;
  /** The task became idle (`true`) or active again. */
  status(idle: boolean): void;
}

/** Combines a task's input channels' watermarks and status. */
export class StatusWatermarkValve {
  /** The last watermark emitted. */
  watermark = MIN_WATERMARK;
  /** Whether the task's output is idle. */
  idle = false;
  private readonly channels: readonly ValveChannel[];
  private readonly output: ValveOutput;

  /** A valve over `channels`, emitting to `output`. */
  constructor(channels: readonly ValveChannel[], output: ValveOutput) {
    this.channels = channels;
    this.output = output;
  }

  /** A watermark arrived on `ch`. */
  inputWatermark(ch: ValveChannel, watermark: number): void {
    if (ch.idle || ch.finished || watermark <= ch.watermark) return;
    ch.watermark = watermark;
    if (!ch.aligned && watermark >= this.watermark) ch.aligned = true;
    this.advanceToMinimum();
  }

  /** `ch` became idle (`true`) or active again. */
  inputStatus(ch: ValveChannel, idle: boolean): void {
    if (ch.finished || ch.idle === idle) return;
    ch.idle = idle;
    if (idle) {
      ch.aligned = false;
      if (this.hasActiveChannel()) this.advanceToMinimum();
      else this.becomeIdle();
    } else {
      ch.aligned = ch.watermark >= this.watermark;
      if (this.idle) {
        this.idle = false;
        this.output.status(false);
      }
    }
  }

  /** The producer of `ch` has finished: it no longer counts. */
  channelFinished(ch: ValveChannel): void {
    if (ch.finished) return;
    ch.finished = true;
    this.advanceToMinimum();
    if (!this.idle && !this.hasActiveChannel() && this.channels.some((c) => !c.finished)) {
      this.becomeIdle();
    }
  }

  private hasActiveChannel(): boolean {
    for (const ch of this.channels) if (!ch.finished && !ch.idle) return true;
    return false;
  }

  /** Emits the minimum over active aligned channels when it advances. */
  private advanceToMinimum(): void {
    let min = Infinity;
    let any = false;
    for (const ch of this.channels) {
      if (ch.finished || ch.idle || !ch.aligned) continue;
      any = true;
      if (ch.watermark < min) min = ch.watermark;
    }
    if (any && min > this.watermark) {
      this.watermark = min;
      this.output.watermark(min);
    }
  }

  /** Every unfinished channel is idle: flush to their largest watermark, then go idle. */
  private becomeIdle(): void {
    let max = MIN_WATERMARK;
    for (const ch of this.channels) if (!ch.finished && ch.watermark > max) max = ch.watermark;
    if (max > this.watermark) {
      this.watermark = max;
      this.output.watermark(max);
    }
    if (!this.idle) {
      this.idle = true;
      this.output.status(true);
    }
  }
}
