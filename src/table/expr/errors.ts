/**
 * Errors of the expression layer: {@link SqlValidationError} when an expression is ill-typed at
 * plan time (a bad operand type, an unknown function, a bad input reference), and
 * {@link withExpressionText}, which re-raises a run-time failure (division by zero, a failed
 * CAST) with the text of the expression that failed.
 */
import { StromError } from "../../core/errors.ts";
import { SqlTypeError } from "../types/errors.ts";

/**
 * An expression is invalid at plan time: an operator applied to argument types it does not
 * accept, an unknown function, a wrong number of arguments, an input reference out of range.
 * The message names the function (or node) and the types. A subclass of the types' own
 * `SqlTypeError`, so callers can catch either.
 */
export class SqlValidationError extends SqlTypeError {}

/** An expression failed at run time for a reason that is not a typed SQL error (a bug or a bad value). */
export class SqlExpressionError extends StromError {}

/**
 * `error` re-raised with the expression text appended: `Division by zero (in expression
 * /($0, $1))`. A Strom error keeps its class (so `SqlArithmeticError` and `SqlCastError` stay
 * catchable as such); anything else becomes a {@link SqlExpressionError}. The original error is
 * the `cause`. An error that already names an expression is returned unchanged.
 */
export function withExpressionText(error: unknown, text: string): Error {
  if (error instanceof Error && error.message.includes("(in expression ")) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const message = `${reason} (in expression ${text})`;
  if (error instanceof StromError) {
    const Ctor = error.constructor as new (message: string, options?: { cause?: unknown }) => Error;
    try {
      return new Ctor(message, { cause: error });
    } catch {
      // a subclass with another constructor signature: fall through
    }
  }
  const name = error instanceof Error ? `${error.name}: ` : "";
  return new SqlExpressionError(name + message, { cause: error });
}
