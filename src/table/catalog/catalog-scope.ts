/**
 * The catalog side of a session (the base of `CatalogManager`): catalogs by name, the current
 * catalog and database (initially `default_catalog`.`default_database`), temporary tables and
 * views that shadow permanent ones, and the resolution of 1-, 2- and 3-part names (`t`, `db.t`,
 * `cat.db.t`) with errors that name the place, e.g. "Table 'x' not found in database
 * 'default_catalog.default_database' (line 3, column 15)".
 */
import type { SourcePos } from "../sql/errors.ts";
import type { Catalog } from "./catalog.ts";
import {
  CatalogAlreadyExistError,
  CatalogError,
  CatalogNotExistError,
  DatabaseNotExistError,
  DdlValidationError,
  TableAlreadyExistError,
  TableNotExistError,
  at,
  atPosition,
} from "./errors.ts";
import { InMemoryCatalog } from "./in-memory-catalog.ts";
import type { CatalogBaseTable, ObjectIdentifier, ObjectPath } from "./objects.ts";
import { identifierToString } from "./objects.ts";

/** A resolved catalog object: its full name, the object, and whether it is temporary. */
export interface ResolvedObject<T> {
  /** The full name (for a temporary system function: catalog and database are empty). */
  readonly identifier: ObjectIdentifier;
  /** The object. */
  readonly object: T;
  /** True for a temporary object (and for temporary system functions). */
  readonly temporary: boolean;
}

/** Options of a {@link CatalogScope}. */
export interface CatalogScopeOptions {
  /** Name of the built-in catalog (default `default_catalog`). */
  readonly defaultCatalogName?: string;
  /** Name of its database (default `default_database`). */
  readonly defaultDatabaseName?: string;
  /** The built-in catalog itself (default: an in-memory catalog). */
  readonly defaultCatalog?: Catalog;
}

/** The map key of a full name. */
export const keyOf = (id: ObjectIdentifier): string =>
  JSON.stringify([id.catalog, id.database, id.object]);
/** The path of a full name inside its catalog. */
export const pathOf = (id: ObjectIdentifier): ObjectPath => ({
  database: id.database,
  object: id.object,
});

/** Catalogs, the current catalog and database, and temporary tables and views of one session. */
export class CatalogScope {
  private readonly catalogs = new Map<string, Catalog>();
  private readonly catalogOptionsByName = new Map<string, Readonly<Record<string, string>>>();
  private readonly temporaryTables = new Map<string, ResolvedObject<CatalogBaseTable>>();
  /** The current catalog and database. */
  protected current: { catalog: string; database: string };

  /** A scope with the built-in catalog as the current one. */
  constructor(options: CatalogScopeOptions = {}) {
    const catalogName = options.defaultCatalogName ?? "default_catalog";
    const catalog =
      options.defaultCatalog ??
      new InMemoryCatalog(catalogName, options.defaultDatabaseName ?? "default_database");
    this.catalogs.set(catalogName, catalog);
    this.current = { catalog: catalogName, database: catalog.defaultDatabase };
  }

  // ---- catalogs -----------------------------------------------------------------------------

  /** Registers a catalog under `name`; `options` are kept for SHOW CREATE CATALOG. */
  registerCatalog(
    name: string,
    catalog: Catalog,
    ignoreIfExists = false,
    options?: Readonly<Record<string, string>>,
  ): void {
    if (this.catalogs.has(name)) {
      if (ignoreIfExists) return;
      throw new CatalogAlreadyExistError(`Catalog '${name}' already exists`);
    }
    this.catalogs.set(name, catalog);
    if (options !== undefined) this.catalogOptionsByName.set(name, options);
  }

  /** Removes a catalog (not the current one) and its temporary objects. */
  unregisterCatalog(name: string, ignoreIfNotExists = false): void {
    const catalog = this.catalogs.get(name);
    if (catalog === undefined) {
      if (ignoreIfNotExists) return;
      throw new CatalogNotExistError(`Catalog '${name}' does not exist`);
    }
    if (name === this.current.catalog) {
      throw new CatalogError(`Cannot drop catalog '${name}': it is the current catalog`);
    }
    this.catalogs.delete(name);
    this.catalogOptionsByName.delete(name);
    for (const [k, v] of this.temporaryTables) {
      if (v.identifier.catalog === name) this.temporaryTables.delete(k);
    }
    this.catalogRemoved(name);
    catalog.close?.();
  }

  /** The catalog named `name`; throws a positioned {@link CatalogNotExistError}. */
  getCatalog(name: string, pos?: SourcePos): Catalog {
    const c = this.catalogs.get(name);
    if (c === undefined)
      throw new CatalogNotExistError(`Catalog '${name}' does not exist${at(pos)}`);
    return c;
  }

  /** Whether a catalog is registered. */
  hasCatalog(name: string): boolean {
    return this.catalogs.has(name);
  }

  /** The catalog names, sorted. */
  listCatalogs(): string[] {
    return [...this.catalogs.keys()].sort();
  }

  /** The options a catalog was created with (CREATE CATALOG), if known. */
  catalogOptions(name: string): Readonly<Record<string, string>> | undefined {
    return this.catalogOptionsByName.get(name);
  }

  /** The current catalog's name. */
  get currentCatalog(): string {
    return this.current.catalog;
  }

  /** The current database's name. */
  get currentDatabase(): string {
    return this.current.database;
  }

  /** Makes `name` the current catalog, and its default database the current database. */
  setCurrentCatalog(name: string, pos?: SourcePos): void {
    const c = this.getCatalog(name, pos);
    this.current = { catalog: name, database: c.defaultDatabase };
  }

  /** Makes `database` (of `catalog`, default the current one) the current database. */
  setCurrentDatabase(database: string, catalog = this.current.catalog, pos?: SourcePos): void {
    const c = this.getCatalog(catalog, pos);
    if (!c.databaseExists(database)) {
      throw new DatabaseNotExistError(`Database '${catalog}.${database}' does not exist${at(pos)}`);
    }
    this.current = { catalog, database };
  }

  // ---- names --------------------------------------------------------------------------------

  /** The full name of a 1-, 2- or 3-part object name (no existence check). */
  qualify(parts: readonly string[], pos?: SourcePos): ObjectIdentifier {
    switch (parts.length) {
      case 1:
        return { ...this.current, object: parts[0]! };
      case 2:
        return { catalog: this.current.catalog, database: parts[0]!, object: parts[1]! };
      case 3:
        return { catalog: parts[0]!, database: parts[1]!, object: parts[2]! };
      default:
        throw new DdlValidationError(
          `Invalid name '${parts.join(".")}'${at(pos)}: expected [catalog.][database.]name`,
        );
    }
  }

  /** The catalog and database of a 1- or 2-part database name (`db`, `cat.db`). */
  qualifyDatabase(
    parts: readonly string[],
    pos?: SourcePos,
  ): { catalog: string; database: string } {
    if (parts.length === 1) return { catalog: this.current.catalog, database: parts[0]! };
    if (parts.length === 2) return { catalog: parts[0]!, database: parts[1]! };
    throw new DdlValidationError(
      `Invalid database name '${parts.join(".")}'${at(pos)}: expected [catalog.]database`,
    );
  }

  /** The catalog of an identifier and its path; throws when the catalog or database is missing. */
  protected locate(id: ObjectIdentifier, pos?: SourcePos): Catalog {
    const c = this.getCatalog(id.catalog, pos);
    if (!c.databaseExists(id.database)) {
      throw new DatabaseNotExistError(
        `Database '${id.catalog}.${id.database}' does not exist${at(pos)}`,
      );
    }
    return c;
  }

  // ---- tables and views ---------------------------------------------------------------------

  /** The table or view of a full name (a temporary one shadows a permanent one), if any. */
  getTable(id: ObjectIdentifier): ResolvedObject<CatalogBaseTable> | undefined {
    const temp = this.temporaryTables.get(keyOf(id));
    if (temp !== undefined) return temp;
    const c = this.catalogs.get(id.catalog);
    if (c === undefined || !c.tableExists(pathOf(id))) return undefined;
    return { identifier: id, object: c.getTable(pathOf(id)), temporary: false };
  }

  /**
   * Resolves a table or view name; throws e.g. "Table 'x' not found in database
   * 'default_catalog.default_database' (line 3, column 15)".
   */
  lookupTable(parts: readonly string[], pos?: SourcePos): ResolvedObject<CatalogBaseTable> {
    const id = this.qualify(parts, pos);
    const found = this.getTable(id);
    if (found !== undefined) return found;
    this.locate(id, pos);
    throw new TableNotExistError(
      `Table '${id.object}' not found in database '${id.catalog}.${id.database}'${at(pos)}`,
    );
  }

  /** Whether a temporary table or view has this name. */
  isTemporaryTable(id: ObjectIdentifier): boolean {
    return this.temporaryTables.has(keyOf(id));
  }

  /** Creates a permanent table or view in its catalog. */
  createTable(
    id: ObjectIdentifier,
    table: CatalogBaseTable,
    ignoreIfExists: boolean,
    pos?: SourcePos,
  ): void {
    const c = this.locate(id, pos);
    atPosition(pos, () => c.createTable(pathOf(id), table, ignoreIfExists));
  }

  /** Creates a temporary table or view (it shadows a permanent one of the same name). */
  createTemporaryTable(
    id: ObjectIdentifier,
    table: CatalogBaseTable,
    ignoreIfExists: boolean,
    pos?: SourcePos,
  ): void {
    this.locate(id, pos);
    if (this.temporaryTables.has(keyOf(id))) {
      if (ignoreIfExists) return;
      throw new TableAlreadyExistError(
        `Temporary table (or view) '${identifierToString(id)}' already exists${at(pos)}`,
      );
    }
    this.temporaryTables.set(keyOf(id), { identifier: id, object: table, temporary: true });
  }

  /** Replaces a table or view (the temporary one when there is one). */
  alterTable(id: ObjectIdentifier, table: CatalogBaseTable, pos?: SourcePos): void {
    const k = keyOf(id);
    if (this.temporaryTables.has(k)) {
      this.temporaryTables.set(k, { identifier: id, object: table, temporary: true });
      return;
    }
    const c = this.locate(id, pos);
    atPosition(pos, () => c.alterTable(pathOf(id), table, false));
  }

  /** Renames a table or view within its database (the temporary one when there is one). */
  renameTable(id: ObjectIdentifier, newName: string, pos?: SourcePos): void {
    const target = { ...id, object: newName };
    const k = keyOf(id);
    const temp = this.temporaryTables.get(k);
    if (temp !== undefined) {
      if (this.temporaryTables.has(keyOf(target))) {
        throw new TableAlreadyExistError(
          `Temporary table (or view) '${identifierToString(target)}' already exists${at(pos)}`,
        );
      }
      this.temporaryTables.delete(k);
      this.temporaryTables.set(keyOf(target), { ...temp, identifier: target });
      return;
    }
    const c = this.locate(id, pos);
    atPosition(pos, () => c.renameTable(pathOf(id), newName, false));
  }

  /**
   * Drops a table (`kind` TABLE) or view (VIEW). Without `temporary`, a temporary object of the
   * same name must be dropped first (as in Flink); the kind must match.
   */
  dropTable(
    id: ObjectIdentifier,
    options: { kind: "TABLE" | "VIEW"; temporary: boolean; ignoreIfNotExists: boolean },
    pos?: SourcePos,
  ): void {
    const what = options.kind === "TABLE" ? "table" : "view";
    const k = keyOf(id);
    const temp = this.temporaryTables.get(k);
    if (options.temporary) {
      if (temp === undefined) {
        if (options.ignoreIfNotExists) return;
        throw new TableNotExistError(
          `Temporary ${what} '${identifierToString(id)}' does not exist${at(pos)}`,
        );
      }
      checkKind(temp.object, options.kind, id, pos);
      this.temporaryTables.delete(k);
      return;
    }
    if (temp !== undefined) {
      throw new DdlValidationError(
        `Temporary ${temp.object.kind} '${identifierToString(id)}' exists${at(pos)}: drop it first ` +
          `(DROP TEMPORARY ${temp.object.kind.toUpperCase()}) before dropping the permanent ${what}`,
      );
    }
    const c = this.catalogs.get(id.catalog);
    if (options.ignoreIfNotExists && (c === undefined || !c.tableExists(pathOf(id)))) return;
    const found = this.lookupTable([id.catalog, id.database, id.object], pos);
    checkKind(found.object, options.kind, id, pos);
    atPosition(pos, () => c!.dropTable(pathOf(id), false));
  }

  /** Names of the tables and views of a database, permanent and temporary, sorted. */
  listTables(catalog = this.current.catalog, database = this.current.database): string[] {
    return this.listOf(
      catalog,
      database,
      () => true,
      (c) => c.listTables(database),
    );
  }

  /** Names of the views of a database, permanent and temporary, sorted. */
  listViews(catalog = this.current.catalog, database = this.current.database): string[] {
    return this.listOf(
      catalog,
      database,
      (t) => t.kind === "view",
      (c) => c.listViews(database),
    );
  }

  /** Forgets what a subclass keeps about a removed catalog (temporary functions). */
  protected catalogRemoved(_name: string): void {}

  private listOf(
    catalog: string,
    database: string,
    keep: (t: CatalogBaseTable) => boolean,
    permanent: (c: Catalog) => string[],
  ): string[] {
    const names = new Set(permanent(this.locate({ catalog, database, object: "" })));
    for (const t of this.temporaryTables.values()) {
      const id = t.identifier;
      if (id.catalog === catalog && id.database === database && keep(t.object))
        names.add(id.object);
    }
    return [...names].sort();
  }
}

function checkKind(
  t: CatalogBaseTable,
  kind: "TABLE" | "VIEW",
  id: ObjectIdentifier,
  pos?: SourcePos,
): void {
  const want = kind === "TABLE" ? "table" : "view";
  if (t.kind !== want) {
    throw new DdlValidationError(
      `'${identifierToString(id)}' is a ${t.kind}, not a ${want}${at(pos)}: use DROP ${t.kind.toUpperCase()}`,
    );
  }
}
