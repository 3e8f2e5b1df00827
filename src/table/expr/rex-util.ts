/**
 * Traversals of {@link RexNode} trees: children, bottom-up rewriting, the set of referenced
 * input fields, shifting input references (when an expression moves to the right side of a join
 * or below a projection), and structural equality.
 */
import { typesEqual } from "../types/logical-type.ts";
import { valuesEqual } from "../types/compare.ts";
import type { RexNode, RexWhen } from "./rex.ts";

/** The direct sub-expressions of a node, in evaluation order. */
export function rexChildren(node: RexNode): RexNode[] {
  switch (node.kind) {
    case "input":
    case "literal":
      return [];
    case "call":
      return [...node.operands];
    case "cast":
    case "fieldAccess":
      return [node.operand];
    case "case": {
      const out: RexNode[] = [];
      for (const b of node.branches) out.push(b.when, b.then);
      if (node.otherwise !== null) out.push(node.otherwise);
      return out;
    }
  }
}

/**
 * Rewrites a tree bottom-up: children first, then `fn` on the node rebuilt with the new
 * children. Nodes whose children did not change are passed to `fn` as they were (and `fn`
 * returning its argument keeps sharing), so unchanged trees stay the same objects.
 */
export function mapRex(node: RexNode, fn: (node: RexNode) => RexNode): RexNode {
  switch (node.kind) {
    case "input":
    case "literal":
      return fn(node);
    case "call": {
      const operands = node.operands.map((o) => mapRex(o, fn));
      const same = operands.every((o, i) => o === node.operands[i]);
      return fn(same ? node : { ...node, operands });
    }
    case "cast":
    case "fieldAccess": {
      const operand = mapRex(node.operand, fn);
      return fn(operand === node.operand ? node : { ...node, operand });
    }
    case "case": {
      let changed = false;
      const branches: RexWhen[] = node.branches.map((b) => {
        const when = mapRex(b.when, fn);
        const then = mapRex(b.then, fn);
        if (when !== b.when || then !== b.then) changed = true;
        return when === b.when && then === b.then ? b : { when, then };
      });
      const otherwise = node.otherwise === null ? null : mapRex(node.otherwise, fn);
      if (otherwise !== node.otherwise) changed = true;
      return fn(changed ? { ...node, branches, otherwise } : node);
    }
  }
}

/** Calls `fn` on every node of the tree, parents before children. */
export function visitRex(node: RexNode, fn: (node: RexNode) => void): void {
  fn(node);
  for (const c of rexChildren(node)) visitRex(c, fn);
}

/** The input fields an expression (or several) refers to. */
export function inputRefs(...nodes: readonly RexNode[]): Set<number> {
  const out = new Set<number>();
  for (const n of nodes) {
    visitRex(n, (x) => {
      if (x.kind === "input") out.add(x.index);
    });
  }
  return out;
}

/**
 * The expression with every input reference `i ≥ from` replaced by `i + offset` (e.g. a
 * condition on the right input of a join, moved past the left input's fields). Throws a
 * RangeError when an index would become negative.
 */
export function shiftInputs(node: RexNode, offset: number, from = 0): RexNode {
  if (offset === 0) return node;
  return mapRex(node, (n) => {
    if (n.kind !== "input" || n.index < from) return n;
    const index = n.index + offset;
    if (index < 0) throw new RangeError(`Shifting $${n.index} by ${offset} gives a negative index`);
    return { ...n, index };
  });
}

/**
 * The expression with input references renumbered by `mapping` (old index → new index); throws
 * a RangeError for a reference the mapping does not cover.
 */
export function remapInputs(
  node: RexNode,
  mapping: ReadonlyMap<number, number> | readonly number[],
): RexNode {
  const get = (i: number) =>
    Array.isArray(mapping) ? mapping[i] : (mapping as ReadonlyMap<number, number>).get(i);
  return mapRex(node, (n) => {
    if (n.kind !== "input") return n;
    const index = get(n.index);
    if (index === undefined) throw new RangeError(`No new position for input $${n.index}`);
    return index === n.index ? n : { ...n, index };
  });
}

/** Structural equality of two expressions, including types and literal values. */
export function rexEquals(a: RexNode, b: RexNode): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind || !typesEqual(a.type, b.type)) return false;
  switch (a.kind) {
    case "input":
      return a.index === (b as typeof a).index;
    case "literal":
      return valuesEqual(a.value, (b as typeof a).value);
    case "call": {
      const o = b as typeof a;
      return (
        a.op === o.op &&
        a.operands.length === o.operands.length &&
        a.operands.every((x, i) => rexEquals(x, o.operands[i]!))
      );
    }
    case "cast":
      return a.safe === (b as typeof a).safe && rexEquals(a.operand, (b as typeof a).operand);
    case "fieldAccess":
      return a.index === (b as typeof a).index && rexEquals(a.operand, (b as typeof a).operand);
    case "case": {
      const o = b as typeof a;
      const ca = rexChildren(a);
      const cb = rexChildren(o);
      return (
        a.branches.length === o.branches.length &&
        (a.otherwise === null) === (o.otherwise === null) &&
        ca.length === cb.length &&
        ca.every((x, i) => rexEquals(x, cb[i]!))
      );
    }
  }
}
