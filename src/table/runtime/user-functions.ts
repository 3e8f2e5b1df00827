/**
 * User-defined table and aggregate functions at run time: the registry the planner looks them
 * up in (process-wide, as the scalar function registry is, under the session-unique internal
 * names the session's binder resolves SQL names to) and the adapters that run them —
 * a table function's emitted items become rows of its declared columns, and a user aggregate
 * becomes a {@link SqlAggFunction}, so group aggregations and OVER windows run it like a
 * built-in. The public classes and their registration are in `api/user-table-functions.ts`.
 */
import { isInternalFunctionName, sqlFunctionName } from "../expr/operators.ts";
import type { LogicalType } from "../types/logical-type.ts";
import type { SqlAggFunction } from "./aggregates.ts";
import { TableRuntimeError } from "./errors.ts";

/** A declared column of a table function's result. */
export interface UserColumn {
  readonly name: string;
  readonly type: LogicalType;
}

/** The checked arguments of a user function: exact types when declared, else a minimum count. */
export interface UserArguments {
  /** Declared argument types (arguments are cast to them), or undefined. */
  readonly types?: readonly LogicalType[];
  /** Fewest arguments (the required parameters of `eval` / `accumulate`). */
  readonly min: number;
}

/** A registered table function. */
export interface UserTableFunctionDef {
  /** Upper-case name. */
  readonly name: string;
  /** Its result columns. */
  readonly columns: readonly UserColumn[];
  /** Calls `eval` with one call's arguments; returns the emitted items (see {@link rowOfItem}). */
  readonly invoke: (args: readonly unknown[]) => Iterable<unknown>;
  /** Argument checks. */
  readonly args: UserArguments;
}

/** The methods of a user aggregate (Flink's AggregateFunction). */
export interface UserAggregateMethods {
  createAccumulator(): unknown;
  accumulate(acc: unknown, ...args: unknown[]): unknown;
  retract?(acc: unknown, ...args: unknown[]): unknown;
  merge?(acc: unknown, others: Iterable<unknown>): unknown;
  getValue(acc: unknown): unknown;
}

/** A registered aggregate function. */
export interface UserAggregateDef {
  /** Upper-case name. */
  readonly name: string;
  /** The SQL type of its result. */
  readonly resultType: LogicalType;
  /** The declared accumulator type, if any (documentation: accumulators are plain data). */
  readonly accumulatorType?: LogicalType;
  /** The implementation (its methods are called with it as `this`). */
  readonly impl: UserAggregateMethods;
  /** Argument checks. */
  readonly args: UserArguments;
}

const TABLE_FUNCTIONS = new Map<string, UserTableFunctionDef>();
const AGGREGATES = new Map<string, UserAggregateDef>();

/** Registers (or replaces) a table function; the name is dropped from the aggregates. */
export function registerUserTableFunction(def: UserTableFunctionDef): void {
  AGGREGATES.delete(def.name);
  TABLE_FUNCTIONS.set(def.name, def);
}

/** Registers (or replaces) an aggregate function; the name is dropped from the table functions. */
export function registerUserAggregate(def: UserAggregateDef): void {
  TABLE_FUNCTIONS.delete(def.name);
  AGGREGATES.set(def.name, def);
}

/** The table function registered as `name` (case-insensitive), or undefined. */
export function lookupUserTableFunction(name: string): UserTableFunctionDef | undefined {
  return TABLE_FUNCTIONS.get(name.toUpperCase());
}

/** The aggregate function registered as `name` (case-insensitive), or undefined. */
export function lookupUserAggregate(name: string): UserAggregateDef | undefined {
  return AGGREGATES.get(name.toUpperCase());
}

/** Removes the user table / aggregate function `name`, if any. */
export function unregisterUserFunction(name: string): void {
  TABLE_FUNCTIONS.delete(name.toUpperCase());
  AGGREGATES.delete(name.toUpperCase());
}

/** The names of the registered table and aggregate functions, sorted (not session ones). */
export function userTableAndAggregateNames(): string[] {
  return [...TABLE_FUNCTIONS.keys(), ...AGGREGATES.keys()]
    .filter((n) => !isInternalFunctionName(n))
    .sort();
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * The field values of one item a table function emitted: an array is positional, a plain
 * object is read by column name, any other value is the only column's value. Missing and
 * `undefined` values are NULL.
 */
export function rowOfItem(def: UserTableFunctionDef, item: unknown): unknown[] {
  const cols = def.columns;
  const out = new Array<unknown>(cols.length);
  if (Array.isArray(item)) {
    if (item.length > cols.length) {
      throw new TableRuntimeError(
        `Table function ${sqlFunctionName(def.name)} emitted a row of ${item.length} values, but declares ${cols.length} columns`,
      );
    }
    for (let i = 0; i < cols.length; i++) out[i] = item[i] ?? null;
    return out;
  }
  if (isPlainObject(item)) {
    for (let i = 0; i < cols.length; i++) out[i] = item[cols[i]!.name] ?? null;
    return out;
  }
  if (cols.length !== 1) {
    throw new TableRuntimeError(
      `Table function ${sqlFunctionName(def.name)} emitted a single value, but declares ${cols.length} columns: emit an array or an object`,
    );
  }
  out[0] = item ?? null;
  return out;
}

/**
 * A user aggregate as a {@link SqlAggFunction}. Its arguments arrive packed in one array (the
 * planner builds it with ROW_VALUE), or as `undefined` when it takes none; `accumulate` and
 * `retract` may change the accumulator in place (returning nothing) or return a new one.
 */
export function userAggFunction(def: UserAggregateDef): SqlAggFunction {
  const impl = def.impl;
  const spread = (v: unknown): unknown[] => (v === undefined ? [] : (v as unknown[]));
  const retract = impl.retract;
  return {
    name: def.name,
    retractable: typeof retract === "function",
    createAccumulator: () => impl.createAccumulator(),
    accumulate(acc, v) {
      const r = impl.accumulate(acc, ...spread(v));
      return r === undefined ? acc : r;
    },
    retract(acc, v) {
      if (typeof retract !== "function") {
        throw new TableRuntimeError(
          `Aggregate function ${sqlFunctionName(def.name)} has no retract() method, but its input retracts rows: implement retract(acc, ...args)`,
        );
      }
      const r = retract.call(impl, acc, ...spread(v));
      return r === undefined ? acc : r;
    },
    getValue(acc) {
      const r = impl.getValue(acc);
      return r === undefined ? null : r;
    },
  };
}
