/**
 * Strom's Flink SQL parser: a hand-written lexer and recursive-descent parser (Pratt for
 * expressions) producing Strom's own typed AST, with errors that point at a line and column, and
 * a canonical printer. The planner works on this AST only.
 *
 * ```ts
 * const [stmt] = parseStatements("SELECT a, COUNT(*) FROM t GROUP BY a");
 * ```
 */
export {
  parseDataType,
  parseExpression,
  parseQuery,
  parseStatement,
  parseStatements,
} from "./parser.ts";
export { formatSourceExcerpt, positionAt, SqlParseError, type SourcePos } from "./errors.ts";
export {
  exprToString,
  formatDataType,
  formatExpr,
  formatQuery,
  formatSql,
  formatStatement,
  type SqlNode,
} from "./format-statement.ts";
export { tokenize } from "./lexer.ts";
export type { Token, TokenType } from "./tokens.ts";
export type * from "./ast.ts";
