/**
 * The session's view of its catalogs (Flink's `CatalogManager`): everything of
 * {@link CatalogScope} (catalogs, current catalog and database, tables and views, temporary
 * ones shadowing permanent ones, name resolution) plus functions and the planner's hooks.
 *
 * Function resolution order for a 1-part name (as Flink): temporary system functions, then the
 * built-in functions (the planner's), then temporary catalog functions, then catalog functions.
 * {@link CatalogManager.lookupFunction} covers the user-defined ones; the planner checks
 * built-ins in between.
 */
import type { SourcePos } from "../sql/errors.ts";
import type { RowType } from "../types/logical-type.ts";
import { functionKey } from "./catalog.ts";
import {
  DdlValidationError,
  FunctionAlreadyExistError,
  FunctionNotExistError,
  at,
  atPosition,
} from "./errors.ts";
import type { CatalogFunction, CatalogView, ObjectIdentifier } from "./objects.ts";
import { identifierToString } from "./objects.ts";
import type { ExpressionTyper } from "./schema.ts";
import {
  CatalogScope,
  keyOf,
  pathOf,
  type CatalogScopeOptions,
  type ResolvedObject,
} from "./catalog-scope.ts";

export type { ResolvedObject } from "./catalog-scope.ts";

/** Options of a {@link CatalogManager}. */
export interface CatalogManagerOptions extends CatalogScopeOptions {
  /** Types computed columns at CREATE / ALTER (the planner provides one). */
  readonly typer?: ExpressionTyper;
  /** Names of the built-in functions, for SHOW FUNCTIONS (the planner provides them). */
  readonly builtinFunctions?: () => readonly string[];
  /** Types a view's query, for DESCRIBE (the planner provides it). */
  readonly resolveView?: (view: CatalogView, id: ObjectIdentifier) => RowType | undefined;
}

const fnId = (id: ObjectIdentifier): ObjectIdentifier => ({
  ...id,
  object: functionKey(id.object),
});

/** Catalogs, the current catalog and database, and temporary objects of one session. */
export class CatalogManager extends CatalogScope {
  /** Types computed columns, if the planner gave a typer. */
  readonly typer: ExpressionTyper | undefined;
  /** Built-in function names, if the planner gave them. */
  readonly builtinFunctions: () => readonly string[];
  /** Types a view's query, if the planner gave a resolver. */
  readonly resolveView:
    ((view: CatalogView, id: ObjectIdentifier) => RowType | undefined) | undefined;
  private readonly temporaryFunctions = new Map<string, ResolvedObject<CatalogFunction>>();
  private readonly temporarySystemFunctions = new Map<string, CatalogFunction>();

  /** A manager with the built-in catalog as the current one. */
  constructor(options: CatalogManagerOptions = {}) {
    super(options);
    this.typer = options.typer;
    this.builtinFunctions = options.builtinFunctions ?? (() => []);
    this.resolveView = options.resolveView;
  }

  protected override catalogRemoved(name: string): void {
    for (const [k, v] of this.temporaryFunctions) {
      if (v.identifier.catalog === name) this.temporaryFunctions.delete(k);
    }
  }

  // ---- functions ----------------------------------------------------------------------------

  /** Creates a permanent function in its catalog. */
  createFunction(
    id: ObjectIdentifier,
    fn: CatalogFunction,
    ignoreIfExists: boolean,
    pos?: SourcePos,
  ): void {
    const c = this.locate(id, pos);
    atPosition(pos, () => c.createFunction(pathOf(id), fn, ignoreIfExists));
  }

  /** Creates a temporary catalog function. */
  createTemporaryFunction(
    id: ObjectIdentifier,
    fn: CatalogFunction,
    ignoreIfExists: boolean,
    pos?: SourcePos,
  ): void {
    this.locate(id, pos);
    const fid = fnId(id);
    if (this.temporaryFunctions.has(keyOf(fid))) {
      if (ignoreIfExists) return;
      throw new FunctionAlreadyExistError(
        `Temporary function '${identifierToString(fid)}' already exists${at(pos)}`,
      );
    }
    this.temporaryFunctions.set(keyOf(fid), { identifier: fid, object: fn, temporary: true });
  }

  /** Creates a temporary system function (a 1-part name, resolved before the built-ins). */
  createTemporarySystemFunction(
    name: string,
    fn: CatalogFunction,
    ignoreIfExists: boolean,
    pos?: SourcePos,
  ): void {
    const k = functionKey(name);
    if (this.temporarySystemFunctions.has(k)) {
      if (ignoreIfExists) return;
      throw new FunctionAlreadyExistError(
        `Temporary system function '${k}' already exists${at(pos)}`,
      );
    }
    this.temporarySystemFunctions.set(k, fn);
  }

  /** Replaces a function: the temporary one when `temporary`, else the catalog's. */
  alterFunction(
    id: ObjectIdentifier,
    fn: CatalogFunction,
    temporary: boolean,
    ignoreIfNotExists: boolean,
    pos?: SourcePos,
  ): void {
    if (temporary) {
      const fid = fnId(id);
      if (!this.temporaryFunctions.has(keyOf(fid))) {
        if (ignoreIfNotExists) return;
        throw new FunctionNotExistError(
          `Temporary function '${identifierToString(fid)}' does not exist${at(pos)}`,
        );
      }
      this.temporaryFunctions.set(keyOf(fid), { identifier: fid, object: fn, temporary: true });
      return;
    }
    const c = this.locate(id, pos);
    atPosition(pos, () => c.alterFunction(pathOf(id), fn, ignoreIfNotExists));
  }

  /** The temporary system function `name`, if any. */
  getTemporarySystemFunction(name: string): CatalogFunction | undefined {
    return this.temporarySystemFunctions.get(functionKey(name));
  }

  /** The temporary catalog function `id` (fully qualified), if any. */
  getTemporaryFunction(id: ObjectIdentifier): CatalogFunction | undefined {
    return this.temporaryFunctions.get(keyOf(fnId(id)))?.object;
  }

  /** Drops a temporary system function. */
  dropTemporarySystemFunction(name: string, ignoreIfNotExists: boolean, pos?: SourcePos): void {
    if (!this.temporarySystemFunctions.delete(functionKey(name)) && !ignoreIfNotExists) {
      throw new FunctionNotExistError(
        `Temporary system function '${functionKey(name)}' does not exist${at(pos)}`,
      );
    }
  }

  /** Drops a function: the temporary one when `temporary` (see Flink's rules for permanent ones). */
  dropFunction(
    id: ObjectIdentifier,
    temporary: boolean,
    ignoreIfNotExists: boolean,
    pos?: SourcePos,
  ): void {
    const fid = fnId(id);
    if (temporary) {
      if (!this.temporaryFunctions.delete(keyOf(fid)) && !ignoreIfNotExists) {
        throw new FunctionNotExistError(
          `Temporary function '${identifierToString(fid)}' does not exist${at(pos)}`,
        );
      }
      return;
    }
    if (this.temporaryFunctions.has(keyOf(fid))) {
      throw new DdlValidationError(
        `Temporary function '${identifierToString(fid)}' exists${at(pos)}: drop it first ` +
          `(DROP TEMPORARY FUNCTION) before dropping the permanent function`,
      );
    }
    const c = this.hasCatalog(id.catalog) ? this.getCatalog(id.catalog) : undefined;
    if (ignoreIfNotExists && (c === undefined || !c.functionExists(pathOf(id)))) return;
    const cat = this.locate(id, pos);
    atPosition(pos, () => cat.dropFunction(pathOf(id), false));
  }

  /**
   * The user-defined function a name refers to, if any: for a 1-part name a temporary system
   * function first, then a temporary function, then a catalog function of the current database.
   */
  lookupFunction(
    parts: readonly string[],
    pos?: SourcePos,
  ): ResolvedObject<CatalogFunction> | undefined {
    if (parts.length === 1) {
      const sys = this.temporarySystemFunctions.get(functionKey(parts[0]!));
      if (sys !== undefined) {
        return {
          identifier: { catalog: "", database: "", object: functionKey(parts[0]!) },
          object: sys,
          temporary: true,
        };
      }
    }
    const id = fnId(this.qualify(parts, pos));
    const temp = this.temporaryFunctions.get(keyOf(id));
    if (temp !== undefined) return temp;
    const c = this.hasCatalog(id.catalog) ? this.getCatalog(id.catalog) : undefined;
    if (c === undefined || !c.databaseExists(id.database) || !c.functionExists(pathOf(id)))
      return undefined;
    return { identifier: id, object: c.getFunction(pathOf(id)), temporary: false };
  }

  /** Like {@link lookupFunction}, throwing a positioned {@link FunctionNotExistError} when missing. */
  resolveFunction(parts: readonly string[], pos?: SourcePos): ResolvedObject<CatalogFunction> {
    const found = this.lookupFunction(parts, pos);
    if (found !== undefined) return found;
    const id = fnId(this.qualify(parts, pos));
    throw new FunctionNotExistError(
      `Function '${id.object}' not found in database '${id.catalog}.${id.database}'${at(pos)}`,
    );
  }

  /**
   * Names of the user-defined functions visible in a database: temporary system functions,
   * temporary functions and catalog functions, sorted.
   */
  listUserFunctions(catalog = this.current.catalog, database = this.current.database): string[] {
    const names = new Set(this.temporarySystemFunctions.keys());
    for (const f of this.temporaryFunctions.values()) {
      if (f.identifier.catalog === catalog && f.identifier.database === database)
        names.add(f.identifier.object);
    }
    for (const n of this.locate({ catalog, database, object: "" }).listFunctions(database))
      names.add(n);
    return [...names].sort();
  }
}
