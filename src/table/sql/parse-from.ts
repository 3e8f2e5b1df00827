/**
 * FROM clause rules: table names with hints, `FOR SYSTEM_TIME AS OF` and aliases, subqueries,
 * `[LATERAL] TABLE(f(...))` (window TVFs, table functions), UNNEST, parenthesized joins,
 * MATCH_RECOGNIZE, and joins: comma, [INNER], LEFT / RIGHT / FULL [OUTER], CROSS, NATURAL, with
 * ON or USING. Also the hint comments shared with SELECT and INSERT.
 */
import type { Hint, HintOption, JoinType, TableRef } from "./ast-query.ts";
import { MatchParser } from "./parse-match.ts";

/** What may start a FROM item, for error messages. */
const TABLE_REF = "a table name, '(', LATERAL, TABLE(...) or UNNEST(...)";

/** FROM clause rules. */
export abstract class FromParser extends MatchParser {
  /** The FROM list: joined tables separated by commas (comma joins). */
  protected parseFromList(): TableRef {
    let left = this.parseJoinedTable();
    while (this.isSymbol(",")) {
      this.i++;
      const right = this.parseJoinedTable();
      left = {
        kind: "join",
        pos: left.pos,
        joinType: "CROSS",
        natural: false,
        comma: true,
        left,
        right,
      };
    }
    return left;
  }

  /** A table item followed by any number of JOIN clauses (left-deep). */
  protected parseJoinedTable(): TableRef {
    let left = this.parseTableItem();
    for (;;) {
      const natural = this.acceptWord("NATURAL");
      let joinType: JoinType | undefined;
      if (this.acceptWord("CROSS")) joinType = "CROSS";
      else if (this.acceptWord("INNER")) joinType = "INNER";
      else {
        const side = this.acceptOneOf(["LEFT", "RIGHT", "FULL"] as const);
        if (side) {
          this.acceptWord("OUTER");
          joinType = side;
        }
      }
      if (joinType === undefined && this.isWord("JOIN")) joinType = "INNER";
      if (joinType === undefined) {
        if (natural) this.fail("JOIN, INNER, LEFT, RIGHT or FULL after NATURAL");
        return left;
      }
      this.expectWord("JOIN");
      const right = this.parseTableItem();
      let on;
      let using: string[] | undefined;
      if (joinType !== "CROSS" && !natural) {
        if (this.acceptWord("ON")) on = this.parseExpr();
        else if (this.acceptWord("USING")) using = this.parseNameList();
        else this.fail("ON or USING");
      }
      left = {
        kind: "join",
        pos: left.pos,
        joinType,
        natural,
        comma: false,
        left,
        right,
        on,
        using,
      };
    }
  }

  /** A table primary with an optional MATCH_RECOGNIZE and alias. */
  protected parseTableItem(): TableRef {
    let ref = this.parseTablePrimary();
    if (this.isWord("MATCH_RECOGNIZE")) {
      const match = this.parseMatchRecognize(ref);
      ref = { ...match, ...this.parseAlias() };
    }
    return ref;
  }

  /** `[AS] alias [(c1, c2)]`, if present. */
  protected parseAlias(): { alias?: string; columnAliases?: string[] } {
    let alias: string | undefined;
    if (this.acceptWord("AS")) alias = this.parseIdentifier("an alias");
    else if (this.isImplicitAlias()) alias = this.next().value;
    if (alias === undefined) return {};
    const columnAliases = this.isSymbol("(") ? this.parseNameList() : undefined;
    return { alias, columnAliases };
  }

  private parseTablePrimary(): TableRef {
    const t = this.tok;
    const pos = t.pos;
    if (this.isWord("LATERAL")) {
      this.i++;
      if (this.isWord("TABLE")) return this.parseTableFunction(pos, true);
      if (!this.isSymbol("(")) this.fail("TABLE(...) or '(' after LATERAL");
      const query = this.parseParenthesizedQuery();
      return { kind: "subqueryRef", pos, lateral: true, query, ...this.parseAlias() };
    }
    if (this.isWord("TABLE") && this.isSymbol("(", 1)) return this.parseTableFunction(pos, false);
    if (this.isWord("UNNEST") && this.isSymbol("(", 1)) {
      this.i++;
      const open = this.next();
      const args = this.parseExprList();
      this.expectClose(open);
      const withOrdinality = this.acceptWords("WITH", "ORDINALITY");
      return { kind: "unnest", pos, args, withOrdinality, ...this.parseAlias() };
    }
    if (this.isSymbol("(")) {
      const open = this.next();
      const query = this.parseQueryInParens(open);
      if (query) return { kind: "subqueryRef", pos, lateral: false, query, ...this.parseAlias() };
      const inner = this.parseFromList();
      this.expectClose(open);
      return inner;
    }
    if (!this.isIdentifier()) this.fail(TABLE_REF);
    const name = this.parseCompoundName("a table name");
    const hints = this.tok.type === "hintStart" ? this.parseHints() : [];
    let systemTime;
    if (this.acceptWords("FOR", "SYSTEM_TIME")) {
      this.expectWords("AS", "OF");
      systemTime = this.parseExpr();
    }
    return { kind: "table", pos, name, hints, systemTime, ...this.parseAlias() };
  }

  /** `TABLE(call)` after an optional LATERAL (the TABLE word is current). */
  private parseTableFunction(pos: TableRef["pos"], lateral: boolean): TableRef {
    this.expectWord("TABLE");
    const open = this.expectSymbol("(");
    const call = this.parseExpr();
    if (call.kind !== "call") {
      throw this.errorAt(call.pos, "expected a table function call inside TABLE(...)");
    }
    this.expectClose(open);
    return { kind: "tableFunction", pos, lateral, call, ...this.parseAlias() };
  }

  /** `/*+ NAME(options), NAME2 *\/` (the hint start is current). */
  protected parseHints(): Hint[] {
    this.next();
    const hints: Hint[] = [];
    do {
      const t = this.tok;
      if (t.type !== "word" && t.type !== "quoted") this.fail("a hint name");
      this.i++;
      const options: HintOption[] = [];
      if (this.isSymbol("(")) {
        const open = this.next();
        if (!this.isSymbol(")")) {
          do options.push(this.parseHintOption());
          while (this.acceptSymbol(","));
        }
        this.expectClose(open);
      }
      hints.push({ pos: t.pos, name: t.type === "word" ? t.upper : t.value, options });
    } while (this.acceptSymbol(","));
    if (this.tok.type !== "hintEnd") this.fail("',' or the end of the hint '*/'");
    this.i++;
    return hints;
  }

  private parseHintOption(): HintOption {
    const t = this.tok;
    let value: string;
    if (t.type === "string") value = this.next().value;
    else if (t.type === "word" || t.type === "quoted") value = this.parseCompoundName().join(".");
    else if (t.type === "integer" || t.type === "decimal") value = this.next().text;
    else return this.fail("a hint option ('key' = 'value', a name or a string)");
    if (!this.acceptSymbol("=")) return { pos: t.pos, value };
    const v = this.tok;
    if (v.type !== "string" && v.type !== "integer" && v.type !== "decimal" && v.type !== "word") {
      this.fail("a hint option value");
    }
    this.i++;
    return { pos: t.pos, key: value, value: v.value };
  }
}
