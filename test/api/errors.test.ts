/**
 * How failures surface: user exceptions, bad keys, invalid jobs and invalid settings.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DataGeneratorSource,
  InvalidJobError,
  JobExecutionError,
  ProcessFunction,
  RichMapFunction,
  StreamExecutionEnvironment,
  UserFunctionError,
  WatermarkStrategy,
  type Collector,
  type ProcessContext,
  type Source,
} from "strom";
import { PARALLELISMS, causeChain, rejectionOf, threadEnv, within } from "./harness.ts";

/** A named user function that throws on one record (its name must survive in the stack). */
function explodeOnSeven(x: number): number {
  if (x === 7) throw new Error("boom at seven");
  return x * 2;
}

function assertUserFailure(
  e: unknown,
  opts: { operator: string; message: RegExp; stackHas?: string; parallelism: number },
): void {
  assert.ok(e instanceof JobExecutionError, `expected a JobExecutionError, got ${String(e)}`);
  assert.ok(e.message.includes(`'${opts.operator}'`), `message names the operator: ${e.message}`);
  assert.match(e.message, /subtask \d+\/\d+/, "message names the subtask");
  assert.match(e.message, opts.message);
  const chain = causeChain(e);
  const ufe = chain.find((c): c is UserFunctionError => c instanceof UserFunctionError);
  assert.ok(ufe, "the cause chain holds a UserFunctionError");
  assert.equal(ufe.operatorName, opts.operator);
  assert.equal(ufe.parallelism, opts.parallelism);
  assert.ok(ufe.subtaskIndex >= 0 && ufe.subtaskIndex < opts.parallelism);
  assert.ok(
    e.message.includes(`subtask ${ufe.subtaskIndex + 1}/${opts.parallelism}`),
    `message names subtask ${ufe.subtaskIndex + 1}/${opts.parallelism}: ${e.message}`,
  );
  if (opts.stackHas) {
    const user = chain.at(-1);
    assert.ok(user instanceof Error, "the innermost cause is the user's error");
    assert.ok(
      user.stack?.includes(opts.stackHas),
      `the user's stack names ${opts.stackHas}: ${user.stack}`,
    );
  }
}

describe("user function failures", () => {
  test("an exception in map() rejects execute() with the operator, subtask and user stack", async () => {
    for (const p of PARALLELISMS) {
      const env = threadEnv(p);
      env
        .fromSequence(1, 100)
        .map(explodeOnSeven)
        .name("my-mapper")
        .sinkTo(() => {});
      const e = await within(rejectionOf(env.execute("failing")), 10_000, "execute()");
      assertUserFailure(e, {
        operator: "my-mapper",
        message: /boom at seven/,
        stackHas: "explodeOnSeven",
        parallelism: p,
      });
      assert.match((e as Error).message, /job 'failing' failed/);
    }
  });

  test("with an unbounded source the failure rejects promptly and stops every task", async () => {
    for (const p of PARALLELISMS) {
      let generated = 0;
      const env = threadEnv(p);
      env
        .fromSource(
          new DataGeneratorSource((i) => {
            generated++;
            return i;
          }, Infinity),
          WatermarkStrategy.noWatermarks(),
          "endless",
        )
        .rebalance()
        .map(function failLater(x: number) {
          if (x === 20_000) throw new TypeError("late failure");
          return x;
        })
        .name("late-mapper")
        .sinkTo(() => {});
      const started = performance.now();
      const e = await within(rejectionOf(env.execute()), 10_000, "execute()");
      assert.ok(performance.now() - started < 10_000);
      assertUserFailure(e, {
        operator: "late-mapper",
        message: /TypeError: late failure/,
        stackHas: "failLater",
        parallelism: p,
      });
      // Nothing runs any more once the job has failed.
      const after = generated;
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(generated, after, "the source stopped");
    }
  });

  test("rich functions: a failure in open() names the operator; close() still runs once per subtask", async () => {
    for (const p of PARALLELISMS) {
      let closes = 0;
      let opens = 0;
      class FailingOpen extends RichMapFunction<number, number> {
        override open(): void {
          opens++;
          if (this.getRuntimeContext().getIndexOfThisSubtask() === p - 1)
            throw new RangeError("cannot open");
        }
        map(x: number): number {
          return x;
        }
        override close(): void {
          closes++;
        }
      }
      const env = threadEnv(p);
      env
        .fromSequence(1, 100)
        .map(new FailingOpen())
        .name("opener")
        .sinkTo(() => {});
      const e = await within(rejectionOf(env.execute()), 10_000, "execute()");
      assert.ok(e instanceof JobExecutionError);
      assert.match(e.message, /RangeError: cannot open/);
      assert.ok(e.message.includes("opener"), e.message);
      assert.ok(opens >= 1 && opens <= p);
      assert.ok(closes <= p, "close() at most once per subtask");
    }
  });

  test("a failing subtask closes the rich functions of every subtask exactly once", async () => {
    for (const p of PARALLELISMS) {
      let opens = 0;
      let closes = 0;
      class Counted extends RichMapFunction<number, number> {
        override open(): void {
          opens++;
        }
        map(x: number): number {
          if (x === 3000) throw new Error("stop");
          return x;
        }
        override close(): void {
          closes++;
        }
      }
      const env = threadEnv(p);
      env
        .fromSource(
          new DataGeneratorSource((i) => i, Infinity),
          WatermarkStrategy.noWatermarks(),
          "g",
        )
        .rebalance()
        .map(new Counted())
        .sinkTo(() => {});
      await within(rejectionOf(env.execute()), 10_000, "execute()");
      assert.equal(opens, p);
      assert.equal(closes, p, `close() once per subtask at parallelism ${p}`);
    }
  });

  test("exceptions in flatMap, filter, process, reduce and sinks name their own operator", async () => {
    const cases: [string, (env: StreamExecutionEnvironment) => void][] = [
      [
        "my-flatmap",
        (env) =>
          env
            .fromSequence(1, 50)
            .map((x) => x)
            .flatMap(function splitter(x: number) {
              if (x === 40) throw new Error("flatMap failed");
            })
            .name("my-flatmap")
            .sinkTo(() => {}),
      ],
      [
        "my-filter",
        (env) =>
          env
            .fromSequence(1, 50)
            .filter(function picky(x: number) {
              if (x === 40) throw new Error("filter failed");
              return true;
            })
            .name("my-filter")
            .map((x) => x)
            .sinkTo(() => {}),
      ],
      [
        "my-process",
        (env) =>
          env
            .fromSequence(1, 50)
            .process(
              new (class Checker extends ProcessFunction<number, number> {
                processElement(x: number, _ctx: ProcessContext, out: Collector<number>): void {
                  if (x === 40) throw new Error("process failed");
                  out.collect(x);
                }
              })(),
            )
            .name("my-process")
            .sinkTo(() => {}),
      ],
      [
        "my-reduce",
        (env) =>
          env
            .fromSequence(1, 50)
            .keyBy((x) => x % 3)
            .reduce(function adder(a: number, b: number) {
              if (b === 40) throw new Error("reduce failed");
              return a + b;
            })
            .name("my-reduce")
            .sinkTo(() => {}),
      ],
      [
        "my-sink",
        (env) =>
          env
            .fromSequence(1, 50)
            .sinkTo(function writer(x: number) {
              if (x === 40) throw new Error("sink failed");
            })
            .name("my-sink"),
      ],
    ];
    for (const [operator, build] of cases) {
      for (const p of PARALLELISMS) {
        const env = threadEnv(p);
        build(env);
        const e = await within(rejectionOf(env.execute()), 10_000, operator);
        assertUserFailure(e, { operator, message: /failed/, parallelism: p });
      }
    }
  });

  test("failing sources name the source: split creation, reading, and sink writer creation", async () => {
    const base = {
      getBoundedness: () => "BOUNDED" as const,
      createSplits: (p: number) => Array.from({ length: p }, (_, i) => i),
    };
    const noSplits: Source<number, number> = {
      ...base,
      createSplits() {
        throw new Error("no splits today");
      },
      createReader: () => assert.fail("no reader without splits"),
    };
    const badReader: Source<number, number> = {
      ...base,
      createReader: () => ({
        addSplits() {},
        noMoreSplits() {},
        pollNext: function readBroken(): never {
          throw new Error("disk on fire");
        },
        isAvailable: () => Promise.resolve(),
        snapshotState: () => [],
      }),
    };
    for (const p of PARALLELISMS) {
      const env1 = threadEnv(p);
      env1.fromSource(noSplits, WatermarkStrategy.noWatermarks(), "split-less").sinkTo(() => {});
      const e1 = await rejectionOf(env1.execute());
      assert.ok(e1 instanceof Error);
      assert.match(e1.message, /'split-less'.*no splits today/s);

      const env2 = threadEnv(p);
      env2
        .fromSource(badReader, WatermarkStrategy.noWatermarks(), "broken-reader")
        .sinkTo(() => {});
      const e2 = await within(rejectionOf(env2.execute()), 10_000, "execute()");
      assertUserFailure(e2, {
        operator: "broken-reader",
        message: /disk on fire/,
        stackHas: "readBroken",
        parallelism: p,
      });

      const env3 = threadEnv(p);
      env3
        .fromSequence(1, 10)
        .sinkTo({
          createWriter: () => {
            throw new Error("cannot connect");
          },
        })
        .name("unreachable-sink");
      const e3 = await within(rejectionOf(env3.execute()), 10_000, "execute()");
      assertUserFailure(e3, {
        operator: "unreachable-sink",
        message: /cannot connect/,
        parallelism: p,
      });
    }
  });

  test("a thrown non-Error value is reported readably", async () => {
    const env = threadEnv(1);
    env
      .fromSequence(1, 5)
      .map((x) => {
        if (x === 3) throw "just a string";
        return x;
      })
      .name("thrower")
      .sinkTo(() => {});
    const e = await rejectionOf(env.execute());
    assert.ok(e instanceof JobExecutionError);
    assert.match(e.message, /thrown value: just a string/);
    assert.ok(e.message.includes("'thrower'"));
  });
});

describe("keys", () => {
  test("a key selector returning undefined fails with a clear error naming keyBy", async () => {
    for (const p of PARALLELISMS) {
      const env = threadEnv(p);
      env
        .fromElements({ id: 1 }, { name: "no id" } as { id?: number })
        .keyBy((r) => r.id)
        .map((r) => r)
        .name("after-key")
        .sinkTo(() => {});
      const e = await within(rejectionOf(env.execute()), 10_000, "execute()");
      assert.ok(e instanceof JobExecutionError, String(e));
      assert.match(e.message, /keyBy\(\)/);
      assert.match(e.message, /undefined/);
      assert.ok(e.message.includes("after-key"), e.message);
    }
  });

  test("a key selector that throws, and unsupported key types, name keyBy", async () => {
    class Custom {
      readonly id = 1;
    }
    const builds: [RegExp, (env: StreamExecutionEnvironment) => void][] = [
      [
        /key selector of keyBy\(\).*threw.*no key here/s,
        (env) =>
          env
            .fromSequence(1, 10)
            .keyBy(function selectKey(x: number): number {
              if (x === 5) throw new Error("no key here");
              return x;
            })
            .reduce((a, b) => a + b)
            .sinkTo(() => {}),
      ],
      [
        /keyBy\(\).*class Custom/s,
        (env) =>
          env
            .fromSequence(1, 10)
            .keyBy(() => new Custom())
            .reduce((a, b) => a + b)
            .sinkTo(() => {}),
      ],
      [
        /keyBy\(\).*function/s,
        (env) =>
          env
            .fromSequence(1, 10)
            .keyBy(() => () => 1)
            .reduce((a, b) => a + b)
            .sinkTo(() => {}),
      ],
    ];
    for (const [pattern, build] of builds) {
      const env = threadEnv(2);
      build(env);
      const e = await within(rejectionOf(env.execute()), 10_000, String(pattern));
      assert.ok(e instanceof JobExecutionError, String(e));
      assert.match(e.message, pattern);
    }
  });
});

describe("invalid jobs", () => {
  test("BATCH mode with an unbounded source is an InvalidJobError", async () => {
    const env = threadEnv(2).setRuntimeMode("BATCH");
    env
      .fromSource(
        new DataGeneratorSource((i) => i, Infinity),
        WatermarkStrategy.noWatermarks(),
        "forever",
      )
      .sinkTo(() => {});
    const e = await within(rejectionOf(env.execute()), 5_000, "execute()");
    assert.ok(e instanceof InvalidJobError, String(e));
    assert.match(e.message, /BATCH/);
    assert.ok(e.message.includes("'forever'"), e.message);
  });

  test("forward() between different parallelisms is an InvalidJobError naming both operators", async () => {
    const env = threadEnv(2);
    env
      .fromSequence(1, 10)
      .map((x) => x)
      .name("up")
      .forward()
      .map((x) => x)
      .name("down")
      .setParallelism(3)
      .sinkTo(() => {});
    const e = await rejectionOf(env.execute());
    assert.ok(e instanceof InvalidJobError, String(e));
    assert.match(e.message, /forward/);
    assert.ok(e.message.includes("'up'") && e.message.includes("'down'"), e.message);
    // The same job with equal parallelism is fine.
    const ok = threadEnv(2);
    const out = await ok
      .fromSequence(1, 10)
      .forward()
      .map((x) => x)
      .executeAndCollect();
    assert.equal(out.length, 10);
  });

  test("invalid parallelism values are RangeErrors", () => {
    for (const bad of [0, -1, 1.5, NaN, Infinity]) {
      assert.throws(() => threadEnv(1).setParallelism(bad), RangeError, `env ${bad}`);
      assert.throws(() => threadEnv(bad), RangeError, `options ${bad}`);
      assert.throws(
        () =>
          threadEnv(1)
            .fromSequence(1, 2)
            .map((x) => x)
            .setParallelism(bad),
        RangeError,
        `operator ${bad}`,
      );
      assert.throws(
        () =>
          threadEnv(1)
            .fromSequence(1, 2)
            .sinkTo(() => {})
            .setParallelism(bad),
        RangeError,
        `sink ${bad}`,
      );
      assert.throws(() => StreamExecutionEnvironment.createLocalEnvironment(bad), RangeError);
    }
    for (const bad of [0, -1, 1.5, 32769]) {
      assert.throws(() => threadEnv(1).setMaxParallelism(bad), RangeError, `env max ${bad}`);
    }
    const op = threadEnv(1)
      .fromSequence(1, 2)
      .map((x) => x)
      .name("m");
    assert.match(
      (() => {
        try {
          op.setParallelism(0);
          return "";
        } catch (e) {
          return (e as Error).message;
        }
      })(),
      /'m'.*positive integer/,
    );
  });

  test("an operator's max parallelism is validated like the environment's", () => {
    for (const bad of [0, -1, 1.5, NaN, 32769]) {
      assert.throws(
        () =>
          threadEnv(1)
            .fromSequence(1, 2)
            .map((x) => x)
            .setMaxParallelism(bad),
        RangeError,
        `operator max parallelism ${bad}`,
      );
    }
  });

  test("a parallelism above the max parallelism is an InvalidJobError", async () => {
    const env = threadEnv(4).setMaxParallelism(2);
    env.fromSequence(1, 10).sinkTo(() => {});
    const e = await rejectionOf(env.execute());
    assert.ok(e instanceof InvalidJobError, String(e));
    assert.match(e.message, /exceeds its max parallelism/);
  });

  test("execute() with no operators is an InvalidJobError", async () => {
    const env = threadEnv(2);
    const e = await rejectionOf(env.execute());
    assert.ok(e instanceof InvalidJobError, String(e));
    assert.match(e.message, /no operators/);
    await assert.rejects(env.executeAsync(), InvalidJobError);
    // Once a job ran, the environment is empty again.
    env.fromSequence(1, 3).sinkTo(() => {});
    await env.execute();
    await assert.rejects(env.execute(), InvalidJobError);
  });

  test("unknown runtime modes and execution targets are rejected clearly", async () => {
    assert.throws(
      () => threadEnv(1).setRuntimeMode("FAST" as never),
      /unknown runtime mode 'FAST'/,
    );
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "moon" });
    env.fromSequence(1, 2).sinkTo(() => {});
    await assert.rejects(env.execute(), /no executor for execution target 'moon'/);
    assert.throws(
      () => threadEnv(1).fromSource({} as never, WatermarkStrategy.noWatermarks(), "s"),
      /expected a Source/,
    );
    assert.throws(
      () =>
        threadEnv(1)
          .fromSequence(1, 2)
          .sinkTo({} as never),
      /createWriter/,
    );
  });
});
