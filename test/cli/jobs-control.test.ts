/**
 * Job control across processes: `strom run` with checkpoint options and its loopback REST server,
 * then `strom list`, `savepoint`, `stop` and `cancel` from separate processes, a restart from the
 * savepoint, discovery files (stale ones removed), and the usage errors of the new run options.
 * Every process is real; STROM_HOME points to a temporary directory.
 */
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const NODE = join(ROOT, "node_modules", ".bin", "node");
const STROM = join(ROOT, "bin", "strom.js");
const COUNTER = "test/fixtures/jobs/unbounded-counter.ts";
const PRINT = "test/fixtures/jobs/unbounded-print.ts";
const TMP = mkdtempSync(join(tmpdir(), "strom-jobs-control-"));
const HOME = join(TMP, "home");
const JOBS_DIR = join(HOME, "jobs");

/** A `strom` child process (own process group) with its output so far. */
class Strom {
  readonly child: ChildProcess;
  stdout = "";
  stderr = "";
  readonly exited: Promise<number | null>;
  done = false;

  constructor(args: string[]) {
    this.child = spawn(NODE, [STROM, ...args], {
      cwd: TMP,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NODE_TEST_CONTEXT: undefined, STROM_HOME: HOME, FORCE_COLOR: "0" },
    });
    this.child.stdout!.setEncoding("utf8").on("data", (d: string) => (this.stdout += d));
    this.child.stderr!.setEncoding("utf8").on("data", (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) =>
      this.child.on("close", (code) => {
        this.done = true;
        resolve(code);
      }),
    );
    live.add(this);
    void this.exited.then(() => live.delete(this));
  }

  output(): string {
    const tail = (s: string) => (s.length > 1500 ? `...${s.slice(-1500)}` : s);
    return `--- stdout:\n${tail(this.stdout)}\n--- stderr:\n${tail(this.stderr)}`;
  }

  /** The exit code; kills the group and fails after `ms`. */
  async exit(ms = 20_000): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), ms)));
    const code = await Promise.race([this.exited, timeout]);
    clearTimeout(timer);
    if (code === "timeout") {
      process.kill(-this.child.pid!, "SIGKILL");
      assert.fail(`strom did not exit within ${ms} ms\n${this.output()}`);
    }
    return code;
  }
}

const live = new Set<Strom>();
after(() => {
  for (const p of live) {
    try {
      process.kill(-p.child.pid!, "SIGKILL");
    } catch {
      // gone already
    }
  }
  rmSync(TMP, { recursive: true, force: true });
});

/** Runs `strom <args>` to completion. */
async function strom(...args: string[]): Promise<Strom & { code: number | null }> {
  const p = new Strom(args);
  return Object.assign(p, { code: await p.exit() });
}

/** Polls `strom list` until a running job shows up (or `p` exits); returns its id. */
async function waitForJob(p: Strom, name: string): Promise<string> {
  const deadline = performance.now() + 15_000;
  for (;;) {
    if (p.done) assert.fail(`the job exited before it was listed\n${p.output()}`);
    const files = existsSync(JOBS_DIR) ? readdirSync(JOBS_DIR) : [];
    if (files.length > 0) {
      const list = await strom("list");
      assert.equal(list.code, 0, list.output());
      const row = list.stdout.split("\n").find((l) => l.includes(name) && l.includes("RUNNING"));
      if (row) return row.split(/\s+/)[0]!;
    }
    if (performance.now() > deadline) assert.fail(`job ${name} was never listed\n${p.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test("list, savepoint, stop with a savepoint, restore from it, stop with drain", async () => {
  const job = new Strom([
    "run",
    join(ROOT, COUNTER),
    "--checkpoint-dir",
    "ckpt",
    "--checkpoint-interval",
    "200ms",
  ]);
  const id = await waitForJob(job, "unbounded-counter");
  assert.match(id, new RegExp(`^\\d+-job-1$`));
  const pid = Number(id.split("-")[0]);
  assert.ok(existsSync(join(JOBS_DIR, `${pid}.json`)), "the discovery file is written");

  const list = await strom("list");
  assert.match(list.stdout, /^JOB ID\s+NAME\s+STATE\s+STARTED$/m);
  assert.match(list.stdout, new RegExp(`^${id}\\s+unbounded-counter\\s+RUNNING\\s+\\d{4}-`, "m"));

  const sp = await strom("savepoint", id, "sp");
  assert.equal(sp.code, 0, sp.output());
  const spPath = sp.stdout.trim();
  assert.ok(spPath.startsWith(join(TMP, "sp", "savepoint-")), spPath);
  assert.ok(existsSync(join(spPath, "_metadata")), "the savepoint has its _metadata");

  const stop = await strom("stop", id, "--savepoint-dir", "d2");
  assert.equal(stop.code, 0, stop.output());
  const stopPath = stop.stdout.trim();
  assert.ok(existsSync(join(stopPath, "_metadata")), "the stop savepoint has its _metadata");
  assert.equal(await job.exit(), 0, job.output());
  assert.match(job.stderr, /stopped with a savepoint/);
  assert.ok(!existsSync(join(JOBS_DIR, `${pid}.json`)), "the discovery file is removed on exit");
  const lastCount = Math.max(
    ...job.stdout
      .trim()
      .split("\n")
      .map((l) => Number(l.split(",")[1])),
  );

  const restored = new Strom([
    "run",
    join(ROOT, COUNTER),
    "--from-savepoint",
    stopPath,
    "--checkpoint-interval",
    "1s",
  ]);
  const id2 = await waitForJob(restored, "unbounded-counter");
  assert.notEqual(id2, id);
  // The restored job counts on before it is drained (a drain before its first record would end
  // it with no output: correct, but nothing to compare).
  for (const deadline = performance.now() + 20_000; !restored.stdout.includes("\n");) {
    if (performance.now() > deadline)
      assert.fail(`the restored job printed nothing\n${restored.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  // Stop with drain: the sources end, the job finishes, its final checkpoint is the savepoint.
  const drain = await strom("stop", id2, "--savepoint-dir", "d3", "--drain");
  assert.equal(drain.code, 0, drain.output());
  const drainPath = drain.stdout.trim();
  assert.ok(existsSync(join(drainPath, "_metadata")), "the drain savepoint has its _metadata");
  assert.equal(await restored.exit(), 0, restored.output());
  assert.match(restored.stderr, /restoring from savepoint/);
  const first = Number(restored.stdout.split("\n")[0]!.split(",")[1]);
  assert.ok(first > 1 && first <= lastCount + 1, `counts go on from the savepoint: ${first}`);

  const empty = await strom("list");
  assert.equal(empty.stdout, "No running jobs.\n");
});

test("savepoints of a job without checkpointing fail with a clear message", async () => {
  const job = new Strom(["run", join(ROOT, PRINT)]);
  const id = await waitForJob(job, "unbounded-print");
  const sp = await strom("savepoint", id, "sp");
  assert.equal(sp.code, 1);
  assert.match(sp.stderr, /runs without checkpointing/);
  const unknown = await strom("cancel", id.replace(/job-\d+$/, "job-99"));
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, new RegExp(`no job with id '${id.replace(/job-\d+$/, "job-99")}'`));
  assert.equal((await strom("cancel", id)).code, 0);
  assert.equal(await job.exit(), 130, job.output());
});

test("control commands report missing and stale processes", async () => {
  mkdirSync(JOBS_DIR, { recursive: true });
  // A dead pid, and a live process (this one) whose "server" refuses connections.
  writeFileSync(join(JOBS_DIR, "999999999.json"), '{"pid":999999999,"port":1,"startedAt":0}');
  writeFileSync(
    join(JOBS_DIR, `${process.pid}.json`),
    JSON.stringify({ pid: process.pid, port: 1, startedAt: 0 }),
  );
  const list = await strom("list");
  assert.equal(list.code, 0, list.output());
  assert.equal(list.stdout, "No running jobs.\n");
  assert.match(list.stderr, /does not answer .*ECONNREFUSED.*stale entry was removed/);
  assert.deepEqual(readdirSync(JOBS_DIR), [], "stale files are removed");

  const cancel = await strom("cancel", "999999999-job-1");
  assert.equal(cancel.code, 1);
  assert.match(cancel.stderr, /no job with id '999999999-job-1': no strom process is running/);
  const bad = await strom("savepoint", "nonsense", "dir");
  assert.match(bad.stderr, /'nonsense' is not a strom job id/);
  const missing = await strom("stop");
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /missing the job id/);
});

test("bad run options are usage errors", async () => {
  const cases: [string[], RegExp][] = [
    [["--restore", "latest"], /--restore latest needs --checkpoint-dir/],
    [["--checkpoint-interval", "soon"], /--checkpoint-interval: cannot parse 'soon' as a duration/],
    [["--state-backend", "rocks"], /unknown state backend 'rocks'/],
    [["--rest-port", "-3"], /--rest-port must be an integer from 0 to 65535/],
    [["--from-savepoint", "no-such-dir"], /no checkpoint or savepoint at .*no-such-dir/],
  ];
  for (const [args, message] of cases) {
    const p = await strom("run", join(ROOT, COUNTER), ...args);
    assert.equal(p.code, 2, p.output());
    assert.match(p.stderr, message);
  }
});
