/**
 * User-defined functions from JavaScript/TypeScript modules. A function's identifier names a
 * module and an export: `./path/to/module.ts#exportName` (a path relative to a base directory,
 * by default the working directory), `/abs/path.js#name`, `file:///...#name`, or a package
 * `some-package#name`; without `#name` the module's default export is used. CREATE FUNCTION only
 * records the identifier; the planner calls {@link loadFunction} when a query uses it.
 */
import { createRequire, isBuiltin } from "node:module";
import * as nodePath from "node:path";
import { pathToFileURL } from "node:url";
import type { CreateFunctionStatement, FunctionLanguage } from "../sql/ast-ddl.ts";
import type { SourcePos } from "../sql/errors.ts";
import { CatalogError, DdlValidationError, at } from "./errors.ts";
import type { CatalogFunction } from "./objects.ts";

/** The module and export of a function identifier. */
export interface FunctionReference {
  /** The module specifier as written. */
  readonly module: string;
  /** The export's name; undefined for the default export. */
  readonly exportName: string | undefined;
}

/** Splits `module#exportName` (the last `#` separates them). */
export function parseFunctionIdentifier(identifier: string): FunctionReference {
  const hash = identifier.lastIndexOf("#");
  if (hash < 0) return { module: identifier, exportName: undefined };
  return { module: identifier.slice(0, hash), exportName: identifier.slice(hash + 1) };
}

/** Throws a positioned error when an identifier names no module or an empty export. */
export function checkFunctionIdentifier(identifier: string, pos?: SourcePos): void {
  const ref = parseFunctionIdentifier(identifier);
  if (ref.module.trim() === "" || ref.exportName === "") {
    throw new DdlValidationError(
      `Invalid function identifier '${identifier}'${at(pos)}: expected './module.ts#exportName', ` +
        `'package#exportName' or a module with a default export`,
    );
  }
}

const TS_MODULE = /\.(ts|mts|cts|tsx)$/;

/**
 * The language of a function: as written (JAVASCRIPT or TYPESCRIPT only), or from the module's
 * extension when not written.
 */
export function functionLanguage(
  identifier: string,
  language: FunctionLanguage | undefined,
  pos?: SourcePos,
): FunctionLanguage {
  if (language === undefined) {
    return TS_MODULE.test(parseFunctionIdentifier(identifier).module) ? "TYPESCRIPT" : "JAVASCRIPT";
  }
  if (language !== "JAVASCRIPT" && language !== "TYPESCRIPT") {
    throw new DdlValidationError(
      `Functions in LANGUAGE ${language} are not supported${at(pos)}: Strom loads JAVASCRIPT and TYPESCRIPT modules`,
    );
  }
  return language;
}

/** Options of {@link loadFunction}. */
export interface LoadFunctionOptions {
  /** Directory that relative module paths start from (default: the working directory). */
  readonly baseDir?: string;
}

/** The URL or specifier to import for a module specifier. */
export function resolveFunctionModule(module: string, baseDir: string): string {
  if (module.startsWith("file:") || isBuiltin(module)) return module;
  if (module.startsWith("./") || module.startsWith("../") || nodePath.isAbsolute(module)) {
    return pathToFileURL(nodePath.resolve(baseDir, module)).href;
  }
  try {
    return pathToFileURL(createRequire(nodePath.join(baseDir, "noop.js")).resolve(module)).href;
  } catch {
    return module; // let import() resolve it (ESM-only packages)
  }
}

/**
 * Imports a function's module and returns its export (a function, a class or an object with an
 * `eval` method: what it is, is the planner's to check). Throws a {@link CatalogError} naming
 * the identifier when the module cannot be loaded or has no such export.
 */
export async function loadFunction(
  fn: CatalogFunction | string,
  options: LoadFunctionOptions = {},
): Promise<unknown> {
  const identifier = typeof fn === "string" ? fn : fn.identifier;
  checkFunctionIdentifier(identifier);
  const ref = parseFunctionIdentifier(identifier);
  const target = resolveFunctionModule(ref.module, options.baseDir ?? process.cwd());
  let mod: Record<string, unknown>;
  try {
    mod = (await import(target)) as Record<string, unknown>;
  } catch (e) {
    throw new CatalogError(
      `Cannot load the module of function '${identifier}' (${target}): ${(e as Error).message}`,
      { cause: e },
    );
  }
  const name = ref.exportName ?? "default";
  const value = Object.hasOwn(mod, name) ? mod[name] : undefined;
  if (value === undefined || value === null) {
    const exports = Object.keys(mod).join(", ") || "none";
    throw new CatalogError(
      ref.exportName === undefined
        ? `Module '${ref.module}' of function '${identifier}' has no default export: name one with '${ref.module}#exportName' (its exports: ${exports})`
        : `Module '${ref.module}' of function '${identifier}' has no export '${name}' (its exports: ${exports})`,
    );
  }
  return value;
}

/** The catalog function of CREATE / ALTER FUNCTION (JavaScript or TypeScript modules only). */
export function functionFromStatement(
  stmt: Pick<CreateFunctionStatement, "identifier" | "language" | "pos"> & {
    readonly resources?: CreateFunctionStatement["resources"];
  },
): CatalogFunction {
  if (stmt.resources !== undefined && stmt.resources.length > 0) {
    throw new DdlValidationError(
      `USING ${stmt.resources[0]!.type} is not supported${at(stmt.pos)}: name a JavaScript/TypeScript module instead`,
    );
  }
  checkFunctionIdentifier(stmt.identifier, stmt.pos);
  return {
    kind: "function",
    identifier: stmt.identifier,
    language: functionLanguage(stmt.identifier, stmt.language, stmt.pos),
  };
}
