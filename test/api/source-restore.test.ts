/**
 * Source positions: every built-in source's split states, taken by `snapshotState` part way
 * through, continue exactly after the last emitted record when handed to new readers (also at a
 * different parallelism, the states redistributed round robin): the records before plus after
 * equal an undisturbed read, record for record.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import {
  DataGeneratorSource,
  InputStatus,
  NumberSequenceSource,
  RateLimiterStrategy,
  CollectionSource,
  TextFileSource,
  type Source,
  type SourceReader,
} from "strom";
import { ManualTimerScheduler } from "../../src/core/time.ts";
import { sorted } from "./harness.ts";

type AnySource = Source<unknown, unknown>;
type Reader = SourceReader<unknown, unknown>;

/** Creates `parallelism` readers, the splits dealt round robin. */
function readers(
  source: AnySource,
  splits: unknown[],
  parallelism: number,
  timers = new ManualTimerScheduler(0),
): Reader[] {
  const rs: Reader[] = [];
  for (let i = 0; i < parallelism; i++) {
    const r = source.createReader({ subtaskIndex: i, parallelism, timers });
    r.start?.();
    r.addSplits(splits.filter((_, j) => j % parallelism === i));
    r.noMoreSplits();
    rs.push(r);
  }
  return rs;
}

/** Polls `reader` `polls` times (or to its end), collecting into `out`; returns the last status. */
function poll(reader: Reader, out: unknown[], polls = Infinity): InputStatus {
  let status: InputStatus = InputStatus.MORE_AVAILABLE;
  for (let i = 0; i < polls && status !== InputStatus.END_OF_INPUT; i++) {
    status = reader.pollNext({ collect: (r) => out.push(r) });
    assert.notEqual(status, InputStatus.NOTHING_AVAILABLE, "an unthrottled reader never waits");
  }
  return status;
}

/** Every record of `source` read without interruption at parallelism `p`. */
async function undisturbed(source: AnySource, p: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const r of readers(source, await source.createSplits(p), p)) {
    poll(r, out);
    await r.close?.();
  }
  return out;
}

/**
 * Reads part of `source` at parallelism `p` (reader i polls `polls[i % polls.length]` times),
 * snapshots, and returns the records read and the snapshotted split states.
 */
async function readPart(
  source: AnySource,
  p: number,
  polls: readonly number[],
): Promise<{ before: unknown[]; states: unknown[] }> {
  const before: unknown[] = [];
  const states: unknown[] = [];
  const rs = readers(source, await source.createSplits(p), p);
  for (let i = 0; i < rs.length; i++) {
    const status = poll(rs[i]!, before, polls[i % polls.length]);
    const snap = rs[i]!.snapshotState(1);
    if (status === InputStatus.END_OF_INPUT) assert.deepEqual(snap, [], "finished splits stay out");
    // The snapshot is a copy: the reader going on must not move it.
    const frozen = JSON.stringify(snap);
    poll(rs[i]!, [], 1);
    assert.equal(JSON.stringify(snap), frozen, "a snapshot must not change afterwards");
    states.push(...snap);
    await rs[i]!.close?.();
  }
  return { before, states };
}

/** Restores `states` into `p` new readers and reads them to the end. */
async function readRest(source: AnySource, states: unknown[], p: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const r of readers(source, states, p)) {
    poll(r, out);
    assert.deepEqual(r.snapshotState(2), [], "a reader at its end has no unfinished split");
    await r.close?.();
  }
  return out;
}

/**
 * For every old parallelism and new parallelism 1..3: part, snapshot, restore, rest equals the
 * undisturbed read. Returns how many records were read before the snapshots (over all runs).
 */
async function checkRestore(
  source: AnySource,
  polls: readonly number[],
  oldParallelisms: readonly number[] = [1, 2, 3],
): Promise<number> {
  let readBefore = 0;
  for (const p of oldParallelisms) {
    const expected = sorted(await undisturbed(source, p));
    const { before, states } = await readPart(source, p, polls);
    readBefore += before.length;
    assert.ok(before.length < expected.length, "part of the input is left for the restore");
    for (const q of [1, 2, 3]) {
      const rest = await readRest(source, states, q);
      assert.equal(before.length + rest.length, expected.length, `p=${p} -> ${q}: record count`);
      assert.deepEqual(sorted([...before, ...rest]), expected, `p=${p} -> ${q}: records`);
    }
  }
  return readBefore;
}

describe("source split states continue exactly after a restore", () => {
  it("fromSequence", async () => {
    const source = new NumberSequenceSource(-500, 2_000) as AnySource;
    assert.ok((await checkRestore(source, [1, 3, 0, 20])) > 0);
    // Near the top of the safe integer range.
    const top = new NumberSequenceSource(Number.MAX_SAFE_INTEGER - 999, Number.MAX_SAFE_INTEGER);
    await checkRestore(top as AnySource, [2, 1]);
  });

  it("fromCollection / fromElements (duplicates included)", async () => {
    const elements = Array.from({ length: 1_700 }, (_, i) => ({ k: i % 13, i: i % 500 }));
    await checkRestore(new CollectionSource(elements) as AnySource, [2, 0, 5]);
    await checkRestore(new CollectionSource(["a", "b", "a"]) as AnySource, [0], [1]);
  });

  it("DataGeneratorSource (bounded and unbounded index space)", async () => {
    const gen = new DataGeneratorSource((i) => `rec-${i % 997}-${Math.floor(i / 997)}`, 2_345);
    await checkRestore(gen as AnySource, [1, 4, 0]);
    // An object generator with open/close hooks.
    const opened: number[] = [];
    const obj = new DataGeneratorSource(
      { open: (c) => opened.push(c.subtaskIndex), map: (i: number) => i * 2 },
      1_000,
    );
    await checkRestore(obj as AnySource, [1]);
    assert.ok(opened.length > 0);

    // Unbounded: the restored positions continue the index sequence.
    const endless = new DataGeneratorSource((i) => i, Infinity) as AnySource;
    const rs = readers(endless, await endless.createSplits(2), 2);
    const before: unknown[] = [];
    for (const r of rs) poll(r, before, 2);
    const states = rs.flatMap((r) => r.snapshotState(7));
    const [next] = readers(endless, states, 1);
    const rest: unknown[] = [];
    poll(next!, rest, 6);
    const firstSplit = rest.slice(0, 512) as number[];
    assert.deepEqual(firstSplit.slice(0, 3), [512, 513, 514]);
    assert.equal(new Set([...before, ...rest]).size, before.length + rest.length, "no duplicates");
  });

  it("DataGeneratorSource rate limiting holds after a restore at another parallelism", async () => {
    const rate = 200; // records per second in total
    const source = new DataGeneratorSource((i) => i, 1_000, RateLimiterStrategy.perSecond(rate));
    const timers = new ManualTimerScheduler(0);
    const old = readers(source as AnySource, source.createSplits(2), 2, timers);
    const before: unknown[] = [];
    const collect = { collect: (r: unknown) => before.push(r) };
    for (let t = 0; t <= 1_000; t += 10) {
      timers.advanceTo(t);
      for (const r of old) r.pollNext(collect);
    }
    // 2 readers at 100/s each for one second: about 200 records (plus the first at once).
    assert.ok(before.length >= 190 && before.length <= 212, `before: ${before.length}`);
    const states = old.flatMap((r) => r.snapshotState(1));

    for (const q of [1, 3]) {
      const clock = new ManualTimerScheduler(50_000); // the restored job's clock is far later
      const fresh = readers(source as AnySource, states, q, clock);
      const rest: unknown[] = [];
      const out = { collect: (r: unknown) => rest.push(r) };
      const start = clock.now();
      const counts: number[] = [];
      let ended = 0;
      while (ended < fresh.length) {
        ended = 0;
        for (const r of fresh) {
          const status = r.pollNext(out);
          if (status === InputStatus.END_OF_INPUT) ended++;
          else if (status === InputStatus.NOTHING_AVAILABLE) {
            // Waiting must be scheduled on the restored clock, not the old one.
            let woke = false;
            void r.isAvailable().then(() => (woke = true));
            await Promise.resolve();
            assert.equal(woke, false, "a throttled reader waits for the timer");
          }
        }
        clock.advanceBy(10);
        await Promise.resolve();
        const elapsed = clock.now() - start;
        counts.push(rest.length);
        // Never faster than the total rate (plus one burst per reader), no catching up on downtime.
        const burst = Math.max(1, Math.floor(rate / q / 10));
        assert.ok(
          rest.length <= (rate * elapsed) / 1000 + q * burst,
          `q=${q}: ${rest.length} records after ${elapsed} ms exceed ${rate}/s`,
        );
        assert.ok(elapsed < 10_000, "the restored readers keep emitting");
      }
      // Each reader may emit rate / q: with more readers than split states (3 readers, 2 states)
      // the idle reader's share is not used (as in Flink), so the total only reaches 2/3 of it.
      const busy = Math.min(q, states.length);
      const seconds = (clock.now() - start) / 1000;
      const expectedRate = (rate * busy) / q;
      assert.ok(
        rest.length / seconds > expectedRate * 0.9,
        `q=${q}: rate ${rest.length / seconds}/s, expected about ${expectedRate}/s`,
      );
      assert.deepEqual(
        sorted([...before, ...rest]),
        sorted(Array.from({ length: 1_000 }, (_, i) => i)),
      );
      for (const r of fresh) r.close?.();
    }
    for (const r of old) r.close?.();
  });

  describe("readTextFile", () => {
    let dir = "";
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "strom-text-restore-"));
      const lines = (n: number, f: (i: number) => string) =>
        Array.from({ length: n }, (_, i) => f(i));
      fs.writeFileSync(
        path.join(dir, "a.txt"),
        lines(700, (i) => `a${i % 300} äöü €${i}`).join("\n") + "\n",
      );
      // CRLF, no final newline, empty lines.
      fs.writeFileSync(
        path.join(dir, "b.txt"),
        lines(900, (i) => (i % 50 === 0 ? "" : `b-${i}`)).join("\r\n"),
      );
      // Lines longer than a read chunk, straddling chunk boundaries with multi-byte characters.
      fs.writeFileSync(
        path.join(dir, "c.txt"),
        lines(40, (i) => "€".repeat(9_000 + i * 97) + `#${i}`).join("\n") + "\n",
      );
      fs.writeFileSync(path.join(dir, "d.txt"), "");
      fs.writeFileSync(path.join(dir, "e.txt"), "x\n".repeat(300));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("resumes each file at the byte offset of its next line", async () => {
      const source = new TextFileSource(dir) as AnySource;
      assert.ok((await checkRestore(source, [1, 2, 0, 3])) > 0);
      // Single file, mid-file after one poll.
      await checkRestore(new TextFileSource(path.join(dir, "a.txt")) as AnySource, [1, 2], [1]);
      // Snapshot positions are byte offsets at line starts.
      const [reader] = readers(source, await source.createSplits(1), 1);
      poll(reader!, [], 1);
      const [state] = reader!.snapshotState(1) as { path: string; offset: number }[];
      const bytes = fs.readFileSync(state!.path);
      assert.equal(bytes[state!.offset - 1], 0x0a, "the offset follows a newline");
      reader!.close?.();
    });
  });
});
