/**
 * Canonical SQL text for statements (one line each) and the public printing functions:
 * {@link formatSql} for any node, {@link exprToString} for error messages.
 */
import type {
  AlterTableAction,
  ColumnDef,
  DistributionDef,
  PartitionValue,
  PrimaryKeyDef,
  Property,
  SchemaItem,
} from "./ast-ddl.ts";
import type { Expr } from "./ast-expr.ts";
import type { Query, TableRef } from "./ast-query.ts";
import type { Statement } from "./ast-statement.ts";
import type { DataTypeNode } from "./ast-types.ts";
import { formatName, quoteIdent, quoteString } from "./format-expr.ts";
import { QueryFormatter } from "./format-query.ts";

/** Statement printer (extends the query and expression printers). */
class StatementFormatter extends QueryFormatter {
  private props(options: readonly Property[]): string {
    return `(${options.map((p) => `${quoteString(p.key)} = ${quoteString(p.value)}`).join(", ")})`;
  }

  private names(names: readonly string[]): string {
    return `(${names.map(quoteIdent).join(", ")})`;
  }

  private partition(spec: readonly PartitionValue[]): string {
    const items = spec.map((v) =>
      v.value ? `${quoteIdent(v.column)} = ${this.expr(v.value)}` : quoteIdent(v.column),
    );
    return `PARTITION (${items.join(", ")})`;
  }

  private comment(c: string | undefined): string {
    return c !== undefined ? ` COMMENT ${quoteString(c)}` : "";
  }

  private column(c: ColumnDef): string {
    let s = quoteIdent(c.name);
    if (c.kind === "computed") s += ` AS ${this.expr(c.expr)}`;
    else s += ` ${this.type(c.type)}`;
    if (c.kind === "metadata") {
      s += " METADATA";
      if (c.key !== undefined) s += ` FROM ${quoteString(c.key)}`;
      if (c.virtual) s += " VIRTUAL";
    }
    s += this.comment(c.comment);
    if (c.position)
      s += c.position.kind === "first" ? " FIRST" : ` AFTER ${quoteIdent(c.position.column)}`;
    return s;
  }

  private primaryKey(k: PrimaryKeyDef): string {
    const name = k.name !== undefined ? `CONSTRAINT ${quoteIdent(k.name)} ` : "";
    return `${name}PRIMARY KEY ${this.names(k.columns)}${k.enforced ? "" : " NOT ENFORCED"}`;
  }

  private schemaItem(item: SchemaItem): string {
    if (item.kind === "watermark")
      return `WATERMARK FOR ${quoteIdent(item.column)} AS ${this.expr(item.strategy)}`;
    if (item.kind === "primaryKey") return this.primaryKey(item);
    return this.column(item);
  }

  private distribution(d: DistributionDef): string {
    let s = "DISTRIBUTED";
    if (d.columns.length > 0)
      s += ` BY ${d.algorithm ? `${d.algorithm} ` : ""}${this.names(d.columns)}`;
    if (d.buckets !== undefined) s += ` INTO ${d.buckets} BUCKETS`;
    return s;
  }

  private alterTableAction(a: AlterTableAction): string {
    switch (a.kind) {
      case "renameTable":
        return `RENAME TO ${formatName(a.newName)}`;
      case "renameColumn":
        return `RENAME ${quoteIdent(a.from)} TO ${quoteIdent(a.to)}`;
      case "setOptions":
        return `SET ${this.props(a.options)}`;
      case "resetOptions":
        return `RESET (${a.keys.map(quoteString).join(", ")})`;
      case "add":
      case "modify":
        return `${a.kind.toUpperCase()} (${a.items.map((i) => this.schemaItem(i)).join(", ")})`;
      case "dropColumns":
        return `DROP ${this.names(a.columns)}`;
      case "dropPrimaryKey":
        return "DROP PRIMARY KEY";
      case "dropConstraint":
        return `DROP CONSTRAINT ${quoteIdent(a.name)}`;
      case "dropWatermark":
        return "DROP WATERMARK";
      case "dropDistribution":
        return "DROP DISTRIBUTION";
      case "addDistribution":
      case "modifyDistribution":
        return `${a.kind === "addDistribution" ? "ADD" : "MODIFY"} ${this.distribution(a.distribution)}`;
      case "addPartitions": {
        const parts = a.partitions.map(
          (p) =>
            `${this.partition(p.spec)}${p.options.length > 0 ? ` WITH ${this.props(p.options)}` : ""}`,
        );
        return `ADD ${a.ifNotExists ? "IF NOT EXISTS " : ""}${parts.join(" ")}`;
      }
      case "dropPartitions":
        return `DROP ${a.ifExists ? "IF EXISTS " : ""}${a.partitions.map((p) => this.partition(p)).join(", ")}`;
    }
  }

  /** A statement inside EXECUTE / EXPLAIN, where a statement set reads `STATEMENT SET BEGIN ... END`. */
  private nested(s: Statement): string {
    if (s.kind !== "statementSet") return this.statement(s);
    return `STATEMENT SET BEGIN ${s.statements.map((i) => `${this.statement(i)}; `).join("")}END`;
  }

  /** Canonical SQL text of a statement. */
  statement(s: Statement): string {
    const ifNotExists = "ifNotExists" in s && s.ifNotExists ? " IF NOT EXISTS" : "";
    const ifExists = "ifExists" in s && s.ifExists ? " IF EXISTS" : "";
    const temp =
      "temporary" in s && s.temporary
        ? ` TEMPORARY${"system" in s && s.system ? " SYSTEM" : ""}`
        : "";
    switch (s.kind) {
      case "query":
        return this.query(s.query);
      case "insert": {
        let out = `INSERT ${s.overwrite ? "OVERWRITE" : "INTO"} ${formatName(s.table)}`;
        if (s.hints.length > 0) out += ` ${this.hints(s.hints)}`;
        if (s.partition) out += ` ${this.partition(s.partition)}`;
        if (s.columns) out += ` ${this.names(s.columns)}`;
        return `${out} ${this.query(s.query)}`;
      }
      case "statementSet":
        // Standalone, a statement set is the SQL client's script form.
        return `BEGIN STATEMENT SET; ${s.statements.map((i) => `${this.statement(i)}; `).join("")}END`;
      case "execute":
        return `EXECUTE ${this.nested(s.statement)}`;
      case "explain":
        return `EXPLAIN ${s.details.length > 0 ? `${s.details.join(", ")} ` : ""}${this.nested(s.statement)}`;
      case "createTable": {
        const head =
          s.mode === "replace"
            ? "REPLACE"
            : s.mode === "createOrReplace"
              ? "CREATE OR REPLACE"
              : "CREATE";
        let out = `${head}${temp} TABLE${ifNotExists} ${formatName(s.name)}`;
        const items: SchemaItem[] = [
          ...s.columns,
          ...s.watermarks,
          ...(s.primaryKey ? [s.primaryKey] : []),
        ];
        if (items.length > 0) out += ` (${items.map((i) => this.schemaItem(i)).join(", ")})`;
        out += this.comment(s.comment);
        if (s.distribution) out += ` ${this.distribution(s.distribution)}`;
        if (s.partitionedBy.length > 0) out += ` PARTITIONED BY ${this.names(s.partitionedBy)}`;
        if (s.options.length > 0) out += ` WITH ${this.props(s.options)}`;
        if (s.like) {
          out += ` LIKE ${formatName(s.like.name)}`;
          if (s.like.options.length > 0)
            out += ` (${s.like.options.map((o) => `${o.strategy} ${o.feature}`).join(" ")})`;
        }
        if (s.asQuery) out += ` AS ${this.query(s.asQuery)}`;
        return out;
      }
      case "createView": {
        const cols = s.columns ? ` ${this.names(s.columns)}` : "";
        return `CREATE${s.orReplace ? " OR REPLACE" : ""}${temp} VIEW${ifNotExists} ${formatName(s.name)}${cols}${this.comment(s.comment)} AS ${this.query(s.query)}`;
      }
      case "createFunction": {
        let out = `CREATE${temp} FUNCTION${ifNotExists} ${formatName(s.name)} AS ${quoteString(s.identifier)}`;
        if (s.language) out += ` LANGUAGE ${s.language}`;
        if (s.resources.length > 0)
          out += ` USING ${s.resources.map((r) => `${r.type} ${quoteString(r.uri)}`).join(", ")}`;
        return out;
      }
      case "createCatalog":
        return `CREATE CATALOG${ifNotExists} ${quoteIdent(s.name)}${this.comment(s.comment)} WITH ${this.props(s.options)}`;
      case "createDatabase":
        return `CREATE DATABASE${ifNotExists} ${formatName(s.name)}${this.comment(s.comment)}${s.options.length > 0 ? ` WITH ${this.props(s.options)}` : ""}`;
      case "drop":
        return `DROP${temp} ${s.objectKind}${ifExists} ${formatName(s.name)}${s.behavior ? ` ${s.behavior}` : ""}`;
      case "alterTable":
        return `ALTER TABLE${ifExists} ${formatName(s.name)} ${this.alterTableAction(s.action)}`;
      case "alterView":
        return `ALTER VIEW ${formatName(s.name)} ${s.action.kind === "rename" ? `RENAME TO ${formatName(s.action.newName)}` : `AS ${this.query(s.action.query)}`}`;
      case "alterFunction":
        return `ALTER${temp} FUNCTION${ifExists} ${formatName(s.name)} AS ${quoteString(s.identifier)}${s.language ? ` LANGUAGE ${s.language}` : ""}`;
      case "alterDatabase":
      case "alterCatalog": {
        const a = s.action;
        const action =
          a.kind === "setOptions"
            ? `SET ${this.props(a.options)}`
            : a.kind === "resetOptions"
              ? `RESET (${a.keys.map(quoteString).join(", ")})`
              : `COMMENT ${quoteString(a.comment)}`;
        return `ALTER ${s.kind === "alterCatalog" ? "CATALOG" : "DATABASE"} ${formatName(s.name)} ${action}`;
      }
      case "show": {
        let out = `SHOW ${s.object}`;
        if (s.name) out += `${s.object === "COLUMNS" ? " FROM" : ""} ${formatName(s.name)}`;
        if (s.from) out += ` FROM ${formatName(s.from)}`;
        if (s.partition) out += ` ${this.partition(s.partition)}`;
        if (s.like)
          out += ` ${s.like.not ? "NOT " : ""}${s.like.caseInsensitive ? "ILIKE" : "LIKE"} ${quoteString(s.like.pattern)}`;
        return out;
      }
      case "describe":
        return `DESCRIBE ${s.extended ? "EXTENDED " : ""}${formatName(s.name)}`;
      case "useCatalog":
        return `USE CATALOG ${quoteIdent(s.name)}`;
      case "useDatabase":
        return `USE ${formatName(s.name)}`;
      case "useModules":
        return `USE MODULES ${s.names.map(quoteIdent).join(", ")}`;
      case "set":
        return s.key === undefined
          ? "SET"
          : `SET ${quoteString(s.key)} = ${quoteString(s.value ?? "")}`;
      case "reset":
        return s.key === undefined ? "RESET" : `RESET ${quoteString(s.key)}`;
      case "loadModule":
        return `LOAD MODULE ${quoteIdent(s.name)}${s.options.length > 0 ? ` WITH ${this.props(s.options)}` : ""}`;
      case "unloadModule":
        return `UNLOAD MODULE ${quoteIdent(s.name)}`;
      case "addJar":
      case "removeJar":
        return `${s.kind === "addJar" ? "ADD" : "REMOVE"} JAR ${quoteString(s.path)}`;
      case "callProcedure":
        return `CALL ${formatName(s.name)}(${this.list(s.args)})`;
      case "stopJob":
        return `STOP JOB ${quoteString(s.jobId)}${s.withSavepoint ? " WITH SAVEPOINT" : ""}${s.withDrain ? " WITH DRAIN" : ""}`;
      case "truncateTable":
        return `TRUNCATE TABLE ${formatName(s.name)}`;
      case "delete":
        return `DELETE FROM ${formatName(s.table)}${s.where ? ` WHERE ${this.expr(s.where)}` : ""}`;
      case "update": {
        const sets = s.assignments.map((a) => `${quoteIdent(a.column)} = ${this.expr(a.value)}`);
        return `UPDATE ${formatName(s.table)} SET ${sets.join(", ")}${s.where ? ` WHERE ${this.expr(s.where)}` : ""}`;
      }
      case "analyzeTable": {
        let out = `ANALYZE TABLE ${formatName(s.name)}`;
        if (s.partition) out += ` ${this.partition(s.partition)}`;
        out += " COMPUTE STATISTICS";
        if (s.columns === "ALL") out += " FOR ALL COLUMNS";
        else if (s.columns) out += ` FOR COLUMNS ${s.columns.map(quoteIdent).join(", ")}`;
        return out;
      }
    }
  }
}

const formatter = new StatementFormatter();

/** Any AST node the printer accepts. */
export type SqlNode = Expr | Query | Statement | DataTypeNode | TableRef;

const QUERY_KINDS = new Set(["select", "setOp", "values", "with", "ordered", "explicitTable"]);
const TYPE_KINDS = new Set([
  "scalarType",
  "intervalType",
  "arrayType",
  "multisetType",
  "mapType",
  "rowType",
  "rawType",
]);
const TABLE_REF_KINDS = new Set([
  "table",
  "subqueryRef",
  "tableFunction",
  "unnest",
  "join",
  "matchRecognize",
]);
/** Statement kinds; every `kind` of the AST unions is distinct, so a node's kind names its union. */
const STATEMENT_KINDS = new Set<string>([
  "query",
  "insert",
  "statementSet",
  "execute",
  "explain",
  "createTable",
  "createView",
  "createFunction",
  "createCatalog",
  "createDatabase",
  "drop",
  "alterTable",
  "alterView",
  "alterFunction",
  "alterDatabase",
  "alterCatalog",
  "show",
  "describe",
  "useCatalog",
  "useDatabase",
  "useModules",
  "set",
  "reset",
  "loadModule",
  "unloadModule",
  "addJar",
  "removeJar",
  "callProcedure",
  "stopJob",
  "truncateTable",
  "delete",
  "update",
  "analyzeTable",
] satisfies Statement["kind"][]);

/** Canonical SQL text of an expression. */
export function formatExpr(e: Expr): string {
  return formatter.expr(e);
}

/** Canonical SQL text of a query. */
export function formatQuery(q: Query): string {
  return formatter.query(q);
}

/** Canonical SQL text of a statement (without a trailing `;`). */
export function formatStatement(s: Statement): string {
  return formatter.statement(s);
}

/** Canonical SQL text of a data type. */
export function formatDataType(t: DataTypeNode): string {
  return formatter.type(t);
}

/** Canonical SQL text of any AST node: statement, query, FROM item, expression or data type. */
export function formatSql(n: SqlNode): string {
  if (STATEMENT_KINDS.has(n.kind)) return formatter.statement(n as Statement);
  if (QUERY_KINDS.has(n.kind)) return formatter.query(n as Query);
  if (TYPE_KINDS.has(n.kind)) return formatter.type(n as DataTypeNode);
  if (TABLE_REF_KINDS.has(n.kind)) return formatter.tableRef(n as TableRef, "top");
  return formatter.expr(n as Expr);
}

/** An expression as SQL for error messages, cut to `max` characters. */
export function exprToString(e: Expr, max = 80): string {
  const text = formatter.expr(e);
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
