/**
 * Binding of queries: SELECT blocks (bind-select.ts), set operations (with the column types
 * unified to their common type), VALUES, WITH and ORDER BY / LIMIT / OFFSET.
 */
import { cast, inputRef, type RexNode } from "../expr/rex.ts";
import type { Expr } from "../sql/ast-expr.ts";
import type { OrderedQuery, Query, SetOpQuery, ValuesQuery } from "../sql/ast-query.ts";
import { exprToString } from "../sql/index.ts";
import {
  commonType,
  typesEqual,
  typeToString,
  withNullability,
  type LogicalType,
} from "../types/index.ts";
import { bindExpr } from "./bind-expr.ts";
import { collectAggregates } from "./bind-aggregate.ts";
import { bindFrom } from "./bind-from.ts";
import { bindSelect } from "./bind-select.ts";
import * as build from "./builders.ts";
import type { BindContext } from "./context.ts";
import { at, SqlPlanError } from "./errors.ts";
import type { Field, RelNode, SortKey } from "./logical.ts";
import { Scope } from "./scope.ts";

/** Binds query `q` to a logical plan. */
export function bindQuery(q: Query, ctx: BindContext): RelNode {
  switch (q.kind) {
    case "select":
      return bindSelect(q, ctx, bindQuery);
    case "setOp":
      return bindSetOp(q, ctx);
    case "values":
      return bindValues(q, ctx);
    case "with": {
      const ctes = new Map(ctx.ctes);
      for (const cte of q.ctes) {
        let rel = bindQuery(cte.query, { ...ctx, ctes });
        if (cte.columns !== undefined) {
          if (cte.columns.length !== rel.fields.length) {
            throw new SqlPlanError(
              `WITH ${cte.name} lists ${cte.columns.length} columns, its query returns ${rel.fields.length}`,
              cte.pos,
            );
          }
          rel = build.project(rel, build.identity(rel), cte.columns);
        }
        ctes.set(cte.name, rel);
      }
      return bindQuery(q.body, { ...ctx, ctes });
    }
    case "ordered":
      return bindOrdered(q, ctx);
    case "explicitTable":
      return bindFrom({ kind: "table", pos: q.pos, name: q.name, hints: [] }, ctx, bindQuery).rel;
  }
}

function bindSetOp(q: SetOpQuery, ctx: BindContext): RelNode {
  let left = bindQuery(q.left, ctx);
  let right = bindQuery(q.right, ctx);
  if (left.fields.length !== right.fields.length) {
    throw new SqlPlanError(
      `Column count mismatch in ${q.op}: ${left.fields.length} columns on the left, ${right.fields.length} on the right`,
      q.pos,
    );
  }
  const types = left.fields.map((f, i) => {
    const t = commonType([f.type, right.fields[i]!.type]);
    if (t === null) {
      throw new SqlPlanError(
        `Type mismatch in ${q.op} at column ${i + 1}: ${typeToString(f.type)} and ${typeToString(right.fields[i]!.type)} have no common type`,
        q.pos,
      );
    }
    return t;
  });
  left = coerce(left, types, q.pos);
  right = coerce(right, types, q.pos);
  // A column is nullable when it is on either side (the left's cast keeps its NOT NULL).
  const fields: Field[] = left.fields.map((f, i) => ({
    name: f.name,
    type: withNullability(f.type, f.type.nullable || right.fields[i]!.type.nullable),
  }));
  if (q.op === "UNION") {
    const union: RelNode = { kind: "union", inputs: [left, right], fields };
    return q.all
      ? union
      : build.aggregate(
          union,
          union.fields.map((_, i) => i),
          [],
        );
  }
  return { kind: "setop", op: q.op, all: q.all, left, right, fields };
}

/** `rel` with its columns cast to `types` where they differ. */
function coerce(rel: RelNode, types: readonly LogicalType[], pos: Expr["pos"]): RelNode {
  if (rel.fields.every((f, i) => typesEqual(f.type, types[i]!))) return rel;
  const exprs = rel.fields.map((f, i): RexNode => {
    const ref = inputRef(i, f.type);
    return typesEqual(f.type, types[i]!) ? ref : at(pos, () => cast(ref, types[i]!));
  });
  return build.project(
    rel,
    exprs,
    rel.fields.map((f) => f.name),
  );
}

function bindValues(q: ValuesQuery, ctx: BindContext): RelNode {
  const scope = Scope.of(null, []);
  const rows = q.rows.map((r) =>
    r.map((e) => bindExpr(e, { scope, clause: "VALUES list", typeOf: ctx.typeOf })),
  );
  const width = rows[0]?.length ?? 0;
  for (const [i, r] of rows.entries()) {
    if (r.length !== width) {
      throw new SqlPlanError(
        `VALUES rows must have the same number of columns: row 1 has ${width}, row ${i + 1} has ${r.length}`,
        q.rows[i]![0]?.pos ?? q.pos,
      );
    }
  }
  const fields: Field[] = [];
  for (let c = 0; c < width; c++) {
    const t = commonType(rows.map((r) => r[c]!.type));
    if (t === null) {
      throw new SqlPlanError(`VALUES column ${c + 1} has no common type`, q.pos);
    }
    fields.push({ name: `EXPR$${c}`, type: t });
  }
  const typed = rows.map((r) =>
    r.map((e, c) =>
      typesEqual(e.type, fields[c]!.type) ? e : at(q.pos, () => cast(e, fields[c]!.type)),
    ),
  );
  return { kind: "values", rows: typed, fields };
}

/**
 * ORDER BY items that are neither output columns, ordinals nor select-list expressions, on a
 * plain SELECT (no DISTINCT, GROUP BY or aggregates): the query is bound with them as hidden
 * extra columns, sorted, and the extra columns are projected away.
 */
function withHiddenSortColumns(q: OrderedQuery, ctx: BindContext): RelNode | null {
  const inner = q.query;
  if (inner.kind !== "select" || inner.distinct || inner.groupBy !== undefined) return null;
  const visible = bindQuery(inner, ctx);
  const names = new Set(visible.fields.map((f) => f.name));
  const texts = new Set(inner.items.map((it) => exprToString(it.expr)));
  const hidden = q.orderBy.filter((item) => {
    const e = item.expr;
    if (e.kind === "literal" && e.type === "integer") return false;
    if (e.kind === "identifier" && e.parts.length === 1 && names.has(e.parts[0]!)) return false;
    return !texts.has(exprToString(e));
  });
  if (hidden.length === 0 || collectAggregates(hidden.map((h) => h.expr)).length > 0) return null;
  if (collectAggregates(inner.items.map((it) => it.expr)).length > 0) return null;
  const widened = {
    ...inner,
    items: [
      ...inner.items,
      ...hidden.map((h, i) => ({ pos: h.pos, expr: h.expr, alias: `$sort${i}` })),
    ],
  };
  const orderBy = q.orderBy.map((item) => {
    const i = hidden.indexOf(item);
    return i < 0
      ? item
      : { ...item, expr: { kind: "identifier" as const, pos: item.pos, parts: [`$sort${i}`] } };
  });
  const sorted = bindOrdered({ ...q, query: widened, orderBy }, ctx);
  return build.project(
    sorted,
    build.identity(sorted).slice(0, visible.fields.length),
    visible.fields.map((f) => f.name),
  );
}

function bindOrdered(q: OrderedQuery, ctx: BindContext): RelNode {
  const hiddenPlan = withHiddenSortColumns(q, ctx);
  if (hiddenPlan !== null) return hiddenPlan;
  const rel = bindQuery(q.query, ctx);
  const keys: SortKey[] = [];
  let extra: RexNode[] = [];
  const scope = Scope.of(null, rel.fields);
  const selectItems = q.query.kind === "select" ? q.query.items : [];
  for (const item of q.orderBy) {
    const e = item.expr;
    let field = -1;
    if (e.kind === "literal" && e.type === "integer") {
      field = Number(e.value) - 1;
      if (field < 0 || field >= rel.fields.length) {
        throw new SqlPlanError(`Ordinal ${e.value} in ORDER BY is out of range`, e.pos);
      }
    } else if (e.kind === "identifier" && e.parts.length === 1) {
      field = rel.fields.findIndex((f) => f.name === e.parts[0]);
    }
    if (field < 0) {
      const text = exprToString(e);
      field = selectItems.findIndex((it) => exprToString(it.expr) === text);
    }
    if (field < 0) {
      const r = bindExpr(e, { scope, clause: "ORDER BY clause", typeOf: ctx.typeOf });
      extra = [...extra, r];
      field = rel.fields.length + extra.length - 1;
    }
    const descending = item.direction === "DESC";
    // Flink: NULLs are smallest (first ascending, last descending) unless stated.
    const nullsFirst = item.nulls === undefined ? !descending : item.nulls === "FIRST";
    keys.push({ field, descending, nullsFirst });
  }
  const offset = q.offset === undefined ? 0 : count(q.offset, "OFFSET");
  const fetch = q.limit === undefined ? -1 : count(q.limit, "LIMIT");
  if (extra.length === 0) {
    return { kind: "sort", input: rel, keys, offset, fetch, fields: rel.fields };
  }
  const widened = build.project(
    rel,
    [...build.identity(rel), ...extra],
    [...rel.fields.map((f) => f.name), ...extra.map((_, i) => `$sort${i}`)],
  );
  const sorted: RelNode = {
    kind: "sort",
    input: widened,
    keys,
    offset,
    fetch,
    fields: widened.fields,
  };
  return build.project(
    sorted,
    build.identity(rel),
    rel.fields.map((f) => f.name),
  );
}

function count(e: Expr, what: string): number {
  if (e.kind !== "literal" || e.type !== "integer" || Number(e.value) < 0) {
    throw new SqlPlanError(`${what} must be a non-negative integer literal`, e.pos);
  }
  return Number(e.value);
}
