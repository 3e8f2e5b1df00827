/**
 * Literal rules with a syntax of their own: `DATE '...'`, `TIME '...'`, `TIMESTAMP '...'`,
 * `TIMESTAMP WITH LOCAL TIME ZONE '...'` and `INTERVAL [-]'...' qualifier`, each checked against
 * the shape its type requires, so a bad value is reported where it is written.
 */
import type { Expr, IntervalExpr, LiteralExpr, LiteralType } from "./ast-expr.ts";
import type { IntervalQualifier } from "./ast-types.ts";
import type { SourcePos } from "./errors.ts";
import { TypeParser } from "./parse-types.ts";
import type { Token } from "./tokens.ts";

/** Expected shapes of interval strings, by qualifier. */
const INTERVAL_FORMATS: Readonly<Record<string, [RegExp, string]>> = {
  YEAR: [/^[+-]?\d+$/, "'2'"],
  MONTH: [/^[+-]?\d+$/, "'3'"],
  DAY: [/^[+-]?\d+$/, "'10'"],
  HOUR: [/^[+-]?\d+$/, "'10'"],
  MINUTE: [/^[+-]?\d+$/, "'10'"],
  SECOND: [/^[+-]?\d+(\.\d+)?$/, "'10' or '0.001'"],
  "YEAR-MONTH": [/^[+-]?\d+-\d+$/, "'1-2' (years-months)"],
  "DAY-HOUR": [/^[+-]?\d+\s+\d+$/, "'1 12' (days hours)"],
  "DAY-MINUTE": [/^[+-]?\d+\s+\d+:\d+$/, "'1 12:30' (days hours:minutes)"],
  "DAY-SECOND": [/^[+-]?\d+\s+\d+:\d+:\d+(\.\d+)?$/, "'1 12:30:00.000' (days hh:mm:ss.fff)"],
  "HOUR-MINUTE": [/^[+-]?\d+:\d+$/, "'12:30' (hours:minutes)"],
  "HOUR-SECOND": [/^[+-]?\d+:\d+:\d+(\.\d+)?$/, "'12:30:00' (hh:mm:ss)"],
  "MINUTE-SECOND": [/^[+-]?\d+:\d+(\.\d+)?$/, "'30:00' (mm:ss)"],
};

/** Expected shapes of DATE / TIME / TIMESTAMP literal strings. */
const DATETIME_FORMATS: Readonly<Record<string, [RegExp, string]>> = {
  date: [/^\d{1,4}-\d{1,2}-\d{1,2}$/, "'yyyy-mm-dd'"],
  time: [/^\d{1,2}:\d{1,2}(:\d{1,2}(\.\d{1,9})?)?$/, "'hh:mm:ss[.fff]'"],
  timestamp: [
    /^\d{1,4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{1,2}(:\d{1,2}(\.\d{1,9})?)?)?$/,
    "'yyyy-mm-dd hh:mm:ss[.fff]'",
  ],
};

/** Typed literal rules. */
export abstract class LiteralParser extends TypeParser {
  /** Builds a literal node. */
  protected literal(pos: SourcePos, type: LiteralType, value: string, text: string): LiteralExpr {
    return { kind: "literal", pos, type, value, text };
  }

  /** `DATE | TIME | TIMESTAMP [WITH LOCAL TIME ZONE] | TIMESTAMP_LTZ 'text'` (the type word is `t`). */
  protected parseDatetimeLiteral(t: Token): Expr {
    let type: LiteralType = t.upper === "DATE" ? "date" : t.upper === "TIME" ? "time" : "timestamp";
    if (t.upper === "TIMESTAMP_LTZ") type = "timestampLtz";
    this.i++;
    if (this.acceptWords("WITH", "LOCAL", "TIME", "ZONE")) type = "timestampLtz";
    const strTok = this.tok;
    const value = this.parseString();
    const [pattern, example] = DATETIME_FORMATS[type === "timestampLtz" ? "timestamp" : type]!;
    if (!pattern.test(value.trim())) {
      throw this.errorAt(strTok.pos, `invalid ${t.upper} literal '${value}': expected ${example}`);
    }
    const text = this.sql.slice(t.pos.offset, this.peek(-1).end);
    return this.literal(t.pos, type, value, text);
  }

  /** `INTERVAL [-|+] 'value' qualifier` (the INTERVAL word is current). */
  protected parseIntervalLiteral(): IntervalExpr {
    const pos = this.next().pos;
    let negative = false;
    if (this.acceptSymbol("-")) negative = true;
    else this.acceptSymbol("+");
    const valueTok = this.tok;
    let value: string;
    if (valueTok.type === "string") value = this.parseString();
    else if (valueTok.type === "integer") value = this.next().text;
    else return this.fail("an interval value in quotes, like '10'");
    const qualifier = this.parseIntervalQualifier();
    this.checkIntervalValue(valueTok, value, qualifier);
    return { kind: "interval", pos, negative, value, qualifier };
  }

  private checkIntervalValue(at: Token, value: string, q: IntervalQualifier): void {
    const key = q.end ? `${q.start}-${q.end}` : q.start;
    const [pattern, example] = INTERVAL_FORMATS[key]!;
    if (pattern.test(value.trim())) return;
    const name = q.end ? `${q.start} TO ${q.end}` : q.start;
    throw this.errorAt(
      at.pos,
      `invalid interval value '${value}' for INTERVAL ... ${name}: expected a value like ${example}`,
    );
  }
}
