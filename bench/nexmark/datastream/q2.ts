/**
 * Nexmark q2 on the DataStream API: selection.
 */
import type { DataStream, NexmarkEvent } from "../../../src/index.ts";

/** The bids on auctions whose id is a multiple of 123, as `[auction, price]`. */
export function q2(events: DataStream<NexmarkEvent>): DataStream<unknown[]> {
  return events
    .flatMap<unknown[]>((e, out) => {
      const b = e.bid;
      if (b !== null && b.auction % 123 === 0) out.collect([b.auction, b.price]);
    })
    .name("q2");
}
