/**
 * The connector framework (Flink's `DynamicTableFactory`): a factory is found by the table's
 * `'connector'` option, declares its required and optional options, checks a table at CREATE
 * time, and creates a source (a function building a `DataStream` of runtime rows
 * `[kind, f0, ...]`) and a sink (a function consuming one). A registry holds the connector and
 * format factories; {@link tableContext} validates a table against its factory (connector
 * options, format options, metadata columns) and is what CREATE TABLE and the planner call.
 */
import type { DataStream, DataStreamSink, StreamHost } from "../../api/datastream.ts";
import { DdlValidationError, at } from "../catalog/errors.ts";
import type { CatalogTable, ObjectIdentifier } from "../catalog/objects.ts";
import { identifierToString, physicalColumns, physicalRowType } from "../catalog/objects.ts";
import type { FormatFactory } from "../formats/format.ts";
import type { ChangelogMode, Row } from "../runtime/row.ts";
import type { SourcePos } from "../sql/errors.ts";
import { WATERMARK_OPTIONS } from "./watermark-options.ts";
import type { LookupContext, LookupTableSource } from "./lookup.ts";
import type { LogicalType, RowType } from "../types/logical-type.ts";
import {
  OptionValidationError,
  stringOption,
  validateOptions,
  type ConfigOption,
  type ValidatedOptions,
} from "./options.ts";

/** The `connector` option every table has. */
export const CONNECTOR = stringOption("connector", "The connector to use.");
/** The `format` option of connectors that read or write lines. */
export const FORMAT = stringOption("format", "The format of the lines (csv or json).");

/** A table as its factory sees it. */
export interface TableContext {
  /** The table's full name. */
  readonly identifier: ObjectIdentifier;
  /** `cat.db.t`, for messages. */
  readonly tableName: string;
  /** The table. */
  readonly table: CatalogTable;
  /** The validated connector options. */
  readonly options: ValidatedOptions;
  /** The ROW type of the physical columns. */
  readonly physicalRowType: RowType;
  /** The format and its validated options (prefix removed), for connectors with a format. */
  readonly format?: { readonly factory: FormatFactory; readonly options: ValidatedOptions };
}

/** What a source is created with. */
export interface SourceContext extends TableContext {
  /** Physical fields to produce, in order (projection push-down); all when absent. */
  readonly projection?: readonly number[];
  /** Metadata keys to append after the physical fields, in order. */
  readonly metadataKeys?: readonly string[];
}

/** A source of a table's rows. */
export interface ScanTableSource {
  /** Whether the source ends. */
  readonly bounded: boolean;
  /** The row kinds it produces (insert-only for the built-in sources but `values`). */
  readonly changelogMode: ChangelogMode;
  /** The fields of the produced rows (projected physical fields, then metadata). */
  readonly producedType: RowType;
  /** Adds the source to an environment: a stream of rows `[kind, f0, ...]`. */
  readonly produce: (env: StreamHost) => DataStream<Row>;
}

/** A sink of a table's rows. */
export interface DynamicTableSink {
  /** The row kinds it accepts, given what the plan would send (Flink's `getChangelogMode`). */
  changelogMode(requested: ChangelogMode): ChangelogMode;
  /** Writes a stream of rows `[kind, f0, ...]` (the physical fields, in order). */
  readonly consume: (stream: DataStream<Row>) => DataStreamSink<Row>;
}

/** What a connector knows of a table's data before reading it (for the optimizer). */
export interface TableStatistics {
  /** Estimated number of rows (absent: unknown). */
  readonly rowCount?: number;
}

/** A connector, found by its identifier. */
export interface DynamicTableFactory {
  /** The name used in `'connector' = '...'`. */
  readonly identifier: string;
  /** Options that must be set (besides `connector`). */
  readonly requiredOptions: readonly ConfigOption[];
  /** Options that may be set. */
  readonly optionalOptions: readonly ConfigOption[];
  /** True when the connector takes `'format'` (then the format's own options are allowed). */
  readonly usesFormat?: boolean;
  /** True when its source honours `SourceContext.projection`. */
  readonly supportsProjection?: boolean;
  /** Metadata keys its source can read, with their types. */
  readonly readableMetadata?: Readonly<Record<string, LogicalType>>;
  /** Extra checks of a table (types, option combinations); throws naming the problem. */
  validate?(ctx: TableContext): void;
  /**
   * Statistics of a table's data (the optimizer's row-count estimates, for join ordering);
   * absent or undefined: unknown. Must be cheap and must not fail on data it cannot see.
   */
  statistics?(ctx: TableContext): TableStatistics | undefined;
  /** Creates the source (absent: the connector cannot be read). */
  createSource?(ctx: SourceContext): ScanTableSource;
  /** Creates the sink (absent: the connector cannot be written). */
  createSink?(ctx: TableContext): DynamicTableSink;
  /**
   * Creates a lookup source (absent: the table cannot be the right side of a lookup join,
   * `JOIN t FOR SYSTEM_TIME AS OF o.proctime`); see lookup.ts for the contract and the
   * `lookup.*` cache options.
   */
  createLookup?(ctx: LookupContext): LookupTableSource;
}

/** Connector and format factories by identifier. */
export class ConnectorRegistry {
  private readonly connectors = new Map<string, DynamicTableFactory>();
  private readonly formats = new Map<string, FormatFactory>();

  /** Adds (or, with `replace`, replaces) a connector factory. */
  register(factory: DynamicTableFactory, replace = false): this {
    if (this.connectors.has(factory.identifier) && !replace) {
      throw new Error(`A connector '${factory.identifier}' is already registered`);
    }
    this.connectors.set(factory.identifier, factory);
    return this;
  }

  /** Adds (or, with `replace`, replaces) a format factory. */
  registerFormat(factory: FormatFactory, replace = false): this {
    if (this.formats.has(factory.identifier) && !replace) {
      throw new Error(`A format '${factory.identifier}' is already registered`);
    }
    this.formats.set(factory.identifier, factory);
    return this;
  }

  /** The connector factory of an identifier, if any. */
  get(identifier: string): DynamicTableFactory | undefined {
    return this.connectors.get(identifier);
  }

  /** The format factory of an identifier, if any. */
  getFormat(identifier: string): FormatFactory | undefined {
    return this.formats.get(identifier);
  }

  /** The connector identifiers, sorted. */
  identifiers(): string[] {
    return [...this.connectors.keys()].sort();
  }

  /** The format identifiers, sorted. */
  formatIdentifiers(): string[] {
    return [...this.formats.keys()].sort();
  }
}

/** Options of {@link tableContext}. */
export interface TableContextOptions {
  /** Where each option was written (CREATE / ALTER), for messages. */
  readonly positions?: ReadonlyMap<string, SourcePos>;
  /** Where the statement is, for messages about the table as a whole. */
  readonly pos?: SourcePos;
}

/**
 * Finds a table's connector and validates the table against it: the `connector` option, the
 * connector's options, its format and the format's options, metadata columns, and the factory's
 * own checks. Returns the factory and the context to create a source or sink with.
 */
export function tableContext(
  identifier: ObjectIdentifier,
  table: CatalogTable,
  registry: ConnectorRegistry,
  options: TableContextOptions = {},
): { factory: DynamicTableFactory; context: TableContext } {
  const tableName = identifierToString(identifier);
  const raw = table.options;
  const posOf = (k: string) => at(options.positions?.get(k) ?? options.pos);
  const id = raw[CONNECTOR.key];
  if (id === undefined) {
    throw new OptionValidationError(
      `Table '${tableName}' has no 'connector' option${at(options.pos)}: set it in WITH (...). ` +
        `Available connectors: ${registry.identifiers().join(", ")}`,
    );
  }
  const factory = registry.get(id);
  if (factory === undefined) {
    throw new OptionValidationError(
      `Unknown connector '${id}' for table '${tableName}'${posOf(CONNECTOR.key)}. ` +
        `Available connectors: ${registry.identifiers().join(", ")}`,
    );
  }
  const formatId = factory.usesFormat ? raw[FORMAT.key] : undefined;
  const format = formatId !== undefined ? registry.getFormat(formatId) : undefined;
  if (formatId !== undefined && format === undefined) {
    throw new OptionValidationError(
      `Unknown format '${formatId}' for table '${tableName}'${posOf(FORMAT.key)}. ` +
        `Available formats: ${registry.formatIdentifiers().join(", ")}`,
    );
  }
  const prefix = format !== undefined ? `${format.identifier}.` : undefined;
  const columns = physicalColumns(table.schema).map((c) => c.name);
  const validated = validateOptions(raw, {
    owner: `'${factory.identifier}'`,
    table: tableName,
    required: factory.usesFormat ? [FORMAT, ...factory.requiredOptions] : factory.requiredOptions,
    optional: [CONNECTOR, ...WATERMARK_OPTIONS, ...factory.optionalOptions],
    columns,
    skip: (k) => prefix !== undefined && k.startsWith(prefix),
    ...(options.positions !== undefined ? { positions: options.positions } : {}),
  });
  const rowType = physicalRowType(table.schema);
  let formatPart: TableContext["format"];
  if (format !== undefined) {
    const own: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw))
      if (k.startsWith(prefix!)) own[k.slice(prefix!.length)] = v;
    const positions = new Map<string, SourcePos>();
    for (const [k, p] of options.positions ?? [])
      if (k.startsWith(prefix!)) positions.set(k.slice(prefix!.length), p);
    const formatOptions = validateOptions(own, {
      owner: `the format '${format.identifier}' (keys prefixed '${prefix}')`,
      table: tableName,
      required: format.requiredOptions,
      optional: format.optionalOptions,
      positions,
    });
    format.validate?.(rowType, formatOptions, tableName);
    formatPart = { factory: format, options: formatOptions };
  }
  checkMetadataColumns(table, factory, tableName, options.pos);
  const context: TableContext = {
    identifier,
    tableName,
    table,
    options: validated,
    physicalRowType: rowType,
    ...(formatPart !== undefined ? { format: formatPart } : {}),
  };
  factory.validate?.(context);
  return { factory, context };
}

function checkMetadataColumns(
  table: CatalogTable,
  factory: DynamicTableFactory,
  tableName: string,
  pos: SourcePos | undefined,
): void {
  const readable = factory.readableMetadata ?? {};
  for (const c of table.schema.columns) {
    if (c.kind !== "metadata") continue;
    const key = c.key ?? c.name;
    if (!Object.hasOwn(readable, key)) {
      const keys = Object.keys(readable);
      throw new DdlValidationError(
        `Invalid metadata key '${key}' in column '${c.name}' of table '${tableName}'${at(pos)}: ` +
          `the connector '${factory.identifier}' supports ` +
          (keys.length > 0 ? `the metadata keys ${keys.join(", ")}` : "no metadata keys"),
      );
    }
  }
}

/** Options of {@link createTableSource}. */
export interface SourceOptions {
  /** Physical fields to produce (only honoured by factories with `supportsProjection`). */
  readonly projection?: readonly number[];
  /** Metadata keys to append after the physical fields. */
  readonly metadataKeys?: readonly string[];
}

/** Validates a table and creates its source. */
export function createTableSource(
  identifier: ObjectIdentifier,
  table: CatalogTable,
  registry: ConnectorRegistry,
  options: SourceOptions = {},
): ScanTableSource {
  const { factory, context } = tableContext(identifier, table, registry);
  if (factory.createSource === undefined) {
    throw new DdlValidationError(
      `Connector '${factory.identifier}' can only be written, not read (table '${context.tableName}')`,
    );
  }
  const n = context.physicalRowType.fields.length;
  const projection = options.projection;
  if (projection !== undefined) {
    if (!factory.supportsProjection) {
      throw new DdlValidationError(
        `Connector '${factory.identifier}' does not support projection push-down (table '${context.tableName}')`,
      );
    }
    for (const i of projection) {
      if (!Number.isInteger(i) || i < 0 || i >= n) {
        throw new RangeError(
          `Projection field ${i} is not a physical field of table '${context.tableName}' (0..${n - 1})`,
        );
      }
    }
  }
  for (const key of options.metadataKeys ?? []) {
    if (!Object.hasOwn(factory.readableMetadata ?? {}, key)) {
      throw new DdlValidationError(
        `Connector '${factory.identifier}' cannot read metadata '${key}' (table '${context.tableName}')`,
      );
    }
  }
  return factory.createSource({
    ...context,
    ...(projection !== undefined ? { projection } : {}),
    ...(options.metadataKeys !== undefined ? { metadataKeys: options.metadataKeys } : {}),
  });
}

/** Validates a table and creates its sink; persisted metadata columns are refused. */
export function createTableSink(
  identifier: ObjectIdentifier,
  table: CatalogTable,
  registry: ConnectorRegistry,
): DynamicTableSink {
  const { factory, context } = tableContext(identifier, table, registry);
  if (factory.createSink === undefined) {
    throw new DdlValidationError(
      `Connector '${factory.identifier}' can only be read, not written (table '${context.tableName}')`,
    );
  }
  const meta = table.schema.columns.find((c) => c.kind === "metadata" && !c.virtual);
  if (meta !== undefined) {
    throw new DdlValidationError(
      `Connector '${factory.identifier}' cannot write metadata column '${meta.name}' of table ` +
        `'${context.tableName}': declare it VIRTUAL`,
    );
  }
  return factory.createSink(context);
}
