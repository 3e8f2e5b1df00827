/**
 * The determinism check of streaming plans (Flink's non-deterministic update check, its
 * `table.optimizer.non-deterministic-update-strategy` = `TRY_RESOLVE`): an expression computed
 * per row over an updating input (one with `-U`/`-D` rows: an aggregation, an outer join, an
 * updating source) is computed again for every retraction, so a non-deterministic function in it
 * (RAND, UUID, NOW, CURRENT_TIMESTAMP, a user function declared non-deterministic...) gives a
 * retraction that does not match the row it retracts, and the result downstream is wrong. Such
 * a plan is refused before it runs, naming the function, where it is and what it computes;
 * computed over insert-only input (before the aggregation or join) it is fine, as in batch mode.
 */
import { lookupScalar } from "../expr/operators.ts";
import type { RexNode } from "../expr/rex.ts";
import { rexToString } from "../expr/rex.ts";
import { changelogModeOf } from "./changelog.ts";
import { SqlPlanError } from "./errors.ts";
import type { RelNode } from "./logical.ts";
import { positionOf } from "./rex-positions.ts";

/** The first call of a non-deterministic (or unknown) function inside `node`, if any. */
function nonDeterministicCall(node: RexNode): (RexNode & { kind: "call" }) | null {
  switch (node.kind) {
    case "input":
    case "literal":
      return null;
    case "call": {
      for (const o of node.operands) {
        const inner = nonDeterministicCall(o);
        if (inner !== null) return inner;
      }
      const def = lookupScalar(node.op);
      return def === undefined || !def.deterministic ? node : null;
    }
    case "cast":
    case "fieldAccess":
      return nonDeterministicCall(node.operand);
    case "case":
      for (const b of node.branches) {
        const inner = nonDeterministicCall(b.when) ?? nonDeterministicCall(b.then);
        if (inner !== null) return inner;
      }
      return node.otherwise === null ? null : nonDeterministicCall(node.otherwise);
  }
}

/** The expressions a node computes per input row, with what each one is (for messages). */
function perRowExpressions(rel: RelNode): { expr: RexNode; what: string }[] {
  switch (rel.kind) {
    case "project":
      return rel.exprs.map((expr, i) => ({ expr, what: `column '${rel.fields[i]!.name}'` }));
    case "filter":
      return [{ expr: rel.condition, what: "a filter condition" }];
    case "join":
      return [{ expr: rel.condition, what: "a join condition" }];
    case "correlate":
      return [
        ...rel.args.map((expr) => ({ expr, what: "a table function argument" })),
        { expr: rel.condition, what: "a join condition" },
      ];
    default:
      return [];
  }
}

function inputsOf(rel: RelNode): readonly RelNode[] {
  switch (rel.kind) {
    case "scan":
    case "values":
      return [];
    case "join":
    case "temporalJoin":
      return [rel.left, rel.right];
    case "union":
      return rel.inputs;
    case "setop":
      return [rel.left, rel.right];
    default:
      return "input" in rel ? [rel.input as RelNode] : [];
  }
}

/**
 * Throws a {@link SqlPlanError} when a streaming plan computes a non-deterministic function per
 * row over an updating input (see the module comment); batch plans are never refused.
 */
export function checkDeterminism(rel: RelNode, batch: boolean): void {
  if (batch) return;
  const inputs = inputsOf(rel);
  if (inputs.some((i) => changelogModeOf(i, false) !== "I")) {
    for (const { expr, what } of perRowExpressions(rel)) {
      const bad = nonDeterministicCall(expr);
      if (bad === null) continue;
      throw new SqlPlanError(
        `The non-deterministic function ${bad.op} in ${what} (${rexToString(expr)}) is computed over an updating input in streaming mode: a retraction (-U, -D) would compute a different value than the row it retracts. Compute it before the aggregation or join that produces the updates, or remove it`,
        positionOf(bad),
      );
    }
  }
  for (const i of inputs) checkDeterminism(i, batch);
}
