/**
 * Translation of a {@link RankNode}: the Top-N operator (runtime/rank.ts) keyed by the partition
 * key, or, for the deduplication form, the Deduplicate operator (runtime/deduplicate.ts).
 */
import type { DataStream } from "../../api/datastream.ts";
import { deduplicate } from "../runtime/deduplicate.ts";
import { rank } from "../runtime/rank.ts";
import type { Row } from "../runtime/row.ts";
import type { Timestamp } from "../types/timestamp.ts";
import { partitionKey, partitionKey1 } from "../runtime/value-keys.ts";
import { changelogModeOf } from "./changelog.ts";
import type { RankNode } from "./rank.ts";
import { rowComparator } from "./row-compare.ts";

/** Reads a row's `window_end` (a TIMESTAMP at row index `at`) as epoch ms. */
function windowEndOf(at: number): (row: Row) => number {
  return (row) => (row[at] as Timestamp).millis;
}

/** The operator computing `rel` over `input` (the translated stream of `rel.input`). */
export function translateRank(
  rel: RankNode,
  input: DataStream<Row>,
  stateTtl = 0,
): DataStream<Row> {
  const keys = rel.partitionKeys.map((k) => k + 1);
  const keyOf =
    keys.length === 0
      ? undefined
      : keys.length === 1
        ? (row: Row) => partitionKey1(row[keys[0]!])
        : (row: Row) => partitionKey(keys.map((k) => row[k]));
  const d = rel.deduplicate;
  if (d !== null && keyOf !== undefined) {
    const byArrival = d.time === "proctime";
    return deduplicate(input, {
      keyOf,
      keepLast: d.keepLast,
      ...(byArrival ? {} : { compare: rowComparator(rel.orderKeys, rel.input.fields) }),
      laterWinsTies: d.keepLast && d.time !== null,
      name: "Deduplicate",
      stateTtl,
    });
  }
  return rank(input, {
    ...(keyOf !== undefined ? { keyOf } : {}),
    compare: rowComparator(rel.orderKeys, rel.input.fields),
    rankType: rel.fn,
    start: rel.rankStart,
    end: Math.max(0, rel.rankEnd),
    outputRank: rel.outputRank,
    insertOnlyInput: changelogModeOf(rel.input, false) === "I",
    ...(rel.window !== null ? { windowEnd: windowEndOf(rel.window.end + 1) } : {}),
    name: rel.window !== null ? "WindowRank" : "Rank",
    stateTtl,
  });
}
