/**
 * The exactly-once FileSink and the runtime side of two-phase-commit sinks: the SinkOperator is
 * driven directly (snapshots, checkpoint completions, restores with copied operator state, end of
 * input) on a manual clock, and one bounded job writes through the sink on the in-thread target.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  BasePathBucketAssigner,
  DefaultRollingPolicy,
  FileSink,
  OutputFileConfig,
  SimpleStringEncoder,
  StreamExecutionEnvironment,
  type Sink,
} from "strom";
import { ManualTimerScheduler } from "../../src/core/time.ts";
import {
  copyState,
  hiddenFiles,
  openSink,
  simpleSink,
  splitState,
  useTempDir,
  visibleFiles,
  visibleLines,
  write,
} from "./file-sink-harness.ts";

const dir = useTempDir();

describe("FileSink: two-phase commit", () => {
  test("records stay hidden until their checkpoint completes", async () => {
    const timers = new ManualTimerScheduler(0);
    const { op } = await openSink(simpleSink(dir()), timers);
    write(op, "a", "b", 3);
    await op.onIdle();
    assert.deepEqual(visibleFiles(dir()), []);
    await op.snapshotState(1, 0);
    assert.deepEqual(visibleFiles(dir()), []);
    const [hidden] = hiddenFiles(dir());
    assert.match(hidden!, /^\.part-[0-9a-f-]{36}-0-0\.inprogress$/);
    assert.equal(fs.readFileSync(path.join(dir(), hidden!), "utf8"), "a\nb\n3\n");
    write(op, "c");
    await op.notifyCheckpointComplete(1);
    assert.deepEqual(visibleFiles(dir()), [hidden!.slice(1, -".inprogress".length)]);
    assert.deepEqual(visibleLines(dir()), ["3", "a", "b"]);
    // "c" belongs to the next checkpoint.
    await op.snapshotState(2, 0);
    await op.notifyCheckpointComplete(2);
    assert.deepEqual(visibleLines(dir()), ["3", "a", "b", "c"]);
    assert.deepEqual(hiddenFiles(dir()), []);
    await op.close();
  });

  test("a checkpoint that never completes leaves its files hidden", async () => {
    const timers = new ManualTimerScheduler(0);
    const { op } = await openSink(simpleSink(dir()), timers);
    write(op, "one");
    await op.snapshotState(1, 0);
    write(op, "two");
    await op.snapshotState(2, 0);
    await op.notifyCheckpointAborted(2);
    await op.notifyCheckpointComplete(1);
    assert.deepEqual(visibleLines(dir()), ["one"]);
    assert.equal(hiddenFiles(dir()).length, 1);
    await op.close();
    assert.deepEqual(visibleLines(dir()), ["one"], "closing commits nothing");
  });

  test("a later completed checkpoint also commits the files of an aborted one", async () => {
    const timers = new ManualTimerScheduler(0);
    const { op } = await openSink(simpleSink(dir()), timers);
    write(op, "x");
    await op.snapshotState(1, 0);
    await op.notifyCheckpointAborted(1);
    write(op, "y");
    await op.snapshotState(2, 0);
    await op.notifyCheckpointComplete(2);
    assert.deepEqual(visibleLines(dir()), ["x", "y"]);
    await op.close();
  });

  test("a restore commits the pending files of the restored checkpoint, and again harmlessly", async () => {
    const timers = new ManualTimerScheduler(0);
    const first = await openSink(simpleSink(dir()), timers);
    write(first.op, "a", "b");
    await first.op.snapshotState(1, 0);
    const checkpoint = copyState(first.state);
    write(first.op, "lost"); // after the checkpoint: replayed by the source after a restore
    await first.op.close(); // failure before notifyCheckpointComplete(1)
    assert.deepEqual(visibleFiles(dir()), []);

    const second = await openSink(simpleSink(dir()), timers, { restored: checkpoint });
    assert.deepEqual(visibleLines(dir()), ["a", "b"]);
    write(second.op, "lost");
    await second.op.snapshotState(2, 0);
    await second.op.notifyCheckpointComplete(2);
    await second.op.close();
    // A second restore from the same checkpoint commits again: nothing changes.
    const third = await openSink(simpleSink(dir()), timers, { restored: checkpoint });
    assert.deepEqual(visibleLines(dir()), ["a", "b", "lost"]);
    await third.op.close();
    const names = visibleFiles(dir());
    assert.equal(new Set(names.map((n) => n.split("-").slice(1, 6).join("-"))).size, 2);
  });

  test("rescaled restore: the pending entries are split among the new subtasks", async () => {
    const timers = new ManualTimerScheduler(0);
    const first = await openSink(simpleSink(dir()), timers);
    write(first.op, "c1");
    await first.op.snapshotState(1, 0);
    write(first.op, "c2");
    await first.op.snapshotState(2, 0);
    write(first.op, "c3");
    await first.op.snapshotState(3, 0);
    const checkpoint = copyState(first.state);
    await first.op.close();
    const parts = splitState(checkpoint, 2);
    const a = await openSink(simpleSink(dir()), timers, { restored: parts[0], parallelism: 2 });
    assert.deepEqual(visibleLines(dir()), ["c1", "c3"]);
    const b = await openSink(simpleSink(dir()), timers, {
      restored: parts[1],
      subtask: 1,
      parallelism: 2,
    });
    assert.deepEqual(visibleLines(dir()), ["c1", "c2", "c3"]);
    assert.deepEqual(hiddenFiles(dir()), []);
    await a.op.close();
    await b.op.close();
  });

  test("commit is idempotent and names a file that vanished", async () => {
    const sink = FileSink.forRowFormat<string>(dir(), new SimpleStringEncoder())
      .withBucketAssigner(new BasePathBucketAssigner())
      .build();
    const timers = new ManualTimerScheduler(0);
    const { op, state } = await openSink(sink as unknown as Sink<unknown>, timers);
    write(op, "v");
    await op.snapshotState(1, 0);
    const entries = [...copyState(state).values()][0] as { committables: never[] }[];
    const committer = sink.createCommitter();
    committer.commit(entries[0]!.committables);
    committer.commit(entries[0]!.committables);
    await op.notifyCheckpointComplete(1);
    assert.deepEqual(visibleLines(dir()), ["v"]);
    fs.rmSync(path.join(dir(), visibleFiles(dir())[0]!));
    assert.throws(
      () => committer.commit(entries[0]!.committables),
      /cannot commit part file '.*part-[0-9a-f-]+-0-0': neither it nor its in-progress file/,
    );
    await op.close();
  });
});

describe("FileSink: end of input", () => {
  test("with checkpointing, the final checkpoint commits the rest", async () => {
    const timers = new ManualTimerScheduler(0);
    const { op } = await openSink(simpleSink(dir()), timers);
    write(op, "early");
    await op.snapshotState(3, 0);
    write(op, "late");
    await op.finish();
    await op.snapshotState(Number.MAX_SAFE_INTEGER - 1, 0); // the final snapshot
    await op.notifyCheckpointComplete(3); // completes checkpoint 3 only
    assert.deepEqual(visibleLines(dir()), ["early"]);
    await op.notifyCheckpointComplete(4); // the checkpoint holding the final snapshot
    assert.deepEqual(visibleLines(dir()), ["early", "late"]);
    assert.deepEqual(hiddenFiles(dir()), []);
    await op.close();
  });

  test("the final snapshot keeps the end-of-input files for a restore", async () => {
    const timers = new ManualTimerScheduler(0);
    const first = await openSink(simpleSink(dir()), timers);
    write(first.op, "tail");
    await first.op.finish();
    await first.op.snapshotState(7, 0);
    const checkpoint = copyState(first.state);
    await first.op.close();
    assert.deepEqual(visibleFiles(dir()), []);
    const second = await openSink(simpleSink(dir()), timers, { restored: checkpoint });
    assert.deepEqual(visibleLines(dir()), ["tail"]);
    await second.op.close();
  });

  test("without checkpointing, everything is committed at the end", async () => {
    const timers = new ManualTimerScheduler(0);
    const { op } = await openSink(simpleSink(dir()), timers, { checkpointing: false });
    write(op, "p", "q");
    await op.finish();
    await op.notifyCheckpointComplete(Number.MAX_SAFE_INTEGER);
    await op.close();
    assert.deepEqual(visibleLines(dir()), ["p", "q"]);
    assert.deepEqual(hiddenFiles(dir()), []);
  });
});

describe("FileSink: a bounded job", () => {
  test("writes every record exactly once into committed files (thread target)", async () => {
    for (const parallelism of [1, 3]) {
      const out = path.join(dir(), `p${parallelism}`);
      const env = StreamExecutionEnvironment.getExecutionEnvironment({
        target: "thread",
        parallelism,
      });
      env
        .fromSequence(1, 500)
        .map((n) => `line-${n}`)
        .sinkTo(
          FileSink.forRowFormat<string>(out, new SimpleStringEncoder())
            .withBucketAssigner(new BasePathBucketAssigner())
            .withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize(1024).build())
            .withOutputFileConfig(OutputFileConfig.builder().withPartSuffix(".log").build())
            .build(),
        )
        .name("Files");
      await env.execute(`file-sink-${parallelism}`);
      assert.deepEqual(hiddenFiles(out), []);
      const files = visibleFiles(out);
      assert.ok(files.length >= (500 * 8) / 1024, `${files.length} part files`);
      assert.ok(files.every((f) => /^part-[0-9a-f-]{36}-\d-\d+\.log$/.test(f)));
      const expected = Array.from({ length: 500 }, (_, i) => `line-${i + 1}`).sort();
      assert.deepEqual(visibleLines(out), expected);
    }
  });
});
