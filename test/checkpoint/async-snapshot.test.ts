/**
 * Asynchronous heap snapshots (copy-on-write by key group): state changed after the barrier,
 * before its key group was encoded, is still snapshotted as it was at the barrier.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ValueStateDescriptor, type ValueState } from "../../src/index.ts";
import { HeapKeyedStateBackend } from "../../src/runtime/state/heap-backend.ts";
import { AsyncKeyedSnapshot } from "../../src/runtime/checkpoint/async-snapshot.ts";
import {
  StateFile,
  StateFileBuilder,
  stateRegistry,
} from "../../src/runtime/checkpoint/state-file.ts";

test("keys changed after the barrier are snapshotted with their barrier-time values", () => {
  const range = { start: 0, end: 127 };
  const b = new HeapKeyedStateBackend({
    operatorName: "op",
    maxParallelism: 128,
    keyGroupRange: range,
    now: () => 0,
  });
  const state = b.getOrCreateKeyedState(
    new ValueStateDescriptor<number>("v"),
  ) as ValueState<number>;
  const N = 5_000;
  for (let k = 0; k < N; k++) {
    b.setCurrentKey(k);
    state.update(k);
  }
  const registry = stateRegistry({});
  const builder = new StateFileBuilder(
    {
      kind: "full",
      operatorId: "op",
      operatorName: "op",
      subtask: 0,
      parallelism: 1,
      maxParallelism: 128,
      keyGroupRange: range,
    },
    b.snapshotMeta(),
    registry,
  );
  const snap = new AsyncKeyedSnapshot(
    b,
    builder,
    { entries: (kg, visit) => b.forEachEntry(kg, (s, e) => visit(s, e, false)), timers: () => [] },
    range,
  );
  // Processing goes on between steps: every key is changed, new keys appear, some are cleared.
  let steps = 0;
  for (let k = 0; !snap.done; k += 97) {
    b.setCurrentKey(k % N);
    state.update(-1);
    b.setCurrentKey(N + k);
    state.update(-2);
    b.setCurrentKey((k * 7) % N);
    state.clear();
    snap.step(3);
    steps++;
  }
  assert.ok(steps > 10, `the snapshot was spread over ${steps} steps`);
  assert.equal(b.snapshotGuard, null, "the guard is removed when done");
  const bytes = builder.finish({ lists: [], broadcast: [], splits: null });
  const file = new StateFile("/mem", bytes, registry);
  const seen = new Map<unknown, unknown>();
  file.readKeyGroups(range, { entry: (_m, _kg, e) => seen.set(e.key, e.value), timer() {} });
  assert.equal(seen.size, N);
  for (let k = 0; k < N; k++) assert.equal(seen.get(k), k, `key ${k}`);
});
