/**
 * Collecting a changelog stream back to the client (the SQL client, tests), through the
 * DataStream API's collect sink, and materializing it into its final table.
 */
import type { DataStream } from "../../api/datastream.ts";
import type { JobClient } from "../../api/executor.ts";
import { OneInputTransformation } from "../../api/transformations.ts";
import { applyChangelog, type Row } from "./row.ts";

/** Options of {@link collectChangelog}. */
export interface CollectOptions {
  /** The job's name (default `Collect Job`). */
  readonly jobName?: string;
  /** Stop (cancel the job) after this many rows; for unbounded inputs. */
  readonly limit?: number;
}

/**
 * Runs the job and returns the rows of `stream` in the order they arrived. The collect sink runs
 * at the stream's own parallelism with a forward edge, so each upstream subtask's order is kept
 * (an ORDER BY at parallelism 1 arrives sorted); rows of different subtasks interleave.
 */
/**
 * Adds a collect sink to `stream`: the rows it receives go to `onRows`, in batches, in this
 * process (the stream's environment must then be executed). `onBarrier` learns where each
 * checkpoint's barrier passed each sink subtask (rows are batched per subtask: `onRows`' second
 * argument).
 */
export function attachCollector(
  stream: DataStream<Row>,
  onRows: (rows: Row[], subtask: number) => void,
  onBarrier?: (checkpointId: number, subtask: number) => void,
): void {
  const host = stream.getExecutionEnvironment();
  const id = host.registerCollector({
    records: (records, subtask) => onRows(records as Row[], subtask),
    ...(onBarrier !== undefined ? { barrier: onBarrier } : {}),
  });
  host.addTransformation(
    new OneInputTransformation<Row, never>(
      stream.getTransformation(),
      "Collect Sink",
      { kind: "collect", collectId: id },
      stream.getParallelism(),
      null,
    ),
  );
}

export async function collectChangelog(
  stream: DataStream<Row>,
  options: CollectOptions = {},
): Promise<Row[]> {
  const host = stream.getExecutionEnvironment();
  const max = options.limit ?? Infinity;
  const out: Row[] = [];
  let client: JobClient | null = null;
  let cancelled = false;
  const stop = (): void => {
    if (client !== null && !cancelled && out.length >= max) {
      cancelled = true;
      void client.cancel();
    }
  };
  attachCollector(stream, (records) => {
    for (const r of records) if (out.length < max) out.push(r);
    stop();
  });
  client = await host.executeAsync(options.jobName ?? "Collect Job");
  stop();
  try {
    await client.getJobExecutionResult();
  } catch (e) {
    if (!cancelled) throw e;
  }
  return out;
}

/**
 * Runs the job and returns the final table of `stream`'s changelog (see `applyChangelog`:
 * a multiset, or one row per key with `keyFields`).
 */
export async function collectTable(
  stream: DataStream<Row>,
  options: CollectOptions & { readonly keyFields?: readonly number[] } = {},
): Promise<unknown[][]> {
  return applyChangelog(await collectChangelog(stream, options), options.keyFields);
}
