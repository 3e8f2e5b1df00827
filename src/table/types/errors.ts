/**
 * Errors raised by SQL types and values. Each names the value, the types and the cause.
 */
import { StromError } from "../../core/errors.ts";

/**
 * A CAST failed at run time (an unparsable string, a value out of range, an unsupported pair).
 * Flink fails the job on such a CAST; TRY_CAST returns NULL instead (see `tryCastValue`).
 */
export class SqlCastError extends StromError {}

/** An arithmetic operation failed (division by zero, an integer overflow Flink reports). */
export class SqlArithmeticError extends StromError {}

/** A type string given to `parseType` is malformed; names the position. */
export class TypeParseError extends StromError {}

/** An operator does not apply to its argument types (caught when typing an expression). */
export class SqlTypeError extends StromError {}
