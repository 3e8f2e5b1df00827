/**
 * MATCH_RECOGNIZE: `input MATCH_RECOGNIZE (PARTITION BY .. ORDER BY .. MEASURES ..
 * ONE ROW PER MATCH | ALL ROWS PER MATCH, AFTER MATCH SKIP .., PATTERN (..) [WITHIN ..],
 * SUBSET .., DEFINE ..)`, with row patterns as regular expressions over variables: sequences,
 * `|` alternatives, groups and the quantifiers `* + ? {n} {n,} {n,m} {,m}`, each optionally
 * reluctant (a trailing `?`).
 */
import type {
  AfterMatchSkip,
  MatchRecognizeRef,
  MeasureItem,
  PatternDefine,
  PatternNode,
  PatternSubset,
  TableRef,
} from "./ast-query.ts";
import type { Expr } from "./ast-expr.ts";
import type { OrderItem } from "./ast-calls.ts";
import { JsonParser } from "./parse-json.ts";

/** MATCH_RECOGNIZE rules. */
export abstract class MatchParser extends JsonParser {
  /** The MATCH_RECOGNIZE clause applied to `input` (the MATCH_RECOGNIZE word is current). */
  protected parseMatchRecognize(
    input: TableRef,
  ): Omit<MatchRecognizeRef, "alias" | "columnAliases"> {
    const pos = this.next().pos;
    const open = this.expectSymbol("(");
    let partitionBy: Expr[] = [];
    let orderBy: OrderItem[] = [];
    const measures: MeasureItem[] = [];
    if (this.acceptWords("PARTITION", "BY")) partitionBy = this.parseExprList();
    if (this.acceptWords("ORDER", "BY")) orderBy = this.parseOrderItems();
    if (this.acceptWord("MEASURES")) {
      do {
        const itemPos = this.here;
        const expr = this.parseExpr();
        this.expectWord("AS");
        measures.push({ pos: itemPos, expr, alias: this.parseIdentifier("a measure name") });
      } while (this.acceptSymbol(","));
    }
    let rowsPerMatch: "ONE" | "ALL" | undefined;
    if (this.acceptWords("ONE", "ROW", "PER", "MATCH")) rowsPerMatch = "ONE";
    else if (this.acceptWords("ALL", "ROWS", "PER", "MATCH")) rowsPerMatch = "ALL";
    const afterMatch = this.acceptWords("AFTER", "MATCH") ? this.parseAfterMatchSkip() : undefined;
    if (!this.isWord("PATTERN")) {
      this.fail(
        measures.length > 0 || rowsPerMatch || afterMatch
          ? "PATTERN"
          : "PARTITION BY, ORDER BY, MEASURES, ONE ROW PER MATCH, ALL ROWS PER MATCH, AFTER MATCH or PATTERN",
      );
    }
    this.i++;
    const patOpen = this.expectSymbol("(");
    const pattern = this.parsePatternAlternation();
    this.expectClose(patOpen);
    let within: Expr | undefined;
    if (this.acceptWord("WITHIN")) {
      if (!this.isWord("INTERVAL")) this.fail("an interval (INTERVAL '...' unit)");
      within = this.parseIntervalLiteral();
    }
    const subsets: PatternSubset[] = [];
    if (this.acceptWord("SUBSET")) {
      do {
        const subsetPos = this.here;
        const name = this.parseIdentifier("a subset name");
        this.expectSymbol("=");
        subsets.push({ pos: subsetPos, name, variables: this.parseNameList("a pattern variable") });
      } while (this.acceptSymbol(","));
    }
    const defines: PatternDefine[] = [];
    this.expectWord("DEFINE");
    do {
      const definePos = this.here;
      const variable = this.parseIdentifier("a pattern variable");
      this.expectWord("AS");
      defines.push({ pos: definePos, variable, condition: this.parseExpr() });
    } while (this.acceptSymbol(","));
    this.expectClose(open);
    return {
      kind: "matchRecognize",
      pos,
      input,
      partitionBy,
      orderBy,
      measures,
      rowsPerMatch,
      afterMatch,
      pattern,
      within,
      subsets,
      defines,
    };
  }

  /** After `AFTER MATCH`: `SKIP PAST LAST ROW | TO NEXT ROW | TO FIRST v | TO LAST v | TO v`. */
  private parseAfterMatchSkip(): AfterMatchSkip {
    this.expectWord("SKIP");
    if (this.acceptWords("PAST", "LAST", "ROW")) return { kind: "pastLastRow" };
    this.expectWord("TO");
    if (this.acceptWords("NEXT", "ROW")) return { kind: "toNextRow" };
    if (this.isWord("FIRST") && this.isIdentifier(1)) {
      this.i++;
      return { kind: "toFirst", variable: this.parseIdentifier("a pattern variable") };
    }
    if (this.isWord("LAST") && this.isIdentifier(1)) {
      this.i++;
      return { kind: "toLast", variable: this.parseIdentifier("a pattern variable") };
    }
    return {
      kind: "to",
      variable: this.parseIdentifier("NEXT ROW, FIRST, LAST or a pattern variable"),
    };
  }

  private parsePatternAlternation(): PatternNode {
    const pos = this.here;
    const alternatives = [this.parsePatternSequence()];
    while (this.acceptSymbol("|")) alternatives.push(this.parsePatternSequence());
    return alternatives.length === 1 ? alternatives[0]! : { kind: "patternAlt", pos, alternatives };
  }

  private parsePatternSequence(): PatternNode {
    const pos = this.here;
    const items = [this.parsePatternFactor()];
    while (this.isIdentifier() || this.isSymbol("(")) items.push(this.parsePatternFactor());
    return items.length === 1 ? items[0]! : { kind: "patternSeq", pos, items };
  }

  private parsePatternFactor(): PatternNode {
    const pos = this.here;
    let node: PatternNode;
    if (this.isSymbol("(")) {
      const open = this.next();
      node = this.parsePatternAlternation();
      this.expectClose(open);
    } else {
      node = { kind: "patternVar", pos, name: this.parseIdentifier("a pattern variable or '('") };
    }
    let min: number;
    let max: number | undefined;
    if (this.acceptSymbol("*")) {
      min = 0;
    } else if (this.acceptSymbol("+")) {
      min = 1;
    } else if (this.acceptSymbol("?")) {
      min = 0;
      max = 1;
    } else if (this.isSymbol("{")) {
      const open = this.next();
      min = this.tok.type === "integer" ? this.parseSmallInt("a repetition count") : 0;
      if (this.acceptSymbol(",")) {
        if (this.tok.type === "integer") max = this.parseSmallInt("a repetition count");
      } else {
        if (this.peek(-1) === open) this.fail("a repetition count");
        max = min;
      }
      if (!this.acceptSymbol("}")) this.fail("'}'");
      if (max !== undefined && max < min) {
        throw this.errorAt(
          open.pos,
          `invalid quantifier: the maximum ${max} is below the minimum ${min}`,
        );
      }
    } else {
      return node;
    }
    const reluctant = this.acceptSymbol("?");
    return { kind: "patternQuant", pos, pattern: node, min, max, reluctant };
  }
}
