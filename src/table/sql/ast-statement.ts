/**
 * The {@link Statement} union and the non-DDL statements: queries, INSERT, statement sets,
 * EXPLAIN, SHOW, DESCRIBE, USE, SET / RESET, modules, JARs, CALL, jobs and the batch DML
 * statements (DELETE, UPDATE, TRUNCATE, ANALYZE).
 */
import type { SourcePos } from "./errors.ts";
import type { Expr } from "./ast-expr.ts";
import type { Hint, Query } from "./ast-query.ts";
import type {
  AlterCatalogOrDatabaseStatement,
  AlterFunctionStatement,
  AlterTableStatement,
  AlterViewStatement,
  CreateCatalogStatement,
  CreateDatabaseStatement,
  CreateFunctionStatement,
  CreateTableStatement,
  CreateViewStatement,
  DropStatement,
  PartitionValue,
  Property,
} from "./ast-ddl.ts";

/** Fields every statement has. */
interface StatementBase {
  /** Where the statement starts. */
  readonly pos: SourcePos;
}

/** A query used as a statement. */
export interface QueryStatement extends StatementBase {
  readonly kind: "query";
  /** The query. */
  readonly query: Query;
}

/** `INSERT INTO | OVERWRITE t [hints] [PARTITION (...)] [(cols)] query`. */
export interface InsertStatement extends StatementBase {
  readonly kind: "insert";
  /** True for INSERT OVERWRITE. */
  readonly overwrite: boolean;
  /** The target table name parts. */
  readonly table: readonly string[];
  /** Table hints on the target. */
  readonly hints: readonly Hint[];
  /** The static partition, if written. */
  readonly partition?: readonly PartitionValue[];
  /** The target columns, if written. */
  readonly columns?: readonly string[];
  /** The source query. */
  readonly query: Query;
}

/** `STATEMENT SET BEGIN insert; ... END` (or the client's `BEGIN STATEMENT SET; ... END;`). */
export interface StatementSetStatement extends StatementBase {
  readonly kind: "statementSet";
  /** The INSERT statements, in order. */
  readonly statements: readonly InsertStatement[];
}

/** `EXECUTE statement` (`EXECUTE INSERT ...`, `EXECUTE STATEMENT SET ...`, `EXECUTE SELECT ...`). */
export interface ExecuteStatement extends StatementBase {
  readonly kind: "execute";
  /** The executed statement. */
  readonly statement: QueryStatement | InsertStatement | StatementSetStatement;
}

/** `EXPLAIN [PLAN FOR | detail, ...] statement`. */
export interface ExplainStatement extends StatementBase {
  readonly kind: "explain";
  /** Requested details (ESTIMATED_COST, CHANGELOG_MODE, PLAN_ADVICE, JSON_EXECUTION_PLAN), upper case. */
  readonly details: readonly string[];
  /** The explained statement. */
  readonly statement: QueryStatement | InsertStatement | StatementSetStatement | ExecuteStatement;
}

/** What SHOW lists. */
export type ShowObject =
  | "CATALOGS"
  | "CURRENT CATALOG"
  | "DATABASES"
  | "CURRENT DATABASE"
  | "TABLES"
  | "VIEWS"
  | "FUNCTIONS"
  | "USER FUNCTIONS"
  | "PROCEDURES"
  | "COLUMNS"
  | "PARTITIONS"
  | "MODULES"
  | "FULL MODULES"
  | "JARS"
  | "JOBS"
  | "CREATE TABLE"
  | "CREATE VIEW"
  | "CREATE CATALOG";

/** `[NOT] LIKE | ILIKE 'pattern'` of SHOW. */
export interface ShowLike {
  /** True for NOT LIKE / NOT ILIKE. */
  readonly not: boolean;
  /** True for ILIKE. */
  readonly caseInsensitive: boolean;
  /** The pattern. */
  readonly pattern: string;
}

/** `SHOW ...`. */
export interface ShowStatement extends StatementBase {
  readonly kind: "show";
  /** What is listed. */
  readonly object: ShowObject;
  /** The object of SHOW CREATE ..., SHOW COLUMNS FROM t, SHOW PARTITIONS t. */
  readonly name?: readonly string[];
  /** The catalog or database of `FROM | IN`, for lists of tables, views, databases, ... */
  readonly from?: readonly string[];
  /** The partition filter of SHOW PARTITIONS, if written. */
  readonly partition?: readonly PartitionValue[];
  /** The LIKE filter, if written. */
  readonly like?: ShowLike;
}

/** `DESCRIBE | DESC [EXTENDED] name`. */
export interface DescribeStatement extends StatementBase {
  readonly kind: "describe";
  /** The table or view name parts. */
  readonly name: readonly string[];
  /** True with EXTENDED. */
  readonly extended: boolean;
}

/** `USE CATALOG c`. */
export interface UseCatalogStatement extends StatementBase {
  readonly kind: "useCatalog";
  /** The catalog. */
  readonly name: string;
}

/** `USE [cat.]db`. */
export interface UseDatabaseStatement extends StatementBase {
  readonly kind: "useDatabase";
  /** The database name parts. */
  readonly name: readonly string[];
}

/** `USE MODULES m1, m2`. */
export interface UseModulesStatement extends StatementBase {
  readonly kind: "useModules";
  /** The modules, in resolution order. */
  readonly names: readonly string[];
}

/** `SET 'key' = 'value'`, or `SET` alone (list the options). */
export interface SetStatement extends StatementBase {
  readonly kind: "set";
  /** The key, if written. */
  readonly key?: string;
  /** The value, if written. */
  readonly value?: string;
}

/** `RESET 'key'`, or `RESET` alone (all keys). */
export interface ResetStatement extends StatementBase {
  readonly kind: "reset";
  /** The key, if written. */
  readonly key?: string;
}

/** `LOAD MODULE name [WITH (...)]`. */
export interface LoadModuleStatement extends StatementBase {
  readonly kind: "loadModule";
  /** The module. */
  readonly name: string;
  /** The options (empty when not written). */
  readonly options: readonly Property[];
}

/** `UNLOAD MODULE name`. */
export interface UnloadModuleStatement extends StatementBase {
  readonly kind: "unloadModule";
  /** The module. */
  readonly name: string;
}

/** `ADD JAR 'path'` / `REMOVE JAR 'path'`. */
export interface JarStatement extends StatementBase {
  readonly kind: "addJar" | "removeJar";
  /** The JAR location. */
  readonly path: string;
}

/** `CALL [cat.][db.]procedure(args)`. */
export interface CallProcedureStatement extends StatementBase {
  readonly kind: "callProcedure";
  /** The procedure name parts. */
  readonly name: readonly string[];
  /** The arguments (named arguments are {@link Expr}s of kind `namedArg`). */
  readonly args: readonly Expr[];
}

/** `STOP JOB 'id' [WITH SAVEPOINT] [WITH DRAIN]`. */
export interface StopJobStatement extends StatementBase {
  readonly kind: "stopJob";
  /** The job id. */
  readonly jobId: string;
  /** True with WITH SAVEPOINT. */
  readonly withSavepoint: boolean;
  /** True with WITH DRAIN. */
  readonly withDrain: boolean;
}

/** `TRUNCATE TABLE name`. */
export interface TruncateTableStatement extends StatementBase {
  readonly kind: "truncateTable";
  /** The table name parts. */
  readonly name: readonly string[];
}

/** `DELETE FROM t [WHERE cond]` (batch mode). */
export interface DeleteStatement extends StatementBase {
  readonly kind: "delete";
  /** The table name parts. */
  readonly table: readonly string[];
  /** The condition, if written. */
  readonly where?: Expr;
}

/** `UPDATE t SET c = v, ... [WHERE cond]` (batch mode). */
export interface UpdateStatement extends StatementBase {
  readonly kind: "update";
  /** The table name parts. */
  readonly table: readonly string[];
  /** The assignments in order. */
  readonly assignments: readonly {
    readonly pos: SourcePos;
    readonly column: string;
    readonly value: Expr;
  }[];
  /** The condition, if written. */
  readonly where?: Expr;
}

/** `ANALYZE TABLE t [PARTITION (...)] COMPUTE STATISTICS [FOR COLUMNS a, b | FOR ALL COLUMNS]`. */
export interface AnalyzeTableStatement extends StatementBase {
  readonly kind: "analyzeTable";
  /** The table name parts. */
  readonly name: readonly string[];
  /** The partition spec, if written. */
  readonly partition?: readonly PartitionValue[];
  /** The columns, `"ALL"`, or absent for table-level statistics only. */
  readonly columns?: readonly string[] | "ALL";
}

/** Any statement. */
export type Statement =
  | QueryStatement
  | InsertStatement
  | StatementSetStatement
  | ExecuteStatement
  | ExplainStatement
  | CreateTableStatement
  | CreateViewStatement
  | CreateFunctionStatement
  | CreateCatalogStatement
  | CreateDatabaseStatement
  | DropStatement
  | AlterTableStatement
  | AlterViewStatement
  | AlterFunctionStatement
  | AlterCatalogOrDatabaseStatement
  | ShowStatement
  | DescribeStatement
  | UseCatalogStatement
  | UseDatabaseStatement
  | UseModulesStatement
  | SetStatement
  | ResetStatement
  | LoadModuleStatement
  | UnloadModuleStatement
  | JarStatement
  | CallProcedureStatement
  | StopJobStatement
  | TruncateTableStatement
  | DeleteStatement
  | UpdateStatement
  | AnalyzeTableStatement;
