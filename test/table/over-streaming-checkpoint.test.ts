/**
 * A streaming OVER aggregation's pending rows, frames and accumulators are keyed state, and its
 * event-time timers are checkpointed: a job that fails after a checkpoint restarts from it and
 * ends with the exact aggregate of every row.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  RestartStrategies,
  StreamExecutionEnvironment,
  WatermarkStrategy,
  type CheckpointListener,
  type CheckpointedFunction,
  type MapFunction,
} from "../../src/index.ts";
import { aggFunctionByName } from "../../src/table/runtime/aggregates-stats.ts";
import { collectChangelog } from "../../src/table/runtime/collect.ts";
import { streamOver } from "../../src/table/runtime/over-stream.ts";
import { insertRows, type Row } from "../../src/table/runtime/row.ts";
import { fromValues } from "../../src/table/runtime/values.ts";
import { INT } from "../../src/table/types/index.ts";

/** Shared by the attempts (function objects are copied; this is not). */
const fail = { seen: 0, armed: false, done: false };

/** Passes rows through; once a checkpoint completes after 2000 rows, fails once. */
class FailAfterCheckpoint
  implements MapFunction<Row, Row>, CheckpointedFunction, CheckpointListener
{
  map(row: Row): Row {
    fail.seen++;
    if (fail.armed && !fail.done) {
      fail.done = true;
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

test("a streaming OVER aggregation restarts from its checkpoint with exact results", async () => {
  const dir = mkdtempSync(join(tmpdir(), "strom-sql-over-"));
  try {
    const N = 200_000;
    const RANGE = 40;
    // Row i: [id, key, value, time]; times increase, so no row is late.
    const rows = insertRows(Array.from({ length: N }, (_, i) => [i, i % 7, (i * 31) % 101, i]));
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
    env.setParallelism(2);
    env.setAutoWatermarkInterval(5);
    env.enableCheckpointing(10);
    env.getCheckpointConfig().setCheckpointStorage(dir);
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(2, 0));
    const input = fromValues(env, rows, { parallelism: 1 })
      .map(new FailAfterCheckpoint())
      .setParallelism(1)
      .assignTimestampsAndWatermarks(
        WatermarkStrategy.forMonotonousTimestamps<Row>().withTimestampAssigner(
          (r) => r[4] as number,
        ),
      )
      .setParallelism(1);
    const over = streamOver(input, {
      keyOf: (r) => r[2],
      rowtime: (r) => r[4] as number,
      unit: "RANGE",
      preceding: RANGE,
      calls: [
        { agg: aggFunctionByName("SUM", INT()), arg: (r) => r[3] },
        { agg: aggFunctionByName("COUNT", null) },
      ],
      uid: "sql-over",
    });
    const log = await collectChangelog(over);
    assert.ok(fail.done, "the failure was injected after a checkpoint");
    assert.ok(fail.seen < 2 * N, `the input was re-read from the checkpoint (${fail.seen} rows)`);
    // At-least-once collection: a replayed row repeats the same result.
    const got = new Map<number, [unknown, unknown]>();
    for (const r of log) {
      assert.equal(r[0], 0, "insert-only output");
      const id = r[1] as number;
      const prev = got.get(id);
      if (prev !== undefined) assert.deepEqual(prev, [r[5], r[6]], `row ${id} repeated the same`);
      got.set(id, [r[5], r[6]]);
    }
    assert.equal(got.size, N);
    for (let i = 0; i < N; i++) {
      let sum = 0;
      let count = 0;
      for (let j = i; j >= 0 && j >= i - RANGE; j--) {
        if (j % 7 === i % 7) {
          sum += (j * 31) % 101;
          count++;
        }
      }
      assert.deepEqual(got.get(i), [sum, count], `row ${i}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
