import { mock, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import fsModule from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { ManualTimerScheduler } from "../../src/core/time.ts";
import type { InputStatus, Source, SourceReader } from "../../src/api/source.ts";
import {
  CollectionSource,
  DataGeneratorSource,
  NumberSequenceSource,
  RateLimiterStrategy,
  TEXT_FILE_CHUNK_SIZE,
  TextFileSource,
} from "../../src/api/sources/index.ts";
import { rng } from "./rng.ts";

// ---------------------------------------------------------------------------------------------
// Harness: drives readers directly, without any runtime.

/** One reader with what it emitted. */
interface Driven<T, S> {
  reader: SourceReader<T, S>;
  out: T[];
  ended: boolean;
}

/** A collecting ReaderOutput. */
function collector<T>(out: T[]): { collect(record: T): void } {
  return { collect: (record: T) => void out.push(record) };
}

/** Creates `p` readers and hands them `splits` round-robin (split i to reader i % p). */
async function startReaders<T, S>(
  source: Source<T, S>,
  splits: S[],
  p: number,
  timers: ManualTimerScheduler,
): Promise<Driven<T, S>[]> {
  const readers: Driven<T, S>[] = [];
  for (let i = 0; i < p; i++) {
    const reader = source.createReader({ subtaskIndex: i, parallelism: p, timers });
    if (reader.start) await reader.start();
    readers.push({ reader, out: [], ended: false });
  }
  for (let i = 0; i < p; i++) {
    readers[i]!.reader.addSplits(splits.filter((_, k) => k % p === i));
    readers[i]!.reader.noMoreSplits();
  }
  return readers;
}

/** Lets resolved promises run their callbacks. */
async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/**
 * Polls all readers round-robin until each reports END_OF_INPUT. On NOTHING_AVAILABLE the reader
 * waits on isAvailable(); when every reader waits, the manual clock advances by `stepMs`.
 */
async function drainAll<T, S>(
  readers: Driven<T, S>[],
  timers: ManualTimerScheduler,
  stepMs = 10,
  maxPolls = 1_000_000,
): Promise<void> {
  const waiting = new Set<number>();
  let polls = 0;
  while (readers.some((r) => !r.ended)) {
    let progressed = false;
    for (let i = 0; i < readers.length; i++) {
      const r = readers[i]!;
      if (r.ended || waiting.has(i)) continue;
      progressed = true;
      const before = r.out.length;
      const status: InputStatus = r.reader.pollNext(collector(r.out));
      assert.ok(r.out.length - before <= 256, "at most 256 records per poll");
      assert.ok(++polls < maxPolls, "too many polls");
      if (status === "END_OF_INPUT") r.ended = true;
      else if (status === "NOTHING_AVAILABLE") {
        waiting.add(i);
        void r.reader.isAvailable().then(() => waiting.delete(i));
      }
    }
    await flush();
    if (!progressed && waiting.size > 0) {
      timers.advanceBy(stepMs);
      await flush();
    }
  }
  for (const r of readers) if (r.reader.close) await r.reader.close();
}

/** Runs `source` at parallelism `p` to the end; returns each reader's output. */
async function runSource<T, S>(source: Source<T, S>, p: number): Promise<T[][]> {
  const timers = new ManualTimerScheduler();
  const splits = await source.createSplits(p);
  const readers = await startReaders(source, splits, p, timers);
  await drainAll(readers, timers);
  return readers.map((r) => r.out);
}

/** Asserts that the union of the outputs is `expected`, each record exactly once. */
function assertExactlyOnce<T>(outputs: T[][], expected: T[], key: (t: T) => string = String): void {
  const all = outputs.flat();
  assert.equal(all.length, expected.length, "no records lost or duplicated");
  const counts = new Map<string, number>();
  for (const t of expected) counts.set(key(t), (counts.get(key(t)) ?? 0) + 1);
  for (const t of all) {
    const k = key(t);
    const c = counts.get(k);
    assert.ok(c !== undefined && c > 0, `unexpected or duplicated record ${k}`);
    counts.set(k, c - 1);
  }
}

/**
 * Runs `source` at parallelism `p`, polling each reader `pollsBefore` times, snapshots every
 * reader, then restores the snapshots into `q` fresh readers (round-robin) and runs them to the
 * end. Returns all output (before plus after).
 */
async function runWithRestore<T, S>(
  source: Source<T, S>,
  p: number,
  q: number,
  pollsBefore: number,
): Promise<T[][]> {
  const timers = new ManualTimerScheduler();
  const splits = await source.createSplits(p);
  const first = await startReaders(source, splits, p, timers);
  for (const r of first) {
    for (let k = 0; k < pollsBefore && !r.ended; k++) {
      if (r.reader.pollNext(collector(r.out)) === "END_OF_INPUT") r.ended = true;
    }
  }
  // Split state is plain data: it survives a JSON round trip.
  const state: S[] = first.flatMap(
    (r) => JSON.parse(JSON.stringify(r.reader.snapshotState(1))) as S[],
  );
  for (const r of first) if (r.reader.close) await r.reader.close();
  const second = await startReaders(source, state, q, timers);
  await drainAll(second, timers);
  return [...first.map((r) => r.out), ...second.map((r) => r.out)];
}

/** A fresh temporary directory. */
function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "strom-sources-"));
}

/** The lines a text reader should produce for `content`. */
function expectedLines(content: string): string[] {
  if (content === "") return [];
  const lines = content.split("\n");
  if (content.endsWith("\n")) lines.pop();
  return lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

/** Reads `content` written to a temp file through a TextFileSource at parallelism 1. */
async function readBack(content: string | Buffer): Promise<string[]> {
  const dir = tmpDir();
  try {
    const file = path.join(dir, "data.txt");
    fs.writeFileSync(file, content);
    const [out] = await runSource(new TextFileSource(file), 1);
    return out!;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// CollectionSource

test("CollectionSource: every element exactly once at parallelism 1, 2, 3", async () => {
  const elements = Array.from({ length: 1000 }, (_, i) => ({ id: i, name: `e${i}` }));
  const source = new CollectionSource(elements);
  assert.equal(source.getBoundedness(), "BOUNDED");
  for (const p of [1, 2, 3]) {
    const splits = source.createSplits(p);
    assert.equal(splits.length, p);
    assert.equal(splits[0]!.start, 0);
    assert.equal(splits[p - 1]!.end, elements.length);
    for (let i = 1; i < p; i++) assert.equal(splits[i]!.start, splits[i - 1]!.end, "contiguous");
    const outputs = await runSource(source, p);
    assertExactlyOnce(outputs, elements, (e) => String(e.id));
    for (const out of outputs) {
      for (let i = 1; i < out.length; i++) assert.ok(out[i]!.id > out[i - 1]!.id, "order kept");
    }
  }
  // Parallelism 1 keeps the whole order.
  assert.deepEqual((await runSource(source, 1))[0], elements);
});

test("CollectionSource: fewer elements than readers gives empty splits; empty collection", async () => {
  const source = new CollectionSource(["a", "b"]);
  const splits = source.createSplits(3);
  assert.deepEqual(splits, [
    { start: 0, end: 1, position: 0 },
    { start: 1, end: 2, position: 1 },
    { start: 2, end: 2, position: 2 },
  ]);
  assertExactlyOnce(await runSource(source, 3), ["a", "b"]);
  assertExactlyOnce(await runSource(new CollectionSource<number>([]), 2), []);
  assert.throws(() => source.createSplits(0), RangeError);
});

test("CollectionSource: restore from a snapshot continues without loss or duplicates", async () => {
  const elements = Array.from({ length: 2000 }, (_, i) => i);
  const source = new CollectionSource(elements);
  for (const [p, q, polls] of [
    [1, 1, 1],
    [2, 3, 2],
    [3, 2, 3],
    [2, 1, 0],
    [3, 3, 100],
  ] as const) {
    assertExactlyOnce(await runWithRestore(source, p, q, polls), elements);
  }
  // A split from a different collection is rejected.
  const reader = new CollectionSource([1]).createReader({
    subtaskIndex: 0,
    parallelism: 1,
    timers: new ManualTimerScheduler(),
  });
  assert.throws(() => reader.addSplits([{ start: 0, end: 5, position: 0 }]), /collection/);
});

test("a reader without splits waits until splits or the end of splits arrive", async () => {
  const source = new CollectionSource([1, 2, 3]);
  const reader = source.createReader({
    subtaskIndex: 0,
    parallelism: 1,
    timers: new ManualTimerScheduler(),
  });
  const out: number[] = [];
  assert.equal(reader.pollNext(collector(out)), "NOTHING_AVAILABLE");
  let available = false;
  void reader.isAvailable().then(() => (available = true));
  await flush();
  assert.equal(available, false);
  reader.addSplits(source.createSplits(1));
  await flush();
  assert.equal(available, true);
  assert.equal(reader.pollNext(collector(out)), "NOTHING_AVAILABLE", "split done, more may come");
  assert.deepEqual(out, [1, 2, 3]);
  reader.noMoreSplits();
  assert.equal(reader.pollNext(collector(out)), "END_OF_INPUT");
});

// ---------------------------------------------------------------------------------------------
// NumberSequenceSource

test("NumberSequenceSource: from..to inclusive exactly once at parallelism 1, 2, 3", async () => {
  const source = new NumberSequenceSource(-5, 1000);
  assert.equal(source.getBoundedness(), "BOUNDED");
  const expected = Array.from({ length: 1006 }, (_, i) => i - 5);
  for (const p of [1, 2, 3]) {
    const splits = source.createSplits(p);
    assert.equal(splits.length, p);
    assert.equal(splits[0]!.from, -5);
    assert.equal(splits[p - 1]!.to, 1000);
    for (let i = 1; i < p; i++) assert.equal(splits[i]!.from, splits[i - 1]!.to + 1);
    const outputs = await runSource(source, p);
    assertExactlyOnce(outputs, expected);
    for (const out of outputs)
      for (let i = 1; i < out.length; i++) assert.equal(out[i], out[i - 1]! + 1);
  }
  assert.deepEqual((await runSource(new NumberSequenceSource(7, 7), 3)).flat(), [7]);
  assert.equal(new NumberSequenceSource(7, 7).createSplits(3).length, 1);
});

test("NumberSequenceSource: validates its range and splits huge ranges exactly", () => {
  assert.throws(() => new NumberSequenceSource(5, 4), RangeError);
  assert.throws(() => new NumberSequenceSource(0.5, 4), RangeError);
  assert.throws(() => new NumberSequenceSource(0, 2 ** 53), RangeError);
  assert.throws(() => new NumberSequenceSource(NaN, 1), RangeError);
  assert.throws(() => new NumberSequenceSource(0, 1).createSplits(0), RangeError);
  const source = new NumberSequenceSource(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const splits = source.createSplits(3);
  assert.equal(splits[0]!.from, Number.MIN_SAFE_INTEGER);
  assert.equal(splits[2]!.to, Number.MAX_SAFE_INTEGER);
  let total = 0n;
  for (let i = 0; i < 3; i++) {
    const s = splits[i]!;
    assert.ok(Number.isSafeInteger(s.from) && Number.isSafeInteger(s.to));
    if (i > 0) assert.equal(BigInt(s.from), BigInt(splits[i - 1]!.to) + 1n);
    total += BigInt(s.to) - BigInt(s.from) + 1n;
  }
  assert.equal(total, 2n * BigInt(Number.MAX_SAFE_INTEGER) + 1n);
  // The top of the range is read correctly.
  const top = new NumberSequenceSource(Number.MAX_SAFE_INTEGER - 2, Number.MAX_SAFE_INTEGER);
  const reader = top.createReader({
    subtaskIndex: 0,
    parallelism: 1,
    timers: new ManualTimerScheduler(),
  });
  reader.addSplits(top.createSplits(1));
  reader.noMoreSplits();
  const out: number[] = [];
  assert.equal(reader.pollNext(collector(out)), "END_OF_INPUT");
  assert.deepEqual(out, [2 ** 53 - 3, 2 ** 53 - 2, 2 ** 53 - 1]);
});

test("NumberSequenceSource: restore from a snapshot continues without loss or duplicates", async () => {
  const source = new NumberSequenceSource(1, 3000);
  const expected = Array.from({ length: 3000 }, (_, i) => i + 1);
  for (const [p, q, polls] of [
    [1, 1, 1],
    [2, 3, 2],
    [3, 1, 4],
    [3, 3, 0],
  ] as const) {
    assertExactlyOnce(await runWithRestore(source, p, q, polls), expected);
  }
});

// ---------------------------------------------------------------------------------------------
// DataGeneratorSource

test("DataGeneratorSource: indices 0..count-1 exactly once at parallelism 1, 2, 3", async () => {
  const source = new DataGeneratorSource((i) => `rec-${i}`, 1234);
  assert.equal(source.getBoundedness(), "BOUNDED");
  const expected = Array.from({ length: 1234 }, (_, i) => `rec-${i}`);
  for (const p of [1, 2, 3]) {
    const splits = source.createSplits(p);
    assert.equal(splits.length, p);
    assert.equal(splits[0]!.start, 0);
    assert.equal(splits[p - 1]!.end, 1234);
    for (let i = 1; i < p; i++) assert.equal(splits[i]!.start, splits[i - 1]!.end);
    assertExactlyOnce(await runSource(source, p), expected);
  }
  assertExactlyOnce(await runSource(new DataGeneratorSource((i) => i, 0), 3), []);
  assertExactlyOnce(await runSource(new DataGeneratorSource((i) => i, 2), 3), [0, 1]);
});

test("DataGeneratorSource: an object generator with map(), open() and close()", async () => {
  const events: string[] = [];
  const generator = {
    factor: 10,
    open(ctx: { subtaskIndex: number }) {
      events.push(`open ${ctx.subtaskIndex}`);
    },
    map(index: number) {
      return index * this.factor;
    },
    close() {
      events.push("close");
    },
  };
  const source = new DataGeneratorSource(generator, 100);
  const outputs = await runSource(source, 2);
  assertExactlyOnce(
    outputs,
    Array.from({ length: 100 }, (_, i) => i * 10),
  );
  assert.deepEqual(events.sort(), ["close", "close", "open 0", "open 1"]);
});

test("DataGeneratorSource: count Infinity is unbounded; invalid arguments are rejected", () => {
  const source = new DataGeneratorSource((i) => i, Infinity);
  assert.equal(source.getBoundedness(), "CONTINUOUS_UNBOUNDED");
  const splits = source.createSplits(3);
  assert.equal(splits.length, 3);
  for (const s of splits) assert.ok(Number.isSafeInteger(s.end) && s.end - s.start > 1e15);
  const reader = source.createReader({
    subtaskIndex: 1,
    parallelism: 3,
    timers: new ManualTimerScheduler(),
  });
  reader.addSplits([splits[1]!]);
  reader.noMoreSplits();
  const out: number[] = [];
  for (let k = 0; k < 10; k++) assert.equal(reader.pollNext(collector(out)), "MORE_AVAILABLE");
  assert.equal(out.length, 2560);
  assert.equal(out[0], splits[1]!.start);
  assert.deepEqual(reader.snapshotState(1), [{ ...splits[1]!, next: splits[1]!.start + 2560 }]);

  assert.throws(() => new DataGeneratorSource((i) => i, -1), RangeError);
  assert.throws(() => new DataGeneratorSource((i) => i, 1.5), RangeError);
  assert.throws(() => new DataGeneratorSource((i) => i, NaN), RangeError);
  assert.throws(() => new DataGeneratorSource({} as never, 1), TypeError);
  assert.throws(() => RateLimiterStrategy.perSecond(0), RangeError);
  assert.throws(() => RateLimiterStrategy.perSecond(Infinity), RangeError);
  assert.throws(() => RateLimiterStrategy.perCheckpoint(0), RangeError);
});

test("DataGeneratorSource: restore from a snapshot continues without loss or duplicates", async () => {
  const source = new DataGeneratorSource((i) => i, 2500);
  const expected = Array.from({ length: 2500 }, (_, i) => i);
  for (const [p, q, polls] of [
    [1, 1, 1],
    [2, 3, 2],
    [3, 2, 3],
  ] as const) {
    assertExactlyOnce(await runWithRestore(source, p, q, polls), expected);
  }
  // Also with a rate limit: restored readers keep going at the limited rate.
  const limited = new DataGeneratorSource((i) => i, 300, RateLimiterStrategy.perSecond(2000));
  assertExactlyOnce(
    await runWithRestore(limited, 2, 2, 3),
    Array.from({ length: 300 }, (_, i) => i),
  );
});

test("RateLimiterStrategy.perSecond: each reader gets rate/parallelism, driven by the timers", async () => {
  const timers = new ManualTimerScheduler(5_000);
  const source = new DataGeneratorSource((i) => i, 100_000, RateLimiterStrategy.perSecond(1000));
  const readers = await startReaders(source, source.createSplits(2), 2, timers);
  const burst = 50; // min(500 / 10, 256)
  const waiting = new Set<number>();
  const pollReady = async (): Promise<void> => {
    await flush();
    readers.forEach((r, i) => {
      if (waiting.has(i)) return;
      for (;;) {
        const status = r.reader.pollNext(collector(r.out));
        assert.notEqual(status, "END_OF_INPUT");
        if (status === "NOTHING_AVAILABLE") {
          waiting.add(i);
          void r.reader.isAvailable().then(() => waiting.delete(i));
          return;
        }
      }
    });
    await flush();
  };
  await pollReady();
  for (const r of readers) assert.ok(r.out.length <= burst, "at most one burst at the start");
  // Polling again without time passing emits nothing more.
  const before = readers.map((r) => r.out.length);
  for (const r of readers) assert.equal(r.reader.pollNext(collector(r.out)), "NOTHING_AVAILABLE");
  assert.deepEqual(
    readers.map((r) => r.out.length),
    before,
  );
  // The next burst is only allowed after time passes: isAvailable waits for the timers.
  assert.equal(waiting.size, 2);
  for (let t = 1; t <= 1000; t++) {
    timers.advanceTo(5_000 + t);
    await pollReady();
    for (const r of readers) {
      assert.ok(r.out.length <= (t * 500) / 1000 + burst, `not ahead of the rate at ${t} ms`);
    }
  }
  for (const r of readers) {
    assert.ok(
      r.out.length >= 500 - burst && r.out.length <= 500 + burst,
      `~500 after 1 s, got ${r.out.length}`,
    );
  }
  // A big jump in time (e.g. after backpressure) does not release more than one burst.
  const atOneSecond = readers.map((r) => r.out.length);
  timers.advanceBy(10_000);
  await pollReady();
  readers.forEach((r, i) => assert.ok(r.out.length - atOneSecond[i]! <= burst));
  for (const r of readers) await r.reader.close?.();
});

test("RateLimiterStrategy.perSecond: slow rates emit one record at a time", async () => {
  const timers = new ManualTimerScheduler();
  const source = new DataGeneratorSource((i) => i, 10, RateLimiterStrategy.perSecond(4));
  const [r] = await startReaders(source, source.createSplits(1), 1, timers);
  const emittedAt: number[] = [];
  const out = { collect: () => void emittedAt.push(timers.now()) };
  let waiting = false;
  for (let t = 0; t <= 2000; t += 50) {
    timers.advanceTo(t);
    await flush();
    while (!waiting) {
      const status = r!.reader.pollNext(out);
      if (status !== "MORE_AVAILABLE") {
        waiting = true;
        void r!.reader.isAvailable().then(() => (waiting = false));
      }
    }
    await flush();
  }
  assert.deepEqual(emittedAt, [0, 250, 500, 750, 1000, 1250, 1500, 1750, 2000]);
});

test("RateLimiterStrategy: a rate-limited bounded source ends; perCheckpoint and noOp do not throttle", async () => {
  const limited = new DataGeneratorSource((i) => i, 777, RateLimiterStrategy.perSecond(5000));
  for (const p of [1, 2, 3])
    assertExactlyOnce(
      await runSource(limited, p),
      Array.from({ length: 777 }, (_, i) => i),
    );
  for (const strategy of [RateLimiterStrategy.perCheckpoint(10), RateLimiterStrategy.noOp()]) {
    const source = new DataGeneratorSource((i) => i, 1000, strategy);
    const reader = source.createReader({
      subtaskIndex: 0,
      parallelism: 1,
      timers: new ManualTimerScheduler(),
    });
    reader.addSplits(source.createSplits(1));
    reader.noMoreSplits();
    const out: number[] = [];
    let status: InputStatus;
    let polls = 0;
    do {
      status = reader.pollNext(collector(out));
      polls++;
    } while (status === "MORE_AVAILABLE");
    assert.equal(status, "END_OF_INPUT");
    assert.equal(out.length, 1000);
    assert.equal(polls, 4, "256 per poll without waiting");
  }
  assert.equal(RateLimiterStrategy.perCheckpoint(10).recordsPerCheckpoint, 10);
});

// ---------------------------------------------------------------------------------------------
// TextFileSource

test("TextFileSource: CRLF, no trailing newline, final newline, empty lines, empty file", async () => {
  assert.deepEqual(await readBack("a\r\nb\r\n\r\nc"), ["a", "b", "", "c"]);
  assert.deepEqual(await readBack("one\ntwo"), ["one", "two"]);
  assert.deepEqual(await readBack("one\ntwo\n"), ["one", "two"]);
  assert.deepEqual(await readBack("one\n\n"), ["one", ""]);
  assert.deepEqual(await readBack("\n"), [""]);
  assert.deepEqual(await readBack(""), []);
  assert.deepEqual(await readBack("x"), ["x"]);
  assert.deepEqual(await readBack("tail\r"), ["tail"]);
  assert.deepEqual(await readBack("é日本😀\n"), ["é日本😀"]);
});

test("TextFileSource: multi-byte characters and CRLF across the 64 KiB chunk boundary", async () => {
  assert.equal(TEXT_FILE_CHUNK_SIZE, 65536);
  for (const ch of ["é", "日本", "😀"]) {
    const bytes = Buffer.byteLength(ch);
    for (let shift = 1; shift <= 4; shift++) {
      // The character starts `shift` bytes before the boundary, so it spans it when shift < bytes.
      for (const [prefix, suffix] of [
        ["", "\n"],
        ["", ""],
        ["first line\n", "\r\nnext\n"],
      ]) {
        const fill = "x".repeat(TEXT_FILE_CHUNK_SIZE - shift - Buffer.byteLength(prefix!));
        const content = `${prefix}${fill}${ch}${ch}${suffix}tail ${ch}`;
        const got = await readBack(content);
        assert.deepEqual(got, expectedLines(content), `${ch} shifted by ${shift} (${bytes} bytes)`);
      }
    }
  }
  // "\r" as the last byte of a chunk and "\n" as the first of the next.
  const crlf = `${"y".repeat(TEXT_FILE_CHUNK_SIZE - 1)}\r\nafter\r\n`;
  assert.deepEqual(await readBack(crlf), ["y".repeat(TEXT_FILE_CHUNK_SIZE - 1), "after"]);
  // A newline exactly at the end of a chunk, and lines much longer than a chunk.
  const exact = `${"z".repeat(TEXT_FILE_CHUNK_SIZE - 1)}\n${"日".repeat(100_000)}\nend`;
  assert.deepEqual(await readBack(exact), expectedLines(exact));
});

test("TextFileSource: reads in chunks of at most 64 KiB, never the whole file", async () => {
  const content = Array.from(
    { length: 40_000 },
    (_, i) => `line ${i} ${"日本".repeat(i % 7)}`,
  ).join("\n");
  const sizes: number[] = [];
  const original = fsModule.readSync;
  const spy = mock.method(fsModule, "readSync", (...args: unknown[]) => {
    sizes.push(args[3] as number);
    return (original as (...a: unknown[]) => number)(...args);
  });
  const readFile = mock.method(fsModule, "readFileSync");
  syncBuiltinESMExports();
  try {
    assert.deepEqual(await readBack(content), expectedLines(content));
  } finally {
    spy.mock.restore();
    readFile.mock.restore();
    syncBuiltinESMExports();
  }
  assert.ok(Buffer.byteLength(content) > 4 * TEXT_FILE_CHUNK_SIZE);
  assert.ok(sizes.length > 4, `read in several chunks (${sizes.length} reads)`);
  for (const n of sizes) assert.ok(n <= TEXT_FILE_CHUNK_SIZE);
  assert.equal(readFile.mock.callCount(), 0);
});

test("TextFileSource: random content matches a reference line split", async () => {
  const rnd = rng(42);
  const alphabet = ["a", "b", " ", "é", "ß", "日", "本", "😀", "🎉", "\r", "\t"];
  const lines: string[] = [];
  let size = 0;
  while (size < 5 * TEXT_FILE_CHUNK_SIZE) {
    const kind = rnd();
    const len = kind < 0.05 ? Math.floor(rnd() * 100_000) : Math.floor(rnd() * 80);
    let line = "";
    for (let i = 0; i < len; i++) line += alphabet[Math.floor(rnd() * alphabet.length)];
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  const content = lines.join(rnd() < 0.5 ? "\n" : "\r\n");
  assert.deepEqual(await readBack(content), expectedLines(content));
  assert.deepEqual(await readBack(content + "\n"), expectedLines(content + "\n"));
});

test("TextFileSource: a directory reads its visible regular files in sorted order", async () => {
  const dir = tmpDir();
  try {
    fs.writeFileSync(path.join(dir, "b.txt"), "b1\nb2\n");
    fs.writeFileSync(path.join(dir, "a.txt"), "a1\na2");
    fs.writeFileSync(path.join(dir, "c.txt"), "");
    fs.writeFileSync(
      path.join(dir, "d.txt"),
      Array.from({ length: 700 }, (_, i) => `d${i}`).join("\n"),
    );
    fs.writeFileSync(path.join(dir, ".hidden"), "hidden\n");
    fs.writeFileSync(path.join(dir, "_SUCCESS"), "marker\n");
    fs.mkdirSync(path.join(dir, "sub"));
    fs.writeFileSync(path.join(dir, "sub", "nested.txt"), "nested\n");
    const source = new TextFileSource(dir);
    assert.equal(source.getBoundedness(), "BOUNDED");
    const splits = source.createSplits(2);
    assert.deepEqual(
      splits.map((s) => path.basename(s.path)),
      ["a.txt", "b.txt", "c.txt", "d.txt"],
    );
    for (const s of splits) assert.equal(s.offset, 0);
    const expected = ["a1", "a2", "b1", "b2", ...Array.from({ length: 700 }, (_, i) => `d${i}`)];
    for (const p of [1, 2, 3]) assertExactlyOnce(await runSource(source, p), expected);
    assert.deepEqual((await runSource(source, 1))[0], expected, "file order, then line order");
    // A single file path.
    assert.deepEqual(new TextFileSource(path.join(dir, "a.txt")).createSplits(3), [
      { path: path.join(dir, "a.txt"), offset: 0 },
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("TextFileSource: a missing path is an error naming the path", () => {
  const missing = path.join(os.tmpdir(), "strom-no-such-dir-" + process.pid, "nothing.txt");
  assert.throws(
    () => new TextFileSource(missing).createSplits(1),
    (e: unknown) => e instanceof Error && e.message.includes(missing),
  );
});

test("TextFileSource: restore from a snapshot resumes mid-file by byte offset", async () => {
  const dir = tmpDir();
  try {
    const linesA = Array.from({ length: 1500 }, (_, i) => `α-${i} 日本 😀`);
    const linesB = Array.from({ length: 900 }, (_, i) => `b${i}\r`);
    fs.writeFileSync(path.join(dir, "a.txt"), linesA.join("\n"));
    fs.writeFileSync(path.join(dir, "b.txt"), linesB.join("\n") + "\n");
    const expected = [...linesA, ...linesB.map((l) => l.slice(0, -1))];
    const source = new TextFileSource(dir);
    for (const [p, q, polls] of [
      [1, 1, 1],
      [1, 2, 3],
      [2, 1, 2],
      [2, 3, 5],
      [3, 2, 0],
    ] as const) {
      assertExactlyOnce(await runWithRestore(source, p, q, polls), expected);
    }
    // The snapshot offset is the byte offset of the next unread line.
    const reader = source.createReader({
      subtaskIndex: 0,
      parallelism: 1,
      timers: new ManualTimerScheduler(),
    });
    reader.addSplits(source.createSplits(1));
    reader.noMoreSplits();
    const out: string[] = [];
    assert.equal(reader.pollNext(collector(out)), "MORE_AVAILABLE");
    const offset = Buffer.byteLength(out.map((l) => l + "\n").join(""));
    assert.deepEqual(reader.snapshotState(7), [
      { path: path.join(dir, "a.txt"), offset },
      { path: path.join(dir, "b.txt"), offset: 0 },
    ]);
    await reader.close?.();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
