/**
 * Accumulators added from rich functions in several subtasks come back merged in the job result.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DoubleCounter,
  Histogram,
  IntCounter,
  JobExecutionResult,
  ListAccumulator,
  LongCounter,
  MaxAccumulator,
  RichFilterFunction,
  RichFlatMapFunction,
  RichMapFunction,
  type Collector,
} from "strom";
import { PARALLELISMS, rejectionOf, threadEnv } from "./harness.ts";

const N = 3000;

/** Registers one accumulator of every built-in kind and feeds them from map(). */
class Measure extends RichMapFunction<number, number> {
  override open(): void {
    const ctx = this.getRuntimeContext();
    ctx.addAccumulator("records", new IntCounter());
    ctx.addAccumulator("sum", new LongCounter());
    ctx.addAccumulator("halves", new DoubleCounter());
    ctx.addAccumulator("max", new MaxAccumulator());
    ctx.addAccumulator("multiplesOf100", new ListAccumulator<number>());
    ctx.addAccumulator("mod3", new Histogram());
    ctx.addAccumulator("subtasks", new ListAccumulator<number>());
    ctx.getAccumulator<number, number[]>("subtasks")!.add(ctx.getIndexOfThisSubtask());
  }
  map(x: number): number {
    const ctx = this.getRuntimeContext();
    ctx.getAccumulator<number, number>("records")!.add(1);
    ctx.getAccumulator<number, number>("sum")!.add(x);
    ctx.getAccumulator<number, number>("halves")!.add(0.5);
    ctx.getAccumulator<number, number>("max")!.add(x);
    if (x % 100 === 0) ctx.getAccumulator<number, number[]>("multiplesOf100")!.add(x);
    ctx.getAccumulator<number | string, Record<string, number>>("mod3")!.add(`r${x % 3}`);
    return x;
  }
}

describe("accumulators", () => {
  test("built-in accumulators from every subtask are merged in the job result", async () => {
    for (const p of PARALLELISMS) {
      const env = threadEnv(p);
      env
        .fromSequence(1, N)
        .rebalance()
        .map(new Measure())
        .sinkTo(() => {});
      const result = await env.execute(`accumulators-${p}`);
      assert.ok(result instanceof JobExecutionResult);
      assert.equal(result.jobName, `accumulators-${p}`);
      assert.equal(result.getAccumulatorResult("records"), N, `records at ${p}`);
      assert.equal(result.getAccumulatorResult("sum"), (N * (N + 1)) / 2);
      assert.equal(result.getAccumulatorResult("halves"), N / 2);
      assert.equal(result.getAccumulatorResult("max"), N);
      assert.deepEqual(
        result.getAccumulatorResult<number[]>("multiplesOf100")!.sort((a, b) => a - b),
        Array.from({ length: N / 100 }, (_, i) => (i + 1) * 100),
      );
      assert.deepEqual(result.getAccumulatorResult("mod3"), { r0: N / 3, r1: N / 3, r2: N / 3 });
      // Each subtask registered its own accumulators.
      assert.deepEqual(
        result.getAccumulatorResult<number[]>("subtasks")!.sort(),
        Array.from({ length: p }, (_, i) => i),
      );
      assert.equal(result.getAccumulatorResult("missing"), undefined);
      assert.deepEqual(Object.keys(result.getAllAccumulatorResults()).sort(), [
        "halves",
        "max",
        "mod3",
        "multiplesOf100",
        "records",
        "subtasks",
        "sum",
      ]);
      assert.ok(result.getNetRuntime() > 0, `net runtime ${result.getNetRuntime()}`);
      assert.ok(Number.isFinite(result.getNetRuntime()));
    }
  });

  test("accumulators of the same name in different operators and vertices are merged", async () => {
    class CountIn extends RichFilterFunction<number> {
      private counter = new IntCounter();
      override open(): void {
        this.counter = new IntCounter();
        this.getRuntimeContext().addAccumulator("seen", this.counter);
      }
      filter(x: number): boolean {
        this.counter.add();
        return x % 2 === 0;
      }
    }
    class Explode extends RichFlatMapFunction<number, number> {
      private histogram = new Histogram();
      override open(): void {
        this.histogram = new Histogram();
        this.getRuntimeContext().addAccumulator("fanout", this.histogram);
      }
      flatMap(x: number, out: Collector<number>): void {
        const n = x % 4 === 0 ? 2 : 1;
        this.histogram.add(n);
        for (let i = 0; i < n; i++) out.collect(x);
      }
    }
    for (const p of PARALLELISMS) {
      const env = threadEnv(p);
      env
        .fromSequence(1, 1000)
        .filter(new CountIn())
        .rebalance()
        .flatMap(new Explode())
        .setParallelism(3)
        .keyBy((x) => x % 10)
        .filter(new CountIn())
        .sinkTo(() => {});
      const result = await env.execute();
      // 1000 records through the first filter, 500 + 250 through the second one.
      assert.equal(result.getAccumulatorResult("seen"), 1000 + 750, `seen at ${p}`);
      assert.deepEqual(result.getAccumulatorResult("fanout"), { 1: 250, 2: 250 });
    }
  });

  test("values added in close() are included; a job without accumulators has none", async () => {
    class CountAtClose extends RichMapFunction<number, number> {
      private local = 0;
      private counter = new IntCounter();
      override open(): void {
        this.local = 0;
        this.counter = new IntCounter();
        this.getRuntimeContext().addAccumulator("atClose", this.counter);
      }
      map(x: number): number {
        this.local++;
        return x;
      }
      override close(): void {
        this.counter.add(this.local);
        this.local = 0;
      }
    }
    for (const p of PARALLELISMS) {
      const env = threadEnv(p);
      env
        .fromSequence(1, 777)
        .map(new CountAtClose())
        .sinkTo(() => {});
      const result = await env.execute();
      assert.equal(result.getAccumulatorResult("atClose"), 777, `at ${p}`);
    }
    const env = threadEnv(2);
    env.fromSequence(1, 10).sinkTo(() => {});
    const result = await env.execute();
    assert.deepEqual(result.getAllAccumulatorResults(), {});
    assert.ok(result.getNetRuntime() > 0);
  });

  test("registering the same accumulator name twice in a task is a clear error", async () => {
    class Twice extends RichMapFunction<number, number> {
      override open(): void {
        this.getRuntimeContext().addAccumulator("dup", new IntCounter());
        this.getRuntimeContext().addAccumulator("dup", new IntCounter());
      }
      map(x: number): number {
        return x;
      }
    }
    const env = threadEnv(2);
    env.fromSequence(1, 10).map(new Twice()).name("twice").print();
    const e = await rejectionOf(env.execute());
    assert.ok(e instanceof Error);
    assert.match(e.message, /accumulator 'dup' is already registered/);
  });

  test("a subclass of a built-in accumulator is merged like its base class", async () => {
    // Flink merges every accumulator with its own merge(); a user subclass of IntCounter must
    // give a number, not one value per subtask.
    class RecordCounter extends IntCounter {}
    class Count extends RichMapFunction<number, number> {
      override open(): void {
        this.getRuntimeContext().addAccumulator("recordCounter", new RecordCounter());
      }
      map(x: number): number {
        this.getRuntimeContext().getAccumulator<number, number>("recordCounter")!.add(1);
        return x;
      }
    }
    for (const p of PARALLELISMS) {
      const env = threadEnv(p);
      env
        .fromSequence(1, 100)
        .map(new Count())
        .sinkTo(() => {});
      const result = await env.execute();
      assert.equal(result.getAccumulatorResult("recordCounter"), 100, `at parallelism ${p}`);
    }
  });

  test("accumulator classes merge, clone and reset as documented", () => {
    const a = new IntCounter(2);
    const b = new IntCounter();
    b.add();
    b.add(4);
    a.merge(b);
    assert.equal(a.getLocalValue(), 7);
    const c = a.clone();
    a.resetLocal();
    assert.equal(a.getLocalValue(), 0);
    assert.equal(c.getLocalValue(), 7);
    assert.ok(new LongCounter(3).clone() instanceof LongCounter);
    assert.ok(new DoubleCounter(0.5).clone() instanceof DoubleCounter);

    const m = new MaxAccumulator();
    assert.equal(m.getLocalValue(), -Infinity);
    m.add(3);
    const m2 = new MaxAccumulator();
    m2.add(9);
    m.merge(m2);
    assert.equal(m.clone().getLocalValue(), 9);

    const l = new ListAccumulator<string>();
    l.add("x");
    const l2 = l.clone();
    l2.add("y");
    assert.deepEqual(l.getLocalValue(), ["x"], "a clone is independent");
    l.merge(l2);
    assert.deepEqual(l.getLocalValue(), ["x", "x", "y"]);

    const h = new Histogram();
    h.add(1);
    h.add("1");
    h.add(2);
    const h2 = h.clone();
    h2.add(2);
    h.merge(h2);
    assert.deepEqual(h.getLocalValue(), { 1: 4, 2: 3 });
    h.resetLocal();
    assert.deepEqual(h.getLocalValue(), {});
  });
});
