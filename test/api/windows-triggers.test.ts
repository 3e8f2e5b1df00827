/**
 * Triggers and evictors: count, purging, continuous event-time, delta and custom triggers (with
 * their partitioned state); count, time, delta and custom evictors (before and after the
 * function, with reduce and aggregate); per-window and per-key state in a ProcessWindowFunction
 * and its clear() at window cleanup.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  ContinuousEventTimeTrigger,
  CountEvictor,
  CountTrigger,
  DeltaEvictor,
  DeltaTrigger,
  EventTimeSessionWindows,
  GlobalWindows,
  OutputTag,
  ProcessWindowFunction,
  PurgingTrigger,
  TimeEvictor,
  TimeWindow,
  Trigger,
  TriggerResult,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  type Collector,
  type EvictableElements,
  type Evictor,
  type GlobalWindow,
  type ProcessWindowFunctionContext,
  type TriggerContext,
  type Window,
} from "strom";
import {
  RecordingSink,
  assertSameAtEachParallelism,
  assertSameMultiset,
  groupBy,
  threadEnv,
} from "./harness.ts";
import { orderedEvents, punctuatedStream, windowStart, type Ev } from "./windows-support.ts";

const ev = (key: string, value: number, ts: number): Ev => ({ key, value, ts });

/** Emits `key:start:values` for every firing (values in window order). */
class Contents<W extends Window> extends ProcessWindowFunction<Ev, string, string, W> {
  process(
    key: string,
    ctx: ProcessWindowFunctionContext<W>,
    els: Iterable<Ev>,
    out: Collector<string>,
  ) {
    const w = ctx.window();
    const start = w instanceof TimeWindow ? w.start : "g";
    out.collect(`${key}:${start}:${[...els].map((e) => e.value).join(",")}`);
  }
}

/** Number of elements per firing, as `key@start#count`. */
class Sizes extends ProcessWindowFunction<Ev, string, string, TimeWindow> {
  process(
    key: string,
    ctx: ProcessWindowFunctionContext<TimeWindow>,
    els: Iterable<Ev>,
    out: Collector<string>,
  ) {
    out.collect(`${key}@${ctx.window().start}#${[...els].length}`);
  }
}

const EVENTS = orderedEvents(1200, 5, 4, 21);
const GROUPS = groupBy(EVENTS, (e) => `${e.key}@${windowStart(e.ts, 100)}`);

describe("triggers", () => {
  test("CountTrigger fires every n elements (contents kept), PurgingTrigger purges at each firing", async () => {
    await assertSameAtEachParallelism(
      (p) =>
        punctuatedStream(threadEnv(p), EVENTS)
          .keyBy((e) => e.key)
          .window(TumblingEventTimeWindows.of(100))
          .trigger(CountTrigger.of(3))
          .process(new Sizes())
          .executeAndCollect(),
      [...GROUPS.entries()].flatMap(([id, l]) =>
        Array.from({ length: Math.floor(l.length / 3) }, (_, i) => `${id}#${3 * (i + 1)}`),
      ),
    );
    await assertSameAtEachParallelism(
      (p) =>
        punctuatedStream(threadEnv(p), EVENTS)
          .keyBy((e) => e.key)
          .window(TumblingEventTimeWindows.of(100))
          .trigger(PurgingTrigger.of(CountTrigger.of(3)))
          .process(new Sizes())
          .executeAndCollect(),
      [...GROUPS.entries()].flatMap(([id, l]) =>
        Array.from({ length: Math.floor(l.length / 3) }, () => `${id}#3`),
      ),
    );
  });

  test("ContinuousEventTimeTrigger fires every interval of event time and at the window end", async () => {
    const events = [1, 12, 23, 37, 49, 55].map((t) => ev("a", t, t));
    const out = await punctuatedStream(threadEnv(2), events)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(50))
      .trigger(ContinuousEventTimeTrigger.of(10))
      .process(new Contents<TimeWindow>())
      .executeAndCollect();
    // Each record is followed by its watermark (timestamp - 1).
    assert.deepEqual(out, [
      "a:0:1,12", // watermark 11: the timer at 10
      "a:0:1,12,23", // 20
      "a:0:1,12,23,37", // 30
      "a:0:1,12,23,37,49", // 40
      "a:0:1,12,23,37,49", // the window end (49) is also the last periodic timer
      "a:50:55", // at the end of input: 60, 70, 80, 90 and the end, 99
      "a:50:55",
      "a:50:55",
      "a:50:55",
      "a:50:55",
    ]);
  });

  test("DeltaTrigger fires when an element is far enough from the last firing one", async () => {
    const values = [10, 12, 15, 21, 22, 40, 41, 52];
    const out = await threadEnv(2)
      .fromCollection(values.map((v, i) => ev("a", v, i)))
      .setParallelism(1)
      .keyBy((e) => e.key)
      .window(GlobalWindows.create())
      .trigger(DeltaTrigger.of(5, (a: Ev, b: Ev) => b.value - a.value))
      .process(new Contents<GlobalWindow>())
      .executeAndCollect();
    // 21 - 10 > 5 fires; then 40 - 21 > 5; then 52 - 40 > 5.
    assert.deepEqual(out, [
      "a:g:10,12,15,21",
      "a:g:10,12,15,21,22,40",
      "a:g:10,12,15,21,22,40,41,52",
    ]);
  });

  test("a custom trigger with partitioned state, event-time timers and FIRE_AND_PURGE", async () => {
    /** Fires (and purges) on an element with value 0, and otherwise at the window end if the window saw more than 2 elements. */
    class MarkerTrigger extends Trigger<Ev, TimeWindow> {
      private readonly seen = new ValueStateDescriptor<number>("seen");
      onElement(e: Ev, _ts: number, w: TimeWindow, ctx: TriggerContext): TriggerResult {
        const seen = ctx.getPartitionedState(this.seen);
        seen.update((seen.value() ?? 0) + 1);
        ctx.registerEventTimeTimer(w.maxTimestamp());
        if (e.value === 0) {
          seen.clear();
          return TriggerResult.FIRE_AND_PURGE;
        }
        return TriggerResult.CONTINUE;
      }
      onEventTime(time: number, w: TimeWindow, ctx: TriggerContext): TriggerResult {
        if (time !== w.maxTimestamp()) return TriggerResult.CONTINUE;
        return (ctx.getPartitionedState(this.seen).value() ?? 0) > 2
          ? TriggerResult.FIRE
          : TriggerResult.CONTINUE;
      }
      onProcessingTime(): TriggerResult {
        return TriggerResult.CONTINUE;
      }
      clear(w: TimeWindow, ctx: TriggerContext): void {
        ctx.getPartitionedState(this.seen).clear();
        ctx.deleteEventTimeTimer(w.maxTimestamp());
      }
    }
    const events = [
      ev("a", 1, 1),
      ev("b", 1, 2),
      ev("a", 2, 3),
      ev("a", 0, 4), // fires a with 1,2,0 and purges
      ev("a", 5, 5),
      ev("b", 2, 6),
      ev("b", 3, 7),
      ev("a", 6, 30), // window end passes: b (3 elements) fires, a (1 element) does not
    ];
    const out = await punctuatedStream(threadEnv(3), events)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(10))
      .trigger(new MarkerTrigger())
      .process(new Contents<TimeWindow>())
      .executeAndCollect();
    assertSameMultiset(out, ["a:0:1,2,0", "b:0:1,2,3"]);
  });
});

describe("evictors", () => {
  const events = [1, 4, 9, 12, 15, 30, 33].map((t, i) => ev("a", i + 1, t));

  test("CountEvictor keeps the last n elements; TimeEvictor keeps the last interval of time", async () => {
    const run = (evictor: Evictor<Ev, TimeWindow>) =>
      punctuatedStream(threadEnv(2), events)
        .keyBy((e) => e.key)
        .window(TumblingEventTimeWindows.of(20))
        .evictor(evictor)
        .process(new Contents<TimeWindow>())
        .executeAndCollect();
    assert.deepEqual(await run(CountEvictor.of(2)), ["a:0:4,5", "a:20:6,7"]);
    // Elements newer than (max timestamp 15) - 6: timestamps 12 and 15.
    assert.deepEqual(await run(TimeEvictor.of(6)), ["a:0:4,5", "a:20:6,7"]);
    assert.deepEqual(await run(TimeEvictor.of(100)), ["a:0:1,2,3,4,5", "a:20:6,7"]);
  });

  test("DeltaEvictor removes elements far from the last one", async () => {
    const out = await punctuatedStream(threadEnv(1), events)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(20))
      .evictor(DeltaEvictor.of(3, (a: Ev, b: Ev) => Math.abs(a.value - b.value)))
      .process(new Contents<TimeWindow>())
      .executeAndCollect();
    // Last of [0,20) is 5: 1 and 2 (delta >= 3) go; last of [20,40) is 7: 6 stays.
    assert.deepEqual(out, ["a:0:3,4,5", "a:20:6,7"]);
  });

  test("evictors with reduce and aggregate apply the function to what is left", async () => {
    const reduced = await punctuatedStream(threadEnv(2), events)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(20))
      .evictor(CountEvictor.of(2))
      .reduce((a, b) => ({ key: a.key, value: a.value + b.value, ts: 0 }))
      .executeAndCollect();
    assert.deepEqual(
      reduced.map((e) => e.value),
      [9, 13],
    );
    const counted = await punctuatedStream(threadEnv(2), events)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(20))
      .evictor(CountEvictor.of(3))
      .aggregate<number, number>({
        createAccumulator: () => 0,
        add: (_e, n) => n + 1,
        getResult: (n) => n,
      })
      .executeAndCollect();
    assert.deepEqual(counted, [3, 2]);
  });

  test("countWindow(size, slide) evicts after counting; a custom evictor evicts after the function", async () => {
    const values = [1, 2, 3, 4, 5, 6, 7].map((v, i) => ev("a", v, i));
    /** After each firing, removes even values (through the Java-style iterator). */
    const dropEvenAfter: Evictor<Ev, GlobalWindow> = {
      evictBefore() {},
      evictAfter(elements: EvictableElements<Ev>) {
        for (const it = elements.iterator(); it.hasNext();) {
          if (it.next().getValue().value % 2 === 0) it.remove();
        }
      },
    };
    const out = await threadEnv(2)
      .fromCollection(values)
      .setParallelism(1)
      .keyBy((e) => e.key)
      .window(GlobalWindows.create())
      .trigger(CountTrigger.of(2))
      .evictor(dropEvenAfter)
      .process(new Contents<GlobalWindow>())
      .executeAndCollect();
    assert.deepEqual(out, ["a:g:1,2", "a:g:1,3,4", "a:g:1,3,5,6"]);
  });
});

describe("ProcessWindowFunction state and clear()", () => {
  test("windowState is per key and window, globalState per key; clear() runs at cleanup", async () => {
    const cleared = new OutputTag<string>("cleared");
    /** Emits `key@start firing=<n in this window> total=<n for the key>`. */
    class Counting extends ProcessWindowFunction<Ev, string, string, TimeWindow> {
      private readonly firings = new ValueStateDescriptor<number>("firings");
      private readonly total = new ValueStateDescriptor<number>("total");
      process(
        key: string,
        ctx: ProcessWindowFunctionContext<TimeWindow>,
        _els: Iterable<Ev>,
        out: Collector<string>,
      ) {
        const firings = ctx.windowState().getState(this.firings);
        const total = ctx.globalState().getState(this.total);
        firings.update((firings.value() ?? 0) + 1);
        total.update((total.value() ?? 0) + 1);
        out.collect(
          `${key}@${ctx.window().start} firing=${firings.value()} total=${total.value()}`,
        );
      }
      override clear(ctx: ProcessWindowFunctionContext<TimeWindow>): void {
        const firings = ctx.windowState().getState(this.firings);
        ctx.output(cleared, `${ctx.window().start}:${firings.value()}`);
        firings.clear();
      }
    }
    const events = [
      ev("a", 1, 1),
      ev("a", 1, 12), // [0,10) fires (firing 1)
      ev("a", 1, 5), // late firing of [0,10) (firing 2)
      ev("a", 1, 25), // [10,20) fires
      ev("a", 1, 40), // cleanup of [0,10) at 9 + 20; [20,30) fires
    ];
    const result = punctuatedStream(threadEnv(2), events)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(10))
      .allowedLateness(20)
      .process(new Counting());
    const clearedSink = new RecordingSink<string>();
    result.getSideOutput(cleared).sinkTo(clearedSink);
    const out = await result.executeAndCollect();
    assert.deepEqual(out, [
      "a@0 firing=1 total=1",
      "a@0 firing=2 total=2",
      "a@10 firing=1 total=3",
      "a@20 firing=1 total=4",
      "a@40 firing=1 total=5",
    ]);
    assertSameMultiset(clearedSink.all(), ["0:2", "10:1", "20:1", "40:1"]);
  });
});

describe("more window function and evictor combinations", () => {
  test("clear() runs once per window without allowed lateness too", async () => {
    const cleared = new OutputTag<number>("cleared");
    class ClearCounting extends ProcessWindowFunction<Ev, number, string, TimeWindow> {
      process(
        _k: string,
        ctx: ProcessWindowFunctionContext<TimeWindow>,
        _e: Iterable<Ev>,
        out: Collector<number>,
      ) {
        out.collect(ctx.window().start);
      }
      override clear(ctx: ProcessWindowFunctionContext<TimeWindow>): void {
        ctx.output(cleared, ctx.window().start);
      }
    }
    const result = punctuatedStream(threadEnv(2), EVENTS)
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(100))
      .process(new ClearCounting());
    const clearedSink = new RecordingSink<number>();
    result.getSideOutput(cleared).sinkTo(clearedSink);
    const fired = await result.executeAndCollect();
    assert.equal(fired.length, GROUPS.size);
    assertSameMultiset(clearedSink.all(), fired);
  });

  test("an evictor on session windows sees the merged session", async () => {
    const events = [ev("a", 1, 0), ev("a", 2, 15), ev("a", 3, 7), ev("a", 4, 100)];
    const out = await punctuatedStream(threadEnv(2), events, 20)
      .keyBy((e) => e.key)
      .window(EventTimeSessionWindows.withGap(10))
      .evictor(CountEvictor.of(2))
      .process(new Contents<TimeWindow>())
      .executeAndCollect();
    // [0,10) + [15,25) + [7,17) merge into [0,25): the evictor keeps the last two added.
    assert.deepEqual(out, ["a:0:2,3", "a:100:4"]);
  });
});
