/**
 * Operator (non-keyed) state through CheckpointedFunction: user functions (map, flatMap, process)
 * and sink writers declare list, union list and broadcast state in `initializeState`, which runs
 * before `open`, per parallel instance; misuse fails with errors naming the operator.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  JobExecutionError,
  ListStateDescriptor,
  MapStateDescriptor,
  ProcessFunction,
  RichFlatMapFunction,
  RichMapFunction,
  ValueStateDescriptor,
  type CheckpointedFunction,
  type Collector,
  type FunctionInitializationContext,
  type ListState,
  type ProcessContext,
  type Sink,
  type SinkWriter,
} from "strom";
import { OperatorStateBackend } from "../../src/runtime/state/operator-state.ts";
import { PARALLELISMS, assertSameMultiset, causeChain, rejectionOf, threadEnv } from "./harness.ts";

function messages(e: unknown): string {
  return causeChain(e)
    .map((c) => (c instanceof Error ? c.message : String(c)))
    .join(" | ");
}

/** Buffers records in operator list state and emits them in batches of `size`. */
class BufferingFlatMap
  extends RichFlatMapFunction<number, number[]>
  implements CheckpointedFunction
{
  private readonly size: number;
  private buffer!: ListState<number>;
  /** Lifecycle calls, in order. */
  calls: string[] = [];
  constructor(size: number) {
    super();
    this.size = size;
  }
  initializeState(ctx: FunctionInitializationContext): void {
    this.calls.push(`init restored=${ctx.isRestored()}`);
    this.buffer = ctx.getOperatorStateStore().getListState(new ListStateDescriptor("buffer"));
  }
  snapshotState(): void {}
  override open(): void {
    this.calls.push("open");
  }
  flatMap(value: number, out: Collector<number[]>): void {
    this.buffer.add(value);
    const items = [...this.buffer.get()];
    if (items.length >= this.size) {
      out.collect(items);
      this.buffer.clear();
    }
  }
}

describe("operator list state in user functions", () => {
  test("a RichFlatMapFunction buffers in list state of its own instance", async () => {
    // Parallelism 1: exact batches.
    const exact = await threadEnv(1)
      .fromSequence(1, 10)
      .flatMap(new BufferingFlatMap(3))
      .executeAndCollect();
    assert.deepEqual(exact, [
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    for (const p of PARALLELISMS) {
      const batches = await threadEnv(p)
        .fromSequence(1, 200)
        .rebalance()
        .flatMap(new BufferingFlatMap(4))
        .executeAndCollect();
      const seen = batches.flat();
      assert.ok(
        batches.every((b) => b.length === 4),
        "every batch is full",
      );
      assert.equal(new Set(seen).size, seen.length, "no record is emitted twice");
      // Each instance keeps fewer than 4 records: at most 3 per instance stay buffered.
      assert.ok(seen.length >= 200 - 3 * p, `${seen.length} records emitted at parallelism ${p}`);
    }
  });

  test("initializeState runs before open, with isRestored() false", async () => {
    const calls: string[] = [];
    class Tracking extends BufferingFlatMap {
      override open(): void {
        super.open();
        calls.push(...this.calls);
      }
    }
    await threadEnv(2).fromSequence(1, 4).flatMap(new Tracking(10)).executeAndCollect();
    assert.deepEqual(calls, ["init restored=false", "open", "init restored=false", "open"]);
  });

  test("map and process functions get the operator state store; union list and broadcast state work", async () => {
    class Numbering extends RichMapFunction<string, string> implements CheckpointedFunction {
      private counter!: ListState<number>;
      private names = "";
      initializeState(ctx: FunctionInitializationContext): void {
        const store = ctx.getOperatorStateStore();
        this.counter = store.getUnionListState(new ListStateDescriptor<number>("counter"));
        store.getBroadcastState(new MapStateDescriptor<string, number>("config")).put("k", 1);
        this.names = `${[...store.getRegisteredStateNames()]}/${[...store.getRegisteredBroadcastStateNames()]}`;
      }
      snapshotState(): void {}
      map(v: string): string {
        const n = ([...this.counter.get()][0] ?? 0) + 1;
        this.counter.update([n]);
        return `${v}#${n} ${this.names}`;
      }
    }
    class Tagging extends ProcessFunction<string, string> implements CheckpointedFunction {
      private seen!: ListState<string>;
      initializeState(ctx: FunctionInitializationContext): void {
        this.seen = ctx.getOperatorStateStore().getListState(new ListStateDescriptor("seen"));
      }
      snapshotState(): void {}
      processElement(v: string, _ctx: ProcessContext, out: Collector<string>): void {
        this.seen.add(v);
        out.collect(`${v} after ${[...this.seen.get()].length}`);
      }
    }
    const out = await threadEnv(1)
      .fromCollection(["a", "b", "c"])
      .map(new Numbering())
      .process(new Tagging())
      .executeAndCollect();
    assert.deepEqual(out, [
      "a#1 counter/config after 1",
      "b#2 counter/config after 2",
      "c#3 counter/config after 3",
    ]);
  });

  test("a sink writer implementing CheckpointedFunction gets its operator state", async () => {
    const written = new Map<number, number[]>();
    class StatefulSink implements Sink<number> {
      createWriter(ctx: { subtaskIndex: number }): SinkWriter<number> & CheckpointedFunction {
        let state: ListState<number> | null = null;
        return {
          initializeState(init: FunctionInitializationContext) {
            state = init.getOperatorStateStore().getListState(new ListStateDescriptor("pending"));
          },
          snapshotState() {},
          write(v: number) {
            assert.ok(state, "initializeState ran before the first write");
            state.add(v);
          },
          flush(endOfInput: boolean) {
            if (endOfInput) written.set(ctx.subtaskIndex, [...state!.get()]);
          },
        };
      }
    }
    const env = threadEnv(2);
    env.fromSequence(1, 50).sinkTo(new StatefulSink());
    await env.execute("stateful sink");
    assert.equal(written.size, 2);
    assertSameMultiset(
      [...written.values()].flat(),
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
  });
});

/**
 * Runs the job `jobName`: 1..3 through an identity map (named `operatorName`) whose
 * `initializeState` is `init`; returns the error the job fails with.
 */
async function initFailure(
  jobName: string,
  operatorName: string,
  init: (ctx: FunctionInitializationContext) => void,
): Promise<unknown> {
  class Initializing extends RichMapFunction<number, number> implements CheckpointedFunction {
    initializeState(ctx: FunctionInitializationContext): void {
      init(ctx);
    }
    snapshotState(): void {}
    map(v: number): number {
      return v;
    }
  }
  const env = threadEnv(1);
  env
    .fromSequence(1, 3)
    .map(new Initializing())
    .name(operatorName)
    .sinkTo(() => {});
  return rejectionOf(env.execute(jobName));
}

describe("operator state errors", () => {
  test("the same name as list and union list state fails, naming the operator", async () => {
    const e = await initFailure("both", "offset-tracker", (ctx) => {
      const d = new ListStateDescriptor<number>("offsets");
      ctx.getOperatorStateStore().getListState(d);
      ctx.getOperatorStateStore().getUnionListState(d);
    });
    assert.ok(e instanceof JobExecutionError);
    assert.match(
      messages(e),
      /operator state 'offsets' of 'offset-tracker' is already registered as list state; it cannot also be union list state/,
    );
  });

  test("a descriptor that is not a ListStateDescriptor fails, naming the operator", async () => {
    const e = await initFailure("wrong", "wrong-kind", (ctx) => {
      ctx.getOperatorStateStore().getListState(new ValueStateDescriptor("v") as never);
    });
    assert.match(
      messages(e),
      /getListState\(\) of the operator state of 'wrong-kind' expects a ListStateDescriptor, got ValueStateDescriptor 'v'/,
    );
  });

  test("keyed state from a non-keyed function's initialization context fails when used", async () => {
    const e = await initFailure("keyed", "not-keyed", (ctx) => {
      ctx.getKeyedStateStore().getState(new ValueStateDescriptor<number>("v"));
    });
    assert.match(
      messages(e),
      /keyed state \('v'\) is only available on a keyed stream.*'not-keyed'/,
    );
  });

  test("the backend's errors, directly", () => {
    const store = new OperatorStateBackend("op");
    const list = store.getListState(new ListStateDescriptor<number>("l"));
    assert.equal(store.getListState(new ListStateDescriptor<number>("l")), list, "same handle");
    assert.throws(
      () => store.getUnionListState(new ListStateDescriptor<number>("l")),
      /operator state 'l' of 'op' is already registered as list state/,
    );
    store.getUnionListState(new ListStateDescriptor<number>("u"));
    assert.throws(
      () => store.getListState(new ListStateDescriptor<number>("u")),
      /'u' of 'op' is already registered as union list state; it cannot also be list state/,
    );
    assert.throws(
      () => store.getListState(new MapStateDescriptor("l") as never),
      (e: unknown) =>
        e instanceof TypeError &&
        /expects a ListStateDescriptor, got MapStateDescriptor 'l'/.test(e.message),
    );
    assert.throws(() => store.getUnionListState(null as never), /got null/);
    assert.throws(
      () => store.getBroadcastState(new ListStateDescriptor("b") as never),
      /getBroadcastState\(\) of the operator state of 'op' expects a MapStateDescriptor/,
    );
    assert.throws(() => list.add(null as never), /cannot add null/);
    list.addAll([1, 2]);
    list.update([3]);
    assert.deepEqual([...list.get()], [3]);
    const b = store.getBroadcastState(new MapStateDescriptor<string, number>("b"));
    b.putAll([
      ["x", 1],
      ["y", 2],
    ]);
    b.remove("x");
    assert.deepEqual([...b.entries()], [["y", 2]]);
    assert.deepEqual([...{ [Symbol.iterator]: () => b.iterator() }], [["y", 2]]);
    assert.deepEqual([...store.getRegisteredStateNames()].sort(), ["l", "u"]);
    assert.deepEqual([...store.getRegisteredBroadcastStateNames()], ["b"]);
  });
});
