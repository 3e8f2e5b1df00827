/**
 * Join ordering (`table.optimizer.join-reorder-enabled`): a tree of INNER joins over three or
 * more inputs is flattened into its inputs and the conjuncts of all its conditions, and rebuilt
 * greedily from the row-count estimates of `statistics.ts`: start with the smallest input that
 * has an equality with another one, then
 * repeatedly join the input connected to the joined ones by an equality that gives the smallest
 * estimated result. An input without such a connection is only taken when no connected one is
 * left (the original tree then had a cross join too). Each conjunct goes into the lowest join
 * that sees all its fields, and a projection on top restores the original column order.
 * Outer, semi and anti joins, and anything that is not an inner join, are barriers: their inputs
 * are ordered on their own. A tree with a non-deterministic condition is left as it is.
 */
import { isDeterministic, literalOf, type RexNode } from "../expr/rex.ts";
import { call, inputRef } from "../expr/rex.ts";
import { inputRefs, remapInputs, shiftInputs } from "../expr/rex-util.ts";
import * as build from "./builders.ts";
import type { JoinNode, ProjectNode, RelNode } from "./logical.ts";
import { withInputs } from "./rel-util.ts";
import { conjunctsOf, estimateRows } from "./statistics.ts";

/** The plan with every chain of three or more inner joins reordered by estimated size. */
export function reorderJoins(rel: RelNode): RelNode {
  if (rel.kind === "join" && rel.joinType === "INNER") {
    const flat = flatten(rel);
    if (flat !== null && flat.inputs.length >= 3) {
      const inputs = flat.inputs.map(reorderJoins);
      return rebuild(rel, inputs, flat.conjuncts) ?? withInputs(rel, reorderJoins);
    }
  }
  return withInputs(rel, reorderJoins);
}

/** A flattened inner-join tree: its inputs in field order and its conditions' conjuncts. */
interface MultiJoin {
  readonly inputs: RelNode[];
  /** Over the concatenated fields of all inputs. */
  readonly conjuncts: RexNode[];
}

function flatten(rel: RelNode): MultiJoin | null {
  const inputs: RelNode[] = [];
  const conjuncts: RexNode[] = [];
  let ok = true;
  const walk = (node: RelNode, offset: number): void => {
    if (node.kind !== "join" || node.joinType !== "INNER") {
      inputs.push(node);
      return;
    }
    walk(node.left, offset);
    walk(node.right, offset + node.left.fields.length);
    for (const c of conjunctsOf(node.condition)) {
      if (c.kind === "literal" && c.value === true) continue;
      if (!isDeterministic(c)) ok = false;
      conjuncts.push(shiftInputs(c, offset));
    }
  };
  walk(rel, 0);
  return ok ? { inputs, conjuncts } : null;
}

/** A conjunct of the flattened condition, with the inputs it reads. */
interface Conjunct {
  /** Over the concatenated fields of all inputs. */
  readonly expr: RexNode;
  /** The inputs (by position in the flattened list) whose fields it reads. */
  readonly inputs: ReadonlySet<number>;
  /** An equality between expressions of different inputs. */
  readonly equi: boolean;
}

function rebuild(
  original: JoinNode,
  inputs: readonly RelNode[],
  exprs: readonly RexNode[],
): RelNode | null {
  const starts: number[] = [];
  let total = 0;
  for (const i of inputs) {
    starts.push(total);
    total += i.fields.length;
  }
  const inputOf = (field: number): number => {
    let k = starts.length - 1;
    while (starts[k]! > field) k--;
    return k;
  };
  const conjuncts: Conjunct[] = exprs.map((expr) => {
    const set = new Set([...inputRefs(expr)].map(inputOf));
    let equi = false;
    if (expr.kind === "call" && (expr.op === "=" || expr.op === "IS NOT DISTINCT FROM")) {
      const [a, b] = expr.operands.map((o) => new Set([...inputRefs(o)].map(inputOf)));
      equi = a!.size > 0 && b!.size > 0 && [...a!].every((x) => !b!.has(x));
    }
    return { expr, inputs: set, equi };
  });
  const placed = new Set<Conjunct>();
  const rows = inputs.map(estimateRows);
  // Start with the smallest input joined by an equality (cross joins, if any, come last).
  const linked = (i: number) => conjuncts.some((c) => c.equi && c.inputs.has(i));
  let first = -1;
  rows.forEach((r, i) => {
    const better =
      first < 0 ||
      (linked(i) && !linked(first)) ||
      (linked(i) === linked(first) && r < rows[first]!);
    if (better) first = i;
  });
  const order = [first];
  const joined = new Set(order);
  let current: RelNode = inputs[first]!;
  while (order.length < inputs.length) {
    let best: { node: RelNode; idx: number; rows: number; connected: boolean } | null = null;
    for (let j = 0; j < inputs.length; j++) {
      if (joined.has(j)) continue;
      const applicable = conjuncts.filter(
        (c) => !placed.has(c) && [...c.inputs].every((k) => k === j || joined.has(k)),
      );
      const connected = applicable.some((c) => c.equi && c.inputs.has(j));
      const node = joinWith(current, order, j, inputs, starts, applicable);
      const r = estimateRows(node);
      if (
        best === null ||
        (connected && !best.connected) ||
        (connected === best.connected && r < best.rows)
      ) {
        best = { node, idx: j, rows: r, connected };
      }
    }
    const chosen = best!;
    for (const c of conjuncts) {
      if (!placed.has(c) && [...c.inputs].every((k) => k === chosen.idx || joined.has(k))) {
        placed.add(c);
      }
    }
    current = chosen.node;
    order.push(chosen.idx);
    joined.add(chosen.idx);
  }
  if (order.every((k, i) => k === i)) return null;
  // Restore the original column order.
  const position = new Map<number, number>();
  let p = 0;
  for (const k of order) {
    for (let f = 0; f < inputs[k]!.fields.length; f++) position.set(starts[k]! + f, p++);
  }
  const exprsOut = original.fields.map((f, i) => inputRef(position.get(i)!, f.type));
  const top: ProjectNode = {
    kind: "project",
    input: current,
    exprs: exprsOut,
    fields: original.fields,
  };
  return top;
}

/** `current` (the inputs of `order`, in that order) joined with input `j` on `conds`. */
function joinWith(
  current: RelNode,
  order: readonly number[],
  j: number,
  inputs: readonly RelNode[],
  starts: readonly number[],
  conds: readonly Conjunct[],
): RelNode {
  const mapping = new Map<number, number>();
  let p = 0;
  for (const k of [...order, j]) {
    for (let f = 0; f < inputs[k]!.fields.length; f++) mapping.set(starts[k]! + f, p++);
  }
  const parts = conds.map((c) => remapInputs(c.expr, mapping));
  const condition =
    parts.length === 0 ? literalOf(true) : parts.reduce((a, b) => call("AND", [a, b]));
  return build.join("INNER", current, inputs[j]!, condition);
}
