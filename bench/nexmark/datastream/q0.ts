/**
 * Nexmark q0 on the DataStream API: pass-through.
 */
import type { DataStream, NexmarkEvent } from "../../../src/index.ts";

/**
 * Every bid as `[auction, bidder, price, dateTime, extra]` (q0.sql's columns; `dateTime` in
 * epoch ms). One chained flat map: no shuffle, no state.
 */
export function q0(events: DataStream<NexmarkEvent>): DataStream<unknown[]> {
  return events
    .flatMap<unknown[]>((e, out) => {
      const b = e.bid;
      if (b !== null) out.collect([b.auction, b.bidder, b.price, b.dateTime, b.extra]);
    })
    .name("q0");
}
