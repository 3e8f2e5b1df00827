/**
 * Event time at run time: the scan of a table with a WATERMARK assigns each row's timestamp
 * (its rowtime) and emits watermarks computed by the watermark expression (the largest value
 * over the rows seen so far), per row (`on-event`) or every auto-watermark interval
 * (`on-periodic`), with the table's idle timeout; and the calcs that call CURRENT_WATERMARK run
 * as process functions that read their operator's watermark before each row.
 */
import type { DataStream } from "../../api/datastream.ts";
import { ProcessFunction, type Collector, type ProcessContext } from "../../api/functions.ts";
import {
  WatermarkStrategy,
  type WatermarkGenerator,
  type WatermarkOutput,
} from "../../api/watermarks.ts";
import {
  compileCalc,
  compileExpression,
  type CompileOptions,
  type ExpressionFn,
} from "../expr/codegen.ts";
import type { RexNode } from "../expr/rex.ts";
import { visitRex } from "../expr/rex-util.ts";
import type { Row } from "../runtime/row.ts";
import type { Timestamp } from "../types/timestamp.ts";
import type { ScanNode, ScanWatermark } from "./logical.ts";

/** Whether any of `exprs` calls CURRENT_WATERMARK. */
export function usesCurrentWatermark(...exprs: readonly (RexNode | null)[]): boolean {
  let found = false;
  for (const e of exprs) {
    if (e === null) continue;
    visitRex(e, (n) => {
      if (n.kind === "call" && n.op === "CURRENT_WATERMARK") found = true;
    });
  }
  return found;
}

/** Emits the largest value of the watermark expression seen, per row or periodically. */
class ExpressionWatermarkGenerator implements WatermarkGenerator<Row> {
  private max = -Infinity;
  private readonly expr: ExpressionFn;
  private readonly onEventEmit: boolean;

  constructor(expr: ExpressionFn, onEventEmit: boolean) {
    this.expr = expr;
    this.onEventEmit = onEventEmit;
  }

  onEvent(row: Row, _timestamp: number, output: WatermarkOutput): void {
    const v = this.expr(row) as Timestamp | null;
    // A NULL watermark leaves the watermark as it was (Flink).
    if (v === null || v.millis <= this.max) return;
    this.max = v.millis;
    if (this.onEventEmit) output.emitWatermark(this.max);
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.max !== -Infinity) output.emitWatermark(this.max);
  }
}

function projected(stream: DataStream<Row>, projection: readonly number[], width: number) {
  if (projection.length === width && projection.every((p, i) => p === i)) return stream;
  const idx = projection.map((i) => i + 1);
  const out = stream.map((r: Row) => {
    const o = new Array<unknown>(idx.length + 1);
    o[0] = r[0];
    for (let i = 0; i < idx.length; i++) o[i + 1] = r[idx[i]!];
    return o;
  });
  const p = stream.getParallelism();
  if (p > 0) out.setParallelism(p);
  return out.name("Calc");
}

/** The strategy of a scan watermark: timestamps from the rowtime, watermarks from the expression. */
function strategyOf(
  w: ScanWatermark,
  table: string,
  compile: CompileOptions,
): WatermarkStrategy<Row> {
  const rowtime = compileExpression(w.rowtime, w.width, { ...compile, name: "rowtime" });
  const expr = compileExpression(w.expr!, w.width, { ...compile, name: "watermark" });
  const onEvent = w.emit === "on-event";
  const column = w.column;
  let strategy = WatermarkStrategy.forGenerator<Row>(
    () => new ExpressionWatermarkGenerator(expr, onEvent),
  ).withTimestampAssigner((row: Row) => {
    const t = rowtime(row) as Timestamp | null;
    if (t === null) {
      throw new Error(
        `The rowtime column '${column}' of ${table} is NULL in a row: a rowtime attribute must not be NULL (filter or COALESCE it in a computed column)`,
      );
    }
    return t.millis;
  });
  if (w.idleTimeout !== null) strategy = strategy.withIdleness(w.idleTimeout);
  return strategy;
}

/**
 * The stream of a scan: with a watermark (streaming mode), the source reads the table's whole
 * physical row, timestamps and watermarks are assigned, then the scan's projection is applied.
 */
export function translateScan(
  rel: ScanNode,
  source: (projection: readonly number[]) => DataStream<Row>,
  compile: CompileOptions,
  batch: boolean,
): DataStream<Row> {
  const w = rel.watermark;
  // SOURCE_WATERMARK(): the source's own timestamps and watermarks are kept.
  if (w === undefined || w.expr === null || batch) return source(rel.projection);
  const all = Array.from({ length: w.width }, (_, i) => i);
  const input = source(all);
  const assigned = input
    .assignTimestampsAndWatermarks(strategyOf(w, rel.source.name, compile))
    .name(`WatermarkAssigner(rowtime=[${w.column}], watermark=[${w.text}])`);
  const p = input.getParallelism();
  if (p > 0) assigned.setParallelism(p);
  return projected(assigned, rel.projection, w.width);
}

/**
 * A calc (projection and/or filter) that calls CURRENT_WATERMARK: a process function sets the
 * operator's watermark where the compiled code reads it, then runs the calc.
 */
export function watermarkCalc(
  input: DataStream<Row>,
  exprs: readonly RexNode[] | null,
  condition: RexNode | null,
  arity: number,
  compile: CompileOptions,
): DataStream<Row> {
  const slot = { watermark: -Infinity };
  const options = { ...compile, name: "calc", currentWatermark: () => slot.watermark };
  // A filter alone computes no fields: a passing row is emitted as it is.
  const calc = compileCalc(exprs ?? [], condition, arity, options);
  const keepRow = exprs === null;
  class WatermarkCalc extends ProcessFunction<Row, Row> {
    processElement(row: Row, ctx: ProcessContext, out: Collector<Row>): void {
      slot.watermark = ctx.timerService().currentWatermark();
      const r = calc(row);
      if (r !== null) out.collect(keepRow ? row : r);
    }
  }
  const op = input.process(new WatermarkCalc()).name("Calc");
  const p = input.getParallelism();
  if (p > 0) op.setParallelism(p);
  return op;
}
