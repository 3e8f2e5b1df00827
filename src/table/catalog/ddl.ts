/**
 * DDL execution against a {@link CatalogManager}: CREATE / DROP / ALTER of tables, views,
 * functions, databases and catalogs, USE, SHOW and DESCRIBE. {@link executeDdl} runs one parsed
 * statement and returns `"OK"` or rows; {@link executeDdlScript} parses and runs a script.
 *
 * CREATE TABLE checks the connector options through the connector's factory at once (Flink
 * checks them when the table is first used), so mistakes surface early. CREATE TABLE ... AS
 * SELECT, queries and INSERT need the planner and are refused here.
 */
import type {
  AlterCatalogOrDatabaseStatement,
  AlterFunctionStatement,
  CreateCatalogStatement,
  CreateDatabaseStatement,
  CreateFunctionStatement,
  CreateTableStatement,
  CreateViewStatement,
  DropStatement,
} from "../sql/ast-ddl.ts";
import type { Statement } from "../sql/ast-statement.ts";
import { parseStatements } from "../sql/parser.ts";
import { enumOption, stringOption, validateOptions } from "../connectors/options.ts";
import type { CatalogManager } from "./catalog-manager.ts";
import { alterTable, alterView } from "./ddl-alter.ts";
import { mergeLike } from "./ddl-like.ts";
import { describe, show } from "./ddl-show.ts";
import {
  propertyPositions,
  schemaContext,
  sourceTextOf,
  validateConnector,
  type DdlOptions,
  type DdlResult,
} from "./ddl-support.ts";
import { DdlValidationError, at, atPosition } from "./errors.ts";
import { FileCatalog } from "./file-catalog.ts";
import { functionFromStatement } from "./function-loader.ts";
import { InMemoryCatalog } from "./in-memory-catalog.ts";
import { SourceText } from "./source-text.ts";
import {
  createTableDdl,
  optionsFromProperties,
  quotedName,
  tableFromStatement,
  viewFromStatement,
} from "./table-ddl.ts";

export type { DdlOptions, DdlResult, TableResult } from "./ddl-support.ts";

const DDL_KINDS = new Set<Statement["kind"]>([
  "createTable",
  "createView",
  "createFunction",
  "createCatalog",
  "createDatabase",
  "drop",
  "alterTable",
  "alterView",
  "alterFunction",
  "alterDatabase",
  "alterCatalog",
  "show",
  "describe",
  "useCatalog",
  "useDatabase",
]);

/** Whether {@link executeDdl} runs this statement (the rest is the planner's). */
export function isDdlStatement(stmt: Statement): boolean {
  return DDL_KINDS.has(stmt.kind) && !(stmt.kind === "createTable" && stmt.asQuery !== undefined);
}

/** Runs one DDL statement; throws a positioned error when it is invalid. */
export function executeDdl(
  stmt: Statement,
  manager: CatalogManager,
  opts: DdlOptions = {},
): DdlResult {
  switch (stmt.kind) {
    case "createTable":
      return createTable(stmt, manager, opts);
    case "createView":
      return createView(stmt, manager, opts);
    case "createFunction":
      return createFunction(stmt, manager);
    case "createDatabase":
      return createDatabase(stmt, manager);
    case "createCatalog":
      return createCatalog(stmt, manager);
    case "drop":
      return drop(stmt, manager);
    case "alterTable":
      return alterTable(stmt, manager, opts);
    case "alterView":
      return alterView(stmt, manager, opts);
    case "alterFunction":
      return alterFunction(stmt, manager);
    case "alterDatabase":
    case "alterCatalog":
      return alterDatabase(stmt, manager);
    case "show":
      return show(stmt, manager);
    case "describe":
      return describe(stmt, manager);
    case "useCatalog":
      manager.setCurrentCatalog(stmt.name, stmt.pos);
      return "OK";
    case "useDatabase": {
      const { catalog, database } = manager.qualifyDatabase(stmt.name, stmt.pos);
      manager.setCurrentDatabase(database, catalog, stmt.pos);
      return "OK";
    }
    default:
      throw new DdlValidationError(
        `${stmt.kind} statements are not DDL${at(stmt.pos)}: they are run by the planner`,
      );
  }
}

/** Parses a script and runs each statement with {@link executeDdl}, returning the results. */
export function executeDdlScript(
  sql: string,
  manager: CatalogManager,
  opts: DdlOptions = {},
): DdlResult[] {
  const text = new SourceText(sql);
  return parseStatements(sql).map((s) => executeDdl(s, manager, { ...opts, sql: text }));
}

function createTable(
  stmt: CreateTableStatement,
  manager: CatalogManager,
  opts: DdlOptions,
): DdlResult {
  if (stmt.asQuery !== undefined) {
    throw new DdlValidationError(`CREATE TABLE ... AS SELECT is run by the planner${at(stmt.pos)}`);
  }
  if (stmt.mode !== "create") {
    throw new DdlValidationError(`[CREATE OR] REPLACE TABLE needs AS SELECT${at(stmt.pos)}`);
  }
  const id = manager.qualify(stmt.name, stmt.pos);
  const existing = manager.getTable(id);
  if (stmt.ifNotExists && existing !== undefined && existing.temporary === stmt.temporary)
    return "OK";
  const ctx = schemaContext(manager, opts);
  let table;
  if (stmt.like !== undefined) {
    const base = manager.lookupTable(stmt.like.name, stmt.like.pos);
    if (base.object.kind !== "table") {
      throw new DdlValidationError(
        `The source '${stmt.like.name.join(".")}' of the LIKE clause is a view, not a table${at(stmt.like.pos)}`,
      );
    }
    const merged = mergeLike(base.object, stmt, ctx);
    table = { ...merged, ddl: createTableDdl(quotedName([id.object]), merged) };
  } else {
    table = tableFromStatement(stmt, ctx, sourceTextOf(opts)?.statementText(stmt));
  }
  validateConnector(id, table, opts, propertyPositions(stmt.options), stmt.pos);
  if (stmt.temporary) manager.createTemporaryTable(id, table, stmt.ifNotExists, stmt.pos);
  else manager.createTable(id, table, stmt.ifNotExists, stmt.pos);
  return "OK";
}

function createView(
  stmt: CreateViewStatement,
  manager: CatalogManager,
  opts: DdlOptions,
): DdlResult {
  const id = manager.qualify(stmt.name, stmt.pos);
  const text = sourceTextOf(opts)?.restOfStatement(stmt.query.pos.offset);
  const view = viewFromStatement(stmt, text);
  const existing = manager.getTable(id);
  if (stmt.orReplace && existing !== undefined && existing.temporary === stmt.temporary) {
    if (existing.object.kind !== "view") {
      throw new DdlValidationError(
        `'${stmt.name.join(".")}' is a table, not a view${at(stmt.pos)}`,
      );
    }
    manager.alterTable(id, view, stmt.pos);
    return "OK";
  }
  if (stmt.temporary) manager.createTemporaryTable(id, view, stmt.ifNotExists, stmt.pos);
  else manager.createTable(id, view, stmt.ifNotExists, stmt.pos);
  return "OK";
}

function createFunction(stmt: CreateFunctionStatement, manager: CatalogManager): DdlResult {
  const fn = functionFromStatement(stmt);
  if (stmt.system) {
    if (stmt.name.length !== 1) {
      throw new DdlValidationError(
        `A temporary system function has a one-part name${at(stmt.pos)}`,
      );
    }
    manager.createTemporarySystemFunction(stmt.name[0]!, fn, stmt.ifNotExists, stmt.pos);
    return "OK";
  }
  const id = manager.qualify(stmt.name, stmt.pos);
  if (stmt.temporary) manager.createTemporaryFunction(id, fn, stmt.ifNotExists, stmt.pos);
  else manager.createFunction(id, fn, stmt.ifNotExists, stmt.pos);
  return "OK";
}

function createDatabase(stmt: CreateDatabaseStatement, manager: CatalogManager): DdlResult {
  const { catalog, database } = manager.qualifyDatabase(stmt.name, stmt.pos);
  const c = manager.getCatalog(catalog, stmt.pos);
  const db = {
    ...(stmt.comment !== undefined ? { comment: stmt.comment } : {}),
    properties: optionsFromProperties(stmt.options),
  };
  atPosition(stmt.pos, () => c.createDatabase(database, db, stmt.ifNotExists));
  return "OK";
}

const CATALOG_TYPE = enumOption(
  "type",
  ["generic_in_memory", "in-memory", "file"],
  "The catalog type.",
);
const CATALOG_DEFAULT_DATABASE = stringOption(
  "default-database",
  "The database a session starts in.",
  "default",
);
const CATALOG_PATH = stringOption("path", "Directory of a 'file' catalog.");

function createCatalog(stmt: CreateCatalogStatement, manager: CatalogManager): DdlResult {
  if (manager.hasCatalog(stmt.name)) {
    if (stmt.ifNotExists) return "OK";
    throw new DdlValidationError(`Catalog '${stmt.name}' already exists${at(stmt.pos)}`);
  }
  const raw = optionsFromProperties(stmt.options);
  const positions = propertyPositions(stmt.options);
  const options = validateOptions(raw, {
    owner: "CREATE CATALOG",
    table: stmt.name,
    required: [CATALOG_TYPE],
    optional: [CATALOG_DEFAULT_DATABASE, CATALOG_PATH],
    positions,
  });
  const type = options.get(CATALOG_TYPE)!;
  const defaultDb = options.get(CATALOG_DEFAULT_DATABASE)!;
  const path = options.get(CATALOG_PATH);
  let catalog;
  if (type === "file") {
    if (path === undefined) {
      throw new DdlValidationError(`A 'file' catalog needs the option 'path'${at(stmt.pos)}`);
    }
    catalog = new FileCatalog(stmt.name, path, defaultDb);
  } else {
    if (path !== undefined) {
      throw new DdlValidationError(
        `Option 'path' applies to 'file' catalogs only${at(positions.get("path"))}`,
      );
    }
    catalog = new InMemoryCatalog(stmt.name, defaultDb);
  }
  manager.registerCatalog(stmt.name, catalog, false, raw);
  return "OK";
}

function drop(stmt: DropStatement, manager: CatalogManager): DdlResult {
  switch (stmt.objectKind) {
    case "TABLE":
    case "VIEW": {
      const id = manager.qualify(stmt.name, stmt.pos);
      manager.dropTable(
        id,
        { kind: stmt.objectKind, temporary: stmt.temporary, ignoreIfNotExists: stmt.ifExists },
        stmt.pos,
      );
      return "OK";
    }
    case "FUNCTION":
      if (stmt.system) {
        if (stmt.name.length !== 1) {
          throw new DdlValidationError(
            `A temporary system function has a one-part name${at(stmt.pos)}`,
          );
        }
        manager.dropTemporarySystemFunction(stmt.name[0]!, stmt.ifExists, stmt.pos);
      } else {
        manager.dropFunction(
          manager.qualify(stmt.name, stmt.pos),
          stmt.temporary,
          stmt.ifExists,
          stmt.pos,
        );
      }
      return "OK";
    case "DATABASE": {
      const { catalog, database } = manager.qualifyDatabase(stmt.name, stmt.pos);
      if (catalog === manager.currentCatalog && database === manager.currentDatabase) {
        throw new DdlValidationError(
          `Cannot drop database '${catalog}.${database}': it is the current database${at(stmt.pos)}`,
        );
      }
      const c = manager.getCatalog(catalog, stmt.pos);
      atPosition(stmt.pos, () =>
        c.dropDatabase(database, stmt.ifExists, stmt.behavior === "CASCADE"),
      );
      return "OK";
    }
    case "CATALOG":
      if (stmt.name.length !== 1)
        throw new DdlValidationError(`Invalid catalog name${at(stmt.pos)}`);
      atPosition(stmt.pos, () => manager.unregisterCatalog(stmt.name[0]!, stmt.ifExists));
      return "OK";
  }
}

/** Runs ALTER FUNCTION. */
export function alterFunction(stmt: AlterFunctionStatement, manager: CatalogManager): DdlResult {
  const fn = functionFromStatement(stmt);
  if (stmt.system) {
    if (stmt.name.length !== 1)
      throw new DdlValidationError(
        `A temporary system function has a one-part name${at(stmt.pos)}`,
      );
    manager.dropTemporarySystemFunction(stmt.name[0]!, stmt.ifExists, stmt.pos);
    manager.createTemporarySystemFunction(stmt.name[0]!, fn, false, stmt.pos);
    return "OK";
  }
  manager.alterFunction(
    manager.qualify(stmt.name, stmt.pos),
    fn,
    stmt.temporary,
    stmt.ifExists,
    stmt.pos,
  );
  return "OK";
}

/** Runs ALTER DATABASE (SET / RESET properties, COMMENT); ALTER CATALOG is refused. */
export function alterDatabase(
  stmt: AlterCatalogOrDatabaseStatement,
  manager: CatalogManager,
): DdlResult {
  if (stmt.kind === "alterCatalog") {
    throw new DdlValidationError(
      `ALTER CATALOG is not supported${at(stmt.pos)}: drop and create the catalog`,
    );
  }
  const { catalog, database } = manager.qualifyDatabase(stmt.name, stmt.pos);
  const c = manager.getCatalog(catalog, stmt.pos);
  const db = atPosition(stmt.pos, () => c.getDatabase(database));
  const a = stmt.action;
  const properties = { ...db.properties };
  let comment = db.comment;
  if (a.kind === "setOptions") Object.assign(properties, optionsFromProperties(a.options));
  else if (a.kind === "resetOptions") for (const k of a.keys) delete properties[k];
  else comment = a.comment;
  atPosition(stmt.pos, () =>
    c.alterDatabase(database, { ...(comment !== undefined ? { comment } : {}), properties }, false),
  );
  return "OK";
}
