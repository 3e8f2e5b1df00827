/**
 * Query nodes of Strom's SQL AST: {@link Query} (SELECT, set operations, VALUES, WITH, ORDER BY /
 * LIMIT), {@link TableRef} (tables, subqueries, joins, table functions, UNNEST,
 * MATCH_RECOGNIZE) and hints.
 */
import type { SourcePos } from "./errors.ts";
import type { Expr } from "./ast-expr.ts";
import type { OrderItem, WindowSpec } from "./ast-calls.ts";

/** One option of a hint: `'k' = 'v'` (key and value) or a bare `t1` / `'v'` (value only). */
export interface HintOption {
  /** Where the option starts. */
  readonly pos: SourcePos;
  /** The key of a key/value option. */
  readonly key?: string;
  /** The value (or the only item of a list option). */
  readonly value: string;
}

/** A hint: `OPTIONS('k'='v')`, `BROADCAST(t1, t2)`, `LOOKUP('table'='c', ...)`. */
export interface Hint {
  /** Where the hint name starts. */
  readonly pos: SourcePos;
  /** The hint name, upper case. */
  readonly name: string;
  /** Its options, in order; empty when written without parentheses. */
  readonly options: readonly HintOption[];
}

/** One item of a select list: an expression with an optional alias, `*` or `t.*`. */
export interface SelectItem {
  /** Where the item starts. */
  readonly pos: SourcePos;
  /** The expression (a {@link StarExpr} for `*` and `t.*`). */
  readonly expr: Expr;
  /** The alias, if written. */
  readonly alias?: string;
}

/** `GROUPING SETS (...)`. */
export interface GroupingSetsElement {
  readonly kind: "groupingSets";
  /** Where the element starts. */
  readonly pos: SourcePos;
  /** The sets. */
  readonly sets: readonly GroupingElement[];
}

/** `ROLLUP (...)` or `CUBE (...)`. */
export interface RollupCubeElement {
  readonly kind: "rollup" | "cube";
  /** Where the element starts. */
  readonly pos: SourcePos;
  /** The grouped expressions (a `(a, b)` group is a `row` expression). */
  readonly exprs: readonly Expr[];
}

/** An item of GROUP BY: an expression (`()` is an empty `row` expression), or a grouping construct. */
export type GroupingElement = Expr | GroupingSetsElement | RollupCubeElement;

/** `WINDOW w AS (...)`. */
export interface NamedWindow {
  /** Where the name starts. */
  readonly pos: SourcePos;
  /** The window name. */
  readonly name: string;
  /** The window. */
  readonly spec: WindowSpec;
}

/** `SELECT ...` with its clauses (ORDER BY and LIMIT live in {@link OrderedQuery}). */
export interface SelectQuery {
  readonly kind: "select";
  /** Where SELECT starts. */
  readonly pos: SourcePos;
  /** Query hints (`SELECT /*+ BROADCAST(t) *\/ ...`). */
  readonly hints: readonly Hint[];
  /** True for SELECT DISTINCT. */
  readonly distinct: boolean;
  /** The select list. */
  readonly items: readonly SelectItem[];
  /** The FROM clause, if written. */
  readonly from?: TableRef;
  /** The WHERE condition, if written. */
  readonly where?: Expr;
  /** The GROUP BY items, if written. */
  readonly groupBy?: readonly GroupingElement[];
  /** The HAVING condition, if written. */
  readonly having?: Expr;
  /** The named windows of the WINDOW clause. */
  readonly windows: readonly NamedWindow[];
  /** The QUALIFY condition, if written. */
  readonly qualify?: Expr;
}

/** `left UNION | INTERSECT | EXCEPT [ALL | DISTINCT] right` (MINUS is read as EXCEPT). */
export interface SetOpQuery {
  readonly kind: "setOp";
  /** Where the left operand starts. */
  readonly pos: SourcePos;
  /** The operation. */
  readonly op: "UNION" | "INTERSECT" | "EXCEPT";
  /** True for ALL (keep duplicates). */
  readonly all: boolean;
  /** Left input. */
  readonly left: Query;
  /** Right input. */
  readonly right: Query;
}

/** `VALUES (1, 'a'), (2, 'b')`; each row holds its field expressions. */
export interface ValuesQuery {
  readonly kind: "values";
  /** Where VALUES starts. */
  readonly pos: SourcePos;
  /** The rows. */
  readonly rows: readonly (readonly Expr[])[];
}

/** One common table expression: `name [(cols)] AS (query)`. */
export interface Cte {
  /** Where the name starts. */
  readonly pos: SourcePos;
  /** The name. */
  readonly name: string;
  /** Column names, if written. */
  readonly columns?: readonly string[];
  /** The query. */
  readonly query: Query;
}

/** `WITH cte, ... body`. */
export interface WithQuery {
  readonly kind: "with";
  /** Where WITH starts. */
  readonly pos: SourcePos;
  /** The common table expressions in order. */
  readonly ctes: readonly Cte[];
  /** The main query. */
  readonly body: Query;
}

/** A query with ORDER BY, LIMIT, OFFSET or FETCH FIRST (FETCH is read as LIMIT). */
export interface OrderedQuery {
  readonly kind: "ordered";
  /** Where the query starts. */
  readonly pos: SourcePos;
  /** The ordered query. */
  readonly query: Query;
  /** The sort order (may be empty). */
  readonly orderBy: readonly OrderItem[];
  /** LIMIT / FETCH count, if written. */
  readonly limit?: Expr;
  /** OFFSET, if written. */
  readonly offset?: Expr;
}

/** `TABLE t` used as a query. */
export interface ExplicitTableQuery {
  readonly kind: "explicitTable";
  /** Where TABLE starts. */
  readonly pos: SourcePos;
  /** The table name parts. */
  readonly name: readonly string[];
}

/** Any query. */
export type Query =
  SelectQuery | SetOpQuery | ValuesQuery | WithQuery | OrderedQuery | ExplicitTableQuery;

/** Alias fields of a FROM item: `[AS] alias [(c1, c2)]`. */
interface Aliased {
  /** The alias, if written. */
  readonly alias?: string;
  /** Column aliases, if written. */
  readonly columnAliases?: readonly string[];
}

/** A table or view by name, with optional hints, time travel and alias. */
export interface NamedTableRef extends Aliased {
  readonly kind: "table";
  /** Where the name starts. */
  readonly pos: SourcePos;
  /** The name parts. */
  readonly name: readonly string[];
  /** Table hints (`t /*+ OPTIONS(...) *\/`). */
  readonly hints: readonly Hint[];
  /** The time of `FOR SYSTEM_TIME AS OF expr` (temporal join, time travel), if written. */
  readonly systemTime?: Expr;
}

/** `[LATERAL] (query) [AS] alias`. */
export interface SubqueryRef extends Aliased {
  readonly kind: "subqueryRef";
  /** Where the subquery starts. */
  readonly pos: SourcePos;
  /** True with LATERAL. */
  readonly lateral: boolean;
  /** The query. */
  readonly query: Query;
}

/** `[LATERAL] TABLE(f(...)) [AS] T(a, b)`: window TVFs and user table functions. */
export interface TableFunctionRef extends Aliased {
  readonly kind: "tableFunction";
  /** Where the item starts. */
  readonly pos: SourcePos;
  /** True with LATERAL. */
  readonly lateral: boolean;
  /** The call (usually a {@link CallExpr}). */
  readonly call: Expr;
}

/** `UNNEST(arr, ...) [WITH ORDINALITY] [AS] t(x)`. */
export interface UnnestRef extends Aliased {
  readonly kind: "unnest";
  /** Where UNNEST starts. */
  readonly pos: SourcePos;
  /** The collections. */
  readonly args: readonly Expr[];
  /** True with WITH ORDINALITY. */
  readonly withOrdinality: boolean;
}

/** The join types. Comma joins are CROSS joins with `comma: true`. */
export type JoinType = "INNER" | "LEFT" | "RIGHT" | "FULL" | "CROSS";

/** `left [NATURAL] type JOIN right [ON cond | USING (cols)]`. */
export interface JoinRef {
  readonly kind: "join";
  /** Where the left input starts. */
  readonly pos: SourcePos;
  /** The join type. */
  readonly joinType: JoinType;
  /** True for NATURAL joins. */
  readonly natural: boolean;
  /** True for a comma-separated FROM list item. */
  readonly comma: boolean;
  /** Left input. */
  readonly left: TableRef;
  /** Right input. */
  readonly right: TableRef;
  /** The ON condition, if written. */
  readonly on?: Expr;
  /** The USING columns, if written. */
  readonly using?: readonly string[];
}

/** A pattern variable in MATCH_RECOGNIZE's PATTERN. */
export interface PatternVar {
  readonly kind: "patternVar";
  /** Where it is. */
  readonly pos: SourcePos;
  /** The variable name. */
  readonly name: string;
}

/** A sequence of patterns (`A B+ C`). */
export interface PatternSeq {
  readonly kind: "patternSeq";
  /** Where it starts. */
  readonly pos: SourcePos;
  /** The patterns in order, at least two. */
  readonly items: readonly PatternNode[];
}

/** Alternatives (`A | B`). */
export interface PatternAlt {
  readonly kind: "patternAlt";
  /** Where it starts. */
  readonly pos: SourcePos;
  /** The alternatives, at least two. */
  readonly alternatives: readonly PatternNode[];
}

/** A quantified pattern: `A*`, `B+?`, `C{2,}`, `(A B){1,3}`. */
export interface PatternQuant {
  readonly kind: "patternQuant";
  /** Where the quantified pattern starts. */
  readonly pos: SourcePos;
  /** The quantified pattern. */
  readonly pattern: PatternNode;
  /** Minimum repetitions. */
  readonly min: number;
  /** Maximum repetitions; absent when unbounded. */
  readonly max?: number;
  /** True for a reluctant quantifier (a trailing `?`). */
  readonly reluctant: boolean;
}

/** A row pattern. */
export type PatternNode = PatternVar | PatternSeq | PatternAlt | PatternQuant;

/** `AFTER MATCH SKIP ...`. */
export type AfterMatchSkip =
  | { readonly kind: "pastLastRow" }
  | { readonly kind: "toNextRow" }
  | { readonly kind: "toFirst" | "toLast" | "to"; readonly variable: string };

/** A MEASURES item: `expr AS name`. */
export interface MeasureItem {
  /** Where it starts. */
  readonly pos: SourcePos;
  /** The measure. */
  readonly expr: Expr;
  /** The output column name. */
  readonly alias: string;
}

/** `SUBSET name = (A, B)`. */
export interface PatternSubset {
  /** Where it starts. */
  readonly pos: SourcePos;
  /** The union variable's name. */
  readonly name: string;
  /** The variables it stands for. */
  readonly variables: readonly string[];
}

/** `DEFINE A AS condition`. */
export interface PatternDefine {
  /** Where it starts. */
  readonly pos: SourcePos;
  /** The variable. */
  readonly variable: string;
  /** Its condition. */
  readonly condition: Expr;
}

/** `input MATCH_RECOGNIZE (...) [AS] alias`. */
export interface MatchRecognizeRef extends Aliased {
  readonly kind: "matchRecognize";
  /** Where MATCH_RECOGNIZE starts. */
  readonly pos: SourcePos;
  /** The input table. */
  readonly input: TableRef;
  /** PARTITION BY keys. */
  readonly partitionBy: readonly Expr[];
  /** ORDER BY items. */
  readonly orderBy: readonly OrderItem[];
  /** MEASURES items. */
  readonly measures: readonly MeasureItem[];
  /** Rows per match, if written. */
  readonly rowsPerMatch?: "ONE" | "ALL";
  /** AFTER MATCH SKIP, if written. */
  readonly afterMatch?: AfterMatchSkip;
  /** The PATTERN. */
  readonly pattern: PatternNode;
  /** `WITHIN interval`, if written. */
  readonly within?: Expr;
  /** SUBSET definitions. */
  readonly subsets: readonly PatternSubset[];
  /** DEFINE conditions. */
  readonly defines: readonly PatternDefine[];
}

/** Any FROM item. */
export type TableRef =
  NamedTableRef | SubqueryRef | TableFunctionRef | UnnestRef | JoinRef | MatchRecognizeRef;
