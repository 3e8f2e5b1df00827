/**
 * Async I/O (AsyncDataStream): ordered and unordered results at parallelism 1, 2 and 4 with
 * requests completing in scrambled order, the capacity bound and the backpressure it applies,
 * no record lost at the end of input, rich functions' lifecycle, and the accepted function forms.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  AsyncDataStream,
  RichAsyncFunction,
  WatermarkStrategy,
  type AsyncFunction,
  type ResultFuture,
} from "strom";
import {
  PARALLELISMS,
  QueueSource,
  RecordingSink,
  SubtaskTaggedSource,
  assertSameMultiset,
  settle,
  threadEnv,
  within,
  type Tagged,
} from "./harness.ts";
import { Deferreds, afterHops, hopsFor, increasing, inversions } from "./async-io-support.ts";

type Out = { from: number; seq: number; part: number };

/** 0, 1 or 2 results per record (every fifth record has none), after scrambled delays. */
async function lookup(t: Tagged): Promise<Out[]> {
  await afterHops(hopsFor(t.seq + 31 * t.from), null);
  const n = t.seq % 5 === 0 ? 0 : t.seq % 5 === 1 ? 2 : 1;
  return Array.from({ length: n }, (_, part) => ({ from: t.from, seq: t.seq, part }));
}

function expectedOut(parallelism: number, perSubtask: number): Out[] {
  const out: Out[] = [];
  for (let from = 0; from < parallelism; from++)
    for (let seq = 0; seq < perSubtask; seq++) {
      const n = seq % 5 === 0 ? 0 : seq % 5 === 1 ? 2 : 1;
      for (let part = 0; part < n; part++) out.push({ from, seq, part });
    }
  return out;
}

async function runTagged(
  p: number,
  perSubtask: number,
  ordered: boolean,
  capacity: number,
): Promise<RecordingSink<Out>> {
  const env = threadEnv(p);
  const sink = new RecordingSink<Out>();
  const input = env.fromSource(
    new SubtaskTaggedSource(perSubtask),
    WatermarkStrategy.noWatermarks<Tagged>().withTimestampAssigner((t) => 1000 + t.seq),
    "tagged",
  );
  const wait = ordered ? AsyncDataStream.orderedWait : AsyncDataStream.unorderedWait;
  wait(input, lookup, 10_000, capacity).name("Lookup").sinkTo(sink);
  await within(env.execute(), 20_000, `async job at p=${p}`);
  return sink;
}

describe("AsyncDataStream", () => {
  test("orderedWait emits each subtask's results in input order, with the input's timestamps", async () => {
    for (const p of PARALLELISMS) {
      const sink = await runTagged(p, 600, true, 40);
      assertSameMultiset(sink.all(), expectedOut(p, 600), `parallelism ${p}`);
      for (const [s, log] of sink.subtasks) {
        const froms = new Set(log.records.map((r) => r.from));
        assert.equal(froms.size, 1, `subtask ${s} gets the records of one source subtask`);
        const keys = log.records.map((r) => r.seq * 2 + r.part);
        assert.ok(increasing(keys), `p=${p} subtask ${s}: results in input order`);
        assert.deepEqual(
          log.timestamps,
          log.records.map((r) => 1000 + r.seq),
          "results carry their input's timestamp",
        );
      }
    }
  });

  test("unorderedWait emits every result, in completion order", async () => {
    for (const p of PARALLELISMS) {
      const sink = await runTagged(p, 600, false, 40);
      assertSameMultiset(sink.all(), expectedOut(p, 600), `parallelism ${p}`);
      let inverted = 0;
      for (const log of sink.subtasks.values()) {
        inverted += inversions(log.records.map((r) => r.seq));
        assert.deepEqual(
          log.timestamps,
          log.records.map((r) => 1000 + r.seq),
        );
      }
      assert.ok(inverted > 0, `p=${p}: results overtook each other (${inverted} inversions)`);
    }
  });

  test("at most `capacity` requests are in flight per subtask, and no record is lost", async () => {
    for (const ordered of [true, false]) {
      for (const p of PARALLELISMS) {
        const inFlight = new Map<number, number>();
        const maxInFlight = new Map<number, number>();
        class Counting extends RichAsyncFunction<number, number> {
          async asyncInvoke(x: number): Promise<number[]> {
            const s = this.getRuntimeContext().getIndexOfThisSubtask();
            const now = (inFlight.get(s) ?? 0) + 1;
            inFlight.set(s, now);
            maxInFlight.set(s, Math.max(maxInFlight.get(s) ?? 0, now));
            await afterHops(hopsFor(x), null);
            inFlight.set(s, inFlight.get(s)! - 1);
            return [x];
          }
        }
        const env = threadEnv(p);
        const sink = new RecordingSink<number>();
        const n = 12_000;
        const wait = ordered ? AsyncDataStream.orderedWait : AsyncDataStream.unorderedWait;
        wait(env.fromSequence(0, n - 1), new Counting(), 60_000, 7).sinkTo(sink);
        await within(env.execute(), 20_000, `p=${p}`);
        const what = `${ordered ? "ordered" : "unordered"} p=${p}`;
        const got = sink.all();
        assert.equal(got.length, n, `${what}: every record's result arrived`);
        assert.equal(new Set(got).size, n, `${what}: each exactly once`);
        assert.equal(maxInFlight.size, p);
        for (const [s, max] of maxInFlight) {
          assert.ok(max <= 7, `${what} subtask ${s}: ${max} requests in flight > capacity 7`);
          assert.equal(max, 7, `${what} subtask ${s}: the capacity was used`);
        }
      }
    }
  });

  test("a full queue stops the task: requests start only as slots free up", async () => {
    for (const ordered of [true, false]) {
      const env = threadEnv(1);
      const source = new QueueSource<number>();
      const sink = new RecordingSink<number>();
      const requests = new Deferreds<number, number>();
      const fn: AsyncFunction<number, number> = {
        asyncInvoke: (x, future) => requests.add(x, future),
      };
      const wait = ordered ? AsyncDataStream.orderedWait : AsyncDataStream.unorderedWait;
      wait(env.fromSource(source, WatermarkStrategy.noWatermarks(), "queue"), fn, 0, 2).sinkTo(
        sink,
      );
      const client = await env.executeAsync();
      const done = client.getJobExecutionResult();
      await settle();
      source.push(0, 1, 2, 3, 4, 5);
      await settle();
      assert.deepEqual(requests.started, [0, 1], "only `capacity` requests were started");
      requests.get(1).complete([10]);
      await settle();
      if (ordered) {
        assert.deepEqual(sink.all(), [], "ordered: 1 waits for 0");
        assert.deepEqual(requests.started, [0, 1], "ordered: the slot of 1 is still taken");
      } else {
        assert.deepEqual(sink.all(), [10], "unordered: 1 is emitted at once");
        assert.deepEqual(requests.started, [0, 1, 2], "unordered: its slot went to 2");
      }
      requests.get(0).complete([0]);
      await settle();
      assert.deepEqual(sink.all(), ordered ? [0, 10] : [10, 0]);
      assert.deepEqual(requests.started, [0, 1, 2, 3], "the freed slots went to 2 and 3");
      source.end();
      for (const x of [3, 2, 4, 5]) {
        await settle();
        requests.get(x).complete([x * 10, x * 10 + 1]);
      }
      await within(done, 10_000, "job end");
      assert.deepEqual(requests.started, [0, 1, 2, 3, 4, 5]);
      assert.deepEqual(
        sink.all(),
        ordered ? [0, 10, 20, 21, 30, 31, 40, 41, 50, 51] : [10, 0, 30, 31, 20, 21, 40, 41, 50, 51],
      );
    }
  });

  test("a rich async function is opened before its first request and closed at the end", async () => {
    const opened: number[] = [];
    const closed: number[] = [];
    class Enrich extends RichAsyncFunction<number, string> {
      private prefix = "";
      override open(): void {
        const s = this.getRuntimeContext().getIndexOfThisSubtask();
        opened.push(s);
        this.prefix = `s${s}:`;
      }
      override close(): void {
        closed.push(this.getRuntimeContext().getIndexOfThisSubtask());
      }
      asyncInvoke(x: number, future: ResultFuture<string>): void {
        assert.notEqual(this.prefix, "", "open() ran before the request");
        void afterHops(hopsFor(x), null).then(() => future.complete([`${this.prefix}${x}`]));
      }
    }
    const env = threadEnv(2);
    const sink = new RecordingSink<string>();
    AsyncDataStream.unorderedWait(env.fromSequence(1, 200), new Enrich(), 5_000).sinkTo(sink);
    await within(env.execute(), 10_000, "rich job");
    assert.deepEqual(opened.sort(), [0, 1]);
    assert.deepEqual(closed.sort(), [0, 1]);
    assert.equal(sink.all().length, 200);
    for (const [s, log] of sink.subtasks)
      for (const r of log.records) assert.ok(r.startsWith(`s${s}:`), r);
  });

  test("accepts async lambdas, future-taking lambdas and objects returning promises", async () => {
    const env = threadEnv(1);
    const input = env.fromElements(1, 2, 3);
    const a = AsyncDataStream.orderedWait(input, async (x: number) => [`a${x}`], 1000);
    const b = AsyncDataStream.orderedWait(
      input,
      (x: number, rf: ResultFuture<string>) => {
        setImmediate(() => rf.complete(new Set([`b${x}`])));
      },
      1000,
    );
    const c = AsyncDataStream.orderedWait(
      input,
      { asyncInvoke: (x: number) => afterHops(3 - x, [`c${x}`, `c${x}!`]) },
      1000,
    );
    const d = AsyncDataStream.orderedWait<number, string>(input, async (_x: number) => {}, 1000);
    const sink = new RecordingSink<string>();
    a.union(b, c, d).sinkTo(sink);
    await within(env.execute(), 10_000, "lambda job");
    assertSameMultiset(
      sink.all(),
      ["a1", "a2", "a3", "b1", "b2", "b3"].concat(["c1", "c1!", "c2", "c2!", "c3", "c3!"]),
    );
  });

  test("invalid arguments are refused when the job is built", () => {
    const env = threadEnv(1);
    const input = env.fromElements(1);
    const fn = async (x: number) => [x];
    assert.throws(
      () => AsyncDataStream.orderedWait(input, fn, 100, 0),
      /capacity must be a positive integer/,
    );
    assert.throws(() => AsyncDataStream.unorderedWait(input, fn, -1), /timeout must be/);
    assert.throws(
      () => AsyncDataStream.orderedWait(input, {} as AsyncFunction<number, number>, 100),
      /expected an AsyncFunction/,
    );
  });
});
