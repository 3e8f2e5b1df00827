/** Constructors of logical plan nodes that compute their output fields. */
import { keepWindowTime } from "./window-tvf.ts";
import { inputRef, type RexNode } from "../expr/rex.ts";
import { materializedFields, withNullability } from "../types/index.ts";
import type {
  AggCall,
  AggregateNode,
  Field,
  FilterNode,
  JoinKind,
  JoinNode,
  ProjectNode,
  RelNode,
} from "./logical.ts";

/** Names made unique (`a`, `a0`, `a1`...), as Flink does for duplicate output names. */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((n) => {
    let name = n;
    for (let i = 0; seen.has(name); i++) name = `${n}${i}`;
    seen.add(name);
    return name;
  });
}

/** A projection of `exprs` named `names` (made unique). */
export function project(
  input: RelNode,
  exprs: readonly RexNode[],
  names: readonly string[],
): ProjectNode {
  const unique = uniqueNames(names);
  return {
    kind: "project",
    input,
    exprs,
    fields: exprs.map((e, i) => ({ name: unique[i]!, type: e.type })),
  };
}

/** Input references to every field of `input`. */
export function identity(input: RelNode): RexNode[] {
  return input.fields.map((f, i) => inputRef(i, f.type));
}

/** Keeps the rows of `input` for which `condition` is TRUE. */
export function filter(input: RelNode, condition: RexNode): FilterNode {
  return { kind: "filter", input, condition, fields: input.fields };
}

/** Groups by `groupKeys` with `aggs`: fields = the keys, then the aggregates. */
export function aggregate(
  input: RelNode,
  groupKeys: readonly number[],
  aggs: readonly AggCall[],
): AggregateNode {
  const fields: Field[] = groupKeys.map((k) => input.fields[k]!);
  for (const a of aggs) fields.push({ name: a.name, type: a.type });
  // A regular GROUP BY does not keep the rows' time: time attributes are materialized (a
  // window aggregation keeps window_time, window-tvf.ts).
  return keepWindowTime({
    kind: "aggregate",
    input,
    groupKeys,
    aggs,
    fields: rename([...materializedFields(fields)]),
  });
}

/** A join; the padded side's fields become nullable; SEMI/ANTI keep the left fields. */
export function join(
  joinType: JoinKind,
  left: RelNode,
  right: RelNode,
  condition: RexNode,
): JoinNode {
  const nullable = (fs: readonly Field[], yes: boolean): Field[] =>
    fs.map((f) => (yes ? { name: f.name, type: withNullability(f.type, true) } : f));
  // A regular join does not keep the rows' time: time attributes are materialized.
  const fields =
    joinType === "SEMI" || joinType === "ANTI"
      ? left.fields
      : materializedFields([
          ...nullable(left.fields, joinType === "RIGHT" || joinType === "FULL"),
          ...nullable(right.fields, joinType === "LEFT" || joinType === "FULL"),
        ]);
  return { kind: "join", joinType, left, right, condition, fields };
}

function rename(fields: Field[]): Field[] {
  const names = uniqueNames(fields.map((f) => f.name));
  return fields.map((f, i) => ({ name: names[i]!, type: f.type }));
}
