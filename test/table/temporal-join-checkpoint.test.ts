/**
 * The event-time temporal join's buffered left rows, right versions and timers are keyed state:
 * a job that fails after a checkpoint restarts from it and joins every left row with exactly
 * the version valid at its time.
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
import { collectChangelog } from "../../src/table/runtime/collect.ts";
import type { Row } from "../../src/table/runtime/row.ts";
import { temporalJoin } from "../../src/table/runtime/temporal-join.ts";
import { fromValues } from "../../src/table/runtime/values.ts";
import { Timestamp } from "../../src/table/types/timestamp.ts";

/** Shared by the attempts (function objects are copied; this is not). */
const fail = { seen: 0, armed: false, done: false };

/** Passes rows through; once a checkpoint completes after 5000 rows, fails once. */
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
    if (fail.seen > 5_000) fail.armed = true;
  }
}

const timeOf = (r: Row) => (r[3] as Timestamp).millis;

test("an event-time temporal join restarts from its checkpointed state with exact results", async () => {
  const dir = mkdtempSync(join(tmpdir(), "strom-sql-temporal-"));
  try {
    const N = 60_000;
    const K = 10;
    // One source (a finished source task would end checkpointing): orders ["o", id, key, ts],
    // order i at time i ms, and versions ["v", key, value, ts] of every key every 100 ms.
    const mixed: Row[] = [];
    for (let i = 0; i < N; i++) {
      if (i % 100 === 0) {
        for (let k = 0; k < K; k++) {
          mixed.push([i === 0 ? 0 : 2, "v", `k${k}`, i / 100, Timestamp.fromMillis(i)]);
        }
      }
      mixed.push([0, "o", i, `k${i % K}`, Timestamp.fromMillis(i)]);
    }
    const runJob = async (storage: string): Promise<Row[]> => {
      const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
      env.setParallelism(2);
      env.enableCheckpointing(10);
      env.getCheckpointConfig().setCheckpointStorage(storage);
      env.setRestartStrategy(RestartStrategies.fixedDelayRestart(2, 0));
      const strategy =
        WatermarkStrategy.forMonotonousTimestamps<Row>().withTimestampAssigner(timeOf);
      // Paced (about 2 s of input) so checkpoints complete while the source still runs, however
      // loaded the machine: a finished source ends checkpointing.
      const input = fromValues(env, mixed, { parallelism: 1, rowsPerSecond: 30_000 })
        .map(new FailAfterCheckpoint())
        .setParallelism(1);
      const side = (tag: string) =>
        input
          .filter((r: Row) => r[1] === tag)
          .setParallelism(1)
          .map((r: Row): Row => [r[0], ...r.slice(2)])
          .setParallelism(1)
          .assignTimestampsAndWatermarks(strategy)
          .setParallelism(1);
      const left = side("o");
      const right = side("v");
      const joined = temporalJoin(left, right, {
        type: "LEFT",
        leftKey: (r) => [r[2]],
        rightKey: (r) => [r[1]],
        leftTime: 3,
        rightTime: 3,
        rightArity: 3,
        uid: "sql-temporal-join",
      });
      return collectChangelog(joined);
    };
    // Should the input still end before a checkpoint after 5000 rows completes, the failure is
    // not injected, and the run is repeated (at most three times).
    let log: Row[] = [];
    for (let run = 0; run < 3 && !fail.done; run++) {
      fail.seen = 0;
      fail.armed = false;
      log = await runJob(join(dir, `run-${run}`));
    }
    assert.ok(fail.done, "the failure was injected after a checkpoint");
    assert.ok(
      fail.seen < 2 * mixed.length,
      `the input was re-read from the checkpoint (${fail.seen} rows)`,
    );
    // At-least-once collection: a replayed row repeats an earlier one.
    const byId = new Map<number, number | null>();
    for (const r of log) {
      assert.equal(r[0], 0, "insert-only output");
      const id = r[1] as number;
      const value = r[5] as number | null;
      if (byId.has(id)) assert.equal(byId.get(id), value, `order ${id} joined twice differently`);
      byId.set(id, value);
    }
    assert.equal(byId.size, N);
    for (let i = 0; i < N; i++) assert.equal(byId.get(i), Math.floor(i / 100), `order ${i}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
