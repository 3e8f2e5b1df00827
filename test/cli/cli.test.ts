/**
 * The `strom` command and plain `node job.ts`, as child processes (Node 24 from node_modules):
 * usage and errors, running jobs (parallel print prefixes, TypeScript enums, job arguments, the
 * thread target), failing jobs, Ctrl-C (SIGINT) on unbounded jobs, and the flagship example.
 *
 * Every child is started in its own process group, so whatever it starts (the CLI relaunches Node
 * for TypeScript transforms) can be cleaned up even when a test fails.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const NODE = join(ROOT, "node_modules", ".bin", "node");
const STROM = join(ROOT, "bin", "strom.js");
const JOBS = "test/fixtures/jobs";
const VERSION = (
  JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }
).version;

/** How long a Ctrl-C'ed job may take to exit. */
const CANCEL_MS = 5_000;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running child process with its output so far. */
class Proc {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  exitInfo: Exit | null = null;
  readonly exited: Promise<Exit>;
  readonly description: string;

  /**
   * Starts `node <args>`. The environment is this process's without NODE_TEST_CONTEXT (which the
   * test runner sets for test files only), plus `env`.
   */
  constructor(args: string[], env: Record<string, string> = {}) {
    this.description = `node ${args.join(" ")}`;
    this.child = spawn(NODE, args, {
      cwd: ROOT,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_TEST_CONTEXT: undefined, FORCE_COLOR: "0", ...env },
    });
    this.child.stdout!.setEncoding("utf8").on("data", (d: string) => (this.stdout += d));
    this.child.stderr!.setEncoding("utf8").on("data", (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => {
      // "close": the exit status and all of the output.
      this.child.on("close", (code, signal) => {
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
    running.add(this);
    void this.exited.then(() => running.delete(this));
  }

  /** Sends a signal to the process only. */
  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }

  /** Sends a signal to the whole process group, like Ctrl-C in a terminal. */
  signalGroup(sig: NodeJS.Signals): void {
    try {
      process.kill(-this.child.pid!, sig);
    } catch {
      // The group is gone already.
    }
  }

  /** Output so far, for assertion messages. */
  output(): string {
    const tail = (s: string) => (s.length > 1000 ? `...${s.slice(-1000)}` : s);
    return `${this.description}\n--- stdout:\n${tail(this.stdout)}\n--- stderr:\n${tail(this.stderr)}`;
  }

  /** Waits until `predicate` holds (checked every 25 ms); fails after `timeoutMs`. */
  async waitFor(predicate: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!predicate()) {
      if (this.exitInfo)
        assert.fail(`exited (${JSON.stringify(this.exitInfo)}) before ${what}\n${this.output()}`);
      if (performance.now() > deadline)
        assert.fail(`no ${what} within ${timeoutMs} ms\n${this.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Waits for the exit; kills the process group and fails after `timeoutMs`. */
  async exit(timeoutMs: number): Promise<Exit & { ms: number }> {
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    const result = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (result === null) {
      const out = this.output();
      this.signalGroup("SIGKILL");
      assert.fail(`did not exit within ${timeoutMs} ms\n${out}`);
    }
    return { ...result, ms: performance.now() - started };
  }
}

const running = new Set<Proc>();

after(() => {
  // Leave nothing behind, whatever a failed test left running.
  for (const p of running) p.signalGroup("SIGKILL");
});

/** Runs `node <args>` to completion (at most `timeoutMs`). */
async function run(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<Proc & { result: Exit }> {
  const p = new Proc(args, env);
  const result = await p.exit(timeoutMs);
  return Object.assign(p, { result });
}

/** Runs `strom <args>` to completion. */
function strom(...args: string[]): Promise<Proc & { result: Exit }> {
  return run([STROM, ...args]);
}

/** Lines of a text, without the empty last one. */
function lines(text: string): string[] {
  return text.split("\n").filter((l) => l !== "");
}

describe("usage", () => {
  for (const arg of ["--help", "help", "-h"]) {
    test(`strom ${arg} prints the usage and exits 0`, async () => {
      const p = await strom(arg);
      assert.equal(p.result.code, 0, p.output());
      assert.match(p.stdout, /^Usage: strom <command>/);
      assert.match(p.stdout, /run <job\.ts\|job\.js>/);
      assert.match(p.stdout, /--parallelism/);
      assert.equal(p.stderr, "");
    });
  }

  test("strom --version prints the package version", async () => {
    for (const arg of ["--version", "version"]) {
      const p = await strom(arg);
      assert.equal(p.result.code, 0, p.output());
      assert.equal(p.stdout, `strom ${VERSION}\n`);
    }
  });

  test("strom run with a missing file exits 2 with a clear message", async () => {
    const p = await strom("run", `${JOBS}/does-not-exist.ts`);
    assert.equal(p.result.code, 2, p.output());
    assert.equal(p.stderr, `strom: job file not found: ${JOBS}/does-not-exist.ts\n`);
    assert.equal(p.stdout, "");
  });

  test("strom run without a file exits 2", async () => {
    const p = await strom("run");
    assert.equal(p.result.code, 2, p.output());
    assert.match(p.stderr, /missing the job file/);
  });

  test("unknown options, commands and bad values exit 2", async () => {
    const cases: [string[], RegExp][] = [
      [["run", `${JOBS}/print-bounded.ts`, "--bogus"], /unknown option '--bogus'/],
      [["frobnicate"], /unknown command 'frobnicate'/],
      [["run", `${JOBS}/print-bounded.ts`, "--parallelism", "0"], /--parallelism/],
      [["run", `${JOBS}/print-bounded.ts`, "--target", "moon"], /unknown target 'moon'/],
      [["run", `${JOBS}/print-bounded.ts`, "--parallelism"], /needs a value/],
    ];
    for (const [args, message] of cases) {
      const p = await strom(...args);
      assert.equal(p.result.code, 2, p.output());
      assert.match(p.stderr, message, p.output());
      assert.equal(p.stdout, "", "nothing ran");
    }
  });
});

describe("strom run", () => {
  test("runs a bounded job at parallelism 4 and prints every record with its subtask prefix", async () => {
    const p = await strom("run", `${JOBS}/print-bounded.ts`, "--parallelism", "4");
    assert.equal(p.result.code, 0, p.output());
    const out = lines(p.stdout);
    for (const line of out) assert.match(line, /^[1-4]> value-\d+$/, p.output());
    assert.deepEqual(
      out.map((l) => Number(l.slice(l.indexOf("-") + 1))).sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i + 1),
      `every record exactly once\n${p.output()}`,
    );
    assert.deepEqual([...new Set(out.map((l) => l[0]))].sort(), ["1", "2", "3", "4"]);
  });

  test("runs a bounded job at parallelism 1 without prefixes, in order", async () => {
    const p = await strom("run", `${JOBS}/print-bounded.ts`);
    assert.equal(p.result.code, 0, p.output());
    assert.deepEqual(
      lines(p.stdout),
      Array.from({ length: 20 }, (_, i) => `value-${i + 1}`),
    );
  });

  test("runs a job written with a TypeScript enum (non-erasable syntax)", async () => {
    const p = await strom("run", `${JOBS}/cli-enum.ts`);
    assert.equal(p.result.code, 0, p.output());
    assert.deepEqual(lines(p.stdout), ["color:red:0", "color:green:1", "color:blue:2"]);
  });

  test("job arguments after -- reach process.argv, in the client and in the workers", async () => {
    const p = await strom(
      "run",
      `${JOBS}/cli-args.ts`,
      "-p",
      "2",
      "--",
      "alpha",
      "be ta",
      "--gamma",
    );
    assert.equal(p.result.code, 0, p.output());
    const out = lines(p.stdout);
    assert.equal(out[0], 'ARGS ["alpha","be ta","--gamma"]', p.output());
    assert.deepEqual(
      out
        .slice(1)
        .map((l) => l.replace(/^[12]> /, ""))
        .sort(),
      [1, 2, 3, 4].map((i) => `alpha+be ta+--gamma#${i}`),
      p.output(),
    );
  });

  test("--target thread runs the job in one thread", async () => {
    const p = await strom("run", `${JOBS}/print-bounded.ts`, "--target", "thread", "-p", "2");
    assert.equal(p.result.code, 0, p.output());
    const out = lines(p.stdout);
    for (const line of out) assert.match(line, /^[12]> value-\d+$/);
    assert.equal(out.length, 20, p.output());
  });

  test("a failing job exits non-zero and names the operator on stderr", async () => {
    const p = await strom("run", `${JOBS}/cli-failing.ts`, "-p", "2");
    assert.notEqual(p.result.code, 0, p.output());
    assert.notEqual(p.result.code, null, p.output());
    assert.match(p.stderr, /'unlucky-map'/, p.output());
    assert.match(p.stderr, /thirteen is unlucky/);
    assert.match(p.stderr, /rejectThirteen/, "the user's stack is printed");
  });

  test("print() output of parallel workers is complete when the job ends", async () => {
    // Four runs at once: a lost tail of worker stdout shows up in at least one of them.
    const runs = await Promise.all(
      [1, 2, 3, 4].map(() => strom("run", `${JOBS}/print-many.ts`, "-p", "4")),
    );
    for (const p of runs) {
      assert.equal(p.result.code, 0, p.output());
      const out = lines(p.stdout);
      assert.equal(
        out.length,
        3000,
        `expected 3000 printed lines, got ${out.length} (worker stdout lost at the end of the job)`,
      );
    }
  });
});

describe("plain node job.ts", () => {
  test("runs a bounded job on worker threads", async () => {
    const p = await run([`${JOBS}/print-bounded.ts`]);
    assert.equal(p.result.code, 0, p.output());
    assert.deepEqual(
      lines(p.stdout),
      Array.from({ length: 20 }, (_, i) => `value-${i + 1}`),
    );
  });

  test("runs when started by a test (NODE_TEST_CONTEXT inherited from the test runner)", async () => {
    // Any test that spawns `node job.ts` passes the runner's NODE_TEST_CONTEXT on to the job; the
    // job module is still the main module, so it must run on worker threads as usual.
    const p = await run([`${JOBS}/print-bounded.ts`], { NODE_TEST_CONTEXT: "child-v8" });
    assert.equal(p.result.code, 0, p.output());
    assert.equal(lines(p.stdout).length, 20, p.output());
  });
});

describe("Ctrl-C", () => {
  /** Starts `args`, waits for the job's output, interrupts it and checks the exit. */
  async function interrupt(args: string[], how: "process" | "group"): Promise<void> {
    const p = new Proc(args);
    await p.waitFor(() => /tick \d+\n/.test(p.stdout), "output of the running job", 20_000);
    // The job is unbounded: it must still be running a moment later.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(
      p.exitInfo,
      null,
      `the unbounded job ended on its own before SIGINT\n${p.output()}`,
    );
    if (how === "group") p.signalGroup("SIGINT");
    else p.signal("SIGINT");
    const exit = await p.exit(CANCEL_MS);
    assert.equal(exit.code, 130, `exit code after SIGINT\n${p.output()}`);
    assert.match(p.stderr, /cancelled/i, p.output());
    assert.doesNotMatch(p.stdout, /UNREACHABLE/);
  }

  test("strom run: Ctrl-C in a terminal (SIGINT to the process group) cancels the job, exit 130", async () => {
    await interrupt([STROM, "run", `${JOBS}/unbounded-print.ts`, "-p", "2"], "group");
  });

  test("strom run: SIGINT to the strom process cancels the job, exit 130", async () => {
    await interrupt([STROM, "run", `${JOBS}/unbounded-print.ts`, "-p", "2"], "process");
  });

  test("plain node job.ts: SIGINT cancels the job, exit 130", async () => {
    await interrupt([`${JOBS}/unbounded-print.ts`], "process");
  });

  test("strom run --target thread: an unbounded job runs until SIGINT, then exits 130", async () => {
    await interrupt(
      [STROM, "run", `${JOBS}/unbounded-print.ts`, "--target", "thread", "-p", "2"],
      "process",
    );
  });
});

test("npm start: the flagship example prints alerts and throughput until Ctrl-C", async () => {
  const p = new Proc(["examples/flagship.ts"]);
  await p.waitFor(() => /^(\d+> )?ALERT account \d+: /m.test(p.stdout), "ALERT line", 20_000);
  // The example prints a progress line every 5 s.
  await p.waitFor(
    () => /^\[strom\] fraud-detection: [\d,]+ records read/m.test(p.stderr),
    "[strom] throughput line",
    20_000,
  );
  p.signal("SIGINT");
  const exit = await p.exit(CANCEL_MS);
  assert.equal(exit.code, 130, p.output());
  assert.match(p.stderr, /cancelled/i);
});
