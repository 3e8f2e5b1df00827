/**
 * Lookup sources (Flink's `LookupTableSource`), the right side of a processing-time temporal
 * join (`JOIN t FOR SYSTEM_TIME AS OF o.proc ON o.k = t.k`): instead of being scanned, the table
 * is asked, per left row, for its rows whose key columns equal the row's values.
 *
 * For connector authors: a {@link DynamicTableFactory} with `createLookup(ctx)` supports lookup
 * joins. `ctx.keys` lists the physical column indexes the join looks rows up by (in the order of
 * the values `lookup` receives); the returned {@link LookupFunction} is created once per parallel
 * subtask and answers `lookup(values)` with the matching rows (physical fields, without row
 * kind), synchronously or as a promise (`lookup.async` = true runs the promises concurrently,
 * keeping the input order). Caching is not the connector's business: with the table options
 * below (declare {@link LOOKUP_OPTIONS} among the factory's optional options) the join operator
 * keeps a partial cache of recent lookups.
 *
 * - `lookup.cache`: `NONE` (default) or `PARTIAL`;
 * - `lookup.partial-cache.max-rows`: the most keys cached (least recently used evicted first);
 * - `lookup.partial-cache.expire-after-write`: how long a cached answer is used (processing
 *   time: the job's injected clock);
 * - `lookup.partial-cache.cache-missing-key`: whether an empty answer is cached (default true);
 * - `lookup.async`: run lookups that return promises concurrently (default false: one at a time).
 */
import type { TableContext } from "./factory.ts";
import { booleanOption, durationOption, enumOption, intOption } from "./options.ts";

/** `lookup.cache`: NONE or PARTIAL. */
export const LOOKUP_CACHE = enumOption(
  "lookup.cache",
  ["NONE", "PARTIAL"],
  "Cache of lookup joins: NONE or PARTIAL.",
  "NONE",
);
/** `lookup.partial-cache.max-rows`. */
export const LOOKUP_MAX_ROWS = intOption(
  "lookup.partial-cache.max-rows",
  "Most keys kept in the partial lookup cache (least recently used evicted).",
);
/** `lookup.partial-cache.expire-after-write`. */
export const LOOKUP_EXPIRE_AFTER_WRITE = durationOption(
  "lookup.partial-cache.expire-after-write",
  "How long a cached lookup answer is used after it was read.",
);
/** `lookup.partial-cache.cache-missing-key`. */
export const LOOKUP_CACHE_MISSING = booleanOption(
  "lookup.partial-cache.cache-missing-key",
  "Whether a key without rows is cached too.",
  true,
);
/** `lookup.async`. */
export const LOOKUP_ASYNC = booleanOption(
  "lookup.async",
  "Run asynchronous lookups concurrently (the input order is kept).",
  false,
);

/** The lookup options, for a factory's `optionalOptions`. */
export const LOOKUP_OPTIONS = [
  LOOKUP_CACHE,
  LOOKUP_MAX_ROWS,
  LOOKUP_EXPIRE_AFTER_WRITE,
  LOOKUP_CACHE_MISSING,
  LOOKUP_ASYNC,
] as const;

/** Rows of a lookup answer: each the table's physical fields, without a row kind. */
export type LookupRows = readonly (readonly unknown[])[];

/** Answers lookups by key (one instance per parallel subtask). */
export interface LookupFunction {
  /** The rows whose key columns equal `key` (in the order of `LookupContext.keys`). */
  lookup(key: readonly unknown[]): LookupRows | Promise<LookupRows>;
  /** Releases resources when the job ends. */
  close?(): void;
}

/** What a lookup source is created with. */
export interface LookupContext extends TableContext {
  /** Physical column indexes the join looks rows up by. */
  readonly keys: readonly number[];
}

/** What a lookup function is created with. */
export interface LookupFunctionContext {
  /** The job's processing-time clock (epoch ms; injected in tests), e.g. to reload data. */
  now(): number;
}

/** A lookup source: creates the function each subtask looks rows up with. */
export interface LookupTableSource {
  /** Creates a lookup function (called once per subtask, when it opens). */
  createFunction(context: LookupFunctionContext): LookupFunction;
}

/** The cache settings of a lookup join (from the table's options). */
export interface LookupCacheSettings {
  /** Whether answers are cached. */
  readonly partial: boolean;
  /** Most keys cached. */
  readonly maxRows: number;
  /** How long an answer is used, ms. */
  readonly expireAfterWrite: number;
  /** Whether empty answers are cached. */
  readonly cacheMissingKey: boolean;
  /** Whether promises run concurrently. */
  readonly async: boolean;
}

/** The lookup cache settings of a table (its validated options). */
export function lookupCacheSettings(ctx: TableContext): LookupCacheSettings {
  const o = ctx.options;
  return {
    partial: o.get(LOOKUP_CACHE) === "PARTIAL",
    maxRows: o.get(LOOKUP_MAX_ROWS) ?? Number.MAX_SAFE_INTEGER,
    expireAfterWrite: o.get(LOOKUP_EXPIRE_AFTER_WRITE) ?? Number.POSITIVE_INFINITY,
    cacheMissingKey: o.get(LOOKUP_CACHE_MISSING) ?? true,
    async: o.get(LOOKUP_ASYNC) ?? false,
  };
}
