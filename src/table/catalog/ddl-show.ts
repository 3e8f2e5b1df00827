/**
 * SHOW and DESCRIBE, with Flink's result columns: `SHOW TABLES` lists tables and views
 * (`table name`), `SHOW VIEWS` views, `SHOW [USER] FUNCTIONS`, `SHOW CATALOGS`, `SHOW
 * DATABASES`, `SHOW CURRENT CATALOG | DATABASE`, `SHOW COLUMNS FROM t`, `SHOW CREATE TABLE |
 * VIEW | CATALOG`; names sorted, filtered by `[NOT] LIKE | ILIKE`. DESCRIBE gives one row per
 * column: name, type (with `*ROWTIME*` / `*PROCTIME*`), null, key (`PRI(a, b)`), extras
 * (`AS expr`, `METADATA FROM 'k' VIRTUAL`) and watermark.
 */
import { likeMatcher } from "../expr/like.ts";
import type { DescribeStatement, ShowLike, ShowStatement } from "../sql/ast-statement.ts";
import { asNullable } from "../types/logical-type.ts";
import { materializedType } from "../types/time-attributes.ts";
import { quoteString, typeToString } from "../types/type-print.ts";
import type { CatalogManager } from "./catalog-manager.ts";
import type { DdlResult, TableResult } from "./ddl-support.ts";
import { DdlValidationError, at } from "./errors.ts";
import type { CatalogTable, ColumnSpec } from "./objects.ts";
import { createTableDdl, createViewDdl, quotedName } from "./table-ddl.ts";

/** DESCRIBE's columns (Flink's). */
export const DESCRIBE_COLUMNS = ["name", "type", "null", "key", "extras", "watermark"];

function filter(names: readonly string[], like: ShowLike | undefined): string[] {
  if (like === undefined) return [...names];
  const re = likeMatcher(like.pattern, null, like.caseInsensitive);
  return names.filter((n) => re.test(n) !== like.not);
}

function list(column: string, names: readonly string[], like?: ShowLike): TableResult {
  return { columns: [column], rows: filter(names, like).map((n) => [n]) };
}

function isProctime(c: ColumnSpec): boolean {
  return (
    c.kind === "computed" &&
    c.expr.kind === "call" &&
    c.expr.args.length === 0 &&
    c.expr.name.length === 1 &&
    c.expr.name[0]!.toUpperCase() === "PROCTIME"
  );
}

/** DESCRIBE rows of a table. */
export function describeTable(table: CatalogTable): unknown[][] {
  const s = table.schema;
  const pk = s.primaryKey;
  const key = pk !== undefined ? `PRI(${pk.columns.join(", ")})` : null;
  return s.columns.map((c) => {
    const wm = s.watermarks.find((w) => w.rowtime === c.name);
    let type = c.type !== undefined ? typeToString(materializedType(asNullable(c.type))) : "";
    if (wm !== undefined) type += " *ROWTIME*";
    else if (isProctime(c)) type += " *PROCTIME*";
    let extras: string | null = null;
    if (c.kind === "computed") extras = `AS ${c.text}`;
    else if (c.kind === "metadata") {
      extras = "METADATA";
      if (c.key !== undefined) extras += ` FROM ${quoteString(c.key)}`;
      if (c.virtual) extras += " VIRTUAL";
    }
    return [
      c.name,
      type,
      c.type === undefined ? true : c.type.nullable,
      pk?.columns.includes(c.name) ? key : null,
      extras,
      wm?.text ?? null,
    ];
  });
}

/** Runs DESCRIBE. */
export function describe(stmt: DescribeStatement, manager: CatalogManager): DdlResult {
  return { columns: DESCRIBE_COLUMNS, rows: describeRows(stmt.name, stmt.pos, manager) };
}

function describeRows(
  name: readonly string[],
  pos: DescribeStatement["pos"],
  manager: CatalogManager,
): unknown[][] {
  const { identifier, object } = manager.lookupTable(name, pos);
  if (object.kind === "table") return describeTable(object);
  const fields = manager.resolveView?.(object, identifier);
  if (fields === undefined) {
    throw new DdlValidationError(
      `DESCRIBE of view '${name.join(".")}' needs the planner to type its query${at(pos)}`,
    );
  }
  return fields.fields.map((f) => [
    f.name,
    typeToString(asNullable(f.type)),
    f.type.nullable,
    null,
    null,
    null,
  ]);
}

/** Runs SHOW. */
export function show(stmt: ShowStatement, manager: CatalogManager): DdlResult {
  const pos = stmt.pos;
  const db = () => {
    if (stmt.from === undefined)
      return { catalog: manager.currentCatalog, database: manager.currentDatabase };
    return manager.qualifyDatabase(stmt.from, pos);
  };
  switch (stmt.object) {
    case "CATALOGS":
      return list("catalog name", manager.listCatalogs(), stmt.like);
    case "CURRENT CATALOG":
      return list("current catalog name", [manager.currentCatalog]);
    case "DATABASES": {
      const catalog = stmt.from?.[0] ?? manager.currentCatalog;
      return list("database name", manager.getCatalog(catalog, pos).listDatabases(), stmt.like);
    }
    case "CURRENT DATABASE":
      return list("current database name", [manager.currentDatabase]);
    case "TABLES": {
      const { catalog, database } = db();
      return list("table name", manager.listTables(catalog, database), stmt.like);
    }
    case "VIEWS": {
      const { catalog, database } = db();
      return list("view name", manager.listViews(catalog, database), stmt.like);
    }
    case "FUNCTIONS": {
      const { catalog, database } = db();
      const names = new Set([
        ...manager.builtinFunctions().map((n) => n.toLowerCase()),
        ...manager.listUserFunctions(catalog, database),
      ]);
      return list("function name", [...names].sort(), stmt.like);
    }
    case "USER FUNCTIONS": {
      const { catalog, database } = db();
      return list("function name", manager.listUserFunctions(catalog, database), stmt.like);
    }
    case "COLUMNS": {
      const rows = describeRows(stmt.name!, pos, manager);
      const keep = new Set(
        filter(
          rows.map((r) => r[0] as string),
          stmt.like,
        ),
      );
      return { columns: DESCRIBE_COLUMNS, rows: rows.filter((r) => keep.has(r[0] as string)) };
    }
    case "CREATE TABLE":
    case "CREATE VIEW": {
      const { identifier: id, object, temporary } = manager.lookupTable(stmt.name!, pos);
      const want = stmt.object === "CREATE TABLE" ? "table" : "view";
      if (object.kind !== want) {
        throw new DdlValidationError(
          `SHOW ${stmt.object} applies to ${want}s, but '${stmt.name!.join(".")}' is a ${object.kind}${at(pos)}: use SHOW CREATE ${object.kind.toUpperCase()}`,
        );
      }
      const name = quotedName([id.catalog, id.database, id.object]);
      let ddl =
        object.kind === "table" ? createTableDdl(name, object) : createViewDdl(name, object);
      if (temporary) ddl = ddl.replace(/^CREATE /, "CREATE TEMPORARY ");
      return { columns: ["result"], rows: [[ddl]] };
    }
    case "CREATE CATALOG": {
      const name = stmt.name![0]!;
      manager.getCatalog(name, pos);
      const options = manager.catalogOptions(name);
      if (options === undefined) {
        throw new DdlValidationError(
          `Catalog '${name}' was not created with CREATE CATALOG; its options are unknown${at(pos)}`,
        );
      }
      const body = Object.entries(options)
        .map(([k, v]) => `  ${quoteString(k)} = ${quoteString(v)}`)
        .join(",\n");
      return {
        columns: ["result"],
        rows: [[`CREATE CATALOG ${quotedName([name])} WITH (\n${body}\n)`]],
      };
    }
    default:
      throw new DdlValidationError(`SHOW ${stmt.object} is not supported${at(pos)}`);
  }
}
