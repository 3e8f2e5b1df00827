/**
 * Expression nodes with a syntax of their own: CAST, EXTRACT, TRIM and the other special
 * forms, function calls with their FILTER / WITHIN GROUP / OVER clauses, window specifications,
 * table-function arguments and the SQL/JSON functions. Part of the {@link Expr} union.
 */
import type { SourcePos } from "./errors.ts";
import type { DataTypeNode } from "./ast-types.ts";
import type { Expr, ExprBase } from "./ast-expr.ts";

/** `CAST(x AS type)` or `TRY_CAST(x AS type)`. */
export interface CastExpr extends ExprBase {
  readonly kind: "cast";
  /** True for TRY_CAST (null instead of an error on failure). */
  readonly safe: boolean;
  /** The value. */
  readonly operand: Expr;
  /** The target type. */
  readonly type: DataTypeNode;
}

/** `EXTRACT(unit FROM x)`. */
export interface ExtractExpr extends ExprBase {
  readonly kind: "extract";
  /** The unit, upper case (YEAR, QUARTER, MONTH, WEEK, DAY, DOW, DOY, HOUR, ..., EPOCH). */
  readonly unit: string;
  /** The value. */
  readonly operand: Expr;
}

/** `POSITION(needle IN haystack [FROM start])`. */
export interface PositionExpr extends ExprBase {
  readonly kind: "position";
  /** What is searched for. */
  readonly needle: Expr;
  /** Where it is searched. */
  readonly haystack: Expr;
  /** The start position, if written. */
  readonly from?: Expr;
}

/** `TRIM([BOTH | LEADING | TRAILING] [chars] FROM s)` or `TRIM(s)`. */
export interface TrimExpr extends ExprBase {
  readonly kind: "trim";
  /** Which side is trimmed (BOTH when not written). */
  readonly side: "BOTH" | "LEADING" | "TRAILING";
  /** The characters to remove, if written (a space otherwise). */
  readonly chars?: Expr;
  /** The string. */
  readonly operand: Expr;
}

/** `SUBSTRING(s FROM start [FOR length])` (the comma form is an ordinary call). */
export interface SubstringExpr extends ExprBase {
  readonly kind: "substring";
  /** The string. */
  readonly operand: Expr;
  /** 1-based start. */
  readonly from: Expr;
  /** Length, if written. */
  readonly for?: Expr;
}

/** `OVERLAY(s PLACING t FROM start [FOR length])`. */
export interface OverlayExpr extends ExprBase {
  readonly kind: "overlay";
  /** The string. */
  readonly operand: Expr;
  /** The replacement. */
  readonly placing: Expr;
  /** 1-based start. */
  readonly from: Expr;
  /** Length replaced, if written. */
  readonly for?: Expr;
}

/** `FLOOR(x TO unit)` / `CEIL(x TO unit)` (without `TO` they are ordinary calls). */
export interface FloorCeilExpr extends ExprBase {
  readonly kind: "floorCeil";
  /** Which function. */
  readonly op: "FLOOR" | "CEIL";
  /** The value. */
  readonly operand: Expr;
  /** The unit, upper case. */
  readonly unit: string;
}

/** One `ORDER BY` item. */
export interface OrderItem {
  /** Where the item starts. */
  readonly pos: SourcePos;
  /** The sort key. */
  readonly expr: Expr;
  /** The direction, if written. */
  readonly direction?: "ASC" | "DESC";
  /** Where nulls go, if written. */
  readonly nulls?: "FIRST" | "LAST";
}

/** One bound of a window frame. */
export interface FrameBound {
  /** Where the bound starts. */
  readonly pos: SourcePos;
  /** Which bound. */
  readonly kind:
    "unboundedPreceding" | "unboundedFollowing" | "currentRow" | "preceding" | "following";
  /** The offset of `n PRECEDING` / `n FOLLOWING` (a number or an interval). */
  readonly offset?: Expr;
}

/** `ROWS | RANGE BETWEEN start AND end`, or `ROWS | RANGE start`. */
export interface WindowFrame {
  /** Where the frame starts. */
  readonly pos: SourcePos;
  /** Row-count or value-range frame. */
  readonly unit: "ROWS" | "RANGE";
  /** The start bound. */
  readonly start: FrameBound;
  /** The end bound; absent when the short form (no BETWEEN) was written. */
  readonly end?: FrameBound;
}

/** An inline window: `([base] [PARTITION BY ...] [ORDER BY ...] [frame])`. */
export interface WindowSpec extends ExprBase {
  readonly kind: "windowSpec";
  /** A named window this one extends, if written. */
  readonly base?: string;
  /** The partition keys. */
  readonly partitionBy: readonly Expr[];
  /** The ordering. */
  readonly orderBy: readonly OrderItem[];
  /** The frame, if written. */
  readonly frame?: WindowFrame;
}

/** `OVER w`: a reference to a window named in the WINDOW clause. */
export interface WindowRef extends ExprBase {
  readonly kind: "windowRef";
  /** The window name. */
  readonly name: string;
}

/** A function call, aggregate or window function: `f(a, b)`, `COUNT(DISTINCT x) OVER w`. */
export interface CallExpr extends ExprBase {
  readonly kind: "call";
  /** The function name parts as written (`cat.db.f` has three). */
  readonly name: readonly string[];
  /** The arguments (`*` in `COUNT(*)` is a {@link StarExpr}). */
  readonly args: readonly Expr[];
  /** `DISTINCT` or `ALL` before the arguments, if written. */
  readonly quantifier?: "DISTINCT" | "ALL";
  /** `IGNORE NULLS` / `RESPECT NULLS`, if written. */
  readonly nullTreatment?: "IGNORE" | "RESPECT";
  /** `WITHIN GROUP (ORDER BY ...)`, if written. */
  readonly withinGroup?: readonly OrderItem[];
  /** `FILTER (WHERE ...)`, if written. */
  readonly filter?: Expr;
  /** `OVER (...)` or `OVER w`, if written. */
  readonly over?: WindowSpec | WindowRef;
  /** True for a function written without parentheses (`CURRENT_TIMESTAMP`). */
  readonly niladic?: boolean;
}

/** `name => value`, a named argument (window TVFs, procedures). */
export interface NamedArgExpr extends ExprBase {
  readonly kind: "namedArg";
  /** The parameter name. */
  readonly name: string;
  /** The argument. */
  readonly value: Expr;
}

/** `TABLE t [PARTITION BY ...] [ORDER BY ...]`, a table argument of a table function. */
export interface TableArgExpr extends ExprBase {
  readonly kind: "tableArg";
  /** The table name parts. */
  readonly table: readonly string[];
  /** Partition keys, if written. */
  readonly partitionBy: readonly Expr[];
  /** Ordering, if written. */
  readonly orderBy: readonly OrderItem[];
}

/** `DESCRIPTOR(a, b)`: column names passed to a table function. */
export interface DescriptorExpr extends ExprBase {
  readonly kind: "descriptor";
  /** The column names. */
  readonly columns: readonly string[];
}

/** `NULL | ERROR | DEFAULT expr` in `ON EMPTY` / `ON ERROR` of JSON_VALUE. */
export interface JsonValueBehavior {
  /** The behavior. */
  readonly behavior: "NULL" | "ERROR" | "DEFAULT";
  /** The default of `DEFAULT expr`. */
  readonly value?: Expr;
}

/** `JSON_VALUE(json, path [RETURNING type] [behavior ON EMPTY] [behavior ON ERROR])`. */
export interface JsonValueExpr extends ExprBase {
  readonly kind: "jsonValue";
  /** The JSON text. */
  readonly operand: Expr;
  /** The JSON path. */
  readonly path: Expr;
  /** The result type, if written. */
  readonly returning?: DataTypeNode;
  /** What an empty result gives, if written. */
  readonly onEmpty?: JsonValueBehavior;
  /** What an error gives, if written. */
  readonly onError?: JsonValueBehavior;
}

/** Behaviors of JSON_QUERY for an empty result or an error. */
export type JsonQueryBehavior = "NULL" | "ERROR" | "EMPTY ARRAY" | "EMPTY OBJECT";

/** `JSON_QUERY(json, path [RETURNING type] [wrapper] [... ON EMPTY] [... ON ERROR])`. */
export interface JsonQueryExpr extends ExprBase {
  readonly kind: "jsonQuery";
  /** The JSON text. */
  readonly operand: Expr;
  /** The JSON path. */
  readonly path: Expr;
  /** The result type, if written. */
  readonly returning?: DataTypeNode;
  /** The wrapper behavior, if written (`WITH [CONDITIONAL|UNCONDITIONAL] [ARRAY] WRAPPER`). */
  readonly wrapper?: "WITHOUT" | "CONDITIONAL" | "UNCONDITIONAL";
  /** What an empty result gives, if written. */
  readonly onEmpty?: JsonQueryBehavior;
  /** What an error gives, if written. */
  readonly onError?: JsonQueryBehavior;
}

/** `JSON_EXISTS(json, path [TRUE | FALSE | UNKNOWN | ERROR ON ERROR])`. */
export interface JsonExistsExpr extends ExprBase {
  readonly kind: "jsonExists";
  /** The JSON text. */
  readonly operand: Expr;
  /** The JSON path. */
  readonly path: Expr;
  /** What an error gives, if written. */
  readonly onError?: "TRUE" | "FALSE" | "UNKNOWN" | "ERROR";
}

/** `NULL ON NULL` or `ABSENT ON NULL`. */
export type JsonNullBehavior = "NULL" | "ABSENT";

/** A key/value pair of JSON_OBJECT or MAP[...]. */
export interface KeyValue {
  /** The key. */
  readonly key: Expr;
  /** The value. */
  readonly value: Expr;
}

/** `JSON_OBJECT([KEY] k VALUE v, ... [NULL | ABSENT ON NULL])`. */
export interface JsonObjectExpr extends ExprBase {
  readonly kind: "jsonObject";
  /** The entries. */
  readonly entries: readonly KeyValue[];
  /** The null behavior, if written. */
  readonly onNull?: JsonNullBehavior;
}

/** `JSON_ARRAY(v, ... [NULL | ABSENT ON NULL])`. */
export interface JsonArrayExpr extends ExprBase {
  readonly kind: "jsonArray";
  /** The elements. */
  readonly items: readonly Expr[];
  /** The null behavior, if written. */
  readonly onNull?: JsonNullBehavior;
}

/** `JSON_OBJECTAGG([KEY] k VALUE v [... ON NULL])`. */
export interface JsonObjectAggExpr extends ExprBase {
  readonly kind: "jsonObjectAgg";
  /** The key. */
  readonly key: Expr;
  /** The value. */
  readonly value: Expr;
  /** The null behavior, if written. */
  readonly onNull?: JsonNullBehavior;
}

/** `JSON_ARRAYAGG(v [ORDER BY ...] [... ON NULL])`. */
export interface JsonArrayAggExpr extends ExprBase {
  readonly kind: "jsonArrayAgg";
  /** The aggregated value. */
  readonly item: Expr;
  /** The element order, if written. */
  readonly orderBy: readonly OrderItem[];
  /** The null behavior, if written. */
  readonly onNull?: JsonNullBehavior;
}

/** `RUNNING expr` / `FINAL expr` in MATCH_RECOGNIZE measures. */
export interface MatchSemanticsExpr extends ExprBase {
  readonly kind: "matchSemantics";
  /** The semantics. */
  readonly semantics: "RUNNING" | "FINAL";
  /** The navigation or aggregate it applies to. */
  readonly operand: Expr;
}
