/** Errors raised by the SQL runtime operators (src/table/runtime/). */
import { StromError } from "../../core/errors.ts";

/**
 * A SQL runtime operator met input it cannot process correctly: a retraction of a row that was
 * never accumulated, a row of the wrong shape, an aggregate that cannot retract... The message
 * names the operator (or helper) and the offending row.
 */
export class TableRuntimeError extends StromError {}

/**
 * A changelog could not be applied: a `-U`/`-D` retracts a row (or key) that is not there, or a
 * row carries an unknown row kind.
 */
export class ChangelogError extends TableRuntimeError {}

/** A plan that the runtime cannot execute (an ORDER BY on unbounded input, a bad option...). */
export class UnsupportedPlanError extends TableRuntimeError {}
