/**
 * Binding of lateral table functions in FROM: `LATERAL TABLE(f(x)) [AS] t(a, b)` calls a user
 * table function and `UNNEST(arr) [WITH ORDINALITY]` expands a collection, per row of the FROM
 * items before it (comma / CROSS JOIN / JOIN ... ON cond / LEFT JOIN ... ON cond), or once when
 * it stands alone. Both become a {@link CorrelateNode}. Window TVFs (TUMBLE, HOP, CUMULATE,
 * SESSION) are bound by window-tvf.ts; as a lateral function they are refused here.
 */
import { lookupScalar, sqlFunctionName } from "../expr/operators.ts";
import { cast, literal, type RexNode } from "../expr/rex.ts";
import { lookupUserAggregate, lookupUserTableFunction } from "../runtime/user-functions.ts";
import type { CallExpr } from "../sql/ast-calls.ts";
import type { Expr } from "../sql/ast-expr.ts";
import type { JoinRef, TableFunctionRef, UnnestRef } from "../sql/ast-query.ts";
import { supportsImplicitCast } from "../types/cast-rules.ts";
import {
  BOOLEAN,
  INT,
  notNull,
  typesEqual,
  typeToString,
  withNullability,
  type LogicalType,
} from "../types/index.ts";
import { bindExpr } from "./bind-expr.ts";
import type { BindContext } from "./context.ts";
import { at, SqlPlanError } from "./errors.ts";
import type { CorrelateFunction, CorrelateNode, Field, RelNode } from "./logical.ts";
import { Scope } from "./scope.ts";

/** A bound FROM item (as bind-from.ts's BoundFrom). */
export interface BoundCorrelate {
  readonly rel: RelNode;
  readonly scope: Scope;
}

/** The window table-valued functions (not user table functions). */
const WINDOW_TVFS = new Set(["TUMBLE", "HOP", "CUMULATE", "SESSION"]);

/** Whether `ref` is a table function or UNNEST (bound by this module). */
export function isLateralFunction(ref: { kind: string }): ref is TableFunctionRef | UnnestRef {
  return ref.kind === "tableFunction" || ref.kind === "unnest";
}

/** A table function or UNNEST standing alone in FROM: called once, with constant arguments. */
export function bindStandaloneFunction(
  ref: TableFunctionRef | UnnestRef,
  ctx: BindContext,
): BoundCorrelate {
  const one: RelNode = { kind: "values", rows: [[]], fields: [] };
  return bindLateral(ref, { rel: one, scope: new Scope([]) }, "INNER", undefined, ctx);
}

/** `left <join> LATERAL TABLE(...)` / `left <join> UNNEST(...)`, the left side bound. */
export function bindCorrelateJoin(
  ref: JoinRef,
  left: BoundCorrelate,
  ctx: BindContext,
): BoundCorrelate {
  const right = ref.right as TableFunctionRef | UnnestRef;
  if (ref.natural || ref.using !== undefined) {
    throw new SqlPlanError(
      "A lateral table function cannot be joined with NATURAL or USING",
      ref.pos,
    );
  }
  if (ref.joinType === "RIGHT" || ref.joinType === "FULL") {
    throw new SqlPlanError(
      `${ref.joinType} JOIN with a lateral table function is not supported: use CROSS JOIN, JOIN ... ON or LEFT JOIN ... ON TRUE`,
      ref.pos,
    );
  }
  if ((ref.joinType === "INNER" || ref.joinType === "LEFT") && !ref.comma && ref.on === undefined) {
    throw new SqlPlanError(
      `${ref.joinType} JOIN needs an ON clause (ON TRUE for all rows)`,
      ref.pos,
    );
  }
  return bindLateral(right, left, ref.joinType === "LEFT" ? "LEFT" : "INNER", ref.on, ctx);
}

/** The function's arguments, output columns and kind. */
interface Bound {
  readonly fn: CorrelateFunction;
  readonly args: RexNode[];
  readonly columns: Field[];
  readonly name: string;
}

function bindLateral(
  ref: TableFunctionRef | UnnestRef,
  left: BoundCorrelate,
  joinType: "INNER" | "LEFT",
  on: Expr | undefined,
  ctx: BindContext,
): BoundCorrelate {
  const argCtx = { scope: left.scope, clause: "table function arguments", typeOf: ctx.typeOf };
  const bound = ref.kind === "unnest" ? bindUnnest(ref, argCtx) : bindUserCall(ref, argCtx);
  let columns = bound.columns;
  if (ref.columnAliases !== undefined) {
    if (ref.columnAliases.length !== columns.length) {
      throw new SqlPlanError(
        `List of column aliases must have the same degree as the table: ${bound.name} returns ${columns.length} columns (${columns.map((c) => c.name).join(", ")}), ${ref.columnAliases.length} aliases given`,
        ref.pos,
      );
    }
    columns = columns.map((c, i) => ({ name: ref.columnAliases![i]!, type: c.type }));
  }
  const arity = left.rel.fields.length;
  const scope = new Scope([
    ...left.scope.entries,
    { alias: ref.alias ?? null, fields: columns, offset: arity },
  ]);
  let condition: RexNode = literal(true, notNull(BOOLEAN()));
  if (on !== undefined) {
    condition = bindExpr(on, { scope, clause: "JOIN condition", typeOf: ctx.typeOf });
    if (condition.type.kind !== "BOOLEAN") {
      throw new SqlPlanError(
        `JOIN condition must be BOOLEAN, got ${typeToString(condition.type)}`,
        on.pos,
      );
    }
  }
  const node: CorrelateNode = {
    kind: "correlate",
    input: left.rel,
    joinType,
    fn: bound.fn,
    args: bound.args,
    condition,
    fields: [...left.rel.fields, ...columns],
  };
  return { rel: node, scope };
}

type ArgContext = Parameters<typeof bindExpr>[1];

function bindUserCall(ref: TableFunctionRef, ctx: ArgContext): Bound {
  const c = ref.call as CallExpr;
  const fn = c.name.join(".").toUpperCase();
  const name = sqlFunctionName(fn);
  if (WINDOW_TVFS.has(name)) {
    throw new SqlPlanError(
      `Window table-valued function ${name} cannot be LATERAL or joined as a table function: write FROM TABLE(${name}(TABLE t, DESCRIPTOR(ts), ...))`,
      c.pos,
    );
  }
  const def = c.name.length === 1 ? lookupUserTableFunction(fn) : undefined;
  if (def === undefined) {
    const other =
      lookupUserAggregate(fn) !== undefined
        ? "an aggregate function"
        : lookupScalar(fn) !== undefined
          ? "a scalar function"
          : null;
    throw new SqlPlanError(
      other !== null
        ? `${name} is ${other}, not a table function: TABLE(...) needs a table function`
        : `No table function named ${name}: register one with createTemporarySystemFunction or CREATE FUNCTION`,
      c.pos,
    );
  }
  if (c.quantifier !== undefined || c.filter !== undefined || c.over !== undefined) {
    throw new SqlPlanError(`Table function ${name} takes plain arguments`, c.pos);
  }
  const args = c.args.map((a) => bindExpr(a, ctx));
  return {
    fn: { kind: "user", name: fn },
    args: checkArguments(name, "Table function", def.args, args, c),
    columns: def.columns.map((col) => ({ name: col.name, type: col.type })),
    name,
  };
}

/**
 * Checks a user function's arguments against its declaration: the exact count and an implicit
 * cast to each declared type (the arguments are then cast), or at least the required count.
 */
export function checkArguments(
  name: string,
  what: string,
  decl: { readonly types?: readonly LogicalType[]; readonly min: number },
  args: readonly RexNode[],
  c: { readonly pos: CallExpr["pos"]; readonly args: readonly Expr[] },
): RexNode[] {
  const sig = (): string => `${name}(${args.map((a) => typeToString(a.type)).join(", ")})`;
  if (decl.types === undefined) {
    if (args.length < decl.min) {
      throw new SqlPlanError(
        `${what} ${name} takes at least ${decl.min} argument(s), got ${args.length}: ${sig()}`,
        c.pos,
      );
    }
    return [...args];
  }
  const types = decl.types;
  if (args.length !== types.length) {
    throw new SqlPlanError(
      `${what} ${name} takes ${types.length} argument(s) (${types.map(typeToString).join(", ")}), got ${args.length}: ${sig()}`,
      c.pos,
    );
  }
  return args.map((a, i) => {
    const t = types[i]!;
    if (typesEqual(a.type, t, true)) return a;
    if (a.type.kind !== "NULL" && !supportsImplicitCast(a.type, t)) {
      throw new SqlPlanError(
        `${what} ${name}: argument ${i + 1} must be ${typeToString(t)}, got ${typeToString(a.type)}: ${sig()}`,
        c.args[i]?.pos ?? c.pos,
      );
    }
    return at(c.args[i]?.pos ?? c.pos, () => cast(a, t));
  });
}

function bindUnnest(ref: UnnestRef, ctx: ArgContext): Bound {
  if (ref.args.length !== 1) {
    throw new SqlPlanError(
      `UNNEST takes one collection (${ref.args.length} given; several are not supported yet)`,
      ref.pos,
    );
  }
  const arg = bindExpr(ref.args[0]!, ctx);
  const t = arg.type;
  const nullable = (x: LogicalType): LogicalType => withNullability(x, true);
  let columns: Field[];
  if (t.kind === "ARRAY") {
    const e = t.element;
    columns =
      e.kind === "ROW"
        ? e.fields.map((f) => ({ name: f.name, type: nullable(f.type) }))
        : [{ name: "f0", type: nullable(e) }];
  } else if (t.kind === "MULTISET") {
    columns = [{ name: "f0", type: nullable(t.element) }];
  } else if (t.kind === "MAP") {
    columns = [
      { name: "key", type: nullable(t.key) },
      { name: "value", type: nullable(t.value) },
    ];
  } else {
    throw new SqlPlanError(
      `UNNEST needs an ARRAY, MAP or MULTISET, got ${typeToString(t)}`,
      ref.args[0]!.pos,
    );
  }
  if (ref.withOrdinality) columns.push({ name: "ordinality", type: notNull(INT()) });
  return {
    fn: { kind: "unnest", withOrdinality: ref.withOrdinality },
    args: [arg],
    columns,
    name: "UNNEST",
  };
}
