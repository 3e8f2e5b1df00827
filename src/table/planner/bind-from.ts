/**
 * Binding of the FROM clause: catalog tables (their computed columns added by a projection over
 * the physical ones), views (expanded), CTEs, subqueries and joins, each giving a relation and
 * the scope its columns are visible in.
 */
import { call, literal, type RexNode } from "../expr/rex.ts";
import type { Expr } from "../sql/ast-expr.ts";
import type { JoinRef, NamedTableRef, TableRef } from "../sql/ast-query.ts";
import { BOOLEAN, notNull } from "../types/index.ts";
import { bindExpr } from "./bind-expr.ts";
import { asRowtime, bindWatermark } from "./bind-watermark.ts";
import { bindCorrelateJoin, bindStandaloneFunction, isLateralFunction } from "./bind-correlate.ts";
import { project } from "./builders.ts";
import * as build from "./builders.ts";
import type { BindContext } from "./context.ts";
import { at, SqlPlanError } from "./errors.ts";
import type { Field, JoinKind, RelNode, ScanNode } from "./logical.ts";
import { mergeUsingColumns, naturalColumns } from "./join-using.ts";
import { Scope, type ScopeEntry } from "./scope.ts";
import { bindWindowTvf, isWindowTvf } from "./window-tvf.ts";
import { bindTemporalJoin } from "./temporal-join.ts";

/** A bound FROM item. */
export interface BoundFrom {
  readonly rel: RelNode;
  readonly scope: Scope;
}

/** Binds a query (provided by bind-query.ts, which imports this module). */
export type QueryBinder = (q: import("../sql/ast-query.ts").Query, ctx: BindContext) => RelNode;

/** Binds FROM item `ref`. */
export function bindFrom(ref: TableRef, ctx: BindContext, bindQuery: QueryBinder): BoundFrom {
  switch (ref.kind) {
    case "table":
      return aliased(
        bindNamed(ref, ctx, bindQuery),
        ref.alias ?? ref.name[ref.name.length - 1]!,
        ref,
      );
    case "subqueryRef": {
      if (ref.lateral) {
        throw new SqlPlanError("LATERAL subqueries are not supported yet", ref.pos);
      }
      return aliased(bindQuery(ref.query, ctx), ref.alias ?? null, ref);
    }
    case "join":
      return bindJoin(ref, ctx, bindQuery);
    case "tableFunction":
      if (isWindowTvf(ref)) {
        return bindWindowTvf(ref, ctx, (name, pos) =>
          bindNamed({ kind: "table", name, pos, hints: [] }, ctx, bindQuery),
        );
      }
      return bindStandaloneFunction(ref, ctx);
    case "unnest":
      return bindStandaloneFunction(ref, ctx);
    default:
      throw new SqlPlanError(`${ref.kind} in FROM is not supported yet`, ref.pos);
  }
}

function bindNamed(ref: NamedTableRef, ctx: BindContext, bindQuery: QueryBinder): RelNode {
  if (ref.systemTime !== undefined) {
    throw new SqlPlanError(
      "FOR SYSTEM_TIME AS OF is only supported on the right side of a join (a temporal join); time travel queries are not supported",
      ref.pos,
    );
  }
  if (ref.name.length === 1) {
    const cte = ctx.ctes.get(ref.name[0]!);
    if (cte !== undefined) return cte;
  }
  const r = ctx.catalog.resolve(ref.name, ref.pos);
  if (r.kind === "view") {
    const rel = bindQuery(r.query, { ...ctx, ctes: new Map() });
    if (r.columnNames === undefined) return rel;
    return renamed(rel, r.columnNames, ref.pos);
  }
  const physical = r.columns.map((c, i) => ({ c, i })).filter((x) => x.c.computed === undefined);
  const physicalFields = physical.map((x) => ({ name: x.c.name, type: x.c.type }));
  // Computed columns: a projection over the physical columns.
  const scope = Scope.of(r.name, physicalFields);
  const exprs: RexNode[] = [];
  let p = 0;
  for (const c of r.columns) {
    if (c.computed === undefined) {
      exprs.push({ kind: "input", index: p, type: c.type } as RexNode);
      p++;
    } else {
      exprs.push(
        bindExpr(c.computed, { scope, clause: `computed column '${c.name}'`, typeOf: ctx.typeOf }),
      );
    }
  }
  let scan: ScanNode = {
    kind: "scan",
    source: r.source,
    projection: physical.map((_, i) => i),
    fields: physicalFields,
  };
  if (r.watermark !== undefined) {
    // Event time: the rowtime column becomes a time attribute, the scan assigns watermarks.
    const w = bindWatermark(r.name, r.columns, exprs, r.watermark, ref.hints, ctx, ref.pos);
    scan = { ...scan, watermark: w.watermark };
    exprs[w.column] = asRowtime(exprs[w.column]!);
    const rt = exprs[w.column]!;
    if (rt.kind === "input") {
      scan = {
        ...scan,
        fields: scan.fields.map((f, i) => (i === rt.index ? { ...f, type: rt.type } : f)),
      };
    }
  }
  if (physical.length === r.columns.length) return scan;
  return project(
    scan,
    exprs,
    r.columns.map((c) => c.name),
  );
}

function renamed(rel: RelNode, names: readonly string[], pos: Expr["pos"]): RelNode {
  if (names.length !== rel.fields.length) {
    throw new SqlPlanError(
      `List of column aliases must have the same degree as the table: ${rel.fields.length} columns, ${names.length} aliases`,
      pos,
    );
  }
  return project(rel, build.identity(rel), names);
}

function aliased(
  rel: RelNode,
  alias: string | null,
  ref: { columnAliases?: readonly string[]; pos: Expr["pos"] },
): BoundFrom {
  const r = ref.columnAliases === undefined ? rel : renamed(rel, ref.columnAliases, ref.pos);
  return { rel: r, scope: Scope.of(alias, r.fields) };
}

function bindJoin(ref: JoinRef, ctx: BindContext, bindQuery: QueryBinder): BoundFrom {
  const left = bindFrom(ref.left, ctx, bindQuery);
  if (isLateralFunction(ref.right)) return bindCorrelateJoin(ref, left, ctx);
  if (ref.right.kind === "table" && ref.right.systemTime !== undefined) {
    return bindTemporalJoin(ref, left, ctx, (r) => bindNamed(r, ctx, bindQuery));
  }
  const right = bindFrom(ref.right, ctx, bindQuery);
  const shift = left.rel.fields.length;
  const entries: ScopeEntry[] = [
    ...left.scope.entries,
    ...right.scope.entries.map((e) => ({ ...e, offset: e.offset + shift })),
  ];
  const joinType: JoinKind = ref.joinType === "CROSS" ? "INNER" : ref.joinType;
  const scope = new Scope(entries);
  const using = ref.natural ? naturalColumns(left.scope, right.scope) : (ref.using ?? []);
  const pairs: [number, number][] = [];
  let condition: RexNode = literal(true, notNull(BOOLEAN()));
  if (ref.on !== undefined) {
    condition = bindExpr(ref.on, { scope, clause: "JOIN condition", typeOf: ctx.typeOf });
  } else if (using.length > 0) {
    const eqs = using.map((name) => {
      const l = left.scope.resolve([name], ref.pos);
      const r = right.scope.resolve([name], ref.pos);
      pairs.push([l.index, r.index + shift]);
      return at(ref.pos, () =>
        call("=", [
          { kind: "input", index: l.index, type: l.type } as RexNode,
          { kind: "input", index: r.index + shift, type: r.type } as RexNode,
        ]),
      );
    });
    condition = eqs.reduce((a, b) => call("AND", [a, b]));
  } else if (ref.natural) {
    // No common column: a NATURAL JOIN is a cross join (standard SQL).
  } else if (ref.joinType !== "CROSS" && !ref.comma) {
    throw new SqlPlanError(`${ref.joinType} JOIN needs an ON or USING clause`, ref.pos);
  }
  const rel = build.join(joinType, left.rel, right.rel, condition);
  const fields: readonly Field[] = rel.fields;
  const padded = entries.map((e) => ({
    ...e,
    fields: fields.slice(e.offset, e.offset + e.fields.length),
  }));
  if (using.length === 0) return { rel, scope: new Scope(padded) };
  return mergeUsingColumns(rel, padded, using, pairs, joinType, ref.pos);
}
