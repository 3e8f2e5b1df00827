/**
 * The catalog contract (Flink's `Catalog`): databases holding tables, views and functions, with
 * create / get / list / alter / drop and Flink's `ignoreIfExists` / `ignoreIfNotExists` flags.
 * Operations are synchronous (DDL runs while a job is planned, never per record). Tables and
 * views share one namespace; function names are case-insensitive (stored in lower case).
 */
import type { CatalogBaseTable, CatalogDatabase, CatalogFunction, ObjectPath } from "./objects.ts";

/** A store of databases, tables, views and functions. */
export interface Catalog {
  /** The database a new session of this catalog starts in. */
  readonly defaultDatabase: string;

  /** The database names, sorted. */
  listDatabases(): string[];
  /** Whether the database exists. */
  databaseExists(name: string): boolean;
  /** The database; throws `DatabaseNotExistError`. */
  getDatabase(name: string): CatalogDatabase;
  /** Creates a database; throws `DatabaseAlreadyExistError` unless `ignoreIfExists`. */
  createDatabase(name: string, db: CatalogDatabase, ignoreIfExists: boolean): void;
  /**
   * Drops a database; throws `DatabaseNotExistError` unless `ignoreIfNotExists`, and
   * `DatabaseNotEmptyError` when it holds objects and `cascade` is false.
   */
  dropDatabase(name: string, ignoreIfNotExists: boolean, cascade: boolean): void;
  /** Replaces a database's comment and properties. */
  alterDatabase(name: string, db: CatalogDatabase, ignoreIfNotExists: boolean): void;

  /** Names of the tables and views of a database, sorted. */
  listTables(database: string): string[];
  /** Names of the views of a database, sorted. */
  listViews(database: string): string[];
  /** Whether a table or view exists. */
  tableExists(path: ObjectPath): boolean;
  /** The table or view; throws `TableNotExistError`. */
  getTable(path: ObjectPath): CatalogBaseTable;
  /** Creates a table or view; throws `TableAlreadyExistError` unless `ignoreIfExists`. */
  createTable(path: ObjectPath, table: CatalogBaseTable, ignoreIfExists: boolean): void;
  /** Replaces a table or view (same kind); throws `TableNotExistError` unless `ignoreIfNotExists`. */
  alterTable(path: ObjectPath, table: CatalogBaseTable, ignoreIfNotExists: boolean): void;
  /** Renames a table or view within its database. */
  renameTable(path: ObjectPath, newName: string, ignoreIfNotExists: boolean): void;
  /** Drops a table or view; throws `TableNotExistError` unless `ignoreIfNotExists`. */
  dropTable(path: ObjectPath, ignoreIfNotExists: boolean): void;

  /** Names of the functions of a database (lower case), sorted. */
  listFunctions(database: string): string[];
  /** Whether a function exists (case-insensitive). */
  functionExists(path: ObjectPath): boolean;
  /** The function; throws `FunctionNotExistError`. */
  getFunction(path: ObjectPath): CatalogFunction;
  /** Creates a function; throws `FunctionAlreadyExistError` unless `ignoreIfExists`. */
  createFunction(path: ObjectPath, fn: CatalogFunction, ignoreIfExists: boolean): void;
  /** Replaces a function; throws `FunctionNotExistError` unless `ignoreIfNotExists`. */
  alterFunction(path: ObjectPath, fn: CatalogFunction, ignoreIfNotExists: boolean): void;
  /** Drops a function; throws `FunctionNotExistError` unless `ignoreIfNotExists`. */
  dropFunction(path: ObjectPath, ignoreIfNotExists: boolean): void;

  /** Releases resources (nothing to do for the built-in catalogs). */
  close?(): void;
}

/** The key of a function name: function names are case-insensitive. */
export function functionKey(name: string): string {
  return name.toLowerCase();
}
