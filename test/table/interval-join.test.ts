/**
 * SQL interval joins in streaming mode: recognized from the join condition (EXPLAIN), rows
 * buffered only until the watermark passes their bound (the buffered-row accumulators show the
 * state staying small and empty at the end), outer joins emitting padded rows when a row expires
 * unmatched, late rows joining only what is still buffered, one-bound joins staying regular
 * joins, and exact results after a failure and restore from a checkpoint.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  RestartStrategies,
  StreamExecutionEnvironment,
  TableEnvironment,
  WatermarkStrategy,
  type CheckpointListener,
  type CheckpointedFunction,
  type MapFunction,
} from "../../src/index.ts";
import { registerValuesData } from "../../src/table/connectors/values.ts";
import { intervalJoin, intervalJoinAccumulators } from "../../src/table/runtime/interval-join.ts";
import { insertRows, type Row } from "../../src/table/runtime/row.ts";
import { fromValues } from "../../src/table/runtime/values.ts";
import { INT, TIMESTAMP } from "../../src/table/types/index.ts";
import { Timestamp } from "../../src/table/types/timestamp.ts";
import { QueueSource, settle } from "../api/harness.ts";

const sec = (s: number) => Timestamp.fromMillis(s * 1000);

async function tables(t: TableEnvironment, left: unknown[][], right: unknown[][]): Promise<void> {
  for (const [name, rows] of [
    ["l", left],
    ["r", right],
  ] as const) {
    const id = registerValuesData(rows.map(([k, s]) => [0, k, sec(s as number)]));
    await t.executeSql(
      `CREATE TABLE ${name} (k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
       WITH ('connector' = 'values', 'data-id' = '${id}', 'scan.watermark.emit.strategy' = 'on-event')`,
    );
  }
}

async function explain(mode: "batch" | "streaming", sql: string): Promise<string> {
  const t = TableEnvironment.create({ mode, parallelism: 1 });
  await tables(t, [[1, 1]], [[1, 1]]);
  const plan = String((await (await t.executeSql(`EXPLAIN ${sql}`)).collect())[0]![0]);
  return plan.split("== Optimized Execution Plan ==")[1]!;
}

describe("planning", () => {
  test("a join bounding both rowtimes from both sides is an interval join in streaming mode", async () => {
    const q =
      "SELECT * FROM l, r WHERE l.k = r.k AND l.ts BETWEEN r.ts - INTERVAL '4' HOUR AND r.ts";
    const plan = await explain("streaming", q);
    assert.match(
      plan,
      /IntervalJoin\(joinType=\[INNER\], windowBounds=\[leftTime=ts, rightTime=ts, leftLowerBound=-14400000, leftUpperBound=0\]/,
    );
    assert.match(plan, /changelogMode=\[I\]/);
    assert.match(await explain("batch", q), /^Calc.*\n\+- Join\(joinType=\[INNER\]/m);
  });

  test(">= / < pairs in ON, written either way round, outer joins insert only", async () => {
    const plan = await explain(
      "streaming",
      "SELECT * FROM l LEFT JOIN r ON l.k = r.k AND r.ts + INTERVAL '1' MINUTE > l.ts AND l.ts >= r.ts - INTERVAL '2' SECOND",
    );
    assert.match(
      plan,
      /IntervalJoin\(joinType=\[LEFT\], windowBounds=\[leftTime=ts, rightTime=ts, leftLowerBound=-2000, leftUpperBound=60000\]/,
    );
    assert.doesNotMatch(plan, /UB/);
  });

  test("one time bound only, or bounds on non-time columns, stay a regular join", async () => {
    for (const q of [
      "SELECT * FROM l, r WHERE l.k = r.k AND l.ts > r.ts",
      "SELECT * FROM l, r WHERE l.k = r.k AND l.k BETWEEN r.k - 1 AND r.k + 1",
      "SELECT * FROM l, r WHERE l.k = r.k AND l.ts BETWEEN l.ts - INTERVAL '1' SECOND AND l.ts",
    ]) {
      const plan = await explain("streaming", q);
      assert.doesNotMatch(plan, /IntervalJoin/, q);
      assert.match(plan, /Join\(joinType=\[INNER\]/, q);
    }
  });
});

describe("bad input", () => {
  test("a one-sided time bound over unbounded input is refused, naming the columns and the fix", async () => {
    const t = TableEnvironment.create({ parallelism: 1 });
    await tables(t, [[1, 1]], [[1, 2]]);
    await assert.rejects(
      async () =>
        (await t.executeSql("SELECT * FROM l, r WHERE l.k = r.k AND l.ts > r.ts")).collect(),
      /bounds the time attributes ts and ts from one side only: an interval join needs a lower and an upper bound .* cast the time attributes to TIMESTAMP\(3\)/,
    );
    // Cast to plain timestamps, it is a regular join (the user's choice).
    const rows = await (
      await t.executeSql(
        "SELECT l.k FROM l, r WHERE l.k = r.k AND CAST(l.ts AS TIMESTAMP(3)) < CAST(r.ts AS TIMESTAMP(3))",
      )
    ).collect();
    assert.deepEqual(rows, [[1]]);
  });
});

describe("running", () => {
  test("rows expire by watermark: state stays small and is empty at the end", async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
    env.setParallelism(1);
    const t = TableEnvironment.fromStreamEnvironment(env);
    const ls = new QueueSource<{ k: number; ts: Timestamp }>();
    const rs = new QueueSource<{ k: number; ts: Timestamp }>();
    const fields = [
      { name: "k", type: INT() },
      { name: "ts", type: TIMESTAMP(3) },
    ];
    const wm = {
      watermark: {
        column: "ts",
        expression: "ts",
        options: { "scan.watermark.emit.strategy": "on-event" },
      },
    };
    t.createTemporaryView(
      "l",
      t.fromDataStream(env.fromSource(ls, WatermarkStrategy.noWatermarks(), "l"), fields, wm),
    );
    t.createTemporaryView(
      "r",
      t.fromDataStream(env.fromSource(rs, WatermarkStrategy.noWatermarks(), "r"), fields, wm),
    );
    const out: Record<string, unknown>[] = [];
    t.toDataStream(
      t.sqlQuery(
        "SELECT l.k, l.ts AS lts, r.ts AS rts FROM l JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts - INTERVAL '2' SECOND AND r.ts",
      ),
    ).sinkTo((v) => void out.push(v as Record<string, unknown>));
    const client = await env.executeAsync();
    await settle();
    const N = 300;
    for (let i = 0; i < N; i++) {
      ls.push({ k: i % 3, ts: sec(i) });
      rs.push({ k: i % 3, ts: sec(i) });
      if (i % 20 === 19) await settle();
    }
    ls.end();
    rs.end();
    const result = await client.getJobExecutionResult();
    // Left i joins right j when i % 3 = j % 3 and i in [j - 2, j]: only j = i.
    assert.equal(out.length, N);
    for (const o of out) assert.equal((o.lts as Timestamp).millis, (o.rts as Timestamp).millis);
    const acc = intervalJoinAccumulators("IntervalINNERJoin");
    assert.equal(result.getAccumulatorResult(acc.buffered), 0, "every row expired");
    const max = result.getAccumulatorResult<number>(acc.maxBuffered)!;
    assert.ok(
      max > 0 && max < 60,
      `at most a few seconds of rows buffered at once (${max} of ${2 * N})`,
    );
  });

  test("outer rows are emitted padded when they expire unmatched; late rows join what is buffered", async () => {
    // Arrival order (p1, one source per side, in order within a side); watermarks = ts.
    const rows = async (mode: "batch" | "streaming", sql: string) => {
      const t = TableEnvironment.create({ mode, parallelism: 1 });
      await tables(
        t,
        [
          [1, 1],
          [2, 5],
          [1, 10],
          [3, 20],
        ],
        [
          [1, 2],
          [2, 6],
          [3, 30],
        ],
      );
      const r = await (await t.executeSql(sql)).collect();
      return r
        .map((x) => x.map((v) => (v instanceof Timestamp ? v.millis / 1000 : v)))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    };
    const q =
      "SELECT l.k, l.ts, r.k, r.ts FROM l FULL JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts - INTERVAL '2' SECOND AND r.ts";
    const streaming = await rows("streaming", q);
    assert.deepEqual(streaming, [
      [1, 1, 1, 2],
      [1, 10, null, null],
      [2, 5, 2, 6],
      [3, 20, null, null],
      [null, null, 3, 30],
    ]);
    assert.deepEqual(await rows("batch", q), streaming);
  });

  test("a late left row joins the right rows still buffered; an unmatched late outer row is padded at once", async () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
    env.setParallelism(1);
    const t = TableEnvironment.fromStreamEnvironment(env);
    const ls = new QueueSource<{ k: number; ts: Timestamp }>();
    const rs = new QueueSource<{ k: number; ts: Timestamp }>();
    const fields = [
      { name: "k", type: INT() },
      { name: "ts", type: TIMESTAMP(3) },
    ];
    const wm = {
      watermark: {
        column: "ts",
        expression: "ts",
        options: { "scan.watermark.emit.strategy": "on-event" },
      },
    };
    t.createTemporaryView(
      "l",
      t.fromDataStream(env.fromSource(ls, WatermarkStrategy.noWatermarks(), "l"), fields, wm),
    );
    t.createTemporaryView(
      "r",
      t.fromDataStream(env.fromSource(rs, WatermarkStrategy.noWatermarks(), "r"), fields, wm),
    );
    const out: unknown[][] = [];
    t.toDataStream(
      t.sqlQuery(
        "SELECT l.k, l.ts AS lts, r.ts AS rts FROM l LEFT JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts - INTERVAL '5' SECOND AND r.ts",
      ),
    ).sinkTo((v) => {
      const o = v as Record<string, Timestamp | number | null>;
      out.push([
        o.k,
        (o.lts as Timestamp).millis / 1000,
        o.rts === null ? null : (o.rts as Timestamp).millis / 1000,
      ]);
    });
    const client = await env.executeAsync();
    await settle();
    // Watermarks: left 10, right 12 -> the join's watermark is 10.
    ls.push({ k: 1, ts: sec(10) });
    rs.push({ k: 1, ts: sec(12) });
    await settle();
    // Left at 8 is behind the watermark (late) but right 12 is still buffered (until 12): joins.
    ls.push({ k: 1, ts: sec(8) });
    await settle();
    // Left at 3 is late and could only join right rows in [3, 8]: none buffered -> padded now.
    ls.push({ k: 1, ts: sec(3) });
    await settle();
    assert.deepEqual(out, [
      [1, 10, 12],
      [1, 8, 12],
      [1, 3, null],
    ]);
    ls.end();
    rs.end();
    await client.getJobExecutionResult();
    assert.equal(out.length, 3, "nothing else at the end (the late rows were not buffered)");
  });
});

/** Shared by the attempts (function objects are copied; this is not). */
const fail = { seen: 0, armed: false, done: false };

/** Passes rows through; once a checkpoint completes after 3000 rows, fails once. */
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
    if (fail.seen > 3000) fail.armed = true;
  }
}

test("an interval join restarts from its checkpointed buffers with exact results", async () => {
  const dir = mkdtempSync(join(tmpdir(), "strom-sql-interval-join-"));
  try {
    const N = 40_000;
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
    env.setParallelism(2);
    env.enableCheckpointing(10);
    env.getCheckpointConfig().setCheckpointStorage(dir);
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(2, 0));
    // Left rows (k, ts = i s, side 0) and right rows (k, ts = i s + 1, side 1), one source: a
    // restarted attempt replays the same rows in order.
    const rows = insertRows(
      Array.from({ length: 2 * N }, (_, j) => {
        const i = j >> 1;
        return [j & 1, i % 5, Timestamp.fromMillis(i * 1000 + (j & 1) * 1000)];
      }),
    );
    const all = fromValues(env, rows, { parallelism: 1 })
      .map(new FailAfterCheckpoint())
      .setParallelism(1)
      .assignTimestampsAndWatermarks(
        WatermarkStrategy.forMonotonousTimestamps<Row>().withTimestampAssigner(
          (r) => (r[3] as Timestamp).millis,
        ),
      )
      .setParallelism(1);
    const side = (s: number) =>
      all
        .filter((r) => r[1] === s)
        .setParallelism(1)
        .map((r): Row => [0, r[2], r[3]])
        .setParallelism(1);
    const seen = new Set<string>();
    let total = 0;
    const joined = intervalJoin(side(0), side(1), {
      type: "LEFT",
      leftKey: (r) => [r[1]],
      rightKey: (r) => [r[1]],
      leftArity: 2,
      rightArity: 2,
      leftTime: 1,
      rightTime: 1,
      // left.ts - right.ts in [-5 s, 0]
      lower: -5000,
      upper: 0,
      uid: "sql-interval-join",
    });
    joined.sinkTo((r: Row) => {
      total++;
      seen.add(
        `${r[1]}|${(r[2] as Timestamp).millis}|${r[4] === null ? "-" : (r[4] as Timestamp).millis}`,
      );
    });
    await env.execute();
    assert.ok(fail.done, "the failure was injected after a checkpoint");
    assert.ok(fail.seen < 4 * N, `the input was re-read from the checkpoint (${fail.seen} rows)`);
    // Left i (key i % 5, ts i) joins right j (key j % 5, ts j + 1) when i - (j + 1) in [-5, 0],
    // that is j in [i - 1, i + 4], with the same key: only j = i.
    const expected = new Set<string>();
    for (let i = 0; i < N; i++) expected.add(`${i % 5}|${i * 1000}|${i * 1000 + 1000}`);
    assert.deepEqual(seen, expected);
    assert.ok(total >= N, "at-least-once delivery to the sink");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
