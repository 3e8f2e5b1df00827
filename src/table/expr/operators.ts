/**
 * The registry of scalar operators and functions. A {@link ScalarFunctionDef} says how to type a
 * call (`inferType`), how NULL arguments behave (`nullPolicy`), whether the function is
 * deterministic, and how the code generator calls it: `inline` returns JavaScript source for the
 * hot path, `bind` returns a function specialized to the argument types once per query, `impl`
 * is a plain function. Functions other than `inline` code are passed to the generated code in
 * its context array, so nothing is looked up per row.
 *
 * The built-in operators the code generator needs (arithmetic, comparisons, logic, IS tests,
 * BETWEEN, IN, `||`, LIKE, SIMILAR TO, COALESCE, NULLIF, IF, ITEM) are registered when this module
 * loads; the rest of the built-in library registers itself with {@link registerScalar}.
 */
import type { LogicalType } from "../types/logical-type.ts";
import { ARITHMETIC_OPERATORS } from "./ops-arithmetic.ts";
import { COMPARISON_OPERATORS } from "./ops-comparison.ts";
import { LOGIC_OPERATORS } from "./ops-logic.ts";
import { STRING_OPERATORS } from "./ops-string.ts";
import type { RexNode } from "./rex.ts";

export { cannotApply, checkArity } from "./typing.ts";

/**
 * What the code generator knows about one call when it asks a definition for code: the operand
 * nodes and types, the result type, and ways to pass values to the generated code.
 */
export interface CallSite {
  /** The registry name of the operator. */
  readonly name: string;
  /** The operand expressions (e.g. to see whether a LIKE pattern is a literal). */
  readonly operands: readonly RexNode[];
  /** The operand types. */
  readonly argTypes: readonly LogicalType[];
  /**
   * Whether each argument value can be NULL where the code runs. For `strict` definitions the
   * generator has already checked, so all are false.
   */
  readonly argNullable: readonly boolean[];
  /** The result type of the call. */
  readonly resultType: LogicalType;
  /** The expression text (`rexToString`), for error messages. */
  readonly text: string;
  /** Code that reads {@link text} at run time (a context-array slot), for error helpers. */
  readonly textRef: string;
  /** Session time zone (IANA name) of the query. */
  readonly timeZone: string;
  /** The injected clock (`CompileOptions.clock`): current time in epoch milliseconds. */
  readonly clock: () => number;
  /**
   * The current watermark of the evaluating operator (`EmitOptions.currentWatermark`), or
   * undefined where the code runs outside an operator that provides it.
   */
  readonly currentWatermark: (() => number) | undefined;
  /**
   * STREAMING evaluates CURRENT_TIMESTAMP and friends per record; BATCH once per compiled
   * query (Flink's rule).
   */
  readonly runtimeMode: "STREAMING" | "BATCH";
  /** Puts `value` in the context array and returns the code that reads it (`c[3]`). */
  constant(value: unknown): string;
}

/** How NULL arguments behave. */
export type NullPolicy =
  /** Any NULL argument makes the result NULL; the generated code checks before calling. */
  | "strict"
  /** The definition handles NULL arguments itself (IS NULL, COALESCE, AND...). */
  | "custom";

/** A scalar operator or function. */
export interface ScalarFunctionDef {
  /** The registry name, upper case (`+`, `IS NULL`, `LIKE`, `UPPER`). */
  readonly name: string;
  /** Whether it is written as an operator (`a + b`) or called as a function (`UPPER(a)`). */
  readonly kind: "operator" | "function";
  /** Name in expression digests when it differs from {@link name} (unary minus prints as `-`). */
  readonly displayName?: string;
  /**
   * The result type for these argument types. Throws a {@link SqlValidationError} naming the
   * function and the types when they do not fit (see `cannotApply`). `operands` are the operand
   * expressions when known, for result types that depend on a literal argument (ROUND's digits,
   * JSON_VALUE's RETURNING type).
   */
  inferType(argTypes: readonly LogicalType[], operands?: readonly RexNode[]): LogicalType;
  /** How NULL arguments behave. */
  readonly nullPolicy: NullPolicy;
  /** False for RAND, NOW and the like: never folded at plan time, never deduplicated. */
  readonly deterministic: boolean;
  /**
   * False for a deterministic function that must still not be folded at plan time (the JSON
   * constructors: a folded nested constructor would become a plain string). Default true.
   */
  readonly foldable?: boolean;
  /**
   * True when the result can be NULL although no argument is (a DECIMAL overflow, an array
   * index out of range), so the generator keeps null checks downstream.
   */
  readonly mayReturnNull?: boolean | ((site: CallSite) => boolean);
  /**
   * True when the call can throw at run time; the generator then re-raises the error with the
   * expression text. Calls through `impl` and `bind` are always treated so.
   */
  readonly throws?: boolean | ((site: CallSite) => boolean);
  /**
   * True for special forms whose operands the code generator itself evaluates lazily (AND, OR,
   * COALESCE, IF); such definitions have no code of their own.
   */
  readonly lazy?: boolean;
  /**
   * JavaScript source of an expression computing the result from the argument codes (locals or
   * literals: cheap and free of side effects, so they may be repeated). Runtime helpers are
   * reachable as `h.<name>` (see `helpers.ts`), other values through `site.constant()`.
   */
  readonly inline?: (args: readonly string[], site: CallSite) => string;
  /** A function specialized to the call's types, created once per compiled query. */
  readonly bind?: (site: CallSite) => (...args: any[]) => unknown;
  /** A plain implementation, called with the argument values. */
  readonly impl?: (...args: any[]) => unknown;
}

const REGISTRY = new Map<string, ScalarFunctionDef>();

function normalize(name: string): string {
  return name.trim().toUpperCase().replace(/\s+/g, " ");
}

/**
 * Registers a definition under its name (case-insensitive). Throws when the name is taken
 * unless `replace` is set, and when the definition has no way to run.
 */
export function registerScalar(def: ScalarFunctionDef, replace = false): void {
  const key = normalize(def.name);
  if (key.length === 0) throw new RangeError("A scalar function needs a name");
  if (!replace && REGISTRY.has(key)) {
    throw new RangeError(`Scalar function ${key} is already registered`);
  }
  if (!def.lazy && def.inline === undefined && def.bind === undefined && def.impl === undefined) {
    throw new RangeError(`Scalar function ${key} has neither inline code, bind nor impl`);
  }
  REGISTRY.set(key, def.name === key ? def : { ...def, name: key });
}

/** The definition registered under `name` (case-insensitive), or undefined. */
export function lookupScalar(name: string): ScalarFunctionDef | undefined {
  return REGISTRY.get(normalize(name));
}

/** Removes the definition registered under `name` (case-insensitive), if any. */
export function unregisterScalar(name: string): void {
  REGISTRY.delete(normalize(name));
}

/** The names of all registered scalar functions and operators, sorted (not user functions). */
export function scalarNames(): string[] {
  return [...REGISTRY.keys()].filter((n) => !isInternalFunctionName(n)).sort();
}

let internalNames = 0;

/**
 * A new process-unique registry name for a user function that SQL calls `name` in one session
 * (`TWICE#7`): the session's binder resolves the SQL name to it, so sessions never see each
 * other's functions. SQL cannot write it (the binder refuses written names holding `#`).
 */
export function newInternalFunctionName(name: string): string {
  return `${name.toUpperCase()}#${++internalNames}`;
}

/** Whether `name` is a name made by {@link newInternalFunctionName}. */
export function isInternalFunctionName(name: string): boolean {
  return /#\d+$/.test(name);
}

/** The SQL name of a function for messages and plans: `TWICE#7` prints as `TWICE`. */
export function sqlFunctionName(name: string): string {
  return name.replace(/#\d+$/, "");
}

for (const def of [
  ...ARITHMETIC_OPERATORS,
  ...COMPARISON_OPERATORS,
  ...LOGIC_OPERATORS,
  ...STRING_OPERATORS,
]) {
  registerScalar(def);
}
