/**
 * Incremental checkpoints of the disk backend: the chain decision and shared-file pruning as pure
 * pieces, then jobs on the thread target: deltas much smaller than the full file when few keys
 * change, an exact restart from a chain with deltas (the first checkpoint after it is full),
 * pruning that keeps every referenced file, and a self-contained savepoint restored into a heap job.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import {
  BasePathBucketAssigner,
  DataGeneratorSource,
  FileSink,
  KeyedProcessFunction,
  RateLimiterStrategy,
  RestartStrategies,
  SimpleStringEncoder,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type ExecutionConfig,
  type KeyedProcessContext,
  type ValueState,
} from "../../src/index.ts";
import {
  chooseSnapshotKind,
  IncrementalChains,
  type SnapshotKindInput,
} from "../../src/runtime/checkpoint/incremental.ts";
import {
  selectUnreferencedSharedFiles,
  sharedCheckpointIdOf,
  sharedFileName,
} from "../../src/runtime/checkpoint/shared-files.ts";
import { StateFile } from "../../src/runtime/checkpoint/state-file.ts";
import { committedLines, completedCheckpoints, KeyCounter } from "./support.ts";
import { pruneCheckpoints, type CheckpointMetadata } from "../../src/runtime/checkpoint/storage.ts";
import { TypeRegistry } from "../../src/core/serialization.ts";

// ---------------------------------------------------------------- pure pieces

const base: SnapshotKindInput = {
  incremental: true,
  completeChangeLog: true,
  savepoint: false,
  final: false,
  chainLength: 1,
  maxDeltas: 3,
};

test("chain decision: delta only on a complete log over a short enough chain", () => {
  assert.equal(chooseSnapshotKind(base), "delta");
  assert.equal(chooseSnapshotKind({ ...base, chainLength: 3 }), "delta");
  assert.equal(chooseSnapshotKind({ ...base, chainLength: 4 }), "full", "3 deltas: materialize");
  assert.equal(chooseSnapshotKind({ ...base, chainLength: 0 }), "full", "no full file yet");
  assert.equal(chooseSnapshotKind({ ...base, completeChangeLog: false }), "full");
  assert.equal(chooseSnapshotKind({ ...base, savepoint: true }), "full");
  assert.equal(chooseSnapshotKind({ ...base, final: true }), "full");
  assert.equal(chooseSnapshotKind({ ...base, incremental: false }), "full");
  assert.equal(chooseSnapshotKind({ ...base, maxDeltas: 0 }), "full");
});

/** A fake backend with a change log whose completeness the test sets. */
function fakeBackend(): { complete: boolean; marks: number } & Record<string, unknown> {
  const b = {
    complete: false,
    marks: 0,
    forEachChange() {},
    markSnapshotted() {
      b.marks++;
    },
    hasCompleteChangeLog() {
      return b.complete;
    },
  };
  return b;
}

test("chains: full then deltas in the shared dir, materialized after maxDeltas", () => {
  const chains = new IncrementalChains(2, 1);
  const b = fakeBackend();
  const plan = (id: number, savepoint = false) =>
    chains.plan("op", 0, b, id, savepoint, false, "op-0.state");
  const p1 = plan(1);
  assert.equal(p1.kind, "full", "log incomplete");
  assert.equal(p1.path, `../shared/${sharedFileName("op", 0, 1, 1)}`);
  assert.deepEqual(p1.files, [p1.path]);
  assert.equal(p1.markSnapshotted, true);
  b.complete = true;
  const p2 = plan(2);
  const p3 = plan(3);
  assert.equal(p2.kind, "delta");
  assert.equal(p3.kind, "delta");
  assert.deepEqual(p3.files, [p1.path, p2.path, p3.path]);
  assert.deepEqual(
    p3.earlier.map((l) => l.path),
    [p1.path, p2.path],
  );
  // A savepoint is full, in its own directory, and leaves the chain (and change log) alone.
  const sp = plan(4, true);
  assert.equal(sp.kind, "full");
  assert.deepEqual(sp.files, ["op-0.state"]);
  assert.equal(sp.markSnapshotted, false);
  const p5 = plan(5);
  assert.equal(p5.kind, "full", "2 deltas: materialized");
  assert.deepEqual(p5.files, [p5.path]);
  const p6 = plan(6);
  assert.equal(p6.kind, "delta");
  // A failed write breaks the chain: the next snapshot is full.
  chains.broken("op", p6.link!);
  assert.deepEqual(chains.chainOf("op"), []);
  assert.equal(plan(7).kind, "full");
  // Backends without a change log and incremental mode off: plain full files.
  const heap = new IncrementalChains(2, 0).plan("h", 0, {}, 1, false, false, "h-0.state");
  assert.deepEqual([heap.kind, heap.files, heap.markSnapshotted], ["full", ["h-0.state"], false]);
  const off = new IncrementalChains(0, 0).plan("d", 0, b, 1, false, false, "d-0.state");
  assert.deepEqual([off.kind, off.files, off.markSnapshotted], ["full", ["d-0.state"], false]);
});

test("shared names carry the checkpoint id; prune selection spares referenced and newer files", () => {
  const n = (id: number) => sharedFileName("op-x.c9.a9", 3, id, 0);
  assert.equal(sharedCheckpointIdOf(n(12)), 12);
  assert.equal(sharedCheckpointIdOf("README"), null);
  const names = [n(1), n(2), n(3), n(5), n(6), "other.txt"];
  const doomed = selectUnreferencedSharedFiles(names, new Set([n(2), n(5)]), 5);
  assert.deepEqual(doomed, [n(1), n(3)]);
});

test("pruneCheckpoints deletes old chk dirs and unreferenced old shared files only", async () => {
  const root = mkdtempSync(join(tmpdir(), "strom-inc-prune-"));
  const shared = join(root, "shared");
  mkdirSync(shared);
  const name = (id: number) => sharedFileName("op", 0, id, 0);
  for (const id of [1, 2, 3, 4, 5, 6, 7]) writeFileSync(join(shared, name(id)), "x");
  writeFileSync(join(shared, "unrelated"), "x");
  const checkpoint = (id: number, files: string[] | null) => {
    const dir = join(root, `chk-${id}`);
    mkdirSync(dir);
    if (files === null) return;
    const meta: CheckpointMetadata = {
      format: "strom-checkpoint",
      version: 1,
      kind: "checkpoint",
      checkpointId: id,
      timestamp: 0,
      jobName: "j",
      stateBackend: "disk",
      operators: [
        {
          operatorId: "op",
          name: "op",
          parallelism: 1,
          maxParallelism: 128,
          subtasks: [
            {
              operatorId: "op",
              subtask: 0,
              files: files.map((f) => `../shared/${f}`),
              keyGroupRange: { start: 0, end: 127 },
              size: 1,
            },
          ],
        },
      ],
    };
    writeFileSync(join(dir, "_metadata"), JSON.stringify(meta));
  };
  checkpoint(1, [name(1)]);
  checkpoint(2, [name(2)]); // a full file; 3 was aborted (no chk dir left)
  checkpoint(4, [name(2), name(3), name(4)]);
  checkpoint(5, [name(2), name(3), name(4), name(5)]);
  checkpoint(6, null); // in progress: its file (and 7's) must survive
  await pruneCheckpoints(root, 2);
  assert.deepEqual(readdirSync(root).sort(), ["chk-4", "chk-5", "chk-6", "shared"]);
  assert.deepEqual(
    readdirSync(shared).sort(),
    [name(2), name(3), name(4), name(5), name(6), name(7), "unrelated"].sort(),
  );
});

// ---------------------------------------------------------------- jobs

const registry = new TypeRegistry();

interface Handle {
  operatorId: string;
  files: string[];
  size: number;
}

function readMeta(dir: string): CheckpointMetadata {
  return JSON.parse(readFileSync(join(dir, "_metadata"), "utf8")) as CheckpointMetadata;
}

function handlesOf(dir: string, operatorId: string): Handle[] {
  const op = readMeta(dir).operators.find((o) => o.operatorId === operatorId);
  return op?.subtasks ?? [];
}

function kindOf(dir: string, file: string): string {
  const path = resolve(dir, file);
  return new StateFile(path, readFileSync(path), registry).header.kind;
}

const K = 5_000;
const HOT = 20;
const keyOf = (i: number): number => (i < K ? i : i % HOT);

/** Shared by every subtask (function objects are copied per subtask; module state is not). */
const fail = { at: -1, seen: 0, done: false, root: "", chainAtFailure: [] as string[][] };

/** Running sum per key in keyed ValueState; optionally fails once after `fail.at` records. */
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
    if (fail.at >= 0 && !fail.done && ++fail.seen === fail.at) {
      fail.done = true;
      const latest = completedCheckpoints(fail.root).pop();
      if (latest) fail.chainAtFailure = handlesOf(latest.dir, "sum").map((h) => h.files);
      throw new Error("injected failure");
    }
    const s = (this.sum.value() ?? 0) + v;
    this.sum.update(s);
    out.collect([ctx.getCurrentKey(), s]);
  }
}

async function runSums(root: string, records: number, retained: number): Promise<void> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
  env.setParallelism(2);
  env.setStateBackend("disk");
  env.enableCheckpointing(150);
  env.getCheckpointConfig().setCheckpointStorage(root).setNumRetainedCheckpoints(retained);
  env.setRestartStrategy(RestartStrategies.fixedDelayRestart(2, 0));
  const results = env
    .fromSource(
      new DataGeneratorSource((i: number) => i, records, RateLimiterStrategy.perSecond(50_000)),
      WatermarkStrategy.noWatermarks(),
      "gen",
    )
    .uid("gen")
    .keyBy(keyOf)
    .process(new RunningSum())
    .uid("sum")
    .executeAndCollect();
  const last = new Map<number, number>();
  for (const [k, s] of await results) last.set(k, Math.max(last.get(k) ?? 0, s));
  const expected = new Map<number, number>();
  for (let i = 0; i < records; i++) expected.set(keyOf(i), (expected.get(keyOf(i)) ?? 0) + i);
  assert.equal(last.size, expected.size, "every key has a result");
  for (const [k, s] of expected) assert.equal(last.get(k), s, `final sum of key ${k}`);
}

test("few changed keys: later checkpoints are small deltas over one full file", async () => {
  const root = mkdtempSync(join(tmpdir(), "strom-inc-"));
  fail.at = -1;
  await runSums(root, K + 50_000, 100);
  let checked = 0;
  for (const { dir } of completedCheckpoints(root)) {
    for (const h of handlesOf(dir, "sum")) {
      if (h.files.length < 2) continue;
      assert.ok(
        h.files.every((f) => f.startsWith("../shared/")),
        h.files.join(","),
      );
      assert.equal(kindOf(dir, h.files[0]!), "full");
      for (const f of h.files.slice(1)) assert.equal(kindOf(dir, f), "delta");
      const full = statSync(resolve(dir, h.files[0]!)).size;
      const last = statSync(resolve(dir, h.files.at(-1)!)).size;
      assert.equal(h.size, last, "the handle's size is the new file's");
      // Deltas taken once only the hot keys change are a small part of the chain they extend
      // (how many checkpoints fall into the first, all-new-keys phase depends on the machine).
      const before = h.files.slice(0, -1).reduce((n, f) => n + statSync(resolve(dir, f)).size, 0);
      assert.ok(full <= before);
      if (h.files.length >= 3 && last * 10 < before) checked++;
    }
  }
  assert.ok(checked >= 2, `checkpoints whose delta is under a tenth of its chain: ${checked}`);
});

test("a failure restores exactly from a chain with deltas; the next checkpoint is full", async () => {
  const root = mkdtempSync(join(tmpdir(), "strom-inc-"));
  Object.assign(fail, { at: K + 30_000, seen: 0, done: false, root, chainAtFailure: [] });
  await runSums(root, K + 50_000, 100);
  assert.equal(fail.done, true, "the failure was injected");
  assert.ok(
    fail.chainAtFailure.some((files) => files.length >= 2),
    `the restored checkpoint has deltas: ${JSON.stringify(fail.chainAtFailure)}`,
  );
  const restoredFiles = new Set(fail.chainAtFailure.flat());
  // The first checkpoint of the new attempt writes full files (the backend has no change log).
  const after = completedCheckpoints(root).filter(({ dir }) =>
    handlesOf(dir, "sum").some((h) => !h.files.some((f) => restoredFiles.has(f))),
  );
  assert.ok(after.length > 0, "a checkpoint after the restart");
  for (const h of handlesOf(after[0]!.dir, "sum")) {
    assert.equal(h.files.length, 1, `first chain after restore: ${h.files.join(",")}`);
    assert.equal(kindOf(after[0]!.dir, h.files[0]!), "full");
  }
});

test("pruning keeps what retained checkpoints reference and deletes the rest", async () => {
  const root = mkdtempSync(join(tmpdir(), "strom-inc-"));
  fail.at = -1;
  await runSums(root, K + 50_000, 2);
  // The coordinator prunes after each completion without holding up the end of the job.
  for (let i = 0; i < 100 && completedCheckpoints(root).length > 2; i++)
    await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 100));
  const kept = completedCheckpoints(root);
  assert.ok(kept.length >= 1 && kept.length <= 2, `retained: ${kept.map((c) => c.id).join(",")}`);
  const referenced = new Set<string>();
  for (const { dir } of kept)
    for (const op of readMeta(dir).operators)
      for (const st of op.subtasks)
        for (const f of st.files) {
          const p = resolve(dir, f);
          assert.ok(existsSync(p), `referenced file exists: ${p}`);
          referenced.add(p);
        }
  const newest = kept.at(-1)!.id;
  const shared = join(root, "shared");
  const left = existsSync(shared) ? readdirSync(shared) : [];
  for (const n of left) {
    const p = join(shared, n);
    const id = sharedCheckpointIdOf(n)!;
    assert.ok(referenced.has(p) || id >= newest, `unreferenced old shared file left: ${n}`);
  }
  assert.ok(
    readdirSync(root).filter((n) => n.startsWith("chk-")).length <= 3,
    "old checkpoint dirs pruned",
  );
});

// ---------------------------------------------------------------- savepoints

const SP_KEYS = 500;

function counterJob(
  out: string,
  records: number,
  backend: "disk" | "hashmap",
  checkpoints: string,
  restore?: string,
): StreamExecutionEnvironment {
  const options: Partial<ExecutionConfig> = { target: "thread" };
  if (restore) options.restore = { path: restore, allowNonRestoredState: false };
  const env = StreamExecutionEnvironment.getExecutionEnvironment(options);
  env.setParallelism(2);
  env.setStateBackend(backend);
  env.enableCheckpointing(50);
  env.getCheckpointConfig().setCheckpointStorage(checkpoints);
  env
    .fromSource(
      new DataGeneratorSource((i: number) => i, records, RateLimiterStrategy.perSecond(20_000)),
      WatermarkStrategy.noWatermarks(),
      "gen",
    )
    .uid("gen")
    .keyBy((i: number) => (i < SP_KEYS ? i : i % 7))
    .process(new KeyCounter())
    .uid("counter")
    .sinkTo(
      FileSink.forRowFormat(out, new SimpleStringEncoder<string>())
        .withBucketAssigner(new BasePathBucketAssigner())
        .build(),
    )
    .uid("sink");
  return env;
}

test("a savepoint of a disk job is self-contained (full files) and restores into a heap job", async () => {
  const base = mkdtempSync(join(tmpdir(), "strom-inc-sp-"));
  const out = join(base, "out");
  const records = 12_000;
  const client = await counterJob(out, records, "disk", join(base, "cp1")).executeAsync("inc-sp");
  const result = client.getJobExecutionResult().catch((e: Error) => e);
  // Wait (up to 20 s: a loaded machine checkpoints slower) for a checkpoint with deltas.
  const chainsNow = () =>
    completedCheckpoints(join(base, "cp1")).flatMap(({ dir }) => handlesOf(dir, "counter"));
  const deadline = Date.now() + 20_000;
  while (!chainsNow().some((h) => h.files.length >= 2) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
  }
  const chains = chainsNow();
  const sp = await client.stopWithSavepoint(join(base, "sp"));
  assert.match(String(await result), /cancel/i);
  // Chains existed before the savepoint...
  assert.ok(
    chains.some((h) => h.files.length >= 2),
    "checkpoints before the savepoint had deltas",
  );
  // ...but the savepoint holds full files inside its own directory only.
  const meta = readMeta(sp);
  assert.equal(meta.kind, "savepoint");
  for (const op of meta.operators) {
    for (const st of op.subtasks) {
      assert.equal(st.files.length, 1);
      for (const f of st.files) {
        assert.ok(!f.includes("..") && !f.includes("/"), `inside the savepoint: ${f}`);
        assert.equal(kindOf(sp, f), "full");
      }
    }
  }
  await counterJob(out, records, "hashmap", join(base, "cp2"), sp).execute("inc-sp");
  const counts = new Map<number, number>();
  for (let i = 0; i < records; i++) {
    const k = i < SP_KEYS ? i : i % 7;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const expected: string[] = [];
  for (const [k, n] of counts) for (let c = 1; c <= n; c++) expected.push(`${k},${c}`);
  assert.deepEqual(committedLines(out), expected.sort());
});
