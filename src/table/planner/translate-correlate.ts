/**
 * Translation of a {@link CorrelateNode}: the arguments and the condition are compiled once,
 * the function (a user table function from the registry, or UNNEST) runs per input row in the
 * row-wise operator of `runtime/correlate.ts`.
 */
import type { DataStream } from "../../api/datastream.ts";
import { compileFilter, compileProjection, type CompileOptions } from "../expr/codegen.ts";
import { sqlFunctionName } from "../expr/operators.ts";
import { correlate, unnestRows } from "../runtime/correlate.ts";
import type { Row } from "../runtime/row.ts";
import { lookupUserTableFunction, rowOfItem } from "../runtime/user-functions.ts";
import { SqlPlanError } from "./errors.ts";
import type { CorrelateNode } from "./logical.ts";

/** The stream of `rel`'s rows over `input` (the stream of its input). */
export function translateCorrelate(
  rel: CorrelateNode,
  input: DataStream<Row>,
  compile: CompileOptions,
): DataStream<Row> {
  const arity = rel.input.fields.length;
  const fnArity = rel.fields.length - arity;
  const argsOf = compileProjection(rel.args, arity, { ...compile, name: "correlateArgs" });
  const cond = rel.condition;
  const condition =
    cond.kind === "literal" && cond.value === true
      ? undefined
      : compileFilter(cond, arity + fnArity, { ...compile, name: "correlateCondition" });
  let rows: (row: Row) => Iterable<readonly unknown[]>;
  const fn = rel.fn;
  if (fn.kind === "user") {
    const def = lookupUserTableFunction(fn.name);
    if (def === undefined)
      throw new SqlPlanError(`Table function ${sqlFunctionName(fn.name)} is not registered`);
    rows = (row) => {
      const args = argsOf(row);
      args.shift();
      const out: unknown[][] = [];
      for (const item of def.invoke(args)) out.push(rowOfItem(def, item));
      return out;
    };
  } else {
    const t = rel.args[0]!.type;
    const kind = t.kind as "ARRAY" | "MAP" | "MULTISET";
    const element = t.kind === "ARRAY" ? t.element : null;
    const width = element !== null && element.kind === "ROW" ? element.fields.length : 0;
    const ordinality = fn.withOrdinality;
    rows = (row) => unnestRows(argsOf(row)[1], kind, width, ordinality);
  }
  return correlate(input, {
    rows,
    arity: fnArity,
    ...(condition !== undefined ? { condition } : {}),
    left: rel.joinType === "LEFT",
    name: fn.kind === "user" ? `Correlate(${fn.name})` : "Unnest",
  });
}
