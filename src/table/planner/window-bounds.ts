/**
 * Where a window TVF's `window_start`, `window_end` and `window_time` columns are in a plan, and
 * which of an aggregation's group keys is `window_end`. Kept apart from window-tvf.ts (binding)
 * so the changelog-mode derivation can ask without depending on the binder.
 */
import type { RelNode } from "./logical.ts";
import type { WindowTvfNode } from "./window-tvf.ts";

/** The TVF's output columns as input field indexes: window_start, window_end, window_time. */
export function windowColumnsOfTvf(rel: WindowTvfNode): [number, number, number] {
  const n = rel.input.fields.length;
  return [n, n + 1, n + 2];
}

/** Where a window TVF's columns are in a node's output, and the TVF they come from. */
export interface WindowBounds {
  readonly start: number;
  readonly end: number;
  /** -1 when `window_time` is not in the output. */
  readonly time: number;
  /** The window TVF assigning the windows. */
  readonly tvf: WindowTvfNode;
}

/**
 * The positions of `window_start` and `window_end` of a window TVF in `rel`'s output, traced
 * through projections (plain references) and filters; null when `rel` has none. With
 * `throughAggregates`, also through aggregations grouping by both (a window aggregation's
 * output keeps its window) and window Top-N: the callers check the input is insert-only.
 * `time` is -1 when `window_time` is not in the output.
 */
export function windowBounds(rel: RelNode, throughAggregates = false): WindowBounds | null {
  switch (rel.kind) {
    case "aggregate": {
      const below = throughAggregates ? windowBounds(rel.input, true) : null;
      if (below === null) return null;
      const start = rel.groupKeys.indexOf(below.start);
      const end = rel.groupKeys.indexOf(below.end);
      if (start < 0 || end < 0) return null;
      const time = below.time < 0 ? -1 : rel.groupKeys.indexOf(below.time);
      return { start, end, time, tvf: below.tvf };
    }
    case "rank":
      return throughAggregates ? windowBounds(rel.input, true) : null;
    case "windowTvf": {
      const [start, end, time] = windowColumnsOfTvf(rel);
      return { start, end, time, tvf: rel };
    }
    case "filter":
      return windowBounds(rel.input, throughAggregates);
    case "project": {
      const below = windowBounds(rel.input, throughAggregates);
      if (below === null) return null;
      const at = (i: number): number =>
        rel.exprs.findIndex((e) => e.kind === "input" && e.index === i);
      const start = at(below.start);
      const end = at(below.end);
      if (start < 0 || end < 0) return null;
      return { start, end, time: below.time < 0 ? -1 : at(below.time), tvf: below.tvf };
    }
    case "expand": {
      // Grouping sets over a window TVF: each set keeps the window columns in place.
      const below = windowBounds(rel.input, throughAggregates);
      if (below === null) return null;
      const kept = (i: number): boolean =>
        rel.projects.every((p) => {
          const e = p[i];
          return e !== undefined && e.kind === "input" && e.index === i;
        });
      if (!kept(below.start) || !kept(below.end)) return null;
      return { ...below, time: below.time >= 0 && kept(below.time) ? below.time : -1 };
    }
    default:
      return null;
  }
}

/** The position of `window_end` in the group keys of a window aggregation's input. */
export function windowEndField(rel: RelNode): number {
  if (rel.kind !== "aggregate") throw new Error("not an aggregate");
  return windowBounds(rel.input, true)!.end;
}
