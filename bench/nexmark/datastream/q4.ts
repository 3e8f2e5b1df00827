/**
 * Nexmark q4 on the DataStream API: the average closing price per category. Also home of the
 * auction-closing step q6 shares ({@link closedAuctions}).
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

/** An auction that closed with at least one bid made while it was open. */
export interface ClosedAuction {
  readonly auction: number;
  readonly category: number;
  readonly seller: number;
  /** When it closed (its `expires`, epoch ms; also the record's timestamp). */
  readonly expires: number;
  /** Its closing price: the highest bid made while it was open. */
  readonly price: number;
}

/** An auction seen and not yet closed, with its highest bid so far (`null`: none). */
interface OpenAuction {
  readonly category: number;
  readonly seller: number;
  readonly start: number;
  readonly expires: number;
  max: number | null;
}

/** A bid waiting for its auction: `[dateTime, price]`. */
type EarlyBid = readonly [number, number];

/**
 * Per auction id: the auction and the running maximum of its bids with
 * `auction.dateTime <= bid.dateTime <= auction.expires`; at the watermark of `expires` no such
 * bid can come any more and the auction is emitted (when it had one) and forgotten. Bids that
 * come before their auction wait in list state until the auction comes (then they are folded in)
 * or the watermark passes their time (then an auction they could join, opened no later than
 * the bid, would be late data).
 */
class AuctionCloser extends KeyedProcessFunction<number, NexmarkEvent, ClosedAuction> {
  private auction!: ValueState<OpenAuction>;
  /** Bids before their auction, as `[dateTime, price]`. */
  private early!: ListState<EarlyBid>;

  override open(): void {
    const ctx = this.getRuntimeContext();
    this.auction = ctx.getState(new ValueStateDescriptor<OpenAuction>("open-auction"));
    this.early = ctx.getListState(new ListStateDescriptor<EarlyBid>("early-bids"));
  }

  processElement(e: NexmarkEvent, ctx: KeyedProcessContext<number>): void {
    const a = e.auction;
    if (a !== null) {
      const open: OpenAuction = {
        category: a.category,
        seller: a.seller,
        start: a.dateTime,
        expires: a.expires,
        max: null,
      };
      for (const [time, price] of this.early.get()) bidOn(open, time, price);
      this.early.clear();
      this.auction.update(open);
      ctx.timerService().registerEventTimeTimer(a.expires);
      return;
    }
    const b = e.bid!;
    const open = this.auction.value();
    if (open !== null) {
      if (bidOn(open, b.dateTime, b.price)) this.auction.update(open);
    } else if (b.dateTime > ctx.timerService().currentWatermark()) {
      this.early.add([b.dateTime, b.price]);
      ctx.timerService().registerEventTimeTimer(b.dateTime);
    }
  }

  override onTimer(
    t: number,
    ctx: KeyedOnTimerContext<number>,
    out: Collector<ClosedAuction>,
  ): void {
    const open = this.auction.value();
    if (open !== null) {
      if (t < open.expires) return;
      if (open.max !== null) {
        const { category, seller, expires, max: price } = open;
        out.collect({ auction: ctx.getCurrentKey(), category, seller, expires, price });
      }
      this.auction.clear();
    }
    let keep: EarlyBid[] | null = null;
    for (const b of this.early.get()) if (b[0] > t) (keep ??= []).push(b);
    if (keep === null) this.early.clear();
    else this.early.update(keep);
  }
}

/** Folds a bid (its time and price) into an open auction; whether its maximum rose. */
function bidOn(open: OpenAuction, time: number, price: number): boolean {
  if (time < open.start || time > open.expires) return false;
  if (open.max !== null && price <= open.max) return false;
  open.max = price;
  return true;
}

/**
 * The auctions of `events` with their closing prices, each emitted once when the watermark
 * passes its `expires` (the inner query of q4.sql and q6.sql: auctions without a bid in their
 * open interval have no row, as in the SQL's inner join).
 */
export function closedAuctions(events: DataStream<NexmarkEvent>): DataStream<ClosedAuction> {
  return events
    .filter((e) => e.type !== 0)
    .name("auctions and bids")
    .keyBy((e) => (e.type === 1 ? e.auction!.id : e.bid!.auction))
    .process(new AuctionCloser())
    .name("close auctions");
}

/** Flink SQL's AVG of BIGINT: `sum / count` truncated toward zero, exactly. */
export function longAverage(sum: number, count: number): number {
  let q = Math.trunc(sum / count);
  // The quotient of two doubles may round across an integer: correct it by the remainder.
  const r = sum - q * count;
  if (sum >= 0) {
    if (r < 0) q--;
    else if (r >= count) q++;
  } else if (r > 0) q++;
  else if (r <= -count) q--;
  return q;
}

/** A category's closed auctions: how many and the sum of their closing prices. */
interface Sum {
  sum: number;
  count: number;
}

/** Per category: the running sum and count of closing prices, emitting the new average. */
class CategoryAverage extends KeyedProcessFunction<number, ClosedAuction, unknown[]> {
  private total!: ValueState<Sum>;

  override open(): void {
    this.total = this.getRuntimeContext().getState(new ValueStateDescriptor<Sum>("sum"));
  }

  processElement(c: ClosedAuction, _ctx: KeyedProcessContext<number>, out: Collector<unknown[]>) {
    const s = this.total.value() ?? { sum: 0, count: 0 };
    s.sum += c.price;
    s.count++;
    this.total.update(s);
    out.collect([c.category, longAverage(s.sum, s.count)]);
  }
}

/**
 * The average closing price per category, `[category, avg]` (q4.sql's `id, final`; AVG of
 * BIGINT, truncated). Insert-only: each time an auction of a category closes, the category's new
 * average (the SQL's updating result is the latest row per category). Auctions close in
 * {@link closedAuctions}; a running sum and count per category make the average.
 */
export function q4(events: DataStream<NexmarkEvent>): DataStream<unknown[]> {
  return closedAuctions(events)
    .keyBy((c) => c.category)
    .process(new CategoryAverage())
    .name("q4 average per category");
}
