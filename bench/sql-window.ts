/**
 * A HOP window aggregation in SQL against the same job written by hand on the DataStream API,
 * in the same run:
 *
 *   SELECT user_id, window_start, window_end, COUNT(*) AS n, SUM(amount) AS total
 *   FROM TABLE(HOP(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '5' SECOND))
 *   GROUP BY user_id, window_start, window_end
 *
 * over N = 2M generated events (`user_id = i % 100`, `amount = (i * 7) % 100`, event time i ms:
 * each user has 10 events per second, so every row is in 5 windows of 50 rows). Both sides read a
 * DataGeneratorSource with ascending timestamps and its watermarks (SQL: `fromDataStream` with
 * `SOURCE_WATERMARK()`), run on the in-process "thread" target at parallelism 1 and 2, and count
 * their output in a sink; the hand-written job is `keyBy(user).window(SlidingEventTimeWindows.of(
 * 5 s, 1 s)).aggregate(count and sum, window bounds)`. BENCH_RUNS rounds (default 3) of (SQL,
 * DataStream) interleaved after a warm-up at a tenth of N; medians of N / net runtime are
 * compared. BENCH_SCALE scales N. Target: SQL >= 0.80 of the hand-written job.
 *
 * Run: `./node_modules/.bin/node bench/sql-window.ts [p1|p2]`.
 */
import { loadavg } from "node:os";
import {
  DataGeneratorSource,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  TableEnvironment,
  WatermarkStrategy,
  type AggregateFunction,
  type Collector,
} from "../src/index.ts";
import { INT, TIMESTAMP } from "../src/table/types/index.ts";
import { Timestamp } from "../src/table/types/timestamp.ts";

const N = Math.round(2_000_000 * Number(process.env.BENCH_SCALE ?? 1));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const USERS = 100;
const QUERY =
  "SELECT user_id, window_start, window_end, COUNT(*) AS n, SUM(amount) AS total " +
  "FROM TABLE(HOP(TABLE events, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '5' SECOND)) " +
  "GROUP BY user_id, window_start, window_end";
const TARGET = 0.8;

interface Event {
  user_id: number;
  amount: number;
  ts: Timestamp;
}

function source(n: number): DataGeneratorSource<Event> {
  return new DataGeneratorSource(
    (i: number): Event => ({
      user_id: i % USERS,
      amount: (i * 7) % 100,
      ts: Timestamp.fromMillis(i),
    }),
    n,
  );
}

const watermarks = () =>
  WatermarkStrategy.forMonotonousTimestamps<Event>().withTimestampAssigner(
    (e: Event) => e.ts.millis,
  );

/** COUNT(*) and SUM(amount) per window. */
const countSum: AggregateFunction<Event, number[], number[]> = {
  createAccumulator: () => [0, 0],
  add: (e, acc) => {
    acc[0]!++;
    acc[1]! += e.amount;
    return acc;
  },
  getResult: (acc) => acc,
  merge: (a, b) => [a[0]! + b[0]!, a[1]! + b[1]!],
};

async function runDataStream(n: number, p: number): Promise<{ ms: number; out: number }> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
  env.setParallelism(p);
  let out = 0;
  env
    .fromSource(source(n), watermarks(), "events")
    .keyBy((e: Event) => e.user_id)
    .window(SlidingEventTimeWindows.of(5000, 1000))
    .aggregate(
      countSum,
      (
        user: number,
        w: { start: number; end: number },
        r: Iterable<number[]>,
        o: Collector<unknown[]>,
      ) => {
        for (const [c, s] of r) o.collect([user, w.start, w.end, c, s]);
      },
    )
    .sinkTo(() => {
      out++;
    });
  const r = await env.execute("datastream");
  return { ms: r.getNetRuntime(), out };
}

async function runSql(n: number, p: number): Promise<{ ms: number; out: number }> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
  env.setParallelism(p);
  const t = TableEnvironment.fromStreamEnvironment(env);
  const events = t.fromDataStream(
    env.fromSource(source(n), watermarks(), "events"),
    [
      { name: "user_id", type: INT() },
      { name: "amount", type: INT() },
      { name: "ts", type: TIMESTAMP(3) },
    ],
    { watermark: { column: "ts", expression: "SOURCE_WATERMARK()" } },
  );
  t.createTemporaryView("events", events);
  let out = 0;
  t.toDataStream(t.sqlQuery(QUERY)).sinkTo(() => {
    out++;
  });
  const r = await env.execute("sql");
  return { ms: r.getNetRuntime(), out };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function bench(p: number): Promise<Record<string, unknown>> {
  await runSql(Math.round(N / 10), p);
  await runDataStream(Math.round(N / 10), p);
  const sql: number[] = [];
  const ds: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const s = await runSql(N, p);
    const d = await runDataStream(N, p);
    sql.push(N / s.ms / 1000);
    ds.push(N / d.ms / 1000);
    console.log(
      `  p${p} round ${r + 1}: SQL ${(N / s.ms / 1000).toFixed(2)}M/s, DataStream ${(N / d.ms / 1000).toFixed(2)}M/s (SQL ${s.out} rows out, DataStream ${d.out})`,
    );
  }
  const ratio = median(sql) / median(ds);
  console.log(
    `hop-p${p}: sql=${median(sql).toFixed(2)}M/s datastream=${median(ds).toFixed(2)}M/s ratio=${ratio.toFixed(2)} (>= ${TARGET}: ${ratio >= TARGET ? "PASS" : "FAIL"})`,
  );
  return {
    case: `hop-p${p}`,
    metric: "sql/datastream",
    value: ratio,
    threshold: TARGET,
    pass: ratio >= TARGET,
  };
}

const which = process.argv.slice(2);
const cases = (which.length > 0 ? which : ["p1", "p2"]).map((c) => Number(c.replace("p", "")));
console.log(
  `HOP window aggregation, SQL vs hand-written DataStream, N=${N.toLocaleString("en-US")} events, ${USERS} users, ${RUNS} rounds (load average ${loadavg()[0]!.toFixed(2)})\n  ${QUERY}`,
);
const targets = [];
for (const p of cases) targets.push(await bench(p));
console.log(JSON.stringify({ benchmark: "sql-window", n: N, runs: RUNS, targets }));
