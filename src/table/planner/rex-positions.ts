/**
 * Where in the SQL text a bound expression came from, kept beside the IR (the IR nodes carry no
 * positions, so plans compare and print the same wherever they were written). The binder notes
 * the position of each call it builds; checks after optimization look it up for their errors.
 */
import type { RexNode } from "../expr/rex.ts";
import type { SourcePos } from "../sql/errors.ts";

const positions = new WeakMap<RexNode, SourcePos>();

/** Remembers that `node` was bound from the SQL at `pos`. */
export function notePosition(node: RexNode, pos: SourcePos): void {
  positions.set(node, pos);
}

/** The position `node` was bound from, if the binder noted one. */
export function positionOf(node: RexNode): SourcePos | undefined {
  return positions.get(node);
}
