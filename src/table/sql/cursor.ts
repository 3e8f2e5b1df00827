/**
 * The base of the parser: a cursor over the token list with the small helpers every grammar
 * rule uses (keyword and symbol tests, identifiers, string literals, positioned errors). The
 * parser is a chain of classes, one per concern and file, each extending the previous one:
 * Cursor -> TypeParser -> LiteralParser -> ExprParser -> CallParser -> JsonParser -> MatchParser ->
 * FromParser -> QueryParser -> DdlParser -> AlterParser -> StatementParser. Rules that recurse
 * "upwards" (an expression containing a subquery) are declared abstract low in the chain and
 * implemented above, so the files import each other in one direction only.
 */
import { SqlParseError, type SourcePos } from "./errors.ts";
import { tokenize } from "./lexer.ts";
import { describeToken, NON_ALIAS, RESERVED, type Token } from "./tokens.ts";

/** Token cursor and shared helpers. */
export class Cursor {
  /** The SQL text being parsed. */
  protected readonly sql: string;
  /** Its tokens, ending with `eof`. */
  protected readonly tokens: readonly Token[];
  /** Index of the current token. */
  protected i = 0;

  /** A cursor at the first token of `sql`. */
  constructor(sql: string) {
    this.sql = sql;
    this.tokens = tokenize(sql);
  }

  /** The current token. */
  protected get tok(): Token {
    return this.tokens[this.i]!;
  }

  /** The token `k` places ahead (the `eof` token past the end). */
  protected peek(k = 0): Token {
    return this.tokens[Math.min(this.i + k, this.tokens.length - 1)]!;
  }

  /** Consumes and returns the current token (never moves past `eof`). */
  protected next(): Token {
    const t = this.tok;
    if (t.type !== "eof") this.i++;
    return t;
  }

  /** Where the current token starts. */
  protected get here(): SourcePos {
    return this.tok.pos;
  }

  /** True at the end of the input. */
  protected atEnd(): boolean {
    return this.tok.type === "eof";
  }

  /** True if the token `k` ahead is the unquoted word `word` (upper case). */
  protected isWord(word: string, k = 0): boolean {
    const t = this.peek(k);
    return t.type === "word" && t.upper === word;
  }

  /** True if the next tokens are the unquoted words `words`, in order. */
  protected isWords(...words: string[]): boolean {
    return words.every((w, k) => this.isWord(w, k));
  }

  /** Consumes the word `word` if it is next. */
  protected acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.i++;
    return true;
  }

  /** Consumes the words `words` if all of them are next, in order; otherwise consumes nothing. */
  protected acceptWords(...words: string[]): boolean {
    if (!this.isWords(...words)) return false;
    this.i += words.length;
    return true;
  }

  /** Consumes the word `word` or fails, naming it as expected. */
  protected expectWord(word: string): Token {
    if (!this.isWord(word)) this.fail(word);
    return this.next();
  }

  /** Consumes the words `words` in order or fails at the first one missing. */
  protected expectWords(...words: string[]): void {
    for (const w of words) this.expectWord(w);
  }

  /** Returns the first of `words` that is next, consuming it, or undefined. */
  protected acceptOneOf<T extends string>(words: readonly T[]): T | undefined {
    const t = this.tok;
    if (t.type !== "word") return undefined;
    const found = words.find((w) => w === t.upper);
    if (found !== undefined) this.i++;
    return found;
  }

  /** True if the token `k` ahead is the symbol `s`. */
  protected isSymbol(s: string, k = 0): boolean {
    const t = this.peek(k);
    return t.type === "symbol" && t.text === s;
  }

  /** Consumes the symbol `s` if it is next. */
  protected acceptSymbol(s: string): boolean {
    if (!this.isSymbol(s)) return false;
    this.i++;
    return true;
  }

  /** Consumes the symbol `s` or fails. */
  protected expectSymbol(s: string): Token {
    if (!this.isSymbol(s)) this.fail(`'${s}'`);
    return this.next();
  }

  /** Consumes the `)` that closes `open`, or fails naming where `open` was. */
  protected expectClose(open: Token): void {
    if (this.acceptSymbol(")")) return;
    const where =
      open.pos.line === this.here.line
        ? `column ${open.pos.column}`
        : `line ${open.pos.line}, column ${open.pos.column}`;
    this.fail(`')' to close the '(' at ${where}`);
  }

  /** An error at `pos` with `reason`. */
  protected errorAt(pos: SourcePos, reason: string): SqlParseError {
    return new SqlParseError(this.sql, pos, reason);
  }

  /** Fails at the current token: `unexpected <token>, expected <expected>`. */
  protected fail(expected: string, at: Token = this.tok): never {
    throw this.errorAt(at.pos, `unexpected ${describeToken(at)}, expected ${expected}`);
  }

  /** True if the token `k` ahead can be an identifier (quoted, or a non-reserved word). */
  protected isIdentifier(k = 0): boolean {
    const t = this.peek(k);
    return t.type === "quoted" || (t.type === "word" && !RESERVED.has(t.upper));
  }

  /** True if the current token can be an implicit alias (`FROM t x`, `SELECT a b`). */
  protected isImplicitAlias(): boolean {
    const t = this.tok;
    return (
      t.type === "quoted" ||
      (t.type === "word" && !RESERVED.has(t.upper) && !NON_ALIAS.has(t.upper))
    );
  }

  /** Consumes an identifier (quoted or non-reserved word) or fails naming `what`. */
  protected parseIdentifier(what = "an identifier"): string {
    const t = this.tok;
    if (this.isIdentifier()) return this.next().value;
    if (t.type === "word" && /column|field|alias/.test(what)) {
      // A reserved word where a column name belongs: say how to use it anyway.
      this.fail(`${what} (quote a reserved word to use it as a name: \`${t.text}\`)`);
    }
    return this.fail(what);
  }

  /** Consumes a dotted name `a.b.c` or fails naming `what`. */
  protected parseCompoundName(what = "a name"): string[] {
    const parts = [this.parseIdentifier(what)];
    while (this.isSymbol(".") && (this.isIdentifier(1) || this.peek(1).type === "word")) {
      this.i++;
      // After a dot every word is a name part (`t.timestamp`, `s.value`).
      parts.push(this.next().value);
    }
    return parts;
  }

  /** `(a, b, c)`: a parenthesized, comma-separated list of simple names. */
  protected parseNameList(what = "a column name"): string[] {
    const open = this.expectSymbol("(");
    const names = [this.parseIdentifier(what)];
    while (this.acceptSymbol(",")) names.push(this.parseIdentifier(what));
    this.expectClose(open);
    return names;
  }

  /** True if the current token is a string literal. */
  protected isString(k = 0): boolean {
    return this.peek(k).type === "string";
  }

  /**
   * Consumes a string literal (adjacent literals on separate lines are concatenated, as in
   * standard SQL) or fails naming `what`.
   */
  protected parseString(what = "a string literal"): string {
    if (!this.isString()) this.fail(what);
    let t = this.next();
    let value = t.value;
    while (this.isString() && this.tok.pos.line > t.pos.line && !this.tok.text.startsWith("U&")) {
      t = this.next();
      value += t.value;
    }
    return value;
  }

  /** Consumes an unsigned integer literal and returns its value, or fails naming `what`. */
  protected parseSmallInt(what = "an integer"): number {
    const t = this.tok;
    if (t.type !== "integer") this.fail(what);
    this.i++;
    const n = Number(t.text);
    if (!Number.isSafeInteger(n) || n > 2147483647) {
      throw this.errorAt(t.pos, `${t.text} is too large for ${what}`);
    }
    return n;
  }

  /** True if a query (SELECT, WITH, VALUES) starts `k` tokens ahead, maybe after `(`s. */
  protected looksLikeQuery(k = 0): boolean {
    let j = k;
    while (this.isSymbol("(", j)) j++;
    return this.isWord("SELECT", j) || this.isWord("WITH", j) || this.isWord("VALUES", j);
  }
}
