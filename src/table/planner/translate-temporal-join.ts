/**
 * Translation of temporal joins (temporal-join.ts): the event-time join over both inputs'
 * streams (runtime/temporal-join.ts), or the lookup join of the left stream against the table's
 * lookup source (runtime/lookup-join.ts).
 */
import type { DataStream } from "../../api/datastream.ts";
import { systemTimerScheduler } from "../../core/time.ts";
import { compileJoinCondition, compileProjection } from "../expr/codegen.ts";
import { cast, type RexNode } from "../expr/rex.ts";
import type { LookupCacheSettings, LookupTableSource } from "../connectors/lookup.ts";
import { lookupJoin } from "../runtime/lookup-join.ts";
import type { Row } from "../runtime/row.ts";
import { temporalJoin } from "../runtime/temporal-join.ts";
import { commonType, typesEqual, type LogicalType } from "../types/index.ts";
import { materializedType } from "../types/time-attributes.ts";
import { changelogModeOf } from "./changelog.ts";
import { SqlPlanError } from "./errors.ts";
import type { RelNode } from "./logical.ts";
import { lookupScan, type TemporalJoinNode } from "./temporal-join.ts";
import type { TranslateContext } from "./translate.ts";

/** A table's lookup source and the cache settings of its options. */
export interface LookupSourceSetup {
  readonly source: LookupTableSource;
  readonly cache: LookupCacheSettings;
}

function castTo(e: RexNode, t: LogicalType): RexNode {
  return typesEqual(e.type, t, true) ? e : cast(e, t);
}

function keyFn(exprs: readonly RexNode[], arity: number, ctx: TranslateContext) {
  const p = compileProjection(exprs, arity, { ...ctx.compile, name: "temporalJoinKey" });
  return (row: Row): unknown[] => p(row).slice(1);
}

/** The stream of a temporal join's rows. */
export function translateTemporalJoin(
  rel: TemporalJoinNode,
  ctx: TranslateContext,
  translate: (rel: RelNode, ctx: TranslateContext) => DataStream<Row>,
): DataStream<Row> {
  const la = rel.left.fields.length;
  const ra = rel.right.fields.length;
  const condition =
    rel.residual === null
      ? undefined
      : compileJoinCondition(rel.residual, la, ra, { ...ctx.compile, name: "temporalJoinWhere" });
  const batch = ctx.env.getConfig().runtimeMode === "BATCH";
  if (rel.mode === "lookup") return translateLookup(rel, ctx, translate, condition);
  if (!batch && changelogModeOf(rel.left, false) !== "I") {
    throw new SqlPlanError(
      `Temporal join with ${rel.table}: its left input produces updates; an event-time temporal join needs an insert-only left input`,
    );
  }
  const leftKeys: RexNode[] = [];
  const rightKeys: RexNode[] = [];
  rel.leftKeys.forEach((l, i) => {
    const f = rel.rightKeys[i]!;
    const rt = materializedType(rel.right.fields[f]!.type);
    const t = commonType([materializedType(l.type), rt]) ?? rt;
    leftKeys.push(castTo(l, t));
    rightKeys.push(castTo({ kind: "input", index: f, type: rt } as RexNode, t));
  });
  const left = translate(rel.left, ctx);
  const right = translate(rel.right, ctx);
  return temporalJoin(left, right, {
    type: rel.joinType,
    leftKey: keyFn(leftKeys, la, ctx),
    rightKey: keyFn(rightKeys, ra, ctx),
    leftTime: rel.leftTime + 1,
    rightTime: rel.rightTime + 1,
    rightArity: ra,
    ...(condition !== undefined ? { condition } : {}),
    parallelism: ctx.env.getParallelism(),
  });
}

function translateLookup(
  rel: TemporalJoinNode,
  ctx: TranslateContext,
  translate: (rel: RelNode, ctx: TranslateContext) => DataStream<Row>,
  condition: ((l: Row, r: Row) => boolean | null) | undefined,
): DataStream<Row> {
  const scan = lookupScan(rel);
  if (ctx.lookup === undefined) {
    throw new SqlPlanError(`Lookup join with ${rel.table}: lookups are not available here`);
  }
  const la = rel.left.fields.length;
  const leftKeys = rel.leftKeys.map((l, i) =>
    castTo(l, materializedType(scan.fields[rel.rightKeys[i]!]!.type)),
  );
  const physicalKeys = rel.rightKeys.map((k) => scan.projection[k]!);
  const setup = ctx.lookup(scan.source, physicalKeys);
  const projection = scan.projection;
  const source: LookupTableSource = {
    createFunction(context) {
      const fn = setup.source.createFunction(context);
      const project = (rows: readonly (readonly unknown[])[]) =>
        rows.map((r) => projection.map((i) => r[i]));
      return {
        lookup(key) {
          const answer = fn.lookup(key);
          return answer instanceof Promise ? answer.then(project) : project(answer);
        },
        ...(fn.close !== undefined ? { close: () => fn.close!() } : {}),
      };
    },
  };
  const clock = ctx.compile.clock ?? (() => systemTimerScheduler.now());
  return lookupJoin(translate(rel.left, ctx), {
    type: rel.joinType,
    leftKey: keyFn(leftKeys, la, ctx),
    source,
    cache: setup.cache,
    rightArity: rel.right.fields.length,
    ...(condition !== undefined ? { condition } : {}),
    clock,
    name: `LookupJoin(${rel.table})`,
  });
}
