/**
 * Data types as written in SQL (`DECIMAL(10, 2) NOT NULL`, `ARRAY<ROW<a INT>>`): a syntactic
 * {@link DataTypeNode}, not a semantic type. Aliases are folded into one canonical name
 * (`INTEGER` -> `INT`, `NUMERIC`/`DEC` -> `DECIMAL`, `DOUBLE PRECISION` -> `DOUBLE`, `REAL` ->
 * `FLOAT`, `TIMESTAMP WITH LOCAL TIME ZONE` -> `TIMESTAMP_LTZ`, `T ARRAY` -> `ARRAY<T>`);
 * lengths and precisions are kept exactly as written, or left out when not written.
 */
import type { SourcePos } from "./errors.ts";

/** A unit of an interval qualifier. */
export type TimeUnit = "YEAR" | "MONTH" | "DAY" | "HOUR" | "MINUTE" | "SECOND";

/** `DAY(2) TO SECOND(3)`, `YEAR TO MONTH`, `MINUTE`: the unit range of an interval. */
export interface IntervalQualifier {
  /** The leading unit. */
  readonly start: TimeUnit;
  /** Precision of the leading field (`DAY(2)`), if written. */
  readonly startPrecision?: number;
  /** The trailing unit of a range (`TO SECOND`), if any. */
  readonly end?: TimeUnit;
  /** Fractional-second precision (`SECOND(3)`, `SECOND(2, 3)`), if written. */
  readonly fractionalPrecision?: number;
}

/** Fields every data type node has. */
interface TypeBase {
  /** Where the type starts. */
  readonly pos: SourcePos;
  /** False when `NOT NULL` was written, true otherwise (including an explicit `NULL`). */
  readonly nullable: boolean;
}

/** Canonical names of the types that take at most a precision (or length) and a scale. */
export type ScalarTypeName =
  | "CHAR"
  | "VARCHAR"
  | "STRING"
  | "BOOLEAN"
  | "BINARY"
  | "VARBINARY"
  | "BYTES"
  | "DECIMAL"
  | "TINYINT"
  | "SMALLINT"
  | "INT"
  | "BIGINT"
  | "FLOAT"
  | "DOUBLE"
  | "DATE"
  | "TIME"
  | "TIMESTAMP"
  | "TIMESTAMP_LTZ"
  | "NULL";

/** A predefined type: `INT`, `VARCHAR(10)`, `DECIMAL(10, 2)`, `TIMESTAMP(3)`, `NULL` ... */
export interface ScalarTypeNode extends TypeBase {
  readonly kind: "scalarType";
  /** The canonical type name. */
  readonly name: ScalarTypeName;
  /** Length or precision, if written. */
  readonly precision?: number;
  /** Scale of a DECIMAL, if written. */
  readonly scale?: number;
}

/** `INTERVAL DAY(2) TO SECOND(3)`, `INTERVAL YEAR TO MONTH`. */
export interface IntervalTypeNode extends TypeBase {
  readonly kind: "intervalType";
  /** The unit range. */
  readonly qualifier: IntervalQualifier;
}

/** `ARRAY<T>` or `T ARRAY`. */
export interface ArrayTypeNode extends TypeBase {
  readonly kind: "arrayType";
  /** The element type. */
  readonly element: DataTypeNode;
}

/** `MULTISET<T>` or `T MULTISET`. */
export interface MultisetTypeNode extends TypeBase {
  readonly kind: "multisetType";
  /** The element type. */
  readonly element: DataTypeNode;
}

/** `MAP<K, V>`. */
export interface MapTypeNode extends TypeBase {
  readonly kind: "mapType";
  /** The key type. */
  readonly key: DataTypeNode;
  /** The value type. */
  readonly value: DataTypeNode;
}

/** One field of a ROW type: `name TYPE ['comment']`. */
export interface RowFieldNode {
  /** Where the field starts. */
  readonly pos: SourcePos;
  /** The field name. */
  readonly name: string;
  /** The field type. */
  readonly type: DataTypeNode;
  /** The field's description, if written. */
  readonly comment?: string;
}

/** `ROW<a INT, b STRING 'comment'>` or `ROW(a INT, b STRING)`. */
export interface RowTypeNode extends TypeBase {
  readonly kind: "rowType";
  /** The fields in order. */
  readonly fields: readonly RowFieldNode[];
}

/** `RAW('class', 'snapshot')`: an opaque type identified by a class name. */
export interface RawTypeNode extends TypeBase {
  readonly kind: "rawType";
  /** The class name string. */
  readonly className: string;
  /** The serializer snapshot string, if written. */
  readonly snapshot?: string;
}

/** Any data type as written in SQL. */
export type DataTypeNode =
  | ScalarTypeNode
  | IntervalTypeNode
  | ArrayTypeNode
  | MultisetTypeNode
  | MapTypeNode
  | RowTypeNode
  | RawTypeNode;
