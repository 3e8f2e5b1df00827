/**
 * Where records land after each partitioner, with 4 downstream subtasks. The landing subtask is
 * taken from the sink writer's context (a writer is created per subtask with its index), and, in
 * the dedicated test at the end, from a RichMapFunction's runtime context.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  JobExecutionError,
  RichMapFunction,
  WatermarkStrategy,
  type DataStream,
  type Partitioner,
  type StreamExecutionEnvironment,
} from "strom";
import { assignToKeyGroup, operatorIndexForKeyGroup } from "../../src/core/keygroups.ts";
import {
  RecordingSink,
  SubtaskTaggedSource,
  assertSameMultiset,
  keyOf,
  rejectionOf,
  threadEnv,
  within,
} from "./harness.ts";

const DOWNSTREAM = 4;

/** A source of `perSubtask` tagged records in each of `parallelism` subtasks. */
function tagged(env: StreamExecutionEnvironment, parallelism: number, perSubtask: number) {
  return env
    .fromSource(new SubtaskTaggedSource(perSubtask), WatermarkStrategy.noWatermarks(), "tagged")
    .setParallelism(parallelism);
}

/** Runs `partitioned` into a recording sink of parallelism 4 and returns the sink. */
async function land<T>(
  env: StreamExecutionEnvironment,
  partitioned: DataStream<T>,
  parallelism = DOWNSTREAM,
): Promise<RecordingSink<T>> {
  const sink = new RecordingSink<T>();
  partitioned.sinkTo(sink).setParallelism(parallelism);
  await within(env.execute(), 20_000, "job");
  return sink;
}

const counts = <T>(sink: RecordingSink<T>, n = DOWNSTREAM): number[] =>
  Array.from({ length: n }, (_, s) => sink.of(s).length);

describe("partitioners (4 downstream subtasks)", () => {
  test("rebalance: round robin, exactly even from each producer", async () => {
    for (const up of [1, 2, 4]) {
      const env = threadEnv(up);
      const sink = await land(env, tagged(env, up, 1000).rebalance());
      assert.deepEqual(counts(sink), [250 * up, 250 * up, 250 * up, 250 * up], `from ${up}`);
      // Round robin: consecutive records of a producer go to consecutive subtasks.
      for (let from = 0; from < up; from++) {
        const where = new Map<number, number>();
        for (const [s, r] of sink.landings()) if (r.from === from) where.set(r.seq, s);
        const offset = where.get(0)!;
        for (const [seq, s] of where) assert.equal(s, (seq + offset) % DOWNSTREAM);
      }
      assertSameMultiset(
        sink.all(),
        Array.from({ length: up * 1000 }, (_, i) => ({
          from: Math.floor(i / 1000),
          seq: i % 1000,
        })),
      );
    }
  });

  test("the default partitioner between different parallelisms is rebalance", async () => {
    const env = threadEnv(2);
    const sink = await land(env, tagged(env, 2, 400));
    assert.deepEqual(counts(sink), [200, 200, 200, 200]);
  });

  test("broadcast: every record reaches every subtask exactly once", async () => {
    for (const up of [1, 2, 3]) {
      const env = threadEnv(1);
      const sink = await land(env, tagged(env, up, 100).broadcast());
      const all = Array.from({ length: up * 100 }, (_, i) => ({
        from: Math.floor(i / 100),
        seq: i % 100,
      }));
      for (let s = 0; s < DOWNSTREAM; s++) assertSameMultiset(sink.of(s), all, `subtask ${s}`);
      // Per producer, the order is kept on every subtask.
      for (let s = 0; s < DOWNSTREAM; s++) {
        for (let from = 0; from < up; from++) {
          const seqs = sink
            .of(s)
            .filter((r) => r.from === from)
            .map((r) => r.seq);
          assert.deepEqual(
            seqs,
            [...seqs].sort((a, b) => a - b),
          );
        }
      }
    }
  });

  test("global: everything goes to subtask 0", async () => {
    for (const up of [1, 2, 4]) {
      const env = threadEnv(up);
      const sink = await land(env, tagged(env, up, 500).global());
      assert.deepEqual(counts(sink), [500 * up, 0, 0, 0]);
    }
  });

  test("shuffle: random but spread, every subtask gets some, nothing lost or duplicated", async () => {
    for (const up of [1, 2, 4]) {
      const env = threadEnv(up);
      const sink = await land(env, tagged(env, up, 4000).shuffle());
      const c = counts(sink);
      const total = 4000 * up;
      assert.equal(
        c.reduce((a, b) => a + b),
        total,
      );
      for (const n of c) {
        assert.ok(n > total / 4 / 2 && n < (total / 4) * 2, `roughly uniform: ${c.join(", ")}`);
      }
      assert.equal(new Set(sink.all().map(keyOf)).size, total, "no duplicates");
      // Not round robin: some consecutive records of a producer land on the same subtask.
      const firstProducer = sink
        .landings()
        .filter(([, r]) => r.from === 0)
        .sort((a, b) => a[1].seq - b[1].seq)
        .map(([s]) => s);
      let repeats = 0;
      for (let i = 1; i < firstProducer.length; i++)
        if (firstProducer[i] === firstProducer[i - 1]) repeats++;
      assert.ok(repeats > 0);
    }
  });

  test("rescale 2 -> 4 is pointwise: each producer feeds two subtasks, round robin", async () => {
    const env = threadEnv(2);
    const sink = await land(env, tagged(env, 2, 1000).rescale());
    const feeds = new Map<number, Set<number>>();
    for (const [s, r] of sink.landings())
      feeds.set(r.from, (feeds.get(r.from) ?? new Set()).add(s));
    assert.deepEqual([...feeds.get(0)!].sort(), [0, 1]);
    assert.deepEqual([...feeds.get(1)!].sort(), [2, 3]);
    assert.deepEqual(counts(sink), [500, 500, 500, 500]);
  });

  test("rescale 4 -> 2 is pointwise: each subtask reads two producers", async () => {
    const env = threadEnv(4);
    const sink = await land(env, tagged(env, 4, 300).rescale(), 2);
    const readsFrom = (s: number) => [...new Set(sink.of(s).map((r) => r.from))].sort();
    assert.deepEqual(readsFrom(0), [0, 1]);
    assert.deepEqual(readsFrom(1), [2, 3]);
    assert.deepEqual(counts(sink, 2), [600, 600]);
  });

  test("forward keeps every record in its subtask", async () => {
    const env = threadEnv(4);
    const sink = await land(
      env,
      tagged(env, 4, 300)
        .map((r) => r)
        .disableChaining()
        .forward(),
    );
    for (const [s, r] of sink.landings()) assert.equal(s, r.from);
    assert.deepEqual(counts(sink), [300, 300, 300, 300]);
  });

  test("partitionCustom honours the partitioner (function or object)", async () => {
    const byMod: Partitioner<number> = { partition: (k, n) => k % n };
    for (const partitioner of [byMod, (k: number, n: number) => (k * 3) % n]) {
      for (const up of [1, 2, 4]) {
        const env = threadEnv(up);
        const sink = await land(
          env,
          env.fromSequence(0, 999).partitionCustom(partitioner, (x: number) => x),
        );
        const expectedOf =
          typeof partitioner === "function" ? partitioner : (k: number) => byMod.partition(k, 4);
        for (const [s, x] of sink.landings()) assert.equal(s, expectedOf(x, DOWNSTREAM));
        assert.equal(sink.all().length, 1000);
      }
    }
  });

  test("partitionCustom: the partitioner sees the key, and numPartitions is the downstream parallelism", async () => {
    const seen: [string, number][] = [];
    const env = threadEnv(2);
    const sink = await land(
      env,
      env.fromElements("apple", "banana", "cherry", "date").partitionCustom(
        (key: string, n: number) => {
          seen.push([key, n]);
          return key.length % n;
        },
        (word: string) => word.toUpperCase(),
      ),
      3,
    );
    assertSameMultiset(seen, [
      ["APPLE", 3],
      ["BANANA", 3],
      ["CHERRY", 3],
      ["DATE", 3],
    ]);
    assert.deepEqual(sink.of(0), ["banana", "cherry"]);
    assert.deepEqual(sink.of(1), ["date"]);
    assert.deepEqual(sink.of(2), ["apple"]);
  });

  test("partitionCustom: an out-of-range partition is a clear error", async () => {
    for (const bad of [4, -1, 1.5, NaN]) {
      const env = threadEnv(2);
      const sink = new RecordingSink<number>();
      env
        .fromSequence(1, 100)
        .partitionCustom(
          (k: number) => (k === 50 ? bad : 0),
          (x: number) => x,
        )
        .map((x) => x)
        .name("target")
        .setParallelism(DOWNSTREAM)
        .sinkTo(sink);
      const e = await within(rejectionOf(env.execute()), 10_000, "execute()");
      assert.ok(e instanceof JobExecutionError, String(e));
      assert.match(e.message, /custom partitioner/);
      assert.ok(e.message.includes(`returned ${bad}`), e.message);
      assert.ok(e.message.includes("[0, 4)"), e.message);
      assert.ok(e.message.includes("'target'"), e.message);
    }
  });

  test("keyBy: equal keys land together, on the subtask owning the key's key group", async () => {
    const keyOfIndex = (i: number) => `key-${(i * 7919) % 101}`;
    for (const up of [1, 2, 4]) {
      const env = threadEnv(up);
      const sink = await land(
        env,
        env
          .fromSequence(0, 4999)
          .map(keyOfIndex)
          .keyBy((k) => k),
      );
      const where = new Map<string, Set<number>>();
      for (const [s, k] of sink.landings()) where.set(k, (where.get(k) ?? new Set()).add(s));
      assert.equal(where.size, 101);
      for (const [k, set] of where) {
        assert.equal(set.size, 1, `key ${k} on one subtask`);
        const expected = operatorIndexForKeyGroup(128, DOWNSTREAM, assignToKeyGroup(k, 128));
        assert.equal([...set][0], expected, `subtask of ${k}`);
      }
      assert.ok(
        counts(sink).every((n) => n > 0),
        "101 keys spread over all subtasks",
      );
    }
  });

  test("keyBy with composite keys and a custom max parallelism", async () => {
    const env = threadEnv(3).setMaxParallelism(16);
    const sink = await land(
      env,
      env
        .fromSequence(0, 1999)
        .map((i): [number, string] => [i % 13, ["a", "b", "c"][i % 3]!])
        .keyBy((t) => [t[0], t[1]]),
    );
    const seen = new Set<string>();
    for (const [s, t] of sink.landings()) {
      const expected = operatorIndexForKeyGroup(16, DOWNSTREAM, assignToKeyGroup([t[0], t[1]], 16));
      assert.equal(s, expected, `subtask of ${keyOf(t)}`);
      seen.add(keyOf(t));
    }
    assert.equal(seen.size, 39);
    assert.equal(sink.all().length, 2000);
  });

  test("keyBy routes by the consuming operator's own max parallelism", async () => {
    const env = threadEnv(2);
    const sink = await land(
      env,
      env
        .fromSequence(0, 999)
        .keyBy((x) => `k${x % 50}`)
        .map((x) => `k${x % 50}`)
        .setParallelism(DOWNSTREAM)
        .setMaxParallelism(8),
    );
    for (const [s, k] of sink.landings())
      assert.equal(s, operatorIndexForKeyGroup(8, DOWNSTREAM, assignToKeyGroup(k, 8)), k);
    assert.equal(sink.all().length, 1000);
  });

  test("a RichMapFunction after a partitioner sees the subtask the record landed on", async () => {
    // The brief's way of observing partitioning: getIndexOfThisSubtask() inside map().
    class Where extends RichMapFunction<number, [number, number]> {
      map(x: number): [number, number] {
        return [this.getRuntimeContext().getIndexOfThisSubtask(), x];
      }
    }
    const env = threadEnv(1);
    const sink = await land(
      env,
      env.fromSequence(0, 399).rebalance().map(new Where()).setParallelism(DOWNSTREAM),
    );
    const reported = new Map<number, number>();
    for (const [s, [ctxIndex]] of sink.landings()) {
      assert.equal(ctxIndex, s, "getIndexOfThisSubtask() equals the subtask the record is in");
      reported.set(ctxIndex, (reported.get(ctxIndex) ?? 0) + 1);
    }
    assert.deepEqual([...reported.keys()].sort(), [0, 1, 2, 3]);
  });
});
