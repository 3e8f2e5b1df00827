/**
 * Table schemas from DDL: columns, watermarks and primary keys from the parser's AST, and the
 * checks Flink makes on a schema (unique column names, a watermark on an existing TIMESTAMP(p≤3)
 * or TIMESTAMP_LTZ(p≤3) column, at most one watermark, a NOT ENFORCED primary key on physical
 * columns, which become NOT NULL). Errors name the column and its place.
 */
import type { Expr } from "../sql/ast-expr.ts";
import type { ColumnDef, PrimaryKeyDef, WatermarkDef } from "../sql/ast-ddl.ts";
import type { SourcePos } from "../sql/errors.ts";
import { formatExpr } from "../sql/format-statement.ts";
import { notNull } from "../types/logical-type.ts";
import type { LogicalType } from "../types/logical-type.ts";
import { typeToString } from "../types/type-print.ts";
import { DdlValidationError, at } from "./errors.ts";
import type {
  ColumnSpec,
  ComputedColumnSpec,
  PrimaryKeySpec,
  TableSchema,
  WatermarkSpec,
} from "./objects.ts";
import type { SourceText } from "./source-text.ts";
import { logicalTypeOf } from "./type-from-ast.ts";

/**
 * Types a computed column's (or watermark's) expression against the columns before it; the
 * planner provides one. Returns undefined when it cannot tell.
 */
export type ExpressionTyper = (
  expr: Expr,
  columns: readonly ColumnSpec[],
) => LogicalType | undefined;

/** What schema building needs besides the AST: the script text and an optional typer. */
export interface SchemaContext {
  /** The script the AST was parsed from, to keep expressions' text as written. */
  readonly text?: SourceText;
  /** Types computed columns (else only a top-level CAST gives a type). */
  readonly typer?: ExpressionTyper;
}

/** Positions of schema elements, for error messages. */
export interface SchemaPositions {
  /** Where each column was defined. */
  readonly columns?: ReadonlyMap<string, SourcePos>;
  /** Where the watermark was defined. */
  readonly watermark?: SourcePos;
  /** Where the primary key was defined. */
  readonly primaryKey?: SourcePos;
  /** The statement, for everything else. */
  readonly statement?: SourcePos;
}

/** The text of an expression: as written when the script is known, else canonical. */
export function expressionText(expr: Expr, ctx: SchemaContext): string {
  return ctx.text?.expressionAt(expr.pos.offset) ?? formatExpr(expr);
}

function typeOfComputed(
  expr: Expr,
  columns: readonly ColumnSpec[],
  ctx: SchemaContext,
): LogicalType | undefined {
  if (ctx.typer !== undefined) return ctx.typer(expr, columns);
  if (expr.kind === "cast") return logicalTypeOf(expr.type);
  if (expr.kind === "call" && expr.args.length === 0 && expr.name.length === 1) {
    // PROCTIME() is typed here so DESCRIBE shows it without a planner.
    if (expr.name[0]!.toUpperCase() === "PROCTIME") {
      return notNull({ kind: "TIMESTAMP_LTZ", nullable: true, precision: 3 });
    }
  }
  return undefined;
}

/** A column spec from its definition (`before`: the columns defined so far, for typing). */
export function columnFromAst(
  def: ColumnDef,
  before: readonly ColumnSpec[],
  ctx: SchemaContext,
): ColumnSpec {
  const comment = def.comment !== undefined ? { comment: def.comment } : {};
  switch (def.kind) {
    case "physical":
      return { kind: "physical", name: def.name, type: logicalTypeOf(def.type), ...comment };
    case "metadata":
      return {
        kind: "metadata",
        name: def.name,
        type: logicalTypeOf(def.type),
        ...(def.key !== undefined ? { key: def.key } : {}),
        virtual: def.virtual,
        ...comment,
      };
    case "computed": {
      const type = typeOfComputed(def.expr, before, ctx);
      const col: ComputedColumnSpec = {
        kind: "computed",
        name: def.name,
        expr: def.expr,
        text: expressionText(def.expr, ctx),
        ...(type !== undefined ? { type } : {}),
        ...comment,
      };
      return col;
    }
  }
}

/** Columns from their definitions, in order. */
export function columnsFromAst(defs: readonly ColumnDef[], ctx: SchemaContext): ColumnSpec[] {
  const out: ColumnSpec[] = [];
  for (const def of defs) out.push(columnFromAst(def, out, ctx));
  return out;
}

/** A watermark spec from its definition. */
export function watermarkFromAst(def: WatermarkDef, ctx: SchemaContext): WatermarkSpec {
  return { rowtime: def.column, expr: def.strategy, text: expressionText(def.strategy, ctx) };
}

/** A primary key spec from its definition; ENFORCED is refused, as in Flink. */
export function primaryKeyFromAst(def: PrimaryKeyDef): PrimaryKeySpec {
  if (def.enforced) {
    throw new DdlValidationError(
      `PRIMARY KEY must be declared NOT ENFORCED${at(def.pos)}: Strom does not own the data ` +
        `of a table, so it cannot enforce the key (the only mode, as in Flink)`,
    );
  }
  return { name: def.name ?? `PK_${def.columns.join("_")}`, columns: [...def.columns] };
}

/** The type of a column, when known (computed columns may be untyped until planned). */
export function columnType(c: ColumnSpec): LogicalType | undefined {
  return c.type;
}

function checkRowtimeType(wm: WatermarkSpec, column: ColumnSpec, pos: SourcePos | undefined): void {
  const t = columnType(column);
  if (t === undefined) return;
  const ok = (t.kind === "TIMESTAMP" || t.kind === "TIMESTAMP_LTZ") && t.precision <= 3;
  if (!ok) {
    throw new DdlValidationError(
      `Invalid type of the rowtime column '${wm.rowtime}' of the watermark${at(pos)}: it must be ` +
        `TIMESTAMP(p) or TIMESTAMP_LTZ(p) with p from 0 to 3, but it is ${typeToString(t)}`,
    );
  }
}

/**
 * Checks a schema and returns it with primary key columns made NOT NULL. Throws a
 * {@link DdlValidationError} for a duplicate column, more than one watermark, a watermark on a
 * missing or ill-typed column, or a primary key on a missing, repeated or non-physical column.
 */
export function validateSchema(schema: TableSchema, positions: SchemaPositions = {}): TableSchema {
  const colPos = (name: string) => positions.columns?.get(name) ?? positions.statement;
  const byName = new Map<string, ColumnSpec>();
  for (const c of schema.columns) {
    if (byName.has(c.name)) {
      throw new DdlValidationError(`Duplicate column name '${c.name}'${at(colPos(c.name))}`);
    }
    byName.set(c.name, c);
  }
  if (schema.columns.length === 0) {
    throw new DdlValidationError(`A table needs at least one column${at(positions.statement)}`);
  }
  const wmPos = positions.watermark ?? positions.statement;
  if (schema.watermarks.length > 1) {
    throw new DdlValidationError(
      `Multiple watermark definitions are not supported${at(wmPos)}: define one WATERMARK`,
    );
  }
  for (const wm of schema.watermarks) {
    const column = byName.get(wm.rowtime);
    if (column === undefined) {
      throw new DdlValidationError(
        `The rowtime column '${wm.rowtime}' of the watermark is not a column of the table${at(wmPos)}. ` +
          `Columns: ${[...byName.keys()].join(", ")}`,
      );
    }
    checkRowtimeType(wm, column, wmPos);
  }
  const pk = schema.primaryKey;
  if (pk === undefined) return schema;
  const pkPos = positions.primaryKey ?? positions.statement;
  const seen = new Set<string>();
  for (const name of pk.columns) {
    const column = byName.get(name);
    if (seen.has(name)) {
      throw new DdlValidationError(`Column '${name}' appears twice in the PRIMARY KEY${at(pkPos)}`);
    }
    seen.add(name);
    if (column === undefined) {
      throw new DdlValidationError(
        `The PRIMARY KEY column '${name}' is not a column of the table${at(pkPos)}. ` +
          `Columns: ${[...byName.keys()].join(", ")}`,
      );
    }
    if (column.kind !== "physical") {
      throw new DdlValidationError(
        `The PRIMARY KEY column '${name}' is a ${column.kind} column${at(pkPos)}: ` +
          `a primary key must be declared on physical columns`,
      );
    }
  }
  const columns = schema.columns.map((c) =>
    c.kind === "physical" && seen.has(c.name) && c.type.nullable
      ? { ...c, type: notNull(c.type) }
      : c,
  );
  return { ...schema, columns };
}

/** Checks that each partition key is a column of the schema. */
export function validatePartitionKeys(
  schema: TableSchema,
  keys: readonly string[],
  pos: SourcePos | undefined,
): void {
  const names = schema.columns.map((c) => c.name);
  for (const k of keys) {
    if (!names.includes(k)) {
      throw new DdlValidationError(
        `Partition column '${k}' is not a column of the table${at(pos)}. Columns: ${names.join(", ")}`,
      );
    }
  }
}

/** The names an expression refers to (first part of each identifier), for ALTER checks. */
export function referencedNames(expr: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(expr)) {
    for (const e of expr) referencedNames(e, out);
  } else if (expr !== null && typeof expr === "object") {
    const node = expr as { kind?: unknown; parts?: unknown };
    if (node.kind === "identifier" && Array.isArray(node.parts) && node.parts.length > 0) {
      out.add(String(node.parts[0]));
    }
    for (const [k, v] of Object.entries(expr)) if (k !== "pos") referencedNames(v, out);
  }
  return out;
}
