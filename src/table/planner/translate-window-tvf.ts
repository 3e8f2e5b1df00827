/**
 * Translation of a {@link WindowTvfNode}: TUMBLE, HOP and CUMULATE as a row-wise window
 * assignment, SESSION as the keyed session operator (runtime/window-tvf.ts); and of a window
 * aggregation that assigns TUMBLE / HOP / CUMULATE windows itself (runtime/window-aggregate.ts,
 * and runtime/window-aggregate-proctime.ts over a processing-time attribute).
 */
import type { DataStream } from "../../api/datastream.ts";
import type { Row } from "../runtime/row.ts";
import { partitionKey, partitionKey1 } from "../runtime/value-keys.ts";
import { assignWindows, sessionWindows } from "../runtime/window-tvf.ts";
import type { RexNode } from "../expr/rex.ts";
import type { AggCall } from "../runtime/agg-calls.ts";
import { assigningWindowAggregate, type WindowGroupKey } from "../runtime/window-aggregate.ts";
import { proctimeWindowAggregate } from "../runtime/window-aggregate-proctime.ts";
import { SqlPlanError } from "./errors.ts";
import { isProctimeWindow } from "./window-proctime.ts";
import type { AggregateNode } from "./logical.ts";
import type { WindowTvfNode } from "./window-tvf.ts";

/** The stream of `rel`'s rows over `input` (the stream of its input). */
export function translateWindowTvf(rel: WindowTvfNode, input: DataStream<Row>): DataStream<Row> {
  if (isProctimeWindow(rel)) {
    // checkWindowTvfs lets a processing-time TVF through only into a window aggregation.
    throw new SqlPlanError(
      `${rel.fn}: windows over a processing-time attribute can only feed a window aggregation`,
      rel.pos,
    );
  }
  const spec = { kind: rel.fn, size: rel.size, step: rel.step, offset: rel.offset };
  const timeField = rel.timeField + 1;
  if (rel.fn !== "SESSION") {
    return assignWindows(input, { spec, timeField, name: "WindowTableFunction" });
  }
  const keys = rel.partitionKeys.map((k) => k + 1);
  const keyOf =
    keys.length === 0
      ? undefined
      : keys.length === 1
        ? (row: Row) => partitionKey1(row[keys[0]!])
        : (row: Row) => partitionKey(keys.map((k) => row[k]));
  return sessionWindows(input, {
    spec,
    timeField,
    ...(keyOf !== undefined ? { keyOf } : {}),
    name: "SessionWindowTableFunction",
  });
}

/**
 * A window aggregation over TUMBLE / HOP / CUMULATE assigning the windows itself
 * (`fusableWindow`): `input` is the stream of the TVF's input; `exprOf` gives the aggregate's
 * input columns as expressions over the TVF's fields, `reader` compiles one. Processing-time
 * windows are aligned to `timeZone` (the session's).
 */
export function translateWindowAggregate(
  rel: AggregateNode,
  tvf: WindowTvfNode,
  exprOf: (i: number) => RexNode,
  reader: (e: RexNode, name: string) => (row: Row) => unknown,
  aggs: readonly AggCall[],
  input: DataStream<Row>,
  timeZone: string,
): DataStream<Row> {
  const n = tvf.input.fields.length;
  const keys: WindowGroupKey[] = rel.groupKeys.map((k) => {
    const e = exprOf(k);
    if (e.kind === "input" && e.index === n) return "start";
    if (e.kind === "input" && e.index === n + 1) return "end";
    if (e.kind === "input" && e.index === n + 2) return "time";
    return reader(e, "groupKey");
  });
  const spec = { kind: tvf.fn, size: tvf.size, step: tvf.step, offset: tvf.offset };
  if (isProctimeWindow(tvf)) return proctimeWindowAggregate(input, { spec, keys, aggs, timeZone });
  return assigningWindowAggregate(input, { spec, timeField: tvf.timeField + 1, keys, aggs });
}
