/**
 * What the DDL executors share: their options and result shapes, and the check of a table
 * against its connector factory at CREATE / ALTER time.
 */
import { defaultConnectorRegistry } from "../connectors/builtin.ts";
import { tableContext, type ConnectorRegistry } from "../connectors/factory.ts";
import type { Property } from "../sql/ast-ddl.ts";
import type { SourcePos } from "../sql/errors.ts";
import type { CatalogManager } from "./catalog-manager.ts";
import type { CatalogTable, ObjectIdentifier } from "./objects.ts";
import type { SchemaContext } from "./schema.ts";
import { SourceText } from "./source-text.ts";

/** Options of DDL execution. */
export interface DdlOptions {
  /**
   * The SQL text the statement was parsed from (the whole script, or a {@link SourceText} of it):
   * with it, tables keep their DDL, and computed columns, watermarks and views their text, as
   * written. Without it, canonical printed forms are kept.
   */
  readonly sql?: string | SourceText;
  /** Connector and format factories (default: the process-wide registry). */
  readonly connectors?: ConnectorRegistry;
  /**
   * Check connector options when a table is created or altered (default true; mistakes surface
   * at CREATE, so the connector's factory must be registered by then).
   */
  readonly validateConnectors?: boolean;
}

/** Rows returned by SHOW and DESCRIBE. */
export interface TableResult {
  /** Column names. */
  readonly columns: string[];
  /** The rows (values by column). */
  readonly rows: unknown[][];
}

/** `"OK"` for statements that change something, rows for SHOW and DESCRIBE. */
export type DdlResult = "OK" | TableResult;

/** The script of the options, as a {@link SourceText}. */
export function sourceTextOf(opts: DdlOptions): SourceText | undefined {
  if (opts.sql === undefined) return undefined;
  return typeof opts.sql === "string" ? new SourceText(opts.sql) : opts.sql;
}

/** The schema context of a statement: its text and the manager's typer. */
export function schemaContext(manager: CatalogManager, opts: DdlOptions): SchemaContext {
  const text = sourceTextOf(opts);
  return {
    ...(text !== undefined ? { text } : {}),
    ...(manager.typer !== undefined ? { typer: manager.typer } : {}),
  };
}

/** The connector registry of the options. */
export function registryOf(opts: DdlOptions): ConnectorRegistry {
  return opts.connectors ?? defaultConnectorRegistry();
}

/** Where each property was written. */
export function propertyPositions(props: readonly Property[]): Map<string, SourcePos> {
  return new Map(props.map((p) => [p.key, p.pos] as const));
}

/** Checks a table against its connector (unless disabled); throws naming the problem. */
export function validateConnector(
  id: ObjectIdentifier,
  table: CatalogTable,
  opts: DdlOptions,
  positions?: ReadonlyMap<string, SourcePos>,
  pos?: SourcePos,
): void {
  if (opts.validateConnectors === false) return;
  tableContext(id, table, registryOf(opts), {
    ...(positions !== undefined ? { positions } : {}),
    ...(pos !== undefined ? { pos } : {}),
  });
}
