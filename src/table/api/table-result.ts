/**
 * The result of one statement: `SUCCESS` (DDL, SET, USE...), `QUERY` (rows: a SELECT runs a job,
 * SHOW / DESCRIBE / EXPLAIN have their rows ready) or `INSERT` (a job writing into a table).
 */
import type { DataStream } from "../../api/datastream.ts";
import type { StreamExecutionEnvironment } from "../../api/environment.ts";
import type { JobClient } from "../../api/executor.ts";
import { JobCancelledError } from "../../core/errors.ts";
import { readMetadata } from "../../runtime/checkpoint/storage.ts";
import { attachCollector } from "../runtime/collect.ts";
import { applyChangelog, type Row } from "../runtime/row.ts";
import { typeToString, type LogicalType } from "../types/index.ts";

/** A result column. */
export interface ResultColumn {
  readonly name: string;
  readonly type: LogicalType;
  /** The type as Flink prints it (`INT NOT NULL`). */
  readonly typeText: string;
}

/** What a statement returned. */
export type ResultKind = "SUCCESS" | "QUERY" | "INSERT";

/** A job producing a result: its environment and the stream of result rows (or null: a sink). */
export interface ResultJob {
  readonly env: StreamExecutionEnvironment;
  readonly stream: DataStream<Row> | null;
  readonly name: string;
}

/** The result of one statement. */
export class TableResult {
  readonly kind: ResultKind;
  readonly columns: readonly ResultColumn[];
  private readonly rowsReady: Row[] | null;
  private readonly job: ResultJob | null;
  private client: JobClient | null = null;
  private readonly clientReady = Promise.withResolvers<JobClient | null>();
  private cancelled = false;
  private started = false;
  /** The checkpoint id of the savepoint the job was stopped with (no drain), or null. */
  private stoppedAt: number | null = null;
  /** Settles when a stop-with-savepoint through {@link getJobClient} is over. */
  private stopping: Promise<void> = Promise.resolve();

  private constructor(
    kind: ResultKind,
    columns: readonly ResultColumn[],
    rows: Row[] | null,
    job: ResultJob | null,
  ) {
    this.kind = kind;
    this.columns = columns;
    this.rowsReady = rows;
    this.job = job;
    // A job that fails to start rejects changelog(); nobody need wait for the client too.
    this.clientReady.promise.catch(() => {});
  }

  /** A statement without rows. */
  static ok(): TableResult {
    return new TableResult("SUCCESS", [], null, null);
  }

  /** Rows that are already known (SHOW, DESCRIBE, EXPLAIN), all inserts. */
  static rows(
    columns: readonly { name: string; type: LogicalType }[],
    rows: unknown[][],
  ): TableResult {
    return new TableResult(
      "QUERY",
      columns.map(column),
      rows.map((r) => [0, ...r]),
      null,
    );
  }

  /** A query whose rows come from a job. */
  static query(
    columns: readonly { name: string; type: LogicalType }[],
    job: ResultJob,
  ): TableResult {
    return new TableResult("QUERY", columns.map(column), null, job);
  }

  /** An INSERT job. */
  static insert(job: ResultJob): TableResult {
    return new TableResult("INSERT", [], null, job);
  }

  /**
   * Every change row `[kind, ...fields]`; `onRows` sees them in batches as they arrive. Runs the
   * job (once) and resolves when it ends; a cancelled query resolves with what arrived. With
   * `retain: false` the rows are only handed to `onRows` (the promise resolves with none).
   */
  async changelog(
    onRows?: (rows: Row[]) => void,
    options: { retain?: boolean } = {},
  ): Promise<Row[]> {
    if (this.rowsReady !== null) {
      onRows?.(this.rowsReady);
      return this.rowsReady;
    }
    if (this.job === null) return [];
    if (this.started) throw new Error("the result of this statement was already consumed");
    this.started = true;
    const { env, stream, name } = this.job;
    const out: Row[] = [];
    const retain = options.retain ?? true;
    // Each sink subtask's rows, and how many of them came before each checkpoint's barrier.
    const bySubtask: Row[][] = [];
    const barriers: Map<number, number>[] = [];
    if (stream !== null) {
      attachCollector(
        stream,
        (batch, subtask) => {
          if (retain) {
            const mine = (bySubtask[subtask] ??= []);
            for (const r of batch) {
              out.push(r);
              mine.push(r);
            }
          }
          onRows?.(batch);
        },
        (checkpointId, subtask) => {
          (barriers[subtask] ??= new Map()).set(checkpointId, bySubtask[subtask]?.length ?? 0);
        },
      );
    }
    try {
      this.client = await env.executeAsync(name);
    } catch (e) {
      this.clientReady.reject(e);
      throw e;
    }
    this.clientReady.resolve(this.stoppable(this.client));
    if (this.cancelled) await this.client.cancel();
    try {
      await this.client.getJobExecutionResult();
    } catch (e) {
      if (!(this.cancelled && e instanceof JobCancelledError)) throw e;
    }
    await this.stopping;
    const cut = this.stoppedAt;
    if (cut === null) return out;
    // Stopped with a savepoint: exactly the rows before its barrier (a job restored from the
    // savepoint continues with the rest). A subtask without the barrier had finished: all.
    return bySubtask.flatMap((rows, i) => rows.slice(0, barriers[i]?.get(cut) ?? rows.length));
  }

  /** Whether a job computes this result (a query or INSERT, not DDL, SHOW or EXPLAIN). */
  get runsJob(): boolean {
    return this.job !== null;
  }

  /**
   * The client of the job behind this result, once it runs (a query's job starts when its rows
   * are first asked for: {@link changelog}, {@link collect}); null for a statement without a
   * job. Stopping the job with a savepoint (without drain) through this client cuts the rows
   * {@link changelog} resolves with at the savepoint, so a job restored from it (`SET
   * 'execution.savepoint.path'`) continues exactly where they end.
   */
  getJobClient(): Promise<JobClient | null> {
    if (this.job === null) return Promise.resolve(null);
    return this.clientReady.promise;
  }

  /** `client` whose stop-with-savepoint records the savepoint for the cut. */
  private stoppable(client: JobClient): JobClient {
    return {
      jobId: client.jobId,
      getJobExecutionResult: () => client.getJobExecutionResult(),
      cancel: () => {
        this.cancelled = true;
        return client.cancel();
      },
      triggerSavepoint: (dir) => client.triggerSavepoint(dir),
      stopWithSavepoint: async (dir, drain) => {
        if (drain === true) return client.stopWithSavepoint(dir, true);
        this.cancelled = true;
        const over = Promise.withResolvers<void>();
        this.stopping = over.promise;
        try {
          const path = await client.stopWithSavepoint(dir, false);
          this.stoppedAt = (await readMetadata(path)).metadata.checkpointId;
          return path;
        } finally {
          over.resolve();
        }
      },
    };
  }

  /** The final rows (the changelog applied): runs the job to its end. */
  async collect(): Promise<unknown[][]> {
    return applyChangelog(await this.changelog());
  }

  /** Waits for an INSERT job to finish (or a query to end, its rows dropped). */
  async await(): Promise<void> {
    await this.changelog();
  }

  /** Stops a running query or INSERT job. */
  async cancel(): Promise<void> {
    this.cancelled = true;
    if (this.client !== null) await this.client.cancel();
  }
}

function column(c: { name: string; type: LogicalType }): ResultColumn {
  return { name: c.name, type: c.type, typeText: typeToString(c.type) };
}
