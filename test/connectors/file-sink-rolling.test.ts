/**
 * FileSink details on a manual clock: rolling by size, rollover and inactivity, on-checkpoint
 * rolling, date-time and custom buckets, part file names, encoding errors, and plain (non
 * two-phase) sinks still flushed on checkpoints.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  BasePathBucketAssigner,
  DateTimeBucketAssigner,
  DefaultRollingPolicy,
  FileSink,
  OnCheckpointRollingPolicy,
  OutputFileConfig,
  SimpleStringEncoder,
  type Sink,
  type SinkWriter,
} from "strom";
import { ManualTimerScheduler } from "../../src/core/time.ts";
import {
  hiddenFiles,
  openSink,
  simpleSink,
  useTempDir,
  visibleFiles,
  visibleLines,
  write,
} from "./file-sink-harness.ts";

const dir = useTempDir();

describe("FileSink: rolling, buckets, names, errors", () => {
  test("parts roll by size; rolled parts stay hidden until the commit", async () => {
    const sink = FileSink.forRowFormat<unknown>(dir(), new SimpleStringEncoder())
      .withBucketAssigner(new BasePathBucketAssigner())
      .withRollingPolicy(DefaultRollingPolicy.builder().withMaxPartSize(10).build())
      .build() as unknown as Sink<unknown>;
    const timers = new ManualTimerScheduler(0);
    const { op } = await openSink(sink, timers);
    write(op, "aaaa", "bbbb", "cccc", "dddd", "eeee");
    assert.equal(hiddenFiles(dir()).length, 3);
    assert.deepEqual(visibleFiles(dir()), []);
    await op.snapshotState(1, 0);
    await op.notifyCheckpointComplete(1);
    const files = visibleFiles(dir());
    assert.deepEqual(files.map((f) => fs.readFileSync(path.join(dir(), f), "utf8")).sort(), [
      "aaaa\nbbbb\n",
      "cccc\ndddd\n",
      "eeee\n",
    ]);
    assert.deepEqual(files.map((f) => f.split("-").at(-1)).sort(), ["0", "1", "2"]);
    await op.close();
  });

  test("parts roll on rollover and inactivity intervals (injected clock)", async () => {
    const sink = FileSink.forRowFormat<unknown>(dir(), new SimpleStringEncoder())
      .withBucketAssigner(new BasePathBucketAssigner())
      .withRollingPolicy(
        DefaultRollingPolicy.builder()
          .withRolloverInterval(1000)
          .withInactivityInterval(300)
          .build(),
      )
      .withBucketCheckInterval(100)
      .build() as unknown as Sink<unknown>;
    const timers = new ManualTimerScheduler(0);
    const { op } = await openSink(sink, timers);
    write(op, "t0");
    timers.advanceTo(250);
    write(op, "t250");
    timers.advanceTo(550); // idle since 250: rolls at the 600 check
    write(op, "t550");
    timers.advanceTo(650); // rolled [t0, t250, t550]? no: inactive only after 300 ms
    timers.advanceTo(900); // t550 + 300 = 850 -> rolled at 900
    write(op, "t900");
    for (let t = 1000; t <= 2000; t += 200) {
      timers.advanceTo(t);
      write(op, `t${t}`); // never idle: the rollover interval rolls it
    }
    await op.snapshotState(1, 0);
    await op.notifyCheckpointComplete(1);
    const contents = visibleFiles(dir())
      .map(
        (f) => [Number(f.split("-").at(-1)), fs.readFileSync(path.join(dir(), f), "utf8")] as const,
      )
      .sort((x, y) => x[0] - y[0])
      .map(([, c]) => c.trim().split("\n").join(","));
    assert.deepEqual(contents, ["t0,t250,t550", "t900,t1000,t1200,t1400,t1600,t1800", "t2000"]);
    await op.close();
  });

  test("on-checkpoint rolling keeps one part per bucket and checkpoint", async () => {
    const sink = FileSink.forRowFormat<unknown>(dir(), new SimpleStringEncoder())
      .withBucketAssigner(new BasePathBucketAssigner())
      .withRollingPolicy(OnCheckpointRollingPolicy.build())
      .build() as unknown as Sink<unknown>;
    const timers = new ManualTimerScheduler(0);
    const { op } = await openSink(sink, timers);
    for (let i = 0; i < 100; i++) write(op, i);
    timers.advanceTo(10 * 60_000);
    await op.snapshotState(1, 0);
    await op.notifyCheckpointComplete(1);
    assert.equal(visibleFiles(dir()).length, 1);
    assert.equal(visibleLines(dir()).length, 100);
    await op.close();
  });

  test("date-time buckets follow the injected processing time", async () => {
    const sink = FileSink.forRowFormat<unknown>(dir(), new SimpleStringEncoder())
      .withBucketAssigner(new DateTimeBucketAssigner(undefined, "UTC"))
      .build() as unknown as Sink<unknown>;
    const timers = new ManualTimerScheduler(Date.UTC(2024, 0, 2, 3, 59));
    const { op } = await openSink(sink, timers);
    write(op, "first");
    timers.advanceTo(Date.UTC(2024, 0, 2, 4, 0, 30));
    write(op, "second");
    await op.snapshotState(1, 0);
    await op.notifyCheckpointComplete(1);
    const files = visibleFiles(dir());
    assert.deepEqual(
      files.map((f) => path.dirname(f)),
      ["2024-01-02--03", "2024-01-02--04"],
    );
    assert.equal(fs.readFileSync(path.join(dir(), files[1]!), "utf8"), "second\n");
    await op.close();
  });

  test("custom buckets, date patterns, and bucket ids escaping the base are refused", async () => {
    assert.equal(
      new DateTimeBucketAssigner("yyyy/MM/dd'T'HH-mm", "UTC").format(Date.UTC(2023, 11, 31, 23, 5)),
      "2023/12/31T23-05",
    );
    assert.throws(() => new DateTimeBucketAssigner("yyyy-QQ"), /unsupported pattern letter 'Q'/);
    const sink = FileSink.forRowFormat<{ k: string; v: number }>(dir(), new SimpleStringEncoder())
      .withBucketAssigner({ getBucketId: (r) => `key=${r.k}/sub` })
      .build() as unknown as Sink<unknown>;
    const timers = new ManualTimerScheduler(0);
    const { op } = await openSink(sink, timers);
    write(op, { k: "a", v: 1 }, { k: "b", v: 2 }, { k: "a", v: 3 });
    await op.snapshotState(1, 0);
    await op.notifyCheckpointComplete(1);
    assert.deepEqual(
      visibleFiles(dir()).map((f) => path.dirname(f)),
      [path.join("key=a", "sub"), path.join("key=b", "sub")],
    );
    assert.deepEqual(visibleLines(path.join(dir(), "key=a")), [
      '{"k":"a","v":1}',
      '{"k":"a","v":3}',
    ]);
    await op.close();

    const bad = FileSink.forRowFormat<unknown>(dir(), new SimpleStringEncoder())
      .withBucketAssigner({ getBucketId: () => "../outside" })
      .build() as unknown as Sink<unknown>;
    const h = await openSink(bad, timers);
    assert.throws(
      () => write(h.op, "x"),
      /FileSink 'Files'.*bucket id '\.\.\/outside' must be a relative path/s,
    );
    await h.op.close();
  });

  test("prefix and suffix; two writer incarnations never share a name", async () => {
    const make = () =>
      FileSink.forRowFormat<unknown>(dir(), new SimpleStringEncoder())
        .withBucketAssigner(new BasePathBucketAssigner())
        .withOutputFileConfig(
          OutputFileConfig.builder().withPartPrefix("out").withPartSuffix(".txt").build(),
        )
        .build() as unknown as Sink<unknown>;
    const timers = new ManualTimerScheduler(0);
    const a = await openSink(make(), timers);
    const b = await openSink(make(), timers);
    write(a.op, "from a");
    write(b.op, "from b");
    assert.ok(
      hiddenFiles(dir()).every((f) => /^\.out-[0-9a-f-]{36}-0-0\.txt\.inprogress$/.test(f)),
    );
    for (const h of [a, b]) {
      await h.op.snapshotState(1, 0);
      await h.op.notifyCheckpointComplete(1);
      await h.op.close();
    }
    const files = visibleFiles(dir());
    assert.equal(files.length, 2);
    assert.ok(files.every((f) => /^out-[0-9a-f-]{36}-0-0\.txt$/.test(f)));
    assert.deepEqual(visibleLines(dir()), ["from a", "from b"]);
    assert.throws(
      () => OutputFileConfig.builder().withPartPrefix("a/b").build(),
      /path separators/,
    );
  });

  test("an unencodable record fails with an error naming the sink", async () => {
    const timers = new ManualTimerScheduler(0);
    const { op } = await openSink(simpleSink(dir()), timers);
    write(op, "fine");
    assert.throws(
      () => write(op, null),
      (e: Error) =>
        /FileSink 'Files' \(subtask 1\/1, .*\): cannot encode record null: cannot encode null/.test(
          e.message,
        ) && /in operator 'Files'/.test(e.message),
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => write(op, cyclic), /cannot encode record .*circular/i);
    await op.close();
  });

  test("a sink without two-phase commit is flushed on checkpoints as before", async () => {
    const log: string[] = [];
    const sink: Sink<unknown> = {
      createWriter(): SinkWriter<unknown> {
        return {
          write: (v) => log.push(`w:${String(v)}`),
          flush: (end) => void log.push(`flush:${end}`),
        };
      },
    };
    const timers = new ManualTimerScheduler(0);
    const { op } = await openSink(sink, timers);
    write(op, 1);
    await op.snapshotState(1, 0);
    await op.notifyCheckpointComplete(1);
    await op.finish();
    await op.close();
    assert.deepEqual(log, ["w:1", "flush:false", "flush:true"]);
  });
});
