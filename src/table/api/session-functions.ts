/**
 * The user functions of one session (table environment). Their implementations live in the
 * process-wide registries (the scalar registry, runtime/user-functions.ts) under internal names
 * unique to one registration (`TWICE#7`, see `newInternalFunctionName`); this session maps the
 * SQL names it defines to them. Before a query is bound, {@link SessionFunctions.resolveCalls}
 * rewrites the names of the calls that refer to this session's functions into internal names,
 * so the binder, the optimizer and the code generator only ever see those, and two sessions may
 * define the same name differently.
 *
 * The catalog manager says which functions exist; the session keeps the implementation loaded
 * for each. Resolution follows Flink: temporary system functions, built-in functions, temporary
 * catalog functions, catalog functions of the current database (or the one named). A function
 * the catalog holds but this session has not loaded yet (a catalog persisted by another session)
 * is loaded by {@link SessionFunctions.prepare} before a statement runs.
 */
import { functionKey } from "../catalog/catalog.ts";
import type { CatalogManager, ResolvedObject } from "../catalog/catalog-manager.ts";
import { keyOf, pathOf } from "../catalog/catalog-scope.ts";
import { loadFunction } from "../catalog/function-loader.ts";
import type { CatalogFunction, ObjectIdentifier } from "../catalog/objects.ts";
import { unregisterScalar } from "../expr/operators.ts";
import { SqlPlanError } from "../planner/errors.ts";
import { unregisterUserFunction } from "../runtime/user-functions.ts";
import type { SourcePos } from "../sql/errors.ts";
import {
  isBuiltinFunctionName,
  registerUserFunction,
  type UserFunction,
  type UserFunctionOptions,
} from "./user-table-functions.ts";

/** A loaded implementation: its internal name and the catalog object it was loaded from. */
interface Loaded {
  readonly internal: string;
  readonly object: CatalogFunction;
  /** Undefined for a temporary system function. */
  readonly id: ObjectIdentifier | undefined;
  readonly temporary: boolean;
}

/** Which catalog entry a function statement is about. */
interface FunctionTarget {
  readonly name: readonly string[];
  readonly temporary: boolean;
  readonly system: boolean;
  readonly pos: SourcePos;
}

/** The user functions of one session: which SQL name maps to which loaded implementation. */
export class SessionFunctions {
  private readonly loaded = new Map<string, Loaded>();
  private readonly manager: CatalogManager;

  /** Functions of the session whose catalogs `manager` holds. */
  constructor(manager: CatalogManager) {
    this.manager = manager;
  }

  /**
   * Registers a temporary system function from the API (`createTemporarySystemFunction`),
   * replacing one of the same name.
   */
  registerSystem(name: string, fn: UserFunction, options: UserFunctionOptions | undefined): void {
    const { internal } = registerUserFunction(name, fn, options);
    const object: CatalogFunction = {
      kind: "function",
      identifier: `<${name} registered by createTemporarySystemFunction>`,
      language: "TYPESCRIPT",
    };
    this.manager.dropTemporarySystemFunction(name, true);
    this.manager.createTemporarySystemFunction(name, object, false);
    this.sync();
    this.loaded.set(sysKey(name), { internal, object, id: undefined, temporary: true });
  }

  /** Drops a temporary system function; false when there was none. */
  dropSystem(name: string): boolean {
    if (this.manager.getTemporarySystemFunction(name) === undefined) return false;
    this.manager.dropTemporarySystemFunction(name, true);
    this.sync();
    return true;
  }

  /** Loads the module of a function a CREATE / ALTER FUNCTION statement just defined. */
  async loadDefined(s: FunctionTarget): Promise<void> {
    this.sync();
    if (s.system) {
      const object = this.manager.getTemporarySystemFunction(s.name[0]!);
      if (object !== undefined) await this.load(s.name, object, undefined, true, s.pos);
      return;
    }
    const id = this.manager.qualify(s.name, s.pos);
    const object = s.temporary ? this.manager.getTemporaryFunction(id) : this.catalogFunction(id);
    if (object !== undefined) await this.load(s.name, object, id, s.temporary, s.pos);
  }

  /**
   * Forgets (and unregisters) every loaded implementation whose catalog entry is gone or has
   * changed: call after each catalog statement (DROP FUNCTION, DROP DATABASE ... CASCADE...).
   */
  sync(): void {
    for (const [key, l] of this.loaded) {
      const now =
        l.id === undefined
          ? this.manager.getTemporarySystemFunction(key.slice(4))
          : l.temporary
            ? this.manager.getTemporaryFunction(l.id)
            : this.catalogFunction(l.id);
      if (now !== undefined && sameFunction(now, l.object)) continue;
      this.loaded.delete(key);
      unregisterScalar(l.internal);
      unregisterUserFunction(l.internal);
    }
  }

  /**
   * The internal name a written function name refers to in this session, or undefined for a
   * built-in or unknown function. Throws when the catalog holds the function but this session
   * has not loaded it (only {@link prepare} loads, asynchronously).
   */
  resolve(parts: readonly string[], pos?: SourcePos): string | undefined {
    if (parts.length === 1) {
      const sys = this.loaded.get(sysKey(parts[0]!));
      if (sys !== undefined) return sys.internal;
      if (isBuiltinFunctionName(parts[0]!.toUpperCase())) return undefined;
    }
    const found = this.lookup(parts, pos);
    if (found === undefined) return undefined;
    const l = this.loaded.get(loadedKey(found));
    if (l !== undefined && sameFunction(l.object, found.object)) return l.internal;
    throw new SqlPlanError(
      `Function ${parts.join(".")} (${found.object.identifier}) is not loaded in this session: run the statement with executeSql, which loads catalog functions`,
      pos,
    );
  }

  /** Loads the catalog functions `node` (a statement or query) calls that are not loaded yet. */
  async prepare(node: unknown): Promise<void> {
    const calls: { name: readonly string[]; pos: SourcePos }[] = [];
    walkCalls(node, (name, pos) => calls.push({ name, pos }));
    for (const { name, pos } of calls) {
      if (name.length === 1 && this.loaded.has(sysKey(name[0]!))) continue;
      if (name.length === 1 && isBuiltinFunctionName(name[0]!.toUpperCase())) continue;
      const found = this.lookup(name, pos);
      if (found === undefined || found.identifier.catalog === "") continue;
      const l = this.loaded.get(loadedKey(found));
      if (l !== undefined && sameFunction(l.object, found.object)) continue;
      await this.load(name, found.object, found.identifier, found.temporary, pos);
    }
  }

  /** `node` with the calls of this session's functions renamed to their internal names. */
  resolveCalls<T>(node: T): T {
    return renameCalls(node, (name, pos) => this.resolve(name, pos)) as T;
  }

  private lookup(
    parts: readonly string[],
    pos: SourcePos | undefined,
  ): ResolvedObject<CatalogFunction> | undefined {
    try {
      return this.manager.lookupFunction(parts, pos);
    } catch {
      return undefined; // an unknown catalog or database: no such function
    }
  }

  private catalogFunction(id: ObjectIdentifier): CatalogFunction | undefined {
    if (!this.manager.hasCatalog(id.catalog)) return undefined;
    const c = this.manager.getCatalog(id.catalog);
    const path = pathOf({ ...id, object: functionKey(id.object) });
    if (!c.databaseExists(id.database) || !c.functionExists(path)) return undefined;
    return c.getFunction(path);
  }

  private async load(
    name: readonly string[],
    object: CatalogFunction,
    id: ObjectIdentifier | undefined,
    temporary: boolean,
    pos: SourcePos,
  ): Promise<void> {
    const value = await loadFunction(object);
    let internal: string;
    try {
      internal = registerUserFunction(
        name[name.length - 1]!,
        value as UserFunction,
        undefined,
      ).internal;
    } catch (e) {
      const reason = (e as Error).message.replace(/^Function \S+ /, "");
      throw new SqlPlanError(`Function ${name.join(".")} (${object.identifier}): ${reason}`, pos, {
        cause: e,
      });
    }
    const key =
      id === undefined ? sysKey(name[0]!) : loadedKey({ identifier: id, object, temporary });
    const old = this.loaded.get(key);
    if (old !== undefined) {
      unregisterScalar(old.internal);
      unregisterUserFunction(old.internal);
    }
    this.loaded.set(key, { internal, object, id, temporary });
  }
}

function sysKey(name: string): string {
  return `sys:${functionKey(name)}`;
}

function loadedKey(found: ResolvedObject<CatalogFunction>): string {
  const id = found.identifier;
  if (id.catalog === "") return sysKey(id.object);
  const full = { ...id, object: functionKey(id.object) };
  return `${found.temporary ? "tmp" : "cat"}:${keyOf(full)}`;
}

function sameFunction(a: CatalogFunction, b: CatalogFunction): boolean {
  return a === b || (a.identifier === b.identifier && a.language === b.language);
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

function isCall(v: Record<string, unknown>): boolean {
  return v["kind"] === "call" && Array.isArray(v["name"]);
}

/** Calls `visit` with the name of every function call in the AST `node`. */
function walkCalls(node: unknown, visit: (name: readonly string[], pos: SourcePos) => void): void {
  if (Array.isArray(node)) {
    for (const v of node) walkCalls(v, visit);
    return;
  }
  if (!isPlain(node)) return;
  for (const [k, v] of Object.entries(node)) if (k !== "pos") walkCalls(v, visit);
  if (isCall(node)) visit(node["name"] as string[], node["pos"] as SourcePos);
}

/**
 * `node` (an AST) with each call whose name `rename` maps renamed; unchanged parts are shared.
 * A written name holding `#` (the mark of internal names) is refused.
 */
function renameCalls(
  node: unknown,
  rename: (name: readonly string[], pos: SourcePos) => string | undefined,
): unknown {
  if (Array.isArray(node)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < node.length; i++) {
      const r = renameCalls(node[i], rename);
      if (r !== node[i]) (out ??= node.slice())[i] = r;
    }
    return out ?? node;
  }
  if (!isPlain(node)) return node;
  let out: Record<string, unknown> | null = null;
  for (const [k, v] of Object.entries(node)) {
    if (k === "pos") continue;
    const r = renameCalls(v, rename);
    if (r !== v) (out ??= { ...node })[k] = r;
  }
  const n = out ?? node;
  if (!isCall(n)) return n;
  const name = n["name"] as string[];
  const pos = n["pos"] as SourcePos;
  if (name.some((p) => p.includes("#"))) {
    throw new SqlPlanError(`No match found for function ${name.join(".")}`, pos);
  }
  const internal = rename(name, pos);
  return internal === undefined ? n : { ...n, name: [internal] };
}
