/**
 * The source text of parts of a SQL script: a statement, a computed column's expression, a
 * watermark expression, a view's query. AST nodes carry only their start position, so the end
 * is found on the script's tokens (the parts end before a `,`, `)`, `;` or a clause keyword at
 * bracket depth 0). Without the script, callers fall back to the canonical printed form.
 */
import type { Statement } from "../sql/ast-statement.ts";
import { tokenize } from "../sql/lexer.ts";
import type { Token } from "../sql/tokens.ts";

/** Words that end an expression inside a column list (`a AS x COMMENT '...'`, `AFTER b`). */
const EXPR_STOP_WORDS = new Set(["COMMENT", "FIRST", "AFTER"]);

/** A SQL script with lazily computed tokens, to cut out the text of its parts. */
export class SourceText {
  /** The whole script. */
  readonly sql: string;
  private tokenList: Token[] | null = null;

  /** Wraps the script the statements were parsed from. */
  constructor(sql: string) {
    this.sql = sql;
  }

  private tokens(): Token[] {
    if (this.tokenList === null) {
      try {
        this.tokenList = tokenize(this.sql);
      } catch {
        this.tokenList = [];
      }
    }
    return this.tokenList;
  }

  private indexAt(offset: number): number {
    const tokens = this.tokens();
    let lo = 0;
    let hi = tokens.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const o = tokens[mid]!.pos.offset;
      if (o === offset) return tokens[mid]!.type === "eof" ? -1 : mid;
      if (o < offset) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /**
   * The text of the expression starting at `offset`, up to the first `,` `)` `;` or
   * COMMENT/FIRST/AFTER at depth 0; undefined when no token starts there.
   */
  expressionAt(offset: number): string | undefined {
    const tokens = this.tokens();
    const first = this.indexAt(offset);
    if (first < 0) return undefined;
    let depth = 0;
    let end = -1;
    for (let i = first; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.type === "eof") break;
      if (t.type === "symbol") {
        if (t.text === "(" || t.text === "[") depth++;
        else if (t.text === ")" || t.text === "]") {
          if (depth === 0) break;
          depth--;
        } else if (depth === 0 && (t.text === "," || t.text === ";")) break;
      } else if (depth === 0 && i > first && t.type === "word" && EXPR_STOP_WORDS.has(t.upper)) {
        break;
      }
      end = t.end;
    }
    return end < 0 ? undefined : this.sql.slice(offset, end);
  }

  /**
   * The text from `offset` to the end of its statement (before `;`, or before a `)` that closes a
   * bracket opened earlier); undefined if no token starts there.
   */
  restOfStatement(offset: number): string | undefined {
    const tokens = this.tokens();
    const first = this.indexAt(offset);
    if (first < 0) return undefined;
    let end = -1;
    let depth = 0;
    for (let i = first; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.type === "eof" || (t.type === "symbol" && t.text === ";")) break;
      if (t.type === "symbol" && (t.text === "(" || t.text === "[")) depth++;
      if (t.type === "symbol" && (t.text === ")" || t.text === "]") && --depth < 0) break;
      end = t.end;
    }
    return end < 0 ? undefined : this.sql.slice(offset, end);
  }

  /** The text of a statement of this script (without its `;`). */
  statementText(statement: Statement): string | undefined {
    return this.restOfStatement(statement.pos.offset);
  }
}
