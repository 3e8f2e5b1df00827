/**
 * Canonical SQL text for expressions and data types: keywords in upper case, names quoted with
 * backticks when they are not plain identifiers or could read as a keyword, parentheses exactly
 * where precedence needs them, so parsing the output gives the same AST (positions aside).
 * Subqueries are printed by {@link ExprFormatter.query}, which the query printer (the next class,
 * in `format-query.ts`) implements.
 */
import type { Expr } from "./ast-expr.ts";
import type { FrameBound, OrderItem, WindowFrame, WindowSpec } from "./ast-calls.ts";
import type { Query } from "./ast-query.ts";
import type { DataTypeNode, IntervalQualifier } from "./ast-types.ts";
import { BP, KEYWORDS, RESERVED } from "./tokens.ts";

/** Binding power of a primary (never needs parentheses). */
const PRIMARY = 12;
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** A name part, quoted with backticks unless it is a plain identifier that is not a keyword. */
export function quoteIdent(name: string): string {
  if (PLAIN_NAME.test(name) && !KEYWORDS.has(name.toUpperCase())) return name;
  return "`" + name.replace(/`/g, "``") + "`";
}

/** A dotted name, each part quoted as needed. */
export function formatName(parts: readonly string[]): string {
  return parts.map(quoteIdent).join(".");
}

/** A string literal with its quotes doubled. */
export function quoteString(s: string): string {
  return "'" + s.replace(/'/g, "''") + "'";
}

/** A function name: keywords are fine here (`LEFT(s, 2)`, `TUMBLE(...)`), reserved words are quoted. */
function functionName(parts: readonly string[]): string {
  const plain = (p: string): boolean =>
    PLAIN_NAME.test(p) && (!RESERVED.has(p.toUpperCase()) || /^(LEFT|RIGHT)$/i.test(p));
  return parts.map((p) => (plain(p) ? p : quoteIdent(p))).join(".");
}

/** The binding power an expression has as an operand. */
function bindingPower(e: Expr): number {
  switch (e.kind) {
    case "binary":
      if (e.op === "OR") return BP.OR;
      if (e.op === "AND") return BP.AND;
      if (e.op === "||") return BP.CONCAT;
      if (e.op === "+" || e.op === "-") return BP.ADD;
      if (e.op === "*" || e.op === "/" || e.op === "%") return BP.MUL;
      return BP.CMP;
    case "unary":
      return e.op === "NOT" ? BP.NOT : BP.UNARY;
    case "is":
    case "distinctFrom":
      return BP.IS;
    case "quantified":
      return BP.CMP;
    case "between":
    case "like":
    case "inList":
    case "inQuery":
      return BP.PRED;
    case "item":
    case "fieldAccess":
      return BP.POSTFIX;
    default:
      return PRIMARY;
  }
}

/** Expression and data type printer; subqueries are left to the subclass. */
export abstract class ExprFormatter {
  /** Canonical SQL text of a query (implemented by the query printer). */
  abstract query(q: Query): string;

  /** `e` printed as an operand that must bind at least as tightly as `min`. */
  private operand(e: Expr, min: number): string {
    const text = this.expr(e);
    return bindingPower(e) < min ? `(${text})` : text;
  }

  /** `a, b, c`. */
  protected list(items: readonly Expr[]): string {
    return items.map((e) => this.expr(e)).join(", ");
  }

  /** Canonical SQL text of an expression. */
  expr(e: Expr): string {
    const not = "not" in e && e.not ? "NOT " : "";
    switch (e.kind) {
      case "identifier":
        return formatName(e.parts);
      case "star":
        return e.qualifier.length > 0 ? `${formatName(e.qualifier)}.*` : "*";
      case "literal":
        switch (e.type) {
          case "string":
            return quoteString(e.value);
          case "binary":
            return `X'${e.value}'`;
          case "date":
          case "time":
          case "timestamp":
            return `${e.type.toUpperCase()} ${quoteString(e.value)}`;
          case "timestampLtz":
            return `TIMESTAMP WITH LOCAL TIME ZONE ${quoteString(e.value)}`;
          default:
            return e.value;
        }
      case "interval":
        return `INTERVAL ${e.negative ? "-" : ""}${quoteString(e.value)} ${this.qualifier(e.qualifier)}`;
      case "unary": {
        if (e.op === "NOT") return `NOT ${this.operand(e.operand, BP.NOT + 1)}`;
        const inner = this.operand(e.operand, BP.UNARY + 1);
        return /^[-+]/.test(inner) ? `${e.op}(${inner})` : `${e.op}${inner}`;
      }
      case "binary": {
        const bp = bindingPower(e);
        return `${this.operand(e.left, bp)} ${e.op} ${this.operand(e.right, bp + 1)}`;
      }
      case "is":
        return `${this.operand(e.operand, BP.IS)} IS ${not}${e.test}`;
      case "distinctFrom":
        return `${this.operand(e.left, BP.IS)} IS ${not}DISTINCT FROM ${this.operand(e.right, BP.CMP + 1)}`;
      case "between": {
        const sym = e.symmetric ? "SYMMETRIC " : "";
        const low = this.operand(e.low, BP.PRED + 1);
        const high = this.operand(e.high, BP.PRED + 1);
        return `${this.operand(e.operand, BP.PRED)} ${not}BETWEEN ${sym}${low} AND ${high}`;
      }
      case "like": {
        const escape = e.escape ? ` ESCAPE ${this.operand(e.escape, BP.PRED + 1)}` : "";
        const pattern = this.operand(e.pattern, BP.PRED + 1);
        return `${this.operand(e.operand, BP.PRED)} ${not}${e.op} ${pattern}${escape}`;
      }
      case "inList":
        return `${this.operand(e.operand, BP.PRED)} ${not}IN (${this.list(e.list)})`;
      case "inQuery":
        return `${this.operand(e.operand, BP.PRED)} ${not}IN (${this.query(e.query)})`;
      case "quantified":
        return `${this.operand(e.operand, BP.CMP)} ${e.op} ${e.quantifier} (${this.query(e.query)})`;
      case "exists":
        return `EXISTS (${this.query(e.query)})`;
      case "subquery":
        return `(${this.query(e.query)})`;
      case "case": {
        const parts = ["CASE"];
        if (e.operand) parts.push(this.expr(e.operand));
        for (const w of e.whens) parts.push(`WHEN ${this.expr(w.when)} THEN ${this.expr(w.then)}`);
        if (e.else) parts.push(`ELSE ${this.expr(e.else)}`);
        parts.push("END");
        return parts.join(" ");
      }
      case "cast":
        return `${e.safe ? "TRY_CAST" : "CAST"}(${this.expr(e.operand)} AS ${this.type(e.type)})`;
      case "extract":
        return `EXTRACT(${e.unit} FROM ${this.expr(e.operand)})`;
      case "position": {
        const from = e.from ? ` FROM ${this.expr(e.from)}` : "";
        return `POSITION(${this.operand(e.needle, BP.PRED + 1)} IN ${this.expr(e.haystack)}${from})`;
      }
      case "trim": {
        const chars = e.chars ? `${this.expr(e.chars)} ` : "";
        return `TRIM(${e.side} ${chars}FROM ${this.expr(e.operand)})`;
      }
      case "substring": {
        const len = e.for ? ` FOR ${this.expr(e.for)}` : "";
        return `SUBSTRING(${this.expr(e.operand)} FROM ${this.expr(e.from)}${len})`;
      }
      case "overlay": {
        const len = e.for ? ` FOR ${this.expr(e.for)}` : "";
        return `OVERLAY(${this.expr(e.operand)} PLACING ${this.expr(e.placing)} FROM ${this.expr(e.from)}${len})`;
      }
      case "floorCeil":
        return `${e.op}(${this.expr(e.operand)} TO ${e.unit})`;
      case "call":
        return this.call(e);
      case "namedArg":
        return `${quoteIdent(e.name)} => ${this.expr(e.value)}`;
      case "tableArg": {
        let s = `TABLE ${formatName(e.table)}`;
        if (e.partitionBy.length > 0) s += ` PARTITION BY (${this.list(e.partitionBy)})`;
        if (e.orderBy.length > 0) s += ` ORDER BY (${this.orderItems(e.orderBy)})`;
        return s;
      }
      case "descriptor":
        return `DESCRIPTOR(${e.columns.map(quoteIdent).join(", ")})`;
      case "jsonValue":
      case "jsonQuery":
      case "jsonExists":
      case "jsonObject":
      case "jsonArray":
      case "jsonObjectAgg":
      case "jsonArrayAgg":
        return this.json(e);
      case "array":
        return `ARRAY[${this.list(e.elements)}]`;
      case "map":
        return `MAP[${e.entries.map((kv) => `${this.expr(kv.key)}, ${this.expr(kv.value)}`).join(", ")}]`;
      case "row":
        return e.explicit || e.fields.length === 1
          ? `ROW(${this.list(e.fields)})`
          : `(${this.list(e.fields)})`;
      case "fieldAccess": {
        const inner = this.operand(e.operand, BP.POSTFIX);
        // `(a).f` is not the name `a.f`, and `0.f` would lex as the number `0.`.
        const bare = e.operand.kind !== "identifier" && e.operand.kind !== "literal";
        return `${bare ? inner : `(${inner})`}.${quoteIdent(e.field)}`;
      }
      case "item":
        return `${this.operand(e.operand, BP.POSTFIX)}[${this.expr(e.index)}]`;
      case "matchSemantics":
        return `${e.semantics} ${this.operand(e.operand, BP.POSTFIX + 1)}`;
    }
  }

  private call(e: Expr & { kind: "call" }): string {
    if (e.niladic) return e.name.join(".").toUpperCase();
    const name = functionName(e.name);
    let s = `${name}(${e.quantifier ? `${e.quantifier} ` : ""}${this.list(e.args)})`;
    if (e.nullTreatment) s += ` ${e.nullTreatment} NULLS`;
    if (e.withinGroup) s += ` WITHIN GROUP (ORDER BY ${this.orderItems(e.withinGroup)})`;
    if (e.filter) s += ` FILTER (WHERE ${this.expr(e.filter)})`;
    if (e.over) {
      s += ` OVER ${e.over.kind === "windowRef" ? quoteIdent(e.over.name) : this.windowSpec(e.over)}`;
    }
    return s;
  }

  private json(
    e: Expr & {
      kind:
        | "jsonValue"
        | "jsonQuery"
        | "jsonExists"
        | "jsonObject"
        | "jsonArray"
        | "jsonObjectAgg"
        | "jsonArrayAgg";
    },
  ): string {
    const args: string[] = [];
    const clauses: string[] = [];
    const kv = (k: Expr, v: Expr): string => `KEY ${this.expr(k)} VALUE ${this.expr(v)}`;
    let name: string;
    switch (e.kind) {
      case "jsonValue":
        name = "JSON_VALUE";
        args.push(this.expr(e.operand), this.expr(e.path));
        if (e.returning) clauses.push(`RETURNING ${this.type(e.returning)}`);
        for (const [b, target] of [
          [e.onEmpty, "EMPTY"],
          [e.onError, "ERROR"],
        ] as const) {
          if (b)
            clauses.push(`${b.behavior}${b.value ? ` ${this.expr(b.value)}` : ""} ON ${target}`);
        }
        break;
      case "jsonQuery":
        name = "JSON_QUERY";
        args.push(this.expr(e.operand), this.expr(e.path));
        if (e.returning) clauses.push(`RETURNING ${this.type(e.returning)}`);
        if (e.wrapper) {
          clauses.push(
            e.wrapper === "WITHOUT" ? "WITHOUT ARRAY WRAPPER" : `WITH ${e.wrapper} ARRAY WRAPPER`,
          );
        }
        if (e.onEmpty) clauses.push(`${e.onEmpty} ON EMPTY`);
        if (e.onError) clauses.push(`${e.onError} ON ERROR`);
        break;
      case "jsonExists":
        name = "JSON_EXISTS";
        args.push(this.expr(e.operand), this.expr(e.path));
        if (e.onError) clauses.push(`${e.onError} ON ERROR`);
        break;
      case "jsonObject":
        name = "JSON_OBJECT";
        args.push(...e.entries.map((entry) => kv(entry.key, entry.value)));
        break;
      case "jsonArray":
        name = "JSON_ARRAY";
        args.push(...e.items.map((item) => this.expr(item)));
        break;
      case "jsonObjectAgg":
        name = "JSON_OBJECTAGG";
        args.push(kv(e.key, e.value));
        break;
      case "jsonArrayAgg":
        name = "JSON_ARRAYAGG";
        args.push(this.expr(e.item));
        if (e.orderBy.length > 0) clauses.push(`ORDER BY ${this.orderItems(e.orderBy)}`);
        break;
    }
    if ("onNull" in e && e.onNull) clauses.push(`${e.onNull} ON NULL`);
    return `${name}(${[args.join(", "), ...clauses].filter((s) => s.length > 0).join(" ")})`;
  }

  /** `a ASC NULLS FIRST, b`. */
  orderItems(items: readonly OrderItem[]): string {
    return items
      .map((o) => {
        const dir = o.direction ? ` ${o.direction}` : "";
        return `${this.expr(o.expr)}${dir}${o.nulls ? ` NULLS ${o.nulls}` : ""}`;
      })
      .join(", ");
  }

  private bound(b: FrameBound): string {
    switch (b.kind) {
      case "unboundedPreceding":
        return "UNBOUNDED PRECEDING";
      case "unboundedFollowing":
        return "UNBOUNDED FOLLOWING";
      case "currentRow":
        return "CURRENT ROW";
      case "preceding":
      case "following":
        return `${this.operand(b.offset!, BP.AND + 1)} ${b.kind.toUpperCase()}`;
    }
  }

  private frame(f: WindowFrame): string {
    if (!f.end) return `${f.unit} ${this.bound(f.start)}`;
    return `${f.unit} BETWEEN ${this.bound(f.start)} AND ${this.bound(f.end)}`;
  }

  /** `(base PARTITION BY ... ORDER BY ... ROWS BETWEEN ...)`. */
  windowSpec(w: WindowSpec): string {
    const parts: string[] = [];
    if (w.base) parts.push(quoteIdent(w.base));
    if (w.partitionBy.length > 0) parts.push(`PARTITION BY ${this.list(w.partitionBy)}`);
    if (w.orderBy.length > 0) parts.push(`ORDER BY ${this.orderItems(w.orderBy)}`);
    if (w.frame) parts.push(this.frame(w.frame));
    return `(${parts.join(" ")})`;
  }

  /** `DAY(2) TO SECOND(3)`. */
  qualifier(q: IntervalQualifier): string {
    if (!q.end) {
      if (q.startPrecision === undefined) return q.start;
      const fp = q.fractionalPrecision !== undefined ? `, ${q.fractionalPrecision}` : "";
      return `${q.start}(${q.startPrecision}${fp})`;
    }
    const start = q.startPrecision !== undefined ? `${q.start}(${q.startPrecision})` : q.start;
    const end = q.fractionalPrecision !== undefined ? `${q.end}(${q.fractionalPrecision})` : q.end;
    return `${start} TO ${end}`;
  }

  /** Canonical SQL text of a data type. */
  type(t: DataTypeNode): string {
    let s: string;
    switch (t.kind) {
      case "scalarType":
        s = t.name;
        if (t.precision !== undefined) {
          s += `(${t.precision}${t.scale !== undefined ? `, ${t.scale}` : ""})`;
        }
        break;
      case "intervalType":
        s = `INTERVAL ${this.qualifier(t.qualifier)}`;
        break;
      case "arrayType":
        s = `ARRAY<${this.type(t.element)}>`;
        break;
      case "multisetType":
        s = `MULTISET<${this.type(t.element)}>`;
        break;
      case "mapType":
        s = `MAP<${this.type(t.key)}, ${this.type(t.value)}>`;
        break;
      case "rowType": {
        const fields = t.fields.map((f) => {
          const comment = f.comment !== undefined ? ` ${quoteString(f.comment)}` : "";
          return `${quoteIdent(f.name)} ${this.type(f.type)}${comment}`;
        });
        s = `ROW<${fields.join(", ")}>`;
        break;
      }
      case "rawType": {
        const snapshot = t.snapshot !== undefined ? `, ${quoteString(t.snapshot)}` : "";
        s = `RAW(${quoteString(t.className)}${snapshot})`;
        break;
      }
    }
    return t.nullable ? s : `${s} NOT NULL`;
  }
}
