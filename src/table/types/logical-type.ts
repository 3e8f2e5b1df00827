/**
 * The logical type model of Strom's SQL layer, with Flink's semantics: a discriminated union on
 * `kind`, immutable plain data (so types can live in plans, be compared structurally and be
 * serialized), constructors with Flink's defaults, parameter validation and nullability helpers.
 *
 * Printing lives in `type-print.ts`, families in `type-families.ts`, the typing rules in
 * `type-rules.ts`, a small type-string parser in `type-parse.ts`.
 */

/** Every kind of logical type (Flink's `LogicalTypeRoot`, minus RAW, structured and distinct). */
export type LogicalTypeKind =
  | "BOOLEAN"
  | "TINYINT"
  | "SMALLINT"
  | "INT"
  | "BIGINT"
  | "DECIMAL"
  | "FLOAT"
  | "DOUBLE"
  | "CHAR"
  | "VARCHAR"
  | "BINARY"
  | "VARBINARY"
  | "DATE"
  | "TIME"
  | "TIMESTAMP"
  | "TIMESTAMP_LTZ"
  | "INTERVAL_YEAR_MONTH"
  | "INTERVAL_DAY_TIME"
  | "ARRAY"
  | "MULTISET"
  | "MAP"
  | "ROW"
  | "NULL";

/** A type without parameters. */
export interface SimpleType {
  /** The kind. */
  readonly kind:
    "BOOLEAN" | "TINYINT" | "SMALLINT" | "INT" | "BIGINT" | "FLOAT" | "DOUBLE" | "DATE";
  /** Whether NULL is a value of the type. */
  readonly nullable: boolean;
}

/** The type of the untyped NULL literal; always nullable. */
export interface NullType {
  /** The kind. */
  readonly kind: "NULL";
  /** Always true. */
  readonly nullable: boolean;
}

/** `DECIMAL(precision, scale)`: exact numbers with `precision` digits, `scale` after the point. */
export interface DecimalType {
  /** The kind. */
  readonly kind: "DECIMAL";
  /** Whether NULL is a value of the type. */
  readonly nullable: boolean;
  /** Number of digits, 1..38. */
  readonly precision: number;
  /** Digits after the decimal point, 0..precision. */
  readonly scale: number;
}

/** `CHAR(n)` / `VARCHAR(n)` (`STRING` is `VARCHAR(2147483647)`); lengths count code points. */
export interface CharacterType {
  /** The kind. */
  readonly kind: "CHAR" | "VARCHAR";
  /** Whether NULL is a value of the type. */
  readonly nullable: boolean;
  /** Fixed (CHAR) or maximum (VARCHAR) length, 1..2147483647. */
  readonly length: number;
}

/** `BINARY(n)` / `VARBINARY(n)` (`BYTES` is `VARBINARY(2147483647)`); lengths count bytes. */
export interface BinaryType {
  /** The kind. */
  readonly kind: "BINARY" | "VARBINARY";
  /** Whether NULL is a value of the type. */
  readonly nullable: boolean;
  /** Fixed (BINARY) or maximum (VARBINARY) length, 1..2147483647. */
  readonly length: number;
}

/** `TIME(p)`: a time of day without zone, `p` fractional second digits. */
export interface TimeType {
  /** The kind. */
  readonly kind: "TIME";
  /** Whether NULL is a value of the type. */
  readonly nullable: boolean;
  /** Fractional second digits, 0..9 (default 0). */
  readonly precision: number;
}

/** `TIMESTAMP(p)` (a local date-time) or `TIMESTAMP_LTZ(p)` (an instant). */
export interface TimestampType {
  /** The kind. */
  readonly kind: "TIMESTAMP" | "TIMESTAMP_LTZ";
  /** Whether NULL is a value of the type. */
  readonly nullable: boolean;
  /** Fractional second digits, 0..9 (default 6). */
  readonly precision: number;
  /**
   * A time attribute (see `time-attributes.ts`): the column's values are the event time of the
   * rows (`ROWTIME`, with watermarks) or the processing time (`PROCTIME`). Absent: a plain value.
   */
  readonly timeAttr?: "ROWTIME" | "PROCTIME";
}

/** Resolutions of the year-month interval family. */
export type YearMonthResolution = "YEAR" | "YEAR_TO_MONTH" | "MONTH";

/** Resolutions of the day-time interval family. */
export type DayTimeResolution =
  | "DAY"
  | "DAY_TO_HOUR"
  | "DAY_TO_MINUTE"
  | "DAY_TO_SECOND"
  | "HOUR"
  | "HOUR_TO_MINUTE"
  | "HOUR_TO_SECOND"
  | "MINUTE"
  | "MINUTE_TO_SECOND"
  | "SECOND";

/** `INTERVAL YEAR(p) TO MONTH` and friends; values are a number of months. */
export interface YearMonthIntervalType {
  /** The kind. */
  readonly kind: "INTERVAL_YEAR_MONTH";
  /** Whether NULL is a value of the type. */
  readonly nullable: boolean;
  /** Which fields the interval has. */
  readonly resolution: YearMonthResolution;
  /** Digits of years, 1..4 (default 2). */
  readonly yearPrecision: number;
}

/** `INTERVAL DAY(p1) TO SECOND(p2)` and friends; values are a number of milliseconds. */
export interface DayTimeIntervalType {
  /** The kind. */
  readonly kind: "INTERVAL_DAY_TIME";
  /** Whether NULL is a value of the type. */
  readonly nullable: boolean;
  /** Which fields the interval has. */
  readonly resolution: DayTimeResolution;
  /** Digits of days, 1..6 (default 2). */
  readonly dayPrecision: number;
  /** Fractional second digits, 0..9 (default 6). */
  readonly fractionalPrecision: number;
}

/** `ARRAY<t>` or `MULTISET<t>`. */
export interface CollectionType {
  /** The kind. */
  readonly kind: "ARRAY" | "MULTISET";
  /** Whether NULL is a value of the type. */
  readonly nullable: boolean;
  /** The element type. */
  readonly element: LogicalType;
}

/** `MAP<k, v>`. */
export interface MapType {
  /** The kind. */
  readonly kind: "MAP";
  /** Whether NULL is a value of the type. */
  readonly nullable: boolean;
  /** The key type. */
  readonly key: LogicalType;
  /** The value type. */
  readonly value: LogicalType;
}

/** One field of a ROW type. */
export interface RowField {
  /** The field name (unique within the row, not empty). */
  readonly name: string;
  /** The field type. */
  readonly type: LogicalType;
  /** An optional description. */
  readonly description?: string;
}

/** `ROW<n0 t0, n1 t1, ...>`. */
export interface RowType {
  /** The kind. */
  readonly kind: "ROW";
  /** Whether NULL is a value of the type. */
  readonly nullable: boolean;
  /** The fields, in order. */
  readonly fields: readonly RowField[];
}

/** A logical SQL type. */
export type LogicalType =
  | SimpleType
  | NullType
  | DecimalType
  | CharacterType
  | BinaryType
  | TimeType
  | TimestampType
  | YearMonthIntervalType
  | DayTimeIntervalType
  | CollectionType
  | MapType
  | RowType;

export * from "./type-constructors.ts";

/** The same type with the given nullability. NULL cannot be made NOT NULL. */
export function withNullability<T extends LogicalType>(type: T, nullable: boolean): T {
  if (type.nullable === nullable) return type;
  if (type.kind === "NULL" && !nullable) throw new RangeError("The NULL type cannot be NOT NULL");
  return { ...type, nullable };
}

/** The same type, nullable. */
export function asNullable<T extends LogicalType>(type: T): T {
  return withNullability(type, true);
}

/** The same type, `NOT NULL`. */
export function notNull<T extends LogicalType>(type: T): T {
  return withNullability(type, false);
}

/** The children of a constructed type (element; key and value; field types), else none. */
export function childTypes(type: LogicalType): readonly LogicalType[] {
  switch (type.kind) {
    case "ARRAY":
    case "MULTISET":
      return [type.element];
    case "MAP":
      return [type.key, type.value];
    case "ROW":
      return type.fields.map((f) => f.type);
    default:
      return [];
  }
}

/**
 * Structural equality, including nullability, parameters, field names and descriptions.
 * `ignoreNullability` compares as if both (and all their children) were nullable.
 */
export function typesEqual(a: LogicalType, b: LogicalType, ignoreNullability = false): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  if (!ignoreNullability && a.nullable !== b.nullable) return false;
  switch (a.kind) {
    case "DECIMAL": {
      const o = b as DecimalType;
      return a.precision === o.precision && a.scale === o.scale;
    }
    case "CHAR":
    case "VARCHAR":
    case "BINARY":
    case "VARBINARY":
      return a.length === (b as CharacterType | BinaryType).length;
    case "TIME":
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ":
      return a.precision === (b as TimeType | TimestampType).precision;
    case "INTERVAL_YEAR_MONTH": {
      const o = b as YearMonthIntervalType;
      return a.resolution === o.resolution && a.yearPrecision === o.yearPrecision;
    }
    case "INTERVAL_DAY_TIME": {
      const o = b as DayTimeIntervalType;
      return (
        a.resolution === o.resolution &&
        a.dayPrecision === o.dayPrecision &&
        a.fractionalPrecision === o.fractionalPrecision
      );
    }
    case "ARRAY":
    case "MULTISET":
      return typesEqual(a.element, (b as CollectionType).element, ignoreNullability);
    case "MAP": {
      const o = b as MapType;
      return (
        typesEqual(a.key, o.key, ignoreNullability) &&
        typesEqual(a.value, o.value, ignoreNullability)
      );
    }
    case "ROW": {
      const o = b as RowType;
      if (a.fields.length !== o.fields.length) return false;
      for (let i = 0; i < a.fields.length; i++) {
        const x = a.fields[i]!;
        const y = o.fields[i]!;
        if (x.name !== y.name || x.description !== y.description) return false;
        if (!typesEqual(x.type, y.type, ignoreNullability)) return false;
      }
      return true;
    }
    default:
      return true;
  }
}
