/**
 * Flink's cast matrices: which types convert to which, implicitly (safe widening, used for type
 * generalization) and explicitly (`CAST(x AS t)`).
 *
 * Implicit casts follow Flink's `LogicalTypeCasts` (1.19): integral types widen
 * TINYINT → SMALLINT → INT → BIGINT, every numeric type widens to DECIMAL and DOUBLE (Flink's
 * rule table allows even DOUBLE → DECIMAL; the supertype rules then prefer DOUBLE), FLOAT takes
 * integral types and DECIMAL, CHAR → VARCHAR, BINARY → VARBINARY, TIMESTAMP → DATE / TIME,
 * TIMESTAMP ↔ TIMESTAMP_LTZ, and NULL converts to anything. A nullable type never converts
 * implicitly to a NOT NULL type.
 *
 * Explicit casts follow the runtime matrix of Flink's documentation ("Casting", Flink ≥ 1.15):
 * every type casts to CHAR/VARCHAR/STRING; strings cast to every predefined type except
 * intervals; BOOLEAN ↔ integral numbers and BOOLEAN → DECIMAL/FLOAT/DOUBLE; numbers among
 * themselves; DATE/TIME/TIMESTAMP/TIMESTAMP_LTZ among themselves except DATE ↔ TIME; INT ↔
 * single-field year-month intervals and BIGINT ↔ single-field day-time intervals; constructed
 * types to the same constructor when their children cast. Numbers never cast to or from
 * timestamps: Flink rejects that and points to TO_TIMESTAMP_LTZ / UNIX_TIMESTAMP instead.
 */
import { childTypes, typesEqual } from "./logical-type.ts";
import type { LogicalType, LogicalTypeKind } from "./logical-type.ts";
import {
  hasFamily,
  isCharacterString,
  isConstructed,
  isIntegral,
  isInterval,
  isNumeric,
  isSingleFieldInterval,
} from "./type-families.ts";

type KindSet = ReadonlySet<LogicalTypeKind>;
const set = (...kinds: LogicalTypeKind[]): KindSet => new Set(kinds);

const INTEGRAL = ["TINYINT", "SMALLINT", "INT", "BIGINT"] as const;
const NUMERIC = [...INTEGRAL, "DECIMAL", "FLOAT", "DOUBLE"] as const;
const CHARS = ["CHAR", "VARCHAR"] as const;
const BINARIES = ["BINARY", "VARBINARY"] as const;
const TEMPORAL = ["DATE", "TIME", "TIMESTAMP", "TIMESTAMP_LTZ"] as const;

/** Target kind → source kinds that convert implicitly (besides identity and NULL). */
const IMPLICIT: Partial<Record<LogicalTypeKind, KindSet>> = {
  CHAR: set("CHAR"),
  VARCHAR: set(...CHARS),
  BOOLEAN: set("BOOLEAN"),
  BINARY: set("BINARY"),
  VARBINARY: set(...BINARIES),
  DECIMAL: set(...NUMERIC),
  TINYINT: set("TINYINT"),
  SMALLINT: set("TINYINT", "SMALLINT"),
  INT: set("TINYINT", "SMALLINT", "INT"),
  BIGINT: set(...INTEGRAL),
  FLOAT: set(...INTEGRAL, "FLOAT", "DECIMAL"),
  DOUBLE: set(...NUMERIC),
  DATE: set("DATE", "TIMESTAMP"),
  TIME: set("TIME", "TIMESTAMP"),
  TIMESTAMP: set("TIMESTAMP", "TIMESTAMP_LTZ"),
  TIMESTAMP_LTZ: set("TIMESTAMP_LTZ", "TIMESTAMP"),
  INTERVAL_YEAR_MONTH: set("INTERVAL_YEAR_MONTH"),
  INTERVAL_DAY_TIME: set("INTERVAL_DAY_TIME"),
};

const PREDEFINED_ALL: LogicalTypeKind[] = [
  "BOOLEAN",
  ...NUMERIC,
  ...CHARS,
  ...BINARIES,
  ...TEMPORAL,
  "INTERVAL_YEAR_MONTH",
  "INTERVAL_DAY_TIME",
];

/** Target kind → source kinds that convert with an explicit CAST (on top of IMPLICIT). */
const EXPLICIT: Partial<Record<LogicalTypeKind, KindSet>> = {
  CHAR: set(...PREDEFINED_ALL, "ARRAY", "MULTISET", "MAP", "ROW"),
  VARCHAR: set(...PREDEFINED_ALL, "ARRAY", "MULTISET", "MAP", "ROW"),
  BINARY: set(...CHARS, ...BINARIES),
  VARBINARY: set(...CHARS, ...BINARIES),
  BOOLEAN: set(...CHARS, ...INTEGRAL),
  DECIMAL: set(...CHARS, "BOOLEAN"),
  TINYINT: set(...CHARS, "BOOLEAN", ...NUMERIC),
  SMALLINT: set(...CHARS, "BOOLEAN", ...NUMERIC),
  INT: set(...CHARS, "BOOLEAN", ...NUMERIC),
  BIGINT: set(...CHARS, "BOOLEAN", ...NUMERIC),
  FLOAT: set(...CHARS, "BOOLEAN", ...NUMERIC),
  DOUBLE: set(...CHARS, "BOOLEAN", ...NUMERIC),
  DATE: set(...CHARS, "TIMESTAMP", "TIMESTAMP_LTZ"),
  TIME: set(...CHARS, "TIMESTAMP", "TIMESTAMP_LTZ"),
  TIMESTAMP: set(...CHARS, ...TEMPORAL),
  TIMESTAMP_LTZ: set(...CHARS, ...TEMPORAL),
};

function supportsCasting(source: LogicalType, target: LogicalType, explicit: boolean): boolean {
  // A nullable value cannot be stored in a NOT NULL type implicitly; an explicit CAST may
  // assert it (Flink 1.19 allows it, the value check happens at run time).
  if (source.nullable && !target.nullable && !explicit) return false;
  if (typesEqual(source, target, true)) return true;
  if (source.kind === "NULL") return true;
  if (target.kind === "NULL") return false;
  // Intervals and exact numbers: only single-field intervals, and (per Flink's documented matrix)
  // INT for year-month intervals and BIGINT for day-time intervals; never implicitly.
  if (isInterval(source) && hasFamily(target, "EXACT_NUMERIC")) {
    return explicit && isSingleFieldInterval(source) && intervalNumberKind(source) === target.kind;
  }
  if (hasFamily(source, "EXACT_NUMERIC") && isInterval(target)) {
    return explicit && isSingleFieldInterval(target) && intervalNumberKind(target) === source.kind;
  }
  if (isConstructed(source) && isConstructed(target)) {
    if (source.kind !== target.kind) return false;
    const s = childTypes(source);
    const t = childTypes(target);
    if (s.length !== t.length) return false;
    for (let i = 0; i < s.length; i++) {
      if (!supportsCasting(s[i]!, t[i]!, explicit)) return false;
    }
    return true;
  }
  if (IMPLICIT[target.kind]?.has(source.kind)) return true;
  if (!explicit) return false;
  if (isCharacterString(target) && isConstructed(source)) {
    // ARRAY/MAP/ROW print as strings when all their children do (always, here).
    return true;
  }
  return EXPLICIT[target.kind]?.has(source.kind) ?? false;
}

/** The exact-numeric kind a single-field interval casts to and from. */
function intervalNumberKind(type: LogicalType): LogicalTypeKind {
  return type.kind === "INTERVAL_YEAR_MONTH" ? "INT" : "BIGINT";
}

/**
 * Whether `source` converts to `target` without loss of information (Flink's
 * `supportsImplicitCast`): used for type widening and for finding common supertypes.
 */
export function supportsImplicitCast(source: LogicalType, target: LogicalType): boolean {
  return supportsCasting(source, target, false);
}

/** Whether `CAST(x AS target)` is valid for an `x` of type `source` (Flink's runtime matrix). */
export function supportsExplicitCast(source: LogicalType, target: LogicalType): boolean {
  return supportsCasting(source, target, true);
}

/**
 * Whether a value of `source` can be used as a value of `target` without any conversion:
 * equal types (NOT NULL fits into nullable), a string type contained in a longer VARCHAR
 * (`CHAR(2)` in `VARCHAR(3)`, not `VARCHAR(2)` in `CHAR(3)`), the same for binary strings, and
 * constructed types of the same kind whose children qualify (field names ignored).
 */
export function supportsAvoidingCast(source: LogicalType, target: LogicalType): boolean {
  if (source.nullable && !target.nullable) return false;
  if (typesEqual(source, target, true)) return true;
  if (source.kind === "NULL") return target.nullable;
  const sk = source.kind;
  const tk = target.kind;
  if ((sk === "CHAR" || sk === "VARCHAR") && tk === "VARCHAR")
    return source.length <= target.length;
  if ((sk === "BINARY" || sk === "VARBINARY") && tk === "VARBINARY")
    return source.length <= target.length;
  if (isConstructed(source) && sk === tk) {
    const s = childTypes(source);
    const t = childTypes(target);
    return s.length === t.length && s.every((c, i) => supportsAvoidingCast(c, t[i]!));
  }
  return false;
}

/** Whether a CAST between the two types can fail at run time for some input values. */
export function castCanFail(source: LogicalType, target: LogicalType): boolean {
  if (source.kind === "NULL" || typesEqual(source, target, true)) return false;
  if (
    isCharacterString(source) &&
    !isCharacterString(target) &&
    !hasFamily(target, "BINARY_STRING")
  ) {
    return true;
  }
  if (isConstructed(source) && isConstructed(target)) {
    const s = childTypes(source);
    const t = childTypes(target);
    return s.some((c, i) => castCanFail(c, t[i]!));
  }
  // Narrowing numbers wraps or saturates instead of failing, as Java casts do; DECIMAL targets
  // give NULL on overflow. Non-finite DOUBLE/FLOAT values have no DECIMAL representation.
  return (
    isNumeric(source) &&
    target.kind === "DECIMAL" &&
    !isIntegral(source) &&
    source.kind !== "DECIMAL"
  );
}
