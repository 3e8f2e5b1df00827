/**
 * Where processing-time windows can run. A window TVF over a processing-time attribute
 * (`DESCRIPTOR(p)` with `p AS PROCTIME()`) is planned, as in Flink, only as the input of a window
 * aggregation that assigns the windows itself (`fusableWindow`): each row then joins the windows
 * containing the processing time at which it reaches the aggregation, and a window fires when
 * the processing-time clock passes its end (runtime/window-aggregate-proctime.ts). Refused with
 * the reason: a processing-time TVF on its own (Flink: "Processing time Window TableFunction is
 * not supported yet"), SESSION, a window Top-N or window join over processing-time windows, and
 * any processing-time window in batch mode.
 */
import { isProctime } from "../types/time-attributes.ts";
import { SqlPlanError } from "./errors.ts";
import type { RelNode } from "./logical.ts";
import { windowBounds } from "./window-bounds.ts";
import { windowJoinSpec } from "./window-join.ts";
import type { WindowTvfNode } from "./window-tvf.ts";

/** Whether a window TVF assigns windows by processing time (its time column is `*PROCTIME*`). */
export function isProctimeWindow(tvf: WindowTvfNode): boolean {
  return isProctime(tvf.input.fields[tvf.timeField]!);
}

/**
 * Throws when `rel` uses processing-time windows where they cannot run; `fused` holds the TVFs
 * that window aggregations above `rel` assign themselves (the plan is walked from the top).
 */
export function checkProctimeWindow(
  rel: RelNode,
  batch: boolean,
  fused: ReadonlySet<WindowTvfNode>,
): void {
  if (rel.kind === "windowTvf" && isProctimeWindow(rel)) {
    const name = rel.input.fields[rel.timeField]!.name;
    const what = `${rel.fn}: windows over the processing-time attribute ${name}`;
    if (batch) {
      throw new SqlPlanError(
        `${what} are not supported in batch mode (processing time has no meaning over bounded input, as in Flink): use an event-time or a plain TIMESTAMP column`,
        rel.pos,
      );
    }
    if (rel.fn === "SESSION") {
      throw new SqlPlanError(
        `${what} are not supported yet: use an event-time attribute (WATERMARK FOR ...)`,
        rel.pos,
      );
    }
    if (!fused.has(rel)) {
      throw new SqlPlanError(
        `${what} can only feed a window aggregation (GROUP BY window_start, window_end, ...; no GROUPING SETS) whose aggregates, filters and other keys read no window column; Flink also refuses a processing-time window TVF on its own`,
        rel.pos,
      );
    }
  }
  if (batch) return;
  if (rel.kind === "rank" && rel.window !== null) {
    const tvf = windowBounds(rel.input, true)?.tvf;
    if (tvf !== undefined && isProctimeWindow(tvf)) {
      throw new SqlPlanError(
        "A window Top-N or window deduplication over processing-time windows is not supported (nor in Flink): rank the windows of an event-time attribute",
        tvf.pos,
      );
    }
  }
  if (rel.kind === "join" && windowJoinSpec(rel) !== null) {
    for (const side of [rel.left, rel.right]) {
      const tvf = windowBounds(side, true)?.tvf;
      if (tvf !== undefined && isProctimeWindow(tvf)) {
        throw new SqlPlanError(
          "A window join over processing-time windows is not supported (nor in Flink): join the windows of an event-time attribute",
          tvf.pos,
        );
      }
    }
  }
}
