/**
 * Temporal joins: `FROM l JOIN t FOR SYSTEM_TIME AS OF l.time AS r ON l.k = r.k`, each left row
 * joined with the version of the right table at the left row's time.
 *
 * - Event time (`l.time` is a rowtime attribute): `t` must be a versioned table, i.e. have a
 *   PRIMARY KEY and an event-time attribute (WATERMARK), or be a versioned view
 *   (versioned-view.ts); the ON clause must equate every primary
 *   key column with a left expression. The join keeps, per key, the right rows' versions by their
 *   rowtime and emits a left row once the watermark passes its time (runtime/temporal-join.ts);
 *   output insert-only. Batch mode runs the same operator: all rows arrive before the final
 *   watermark, so each left row meets the version valid at its time, as in streaming.
 * - Processing time (`l.time` is a proctime attribute): a lookup join. `t`'s connector must
 *   support lookups (`createLookup`, connectors/lookup.ts); rows are looked up by the right
 *   columns the ON clause equates with left expressions, row by row (runtime/lookup-join.ts).
 *
 * INNER and LEFT joins only. Output: the left fields (time attributes kept), then the right ones
 * (time attributes materialized; nullable for LEFT).
 */
import type { RexNode } from "../expr/rex.ts";
import { inputRefs } from "../expr/rex-util.ts";
import { rexToString } from "../expr/rex.ts";
import type { JoinRef, NamedTableRef } from "../sql/ast-query.ts";
import { withNullability } from "../types/index.ts";
import { isProctimeType, isRowtimeType, materializedFields } from "../types/time-attributes.ts";
import { bindExpr } from "./bind-expr.ts";
import type { BoundFrom } from "./bind-from.ts";
import type { BindContext } from "./context.ts";
import { SqlPlanError } from "./errors.ts";
import type { Field, RelNode, ScanNode } from "./logical.ts";
import { Scope, type ScopeEntry } from "./scope.ts";
import { versionedView } from "./versioned-view.ts";

/** A temporal join (see the module comment). */
export interface TemporalJoinNode {
  readonly kind: "temporalJoin";
  readonly joinType: "INNER" | "LEFT";
  /** `event`: a versioned table by event time; `lookup`: a lookup join by processing time. */
  readonly mode: "event" | "lookup";
  readonly left: RelNode;
  /** Event time: the versioned table's rows; lookup: the table's scan (never read as a stream). */
  readonly right: RelNode;
  /** The right table's name, for EXPLAIN and messages. */
  readonly table: string;
  /** Index of the left time attribute of `FOR SYSTEM_TIME AS OF`. */
  readonly leftTime: number;
  /** Event time: index of the right rowtime field; lookup: -1. */
  readonly rightTime: number;
  /** The key expressions over the left fields (one per right key field). */
  readonly leftKeys: readonly RexNode[];
  /** The right key fields (event time: the primary key; lookup: the looked-up columns). */
  readonly rightKeys: readonly number[];
  /** The whole ON condition, over the left fields then the right ones. */
  readonly condition: RexNode;
  /** The condition without the key equalities, or null. */
  readonly residual: RexNode | null;
  readonly fields: readonly Field[];
}

/** Binds a named table (the catalog's; provided by bind-from.ts). */
export type TableBinder = (ref: NamedTableRef) => RelNode;

function conjuncts(e: RexNode): RexNode[] {
  if (e.kind === "call" && e.op === "AND") return e.operands.flatMap(conjuncts);
  return [e];
}

/** The ON condition split into `left expr = right field` pairs (of `wanted` right fields) and the rest. */
function splitKeys(
  condition: RexNode,
  leftArity: number,
  wanted: (rightField: number) => boolean,
): { left: RexNode[]; right: number[]; rest: RexNode[] } {
  const left: RexNode[] = [];
  const right: number[] = [];
  const rest: RexNode[] = [];
  for (const c of conjuncts(condition)) {
    if (c.kind === "call" && c.op === "=" && c.operands.length === 2) {
      const [a, b] = c.operands as [RexNode, RexNode];
      const pick = (l: RexNode, r: RexNode): boolean => {
        if (r.kind !== "input" || r.index < leftArity || !wanted(r.index - leftArity)) return false;
        const refs = [...inputRefs(l)];
        if (refs.length === 0 || !refs.every((i) => i < leftArity)) return false;
        if (right.includes(r.index - leftArity)) return false;
        left.push(l);
        right.push(r.index - leftArity);
        return true;
      };
      if (pick(a, b) || pick(b, a)) continue;
    }
    if (!(c.kind === "literal" && c.value === true)) rest.push(c);
  }
  return { left, right, rest };
}

function and(parts: readonly RexNode[]): RexNode | null {
  if (parts.length === 0) return null;
  return parts.reduce((a, b) => ({ kind: "call", op: "AND", operands: [a, b], type: a.type }));
}

/** Binds `left JOIN t FOR SYSTEM_TIME AS OF ... ON ...` (its right side a named table). */
export function bindTemporalJoin(
  ref: JoinRef,
  left: BoundFrom,
  ctx: BindContext,
  bindTable: TableBinder,
): BoundFrom {
  const named = ref.right as NamedTableRef;
  const pos = named.pos;
  const display = named.name.join(".");
  if (ref.joinType !== "INNER" && ref.joinType !== "LEFT") {
    throw new SqlPlanError(
      `Temporal join with ${display}: only INNER and LEFT joins are supported, not ${ref.joinType}`,
      ref.pos,
    );
  }
  if (ref.on === undefined) {
    throw new SqlPlanError(
      `Temporal join with ${display} needs an ON clause equating its key with the left side`,
      ref.pos,
    );
  }
  const asOf = bindExpr(named.systemTime!, {
    scope: left.scope,
    clause: "FOR SYSTEM_TIME AS OF",
    typeOf: ctx.typeOf,
  });
  const isTime = asOf.kind === "input" && (isRowtimeType(asOf.type) || isProctimeType(asOf.type));
  if (!isTime || asOf.kind !== "input") {
    throw new SqlPlanError(
      `FOR SYSTEM_TIME AS OF of ${display} must be a time attribute of the left table (a rowtime column for an event-time temporal join, a PROCTIME() column for a lookup join)`,
      named.systemTime!.pos,
    );
  }
  const lookup = isProctimeType(asOf.type);
  const cte = named.name.length === 1 && ctx.ctes.has(named.name[0]!);
  const resolved = cte ? null : ctx.catalog.resolve(named.name, pos);
  let name = display;
  let pk: readonly string[] | undefined;
  let rightRel: RelNode;
  if (resolved === null || resolved.kind !== "table") {
    // A view or CTE: a versioned view by event time (versioned-view.ts).
    const view = lookup ? null : versionedView(bindTable({ ...named, systemTime: undefined }));
    if (view === null) {
      throw new SqlPlanError(
        `Temporal join with ${display}: it is a ${cte ? "CTE" : "view"}; ${lookup ? "a lookup join needs a table whose connector supports lookups" : "a versioned view must keep the last row per key by event time (ROW_NUMBER() OVER (PARTITION BY key ORDER BY rowtime DESC) = 1) and output its key and rowtime columns"}`,
        pos,
      );
    }
    rightRel = view.rel;
    pk = view.primaryKey.map((i) => rightRel.fields[i]!.name);
  } else {
    name = resolved.name;
    pk = resolved.primaryKey;
    if (!lookup) {
      if (pk === undefined || pk.length === 0) {
        throw new SqlPlanError(
          `Temporal join with ${name}: it has no PRIMARY KEY; an event-time temporal join needs a versioned table (a PRIMARY KEY and an event-time attribute)`,
          pos,
        );
      }
      if (resolved.watermark === undefined) {
        throw new SqlPlanError(
          `Temporal join with ${name}: it has no event-time attribute (no WATERMARK); an event-time temporal join needs a versioned table (a PRIMARY KEY and an event-time attribute)`,
          pos,
        );
      }
    } else if (resolved.source.lookup !== true) {
      throw new SqlPlanError(
        `Lookup join with ${name}: its connector does not support lookups (a processing-time temporal join needs a lookup table)`,
        pos,
      );
    }
    rightRel = bindTable({ ...named, systemTime: undefined });
  }
  if (lookup && rightRel.kind !== "scan") {
    throw new SqlPlanError(
      `Lookup join with ${name}: tables with computed columns or a watermark cannot be looked up yet`,
      pos,
    );
  }
  const alias = named.alias ?? named.name[named.name.length - 1]!;
  const right: BoundFrom = { rel: rightRel, scope: Scope.of(alias, rightRel.fields) };
  const la = left.rel.fields.length;
  const entries: ScopeEntry[] = [
    ...left.scope.entries,
    ...right.scope.entries.map((e) => ({ ...e, offset: e.offset + la })),
  ];
  const condition = bindExpr(ref.on, {
    scope: new Scope(entries),
    clause: "JOIN condition",
    typeOf: ctx.typeOf,
  });
  const rightNames = rightRel.fields.map((f) => f.name);
  const pkFields = (pk ?? []).map((c) => rightNames.indexOf(c));
  const split = splitKeys(condition, la, (f) => lookup || pkFields.includes(f));
  if (!lookup) {
    const missing = (pk ?? []).filter((_, i) => !split.right.includes(pkFields[i]!));
    if (missing.length > 0) {
      throw new SqlPlanError(
        `Temporal join with ${name}: the ON clause must equate each primary key column with the left side; missing ${missing.join(", ")}`,
        ref.on.pos,
      );
    }
  } else if (split.right.length === 0) {
    throw new SqlPlanError(
      `Lookup join with ${name}: the ON clause must equate at least one column of ${name} with the left side (the lookup key)`,
      ref.on.pos,
    );
  }
  const rightTime = lookup ? -1 : rightRel.fields.findIndex((f) => isRowtimeType(f.type));
  const nullable = ref.joinType === "LEFT";
  const fields: Field[] = [
    ...left.rel.fields,
    ...materializedFields(rightRel.fields).map((f) =>
      nullable ? { name: f.name, type: withNullability(f.type, true) } : f,
    ),
  ];
  const node: TemporalJoinNode = {
    kind: "temporalJoin",
    joinType: ref.joinType,
    mode: lookup ? "lookup" : "event",
    left: left.rel,
    right: rightRel,
    table: name,
    leftTime: asOf.index,
    rightTime,
    leftKeys: split.left,
    rightKeys: split.right,
    condition,
    residual: and(split.rest),
    fields,
  };
  const padded = entries.map((e) => ({
    ...e,
    fields: fields.slice(e.offset, e.offset + e.fields.length),
  }));
  return { rel: node, scope: new Scope(padded) };
}

/** EXPLAIN text of a temporal join. */
export function describeTemporalJoin(rel: TemporalJoinNode): string {
  const kind = rel.mode === "event" ? "TemporalJoin" : "LookupJoin";
  const keys = rel.rightKeys.map((k) => rel.right.fields[k]!.name).join(", ");
  return `${kind}(table=[${rel.table}], joinType=[${rel.joinType}], asOf=[${rel.left.fields[rel.leftTime]!.name}], keys=[${keys}]${rel.residual !== null ? `, where=[${rexToString(rel.residual)}]` : ""})`;
}

/** The scan of a lookup join's table. */
export function lookupScan(rel: TemporalJoinNode): ScanNode {
  if (rel.right.kind !== "scan") throw new Error("a lookup join's right side must be a scan");
  return rel.right;
}
