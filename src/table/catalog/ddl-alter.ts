/**
 * ALTER TABLE (rename, SET / RESET options, ADD / MODIFY / DROP columns, watermark and primary
 * key, RENAME column, distribution) and ALTER VIEW, with Flink's checks: a column used by the
 * primary key, the watermark, a computed column, the partitioning or the distribution cannot be
 * dropped; one used by an expression cannot be renamed; `connector` cannot be reset; the altered
 * table is validated again (schema and connector options) before it replaces the old one. A
 * one-part new name in RENAME TO stays in the object's database.
 */
import type {
  AlterTableStatement,
  AlterViewStatement,
  ColumnPosition,
  SchemaItem,
} from "../sql/ast-ddl.ts";
import type { SourcePos } from "../sql/errors.ts";
import type { CatalogManager } from "./catalog-manager.ts";
import {
  schemaContext,
  sourceTextOf,
  validateConnector,
  propertyPositions,
  type DdlOptions,
  type DdlResult,
} from "./ddl-support.ts";
import { DdlValidationError, at } from "./errors.ts";
import type { CatalogTable, ColumnSpec, ObjectIdentifier, TableSchema } from "./objects.ts";
import { identifierToString } from "./objects.ts";
import {
  columnFromAst,
  primaryKeyFromAst,
  referencedNames,
  validatePartitionKeys,
  validateSchema,
  watermarkFromAst,
  type SchemaContext,
} from "./schema.ts";
import {
  createTableDdl,
  distributionFromAst,
  optionsFromProperties,
  quotedName,
  viewFromStatement,
} from "./table-ddl.ts";

/** A mutable copy of a table's parts while an ALTER applies. */
interface Draft {
  columns: ColumnSpec[];
  watermarks: TableSchema["watermarks"];
  primaryKey: TableSchema["primaryKey"];
  options: Record<string, string>;
  partitionKeys: readonly string[];
  distribution: CatalogTable["distribution"];
}

function place(
  columns: ColumnSpec[],
  col: ColumnSpec,
  position: ColumnPosition | undefined,
  pos: SourcePos,
): void {
  if (position === undefined) columns.push(col);
  else if (position.kind === "first") columns.unshift(col);
  else {
    const i = columns.findIndex((c) => c.name === position.column);
    if (i < 0)
      throw new DdlValidationError(`Column '${position.column}' of AFTER does not exist${at(pos)}`);
    columns.splice(i + 1, 0, col);
  }
}

/** The expression that uses a column (the watermark, a computed column), or undefined. */
function expressionUsage(d: Draft, name: string): string | undefined {
  for (const w of d.watermarks) {
    if (w.rowtime === name || referencedNames(w.expr).has(name)) return "the watermark";
  }
  for (const c of d.columns) {
    if (c.kind === "computed" && referencedNames(c.expr).has(name))
      return `computed column '${c.name}'`;
  }
  return undefined;
}

/** Where a column is used (for DROP checks), or undefined. */
function usage(d: Draft, name: string): string | undefined {
  if (d.primaryKey?.columns.includes(name)) return "the primary key";
  if (d.partitionKeys.includes(name)) return "the partitioning";
  if (d.distribution?.columns.includes(name)) return "the distribution";
  return expressionUsage(d, name);
}

function applyItem(
  d: Draft,
  item: SchemaItem,
  add: boolean,
  ctx: SchemaContext,
  table: string,
): void {
  const where = at(item.pos);
  if (item.kind === "watermark") {
    const exists = d.watermarks.length > 0;
    if (add && exists)
      throw new DdlValidationError(
        `Table '${table}' already has a watermark${where}: use ALTER TABLE ... MODIFY WATERMARK`,
      );
    if (!add && !exists)
      throw new DdlValidationError(
        `Table '${table}' has no watermark to modify${where}: use ALTER TABLE ... ADD WATERMARK`,
      );
    d.watermarks = [watermarkFromAst(item, ctx)];
    return;
  }
  if (item.kind === "primaryKey") {
    const exists = d.primaryKey !== undefined;
    if (add && exists)
      throw new DdlValidationError(
        `Table '${table}' already has a primary key${where}: use ALTER TABLE ... MODIFY PRIMARY KEY`,
      );
    if (!add && !exists)
      throw new DdlValidationError(
        `Table '${table}' has no primary key to modify${where}: use ALTER TABLE ... ADD PRIMARY KEY`,
      );
    d.primaryKey = primaryKeyFromAst(item);
    return;
  }
  const i = d.columns.findIndex((c) => c.name === item.name);
  if (add && i >= 0)
    throw new DdlValidationError(
      `Column '${item.name}' already exists in table '${table}'${where}`,
    );
  if (!add && i < 0)
    throw new DdlValidationError(
      `Column '${item.name}' does not exist in table '${table}'${where}`,
    );
  const others = add ? d.columns : d.columns.filter((_, k) => k !== i);
  const before = item.position === undefined && !add ? d.columns.slice(0, i) : others;
  const col = columnFromAst(item, before, ctx);
  if (add || item.position !== undefined) {
    d.columns = others;
    place(d.columns, col, item.position, item.pos);
  } else {
    d.columns[i] = col;
  }
}

function applyAction(d: Draft, stmt: AlterTableStatement, ctx: SchemaContext, table: string): void {
  const a = stmt.action;
  const where = at(stmt.pos);
  switch (a.kind) {
    case "setOptions":
      Object.assign(d.options, optionsFromProperties(a.options));
      return;
    case "resetOptions":
      for (const k of a.keys) {
        if (k === "connector")
          throw new DdlValidationError(`ALTER TABLE RESET cannot reset 'connector'${where}`);
        delete d.options[k];
      }
      return;
    case "add":
    case "modify":
      for (const item of a.items) applyItem(d, item, a.kind === "add", ctx, table);
      return;
    case "dropColumns":
      for (const name of a.columns) {
        if (!d.columns.some((c) => c.name === name)) {
          throw new DdlValidationError(
            `Column '${name}' does not exist in table '${table}'${where}`,
          );
        }
        d.columns = d.columns.filter((c) => c.name !== name);
        const used = usage(d, name);
        if (used !== undefined)
          throw new DdlValidationError(
            `Column '${name}' is used by ${used}${where}: it cannot be dropped`,
          );
      }
      return;
    case "renameColumn": {
      const i = d.columns.findIndex((c) => c.name === a.from);
      if (i < 0)
        throw new DdlValidationError(
          `Column '${a.from}' does not exist in table '${table}'${where}`,
        );
      if (d.columns.some((c) => c.name === a.to))
        throw new DdlValidationError(`Column '${a.to}' already exists in table '${table}'${where}`);
      const used = expressionUsage(d, a.from);
      if (used !== undefined)
        throw new DdlValidationError(
          `Column '${a.from}' is used by ${used}${where}: it cannot be renamed`,
        );
      d.columns[i] = { ...d.columns[i]!, name: a.to };
      const rename = (n: string) => (n === a.from ? a.to : n);
      if (d.primaryKey)
        d.primaryKey = { ...d.primaryKey, columns: d.primaryKey.columns.map(rename) };
      d.partitionKeys = d.partitionKeys.map(rename);
      if (d.distribution)
        d.distribution = { ...d.distribution, columns: d.distribution.columns.map(rename) };
      return;
    }
    case "dropPrimaryKey":
      if (d.primaryKey === undefined)
        throw new DdlValidationError(`Table '${table}' has no primary key${where}`);
      d.primaryKey = undefined;
      return;
    case "dropConstraint":
      if (d.primaryKey?.name !== a.name)
        throw new DdlValidationError(`Table '${table}' has no constraint '${a.name}'${where}`);
      d.primaryKey = undefined;
      return;
    case "dropWatermark":
      if (d.watermarks.length === 0)
        throw new DdlValidationError(`Table '${table}' has no watermark${where}`);
      d.watermarks = [];
      return;
    case "addDistribution":
    case "modifyDistribution":
      if ((a.kind === "addDistribution") === (d.distribution !== undefined)) {
        throw new DdlValidationError(
          a.kind === "addDistribution"
            ? `Table '${table}' already has a distribution${where}`
            : `Table '${table}' has no distribution${where}`,
        );
      }
      d.distribution = distributionFromAst(a.distribution);
      return;
    case "dropDistribution":
      if (d.distribution === undefined)
        throw new DdlValidationError(`Table '${table}' has no distribution${where}`);
      d.distribution = undefined;
      return;
    case "addPartitions":
    case "dropPartitions":
      throw new DdlValidationError(
        `ALTER TABLE ... ${a.kind === "addPartitions" ? "ADD" : "DROP"} PARTITION is not supported${where}`,
      );
    case "renameTable":
      throw new Error("unreachable: renameTable is handled by alterTable");
  }
}

/** The new name of RENAME TO: a 1-part name stays in the object's database. */
function renameTarget(
  manager: CatalogManager,
  id: ObjectIdentifier,
  newName: readonly string[],
  pos: SourcePos,
): ObjectIdentifier {
  return newName.length === 1 ? { ...id, object: newName[0]! } : manager.qualify(newName, pos);
}

function resolveTable(
  stmt: AlterTableStatement,
  manager: CatalogManager,
): { id: ObjectIdentifier; table: CatalogTable } | undefined {
  const id = manager.qualify(stmt.name, stmt.pos);
  const found = manager.getTable(id);
  if (found === undefined) {
    if (stmt.ifExists) return undefined;
    manager.lookupTable(stmt.name, stmt.pos);
    return undefined;
  }
  if (found.object.kind !== "table") {
    throw new DdlValidationError(
      `'${identifierToString(id)}' is a view${at(stmt.pos)}: use ALTER VIEW`,
    );
  }
  return { id, table: found.object };
}

/** Runs ALTER TABLE. */
export function alterTable(
  stmt: AlterTableStatement,
  manager: CatalogManager,
  opts: DdlOptions,
): DdlResult {
  const target = resolveTable(stmt, manager);
  if (target === undefined) return "OK";
  const { id, table } = target;
  const a = stmt.action;
  if (a.kind === "renameTable") {
    const to = renameTarget(manager, id, a.newName, stmt.pos);
    if (to.catalog !== id.catalog || to.database !== id.database) {
      throw new DdlValidationError(
        `A table can only be renamed within its database '${id.catalog}.${id.database}'${at(stmt.pos)}`,
      );
    }
    manager.renameTable(id, to.object, stmt.pos);
    const { ddl: _ddl, ...renamed } = table;
    manager.alterTable(
      to,
      { ...renamed, ddl: createTableDdl(quotedName([to.object]), table) },
      stmt.pos,
    );
    return "OK";
  }
  const d: Draft = {
    columns: [...table.schema.columns],
    watermarks: table.schema.watermarks,
    primaryKey: table.schema.primaryKey,
    options: { ...table.options },
    partitionKeys: table.partitionKeys,
    distribution: table.distribution,
  };
  const name = identifierToString(id);
  applyAction(d, stmt, schemaContext(manager, opts), name);
  const schema = validateSchema(
    {
      columns: d.columns,
      watermarks: d.watermarks,
      ...(d.primaryKey !== undefined ? { primaryKey: d.primaryKey } : {}),
    },
    { statement: stmt.pos },
  );
  validatePartitionKeys(schema, d.partitionKeys, stmt.pos);
  const { ddl: _old, distribution: _d, ...rest } = table;
  const altered: CatalogTable = {
    ...rest,
    schema,
    options: d.options,
    partitionKeys: d.partitionKeys,
    ...(d.distribution !== undefined ? { distribution: d.distribution } : {}),
  };
  const positions = a.kind === "setOptions" ? propertyPositions(a.options) : undefined;
  validateConnector(id, altered, opts, positions, stmt.pos);
  manager.alterTable(
    id,
    { ...altered, ddl: createTableDdl(quotedName([id.object]), altered) },
    stmt.pos,
  );
  return "OK";
}

/** Runs ALTER VIEW (RENAME TO, AS query). */
export function alterView(
  stmt: AlterViewStatement,
  manager: CatalogManager,
  opts: DdlOptions,
): DdlResult {
  const { identifier: id, object: view } = manager.lookupTable(stmt.name, stmt.pos);
  if (view.kind !== "view") {
    throw new DdlValidationError(
      `'${identifierToString(id)}' is a table${at(stmt.pos)}: use ALTER TABLE`,
    );
  }
  const a = stmt.action;
  if (a.kind === "rename") {
    const to = renameTarget(manager, id, a.newName, stmt.pos);
    if (to.catalog !== id.catalog || to.database !== id.database) {
      throw new DdlValidationError(
        `A view can only be renamed within its database '${id.catalog}.${id.database}'${at(stmt.pos)}`,
      );
    }
    manager.renameTable(id, to.object, stmt.pos);
    return "OK";
  }
  const text = sourceTextOf(opts)?.restOfStatement(a.query.pos.offset);
  const next = viewFromStatement(
    {
      query: a.query,
      ...(view.columns !== undefined ? { columns: view.columns } : {}),
      ...(view.comment !== undefined ? { comment: view.comment } : {}),
    } as Parameters<typeof viewFromStatement>[0],
    text,
  );
  manager.alterTable(id, next, stmt.pos);
  return "OK";
}
