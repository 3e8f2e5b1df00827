import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  KeyedProcessFunction,
  RestartStrategies,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  type Collector,
  type KeyedProcessContext,
  type ValueState,
} from "../../src/index.ts";

/** Shared by every subtask (function objects are copied per subtask; module state is not). */
const fail = { at: 250_000, seen: 0, done: false };

/** Running sum per key in keyed ValueState; fails once when `fail.at` records were seen. */
class RunningSum extends KeyedProcessFunction<number, number, [number, number]> {
  private sum!: ValueState<number>;
  override open(): void {
    this.sum = this.getRuntimeContext().getState(new ValueStateDescriptor<number>("sum"));
  }
  processElement(
    v: number,
    ctx: KeyedProcessContext<number>,
    out: Collector<[number, number]>,
  ): void {
    if (!fail.done && ++fail.seen === fail.at) {
      fail.done = true;
      throw new Error("injected failure");
    }
    const s = (this.sum.value() ?? 0) + v;
    this.sum.update(s);
    out.collect([ctx.getCurrentKey(), s]);
  }
}

test("a failed job restarts from the latest checkpoint with exact keyed state", async () => {
  const dir = mkdtempSync(join(tmpdir(), "strom-cp-"));
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
  env.setParallelism(2);
  env.enableCheckpointing(20);
  env.getCheckpointConfig().setCheckpointStorage(dir).setNumRetainedCheckpoints(2);
  env.setRestartStrategy(RestartStrategies.fixedDelayRestart(2, 0));
  const N = 400_000;
  const last = new Map<number, number>();
  const results = env
    .fromSequence(1, N)
    .keyBy((x) => x % 10)
    .process(new RunningSum())
    .executeAndCollect();
  for (const [k, s] of await results) last.set(k, Math.max(last.get(k) ?? 0, s));
  assert.equal(fail.done, true, "the failure was injected");
  for (let k = 0; k < 10; k++) {
    let expected = 0;
    for (let x = 1; x <= N; x++) if (x % 10 === k) expected += x;
    assert.equal(last.get(k), expected, `final sum of key ${k}`);
  }
  const chks = readdirSync(dir).filter((n) => n.startsWith("chk-"));
  assert.ok(chks.length >= 1 && chks.length <= 3, `retained checkpoints: ${chks.join(",")}`);
  assert.ok(chks.some((c) => existsSync(join(dir, c, "_metadata"))));
});
