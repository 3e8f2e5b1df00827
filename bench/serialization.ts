/**
 * Benchmark of the cross-thread record format: encodes and decodes 1M records in 32 KiB
 * buffers with {@link DataOutputView}/{@link DataInputView}, and the same batches with
 * JSON.stringify/JSON.parse as the baseline. Run: `./node_modules/.bin/node bench/serialization.ts`.
 */
import { DataInputView, DataOutputView } from "../src/core/serialization.ts";

const RECORDS = Number(process.env["RECORDS"] ?? 1_000_000);
const BUFFER_SIZE = 32 * 1024;
const ROUNDS = Number(process.env["ROUNDS"] ?? 5);

/** Builds the input records once (not measured). */
function makeObjects(n: number): object[] {
  const out: object[] = [];
  const letters = "abcdefghijklmnopqrstuvwxyz";
  const base = Date.UTC(2025, 0, 1);
  for (let i = 0; i < n; i++) {
    let name = "";
    for (let j = 0; j < 10; j++) name += letters[(i * 7 + j * 13) % 26];
    out.push({
      id: i,
      name,
      price: Math.round((i % 10000) * 1.37 * 100) / 100 + 0.01,
      ts: base + i * 17,
    });
  }
  return out;
}

function makeTuples(n: number): unknown[] {
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push([i, (i * 31) % 100000]);
  return out;
}

interface Result {
  readonly encodeMs: number;
  readonly decodeMs: number;
  readonly bytes: number;
}

/** Encodes all records into 32 KiB buffers, then decodes every buffer. */
function runCodec(records: readonly unknown[]): Result {
  const out = new DataOutputView(BUFFER_SIZE);
  const buffers: Uint8Array[] = [];
  const counts: number[] = [];
  let bytes = 0;
  let t0 = performance.now();
  let count = 0;
  for (let i = 0; i < records.length; i++) {
    out.writeValue(records[i]);
    count++;
    if (out.position >= BUFFER_SIZE - 64) {
      const b = out.toUint8Array();
      bytes += b.length;
      buffers.push(b);
      counts.push(count);
      out.reset();
      count = 0;
    }
  }
  if (count > 0) {
    const b = out.toUint8Array();
    bytes += b.length;
    buffers.push(b);
    counts.push(count);
  }
  const encodeMs = performance.now() - t0;
  const input = new DataInputView();
  let checksum = 0;
  t0 = performance.now();
  for (let i = 0; i < buffers.length; i++) {
    input.setBuffer(buffers[i]!);
    for (let j = counts[i]!; j > 0; j--) {
      const v = input.readValue();
      if (v !== null) checksum++;
    }
  }
  const decodeMs = performance.now() - t0;
  if (checksum !== records.length) throw new Error("decoded record count mismatch");
  return { encodeMs, decodeMs, bytes };
}

/** The same batches as JSON: one JSON.stringify per batch of records and one JSON.parse. */
function runJson(records: readonly unknown[], batchSizes: readonly number[]): Result {
  const batches: unknown[][] = [];
  let at = 0;
  for (const n of batchSizes) {
    batches.push(records.slice(at, at + n));
    at += n;
  }
  const strings: string[] = [];
  let t0 = performance.now();
  for (const batch of batches) strings.push(JSON.stringify(batch));
  const encodeMs = performance.now() - t0;
  let checksum = 0;
  t0 = performance.now();
  for (const s of strings) checksum += (JSON.parse(s) as unknown[]).length;
  const decodeMs = performance.now() - t0;
  if (checksum !== records.length) throw new Error("JSON record count mismatch");
  let bytes = 0;
  for (const s of strings) bytes += Buffer.byteLength(s);
  return { encodeMs, decodeMs, bytes };
}

function batchSizesOf(records: readonly unknown[]): number[] {
  const out = new DataOutputView(BUFFER_SIZE);
  const sizes: number[] = [];
  let count = 0;
  for (const r of records) {
    out.writeValue(r);
    count++;
    if (out.position >= BUFFER_SIZE - 64) {
      sizes.push(count);
      out.reset();
      count = 0;
    }
  }
  if (count > 0) sizes.push(count);
  return sizes;
}

function best(results: Result[]): Result {
  return {
    encodeMs: Math.min(...results.map((r) => r.encodeMs)),
    decodeMs: Math.min(...results.map((r) => r.decodeMs)),
    bytes: results[0]!.bytes,
  };
}

function rate(n: number, ms: number): string {
  return `${(((n / ms) * 1000) / 1e6).toFixed(2)}M rec/s`.padStart(14);
}

function report(label: string, records: readonly unknown[]): void {
  const sizes = batchSizesOf(records);
  const codecRuns: Result[] = [];
  const jsonRuns: Result[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    codecRuns.push(runCodec(records));
    jsonRuns.push(runJson(records, sizes));
  }
  const c = best(codecRuns);
  const j = best(jsonRuns);
  const n = records.length;
  console.log(`\n${label}: ${n} records, ${sizes.length} buffers of <= 32 KiB (best of ${ROUNDS})`);
  console.log(
    `            ${"encode".padStart(14)} ${"decode".padStart(14)} ${"round trip".padStart(14)}   bytes/record`,
  );
  const line = (name: string, x: Result) =>
    console.log(
      `${name.padEnd(10)}  ${rate(n, x.encodeMs)} ${rate(n, x.decodeMs)} ${rate(n, x.encodeMs + x.decodeMs)}   ${(x.bytes / n).toFixed(1)}`,
    );
  line("strom", c);
  line("JSON", j);
  console.log(
    `ratio       ${(j.encodeMs / c.encodeMs).toFixed(2).padStart(13)}x ${(j.decodeMs / c.decodeMs).toFixed(2).padStart(13)}x ${((j.encodeMs + j.decodeMs) / (c.encodeMs + c.decodeMs)).toFixed(2).padStart(13)}x`,
  );
}

report("objects {id, name, price, ts}", makeObjects(RECORDS));
report("tuples [int, int]", makeTuples(RECORDS));
