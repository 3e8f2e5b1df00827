/**
 * Translation of a {@link WindowNode} onto the OVER runtime operator (`runtime/over.ts`): the
 * partition key, the ORDER BY comparator (with the numeric key of RANGE offset frames) and one
 * runtime call per window call. In streaming mode, aggregates ordered by a time attribute run as
 * a streaming OVER aggregation (translate-over-stream.ts); other OVER calls need bounded input
 * and are refused on unbounded input here, when the plan is made.
 */
import type { DataStream } from "../../api/datastream.ts";
import { aggFunctionByName } from "../runtime/aggregates-stats.ts";
import { overWindow, type OverCall, type OverOrder } from "../runtime/over.ts";
import type { Row } from "../runtime/row.ts";
import { isBoundedStream } from "../runtime/sort-limit.ts";
import { partitionKey, partitionKey1 } from "../runtime/value-keys.ts";
import { compareValues } from "../types/index.ts";
import { Timestamp } from "../types/timestamp.ts";
import { resolveBatch } from "../runtime/execution.ts";
import { SqlPlanError } from "./errors.ts";
import { streamOverRefusal, translateStreamOver } from "./translate-over-stream.ts";
import { rowComparator } from "./row-compare.ts";
import type { WindowCall, WindowNode } from "./logical.ts";

/** The operator computing `rel` over `input` (the translated stream of `rel.input`). */
export function translateWindow(rel: WindowNode, input: DataStream<Row>): DataStream<Row> {
  if (!resolveBatch([input])) {
    // Streaming mode: an aggregate over a time attribute runs as it does in Flink; anything
    // else waits for the end of bounded input, and is refused on unbounded input.
    const refusal = streamOverRefusal(rel);
    if (refusal === null) return translateStreamOver(rel, input);
    if (!isBoundedStream(input)) {
      throw new SqlPlanError(
        `OVER window functions are supported only on bounded input, or as a streaming OVER aggregation: ${refusal}`,
      );
    }
  }
  const fields = rel.input.fields;
  const keys = rel.partitionKeys.map((k) => k + 1);
  const keyOf =
    keys.length === 0
      ? undefined
      : keys.length === 1
        ? (row: Row) => partitionKey1(row[keys[0]!])
        : (row: Row) => partitionKey(keys.map((k) => row[k]));
  let order: OverOrder | undefined;
  if (rel.orderKeys.length > 0) {
    const compare = rowComparator(rel.orderKeys, fields);
    const first = rel.orderKeys[0]!;
    const i = first.field + 1;
    order = {
      compare,
      descending: first.descending,
      rangeValue: (row: Row) => toNumber(row[i]),
    };
  }
  const calls = rel.calls.map((c) => runtimeCall(c, rel));
  return overWindow(input, {
    calls,
    name: "OverAggregate",
    ...(keyOf !== undefined ? { keyOf } : {}),
    ...(order !== undefined ? { order } : {}),
  });
}

function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  // A TIMESTAMP key of a RANGE frame with an INTERVAL offset: epoch milliseconds.
  if (v instanceof Timestamp) return v.millis + v.nanos / 1e6;
  return Number(String(v));
}

function runtimeCall(c: WindowCall, rel: WindowNode): OverCall {
  const fields = rel.input.fields;
  const reader = (k: number | undefined): ((row: Row) => unknown) | undefined => {
    if (k === undefined) return undefined;
    const i = k + 1;
    return (row: Row) => row[i];
  };
  const frame = c.frame;
  switch (c.fn) {
    case "ROW_NUMBER":
    case "RANK":
    case "DENSE_RANK":
    case "PERCENT_RANK":
    case "CUME_DIST":
      return { fn: c.fn };
    case "NTILE":
      return { fn: c.fn, n: c.constants[0]! };
    case "LAG":
    case "LEAD": {
      const dflt = reader(c.args[1]);
      return {
        fn: c.fn,
        arg: reader(c.args[0])!,
        n: c.constants[0] ?? 1,
        ...(dflt !== undefined ? { defaultValue: dflt } : {}),
      };
    }
    case "FIRST_VALUE":
    case "LAST_VALUE":
      return { fn: c.fn, arg: reader(c.args[0])!, frame };
    default: {
      const argType = c.args.length > 0 ? fields[c.args[0]!]!.type : null;
      const agg = aggFunctionByName(c.fn, argType, {
        ...(argType !== null ? { compare: compareValues(argType) } : {}),
        retraction: true,
      });
      const arg = reader(c.args[0]);
      return { fn: "AGGREGATE", agg, frame, ...(arg !== undefined ? { arg } : {}) };
    }
  }
}
