/**
 * State larger than memory, end to end: a keyed job writing one ValueState entry for each of
 * KEYS distinct keys (default 20 million) into the disk backend, checkpointing every
 * INTERVAL_MS (default 20 s), run in a child Node whose heap is capped (HEAP_MB, default 512).
 * Prints the run time, the checkpoints that completed and their sizes.
 *
 *   ./node_modules/.bin/node bench/tools/large-state-job.ts
 *   KEYS=2000000 HEAP_MB=192 ./node_modules/.bin/node bench/tools/large-state-job.ts
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const keys = Number(process.env.KEYS ?? 20_000_000);
const heapMb = Number(process.env.HEAP_MB ?? 512);
const interval = Number(process.env.INTERVAL_MS ?? 20_000);

if (process.env.LARGE_STATE_CHILD === "1") {
  const {
    DataGeneratorSource,
    KeyedProcessFunction,
    StreamExecutionEnvironment,
    ValueStateDescriptor,
    WatermarkStrategy,
  } = await import("../../src/index.ts");
  type VS = import("../../src/index.ts").ValueState<number>;
  class Touch extends KeyedProcessFunction<number, number, number> {
    private seen!: VS;
    override open(): void {
      this.seen = this.getRuntimeContext().getState(new ValueStateDescriptor<number>("seen"));
    }
    processElement(v: number): void {
      this.seen.update(v);
    }
  }
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
  env.setStateBackend("disk", process.env.STATE_DIR);
  env.enableCheckpointing(interval);
  env.getCheckpointConfig().setCheckpointStorage(process.env.CP_DIR!).setNumRetainedCheckpoints(1);
  env
    .fromSource(
      new DataGeneratorSource((i: number) => i, keys),
      WatermarkStrategy.noWatermarks(),
      "keys",
    )
    .keyBy((i: number) => i)
    .process(new Touch())
    .print();
  await env.execute("large-state");
} else {
  const base = mkdtempSync(join(tmpdir(), "strom-large-"));
  const cp = join(base, "cp");
  const start = performance.now();
  const r = spawnSync(
    process.execPath,
    [`--max-old-space-size=${heapMb}`, fileURLToPath(import.meta.url)],
    {
      env: { ...process.env, LARGE_STATE_CHILD: "1", CP_DIR: cp, STATE_DIR: join(base, "state") },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  const secs = (performance.now() - start) / 1000;
  const chks = existsSync(cp) ? readdirSync(cp).filter((n) => n.startsWith("chk-")) : [];
  let bytes = 0;
  for (const c of chks) {
    const meta = join(cp, c, "_metadata");
    if (!existsSync(meta)) continue;
    const m = JSON.parse(readFileSync(meta, "utf8")) as {
      operators: { subtasks: { size: number }[] }[];
    };
    for (const op of m.operators) for (const st of op.subtasks) bytes += st.size;
  }
  console.log(
    `large-state: ${keys.toLocaleString("en-US")} keys, heap cap ${heapMb} MB: exit ${r.status}, ${secs.toFixed(1)} s, retained checkpoints ${chks.join(",") || "none"} (${(bytes / 2 ** 20).toFixed(1)} MiB in the last one)`,
  );
  rmSync(base, { recursive: true, force: true });
  process.exitCode = r.status ?? 1;
}
