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
import { changelogModeOf } from "../planner/changelog.ts";
import { logicalTypeOf } from "../catalog/type-from-ast.ts";
import { executeDdl, isDdlStatement } from "../catalog/ddl.ts";
import { loadFunction } from "../catalog/function-loader.ts";
import type { CreateFunctionStatement } from "../sql/ast-ddl.ts";
import { registerUserScalarFunction, type ScalarFunction } from "./user-functions.ts";
import type { BindContext, ResolvedRelation, TableColumn } from "../planner/context.ts";
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
  | { readonly kind: "rows"; readonly rows: readonly Row[] }
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
    { fields: Field[]; handle: SourceHandle; bounded: boolean; updating: boolean }
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
      builtinFunctions: () => scalarNames(),
    });
  }

  /** Registers a temporary table `name` holding `rows` (field values, all inserts). */
  registerRows(
    name: string,
    fields: readonly Field[],
    rows: readonly (readonly unknown[])[],
  ): void {
    this.rowTables.set(name, {
      fields: [...fields],
      handle: { kind: "rows", rows: insertRows(rows) },
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
    options: { bounded?: boolean; updating?: boolean } = {},
  ): void {
    this.rowTables.set(name, {
      fields: [...fields],
      handle: { kind: "stream", create, width: fields.length },
      bounded: options.bounded ?? true,
      updating: options.updating ?? false,
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

  /**
   * Loads the module of a function just created (`CREATE FUNCTION f AS './udf.ts#mask'`) and
   * registers it: the export is a ScalarFunction instance or class, or a plain function, with a
   * `resultType` (SQL type text) on it.
   */
  private async loadCreatedFunction(s: CreateFunctionStatement): Promise<void> {
    const found = this.manager.resolveFunction(s.name, s.pos);
    const value = await loadFunction(found.object);
    const instance =
      typeof value === "function" && /^class\s/.test(Function.prototype.toString.call(value))
        ? new (value as new () => ScalarFunction)()
        : value;
    const declared =
      (instance as { resultType?: unknown }).resultType ??
      (value as { resultType?: unknown }).resultType;
    if (typeof declared !== "string") {
      throw new SqlPlanError(
        `Function ${s.name.join(".")} (${found.object.identifier}) declares no result type: give its export a 'resultType' such as 'STRING'`,
        s.pos,
      );
    }
    const fn =
      typeof instance === "function"
        ? (instance as (...a: unknown[]) => unknown)
        : (instance as ScalarFunction);
    registerUserScalarFunction(
      s.name[s.name.length - 1]!,
      fn,
      { resultType: declared },
      this.userNames,
    );
  }

  /** Names of the user functions registered by this session. */
  readonly userNames = new Set<string>();

  /** Resolves a table or view name for the planner. */
  resolve(parts: readonly string[], pos: SourcePos): ResolvedRelation {
    if (parts.length === 1) {
      const view = this.views.get(parts[0]!);
      if (view !== undefined) return { kind: "view", name: parts[0]!, query: view };
      const t = this.rowTables.get(parts[0]!);
      if (t !== undefined) {
        const source: ScanSource = {
          name: parts[0]!,
          handle: t.handle,
          bounded: t.bounded,
          updating: t.updating,
        };
        return { kind: "table", name: parts[0]!, columns: t.fields, source };
      }
    }
    const found = this.manager.lookupTable(parts, pos);
    const name = `${found.identifier.catalog}.${found.identifier.database}.${found.identifier.object}`;
    const obj = found.object;
    if (obj.kind === "view") {
      return {
        kind: "view",
        name,
        query: obj.query,
        ...(obj.columns !== undefined ? { columnNames: obj.columns } : {}),
      };
    }
    const columns: TableColumn[] = [];
    for (const c of obj.schema.columns) {
      if (c.kind === "physical") columns.push({ name: c.name, type: c.type });
      else if (c.kind === "computed")
        columns.push({ name: c.name, type: c.type!, computed: c.expr });
      else
        throw new SqlPlanError(`Metadata column '${c.name}' of ${name} is not supported yet`, pos);
    }
    const { factory, context } = tableContext(found.identifier, obj, this.connectors, { pos });
    if (factory.createSource === undefined) {
      throw new SqlPlanError(
        `Connector '${factory.identifier}' of table ${name} cannot be read (it is a sink only)`,
        pos,
      );
    }
    const probe = factory.createSource(context);
    const source: ScanSource = {
      name,
      handle: { kind: "connector", name, id: found.identifier, table: obj } satisfies SourceHandle,
      bounded: probe.bounded,
      updating: probe.changelogMode.kinds.length > 1,
      projectable: factory.supportsProjection === true,
    };
    return { kind: "table", name, columns, source };
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
      return fromValues(env, rows, { name: source.name });
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
    const created = factory.createSource!(all ? context : { ...context, projection });
    return created.produce(env);
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
    return {
      columns,
      write: (stream, rel, config) => {
        const updating = changelogModeOf(rel, config.batch) !== "I";
        const requested = updating ? RETRACT : INSERT_ONLY;
        const accepted = sink.changelogMode(requested);
        if (updating && accepted.kinds.length === 1) {
          throw new SqlPlanError(
            `Table sink '${name}' doesn't support consuming update changes, which the query produces (an aggregation or outer join in streaming mode)`,
            pos,
          );
        }
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
    if (s.kind === "createFunction") await this.loadCreatedFunction(s);
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
