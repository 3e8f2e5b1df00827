/**
 * Streaming OVER aggregation: a {@link WindowNode} whose calls are aggregates over one frame
 * ending at the current row, ordered by a time attribute ascending, runs on
 * `runtime/over-stream.ts` in streaming mode. {@link streamOverRefusal} says why a window node
 * cannot run that way (Flink's rules), so unbounded input is refused with that reason.
 */
import type { DataStream } from "../../api/datastream.ts";
import { aggFunctionByName } from "../runtime/aggregates-stats.ts";
import { streamOver, type StreamOverCall } from "../runtime/over-stream.ts";
import type { Row } from "../runtime/row.ts";
import { partitionKey, partitionKey1 } from "../runtime/value-keys.ts";
import { compareValues, isProctime, isRowtime } from "../types/index.ts";
import type { Timestamp } from "../types/timestamp.ts";
import { changelogModeOf } from "./changelog.ts";
import type { FrameSpec, WindowNode } from "./logical.ts";

const RANKING = new Set([
  "ROW_NUMBER",
  "RANK",
  "DENSE_RANK",
  "PERCENT_RANK",
  "CUME_DIST",
  "NTILE",
  "LAG",
  "LEAD",
]);

function sameFrame(a: FrameSpec, b: FrameSpec): boolean {
  return (
    a.unit === b.unit &&
    a.start.kind === b.start.kind &&
    a.start.offset === b.start.offset &&
    a.end.kind === b.end.kind &&
    a.end.offset === b.end.offset
  );
}

/** Why `rel` cannot run as a streaming OVER aggregation, or null when it can. */
export function streamOverRefusal(rel: WindowNode): string | null {
  const ranking = rel.calls.find((c) => RANKING.has(c.fn));
  if (ranking !== undefined) {
    return `${ranking.fn}() OVER is not supported in a streaming OVER aggregation: on unbounded input, ROW_NUMBER, RANK and DENSE_RANK are supported only in a Top-N (WHERE rn <= N over the ranking)`;
  }
  if (rel.orderKeys.length !== 1) {
    return "OVER windows' ordering in stream mode must be defined on a time attribute (exactly one ORDER BY key, a rowtime or proctime column)";
  }
  const key = rel.orderKeys[0]!;
  const field = rel.input.fields[key.field]!;
  if (!isRowtime(field) && !isProctime(field)) {
    return `OVER windows' ordering in stream mode must be defined on a time attribute; '${field.name}' is not one (declare a WATERMARK for it, or use a PROCTIME() column)`;
  }
  if (key.descending) return "The window can only be ordered in ASCENDING mode.";
  const frame = rel.calls[0]!.frame;
  if (!rel.calls.every((c) => sameFrame(c.frame, frame))) {
    return "Over Agg: Unsupported use of OVER windows. All aggregates must be computed on the same window.";
  }
  if (
    frame.end.kind !== "CURRENT_ROW" &&
    !(frame.end.kind === "PRECEDING" && frame.end.offset === 0)
  ) {
    return `OVER frames ending at ${frame.end.kind.replace("_", " ")} are not supported in a streaming OVER aggregation: the frame must end at CURRENT ROW`;
  }
  if (changelogModeOf(rel.input, false) !== "I") {
    return "OVER aggregation on a streaming input that has updates (a changelog) is not supported: its input must be insert-only";
  }
  return null;
}

function millis(v: unknown): number | null {
  return v === null || v === undefined ? null : (v as Timestamp).millis;
}

/** The streaming OVER aggregation of `rel` over `input` ({@link streamOverRefusal} is null). */
export function translateStreamOver(rel: WindowNode, input: DataStream<Row>): DataStream<Row> {
  const fields = rel.input.fields;
  const keys = rel.partitionKeys.map((k) => k + 1);
  const keyOf =
    keys.length === 0
      ? undefined
      : keys.length === 1
        ? (row: Row) => partitionKey1(row[keys[0]!])
        : (row: Row) => partitionKey(keys.map((k) => row[k]));
  const orderField = rel.orderKeys[0]!.field;
  const ti = orderField + 1;
  const rowtime = isRowtime(fields[orderField]!) ? (row: Row) => millis(row[ti]) : undefined;
  const calls: StreamOverCall[] = rel.calls.map((c) => {
    const argType = c.args.length > 0 ? fields[c.args[0]!]!.type : null;
    const agg = aggFunctionByName(c.fn, argType, {
      ...(argType !== null ? { compare: compareValues(argType) } : {}),
      retraction: true,
    });
    const i = c.args.length > 0 ? c.args[0]! + 1 : -1;
    return i < 0 ? { agg } : { agg, arg: (row: Row) => row[i] };
  });
  const frame = rel.calls[0]!.frame;
  const start = frame.start;
  const preceding =
    start.kind === "UNBOUNDED_PRECEDING"
      ? undefined
      : start.kind === "CURRENT_ROW"
        ? 0
        : (start.offset ?? 0);
  return streamOver(input, {
    calls,
    unit: frame.unit,
    name: "OverAggregate",
    ...(keyOf !== undefined ? { keyOf } : {}),
    ...(rowtime !== undefined ? { rowtime } : {}),
    ...(preceding !== undefined ? { preceding } : {}),
  });
}
