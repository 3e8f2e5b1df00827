/**
 * The entry point of SQL and the Table API: `TableEnvironment.create(...)` runs statements
 * (`executeSql`), plans queries (`sqlQuery`) and keeps the session's options and catalogs. A
 * query is parsed, bound against the catalog into a logical plan, optimized, translated onto
 * DataStream operators with its expressions compiled to JavaScript, and run as a job when its
 * result is read.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { DataStream } from "../../api/datastream.ts";
import { StreamExecutionEnvironment } from "../../api/environment.ts";
import { TableEnvironmentError } from "./errors.ts";
import type { ScalarFunction, ScalarFunctionOptions } from "./user-functions.ts";
import type {
  AggregateFunction,
  TableFunction,
  UserFunction,
  UserFunctionOptions,
} from "./user-table-functions.ts";
import { bindQuery } from "../planner/bind-query.ts";
import type { BindContext, PlannerCatalog, ResolvedRelation } from "../planner/context.ts";
import { explainPlan } from "../planner/explain.ts";
import type { AggregateNode, RelNode, ScanSource } from "../planner/logical.ts";
import { upsertPlan } from "../planner/upsert.ts";
import { rowToChange, rowToObject } from "./row-objects.ts";
import { checkDeterminism } from "../planner/determinism.ts";
import { checkWindowTvfs } from "../planner/window-tvf.ts";
import { checkUserAggregates } from "../planner/bind-user-aggregate.ts";
import { optimize, type OptimizeOptions } from "../planner/optimize.ts";
import { translate, type TranslateContext } from "../planner/translate.ts";
import type { Row } from "../runtime/row.ts";
import type { Query } from "../sql/ast-query.ts";
import type { InsertStatement, Statement } from "../sql/ast-statement.ts";
import type { DataTypeNode } from "../sql/ast-types.ts";
import type { SourcePos } from "../sql/errors.ts";
import { parseStatements, tokenize } from "../sql/index.ts";
import { STRING, notNull, type LogicalType } from "../types/index.ts";
import "../functions/index.ts";
import { CatalogBridge } from "./catalog-bridge.ts";
import { OPTIONS, TableConfig } from "./table-config.ts";
import { TableResult } from "./table-result.ts";
import { createTableAs, explainInserts, planInsert, type InsertPlanner } from "./insert-plan.ts";
import { StatementSet } from "./statement-set.ts";
import { streamWatermark, type FromDataStreamOptions } from "./stream-watermark.ts";
import { Table, type TableHost } from "./table.ts";
import { changelogModeOf } from "../planner/changelog.ts";

/** Options of {@link TableEnvironment.toChangelogStream}. */
export interface ChangelogStreamOptions {
  /** "all" (default): every change, `-U` included; "upsert": changes applied by key, no `-U`. */
  readonly changelogMode?: "all" | "upsert";
}

/** Settings of a new table environment. */
export interface TableEnvironmentSettings {
  /** Runtime mode (default streaming). */
  readonly mode?: "streaming" | "batch";
  /** Default parallelism of queries (default 1). */
  readonly parallelism?: number;
  /** A directory where the default catalog is kept across restarts (default: in memory). */
  readonly catalogPath?: string;
  /** Session time zone (IANA name, default UTC). */
  readonly timeZone?: string;
  /** The clock of CURRENT_TIMESTAMP and friends (epoch ms); default: the system clock. */
  readonly clock?: () => number;
  /**
   * Where query jobs run: "thread" (default: this thread, as a SQL client or a test wants) or
   * "local" (worker threads; the program must then be a job module that re-runs its statements
   * in each worker, as a DataStream job does).
   */
  readonly target?: "thread" | "local";
}

/** A statement's text and AST, as split from a script. */
export interface ScriptStatement {
  readonly text: string;
  readonly statement: Statement;
}

export { TableEnvironmentError };

/** Runs SQL statements and Table API programs. */
export class TableEnvironment {
  private readonly config: TableConfig;
  /** The catalogs and DDL of this session. */
  readonly catalogs: CatalogBridge;
  private readonly streamEnv: StreamExecutionEnvironment | null;
  private readonly clock: (() => number) | undefined;
  private readonly target: "thread" | "local";

  /** Use {@link create} (or `StreamTableEnvironment.create(env)`). */
  protected constructor(
    settings: TableEnvironmentSettings,
    streamEnv: StreamExecutionEnvironment | null,
  ) {
    this.config = new TableConfig({
      [OPTIONS.RUNTIME_MODE]: settings.mode ?? "streaming",
      [OPTIONS.PARALLELISM]: String(settings.parallelism ?? 1),
      [OPTIONS.TIME_ZONE]: settings.timeZone ?? "UTC",
    });
    this.streamEnv = streamEnv;
    this.clock = settings.clock;
    this.target = settings.target ?? "thread";
    this.catalogs = new CatalogBridge(settings.catalogPath);
  }

  /** A table environment for SQL over connector tables. */
  static create(settings: TableEnvironmentSettings = {}): TableEnvironment {
    return new TableEnvironment(settings, null);
  }

  /** A table environment whose queries run on `env` (for DataStream conversions). */
  static fromStreamEnvironment(
    env: StreamExecutionEnvironment,
    settings: TableEnvironmentSettings = {},
  ): TableEnvironment {
    return new TableEnvironment(settings, env);
  }

  /** Splits a script into its statements (a syntax error stops it, naming line and column). */
  static splitStatements(sql: string): ScriptStatement[] {
    const all = parseStatements(sql);
    const tokens = tokenize(sql);
    return all.map((statement, i) => {
      const limit = i + 1 < all.length ? all[i + 1]!.pos.offset : sql.length;
      // The statement ends with its last token before the next one (not a `;`).
      let end = statement.pos.offset;
      for (const t of tokens) {
        const at = t.pos.offset;
        if (at < statement.pos.offset) continue;
        if (at >= limit) break;
        if (t.text !== ";") end = t.end;
      }
      return { statement, text: sql.slice(statement.pos.offset, end) };
    });
  }

  /**
   * Registers a user-defined function under `name`, callable from SQL: a scalar function
   * (`tEnv.createTemporarySystemFunction("MASK", (s: string) => s.replace(/./g, "*"), { resultType: "STRING" })`),
   * a {@link TableFunction} (`LATERAL TABLE(f(x))`) or an {@link AggregateFunction}; the kind
   * is recognised as api/user-table-functions.ts describes. `options` may be omitted when the
   * function carries its declarations (`resultType`...) itself.
   */
  createTemporarySystemFunction(
    name: string,
    fn: ScalarFunction | TableFunction | AggregateFunction | UserFunction,
    options?: ScalarFunctionOptions | UserFunctionOptions,
  ): void {
    try {
      this.catalogs.functions.registerSystem(name, fn, options);
    } catch (e) {
      if (e instanceof TableEnvironmentError) throw e;
      throw new TableEnvironmentError((e as Error).message, { cause: e });
    }
  }

  /**
   * Drops the temporary system function `name` of this session (as `DROP TEMPORARY SYSTEM
   * FUNCTION`); false when there was none.
   */
  dropTemporarySystemFunction(name: string): boolean {
    return this.catalogs.functions.dropSystem(name);
  }

  /** The session's options. */
  getConfig(): TableConfig {
    return this.config;
  }

  /** Runs one statement (SQL text holding exactly one, or its AST). */
  async executeSql(sql: string | Statement): Promise<TableResult> {
    const statement = typeof sql === "string" ? single(sql) : sql;
    await this.catalogs.functions.prepare(statement);
    return this.execute(statement, typeof sql === "string" ? sql : "");
  }

  /** The query `sql` (a SELECT, VALUES, WITH...) as a {@link Table}, checked now, run by `execute()`. */
  sqlQuery(sql: string): Table {
    const s = single(sql);
    if (s.kind !== "query") {
      throw new TableEnvironmentError(`sqlQuery expects a query, got a ${s.kind} statement`);
    }
    this.plan(s.query);
    return new Table(this.tableHost, sql.trim().replace(/;\s*$/, ""));
  }

  /** The table or view `path` (`"orders"`, `"db.orders"`) as a {@link Table}. */
  from(path: string): Table {
    return this.sqlQuery(`SELECT * FROM ${path}`);
  }

  /** Registers `table` as a temporary view `name`. */
  createTemporaryView(name: string, table: Table): void {
    const s = single(table.sql);
    if (s.kind !== "query") throw new TableEnvironmentError("not a query");
    this.plan(s.query);
    this.catalogs.registerView(name, s.query);
  }

  /**
   * A table over a DataStream of objects (needs `TableEnvironment.fromStreamEnvironment(env)` with
   * the stream's environment): `fields` names the columns read from each object, with their SQL
   * types; `options.watermark` declares a rowtime column and its watermarks (stream-watermark.ts).
   */
  fromDataStream<T extends object>(
    stream: DataStream<T>,
    fields: readonly { name: string; type: LogicalType }[],
    options: FromDataStreamOptions = {},
  ): Table {
    if (this.streamEnv === null || stream.getExecutionEnvironment() !== this.streamEnv) {
      throw new TableEnvironmentError(
        "fromDataStream needs the stream's environment: create the table environment with TableEnvironment.fromStreamEnvironment(env)",
      );
    }
    const watermark = streamWatermark(options, fields);
    const name = `_datastream_${++this.aliases}`;
    const names = fields.map((f) => f.name);
    this.catalogs.registerStream(
      name,
      fields,
      () =>
        stream.map((v: T): Row => {
          const row = new Array<unknown>(names.length + 1);
          row[0] = 0;
          const o = v as Record<string, unknown>;
          for (let i = 0; i < names.length; i++) row[i + 1] = o[names[i]!] ?? null;
          return row;
        }),
      { bounded: false, ...(watermark !== undefined ? { watermark } : {}) },
    );
    return new Table(this.tableHost, `SELECT * FROM ${name}`);
  }

  /**
   * The rows of an insert-only table as a DataStream of objects keyed by column name; a table
   * that updates its rows must use {@link toChangelogStream}.
   */
  toDataStream(table: Table): DataStream<Record<string, unknown>> {
    const { rel, stream } = this.toStream(table);
    if (changelogModeOf(rel, this.config.batch) !== "I") {
      throw new TableEnvironmentError(
        "toDataStream needs an insert-only table, but this one updates its rows (an aggregation or outer join): use toChangelogStream",
      );
    }
    const toObject = rowToObject(rel.fields.map((f) => f.name));
    return stream.map((row: Row) => toObject(row));
  }

  /**
   * Every change of a table as `{ kind: "+I" | "-U" | "+U" | "-D", row: {...} }`. With
   * `{ changelogMode: "upsert" }` (Flink's `ChangelogMode.upsert()`) the consumer applies changes
   * by key: an updating GROUP BY then emits no `-U` rows, a `+U` replaces the row with the same
   * group key (which must be selected); other updating tables are refused in this mode.
   */
  toChangelogStream(
    table: Table,
    options: ChangelogStreamOptions = {},
  ): DataStream<{ kind: string; row: Record<string, unknown> }> {
    const { rel, stream } = this.toStream(table, options.changelogMode === "upsert");
    return stream.map(rowToChange(rel.fields.map((f) => f.name)));
  }

  private toStream(table: Table, upsert = false): { rel: RelNode; stream: DataStream<Row> } {
    if (this.streamEnv === null) {
      throw new TableEnvironmentError(
        "converting a table to a DataStream needs TableEnvironment.fromStreamEnvironment(env)",
      );
    }
    const s = single(table.sql);
    if (s.kind !== "query") throw new TableEnvironmentError("not a query");
    const rel = this.plan(s.query);
    let upsertAggregate: AggregateNode | undefined;
    if (upsert && changelogModeOf(rel, this.config.batch) !== "I") {
      const p = upsertPlan(rel);
      if (p === null) {
        throw new TableEnvironmentError(
          "toChangelogStream with changelogMode 'upsert' needs an insert-only table or one updated by a GROUP BY whose key columns are selected; use the default mode for this table",
        );
      }
      upsertAggregate = p.aggregate;
    }
    return { rel, stream: this.translatePlan(rel, upsertAggregate).stream };
  }

  private aliases = 0;
  private readonly tableHost: TableHost = {
    runQuery: (sql) => {
      const s = single(sql);
      if (s.kind !== "query") throw new TableEnvironmentError("not a query");
      return this.runQuery(s.query);
    },
    explainQuery: (sql) => this.explainSql(sql),
    nextAlias: () => `_t${++this.aliases}`,
  };

  /** The logical plan of a query, as EXPLAIN prints it. */
  explainSql(sql: string): string {
    const s = single(sql);
    const query = s.kind === "query" ? s.query : s.kind === "insert" ? s.query : null;
    if (query === null) throw new TableEnvironmentError("EXPLAIN needs a query or an INSERT");
    return this.explain(query);
  }

  private async execute(s: Statement, text: string): Promise<TableResult> {
    switch (s.kind) {
      case "query":
        return this.runQuery(s.query);
      case "insert":
        return this.executeInserts([s]);
      case "explain": {
        const inner = s.statement.kind === "execute" ? s.statement.statement : s.statement;
        const text =
          inner.kind === "statementSet"
            ? this.explainInserts(inner.statements)
            : this.explain(inner.query, s.details);
        return TableResult.rows([{ name: "result", type: notNull(STRING()) }], [[text]]);
      }
      case "execute":
        return this.execute(s.statement, text);
      case "set": {
        if (s.key === undefined) {
          return TableResult.rows(
            [
              { name: "key", type: notNull(STRING()) },
              { name: "value", type: notNull(STRING()) },
            ],
            this.config.entries(),
          );
        }
        this.config.set(s.key, s.value ?? "");
        return TableResult.ok();
      }
      case "reset":
        this.config.reset(s.key);
        return TableResult.ok();
      case "statementSet":
        return this.executeInserts(s.statements);
      case "createTable":
        if (s.asQuery === undefined) break;
        return createTableAs(s, s.asQuery, {
          plan: (q) => this.plan(q),
          catalogs: this.catalogs,
          runDdl: (ddl) => this.catalogs.execute(ddl, text, this.bindContext()),
          executeInserts: (inserts) => this.executeInserts(inserts),
        });
      default:
        break;
    }
    return this.catalogs.execute(s, text, this.bindContext());
  }

  /** The catalog view of the planner: session catalogs. */
  private plannerCatalog(): PlannerCatalog {
    return {
      resolve: (parts: readonly string[], pos: SourcePos): ResolvedRelation =>
        this.catalogs.resolve(parts, pos),
    };
  }

  private bindContext(): BindContext {
    return {
      catalog: this.plannerCatalog(),
      typeOf: (node: DataTypeNode): LogicalType => this.catalogs.typeOf(node),
      ctes: new Map(),
    };
  }

  /** Binds and optimizes `query`. */
  plan(query: Query): RelNode {
    const resolved = this.catalogs.functions.resolveCalls(query);
    const rel = optimize(bindQuery(resolved, this.bindContext()), this.optimizeOptions());
    checkUserAggregates(rel, this.config.batch);
    checkWindowTvfs(rel, this.config.batch);
    if (this.config.checkNonDeterministicUpdates) checkDeterminism(rel, this.config.batch);
    return rel;
  }

  /** EXPLAIN's text; the detail ESTIMATED_COST adds each node's estimated row count. */
  private explain(query: Query, details: readonly string[] = []): string {
    const logical = bindQuery(this.catalogs.functions.resolveCalls(query), this.bindContext());
    const optimized = optimize(logical, this.optimizeOptions());
    const estimates = details.includes("ESTIMATED_COST");
    return [
      "== Abstract Syntax Tree ==",
      explainPlan(logical),
      "",
      "== Optimized Execution Plan ==",
      explainPlan(optimized, { batch: this.config.batch, estimates }),
    ].join("\n");
  }

  /** Constant folding's options and the optimizer rules the session enables. */
  private optimizeOptions(): OptimizeOptions {
    return {
      ...this.foldOptions(),
      joinReorder: this.config.joinReorder,
      aggPushDown: this.config.aggPushDown,
    };
  }

  /** How constants are evaluated at plan time: in the session's time zone, with its clock. */
  private foldOptions(): { timeZone: string; clock?: () => number } {
    return {
      timeZone: this.config.timeZone,
      ...(this.clock !== undefined ? { clock: this.clock } : {}),
    };
  }

  private newEnv(): StreamExecutionEnvironment {
    if (this.streamEnv !== null) return this.streamEnv;
    const restore = this.config.checkpointing.restore;
    const env = StreamExecutionEnvironment.getExecutionEnvironment({
      runtimeMode: this.config.batch ? "BATCH" : "STREAMING",
      target: this.target,
      ...(restore !== undefined ? { restore } : {}),
    });
    env.setParallelism(this.config.parallelism);
    const interval = this.config.autoWatermarkInterval;
    if (interval !== undefined) env.setAutoWatermarkInterval(interval);
    const restart = this.config.restartStrategy;
    if (restart !== undefined) env.setRestartStrategy(restart);
    const ckpt = this.config.checkpointing;
    if (ckpt.intervalMs > 0 && !this.config.batch) {
      env.enableCheckpointing(ckpt.intervalMs);
      // Each job checkpoints into its own directory under the configured one (as Flink's
      // `<dir>/<job-id>/chk-<n>`), so jobs sharing the option never touch each other's files.
      if (ckpt.directory !== undefined) {
        const job = `job-${randomBytes(8).toString("hex")}`;
        env.getCheckpointConfig().setCheckpointStorage(join(ckpt.directory, job));
      }
    }
    return env;
  }

  /** Translates a plan onto a fresh environment. */
  private translatePlan(
    rel: RelNode,
    upsertAggregate?: AggregateNode,
    env: StreamExecutionEnvironment = this.newEnv(),
    shared?: SharedSources,
  ): {
    env: StreamExecutionEnvironment;
    stream: DataStream<Row>;
  } {
    const create = (source: ScanSource, projection: readonly number[]): DataStream<Row> =>
      this.catalogs.createSource(env, source, projection, this.config);
    const ctx: TranslateContext = {
      env,
      source: (source: ScanSource, projection: readonly number[]) =>
        shared === undefined ? create(source, projection) : shared.get(source, projection, create),
      lookup: (source: ScanSource, keys: readonly number[]) =>
        this.catalogs.createLookup(source, keys),
      compile: {
        timeZone: this.config.timeZone,
        ...(this.clock !== undefined ? { clock: this.clock } : {}),
      },
      ...(this.config.miniBatch !== undefined ? { miniBatch: this.config.miniBatch } : {}),
      stateTtl: this.config.stateTtl,
      ...(upsertAggregate !== undefined ? { upsertAggregate } : {}),
      ...(this.config.reuseSubPlan ? { reuse: new Map<string, DataStream<Row>>() } : {}),
    };
    return { env, stream: translate(rel, ctx) };
  }

  private runQuery(query: Query): TableResult {
    const rel = this.plan(query);
    const { env, stream } = this.translatePlan(rel);
    return TableResult.query(rel.fields, { env, stream, name: "collect" });
  }

  /** A set of INSERTs to run as one job (Flink's `createStatementSet()`). */
  createStatementSet(): StatementSet {
    return new StatementSet({
      executeInserts: (inserts) => this.executeInserts(inserts),
      explainInserts: (inserts) => this.explainInserts(inserts),
    });
  }

  private insertPlanner(): InsertPlanner {
    return {
      plan: (q) => this.plan(q),
      sinkFor: (table, pos) => this.catalogs.sinkFor(table, pos),
      config: this.config,
    };
  }

  /**
   * Plans every INSERT (a failure plans and runs none), then translates them onto one
   * environment: one job with a sink per statement. Scans of the same table with the same
   * columns are read once and feed every statement that reads them.
   */
  private executeInserts(inserts: readonly InsertStatement[]): TableResult {
    const planned = inserts.map((ins) => planInsert(ins, this.insertPlanner()));
    const env = this.newEnv();
    const shared = new SharedSources();
    for (const p of planned) {
      p.sink.write(this.translatePlan(p.rel, undefined, env, shared).stream, p.rel, this.config);
    }
    const name = planned.map((p) => `insert-into_${p.target}`).join(",");
    return TableResult.insert({ env, stream: null, name });
  }

  private explainInserts(inserts: readonly InsertStatement[]): string {
    const planned = inserts.map((ins) => planInsert(ins, this.insertPlanner()));
    return explainInserts(planned, (rel) => explainPlan(rel, { batch: this.config.batch }));
  }
}

function single(sql: string): Statement {
  const all = parseStatements(sql);
  if (all.length !== 1) {
    throw new TableEnvironmentError(
      `executeSql runs exactly one statement, got ${all.length}: split a script with TableEnvironment.splitStatements`,
    );
  }
  return all[0]!;
}

/**
 * The source streams of one job's statements (a statement set), so that scans of the same table
 * with the same columns share one source: its rows feed every statement reading them.
 */
class SharedSources {
  private readonly streams = new Map<string, { handle: unknown; stream: DataStream<Row> }[]>();

  /** The stream of `source` read with `projection`, created by `create` on first use. */
  get(
    source: ScanSource,
    projection: readonly number[],
    create: (source: ScanSource, projection: readonly number[]) => DataStream<Row>,
  ): DataStream<Row> {
    const key = `${source.name}|${projection.join(",")}`;
    let list = this.streams.get(key);
    if (list === undefined) this.streams.set(key, (list = []));
    const same = list.find((e) => sameHandle(e.handle, source.handle));
    if (same !== undefined) return same.stream;
    const stream = create(source, projection);
    list.push({ handle: source.handle, stream });
    return stream;
  }
}

/** Whether two scans' handles read the same thing (the same object, or equal plain options). */
function sameHandle(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  try {
    const ja = JSON.stringify(a);
    return ja !== undefined && ja.length < 100_000 && ja === JSON.stringify(b);
  } catch {
    return false;
  }
}
