/**
 * Planning errors: a statement that parses but cannot be planned (an unknown table, column or
 * function, an ambiguous column, a type mismatch, an unsupported construct) fails with a
 * {@link SqlPlanError} that names the cause and the place, before anything runs.
 */
import { StromError } from "../../core/errors.ts";
import type { SourcePos } from "../sql/errors.ts";

/** A statement cannot be planned; `line`/`column` point at the construct at fault. */
export class SqlPlanError extends StromError {
  /** 1-based line, or 0 when no position is known. */
  readonly line: number;
  /** 1-based column, or 0. */
  readonly column: number;
  /** The cause, without the position. */
  readonly reason: string;

  /** An error for `reason` at `pos` (if known). */
  constructor(reason: string, pos?: SourcePos, options?: ErrorOptions) {
    super(
      pos === undefined
        ? `SQL validation failed: ${reason}`
        : `SQL validation failed at line ${pos.line}, column ${pos.column}: ${reason}`,
      options,
    );
    this.name = "SqlPlanError";
    this.reason = reason;
    this.line = pos?.line ?? 0;
    this.column = pos?.column ?? 0;
  }
}

/**
 * Runs `fn`, turning an error without a position (a type error of the expression layer) into a
 * {@link SqlPlanError} at `pos`.
 */
export function at<T>(pos: SourcePos, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SqlPlanError) throw e;
    if (e instanceof StromError || e instanceof TypeError || e instanceof RangeError) {
      throw new SqlPlanError(e.message, pos, { cause: e });
    }
    throw e;
  }
}
