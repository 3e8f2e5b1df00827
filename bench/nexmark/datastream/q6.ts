/**
 * Nexmark q6 on the DataStream API: the average selling price by seller. q6.sql as published is
 * not runnable (see its comment); this version defines it as "the average closing price of each
 * seller's last 10 closed auctions".
 */
import {
  KeyedProcessFunction,
  ListStateDescriptor,
  ValueStateDescriptor,
  type Collector,
  type DataStream,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
  type ListState,
  type NexmarkEvent,
  type ValueState,
} from "../../../src/index.ts";
import { closedAuctions, longAverage, type ClosedAuction } from "./q4.ts";

/** How many of a seller's last closed auctions the average covers. */
export const Q6_LAST_AUCTIONS = 10;

/** A seller's last closing prices: a ring of at most {@link Q6_LAST_AUCTIONS}, and their sum. */
interface LastPrices {
  prices: number[];
  /** Where the next price goes once the ring is full. */
  next: number;
  sum: number;
}

/**
 * Per seller: the closing prices of the last auctions, in closing order. Auctions that close
 * at the same watermark may come from different upstream instances in any order, so they wait
 * for the watermark of their closing time and are then taken in the order (expires, auction id):
 * the output is the same at every parallelism.
 */
class SellerAverage extends KeyedProcessFunction<number, ClosedAuction, unknown[]> {
  private pending!: ListState<ClosedAuction>;
  private last!: ValueState<LastPrices>;

  override open(): void {
    const ctx = this.getRuntimeContext();
    this.pending = ctx.getListState(new ListStateDescriptor<ClosedAuction>("pending"));
    this.last = ctx.getState(new ValueStateDescriptor<LastPrices>("last-prices"));
  }

  processElement(c: ClosedAuction, ctx: KeyedProcessContext<number>): void {
    this.pending.add(c);
    ctx.timerService().registerEventTimeTimer(c.expires);
  }

  override onTimer(t: number, ctx: KeyedOnTimerContext<number>, out: Collector<unknown[]>) {
    const due: ClosedAuction[] = [];
    const later: ClosedAuction[] = [];
    for (const c of this.pending.get()) (c.expires <= t ? due : later).push(c);
    if (due.length === 0) return;
    due.sort((a, b) => a.expires - b.expires || a.auction - b.auction);
    const last = this.last.value() ?? { prices: [], next: 0, sum: 0 };
    const seller = ctx.getCurrentKey();
    for (const c of due) {
      if (last.prices.length < Q6_LAST_AUCTIONS) last.prices.push(c.price);
      else {
        last.sum -= last.prices[last.next]!;
        last.prices[last.next] = c.price;
        last.next = (last.next + 1) % Q6_LAST_AUCTIONS;
      }
      last.sum += c.price;
      out.collect([seller, longAverage(last.sum, last.prices.length)]);
    }
    this.last.update(last);
    if (later.length === 0) this.pending.clear();
    else this.pending.update(later);
  }
}

/**
 * Each time an auction of a seller closes (with a bid made while it was open), the average
 * closing price of the seller's last 10 closed auctions, this one included, as
 * `[seller, avg_price]` (AVG of BIGINT: truncated). Closing order is by `expires`, then auction
 * id. Auctions close in {@link closedAuctions} (as in q4); {@link SellerAverage} keeps per seller
 * a ring of the last 10 prices and their sum.
 */
export function q6(events: DataStream<NexmarkEvent>): DataStream<unknown[]> {
  return closedAuctions(events)
    .keyBy((c) => c.seller)
    .process(new SellerAverage())
    .name("q6 average per seller");
}
