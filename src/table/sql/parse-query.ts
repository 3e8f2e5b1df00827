/**
 * Query rules: WITH, set operations (INTERSECT binds tighter than UNION / EXCEPT / MINUS, all
 * left-associative), parenthesized queries, SELECT with its clauses (hints, DISTINCT, select list,
 * FROM, WHERE, GROUP BY with GROUPING SETS / ROLLUP / CUBE, HAVING, WINDOW, QUALIFY), VALUES,
 * `TABLE t`, and ORDER BY / LIMIT / OFFSET / FETCH FIRST.
 */
import type { Expr } from "./ast-expr.ts";
import type { OrderItem } from "./ast-calls.ts";
import type {
  Cte,
  GroupingElement,
  NamedWindow,
  Query,
  SelectItem,
  SelectQuery,
} from "./ast-query.ts";
import { FromParser } from "./parse-from.ts";

/** What may start a query, for error messages. */
const QUERY_START = "SELECT, VALUES, WITH or '('";

/** Query rules. */
export abstract class QueryParser extends FromParser {
  /** A full query: `[WITH ...] set-expression [ORDER BY ...] [LIMIT ...] [OFFSET ...] [FETCH ...]`. */
  override parseQuery(): Query {
    const pos = this.here;
    if (this.acceptWord("WITH")) {
      const ctes = [this.parseCte()];
      while (this.acceptSymbol(",")) ctes.push(this.parseCte());
      return { kind: "with", pos, ctes, body: this.parseQuery() };
    }
    const body = this.parseSetExpression();
    return this.parseOrderAndLimit(body);
  }

  private parseCte(): Cte {
    const pos = this.here;
    const name = this.parseIdentifier("a name for the WITH query");
    const columns = this.isSymbol("(") ? this.parseNameList() : undefined;
    this.expectWord("AS");
    return { pos, name, columns, query: this.parseParenthesizedQuery() };
  }

  private parseOrderAndLimit(query: Query): Query {
    let orderBy: OrderItem[] = [];
    let limit: Expr | undefined;
    let offset: Expr | undefined;
    if (this.acceptWord("ORDER")) {
      this.expectWord("BY");
      orderBy = this.parseOrderItems();
    }
    for (;;) {
      const at = this.here;
      if (this.acceptWord("LIMIT")) {
        if (limit) throw this.errorAt(at, "LIMIT / FETCH is given twice");
        limit = this.parseExpr();
      } else if (this.acceptWord("OFFSET")) {
        if (offset) throw this.errorAt(at, "OFFSET is given twice");
        offset = this.parseExpr();
        this.acceptOneOf(["ROW", "ROWS"] as const);
      } else if (this.acceptWord("FETCH")) {
        if (limit) throw this.errorAt(at, "LIMIT / FETCH is given twice");
        if (!this.acceptOneOf(["FIRST", "NEXT"] as const)) this.fail("FIRST or NEXT after FETCH");
        limit = this.parseExpr();
        if (!this.acceptOneOf(["ROW", "ROWS"] as const)) this.fail("ROWS");
        this.expectWord("ONLY");
      } else {
        break;
      }
    }
    if (orderBy.length === 0 && !limit && !offset) return query;
    return { kind: "ordered", pos: query.pos, query, orderBy, limit, offset };
  }

  /** UNION / EXCEPT / MINUS level. */
  private parseSetExpression(): Query {
    let left = this.parseIntersectTerm();
    for (;;) {
      const op = this.acceptOneOf(["UNION", "EXCEPT", "MINUS"] as const);
      if (!op) return left;
      const all = this.parseSetQuantifier();
      const right = this.parseIntersectTerm();
      left = { kind: "setOp", pos: left.pos, op: op === "MINUS" ? "EXCEPT" : op, all, left, right };
    }
  }

  /** INTERSECT level. */
  private parseIntersectTerm(): Query {
    let left = this.parseQueryPrimary();
    while (this.acceptWord("INTERSECT")) {
      const all = this.parseSetQuantifier();
      const right = this.parseQueryPrimary();
      left = { kind: "setOp", pos: left.pos, op: "INTERSECT", all, left, right };
    }
    return left;
  }

  private parseSetQuantifier(): boolean {
    if (this.acceptWord("ALL")) return true;
    this.acceptWord("DISTINCT");
    return false;
  }

  private parseQueryPrimary(): Query {
    const t = this.tok;
    if (this.isWord("SELECT")) return this.parseSelect();
    if (this.isWord("VALUES")) return this.parseValues();
    if (this.isWord("TABLE") && this.isIdentifier(1)) {
      this.i++;
      return { kind: "explicitTable", pos: t.pos, name: this.parseCompoundName("a table name") };
    }
    if (this.isSymbol("(")) {
      const open = this.next();
      const query = this.parseQuery();
      this.expectClose(open);
      return query;
    }
    return this.fail(QUERY_START);
  }

  private parseValues(): Query {
    const pos = this.next().pos;
    const rows: Expr[][] = [];
    do {
      const row = this.parseExpr();
      rows.push(row.kind === "row" ? [...row.fields] : [row]);
    } while (this.acceptSymbol(","));
    return { kind: "values", pos, rows };
  }

  private parseSelect(): SelectQuery {
    const pos = this.next().pos;
    const hints = this.tok.type === "hintStart" ? this.parseHints() : [];
    let distinct = false;
    if (this.acceptWord("DISTINCT")) distinct = true;
    else this.acceptWord("ALL");
    const items = [this.parseSelectItem()];
    while (this.acceptSymbol(",")) items.push(this.parseSelectItem());
    const from = this.acceptWord("FROM") ? this.parseFromList() : undefined;
    const where = this.acceptWord("WHERE") ? this.parseExpr() : undefined;
    let groupBy: GroupingElement[] | undefined;
    if (this.acceptWord("GROUP")) {
      this.expectWord("BY");
      groupBy = [this.parseGroupingElement()];
      while (this.acceptSymbol(",")) groupBy.push(this.parseGroupingElement());
    }
    const having = this.acceptWord("HAVING") ? this.parseExpr() : undefined;
    const windows: NamedWindow[] = [];
    if (this.acceptWord("WINDOW")) {
      do {
        const wpos = this.here;
        const name = this.parseIdentifier("a window name");
        this.expectWord("AS");
        windows.push({ pos: wpos, name, spec: this.parseWindowSpec() });
      } while (this.acceptSymbol(","));
    }
    const qualify = this.acceptWord("QUALIFY") ? this.parseExpr() : undefined;
    return {
      kind: "select",
      pos,
      hints,
      distinct,
      items,
      from,
      where,
      groupBy,
      having,
      windows,
      qualify,
    };
  }

  private parseSelectItem(): SelectItem {
    const pos = this.here;
    if (this.isSymbol("*")) {
      this.i++;
      return { pos, expr: { kind: "star", pos, qualifier: [] } };
    }
    const expr = this.parseExpr();
    if (expr.kind === "star") return { pos, expr };
    let alias: string | undefined;
    if (this.acceptWord("AS")) {
      alias = this.parseIdentifier("an alias");
    } else if (this.isImplicitAlias()) {
      alias = this.next().value;
    }
    return { pos, expr, alias };
  }

  private parseGroupingElement(): GroupingElement {
    const pos = this.here;
    if (this.isWords("GROUPING", "SETS")) {
      this.i += 2;
      const open = this.expectSymbol("(");
      const sets = [this.parseGroupingElement()];
      while (this.acceptSymbol(",")) sets.push(this.parseGroupingElement());
      this.expectClose(open);
      return { kind: "groupingSets", pos, sets };
    }
    if ((this.isWord("ROLLUP") || this.isWord("CUBE")) && this.isSymbol("(", 1)) {
      const kind = this.next().upper === "ROLLUP" ? "rollup" : "cube";
      const open = this.next();
      const exprs = this.parseExprList();
      this.expectClose(open);
      return { kind, pos, exprs };
    }
    if (this.isSymbol("(") && this.isSymbol(")", 1)) {
      this.i += 2;
      return { kind: "row", pos, fields: [], explicit: false };
    }
    return this.parseExpr();
  }
}
