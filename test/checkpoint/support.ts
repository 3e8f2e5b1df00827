/** Shared by the checkpoint tests: a keyed counting function and readers of what jobs left. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  KeyedProcessFunction,
  ValueStateDescriptor,
  type Collector,
  type KeyedProcessContext,
  type ValueState,
} from "../../src/index.ts";

/** Counts records per key in keyed ValueState "count"; emits `key,count`. */
export class KeyCounter extends KeyedProcessFunction<number, number, string> {
  private count!: ValueState<number>;
  override open(): void {
    this.count = this.getRuntimeContext().getState(new ValueStateDescriptor<number>("count"));
  }
  processElement(_v: number, ctx: KeyedProcessContext<number>, out: Collector<string>): void {
    const c = (this.count.value() ?? 0) + 1;
    this.count.update(c);
    out.collect(`${ctx.getCurrentKey()},${c}`);
  }
}

/** Committed lines of a FileSink directory, sorted (hidden in-progress/pending files excluded). */
export function committedLines(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const lines: string[] = [];
  for (const f of readdirSync(dir)) {
    if (f.startsWith(".")) continue;
    for (const l of readFileSync(join(dir, f), "utf8").split("\n")) if (l !== "") lines.push(l);
  }
  return lines.sort();
}

/** What an undisturbed counting run over keys `i % keys` commits: "k,1" .. "k,n_k", sorted. */
export function expectedCounts(records: number, keys: number): string[] {
  const counts = new Array<number>(keys).fill(0);
  for (let i = 0; i < records; i++) counts[i % keys]!++;
  const out: string[] = [];
  counts.forEach((n, k) => {
    for (let c = 1; c <= n; c++) out.push(`${k},${c}`);
  });
  return out.sort();
}

/** Completed checkpoints (`chk-<id>` with a `_metadata`) under `root`, oldest first. */
export function completedCheckpoints(root: string): { id: number; dir: string }[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((n) => /^chk-(\d+)$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null && existsSync(join(root, m[0], "_metadata")))
    .map((m) => ({ id: Number(m[1]), dir: join(root, m[0]) }))
    .sort((a, b) => a.id - b.id);
}
