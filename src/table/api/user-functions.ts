/**
 * User-defined scalar functions written in TypeScript: a class with an `eval` method (as in
 * Flink) and its SQL result type, registered on a table environment under a name. Arguments
 * arrive in the SQL value representation (see docs/architecture.md, "SQL values"); a NULL
 * argument gives a NULL result without calling `eval` unless the function says it handles
 * NULLs.
 */
import { registerScalar, lookupScalar } from "../expr/operators.ts";
import { parseType } from "../types/type-parse.ts";
import { withNullability, type LogicalType } from "../types/index.ts";
import { TableEnvironmentError } from "./errors.ts";

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
 * Registers `fn` as SQL function `name` (case-insensitive). A name taken by a built-in function
 * is refused; registering the same name again replaces the earlier user function.
 */
export function registerUserScalarFunction(
  name: string,
  fn: ScalarFunction | ((...args: any[]) => unknown),
  options: ScalarFunctionOptions,
  userNames: Set<string>,
): void {
  const upper = name.toUpperCase();
  if (!/^[A-Z_][A-Z0-9_]*$/.test(upper)) {
    throw new TableEnvironmentError(`Invalid function name '${name}': use letters, digits and _`);
  }
  if (lookupScalar(upper) !== undefined && !userNames.has(upper)) {
    throw new TableEnvironmentError(
      `Function ${upper} is a built-in function: choose another name`,
    );
  }
  const type =
    typeof options.resultType === "string" ? parseType(options.resultType) : options.resultType;
  const call =
    typeof fn === "function" ? fn : (...args: unknown[]) => (fn as ScalarFunction).eval(...args);
  registerScalar(
    {
      name: upper,
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
  userNames.add(upper);
}
