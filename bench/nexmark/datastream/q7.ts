/**
 * Nexmark q7 on the DataStream API: the highest bids of each 10-second tumbling window.
 */
import {
  KeyedProcessFunction,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  type AggregateFunction,
  type Collector,
  type DataStream,
  type KeyedOnTimerContext,
  type KeyedProcessContext,
  type NexmarkBid,
  type NexmarkEvent,
  type TimeWindow,
  type ValueState,
} from "../../../src/index.ts";

/** The window size. */
const SIZE = 10_000;

/**
 * Bids for the window ending at `end`: the highest price of a part of the window and the bids
 * at it, or (`max` null) bids made exactly at `end`, which q7.sql's closed interval matches
 * too.
 */
interface Candidates {
  readonly end: number;
  readonly max: number | null;
  readonly bids: NexmarkBid[];
}

/** The highest price and the bids at it (mutable accumulator). */
interface Highest {
  max: number;
  bids: NexmarkBid[];
}

/** The highest bids of a window of one key, incrementally. */
const HIGHEST: AggregateFunction<NexmarkEvent, Highest, Highest> = {
  createAccumulator: () => ({ max: -Infinity, bids: [] }),
  add: (e, acc) => {
    const b = e.bid!;
    if (b.price > acc.max) {
      acc.max = b.price;
      acc.bids = [b];
    } else if (b.price === acc.max) acc.bids.push(b);
    return acc;
  },
  getResult: (acc) => acc,
  merge: (a, b) =>
    a.max > b.max ? a : b.max > a.max ? b : { max: a.max, bids: [...a.bids, ...b.bids] },
};

/** A window's highest bids so far and its bids made exactly at its end. */
interface WindowState {
  max: number;
  bids: NexmarkBid[];
  atEnd: NexmarkBid[];
}

/**
 * Per window end: merges the per-auction candidates into the window's highest price and bids;
 * at the watermark of the end instant (every candidate and every bid made at the end is in) it
 * emits the bids at the highest price, those made at the end included.
 */
class HighestBids extends KeyedProcessFunction<number, Candidates, unknown[]> {
  private window!: ValueState<WindowState>;

  override open(): void {
    this.window = this.getRuntimeContext().getState(new ValueStateDescriptor("window"));
  }

  processElement(c: Candidates, ctx: KeyedProcessContext<number>): void {
    let w = this.window.value();
    if (w === null) {
      w = { max: -Infinity, bids: [], atEnd: [] };
      ctx.timerService().registerEventTimeTimer(c.end);
    }
    if (c.max === null) w.atEnd.push(...c.bids);
    else if (c.max > w.max) {
      w.max = c.max;
      w.bids = c.bids.slice();
    } else if (c.max === w.max) w.bids.push(...c.bids);
    this.window.update(w);
  }

  override onTimer(_t: number, _ctx: KeyedOnTimerContext<number>, out: Collector<unknown[]>) {
    const w = this.window.value()!;
    this.window.clear();
    for (const b of w.bids) out.collect(row(b));
    for (const b of w.atEnd) if (b.price === w.max) out.collect(row(b));
  }
}

/** An output row. */
function row(b: NexmarkBid): unknown[] {
  return [b.auction, b.price, b.bidder, b.dateTime, b.extra];
}

/**
 * The bids at the highest price of each 10 s tumbling window, as
 * `[auction, price, bidder, dateTime, extra]` (q7.sql's columns, insert-only like the SQL). As
 * in q7.sql, a bid made exactly at a window's end (the first instant of the next window) is also
 * matched with that window: its interval is closed. Two phases: per auction, the highest bids of
 * each window (an incremental window aggregate); then per window end, {@link HighestBids}
 * merges them. Bids made at a multiple of 10 s also go straight to the window ending then.
 */
export function q7(events: DataStream<NexmarkEvent>): DataStream<unknown[]> {
  const bids = events.filter((e) => e.type === 2).name("q7 bids");
  const partial = bids
    .keyBy((e) => e.bid!.auction)
    .window(TumblingEventTimeWindows.of(SIZE))
    .aggregate(
      HIGHEST,
      (_k: number, w: TimeWindow, all: Iterable<Highest>, out: Collector<Candidates>) => {
        for (const h of all) out.collect({ end: w.getEnd(), max: h.max, bids: h.bids });
      },
    )
    .name("q7 highest bids per auction");
  const atEnds = bids
    .flatMap<Candidates>((e, out) => {
      const b = e.bid!;
      if (b.dateTime % SIZE === 0) out.collect({ end: b.dateTime, max: null, bids: [b] });
    })
    .name("q7 bids at window ends");
  return partial
    .union(atEnds)
    .keyBy((c) => c.end)
    .process(new HighestBids())
    .name("q7 highest bids");
}
