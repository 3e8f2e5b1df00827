/**
 * Catalog tables and views from CREATE statements, and back to DDL text (`SHOW CREATE TABLE`,
 * and what the file catalog stores): {@link tableFromStatement} builds and checks a table (the
 * LIKE clause and connector options are handled by the DDL executor), {@link createTableDdl}
 * prints one in Flink's layout, and {@link parseTableDdl} / {@link parseViewDdl} read stored
 * DDL back.
 */
import type { CreateTableStatement, CreateViewStatement, DistributionDef } from "../sql/ast-ddl.ts";
import type { SourcePos } from "../sql/errors.ts";
import { formatQuery } from "../sql/format-statement.ts";
import { parseStatement } from "../sql/parser.ts";
import { quoteIdentifier, quoteString, typeToString } from "../types/type-print.ts";
import { DdlValidationError, at } from "./errors.ts";
import type {
  CatalogTable,
  CatalogView,
  ColumnSpec,
  DistributionSpec,
  TableSchema,
} from "./objects.ts";
import {
  columnsFromAst,
  expressionText,
  primaryKeyFromAst,
  validatePartitionKeys,
  validateSchema,
  watermarkFromAst,
  type SchemaContext,
  type SchemaPositions,
} from "./schema.ts";
import { SourceText } from "./source-text.ts";

/** The positions of a CREATE TABLE's schema elements, for error messages. */
export function schemaPositions(stmt: CreateTableStatement): SchemaPositions {
  return {
    columns: new Map(stmt.columns.map((c) => [c.name, c.pos] as const)),
    watermark: stmt.watermarks[0]?.pos,
    primaryKey: stmt.primaryKey?.pos,
    statement: stmt.pos,
  };
}

/** Refuses a watermark expression (typed by the planner's typer) that is not a timestamp. */
function checkWatermarkTypes(
  stmt: CreateTableStatement,
  schema: TableSchema,
  ctx: SchemaContext,
): void {
  if (ctx.typer === undefined) return;
  for (const def of stmt.watermarks) {
    const t = ctx.typer(def.strategy, schema.columns);
    if (t !== undefined && t.kind !== "TIMESTAMP" && t.kind !== "TIMESTAMP_LTZ") {
      throw new DdlValidationError(
        `The watermark expression '${expressionText(def.strategy, ctx)}' must be of type TIMESTAMP(3) or TIMESTAMP_LTZ(3), but it is ${typeToString(t)}${at(def.strategy.pos)}`,
      );
    }
  }
}

/** A distribution spec from its definition. */
export function distributionFromAst(d: DistributionDef): DistributionSpec {
  let buckets: number | undefined;
  if (d.buckets !== undefined) {
    buckets = Number(d.buckets);
    if (!Number.isSafeInteger(buckets) || buckets < 1) {
      throw new DdlValidationError(
        `The bucket count must be a positive integer, got ${d.buckets}${at(d.pos)}`,
      );
    }
  }
  return {
    ...(d.algorithm !== undefined ? { algorithm: d.algorithm } : {}),
    columns: [...d.columns],
    ...(buckets !== undefined ? { buckets } : {}),
  };
}

/** Options from WITH properties; a key written twice is an error naming its place. */
export function optionsFromProperties(
  props: readonly { key: string; value: string; pos: SourcePos }[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of props) {
    if (Object.hasOwn(out, p.key)) {
      throw new DdlValidationError(`Option '${p.key}' is set twice${at(p.pos)}`);
    }
    out[p.key] = p.value;
  }
  return out;
}

/**
 * The table a CREATE TABLE defines on its own (without LIKE, which the executor merges, and
 * without checking connector options). `ddl` is the statement's text, kept on the table.
 */
export function tableFromStatement(
  stmt: CreateTableStatement,
  ctx: SchemaContext,
  ddl?: string,
): CatalogTable {
  const schema: TableSchema = {
    columns: columnsFromAst(stmt.columns, ctx),
    watermarks: stmt.watermarks.map((w) => watermarkFromAst(w, ctx)),
    ...(stmt.primaryKey !== undefined ? { primaryKey: primaryKeyFromAst(stmt.primaryKey) } : {}),
  };
  const checked = validateSchema(schema, schemaPositions(stmt));
  checkWatermarkTypes(stmt, checked, ctx);
  validatePartitionKeys(checked, stmt.partitionedBy, stmt.pos);
  return {
    kind: "table",
    schema: checked,
    options: optionsFromProperties(stmt.options),
    ...(stmt.comment !== undefined ? { comment: stmt.comment } : {}),
    partitionKeys: [...stmt.partitionedBy],
    ...(stmt.distribution !== undefined
      ? { distribution: distributionFromAst(stmt.distribution) }
      : {}),
    ...(ddl !== undefined ? { ddl } : {}),
  };
}

/** A view from CREATE VIEW (`text`: the query's source text, else its canonical form). */
export function viewFromStatement(stmt: CreateViewStatement, text?: string): CatalogView {
  return {
    kind: "view",
    query: stmt.query,
    text: text ?? formatQuery(stmt.query),
    ...(stmt.columns !== undefined ? { columns: [...stmt.columns] } : {}),
    ...(stmt.comment !== undefined ? { comment: stmt.comment } : {}),
  };
}

const q = quoteIdentifier;
const names = (cols: readonly string[]) => cols.map(q).join(", ");

function columnDdl(c: ColumnSpec): string {
  let s = `${q(c.name)} `;
  switch (c.kind) {
    case "physical":
      s += typeToString(c.type);
      break;
    case "computed":
      s += `AS ${c.text}`;
      break;
    case "metadata":
      s += `${typeToString(c.type)} METADATA`;
      if (c.key !== undefined) s += ` FROM ${quoteString(c.key)}`;
      if (c.virtual) s += " VIRTUAL";
      break;
  }
  if (c.comment !== undefined) s += ` COMMENT ${quoteString(c.comment)}`;
  return s;
}

/** The options as a `WITH (...)` clause body, one per line. */
function optionsDdl(options: Readonly<Record<string, string>>): string {
  return Object.entries(options)
    .map(([k, v]) => `  ${quoteString(k)} = ${quoteString(v)}`)
    .join(",\n");
}

/** The quoted full name for DDL text: `` `cat`.`db`.`t` ``. */
export function quotedName(parts: readonly string[]): string {
  return parts.map(q).join(".");
}

/** CREATE TABLE text for a table, in Flink's layout (`name`: the quoted full name). */
export function createTableDdl(name: string, table: CatalogTable): string {
  const items = table.schema.columns.map(columnDdl);
  for (const wm of table.schema.watermarks)
    items.push(`WATERMARK FOR ${q(wm.rowtime)} AS ${wm.text}`);
  const pk = table.schema.primaryKey;
  if (pk !== undefined) {
    items.push(`CONSTRAINT ${q(pk.name)} PRIMARY KEY (${names(pk.columns)}) NOT ENFORCED`);
  }
  let s = `CREATE TABLE ${name} (\n${items.map((i) => `  ${i}`).join(",\n")}\n)`;
  if (table.comment !== undefined) s += ` COMMENT ${quoteString(table.comment)}`;
  const d = table.distribution;
  if (d !== undefined) {
    s += "\nDISTRIBUTED";
    if (d.columns.length > 0)
      s += ` BY ${d.algorithm ? `${d.algorithm} ` : ""}(${names(d.columns)})`;
    if (d.buckets !== undefined) s += ` INTO ${d.buckets} BUCKETS`;
  }
  if (table.partitionKeys.length > 0) s += `\nPARTITIONED BY (${names(table.partitionKeys)})`;
  if (Object.keys(table.options).length > 0) s += `\nWITH (\n${optionsDdl(table.options)}\n)`;
  return s;
}

/** CREATE VIEW text for a view (`name`: the quoted full name). */
export function createViewDdl(name: string, view: CatalogView): string {
  let s = `CREATE VIEW ${name}`;
  if (view.columns !== undefined) s += ` (${names(view.columns)})`;
  if (view.comment !== undefined) s += ` COMMENT ${quoteString(view.comment)}`;
  return `${s} AS\n${view.text}`;
}

/** A table from stored DDL (a CREATE TABLE without LIKE); the DDL stays on the table. */
export function parseTableDdl(ddl: string): CatalogTable {
  const stmt = parseStatement(ddl);
  if (stmt.kind !== "createTable" || stmt.like !== undefined || stmt.asQuery !== undefined) {
    throw new DdlValidationError(
      `Not a self-contained CREATE TABLE statement: ${ddl.slice(0, 80)}`,
    );
  }
  return tableFromStatement(stmt, { text: new SourceText(ddl) }, ddl);
}

/** A view from stored DDL (a CREATE VIEW). */
export function parseViewDdl(ddl: string): CatalogView {
  const stmt = parseStatement(ddl);
  if (stmt.kind !== "createView") {
    throw new DdlValidationError(`Not a CREATE VIEW statement: ${ddl.slice(0, 80)}`);
  }
  return viewFromStatement(stmt, new SourceText(ddl).restOfStatement(stmt.query.pos.offset));
}
