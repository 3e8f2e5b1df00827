/**
 * Canonical SQL text for queries and FROM items, on one line: `SELECT ... FROM ... WHERE ...`,
 * set operations parenthesized where precedence needs it, joins, table functions, hints and
 * MATCH_RECOGNIZE.
 */
import type {
  Hint,
  MatchRecognizeRef,
  PatternNode,
  Query,
  SelectQuery,
  TableRef,
} from "./ast-query.ts";
import { ExprFormatter, formatName, quoteIdent, quoteString } from "./format-expr.ts";

/** Where a FROM item is printed, which decides whether a join needs parentheses. */
type RefPlace = "top" | "joinLeft" | "joinRight" | "commaRight" | "matchInput";

/** Precedence of set operations: INTERSECT binds tighter than UNION / EXCEPT. */
function setLevel(q: Query): number {
  if (q.kind !== "setOp") return 3;
  return q.op === "INTERSECT" ? 2 : 1;
}

/** Query and FROM item printer. */
export class QueryFormatter extends ExprFormatter {
  /** Canonical SQL text of a query. */
  override query(q: Query): string {
    switch (q.kind) {
      case "select":
        return this.select(q);
      case "values":
        return `VALUES ${q.rows.map((r) => `(${this.list(r)})`).join(", ")}`;
      case "explicitTable":
        return `TABLE ${formatName(q.name)}`;
      case "with": {
        const ctes = q.ctes.map((c) => {
          const cols = c.columns ? ` (${c.columns.map(quoteIdent).join(", ")})` : "";
          return `${quoteIdent(c.name)}${cols} AS (${this.query(c.query)})`;
        });
        return `WITH ${ctes.join(", ")} ${this.query(q.body)}`;
      }
      case "setOp": {
        const level = setLevel(q);
        const left =
          setLevel(q.left) < level || this.needsParens(q.left)
            ? `(${this.query(q.left)})`
            : this.query(q.left);
        const right =
          setLevel(q.right) <= level || this.needsParens(q.right)
            ? `(${this.query(q.right)})`
            : this.query(q.right);
        return `${left} ${q.op}${q.all ? " ALL" : ""} ${right}`;
      }
      case "ordered": {
        const inner = this.needsParens(q.query) ? `(${this.query(q.query)})` : this.query(q.query);
        let s = inner;
        if (q.orderBy.length > 0) s += ` ORDER BY ${this.orderItems(q.orderBy)}`;
        if (q.limit) s += ` LIMIT ${this.expr(q.limit)}`;
        if (q.offset) s += ` OFFSET ${this.expr(q.offset)}`;
        return s;
      }
    }
  }

  /** WITH and ORDER BY / LIMIT queries must be parenthesized inside set operations. */
  private needsParens(q: Query): boolean {
    return q.kind === "with" || q.kind === "ordered";
  }

  private select(q: SelectQuery): string {
    const parts = ["SELECT"];
    if (q.hints.length > 0) parts.push(this.hints(q.hints));
    if (q.distinct) parts.push("DISTINCT");
    parts.push(
      q.items
        .map((item) => {
          const text = this.expr(item.expr);
          return item.alias !== undefined ? `${text} AS ${quoteIdent(item.alias)}` : text;
        })
        .join(", "),
    );
    if (q.from) parts.push(`FROM ${this.tableRef(q.from, "top")}`);
    if (q.where) parts.push(`WHERE ${this.expr(q.where)}`);
    if (q.groupBy) {
      const items = q.groupBy.map((g) => this.groupingElement(g));
      parts.push(`GROUP BY ${items.join(", ")}`);
    }
    if (q.having) parts.push(`HAVING ${this.expr(q.having)}`);
    if (q.windows.length > 0) {
      const windows = q.windows.map((w) => `${quoteIdent(w.name)} AS ${this.windowSpec(w.spec)}`);
      parts.push(`WINDOW ${windows.join(", ")}`);
    }
    if (q.qualify) parts.push(`QUALIFY ${this.expr(q.qualify)}`);
    return parts.join(" ");
  }

  private groupingElement(g: NonNullable<SelectQuery["groupBy"]>[number]): string {
    switch (g.kind) {
      case "groupingSets":
        return `GROUPING SETS (${g.sets.map((s) => this.groupingElement(s)).join(", ")})`;
      case "rollup":
      case "cube":
        return `${g.kind.toUpperCase()}(${this.list(g.exprs)})`;
      default:
        return this.expr(g);
    }
  }

  /** `/*+ NAME('k' = 'v', name) *\/`. */
  hints(hints: readonly Hint[]): string {
    const text = hints.map((h) => {
      if (h.options.length === 0) return h.name;
      const options = h.options.map((o) => {
        if (o.key !== undefined) return `${quoteString(o.key)} = ${quoteString(o.value)}`;
        return /^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)*$/.test(o.value)
          ? o.value
          : quoteString(o.value);
      });
      return `${h.name}(${options.join(", ")})`;
    });
    return `/*+ ${text.join(", ")} */`;
  }

  private alias(ref: { alias?: string; columnAliases?: readonly string[] }): string {
    if (ref.alias === undefined) return "";
    const cols = ref.columnAliases ? ` (${ref.columnAliases.map(quoteIdent).join(", ")})` : "";
    return ` AS ${quoteIdent(ref.alias)}${cols}`;
  }

  /** Canonical SQL text of a FROM item printed at `place`. */
  tableRef(ref: TableRef, place: RefPlace): string {
    switch (ref.kind) {
      case "table": {
        let s = formatName(ref.name);
        if (ref.hints.length > 0) s += ` ${this.hints(ref.hints)}`;
        if (ref.systemTime) s += ` FOR SYSTEM_TIME AS OF ${this.expr(ref.systemTime)}`;
        return s + this.alias(ref);
      }
      case "subqueryRef":
        return `${ref.lateral ? "LATERAL " : ""}(${this.query(ref.query)})${this.alias(ref)}`;
      case "tableFunction":
        return `${ref.lateral ? "LATERAL " : ""}TABLE(${this.expr(ref.call)})${this.alias(ref)}`;
      case "unnest":
        return `UNNEST(${this.list(ref.args)})${ref.withOrdinality ? " WITH ORDINALITY" : ""}${this.alias(ref)}`;
      case "matchRecognize":
        return `${this.tableRef(ref.input, "matchInput")} ${this.matchRecognize(ref)}${this.alias(ref)}`;
      case "join": {
        let s: string;
        if (ref.comma) {
          s = `${this.tableRef(ref.left, "top")}, ${this.tableRef(ref.right, "commaRight")}`;
        } else {
          const type = ref.joinType === "INNER" ? "" : `${ref.joinType} `;
          s = `${this.tableRef(ref.left, "joinLeft")} ${ref.natural ? "NATURAL " : ""}${type}JOIN ${this.tableRef(ref.right, "joinRight")}`;
          if (ref.on) s += ` ON ${this.expr(ref.on)}`;
          if (ref.using) s += ` USING (${ref.using.map(quoteIdent).join(", ")})`;
        }
        const parens = ref.comma
          ? place !== "top"
          : place === "joinRight" || place === "matchInput";
        return parens ? `(${s})` : s;
      }
    }
  }

  private matchRecognize(m: MatchRecognizeRef): string {
    const parts: string[] = [];
    if (m.partitionBy.length > 0) parts.push(`PARTITION BY ${this.list(m.partitionBy)}`);
    if (m.orderBy.length > 0) parts.push(`ORDER BY ${this.orderItems(m.orderBy)}`);
    if (m.measures.length > 0) {
      parts.push(
        `MEASURES ${m.measures.map((x) => `${this.expr(x.expr)} AS ${quoteIdent(x.alias)}`).join(", ")}`,
      );
    }
    if (m.rowsPerMatch)
      parts.push(m.rowsPerMatch === "ONE" ? "ONE ROW PER MATCH" : "ALL ROWS PER MATCH");
    if (m.afterMatch) {
      const a = m.afterMatch;
      const skip =
        a.kind === "pastLastRow"
          ? "PAST LAST ROW"
          : a.kind === "toNextRow"
            ? "TO NEXT ROW"
            : `TO ${a.kind === "toFirst" ? "FIRST " : a.kind === "toLast" ? "LAST " : ""}${quoteIdent(a.variable)}`;
      parts.push(`AFTER MATCH SKIP ${skip}`);
    }
    parts.push(`PATTERN (${this.pattern(m.pattern)})`);
    if (m.within) parts.push(`WITHIN ${this.expr(m.within)}`);
    if (m.subsets.length > 0) {
      const subsets = m.subsets.map(
        (s) => `${quoteIdent(s.name)} = (${s.variables.map(quoteIdent).join(", ")})`,
      );
      parts.push(`SUBSET ${subsets.join(", ")}`);
    }
    parts.push(
      `DEFINE ${m.defines.map((d) => `${quoteIdent(d.variable)} AS ${this.expr(d.condition)}`).join(", ")}`,
    );
    return `MATCH_RECOGNIZE (${parts.join(" ")})`;
  }

  /** A row pattern; `level` 0 = alternation, 1 = sequence item, 2 = quantified operand. */
  pattern(p: PatternNode, level = 0): string {
    switch (p.kind) {
      case "patternVar":
        return quoteIdent(p.name);
      case "patternAlt": {
        const s = p.alternatives.map((a) => this.pattern(a, 0)).join(" | ");
        return level > 0 ? `(${s})` : s;
      }
      case "patternSeq": {
        const s = p.items.map((i) => this.pattern(i, 1)).join(" ");
        return level > 1 ? `(${s})` : s;
      }
      case "patternQuant": {
        let q: string;
        if (p.min === 0 && p.max === undefined) q = "*";
        else if (p.min === 1 && p.max === undefined) q = "+";
        else if (p.min === 0 && p.max === 1) q = "?";
        else if (p.max === undefined) q = `{${p.min},}`;
        else if (p.max === p.min) q = `{${p.min}}`;
        else q = `{${p.min},${p.max}}`;
        const inner = this.pattern(p.pattern, 2);
        const wrapped = p.pattern.kind === "patternQuant" ? `(${inner})` : inner;
        return `${wrapped}${q}${p.reluctant ? "?" : ""}`;
      }
    }
  }
}
