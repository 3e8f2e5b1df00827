/** Restart strategies: the builder, env.setRestartStrategy and the pure restart decisions. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Duration, RestartStrategies, StreamExecutionEnvironment } from "strom";
import { createRestartBackoff } from "../../src/runtime/checkpoint/restart-strategy.ts";

const mid = () => 0.5; // no jitter

describe("RestartStrategies builder", () => {
  it("produces plain settings with durations in ms", () => {
    assert.deepEqual(RestartStrategies.noRestart(), { kind: "none" });
    assert.deepEqual(RestartStrategies.fixedDelayRestart(3, Duration.ofSeconds(10)), {
      kind: "fixed-delay",
      attempts: 3,
      delay: 10_000,
    });
    assert.deepEqual(RestartStrategies.failureRateRestart(2, Duration.ofMinutes(5), 250), {
      kind: "failure-rate",
      maxFailuresPerInterval: 2,
      interval: 300_000,
      delay: 250,
    });
  });

  it("fills exponential-delay options with Flink's defaults", () => {
    assert.deepEqual(RestartStrategies.exponentialDelayRestart(), {
      kind: "exponential-delay",
      initialBackoff: 1_000,
      maxBackoff: 60_000,
      multiplier: 1.5,
      resetBackoffThreshold: 3_600_000,
      jitter: 0.1,
      attempts: Infinity,
    });
    const s = RestartStrategies.exponentialDelayRestart({
      initialBackoff: Duration.ofMillis(10),
      maxBackoff: 100,
      multiplier: 2,
      resetBackoffThreshold: Duration.ofSeconds(1),
      jitter: 0,
      attempts: 4,
    });
    assert.equal(s.kind, "exponential-delay");
    assert.equal((s as { attempts: number }).attempts, 4);
  });

  it("rejects bad arguments naming the field", () => {
    assert.throws(() => RestartStrategies.fixedDelayRestart(-1, 10), /fixed-delay.*attempts/);
    assert.throws(() => RestartStrategies.fixedDelayRestart(1, -5), /delay/);
    assert.throws(
      () => RestartStrategies.exponentialDelayRestart({ multiplier: 0.5 }),
      /multiplier/,
    );
    assert.throws(() => RestartStrategies.exponentialDelayRestart({ jitter: 2 }), /jitter/);
    assert.throws(
      () => RestartStrategies.exponentialDelayRestart({ initialBackoff: 5000, maxBackoff: 10 }),
      /maxBackoff/,
    );
    assert.throws(() => RestartStrategies.failureRateRestart(0, 1000, 0), /maxFailuresPerInterval/);
    assert.throws(() => RestartStrategies.failureRateRestart(1, 0, 0), /interval/);
  });

  it("is set on the environment's config", () => {
    const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
    assert.equal(env.getConfig().restartStrategy, null);
    env.setRestartStrategy(RestartStrategies.fixedDelayRestart(2, 100));
    assert.deepEqual(env.getConfig().restartStrategy, {
      kind: "fixed-delay",
      attempts: 2,
      delay: 100,
    });
    assert.deepEqual(env.getRestartStrategy(), env.getConfig().restartStrategy);
    assert.throws(() => env.setRestartStrategy({ kind: "sometimes" } as never), /unknown restart/);
  });
});

describe("createRestartBackoff", () => {
  it("defaults to exponential delay with checkpointing, else to no restart", () => {
    const off = createRestartBackoff(null, false);
    assert.equal(off.settings.kind, "none");
    const d = off.onFailure(0);
    assert.equal(d.restart, false);
    assert.match((d as { reason: string }).reason, /'none'/);

    const on = createRestartBackoff(null, true, mid);
    assert.equal(on.settings.kind, "exponential-delay");
    assert.deepEqual(on.onFailure(0), { restart: true, delay: 1_000 });
  });

  it("an explicit strategy wins over the default", () => {
    const b = createRestartBackoff(RestartStrategies.noRestart(), true);
    assert.equal(b.onFailure(5).restart, false);
  });

  it("fixed delay: `attempts` restarts, then the job fails", () => {
    const b = createRestartBackoff(RestartStrategies.fixedDelayRestart(2, 500), false);
    assert.deepEqual(b.onFailure(0), { restart: true, delay: 500 });
    b.onRunning(500);
    assert.deepEqual(b.onFailure(10_000_000), { restart: true, delay: 500 });
    const last = b.onFailure(20_000_000);
    assert.equal(last.restart, false);
    assert.match((last as { reason: string }).reason, /allows 2 restarts.*failed 3 times/);
    assert.equal(
      createRestartBackoff(RestartStrategies.fixedDelayRestart(0, 1), false).onFailure(0).restart,
      false,
    );
  });

  it("exponential delay: grows by the multiplier, caps at max, resets after the threshold", () => {
    const b = createRestartBackoff(
      RestartStrategies.exponentialDelayRestart({
        initialBackoff: 100,
        maxBackoff: 1_000,
        multiplier: 2,
        resetBackoffThreshold: 10_000,
        jitter: 0,
      }),
      true,
    );
    const delays: number[] = [];
    let now = 0;
    for (let i = 0; i < 6; i++) {
      const d = b.onFailure(now);
      assert.equal(d.restart, true);
      const delay = (d as { delay: number }).delay;
      delays.push(delay);
      now += delay;
      b.onRunning(now);
      now += 50; // fails again soon
    }
    assert.deepEqual(delays, [100, 200, 400, 800, 1_000, 1_000]);
    // Running for the threshold resets the backoff.
    now += 10_000;
    assert.deepEqual(b.onFailure(now), { restart: true, delay: 100 });
  });

  it("exponential delay: without onRunning the restart time starts the failure-free run", () => {
    const s = RestartStrategies.exponentialDelayRestart({
      initialBackoff: 100,
      maxBackoff: 1_000,
      multiplier: 2,
      resetBackoffThreshold: 1_000,
      jitter: 0,
    });
    const b = createRestartBackoff(s, true);
    assert.deepEqual(b.onFailure(0), { restart: true, delay: 100 }); // restarts at 100
    assert.deepEqual(b.onFailure(1_099), { restart: true, delay: 200 }); // ran 999 ms
    assert.deepEqual(b.onFailure(1_299 + 1_000), { restart: true, delay: 100 }); // ran 1000 ms
  });

  it("exponential delay: a failure while a restart is pending is merged into it", () => {
    const b = createRestartBackoff(
      RestartStrategies.exponentialDelayRestart({
        initialBackoff: 100,
        multiplier: 2,
        jitter: 0,
        attempts: 2,
      }),
      true,
    );
    assert.deepEqual(b.onFailure(0), { restart: true, delay: 100 });
    assert.deepEqual(b.onFailure(30), { restart: true, delay: 70 }); // merged, no attempt
    assert.deepEqual(b.onFailure(150), { restart: true, delay: 200 });
    const d = b.onFailure(400);
    assert.equal(d.restart, false);
    assert.match((d as { reason: string }).reason, /allows 2 restarts/);
  });

  it("exponential delay: jitter spreads the delay by +- the fraction, from the injected random", () => {
    const settings = RestartStrategies.exponentialDelayRestart({
      initialBackoff: 1_000,
      jitter: 0.1,
    });
    const at = (r: number) =>
      (createRestartBackoff(settings, true, () => r).onFailure(0) as { delay: number }).delay;
    assert.equal(at(0), 900);
    assert.equal(at(0.5), 1_000);
    assert.equal(at(0.75), 1_050);
    assert.equal(at(0.999_999), 1_100);
  });

  it("failure rate: fails once more than the maximum failures fall in the interval", () => {
    const b = createRestartBackoff(RestartStrategies.failureRateRestart(2, 1_000, 10), false);
    assert.deepEqual(b.onFailure(0), { restart: true, delay: 10 });
    assert.deepEqual(b.onFailure(500), { restart: true, delay: 10 });
    // 0 left the window [1000 - 1000, 1000]: failures at 500 and 1000 only.
    assert.deepEqual(b.onFailure(1_000), { restart: true, delay: 10 });
    const d = b.onFailure(1_400); // 500, 1000, 1400 within 1000 ms
    assert.equal(d.restart, false);
    assert.match((d as { reason: string }).reason, /2 failures per 1000 ms.*3 times/);
  });

  it("failure rate: spaced failures restart forever", () => {
    const b = createRestartBackoff(RestartStrategies.failureRateRestart(1, 100, 0), false);
    for (let t = 0; t < 10_000; t += 100) assert.equal(b.onFailure(t).restart, true);
    assert.equal(b.onFailure(9_950).restart, false); // 50 ms after 9900
  });

  it("validates plain settings from a config", () => {
    assert.throws(
      () => createRestartBackoff({ kind: "fixed-delay", attempts: 1.5, delay: 0 }, false),
      /attempts/,
    );
  });
});
