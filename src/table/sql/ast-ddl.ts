/**
 * DDL nodes of Strom's SQL AST: CREATE / ALTER / DROP of tables, views, functions, catalogs and
 * databases, and the schema pieces they share (columns, watermarks, primary keys, options).
 */
import type { SourcePos } from "./errors.ts";
import type { DataTypeNode } from "./ast-types.ts";
import type { Expr } from "./ast-expr.ts";
import type { Query } from "./ast-query.ts";

/** A `'key' = 'value'` option of a WITH / SET clause. */
export interface Property {
  /** Where the key starts. */
  readonly pos: SourcePos;
  /** The key. */
  readonly key: string;
  /** The value. */
  readonly value: string;
}

/** Where ALTER TABLE ADD / MODIFY puts a column: `FIRST` or `AFTER col`. */
export type ColumnPosition =
  { readonly kind: "first" } | { readonly kind: "after"; readonly column: string };

/** Fields every column definition has. */
interface ColumnBase {
  /** Where the column name starts. */
  readonly pos: SourcePos;
  /** The column name. */
  readonly name: string;
  /** The column's description, if written. */
  readonly comment?: string;
  /** `FIRST` / `AFTER col` (ALTER TABLE only), if written. */
  readonly position?: ColumnPosition;
}

/** `name TYPE [PRIMARY KEY NOT ENFORCED] [COMMENT '...']`. */
export interface PhysicalColumn extends ColumnBase {
  readonly kind: "physical";
  /** The column type (its NOT NULL is part of the type). */
  readonly type: DataTypeNode;
}

/** `name AS expr [COMMENT '...']`. */
export interface ComputedColumn extends ColumnBase {
  readonly kind: "computed";
  /** The expression. */
  readonly expr: Expr;
}

/** `name TYPE METADATA [FROM 'key'] [VIRTUAL] [COMMENT '...']`. */
export interface MetadataColumn extends ColumnBase {
  readonly kind: "metadata";
  /** The column type. */
  readonly type: DataTypeNode;
  /** The metadata key, if it differs from the column name. */
  readonly key?: string;
  /** True for VIRTUAL (read-only) metadata. */
  readonly virtual: boolean;
}

/** A column definition. */
export type ColumnDef = PhysicalColumn | ComputedColumn | MetadataColumn;

/** `WATERMARK FOR col AS expr`. */
export interface WatermarkDef {
  readonly kind: "watermark";
  /** Where WATERMARK starts. */
  readonly pos: SourcePos;
  /** The rowtime column. */
  readonly column: string;
  /** The watermark strategy expression. */
  readonly strategy: Expr;
}

/**
 * `[CONSTRAINT name] PRIMARY KEY (a, b) NOT ENFORCED`; a column-level `PRIMARY KEY` is read into
 * the same shape with one column.
 */
export interface PrimaryKeyDef {
  readonly kind: "primaryKey";
  /** Where the constraint starts. */
  readonly pos: SourcePos;
  /** The constraint name, if written. */
  readonly name?: string;
  /** The key columns. */
  readonly columns: readonly string[];
  /** False for `NOT ENFORCED` (the only mode Flink supports). */
  readonly enforced: boolean;
}

/** `DISTRIBUTED BY [HASH | RANGE] (cols) [INTO n BUCKETS]` or `DISTRIBUTED INTO n BUCKETS`. */
export interface DistributionDef {
  /** Where DISTRIBUTED starts. */
  readonly pos: SourcePos;
  /** The algorithm, if written. */
  readonly algorithm?: "HASH" | "RANGE";
  /** The bucket key columns (empty for `DISTRIBUTED INTO n BUCKETS`). */
  readonly columns: readonly string[];
  /** The bucket count digits, if written. */
  readonly buckets?: string;
}

/** One LIKE option: `INCLUDING ALL`, `OVERWRITING OPTIONS`, ... */
export interface LikeOption {
  /** The merge strategy. */
  readonly strategy: "INCLUDING" | "EXCLUDING" | "OVERWRITING";
  /** The table feature. */
  readonly feature:
    | "ALL"
    | "CONSTRAINTS"
    | "DISTRIBUTION"
    | "PARTITIONS"
    | "GENERATED"
    | "METADATA"
    | "OPTIONS"
    | "WATERMARKS";
}

/** `LIKE source [(options)]` of CREATE TABLE. */
export interface LikeClause {
  /** Where LIKE starts. */
  readonly pos: SourcePos;
  /** The source table name parts. */
  readonly name: readonly string[];
  /** The options in order. */
  readonly options: readonly LikeOption[];
}

/** `column = value` of a PARTITION (...) spec; the value is absent in `ANALYZE ... PARTITION (c)`. */
export interface PartitionValue {
  /** Where the column starts. */
  readonly pos: SourcePos;
  /** The partition column. */
  readonly column: string;
  /** The value (a literal), if written. */
  readonly value?: Expr;
}

/** `CREATE [TEMPORARY] TABLE`, `CREATE TABLE ... AS`, `[CREATE OR] REPLACE TABLE ... AS`. */
export interface CreateTableStatement {
  readonly kind: "createTable";
  /** Where the statement starts. */
  readonly pos: SourcePos;
  /** `create`, `createOrReplace` (CREATE OR REPLACE TABLE) or `replace` (REPLACE TABLE). */
  readonly mode: "create" | "createOrReplace" | "replace";
  /** The table name parts. */
  readonly name: readonly string[];
  /** True for a TEMPORARY table. */
  readonly temporary: boolean;
  /** True with IF NOT EXISTS. */
  readonly ifNotExists: boolean;
  /** The columns in order. */
  readonly columns: readonly ColumnDef[];
  /** The watermark definitions. */
  readonly watermarks: readonly WatermarkDef[];
  /** The primary key (table- or column-level), if any. */
  readonly primaryKey?: PrimaryKeyDef;
  /** The table comment, if written. */
  readonly comment?: string;
  /** DISTRIBUTED BY, if written. */
  readonly distribution?: DistributionDef;
  /** PARTITIONED BY columns (empty when not written). */
  readonly partitionedBy: readonly string[];
  /** WITH options (empty when not written). */
  readonly options: readonly Property[];
  /** The LIKE clause, if written. */
  readonly like?: LikeClause;
  /** The query of CREATE TABLE ... AS, if written. */
  readonly asQuery?: Query;
}

/** `CREATE [TEMPORARY] [OR REPLACE] VIEW [IF NOT EXISTS] name [(cols)] [COMMENT] AS query`. */
export interface CreateViewStatement {
  readonly kind: "createView";
  /** Where the statement starts. */
  readonly pos: SourcePos;
  /** The view name parts. */
  readonly name: readonly string[];
  /** True for a TEMPORARY view. */
  readonly temporary: boolean;
  /** True with OR REPLACE. */
  readonly orReplace: boolean;
  /** True with IF NOT EXISTS. */
  readonly ifNotExists: boolean;
  /** Column names, if written. */
  readonly columns?: readonly string[];
  /** The view comment, if written. */
  readonly comment?: string;
  /** The view's query. */
  readonly query: Query;
}

/** Languages a function can be written in. */
export type FunctionLanguage = "JAVA" | "SCALA" | "PYTHON" | "JAVASCRIPT" | "TYPESCRIPT";

/** A resource of `USING JAR '...'`. */
export interface FunctionResource {
  /** The resource type. */
  readonly type: "JAR" | "FILE" | "ARCHIVE";
  /** Its location. */
  readonly uri: string;
}

/** `CREATE [TEMPORARY [SYSTEM]] FUNCTION [IF NOT EXISTS] name AS 'id' [LANGUAGE ..] [USING ...]`. */
export interface CreateFunctionStatement {
  readonly kind: "createFunction";
  /** Where the statement starts. */
  readonly pos: SourcePos;
  /** The function name parts. */
  readonly name: readonly string[];
  /** True for TEMPORARY (and TEMPORARY SYSTEM). */
  readonly temporary: boolean;
  /** True for TEMPORARY SYSTEM. */
  readonly system: boolean;
  /** True with IF NOT EXISTS. */
  readonly ifNotExists: boolean;
  /** The implementation identifier (a class name or module path). */
  readonly identifier: string;
  /** The language, if written. */
  readonly language?: FunctionLanguage;
  /** USING resources. */
  readonly resources: readonly FunctionResource[];
}

/** `CREATE CATALOG [IF NOT EXISTS] name [COMMENT '...'] WITH (...)`. */
export interface CreateCatalogStatement {
  readonly kind: "createCatalog";
  /** Where the statement starts. */
  readonly pos: SourcePos;
  /** The catalog name. */
  readonly name: string;
  /** True with IF NOT EXISTS. */
  readonly ifNotExists: boolean;
  /** The comment, if written. */
  readonly comment?: string;
  /** The options. */
  readonly options: readonly Property[];
}

/** `CREATE DATABASE [IF NOT EXISTS] [cat.]db [COMMENT '...'] [WITH (...)]`. */
export interface CreateDatabaseStatement {
  readonly kind: "createDatabase";
  /** Where the statement starts. */
  readonly pos: SourcePos;
  /** The database name parts. */
  readonly name: readonly string[];
  /** True with IF NOT EXISTS. */
  readonly ifNotExists: boolean;
  /** The comment, if written. */
  readonly comment?: string;
  /** The options (empty when not written). */
  readonly options: readonly Property[];
}

/** Kinds of object DROP, SHOW CREATE and friends name. */
export type ObjectKind = "TABLE" | "VIEW" | "FUNCTION" | "CATALOG" | "DATABASE";

/** `DROP [TEMPORARY [SYSTEM]] TABLE | VIEW | FUNCTION | CATALOG | DATABASE [IF EXISTS] name`. */
export interface DropStatement {
  readonly kind: "drop";
  /** Where the statement starts. */
  readonly pos: SourcePos;
  /** What is dropped. */
  readonly objectKind: ObjectKind;
  /** The name parts. */
  readonly name: readonly string[];
  /** True with TEMPORARY. */
  readonly temporary: boolean;
  /** True with TEMPORARY SYSTEM (functions). */
  readonly system: boolean;
  /** True with IF EXISTS. */
  readonly ifExists: boolean;
  /** `RESTRICT` / `CASCADE` of DROP DATABASE, if written. */
  readonly behavior?: "RESTRICT" | "CASCADE";
}

/** An element of ALTER TABLE ADD / MODIFY. */
export type SchemaItem = ColumnDef | WatermarkDef | PrimaryKeyDef;

/** What ALTER TABLE does, with the position of its first word (ADD, DROP, RENAME, ...). */
export type AlterTableAction = { readonly pos: SourcePos } & AlterTableChange;

/** The kinds of change ALTER TABLE makes. */
export type AlterTableChange =
  | { readonly kind: "renameTable"; readonly newName: readonly string[] }
  | { readonly kind: "setOptions"; readonly options: readonly Property[] }
  | { readonly kind: "resetOptions"; readonly keys: readonly string[] }
  | { readonly kind: "add" | "modify"; readonly items: readonly SchemaItem[] }
  | { readonly kind: "dropColumns"; readonly columns: readonly string[] }
  | { readonly kind: "dropPrimaryKey" }
  | { readonly kind: "dropConstraint"; readonly name: string }
  | { readonly kind: "dropWatermark" }
  | { readonly kind: "renameColumn"; readonly from: string; readonly to: string }
  | {
      readonly kind: "addPartitions";
      readonly ifNotExists: boolean;
      readonly partitions: readonly {
        readonly spec: readonly PartitionValue[];
        readonly options: readonly Property[];
      }[];
    }
  | {
      readonly kind: "dropPartitions";
      readonly ifExists: boolean;
      readonly partitions: readonly (readonly PartitionValue[])[];
    }
  | {
      readonly kind: "addDistribution" | "modifyDistribution";
      readonly distribution: DistributionDef;
    }
  | { readonly kind: "dropDistribution" };

/** `ALTER TABLE [IF EXISTS] name action`. */
export interface AlterTableStatement {
  readonly kind: "alterTable";
  /** Where the statement starts. */
  readonly pos: SourcePos;
  /** The table name parts. */
  readonly name: readonly string[];
  /** True with IF EXISTS. */
  readonly ifExists: boolean;
  /** The change. */
  readonly action: AlterTableAction;
}

/** `ALTER VIEW name RENAME TO new` or `ALTER VIEW name AS query`. */
export interface AlterViewStatement {
  readonly kind: "alterView";
  /** Where the statement starts. */
  readonly pos: SourcePos;
  /** The view name parts. */
  readonly name: readonly string[];
  /** The change. */
  readonly action:
    | { readonly kind: "rename"; readonly newName: readonly string[] }
    | { readonly kind: "as"; readonly query: Query };
}

/** `ALTER [TEMPORARY [SYSTEM]] FUNCTION [IF EXISTS] name AS 'id' [LANGUAGE ...]`. */
export interface AlterFunctionStatement {
  readonly kind: "alterFunction";
  /** Where the statement starts. */
  readonly pos: SourcePos;
  /** The function name parts. */
  readonly name: readonly string[];
  /** True with TEMPORARY. */
  readonly temporary: boolean;
  /** True with TEMPORARY SYSTEM. */
  readonly system: boolean;
  /** True with IF EXISTS. */
  readonly ifExists: boolean;
  /** The new implementation identifier. */
  readonly identifier: string;
  /** The language, if written. */
  readonly language?: FunctionLanguage;
}

/** `ALTER DATABASE name SET (...)` and `ALTER CATALOG name SET (...) | RESET (...) | COMMENT '...'`. */
export interface AlterCatalogOrDatabaseStatement {
  readonly kind: "alterDatabase" | "alterCatalog";
  /** Where the statement starts. */
  readonly pos: SourcePos;
  /** The name parts. */
  readonly name: readonly string[];
  /** The change. */
  readonly action:
    | { readonly kind: "setOptions"; readonly options: readonly Property[] }
    | { readonly kind: "resetOptions"; readonly keys: readonly string[] }
    | { readonly kind: "comment"; readonly comment: string };
}
