/**
 * EXPLAIN: the logical plan as a tree in Flink's style (`LogicalProject(a=[$0])` lines joined by
 * `+- `), and the plan to run with each node's changelog mode.
 */
import { rexToString } from "../expr/rex.ts";
import { changelogModeOf } from "./changelog.ts";
import { inputsOf, type FrameBoundSpec, type RelNode, type WindowNode } from "./logical.ts";

/** One line describing `rel` (without its inputs). */
export function describeNode(rel: RelNode): string {
  const f = rel.fields;
  switch (rel.kind) {
    case "scan":
      return `TableSourceScan(table=[[${rel.source.name}]], fields=[${f.map((x) => x.name).join(", ")}])`;
    case "values":
      return `Values(tuples=[${rel.rows.map((r) => `{ ${r.map(rexToString).join(", ")} }`).join(", ")}])`;
    case "project":
      return `Calc(select=[${rel.exprs.map((e, i) => `${rexToString(e)} AS ${f[i]!.name}`).join(", ")}])`;
    case "filter":
      return `Calc(where=[${rexToString(rel.condition)}])`;
    case "aggregate": {
      const keys = rel.groupKeys.map((k) => rel.input.fields[k]!.name);
      const aggs = rel.aggs.map((a) => {
        const args = a.args.map((i) => rel.input.fields[i]!.name);
        const call = `${a.fn}(${a.distinct ? "DISTINCT " : ""}${args.join(", ") || (a.fn === "COUNT" ? "*" : "")})`;
        return `${call}${a.filter >= 0 ? ` FILTER ${rel.input.fields[a.filter]!.name}` : ""} AS ${a.name}`;
      });
      return `GroupAggregate(${keys.length > 0 ? `groupBy=[${keys.join(", ")}], ` : ""}select=[${[...keys, ...aggs].join(", ")}])`;
    }
    case "join":
      return `Join(joinType=[${rel.joinType}], where=[${rexToString(rel.condition)}])`;
    case "union":
      return `Union(all=[true], union=[${f.map((x) => x.name).join(", ")}])`;
    case "setop":
      return `${rel.op === "INTERSECT" ? "Intersect" : "Minus"}(all=[${rel.all}])`;
    case "sort": {
      const keys = rel.keys.map(
        (k) => `${rel.input.fields[k.field]!.name} ${k.descending ? "DESC" : "ASC"}`,
      );
      const limit = rel.fetch >= 0 ? `, offset=[${rel.offset}], fetch=[${rel.fetch}]` : "";
      return `${keys.length > 0 ? "SortLimit" : "Limit"}(orderBy=[${keys.join(", ")}]${limit})`;
    }
    case "window":
      return describeWindow(rel);
  }
}

function boundText(b: FrameBoundSpec): string {
  return b.offset === undefined ? b.kind.replace("_", " ") : `${b.offset} ${b.kind}`;
}

/** Window functions whose result does not depend on the frame. */
const FRAMELESS = new Set([
  "ROW_NUMBER",
  "RANK",
  "DENSE_RANK",
  "PERCENT_RANK",
  "CUME_DIST",
  "NTILE",
  "LAG",
  "LEAD",
]);

function describeWindow(rel: WindowNode): string {
  const inputs = rel.input.fields;
  const keys = rel.partitionKeys.map((k) => inputs[k]!.name);
  const order = rel.orderKeys.map(
    (k) => `${inputs[k.field]!.name} ${k.descending ? "DESC" : "ASC"}`,
  );
  const calls = rel.calls.map((c) => {
    const f = c.frame;
    const framed = !FRAMELESS.has(c.fn);
    const frame = ` ${f.unit} BETWEEN ${boundText(f.start)} AND ${boundText(f.end)}`;
    const args = c.args.map((i) => inputs[i]!.name).concat(c.constants.map(String));
    return `${c.fn}(${args.join(", ")})${framed ? frame : ""} AS ${c.name}`;
  });
  return `OverAggregate(${keys.length > 0 ? `partitionBy=[${keys.join(", ")}], ` : ""}orderBy=[${order.join(", ")}], select=[${[...inputs.map((x) => x.name), ...calls].join(", ")}])`;
}

/** The plan as an indented tree; with `modes`, each line ends with its changelog mode. */
export function explainPlan(rel: RelNode, modes?: { batch: boolean }): string {
  const lines: string[] = [];
  const walk = (node: RelNode, prefix: string, child: string): void => {
    const mode = modes ? `, changelogMode=[${changelogModeOf(node, modes.batch)}]` : "";
    const line = describeNode(node);
    lines.push(prefix + (mode ? `${line.slice(0, -1)}${mode})` : line));
    const inputs = inputsOf(node);
    inputs.forEach((input, i) => {
      const last = i === inputs.length - 1;
      walk(input, child + "+- ", child + (last ? "   " : ":  "));
    });
  };
  walk(rel, "", "");
  return lines.join("\n");
}
