/**
 * User-defined scalar functions written in TypeScript: a class with an `eval` method (as in
 * Flink) and its SQL result type, registered on a table environment under a name. Arguments
 * arrive in the SQL value representation (see docs/architecture.md, "SQL values"); a NULL
 * argument gives a NULL result without calling `eval` unless the function says it handles
 * NULLs.
 */
import { registerScalar, sqlFunctionName } from "../expr/operators.ts";
import { parseType } from "../types/type-parse.ts";
import { withNullability, type LogicalType } from "../types/index.ts";

/** A scalar function: one value out for the values of one call. */
export abstract class ScalarFunction {
  /** Computes the result. */
  abstract eval(...args: any[]): unknown;
}

/** How a user function is declared. */
export interface ScalarFunctionOptions {
  /** The SQL type of the result (`"STRING"`, `"DECIMAL(10, 2)"`) or a LogicalType. */
  readonly resultType: string | LogicalType;
  /** Whether `eval` receives NULL arguments itself (default false: NULL in, NULL out). */
  readonly handlesNulls?: boolean;
  /** False for functions whose result varies between calls with the same arguments. */
  readonly deterministic?: boolean;
}

/**
 * Registers `fn` in the process-wide scalar registry under `internal`, a name made by
 * `newInternalFunctionName` that one session's binder resolves its SQL name to; plans and
 * messages show the SQL name. Registering the same internal name again replaces the function.
 */
export function registerUserScalarFunction(
  internal: string,
  fn: ScalarFunction | ((...args: any[]) => unknown),
  options: ScalarFunctionOptions,
): void {
  const type =
    typeof options.resultType === "string" ? parseType(options.resultType) : options.resultType;
  const call =
    typeof fn === "function" ? fn : (...args: unknown[]) => (fn as ScalarFunction).eval(...args);
  registerScalar(
    {
      name: internal,
      displayName: sqlFunctionName(internal),
      kind: "function",
      inferType: () => withNullability(type, true),
      nullPolicy: options.handlesNulls === true ? "custom" : "strict",
      deterministic: options.deterministic ?? true,
      mayReturnNull: true,
      throws: true,
      impl: (...args: unknown[]) => {
        const v = call(...args);
        return v === undefined ? null : v;
      },
    },
    true,
  );
}
