/**
 * EXPLAIN: the logical plan as a tree in Flink's style (`LogicalProject(a=[$0])` lines joined by
 * `+- `), and the plan to run with each node's changelog mode.
 */
import { sqlFunctionName } from "../expr/operators.ts";
import { rexToString } from "../expr/rex.ts";
import { describeTemporalJoin } from "./temporal-join.ts";
import { changelogModeOf } from "./changelog.ts";
import { estimateRows, formatRowCount } from "./statistics.ts";
import { describeExpand } from "./expand.ts";
import { describeIntervalJoin, intervalJoinSpec } from "./interval-join.ts";
import { describeWindowJoin, windowJoinSpec } from "./window-join.ts";
import { describeRank } from "./rank.ts";
import { isWindowAggregate } from "./changelog.ts";
import { describeWindowTvf } from "./window-tvf.ts";
import { inputsOf, type FrameBoundSpec, type RelNode, type WindowNode } from "./logical.ts";

/** The watermark assigner of a scan: `, watermark=[rowtime=[ts], expr=[...], emit=[...]]`. */
function describeWatermark(rel: Extract<RelNode, { kind: "scan" }>): string {
  const w = rel.watermark;
  if (w === undefined) return "";
  const idle = w.idleTimeout !== null ? `, idle-timeout=[${w.idleTimeout} ms]` : "";
  return `, watermark=[rowtime=[${w.column}], expr=[${w.text}], emit=[${w.emit}]${idle}]`;
}

/** One line describing `rel` (without its inputs). */
export function describeNode(rel: RelNode, streaming = false): string {
  const f = rel.fields;
  switch (rel.kind) {
    case "scan":
      return `TableSourceScan(table=[[${rel.source.name}]], fields=[${f.map((x) => x.name).join(", ")}]${describeWatermark(rel)})`;
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
        const call = `${sqlFunctionName(a.fn)}(${a.distinct ? "DISTINCT " : ""}${args.join(", ") || (a.fn === "COUNT" ? "*" : "")})`;
        return `${call}${a.filter >= 0 ? ` FILTER ${rel.input.fields[a.filter]!.name}` : ""} AS ${a.name}`;
      });
      const op = streaming && isWindowAggregate(rel) ? "WindowAggregate" : "GroupAggregate";
      return `${op}(${keys.length > 0 ? `groupBy=[${keys.join(", ")}], ` : ""}select=[${[...keys, ...aggs].join(", ")}])`;
    }
    case "join": {
      const windowed = streaming ? windowJoinSpec(rel) : null;
      if (windowed !== null && changelogModeOf(rel, false) === "I")
        return describeWindowJoin(rel, windowed, rexToString(rel.condition));
      const interval = streaming ? intervalJoinSpec(rel) : null;
      if (interval !== null && changelogModeOf(rel, false) === "I")
        return `IntervalJoin(joinType=[${rel.joinType}], ${describeIntervalJoin(rel, interval)}, where=[${rexToString(rel.condition)}])`;
      return `Join(joinType=[${rel.joinType}], where=[${rexToString(rel.condition)}])`;
    }
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
    case "correlate": {
      const fn = rel.fn.kind === "user" ? sqlFunctionName(rel.fn.name) : "UNNEST";
      const cond =
        rel.condition.kind === "literal" ? "" : `, condition=[${rexToString(rel.condition)}]`;
      return `Correlate(invocation=[${fn}(${rel.args.map(rexToString).join(", ")})], joinType=[${rel.joinType}]${cond})`;
    }
    case "expand":
      return describeExpand(rel);
    case "rank":
      return describeRank(rel);
    case "windowTvf":
      return describeWindowTvf(rel);
    case "temporalJoin":
      return describeTemporalJoin(rel);
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
    return `${sqlFunctionName(c.fn)}(${args.join(", ")})${framed ? frame : ""} AS ${c.name}`;
  });
  return `OverAggregate(${keys.length > 0 ? `partitionBy=[${keys.join(", ")}], ` : ""}orderBy=[${order.join(", ")}], select=[${[...inputs.map((x) => x.name), ...calls].join(", ")}])`;
}

/**
 * The plan as an indented tree; with `modes`, each line ends with its changelog mode, and with
 * `estimates` also with its estimated row count (`rows=1.2E3`, statistics.ts).
 */
export function explainPlan(rel: RelNode, modes?: { batch: boolean; estimates?: boolean }): string {
  const lines: string[] = [];
  const walk = (node: RelNode, prefix: string, child: string): void => {
    const rows = modes?.estimates === true ? `, rows=${formatRowCount(estimateRows(node))}` : "";
    const mode = modes ? `, changelogMode=[${changelogModeOf(node, modes.batch)}]${rows}` : "";
    const line = describeNode(node, modes !== undefined && !modes.batch);
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
