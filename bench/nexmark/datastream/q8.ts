/**
 * Nexmark q8 on the DataStream API: new users who opened an auction right away.
 */
import {
  TumblingEventTimeWindows,
  type AggregateFunction,
  type Collector,
  type DataStream,
  type NexmarkEvent,
  type TimeWindow,
} from "../../../src/index.ts";

/** One person id in one window: the distinct names it registered with, whether it sold. */
interface Registration {
  names: string[];
  sold: boolean;
}

/** Folds persons (their names) and auctions (a flag) of one id and window. */
const REGISTRATION: AggregateFunction<NexmarkEvent, Registration, Registration> = {
  createAccumulator: () => ({ names: [], sold: false }),
  add: (e, acc) => {
    const p = e.person;
    if (p === null) acc.sold = true;
    else if (!acc.names.includes(p.name)) acc.names.push(p.name);
    return acc;
  },
  getResult: (acc) => acc,
  merge: (a, b) => ({
    names: [...a.names, ...b.names.filter((n) => !a.names.includes(n))],
    sold: a.sold || b.sold,
  }),
};

/**
 * The people who registered and opened an auction in the same 10 s tumbling window, as
 * `[id, name, stime]` (q8.sql's columns, stime the window start in epoch ms; insert-only like
 * the SQL). The SQL joins the distinct (id, name) of persons with the distinct sellers per
 * window; here persons and auctions go together, keyed by person id resp. seller, into one
 * incremental window aggregate: the names seen and a "sold" flag, so a hot seller's auctions
 * cost a flag and no list.
 */
export function q8(events: DataStream<NexmarkEvent>): DataStream<unknown[]> {
  return events
    .filter((e) => e.type !== 2)
    .name("q8 persons and auctions")
    .keyBy((e) => (e.type === 0 ? e.person!.id : e.auction!.seller))
    .window(TumblingEventTimeWindows.of(10_000))
    .aggregate(
      REGISTRATION,
      (id: number, w: TimeWindow, all: Iterable<Registration>, out: Collector<unknown[]>) => {
        for (const r of all)
          if (r.sold) for (const name of r.names) out.collect([id, name, w.getStart()]);
      },
    )
    .name("q8 new sellers");
}
