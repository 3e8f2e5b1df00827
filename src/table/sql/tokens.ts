/**
 * Tokens of the Flink SQL dialect and the keyword tables the parser consults. Keywords are not
 * a token type of their own: every unquoted word is a `word` token and the parser compares its
 * upper-cased text, so a keyword can serve as an identifier wherever that is not ambiguous.
 */
import type { SourcePos } from "./errors.ts";

/** The kinds of token. */
export type TokenType =
  /** An unquoted identifier or keyword. */
  | "word"
  /** A `backtick quoted` identifier. */
  | "quoted"
  /** A character string literal ('...', N'...' or U&'...'). */
  | "string"
  /** A binary string literal (X'0AFF'). */
  | "binary"
  /** An exact numeric literal without a point or exponent. */
  | "integer"
  /** An exact numeric literal with a decimal point. */
  | "decimal"
  /** An approximate numeric literal with an exponent (1.5E3). */
  | "approx"
  /** An operator or punctuation. */
  | "symbol"
  /** The opening `/*+` of a hint comment. */
  | "hintStart"
  /** The closing `*\/` of a hint comment. */
  | "hintEnd"
  /** The end of the input. */
  | "eof";

/** One token of SQL text. */
export interface Token {
  /** What kind of token this is. */
  readonly type: TokenType;
  /** The exact source text of the token. */
  readonly text: string;
  /**
   * The token's value: the name of a quoted identifier (with doubled backticks undone), the
   * decoded text of a string, the hex digits of a binary literal, and the source text otherwise.
   */
  readonly value: string;
  /** For a `word`, its text in upper case (for keyword tests); empty for other tokens. */
  readonly upper: string;
  /** Where the token starts. */
  readonly pos: SourcePos;
  /** Offset just after the token's last character. */
  readonly end: number;
}

/**
 * Words that never stand for an identifier unless quoted: they begin or continue clauses, so
 * reading them as a column or an implicit alias would make the grammar ambiguous.
 */
export const RESERVED: ReadonlySet<string> = new Set([
  "ALL",
  "AND",
  "AS",
  "BETWEEN",
  "BY",
  "CASE",
  "CROSS",
  "CURRENT_DATE",
  "CURRENT_TIME",
  "CURRENT_TIMESTAMP",
  "DISTINCT",
  "ELSE",
  "END",
  "EXCEPT",
  "EXISTS",
  "FALSE",
  "FETCH",
  "FOR",
  "FROM",
  "FULL",
  "GROUP",
  "HAVING",
  "IN",
  "INNER",
  "INTERSECT",
  "INTO",
  "IS",
  "JOIN",
  "LATERAL",
  "LEFT",
  "LIKE",
  "LIMIT",
  "LOCALTIME",
  "LOCALTIMESTAMP",
  "MATCH_RECOGNIZE",
  "MINUS",
  "NATURAL",
  "NOT",
  "NULL",
  "OFFSET",
  "ON",
  "OR",
  "ORDER",
  "OUTER",
  "QUALIFY",
  "RIGHT",
  "SELECT",
  "SIMILAR",
  "TABLE",
  "THEN",
  "TRUE",
  "UNION",
  "UNKNOWN",
  "USING",
  "VALUES",
  "WHEN",
  "WHERE",
  "WINDOW",
  "WITH",
]);

/** Words that cannot be an implicit alias (`FROM t x`, `SELECT a b`) in addition to {@link RESERVED}. */
export const NON_ALIAS: ReadonlySet<string> = new Set(["TABLESAMPLE"]);

/**
 * Every word the grammar gives a meaning to. Only used to describe a token in an error message
 * ("keyword FROM" rather than "identifier FROM").
 */
export const KEYWORDS: ReadonlySet<string> = new Set([
  ...RESERVED,
  ...`ADD AFTER ALTER ANALYZE ANY ARRAY ASC ASYMMETRIC BEGIN BIGINT BINARY BOOLEAN BOTH BYTES CALL
  CASCADE CAST CATALOG CATALOGS CEIL CHAR CHARACTER COLUMNS COLUMN COMMENT COMPUTE CONSTRAINT
  CREATE CUBE CUMULATE CURRENT DATABASE DATABASES DATE DAY DEC DECIMAL DEFINE DELETE DESC
  DESCRIBE DESCRIPTOR DISTRIBUTED DOUBLE DROP ENFORCED ESCAPE ESTIMATED_COST EXCLUDING EXECUTE
  EXPLAIN EXTRACT FILTER FIRST FLOAT FLOOR FOLLOWING FUNCTION FUNCTIONS GROUPING HOP HOUR IF ILIKE
  INCLUDING INSERT INT INTEGER INTERVAL JAR JARS JSON_ARRAY JSON_ARRAYAGG JSON_EXISTS JSON_OBJECT
  JSON_OBJECTAGG JSON_QUERY JSON_VALUE KEY LANGUAGE LAST LOAD MAP MEASURES METADATA MINUTE MODIFY
  MODULE MODULES MONTH MULTISET NULLS NUMERIC OPTIONS OVER OVERLAY OVERWRITE OVERWRITING PARTITION
  PARTITIONED PATTERN PLACING PLAN POSITION PRECEDING PRIMARY RANGE RAW REAL RENAME REPLACE RESET
  ROLLUP ROW ROWS SECOND SESSION SET SETS SHOW SKIP SMALLINT STATEMENT STRING SUBSET SUBSTRING
  SYSTEM SYSTEM_TIME TEMPORARY TIME TIMESTAMP TIMESTAMP_LTZ TINYINT TO TRAILING TRIM TRUNCATE
  TRY_CAST TUMBLE UESCAPE UNBOUNDED UNLOAD UNNEST UPDATE USE VARBINARY VARCHAR VIEW VIEWS VIRTUAL
  WATERMARK WITHIN WITHOUT YEAR ZONE`.split(/\s+/),
]);

/** Binding powers of the expression operators, loosest first (shared by parser and printer). */
export const BP = {
  OR: 1,
  AND: 2,
  NOT: 3,
  IS: 4,
  CMP: 5,
  PRED: 6,
  CONCAT: 7,
  ADD: 8,
  MUL: 9,
  UNARY: 10,
  POSTFIX: 11,
} as const;

/** Describes a token for an error message: `keyword FROM`, `identifier foo`, `')'`, `end of input`. */
export function describeToken(t: Token): string {
  switch (t.type) {
    case "word":
      return KEYWORDS.has(t.upper) ? `keyword ${t.upper}` : `identifier ${t.text}`;
    case "quoted":
      return `identifier ${t.text}`;
    case "string":
      return `string ${clip(t.text)}`;
    case "binary":
      return `binary literal ${clip(t.text)}`;
    case "integer":
    case "decimal":
    case "approx":
      return `number ${t.text}`;
    case "symbol":
      return `'${t.text}'`;
    case "hintStart":
      return "hint '/*+'";
    case "hintEnd":
      return "end of hint '*/'";
    case "eof":
      return "end of input";
  }
}

function clip(s: string): string {
  const oneLine = s.replace(/\s+/g, " ");
  return oneLine.length > 40 ? `${oneLine.slice(0, 37)}...` : oneLine;
}
