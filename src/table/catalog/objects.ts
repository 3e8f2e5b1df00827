/**
 * What a catalog holds, as plain immutable data (Flink's `ResolvedSchema`, `CatalogTable`,
 * `CatalogView`, `CatalogFunction`, `CatalogDatabase`), and the names that address it.
 *
 * A table's schema keeps physical columns with their logical types, computed columns with their
 * AST expression and its source text, metadata columns, the watermark and the primary key.
 * Expressions are kept as the parser's AST: the planner types and compiles them.
 */
import type { Expr } from "../sql/ast-expr.ts";
import type { Query } from "../sql/ast-query.ts";
import type { FunctionLanguage } from "../sql/ast-ddl.ts";
import { ROW, FIELD } from "../types/logical-type.ts";
import type { LogicalType, RowType } from "../types/logical-type.ts";

/** The full name of a catalog object: catalog, database and object name. */
export interface ObjectIdentifier {
  /** The catalog. */
  readonly catalog: string;
  /** The database in the catalog. */
  readonly database: string;
  /** The object's name in the database. */
  readonly object: string;
}

/** An object's name inside one catalog: database and object name. */
export interface ObjectPath {
  /** The database. */
  readonly database: string;
  /** The object's name. */
  readonly object: string;
}

/** `catalog.database.object`, as error messages name objects. */
export function identifierToString(id: ObjectIdentifier): string {
  return `${id.catalog}.${id.database}.${id.object}`;
}

/** `database.object`. */
export function pathToString(path: ObjectPath): string {
  return `${path.database}.${path.object}`;
}

/** A column holding data of the table (read from and written to the connector). */
export interface PhysicalColumnSpec {
  readonly kind: "physical";
  /** The name. */
  readonly name: string;
  /** The type. */
  readonly type: LogicalType;
  /** The description, if any. */
  readonly comment?: string;
}

/** A column computed from others: `name AS expr` (never written to a sink). */
export interface ComputedColumnSpec {
  readonly kind: "computed";
  /** The name. */
  readonly name: string;
  /** The expression as parsed. */
  readonly expr: Expr;
  /** The expression's text: as written when known, else its canonical form. */
  readonly text: string;
  /** The type, when resolved (by the planner's typer or from a top-level CAST). */
  readonly type?: LogicalType;
  /** The description, if any. */
  readonly comment?: string;
}

/** A column filled from connector metadata: `name TYPE METADATA [FROM 'key'] [VIRTUAL]`. */
export interface MetadataColumnSpec {
  readonly kind: "metadata";
  /** The name. */
  readonly name: string;
  /** The type. */
  readonly type: LogicalType;
  /** The metadata key, when it differs from the name. */
  readonly key?: string;
  /** True for read-only (VIRTUAL) metadata, never written to a sink. */
  readonly virtual: boolean;
  /** The description, if any. */
  readonly comment?: string;
}

/** A column of a table schema. */
export type ColumnSpec = PhysicalColumnSpec | ComputedColumnSpec | MetadataColumnSpec;

/** `WATERMARK FOR rowtime AS expr`. */
export interface WatermarkSpec {
  /** The rowtime column. */
  readonly rowtime: string;
  /** The watermark expression as parsed. */
  readonly expr: Expr;
  /** Its text: as written when known, else its canonical form. */
  readonly text: string;
}

/** `CONSTRAINT name PRIMARY KEY (cols) NOT ENFORCED` (the only mode, as in Flink). */
export interface PrimaryKeySpec {
  /** The constraint name (`PK_<cols>` when not written). */
  readonly name: string;
  /** The key columns, in order (physical columns, NOT NULL). */
  readonly columns: readonly string[];
}

/** `DISTRIBUTED BY [HASH | RANGE] (cols) [INTO n BUCKETS]`, kept for the connector. */
export interface DistributionSpec {
  /** The algorithm, if written. */
  readonly algorithm?: "HASH" | "RANGE";
  /** The bucket key columns. */
  readonly columns: readonly string[];
  /** The bucket count, if written. */
  readonly buckets?: number;
}

/** The schema of a table: columns, at most one watermark, an optional primary key. */
export interface TableSchema {
  /** The columns in order. */
  readonly columns: readonly ColumnSpec[];
  /** The watermark specs (at most one). */
  readonly watermarks: readonly WatermarkSpec[];
  /** The primary key, if any. */
  readonly primaryKey?: PrimaryKeySpec;
}

/** A table: its schema and the connector options that say where its data lives. */
export interface CatalogTable {
  readonly kind: "table";
  /** The schema. */
  readonly schema: TableSchema;
  /** The WITH options, in the order written. */
  readonly options: Readonly<Record<string, string>>;
  /** The table comment, if any. */
  readonly comment?: string;
  /** PARTITIONED BY columns (empty when none). */
  readonly partitionKeys: readonly string[];
  /** DISTRIBUTED BY, if written. */
  readonly distribution?: DistributionSpec;
  /**
   * The DDL that defines the table on its own (the CREATE TABLE text as written, or a generated
   * one after ALTER or LIKE); catalogs persisted to disk store it and parse it back.
   */
  readonly ddl?: string;
}

/** A view: a named query, expanded by the planner where it is used. */
export interface CatalogView {
  readonly kind: "view";
  /** The query as parsed. */
  readonly query: Query;
  /** The query's text: as written when known, else its canonical form. */
  readonly text: string;
  /** The column names of `CREATE VIEW v (a, b)`, if written. */
  readonly columns?: readonly string[];
  /** The comment, if any. */
  readonly comment?: string;
}

/** A table or a view (they share one namespace, as in Flink). */
export type CatalogBaseTable = CatalogTable | CatalogView;

/** A user-defined function implemented by a JavaScript/TypeScript module export. */
export interface CatalogFunction {
  readonly kind: "function";
  /** `./path/to/module.ts#exportName`, `module#exportName` or a module alone (its default export). */
  readonly identifier: string;
  /** The language (JAVASCRIPT or TYPESCRIPT). */
  readonly language: FunctionLanguage;
}

/** A database: a comment and properties. */
export interface CatalogDatabase {
  /** The comment, if any. */
  readonly comment?: string;
  /** The WITH properties. */
  readonly properties: Readonly<Record<string, string>>;
}

/** The physical columns of a schema, in order. */
export function physicalColumns(schema: TableSchema): PhysicalColumnSpec[] {
  return schema.columns.filter((c): c is PhysicalColumnSpec => c.kind === "physical");
}

/** The ROW type of the physical columns (what a connector reads and writes). */
export function physicalRowType(schema: TableSchema): RowType {
  return ROW(physicalColumns(schema).map((c) => FIELD(c.name, c.type)));
}

/** The column named `name`, if any. */
export function findColumn(schema: TableSchema, name: string): ColumnSpec | undefined {
  return schema.columns.find((c) => c.name === name);
}

/** The columns a sink receives: physical and non-virtual metadata columns. */
export function persistedColumns(schema: TableSchema): ColumnSpec[] {
  return schema.columns.filter(
    (c) => c.kind === "physical" || (c.kind === "metadata" && !c.virtual),
  );
}
