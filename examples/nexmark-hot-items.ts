/**
 * Hot items over the Nexmark auction stream (the benchmark's query 5 on the DataStream API):
 * every 2 seconds of event time, the auctions with the most bids in the last 10 seconds.
 *
 *   npx strom run examples/nexmark-hot-items.ts
 *   ./node_modules/.bin/node examples/nexmark-hot-items.ts
 *
 * `NexmarkSource` generates persons, auctions and bids (1 : 3 : 46) with hot auctions and
 * bidders, event time spaced by the first-event rate (here 1000 events per second), and
 * watermarks 4 s behind. Bids are counted per auction in sliding windows; a second keyed step
 * keeps, per window, the auctions whose count is the window's maximum.
 */
import {
  KeyedProcessFunction,
  NexmarkSource,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  type AggregateFunction,
  type Collector,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
  type NexmarkEvent,
  type TimeWindow,
  type ValueState,
  ValueStateDescriptor,
} from "strom";

/** Bids of one auction in one window. */
interface AuctionCount {
  auction: number;
  windowEnd: number;
  bids: number;
}

/** Counts bids. */
const countBids: AggregateFunction<NexmarkEvent, number, number> = {
  createAccumulator: () => 0,
  add: (_e, acc) => acc + 1,
  getResult: (acc) => acc,
  merge: (a, b) => a + b,
};

/** Keeps the auctions with the most bids of each window, emitted when the window is complete. */
class TopOfWindow extends KeyedProcessFunction<number, AuctionCount, AuctionCount> {
  private best!: ValueState<AuctionCount[]>;
  override open(): void {
    this.best = this.getRuntimeContext().getState(new ValueStateDescriptor("best"));
  }
  processElement(c: AuctionCount, ctx: KeyedProcessContext<number>): void {
    const best = this.best.value() ?? [];
    const top = best[0]?.bids ?? 0;
    if (c.bids > top) this.best.update([c]);
    else if (c.bids === top) this.best.update([...best, c]);
    ctx.timerService().registerEventTimeTimer(c.windowEnd);
  }
  override onTimer(_t: number, _ctx: KeyedOnTimerContext<number>, out: Collector<AuctionCount>) {
    for (const c of this.best.value() ?? []) out.collect(c);
    this.best.clear();
  }
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();
env
  .fromSource(
    new NexmarkSource({ events: 200_000, firstEventRate: 1000 }),
    NexmarkSource.watermarks(),
    "nexmark",
  )
  .filter((e) => e.bid !== null)
  .keyBy((e) => e.bid!.auction)
  .window(SlidingEventTimeWindows.of(10_000, 2_000))
  .aggregate(
    countBids,
    (
      auction: number,
      window: TimeWindow,
      counts: Iterable<number>,
      out: Collector<AuctionCount>,
    ) => {
      for (const bids of counts) out.collect({ auction, windowEnd: window.getEnd(), bids });
    },
  )
  .keyBy((c) => c.windowEnd)
  .process(new TopOfWindow())
  .map(
    (c) =>
      `window ending ${new Date(c.windowEnd).toISOString()}: auction ${c.auction} with ${c.bids} bids`,
  )
  .print();
await env.execute("nexmark hot items");
