/**
 * User-defined aggregate functions end to end: GROUP BY in batch and streaming (retractions),
 * parallelism 1 and 4, DISTINCT and FILTER, OVER windows, CREATE FUNCTION, plan-time errors,
 * and accumulators restored from a checkpoint.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  RestartStrategies,
  SqlAggregateFunction,
  SqlPlanError,
  StreamExecutionEnvironment,
  TableEnvironment,
  TableEnvironmentError,
  type CheckpointListener,
  type CheckpointedFunction,
  type FunctionSnapshotContext,
  type MapFunction,
} from "../../src/index.ts";
import { collectChangelog } from "../../src/table/runtime/collect.ts";
import { groupAggregate } from "../../src/table/runtime/group-aggregate.ts";
import { insertRows, type Row } from "../../src/table/runtime/row.ts";
import {
  lookupUserAggregate,
  userAggFunction,
  type UserAggregateDef,
} from "../../src/table/runtime/user-functions.ts";
import { fromValues } from "../../src/table/runtime/values.ts";
import { INT, STRING } from "../../src/table/types/index.ts";

const FIXTURE = "./test/fixtures/sql-udfs.ts";

/** Top-2 distinct values, as "a,b" (accumulator: a Map value -> count, so it retracts). */
class Top2 extends SqlAggregateFunction<string | null, Map<number, number>> {
  resultType = "STRING";
  createAccumulator(): Map<number, number> {
    return new Map();
  }
  accumulate(acc: Map<number, number>, v: number | null): void {
    if (v !== null) acc.set(v, (acc.get(v) ?? 0) + 1);
  }
  retract(acc: Map<number, number>, v: number | null): void {
    if (v === null) return;
    const n = acc.get(v)! - 1;
    if (n === 0) acc.delete(v);
    else acc.set(v, n);
  }
  getValue(acc: Map<number, number>): string | null {
    const top = [...acc.keys()].sort((a, b) => b - a).slice(0, 2);
    return top.length === 0 ? null : top.join(",");
  }
}

function env(mode: "batch" | "streaming", parallelism: number): TableEnvironment {
  const t = TableEnvironment.create({ mode, parallelism });
  t.catalogs.registerRows(
    "sales",
    [
      { name: "id", type: INT() },
      { name: "shop", type: STRING() },
      { name: "amount", type: INT() },
      { name: "qty", type: INT() },
    ],
    [
      [1, "a", 10, 1],
      [2, "a", 20, 3],
      [3, "a", 20, 1],
      [4, "b", 5, 2],
      [5, "b", null, 1],
      [6, "c", 7, 0],
    ],
  );
  t.createTemporarySystemFunction("top2", Top2);
  // A primitive accumulator: accumulate returns the new value.
  t.createTemporarySystemFunction("product", {
    kind: "aggregate",
    resultType: "BIGINT",
    argumentTypes: ["BIGINT"],
    createAccumulator: () => 1,
    accumulate: (acc: number, v: number | null) => (v === null ? acc : acc * v),
    retract: (acc: number, v: number | null) => (v === null ? acc : acc / v),
    getValue: (acc: number) => acc,
  });
  return t;
}

async function rows(t: TableEnvironment, sql: string): Promise<string[]> {
  const r = await (await t.executeSql(sql)).collect();
  return r.map((x) => JSON.stringify(x)).sort();
}

const sorted = (xs: unknown[][]): string[] => xs.map((x) => JSON.stringify(x)).sort();

const MODES = [
  ["batch", 1],
  ["streaming", 1],
  ["streaming", 4],
] as const;

for (const [mode, p] of MODES) {
  test(`user aggregates in GROUP BY, with DISTINCT and FILTER (${mode}, p=${p})`, async () => {
    const t = env(mode, p);
    await t.executeSql(`CREATE TEMPORARY SYSTEM FUNCTION wavg AS '${FIXTURE}#WeightedAvg'`);
    assert.deepEqual(
      await rows(
        t,
        "SELECT shop, top2(amount), wavg(amount, qty), product(qty), COUNT(*) FROM sales GROUP BY shop",
      ),
      sorted([
        ["a", "20,10", 18, 3, 3],
        ["b", "5", 5, 2, 2],
        ["c", "7", null, 0, 1],
      ]),
    );
    assert.deepEqual(
      await rows(
        t,
        "SELECT shop, product(DISTINCT qty), product(qty) FILTER (WHERE amount > 10) FROM sales GROUP BY shop",
      ),
      sorted([
        ["a", 3, 3],
        ["b", 2, 1],
        ["c", 0, 1],
      ]),
    );
    // A global aggregation, and an expression over the result.
    assert.deepEqual(await rows(t, "SELECT top2(id) || '!' FROM sales"), sorted([["6,5!"]]));
  });

  test(`user aggregates over an updating input retract (${mode}, p=${p})`, async () => {
    const t = env(mode, p);
    // The inner GROUP BY updates its totals in streaming mode; the outer aggregate retracts them.
    const sql =
      "SELECT top2(total), product(n) FROM (SELECT shop, SUM(amount) AS total, COUNT(*) AS n FROM sales GROUP BY shop)";
    assert.deepEqual(await rows(t, sql), sorted([["50,7", 6]]));
  });

  test(`user aggregates in OVER windows (${mode}, p=${p})`, async () => {
    const t = env(mode, p);
    await t.executeSql(`CREATE TEMPORARY SYSTEM FUNCTION concat_all AS '${FIXTURE}#concatAll'`);
    assert.deepEqual(
      await rows(
        t,
        "SELECT id, top2(amount) OVER (PARTITION BY shop ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW), " +
          "concat_all(shop) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM sales",
      ),
      sorted([
        [1, "10", "a"],
        [2, "20,10", "a|a"],
        [3, "20", "a|a"],
        [4, "5", "a|b"],
        [5, "5", "b|b"],
        [6, "7", "b|c"],
      ]),
    );
  });
}

test("an aggregate without retract() is refused over an updating input, at plan time", async () => {
  const t = env("streaming", 1);
  await t.executeSql(`CREATE FUNCTION concat_all2 AS '${FIXTURE}#concatAll'`);
  const sql = "SELECT concat_all2(shop) FROM (SELECT shop, COUNT(*) AS n FROM sales GROUP BY shop)";
  assert.throws(
    () => t.sqlQuery(sql),
    (e: Error) =>
      e instanceof SqlPlanError &&
      /CONCAT_ALL2 has no retract\(\) method, but its input is an update stream/.test(e.message) &&
      /line 1, column 8/.test(e.message),
  );
  // Fine in batch mode and over an insert-only input.
  const b = env("batch", 1);
  await b.executeSql(`CREATE FUNCTION concat_all2 AS '${FIXTURE}#concatAll'`);
  assert.deepEqual(await rows(b, sql), sorted([["a|b|c"]]));
  assert.deepEqual(await rows(t, "SELECT concat_all2(shop) FROM sales"), sorted([["a|a|a|b|b|c"]]));
});

test("user aggregate errors name the function and the position", async () => {
  const t = env("batch", 1);
  await assert.rejects(
    async () => (await t.executeSql("SELECT product('x') FROM sales")).collect(),
    /line 1, column 16: Aggregate function PRODUCT: argument 1 must be BIGINT, got CHAR/,
  );
  await assert.rejects(
    async () =>
      (await t.executeSql("SELECT shop, product(qty, qty) FROM sales GROUP BY shop")).collect(),
    /line 1, column 14: Aggregate function PRODUCT takes 1 argument/,
  );
  await assert.rejects(
    async () => (await t.executeSql("SELECT id FROM sales WHERE top2(id) > 'a'")).collect(),
    /Aggregate function TOP2 is not allowed in the WHERE clause/,
  );
  assert.throws(
    () =>
      t.createTemporarySystemFunction("half", {
        createAccumulator: () => 0,
        accumulate: () => 0,
        resultType: "INT",
      }),
    (e: Error) =>
      e instanceof TableEnvironmentError &&
      /Aggregate function HALF has no getValue\(\)/.test(e.message),
  );
  assert.throws(() => t.createTemporarySystemFunction("sum", Top2), /SUM is a built-in function/);
  await assert.rejects(
    () => t.executeSql(`CREATE FUNCTION nothing AS '${FIXTURE}#missing'`),
    /has no export 'missing'/,
  );
});

/** The aggregate a session calls `name` (registered under a session-unique internal name). */
function userAggregate(t: TableEnvironment, name: string): UserAggregateDef {
  return lookupUserAggregate(t.catalogs.functions.resolve([name])!)!;
}

/** Shared by the map's subtasks and attempts (function objects are copied; this is not). */
const fail = {
  seen: 0,
  armed: false,
  done: false,
  failAt: 0,
  snapshots: new Map<number, number>(),
};

/**
 * Passes rows through; once a checkpoint has completed for which every subtask had passed more
 * than 1000 rows before its barrier, fails once.
 */
class FailAfterCheckpoint
  implements MapFunction<Row, Row>, CheckpointedFunction, CheckpointListener
{
  /** Rows this subtask passed (each subtask has its own copy of the function). */
  private mine = 0;
  map(row: Row): Row {
    fail.seen++;
    this.mine++;
    if (fail.armed && !fail.done) {
      fail.done = true;
      fail.failAt = fail.seen;
      throw new Error("injected failure");
    }
    return row;
  }
  initializeState(): void {}
  snapshotState(ctx: FunctionSnapshotContext): void {
    const id = ctx.getCheckpointId();
    fail.snapshots.set(id, Math.min(fail.snapshots.get(id) ?? Infinity, this.mine));
  }
  notifyCheckpointComplete(id: number): void {
    if ((fail.snapshots.get(id) ?? 0) > 1000) fail.armed = true;
  }
}

test("user accumulators (plain objects, Maps) are restored from a checkpoint", async () => {
  const t = env("batch", 1); // registers TOP2 and PRODUCT
  await t.executeSql(`CREATE TEMPORARY SYSTEM FUNCTION wavg_ckpt AS '${FIXTURE}#WeightedAvg'`);
  const dir = mkdtempSync(join(tmpdir(), "strom-udaf-"));
  try {
    const N = 300_000;
    const rows = insertRows(Array.from({ length: N }, (_, i) => [i % 7, i % 100, 1 + (i % 3)]));
    const s = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
    s.setParallelism(2);
    s.enableCheckpointing(10);
    s.getCheckpointConfig().setCheckpointStorage(dir);
    s.setRestartStrategy(RestartStrategies.fixedDelayRestart(2, 0));
    const input = fromValues(s, rows, { parallelism: 2 }).map(new FailAfterCheckpoint());
    const agg = groupAggregate(input, {
      keyOf: (r) => [r[1]],
      aggs: [
        { fn: userAggFunction(userAggregate(t, "TOP2")), arg: (r) => [r[2]] },
        { fn: userAggFunction(userAggregate(t, "WAVG_CKPT")), arg: (r) => [r[2], r[3]] },
      ],
      uid: "udaf",
    });
    const log = await collectChangelog(agg);
    assert.ok(fail.done, "the failure was injected after a checkpoint");
    assert.ok(fail.seen < N + fail.failAt, "the input was re-read from the checkpoint");
    const last = new Map<unknown, unknown[]>();
    for (const r of log) if (r[0] === 0 || r[0] === 2) last.set(r[1], r.slice(2));
    assert.equal(last.size, 7);
    for (let k = 0; k < 7; k++) {
      let sum = 0;
      let weight = 0;
      for (let i = k; i < N; i += 7) {
        sum += (i % 100) * (1 + (i % 3));
        weight += 1 + (i % 3);
      }
      const got = last.get(k)!;
      assert.equal(got[0], "99,98", `top2 of group ${k}`);
      assert.ok(Math.abs((got[1] as number) - sum / weight) < 1e-9, `wavg of group ${k}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
