/**
 * Keyed streams: keyBy + reduce (running results in STREAMING, final results in BATCH), the field
 * aggregations with Flink's semantics, composite keys, and keyed operators with rich functions.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DataGeneratorSource,
  JobExecutionError,
  RichMapFunction,
  RichReduceFunction,
  ProcessFunction,
  RuntimeExecutionMode,
  WatermarkStrategy,
  type Collector,
  type KeySelector,
  type OnTimerContext,
  type ProcessContext,
  type RuntimeExecutionMode as Mode,
} from "strom";
import {
  PARALLELISMS,
  RecordingSink,
  assertSameAtEachParallelism,
  assertSameMultiset,
  groupBy,
  keyOf,
  rejectionOf,
  threadEnv,
} from "./harness.ts";

type Pair = [string, number];

/** Pairs with skewed keys (k0 is frequent), in a fixed order. */
const PAIRS: Pair[] = Array.from({ length: 700 }, (_, i): Pair => [
  `k${i % 3 === 0 ? 0 : i % 11}`,
  i,
]);

/** Per key, the running results of folding `records` with `reduce`, in order. */
function runningByKey<T, K>(
  records: readonly T[],
  key: (v: T) => K,
  reduce: (a: T, b: T) => T,
): Map<K, T[]> {
  const acc = new Map<K, T>();
  const out = new Map<K, T[]>();
  for (const r of records) {
    const k = key(r);
    const next = acc.has(k) ? reduce(acc.get(k)!, r) : r;
    acc.set(k, next);
    const list = out.get(k) ?? [];
    list.push(next);
    out.set(k, list);
  }
  return out;
}

/** The last element of every list. */
function finals<K, T>(byKey: Map<K, T[]>): T[] {
  return [...byKey.values()].map((l) => l[l.length - 1]!);
}

const sumPairs = (a: Pair, b: Pair): Pair => [a[0], a[1] + b[1]];

// ---------------------------------------------------------------------------------------------
// reduce in STREAMING and BATCH

describe("keyBy + reduce", () => {
  test("STREAMING: a running result per record, in order per key", async () => {
    const expected = runningByKey(PAIRS, (p) => p[0], sumPairs);
    const results = await assertSameAtEachParallelism(
      (p) =>
        threadEnv(p)
          .fromCollection(PAIRS)
          .keyBy((t) => t[0])
          .reduce(sumPairs)
          .executeAndCollect(),
      [...expected.values()].flat(),
    );
    for (const [p, out] of results) {
      assert.deepEqual(
        groupBy(out, (t) => t[0]),
        expected,
        `per-key order of running results at parallelism ${p}`,
      );
    }
    // At parallelism 1 the whole output is in input order.
    const all: Pair[] = [];
    const acc = new Map<string, number>();
    for (const [k, v] of PAIRS) {
      acc.set(k, (acc.get(k) ?? 0) + v);
      all.push([k, acc.get(k)!]);
    }
    assert.deepEqual(results.get(1), all);
  });

  test("STREAMING with a parallel source: one output per input, last per key is the total", async () => {
    const totals = new Map<number, number>();
    for (let x = 1; x <= 5000; x++) totals.set(x % 7, (totals.get(x % 7) ?? 0) + x);
    for (const p of PARALLELISMS) {
      const out = await threadEnv(p)
        .fromSequence(1, 5000)
        .map((x): [number, number] => [x % 7, x])
        .keyBy((t) => t[0])
        .reduce((a, b) => [a[0], a[1] + b[1]])
        .executeAndCollect();
      assert.equal(out.length, 5000);
      const byKey = groupBy(out, (t) => t[0]);
      for (const [k, list] of byKey) {
        // Values are positive: every running sum of a key is larger than the one before.
        for (let i = 1; i < list.length; i++) assert.ok(list[i]![1] > list[i - 1]![1]);
        assert.equal(list[list.length - 1]![1], totals.get(k), `key ${k} at parallelism ${p}`);
      }
    }
  });

  for (const mode of [RuntimeExecutionMode.BATCH, RuntimeExecutionMode.AUTOMATIC] as Mode[]) {
    test(`${mode} with bounded sources: only the final result per key, same as STREAMING's last`, async () => {
      const expected = finals(runningByKey(PAIRS, (p) => p[0], sumPairs));
      for (const p of PARALLELISMS) {
        const env = threadEnv(p).setRuntimeMode(mode);
        const batch = await env
          .fromCollection(PAIRS)
          .keyBy((t) => t[0])
          .reduce(sumPairs)
          .executeAndCollect();
        assertSameMultiset(batch, expected, `${mode} at parallelism ${p}`);
        // Parallel sources too.
        const env2 = threadEnv(p).setRuntimeMode(mode);
        const seq = await env2
          .fromSequence(1, 3000)
          .keyBy((x) => x % 5)
          .reduce((a, b) => a + b)
          .executeAndCollect();
        const totals = [0, 1, 2, 3, 4].map((r) => {
          let s = 0;
          for (let x = 1; x <= 3000; x++) if (x % 5 === r) s += x;
          return s;
        });
        assertSameMultiset(seq, totals, `${mode} sequence at parallelism ${p}`);
        // STREAMING gives the same answer as its last running result per key.
        const streaming = await threadEnv(p)
          .setRuntimeMode(RuntimeExecutionMode.STREAMING)
          .fromCollection(PAIRS)
          .keyBy((t) => t[0])
          .reduce(sumPairs)
          .executeAndCollect();
        assertSameMultiset(finals(groupBy(streaming, (t) => t[0])), batch);
      }
    });
  }

  test("AUTOMATIC with an unbounded source runs as STREAMING (running results)", async () => {
    for (const p of PARALLELISMS) {
      const env = threadEnv(p).setRuntimeMode(RuntimeExecutionMode.AUTOMATIC);
      const out = await env
        .fromSource(
          new DataGeneratorSource((i): Pair => [`k${i % 3}`, 1], Infinity),
          WatermarkStrategy.noWatermarks(),
          "endless",
        )
        .keyBy((t) => t[0])
        .reduce(sumPairs)
        .executeAndCollect(300);
      assert.equal(out.length, 300);
      for (const [k, list] of groupBy(out, (t) => t[0])) {
        assert.deepEqual(
          list.map((t) => t[1]),
          Array.from({ length: list.length }, (_, i) => i + 1),
          `running counts of ${k} at parallelism ${p}`,
        );
      }
    }
  });

  test("BATCH: a keyed reduction feeding another one sees only final values", async () => {
    const words = Array.from({ length: 1000 }, (_, i) => `w${(i * i) % 23}`);
    const counts = new Map<string, number>();
    for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
    const countOfCounts = new Map<number, number>();
    for (const c of counts.values()) countOfCounts.set(c, (countOfCounts.get(c) ?? 0) + 1);
    await assertSameAtEachParallelism(
      (p) =>
        threadEnv(p, { runtimeMode: "BATCH" })
          .fromCollection(words)
          .map((w): Pair => [w, 1])
          .keyBy((t) => t[0])
          .sum(1)
          .map((t): [number, number] => [t[1], 1])
          .keyBy((t) => t[0])
          .sum(1)
          .executeAndCollect(),
      [...countOfCounts],
    );
  });

  test("a RichReduceFunction is opened and closed once per subtask", async () => {
    for (const p of PARALLELISMS) {
      let opens = 0;
      let closes = 0;
      class Longest extends RichReduceFunction<string> {
        override open(): void {
          opens++;
          assert.equal(this.getRuntimeContext().getNumberOfParallelSubtasks(), p);
        }
        reduce(a: string, b: string): string {
          return b.length > a.length ? b : a;
        }
        override close(): void {
          closes++;
        }
      }
      const out = await threadEnv(p, { runtimeMode: "BATCH" })
        .fromElements("a", "bb", "ccc", "dd", "e", "ffff", "ggg")
        .keyBy((s) => s.charCodeAt(0) % 2)
        .reduce(new Longest())
        .executeAndCollect();
      assertSameMultiset(out, ["ffff", "ccc"]);
      assert.equal(opens, p);
      assert.equal(closes, p);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// sum, min, max, minBy, maxBy

interface Rec {
  k: string;
  v: number;
  tag: string;
}

const REC: Rec[] = [
  { k: "a", v: 3, tag: "a1" },
  { k: "b", v: 7, tag: "b1" },
  { k: "a", v: 1, tag: "a2" },
  { k: "a", v: 1, tag: "a3" },
  { k: "c", v: -2, tag: "c1" },
  { k: "a", v: 5, tag: "a4" },
  { k: "b", v: 7, tag: "b2" },
  { k: "a", v: 5, tag: "a5" },
  { k: "b", v: 2, tag: "b3" },
];

const rec = (k: string, v: number, tag: string): Rec => ({ k, v, tag });

/** Expected running results per key (Flink semantics), for the records above. */
const EXPECTED_RUNNING: Record<string, Record<string, Rec[]>> = {
  // sum/min/max: the aggregated field changes, the other fields are the first record's.
  sum: {
    a: [
      rec("a", 3, "a1"),
      rec("a", 4, "a1"),
      rec("a", 5, "a1"),
      rec("a", 10, "a1"),
      rec("a", 15, "a1"),
    ],
    b: [rec("b", 7, "b1"), rec("b", 14, "b1"), rec("b", 16, "b1")],
    c: [rec("c", -2, "c1")],
  },
  min: {
    a: [
      rec("a", 3, "a1"),
      rec("a", 1, "a1"),
      rec("a", 1, "a1"),
      rec("a", 1, "a1"),
      rec("a", 1, "a1"),
    ],
    b: [rec("b", 7, "b1"), rec("b", 7, "b1"), rec("b", 2, "b1")],
    c: [rec("c", -2, "c1")],
  },
  max: {
    a: [
      rec("a", 3, "a1"),
      rec("a", 3, "a1"),
      rec("a", 3, "a1"),
      rec("a", 5, "a1"),
      rec("a", 5, "a1"),
    ],
    b: [rec("b", 7, "b1"), rec("b", 7, "b1"), rec("b", 7, "b1")],
    c: [rec("c", -2, "c1")],
  },
  // minBy/maxBy: whole records; on ties the first one (default) or the last (first = false).
  minBy: {
    a: [
      rec("a", 3, "a1"),
      rec("a", 1, "a2"),
      rec("a", 1, "a2"),
      rec("a", 1, "a2"),
      rec("a", 1, "a2"),
    ],
    b: [rec("b", 7, "b1"), rec("b", 7, "b1"), rec("b", 2, "b3")],
    c: [rec("c", -2, "c1")],
  },
  minByLast: {
    a: [
      rec("a", 3, "a1"),
      rec("a", 1, "a2"),
      rec("a", 1, "a3"),
      rec("a", 1, "a3"),
      rec("a", 1, "a3"),
    ],
    b: [rec("b", 7, "b1"), rec("b", 7, "b2"), rec("b", 2, "b3")],
    c: [rec("c", -2, "c1")],
  },
  maxBy: {
    a: [
      rec("a", 3, "a1"),
      rec("a", 3, "a1"),
      rec("a", 3, "a1"),
      rec("a", 5, "a4"),
      rec("a", 5, "a4"),
    ],
    b: [rec("b", 7, "b1"), rec("b", 7, "b1"), rec("b", 7, "b1")],
    c: [rec("c", -2, "c1")],
  },
  maxByLast: {
    a: [
      rec("a", 3, "a1"),
      rec("a", 3, "a1"),
      rec("a", 3, "a1"),
      rec("a", 5, "a4"),
      rec("a", 5, "a5"),
    ],
    b: [rec("b", 7, "b1"), rec("b", 7, "b2"), rec("b", 7, "b2")],
    c: [rec("c", -2, "c1")],
  },
};

type AggName = keyof typeof EXPECTED_RUNNING;

describe("field aggregations", () => {
  const apply = <T>(
    keyed: import("strom").KeyedStream<T, string>,
    agg: AggName,
    field: string | number,
  ) => {
    switch (agg) {
      case "sum":
        return keyed.sum(field);
      case "min":
        return keyed.min(field);
      case "max":
        return keyed.max(field);
      case "minBy":
        return keyed.minBy(field);
      case "minByLast":
        return keyed.minBy(field, false);
      case "maxBy":
        return keyed.maxBy(field);
      case "maxByLast":
        return keyed.maxBy(field, false);
      default:
        throw new Error(agg);
    }
  };

  for (const agg of Object.keys(EXPECTED_RUNNING) as AggName[]) {
    const label = agg.replace(/Last$/, "(field, first = false)");
    test(`${label} on an object field: running results (STREAMING) and final results (BATCH)`, async () => {
      const expected = new Map(Object.entries(EXPECTED_RUNNING[agg]!));
      for (const p of PARALLELISMS) {
        const input = structuredClone(REC);
        const out = await apply(
          threadEnv(p)
            .fromCollection(input)
            .keyBy((r) => r.k),
          agg,
          "v",
        ).executeAndCollect();
        assert.deepEqual(
          groupBy(out, (r) => r.k),
          expected,
          `${agg} at parallelism ${p}`,
        );
        assert.deepEqual(input, REC, "the input records are not modified");

        const batch = await apply(
          threadEnv(p, { runtimeMode: "BATCH" })
            .fromCollection(REC)
            .keyBy((r) => r.k),
          agg,
          "v",
        ).executeAndCollect();
        assertSameMultiset(batch, finals(expected), `${agg} in BATCH at parallelism ${p}`);
      }
    });
  }

  test("on tuple indices", async () => {
    const tuples = REC.map((r): [string, number, string] => [r.k, r.v, r.tag]);
    const asTuple = (r: Rec): [string, number, string] => [r.k, r.v, r.tag];
    for (const agg of Object.keys(EXPECTED_RUNNING) as AggName[]) {
      const expected = new Map(
        Object.entries(EXPECTED_RUNNING[agg]!).map(([k, l]) => [k, l.map(asTuple)]),
      );
      for (const p of PARALLELISMS) {
        const out = await apply(
          threadEnv(p)
            .fromCollection(tuples)
            .keyBy((t) => t[0]),
          agg,
          1,
        ).executeAndCollect();
        assert.deepEqual(
          groupBy(out, (t) => t[0]),
          expected,
          `${agg} at parallelism ${p}`,
        );
        for (const t of out) assert.ok(Array.isArray(t), "tuples stay arrays");
      }
    }
  });

  test("sum keeps the class of object records; large inputs agree with a reference", async () => {
    class Reading {
      sensor: string;
      value: number;
      constructor(sensor: string, value: number) {
        this.sensor = sensor;
        this.value = value;
      }
      label(): string {
        return `${this.sensor}=${this.value}`;
      }
    }
    const readings = Array.from(
      { length: 2000 },
      (_, i) => new Reading(`s${(i * 7) % 13}`, (i % 17) - 8),
    );
    const expected = runningByKey(
      readings,
      (r) => r.sensor,
      (a, b) => new Reading(a.sensor, a.value + b.value),
    );
    for (const p of PARALLELISMS) {
      const out = await threadEnv(p)
        .fromCollection(readings)
        .keyBy((r) => r.sensor)
        .sum("value")
        .executeAndCollect();
      for (const r of out) assert.ok(r instanceof Reading, "the record keeps its prototype");
      assert.deepEqual(
        new Map([...groupBy(out, (r) => r.sensor)].map(([k, l]) => [k, l.map((r) => r.label())])),
        new Map([...expected].map(([k, l]) => [k, l.map((r) => r.label())])),
      );
    }
  });

  test("a non-numeric field fails the job with an error naming the field", async () => {
    const env = threadEnv(2);
    env
      .fromElements({ k: "a", v: "x" }, { k: "a", v: "y" })
      .keyBy((r) => r.k)
      .sum("v")
      .print();
    const e = await rejectionOf(env.execute());
    assert.ok(e instanceof JobExecutionError);
    assert.match(e.message, /aggregation field 'v' is not a number/);
    assert.match(e.message, /Keyed Aggregation\(sum v\)/);
  });
});

// ---------------------------------------------------------------------------------------------
// Keys

describe("keys", () => {
  interface Use {
    user: number | string;
    device: string;
    n: number;
  }
  const uses: Use[] = Array.from({ length: 900 }, (_, i) => ({
    // Both 1 and "1" occur: they are different keys.
    user: i % 5 === 0 ? String(i % 3) : i % 3,
    device: ["x", "y"][i % 2]!,
    n: i,
  }));
  const expectedTotals = (() => {
    const m = new Map<string, number>();
    for (const u of uses) {
      const k = keyOf([u.user, u.device]);
      m.set(k, (m.get(k) ?? 0) + u.n);
    }
    return [...m].map(([k, n]) => {
      const [user, device] = JSON.parse(k) as [number | string, string];
      return { user, device, n };
    });
  })();

  test("composite tuple keys", async () => {
    await assertSameAtEachParallelism(
      (p) =>
        threadEnv(p, { runtimeMode: "BATCH" })
          .fromCollection(uses)
          .keyBy((u) => [u.user, u.device])
          .reduce((a, b) => ({ ...a, n: a.n + b.n }))
          .executeAndCollect(),
      expectedTotals,
    );
    assert.equal(expectedTotals.length, 12, "3 numeric + 3 string users x 2 devices");
  });

  test("composite object keys: equal regardless of property order", async () => {
    await assertSameAtEachParallelism(
      (p) =>
        threadEnv(p, { runtimeMode: "BATCH" })
          .fromCollection(uses)
          .keyBy((u) =>
            u.n % 2 === 0 ? { user: u.user, device: u.device } : { device: u.device, user: u.user },
          )
          .reduce((a, b) => ({ ...a, n: a.n + b.n }))
          .executeAndCollect(),
      expectedTotals,
    );
  });

  test("KeySelector objects, Date keys, and nested keys", async () => {
    const selector: KeySelector<Use, string> = {
      getKey: (u) => `${typeof u.user}:${u.user}/${u.device}`,
    };
    await assertSameAtEachParallelism(
      (p) =>
        threadEnv(p, { runtimeMode: "BATCH" })
          .fromCollection(uses)
          .keyBy(selector)
          .reduce((a, b) => ({ ...a, n: a.n + b.n }))
          .executeAndCollect(),
      expectedTotals,
    );
    const day = 86_400_000;
    await assertSameAtEachParallelism(
      (p) =>
        threadEnv(p, { runtimeMode: "BATCH" })
          .fromSequence(0, 99)
          .keyBy((i) => ({ day: new Date((i % 4) * day), tags: [i % 2, { odd: i % 2 === 1 }] }))
          .map((i) => [i % 4, 1] as [number, number])
          .keyBy((t) => t[0])
          .sum(1)
          .executeAndCollect(),
      [
        [0, 25],
        [1, 25],
        [2, 25],
        [3, 25],
      ],
    );
  });

  test("keyed map with a rich function: per-key routing, open/close per subtask", async () => {
    for (const p of PARALLELISMS) {
      let opens = 0;
      let closes = 0;
      class Label extends RichMapFunction<Pair, string> {
        override open(): void {
          opens++;
          assert.equal(this.getRuntimeContext().getNumberOfParallelSubtasks(), p);
        }
        map(t: Pair): string {
          return `${t[0]}#${t[1]}`;
        }
        override close(): void {
          closes++;
        }
      }
      const env = threadEnv(p);
      const sink = new RecordingSink<string>();
      env
        .fromCollection(PAIRS)
        .keyBy((t) => t[0])
        .map(new Label())
        .name("label")
        .sinkTo(sink);
      await env.execute();
      assertSameMultiset(
        sink.all(),
        PAIRS.map((t) => `${t[0]}#${t[1]}`),
      );
      assert.equal(opens, p);
      assert.equal(closes, p);
      // The sink is chained to the keyed map: all records of a key were mapped in one subtask,
      // in input order.
      const subtasks = new Map<string, Set<number>>();
      for (const [s, r] of sink.landings()) {
        const k = r.split("#")[0]!;
        subtasks.set(k, (subtasks.get(k) ?? new Set()).add(s));
      }
      for (const [k, set] of subtasks) assert.equal(set.size, 1, `key ${k}`);
      for (const log of sink.subtasks.values()) {
        for (const [k, list] of groupBy(log.records, (r) => r.split("#")[0]!)) {
          const expected = PAIRS.filter((t) => t[0] === k).map((t) => `${t[0]}#${t[1]}`);
          assert.deepEqual(list, expected, `order of key ${k}`);
        }
      }
    }
  });

  test("keyed ProcessFunction: event-time timers fire (at the latest with the final watermark)", async () => {
    // TimerService documents event-time timers for keyed streams; in Flink, bounded input ends
    // with a MAX watermark that fires every pending event-time timer.
    interface Click {
      user: string;
      ts: number;
    }
    class Sessionize extends ProcessFunction<Click, string> {
      processElement(c: Click, ctx: ProcessContext, out: Collector<string>): void {
        ctx.timerService().registerEventTimeTimer(c.ts + 1000);
        out.collect(`click ${c.user}@${c.ts}`);
      }
      override onTimer(timestamp: number, ctx: OnTimerContext, out: Collector<string>): void {
        out.collect(`timer ${ctx.timeDomain()}@${timestamp}`);
      }
    }
    const clicks: Click[] = [
      { user: "ann", ts: 1000 },
      { user: "bob", ts: 1500 },
      { user: "ann", ts: 4000 },
    ];
    for (const p of PARALLELISMS) {
      let out: string[];
      try {
        out = await threadEnv(p)
          .fromCollection(clicks)
          .assignTimestampsAndWatermarks(
            WatermarkStrategy.forMonotonousTimestamps<Click>().withTimestampAssigner((c) => c.ts),
          )
          .keyBy((c) => c.user)
          .process(new Sessionize())
          .executeAndCollect();
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        // The user did apply keyBy(): an error telling them to do so is wrong in any case.
        assert.doesNotMatch(message, /apply keyBy\(\) before process\(\)/);
        assert.fail(`keyed event-time timers at parallelism ${p}: ${message.split("\n")[0]}`);
      }
      assertSameMultiset(out, [
        "click ann@1000",
        "click bob@1500",
        "click ann@4000",
        "timer EVENT_TIME@2000",
        "timer EVENT_TIME@2500",
        "timer EVENT_TIME@5000",
      ]);
    }
  });
});
