/**
 * Nexmark q1 on the DataStream API: currency conversion.
 */
import type { DataStream, NexmarkEvent } from "../../../src/index.ts";

/**
 * Every bid with its price in euros, `[auction, bidder, price, dateTime, extra]` (q1.sql's
 * columns). The SQL price is the exact DECIMAL(23, 3) `0.908 * price`; here it is the number
 * closest to it, `price * 908 / 1000` (the product is an exact integer, so the one division
 * rounds once: the same number as the decimal's text parsed).
 */
export function q1(events: DataStream<NexmarkEvent>): DataStream<unknown[]> {
  return events
    .flatMap<unknown[]>((e, out) => {
      const b = e.bid;
      if (b !== null) {
        out.collect([b.auction, b.bidder, (b.price * 908) / 1000, b.dateTime, b.extra]);
      }
    })
    .name("q1");
}
