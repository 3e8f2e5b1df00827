/**
 * Corrupt or truncated checkpoint files: a clear error naming the file, and restore "latest"
 * falls back to the previous complete checkpoint.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DataGeneratorSource,
  KeyedProcessFunction,
  RateLimiterStrategy,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type ExecutionConfig,
  type KeyedProcessContext,
  type ValueState,
} from "../../src/index.ts";
import { completedCheckpoints } from "./support.ts";
import { readMetadata, validateCheckpoint } from "../../src/runtime/checkpoint/storage.ts";
import { stateRegistry } from "../../src/runtime/checkpoint/state-file.ts";

class Counter extends KeyedProcessFunction<number, number, [number, number]> {
  private count!: ValueState<number>;
  override open(): void {
    this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>("count"));
  }
  processElement(
    _v: number,
    ctx: KeyedProcessContext<number>,
    out: Collector<[number, number]>,
  ): void {
    const c = (this.count.value() ?? 0) + 1;
    this.count.update(c);
    out.collect([ctx.getCurrentKey(), c]);
  }
}

function job(dir: string, records: number, restore?: string): StreamExecutionEnvironment {
  const options: Partial<ExecutionConfig> = { target: "thread" };
  if (restore) options.restore = { path: restore, allowNonRestoredState: false };
  const env = StreamExecutionEnvironment.getExecutionEnvironment(options);
  env.setParallelism(2);
  env.enableCheckpointing(40);
  env.getCheckpointConfig().setCheckpointStorage(dir).setNumRetainedCheckpoints(3);
  return env;
}

/** Runs the job until at least 3 checkpoints completed, then cancels it. */
async function leaveCheckpoints(dir: string, records: number): Promise<number[]> {
  const env = job(dir, records);
  env
    .fromSource(
      new DataGeneratorSource((i: number) => i, records, RateLimiterStrategy.perSecond(20_000)),
      WatermarkStrategy.noWatermarks(),
      "gen",
    )
    .uid("gen")
    .keyBy((i: number) => i % 7)
    .process(new Counter())
    .uid("counter")
    .filter(() => false)
    .print();
  const client = await env.executeAsync("corrupt");
  const result = client.getJobExecutionResult().catch((e: Error) => e);
  while (completedIds(dir).length < 3) await new Promise((r) => setTimeout(r, 20));
  await client.cancel();
  await result;
  // A checkpoint whose metadata was being written when the job was cancelled may still land:
  // list until the directory is stable.
  let ids = completedIds(dir);
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const again = completedIds(dir);
    if (again.join() === ids.join()) return ids;
    ids = again;
  }
}

function completedIds(dir: string): number[] {
  return completedCheckpoints(dir).map((c) => c.id);
}

function firstStateFile(dir: string): string {
  const f = readdirSync(dir).find((n) => n.endsWith(".state"));
  assert.ok(f, `a state file in ${dir}`);
  return join(dir, f);
}

test("a truncated state file or corrupt metadata gives an error naming the file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "strom-corrupt-"));
  const ids = await leaveCheckpoints(dir, 1_000_000);
  const newest = join(dir, `chk-${ids[ids.length - 1]}`);
  const registry = stateRegistry({});
  const file = firstStateFile(newest);
  const bytes = readFileSync(file);
  writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
  const ref = await readMetadata(newest);
  await assert.rejects(validateCheckpoint(ref, registry), (e: Error) => {
    assert.ok(e.message.includes(file), e.message);
    assert.match(e.message, /truncated|corrupt|checksum/);
    return true;
  });
  // Restoring that checkpoint explicitly fails before anything runs, naming the file.
  const env = job(dir, 10, newest);
  env
    .fromSequence(1, 10)
    .uid("gen")
    .keyBy((i: number) => i % 7)
    .process(new Counter())
    .uid("counter")
    .print();
  await assert.rejects(env.execute("corrupt"), (e: Error) => e.message.includes(file));
  // Corrupt metadata.
  const older = join(dir, `chk-${ids[ids.length - 2]}`);
  const meta = join(older, "_metadata");
  writeFileSync(meta, readFileSync(meta, "utf8").slice(0, 40));
  await assert.rejects(readMetadata(older), (e: Error) => {
    assert.ok(e.message.includes(meta), e.message);
    assert.match(e.message, /corrupt or truncated/);
    return true;
  });
});

test("restore latest falls back past a corrupt checkpoint to the previous complete one", async () => {
  const dir = mkdtempSync(join(tmpdir(), "strom-corrupt-"));
  const records = 20_000;
  const ids = await leaveCheckpoints(dir, records);
  const newestId = ids[ids.length - 1]!;
  const file = firstStateFile(join(dir, `chk-${newestId}`));
  writeFileSync(file, "garbage");
  const logs: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string) => (logs.push(String(chunk)), true)) as never;
  let out: [number, number][];
  try {
    const env = job(dir, records, "latest");
    out = await env
      .fromSource(
        new DataGeneratorSource((i: number) => i, records),
        WatermarkStrategy.noWatermarks(),
        "gen",
      )
      .uid("gen")
      .keyBy((i: number) => i % 7)
      .process(new Counter())
      .uid("counter")
      .executeAndCollect();
  } finally {
    process.stderr.write = write;
  }
  const text = logs.join("");
  assert.match(text, new RegExp(`skipping checkpoint: .*chk-${newestId}`));
  const restored = /restoring from checkpoint (\d+)/.exec(text);
  assert.ok(restored && Number(restored[1]) < newestId, text);
  // The restored counts continue: every key ends at its total count.
  const last = new Map<number, number>();
  for (const [k, c] of out) last.set(k, Math.max(last.get(k) ?? 0, c));
  for (let k = 0; k < 7; k++) {
    const total = Math.floor(records / 7) + (k < records % 7 ? 1 : 0);
    assert.equal(last.get(k), total, `key ${k}`);
  }
  assert.ok(out.length < records, "the run resumed from the checkpoint, not from the start");
});
