/**
 * An interval join in SQL against the same join written by hand on the DataStream API
 * (`keyBy().intervalJoin().between().process()`), in the same run:
 *
 *   SELECT o.user_id, o.id, s.id FROM orders o, shipments s
 *   WHERE o.user_id = s.user_id AND s.ts BETWEEN o.ts AND o.ts + INTERVAL '0.1' SECOND
 *
 * over N = 1M generated orders and N shipments (`user_id = i % 100`, event time i ms on both
 * sides: each order joins the shipments i and i + 100, 2N rows out). Both sides read two
 * DataGeneratorSources with ascending timestamps and a watermark every 64 events (SQL:
 * `fromDataStream` with `SOURCE_WATERMARK()`), run on the in-process "thread" target at parallelism 1 and 2, and count
 * their output in a sink. BENCH_RUNS rounds (default 3) of (SQL, DataStream) interleaved after a
 * warm-up at a tenth of N; medians of 2N input rows / net runtime are compared. BENCH_SCALE
 * scales N. Target: SQL >= 0.80 of the hand-written job.
 *
 * Run: `./node_modules/.bin/node bench/sql-interval-join.ts [p1|p2]`.
 */
import { loadavg } from "node:os";
import {
  DataGeneratorSource,
  StreamExecutionEnvironment,
  TableEnvironment,
  WatermarkStrategy,
  type WatermarkOutput,
} from "../src/index.ts";
import { INT, TIMESTAMP } from "../src/table/types/index.ts";
import { Timestamp } from "../src/table/types/timestamp.ts";

const N = Math.round(1_000_000 * Number(process.env.BENCH_SCALE ?? 1));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const USERS = 100;
const QUERY =
  "SELECT o.user_id, o.id, s.id AS sid FROM orders o, shipments s " +
  "WHERE o.user_id = s.user_id AND s.ts BETWEEN o.ts AND o.ts + INTERVAL '0.1' SECOND";
const TARGET = 0.8;

interface Event {
  id: number;
  user_id: number;
  ts: Timestamp;
}

/**
 * `n` events at parallelism `p`: the generator's `p` splits are contiguous index ranges, so
 * event `i` is numbered so that the splits interleave in event time (split k emits k, k + p,
 * k + 2p, ...). Contiguous times per split would put split 1 half the input ahead of split 0,
 * and every join would buffer half its input until split 0 caught up.
 */
function source(n: number, p: number): DataGeneratorSource<Event> {
  const per = Math.ceil(n / p);
  return new DataGeneratorSource((i: number): Event => {
    const id = (i % per) * p + Math.floor(i / per);
    return { id, user_id: id % USERS, ts: Timestamp.fromMillis(id) };
  }, n);
}

/**
 * Ascending timestamps, a watermark every 64 events: periodic watermarks (every 200 ms of wall
 * time) would let both joins buffer hundreds of thousands of rows between two watermarks.
 */
const watermarks = () =>
  WatermarkStrategy.forGenerator<Event>(() => {
    let seen = 0;
    return {
      onEvent(_e: Event, ts: number, out: WatermarkOutput) {
        if ((++seen & 63) === 0) out.emitWatermark(ts - 1);
      },
      onPeriodicEmit() {},
    };
  }).withTimestampAssigner((e: Event) => e.ts.millis);

async function runDataStream(n: number, p: number): Promise<{ ms: number; out: number }> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
  env.setParallelism(p);
  let out = 0;
  const orders = env.fromSource(source(n, p), watermarks(), "orders").keyBy((e) => e.user_id);
  const ships = env.fromSource(source(n, p), watermarks(), "shipments").keyBy((e) => e.user_id);
  orders
    .intervalJoin(ships)
    .between(0, 100)
    .process<unknown[]>((o, s, _ctx, c) => c.collect([o.user_id, o.id, s.id]))
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
  for (const name of ["orders", "shipments"]) {
    const table = t.fromDataStream(
      env.fromSource(source(n, p), watermarks(), name),
      [
        { name: "id", type: INT() },
        { name: "user_id", type: INT() },
        { name: "ts", type: TIMESTAMP(3) },
      ],
      { watermark: { column: "ts", expression: "SOURCE_WATERMARK()" } },
    );
    t.createTemporaryView(name, table);
  }
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
  const rows = 2 * N;
  for (let r = 0; r < RUNS; r++) {
    const s = await runSql(N, p);
    const d = await runDataStream(N, p);
    sql.push(rows / s.ms / 1000);
    ds.push(rows / d.ms / 1000);
    console.log(
      `  p${p} round ${r + 1}: SQL ${(rows / s.ms / 1000).toFixed(2)}M/s, DataStream ${(rows / d.ms / 1000).toFixed(2)}M/s (SQL ${s.out} rows out, DataStream ${d.out})`,
    );
  }
  const ratio = median(sql) / median(ds);
  console.log(
    `interval-join-p${p}: sql=${median(sql).toFixed(2)}M/s datastream=${median(ds).toFixed(2)}M/s ratio=${ratio.toFixed(2)} (>= ${TARGET}: ${ratio >= TARGET ? "PASS" : "FAIL"})`,
  );
  return {
    case: `interval-join-p${p}`,
    metric: "sql/datastream",
    value: ratio,
    threshold: TARGET,
    pass: ratio >= TARGET,
  };
}

const which = process.argv.slice(2);
const cases = (which.length > 0 ? which : ["p1", "p2"]).map((c) => Number(c.replace("p", "")));
console.log(
  `Interval join, SQL vs hand-written DataStream, N=${N.toLocaleString("en-US")} rows per side, ${USERS} users, ${RUNS} rounds (load average ${loadavg()[0]!.toFixed(2)})\n  ${QUERY}`,
);
const targets = [];
for (const p of cases) targets.push(await bench(p));
console.log(JSON.stringify({ benchmark: "sql-interval-join", n: N, runs: RUNS, targets }));
