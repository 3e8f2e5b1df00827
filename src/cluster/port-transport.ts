/**
 * The channel transport between worker threads: one MessagePort per pair of slots. Buffers are
 * transferred (not copied). Credits are batched: those returned during one turn of the event loop
 * travel in one message per peer, or ride along with the next buffer sent to that peer.
 */
import type { MessagePort } from "node:worker_threads";
import type { Transport } from "../runtime/network/transport.ts";

const BUFFER = 0;
const CREDITS = 1;

/** [BUFFER, channelId, bytes, credits] or [CREDITS, credits]; credits = [channel, n, channel, n...]. */
type Message = [typeof BUFFER, number, Uint8Array, number[] | null] | [typeof CREDITS, number[]];

/** Moves buffers and credits over MessagePorts. */
export class PortTransport implements Transport {
  private readonly peers: Map<number, MessagePort>;
  private readonly pendingCredits = new Map<number, number[]>();
  private flushScheduled = false;

  /** Creates a transport over `peers` (slot index to port). */
  constructor(peers: Map<number, MessagePort>) {
    this.peers = peers;
  }

  private port(slot: number): MessagePort {
    const p = this.peers.get(slot);
    if (!p) throw new Error(`internal error: no port to slot ${slot}`);
    return p;
  }

  private takeCredits(slot: number): number[] | null {
    const c = this.pendingCredits.get(slot);
    if (!c || c.length === 0) return null;
    this.pendingCredits.delete(slot);
    return c;
  }

  /** Transfers a buffer to the consumer's slot, with any credits owed to that slot. */
  sendBuffer(targetSlot: number, channelId: number, bytes: Uint8Array): void {
    const msg: Message = [BUFFER, channelId, bytes, this.takeCredits(targetSlot)];
    this.port(targetSlot).postMessage(msg, [bytes.buffer as ArrayBuffer]);
  }

  /** Returns credit to the producer's slot (batched until the end of this turn). */
  sendCredit(targetSlot: number, channelId: number, credits: number): void {
    let list = this.pendingCredits.get(targetSlot);
    if (!list) {
      list = [];
      this.pendingCredits.set(targetSlot, list);
    }
    list.push(channelId, credits);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flushCredits);
    }
  }

  private readonly flushCredits = (): void => {
    this.flushScheduled = false;
    for (const slot of [...this.pendingCredits.keys()]) {
      const credits = this.takeCredits(slot);
      if (credits) this.port(slot).postMessage([CREDITS, credits] satisfies Message);
    }
  };

  /** Listens on every peer port. */
  setHandlers(
    onBuffer: (channelId: number, bytes: Uint8Array) => void,
    onCredit: (channelId: number, credits: number) => void,
  ): void {
    const credits = (list: number[]) => {
      for (let i = 0; i < list.length; i += 2) onCredit(list[i]!, list[i + 1]!);
    };
    for (const port of this.peers.values()) {
      port.on("message", (m: Message) => {
        if (m[0] === BUFFER) {
          if (m[3]) credits(m[3]);
          onBuffer(m[1], m[2]);
        } else {
          credits(m[1]);
        }
      });
    }
  }

  /** Closes every port. */
  close(): void {
    for (const p of this.peers.values()) p.close();
  }
}
