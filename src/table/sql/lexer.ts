/**
 * The lexer: SQL text to {@link Token}s. Skips whitespace and comments (`--` to the end of the
 * line, `/* ... *\/`), keeps hint comments (`/*+ ... *\/`) as a `hintStart` token, the hint's own
 * tokens and a `hintEnd` token, and reports malformed input (an unterminated string or comment,
 * a bad number, an unknown character) as a positioned {@link SqlParseError}.
 */
import { SqlParseError, type SourcePos } from "./errors.ts";
import type { Token, TokenType } from "./tokens.ts";

const TWO_CHAR_SYMBOLS = new Set(["<>", "<=", ">=", "!=", "||", "=>"]);
const ONE_CHAR_SYMBOLS = new Set("=<>+-*/%()[],.;{}?|^:");

/** Splits `sql` into tokens; the last token is always `eof`. */
export function tokenize(sql: string): Token[] {
  return new Lexer(sql).run();
}

function isIdentStart(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
  return /\p{L}/u.test(c);
}

function isIdentPart(c: string): boolean {
  const code = c.charCodeAt(0);
  if (code < 128) {
    return (
      (code >= 65 && code <= 90) ||
      (code >= 97 && code <= 122) ||
      (code >= 48 && code <= 57) ||
      code === 95 ||
      code === 36
    );
  }
  return /[\p{L}\p{N}]/u.test(c);
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

class Lexer {
  private readonly sql: string;
  private i = 0;
  private line = 1;
  private lineStart = 0;
  private readonly tokens: Token[] = [];
  private hintStart: SourcePos | undefined;

  constructor(sql: string) {
    this.sql = sql;
  }

  run(): Token[] {
    for (;;) {
      this.skipTrivia();
      if (this.i >= this.sql.length) break;
      this.scanToken();
    }
    if (this.hintStart) this.fail(this.hintStart, "unterminated hint comment: missing '*/'");
    const pos = this.pos();
    this.tokens.push({ type: "eof", text: "", value: "", upper: "", pos, end: this.i });
    return this.tokens;
  }

  private pos(offset = this.i): SourcePos {
    return { line: this.line, column: offset - this.lineStart + 1, offset };
  }

  private fail(pos: SourcePos, reason: string): never {
    throw new SqlParseError(this.sql, pos, reason);
  }

  /** Advances to `to`, keeping line bookkeeping right across newlines. */
  private advanceTo(to: number): void {
    for (; this.i < to; this.i++) {
      if (this.sql.charCodeAt(this.i) === 10) {
        this.line++;
        this.lineStart = this.i + 1;
      }
    }
  }

  private skipTrivia(): void {
    const s = this.sql;
    for (;;) {
      const c = s[this.i];
      if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f") {
        this.advanceTo(this.i + 1);
      } else if (c === "-" && s[this.i + 1] === "-") {
        const nl = s.indexOf("\n", this.i);
        this.advanceTo(nl < 0 ? s.length : nl);
      } else if (c === "/" && s[this.i + 1] === "*" && s[this.i + 2] !== "+") {
        const start = this.pos();
        const close = s.indexOf("*/", this.i + 2);
        if (close < 0) this.fail(start, "unterminated comment: missing '*/'");
        this.advanceTo(close + 2);
      } else {
        return;
      }
    }
  }

  private push(type: TokenType, start: SourcePos, value?: string): void {
    const text = this.sql.slice(start.offset, this.i);
    const upper = type === "word" ? text.toUpperCase() : "";
    this.tokens.push({ type, text, value: value ?? text, upper, pos: start, end: this.i });
  }

  private scanToken(): void {
    const s = this.sql;
    const c = s[this.i]!;
    const next = s[this.i + 1];
    const start = this.pos();
    if (c === "/" && next === "*" && s[this.i + 2] === "+") {
      if (this.hintStart) this.fail(start, "a hint comment cannot contain another '/*+'");
      this.hintStart = start;
      this.advanceTo(this.i + 3);
      this.push("hintStart", start);
      return;
    }
    if (c === "*" && next === "/" && this.hintStart) {
      this.hintStart = undefined;
      this.advanceTo(this.i + 2);
      this.push("hintEnd", start);
      return;
    }
    if (c === "'") return this.scanString(start, this.i);
    if ((c === "X" || c === "x") && next === "'") return this.scanBinary(start);
    if ((c === "N" || c === "n") && next === "'") return this.scanString(start, this.i + 1);
    if ((c === "U" || c === "u") && next === "&" && s[this.i + 2] === "'") {
      return this.scanUnicodeString(start);
    }
    if (c === "`") return this.scanQuoted(start);
    if (isDigit(c) || (c === "." && isDigit(next))) return this.scanNumber(start);
    if (isIdentStart(c)) {
      let j = this.i + 1;
      while (j < s.length && isIdentPart(s[j]!)) j++;
      this.advanceTo(j);
      this.push("word", start);
      return;
    }
    const two = s.slice(this.i, this.i + 2);
    if (TWO_CHAR_SYMBOLS.has(two)) {
      this.advanceTo(this.i + 2);
      this.push("symbol", start);
      return;
    }
    if (ONE_CHAR_SYMBOLS.has(c)) {
      this.advanceTo(this.i + 1);
      this.push("symbol", start);
      return;
    }
    if (c === '"') {
      this.fail(
        start,
        "double quotes are not used in Flink SQL: write 'text' for a string or `name` for an identifier",
      );
    }
    this.fail(start, `unexpected character '${c}'`);
  }

  /**
   * Finds the closing quote of a '...' body starting after `quoteAt`, honouring '' escapes.
   * Returns the offset of the closing quote.
   */
  private findStringEnd(start: SourcePos, quoteAt: number, what: string): number {
    const s = this.sql;
    let j = quoteAt + 1;
    for (;;) {
      const q = s.indexOf("'", j);
      if (q < 0) this.fail(start, `unterminated ${what}: missing closing quote (')`);
      if (s[q + 1] === "'") {
        j = q + 2;
        continue;
      }
      return q;
    }
  }

  private scanString(start: SourcePos, quoteAt: number): void {
    const close = this.findStringEnd(start, quoteAt, "string literal");
    const value = this.sql.slice(quoteAt + 1, close).replace(/''/g, "'");
    this.advanceTo(close + 1);
    this.push("string", start, value);
  }

  private scanBinary(start: SourcePos): void {
    const quoteAt = this.i + 1;
    const close = this.findStringEnd(start, quoteAt, "binary literal");
    const body = this.sql.slice(quoteAt + 1, close);
    for (let k = 0; k < body.length; k++) {
      if (!/[0-9A-Fa-f]/.test(body[k]!)) {
        this.advanceTo(quoteAt + 1 + k);
        this.fail(this.pos(), `invalid hex digit '${body[k]}' in binary literal`);
      }
    }
    if (body.length % 2 !== 0) {
      this.fail(
        start,
        `binary literal ${this.sql.slice(start.offset, close + 1)} has an odd number of hex digits`,
      );
    }
    this.advanceTo(close + 1);
    this.push("binary", start, body.toUpperCase());
  }

  private scanUnicodeString(start: SourcePos): void {
    const quoteAt = this.i + 2;
    const close = this.findStringEnd(start, quoteAt, "string literal");
    const bodyStart = quoteAt + 1;
    // An optional UESCAPE 'c' clause chooses another escape character.
    let escape = "\\";
    let end = close + 1;
    const rest = /^\s+UESCAPE\s*'([^'])'/i.exec(this.sql.slice(end));
    if (rest) {
      escape = rest[1]!;
      end += rest[0].length;
    }
    const raw = this.sql.slice(bodyStart, close);
    let value = "";
    for (let k = 0; k < raw.length; k++) {
      const ch = raw[k]!;
      if (ch === "'") {
        value += "'";
        k++;
        continue;
      }
      if (ch !== escape) {
        value += ch;
        continue;
      }
      const at = bodyStart + k;
      if (raw[k + 1] === escape) {
        value += escape;
        k++;
        continue;
      }
      const long = raw[k + 1] === "+";
      const digits = long ? raw.slice(k + 2, k + 8) : raw.slice(k + 1, k + 5);
      const want = long ? 6 : 4;
      if (digits.length !== want || !/^[0-9A-Fa-f]+$/.test(digits)) {
        this.advanceTo(at);
        this.fail(
          this.pos(),
          `invalid unicode escape in U&'...' string: expected ${escape}XXXX or ${escape}+XXXXXX`,
        );
      }
      const code = parseInt(digits, 16);
      if (code > 0x10ffff) {
        this.advanceTo(at);
        this.fail(this.pos(), `unicode escape ${escape}+${digits} is beyond U+10FFFF`);
      }
      value += String.fromCodePoint(code);
      k += long ? 7 : 4;
    }
    this.advanceTo(end);
    this.push("string", start, value);
  }

  private scanQuoted(start: SourcePos): void {
    const s = this.sql;
    let j = this.i + 1;
    let name = "";
    for (;;) {
      const q = s.indexOf("`", j);
      if (q < 0) this.fail(start, "unterminated quoted identifier: missing closing backtick (`)");
      name += s.slice(j, q);
      if (s[q + 1] === "`") {
        name += "`";
        j = q + 2;
        continue;
      }
      j = q + 1;
      break;
    }
    if (name.length === 0) this.fail(start, "empty quoted identifier ``");
    this.advanceTo(j);
    this.push("quoted", start, name);
  }

  private scanNumber(start: SourcePos): void {
    const s = this.sql;
    let j = this.i;
    let type: TokenType = "integer";
    while (isDigit(s[j])) j++;
    if (s[j] === ".") {
      type = "decimal";
      j++;
      while (isDigit(s[j])) j++;
    }
    if (s[j] === "e" || s[j] === "E") {
      type = "approx";
      j++;
      if (s[j] === "+" || s[j] === "-") j++;
      if (!isDigit(s[j])) {
        this.fail(start, `bad number '${s.slice(start.offset, j)}': the exponent has no digits`);
      }
      while (isDigit(s[j])) j++;
    }
    if (j < s.length && (isIdentPart(s[j]!) || s[j] === ".")) {
      let k = j;
      while (k < s.length && (isIdentPart(s[k]!) || s[k] === ".")) k++;
      this.fail(start, `bad number '${s.slice(start.offset, k)}'`);
    }
    this.advanceTo(j);
    this.push(type, start);
  }
}
