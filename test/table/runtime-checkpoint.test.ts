/**
 * A group aggregation's state (row count, accumulators, DISTINCT value counts, MIN's sorted
 * values, Decimal sums) is keyed state: a job that fails after a checkpoint restarts from it and ends with the
 * exact aggregates, having re-read only the input after the checkpoint.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  RestartStrategies,
  StreamExecutionEnvironment,
  type CheckpointListener,
  type CheckpointedFunction,
  type FunctionSnapshotContext,
  type MapFunction,
} from "../../src/index.ts";
import { count, countStar, min, sum } from "../../src/table/runtime/aggregates.ts";
import { collectChangelog } from "../../src/table/runtime/collect.ts";
import { groupAggregate } from "../../src/table/runtime/group-aggregate.ts";
import { insertRows, type Row } from "../../src/table/runtime/row.ts";
import { fromValues } from "../../src/table/runtime/values.ts";
import { Decimal } from "../../src/table/types/decimal.ts";
import { BIGINT, DECIMAL } from "../../src/table/types/logical-type.ts";

/** Shared by the map's subtasks and attempts (function objects are copied; this is not). */
const fail = {
  seen: 0,
  armed: false,
  done: false,
  failAt: 0,
  snapshots: new Map<number, number[]>(),
};

/**
 * Passes rows through; once a checkpoint that covered some rows has completed, fails once.
 */
class FailAfterCheckpoint
  implements MapFunction<Row, Row>, CheckpointedFunction, CheckpointListener
{
  /** Rows this subtask saw (each subtask has its own copy of the function object). */
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
    // The rows each subtask saw before this checkpoint's barrier (the global count would include
    // rows another subtask saw after its own barrier).
    const id = ctx.getCheckpointId();
    const seen = fail.snapshots.get(id) ?? [];
    fail.snapshots.set(id, [...seen, this.mine]);
  }
  notifyCheckpointComplete(id: number): void {
    const seen = fail.snapshots.get(id) ?? [];
    if (seen.length === 2 && Math.max(...seen) > 1000) fail.armed = true;
  }
}

test("a group aggregation restarts from its checkpointed state with exact results", async () => {
  const dir = mkdtempSync(join(tmpdir(), "strom-sql-agg-"));
  try {
    // Enough rows that a checkpoint covering some completes (its notification is asynchronous)
    // before the input ends, even on a loaded machine.
    const N = 400_000;
    const rows = insertRows(
      Array.from({ length: N }, (_, i) => [`k${i % 13}`, i % 1000, i, new Decimal(BigInt(i), 2)]),
    );
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
    env.setParallelism(2);
    env.enableCheckpointing(10);
    env.getCheckpointConfig().setCheckpointStorage(dir);
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(2, 0));
    const input = fromValues(env, rows, { parallelism: 2 }).map(new FailAfterCheckpoint());
    const agg = groupAggregate(input, {
      keyOf: (r) => [r[1]],
      aggs: [
        { fn: countStar() },
        { fn: sum(BIGINT()), arg: (r) => r[3] },
        { fn: count(), arg: (r) => r[2], distinct: true },
        { fn: min(), arg: (r) => r[3] },
        { fn: sum(DECIMAL(10, 2)), arg: (r) => r[4] },
      ],
      uid: "sql-agg",
    });
    const log = await collectChangelog(agg);

    assert.ok(fail.done, "the failure was injected after a checkpoint");
    assert.ok(
      fail.seen < N + fail.failAt,
      `the input was re-read from the checkpoint, not from the start (${fail.seen} rows seen, failure at ${fail.failAt})`,
    );
    // The collect sink is at-least-once across restarts: rows after the checkpoint may arrive
    // twice, so materialize per key, the last +I/+U winning.
    const last = new Map<unknown, unknown[]>();
    for (const r of log) if (r[0] === 0 || r[0] === 2) last.set(r[1], r.slice(1));
    const expected = new Map<unknown, unknown[]>();
    rows.forEach((r) => {
      const [, k, v, i] = r as [number, string, number, number];
      const e = expected.get(k) ?? [k, 0, 0, new Set<number>(), i];
      e[1] = (e[1] as number) + 1;
      e[2] = (e[2] as number) + i;
      (e[3] as Set<number>).add(v);
      expected.set(k, e);
    });
    assert.equal(last.size, 13);
    for (const [k, e] of expected) {
      const decimalSum = new Decimal(BigInt(e[2] as number), 2);
      const got = last.get(k)!;
      assert.ok(got[5] instanceof Decimal, "the restored Decimal sum kept its class");
      assert.deepEqual(
        got,
        [k, e[1], e[2], (e[3] as Set<number>).size, e[4], decimalSum],
        `group ${k}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
