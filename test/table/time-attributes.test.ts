/**
 * Time attributes: `WATERMARK FOR ts AS expr` in DDL and in `fromDataStream`, rowtime and
 * PROCTIME() columns, CURRENT_WATERMARK, the `scan.watermark.*` options (on-event vs
 * on-periodic, idle timeout at parallelism 2), the attribute kept through projections and
 * filters and materialized by GROUP BY and joins, DESCRIBE / EXPLAIN, and the errors. Jobs that
 * depend on processing time run on a manual clock (test/api/harness.ts).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Boundedness,
  InputStatus,
  JobCancelledError,
  ProcessFunction,
  SqlPlanError,
  StreamExecutionEnvironment,
  TableEnvironment,
  WatermarkStrategy,
  type Collector,
  type JobClient,
  type ProcessContext,
  type ReaderOutput,
  type Source,
  type SourceReader,
} from "../../src/index.ts";
import type { ManualTimerScheduler } from "../../src/core/time.ts";
import { registerValuesData } from "../../src/table/connectors/values.ts";
import { INT, TIMESTAMP, TIMESTAMP_LTZ } from "../../src/table/types/index.ts";
import { Timestamp } from "../../src/table/types/timestamp.ts";
import { isProctime, isRowtime } from "../../src/table/types/time-attributes.ts";
import { manualClockEnv, rejectionOf, settle } from "../api/harness.ts";

const sec = (s: number) => Timestamp.fromMillis(s * 1000);
const ms = (v: unknown) => (v === null ? null : (v as Timestamp).millis);

/** Out-of-order rows `[+I, id, ts]`: ts 1, 5, 3, 10, 2 seconds. */
function outOfOrder(): string {
  return registerValuesData([1, 5, 3, 10, 2].map((s, i) => [0, i + 1, sec(s)]));
}

function eventsTable(t: TableEnvironment, dataId: string, extra = ""): Promise<unknown> {
  return t.executeSql(
    `CREATE TABLE events (id INT, ts TIMESTAMP(3), p AS PROCTIME(),
       WATERMARK FOR ts AS ts - INTERVAL '2' SECOND)
     WITH ('connector' = 'values', 'data-id' = '${dataId}'${extra})`,
  );
}

async function rows(t: TableEnvironment, sql: string): Promise<unknown[][]> {
  return (await t.executeSql(sql)).collect();
}

function typesOf(t: TableEnvironment, sql: string): string[] {
  return t
    .sqlQuery(sql)
    .execute()
    .columns.map((c) => c.typeText);
}

describe("DDL and types", () => {
  test("DESCRIBE shows the rowtime and proctime attributes and the watermark", async () => {
    const t = TableEnvironment.create();
    await eventsTable(t, outOfOrder());
    assert.deepEqual(await rows(t, "DESCRIBE events"), [
      ["id", "INT", "true", null, null, null],
      ["ts", "TIMESTAMP(3) *ROWTIME*", "true", null, null, "ts - INTERVAL '2' SECOND"],
      ["p", "TIMESTAMP_LTZ(3) *PROCTIME*", "false", null, "AS PROCTIME()", null],
    ]);
  });

  test("projections and filters keep the attributes; GROUP BY and joins materialize them", async () => {
    const t = TableEnvironment.create();
    await eventsTable(t, outOfOrder());
    assert.deepEqual(typesOf(t, "SELECT ts, p, id FROM events WHERE id > 1"), [
      "TIMESTAMP(3) *ROWTIME*",
      "TIMESTAMP_LTZ(3) NOT NULL *PROCTIME*",
      "INT",
    ]);
    assert.deepEqual(typesOf(t, "SELECT x FROM (SELECT ts AS x FROM events) WHERE x IS NOT NULL"), [
      "TIMESTAMP(3) *ROWTIME*",
    ]);
    assert.deepEqual(
      typesOf(t, "SELECT ts + INTERVAL '1' SECOND, CAST(ts AS TIMESTAMP(3)) FROM events"),
      ["TIMESTAMP(3)", "TIMESTAMP(3)"],
    );
    assert.deepEqual(typesOf(t, "SELECT ts, COUNT(*), MAX(ts) FROM events GROUP BY ts"), [
      "TIMESTAMP(3)",
      "BIGINT NOT NULL",
      "TIMESTAMP(3)",
    ]);
    assert.deepEqual(typesOf(t, "SELECT a.ts, b.p FROM events a JOIN events b ON a.id = b.id"), [
      "TIMESTAMP(3)",
      "TIMESTAMP_LTZ(3) NOT NULL",
    ]);
    const fields = t.sqlQuery("SELECT ts, p, id FROM events").execute().columns;
    assert.deepEqual(
      fields.map((f) => [isRowtime(f), isProctime(f)]),
      [
        [true, false],
        [false, true],
        [false, false],
      ],
    );
  });

  test("a TIMESTAMP_LTZ(3) rowtime and a watermark on a computed column", async () => {
    const t = TableEnvironment.create();
    const id = registerValuesData([[0, 1, 4000]]);
    await t.executeSql(
      `CREATE TABLE e2 (id INT, epoch BIGINT, ts AS TO_TIMESTAMP_LTZ(epoch, 3),
         WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
       WITH ('connector' = 'values', 'data-id' = '${id}', 'scan.watermark.emit.strategy' = 'on-event')`,
    );
    assert.deepEqual(typesOf(t, "SELECT ts FROM e2"), ["TIMESTAMP_LTZ(3) *ROWTIME*"]);
    const r = await rows(t, "SELECT id, CURRENT_WATERMARK(ts) FROM e2");
    assert.deepEqual(r, [[1, null]]);
  });

  test("EXPLAIN shows the watermark assigner at the scan", async () => {
    const t = TableEnvironment.create();
    await eventsTable(t, outOfOrder(), ", 'scan.watermark.idle-timeout' = '5 s'");
    const plan = t.explainSql("SELECT id FROM events");
    assert.match(
      plan,
      /TableSourceScan\(table=\[\[default_catalog\.default_database\.events\]\], fields=\[id, ts\], watermark=\[rowtime=\[ts\], expr=\[ts - INTERVAL '2' SECOND\], emit=\[on-periodic\], idle-timeout=\[5000 ms\]\]/,
    );
  });
});

describe("errors", () => {
  async function refused(ddl: string, re: RegExp): Promise<void> {
    const t = TableEnvironment.create();
    const e = await rejectionOf(t.executeSql(ddl));
    assert.match((e as Error).message, re);
  }

  test("a watermark on a column that is not a TIMESTAMP(3)", () =>
    refused(
      "CREATE TABLE x (a INT, WATERMARK FOR a AS a - 1) WITH ('connector' = 'datagen')",
      /Invalid type of the rowtime column 'a'.*line 1, column \d+.*INT/s,
    ));

  test("a watermark expression of the wrong type", () =>
    refused(
      "CREATE TABLE x (a INT, ts TIMESTAMP(3), WATERMARK FOR ts AS a + 1) WITH ('connector' = 'datagen')",
      /watermark expression 'a \+ 1' must be of type TIMESTAMP\(3\) or TIMESTAMP_LTZ\(3\), but it is INT.*line 1, column 61/s,
    ));

  test("two watermarks", () =>
    refused(
      "CREATE TABLE x (ts TIMESTAMP(3), t2 TIMESTAMP(3), WATERMARK FOR ts AS ts, WATERMARK FOR t2 AS t2) WITH ('connector' = 'datagen')",
      /Multiple watermark definitions are not supported.*line 1/s,
    ));

  test("a watermark on a missing column", () =>
    refused(
      "CREATE TABLE x (ts TIMESTAMP(3), WATERMARK FOR nope AS ts) WITH ('connector' = 'datagen')",
      /The rowtime column 'nope' of the watermark is not a column of the table.*line 1/s,
    ));

  test("SOURCE_WATERMARK() on a connector without watermarks of its own", async () => {
    const t = TableEnvironment.create();
    await t.executeSql(
      "CREATE TABLE x (ts TIMESTAMP(3), WATERMARK FOR ts AS SOURCE_WATERMARK()) WITH ('connector' = 'datagen')",
    );
    assert.throws(
      () => t.explainSql("SELECT * FROM x"),
      /line 1, column 15: SOURCE_WATERMARK\(\) in the watermark of default_catalog\.default_database\.x needs a source that emits its own watermarks/,
    );
  });

  test("bad watermark options, CURRENT_WATERMARK of a non-rowtime column", async () => {
    const t = TableEnvironment.create();
    const e = await rejectionOf(
      eventsTable(t, outOfOrder(), ", 'scan.watermark.emit.strategy' = 'sometimes'"),
    );
    assert.match(
      (e as Error).message,
      /Invalid value 'sometimes' for option 'scan\.watermark\.emit\.strategy'.*line 3.*expected one of on-periodic, on-event/s,
    );
    const u = TableEnvironment.create();
    await eventsTable(u, outOfOrder());
    assert.throws(
      () => u.explainSql("SELECT CURRENT_WATERMARK(id) FROM events"),
      (e: unknown) =>
        e instanceof SqlPlanError &&
        /CURRENT_WATERMARK\(\) must be called with a single rowtime attribute/.test(e.message),
    );
  });
});

describe("watermarks at run time", () => {
  test("on-event: CURRENT_WATERMARK sees the largest ts - 2 s of the rows before (NULL first)", async () => {
    for (const parallelism of [1, 4]) {
      const t = TableEnvironment.create({ parallelism });
      await eventsTable(t, outOfOrder(), ", 'scan.watermark.emit.strategy' = 'on-event'");
      const r = await rows(t, "SELECT id, ts, CURRENT_WATERMARK(ts) AS wm FROM events");
      assert.deepEqual(
        r.map(([id, ts, wm]) => [id, ms(ts), ms(wm)]),
        [
          [1, 1000, null],
          [2, 5000, -1000],
          [3, 3000, 3000],
          [4, 10000, 3000],
          [5, 2000, 8000],
        ],
      );
      // Late rows (behind the watermark) can be found with it, as in Flink.
      const late = await rows(
        t,
        "SELECT id FROM events WHERE CURRENT_WATERMARK(ts) IS NOT NULL AND ts <= CURRENT_WATERMARK(ts)",
      );
      assert.deepEqual(late, [[3], [5]]);
    }
  });

  test("an OPTIONS hint overrides the emit strategy; batch mode has no watermarks", async () => {
    const t = TableEnvironment.create();
    await eventsTable(t, outOfOrder(), ", 'scan.watermark.emit.strategy' = 'on-periodic'");
    const r = await rows(
      t,
      "SELECT id, CURRENT_WATERMARK(ts) FROM events /*+ OPTIONS('scan.watermark.emit.strategy'='on-event') */",
    );
    assert.deepEqual(r.map(([id, wm]) => [id, ms(wm)])[4], [5, 8000]);
    const b = TableEnvironment.create({ mode: "batch" });
    await eventsTable(b, outOfOrder(), ", 'scan.watermark.emit.strategy' = 'on-event'");
    const br = await rows(b, "SELECT id, CURRENT_WATERMARK(ts) FROM events");
    assert.deepEqual(
      br.map(([, wm]) => wm),
      [null, null, null, null, null],
    );
  });

  test("filesystem: the rowtime is read even when the query does not select it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strom-ta-"));
    const file = join(dir, "e.csv");
    writeFileSync(
      file,
      ["a,1,1970-01-01 00:00:04", "b,2,1970-01-01 00:00:09", "c,3,1970-01-01 00:00:01"].join("\n") +
        "\n",
    );
    const t = TableEnvironment.create();
    await t.executeSql(
      `CREATE TABLE f (name STRING, id INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
       WITH ('connector' = 'filesystem', 'path' = '${file}', 'format' = 'csv',
             'scan.watermark.emit.strategy' = 'on-event')`,
    );
    assert.match(t.explainSql("SELECT id FROM f"), /fields=\[id\], watermark=\[rowtime=\[ts\]/);
    const r = await rows(t, "SELECT id, CURRENT_WATERMARK(ts) FROM f");
    assert.deepEqual(
      r.map(([id, wm]) => [id, ms(wm)]),
      [
        [1, null],
        [2, 4000],
        [3, 9000],
      ],
    );
    assert.deepEqual(await rows(t, "SELECT name FROM f WHERE id > 1"), [["b"], ["c"]]);
  });

  test("datagen with a rowtime: watermarks at parallelism 2", async () => {
    const t = TableEnvironment.create({ parallelism: 2 });
    await t.executeSql(
      `CREATE TABLE g (id INT, ts AS TO_TIMESTAMP_LTZ(id * 1000, 3), WATERMARK FOR ts AS ts)
       WITH ('connector' = 'datagen', 'scan.parallelism' = '2',
             'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '40',
             'scan.watermark.emit.strategy' = 'on-event')`,
    );
    const r = await rows(t, "SELECT id, ts, CURRENT_WATERMARK(ts) FROM g");
    assert.equal(r.length, 40);
    // Each subtask reads its ids in order: a row's watermark is an earlier row's ts.
    assert.ok(r.filter(([, , wm]) => wm !== null).length >= 38);
    for (const [, ts, wm] of r) assert.ok(wm === null || ms(wm)! < ms(ts)!);
  });

  test("CURRENT_WATERMARK in a WHERE under an aggregate; refused where no operator provides it", async () => {
    const t = TableEnvironment.create();
    await eventsTable(t, outOfOrder(), ", 'scan.watermark.emit.strategy' = 'on-event'");
    const late = "CURRENT_WATERMARK(ts) IS NOT NULL AND ts <= CURRENT_WATERMARK(ts)";
    assert.deepEqual(await rows(t, `SELECT COUNT(*) FROM events WHERE ${late}`), [[2]]);
    assert.deepEqual(
      await rows(t, `SELECT COUNT(*) FILTER (WHERE ${late}), COUNT(*) FROM events`),
      [[2, 5]],
    );
    const e = await rejectionOf(
      rows(
        t,
        "SELECT * FROM events a JOIN events b ON a.id = b.id AND a.ts > CURRENT_WATERMARK(b.ts)",
      ),
    );
    assert.match(
      (e as Error).message,
      /CURRENT_WATERMARK\(\$\d+\) is supported only in a SELECT list or a WHERE clause/,
    );
  });
});

/** An unbounded source fed by the test: each subtask reads its own queue (`push(subtask, ...)`). */
class PerSubtaskSource<T> implements Source<T, number> {
  readonly queues: T[][] = [[], [], [], []];
  private readonly wakes: ((() => void) | null)[] = [null, null, null, null];
  getBoundedness(): Boundedness {
    return Boundedness.CONTINUOUS_UNBOUNDED;
  }
  createSplits(parallelism: number): number[] {
    return Array.from({ length: parallelism }, (_, i) => i);
  }
  async send(subtask: number, ...records: T[]): Promise<void> {
    this.queues[subtask]!.push(...records);
    const w = this.wakes[subtask];
    this.wakes[subtask] = null;
    w?.();
    await settle();
  }
  createReader(ctx: { subtaskIndex: number }): SourceReader<T, number> {
    const i = ctx.subtaskIndex;
    const q = this.queues[i]!;
    return {
      addSplits() {},
      noMoreSplits() {},
      pollNext: (output: ReaderOutput<T>) => {
        if (q.length === 0) return InputStatus.NOTHING_AVAILABLE;
        for (const r of q.splice(0)) output.collect(r);
        return InputStatus.MORE_AVAILABLE;
      },
      isAvailable: () =>
        q.length > 0 ? Promise.resolve() : new Promise<void>((r) => (this.wakes[i] = r)),
      snapshotState: () => [i],
    };
  }
}

interface Ev {
  id: number;
  ts: Timestamp;
}

/** A probe at parallelism 1 logging `[id, watermark]` of every record (watermarks of all inputs). */
function probe(log: [unknown, number][]): ProcessFunction<Record<string, unknown>, unknown> {
  class Probe extends ProcessFunction<Record<string, unknown>, unknown> {
    processElement(v: Record<string, unknown>, ctx: ProcessContext, out: Collector<unknown>) {
      log.push([v.id, ctx.timerService().currentWatermark()]);
      out.collect(v);
    }
  }
  return new Probe();
}

async function advanceTo(timers: ManualTimerScheduler, to: number): Promise<void> {
  while (timers.now() < to) {
    timers.advanceTo(Math.min(to, timers.now() + 100));
    await settle();
  }
}

async function cancel(client: JobClient): Promise<void> {
  const result = client.getJobExecutionResult();
  await client.cancel();
  const e = await rejectionOf(result);
  assert.ok(e instanceof JobCancelledError, `the job failed before it was cancelled: ${String(e)}`);
}

/** A job over `fromDataStream` with a watermark, on a manual clock. */
async function streamJob(
  parallelism: number,
  options: Record<string, string>,
  query: (table: string) => string,
  probeParallelism = 1,
) {
  const { env, timers } = manualClockEnv(parallelism);
  const t = TableEnvironment.fromStreamEnvironment(env, { clock: () => timers.now() });
  const source = new PerSubtaskSource<Ev>();
  const stream = env.fromSource(source, noWatermarks(), "events");
  const table = t.fromDataStream(
    stream,
    [
      { name: "id", type: INT() },
      { name: "ts", type: TIMESTAMP(3) },
    ],
    { watermark: { column: "ts", expression: "ts - INTERVAL '1' SECOND", options } },
  );
  t.createTemporaryView("s", table);
  const log: [unknown, number][] = [];
  const out: Record<string, unknown>[] = [];
  t.toDataStream(t.sqlQuery(query("s")))
    .process(probe(log))
    .setParallelism(probeParallelism)
    .sinkTo((v) => void out.push(v as Record<string, unknown>));
  const client = await env.executeAsync();
  await settle();
  return { timers, source, log, out, client, env };
}

/** The stream has no watermarks of its own: the table's WATERMARK assigns them. */
const noWatermarks = () => WatermarkStrategy.noWatermarks<Ev>();

describe("fromDataStream with a watermark (manual clock)", () => {
  test("on-periodic emits every 200 ms of processing time, on-event after each row", async () => {
    for (const emit of ["on-periodic", "on-event"]) {
      const { timers, source, out, client } = await streamJob(
        1,
        { "scan.watermark.emit.strategy": emit },
        (s) => `SELECT id, CURRENT_WATERMARK(ts) AS wm FROM ${s}`,
      );
      await source.send(0, { id: 1, ts: sec(10) });
      await source.send(0, { id: 2, ts: sec(20) });
      await advanceTo(timers, 250);
      await source.send(0, { id: 3, ts: sec(15) });
      const wm = out.map((o) => ms(o.wm));
      assert.deepEqual(
        wm,
        emit === "on-event" ? [null, 9000, 19000] : [null, null, 19000],
        `${emit}: ${JSON.stringify(wm)}`,
      );
      await cancel(client);
    }
  });

  test("an idle subtask stops holding back the watermark after the idle timeout (parallelism 2)", async () => {
    for (const idle of [true, false]) {
      const { timers, source, log, client } = await streamJob(
        2,
        {
          "scan.watermark.emit.strategy": "on-event",
          ...(idle ? { "scan.watermark.idle-timeout": "1 s" } : {}),
        },
        (s) => `SELECT id FROM ${s}`,
      );
      // Subtask 0 gets rows; subtask 1 never does.
      await source.send(0, { id: 1, ts: sec(10) });
      await advanceTo(timers, 500);
      await source.send(0, { id: 2, ts: sec(20) });
      assert.equal(log.find(([id]) => id === 2)?.[1], -Infinity, "held back before the timeout");
      await advanceTo(timers, 2000);
      await source.send(0, { id: 3, ts: sec(30) });
      await advanceTo(timers, 2300);
      await source.send(0, { id: 4, ts: sec(31) });
      const seen = log.find(([id]) => id === 4)?.[1];
      assert.equal(seen, idle ? 29000 : -Infinity, `idle=${idle}: ${JSON.stringify(log)}`);
      await cancel(client);
    }
  });

  test("PROCTIME() reads the injected clock; SOURCE_WATERMARK() keeps the stream's own", async () => {
    const { env, timers } = manualClockEnv(1);
    timers.advanceTo(5000);
    const t = TableEnvironment.fromStreamEnvironment(env, { clock: () => timers.now() });
    const source = new PerSubtaskSource<Ev>();
    const table = t.fromDataStream(
      env.fromSource(source, noWatermarks(), "events"),
      [
        { name: "id", type: INT() },
        { name: "ts", type: TIMESTAMP_LTZ(3) },
      ],
      { watermark: { column: "ts", expression: "SOURCE_WATERMARK()" } },
    );
    t.createTemporaryView("s", table);
    assert.deepEqual(
      t
        .sqlQuery("SELECT ts FROM s")
        .execute()
        .columns.map((c) => c.typeText),
      ["TIMESTAMP_LTZ(3) *ROWTIME*"],
    );
    const out: Record<string, unknown>[] = [];
    t.toDataStream(
      t.sqlQuery("SELECT id, PROCTIME() AS p, CURRENT_WATERMARK(ts) AS wm FROM s"),
    ).sinkTo((v) => void out.push(v));
    const client = await env.executeAsync();
    await settle();
    await source.send(0, { id: 1, ts: sec(1) });
    await advanceTo(timers, 7000);
    await source.send(0, { id: 2, ts: sec(2) });
    assert.deepEqual(
      out.map((o) => [o.id, ms(o.p), o.wm]),
      [
        [1, 5000, null],
        [2, 7000, null],
      ],
    );
    await cancel(client);
  });

  test("a bad rowtime column or expression is refused", () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
    const t = TableEnvironment.fromStreamEnvironment(env);
    const stream = env.fromSource(new PerSubtaskSource<Ev>(), noWatermarks(), "e");
    const fields = [
      { name: "id", type: INT() },
      { name: "ts", type: TIMESTAMP(3) },
    ];
    assert.throws(
      () => t.fromDataStream(stream, fields, { watermark: { column: "nope", expression: "ts" } }),
      /rowtime column 'nope' is not one of the fields \(id, ts\)/,
    );
    assert.throws(
      () => t.fromDataStream(stream, fields, { watermark: { column: "ts", expression: "ts -" } }),
      /bad watermark expression 'ts -'/,
    );
    const bad = t.fromDataStream(stream, fields, { watermark: { column: "id", expression: "ts" } });
    assert.throws(() => bad.explain(), /Invalid type of the rowtime column 'id'.*INT/);
  });
});
