/**
 * Window joins and coGroups against brute force (tumbling and sliding windows, parallelism
 * 1/2/4), join function kinds, Strom key semantics on both sides, and definition errors.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  Duration,
  InvalidJobError,
  EndOfStreamTrigger,
  GlobalWindows,
  RichJoinFunction,
  TimeEvictor,
  RuntimeExecutionMode,
  SlidingEventTimeWindows,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type Collector,
  type DataStream,
  type StreamExecutionEnvironment,
} from "strom";
import {
  PARALLELISMS,
  RecordingSink,
  assertSameMultiset,
  causeChain,
  rejectionOf,
  threadEnv,
} from "./harness.ts";
import { randomEvents, type Ev } from "./joins-fixtures.ts";

const BOUND = 20;
const strategy = WatermarkStrategy.forGenerator<Ev>(() => {
  let max = -Infinity;
  return {
    onEvent(_e, ts, out) {
      max = Math.max(max, ts);
      out.emitWatermark(max - BOUND - 1);
    },
    onPeriodicEmit() {},
  };
}).withTimestampAssigner((e) => e.ts);

function timed(env: StreamExecutionEnvironment, events: Ev[]): DataStream<Ev> {
  return env.fromCollection(events).rebalance().assignTimestampsAndWatermarks(strategy);
}

/** `left` joined with `right` (both {@link timed}) on the key; a window comes next. */
function joinByKey(env: StreamExecutionEnvironment, left: Ev[], right: Ev[]) {
  return timed(env, left)
    .join(timed(env, right))
    .where((e) => e.key)
    .equalTo((e) => e.key);
}

/** The join function of most tests: `leftId|rightId`. */
const pairIds = (a: Ev, b: Ev): string => `${a.id}|${b.id}`;

interface Win {
  name: string;
  size: number;
  slide: number;
}
const WINDOWS: Win[] = [
  { name: "tumbling", size: 25, slide: 25 },
  { name: "sliding", size: 30, slide: 10 },
];
const assignerOf = (w: Win) =>
  w.size === w.slide
    ? TumblingEventTimeWindows.of(Duration.ofMillis(w.size))
    : SlidingEventTimeWindows.of(Duration.ofMillis(w.size), Duration.ofMillis(w.slide));

/** The start of every window of `w` holding `ts` (windows aligned to 0). */
function windowStarts(ts: number, w: Win): number[] {
  const out: number[] = [];
  for (let s = Math.floor(ts / w.slide) * w.slide; s > ts - w.size; s -= w.slide) out.push(s);
  return out;
}

/** Brute-force join: `left|right@windowMaxTimestamp` for every pair sharing key and window. */
function bruteJoin(left: Ev[], right: Ev[], w: Win): string[] {
  const out: string[] = [];
  for (const a of left)
    for (const b of right) {
      if (a.key !== b.key) continue;
      const bs = new Set(windowStarts(b.ts, w));
      for (const s of windowStarts(a.ts, w))
        if (bs.has(s)) out.push(`${a.id}|${b.id}@${s + w.size - 1}`);
    }
  return out;
}

const ids = (xs: Iterable<Ev>) =>
  [...xs]
    .map((e) => e.id)
    .sort()
    .join(",");

/** Brute-force coGroup: `key ids1/ids2@windowMaxTimestamp` per key and window with elements. */
function bruteCoGroup(left: Ev[], right: Ev[], w: Win): string[] {
  const groups = new Map<string, { key: string; end: number; a: Ev[]; b: Ev[] }>();
  const add = (e: Ev, side: "a" | "b") => {
    for (const s of windowStarts(e.ts, w)) {
      const id = `${e.key}@${s}`;
      const g = groups.get(id) ?? { key: e.key, end: s + w.size - 1, a: [], b: [] };
      g[side].push(e);
      groups.set(id, g);
    }
  };
  left.forEach((e) => add(e, "a"));
  right.forEach((e) => add(e, "b"));
  return [...groups.values()].map((g) => `${g.key} ${ids(g.a)}/${ids(g.b)}@${g.end}`);
}

/** Records of a sink with their timestamps, as `record@timestamp`. */
function withTimestamps(sink: RecordingSink<string>): string[] {
  return [...sink.subtasks.values()].flatMap((log) =>
    log.records.map((r, i) => `${r}@${log.timestamps[i]}`),
  );
}

const data = (seed: number) => ({
  left: randomEvents("L", 300, 6, BOUND, seed),
  right: randomEvents("R", 300, 6, BOUND, seed + 1000),
});

describe("window join", () => {
  for (const w of WINDOWS)
    for (const p of PARALLELISMS) {
      test(`${w.name} windows, parallelism ${p}: every pair of a key within a window`, async () => {
        const { left, right } = data(p * 7 + w.size);
        const env = threadEnv(p);
        const sink = new RecordingSink<string>();
        joinByKey(env, left, right).window(assignerOf(w)).apply(pairIds).sinkTo(sink);
        await env.execute();
        const expected = bruteJoin(left, right, w);
        assert.ok(expected.length > 300, `enough pairs (${expected.length})`);
        assertSameMultiset(withTimestamps(sink), expected);
      });
    }

  test("BATCH mode gives the same pairs", async () => {
    const { left, right } = data(5);
    const w = WINDOWS[1]!;
    for (const p of [1, 4]) {
      const env = threadEnv(p, { runtimeMode: RuntimeExecutionMode.BATCH });
      const sink = new RecordingSink<string>();
      joinByKey(env, left, right).window(assignerOf(w)).apply(pairIds).sinkTo(sink);
      await env.execute();
      assertSameMultiset(withTimestamps(sink), bruteJoin(left, right, w), `parallelism ${p}`);
    }
  });

  test("FlatJoinFunction, RichJoinFunction, and composite keys of different record types", async () => {
    const { left, right } = data(11);
    const w = WINDOWS[0]!;
    const expected = bruteJoin(left, right, w).map((s) => s.split("@")[0]!);
    class Rich extends RichJoinFunction<Ev, [string, string], string> {
      private prefix = "";
      override open(): void {
        this.prefix = `s${this.getRuntimeContext().getNumberOfParallelSubtasks()}:`;
      }
      join(a: Ev, b: [string, string]): string {
        return `${this.prefix}${a.id}|${b[1]}`;
      }
    }
    for (const p of PARALLELISMS) {
      const env = threadEnv(p);
      // The second input has another shape; its key is an equal tuple built differently.
      const second = timed(env, right).map((e): [string, string] => [e.key, e.id]);
      const joined = () =>
        timed(env, left)
          .join(second)
          .where((e) => [e.key.slice(0, 1), Number(e.key.slice(1))] as const)
          .equalTo((t) => ["k", Number(t[0].slice(1))] as const)
          .window(assignerOf(w));
      const flat = new RecordingSink<string>();
      joined()
        .apply((a: Ev, b: [string, string], out: Collector<string>) => {
          out.collect(`${a.id}|${b[1]}`);
          out.collect(`${a.id}|${b[1]}`);
        })
        .sinkTo(flat);
      const rich = new RecordingSink<string>();
      joined().apply(new Rich()).sinkTo(rich);
      await env.execute();
      assertSameMultiset(flat.all(), [...expected, ...expected], `flat, parallelism ${p}`);
      assertSameMultiset(
        rich.all(),
        expected.map((s) => `s${p}:${s}`),
        `rich, parallelism ${p}`,
      );
    }
  });
});

describe("window join settings", () => {
  test("trigger, evictor and allowed lateness reach the window operator", async () => {
    const { left, right } = data(21);
    const w = WINDOWS[0]!;
    // TimeEvictor(5): per key and window, only elements within 5 ms of the newest one stay.
    const expected: string[] = [];
    for (const s of bruteJoin(left, right, w)) {
      const [pair, end] = s.split("@") as [string, string];
      const [la, rb] = pair.split("|").map((id) => [...left, ...right].find((e) => e.id === id)!);
      const start = Number(end) - w.size + 1;
      const inWindow = [...left, ...right].filter(
        (e) => e.key === la!.key && e.ts >= start && e.ts <= Number(end),
      );
      const max = Math.max(...inWindow.map((e) => e.ts));
      if (la!.ts > max - 5 && rb!.ts > max - 5) expected.push(s);
    }
    const all = bruteJoin(left, right, w).length;
    assert.ok(
      expected.length > 20 && expected.length < all / 2,
      `evicts some (${expected.length}/${all})`,
    );
    for (const p of PARALLELISMS) {
      const env = threadEnv(p);
      const evicted = new RecordingSink<string>();
      const joined = joinByKey(env, left, right)
        .window(assignerOf(w))
        .evictor(TimeEvictor.of(Duration.ofMillis(5)))
        .allowedLateness(Duration.ofMillis(7))
        .apply(pairIds);
      joined.sinkTo(evicted);
      const spec = joined.getTransformation() as unknown as {
        operator: { allowedLateness: number };
      };
      assert.equal(spec.operator.allowedLateness, 7);
      // A global window firing only at the end of input: every pair of a key.
      const global = new RecordingSink<string>();
      joinByKey(env, left, right)
        .window(GlobalWindows.create())
        .trigger(new EndOfStreamTrigger())
        .apply(pairIds)
        .sinkTo(global);
      await env.execute();
      assertSameMultiset(withTimestamps(evicted), expected, `evictor, parallelism ${p}`);
      const all = left.flatMap((a) =>
        right.filter((b) => b.key === a.key).map((b) => `${a.id}|${b.id}`),
      );
      assertSameMultiset(global.all(), all, `global window, parallelism ${p}`);
    }
  });
});

describe("window coGroup", () => {
  for (const w of WINDOWS)
    for (const p of PARALLELISMS) {
      test(`${w.name} windows, parallelism ${p}: both groups of every key and window`, async () => {
        const { left, right } = data(p * 13 + w.size);
        // Some keys only on one side: their groups come with an empty other side.
        const onlyLeft = left.map((e, i) => (i % 10 === 0 ? { ...e, key: "left-only" } : e));
        const env = threadEnv(p);
        const sink = new RecordingSink<string>();
        timed(env, onlyLeft)
          .coGroup(timed(env, right))
          .where((e) => e.key)
          .equalTo((e) => e.key)
          .window(assignerOf(w))
          .apply((a: Iterable<Ev>, b: Iterable<Ev>, out: Collector<string>) => {
            const key = [...a, ...b][0]!.key;
            out.collect(`${key} ${ids(a)}/${ids(b)}`);
          })
          .sinkTo(sink);
        await env.execute();
        const expected = bruteCoGroup(onlyLeft, right, w);
        assert.ok(expected.some((s) => s.startsWith("left-only") && s.includes("/@")));
        assertSameMultiset(withTimestamps(sink), expected);
      });
    }
});

describe("window join errors", () => {
  const env = threadEnv(1);
  const a = env.fromCollection<Ev>([]);
  const b = env.fromCollection<Ev>([]);
  const k = (e: Ev) => e.key;
  const assigner = TumblingEventTimeWindows.of(Duration.ofMillis(10));

  test("missing where, equalTo or window", () => {
    for (const s of [a.join(b), a.coGroup(b)] as any[]) {
      assert.throws(
        () => s.window(assigner),
        (e: Error) => e instanceof InvalidJobError && /where\(keySelector\)/.test(e.message),
      );
      assert.throws(() => s.apply(() => 1), /needs where\(\), equalTo\(\) and window\(\)/);
      assert.throws(() => s.where(k).window(assigner), /window\(\) needs equalTo\(keySelector\)/);
      assert.throws(() => s.where(k).apply(() => 1), /needs equalTo\(keySelector\) and window/);
      assert.throws(
        () =>
          s
            .where(k)
            .equalTo(k)
            .apply(() => 1),
        /apply\(\) needs window\(assigner\)/,
      );
    }
    assert.throws(
      () =>
        a
          .join(b)
          .where(k)
          .equalTo(k)
          .window("x" as never)
          .apply(() => 1),
      /WindowAssigner/,
    );
    assert.throws(
      () =>
        a
          .join(b)
          .where(k)
          .equalTo(k)
          .window(assigner)
          .apply({} as never),
      /JoinFunction/,
    );
    assert.throws(
      () =>
        a
          .coGroup(b)
          .where(k)
          .equalTo(k)
          .window(assigner)
          .apply({} as never),
      /CoGroupFunction/,
    );
    assert.throws(() => a.join(b).where(null as never), /KeySelector/);
    assert.throws(() => a.join(threadEnv(1).fromCollection<Ev>([])), /same environment/);
  });

  test("records without timestamps fail the job, naming the window operator", async () => {
    const env2 = threadEnv(2);
    const s = env2.fromCollection<Ev>([{ id: "x", key: "k", ts: 1 }]);
    s.join(env2.fromCollection<Ev>([{ id: "y", key: "k", ts: 1 }]))
      .where(k)
      .equalTo(k)
      .window(assigner)
      .apply((x: Ev, y: Ev) => x.id + y.id)
      .print();
    const e = await rejectionOf(env2.execute());
    const messages = causeChain(e).map((x) => String((x as Error).message));
    assert.ok(
      messages.some((m) => /without timestamp/.test(m)),
      messages.join("\n"),
    );
  });
});
