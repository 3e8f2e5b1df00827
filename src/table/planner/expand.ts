/**
 * The Expand node of GROUPING SETS, ROLLUP and CUBE: each input row is copied once per grouping
 * set, the group keys outside that set replaced by NULL and a last column `$e` holding the set's
 * id, so that an ordinary aggregation grouped by the keys and `$e` computes every set at once.
 * Translated as a row-wise flatMap that keeps each row's kind (so retractions expand too).
 */
import { rexToString, type RexNode } from "../expr/rex.ts";
import type { Field, RelNode } from "./logical.ts";

/** Copies each input row once per projection (one per grouping set). */
export interface ExpandNode {
  readonly kind: "expand";
  readonly input: RelNode;
  /** One projection per grouping set, over the input fields; each yields {@link fields}. */
  readonly projects: readonly (readonly RexNode[])[];
  /** Output index of the grouping set id column (`$e`, BIGINT NOT NULL: the set's position). */
  readonly expandId: number;
  /**
   * The ids of the empty grouping sets `()` of an aggregation over this node: in batch mode each
   * has its result row even for empty input (as a global aggregation has).
   */
  readonly emptySets: readonly number[];
  readonly fields: readonly Field[];
}

/** An Expand node; every projection must produce the types of `fields`. */
export function expand(
  input: RelNode,
  projects: readonly (readonly RexNode[])[],
  fields: readonly Field[],
  emptySets: readonly number[],
): ExpandNode {
  return { kind: "expand", input, projects, expandId: fields.length - 1, emptySets, fields };
}

/** EXPLAIN's line for an Expand node. */
export function describeExpand(rel: ExpandNode): string {
  const projects = rel.projects.map((p) => `{${p.map(rexToString).join(", ")}}`);
  return `Expand(projects=[${projects.join(", ")}])`;
}
