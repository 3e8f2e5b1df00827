/**
 * Runs one Nexmark query on Strom: the SQL script (`engine: "sql"`) or the hand-written
 * DataStream version (`engine: "datastream"`, q0..q8), over generated events or a JSON-lines
 * file. At parallelism 1 the job runs on this thread; above, on worker threads (the "local"
 * target: each worker re-runs bench/nexmark/job.ts, which reads the same settings from the
 * environment variables {@link jobEnv} sets).
 */
import { fileURLToPath } from "node:url";
import {
  NexmarkSource,
  StreamExecutionEnvironment,
  TableEnvironment,
  runJobModule,
  type DataStream,
  type NexmarkEvent,
} from "../../src/index.ts";
import { DATASTREAM_QUERIES } from "./datastream/index.ts";
import { FinalRows } from "./final-rows.ts";
import { nexmarkScript, registerCountChar, type EventInput } from "./script.ts";

/** What to run. */
export interface QueryRun {
  readonly query: string;
  readonly engine: "sql" | "datastream";
  readonly events: number;
  readonly parallelism: number;
  /** Placeholders of the query file (`OUTPUT` for q10). */
  readonly vars?: Readonly<Record<string, string>>;
  /** A whole SQL script to run instead of the query's (the Flink comparison's variant). */
  readonly script?: string;
  /**
   * Where to write the final result of a script ending in a SELECT (JSON lines of field arrays,
   * the changelog applied): the comparison's results of updating queries.
   */
  readonly collect?: string;
}

/** How long a run took and what it cost. */
export interface RunMeasure {
  /** Wall time from the job's submission to its end (ms). */
  readonly elapsedMs: number;
  /** Process CPU time (all threads) over the same span (ms). */
  readonly cpuMs: number;
}

const SETTINGS_VAR = "STROM_NEXMARK_JOB";

/** Runs the SQL statements of a query's script; INSERTs run as jobs, awaited in turn. */
export async function runSqlScript(
  run: QueryRun,
  input: EventInput,
  target: "thread" | "local",
): Promise<void> {
  const tEnv = TableEnvironment.create({
    mode: "streaming",
    parallelism: run.parallelism,
    target,
  });
  registerCountChar(tEnv);
  const script = run.script ?? nexmarkScript(run.query, input, run.vars);
  const statements = TableEnvironment.splitStatements(script);
  for (const [i, s] of statements.entries()) {
    const result = await tEnv.executeSql(s.text);
    if (!result.runsJob) continue;
    if (run.collect !== undefined && i === statements.length - 1) {
      const final = new FinalRows();
      await result.changelog((rows) => final.apply(rows), { retain: false });
      final.write(run.collect);
    } else {
      await result.await();
    }
  }
}

/** Runs the hand-written DataStream version of a query into a discarding sink. */
export async function runDataStream(run: QueryRun, target: "thread" | "local"): Promise<void> {
  // "source": the events alone (the benchmark's baseline).
  const build =
    run.query === "source" ? (e: DataStream<NexmarkEvent>) => e : DATASTREAM_QUERIES[run.query];
  if (build === undefined) {
    throw new Error(
      `no DataStream version of ${run.query} (there are: ${Object.keys(DATASTREAM_QUERIES).join(", ")})`,
    );
  }
  const env =
    target === "thread"
      ? StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" })
      : StreamExecutionEnvironment.getExecutionEnvironment();
  env.setParallelism(run.parallelism);
  const events = env.fromSource(
    new NexmarkSource({ events: run.events }),
    NexmarkSource.watermarks(),
    "nexmark",
  );
  build(events)
    .sinkTo(() => {})
    .name("blackhole");
  await env.execute(`nexmark ${run.query} (DataStream)`);
}

/** Runs a query and measures it (see the module comment for where it runs). */
export async function measure(run: QueryRun): Promise<RunMeasure> {
  const input: EventInput = { kind: "generator", events: run.events };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  if (run.parallelism === 1) {
    if (run.engine === "sql") await runSqlScript(run, input, "thread");
    else await runDataStream(run, "thread");
  } else {
    process.env[SETTINGS_VAR] = JSON.stringify(run);
    try {
      await runJobModule(fileURLToPath(new URL("./job.ts", import.meta.url)), {
        parallelism: run.parallelism,
      });
    } finally {
      delete process.env[SETTINGS_VAR];
    }
  }
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { elapsedMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** The settings a worker's copy of job.ts runs (set by {@link measure}). */
export function jobSettings(): QueryRun {
  const text = process.env[SETTINGS_VAR];
  if (text === undefined) throw new Error(`${SETTINGS_VAR} is not set: run through measure()`);
  return JSON.parse(text) as QueryRun;
}
