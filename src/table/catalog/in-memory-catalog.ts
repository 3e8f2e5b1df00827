/**
 * A catalog held in memory (Flink's `GenericInMemoryCatalog`): everything is lost when the
 * process ends. {@link FileCatalog} builds on it to persist its objects to disk.
 */
import { functionKey, type Catalog } from "./catalog.ts";
import {
  DatabaseAlreadyExistError,
  DatabaseNotEmptyError,
  DatabaseNotExistError,
  DdlValidationError,
  FunctionAlreadyExistError,
  FunctionNotExistError,
  TableAlreadyExistError,
  TableNotExistError,
} from "./errors.ts";
import type { CatalogBaseTable, CatalogDatabase, CatalogFunction, ObjectPath } from "./objects.ts";

/** One database's content. */
interface DatabaseEntry {
  db: CatalogDatabase;
  readonly tables: Map<string, CatalogBaseTable>;
  readonly functions: Map<string, CatalogFunction>;
}

const sortedKeys = (m: Map<string, unknown>): string[] => [...m.keys()].sort();

/** A catalog in memory. */
export class InMemoryCatalog implements Catalog {
  /** The catalog's name (used in error messages). */
  readonly name: string;
  /** The database created with the catalog. */
  readonly defaultDatabase: string;
  private readonly databases = new Map<string, DatabaseEntry>();

  /** An empty catalog with one (empty) default database. */
  constructor(name: string, defaultDatabase = "default") {
    this.name = name;
    this.defaultDatabase = defaultDatabase;
    this.databases.set(defaultDatabase, emptyDatabase({ properties: {} }));
  }

  private entry(database: string): DatabaseEntry {
    const e = this.databases.get(database);
    if (e === undefined) {
      throw new DatabaseNotExistError(
        `Database '${database}' does not exist in catalog '${this.name}'`,
      );
    }
    return e;
  }

  private tableMissing(path: ObjectPath): TableNotExistError {
    return new TableNotExistError(
      `Table (or view) '${path.database}.${path.object}' does not exist in catalog '${this.name}'`,
    );
  }

  private functionMissing(path: ObjectPath): FunctionNotExistError {
    return new FunctionNotExistError(
      `Function '${path.database}.${path.object}' does not exist in catalog '${this.name}'`,
    );
  }

  listDatabases(): string[] {
    return sortedKeys(this.databases);
  }

  databaseExists(name: string): boolean {
    return this.databases.has(name);
  }

  getDatabase(name: string): CatalogDatabase {
    return this.entry(name).db;
  }

  createDatabase(name: string, db: CatalogDatabase, ignoreIfExists: boolean): void {
    if (this.databases.has(name)) {
      if (ignoreIfExists) return;
      throw new DatabaseAlreadyExistError(
        `Database '${name}' already exists in catalog '${this.name}'`,
      );
    }
    this.databases.set(name, emptyDatabase(db));
  }

  dropDatabase(name: string, ignoreIfNotExists: boolean, cascade: boolean): void {
    const e = this.databases.get(name);
    if (e === undefined) {
      if (ignoreIfNotExists) return;
      this.entry(name);
      return;
    }
    if (!cascade && (e.tables.size > 0 || e.functions.size > 0)) {
      throw new DatabaseNotEmptyError(
        `Database '${name}' in catalog '${this.name}' is not empty: it holds ${e.tables.size} ` +
          `table(s) or view(s) and ${e.functions.size} function(s). Use DROP DATABASE ... CASCADE ` +
          `to drop them too`,
      );
    }
    this.databases.delete(name);
  }

  alterDatabase(name: string, db: CatalogDatabase, ignoreIfNotExists: boolean): void {
    const e = this.databases.get(name);
    if (e === undefined) {
      if (!ignoreIfNotExists) this.entry(name);
      return;
    }
    e.db = db;
  }

  listTables(database: string): string[] {
    return sortedKeys(this.entry(database).tables);
  }

  listViews(database: string): string[] {
    const out: string[] = [];
    for (const [name, t] of this.entry(database).tables) if (t.kind === "view") out.push(name);
    return out.sort();
  }

  tableExists(path: ObjectPath): boolean {
    return this.databases.get(path.database)?.tables.has(path.object) ?? false;
  }

  getTable(path: ObjectPath): CatalogBaseTable {
    const t = this.entry(path.database).tables.get(path.object);
    if (t === undefined) throw this.tableMissing(path);
    return t;
  }

  createTable(path: ObjectPath, table: CatalogBaseTable, ignoreIfExists: boolean): void {
    const tables = this.entry(path.database).tables;
    if (tables.has(path.object)) {
      if (ignoreIfExists) return;
      throw new TableAlreadyExistError(
        `Table (or view) '${path.database}.${path.object}' already exists in catalog '${this.name}'`,
      );
    }
    tables.set(path.object, table);
  }

  alterTable(path: ObjectPath, table: CatalogBaseTable, ignoreIfNotExists: boolean): void {
    const tables = this.entry(path.database).tables;
    const old = tables.get(path.object);
    if (old === undefined) {
      if (ignoreIfNotExists) return;
      throw this.tableMissing(path);
    }
    if (old.kind !== table.kind) {
      throw new DdlValidationError(
        `Cannot alter ${old.kind} '${path.database}.${path.object}' into a ${table.kind}`,
      );
    }
    tables.set(path.object, table);
  }

  renameTable(path: ObjectPath, newName: string, ignoreIfNotExists: boolean): void {
    const tables = this.entry(path.database).tables;
    const t = tables.get(path.object);
    if (t === undefined) {
      if (ignoreIfNotExists) return;
      throw this.tableMissing(path);
    }
    if (tables.has(newName)) {
      throw new TableAlreadyExistError(
        `Cannot rename '${path.database}.${path.object}': table (or view) ` +
          `'${path.database}.${newName}' already exists in catalog '${this.name}'`,
      );
    }
    tables.delete(path.object);
    tables.set(newName, t);
  }

  dropTable(path: ObjectPath, ignoreIfNotExists: boolean): void {
    const tables = this.entry(path.database).tables;
    if (!tables.delete(path.object) && !ignoreIfNotExists) throw this.tableMissing(path);
  }

  listFunctions(database: string): string[] {
    return sortedKeys(this.entry(database).functions);
  }

  functionExists(path: ObjectPath): boolean {
    return this.databases.get(path.database)?.functions.has(functionKey(path.object)) ?? false;
  }

  getFunction(path: ObjectPath): CatalogFunction {
    const f = this.entry(path.database).functions.get(functionKey(path.object));
    if (f === undefined) throw this.functionMissing(path);
    return f;
  }

  createFunction(path: ObjectPath, fn: CatalogFunction, ignoreIfExists: boolean): void {
    const functions = this.entry(path.database).functions;
    const key = functionKey(path.object);
    if (functions.has(key)) {
      if (ignoreIfExists) return;
      throw new FunctionAlreadyExistError(
        `Function '${path.database}.${key}' already exists in catalog '${this.name}'`,
      );
    }
    functions.set(key, fn);
  }

  alterFunction(path: ObjectPath, fn: CatalogFunction, ignoreIfNotExists: boolean): void {
    const functions = this.entry(path.database).functions;
    const key = functionKey(path.object);
    if (!functions.has(key)) {
      if (ignoreIfNotExists) return;
      throw this.functionMissing(path);
    }
    functions.set(key, fn);
  }

  dropFunction(path: ObjectPath, ignoreIfNotExists: boolean): void {
    const functions = this.entry(path.database).functions;
    if (!functions.delete(functionKey(path.object)) && !ignoreIfNotExists) {
      throw this.functionMissing(path);
    }
  }
}

function emptyDatabase(db: CatalogDatabase): DatabaseEntry {
  return { db, tables: new Map(), functions: new Map() };
}
