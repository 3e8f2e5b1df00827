/**
 * The logical plan: relational operators over rows, each with its output fields (names and
 * types). The binder (binder-*.ts) builds it from the parser's AST, the optimizer rewrites it,
 * and the translator (translate.ts) turns it into runtime operators. Expressions are the typed
 * IR of `../expr/rex.ts`, whose input references index the fields of the node's input (a join's
 * condition sees the left fields, then the right ones).
 */
import type { RexNode } from "../expr/rex.ts";
import type { SourcePos } from "../sql/errors.ts";
import type { LogicalType } from "../types/logical-type.ts";
import type { ExpandNode } from "./expand.ts";
import type { RankNode } from "./rank.ts";
import type { TemporalJoinNode } from "./temporal-join.ts";
import type { WindowTvfNode } from "./window-tvf.ts";

/** One output column of a plan node. */
export interface Field {
  /** Column name (unique within a node's output after binding). */
  readonly name: string;
  /** Its type. */
  readonly type: LogicalType;
}

/** How a scan reads its table (filled in from the catalog by the binder). */
export interface ScanSource {
  /** Fully qualified name, for messages and EXPLAIN. */
  readonly name: string;
  /** Opaque to the planner: what the translator needs to create the source. */
  readonly handle: unknown;
  /** Whether the input is bounded. */
  readonly bounded: boolean;
  /** Whether the source produces updates (-U/+U/-D) rather than inserts only. */
  readonly updating: boolean;
  /** Whether it can read a subset of its columns (projection push-down). */
  readonly projectable?: boolean;
  /** Estimated number of rows (statistics of the table or its connector), when known. */
  readonly rowCount?: number;
  /** Whether its connector can look rows up by key (lookup joins). */
  readonly lookup?: boolean;
}

/**
 * How a scan assigns event time and watermarks (`WATERMARK FOR rowtime AS expr`): both
 * expressions read the table's whole physical row (computed columns inlined), whatever the
 * scan's projection.
 */
export interface ScanWatermark {
  /** The rowtime column's name. */
  readonly column: string;
  /** The rowtime value (the rows' event time). */
  readonly rowtime: RexNode;
  /** The watermark expression; null for `SOURCE_WATERMARK()` (the source's own watermarks). */
  readonly expr: RexNode | null;
  /** The expression as written, for EXPLAIN. */
  readonly text: string;
  /** Emit after each row that advances it, or periodically. */
  readonly emit: "on-event" | "on-periodic";
  /** Idle timeout in ms, or null. */
  readonly idleTimeout: number | null;
  /** Number of physical fields of the table. */
  readonly width: number;
}

/** Reads a table (or a VALUES list). */
export interface ScanNode {
  readonly kind: "scan";
  readonly source: ScanSource;
  /** Indexes of the table's physical fields read, in output order (projection push-down). */
  readonly projection: readonly number[];
  readonly fields: readonly Field[];
  /** The watermark assigned at the scan, if the table has one (streaming mode). */
  readonly watermark?: ScanWatermark;
}

/** Literal rows. */
export interface ValuesNode {
  readonly kind: "values";
  /** Rows of constant expressions (already typed to {@link fields}). */
  readonly rows: readonly (readonly RexNode[])[];
  readonly fields: readonly Field[];
}

/** Computes expressions over each input row. */
export interface ProjectNode {
  readonly kind: "project";
  readonly input: RelNode;
  readonly exprs: readonly RexNode[];
  readonly fields: readonly Field[];
}

/** Keeps the rows for which the condition is TRUE. */
export interface FilterNode {
  readonly kind: "filter";
  readonly input: RelNode;
  readonly condition: RexNode;
  readonly fields: readonly Field[];
}

/** One aggregate function call of an {@link AggregateNode}. */
export interface AggCall {
  /** Function name, upper case (COUNT, SUM, ...). */
  readonly fn: string;
  /** Input field indexes of the arguments (COUNT(*) has none). */
  readonly args: readonly number[];
  /** Literal arguments after the field ones (LISTAGG's separator). */
  readonly constants: readonly unknown[];
  readonly distinct: boolean;
  /** Input field (BOOLEAN) of FILTER (WHERE ...), or -1. */
  readonly filter: number;
  /** Result type. */
  readonly type: LogicalType;
  /** Output name. */
  readonly name: string;
  /** Where the call is written (for plan-time checks of user aggregates). */
  readonly pos?: SourcePos;
}

/** Groups by key fields and computes aggregates: output = keys, then aggregates. */
export interface AggregateNode {
  readonly kind: "aggregate";
  readonly input: RelNode;
  readonly groupKeys: readonly number[];
  readonly aggs: readonly AggCall[];
  readonly fields: readonly Field[];
}

/** Join types of a {@link JoinNode}. */
export type JoinKind = "INNER" | "LEFT" | "RIGHT" | "FULL" | "SEMI" | "ANTI";

/** Joins two inputs; SEMI/ANTI output only the left fields. */
export interface JoinNode {
  readonly kind: "join";
  readonly joinType: JoinKind;
  readonly left: RelNode;
  readonly right: RelNode;
  /** Over the left fields then the right ones; TRUE literal for a cross join. */
  readonly condition: RexNode;
  readonly fields: readonly Field[];
}

/** UNION ALL of inputs with the same field types. */
export interface UnionNode {
  readonly kind: "union";
  readonly inputs: readonly RelNode[];
  readonly fields: readonly Field[];
}

/** INTERSECT / EXCEPT [ALL]. */
export interface SetOpNode {
  readonly kind: "setop";
  readonly op: "INTERSECT" | "EXCEPT";
  readonly all: boolean;
  readonly left: RelNode;
  readonly right: RelNode;
  readonly fields: readonly Field[];
}

/** One ORDER BY key. */
export interface SortKey {
  readonly field: number;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/** ORDER BY with optional OFFSET and LIMIT (FETCH). */
export interface SortNode {
  readonly kind: "sort";
  readonly input: RelNode;
  readonly keys: readonly SortKey[];
  readonly offset: number;
  /** Rows to keep, or -1 for all. */
  readonly fetch: number;
  readonly fields: readonly Field[];
}

/** One bound of a window frame; `offset` is set for `n PRECEDING` / `n FOLLOWING`. */
export interface FrameBoundSpec {
  readonly kind:
    "UNBOUNDED_PRECEDING" | "PRECEDING" | "CURRENT_ROW" | "FOLLOWING" | "UNBOUNDED_FOLLOWING";
  /** The row count (ROWS) or value distance (RANGE) of `n PRECEDING` / `n FOLLOWING`. */
  readonly offset?: number;
}

/** The frame of a window call: which rows of the partition its aggregate sees. */
export interface FrameSpec {
  readonly unit: "ROWS" | "RANGE";
  readonly start: FrameBoundSpec;
  readonly end: FrameBoundSpec;
}

/** One window function call of a {@link WindowNode}: `fn(args) OVER (...)`. */
export interface WindowCall {
  /** Function name, upper case (ROW_NUMBER, RANK, LAG, SUM, ...). */
  readonly fn: string;
  /** Input field indexes of the arguments (LAG/LEAD: the value, then the default if given). */
  readonly args: readonly number[];
  /** Literal arguments: LAG/LEAD's offset, NTILE's bucket count. */
  readonly constants: readonly number[];
  /** The frame (the defaults of SQL filled in: see bind-window.ts). */
  readonly frame: FrameSpec;
  /** Result type. */
  readonly type: LogicalType;
  /** Output name. */
  readonly name: string;
}

/**
 * Window functions over partitions of the input (OVER): output = input fields, then one field
 * per call. All calls of one node share the partition keys and the order.
 */
export interface WindowNode {
  readonly kind: "window";
  readonly input: RelNode;
  /** Input field indexes of PARTITION BY. */
  readonly partitionKeys: readonly number[];
  /** ORDER BY keys within a partition. */
  readonly orderKeys: readonly SortKey[];
  readonly calls: readonly WindowCall[];
  readonly fields: readonly Field[];
}

/** What a {@link CorrelateNode} calls per row: a user table function or UNNEST. */
export type CorrelateFunction =
  | { readonly kind: "user"; readonly name: string }
  | { readonly kind: "unnest"; readonly withOrdinality: boolean };

/**
 * A lateral table function (`LATERAL TABLE(f(x))`, `UNNEST(x)`): per input row, the function's
 * rows for arguments computed from it, each output = the input fields, then the function's.
 * LEFT pads an input row without (matching) function rows with NULLs. Row kinds are kept.
 */
export interface CorrelateNode {
  readonly kind: "correlate";
  readonly input: RelNode;
  readonly joinType: "INNER" | "LEFT";
  readonly fn: CorrelateFunction;
  /** The arguments, over the input fields. */
  readonly args: readonly RexNode[];
  /** Over the input fields then the function's; TRUE literal when there is none. */
  readonly condition: RexNode;
  readonly fields: readonly Field[];
}

/** A node of the logical plan. */
export type RelNode =
  | ScanNode
  | ValuesNode
  | ProjectNode
  | FilterNode
  | AggregateNode
  | JoinNode
  | UnionNode
  | SetOpNode
  | SortNode
  | WindowNode
  | ExpandNode
  | CorrelateNode
  | RankNode
  | WindowTvfNode
  | TemporalJoinNode;

/** The inputs of a node. */
export function inputsOf(node: RelNode): readonly RelNode[] {
  switch (node.kind) {
    case "scan":
    case "values":
      return [];
    case "project":
    case "filter":
    case "aggregate":
    case "sort":
    case "window":
    case "expand":
    case "correlate":
    case "rank":
    case "windowTvf":
      return [node.input];
    case "join":
    case "setop":
    case "temporalJoin":
      return [node.left, node.right];
    case "union":
      return node.inputs;
  }
}
