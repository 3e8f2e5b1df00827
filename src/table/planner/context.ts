/**
 * What the binder needs from its surroundings: the catalog (tables and views by name), the
 * conversion of written data types, user-defined functions, and the CTEs in reach.
 */
import type { Query } from "../sql/ast-query.ts";
import type { Expr } from "../sql/ast-expr.ts";
import type { DataTypeNode } from "../sql/ast-types.ts";
import type { SourcePos } from "../sql/errors.ts";
import type { LogicalType } from "../types/logical-type.ts";
import type { RelNode, ScanSource } from "./logical.ts";

/** A column of a catalog table as the planner sees it. */
export interface TableColumn {
  readonly name: string;
  readonly type: LogicalType;
  /** A computed column's expression (over the physical columns), or undefined. */
  readonly computed?: Expr;
}

/** `WATERMARK FOR rowtime AS expr` of a table, with the scan options that tune it. */
export interface TableWatermark {
  /** The rowtime column. */
  readonly rowtime: string;
  /** The watermark expression (over the table's columns). */
  readonly expr: Expr;
  /** Its text as written. */
  readonly text: string;
  /** The table's options (`scan.watermark.*` are read; hints override them). */
  readonly options: Readonly<Record<string, string>>;
  /** Whether the source has watermarks of its own (`SOURCE_WATERMARK()` is then allowed). */
  readonly sourceWatermarks?: boolean;
}

/** A name resolved by the catalog. */
export type ResolvedRelation =
  | {
      readonly kind: "table";
      /** Fully qualified name. */
      readonly name: string;
      /** All columns, physical and computed, in declaration order. */
      readonly columns: readonly TableColumn[];
      /** How to read its physical columns. */
      readonly source: ScanSource;
      /** Its watermark, if declared. */
      readonly watermark?: TableWatermark;
      /** Columns of its PRIMARY KEY, if declared (temporal joins need one). */
      readonly primaryKey?: readonly string[];
    }
  | {
      readonly kind: "view";
      readonly name: string;
      readonly query: Query;
      /** Column names given in CREATE VIEW v (a, b), if any. */
      readonly columnNames?: readonly string[];
    };

/** Looks up tables and views. */
export interface PlannerCatalog {
  /** Resolves a (1- to 3-part) name; throws an error naming it and the place when unknown. */
  resolve(parts: readonly string[], pos: SourcePos): ResolvedRelation;
}

/** The binder's context for one statement. */
export interface BindContext {
  readonly catalog: PlannerCatalog;
  /** Converts a written data type (e.g. in CAST). */
  readonly typeOf: (node: DataTypeNode) => LogicalType;
  /** CTEs in reach, by name (innermost last). */
  readonly ctes: ReadonlyMap<string, RelNode>;
}
