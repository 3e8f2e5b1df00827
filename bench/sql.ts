/**
 * SQL against the same computation written by hand on the DataStream API, in the same run:
 *
 *   SELECT user_id, COUNT(*) AS n, SUM(amount) AS total
 *   FROM events WHERE amount > 20 GROUP BY user_id
 *
 * over N = 10M generated rows (`user_id = i % 1000`, `amount = (i * 7) % 100`), in batch mode
 * (one final row per group) and in streaming mode (SQL emits -U/+U retractions per update; the
 * hand-written job emits the running result per record, the cheapest streaming equivalent).
 * Both sides read a DataGeneratorSource, run on the in-process "thread" target at parallelism 1
 * and count their output in a sink; the hand-written job keeps [count, sum] per key in
 * ValueState. `streaming-minibatch` runs the streaming query with Flink's mini-batch options
 * (`table.exec.mini-batch.enabled`, size 5000 rows, latency 1 s): one change per group and batch
 * instead of per row. The `streaming-upsert` cases run the query inside a DataStream job and read
 * it with `toChangelogStream(table, { changelogMode: "upsert" })`: no `-U` rows, the same output
 * as the hand-written job (the like-for-like streaming comparison; `streaming` reads the full
 * changelog, twice the rows, for reference). Each case runs BENCH_RUNS rounds (default 3) of (SQL, DataStream) interleaved after
 * a warm-up at a tenth of N; medians of N / net runtime are compared. BENCH_SCALE scales N.
 * Target: SQL >= 0.80 of the hand-written job.
 *
 * Run: `npm run bench -- sql` or
 * `./node_modules/.bin/node bench/sql.ts [batch|streaming-upsert|streaming-upsert-minibatch|streaming|streaming-minibatch]`.
 */
import { loadavg } from "node:os";
import {
  DataGeneratorSource,
  KeyedProcessFunction,
  StreamExecutionEnvironment,
  TableEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type KeyedProcessContext,
  type Row,
  type ValueState,
} from "../src/index.ts";
import { INT } from "../src/table/types/index.ts";

const N = Math.round(10_000_000 * Number(process.env.BENCH_SCALE ?? 1));
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const USERS = 1000;
const QUERY =
  "SELECT user_id, COUNT(*) AS n, SUM(amount) AS total FROM events WHERE amount > 20 GROUP BY user_id";
const TARGET = 0.8;

interface Event {
  id: number;
  user: number;
  amount: number;
}

/** Counts per user in ValueState, as a user would write the query by hand. */
class CountAndSum extends KeyedProcessFunction<number, Event, number[]> {
  private acc!: ValueState<number[]>;
  private readonly batch: boolean;
  constructor(batch: boolean) {
    super();
    this.batch = batch;
  }
  override open(): void {
    this.acc = this.getRuntimeContext().getState(new ValueStateDescriptor<number[]>("acc"));
  }
  processElement(e: Event, ctx: KeyedProcessContext<number>, out: Collector<number[]>): void {
    const a = this.acc.value();
    const next = a === null ? [1, e.amount] : [a[0]! + 1, a[1]! + e.amount];
    this.acc.update(next);
    if (this.batch) {
      if (a === null) ctx.timerService().registerEventTimeTimer(Number.MAX_SAFE_INTEGER);
    } else out.collect([e.user, next[0]!, next[1]!]);
  }
  override onTimer(_t: number, ctx: KeyedProcessContext<number>, out: Collector<number[]>): void {
    const a = this.acc.value()!;
    out.collect([ctx.getCurrentKey(), a[0]!, a[1]!]);
  }
}

async function runDataStream(n: number, batch: boolean): Promise<{ ms: number; out: number }> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({
    target: "thread",
    runtimeMode: batch ? "BATCH" : "STREAMING",
  });
  let out = 0;
  env
    .fromSource(
      new DataGeneratorSource(
        (i: number): Event => ({ id: i, user: i % USERS, amount: (i * 7) % 100 }),
        n,
      ),
      WatermarkStrategy.noWatermarks(),
      "events",
    )
    .filter((e: Event) => e.amount > 20)
    .keyBy((e: Event) => e.user)
    .process(new CountAndSum(batch))
    .sinkTo(() => {
      out++;
    });
  const r = await env.execute("datastream");
  return { ms: r.getNetRuntime(), out };
}

async function runSql(
  n: number,
  batch: boolean,
  miniBatch: boolean,
): Promise<{ ms: number; out: number }> {
  const t = TableEnvironment.create({ mode: batch ? "batch" : "streaming" });
  if (miniBatch) setMiniBatch(t);
  registerEvents(t, n);
  let out = 0;
  const start = performance.now();
  await (
    await t.executeSql(QUERY)
  ).changelog(
    (rows) => {
      out += rows.length;
    },
    { retain: false },
  );
  return { ms: performance.now() - start, out };
}

/**
 * The streaming query inside a DataStream job (`TableEnvironment.fromStreamEnvironment`), its
 * changes read with `toChangelogStream(table, { changelogMode: "upsert" })`: a consumer that
 * applies changes by key, so the aggregation emits one `+I`/`+U` per row and no `-U`, the same
 * output as the hand-written job.
 */
async function runSqlUpsert(n: number, miniBatch: boolean): Promise<{ ms: number; out: number }> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
  const t = TableEnvironment.fromStreamEnvironment(env);
  if (miniBatch) setMiniBatch(t);
  registerEvents(t, n);
  let out = 0;
  t.toChangelogStream(t.sqlQuery(QUERY), { changelogMode: "upsert" }).sinkTo(() => {
    out++;
  });
  const r = await env.execute("sql-upsert");
  return { ms: r.getNetRuntime(), out };
}

function setMiniBatch(t: TableEnvironment): void {
  t.getConfig().set("table.exec.mini-batch.enabled", "true");
  t.getConfig().set("table.exec.mini-batch.size", "5000");
  t.getConfig().set("table.exec.mini-batch.allow-latency", "1 s");
}

function registerEvents(t: TableEnvironment, n: number): void {
  t.catalogs.registerStream(
    "events",
    [
      { name: "id", type: INT() },
      { name: "user_id", type: INT() },
      { name: "amount", type: INT() },
    ],
    (env) =>
      env.fromSource(
        new DataGeneratorSource((i: number): Row => [0, i, i % USERS, (i * 7) % 100], n),
        WatermarkStrategy.noWatermarks(),
        "events",
      ),
  );
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

type Mode =
  "batch" | "streaming" | "streaming-minibatch" | "streaming-upsert" | "streaming-upsert-minibatch";

async function bench(mode: Mode): Promise<Record<string, unknown>> {
  const batch = mode === "batch";
  const mini = mode.endsWith("minibatch");
  const upsert = mode.startsWith("streaming-upsert");
  const sqlRun = (n: number) => (upsert ? runSqlUpsert(n, mini) : runSql(n, batch, mini));
  await sqlRun(Math.round(N / 10));
  await runDataStream(Math.round(N / 10), batch);
  const sql: number[] = [];
  const ds: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const s = await sqlRun(N);
    const d = await runDataStream(N, batch);
    sql.push(N / s.ms / 1000);
    ds.push(N / d.ms / 1000);
    const outs = `SQL ${s.out} rows out, DataStream ${d.out}`;
    console.log(
      `  ${mode} round ${r + 1}: SQL ${(N / s.ms / 1000).toFixed(2)}M/s, DataStream ${(N / d.ms / 1000).toFixed(2)}M/s (${outs})`,
    );
  }
  const ratio = median(sql) / median(ds);
  // The full changelog has twice the hand-written job's output rows: a reference, not a target.
  const reference = mode === "streaming";
  const verdict = reference
    ? "reference: -U and +U per row"
    : `>= ${TARGET}: ${ratio >= TARGET ? "PASS" : "FAIL"}`;
  console.log(
    `${mode}: sql=${median(sql).toFixed(2)}M/s datastream=${median(ds).toFixed(2)}M/s ratio=${ratio.toFixed(2)} (${verdict})`,
  );
  return {
    case: mode,
    metric: "sql/datastream",
    value: ratio,
    threshold: reference ? null : TARGET,
    pass: reference ? null : ratio >= TARGET,
  };
}

const which = process.argv.slice(2);
const modes = (
  which.length > 0
    ? which
    : [
        "batch",
        "streaming-upsert",
        "streaming-upsert-minibatch",
        "streaming",
        "streaming-minibatch",
      ]
) as Mode[];
console.log(
  `SQL vs hand-written DataStream, N=${N.toLocaleString("en-US")} rows, ${USERS} groups, ${RUNS} rounds (load average ${loadavg()[0]!.toFixed(2)})\n  ${QUERY}`,
);
const targets = [];
for (const m of modes) targets.push(await bench(m));
console.log(JSON.stringify({ benchmark: "sql", n: N, runs: RUNS, targets }));
