/**
 * JOIN ... USING (k) and NATURAL JOIN: the join columns appear once. The bound join gets a
 * projection putting one merged column per USING name first (the left copy for INNER and LEFT
 * joins, the right one for RIGHT joins, COALESCE(left, right) for FULL joins), then all columns
 * of both sides; in the scope the sides' own copies are hidden, so an unqualified `k` and `*`
 * see the merged column while `t.k`, `u.k` and `t.*` still reach each side's copy (standard SQL,
 * as Flink and PostgreSQL).
 */
import { call, inputRef, type RexNode } from "../expr/rex.ts";
import type { SourcePos } from "../sql/errors.ts";
import { identity, project } from "./builders.ts";
import { at } from "./errors.ts";
import type { JoinKind, RelNode } from "./logical.ts";
import type { BoundFrom } from "./bind-from.ts";
import { Scope, type ScopeEntry } from "./scope.ts";

/** The columns a NATURAL JOIN joins on: unqualified names visible on both sides, left order. */
export function naturalColumns(left: Scope, right: Scope): string[] {
  const visible = (s: Scope): string[] =>
    s.entries.flatMap((e) =>
      e.fields.filter((_, i) => e.hidden?.has(i) !== true).map((f) => f.name),
    );
  const theirs = new Set(visible(right));
  return [...new Set(visible(left).filter((n) => theirs.has(n)))];
}

/**
 * The join `rel` (fields as `entries` lay them out) with the USING columns merged: `pairs` are
 * the combined-row indexes of each name's left and right copies.
 */
export function mergeUsingColumns(
  rel: RelNode,
  entries: readonly ScopeEntry[],
  names: readonly string[],
  pairs: readonly (readonly [number, number])[],
  joinType: JoinKind,
  pos: SourcePos,
): BoundFrom {
  const ref = (i: number): RexNode => inputRef(i, rel.fields[i]!.type);
  const merged = pairs.map(([l, r]) =>
    joinType === "FULL"
      ? at(pos, () => call("COALESCE", [ref(l), ref(r)]))
      : joinType === "RIGHT"
        ? ref(r)
        : ref(l),
  );
  const m = merged.length;
  const out = project(
    rel,
    [...merged, ...identity(rel)],
    [...names, ...rel.fields.map((f) => f.name)],
  );
  const copies = new Set(pairs.flat());
  const shifted: ScopeEntry[] = entries.map((e) => {
    const hidden = new Set(e.hidden ?? []);
    e.fields.forEach((_, i) => {
      if (copies.has(e.offset + i)) hidden.add(i);
    });
    return { ...e, offset: e.offset + m, hidden };
  });
  const mergedEntry: ScopeEntry = {
    alias: null,
    offset: 0,
    fields: names.map((name, i) => ({ name, type: out.fields[i]!.type })),
  };
  return { rel: out, scope: new Scope([mergedEntry, ...shifted]) };
}
