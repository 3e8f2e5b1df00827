/**
 * Function calls and the special forms with keyword syntax inside their parentheses: CASE,
 * CAST / TRY_CAST, EXTRACT, POSITION, TRIM, SUBSTRING, OVERLAY, CEIL / FLOOR ... TO, DESCRIPTOR;
 * call arguments (`DISTINCT`, `*`, `name => value`, `TABLE t PARTITION BY k`), and the clauses
 * after a call: IGNORE / RESPECT NULLS, WITHIN GROUP, FILTER, OVER with window frames.
 */
import type { Expr } from "./ast-expr.ts";
import type { FrameBound, OrderItem, WindowFrame, WindowSpec } from "./ast-calls.ts";
import type { SourcePos } from "./errors.ts";
import { ExprParser } from "./parse-expr.ts";
import { BP } from "./tokens.ts";

/** Units of EXTRACT and of CEIL / FLOOR ... TO. */
const DATETIME_UNITS = new Set(
  `MILLENNIUM CENTURY DECADE YEAR QUARTER MONTH WEEK DAY DOW DOY ISODOW ISOYEAR HOUR MINUTE SECOND
  MILLISECOND MICROSECOND NANOSECOND EPOCH`.split(/\s+/),
);

/** Words that begin a clause of a window specification (so they are not a base window name). */
const WINDOW_CLAUSES = new Set(["PARTITION", "ORDER", "ROWS", "RANGE"]);

/** Function call and special-form rules. */
export abstract class CallParser extends ExprParser {
  /** A SQL/JSON function at the current word, or undefined (implemented by the JSON rules). */
  protected abstract parseJsonForm(): Expr | undefined;

  protected override parseSpecialForm(): Expr | undefined {
    const t = this.tok;
    if (t.upper === "CASE") return this.parseCase();
    if (!this.isSymbol("(", 1)) return undefined;
    switch (t.upper) {
      case "CAST":
      case "TRY_CAST":
        return this.parseCast();
      case "EXTRACT":
        return this.parseExtract();
      case "DESCRIPTOR": {
        this.i++;
        return { kind: "descriptor", pos: t.pos, columns: this.parseNameList() };
      }
      case "POSITION":
      case "TRIM":
      case "SUBSTRING":
      case "OVERLAY":
      case "CEIL":
      case "CEILING":
      case "FLOOR":
        return this.parseKeywordArgs(t.upper, t.pos);
    }
    return t.upper.startsWith("JSON_") ? this.parseJsonForm() : undefined;
  }

  private parseCase(): Expr {
    const pos = this.next().pos;
    const operand = this.isWord("WHEN") ? undefined : this.parseExpr();
    const whens = [];
    while (this.isWord("WHEN")) {
      const whenPos = this.next().pos;
      const when = this.parseExpr();
      this.expectWord("THEN");
      whens.push({ pos: whenPos, when, then: this.parseExpr() });
    }
    if (whens.length === 0) this.fail("WHEN");
    const otherwise = this.acceptWord("ELSE") ? this.parseExpr() : undefined;
    if (!this.isWord("END")) this.fail(otherwise ? "END" : "WHEN, ELSE or END");
    this.i++;
    return { kind: "case", pos, operand, whens, else: otherwise };
  }

  private parseCast(): Expr {
    const t = this.next();
    const open = this.next();
    const operand = this.parseExpr();
    this.expectWord("AS");
    const type = this.parseDataType();
    this.expectClose(open);
    return { kind: "cast", pos: t.pos, safe: t.upper === "TRY_CAST", operand, type };
  }

  private parseDatetimeUnit(): string {
    const t = this.tok;
    if (t.type !== "word" || !DATETIME_UNITS.has(t.upper.replace(/S$/, ""))) {
      this.fail("a time unit (YEAR, QUARTER, MONTH, WEEK, DAY, HOUR, MINUTE, SECOND, ...)");
    }
    this.i++;
    return DATETIME_UNITS.has(t.upper) ? t.upper : t.upper.replace(/S$/, "");
  }

  private parseExtract(): Expr {
    const pos = this.next().pos;
    const open = this.next();
    const unit = this.parseDatetimeUnit();
    this.expectWord("FROM");
    const operand = this.parseExpr();
    this.expectClose(open);
    return { kind: "extract", pos, unit, operand };
  }

  /**
   * POSITION, TRIM, SUBSTRING, OVERLAY, CEIL, FLOOR with keywords between their arguments, or
   * undefined (nothing consumed) for their comma forms (`SUBSTRING(s, 1, 2)`, `FLOOR(x)`), which
   * are ordinary calls.
   */
  private parseKeywordArgs(word: string, pos: SourcePos): Expr | undefined {
    const mark = this.i;
    this.i++;
    const open = this.next();
    if (word === "TRIM") {
      const trim = this.parseTrimArgs(pos);
      this.expectClose(open);
      return trim;
    }
    const first = this.parseExpr(word === "POSITION" ? BP.PRED : 0);
    if (this.isSymbol(",") || this.isSymbol(")")) {
      this.i = mark;
      return undefined;
    }
    let result: Expr;
    if (word === "POSITION") {
      const needle = first;
      this.expectWord("IN");
      const haystack = this.parseExpr();
      const from = this.acceptWord("FROM") ? this.parseExpr() : undefined;
      result = { kind: "position", pos, needle, haystack, from };
    } else if (word === "SUBSTRING") {
      const operand = first;
      this.expectWord("FROM");
      const from = this.parseExpr();
      const length = this.acceptWord("FOR") ? this.parseExpr() : undefined;
      result = { kind: "substring", pos, operand, from, for: length };
    } else if (word === "OVERLAY") {
      const operand = first;
      this.expectWord("PLACING");
      const placing = this.parseExpr();
      this.expectWord("FROM");
      const from = this.parseExpr();
      const length = this.acceptWord("FOR") ? this.parseExpr() : undefined;
      result = { kind: "overlay", pos, operand, placing, from, for: length };
    } else {
      const operand = first;
      this.expectWord("TO");
      const unit = this.parseDatetimeUnit();
      result = { kind: "floorCeil", pos, op: word === "FLOOR" ? "FLOOR" : "CEIL", operand, unit };
    }
    this.expectClose(open);
    return result;
  }

  private parseTrimArgs(pos: SourcePos): Expr {
    const side = this.acceptOneOf(["BOTH", "LEADING", "TRAILING"] as const);
    if (side) {
      if (this.acceptWord("FROM")) return { kind: "trim", pos, side, operand: this.parseExpr() };
      const chars = this.parseExpr();
      this.expectWord("FROM");
      return { kind: "trim", pos, side, chars, operand: this.parseExpr() };
    }
    const first = this.parseExpr();
    if (!this.acceptWord("FROM")) return { kind: "trim", pos, side: "BOTH", operand: first };
    return { kind: "trim", pos, side: "BOTH", chars: first, operand: this.parseExpr() };
  }

  protected override parseFunctionCall(name: string[], pos: SourcePos): Expr {
    const open = this.expectSymbol("(");
    let quantifier: "DISTINCT" | "ALL" | undefined;
    let args: Expr[] = [];
    if (!this.isSymbol(")")) {
      if (this.acceptWord("DISTINCT")) quantifier = "DISTINCT";
      else if (this.acceptWord("ALL")) quantifier = "ALL";
      if (this.isSymbol("*") && this.isSymbol(")", 1)) {
        args = [{ kind: "star", pos: this.next().pos, qualifier: [] }];
      } else {
        args = [this.parseCallArg()];
        while (this.acceptSymbol(",")) args.push(this.parseCallArg());
      }
    }
    this.expectClose(open);
    let nullTreatment: "IGNORE" | "RESPECT" | undefined;
    if (this.acceptWords("IGNORE", "NULLS")) nullTreatment = "IGNORE";
    else if (this.acceptWords("RESPECT", "NULLS")) nullTreatment = "RESPECT";
    let withinGroup: OrderItem[] | undefined;
    if (this.acceptWords("WITHIN", "GROUP")) {
      const g = this.expectSymbol("(");
      this.expectWords("ORDER", "BY");
      withinGroup = this.parseOrderItems();
      this.expectClose(g);
    }
    let filter: Expr | undefined;
    if (this.isWord("FILTER") && this.isSymbol("(", 1)) {
      this.i++;
      const f = this.next();
      this.expectWord("WHERE");
      filter = this.parseExpr();
      this.expectClose(f);
    }
    let over: WindowSpec | { kind: "windowRef"; pos: SourcePos; name: string } | undefined;
    if (this.acceptWord("OVER")) {
      over = this.isSymbol("(")
        ? this.parseWindowSpec()
        : { kind: "windowRef", pos: this.here, name: this.parseIdentifier("a window name or '('") };
    }
    return { kind: "call", pos, name, args, quantifier, nullTreatment, withinGroup, filter, over };
  }

  /**
   * One argument: an expression, a query, `name => value`, or
   * `TABLE t [PARTITION BY ..] [ORDER BY ..]`.
   */
  protected parseCallArg(): Expr {
    const t = this.tok;
    if ((t.type === "word" || t.type === "quoted") && this.isSymbol("=>", 1)) {
      this.i += 2;
      return { kind: "namedArg", pos: t.pos, name: t.value, value: this.parseCallArg() };
    }
    if (this.isWord("TABLE")) {
      // Keys of a table argument are one item or a parenthesized list, as commas separate
      // the call's arguments: `TABLE t PARTITION BY (a, b) ORDER BY ts, DESCRIPTOR(ts)`.
      this.i++;
      const table = this.parseCompoundName("a table name");
      let partitionBy: Expr[] = [];
      let orderBy: OrderItem[] = [];
      if (this.acceptWords("PARTITION", "BY")) {
        partitionBy = this.inParensOrOne(() => this.parseExpr());
      }
      if (this.acceptWords("ORDER", "BY"))
        orderBy = this.inParensOrOne(() => this.parseOrderItem());
      return { kind: "tableArg", pos: t.pos, table, partitionBy, orderBy };
    }
    if (this.isWord("SELECT") || this.isWord("WITH") || this.isWord("VALUES")) {
      // A query as the argument: ARRAY(SELECT ...), MULTISET(SELECT ...).
      return { kind: "subquery", pos: t.pos, query: this.parseQuery() };
    }
    return this.parseExpr();
  }

  /** `(item, item, ...)` or a single `item`. */
  private inParensOrOne<T>(item: () => T): T[] {
    if (!this.isSymbol("(")) return [item()];
    const open = this.next();
    const items = [item()];
    while (this.acceptSymbol(",")) items.push(item());
    this.expectClose(open);
    return items;
  }

  /** `item, item, ...` of ORDER BY. */
  parseOrderItems(): OrderItem[] {
    const items = [this.parseOrderItem()];
    while (this.acceptSymbol(",")) items.push(this.parseOrderItem());
    return items;
  }

  private parseOrderItem(): OrderItem {
    const pos = this.here;
    const expr = this.parseExpr();
    const direction = this.acceptOneOf(["ASC", "DESC"] as const);
    let nulls: "FIRST" | "LAST" | undefined;
    if (this.acceptWord("NULLS")) {
      nulls = this.acceptOneOf(["FIRST", "LAST"] as const);
      if (!nulls) this.fail("FIRST or LAST after NULLS");
    }
    return { pos, expr, direction, nulls };
  }

  /** `([base] [PARTITION BY ...] [ORDER BY ...] [ROWS | RANGE ...])`. */
  parseWindowSpec(): WindowSpec {
    const open = this.expectSymbol("(");
    const pos = open.pos;
    let base: string | undefined;
    if (this.isIdentifier() && !WINDOW_CLAUSES.has(this.tok.upper)) base = this.next().value;
    const partitionBy = this.acceptWords("PARTITION", "BY") ? this.parseExprList() : [];
    const orderBy = this.acceptWords("ORDER", "BY") ? this.parseOrderItems() : [];
    const frame = this.isWord("ROWS") || this.isWord("RANGE") ? this.parseFrame() : undefined;
    if (!this.acceptSymbol(")")) {
      const allowed = frame
        ? ""
        : orderBy.length > 0
          ? "ROWS, RANGE or "
          : partitionBy.length > 0
            ? "ORDER BY, ROWS, RANGE or "
            : "PARTITION BY, ORDER BY, ROWS, RANGE or ";
      this.fail(`${allowed}')' to close the window at line ${pos.line}, column ${pos.column}`);
    }
    return { kind: "windowSpec", pos, base, partitionBy, orderBy, frame };
  }

  private parseFrame(): WindowFrame {
    const t = this.next();
    const unit = t.upper === "ROWS" ? "ROWS" : "RANGE";
    if (!this.acceptWord("BETWEEN")) return { pos: t.pos, unit, start: this.parseFrameBound() };
    const start = this.parseFrameBound();
    this.expectWord("AND");
    const end = this.parseFrameBound();
    return { pos: t.pos, unit, start, end };
  }

  private parseFrameBound(): FrameBound {
    const pos = this.here;
    if (this.acceptWords("UNBOUNDED", "PRECEDING")) return { pos, kind: "unboundedPreceding" };
    if (this.acceptWords("UNBOUNDED", "FOLLOWING")) return { pos, kind: "unboundedFollowing" };
    if (this.acceptWords("CURRENT", "ROW")) return { pos, kind: "currentRow" };
    if (this.isWord("UNBOUNDED")) {
      this.i++;
      this.fail("PRECEDING or FOLLOWING after UNBOUNDED");
    }
    const offset = this.parseExpr(BP.AND);
    const dir = this.acceptOneOf(["PRECEDING", "FOLLOWING"] as const);
    if (!dir) this.fail("PRECEDING or FOLLOWING");
    return { pos, kind: dir === "PRECEDING" ? "preceding" : "following", offset };
  }
}
