/**
 * The table environment's link to the catalogs and connectors: resolving names for the
 * planner, reading and writing connector tables, and running the catalog statements (DDL,
 * SHOW, DESCRIBE, USE). Tables of rows held in this process (`registerRows`) serve tests and
 * the Table API's conversions.
 */
import type { DataStream } from "../../api/datastream.ts";
import type { StreamExecutionEnvironment } from "../../api/environment.ts";
import { CatalogManager } from "../catalog/catalog-manager.ts";
import { FileCatalog } from "../catalog/file-catalog.ts";
import type { CatalogTable, ObjectIdentifier } from "../catalog/objects.ts";
import { defaultConnectorRegistry } from "../connectors/builtin.ts";
import { tableContext, type ConnectorRegistry } from "../connectors/factory.ts";
import {
  lookupCacheSettings,
  type LookupCacheSettings,
  type LookupTableSource,
} from "../connectors/lookup.ts";
import { changelogModeOf } from "../planner/changelog.ts";
import { logicalTypeOf } from "../catalog/type-from-ast.ts";
import { executeDdl, isDdlStatement } from "../catalog/ddl.ts";
import { SessionFunctions } from "./session-functions.ts";
import { userTableAndAggregateNames } from "../runtime/user-functions.ts";
import type {
  BindContext,
  ResolvedRelation,
  TableColumn,
  TableWatermark,
} from "../planner/context.ts";
import { SqlPlanError } from "../planner/errors.ts";
import { bindExpr } from "../planner/bind-expr.ts";
import { Scope } from "../planner/scope.ts";
import { scalarNames } from "../expr/operators.ts";
import type { Field, RelNode, ScanSource } from "../planner/logical.ts";
import { ChangelogMode, insertRows, type Row } from "../runtime/row.ts";
import { fromValues } from "../runtime/values.ts";
import type { Query } from "../sql/ast-query.ts";
import type { Statement } from "../sql/ast-statement.ts";
import type { DataTypeNode } from "../sql/ast-types.ts";
import type { SourcePos } from "../sql/errors.ts";
import { STRING, type LogicalType } from "../types/index.ts";
import type { TableConfig } from "./table-config.ts";
import { TableResult } from "./table-result.ts";

/** Where a scan's rows come from. */
type SourceHandle =
  | { readonly kind: "rows"; readonly rows: readonly Row[]; readonly rowsPerSecond?: number }
  | {
      readonly kind: "stream";
      readonly create: (env: StreamExecutionEnvironment) => DataStream<Row>;
      /** Number of fields of its rows. */
      readonly width: number;
    }
  | {
      readonly kind: "connector";
      readonly name: string;
      readonly id: ObjectIdentifier;
      readonly table: CatalogTable;
    };

/** A table written by INSERT INTO. */
export interface SinkTarget {
  /** Its physical columns. */
  readonly columns: readonly Field[];
  /** The fully qualified table name. */
  readonly name: string;
  /** Throws when the sink cannot take the rows of `rel` (updates into an append-only sink). */
  check(rel: RelNode, config: TableConfig): void;
  /** Adds the sink of `stream` (rows of `rel`) to the stream's environment. */
  write(stream: DataStream<Row>, rel: RelNode, config: TableConfig): void;
}

/** Catalogs, connectors and catalog statements of one table environment. */
export class CatalogBridge {
  /** The session's catalogs. */
  readonly manager: CatalogManager;
  /** The connectors and formats tables can use. */
  readonly connectors: ConnectorRegistry = defaultConnectorRegistry();
  private readonly views = new Map<string, Query>();
  private readonly rowTables = new Map<
    string,
    {
      fields: Field[];
      handle: SourceHandle;
      bounded: boolean;
      updating: boolean;
      watermark?: TableWatermark;
    }
  >();

  /** Catalogs with the default one in memory, or persisted under `catalogPath`. */
  constructor(catalogPath?: string) {
    this.manager = new CatalogManager({
      ...(catalogPath === undefined
        ? {}
        : { defaultCatalog: new FileCatalog("default_catalog", catalogPath, "default_database") }),
      typer: (expr, columns) => {
        const fields: Field[] = [];
        for (const c of columns)
          if (c.kind !== "computed" || c.type) fields.push({ name: c.name, type: c.type! });
        try {
          return bindExpr(expr, {
            scope: Scope.of(null, fields),
            clause: "computed column",
            typeOf: logicalTypeOf,
          }).type;
        } catch {
          return undefined;
        }
      },
      builtinFunctions: () => [...new Set([...scalarNames(), ...userTableAndAggregateNames()])],
    });
    this.functions = new SessionFunctions(this.manager);
  }

  /**
   * Registers a temporary table `name` holding `rows` (field values, all inserts);
   * `rowsPerSecond` slows each parallel reader of it down (a table for tests that stop a job
   * mid-way).
   */
  registerRows(
    name: string,
    fields: readonly Field[],
    rows: readonly (readonly unknown[])[],
    options: { rowsPerSecond?: number } = {},
  ): void {
    this.rowTables.set(name, {
      fields: [...fields],
      handle: { kind: "rows", rows: insertRows(rows), ...options },
      bounded: true,
      updating: false,
    });
  }

  /**
   * Registers a temporary table `name` whose rows (`[kind, ...fields]`) a stream produces:
   * `create` adds the stream to the environment of the query reading it.
   */
  registerStream(
    name: string,
    fields: readonly Field[],
    create: (env: StreamExecutionEnvironment) => DataStream<Row>,
    options: { bounded?: boolean; updating?: boolean; watermark?: TableWatermark } = {},
  ): void {
    this.rowTables.set(name, {
      fields: [...fields],
      handle: { kind: "stream", create, width: fields.length },
      bounded: options.bounded ?? true,
      updating: options.updating ?? false,
      ...(options.watermark !== undefined ? { watermark: options.watermark } : {}),
    });
  }

  /** Registers a temporary view `name` over `query` (it shadows catalog tables). */
  registerView(name: string, query: Query): void {
    this.views.set(name, query);
  }

  /** Converts a written data type. */
  typeOf(node: DataTypeNode): LogicalType {
    return logicalTypeOf(node);
  }

  /** The session's user functions. */
  readonly functions: SessionFunctions;

  /** Resolves a table or view name for the planner. */
  resolve(parts: readonly string[], pos: SourcePos): ResolvedRelation {
    if (parts.length === 1) {
      const view = this.views.get(parts[0]!);
      if (view !== undefined)
        return { kind: "view", name: parts[0]!, query: this.functions.resolveCalls(view) };
      const t = this.rowTables.get(parts[0]!);
      if (t !== undefined) {
        const source: ScanSource = {
          name: parts[0]!,
          handle: t.handle,
          bounded: t.bounded,
          updating: t.updating,
          ...(t.handle.kind === "rows" ? { rowCount: t.handle.rows.length } : {}),
        };
        const wm = t.watermark !== undefined ? { watermark: t.watermark } : {};
        return { kind: "table", name: parts[0]!, columns: t.fields, source, ...wm };
      }
    }
    const found = this.manager.lookupTable(parts, pos);
    const name = `${found.identifier.catalog}.${found.identifier.database}.${found.identifier.object}`;
    const obj = found.object;
    if (obj.kind === "view") {
      return {
        kind: "view",
        name,
        query: this.functions.resolveCalls(obj.query),
        ...(obj.columns !== undefined ? { columnNames: obj.columns } : {}),
      };
    }
    const columns: TableColumn[] = [];
    for (const c of obj.schema.columns) {
      if (c.kind === "physical") columns.push({ name: c.name, type: c.type });
      else if (c.kind === "computed")
        columns.push({
          name: c.name,
          type: c.type!,
          computed: this.functions.resolveCalls(c.expr),
        });
      else
        throw new SqlPlanError(`Metadata column '${c.name}' of ${name} is not supported yet`, pos);
    }
    const { factory, context } = tableContext(found.identifier, obj, this.connectors, { pos });
    if (factory.createSource === undefined && factory.createLookup === undefined) {
      throw new SqlPlanError(
        `Connector '${factory.identifier}' of table ${name} cannot be read (it is a sink only)`,
        pos,
      );
    }
    // A lookup-only connector: scanning it fails when the source is created.
    const probe = factory.createSource?.(context) ?? {
      bounded: false,
      changelogMode: { kinds: [0] },
    };
    const source: ScanSource = {
      name,
      handle: { kind: "connector", name, id: found.identifier, table: obj } satisfies SourceHandle,
      bounded: probe.bounded,
      updating: probe.changelogMode.kinds.length > 1,
      projectable: factory.supportsProjection === true,
      ...rowCountOf(factory.statistics?.(context)?.rowCount),
      ...(factory.createLookup !== undefined ? { lookup: true } : {}),
    };
    const wm = obj.schema.watermarks[0];
    const watermark: TableWatermark | undefined =
      wm !== undefined
        ? { rowtime: wm.rowtime, expr: wm.expr, text: wm.text, options: obj.options }
        : undefined;
    const pk = obj.schema.primaryKey?.columns;
    return {
      kind: "table",
      name,
      columns,
      source,
      ...(watermark ? { watermark } : {}),
      ...(pk !== undefined ? { primaryKey: pk } : {}),
    };
  }

  /** The stream of a scan's rows (its `projection` of the physical fields). */
  createSource(
    env: StreamExecutionEnvironment,
    source: ScanSource,
    projection: readonly number[],
    _config: TableConfig,
  ): DataStream<Row> {
    const h = source.handle as SourceHandle;
    if (h.kind === "rows") {
      const rows = h.rows.map((r) => [r[0], ...projection.map((i) => r[i + 1])]);
      const rate = h.rowsPerSecond;
      return fromValues(env, rows, {
        name: source.name,
        ...(rate !== undefined ? { rowsPerSecond: rate } : {}),
      });
    }
    if (h.kind === "stream") {
      const stream = h.create(env);
      if (projection.length === h.width && projection.every((p, i) => p === i)) return stream;
      const idx = projection.map((i) => i + 1);
      return stream.map((r: Row) => {
        const out = new Array<unknown>(idx.length + 1);
        out[0] = r[0];
        for (let i = 0; i < idx.length; i++) out[i + 1] = r[idx[i]!];
        return out;
      });
    }
    const { factory, context } = tableContext(h.id, h.table, this.connectors);
    const physical = context.physicalRowType.fields.length;
    const all = projection.length === physical && projection.every((p, i) => p === i);
    if (factory.createSource === undefined) {
      throw new SqlPlanError(
        `Table ${source.name} can only be looked up (its connector '${factory.identifier}' has no scan source): join it with FOR SYSTEM_TIME AS OF a PROCTIME() attribute`,
      );
    }
    const created = factory.createSource(all ? context : { ...context, projection });
    return created.produce(env);
  }

  /** The lookup source of a lookup join's table, looking rows up by physical columns `keys`. */
  createLookup(
    source: ScanSource,
    keys: readonly number[],
  ): { source: LookupTableSource; cache: LookupCacheSettings } {
    const h = source.handle as SourceHandle;
    if (h.kind !== "connector") {
      throw new SqlPlanError(`Table ${source.name} cannot be looked up (it has no connector)`);
    }
    const { factory, context } = tableContext(h.id, h.table, this.connectors);
    if (factory.createLookup === undefined) {
      throw new SqlPlanError(
        `Connector '${factory.identifier}' of table ${source.name} does not support lookups`,
      );
    }
    return {
      source: factory.createLookup({ ...context, keys }),
      cache: lookupCacheSettings(context),
    };
  }

  /** The sink of INSERT INTO `parts`. */
  sinkFor(parts: readonly string[], pos: SourcePos): SinkTarget {
    const found = this.manager.lookupTable(parts, pos);
    const name = `${found.identifier.catalog}.${found.identifier.database}.${found.identifier.object}`;
    if (found.object.kind === "view") {
      throw new SqlPlanError(`${name} is a view: INSERT INTO needs a table`, pos);
    }
    const { factory, context } = tableContext(found.identifier, found.object, this.connectors, {
      pos,
    });
    if (factory.createSink === undefined) {
      throw new SqlPlanError(
        `Connector '${factory.identifier}' of table ${name} cannot be written (it is a source only)`,
        pos,
      );
    }
    const sink = factory.createSink(context);
    const columns = context.physicalRowType.fields.map((f) => ({ name: f.name, type: f.type }));
    const check = (rel: RelNode, config: TableConfig): boolean => {
      const updating = changelogModeOf(rel, config.batch) !== "I";
      const requested = updating ? RETRACT : INSERT_ONLY;
      const accepted = sink.changelogMode(requested);
      if (updating && accepted.kinds.length === 1) {
        throw new SqlPlanError(
          `Table sink '${name}' doesn't support consuming update changes, which the query produces (an aggregation or outer join in streaming mode)`,
          pos,
        );
      }
      return updating;
    };
    return {
      columns,
      name,
      check,
      write: (stream, rel, config) => {
        const updating = check(rel, config);
        const written = sink.consume(stream);
        // An updating stream keeps its parallelism into the sink, so a key's changes stay in order.
        const p = stream.getParallelism();
        if (updating && p > 0) written.setParallelism(p);
      },
    };
  }

  /** Runs a catalog statement (DDL, SHOW, DESCRIBE, USE); `text` is the whole SQL it came from. */
  async execute(s: Statement, text: string, _ctx: BindContext): Promise<TableResult> {
    if (!isDdlStatement(s)) {
      throw new SqlPlanError(`${describeKind(s.kind)} statements are not supported yet`, s.pos);
    }
    const r = executeDdl(s, this.manager, {
      ...(text !== "" ? { sql: text } : {}),
      connectors: this.connectors,
    });
    this.functions.sync();
    if (s.kind === "createFunction" || s.kind === "alterFunction") {
      await this.functions.loadDefined(s);
    }
    if (r === "OK") return TableResult.ok();
    return TableResult.rows(
      r.columns.map((name) => ({ name, type: STRING() })),
      r.rows.map((row) => row.map((v) => (v === null || v === undefined ? null : String(v)))),
    );
  }
}

const RETRACT = ChangelogMode.RETRACT;
const INSERT_ONLY = ChangelogMode.INSERT_ONLY;

function describeKind(kind: string): string {
  return kind.replace(/([A-Z])/g, " $1").toUpperCase();
}

/** The `rowCount` property of a scan source, when a connector reported a usable count. */
function rowCountOf(n: number | undefined): { rowCount?: number } {
  return n !== undefined && Number.isFinite(n) && n >= 0 ? { rowCount: n } : {};
}
