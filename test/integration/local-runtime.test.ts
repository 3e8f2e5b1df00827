/**
 * Real jobs on the default "local" target: every parallel slot runs in a worker thread that
 * re-loads the job module (test/fixtures/jobs/*.ts). Each job runs at parallelism 1, 2 and 4 and
 * the results are compared across parallelisms (sorted where the order is not guaranteed).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runJobModule, type JobExecutionResult } from "strom";
import { liveWorkers, startedWorkers } from "../fixtures/worker-tracker.ts";
import { makeRecord, RECORD_COUNT, type RichRecord } from "../fixtures/records-data.ts";

const PARALLELISMS = [1, 2, 4] as const;

/** Absolute path of a fixture job module. */
function jobPath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/jobs/${name}.ts`, import.meta.url));
}

/**
 * Runs a fixture job module on worker threads and checks that it used `slots` workers (one per
 * parallel slot and job) and that none of them is left running once the module has finished.
 */
async function runOnWorkers<M>(name: string, parallelism: number, slots = parallelism): Promise<M> {
  const startedBefore = startedWorkers();
  const mod = await runJobModule<M>(jobPath(name), { parallelism });
  assert.equal(
    startedWorkers() - startedBefore,
    slots,
    `${name} at parallelism ${parallelism} should run on ${slots} worker thread(s)`,
  );
  assert.equal(liveWorkers(), 0, `every worker thread of ${name} must be stopped at the end`);
  return mod;
}

/** Compares values by their JSON-ish rendering (for sorting mixed records). */
function byKey<T>(key: (v: T) => string | number): (a: T, b: T) => number {
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

let tmp = "";

before(() => {
  tmp = mkdtempSync(join(tmpdir(), "strom-local-runtime-"));
});

after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe("word count over a directory of text files", () => {
  let expected: Map<string, number>;

  before(() => {
    // Three files (one larger than the 64 KiB read chunk), plus files the source must skip.
    const vocabulary = [
      "Stream",
      "batch",
      "KEY",
      "window",
      "state",
      "Flink",
      "strom",
      "worker",
      "thread",
      "record",
      "watermark",
      "sink",
      "source",
      "operator",
      "chain",
      "slot",
      "barrier",
    ];
    const line = (i: number): string => {
      const words: string[] = [];
      for (let j = 0; j < 3 + (i % 9); j++) words.push(vocabulary[(i * 7 + j * 3) % 17]!);
      return `${words.join(i % 2 === 0 ? " " : ", ")}${i % 5 === 0 ? "!" : "."} n${i % 13}`;
    };
    const file = (from: number, to: number, eol = "\n"): string => {
      const lines: string[] = [];
      for (let i = from; i < to; i++) lines.push(line(i));
      return lines.join(eol) + eol;
    };
    const dir = join(tmp, "words");
    mkdirSync(dir);
    const files = [file(0, 1500), file(1500, 1520, "\r\n"), file(1520, 1900)];
    assert.ok(Buffer.byteLength(files[0]!) > 64 * 1024, "one input file spans several chunks");
    files.forEach((text, i) => writeFileSync(join(dir, `part-${i}.txt`), text));
    writeFileSync(join(dir, ".hidden.txt"), "ignored ignored\n");
    writeFileSync(join(dir, "_SUCCESS"), "ignored\n");
    expected = new Map();
    for (const text of files) {
      for (const word of text.toLowerCase().split(/\W+/)) {
        if (word) expected.set(word, (expected.get(word) ?? 0) + 1);
      }
    }
    process.env["STROM_TEST_INPUT"] = dir;
  });

  test("STREAMING: running counts per word are 1..n, the same at parallelism 1, 2 and 4", async () => {
    const runs: [string, number][][] = [];
    for (const p of PARALLELISMS) {
      const { result } = await runOnWorkers<{ result: [string, number][] }>(
        "word-count-streaming",
        p,
      );
      const running = new Map<string, number[]>();
      for (const [word, count] of result) {
        const list = running.get(word) ?? [];
        list.push(count);
        running.set(word, list);
      }
      assert.deepEqual(
        [...running.keys()].sort(),
        [...expected.keys()].sort(),
        `words at parallelism ${p}`,
      );
      for (const [word, counts] of running) {
        const n = expected.get(word)!;
        assert.equal(Math.max(...counts), n, `final count of '${word}' at parallelism ${p}`);
        assert.deepEqual(
          counts.slice().sort((a, b) => a - b),
          Array.from({ length: n }, (_, i) => i + 1),
          `running counts of '${word}' at parallelism ${p}`,
        );
      }
      runs.push(result.slice().sort(byKey(([w, c]) => `${w}\u0000${String(c).padStart(8, "0")}`)));
    }
    assert.deepEqual(runs[1], runs[0], "parallelism 2 agrees with parallelism 1");
    assert.deepEqual(runs[2], runs[0], "parallelism 4 agrees with parallelism 1");
  });

  test("BATCH: one final count per word, the same at parallelism 1, 2 and 4", async () => {
    const runs: [string, number][][] = [];
    for (const p of PARALLELISMS) {
      const { result } = await runOnWorkers<{ result: [string, number][] }>("word-count-batch", p);
      assert.equal(result.length, expected.size, `one record per word at parallelism ${p}`);
      assert.deepEqual(new Map(result), expected, `final counts at parallelism ${p}`);
      runs.push(result.slice().sort(byKey(([w]) => w)));
    }
    assert.deepEqual(runs[1], runs[0]);
    assert.deepEqual(runs[2], runs[0]);
  });
});

interface Routed {
  via: string;
  value: number;
  subtask: number;
  parallelism: number;
}

test("every partitioner, union and connect route records as specified at parallelism 1, 2, 4", async () => {
  const normalized: string[][] = [];
  for (const p of PARALLELISMS) {
    const mod = await runOnWorkers<{ result: Routed[]; COUNT: number }>("partitioners", p);
    const all = Array.from({ length: mod.COUNT }, (_, i) => i + 1);
    const byVia = new Map<string, Routed[]>();
    for (const r of mod.result) {
      const list = byVia.get(r.via) ?? [];
      list.push(r);
      byVia.set(r.via, list);
    }
    const values = (via: string) =>
      (byVia.get(via) ?? []).map((r) => r.value).sort((a, b) => a - b);
    const subtasks = (rs: Routed[]) => [...new Set(rs.map((r) => r.subtask))].sort();
    const everySubtask = Array.from({ length: p }, (_, i) => i);

    for (const via of ["forward", "rebalance", "rescale", "shuffle", "global", "custom", "keyBy"]) {
      assert.deepEqual(values(via), all, `${via}: every number exactly once at parallelism ${p}`);
      for (const r of byVia.get(via)!)
        assert.equal(r.parallelism, p, `${via} runs with parallelism ${p}`);
    }
    assert.deepEqual(subtasks(byVia.get("global")!), [0], "global sends everything to subtask 0");
    for (const r of byVia.get("custom")!)
      assert.equal(r.subtask, r.value % p, `custom partitioner routes ${r.value}`);
    assert.deepEqual(subtasks(byVia.get("rebalance")!), everySubtask, "rebalance uses all");
    assert.deepEqual(subtasks(byVia.get("shuffle")!), everySubtask, "shuffle uses all");
    const keyOwner = new Map<number, number>();
    for (const r of byVia.get("keyBy")!) {
      const key = r.value % 7;
      const owner = keyOwner.get(key) ?? r.subtask;
      assert.equal(r.subtask, owner, `key ${key} is handled by a single subtask`);
      keyOwner.set(key, owner);
    }
    const broadcast = byVia.get("broadcast")!;
    assert.equal(broadcast.length, 3 * p, "broadcast reaches every subtask");
    for (const v of [1, 2, 3]) {
      assert.deepEqual(
        subtasks(broadcast.filter((r) => r.value === v)),
        everySubtask,
        `broadcast element ${v} reaches every subtask`,
      );
    }
    const control = mod.result.filter((r) => r.via.startsWith("control:"));
    assert.deepEqual(
      control.map((r) => `${r.via}=${r.value}`).sort(),
      ["control:alpha=5", "control:beta=4", "control:gamma=5"],
      "the second input of connect() arrives through map2",
    );
    assert.equal(mod.result.length, 7 * mod.COUNT + 3 * p + 3);
    normalized.push(
      mod.result
        .filter((r) => r.via !== "broadcast" || r.subtask === 0)
        .map((r) => `${r.via}:${r.value}`)
        .sort(),
    );
  }
  assert.deepEqual(normalized[1], normalized[0]);
  assert.deepEqual(normalized[2], normalized[0]);
});

test("object records with nested fields, Dates, Maps, Sets and bigints cross threads intact", async () => {
  const expected = Array.from({ length: RECORD_COUNT }, (_, i) => makeRecord(i));
  for (const p of PARALLELISMS) {
    const { result } = await runOnWorkers<{ result: RichRecord[] }>("records", p);
    const sorted = result.slice().sort(byKey((r) => r.id));
    assert.equal(sorted.length, RECORD_COUNT, `record count at parallelism ${p}`);
    assert.deepStrictEqual(sorted, expected, `records at parallelism ${p}`);
    const r = sorted[7]!;
    assert.ok(r.when instanceof Date && r.attrs instanceof Map && r.set instanceof Set);
    assert.equal(typeof r.hugeBig, "bigint");
    assert.ok(Object.is(r.specials[0], -0), "-0 survives");
    assert.ok("missing" in r.nested, "a property holding undefined survives");
  }
});

test("a registered class keeps its prototype across threads and in the client", async () => {
  interface PointLike {
    x: number;
    y: number;
    hops: number;
    norm(): number;
    describe(): string;
  }
  const runs: string[][] = [];
  for (const p of PARALLELISMS) {
    const mod = await runOnWorkers<{
      result: PointLike[];
      COUNT: number;
      Point: new (...args: never[]) => PointLike;
    }>("registered-type", p);
    assert.equal(mod.result.length, mod.COUNT);
    const sorted = mod.result.slice().sort(byKey((pt) => pt.x));
    sorted.forEach((pt, i) => {
      assert.ok(pt instanceof mod.Point, `result ${i} is a Point at parallelism ${p}`);
      assert.equal(pt.x, i + 1);
      assert.equal(pt.y, 2 * (i + 1));
      assert.equal(pt.hops, 2, "both moves ran in workers, on deserialized Points");
      assert.equal(pt.norm(), Math.hypot(i + 1, 2 * (i + 1)));
    });
    runs.push(sorted.map((pt) => pt.describe()));
  }
  assert.equal(runs[0]![0], "Point(1, 2) after 2 hops");
  assert.deepEqual(runs[1], runs[0]);
  assert.deepEqual(runs[2], runs[0]);
});

test("accumulators of every kind are merged from all workers", async () => {
  const results: JobExecutionResult[] = [];
  for (const p of PARALLELISMS) {
    const { result, COUNT } = await runOnWorkers<{ result: JobExecutionResult; COUNT: number }>(
      "accumulators",
      p,
    );
    assert.equal(result.jobName, "accumulators");
    assert.equal(result.getAccumulatorResult("records"), COUNT);
    assert.equal(result.getAccumulatorResult("total"), (COUNT * (COUNT + 1)) / 2);
    assert.equal(result.getAccumulatorResult("halves"), (COUNT * (COUNT + 1)) / 4);
    assert.equal(result.getAccumulatorResult("max"), COUNT);
    const everySubtask = Array.from({ length: p }, (_, i) => i);
    assert.deepEqual(
      result
        .getAccumulatorResult<number[]>("subtasks")!
        .slice()
        .sort((a, b) => a - b),
      everySubtask,
      `one list entry from each of the ${p} subtasks`,
    );
    const histogram = result.getAccumulatorResult<Record<string, number>>("by-subtask")!;
    assert.deepEqual(Object.keys(histogram).sort(), everySubtask.map(String));
    assert.equal(
      Object.values(histogram).reduce((a, b) => a + b, 0),
      COUNT,
      "histogram counts add up",
    );
    for (const n of Object.values(histogram)) assert.ok(n > 0);
    results.push(result);
  }
  assert.equal(Object.keys(results[2]!.getAccumulatorResult("by-subtask")!).length, 4);
});

test("executeAndCollect(limit) on an unbounded source returns exactly limit records and cancels the job", async () => {
  for (const p of PARALLELISMS) {
    const started = performance.now();
    const { result, LIMIT } = await runOnWorkers<{
      result: { index: number; square: number }[];
      LIMIT: number;
    }>("collect-limit", p);
    assert.ok(performance.now() - started < 30_000, "the unbounded job was cancelled promptly");
    assert.equal(result.length, LIMIT, `exactly ${LIMIT} records at parallelism ${p}`);
    assert.equal(new Set(result.map((r) => r.index)).size, LIMIT, "no duplicates");
    for (const r of result) assert.equal(r.square, r.index * r.index);
  }
});

test("several execute() calls in one module run one after the other", async () => {
  for (const p of PARALLELISMS) {
    const mod = await runOnWorkers<{
      first: JobExecutionResult;
      second: JobExecutionResult;
      third: number[];
    }>("two-executes", p, 3 * p);
    assert.equal(mod.first.jobName, "first");
    assert.equal(mod.first.getAccumulatorResult("first-sum"), 5050);
    assert.equal(mod.second.jobName, "second");
    // The second job's map multiplies by the first job's result, also inside the workers.
    assert.equal(mod.second.getAccumulatorResult("second-sum"), 55 * 5050);
    assert.deepEqual(
      mod.third.slice().sort((a, b) => a - b),
      [1, 2, 3, 4, 5].map((x) => x + 55 * 5050),
      `third job at parallelism ${p}`,
    );
  }
});

test("code after await env.execute() runs exactly once, in the submitting thread", async () => {
  const marker = join(tmp, "after-execute.log");
  writeFileSync(marker, "");
  process.env["STROM_TEST_MARKER"] = marker;
  await runOnWorkers("after-execute", 4);
  const lines = readFileSync(marker, "utf8").split("\n").filter(Boolean);
  assert.equal(lines.length, 1, `expected one line, got:\n${lines.join("\n")}`);
  assert.equal(
    lines[0],
    `after execute: after-execute main=true thread=0 pid=${process.pid}`,
    "it ran in this (the submitting) thread",
  );
});
