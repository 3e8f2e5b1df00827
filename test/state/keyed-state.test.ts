/**
 * Keyed state semantics: every state kind scoped to the current key, identical results at every
 * parallelism and in BATCH mode, KeyedCoProcessFunction sharing state between inputs, and the
 * errors of misuse.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  AggregatingStateDescriptor,
  KeyedCoProcessFunction,
  KeyedProcessFunction,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  RichFlatMapFunction,
  RichMapFunction,
  ValueStateDescriptor,
  type AggregatingState,
  type Collector,
  type KeyedProcessContext,
  type ListState,
  type MapState,
  type ReducingState,
  type ValueState,
} from "strom";
import { assertSameAtEachParallelism, rejectionOf, threadEnv } from "../api/harness.ts";

interface Txn {
  account: string;
  amount: number;
}

const TXNS: Txn[] = Array.from({ length: 400 }, (_, i) => ({
  account: `acct-${(i * 7) % 13}`,
  amount: (i % 9) + 1,
}));

/** Running count and total per account with ValueState. */
class RunningTotal extends RichFlatMapFunction<Txn, string> {
  private count!: ValueState<number>;
  private total!: ValueState<number>;
  override open(): void {
    this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>("count"));
    this.total = this.getRuntimeContext().getState(new ValueStateDescriptor<number>("total"));
  }
  flatMap(t: Txn, out: Collector<string>): void {
    const c = (this.count.value() ?? 0) + 1;
    const s = (this.total.value() ?? 0) + t.amount;
    this.count.update(c);
    this.total.update(s);
    if (c % 10 === 0) out.collect(`${t.account}:${c}:${s}`);
  }
}

function expectedTotals(): string[] {
  const count = new Map<string, number>();
  const total = new Map<string, number>();
  const out: string[] = [];
  for (const t of TXNS) {
    const c = (count.get(t.account) ?? 0) + 1;
    const s = (total.get(t.account) ?? 0) + t.amount;
    count.set(t.account, c);
    total.set(t.account, s);
    if (c % 10 === 0) out.push(`${t.account}:${c}:${s}`);
  }
  return out;
}

/** Exercises list, map, reducing and aggregating state; emits a summary per key at a marker. */
class AllKinds extends KeyedProcessFunction<string, Txn, string> {
  private list!: ListState<number>;
  private map!: MapState<number, number>;
  private sum!: ReducingState<number>;
  private avg!: AggregatingState<number, number>;
  override open(): void {
    const rc = this.getRuntimeContext();
    this.list = rc.getListState(new ListStateDescriptor<number>("amounts"));
    this.map = rc.getMapState(new MapStateDescriptor<number, number>("histogram"));
    this.sum = rc.getReducingState(new ReducingStateDescriptor<number>("sum", (a, b) => a + b));
    this.avg = rc.getAggregatingState(
      new AggregatingStateDescriptor("avg", {
        createAccumulator: () => ({ n: 0, s: 0 }),
        add: (v: number, a: { n: number; s: number }) => ({ n: a.n + 1, s: a.s + v }),
        getResult: (a: { n: number; s: number }) => a.s / a.n,
      }),
    );
  }
  processElement(t: Txn, ctx: KeyedProcessContext<string>, out: Collector<string>): void {
    if (t.amount < 0) {
      const amounts = [...this.list.get()];
      const hist = [...this.map.entries()].sort((a, b) => a[0] - b[0]);
      out.collect(
        `${ctx.getCurrentKey()} n=${amounts.length} sum=${this.sum.get()} avg=${this.avg.get()?.toFixed(3)} hist=${JSON.stringify(hist)} empty=${this.map.isEmpty()}`,
      );
      this.list.clear();
      this.map.clear();
      this.sum.clear();
      this.avg.clear();
      out.collect(
        `${ctx.getCurrentKey()} cleared n=${[...this.list.get()].length} sum=${this.sum.get()} avg=${this.avg.get()} empty=${this.map.isEmpty()}`,
      );
      return;
    }
    this.list.add(t.amount);
    this.map.put(t.amount, (this.map.get(t.amount) ?? 0) + 1);
    this.sum.add(t.amount);
    this.avg.add(t.amount);
  }
}

describe("keyed state", () => {
  test("ValueState per key: same results at parallelism 1, 2, 4 and in BATCH mode", async () => {
    const expected = expectedTotals();
    for (const mode of ["STREAMING", "BATCH"] as const) {
      await assertSameAtEachParallelism(
        (p) =>
          threadEnv(p, { runtimeMode: mode })
            .fromCollection(TXNS)
            .keyBy((t) => t.account)
            .flatMap(new RunningTotal())
            .executeAndCollect(),
        expected,
      );
    }
  });

  test("list, map, reducing and aggregating state, and clear()", async () => {
    const markers = ["acct-0", "acct-5"].map((account) => ({ account, amount: -1 }));
    const input = [...TXNS, ...markers];
    const expected: string[] = [];
    for (const m of markers) {
      const amounts = TXNS.filter((t) => t.account === m.account).map((t) => t.amount);
      const hist = new Map<number, number>();
      for (const a of amounts) hist.set(a, (hist.get(a) ?? 0) + 1);
      const sum = amounts.reduce((a, b) => a + b, 0);
      expected.push(
        `${m.account} n=${amounts.length} sum=${sum} avg=${(sum / amounts.length).toFixed(3)} hist=${JSON.stringify([...hist].sort((a, b) => a[0] - b[0]))} empty=false`,
        `${m.account} cleared n=0 sum=null avg=null empty=true`,
      );
    }
    await assertSameAtEachParallelism(
      (p) =>
        threadEnv(p)
          .fromCollection(input)
          .setParallelism(1)
          .keyBy((t) => t.account)
          .process(new AllKinds())
          .executeAndCollect(),
      expected,
    );
  });

  test("KeyedCoProcessFunction: both inputs share the state of a key", async () => {
    // The query stream is gated behind the data stream by event time: both are bounded and the
    // queries are only answered at the end, through a timer at the final watermark.
    class Deferred extends KeyedCoProcessFunction<string, Txn, string, string> {
      private sum!: ValueState<number>;
      private asked!: ValueState<boolean>;
      override open(): void {
        this.sum = this.getRuntimeContext().getState(new ValueStateDescriptor<number>("sum"));
        this.asked = this.getRuntimeContext().getState(new ValueStateDescriptor<boolean>("asked"));
      }
      processElement1(t: Txn): void {
        this.sum.update((this.sum.value() ?? 0) + t.amount);
      }
      processElement2(_a: string, ctx: KeyedProcessContext<string>): void {
        this.asked.update(true);
        ctx.timerService().registerEventTimeTimer(Number.MAX_SAFE_INTEGER);
      }
      override onTimer(_t: number, ctx: KeyedProcessContext<string>, out: Collector<string>) {
        if (this.asked.value()) out.collect(`${ctx.getCurrentKey()}:${this.sum.value() ?? 0}`);
      }
    }
    const accounts = ["acct-1", "acct-2", "acct-12", "nobody"];
    const expected = accounts.map(
      (a) => `${a}:${TXNS.filter((t) => t.account === a).reduce((s, t) => s + t.amount, 0)}`,
    );
    await assertSameAtEachParallelism((p) => {
      const env = threadEnv(p);
      const txns = env.fromCollection(TXNS);
      const asks = env.fromCollection(accounts);
      return txns
        .connect(asks)
        .keyBy(
          (t) => t.account,
          (a) => a,
        )
        .process(new Deferred())
        .executeAndCollect();
    }, expected);
  });

  test("keyed state on a non-keyed stream fails naming the operator", async () => {
    class Bad extends RichMapFunction<number, number> {
      override open(): void {
        this.getRuntimeContext().getState(new ValueStateDescriptor<number>("x"));
      }
      map(v: number): number {
        return v;
      }
    }
    const err = await rejectionOf(
      threadEnv(1).fromElements(1, 2).map(new Bad()).name("Unkeyed").executeAndCollect(),
    );
    assert.match(String(err), /keyed state \('x'\) is only available on a keyed stream/);
    assert.match(String(err), /Unkeyed/);
  });

  test("one state name with two kinds, or a descriptor of the wrong kind, fails clearly", async () => {
    class Twice extends RichMapFunction<number, number> {
      override open(): void {
        const rc = this.getRuntimeContext();
        rc.getState(new ValueStateDescriptor<number>("s"));
        rc.getListState(new ListStateDescriptor<number>("s"));
      }
      map(v: number): number {
        return v;
      }
    }
    const twice = await rejectionOf(
      threadEnv(1)
        .fromElements(1)
        .keyBy((v) => v)
        .map(new Twice())
        .name("Twice")
        .executeAndCollect(),
    );
    assert.match(
      String(twice),
      /state 's' of operator 'Twice' is already registered as value state; it cannot also be list state/,
    );
    class WrongKind extends RichMapFunction<number, number> {
      override open(): void {
        this.getRuntimeContext().getState(new ListStateDescriptor<number>("l") as never);
      }
      map(v: number): number {
        return v;
      }
    }
    const wrong = await rejectionOf(
      threadEnv(1)
        .fromElements(1)
        .keyBy((v) => v)
        .map(new WrongKind())
        .name("Wrong")
        .executeAndCollect(),
    );
    assert.match(String(wrong), /getState\(\) in operator 'Wrong' expects a ValueStateDescriptor/);
  });

  test("reading keyed state outside a keyed context (in open) fails clearly", async () => {
    class EarlyRead extends RichMapFunction<number, number> {
      override open(): void {
        this.getRuntimeContext().getState(new ValueStateDescriptor<number>("v")).value();
      }
      map(v: number): number {
        return v;
      }
    }
    const err = await rejectionOf(
      threadEnv(1)
        .fromElements(1)
        .keyBy((v) => v)
        .map(new EarlyRead())
        .name("Early")
        .executeAndCollect(),
    );
    assert.match(String(err), /no current key in operator 'Early'/);
  });
});
