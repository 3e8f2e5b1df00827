/**
 * The SQL/JSON functions, whose arguments carry keyword clauses: JSON_VALUE (RETURNING,
 * ON EMPTY / ON ERROR), JSON_QUERY (wrappers), JSON_EXISTS, JSON_OBJECT (KEY ... VALUE ...),
 * JSON_ARRAY, JSON_OBJECTAGG, JSON_ARRAYAGG (NULL / ABSENT ON NULL).
 */
import type { Expr } from "./ast-expr.ts";
import type {
  JsonNullBehavior,
  JsonQueryBehavior,
  JsonValueBehavior,
  KeyValue,
  OrderItem,
} from "./ast-calls.ts";
import { CallParser } from "./parse-calls.ts";
import type { Token } from "./tokens.ts";

/** SQL/JSON function rules. */
export abstract class JsonParser extends CallParser {
  protected override parseJsonForm(): Expr | undefined {
    const t = this.tok;
    switch (t.upper) {
      case "JSON_VALUE":
      case "JSON_QUERY":
      case "JSON_EXISTS":
        return this.parseJsonPathFunction(t);
      case "JSON_OBJECT":
      case "JSON_ARRAY":
      case "JSON_OBJECTAGG":
      case "JSON_ARRAYAGG":
        return this.parseJsonConstructor(t);
    }
    return undefined;
  }

  /** JSON_VALUE, JSON_QUERY and JSON_EXISTS: `(json, path ...)`. */
  private parseJsonPathFunction(t: Token): Expr {
    const pos = t.pos;
    this.i++;
    const open = this.next();
    const operand = this.parseExpr();
    this.expectSymbol(",");
    const path = this.parseExpr();
    let result: Expr;
    if (t.upper === "JSON_EXISTS") {
      let onError: "TRUE" | "FALSE" | "UNKNOWN" | "ERROR" | undefined;
      if (!this.isSymbol(")")) {
        onError = this.acceptOneOf(["TRUE", "FALSE", "UNKNOWN", "ERROR"] as const);
        if (!onError) this.fail("TRUE, FALSE, UNKNOWN or ERROR ON ERROR, or ')'");
        this.expectWords("ON", "ERROR");
      }
      result = { kind: "jsonExists", pos, operand, path, onError };
    } else {
      const returning = this.acceptWord("RETURNING") ? this.parseDataType() : undefined;
      result =
        t.upper === "JSON_VALUE"
          ? { kind: "jsonValue", pos, operand, path, returning, ...this.parseValueBehaviors() }
          : { kind: "jsonQuery", pos, operand, path, returning, ...this.parseQueryTail() };
    }
    this.expectClose(open);
    return result;
  }

  /** `[NULL | ERROR | DEFAULT expr ON EMPTY] [NULL | ERROR | DEFAULT expr ON ERROR]`. */
  private parseValueBehaviors(): { onEmpty?: JsonValueBehavior; onError?: JsonValueBehavior } {
    const out: { onEmpty?: JsonValueBehavior; onError?: JsonValueBehavior } = {};
    for (;;) {
      const behavior = this.acceptOneOf(["NULL", "ERROR", "DEFAULT"] as const);
      if (!behavior) return out;
      const value = behavior === "DEFAULT" ? this.parseExpr() : undefined;
      this.setBehavior(out, { behavior, value });
    }
  }

  /** Reads `ON EMPTY` / `ON ERROR` and stores `value` there, refusing a second one. */
  private setBehavior<T>(out: { onEmpty?: T; onError?: T }, value: T): void {
    this.expectWord("ON");
    const at = this.here;
    const target = this.acceptOneOf(["EMPTY", "ERROR"] as const);
    if (!target) this.fail("EMPTY or ERROR after ON");
    const key = target === "EMPTY" ? "onEmpty" : "onError";
    if (out[key] !== undefined) throw this.errorAt(at, `ON ${target} is given twice`);
    out[key] = value;
  }

  /** JSON_QUERY's wrapper and `ON EMPTY` / `ON ERROR` clauses. */
  private parseQueryTail(): {
    wrapper?: "WITHOUT" | "CONDITIONAL" | "UNCONDITIONAL";
    onEmpty?: JsonQueryBehavior;
    onError?: JsonQueryBehavior;
  } {
    let wrapper: "WITHOUT" | "CONDITIONAL" | "UNCONDITIONAL" | undefined;
    if (this.acceptWord("WITHOUT")) {
      this.acceptWord("ARRAY");
      this.expectWord("WRAPPER");
      wrapper = "WITHOUT";
    } else if (this.acceptWord("WITH")) {
      wrapper = this.acceptWord("CONDITIONAL") ? "CONDITIONAL" : "UNCONDITIONAL";
      if (wrapper === "UNCONDITIONAL") this.acceptWord("UNCONDITIONAL");
      this.acceptWord("ARRAY");
      this.expectWord("WRAPPER");
    }
    const out: { onEmpty?: JsonQueryBehavior; onError?: JsonQueryBehavior } = {};
    for (;;) {
      let behavior: JsonQueryBehavior | undefined = this.acceptOneOf(["NULL", "ERROR"] as const);
      if (!behavior && this.acceptWord("EMPTY")) {
        const what = this.acceptOneOf(["ARRAY", "OBJECT"] as const);
        if (!what) this.fail("ARRAY or OBJECT after EMPTY");
        behavior = what === "ARRAY" ? "EMPTY ARRAY" : "EMPTY OBJECT";
      }
      if (!behavior) return { wrapper, ...out };
      this.setBehavior(out, behavior);
    }
  }

  /** `NULL ON NULL` / `ABSENT ON NULL`, if next. */
  private acceptOnNull(): JsonNullBehavior | undefined {
    if (this.acceptWords("NULL", "ON", "NULL")) return "NULL";
    if (this.acceptWords("ABSENT", "ON", "NULL")) return "ABSENT";
    return undefined;
  }

  /** `[KEY] k VALUE v` (`KEY` is a keyword only when a key expression follows it). */
  private parseKeyValue(): KeyValue {
    if (this.isWord("KEY") && !this.isWord("VALUE", 1) && !this.isSymbol(",", 1)) this.i++;
    const key = this.parseExpr();
    this.expectWord("VALUE");
    return { key, value: this.parseExpr() };
  }

  /** JSON_OBJECT, JSON_ARRAY, JSON_OBJECTAGG, JSON_ARRAYAGG. */
  private parseJsonConstructor(t: Token): Expr {
    const pos = t.pos;
    this.i++;
    const open = this.next();
    let result: Expr;
    switch (t.upper) {
      case "JSON_OBJECT": {
        const entries: KeyValue[] = [];
        let onNull = this.acceptOnNull();
        if (!onNull && !this.isSymbol(")")) {
          do entries.push(this.parseKeyValue());
          while (this.acceptSymbol(","));
          onNull = this.acceptOnNull();
        }
        result = { kind: "jsonObject", pos, entries, onNull };
        break;
      }
      case "JSON_ARRAY": {
        let items: Expr[] = [];
        let onNull = this.acceptOnNull();
        if (!onNull && !this.isSymbol(")")) {
          items = this.parseExprList();
          onNull = this.acceptOnNull();
        }
        result = { kind: "jsonArray", pos, items, onNull };
        break;
      }
      case "JSON_OBJECTAGG": {
        const { key, value } = this.parseKeyValue();
        result = { kind: "jsonObjectAgg", pos, key, value, onNull: this.acceptOnNull() };
        break;
      }
      default: {
        const item = this.parseExpr();
        let orderBy: OrderItem[] = [];
        if (this.acceptWords("ORDER", "BY")) orderBy = this.parseOrderItems();
        result = { kind: "jsonArrayAgg", pos, item, orderBy, onNull: this.acceptOnNull() };
      }
    }
    this.expectClose(open);
    return result;
  }
}
