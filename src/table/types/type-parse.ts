/**
 * A small parser for type strings in Flink's syntax, for tests and programmatic APIs (the SQL
 * parser proper lives in `src/table/sql/`). Accepts e.g. `INT NOT NULL`, `DECIMAL(10, 2)`,
 * `STRING`, `TIMESTAMP(3) WITH LOCAL TIME ZONE`, `TIMESTAMP_LTZ`, `INTERVAL DAY(2) TO SECOND(3)`,
 * `ARRAY<INT>`, `INT ARRAY`, `MAP<STRING, INT>`, `ROW<a INT NOT NULL, \`b c\` STRING 'desc'>`.
 * Keywords are case-insensitive.
 */
import { TypeParseError } from "./errors.ts";
import * as T from "./logical-type.ts";
import type { DayTimeResolution, LogicalType, RowField } from "./logical-type.ts";

type Token =
  | { kind: "word"; text: string; pos: number }
  | { kind: "ident"; text: string; pos: number }
  | { kind: "int"; value: number; pos: number }
  | { kind: "string"; text: string; pos: number }
  | { kind: "sym"; text: string; pos: number }
  | { kind: "end"; pos: number };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const fail = (msg: string): never => {
    throw new TypeParseError(`${msg} at position ${i} in type '${src}'`);
  };
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const start = i;
      while (i < src.length && /[A-Za-z0-9_$]/.test(src[i]!)) i++;
      out.push({ kind: "word", text: src.slice(start, i), pos: start });
    } else if (/[0-9]/.test(c)) {
      const start = i;
      while (i < src.length && /[0-9]/.test(src[i]!)) i++;
      out.push({ kind: "int", value: Number(src.slice(start, i)), pos: start });
    } else if (c === "`" || c === "'") {
      const start = i++;
      let text = "";
      for (;;) {
        if (i >= src.length) fail(`Unterminated ${c === "`" ? "identifier" : "string"}`);
        if (src[i] === c) {
          if (src[i + 1] === c) {
            text += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += src[i++];
      }
      out.push({ kind: c === "`" ? "ident" : "string", text, pos: start });
    } else if ("<>(),".includes(c)) {
      out.push({ kind: "sym", text: c, pos: i++ });
    } else {
      fail(`Unexpected character '${c}'`);
    }
  }
  out.push({ kind: "end", pos: src.length });
  return out;
}

class TypeParser {
  private readonly tokens: Token[];
  private at = 0;
  private readonly src: string;

  constructor(src: string) {
    this.src = src;
    this.tokens = tokenize(src);
  }

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private fail(msg: string, tok: Token = this.peek()): never {
    throw new TypeParseError(`${msg} at position ${tok.pos} in type '${this.src}'`);
  }

  private isWord(word: string, offset = 0): boolean {
    const t = this.tokens[this.at + offset];
    return t !== undefined && t.kind === "word" && t.text.toUpperCase() === word;
  }

  private acceptWord(word: string): boolean {
    if (!this.isWord(word)) return false;
    this.at++;
    return true;
  }

  private expectWord(word: string): void {
    if (!this.acceptWord(word)) this.fail(`Expected ${word}`);
  }

  private acceptSym(sym: string): boolean {
    const t = this.peek();
    if (t.kind !== "sym" || t.text !== sym) return false;
    this.at++;
    return true;
  }

  private expectSym(sym: string): void {
    if (!this.acceptSym(sym)) this.fail(`Expected '${sym}'`);
  }

  private int(): number {
    const t = this.peek();
    if (t.kind !== "int") this.fail("Expected an integer");
    this.at++;
    return t.value;
  }

  /** `(n)` if present. */
  private optParam(): number | undefined {
    if (!this.acceptSym("(")) return undefined;
    const n = this.int();
    this.expectSym(")");
    return n;
  }

  parseAll(): LogicalType {
    const t = this.type();
    if (this.peek().kind !== "end") this.fail("Unexpected input after the type");
    return t;
  }

  private type(): LogicalType {
    let t = this.nullability(this.baseType());
    while (this.isWord("ARRAY") || this.isWord("MULTISET")) {
      const isArray = this.acceptWord("ARRAY");
      if (!isArray) this.expectWord("MULTISET");
      t = this.nullability(isArray ? T.ARRAY(t) : T.MULTISET(t));
    }
    return t;
  }

  private nullability(t: LogicalType): LogicalType {
    if (this.isWord("NOT") && this.isWord("NULL", 1)) {
      this.at += 2;
      return T.notNull(t);
    }
    if (this.acceptWord("NULL")) return T.asNullable(t);
    return t;
  }

  private wrap<R>(tok: Token, build: () => R): R {
    try {
      return build();
    } catch (e) {
      if (e instanceof RangeError) this.fail(e.message, tok);
      throw e;
    }
  }

  private baseType(): LogicalType {
    const tok = this.peek();
    if (tok.kind !== "word") this.fail("Expected a type name");
    this.at++;
    const name = tok.text.toUpperCase();
    switch (name) {
      case "BOOLEAN":
        return T.BOOLEAN();
      case "TINYINT":
        return T.TINYINT();
      case "SMALLINT":
        return T.SMALLINT();
      case "INT":
      case "INTEGER":
        return T.INT();
      case "BIGINT":
        return T.BIGINT();
      case "FLOAT":
        return T.FLOAT();
      case "DOUBLE":
        this.acceptWord("PRECISION");
        return T.DOUBLE();
      case "DATE":
        return T.DATE();
      case "NULL":
        return T.NULL();
      case "STRING":
        return T.STRING();
      case "BYTES":
        return T.BYTES();
      case "DECIMAL":
      case "DEC":
      case "NUMERIC": {
        let p = 10;
        let s = 0;
        if (this.acceptSym("(")) {
          p = this.int();
          if (this.acceptSym(",")) s = this.int();
          this.expectSym(")");
        }
        return this.wrap(tok, () => T.DECIMAL(p, s));
      }
      case "CHAR":
      case "VARCHAR":
      case "BINARY":
      case "VARBINARY": {
        const n = this.optParam() ?? 1;
        return this.wrap(tok, () => T[name](n));
      }
      case "TIME": {
        const p = this.optParam() ?? T.DEFAULT_TIME_PRECISION;
        if (this.acceptWord("WITHOUT")) {
          this.expectWord("TIME");
          this.expectWord("ZONE");
        }
        return this.wrap(tok, () => T.TIME(p));
      }
      case "TIMESTAMP":
      case "TIMESTAMP_LTZ": {
        const p = this.optParam() ?? T.DEFAULT_TIMESTAMP_PRECISION;
        let ltz = name === "TIMESTAMP_LTZ";
        if (!ltz && this.acceptWord("WITHOUT")) {
          this.expectWord("TIME");
          this.expectWord("ZONE");
        } else if (!ltz && this.isWord("WITH")) {
          this.at++;
          if (!this.acceptWord("LOCAL"))
            this.fail("TIMESTAMP WITH TIME ZONE is not supported; use TIMESTAMP_LTZ");
          this.expectWord("TIME");
          this.expectWord("ZONE");
          ltz = true;
        }
        return this.wrap(tok, () => (ltz ? T.TIMESTAMP_LTZ(p) : T.TIMESTAMP(p)));
      }
      case "INTERVAL":
        return this.interval(tok);
      case "ARRAY":
      case "MULTISET": {
        this.expectSym("<");
        const element = this.type();
        this.expectSym(">");
        return name === "ARRAY" ? T.ARRAY(element) : T.MULTISET(element);
      }
      case "MAP": {
        this.expectSym("<");
        const key = this.type();
        this.expectSym(",");
        const value = this.type();
        this.expectSym(">");
        return T.MAP(key, value);
      }
      case "ROW":
        return this.row(tok);
      default:
        return this.fail(`Unknown type '${tok.text}'`, tok);
    }
  }

  private row(tok: Token): LogicalType {
    const angle = this.acceptSym("<");
    if (!angle) this.expectSym("(");
    const close = angle ? ">" : ")";
    const fields: RowField[] = [];
    if (!this.acceptSym(close)) {
      do {
        const nameTok = this.peek();
        if (nameTok.kind !== "word" && nameTok.kind !== "ident") this.fail("Expected a field name");
        this.at++;
        const type = this.type();
        const descTok = this.peek();
        let description: string | undefined;
        if (descTok.kind === "string") {
          this.at++;
          description = descTok.text;
        }
        fields.push(T.FIELD(nameTok.text, type, description));
      } while (this.acceptSym(","));
      this.expectSym(close);
    }
    return this.wrap(tok, () => T.ROW(fields));
  }

  private interval(tok: Token): LogicalType {
    const unitTok = this.peek();
    const unit = unitTok.kind === "word" ? unitTok.text.toUpperCase() : "";
    if (!["YEAR", "MONTH", "DAY", "HOUR", "MINUTE", "SECOND"].includes(unit)) {
      this.fail("Expected YEAR, MONTH, DAY, HOUR, MINUTE or SECOND");
    }
    this.at++;
    if (unit === "YEAR" || unit === "MONTH") {
      const p = unit === "YEAR" ? (this.optParam() ?? 2) : 2;
      const toMonth = unit === "YEAR" && this.acceptWord("TO");
      if (toMonth) this.expectWord("MONTH");
      const res = unit === "MONTH" ? "MONTH" : toMonth ? "YEAR_TO_MONTH" : "YEAR";
      return this.wrap(tok, () => T.INTERVAL_YEAR_MONTH(res, p));
    }
    let dayP = 2;
    let fracP = 6;
    if (unit === "DAY") dayP = this.optParam() ?? 2;
    if (unit === "SECOND") fracP = this.optParam() ?? 6;
    let end = unit;
    if (unit !== "SECOND" && this.acceptWord("TO")) {
      const endTok = this.peek();
      end = endTok.kind === "word" ? endTok.text.toUpperCase() : "";
      const order = ["DAY", "HOUR", "MINUTE", "SECOND"];
      if (order.indexOf(end) <= order.indexOf(unit))
        this.fail(`Invalid interval end field after ${unit}`);
      this.at++;
      if (end === "SECOND") fracP = this.optParam() ?? 6;
    }
    const res = (end === unit ? unit : `${unit}_TO_${end}`) as DayTimeResolution;
    return this.wrap(tok, () => T.INTERVAL_DAY_TIME(res, dayP, fracP));
  }
}

/**
 * Parses a type string such as `ROW<a INT NOT NULL, b ARRAY<STRING>>`. Throws a
 * {@link TypeParseError} naming the position on malformed input or bad parameters.
 */
export function parseType(text: string): LogicalType {
  return new TypeParser(text).parseAll();
}
