/**
 * Constant folding at plan time: deterministic calls, casts and CASEs whose operands are all
 * literals are evaluated once (by compiling them like any other expression) and replaced by a
 * literal of the same type. AND/OR drop TRUE/FALSE operands that do not matter and collapse on a
 * deciding one; CASE drops branches whose condition is a literal FALSE or NULL. An expression
 * that fails when evaluated (`1 / 0`) is left as it is, so the error happens at run time, as in
 * Flink.
 */
import { BOOLEAN, notNull, typesEqual, withNullability } from "../types/logical-type.ts";
import type { LogicalType } from "../types/logical-type.ts";
import { compileExpression } from "./codegen.ts";
import type { EmitOptions } from "./emitter.ts";
import { lookupScalar } from "./operators.ts";
import type { RexCall, RexCase, RexLiteral, RexNode } from "./rex.ts";
import { isLiteral } from "./rex.ts";
import { mapRex } from "./rex-util.ts";

function makeLiteral(value: unknown, type: LogicalType): RexLiteral {
  return { kind: "literal", value, type: value === null ? withNullability(type, true) : type };
}

function booleanLiteral(value: boolean): RexLiteral {
  return makeLiteral(value, notNull(BOOLEAN()));
}

function evaluate(node: RexNode, options: EmitOptions): RexNode {
  try {
    const value = compileExpression(node, 0, options)([0]);
    return makeLiteral(value, node.type);
  } catch {
    return node; // fails at run time, like Flink's reduced expressions that throw
  }
}

/** The node as a stand-in for `original` when their types agree (ignoring nullability). */
function replaceWith(original: RexNode, by: RexNode): RexNode | undefined {
  return typesEqual(original.type, by.type, true) ? by : undefined;
}

function foldJunction(node: RexCall, options: EmitOptions): RexNode {
  const isAnd = node.op === "AND";
  if (node.operands.every((o) => isLiteral(o))) return evaluate(node, options);
  if (node.operands.some((o) => isLiteral(o) && o.value === !isAnd)) return booleanLiteral(!isAnd);
  const rest = node.operands.filter((o) => !(isLiteral(o) && o.value === isAnd));
  if (rest.length === 0) return booleanLiteral(isAnd);
  if (rest.length === 1) return replaceWith(node, rest[0]!) ?? node;
  return rest.length === node.operands.length ? node : { ...node, operands: rest };
}

function foldCase(node: RexCase, options: EmitOptions): RexNode {
  const branches = node.branches.filter(
    (b) => !(isLiteral(b.when) && (b.when.value === false || b.when.value === null)),
  );
  const first = branches[0];
  if (first === undefined) {
    return node.otherwise === null
      ? makeLiteral(null, node.type)
      : (replaceWith(node, node.otherwise) ?? node);
  }
  if (isLiteral(first.when) && first.when.value === true) {
    const chosen = replaceWith(node, first.then);
    if (chosen !== undefined) return chosen;
  }
  const folded: RexCase = branches.length === node.branches.length ? node : { ...node, branches };
  const allLiteral =
    folded.branches.every((b) => isLiteral(b.when) && isLiteral(b.then)) &&
    (folded.otherwise === null || isLiteral(folded.otherwise));
  return allLiteral ? evaluate(folded, options) : folded;
}

function foldNode(node: RexNode, options: EmitOptions): RexNode {
  switch (node.kind) {
    case "input":
    case "literal":
      return node;
    case "call": {
      const def = lookupScalar(node.op);
      if (def === undefined || !def.deterministic || def.foldable === false) return node;
      if (node.op === "AND" || node.op === "OR") return foldJunction(node, options);
      return node.operands.every((o) => isLiteral(o)) ? evaluate(node, options) : node;
    }
    case "cast":
    case "fieldAccess":
      return isLiteral(node.operand) ? evaluate(node, options) : node;
    case "case":
      return foldCase(node, options);
  }
}

/**
 * The expression with its constant parts evaluated (see the module doc). Non-deterministic
 * calls (and everything above them that needs their value) are kept.
 */
export function foldConstants(node: RexNode, options: EmitOptions = {}): RexNode {
  return mapRex(node, (n) => foldNode(n, options));
}
