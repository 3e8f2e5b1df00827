/**
 * Entry points of the Flink SQL parser. Each call tokenizes and parses its text from scratch
 * and either returns Strom's typed AST or throws a {@link SqlParseError} pointing at the line
 * and column of the first mistake.
 */
import type { DataTypeNode } from "./ast-types.ts";
import type { Expr } from "./ast-expr.ts";
import type { Query } from "./ast-query.ts";
import type { Statement } from "./ast-statement.ts";
import { StatementParser } from "./parse-statement.ts";

/** A parser whose input must be used up by one rule. */
class EntryParser extends StatementParser {
  /** Runs `rule`, allows one trailing `;` when `semicolon`, and requires the end of input. */
  whole<T>(rule: () => T, semicolon: boolean): T {
    let result: T;
    try {
      result = rule();
    } catch (e) {
      // Recursive descent uses the call stack; absurd nesting must not escape as a RangeError.
      if (!(e instanceof RangeError)) throw e;
      throw this.errorAt(this.here, "the SQL is nested too deeply to parse");
    }
    if (semicolon && this.acceptSymbol(";")) {
      if (!this.atEnd()) this.fail("end of input (only one statement is allowed here)");
    }
    if (!this.atEnd()) this.fail(semicolon ? "';' or end of input" : "end of input");
    return result;
  }
}

/** Parses a script of `;`-separated statements (an empty script gives an empty list). */
export function parseStatements(sql: string): Statement[] {
  const p = new EntryParser(sql);
  return p.whole(() => p.parseScript(), false);
}

/** Parses exactly one statement (a trailing `;` is allowed). */
export function parseStatement(sql: string): Statement {
  const p = new EntryParser(sql);
  return p.whole(() => p.parseStatement(), true);
}

/** Parses one query (SELECT, VALUES, WITH, set operations, ORDER BY / LIMIT). */
export function parseQuery(sql: string): Query {
  const p = new EntryParser(sql);
  return p.whole(() => p.parseQuery(), true);
}

/** Parses one scalar expression. */
export function parseExpression(sql: string): Expr {
  const p = new EntryParser(sql);
  return p.whole(() => p.parseExpr(), false);
}

/** Parses one data type (`DECIMAL(10, 2) NOT NULL`, `ROW<a INT>`...). */
export function parseDataType(sql: string): DataTypeNode {
  const p = new EntryParser(sql);
  return p.whole(() => p.parseDataType(), false);
}
