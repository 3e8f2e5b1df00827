/**
 * Strom's SQL type system and runtime values, with Flink's semantics: logical types and their
 * rules (casts, supertypes, arithmetic result types), the value classes (`Decimal`, `Timestamp`)
 * and helpers (BIGINT math, date/time text, CAST, comparison, keys, formatting).
 */
export * from "./logical-type.ts";
export * from "./type-families.ts";
export * from "./type-print.ts";
export * from "./time-attributes.ts";
export * from "./type-parse.ts";
export * from "./type-rules.ts";
export * from "./errors.ts";
export * from "./bigint-math.ts";
export * from "./decimal.ts";
export * from "./timestamp.ts";
export * from "./datetime.ts";
export * from "./time-zone.ts";
export * from "./temporal.ts";
export * from "./number-text.ts";
export * from "./values.ts";
export * from "./format.ts";
export * from "./compare.ts";
export {
  castFunction,
  castValue,
  tryCastFunction,
  tryCastValue,
  type CastFunction,
  type CastOptions,
} from "./cast.ts";
