/**
 * Single-thread reproduction of what the keyed reduce sees at parallelism 2: records made in this
 * thread (by the generator) mixed with records decoded from the binary channel format, folded
 * into running sums per key (the sums leave the small-integer range, so V8 generalizes the
 * records' `value` field from Smi to double while the decoder is already hot).
 *
 *   ./node_modules/.bin/node bench/tools/deserialize-reduce.ts
 *
 * For each mode (`local`: generator objects only; `decoded`: every record through
 * DataOutputView/DataInputView; `mixed`: every other record decoded) it runs a child process with
 * `--trace-deopt` and prints records/s and the number of deoptimizations ("wrong map" ones are
 * map checks failing, e.g. on objects whose hidden class V8 has deprecated). Compare before and
 * after a change to the codec (src/core/serialization.ts).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { DataInputView, DataOutputView } from "../../src/core/serialization.ts";
import { genRecord, keyRecord, sumRecords, type Rec } from "../jobs/workload.ts";

const N = Number(process.env["BENCH_N"] ?? 10_000_000);
const BATCH = 4096;

function run(mode: string): void {
  const out = new DataOutputView(64 * 1024);
  const inp = new DataInputView();
  const state = new Map<number, Rec>();
  let checksum = 0;
  const reduce = (r: Rec): void => {
    const k = keyRecord(r);
    const prev = state.get(k);
    const next = prev === undefined ? r : sumRecords(prev, r);
    state.set(k, next);
    checksum = (checksum + next.value) | 0;
  };
  const t0 = performance.now();
  const local: Rec[] = [];
  for (let base = 0; base < N; base += BATCH) {
    local.length = 0;
    out.reset();
    let encoded = 0;
    for (let i = base; i < base + BATCH; i++) {
      const r = genRecord(i);
      if (mode === "local" || (mode === "mixed" && (i & 1) === 1)) local.push(r);
      else {
        out.writeValue(r);
        encoded++;
      }
    }
    for (let j = 0; j < local.length; j++) reduce(local[j]!);
    inp.setBuffer(out.toUint8Array());
    for (let j = 0; j < encoded; j++) reduce(inp.readValue() as Rec);
  }
  const ms = performance.now() - t0;
  console.log(`RESULT ${mode} ${(N / ms / 1000).toFixed(2)} ${checksum}`);
}

if (process.argv[2] === "--run") {
  run(process.argv[3]!);
} else {
  console.log(`keyed running sum over ${N.toLocaleString("en-US")} records, one thread`);
  console.log(`mode       M rec/s   deopts  (wrong map)`);
  for (const mode of ["local", "decoded", "mixed"]) {
    const r = spawnSync(
      process.execPath,
      ["--trace-deopt", fileURLToPath(import.meta.url), "--run", mode],
      { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 },
    );
    const text = r.stdout + r.stderr;
    const result = /RESULT \S+ ([\d.]+)/.exec(text);
    const deopts = text.match(/\[bailout \(kind: deopt/g)?.length ?? 0;
    const wrongMap = text.match(/\[bailout \(kind: deopt[^\n]*reason: wrong map/g)?.length ?? 0;
    console.log(
      `${mode.padEnd(9)} ${(result?.[1] ?? "failed").padStart(8)} ${String(deopts).padStart(8)}  (${wrongMap})`,
    );
  }
}
