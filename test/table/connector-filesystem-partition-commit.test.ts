/**
 * Partition commit of the filesystem sink in streaming: part files become visible only when
 * their checkpoint completes, `_SUCCESS` follows once the partition's trigger fired (process
 * time on the injected clock, or the watermark past the partition's time) and its files are
 * committed, pending partitions survive a restore, and the end of input commits everything.
 * The sink operator is driven by hand (checkpoints, clock); a real job checks the partition-time
 * trigger with watermarks from the table's WATERMARK.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { TableEnvironment, WatermarkStrategy, type Sink } from "../../src/index.ts";
import { ManualTimerScheduler } from "../../src/core/time.ts";
import {
  CatalogManager,
  executeDdlScript,
  type CatalogTable,
} from "../../src/table/catalog/index.ts";
import { defaultConnectorRegistry, tableContext } from "../../src/table/connectors/index.ts";
import { partitionCommitOf } from "../../src/table/connectors/filesystem-partition-commit.ts";
import { partitionedFileSink } from "../../src/table/connectors/filesystem-partitioned-sink.ts";
import { partitionLayout } from "../../src/table/connectors/filesystem-partitions.ts";
import { RowKind, type Row } from "../../src/table/runtime/row.ts";
import { INT, TIMESTAMP } from "../../src/table/types/index.ts";
import { Timestamp } from "../../src/table/types/timestamp.ts";
import { QueueSource, manualClockEnv, settle } from "../api/harness.ts";
import {
  copyState,
  hiddenFiles,
  openSink,
  useTempDir,
  visibleFiles,
  type Harness,
} from "../connectors/file-sink-harness.ts";

const dir = useTempDir();

/** The file sink of `CREATE TABLE t (id INT, dt STRING, hm STRING) PARTITIONED BY (dt, hm)`. */
function sinkOf(root: string, options: string): Sink<unknown> {
  const m = new CatalogManager();
  executeDdlScript(
    `CREATE TABLE t (id INT, dt STRING, hm STRING) PARTITIONED BY (dt, hm) WITH ('connector' = 'filesystem',
       'path' = '${root}', 'format' = 'csv', 'sink.partition-commit.policy.kind' = 'success-file'${options})`,
    m,
  );
  const r = m.lookupTable(["t"]);
  const { context } = tableContext(
    r.identifier,
    r.object as CatalogTable,
    defaultConnectorRegistry(),
  );
  const layout = partitionLayout(context)!;
  return partitionedFileSink(context, layout, partitionCommitOf(context, layout), root) as never;
}

const row = (id: number, dt: string | null, hm: string): Row => [RowKind.INSERT, id, dt, hm];
const P1 = "dt=2020-01-01/hm=10%3A00";
const P2 = "dt=__DEFAULT_PARTITION__/hm=10%3A00";

/** Takes checkpoint `id` and completes it. */
async function checkpoint(h: Harness, id: number): Promise<void> {
  await h.op.snapshotState(id, 0);
  await h.op.notifyCheckpointComplete(id);
}

const success = (root: string) => visibleFiles(root).filter((f) => f.endsWith("_SUCCESS"));
const lines = (root: string, partition: string) =>
  visibleFiles(path.join(root, partition))
    .filter((f) => f.startsWith("part-"))
    .flatMap((f) => fs.readFileSync(path.join(root, partition, f), "utf8").split("\n"))
    .filter((l) => l !== "")
    .sort();

describe("process-time trigger (sink driven by hand, manual clock)", () => {
  test("files appear when their checkpoint completes, _SUCCESS once the delay passed", async () => {
    const root = dir();
    const timers = new ManualTimerScheduler(0);
    const sink = sinkOf(root, ", 'sink.partition-commit.delay' = '10 s'");
    const h = await openSink(sink, timers);
    h.op.processElement(row(1, "2020-01-01", "10:00"), 0);
    h.op.processElement(row(2, null, "10:00"), 0);
    await h.op.snapshotState(1, 0);
    assert.deepEqual(visibleFiles(root), [], "pre-committed files stay hidden");
    assert.equal(hiddenFiles(root).length, 2);
    await h.op.notifyCheckpointComplete(1);
    assert.equal(visibleFiles(root).length, 2, "committed with checkpoint 1");
    assert.deepEqual(success(root), [], "the delay has not passed");
    assert.deepEqual(lines(root, P1), ["1"], "the files hold the non-partition columns only");

    timers.advanceTo(5_000);
    h.op.processElement(row(3, "2020-01-01", "10:00"), 0);
    await checkpoint(h, 2);
    assert.deepEqual(success(root), []);
    assert.deepEqual(lines(root, P1), ["1", "3"]);

    timers.advanceTo(10_000);
    await h.op.snapshotState(3, 0);
    assert.deepEqual(success(root), [], "committed only when the checkpoint completes");
    await h.op.notifyCheckpointComplete(3);
    assert.deepEqual(success(root), [`${P1}/_SUCCESS`, `${P2}/_SUCCESS`]);

    // A late row reopens the partition: committed again 10 s after it, even across a restore.
    fs.rmSync(path.join(root, P1, "_SUCCESS"));
    timers.advanceTo(12_000);
    h.op.processElement(row(4, "2020-01-01", "10:00"), 0);
    await h.op.snapshotState(4, 0);
    const state = copyState(h.state);
    await h.op.close(); // fails before checkpoint 4 completes
    assert.ok(
      hiddenFiles(root).some((f) => f.startsWith(P1)),
      "row 4 is not visible yet",
    );

    timers.advanceTo(20_000);
    const restored = await openSink(sink, timers, { restored: state });
    assert.deepEqual(lines(root, P1), ["1", "3", "4"], "the restore commits checkpoint 4's files");
    assert.deepEqual(success(root), [`${P2}/_SUCCESS`], "the partition is still pending");
    timers.advanceTo(21_999);
    await checkpoint(restored, 5);
    assert.deepEqual(success(root), [`${P2}/_SUCCESS`], "9.999 s after the late row");
    timers.advanceTo(22_000);
    await checkpoint(restored, 6);
    assert.deepEqual(success(root), [`${P1}/_SUCCESS`, `${P2}/_SUCCESS`]);

    // The end of input commits every partition, whatever the delay.
    restored.op.processElement(row(5, "2020-01-02", "23:59"), 0);
    await restored.op.finish();
    await checkpoint(restored, 7);
    assert.ok(success(root).includes("dt=2020-01-02/hm=23%3A59/_SUCCESS"));
    await restored.op.close();
    assert.deepEqual(hiddenFiles(root), []);
  });

  test("without checkpointing, files and partitions are committed at the end of input", async () => {
    const root = dir();
    const timers = new ManualTimerScheduler(0);
    const h = await openSink(sinkOf(root, ", 'sink.partition-commit.delay' = '1 h'"), timers, {
      checkpointing: false,
    });
    h.op.processElement(row(1, "2020-01-01", "10:00"), 0);
    h.op.processElement(row(2, "2020-01-01", "10:01"), 0);
    assert.deepEqual(visibleFiles(root), []);
    await h.op.finish();
    await h.op.close();
    assert.deepEqual(success(root), [`${P1}/_SUCCESS`, "dt=2020-01-01/hm=10%3A01/_SUCCESS"]);
    assert.equal(visibleFiles(root).length, 4);
  });
});

describe("partition-time trigger", () => {
  test("a partition is committed once the watermark passes its time plus the delay", async () => {
    const root = dir();
    const timers = new ManualTimerScheduler(0);
    const sink = sinkOf(
      root,
      `, 'sink.partition-commit.trigger' = 'partition-time', 'sink.partition-commit.delay' = '1 min',
         'partition.time-extractor.timestamp-pattern' = '$dt $hm:00'`,
    );
    const h = await openSink(sink, timers);
    const at = (hh: number, mm: number, ss: number) => Date.UTC(2020, 0, 1, hh, mm, ss);
    h.op.processElement(row(1, "2020-01-01", "10:00"), 0);
    h.op.processElement({ watermark: at(10, 1, 0) }, 0); // not past 10:00 + 1 min
    await checkpoint(h, 1);
    assert.equal(visibleFiles(root).length, 1);
    assert.deepEqual(success(root), []);
    h.op.processElement(row(2, "2020-01-01", "10:01"), 0);
    h.op.processElement({ watermark: at(10, 1, 0) + 1 }, 0);
    await checkpoint(h, 2);
    assert.deepEqual(success(root), [`${P1}/_SUCCESS`], "10:01 waits for 10:02");
    await h.op.close();
  });

  test("a job: the WATERMARK drives commits, checkpoint by checkpoint (parallelism 2)", async () => {
    const root = dir();
    const { env, timers } = manualClockEnv(2);
    env.enableCheckpointing(20); // real-time checkpoints; the outcome does not depend on when
    const t = TableEnvironment.fromStreamEnvironment(env, { clock: () => timers.now() });
    const source = new QueueSource<{ id: number; ts: Timestamp }>();
    const stream = env.fromSource(source, WatermarkStrategy.noWatermarks(), "events");
    const fields = [
      { name: "id", type: INT() },
      { name: "ts", type: TIMESTAMP(3) },
    ];
    const watermark = {
      column: "ts",
      expression: "ts",
      options: { "scan.watermark.emit.strategy": "on-event" },
    };
    t.createTemporaryView("bid", t.fromDataStream(stream, fields, { watermark }));
    await t.executeSql(`CREATE TABLE fs_sink (id INT, ts TIMESTAMP(3), dt STRING, hm STRING)
      PARTITIONED BY (dt, hm) WITH ('connector' = 'filesystem', 'path' = '${root}', 'format' = 'csv',
        'sink.partition-commit.policy.kind' = 'success-file', 'sink.partition-commit.trigger' = 'partition-time',
        'sink.partition-commit.delay' = '1 min', 'partition.time-extractor.timestamp-pattern' = '$dt $hm:00')`);
    const insert = await t.executeSql(
      "INSERT INTO fs_sink SELECT id, ts, DATE_FORMAT(ts, 'yyyy-MM-dd'), DATE_FORMAT(ts, 'HH:mm') FROM bid",
    );
    const done = insert.await();
    await settle();
    const at = (mm: number, ss: number) => new Timestamp(Date.UTC(2020, 0, 1, 10, mm, ss));
    const parts = (p: string) => visibleFiles(root).filter((f) => f.startsWith(`${p}/part-`));
    const until = async (cond: () => boolean, what: string) => {
      for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
      assert.ok(cond(), `timed out waiting for ${what}: ${visibleFiles(root).join(", ")}`);
    };
    source.push({ id: 1, ts: at(0, 5) });
    await until(() => parts(P1).length === 1, "the first part file of 10:00");
    source.push({ id: 2, ts: at(0, 59) });
    await until(() => parts(P1).length === 2, "a second checkpoint with 10:00 data");
    assert.deepEqual(success(root), [], "watermark 10:00:59 is not past 10:01");
    source.push({ id: 3, ts: at(1, 30) });
    await until(() => success(root).length > 0, "the commit of 10:00");
    assert.deepEqual(
      success(root),
      [`${P1}/_SUCCESS`],
      "10:01 waits for the watermark to pass 10:02",
    );
    source.end();
    await done;
    assert.deepEqual(success(root), [`${P1}/_SUCCESS`, "dt=2020-01-01/hm=10%3A01/_SUCCESS"]);
    assert.deepEqual(lines(root, P1), ["1,2020-01-01 10:00:05.000", "2,2020-01-01 10:00:59.000"]);
    assert.deepEqual(
      (await (await t.executeSql("SELECT hm, COUNT(*) FROM fs_sink GROUP BY hm")).collect()).sort(),
      [
        ["10:00", 2],
        ["10:01", 1],
      ],
    );
  });

  test("a partition whose time cannot be extracted fails the job naming it and the option", async () => {
    const root = dir();
    const timers = new ManualTimerScheduler(0);
    const h = await openSink(
      sinkOf(root, ", 'sink.partition-commit.trigger' = 'partition-time'"),
      timers,
    );
    h.op.processElement(row(1, null, "10:00"), 0);
    await assert.rejects(
      (async () => h.op.snapshotState(1, 0))(),
      /cannot extract the time of partition 'dt=__DEFAULT_PARTITION__\/hm=10%3A00': '__DEFAULT_PARTITION__' is not a timestamp.*'partition.time-extractor.timestamp-pattern'/,
    );
    await h.op.close();
  });
});
