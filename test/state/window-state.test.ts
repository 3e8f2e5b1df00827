/**
 * Window contents in raw namespaced state, end to end: fixed-size event-time windows without
 * allowed lateness (the operator's lean mode, which fires a whole window by draining its contents
 * state) over composite keys, with falsy and undefined accumulators, window state and clear().
 */
import { describe, test } from "node:test";
import {
  OutputTag,
  ProcessWindowFunction,
  SlidingEventTimeWindows,
  TumblingEventTimeWindows,
  ValueStateDescriptor,
  type AggregateFunction,
  type Collector,
  type ProcessWindowFunctionContext,
  type TimeWindow,
} from "strom";
import {
  assertSameAtEachParallelism,
  assertSameMultiset,
  RecordingSink,
  threadEnv,
} from "../api/harness.ts";
import { orderedEvents, punctuatedStream, windowStart, type Ev } from "../api/windows-support.ts";

type Key = [string, number];
const keyOfEv = (e: Ev): Key => [e.key, e.value % 3];
const EVENTS = orderedEvents(600, 4, 3);

/** The largest odd value; the accumulator stays `undefined` while there is none. */
const maxOdd: AggregateFunction<Ev, number | undefined, string> = {
  createAccumulator: () => undefined,
  add: (e, acc) => (e.value % 2 === 1 ? Math.max(acc ?? 0, e.value) : acc),
  getResult: (acc) => (acc === undefined ? "none" : String(acc)),
};

/** Whether any value is a multiple of 5: the accumulator starts as (and may stay) `false`. */
const anyFive: AggregateFunction<Ev, boolean, boolean> = {
  createAccumulator: () => false,
  add: (e, acc) => acc || e.value % 5 === 0,
  getResult: (acc) => acc,
};

/** Emits `key@start=result`, counting firings in window state; clear() reports the window. */
class Labelled<V> extends ProcessWindowFunction<V, string, Key, TimeWindow> {
  static readonly cleared = new OutputTag<string>("cleared");
  private readonly firings = new ValueStateDescriptor<number>("firings");
  private readonly show: (v: V) => string;
  /** Shows results with `show`. */
  constructor(show: (v: V) => string = String) {
    super();
    this.show = show;
  }
  process(
    key: Key,
    ctx: ProcessWindowFunctionContext<TimeWindow>,
    elements: Iterable<V>,
    out: Collector<string>,
  ): void {
    const firings = ctx.windowState().getState(this.firings);
    firings.update((firings.value() ?? 0) + 1);
    for (const v of elements)
      out.collect(`${JSON.stringify(key)}@${ctx.window().start}=${this.show(v)}`);
  }
  override clear(ctx: ProcessWindowFunctionContext<TimeWindow>): void {
    const firings = ctx.windowState().getState(this.firings);
    ctx.output(Labelled.cleared, `${ctx.window().start}:${firings.value()}`);
    firings.clear();
  }
}

/** Reference: per key and window start (windows of `size` every `slide`), the events. */
function groups(size: number, slide: number): Map<string, Ev[]> {
  const out = new Map<string, Ev[]>();
  for (const e of EVENTS) {
    for (let s = windowStart(e.ts, slide); s > e.ts - size; s -= slide) {
      const id = `${JSON.stringify(keyOfEv(e))}@${s}`;
      out.set(id, [...(out.get(id) ?? []), e]);
    }
  }
  return out;
}

function expected(
  size: number,
  slide: number,
  result: (events: Ev[]) => unknown,
): [string[], string[]] {
  const g = groups(size, slide);
  const fired = [...g].map(([id, evs]) => `${id}=${String(result(evs))}`);
  const cleared = [...g.keys()].map((id) => `${id.split("@")[1]}:1`);
  return [fired, cleared];
}

describe("window contents in raw state, lean windows", () => {
  for (const [name, size, slide] of [
    ["tumbling", 50, 50],
    ["sliding", 40, 20],
  ] as const) {
    const assigner = () =>
      size === slide ? TumblingEventTimeWindows.of(size) : SlidingEventTimeWindows.of(size, slide);

    test(`${name}: aggregates with undefined and false accumulators, composite keys`, async () => {
      for (const [fn, ref] of [
        [
          maxOdd,
          (evs: Ev[]) => {
            const odd = evs.filter((e) => e.value % 2 === 1).map((e) => e.value);
            return odd.length === 0 ? "none" : Math.max(...odd);
          },
        ],
        [anyFive, (evs: Ev[]) => evs.some((e) => e.value % 5 === 0)],
      ] as const) {
        const [fired, cleared] = expected(size, slide, ref);
        const clearedSinks: RecordingSink<string>[] = [];
        await assertSameAtEachParallelism(async (p) => {
          const result = punctuatedStream(threadEnv(p), EVENTS)
            .keyBy(keyOfEv)
            .window(assigner())
            .aggregate(fn as AggregateFunction<Ev, unknown, unknown>, new Labelled<unknown>());
          const sink = new RecordingSink<string>();
          clearedSinks.push(sink);
          result.getSideOutput(Labelled.cleared).sinkTo(sink);
          return result.executeAndCollect();
        }, fired);
        for (const sink of clearedSinks) assertSameMultiset(sink.all(), cleared);
      }
    });

    test(`${name}: reduce with a process function, composite keys`, async () => {
      const [fired] = expected(size, slide, (evs) => evs.reduce((s, e) => s + e.value, 0));
      await assertSameAtEachParallelism(
        (p) =>
          punctuatedStream(threadEnv(p), EVENTS)
            .keyBy(keyOfEv)
            .window(assigner())
            .reduce(
              (a, b) => ({ ...a, value: a.value + b.value }),
              new Labelled<Ev>((e) => String(e.value)),
            )
            .executeAndCollect(),
        fired,
      );
    });
  }
});
