/**
 * Changelog modes of plan nodes: whether a node's output only inserts rows, or also updates and
 * deletes them (`I` vs `I,UB,UA,D`, Flink's notation). In batch mode every node is insert-only;
 * in streaming mode a group aggregation, an outer join, INTERSECT/EXCEPT and anything consuming
 * updates produce updates.
 */
import type { RelNode } from "./logical.ts";

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
    case "aggregate":
    case "setop":
      return "I,UB,UA,D";
    case "join":
      if (rel.joinType !== "INNER" && rel.joinType !== "SEMI") return "I,UB,UA,D";
      return changelogModeOf(rel.left, batch) === "I" && changelogModeOf(rel.right, batch) === "I"
        ? "I"
        : "I,UB,UA,D";
    case "union":
      return rel.inputs.every((i) => changelogModeOf(i, batch) === "I") ? "I" : "I,UB,UA,D";
    case "project":
    case "filter":
    case "sort":
      return changelogModeOf(rel.input, batch);
  }
}
