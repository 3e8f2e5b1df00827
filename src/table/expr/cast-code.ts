/**
 * Code of CAST and TRY_CAST: widening conversions that change nothing in the runtime form are
 * inlined (INT to BIGINT, INT to DOUBLE, VARCHAR(n) to a longer VARCHAR...); every other pair
 * uses the types' `castFunction` / `tryCastFunction`, created once per query and passed to the
 * generated code as a constant.
 */
import { castFunction, tryCastFunction } from "../types/cast.ts";
import { castCanFail } from "../types/cast-rules.ts";
import { SqlTypeError } from "../types/errors.ts";
import type { LogicalType } from "../types/logical-type.ts";
import { isCharacterString } from "../types/type-families.ts";
import { SqlValidationError } from "./errors.ts";
import type { RexCast } from "./rex.ts";
import { rexToString } from "./rex.ts";

const INTEGRAL_ORDER = ["TINYINT", "SMALLINT", "INT", "BIGINT"];

/** Source of a cast that needs no conversion function (a widening), or undefined. */
function inlineCast(code: string, from: LogicalType, to: LogicalType): string | undefined {
  const fi = INTEGRAL_ORDER.indexOf(from.kind);
  const ti = INTEGRAL_ORDER.indexOf(to.kind);
  if (fi >= 0 && ti >= fi) return code;
  if (fi >= 0 && to.kind === "DOUBLE") return fi === 3 ? `Number(${code})` : code;
  if (from.kind === "FLOAT" && to.kind === "DOUBLE") return code;
  if (
    isCharacterString(from) &&
    to.kind === "VARCHAR" &&
    (from as { length: number }).length <= to.length
  ) {
    return code;
  }
  return undefined;
}

/** The code of a cast of a non-null value, and what the generator must know about it. */
export interface CastCode {
  /** An expression converting the value. */
  readonly code: string;
  /** Whether it can throw (the generator then adds the expression text to the error). */
  readonly throws: boolean;
  /** Whether it can give NULL for a non-null value (TRY_CAST, DECIMAL overflow). */
  readonly mayBeNull: boolean;
}

/**
 * The conversion of the non-null value `code` for `node` (its operand's type to its type).
 * Throws a {@link SqlValidationError} naming the expression when Flink has no such cast.
 */
export function castCode(
  code: string,
  node: RexCast,
  timeZone: string,
  constant: (value: unknown) => string,
): CastCode {
  const from = node.operand.type;
  const to = node.type;
  const inline = inlineCast(code, from, to);
  if (inline !== undefined) return { code: inline, throws: false, mayBeNull: false };
  let fn: (value: unknown) => unknown;
  try {
    fn = node.safe ? tryCastFunction(from, to, { timeZone }) : castFunction(from, to, { timeZone });
  } catch (e) {
    if (e instanceof SqlTypeError) {
      throw new SqlValidationError(`${e.message}: ${rexToString(node)}`, { cause: e });
    }
    throw e;
  }
  return {
    code: `${constant(fn)}(${code})`,
    throws: node.safe || castCanFail(from, to),
    // a cast to DECIMAL gives NULL when the value does not fit the precision
    mayBeNull: node.safe || to.kind === "DECIMAL",
  };
}
