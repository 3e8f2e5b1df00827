/**
 * Event time: Watermark objects, punctuated and periodic generators, the watermark interval,
 * timestamp-assigner errors, and idleness (`withIdleness`, custom `markIdle`/`markActive`), from a
 * source to the task's combined watermark and on through tasks whose inputs are all idle. Jobs with
 * idleness run on a manual processing-time clock; watermarks are observed by a ProcessFunction
 * reading `ctx.timerService().currentWatermark()` for every record it sees.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  Boundedness,
  CollectionSource,
  Duration,
  InputStatus,
  InvalidJobError,
  JobCancelledError,
  JobExecutionError,
  ProcessFunction,
  Watermark,
  WatermarkStrategy,
  type Collector,
  type JobClient,
  type ProcessContext,
  type ReaderOutput,
  type Source,
  type SourceReader,
  type WatermarkGenerator,
  type WatermarkOutput,
} from "strom";
import type { ManualTimerScheduler } from "../../src/core/time.ts";
import {
  InputChannel,
  RemoteChannelWriter,
  decodeInto,
  type LocalBatch,
} from "../../src/runtime/network/channels.ts";
import type { Transport } from "../../src/runtime/network/transport.ts";
import {
  END_OF_PARTITION,
  WatermarkEvent,
  WatermarkStatusEvent,
  WATERMARK_STATUS_ACTIVE,
  WATERMARK_STATUS_IDLE,
} from "../../src/runtime/events.ts";
import { StatusWatermarkValve, type ValveChannel } from "../../src/runtime/watermark-valve.ts";
import { manualClockEnv, rejectionOf, settle, threadEnv } from "./harness.ts";

/** An event with an event-time timestamp. */
interface Ev {
  id: string;
  ts: number;
  /** For punctuated generators: emit a watermark at this event. */
  punct?: boolean;
}

const ev = (id: string, ts: number, punct?: boolean): Ev =>
  punct === undefined ? { id, ts } : { id, ts, punct };

/**
 * An unbounded source of parallelism 1 fed by the test: `push` adds records, the reader emits
 * them at its next poll. It never ends by itself (jobs are cancelled).
 */
class PushSource<T> implements Source<T, number> {
  private readonly queue: T[] = [];
  private wake: (() => void) | null = null;
  getBoundedness(): Boundedness {
    return Boundedness.CONTINUOUS_UNBOUNDED;
  }
  createSplits(): number[] {
    return [0];
  }
  push(...records: T[]): void {
    this.queue.push(...records);
    const w = this.wake;
    this.wake = null;
    w?.();
  }
  /** Pushes `records` and lets the job run. */
  async send(...records: T[]): Promise<void> {
    this.push(...records);
    await settle();
  }
  createReader(): SourceReader<T, number> {
    return {
      addSplits() {},
      noMoreSplits() {},
      pollNext: (output: ReaderOutput<T>) => {
        if (this.queue.length === 0) return InputStatus.NOTHING_AVAILABLE;
        for (const r of this.queue.splice(0)) output.collect(r);
        return InputStatus.MORE_AVAILABLE;
      },
      isAvailable: () =>
        this.queue.length > 0 ? Promise.resolve() : new Promise<void>((r) => (this.wake = r)),
      snapshotState: () => [0],
    };
  }
}

/** What a {@link probe} saw: each record's id with the operator's watermark at that moment. */
type Seen = [id: string, watermark: number][];

/** A ProcessFunction logging `[id, currentWatermark]` per record into `log` (shared by closure). */
function probe(log: Seen): ProcessFunction<Ev, Ev> {
  class Probe extends ProcessFunction<Ev, Ev> {
    processElement(v: Ev, ctx: ProcessContext, out: Collector<Ev>): void {
      log.push([v.id, ctx.timerService().currentWatermark()]);
      out.collect(v);
    }
  }
  return new Probe();
}

/** The watermark `log` recorded for the record `id`. */
function wmOf(log: Seen, id: string): number {
  const hit = log.find(([i]) => i === id);
  assert.ok(hit, `record ${id} reached the probe (saw ${JSON.stringify(log)})`);
  return hit[1];
}

/** Asserts the watermarks of `log` never decrease. */
function assertNonDecreasing(log: Seen): void {
  for (let i = 1; i < log.length; i++) {
    assert.ok(
      log[i]![1] >= log[i - 1]![1],
      `watermark went back from ${log[i - 1]![1]} to ${log[i]![1]} at ${log[i]![0]}`,
    );
  }
}

/** Moves the manual clock to `to` in steps, letting the job run after every step. */
async function advanceTo(timers: ManualTimerScheduler, to: number, step = 100): Promise<void> {
  while (timers.now() < to) {
    timers.advanceTo(Math.min(to, timers.now() + step));
    await settle();
  }
}

/** Cancels a running job and checks it was still running (had not failed). */
async function cancel(client: JobClient): Promise<void> {
  const result = client.getJobExecutionResult();
  await client.cancel();
  const e = await rejectionOf(result);
  assert.ok(e instanceof JobCancelledError, `the job failed before it was cancelled: ${String(e)}`);
}

/**
 * Starts a job on a manual clock: push sources `a` and `b` with their strategies, their union
 * into a {@link probe} logging to `log`.
 */
async function unionJob(aStrategy: WatermarkStrategy<Ev>, bStrategy: WatermarkStrategy<Ev>) {
  const { env, timers } = manualClockEnv(1);
  const a = new PushSource<Ev>();
  const b = new PushSource<Ev>();
  const log: Seen = [];
  env
    .fromSource(a, aStrategy, "a")
    .union(env.fromSource(b, bStrategy, "b"))
    .process(probe(log))
    .sinkTo(() => {});
  const client = await env.executeAsync();
  await settle();
  return { timers, a, b, log, client };
}

const monotonous = () =>
  WatermarkStrategy.forMonotonousTimestamps<Ev>().withTimestampAssigner((e) => e.ts);

describe("Watermark objects", () => {
  test("carry a timestamp; MAX_WATERMARK ends event time; NaN is refused", () => {
    const w = new Watermark(1500);
    assert.equal(w.getTimestamp(), 1500);
    assert.ok(w.equals(new Watermark(1500)));
    assert.ok(!w.equals(new Watermark(1501)));
    assert.equal(w.getFormattedTimestamp(), "1970-01-01T00:00:01.500Z");
    assert.equal(String(w), "Watermark @ 1500 (1970-01-01T00:00:01.500Z)");
    assert.equal(Watermark.MAX_WATERMARK.getTimestamp(), Infinity);
    assert.equal(String(Watermark.MAX_WATERMARK), "Watermark @ Infinity (Infinity)");
    assert.throws(
      () => new Watermark(NaN),
      /a Watermark needs a timestamp in milliseconds, got NaN/,
    );
    assert.throws(() => new Watermark("5" as never), TypeError);
  });

  test("generators may emit Watermark objects or numbers; only advancing ones pass", async () => {
    const log: Seen = [];
    const env = threadEnv(1).setAutoWatermarkInterval(0);
    // Emits on every event: a Watermark object for even timestamps, a number for odd ones, and
    // once a watermark behind the last one (dropped).
    const gen = (): WatermarkGenerator<Ev> => ({
      onEvent(e, ts, out) {
        if (e.id === "back") out.emitWatermark(new Watermark(1));
        else out.emitWatermark(ts % 2 === 0 ? new Watermark(ts) : ts);
      },
      onPeriodicEmit() {},
    });
    env
      .fromSource(
        new CollectionSource([ev("a", 10), ev("b", 21), ev("back", 22), ev("c", 30)]),
        WatermarkStrategy.forGenerator(gen).withTimestampAssigner((e) => e.ts),
        "events",
      )
      .process(probe(log))
      .sinkTo(() => {});
    await env.execute();
    assert.deepEqual(log, [
      ["a", -Infinity],
      ["b", 10],
      ["back", 21],
      ["c", 21],
    ]);
  });

  test("a generator emitting NaN fails the job naming the operator", async () => {
    const env = threadEnv(1).setAutoWatermarkInterval(0);
    env
      .fromElements(ev("a", 1))
      .assignTimestampsAndWatermarks(
        WatermarkStrategy.forGenerator<Ev>(() => ({
          onEvent: (_e, _ts, out) => out.emitWatermark(NaN),
          onPeriodicEmit() {},
        })).withTimestampAssigner((e) => e.ts),
      )
      .sinkTo(() => {});
    const e = await rejectionOf(env.execute());
    assert.ok(e instanceof JobExecutionError);
    assert.match(
      e.message,
      /the watermark generator of 'Timestamps\/Watermarks' emitted NaN: expected a Watermark or a number of milliseconds/,
    );
  });
});

describe("WatermarkStrategy options", () => {
  test("forBoundedOutOfOrderness takes a Duration or milliseconds, validated", () => {
    WatermarkStrategy.forBoundedOutOfOrderness(Duration.ofSeconds(5));
    WatermarkStrategy.forBoundedOutOfOrderness(250);
    WatermarkStrategy.forBoundedOutOfOrderness({ toMillis: () => 10 });
    assert.throws(
      () => WatermarkStrategy.forBoundedOutOfOrderness(Duration.ofMillis(-1)),
      /forBoundedOutOfOrderness: maxOutOfOrderness must be a Duration \(or milliseconds\) >= 0/,
    );
    assert.throws(() => WatermarkStrategy.forBoundedOutOfOrderness(NaN), RangeError);
    assert.throws(() => WatermarkStrategy.forBoundedOutOfOrderness("5s" as never), RangeError);
  });

  test("withIdleness takes a positive Duration and keeps the assigner", () => {
    const s = monotonous().withIdleness(Duration.ofSeconds(30));
    assert.equal(s.idleTimeout, 30_000);
    assert.ok(s.timestampAssigner !== null, "the assigner is kept");
    assert.equal(WatermarkStrategy.noWatermarks().withIdleness(500).idleTimeout, 500);
    assert.equal(
      WatermarkStrategy.forMonotonousTimestamps<Ev>()
        .withIdleness(Duration.ofMinutes(1))
        .withTimestampAssigner((e) => e.ts).idleTimeout,
      60_000,
      "withTimestampAssigner keeps the idleness",
    );
    assert.throws(() => monotonous().withIdleness(Duration.ZERO), /idleTimeout must be > 0/);
    assert.throws(() => monotonous().withIdleness(Duration.ofSeconds(-1)), RangeError);
    assert.throws(() => monotonous().withIdleness(undefined as never), RangeError);
  });
});

describe("punctuated generators", () => {
  // Emits a watermark at the timestamp of every event marked `punct`, nothing periodically.
  const punctuated = () =>
    WatermarkStrategy.forGenerator<Ev>(() => ({
      onEvent(e: Ev, ts: number, out: WatermarkOutput) {
        if (e.punct) out.emitWatermark(new Watermark(ts));
      },
      onPeriodicEmit() {},
    })).withTimestampAssigner((e) => e.ts);
  const events = [ev("1", 10), ev("2", 20, true), ev("3", 30), ev("4", 40, true), ev("5", 50)];
  // The event that triggers a watermark is emitted before it (it is never late to its own one).
  const expected: Seen = [
    ["1", -Infinity],
    ["2", -Infinity],
    ["3", 20],
    ["4", 20],
    ["5", 40],
  ];

  for (const interval of [0, 200]) {
    test(`at sources and in assignTimestampsAndWatermarks, chained or not (interval ${interval})`, async () => {
      const logs: Record<string, Seen> = { source: [], sourceShuffled: [], assigner: [] };
      const env = threadEnv(1).setAutoWatermarkInterval(interval);
      const fromSource = env.fromSource(new CollectionSource(events), punctuated(), "punct");
      fromSource.process(probe(logs.source!)).sinkTo(() => {});
      fromSource
        .rebalance()
        .process(probe(logs.sourceShuffled!))
        .sinkTo(() => {});
      env
        .fromCollection(events)
        .assignTimestampsAndWatermarks(punctuated())
        .process(probe(logs.assigner!))
        .sinkTo(() => {});
      await env.execute();
      for (const [where, log] of Object.entries(logs)) assert.deepEqual(log, expected, where);
    });
  }
});

describe("the periodic watermark interval", () => {
  test("env.setAutoWatermarkInterval / getConfig().autoWatermarkInterval set it; 0 turns it off", async () => {
    type Env = ReturnType<typeof manualClockEnv>["env"];
    const cases: [how: string, configure: (e: Env) => void, firstWatermarkAt: number | null][] = [
      ["default (200 ms)", () => {}, 200],
      [
        "setAutoWatermarkInterval(Duration)",
        (e) => void e.setAutoWatermarkInterval(Duration.ofMillis(500)),
        500,
      ],
      ["getConfig() field", (e) => void (e.getConfig().autoWatermarkInterval = 300), 300],
      ["0 (off)", (e) => void e.setAutoWatermarkInterval(0), null],
    ];
    for (const [how, configure, expectedAt] of cases) {
      const { env, timers } = manualClockEnv(1);
      configure(env);
      const src = new PushSource<Ev>();
      const log: Seen = [];
      env
        .fromSource(src, monotonous(), "events")
        .process(probe(log))
        .sinkTo(() => {});
      const client = await env.executeAsync();
      await settle();
      src.push(ev("first", 1000));
      let emittedAt: number | null = null;
      for (let t = 50; t <= 1000; t += 50) {
        await advanceTo(timers, t, 50);
        await src.send(ev(`at${t}`, 1000));
        if (emittedAt === null && wmOf(log, `at${t}`) === 999) emittedAt = t;
      }
      assert.equal(emittedAt, expectedAt, how);
      await cancel(client);
    }
  });

  test("a negative or non-numeric interval is refused", async () => {
    assert.throws(() => threadEnv(1).setAutoWatermarkInterval(-1), /autoWatermarkInterval must be/);
    assert.throws(() => threadEnv(1).setAutoWatermarkInterval(NaN), RangeError);
    assert.equal(
      threadEnv(1).setAutoWatermarkInterval(Duration.ofSeconds(1)).getAutoWatermarkInterval(),
      1000,
    );
    const env = threadEnv(1);
    env.getConfig().autoWatermarkInterval = NaN;
    env.fromElements(1).sinkTo(() => {});
    const e = await rejectionOf(env.execute());
    assert.ok(e instanceof InvalidJobError);
    assert.match(e.message, /autoWatermarkInterval must be a number of milliseconds >= 0/);
  });
});

describe("timestamp assigner errors", () => {
  const cases: [string, (e: { id: number }) => unknown, RegExp][] = [
    ["undefined", (e) => (e as unknown as Ev).ts, /returned undefined for record \{ id: 1 \}/],
    ["NaN", () => NaN, /returned NaN for record \{ id: 1 \}/],
    ["a string", () => "12", /returned the string "12" for record \{ id: 1 \}/],
    ["a Date", () => new Date(0), /returned a Date \(.*; use date.getTime\(\)\) for record/],
  ];
  for (const [what, assigner, message] of cases) {
    test(`an assigner returning ${what} fails the job, naming the operator`, async () => {
      const strategy = () =>
        WatermarkStrategy.forMonotonousTimestamps<{ id: number }>().withTimestampAssigner(
          assigner as (e: { id: number }) => number,
        );
      // At a source...
      const env1 = threadEnv(1);
      env1.fromSource(new CollectionSource([{ id: 1 }]), strategy(), "clicks").sinkTo(() => {});
      const e1 = await rejectionOf(env1.execute());
      assert.ok(e1 instanceof JobExecutionError, String(e1));
      assert.match(e1.message, /timestamp assigner of 'clicks' returned/);
      assert.match(e1.message, message);
      assert.match(e1.message, /expected a number of milliseconds/);
      // ...and in assignTimestampsAndWatermarks.
      const env2 = threadEnv(1);
      env2
        .fromElements({ id: 1 })
        .assignTimestampsAndWatermarks(strategy())
        .sinkTo(() => {});
      const e2 = await rejectionOf(env2.execute());
      assert.ok(e2 instanceof JobExecutionError, String(e2));
      assert.match(e2.message, /timestamp assigner of 'Timestamps\/Watermarks' returned/);
      assert.match(e2.message, message);
    });
  }

  test("an assigner that throws is reported as the operator's user error", async () => {
    const env = threadEnv(1);
    env
      .fromSource(
        new CollectionSource([{ id: 1 }]),
        WatermarkStrategy.forMonotonousTimestamps<{ id: number }>().withTimestampAssigner(() => {
          throw new Error("no time here");
        }),
        "clicks",
      )
      .sinkTo(() => {});
    const e = await rejectionOf(env.execute());
    assert.ok(e instanceof JobExecutionError);
    assert.match(e.message, /no time here/);
    assert.match(e.message, /clicks/);
  });
});

describe("idleness", () => {
  test("an idle source stops holding back the watermark once withIdleness applies", async () => {
    for (const withIdleness of [true, false]) {
      const bStrategy = withIdleness
        ? monotonous().withIdleness(Duration.ofSeconds(1))
        : monotonous();
      // b never emits.
      const { timers, a, log, client } = await unionJob(monotonous(), bStrategy);
      a.push(ev("a1", 1000));
      await advanceTo(timers, 200);
      await a.send(ev("a2", 2000));
      assert.equal(wmOf(log, "a2"), -Infinity, "b holds the watermark back while active");
      await advanceTo(timers, 900);
      await a.send(ev("a3", 3000));
      assert.equal(wmOf(log, "a3"), -Infinity, "not idle before the timeout");
      await advanceTo(timers, 1000);
      await a.send(ev("a4", 4000));
      assert.equal(
        wmOf(log, "a4"),
        withIdleness ? 2999 : -Infinity,
        withIdleness ? "b is idle after 1 s: a alone decides" : "without idleness b holds it back",
      );
      await advanceTo(timers, 5000);
      await a.send(ev("a5", 5000));
      assert.equal(wmOf(log, "a5"), withIdleness ? 3999 : -Infinity);
      assertNonDecreasing(log);
      await cancel(client);
    }
  });

  test("a source that stops emitting goes idle, and its next record makes it active again", async () => {
    const strategy = monotonous().withIdleness(Duration.ofSeconds(1));
    const { timers, a, b, log, client } = await unionJob(strategy, strategy);
    // Both emit: the watermark is the minimum.
    b.push(ev("b1", 500));
    await a.send(ev("a1", 1000));
    await advanceTo(timers, 200);
    await a.send(ev("a2", 1000));
    assert.equal(wmOf(log, "a2"), 499, "min(a: 999, b: 499)");
    // a keeps emitting every 100 ms; b says nothing more: idle 1 s after its last record
    // (detected within one watermark interval more).
    let ts = 1000;
    for (let t = 300; t <= 1400; t += 100) {
      await advanceTo(timers, t);
      await a.send(ev(`a@${t}`, (ts += 100)));
    }
    assert.equal(wmOf(log, "a@1100"), 499, "b is not idle within 1 s of its last record");
    assert.equal(wmOf(log, "a@1400"), 2099, "b idle: a's watermark (2200 - 1) decides");
    // b comes back behind the current watermark: active again, but it does not pull the
    // watermark back (it rejoins the minimum once it has caught up).
    await b.send(ev("b2", 600));
    await advanceTo(timers, 1600);
    await a.send(ev("a3", ts + 100));
    assert.ok(wmOf(log, "b2") >= 2099, "no step back for b's late record");
    assert.equal(wmOf(log, "a3"), 2199, "b (599) is behind and not aligned: a decides");
    // b catches up: now it takes part in the minimum again.
    await b.send(ev("b3", 2500));
    await advanceTo(timers, 1800);
    await a.send(ev("a4", 9000));
    await advanceTo(timers, 2000);
    await a.send(ev("a5", 9000));
    assert.equal(wmOf(log, "a5"), 2499, "b is active and aligned again: min(a: 8999, b: 2499)");
    assertNonDecreasing(log);
    await cancel(client);
  });

  test("assignTimestampsAndWatermarks instances go idle too", async () => {
    const { env, timers } = manualClockEnv(1);
    const a = new PushSource<Ev>();
    const b = new PushSource<Ev>();
    const log: Seen = [];
    const strategy = monotonous().withIdleness(Duration.ofMillis(600));
    const noWm = WatermarkStrategy.noWatermarks<Ev>();
    env
      .fromSource(a, noWm, "a")
      .assignTimestampsAndWatermarks(strategy)
      .union(env.fromSource(b, noWm, "b").assignTimestampsAndWatermarks(strategy))
      .process(probe(log))
      .sinkTo(() => {});
    const client = await env.executeAsync();
    await settle();
    await a.send(ev("a1", 1000));
    await advanceTo(timers, 400);
    await a.send(ev("a2", 1000));
    assert.equal(wmOf(log, "a2"), -Infinity);
    await advanceTo(timers, 600);
    await a.send(ev("a3", 2000));
    assert.equal(wmOf(log, "a3"), 999, "b's assigner is idle after 600 ms without records");
    assertNonDecreasing(log);
    await cancel(client);
  });

  test("custom generators can mark their output idle and active", async () => {
    // b's generator: idle on a "bye" event, watermark = timestamp on "punct" events.
    const bStrategy = WatermarkStrategy.forGenerator<Ev>(() => ({
      onEvent(e, ts, out) {
        if (e.id.startsWith("bye")) out.markIdle();
        else if (e.id === "hello") out.markActive();
        else if (e.punct) out.emitWatermark(ts);
      },
      onPeriodicEmit() {},
    })).withTimestampAssigner((e) => e.ts);
    const { timers, a, b, log, client } = await unionJob(monotonous(), bStrategy);
    b.push(ev("b1", 100, true));
    a.push(ev("a1", 5000));
    await advanceTo(timers, 200);
    await a.send(ev("a2", 5000));
    assert.equal(wmOf(log, "a2"), 100, "min(a: 4999, b: 100)");
    await b.send(ev("bye", 150));
    await a.send(ev("a3", 5000));
    assert.equal(wmOf(log, "a3"), 4999, "b marked itself idle");
    // A record makes b active again (not aligned: 100 < 4999); its watermark rejoins when it
    // catches up.
    await b.send(ev("hello", 160));
    await b.send(ev("b2", 7000, true));
    a.push(ev("a4", 9000));
    await advanceTo(timers, 400);
    await a.send(ev("a5", 9000));
    assert.equal(wmOf(log, "a5"), 7000, "b active again: min(a: 8999, b: 7000)");
    assertNonDecreasing(log);
    await cancel(client);
  });

  test("a task whose inputs are all idle forwards idleness downstream, and activity again", async () => {
    const { env, timers } = manualClockEnv(1);
    const a = new PushSource<Ev>();
    const b1 = new PushSource<Ev>();
    const b2 = new PushSource<Ev>();
    const log: Seen = [];
    const mapped: Seen = [];
    // T = union(b1, b2).process(...) is a task of its own with two inputs; P merges T and a.
    const t = env
      .fromSource(b1, monotonous().withIdleness(Duration.ofSeconds(1)), "b1")
      .union(env.fromSource(b2, monotonous().withIdleness(Duration.ofSeconds(3)), "b2"))
      .process(probe(mapped))
      .name("T");
    env
      .fromSource(a, monotonous(), "a")
      .union(t)
      .process(probe(log))
      .name("P")
      .sinkTo(() => {});
    const client = await env.executeAsync();
    await settle();
    a.push(ev("a1", 1000));
    await advanceTo(timers, 1500);
    await a.send(ev("a2", 2000));
    assert.equal(wmOf(log, "a2"), -Infinity, "b1 is idle but b2 is not: T holds P back");
    await advanceTo(timers, 3000);
    await a.send(ev("a3", 3000));
    assert.equal(wmOf(log, "a3"), 1999, "T's inputs are all idle: T is idle, a decides");
    await advanceTo(timers, 3200);
    await a.send(ev("a4", 4000));
    assert.equal(wmOf(log, "a4"), 2999);
    // b2 comes back: T becomes active again. Its watermark (-Infinity) is behind P's, so P's
    // watermark does not go back; once T has caught up it holds P back again.
    await b2.send(ev("late", 500));
    assert.ok(wmOf(log, "late") >= 2999, "the late record does not move P's watermark back");
    b2.push(ev("b2-1", 10_000));
    await advanceTo(timers, 3400); // b2 (and T) at 9999, ahead of P: T is aligned again
    a.push(ev("a5", 20_000));
    await advanceTo(timers, 3600);
    await a.send(ev("a6", 20_000));
    assert.equal(wmOf(log, "a6"), 9999, "T is active again and aligned: min(a: 19999, T: 9999)");
    assertNonDecreasing(log);
    assertNonDecreasing(mapped);
    await cancel(client);
  });
});

describe("the task's watermark valve", () => {
  function valve(n: number) {
    const channels: ValveChannel[] = Array.from({ length: n }, () => ({
      watermark: -Infinity,
      idle: false,
      aligned: true,
      finished: false,
    }));
    const out: (number | "IDLE" | "ACTIVE")[] = [];
    const v = new StatusWatermarkValve(channels, {
      watermark: (w) => out.push(w),
      status: (idle) => out.push(idle ? "IDLE" : "ACTIVE"),
    });
    const take = () => out.splice(0);
    return { v, ch: channels, take };
  }

  test("the minimum over active channels; idle ones are left out", () => {
    const { v, ch, take } = valve(3);
    v.inputWatermark(ch[0]!, 10);
    v.inputWatermark(ch[1]!, 20);
    assert.deepEqual(take(), [], "channel 2 is still at -Infinity");
    v.inputWatermark(ch[2]!, 5);
    assert.deepEqual(take(), [5]);
    v.inputStatus(ch[2]!, true);
    assert.deepEqual(take(), [10], "channel 2 idle: min(10, 20)");
    v.inputWatermark(ch[0]!, 30);
    assert.deepEqual(take(), [20]);
    v.inputWatermark(ch[2]!, 100);
    assert.deepEqual(take(), [], "watermarks of idle channels are ignored");
  });

  test("all inputs idle: flush to the largest watermark, go idle; the first active one resumes", () => {
    const { v, ch, take } = valve(2);
    v.inputWatermark(ch[0]!, 10);
    v.inputWatermark(ch[1]!, 50);
    assert.deepEqual(take(), [10]);
    v.inputStatus(ch[1]!, true);
    assert.deepEqual(take(), [], "channel 0 is still active at 10");
    v.inputStatus(ch[0]!, true);
    assert.deepEqual(take(), [50, "IDLE"], "all idle: advance to the max, then go idle");
    v.inputStatus(ch[0]!, true);
    assert.deepEqual(take(), [], "repeated status is ignored");
    v.inputStatus(ch[0]!, false);
    assert.deepEqual(take(), ["ACTIVE"]);
    v.inputWatermark(ch[0]!, 30);
    assert.deepEqual(take(), [], "behind the valve's 50: unaligned, no step back");
    v.inputWatermark(ch[0]!, 60);
    assert.deepEqual(take(), [60], "caught up: aligned again");
    assert.equal(v.watermark, 60);
  });

  test("a re-activated channel behind the watermark does not lower it, and rejoins once caught up", () => {
    const { v, ch, take } = valve(2);
    v.inputWatermark(ch[0]!, 100);
    v.inputWatermark(ch[1]!, 100);
    assert.deepEqual(take(), [100]);
    v.inputStatus(ch[1]!, true);
    v.inputWatermark(ch[0]!, 200);
    assert.deepEqual(take(), [200]);
    v.inputStatus(ch[1]!, false);
    assert.deepEqual(take(), [], "channel 1 (100) is behind 200: not aligned");
    v.inputWatermark(ch[0]!, 300);
    assert.deepEqual(take(), [300], "only aligned channels count");
    v.inputWatermark(ch[1]!, 250);
    v.inputWatermark(ch[0]!, 400);
    assert.deepEqual(take(), [400], "250 < 300: still catching up");
    v.inputWatermark(ch[1]!, 450);
    assert.deepEqual(take(), [], "aligned at 450; min(400, 450) = 400 already out");
    v.inputWatermark(ch[0]!, 500);
    assert.deepEqual(take(), [450], "channel 1 holds the watermark back again");
  });

  test("finished channels no longer count; idle + finished inputs make the task idle", () => {
    const { v, ch, take } = valve(2);
    v.inputWatermark(ch[0]!, 10);
    v.inputStatus(ch[1]!, true);
    assert.deepEqual(take(), [10]);
    v.inputWatermark(ch[0]!, Infinity);
    assert.deepEqual(take(), [Infinity]);
    v.channelFinished(ch[0]!);
    assert.deepEqual(take(), ["IDLE"], "the only unfinished input is idle");
    v.inputStatus(ch[1]!, false);
    assert.deepEqual(take(), ["ACTIVE"]);
    v.channelFinished(ch[1]!);
    assert.deepEqual(take(), []);
  });
});

describe("watermark status on the wire", () => {
  test("IDLE and ACTIVE cross remote channels in order with records and watermarks", () => {
    const buffers: Uint8Array[] = [];
    const transport: Transport = {
      sendBuffer: (_slot, _ch, bytes) => buffers.push(bytes),
      sendCredit() {},
      setHandlers() {},
    };
    const writer = new RemoteChannelWriter(transport, 1, 7, 100, 16, undefined, "a -> b");
    writer.write({ id: "r1" }, 5);
    writer.writeEvent(new WatermarkEvent(4));
    writer.writeEvent(WATERMARK_STATUS_IDLE);
    writer.writeEvent(WATERMARK_STATUS_ACTIVE);
    writer.write("r2", -Infinity);
    writer.writeEvent(END_OF_PARTITION);
    const input = new InputChannel(0, 1, 7, true, undefined);
    const batch: LocalBatch = {
      values: new Array<unknown>(64),
      timestamps: new Float64Array(64),
      count: 0,
    };
    const got: unknown[] = [];
    for (const b of buffers) {
      input.reader!.setBuffer(b);
      decodeInto(input.reader!, batch, 64);
      for (let i = 0; i < batch.count; i++) got.push(batch.values[i]);
    }
    assert.equal(got.length, 6);
    assert.deepEqual(got[0], { id: "r1" });
    assert.ok(got[1] instanceof WatermarkEvent && got[1].timestamp === 4);
    assert.ok(got[2] instanceof WatermarkStatusEvent && got[2].idle === true);
    assert.ok(got[3] instanceof WatermarkStatusEvent && got[3].idle === false);
    assert.equal(got[4], "r2");
    assert.equal(got[5], END_OF_PARTITION);
  });
});
