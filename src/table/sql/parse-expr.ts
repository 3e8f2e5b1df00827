/**
 * Expression rules: a Pratt parser over SQL's operator precedence, from loosest to tightest:
 * OR, AND, NOT, IS, comparisons, BETWEEN / IN / LIKE / SIMILAR, `||`, `+ -`, `* / %`, unary
 * `+ -`, then item access `a[i]` and field access `.f`. Primaries are literals, names, rows,
 * arrays, maps, subqueries; typed literals come from the literal rules (previous class), calls and
 * special forms from the call rules (next class).
 */
import type { ComparisonOp, Expr, IsTest } from "./ast-expr.ts";
import type { Query } from "./ast-query.ts";
import { SqlParseError, type SourcePos } from "./errors.ts";
import { LiteralParser } from "./parse-literals.ts";
import { BP, RESERVED, type Token } from "./tokens.ts";

const COMPARISONS = new Set(["=", "<>", "!=", "<", "<=", ">", ">="]);
const NILADIC = new Set([
  "CURRENT_DATE",
  "CURRENT_TIME",
  "CURRENT_TIMESTAMP",
  "LOCALTIME",
  "LOCALTIMESTAMP",
]);
const ARITHMETIC: Readonly<Record<string, number>> = {
  "||": BP.CONCAT,
  "+": BP.ADD,
  "-": BP.ADD,
  "*": BP.MUL,
  "/": BP.MUL,
  "%": BP.MUL,
};
const NEGATABLE_PREDICATES = new Set(["IN", "LIKE", "ILIKE", "BETWEEN", "SIMILAR"]);

/** Expression rules. */
export abstract class ExprParser extends LiteralParser {
  /** A query (`SELECT`, `VALUES`, `WITH`, set operations); implemented by the query rules. */
  abstract parseQuery(): Query;

  /**
   * A special form (CASE, CAST, EXTRACT, TRIM, JSON_VALUE, ...) starting at the current word, or
   * undefined if the word does not start one. Implemented by the call rules.
   */
  protected abstract parseSpecialForm(): Expr | undefined;

  /** The call of `name(...)`, with the current token the `(`. Implemented by the call rules. */
  protected abstract parseFunctionCall(name: string[], pos: SourcePos): Expr;

  /** An expression whose operators all bind tighter than `minBp`. */
  parseExpr(minBp = 0): Expr {
    let left = this.parsePrefix();
    for (;;) {
      const next = this.parseInfix(left, minBp);
      if (next === undefined) return left;
      left = next;
    }
  }

  /** `e1, e2, ...`: one or more comma-separated expressions. */
  protected parseExprList(): Expr[] {
    const list = [this.parseExpr()];
    while (this.acceptSymbol(",")) list.push(this.parseExpr());
    return list;
  }

  private parsePrefix(): Expr {
    const t = this.tok;
    if (t.type === "symbol" && (t.text === "-" || t.text === "+")) {
      this.i++;
      return { kind: "unary", pos: t.pos, op: t.text, operand: this.parseExpr(BP.UNARY) };
    }
    if (this.isWord("NOT")) {
      this.i++;
      return { kind: "unary", pos: t.pos, op: "NOT", operand: this.parseExpr(BP.NOT) };
    }
    return this.parsePrimary();
  }

  private parseInfix(left: Expr, minBp: number): Expr | undefined {
    const t = this.tok;
    const pos = left.pos;
    if (t.type === "symbol") {
      const op = t.text;
      if (COMPARISONS.has(op)) {
        if (BP.CMP <= minBp) return undefined;
        this.i++;
        const cmp = (op === "!=" ? "<>" : op) as ComparisonOp;
        const quantifier = this.acceptQuantifier();
        if (quantifier) {
          const query = this.parseParenthesizedQuery();
          return { kind: "quantified", pos, op: cmp, quantifier, operand: left, query };
        }
        return { kind: "binary", pos, op: cmp, left, right: this.parseExpr(BP.CMP) };
      }
      const level = ARITHMETIC[op];
      if (level !== undefined) {
        if (level <= minBp) return undefined;
        this.i++;
        const right = this.parseExpr(level);
        return { kind: "binary", pos, op: op as "||", left, right };
      }
      if (op === "[" && BP.POSTFIX > minBp) {
        this.i++;
        const index = this.parseExpr();
        this.expectSymbol("]");
        return { kind: "item", pos, operand: left, index };
      }
      if (
        op === "." &&
        BP.POSTFIX > minBp &&
        (this.peek(1).type === "word" || this.peek(1).type === "quoted")
      ) {
        this.i++;
        return { kind: "fieldAccess", pos, operand: left, field: this.next().value };
      }
      return undefined;
    }
    if (t.type !== "word") return undefined;
    switch (t.upper) {
      case "OR":
      case "AND": {
        const level = t.upper === "OR" ? BP.OR : BP.AND;
        if (level <= minBp) return undefined;
        this.i++;
        return { kind: "binary", pos, op: t.upper, left, right: this.parseExpr(level) };
      }
      case "IS":
        if (BP.IS <= minBp) return undefined;
        this.i++;
        return this.parseIsTail(left);
      case "NOT":
        if (BP.PRED <= minBp || !NEGATABLE_PREDICATES.has(this.peek(1).upper)) return undefined;
        this.i++;
        return this.parsePredicateTail(left, true);
      case "IN":
      case "LIKE":
      case "ILIKE":
      case "BETWEEN":
      case "SIMILAR":
        if (BP.PRED <= minBp) return undefined;
        return this.parsePredicateTail(left, false);
    }
    return undefined;
  }

  private acceptQuantifier(): "ANY" | "SOME" | "ALL" | undefined {
    const t = this.tok;
    if (t.type !== "word" || !["ANY", "SOME", "ALL"].includes(t.upper)) return undefined;
    if (!this.isSymbol("(", 1) || !this.looksLikeQuery(2)) return undefined;
    this.i++;
    return t.upper as "ANY" | "SOME" | "ALL";
  }

  /** `(query)`. */
  protected parseParenthesizedQuery(): Query {
    const open = this.expectSymbol("(");
    if (!this.looksLikeQuery()) this.fail("a query (SELECT, VALUES or WITH)");
    const query = this.parseQuery();
    this.expectClose(open);
    return query;
  }

  /** After `IS`: `[NOT] NULL | TRUE | FALSE | UNKNOWN | JSON [...] | DISTINCT FROM x`. */
  private parseIsTail(left: Expr): Expr {
    const pos = left.pos;
    const not = this.acceptWord("NOT");
    if (this.acceptWords("DISTINCT", "FROM")) {
      return { kind: "distinctFrom", pos, not, left, right: this.parseExpr(BP.CMP) };
    }
    const test = this.acceptOneOf(["NULL", "TRUE", "FALSE", "UNKNOWN", "JSON"] as const);
    if (!test) this.fail("NULL, TRUE, FALSE, UNKNOWN, JSON or DISTINCT FROM after IS");
    let full: IsTest = test;
    if (test === "JSON") {
      const sub = this.acceptOneOf(["VALUE", "SCALAR", "ARRAY", "OBJECT"] as const);
      if (sub) full = `JSON ${sub}`;
    }
    return { kind: "is", pos, not, test: full, operand: left };
  }

  /** After the operand (and a NOT): IN, LIKE, ILIKE, SIMILAR TO, BETWEEN. */
  private parsePredicateTail(left: Expr, not: boolean): Expr {
    const pos = left.pos;
    const word = this.next().upper;
    if (word === "IN") {
      const open = this.expectSymbol("(");
      const query = this.parseQueryInParens(open);
      if (query) return { kind: "inQuery", pos, not, operand: left, query };
      const list = this.parseExprList();
      this.expectClose(open);
      return { kind: "inList", pos, not, operand: left, list };
    }
    if (word === "BETWEEN") {
      let symmetric = false;
      if (this.acceptWord("SYMMETRIC")) symmetric = true;
      else this.acceptWord("ASYMMETRIC");
      const low = this.parseExpr(BP.PRED);
      this.expectWord("AND");
      const high = this.parseExpr(BP.PRED);
      return { kind: "between", pos, not, symmetric, operand: left, low, high };
    }
    let op: "LIKE" | "ILIKE" | "SIMILAR TO" = word === "ILIKE" ? "ILIKE" : "LIKE";
    if (word === "SIMILAR") {
      this.expectWord("TO");
      op = "SIMILAR TO";
    }
    const pattern = this.parseExpr(BP.PRED);
    const escape = this.acceptWord("ESCAPE") ? this.parseExpr(BP.PRED) : undefined;
    return { kind: "like", pos, op, not, operand: left, pattern, escape };
  }

  /**
   * After an `open` parenthesis: the query and its closing `)` if a query starts here, else
   * undefined with nothing consumed. A query right after the parenthesis is parsed for sure (its
   * errors are reported); one behind more parentheses is tried, since `((SELECT 1) + 1)` is an
   * expression.
   */
  protected parseQueryInParens(open: Token): Query | undefined {
    const rule = (): Query => {
      const q = this.parseQuery();
      this.expectClose(open);
      return q;
    };
    if (this.looksLikeQuery() && !this.isSymbol("(")) return rule();
    if (this.looksLikeQuery()) return this.tryParse(rule);
    return undefined;
  }

  /**
   * Runs `rule`; if it fails with a parse error, rewinds and returns undefined (used where a
   * parenthesis may open either a query or an expression).
   */
  protected tryParse<T>(rule: () => T): T | undefined {
    const mark = this.i;
    try {
      return rule();
    } catch (e) {
      if (!(e instanceof SqlParseError)) throw e;
      this.i = mark;
      return undefined;
    }
  }

  private parsePrimary(): Expr {
    const t = this.tok;
    const pos = t.pos;
    switch (t.type) {
      case "integer":
      case "decimal":
      case "approx":
        this.i++;
        return this.literal(pos, t.type, t.text, t.text);
      case "string": {
        const value = this.parseString();
        return this.literal(pos, "string", value, this.sql.slice(pos.offset, this.peek(-1).end));
      }
      case "binary":
        this.i++;
        return this.literal(pos, "binary", t.value, t.text);
      case "quoted":
        return this.parseNameOrCall();
      case "symbol":
        if (t.text === "(") return this.parseParenthesized();
        if (t.text === "?") {
          throw this.errorAt(pos, "dynamic parameters ('?') are not supported");
        }
        return this.fail("an expression");
      case "word":
        return this.parseWordPrimary(t);
      default:
        return this.fail("an expression");
    }
  }

  private parseWordPrimary(t: Token): Expr {
    const pos = t.pos;
    const next = this.peek(1);
    switch (t.upper) {
      case "TRUE":
      case "FALSE":
        this.i++;
        return this.literal(pos, "boolean", t.upper, t.text);
      case "NULL":
        this.i++;
        return this.literal(pos, "null", "NULL", t.text);
      case "UNKNOWN":
        this.i++;
        return this.literal(pos, "unknown", "UNKNOWN", t.text);
      case "DATE":
      case "TIME":
      case "TIMESTAMP":
      case "TIMESTAMP_LTZ":
        if (next.type === "string") return this.parseDatetimeLiteral(t);
        if (t.upper === "TIMESTAMP" && this.isWords("TIMESTAMP", "WITH", "LOCAL", "TIME", "ZONE")) {
          if (this.isString(5)) return this.parseDatetimeLiteral(t);
        }
        break;
      case "INTERVAL":
        if (
          next.type === "string" ||
          next.type === "integer" ||
          next.text === "-" ||
          next.text === "+"
        ) {
          return this.parseIntervalLiteral();
        }
        break;
      case "EXISTS":
        if (next.text === "(") {
          this.i++;
          return { kind: "exists", pos, query: this.parseParenthesizedQuery() };
        }
        break;
      case "ARRAY":
      case "MAP":
        if (next.text === "[") return this.parseCollection(t.upper);
        break;
      case "ROW":
        if (next.text === "(") {
          this.i += 2;
          const fields = this.isSymbol(")") ? [] : this.parseExprList();
          this.expectClose(next);
          return { kind: "row", pos, fields, explicit: true };
        }
        break;
      case "RUNNING":
      case "FINAL":
        if ((next.type === "word" || next.type === "quoted") && this.isSymbol("(", 2)) {
          this.i++;
          const operand = this.parseExpr(BP.POSTFIX);
          return { kind: "matchSemantics", pos, semantics: t.upper, operand };
        }
        break;
    }
    if (NILADIC.has(t.upper)) {
      this.i++;
      return { kind: "call", pos, name: [t.text], args: [], niladic: true };
    }
    const special = this.parseSpecialForm();
    if (special) return special;
    if (
      RESERVED.has(t.upper) &&
      !((t.upper === "LEFT" || t.upper === "RIGHT") && next.text === "(")
    ) {
      return this.fail("an expression");
    }
    return this.parseNameOrCall();
  }

  /** `a`, `a.b.c`, `t.*`, or a call `f(...)` / `db.f(...)`. */
  private parseNameOrCall(): Expr {
    const pos = this.here;
    const parts = [this.next().value];
    while (this.isSymbol(".")) {
      const after = this.peek(1);
      if (after.type === "word" || after.type === "quoted") {
        this.i += 2;
        parts.push(after.value);
      } else if (after.type === "symbol" && after.text === "*") {
        this.i += 2;
        return { kind: "star", pos, qualifier: parts };
      } else {
        break;
      }
    }
    if (this.isSymbol("(")) return this.parseFunctionCall(parts, pos);
    return { kind: "identifier", pos, parts };
  }

  /** `(expr)`, `(a, b)` (a row), or `(query)` (a scalar subquery). */
  private parseParenthesized(): Expr {
    const open = this.next();
    const pos = open.pos;
    const query = this.parseQueryInParens(open);
    if (query) return { kind: "subquery", pos, query };
    const first = this.parseExpr();
    if (this.acceptSymbol(",")) {
      const fields = [first, ...this.parseExprList()];
      this.expectClose(open);
      return { kind: "row", pos, fields, explicit: false };
    }
    this.expectClose(open);
    return first;
  }

  private parseCollection(word: string): Expr {
    const pos = this.here;
    this.i++;
    const open = this.expectSymbol("[");
    const items = this.isSymbol("]") ? [] : this.parseExprList();
    if (!this.acceptSymbol("]")) {
      this.fail(`']' to close the '[' at line ${open.pos.line}, column ${open.pos.column}`);
    }
    if (word === "ARRAY") return { kind: "array", pos, elements: items };
    if (items.length % 2 !== 0) {
      throw this.errorAt(
        pos,
        `MAP[...] needs an even number of items (key, value, ...), got ${items.length}`,
      );
    }
    const entries = [];
    for (let k = 0; k < items.length; k += 2)
      entries.push({ key: items[k]!, value: items[k + 1]! });
    return { kind: "map", pos, entries };
  }
}
