/**
 * Session analytics over click events: event-time session windows per user.
 *
 *   npx strom run examples/session-analytics.ts --parallelism 2
 *   ./node_modules/.bin/node examples/session-analytics.ts
 *
 * Clicks arrive out of order (up to 5 s late). A user's session ends after 30 minutes without a
 * click. For every session the job reports its length, number of clicks, pages and whether it
 * ended in a purchase: an `AggregateFunction` folds clicks incrementally (its `merge` combines two
 * sessions when a late click bridges them) and a `ProcessWindowFunction` adds the user and the
 * window. Clicks later than the watermark plus one minute of allowed lateness go to a side output
 * instead of vanishing. Then a tumbling hourly window counts sessions and conversions over all
 * users (`windowAll`).
 */
import {
  DataGeneratorSource,
  Duration,
  EventTimeSessionWindows,
  OutputTag,
  ProcessWindowFunction,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type AggregateFunction,
  type Collector,
  type ProcessWindowFunctionContext,
  type TimeWindow,
} from "strom";

/** A page view or a purchase by a user. */
interface Click {
  user: string;
  page: string;
  purchase: boolean;
  timestamp: number;
}

/** One finished session. */
interface Session {
  user: string;
  start: string;
  minutes: number;
  clicks: number;
  pages: number;
  purchased: boolean;
}

const START = Date.UTC(2026, 0, 1);
const PAGES = ["home", "search", "product", "cart", "checkout", "help"];

/** Deterministic pseudo-random number in [0, 1). */
function rand(i: number, salt: number): number {
  let h = Math.imul(i ^ salt, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296;
}

/** Click `i`: 40 users over about six hours, bursts of activity, up to 5 s out of order. */
function click(i: number): Click {
  const user = `user-${Math.floor(rand(i, 1) * 40)}`;
  const base = START + i * 2_000; // one click every 2 s overall
  // Users are active in alternating hours-long phases, so their sessions have gaps.
  const jitter = Math.floor(rand(i, 2) * 5_000);
  const page = PAGES[Math.floor(rand(i, 3) * PAGES.length)]!;
  return {
    user,
    page,
    purchase: page === "checkout" && rand(i, 4) < 0.3,
    timestamp: base - jitter,
  };
}

/** Keeps clicks only while a user is in an active phase (gives sessions their gaps). */
function active(c: Click): boolean {
  const phase = Math.floor((c.timestamp - START) / 1_800_000); // 30-minute phases
  return rand(phase * 97 + Number(c.user.slice(5)), 5) < 0.5;
}

interface Acc {
  first: number;
  last: number;
  clicks: number;
  pages: string[];
  purchased: boolean;
}

/** Folds clicks into session statistics; `merge` joins sessions bridged by a late click. */
const sessionStats: AggregateFunction<Click, Acc, Acc> = {
  createAccumulator: () => ({
    first: Infinity,
    last: -Infinity,
    clicks: 0,
    pages: [],
    purchased: false,
  }),
  add: (c, a) => ({
    first: Math.min(a.first, c.timestamp),
    last: Math.max(a.last, c.timestamp),
    clicks: a.clicks + 1,
    pages: a.pages.includes(c.page) ? a.pages : [...a.pages, c.page],
    purchased: a.purchased || c.purchase,
  }),
  getResult: (a) => a,
  merge: (a, b) => ({
    first: Math.min(a.first, b.first),
    last: Math.max(a.last, b.last),
    clicks: a.clicks + b.clicks,
    pages: [...new Set([...a.pages, ...b.pages])],
    purchased: a.purchased || b.purchased,
  }),
};

/** Adds the user to the pre-aggregated statistics of a session. */
class ToSession extends ProcessWindowFunction<Acc, Session, string, TimeWindow> {
  process(
    user: string,
    _ctx: ProcessWindowFunctionContext<TimeWindow>,
    stats: Iterable<Acc>,
    out: Collector<Session>,
  ): void {
    for (const a of stats) {
      out.collect({
        user,
        start: new Date(a.first).toISOString().slice(11, 19),
        minutes: Math.round((a.last - a.first) / 60_000),
        clicks: a.clicks,
        pages: a.pages.length,
        purchased: a.purchased,
      });
    }
  }
}

const env = StreamExecutionEnvironment.getExecutionEnvironment();
const lateClicks = new OutputTag<Click>("late-clicks");

const clicks = env
  .fromSource(
    new DataGeneratorSource(click, 10_000),
    WatermarkStrategy.forBoundedOutOfOrderness<Click>(Duration.ofSeconds(5)).withTimestampAssigner(
      (c) => c.timestamp,
    ),
    "clicks",
  )
  .filter(active);

const sessions = clicks
  .keyBy((c) => c.user)
  .window(EventTimeSessionWindows.withGap(Duration.ofMinutes(30)))
  .allowedLateness(Duration.ofMinutes(1))
  .sideOutputLateData(lateClicks)
  .aggregate(sessionStats, new ToSession())
  .name("sessions");

sessions
  .filter((s) => s.clicks >= 20)
  .map(
    (s) =>
      `session ${s.user} from ${s.start}: ${s.minutes} min, ${s.clicks} clicks on ${s.pages} pages${s.purchased ? ", purchased" : ""}`,
  )
  .print();

sessions
  .windowAll(TumblingEventTimeWindows.of(Duration.ofHours(1)))
  .aggregate<{ sessions: number; purchases: number }, string>({
    createAccumulator: () => ({ sessions: 0, purchases: 0 }),
    add: (s, a) => ({ sessions: a.sessions + 1, purchases: a.purchases + (s.purchased ? 1 : 0) }),
    getResult: (a) =>
      `hour: ${a.sessions} sessions ended, ${a.purchases} with a purchase (${Math.round((100 * a.purchases) / Math.max(1, a.sessions))}%)`,
    merge: (a, b) => ({ sessions: a.sessions + b.sessions, purchases: a.purchases + b.purchases }),
  })
  .print();

sessions
  .getSideOutput(lateClicks)
  .map((c) => `late click dropped from sessions: ${c.user}`)
  .print();

await env.execute("session-analytics");
