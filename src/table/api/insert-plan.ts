/**
 * Planning of INSERT statements (alone, in a statement set, or the insert of CREATE TABLE ... AS
 * SELECT): the query's plan fitted to the target's columns (a column list fills the columns it
 * does not name with NULL) and the sink that takes it. Every statement of a set is planned before
 * anything is translated, so a statement that cannot be planned runs none of them.
 */
import { cast, inputRef, literal, type RexNode } from "../expr/rex.ts";
import * as build from "../planner/builders.ts";
import { SqlPlanError } from "../planner/errors.ts";
import type { RelNode } from "../planner/logical.ts";
import type { CreateTableStatement, PhysicalColumn } from "../sql/ast-ddl.ts";
import type { Query } from "../sql/ast-query.ts";
import type { InsertStatement, Statement } from "../sql/ast-statement.ts";
import type { SourcePos } from "../sql/errors.ts";
import { parseDataType, parseStatements } from "../sql/index.ts";
import { materializedType, quoteIdentifier, typeToString } from "../types/index.ts";
import { supportsAvoidingCast, supportsImplicitCast } from "../types/cast-rules.ts";
import type { CatalogBridge, SinkTarget } from "./catalog-bridge.ts";
import type { TableConfig } from "./table-config.ts";
import { TableResult } from "./table-result.ts";

/** An INSERT ready to translate: the rows to write (in the table's column order) and the sink. */
export interface PlannedInsert {
  /** The target table's name as written. */
  readonly target: string;
  /** The rows, one field per column of the table. */
  readonly rel: RelNode;
  /** The sink of the table. */
  readonly sink: SinkTarget;
}

/** What planning an INSERT needs from the table environment. */
export interface InsertPlanner {
  /** Binds and optimizes a query. */
  plan(query: Query): RelNode;
  /** The sink of a table. */
  sinkFor(table: readonly string[], pos: SourcePos): SinkTarget;
  /** The session's options. */
  readonly config: TableConfig;
}

/** Plans INSERT `ins`; throws a positioned error when it cannot run. */
export function planInsert(ins: InsertStatement, planner: InsertPlanner): PlannedInsert {
  const target = ins.table.join(".");
  if (ins.overwrite) {
    throw new SqlPlanError(
      `INSERT OVERWRITE is not supported yet (target ${target}): use INSERT INTO, or recreate the table`,
      ins.pos,
    );
  }
  if (ins.partition !== undefined && ins.partition.length > 0) {
    throw new SqlPlanError(
      `INSERT with a static PARTITION clause is not supported yet (target ${target})`,
      ins.pos,
    );
  }
  let rel = planner.plan(ins.query);
  const sink = planner.sinkFor(ins.table, ins.pos);
  const width = ins.columns?.length ?? sink.columns.length;
  if (rel.fields.length !== width) {
    throw new SqlPlanError(
      `Column count mismatch in INSERT INTO ${target}: the query has ${rel.fields.length} columns, ${ins.columns !== undefined ? "the column list" : "the table"} ${width}`,
      ins.pos,
    );
  }
  if (ins.columns !== undefined) rel = fitColumns(rel, ins.columns, sink, target, ins.pos);
  rel = fitTypes(rel, sink, target, ins.pos);
  sink.check(rel, planner.config);
  return { target, rel, sink };
}

/**
 * The rows of `rel` (one field per name of `columns`) widened to every column of the sink, in
 * its order: a column the list does not name is NULL, or an error when it is NOT NULL.
 */
function fitColumns(
  rel: RelNode,
  columns: readonly string[],
  sink: SinkTarget,
  target: string,
  pos: SourcePos,
): RelNode {
  const seen = new Set<string>();
  for (const c of columns) {
    if (!sink.columns.some((f) => f.name === c)) {
      throw new SqlPlanError(
        `Unknown column '${c}' in the column list of INSERT INTO ${target} (its columns: ${sink.columns.map((f) => f.name).join(", ")})`,
        pos,
      );
    }
    if (seen.has(c)) {
      throw new SqlPlanError(
        `Column '${c}' appears twice in the column list of INSERT INTO ${target}`,
        pos,
      );
    }
    seen.add(c);
  }
  const exprs: RexNode[] = sink.columns.map((f) => {
    const i = columns.indexOf(f.name);
    if (i >= 0) return inputRef(i, rel.fields[i]!.type);
    if (!f.type.nullable) {
      throw new SqlPlanError(
        `Column '${f.name}' of ${target} is NOT NULL, so INSERT INTO ${target} must name it in its column list`,
        pos,
      );
    }
    return literal(null, f.type);
  });
  return build.project(
    rel,
    exprs,
    sink.columns.map((f) => f.name),
  );
}

/**
 * The rows of `rel` with each field converted to the type of the sink's column where it differs:
 * implicitly (a widening: INT into BIGINT, CHAR into VARCHAR, DECIMAL into DECIMAL...), as
 * Flink does; a type that needs an explicit CAST is an error naming the column.
 */
function fitTypes(rel: RelNode, sink: SinkTarget, target: string, pos: SourcePos): RelNode {
  let changed = false;
  const exprs: RexNode[] = sink.columns.map((column, i) => {
    const from = materializedType(rel.fields[i]!.type);
    const to = column.type.nullable ? column.type : { ...column.type, nullable: true };
    const ref = inputRef(i, rel.fields[i]!.type);
    if (supportsAvoidingCast(from, to)) return ref;
    if (!supportsImplicitCast(from, to)) {
      throw new SqlPlanError(
        `Column types of the query and of sink ${target} do not match: column '${column.name}' (position ${i + 1}) is ${typeToString(column.type)}, the query gives ${typeToString(from)}; convert it with CAST(... AS ${typeToString(column.type)})`,
        pos,
      );
    }
    changed = true;
    return cast(ref, to);
  });
  if (!changed) return rel;
  return build.project(
    rel,
    exprs,
    rel.fields.map((f) => f.name),
  );
}

/** EXPLAIN of INSERTs: per statement, its sink and the plan of its rows. */
export function explainInserts(
  inserts: readonly PlannedInsert[],
  explainRel: (rel: RelNode) => string,
): string {
  return inserts
    .map(
      (p, i) =>
        `== Statement ${i + 1}: INSERT INTO ${p.target} ==\nSink(table=[${p.sink.name}], fields=[${p.rel.fields.map((f) => f.name).join(", ")}])\n${explainRel(p.rel)}`,
    )
    .join("\n\n");
}

/**
 * The CREATE TABLE of `CREATE TABLE t WITH (...) AS query`: the columns are the query's (names
 * and types), the options, comment and partitioning the statement's.
 */
function ctasTable(stmt: CreateTableStatement, rel: RelNode): CreateTableStatement {
  if (stmt.columns.length > 0 || stmt.watermarks.length > 0 || stmt.primaryKey !== undefined) {
    throw new SqlPlanError(
      "CREATE TABLE ... AS SELECT takes its columns from the query: declared columns, watermarks and primary keys are not supported",
      stmt.pos,
    );
  }
  if (stmt.mode !== "create") {
    throw new SqlPlanError(
      "[CREATE OR] REPLACE TABLE ... AS SELECT is not supported yet: drop the table first",
      stmt.pos,
    );
  }
  const columns: PhysicalColumn[] = rel.fields.map((f) => ({
    kind: "physical",
    pos: stmt.pos,
    name: f.name,
    type: parseDataType(typeToString(materializedType(f.type))),
  }));
  const { asQuery: _unused, ...rest } = stmt;
  return { ...rest, columns };
}

/** What CREATE TABLE ... AS SELECT needs from the table environment. */
export interface CtasHost {
  /** Binds and optimizes a query. */
  plan(query: Query): RelNode;
  /** The session's catalogs. */
  readonly catalogs: CatalogBridge;
  /** Runs a DDL statement. */
  runDdl(s: Statement): Promise<unknown>;
  /** Plans INSERTs and returns their job. */
  executeInserts(inserts: readonly InsertStatement[]): TableResult;
}

/**
 * CREATE TABLE t WITH (...) AS query: the query is planned, the table created with its columns,
 * and the INSERT of its rows returned (the table is dropped again when the INSERT cannot be
 * planned). With IF NOT EXISTS and an existing table nothing happens.
 */
export async function createTableAs(
  s: CreateTableStatement,
  query: Query,
  host: CtasHost,
): Promise<TableResult> {
  const create = ctasTable(s, host.plan(query));
  const manager = host.catalogs.manager;
  if (s.ifNotExists && manager.getTable(manager.qualify(s.name, s.pos)) !== undefined) {
    return TableResult.ok();
  }
  await host.runDdl(create);
  const insert: InsertStatement = {
    kind: "insert",
    pos: s.pos,
    overwrite: false,
    table: s.name,
    hints: [],
    query,
  };
  try {
    return host.executeInserts([insert]);
  } catch (err) {
    const name = s.name.map(quoteIdentifier).join(".");
    await host.runDdl(parseStatements(`DROP ${s.temporary ? "TEMPORARY " : ""}TABLE ${name}`)[0]!);
    throw err;
  }
}
