/**
 * Window joins: a streaming join of two insert-only windowed inputs (window TVFs, or window
 * aggregations keeping their window columns) whose condition equates both `window_start` and
 * `window_end` of the two sides. It runs as a window join (runtime/window-join.ts): each
 * window's rows are joined once, when the watermark passes its end, and the result only
 * inserts; outer joins pad the unmatched rows of the window. Other joins of windowed inputs
 * stay regular (updating) joins.
 */
import type { RexNode } from "../expr/rex.ts";
import type { JoinNode } from "./logical.ts";
import { windowBounds } from "./window-bounds.ts";

/** Where each side's `window_end` is, as field indexes of that side. */
export interface WindowJoinSpec {
  readonly leftEnd: number;
  readonly rightEnd: number;
}

function conjuncts(e: RexNode): RexNode[] {
  if (e.kind === "call" && e.op === "AND") return e.operands.flatMap(conjuncts);
  return [e];
}

/** Whether the condition has the conjunct `left field a = right field b` (either order). */
function equates(cond: RexNode, a: number, b: number): boolean {
  return conjuncts(cond).some((c) => {
    if (c.kind !== "call" || c.op !== "=" || c.operands.length !== 2) return false;
    const [x, y] = c.operands as [RexNode, RexNode];
    if (x.kind !== "input" || y.kind !== "input") return false;
    return (x.index === a && y.index === b) || (x.index === b && y.index === a);
  });
}

/**
 * The window join form of `rel`, or null when it is not one (see the module comment). The
 * caller checks that both inputs are insert-only (changelog.ts depends on this module).
 */
export function windowJoinSpec(rel: JoinNode): WindowJoinSpec | null {
  const l = windowBounds(rel.left, true);
  const r = windowBounds(rel.right, true);
  if (l === null || r === null) return null;
  const la = rel.left.fields.length;
  if (!equates(rel.condition, l.start, la + r.start) || !equates(rel.condition, l.end, la + r.end))
    return null;
  return { leftEnd: l.end, rightEnd: r.end };
}

/** EXPLAIN's line for a window join. */
export function describeWindowJoin(rel: JoinNode, spec: WindowJoinSpec, cond: string): string {
  const l = rel.left.fields[spec.leftEnd]!.name;
  const r = rel.right.fields[spec.rightEnd]!.name;
  return `WindowJoin(leftWindow=[win_end=[${l}]], rightWindow=[win_end=[${r}]], joinType=[${rel.joinType}], where=[${cond}])`;
}
