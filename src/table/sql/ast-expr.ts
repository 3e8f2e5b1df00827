/**
 * Expression nodes of Strom's SQL AST. Every node has a `kind` (the discriminant of {@link Expr})
 * and the `pos` of its first token. Literals keep their source digits: a numeric literal is
 * never turned into a JS number here, so BIGINT and DECIMAL values stay exact.
 */
import type { SourcePos } from "./errors.ts";
import type { IntervalQualifier } from "./ast-types.ts";
import type {
  CallExpr,
  CastExpr,
  DescriptorExpr,
  ExtractExpr,
  FloorCeilExpr,
  JsonArrayAggExpr,
  JsonArrayExpr,
  JsonExistsExpr,
  JsonObjectAggExpr,
  JsonObjectExpr,
  JsonQueryExpr,
  JsonValueExpr,
  KeyValue,
  MatchSemanticsExpr,
  NamedArgExpr,
  OverlayExpr,
  PositionExpr,
  SubstringExpr,
  TableArgExpr,
  TrimExpr,
} from "./ast-calls.ts";
import type { Query } from "./ast-query.ts";

/** Fields every expression node has. */
export interface ExprBase {
  /** Where the expression starts. */
  readonly pos: SourcePos;
}

/** A column or other name, possibly qualified: `a`, `t.a`, `cat.db.t.a`. */
export interface IdentifierExpr extends ExprBase {
  readonly kind: "identifier";
  /** The name parts as written (backticks removed). */
  readonly parts: readonly string[];
}

/** `*` or `t.*` (in a select list, or as the argument of `COUNT(*)`). */
export interface StarExpr extends ExprBase {
  readonly kind: "star";
  /** The qualifier parts of `t.*`; empty for a bare `*`. */
  readonly qualifier: readonly string[];
}

/** The kinds of literal. */
export type LiteralType =
  | "integer"
  | "decimal"
  | "approx"
  | "string"
  | "binary"
  | "boolean"
  | "null"
  | "unknown"
  | "date"
  | "time"
  | "timestamp"
  | "timestampLtz";

/**
 * A literal. `value` is the digits of a number as written (`"1.50"`, `"1.5E3"`, never a sign),
 * the decoded text of a string, the upper-case hex digits of a binary string, `TRUE`/`FALSE`,
 * `NULL`, `UNKNOWN`, or the quoted text of a DATE/TIME/TIMESTAMP literal. `text` is the exact
 * source text.
 */
export interface LiteralExpr extends ExprBase {
  readonly kind: "literal";
  /** What kind of literal this is. */
  readonly type: LiteralType;
  /** The value as text (see the interface comment). */
  readonly value: string;
  /** The literal exactly as written. */
  readonly text: string;
}

/** `INTERVAL '1-2' YEAR TO MONTH`, `INTERVAL '10' MINUTES`, `INTERVAL -'1' DAY`. */
export interface IntervalExpr extends ExprBase {
  readonly kind: "interval";
  /** True for `INTERVAL -'...'` (a sign inside the string stays in `value`). */
  readonly negative: boolean;
  /** The quoted text (or the digits of an unquoted number). */
  readonly value: string;
  /** The unit range. */
  readonly qualifier: IntervalQualifier;
}

/** Prefix operators. */
export type UnaryOp = "-" | "+" | "NOT";

/** `-x`, `+x`, `NOT x`. */
export interface UnaryExpr extends ExprBase {
  readonly kind: "unary";
  /** The operator. */
  readonly op: UnaryOp;
  /** The operand. */
  readonly operand: Expr;
}

/** Comparison operators (`!=` is read as `<>`). */
export type ComparisonOp = "=" | "<>" | "<" | "<=" | ">" | ">=";

/** Binary operators. */
export type BinaryOp = "OR" | "AND" | ComparisonOp | "||" | "+" | "-" | "*" | "/" | "%";

/** `a op b`. */
export interface BinaryExpr extends ExprBase {
  readonly kind: "binary";
  /** The operator. */
  readonly op: BinaryOp;
  /** Left operand. */
  readonly left: Expr;
  /** Right operand. */
  readonly right: Expr;
}

/** What `IS [NOT]` tests. */
export type IsTest =
  | "NULL"
  | "TRUE"
  | "FALSE"
  | "UNKNOWN"
  | "JSON"
  | "JSON VALUE"
  | "JSON SCALAR"
  | "JSON ARRAY"
  | "JSON OBJECT";

/** `x IS [NOT] NULL | TRUE | FALSE | UNKNOWN | JSON [VALUE | SCALAR | ARRAY | OBJECT]`. */
export interface IsExpr extends ExprBase {
  readonly kind: "is";
  /** True for `IS NOT`. */
  readonly not: boolean;
  /** What is tested. */
  readonly test: IsTest;
  /** The tested value. */
  readonly operand: Expr;
}

/** `a IS [NOT] DISTINCT FROM b`. */
export interface DistinctFromExpr extends ExprBase {
  readonly kind: "distinctFrom";
  /** True for `IS NOT DISTINCT FROM`. */
  readonly not: boolean;
  /** Left operand. */
  readonly left: Expr;
  /** Right operand. */
  readonly right: Expr;
}

/** `x [NOT] BETWEEN [ASYMMETRIC | SYMMETRIC] low AND high`. */
export interface BetweenExpr extends ExprBase {
  readonly kind: "between";
  /** True for `NOT BETWEEN`. */
  readonly not: boolean;
  /** True for `SYMMETRIC`. */
  readonly symmetric: boolean;
  /** The tested value. */
  readonly operand: Expr;
  /** Lower bound. */
  readonly low: Expr;
  /** Upper bound. */
  readonly high: Expr;
}

/** `x [NOT] LIKE | ILIKE | SIMILAR TO pattern [ESCAPE e]`. */
export interface LikeExpr extends ExprBase {
  readonly kind: "like";
  /** The operator. */
  readonly op: "LIKE" | "ILIKE" | "SIMILAR TO";
  /** True for the `NOT` form. */
  readonly not: boolean;
  /** The tested value. */
  readonly operand: Expr;
  /** The pattern. */
  readonly pattern: Expr;
  /** The escape character expression, if written. */
  readonly escape?: Expr;
}

/** `x [NOT] IN (a, b, ...)`. */
export interface InListExpr extends ExprBase {
  readonly kind: "inList";
  /** True for `NOT IN`. */
  readonly not: boolean;
  /** The tested value. */
  readonly operand: Expr;
  /** The candidates. */
  readonly list: readonly Expr[];
}

/** `x [NOT] IN (SELECT ...)`. */
export interface InQueryExpr extends ExprBase {
  readonly kind: "inQuery";
  /** True for `NOT IN`. */
  readonly not: boolean;
  /** The tested value. */
  readonly operand: Expr;
  /** The subquery. */
  readonly query: Query;
}

/** `x > ALL (SELECT ...)`, `x = ANY (SELECT ...)`, `SOME`. */
export interface QuantifiedExpr extends ExprBase {
  readonly kind: "quantified";
  /** The comparison. */
  readonly op: ComparisonOp;
  /** The quantifier (`SOME` is kept as written). */
  readonly quantifier: "ANY" | "SOME" | "ALL";
  /** The left operand. */
  readonly operand: Expr;
  /** The subquery. */
  readonly query: Query;
}

/** `EXISTS (SELECT ...)`. */
export interface ExistsExpr extends ExprBase {
  readonly kind: "exists";
  /** The subquery. */
  readonly query: Query;
}

/** A scalar subquery `(SELECT ...)`. */
export interface SubqueryExpr extends ExprBase {
  readonly kind: "subquery";
  /** The subquery. */
  readonly query: Query;
}

/** One `WHEN ... THEN ...` of a CASE. */
export interface WhenClause {
  /** Where the WHEN starts. */
  readonly pos: SourcePos;
  /** The condition (searched CASE) or the value compared with the operand (simple CASE). */
  readonly when: Expr;
  /** The result. */
  readonly then: Expr;
}

/** `CASE [operand] WHEN ... THEN ... [ELSE ...] END`. */
export interface CaseExpr extends ExprBase {
  readonly kind: "case";
  /** The operand of a simple CASE; absent for a searched CASE. */
  readonly operand?: Expr;
  /** The WHEN clauses, at least one. */
  readonly whens: readonly WhenClause[];
  /** The ELSE result, if written. */
  readonly else?: Expr;
}

/** `ARRAY[a, b, ...]`. */
export interface ArrayExpr extends ExprBase {
  readonly kind: "array";
  /** The elements. */
  readonly elements: readonly Expr[];
}

/** `MAP[k1, v1, k2, v2, ...]`. */
export interface MapExpr extends ExprBase {
  readonly kind: "map";
  /** The entries. */
  readonly entries: readonly KeyValue[];
}

/** `ROW(a, b)` (explicit) or `(a, b)` (implicit). */
export interface RowExpr extends ExprBase {
  readonly kind: "row";
  /** The fields. */
  readonly fields: readonly Expr[];
  /** True when written with the ROW keyword. */
  readonly explicit: boolean;
}

/** `(expr).field` or `f(x).field`: a field of a composite value that is not a plain name. */
export interface FieldAccessExpr extends ExprBase {
  readonly kind: "fieldAccess";
  /** The composite value. */
  readonly operand: Expr;
  /** The field name. */
  readonly field: string;
}

/** `arr[1]`, `map['k']`. */
export interface ItemExpr extends ExprBase {
  readonly kind: "item";
  /** The array or map. */
  readonly operand: Expr;
  /** The index or key. */
  readonly index: Expr;
}

/** Any expression. */
export type Expr =
  | IdentifierExpr
  | StarExpr
  | LiteralExpr
  | IntervalExpr
  | UnaryExpr
  | BinaryExpr
  | IsExpr
  | DistinctFromExpr
  | BetweenExpr
  | LikeExpr
  | InListExpr
  | InQueryExpr
  | QuantifiedExpr
  | ExistsExpr
  | SubqueryExpr
  | CaseExpr
  | CastExpr
  | ExtractExpr
  | PositionExpr
  | TrimExpr
  | SubstringExpr
  | OverlayExpr
  | FloorCeilExpr
  | CallExpr
  | NamedArgExpr
  | TableArgExpr
  | DescriptorExpr
  | JsonValueExpr
  | JsonQueryExpr
  | JsonExistsExpr
  | JsonObjectExpr
  | JsonArrayExpr
  | JsonObjectAggExpr
  | JsonArrayAggExpr
  | ArrayExpr
  | MapExpr
  | RowExpr
  | FieldAccessExpr
  | ItemExpr
  | MatchSemanticsExpr;
