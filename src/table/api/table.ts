/**
 * The Table API: a query built step by step in TypeScript (`tEnv.from("orders").where("amount >
 * 10").groupBy("customer").select("customer, SUM(amount) AS total")`). Each step wraps the
 * query so far as a subquery, so a Table means exactly what the equivalent SQL means;
 * expressions are SQL expression text.
 */
import { TableEnvironmentError } from "./errors.ts";
import type { TableResult } from "./table-result.ts";

/** What a table needs from its environment. */
export interface TableHost {
  /** Runs a query (SQL text) and returns its result. */
  runQuery(sql: string): TableResult;
  /** The query's plan as EXPLAIN prints it. */
  explainQuery(sql: string): string;
  /** A fresh alias for a subquery. */
  nextAlias(): string;
}

/** A query, built with the Table API or from SQL. */
export class Table {
  /** The environment the table belongs to. */
  readonly host: TableHost;
  /** The query, as SQL text. */
  readonly sql: string;
  /** The name given with {@link as}, used for this table's columns in a join condition. */
  readonly alias: string | undefined;

  /**
   * For a join: its FROM clause, so that the next step reads the joined tables' columns with
   * their qualifiers (`o.id`) instead of through a subquery.
   */
  private readonly from: string | undefined;

  /** A table for query `sql` (use `tEnv.from` / `tEnv.sqlQuery`). */
  constructor(host: TableHost, sql: string, alias?: string, from?: string) {
    this.host = host;
    this.sql = sql;
    this.alias = alias;
    this.from = from;
  }

  private wrap(make: (from: string) => string): Table {
    return new Table(this.host, make(this.from ?? `(${this.sql}) AS ${this.host.nextAlias()}`));
  }

  /** Keeps the rows for which `condition` (a SQL boolean expression) holds. */
  where(condition: string): Table {
    return this.wrap((from) => `SELECT * FROM ${from} WHERE ${condition}`);
  }

  /** Same as {@link where}. */
  filter(condition: string): Table {
    return this.where(condition);
  }

  /** Projects SQL expressions (`"a, b + 1 AS c"` or several arguments). */
  select(...exprs: string[]): Table {
    return this.wrap((from) => `SELECT ${exprs.join(", ")} FROM ${from}`);
  }

  /** Renames the columns: `as("t", "a", "b")`. */
  as(alias: string, ...columns: string[]): Table {
    const cols = columns.length > 0 ? `(${columns.join(", ")})` : "";
    return new Table(this.host, `SELECT * FROM (${this.sql}) AS ${alias}${cols}`, alias);
  }

  /** Groups by SQL expressions; finish with `.select(...)`. */
  groupBy(...keys: string[]): GroupedTable {
    return new GroupedTable(this, keys);
  }

  /** Removes duplicate rows. */
  distinct(): Table {
    return this.wrap((from) => `SELECT DISTINCT * FROM ${from}`);
  }

  /**
   * Joins `right` (inner unless `type` says otherwise) on `condition` over both tables' columns
   * (name the tables with {@link as} to qualify them: `a.as("o").join(b.as("c"), "o.id = c.id")`).
   */
  join(
    right: Table,
    condition: string,
    type: "INNER" | "LEFT" | "RIGHT" | "FULL" = "INNER",
  ): Table {
    const l = this.alias ?? this.host.nextAlias();
    const r = right.alias ?? this.host.nextAlias();
    const from = `(${this.sql}) AS ${l} ${type} JOIN (${right.sql}) AS ${r} ON ${condition}`;
    return new Table(this.host, `SELECT * FROM ${from}`, undefined, from);
  }

  /** Left outer join. */
  leftOuterJoin(right: Table, condition: string): Table {
    return this.join(right, condition, "LEFT");
  }

  /**
   * Joins each row with the rows a table function computes from it (`LATERAL TABLE`):
   * `joinLateral("split(text) AS t(word, length)")`, with an optional ON condition.
   */
  joinLateral(call: string, condition?: string): Table {
    return this.lateral(call, condition === undefined ? "CROSS" : "INNER", condition);
  }

  /** As {@link joinLateral}, keeping a row without function rows once, padded with NULLs. */
  leftOuterJoinLateral(call: string, condition = "TRUE"): Table {
    return this.lateral(call, "LEFT", condition);
  }

  private lateral(call: string, type: string, condition: string | undefined): Table {
    const text = call.trim();
    let depth = 0;
    let end = -1;
    let quoted = false;
    for (let i = 0; i < text.length && end < 0; i++) {
      const ch = text[i];
      if (ch === "'") quoted = !quoted;
      else if (!quoted && ch === "(") depth++;
      else if (!quoted && ch === ")" && --depth === 0) end = i;
    }
    if (end < 0) throw new TableEnvironmentError(`Expected a table function call, got '${call}'`);
    const l = this.alias ?? this.host.nextAlias();
    const on = condition === undefined ? "" : ` ON ${condition}`;
    const from = `(${this.sql}) AS ${l} ${type} JOIN LATERAL TABLE(${text.slice(0, end + 1)})${text.slice(end + 1)}${on}`;
    return new Table(this.host, `SELECT * FROM ${from}`, undefined, from);
  }

  /** UNION (distinct rows of both). */
  union(other: Table): Table {
    return new Table(this.host, `(${this.sql}) UNION (${other.sql})`);
  }

  /** UNION ALL. */
  unionAll(other: Table): Table {
    return new Table(this.host, `(${this.sql}) UNION ALL (${other.sql})`);
  }

  /** Sorts by SQL order items (`"total DESC"`). */
  orderBy(...items: string[]): Table {
    return this.wrap((from) => `SELECT * FROM ${from} ORDER BY ${items.join(", ")}`);
  }

  /** Keeps the first `n` rows (after `offset`). */
  limit(n: number, offset = 0): Table {
    return this.wrap(
      (from) => `SELECT * FROM ${from} LIMIT ${n}${offset > 0 ? ` OFFSET ${offset}` : ""}`,
    );
  }

  /** Runs the query. */
  execute(): TableResult {
    return this.host.runQuery(this.sql);
  }

  /** The plan, as EXPLAIN prints it. */
  explain(): string {
    return this.host.explainQuery(this.sql);
  }
}

/** A table grouped by keys, waiting for the aggregates to select. */
export class GroupedTable {
  private readonly table: Table;
  private readonly keys: readonly string[];

  /** Use {@link Table.groupBy}. */
  constructor(table: Table, keys: readonly string[]) {
    this.table = table;
    this.keys = keys;
  }

  /** Selects group keys and aggregates (`"customer, SUM(amount) AS total"`). */
  select(...exprs: string[]): Table {
    const host = this.table.host;
    return new Table(
      host,
      `SELECT ${exprs.join(", ")} FROM (${this.table.sql}) AS ${host.nextAlias()} GROUP BY ${this.keys.join(", ")}`,
    );
  }
}
