/**
 * User-defined table functions (`LATERAL TABLE(f(x))`) and aggregate functions written in
 * TypeScript, as in Flink, and the one registration path of every kind of user function (the
 * API's `createTemporarySystemFunction` and `CREATE FUNCTION`). The kind of a function is its
 * `kind` field when it has one (`"scalar"`, `"table"`, `"aggregate"`), else its class
 * ({@link TableFunction}, {@link AggregateFunction}, ScalarFunction), else its shape: an object
 * with `createAccumulator`, `accumulate` and `getValue` is an aggregate, one whose `eval` is a
 * generator function (`*eval(...)`) a table function, anything else a scalar function.
 */
import { lookupScalar, newInternalFunctionName } from "../expr/operators.ts";
import { AGGREGATE_FUNCTIONS } from "../planner/bind-expr.ts";
import {
  registerUserAggregate,
  registerUserTableFunction,
  type UserAggregateMethods,
  type UserArguments,
  type UserColumn,
} from "../runtime/user-functions.ts";
import { parseType } from "../types/type-parse.ts";
import { withNullability, type LogicalType } from "../types/index.ts";
import { TableEnvironmentError } from "./errors.ts";
import {
  registerUserScalarFunction,
  ScalarFunction,
  type ScalarFunctionOptions,
} from "./user-functions.ts";

const SINK = Symbol("table function sink");

/**
 * A table function: `eval(...args)` emits zero or more rows for one call, either by returning
 * (or yielding, with `*eval`) an iterable of rows, or by calling {@link collect}. A row is an
 * array (positional), an object keyed by column name, or — with one column — the value itself.
 */
export abstract class TableFunction<T = unknown> {
  private [SINK]: T[] | null = null;

  /** Emits `row` from inside `eval`. */
  protected collect(row: T): void {
    const sink = this[SINK];
    if (sink === null) throw new TableEnvironmentError("collect() is only valid inside eval()");
    sink.push(row);
  }

  /** Computes the rows of one call. */
  abstract eval(...args: any[]): Iterable<T> | void;
}

/**
 * An aggregate function (Flink's AggregateFunction). The accumulator is plain data (numbers,
 * strings, bigints, arrays, plain objects, Maps, Sets), because it is kept in keyed state and
 * checkpointed. `accumulate` changes it in place or returns a new one. Optional methods, found
 * by name: `retract(acc, ...args)` removes a row added before (needed when the input retracts
 * rows: a streaming aggregation over an update stream), `merge(acc, others)` (kept for Flink
 * compatibility; no operator merges accumulators yet).
 */
export abstract class AggregateFunction<T = unknown, ACC = unknown> {
  /** A new, empty accumulator. */
  abstract createAccumulator(): ACC;
  /** Adds one row's arguments. */
  abstract accumulate(acc: ACC, ...args: any[]): ACC | void;
  /** The result of an accumulator (a fresh value, not a part of it that later changes). */
  abstract getValue(acc: ACC): T;
}

/** How a table or aggregate function is declared (these may also be fields of the function). */
export interface UserFunctionOptions extends Partial<ScalarFunctionOptions> {
  /** Scalar: the result type. Table: `ROW<a STRING, b INT>` (or one type: one column `f0`). */
  readonly resultType?: string | LogicalType;
  /** The SQL types of the arguments: the arity is then exact and arguments are cast to them. */
  readonly argumentTypes?: readonly (string | LogicalType)[];
  /** Aggregates: the type of the accumulator (documentation; it must be plain data). */
  readonly accumulatorType?: string | LogicalType;
  /** The kind, when not recognised from the function's class or shape. */
  readonly kind?: UserFunctionKind;
}

/** The kinds of user function. */
export type UserFunctionKind = "scalar" | "table" | "aggregate";

/** A function value accepted by {@link registerUserFunction}. */
export type UserFunction =
  | ScalarFunction
  | TableFunction
  | AggregateFunction
  | ((...args: any[]) => unknown)
  | (new () => unknown)
  | object;

const AGG_METHODS = ["createAccumulator", "accumulate", "getValue"] as const;
const WINDOW_TVFS = new Set(["TUMBLE", "HOP", "CUMULATE", "SESSION"]);

function isClass(v: unknown): v is new () => unknown {
  return typeof v === "function" && /^class[\s{]/.test(Function.prototype.toString.call(v));
}

function isGenerator(f: unknown): boolean {
  return typeof f === "function" && f.constructor?.name === "GeneratorFunction";
}

function field<V>(o: unknown, cls: unknown, name: string): V | undefined {
  const own = (o as Record<string, unknown> | null)?.[name];
  if (own !== undefined) return own as V;
  return (cls as Record<string, unknown> | null)?.[name] as V | undefined;
}

/** The kind of `fn` (see the module comment); throws naming a missing aggregate method. */
export function userFunctionKind(
  fn: unknown,
  name: string,
  declared?: UserFunctionKind,
): UserFunctionKind {
  const kind = declared ?? field<UserFunctionKind>(fn, null, "kind");
  if (kind !== undefined && kind !== "scalar" && kind !== "table" && kind !== "aggregate") {
    throw new TableEnvironmentError(
      `Function ${name} has kind '${String(kind)}': use 'scalar', 'table' or 'aggregate'`,
    );
  }
  const o = fn as Record<string, unknown>;
  const aggLike = AGG_METHODS.some((m) => typeof o?.[m] === "function");
  const found =
    kind ??
    (fn instanceof TableFunction
      ? "table"
      : fn instanceof AggregateFunction || aggLike
        ? "aggregate"
        : fn instanceof ScalarFunction || typeof fn === "function"
          ? "scalar"
          : isGenerator(o?.["eval"])
            ? "table"
            : "scalar");
  const needed = found === "aggregate" ? AGG_METHODS : found === "table" ? ["eval"] : [];
  for (const m of needed) {
    if (typeof o?.[m] !== "function") {
      throw new TableEnvironmentError(`${capital(found)} function ${name} has no ${m}() method`);
    }
  }
  if (found === "scalar" && typeof fn !== "function" && typeof o?.["eval"] !== "function") {
    throw new TableEnvironmentError(`Scalar function ${name} has no eval() method`);
  }
  return found;
}

function capital(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}

function typeOf(t: string | LogicalType, what: string, name: string): LogicalType {
  if (typeof t !== "string") return t;
  try {
    return parseType(t);
  } catch (e) {
    throw new TableEnvironmentError(
      `Function ${name} declares an invalid ${what} '${t}': ${(e as Error).message}`,
      { cause: e },
    );
  }
}

function argumentsOf(
  method: unknown,
  skip: number,
  declared: readonly (string | LogicalType)[] | undefined,
  name: string,
): UserArguments {
  if (declared === undefined) {
    return { min: Math.max(0, ((method as (...a: unknown[]) => unknown).length ?? 0) - skip) };
  }
  const types = declared.map((t) => withNullability(typeOf(t, "argument type", name), true));
  return { types, min: types.length };
}

/** A user function registered by {@link registerUserFunction}. */
export interface RegisteredUserFunction {
  /** Its kind. */
  readonly kind: UserFunctionKind;
  /** The process-unique registry name its session's binder resolves its SQL name to. */
  readonly internal: string;
}

/** Whether `name` (upper case) is a built-in function's, which user functions cannot take. */
export function isBuiltinFunctionName(name: string): boolean {
  return lookupScalar(name) !== undefined || AGGREGATE_FUNCTIONS.has(name) || WINDOW_TVFS.has(name);
}

/**
 * Registers `fn` as user function `name` of the kind it declares or has (see the module
 * comment) under a new internal name (see `newInternalFunctionName`), which only the session
 * that maps `name` to it can call; a class is instantiated with `new`. Declarations in
 * `options` override the function's own fields. Throws a {@link TableEnvironmentError} naming
 * the function when a declaration or a method is missing or invalid, or the name is a built-in
 * function's.
 */
export function registerUserFunction(
  name: string,
  fn: UserFunction,
  options: UserFunctionOptions | undefined,
): RegisteredUserFunction {
  const upper = name.toUpperCase();
  if (!/^[A-Z_][A-Z0-9_]*$/.test(upper)) {
    throw new TableEnvironmentError(`Invalid function name '${name}': use letters, digits and _`);
  }
  const builtin = isBuiltinFunctionName(upper);
  if (builtin) {
    throw new TableEnvironmentError(
      `Function ${upper} is a built-in function: choose another name`,
    );
  }
  const instance = isClass(fn) ? new fn() : fn;
  const cls = isClass(fn) ? fn : null;
  const kind = userFunctionKind(instance, upper, options?.kind ?? field(cls, null, "kind"));
  const resultType =
    options?.resultType ?? field<string | LogicalType>(instance, cls, "resultType");
  if (
    resultType === undefined ||
    (typeof resultType !== "string" && typeof resultType !== "object")
  ) {
    throw new TableEnvironmentError(
      `Function ${upper} declares no result type: give it a 'resultType' such as ${kind === "table" ? "'ROW<word STRING, length INT>'" : "'STRING'"}`,
    );
  }
  const argTypes =
    options?.argumentTypes ??
    field<readonly (string | LogicalType)[]>(instance, cls, "argumentTypes");
  const internal = newInternalFunctionName(upper);
  if (kind === "scalar") {
    const scalar =
      typeof instance === "function"
        ? (instance as (...a: unknown[]) => unknown)
        : (instance as ScalarFunction);
    const handlesNulls = options?.handlesNulls ?? field<boolean>(instance, cls, "handlesNulls");
    const deterministic = options?.deterministic ?? field<boolean>(instance, cls, "deterministic");
    registerUserScalarFunction(internal, scalar, {
      resultType,
      ...(handlesNulls !== undefined ? { handlesNulls } : {}),
      ...(deterministic !== undefined ? { deterministic } : {}),
    });
    return { kind, internal };
  }
  const result = typeOf(resultType, "result type", upper);
  if (kind === "table") {
    const target = instance as { eval: (...a: unknown[]) => unknown };
    const columns: UserColumn[] =
      result.kind === "ROW"
        ? result.fields.map((f) => ({ name: f.name, type: withNullability(f.type, true) }))
        : [{ name: "f0", type: withNullability(result, true) }];
    registerUserTableFunction({
      name: internal,
      columns,
      args: argumentsOf(target.eval, 0, argTypes, upper),
      invoke: (args) => invokeTable(target, args),
    });
  } else {
    const impl = instance as UserAggregateMethods;
    const accType =
      options?.accumulatorType ?? field<string | LogicalType>(instance, cls, "accumulatorType");
    registerUserAggregate({
      name: internal,
      resultType: withNullability(result, true),
      ...(accType !== undefined
        ? { accumulatorType: typeOf(accType, "accumulator type", upper) }
        : {}),
      impl,
      args: argumentsOf(impl.accumulate, 1, argTypes, upper),
    });
  }
  return { kind, internal };
}

/** Runs a table function's `eval`: the items it collected, then those it returned. */
function invokeTable(
  target: { eval: (...a: unknown[]) => unknown },
  args: readonly unknown[],
): Iterable<unknown> {
  const collecting = target instanceof TableFunction;
  const sink: unknown[] = [];
  const slot = target as unknown as { [SINK]: unknown[] | null };
  if (collecting) slot[SINK] = sink;
  let returned: unknown;
  try {
    returned = target.eval(...args);
    if (returned !== undefined && returned !== null) {
      const it = returned as Iterable<unknown>;
      if (typeof it[Symbol.iterator] !== "function") {
        throw new TableEnvironmentError(
          "a table function's eval() must return an iterable (or nothing, having called collect())",
        );
      }
      for (const item of it) sink.push(item);
    }
  } finally {
    if (collecting) slot[SINK] = null;
  }
  return sink;
}
