/**
 * The pluggable transport between slots that do not share a thread. Channels hand it whole
 * buffers (many records each) and credits; it only moves bytes. Implementations: MessagePorts
 * between worker threads (cluster layer); a TCP transport between hosts can implement the same.
 */

/** Moves buffers and credits between slots. */
export interface Transport {
  /** Sends a buffer of channel `channelId` to the slot hosting its consumer. */
  sendBuffer(targetSlot: number, channelId: number, bytes: Uint8Array): void;
  /** Returns `credits` buffers of credit on `channelId` to the slot hosting its producer. */
  sendCredit(targetSlot: number, channelId: number, credits: number): void;
  /** Installs the receiving handlers. */
  setHandlers(
    onBuffer: (channelId: number, bytes: Uint8Array) => void,
    onCredit: (channelId: number, credits: number) => void,
  ): void;
}
