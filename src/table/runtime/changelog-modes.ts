/**
 * The changelog mode each runtime operator emits, given its inputs' modes: what the planner
 * writes on the plan edge after the operator (and checks against what the consumer accepts).
 */
import { ChangelogMode, isInsertOnly } from "./row.ts";
import type { JoinType } from "./join.ts";

/** `+I` and `-D` only: a RETRACT changelog without updates. */
const INSERT_DELETE: ChangelogMode = { name: "RETRACT", kinds: [0, 3], keyed: false };

function merged(modes: readonly ChangelogMode[]): ChangelogMode {
  const kinds = new Set(modes.flatMap((m) => m.kinds));
  if (kinds.size === 1) return ChangelogMode.INSERT_ONLY;
  return kinds.has(1) || kinds.has(2) ? ChangelogMode.RETRACT : INSERT_DELETE;
}

/**
 * A group aggregation: BATCH emits final rows (insert-only); STREAMING emits updates, as a
 * RETRACT changelog or, without update-before, an UPSERT one keyed by the group key.
 */
export function groupAggregateMode(batch: boolean, generateUpdateBefore = true): ChangelogMode {
  if (batch) return ChangelogMode.INSERT_ONLY;
  return generateUpdateBefore ? ChangelogMode.RETRACT : ChangelogMode.UPSERT;
}

/** SELECT DISTINCT and INTERSECT/EXCEPT: `+I`/`-D` in STREAMING, insert-only in BATCH. */
export function distinctMode(batch: boolean): ChangelogMode {
  return batch ? ChangelogMode.INSERT_ONLY : INSERT_DELETE;
}

/**
 * A regular join: an INNER join forwards its inputs' kinds (insert-only stays insert-only);
 * an outer join in STREAMING emits `+I`/`-D` (padded rows are retracted), plus nothing else
 * even for updating inputs; in BATCH on insert-only inputs an outer join is insert-only.
 */
export function joinMode(
  type: JoinType,
  left: ChangelogMode,
  right: ChangelogMode,
  batch: boolean,
): ChangelogMode {
  const inputsInsertOnly = isInsertOnly(left) && isInsertOnly(right);
  if (type === "INNER") return merged([left, right]);
  if (batch && inputsInsertOnly) return ChangelogMode.INSERT_ONLY;
  return INSERT_DELETE;
}

/**
 * A semi/anti join: left rows keep their kinds; in STREAMING right-side changes add `+I`/`-D`
 * of left rows. BATCH emits `+I` rows at the end (left rows with a NULL key pass through an
 * anti join with their kinds).
 */
export function semiJoinMode(left: ChangelogMode, batch: boolean): ChangelogMode {
  return batch ? merged([left]) : merged([left, INSERT_DELETE]);
}

/** UNION ALL: the union of its inputs' kinds. */
export function unionAllMode(inputs: readonly ChangelogMode[]): ChangelogMode {
  return merged(inputs);
}

/** ORDER BY / LIMIT: insert-only. */
export function sortLimitMode(): ChangelogMode {
  return ChangelogMode.INSERT_ONLY;
}
