/**
 * A Top-N's partitions (sorted rows holding Decimal values) are keyed state: a job that fails
 * after a checkpoint restarts from it and ends with the exact top rows.
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
  type MapFunction,
} from "../../src/index.ts";
import { collectChangelog } from "../../src/table/runtime/collect.ts";
import { rank } from "../../src/table/runtime/rank.ts";
import { insertRows, type Row } from "../../src/table/runtime/row.ts";
import { fromValues } from "../../src/table/runtime/values.ts";
import { Decimal } from "../../src/table/types/decimal.ts";

/** Shared by the attempts (function objects are copied; this is not). */
const fail = { seen: 0, armed: false, done: false, failAt: 0 };

/** Passes rows through; once a checkpoint completes after 2000 rows, fails once. */
class FailAfterCheckpoint
  implements MapFunction<Row, Row>, CheckpointedFunction, CheckpointListener
{
  map(row: Row): Row {
    fail.seen++;
    if (fail.armed && !fail.done) {
      fail.done = true;
      fail.failAt = fail.seen;
      throw new Error("injected failure");
    }
    return row;
  }
  initializeState(): void {}
  snapshotState(): void {}
  notifyCheckpointComplete(): void {
    if (fail.seen > 2000) fail.armed = true;
  }
}

test("a Top-N restarts from its checkpointed partitions with exact results", async () => {
  const dir = mkdtempSync(join(tmpdir(), "strom-sql-rank-"));
  try {
    const N = 200_000;
    // Values are distinct, so the top rows do not depend on arrival order.
    const value = (i: number) => (i * 7919) % N;
    const rows = insertRows(
      Array.from({ length: N }, (_, i) => [`k${i % 7}`, new Decimal(BigInt(value(i)), 2)]),
    );
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
    env.setParallelism(2);
    env.enableCheckpointing(10);
    env.getCheckpointConfig().setCheckpointStorage(dir);
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(2, 0));
    // One source and map subtask: a restarted attempt replays the same changes in order.
    const input = fromValues(env, rows, { parallelism: 1 })
      .map(new FailAfterCheckpoint())
      .setParallelism(1);
    const top = rank(input, {
      keyOf: (r) => r[1],
      compare: (a, b) => (b[2] as Decimal).compareTo(a[2] as Decimal),
      end: 3,
      outputRank: true,
      uid: "sql-rank",
    });
    const log = await collectChangelog(top);
    assert.ok(fail.done, "the failure was injected after a checkpoint");
    assert.ok(fail.seen < 2 * N, `the input was re-read from the checkpoint (${fail.seen} rows)`);
    // At-least-once collection: a replayed change repeats an earlier one, so the last change
    // of each (key, rank) is its final row.
    const last = new Map<string, Row>();
    for (const r of log) {
      const at = `${r[1] as string}#${r[3] as number}`;
      if (r[0] === 3) last.delete(at);
      else if (r[0] === 0 || r[0] === 2) last.set(at, r);
    }
    for (let k = 0; k < 7; k++) {
      const values = rows
        .filter((r) => r[1] === `k${k}`)
        .map((r) => r[2] as Decimal)
        .sort((a, b) => b.compareTo(a));
      for (let rn = 1; rn <= 3; rn++) {
        const got = last.get(`k${k}#${rn}`);
        assert.ok(got !== undefined, `k${k} rank ${rn}`);
        assert.ok(got[2] instanceof Decimal, "the restored Decimal kept its class");
        assert.equal((got[2] as Decimal).compareTo(values[rn - 1]!), 0, `k${k} rank ${rn}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
