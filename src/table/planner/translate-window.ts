/**
 * Translation of a {@link WindowNode} onto the OVER runtime operator (`runtime/over.ts`): the
 * partition key, the ORDER BY comparator (with the numeric key of RANGE offset frames) and one
 * runtime call per window call. OVER on unbounded input is refused here, when the plan is made.
 */
import type { DataStream } from "../../api/datastream.ts";
import { aggFunctionByName } from "../runtime/aggregates-stats.ts";
import { overWindow, type OverCall, type OverOrder } from "../runtime/over.ts";
import type { Row } from "../runtime/row.ts";
import { isBoundedStream } from "../runtime/sort-limit.ts";
import { partitionKey, partitionKey1 } from "../runtime/value-keys.ts";
import { compareValues } from "../types/index.ts";
import { SqlPlanError } from "./errors.ts";
import { rowComparator } from "./row-compare.ts";
import type { WindowCall, WindowNode } from "./logical.ts";

/** The operator computing `rel` over `input` (the translated stream of `rel.input`). */
export function translateWindow(rel: WindowNode, input: DataStream<Row>): DataStream<Row> {
  if (!isBoundedStream(input)) {
    throw new SqlPlanError(
      "OVER window functions are supported only on bounded input (streaming OVER aggregations over a time attribute are not supported yet); run the query on bounded tables",
    );
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
