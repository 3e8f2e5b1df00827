/**
 * Errors of the catalog and of DDL: each names the object (`cat.db.name`), the cause and, when
 * the statement came from SQL text, the place (`(line 3, column 15)`).
 */
import { StromError } from "../../core/errors.ts";
import type { SourcePos } from "../sql/errors.ts";

/** ` (line L, column C)` for a position, or the empty string without one. */
export function at(pos: SourcePos | undefined): string {
  return pos === undefined ? "" : ` (line ${pos.line}, column ${pos.column})`;
}

/** Base class of the catalog's errors. */
export class CatalogError extends StromError {}

/** A DDL statement or a catalog object is invalid (bad type, unknown column, bad option...). */
export class DdlValidationError extends CatalogError {}

/** A catalog is not registered. */
export class CatalogNotExistError extends CatalogError {}
/** A catalog name is taken. */
export class CatalogAlreadyExistError extends CatalogError {}
/** A database does not exist. */
export class DatabaseNotExistError extends CatalogError {}
/** A database name is taken. */
export class DatabaseAlreadyExistError extends CatalogError {}
/** A database still holds tables, views or functions (DROP without CASCADE). */
export class DatabaseNotEmptyError extends CatalogError {}
/** A table or view does not exist. */
export class TableNotExistError extends CatalogError {}
/** A table or view name is taken. */
export class TableAlreadyExistError extends CatalogError {}
/** A function does not exist. */
export class FunctionNotExistError extends CatalogError {}
/** A function name is taken. */
export class FunctionAlreadyExistError extends CatalogError {}

/**
 * `error` with ` (line L, column C)` appended when it is a {@link CatalogError} that names no
 * place yet (its class is kept); anything else is returned unchanged.
 */
export function placed(error: unknown, pos: SourcePos | undefined): unknown {
  if (
    !(error instanceof CatalogError) ||
    pos === undefined ||
    /\(line \d+, column \d+\)/.test(error.message)
  ) {
    return error;
  }
  const Ctor = error.constructor as new (
    message: string,
    options?: { cause?: unknown },
  ) => CatalogError;
  return new Ctor(error.message + at(pos), { cause: error.cause });
}

/** Runs `fn`; a {@link CatalogError} it throws gets the position `pos` (see {@link placed}). */
export function atPosition<T>(pos: SourcePos | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw placed(e, pos);
  }
}
