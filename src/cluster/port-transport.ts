/** The channel transport between worker threads: one MessagePort per pair of slots. */
import type { MessagePort } from "node:worker_threads";
import type { Transport } from "../runtime/network/transport.ts";

const BUFFER = 0;
const CREDIT = 1;

/** Moves buffers (transferred, not copied) and credits over MessagePorts. */
export class PortTransport implements Transport {
  private readonly peers: Map<number, MessagePort>;

  /** Creates a transport over `peers` (slot index to port). */
  constructor(peers: Map<number, MessagePort>) {
    this.peers = peers;
  }

  private port(slot: number): MessagePort {
    const p = this.peers.get(slot);
    if (!p) throw new Error(`internal error: no port to slot ${slot}`);
    return p;
  }

  /** Transfers a buffer to the consumer's slot. */
  sendBuffer(targetSlot: number, channelId: number, bytes: Uint8Array): void {
    this.port(targetSlot).postMessage([BUFFER, channelId, bytes], [bytes.buffer as ArrayBuffer]);
  }

  /** Returns credit to the producer's slot. */
  sendCredit(targetSlot: number, channelId: number, credits: number): void {
    this.port(targetSlot).postMessage([CREDIT, channelId, credits]);
  }

  /** Listens on every peer port. */
  setHandlers(
    onBuffer: (channelId: number, bytes: Uint8Array) => void,
    onCredit: (channelId: number, credits: number) => void,
  ): void {
    for (const port of this.peers.values()) {
      port.on("message", (m: [number, number, Uint8Array | number]) => {
        if (m[0] === BUFFER) onBuffer(m[1], m[2] as Uint8Array);
        else onCredit(m[1], m[2] as number);
      });
    }
  }

  /** Closes every port. */
  close(): void {
    for (const p of this.peers.values()) p.close();
  }
}
