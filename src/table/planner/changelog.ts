/**
 * Changelog modes of plan nodes: whether a node's output only inserts rows, or also updates and
 * deletes them (`I` vs `I,UB,UA,D`, Flink's notation). In batch mode every node is insert-only;
 * in streaming mode a group aggregation, an outer join, INTERSECT/EXCEPT, a Top-N (but not a
 * keep-first deduplication in arrival order) and anything consuming updates produce updates.
 */
import { intervalJoinSpec } from "./interval-join.ts";
import { windowJoinSpec } from "./window-join.ts";
import type { RelNode } from "./logical.ts";
import { windowBounds } from "./window-bounds.ts";
import { isProctime } from "../types/time-attributes.ts";

/** Flink's changelog mode notation of an edge. */
export type ChangelogModeText = "I" | "I,UB,UA,D";

/** The changelog mode of `rel`'s output. */
export function changelogModeOf(rel: RelNode, batch: boolean): ChangelogModeText {
  if (batch) return "I";
  switch (rel.kind) {
    case "scan":
      return rel.source.updating ? "I,UB,UA,D" : "I";
    case "values":
    case "window":
      return "I";
    case "temporalJoin":
      // An event-time temporal join only inserts; a lookup join keeps its left rows' kinds.
      return rel.mode === "lookup" ? changelogModeOf(rel.left, batch) : "I";
    case "aggregate":
      // A window aggregation emits each window's rows once, when it closes.
      return isWindowAggregate(rel) ? "I" : "I,UB,UA,D";
    case "setop":
      return "I,UB,UA,D";
    case "rank": {
      // Deduplication keeping the first row by processing time only inserts, and so does a
      // window Top-N (each window ranked once); Top-N updates.
      if (rel.window !== null) return "I";
      const d = rel.deduplicate;
      return d !== null && d.time === "proctime" && !d.keepLast ? "I" : "I,UB,UA,D";
    }
    case "join":
      // An interval or window join over insert-only inputs only inserts, outer or not.
      if (
        (intervalJoinSpec(rel) !== null || windowJoinSpec(rel) !== null) &&
        changelogModeOf(rel.left, batch) === "I" &&
        changelogModeOf(rel.right, batch) === "I"
      )
        return "I";
      if (rel.joinType !== "INNER" && rel.joinType !== "SEMI") return "I,UB,UA,D";
      return changelogModeOf(rel.left, batch) === "I" && changelogModeOf(rel.right, batch) === "I"
        ? "I"
        : "I,UB,UA,D";
    case "union":
      return rel.inputs.every((i) => changelogModeOf(i, batch) === "I") ? "I" : "I,UB,UA,D";
    case "project":
    case "filter":
    case "sort":
    case "correlate":
    case "expand":
    case "windowTvf":
      return changelogModeOf(rel.input, batch);
  }
}

/**
 * Whether a streaming aggregation is a window aggregation: it groups by `window_start` and
 * `window_end` of a window TVF over insert-only input, also of an event-time window aggregation
 * below (Flink's cascading window aggregation: the window columns of a window aggregation's
 * output keep their meaning). It then emits each window's rows once, when the watermark passes
 * the window's end (runtime/window-aggregate.ts).
 */
export function isWindowAggregate(rel: RelNode): boolean {
  if (rel.kind !== "aggregate") return false;
  const b = windowBounds(rel.input, true);
  if (b === null) return false;
  // Processing-time windows fire on timers, not watermarks: only their own aggregation counts.
  const cascaded = windowBounds(rel.input) === null;
  if (cascaded && isProctime(b.tvf.input.fields[b.tvf.timeField]!)) return false;
  const keys = rel.groupKeys;
  const input = rel.input;
  return keys.includes(b.start) && keys.includes(b.end) && changelogModeOf(input, false) === "I";
}
