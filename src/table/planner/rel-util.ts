/** Small helpers over logical plan nodes shared by the optimizer's rules. */
import type { RelNode } from "./logical.ts";

/** `rel` with `f` applied to each input; the same object when no input changed. */
export function withInputs(rel: RelNode, f: (r: RelNode) => RelNode): RelNode {
  switch (rel.kind) {
    case "scan":
    case "values":
      return rel;
    case "project":
    case "filter":
    case "aggregate":
    case "sort":
    case "window":
    case "expand":
    case "correlate":
    case "rank":
    case "windowTvf": {
      const input = f(rel.input);
      return input === rel.input ? rel : ({ ...rel, input } as RelNode);
    }
    case "join":
    case "setop":
    case "temporalJoin": {
      const left = f(rel.left);
      const right = f(rel.right);
      return left === rel.left && right === rel.right ? rel : ({ ...rel, left, right } as RelNode);
    }
    case "union": {
      const inputs = rel.inputs.map(f);
      return inputs.every((x, i) => x === rel.inputs[i]) ? rel : { ...rel, inputs };
    }
  }
}
