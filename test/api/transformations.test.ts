/**
 * Semantics of the stateless DataStream transformations, sources, union, connect and process
 * functions, run on the in-thread target at parallelism 1, 2 and 4.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CoProcessFunction,
  DataGeneratorSource,
  JobExecutionError,
  OutputTag,
  ProcessFunction,
  RichCoFlatMapFunction,
  RichCoMapFunction,
  RichFilterFunction,
  RichFlatMapFunction,
  RichMapFunction,
  WatermarkStrategy,
  type Collector,
  type CoFlatMapFunction,
  type CoMapFunction,
  type FilterFunction,
  type FlatMapFunction,
  type MapFunction,
  type OpenContext,
  type ProcessContext,
  type RuntimeContext,
} from "strom";
import {
  PARALLELISMS,
  RecordingSink,
  assertSameAtEachParallelism,
  assertSameMultiset,
  causeChain,
  rejectionOf,
  threadEnv,
} from "./harness.ts";

const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

// ---------------------------------------------------------------------------------------------
// map, flatMap, filter

describe("map, flatMap and filter", () => {
  const input = range(1, 3000);
  const expected = input
    .map((x) => x * 3)
    .filter((x) => x % 2 === 0)
    .flatMap((x) => (x % 4 === 0 ? [x, -x] : [x]));

  test("lambdas: same records at parallelism 1, 2 and 4; in order at parallelism 1", async () => {
    const results = await assertSameAtEachParallelism(
      (p) =>
        threadEnv(p)
          .fromSequence(1, 3000)
          .map((x) => x * 3)
          .filter((x) => x % 2 === 0)
          .flatMap((x: number, out: Collector<number>) => {
            out.collect(x);
            if (x % 4 === 0) out.collect(-x);
          })
          .executeAndCollect(),
      expected,
    );
    assert.deepEqual(results.get(1), expected, "a parallelism-1 pipeline keeps the order");
  });

  test("Flink-style function objects and classes (methods see their own fields)", async () => {
    class Multiply implements MapFunction<number, number> {
      private readonly factor: number;
      constructor(factor: number) {
        this.factor = factor;
      }
      map(value: number): number {
        return value * this.factor;
      }
    }
    const even: FilterFunction<number> & { modulus: number } = {
      modulus: 2,
      filter(value) {
        return value % this.modulus === 0;
      },
    };
    class Mirror implements FlatMapFunction<number, number> {
      private readonly every = 4;
      flatMap(value: number, out: Collector<number>): void {
        out.collect(value);
        if (value % this.every === 0) out.collect(-value);
      }
    }
    const results = await assertSameAtEachParallelism(
      (p) =>
        threadEnv(p)
          .fromSequence(1, 3000)
          .map(new Multiply(3))
          .filter(even)
          .flatMap(new Mirror())
          .executeAndCollect(),
      expected,
    );
    assert.deepEqual(results.get(1), expected);
  });

  test("map can change the type; flatMap can emit nothing or many; filter can drop all", async () => {
    await assertSameAtEachParallelism(
      (p) =>
        threadEnv(p)
          .fromElements("a b", "", "c d e", " ")
          .flatMap((line: string, out: Collector<string>) => {
            for (const w of line.split(" ")) if (w) out.collect(w);
          })
          .map((w) => ({ word: w, length: w.length }))
          .executeAndCollect(),
      ["a", "b", "c", "d", "e"].map((w) => ({ word: w, length: 1 })),
    );
    await assertSameAtEachParallelism(
      (p) =>
        threadEnv(p)
          .fromSequence(1, 500)
          .filter(() => false)
          .executeAndCollect(),
      [],
    );
  });

  test("function objects without the method are rejected when the job is defined", () => {
    const s = threadEnv(1).fromSequence(1, 2);
    assert.throws(() => s.map({} as never), TypeError);
    assert.throws(() => s.flatMap({ map: () => 1 } as never), /FlatMapFunction/);
    assert.throws(() => s.filter(null as never), /FilterFunction/);
    assert.throws(() => s.keyBy({} as never), /KeySelector/);
  });
});

// ---------------------------------------------------------------------------------------------
// Rich functions

interface LifecycleEvent {
  fn: string;
  event: "open" | "close";
  subtask: number;
  parallelism: number;
  maxParallelism: number;
  taskName: string;
  jobName: string;
  attempt: number;
}

/**
 * Lifecycle calls of the Logging* functions below. Module-level on purpose: like in Flink, each
 * subtask may run its own copy of a function object, so a log kept in a field would be copied too.
 */
const LIFECYCLE: LifecycleEvent[] = [];

/** Records open/close with what the runtime context says at that moment. */
function record(fn: string, event: "open" | "close", ctx: RuntimeContext): void {
  LIFECYCLE.push({
    fn,
    event,
    subtask: ctx.getIndexOfThisSubtask(),
    parallelism: ctx.getNumberOfParallelSubtasks(),
    maxParallelism: ctx.getMaxNumberOfParallelSubtasks(),
    taskName: ctx.getTaskName(),
    jobName: ctx.getJobName(),
    attempt: ctx.getAttemptNumber(),
  });
}

class LoggingMap extends RichMapFunction<number, number> {
  private ready = false;
  override async open(_ctx: OpenContext): Promise<void> {
    // An asynchronous open must complete before the first record.
    await new Promise((resolve) => setImmediate(resolve));
    const ctx = this.getRuntimeContext();
    assert.equal(ctx.getTaskInfo().getIndexOfThisSubtask(), ctx.getIndexOfThisSubtask());
    record("map", "open", ctx);
    this.ready = true;
  }
  map(value: number): number {
    if (!this.ready) throw new Error("map() called before open() completed");
    return value + 1;
  }
  override close(): void {
    record("map", "close", this.getRuntimeContext());
  }
}

class LoggingFilter extends RichFilterFunction<number> {
  override open(): void {
    record("filter", "open", this.getRuntimeContext());
  }
  filter(value: number): boolean {
    return value % 3 !== 0;
  }
  override close(): void {
    record("filter", "close", this.getRuntimeContext());
  }
}

class LoggingFlatMap extends RichFlatMapFunction<number, number> {
  override open(): void {
    record("flatMap", "open", this.getRuntimeContext());
  }
  flatMap(value: number, out: Collector<number>): void {
    out.collect(value);
    out.collect(value * 1000);
  }
  override close(): void {
    record("flatMap", "close", this.getRuntimeContext());
  }
}

describe("rich functions", () => {
  test("open and close run exactly once per subtask, with the right runtime context", async () => {
    for (const p of PARALLELISMS) {
      LIFECYCLE.length = 0;
      const env = threadEnv(p);
      const out = await env
        .fromSequence(1, 600)
        .rebalance()
        .map(new LoggingMap())
        .name("my-rich-map")
        .filter(new LoggingFilter())
        .name("my-rich-filter")
        .flatMap(new LoggingFlatMap())
        .name("my-rich-flatmap")
        .setParallelism(3)
        .executeAndCollect("rich-job");
      const expected = range(2, 601)
        .filter((x) => x % 3 !== 0)
        .flatMap((x) => [x, x * 1000]);
      assertSameMultiset(out, expected, `records at parallelism ${p}`);

      for (const [fn, parallelism, name] of [
        ["map", p, "my-rich-map"],
        ["filter", p, "my-rich-filter"],
        ["flatMap", 3, "my-rich-flatmap"],
      ] as const) {
        for (const event of ["open", "close"] as const) {
          const events = LIFECYCLE.filter((e) => e.fn === fn && e.event === event);
          assert.deepEqual(
            events.map((e) => e.subtask).sort(),
            range(0, parallelism - 1),
            `${fn}.${event}() once per subtask at parallelism ${p}`,
          );
          for (const e of events) {
            assert.equal(e.parallelism, parallelism);
            assert.equal(e.maxParallelism, 128);
            assert.equal(e.jobName, "rich-job");
            assert.equal(e.attempt, 0);
            assert.ok(e.taskName.includes(name), `task name '${e.taskName}' names '${name}'`);
          }
        }
        // Per subtask, open comes before close.
        for (let s = 0; s < parallelism; s++) {
          const open = LIFECYCLE.findIndex(
            (e) => e.fn === fn && e.subtask === s && e.event === "open",
          );
          const close = LIFECYCLE.findIndex(
            (e) => e.fn === fn && e.subtask === s && e.event === "close",
          );
          assert.ok(open < close, `${fn} subtask ${s}: open before close`);
        }
      }
    }
  });

  test("function objects with #private fields or built-ins (Intl, URL) in fields work at every parallelism", async () => {
    class PrivateCounter extends RichMapFunction<number, number> {
      #count = 0;
      map(v: number): number {
        this.#count++;
        return this.#count > 0 ? v : -1;
      }
    }
    class Formatting extends RichMapFunction<number, string> {
      private readonly format = new Intl.NumberFormat("en-US");
      private readonly base = new URL("https://example.com/items/");
      map(v: number): string {
        return new URL(this.format.format(v * 1000), this.base).pathname;
      }
    }
    const failures: string[] = [];
    for (const p of PARALLELISMS) {
      for (const [what, run, expected] of [
        [
          "#private field",
          () => threadEnv(p).fromSequence(1, 20).map(new PrivateCounter()).executeAndCollect(),
          range(1, 20),
        ],
        [
          "Intl.NumberFormat and URL fields",
          () => threadEnv(p).fromSequence(1, 20).map(new Formatting()).executeAndCollect(),
          range(1, 20).map((v) => `/items/${(v * 1000).toLocaleString("en-US")}`),
        ],
      ] as const) {
        try {
          assertSameMultiset(await run(), expected as readonly unknown[]);
        } catch (e) {
          failures.push(`${what} at parallelism ${p}: ${(e as Error).message.split("\n")[0]}`);
        }
      }
    }
    assert.deepEqual(failures, []);
  });

  test("getRuntimeContext() before open() throws a clear error", () => {
    const fn = new LoggingMap();
    assert.throws(() => fn.getRuntimeContext(), /not been initialized/);
  });

  test("in map(), getRuntimeContext() and instance fields belong to the subtask processing the record", async () => {
    // Flink gives every parallel instance its own copy of the function object, so both the
    // runtime context and fields set in open() are per subtask.
    const closedAs: number[] = [];
    const openedAfterAwait: number[] = [];
    class WhereAmI extends RichMapFunction<number, [number, number, number]> {
      private openedAs = -1;
      private afterAwait = -1;
      private seen = 0;
      override async open(): Promise<void> {
        this.openedAs = this.getRuntimeContext().getIndexOfThisSubtask();
        await new Promise((resolve) => setImmediate(resolve));
        this.afterAwait = this.getRuntimeContext().getIndexOfThisSubtask();
        openedAfterAwait.push(this.afterAwait);
      }
      override close(): void {
        closedAs.push(this.getRuntimeContext().getIndexOfThisSubtask());
      }
      map(_value: number): [number, number, number] {
        this.seen++;
        return [this.getRuntimeContext().getIndexOfThisSubtask(), this.openedAs, this.seen];
      }
    }
    for (const p of PARALLELISMS) {
      closedAs.length = 0;
      openedAfterAwait.length = 0;
      const sink = new RecordingSink<[number, number, number]>();
      const env = threadEnv(p);
      env.fromSequence(1, 400).rebalance().map(new WhereAmI()).sinkTo(sink);
      await env.execute();
      assert.equal(sink.subtasks.size, p);
      for (const [writer, records] of [...sink.subtasks].map(([s, l]) => [s, l.records] as const)) {
        assert.ok(records.length > 0);
        for (const [ctxIndex, openedAs] of records) {
          assert.equal(ctxIndex, writer, `getIndexOfThisSubtask() in map() at parallelism ${p}`);
          assert.equal(openedAs, writer, `field set in open() at parallelism ${p}`);
        }
        assert.deepEqual(
          records.map((r) => r[2]),
          range(1, records.length),
          `a per-subtask counter field at parallelism ${p}`,
        );
      }
      assert.deepEqual(
        openedAfterAwait.sort(),
        range(0, p - 1),
        `contexts after an await in open() at parallelism ${p}`,
      );
      assert.deepEqual(closedAs.sort(), range(0, p - 1), `close() contexts at parallelism ${p}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Sources

describe("sources", () => {
  test("fromElements and fromCollection: non-parallel, order kept, input copied", async () => {
    const elements = [{ id: 3 }, { id: 1 }, { id: 2 }, { id: 1 }];
    for (const p of PARALLELISMS) {
      const env = threadEnv(p);
      const s = env.fromElements(...elements);
      assert.equal(s.getParallelism(), 1);
      // A parallelism-1 sink directly after the source keeps the order.
      const sink = new RecordingSink<{ id: number }>();
      s.sinkTo(sink).setParallelism(1);
      await env.execute();
      assert.deepEqual(sink.all(), elements);
    }
    const list = [5, 6, 7];
    const env = threadEnv(2);
    const s = env.fromCollection(list);
    list.push(8); // later changes to the array do not reach the job
    assertSameMultiset(await s.map((x) => x * 2).executeAndCollect(), [10, 12, 14]);
    assert.deepEqual(await threadEnv(1).fromCollection([]).executeAndCollect(), []);
  });

  test("fromSequence: inclusive bounds, negative numbers, parallel splits", async () => {
    const results = await assertSameAtEachParallelism(
      (p) => threadEnv(p).fromSequence(-50, 949).executeAndCollect(),
      range(-50, 949),
    );
    assert.deepEqual(results.get(1), range(-50, 949));
    await assertSameAtEachParallelism(
      (p) => threadEnv(p).fromSequence(7, 7).executeAndCollect(),
      [7],
    );
    assert.throws(() => threadEnv(1).fromSequence(5, 4), RangeError);
  });

  test("DataGeneratorSource: every index exactly once, split over the source subtasks", async () => {
    await assertSameAtEachParallelism(
      (p) =>
        threadEnv(p)
          .fromSource(
            new DataGeneratorSource((i) => `record-${i}`, 2500),
            WatermarkStrategy.noWatermarks(),
            "generator",
          )
          .executeAndCollect(),
      range(0, 2499).map((i) => `record-${i}`),
    );
    // The source's parallelism can differ from the environment's.
    await assertSameAtEachParallelism(
      async (p) => {
        const env = threadEnv(p);
        return env
          .fromSource(new DataGeneratorSource((i) => i, 100), WatermarkStrategy.noWatermarks(), "g")
          .setParallelism(3)
          .map((x) => x + 1)
          .executeAndCollect();
      },
      range(1, 100),
    );
  });

  test("readTextFile: lines of a file and of every file in a directory", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strom-transformations-"));
    try {
      const a = ["alpha", "", "beta gamma", "δέλτα 😀"];
      const b = Array.from({ length: 1500 }, (_, i) => `line ${i}`);
      fs.writeFileSync(path.join(dir, "a.txt"), a.join("\r\n") + "\r\n");
      fs.writeFileSync(path.join(dir, "b.txt"), b.join("\n"));
      const results = await assertSameAtEachParallelism(
        (p) => threadEnv(p).readTextFile(dir).executeAndCollect(),
        [...a, ...b],
      );
      assert.deepEqual(results.get(1), [...a, ...b], "file order, then line order");
      await assertSameAtEachParallelism(
        (p) =>
          threadEnv(p)
            .readTextFile(path.join(dir, "a.txt"))
            .filter((l) => l.length > 0)
            .map((l) => l.toUpperCase())
            .executeAndCollect(),
        ["ALPHA", "BETA GAMMA", "ΔΈΛΤΑ 😀"],
      );
      // A missing path fails the job submission with the path in the message.
      const missing = path.join(dir, "nope.txt");
      const env = threadEnv(1);
      env.readTextFile(missing).print();
      const e = await rejectionOf(env.execute());
      assert.ok(e instanceof Error && e.message.includes(missing), String(e));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------
// union and connect

describe("union", () => {
  test("of three streams with different parallelisms", async () => {
    const expected = [
      ...["x", "y", "z"],
      ...range(100, 399).map(String),
      ...range(0, 49).map((i) => `g${i}`),
    ];
    await assertSameAtEachParallelism(async (p) => {
      const env = threadEnv(p);
      const a = env.fromElements("x", "y", "z"); // parallelism 1
      const b = env.fromSequence(100, 399).map((x) => String(x)); // parallelism p
      const c = env
        .fromSource(new DataGeneratorSource((i) => i, 50), WatermarkStrategy.noWatermarks(), "g")
        .setParallelism(3)
        .map((i) => `g${i}`)
        .setParallelism(3);
      return a
        .union(b, c)
        .map((s) => s)
        .executeAndCollect();
    }, expected);
  });

  test("feeding a keyed reduce, and a stream unioned with itself is read twice", async () => {
    await assertSameAtEachParallelism(
      async (p) => {
        const env = threadEnv(p, { runtimeMode: "BATCH" });
        const a = env.fromSequence(1, 100).map((x) => ["odd-even", x] as [string, number]);
        const b = env.fromElements<[string, number]>(["odd-even", 1000], ["other", 1]);
        return a
          .union(b)
          .keyBy((t) => t[0])
          .sum(1)
          .executeAndCollect();
      },
      [
        ["odd-even", 5050 + 1000],
        ["other", 1],
      ],
    );
    await assertSameAtEachParallelism(
      async (p) => {
        const s = threadEnv(p).fromSequence(1, 50);
        return s.union(s).executeAndCollect();
      },
      [...range(1, 50), ...range(1, 50)],
    );
  });

  test("streams of another environment are rejected", () => {
    const a = threadEnv(1).fromSequence(1, 2);
    const b = threadEnv(1).fromSequence(1, 2);
    assert.throws(() => a.union(b), /same environment/);
    assert.throws(() => a.connect(b), /same environment/);
  });
});

describe("connect", () => {
  test("CoMapFunction (object and rich class) maps each input with its own method", async () => {
    const expected = [
      ...range(1, 300).map((x) => `n${x * 2}`),
      ...["a", "bb", "ccc"].map((s) => `s${s.length}`),
    ];
    const coMap: CoMapFunction<number, string, string> = {
      map1: (n) => `n${n * 2}`,
      map2: (s) => `s${s.length}`,
    };
    await assertSameAtEachParallelism(async (p) => {
      const env = threadEnv(p);
      return env
        .fromSequence(1, 300)
        .connect(env.fromElements("a", "bb", "ccc"))
        .map(coMap)
        .executeAndCollect();
    }, expected);

    for (const p of PARALLELISMS) {
      const opened: number[] = [];
      const closed: number[] = [];
      class RichCo extends RichCoMapFunction<number, string, string> {
        override open(): void {
          opened.push(this.getRuntimeContext().getIndexOfThisSubtask());
        }
        map1(n: number): string {
          return `n${n * 2}`;
        }
        map2(s: string): string {
          return `s${s.length}`;
        }
        override close(): void {
          closed.push(0);
        }
      }
      const env = threadEnv(p);
      const out = await env
        .fromSequence(1, 300)
        .connect(env.fromElements("a", "bb", "ccc"))
        .map(new RichCo())
        .executeAndCollect();
      assertSameMultiset(out, expected);
      assert.deepEqual(opened.sort(), range(0, p - 1));
      assert.equal(closed.length, p);
    }
  });

  test("CoFlatMapFunction emits zero or more records per input record", async () => {
    class Split implements CoFlatMapFunction<string, number, string> {
      flatMap1(line: string, out: Collector<string>): void {
        for (const w of line.split(" ")) if (w) out.collect(w);
      }
      flatMap2(n: number, out: Collector<string>): void {
        for (let i = 0; i < n % 3; i++) out.collect(`#${n}`);
      }
    }
    const expected = [
      "to",
      "be",
      "or",
      "not",
      ...range(1, 30).flatMap((n) => Array.from({ length: n % 3 }, () => `#${n}`)),
    ];
    await assertSameAtEachParallelism(async (p) => {
      const env = threadEnv(p);
      return env
        .fromElements("to be", "", "or not")
        .connect(env.fromSequence(1, 30))
        .flatMap(new Split())
        .executeAndCollect();
    }, expected);

    // A rich co-flat-map is opened and closed once per subtask.
    let opens = 0;
    let closes = 0;
    class RichSplit extends RichCoFlatMapFunction<string, number, string> {
      override open(): void {
        opens++;
      }
      flatMap1(line: string, out: Collector<string>): void {
        out.collect(line);
      }
      flatMap2(n: number, out: Collector<string>): void {
        out.collect(String(n));
      }
      override close(): void {
        closes++;
      }
    }
    const env = threadEnv(4);
    const out = await env
      .fromElements("x")
      .connect(env.fromSequence(1, 3))
      .flatMap(new RichSplit())
      .executeAndCollect();
    assertSameMultiset(out, ["x", "1", "2", "3"]);
    assert.equal(opens, 4);
    assert.equal(closes, 4);
  });

  test("CoProcessFunction with side outputs; keyed connect brings equal keys together", async () => {
    const rejected = new OutputTag<string>("rejected");
    class Join extends CoProcessFunction<[string, number], [string, string], string> {
      processElement1(v: [string, number], ctx: ProcessContext, out: Collector<string>): void {
        assert.equal(ctx.timestamp(), null);
        if (v[1] < 0) ctx.output(rejected, `negative ${v[0]}`);
        else out.collect(`${v[0]}=${v[1]}`);
      }
      processElement2(v: [string, string], ctx: ProcessContext, out: Collector<string>): void {
        assert.equal(ctx.timestamp(), null);
        out.collect(`${v[0]}:${v[1]}`);
      }
    }
    const keys = range(0, 19).map((i) => `k${i}`);
    const numbers: [string, number][] = range(0, 199).map((i) => [
      keys[i % 20]!,
      i % 7 === 0 ? -i : i,
    ]);
    const labels: [string, string][] = keys.map((k) => [k, `label-${k}`]);
    for (const p of PARALLELISMS) {
      const env = threadEnv(p);
      const main = new RecordingSink<string>();
      const side = new RecordingSink<string>();
      const joined = env
        .fromCollection(numbers)
        .connect(env.fromCollection(labels))
        .keyBy(
          (v) => v[0],
          (v) => v[0],
        )
        .process(new Join())
        .name("join");
      joined.sinkTo(main);
      joined.getSideOutput(rejected).sinkTo(side);
      await env.execute();
      assertSameMultiset(main.all(), [
        ...numbers.filter((n) => n[1] >= 0).map((n) => `${n[0]}=${n[1]}`),
        ...labels.map((l) => `${l[0]}:${l[1]}`),
      ]);
      assertSameMultiset(
        side.all(),
        numbers.filter((n) => n[1] < 0).map((n) => `negative ${n[0]}`),
      );
      // The sink is chained to the co-process operator: where a record lands is where it was
      // processed. Both inputs' records of a key meet in one subtask.
      const subtaskOfKey = new Map<string, Set<number>>();
      for (const [s, r] of main.landings()) {
        const k = r.split(/[=:]/)[0]!;
        const set = subtaskOfKey.get(k) ?? new Set();
        set.add(s);
        subtaskOfKey.set(k, set);
      }
      assert.equal(subtaskOfKey.size, 20);
      for (const [k, set] of subtaskOfKey) assert.equal(set.size, 1, `key ${k} in one subtask`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// ProcessFunction: side outputs, timestamps, timers

describe("ProcessFunction", () => {
  const evens = new OutputTag<number>("evens");
  const threes = new OutputTag<string>("threes");
  const ignored = new OutputTag<number>("nobody-listens");

  class Route extends ProcessFunction<number, number> {
    processElement(value: number, ctx: ProcessContext, out: Collector<number>): void {
      if (value % 2 === 0) ctx.output(evens, value);
      if (value % 3 === 0) ctx.output(threes, `three:${value}`);
      ctx.output(ignored, value);
      out.collect(value * 10);
    }
  }

  test("two side outputs next to the main output; an unconsumed side output is dropped", async () => {
    const input = range(1, 1200);
    for (const p of PARALLELISMS) {
      const env = threadEnv(p);
      const routed = env.fromSequence(1, 1200).process(new Route()).name("route");
      const main = new RecordingSink<number>();
      const evenSink = new RecordingSink<number>();
      const threeSink = new RecordingSink<string>();
      routed.sinkTo(main);
      // Two tags with the same id denote the same side output.
      routed.getSideOutput(new OutputTag<number>("evens")).sinkTo(evenSink);
      // A consumer of another parallelism (not chained) and a second consumer of a side output.
      const threeSink2 = new RecordingSink<string>();
      routed
        .getSideOutput(threes)
        .map((s) => s)
        .setParallelism(3)
        .sinkTo(threeSink)
        .setParallelism(3);
      routed.getSideOutput(threes).sinkTo(threeSink2);
      await env.execute();
      for (const sink of [main, evenSink, threeSink, threeSink2]) {
        for (const log of sink.subtasks.values()) {
          assert.equal(log.endOfInputFlushes, 1, "one end-of-input flush per writer");
          assert.ok(log.closed, "every writer is closed");
        }
      }
      assertSameMultiset(
        main.all(),
        input.map((x) => x * 10),
        `main at ${p}`,
      );
      assertSameMultiset(
        evenSink.all(),
        input.filter((x) => x % 2 === 0),
        `evens at ${p}`,
      );
      const expectedThrees = input.filter((x) => x % 3 === 0).map((x) => `three:${x}`);
      assertSameMultiset(threeSink.all(), expectedThrees, `threes at ${p}`);
      assertSameMultiset(threeSink2.all(), expectedThrees, `threes (2nd consumer) at ${p}`);
    }
  });

  test("side outputs only: the main output may be left unconsumed", async () => {
    await assertSameAtEachParallelism(
      async (p) => {
        const env = threadEnv(p);
        return env
          .fromSequence(1, 100)
          .process(new Route())
          .getSideOutput(evens)
          .executeAndCollect();
      },
      range(1, 100).filter((x) => x % 2 === 0),
    );
  });

  test("ctx.timestamp() is null without timestamps", async () => {
    class Stamp extends ProcessFunction<number, number | null> {
      processElement(_v: number, ctx: ProcessContext, out: Collector<number | null>): void {
        out.collect(ctx.timestamp());
      }
    }
    await assertSameAtEachParallelism(
      (p) => threadEnv(p).fromSequence(1, 50).process(new Stamp()).executeAndCollect(),
      Array.from({ length: 50 }, () => null),
    );
  });

  test("ctx.timestamp() carries the assigned event time, across chains and shuffles", async () => {
    interface Ev {
      id: number;
      ts: number;
    }
    class Stamp extends ProcessFunction<Ev, [number, number | null]> {
      processElement(v: Ev, ctx: ProcessContext, out: Collector<[number, number | null]>): void {
        out.collect([v.id, ctx.timestamp()]);
      }
    }
    const events: Ev[] = range(0, 299).map((i) => ({ id: i, ts: 1_700_000_000_000 + i * 10 }));
    const expected = events.map((e): [number, number] => [e.id, e.ts]);
    for (const p of PARALLELISMS) {
      const env = threadEnv(p);
      const stamped = env
        .fromCollection(events)
        .assignTimestampsAndWatermarks(
          WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts),
        );
      // Chained directly after the assigner...
      const direct = new RecordingSink<[number, number | null]>();
      stamped.process(new Stamp()).sinkTo(direct);
      // ...after a map and a network exchange...
      const shuffled = new RecordingSink<[number, number | null]>();
      stamped
        .map((e) => ({ ...e }))
        .rebalance()
        .process(new Stamp())
        .sinkTo(shuffled);
      // ...and in the sink's context.
      const sinkSeen = new RecordingSink<Ev>();
      stamped.rebalance().sinkTo(sinkSeen);
      await env.execute();
      assertSameMultiset(direct.all(), expected, `chained at ${p}`);
      assertSameMultiset(shuffled.all(), expected, `after rebalance at ${p}`);
      const sinkTs: [number, number | null][] = [];
      for (const log of sinkSeen.subtasks.values())
        log.records.forEach((e, i) => sinkTs.push([e.id, log.timestamps[i]!]));
      assertSameMultiset(sinkTs, expected, `sink context at ${p}`);
    }
    // Timestamps from a source's WatermarkStrategy reach process functions too.
    await assertSameAtEachParallelism(
      (p) =>
        threadEnv(p)
          .fromSource(
            new DataGeneratorSource<Ev>((i) => ({ id: i, ts: i * 7 }), 200),
            WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts),
            "timed",
          )
          .process(new Stamp())
          .executeAndCollect(),
      range(0, 199).map((i): [number, number] => [i, i * 7]),
    );
  });

  test("registering timers in a non-keyed ProcessFunction fails with a clear error", async () => {
    const attempts: [string, (ctx: ProcessContext) => void][] = [
      ["registerEventTimeTimer", (ctx) => ctx.timerService().registerEventTimeTimer(1000)],
      [
        "registerProcessingTimeTimer",
        (ctx) => ctx.timerService().registerProcessingTimeTimer(1000),
      ],
    ];
    for (const [what, attempt] of attempts) {
      for (const p of PARALLELISMS) {
        class WantsTimers extends ProcessFunction<number, number> {
          processElement(v: number, ctx: ProcessContext, out: Collector<number>): void {
            // Time queries are fine without keys.
            assert.equal(typeof ctx.timerService().currentProcessingTime(), "number");
            assert.equal(typeof ctx.timerService().currentWatermark(), "number");
            attempt(ctx);
            out.collect(v);
          }
        }
        const env = threadEnv(p);
        env.fromSequence(1, 10).process(new WantsTimers()).name("timer-user").print();
        const e = await rejectionOf(env.execute());
        assert.ok(e instanceof JobExecutionError, `${what}: ${String(e)}`);
        assert.match(e.message, /timers are only supported on keyed streams/, what);
        assert.match(e.message, /timer-user/, what);
        assert.ok(
          causeChain(e).some((c) => c instanceof Error && /keyBy\(\)/.test(c.message)),
          "the error tells how to fix it",
        );
      }
    }
  });

  test("the timer error is thrown synchronously where the timer is registered", async () => {
    class Catches extends ProcessFunction<number, string> {
      processElement(_v: number, ctx: ProcessContext, out: Collector<string>): void {
        try {
          ctx.timerService().registerEventTimeTimer(5);
          out.collect("registered");
        } catch (e) {
          out.collect((e as Error).message);
        }
      }
    }
    const out = await threadEnv(2).fromSequence(1, 4).process(new Catches()).executeAndCollect();
    assert.equal(out.length, 4);
    for (const m of out) assert.match(m, /only supported on keyed streams/);
  });
});
