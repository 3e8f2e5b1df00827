/**
 * The event time of a table scan: `WATERMARK FOR rowtime AS expr` bound over the table's
 * columns (computed columns inlined, so both the rowtime and the watermark are computed from the
 * physical row the source reads), with the `scan.watermark.*` options of the table or of an
 * `OPTIONS` hint. The rowtime column's type becomes a `*ROWTIME*` time attribute.
 */
import type { RexNode } from "../expr/rex.ts";
import { mapRex } from "../expr/rex-util.ts";
import type { Hint } from "../sql/ast-query.ts";
import type { SourcePos } from "../sql/errors.ts";
import { typeToString, withTimeAttribute } from "../types/index.ts";
import { watermarkEmitOptions } from "../connectors/watermark-options.ts";
import { bindExpr } from "./bind-expr.ts";
import type { BindContext, TableColumn, TableWatermark } from "./context.ts";
import { SqlPlanError } from "./errors.ts";
import type { ScanWatermark } from "./logical.ts";
import { Scope } from "./scope.ts";

/** The bound watermark of a table and the index of its rowtime column. */
export interface BoundWatermark {
  readonly watermark: ScanWatermark;
  /** Index of the rowtime column among the table's columns. */
  readonly column: number;
}

function isSourceWatermark(w: TableWatermark): boolean {
  const e = w.expr;
  return (
    e.kind === "call" &&
    e.args.length === 0 &&
    e.name.length === 1 &&
    e.name[0]!.toUpperCase() === "SOURCE_WATERMARK"
  );
}

/** The scan options: the table's, then those of `OPTIONS(...)` hints on the reference. */
function scanOptions(w: TableWatermark, hints: readonly Hint[]): Record<string, string> {
  const out: Record<string, string> = { ...w.options };
  for (const h of hints) {
    if (h.name !== "OPTIONS") continue;
    for (const o of h.options) if (o.key !== undefined) out[o.key] = o.value;
  }
  return out;
}

/**
 * Binds the watermark of table `name`: `columns` are its columns, `exprs` each column's value
 * over the physical row (an input reference or a computed column's expression).
 */
export function bindWatermark(
  name: string,
  columns: readonly TableColumn[],
  exprs: readonly RexNode[],
  w: TableWatermark,
  hints: readonly Hint[],
  ctx: BindContext,
  pos: SourcePos,
): BoundWatermark {
  const column = columns.findIndex((c) => c.name === w.rowtime);
  if (column < 0) {
    throw new SqlPlanError(
      `The rowtime column '${w.rowtime}' of the watermark of ${name} is not a column of the table`,
      pos,
    );
  }
  const rowtime = exprs[column]!;
  const t = rowtime.type;
  if ((t.kind !== "TIMESTAMP" && t.kind !== "TIMESTAMP_LTZ") || t.precision > 3) {
    throw new SqlPlanError(
      `Invalid type of the rowtime column '${w.rowtime}' of ${name}: it must be TIMESTAMP(3) or TIMESTAMP_LTZ(3), but it is ${typeToString(t)}`,
      pos,
    );
  }
  let expr: RexNode | null = null;
  if (isSourceWatermark(w) && w.sourceWatermarks !== true) {
    throw new SqlPlanError(
      `SOURCE_WATERMARK() in the watermark of ${name} needs a source that emits its own watermarks, and its connector does not: write a watermark expression (e.g. ${w.rowtime} - INTERVAL '5' SECOND)`,
      pos,
    );
  }
  if (!isSourceWatermark(w)) {
    const fields = columns.map((c, i) => ({ name: c.name, type: exprs[i]!.type }));
    const bound = bindExpr(w.expr, {
      scope: Scope.of(name, fields),
      clause: `watermark of ${name}`,
      typeOf: ctx.typeOf,
    });
    const bt = bound.type;
    if (bt.kind !== "TIMESTAMP" && bt.kind !== "TIMESTAMP_LTZ") {
      throw new SqlPlanError(
        `The watermark expression '${w.text}' of ${name} must be of type TIMESTAMP(3) or TIMESTAMP_LTZ(3), but it is ${typeToString(bt)}`,
        pos,
      );
    }
    expr = mapRex(bound, (n) => (n.kind === "input" ? exprs[n.index]! : n));
  }
  let options;
  try {
    options = watermarkEmitOptions(scanOptions(w, hints));
  } catch (e) {
    throw new SqlPlanError(`${(e as Error).message} (table ${name})`, pos, { cause: e });
  }
  return {
    column,
    watermark: {
      column: w.rowtime,
      rowtime,
      expr,
      text: w.text,
      emit: options.emit,
      idleTimeout: options.idleTimeout,
      width: columns.filter((c) => c.computed === undefined).length,
    },
  };
}

/** `e` typed as an event-time attribute. */
export function asRowtime(e: RexNode): RexNode {
  return { ...e, type: withTimeAttribute(e.type, "ROWTIME") } as RexNode;
}
