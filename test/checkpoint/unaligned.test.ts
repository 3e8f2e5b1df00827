/** The in-flight recorder and the channel state file of unaligned checkpoints. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { TypeRegistry } from "../../src/core/serialization.ts";
import { CheckpointBarrier, WatermarkEvent } from "../../src/runtime/events.ts";
import {
  decodeInto,
  InputChannel,
  peekBarrier,
  RemoteChannelWriter,
} from "../../src/runtime/network/channels.ts";
import {
  decodeChannelState,
  encodeChannelState,
  InFlightRecorder,
  toBatches,
} from "../../src/runtime/checkpoint/unaligned.ts";

function batch(values: unknown[]): { values: unknown[]; timestamps: Float64Array; count: number } {
  return {
    values,
    timestamps: Float64Array.from(values.map((_, i) => i)),
    count: values.length,
  };
}

test("the recorder copies records (not events) of open channels until their barrier", () => {
  const a = new InputChannel(0, 1, 10, false, undefined);
  const b = new InputChannel(1, 1, 11, false, undefined);
  const rec = new InFlightRecorder(7, [a, b]);
  assert.ok(rec.records(a) && rec.records(b));
  rec.add(a, batch([1, new WatermarkEvent(5), 2]));
  rec.close(a);
  assert.equal(rec.records(a), false);
  assert.equal(rec.done, false);
  rec.add(b, batch(["x"]));
  rec.close(b);
  assert.equal(rec.done, true);
  assert.deepEqual(
    rec.result().map((g) => [g.gate, g.values, g.timestamps]),
    [
      [0, [1, 2], [0, 2]],
      [1, ["x"], [0]],
    ],
  );
});

test("channel state files round-trip; a damaged one is an error naming the file", () => {
  const registry = new TypeRegistry();
  const gates = [{ gate: 1, values: [{ a: 1 }, "b", 3n], timestamps: [1, 2, -Infinity] }];
  const bytes = encodeChannelState(gates, registry);
  assert.deepEqual(decodeChannelState("/x/ch.state", bytes, registry), gates);
  const bad = bytes.slice(0, bytes.length - 2);
  assert.throws(() => decodeChannelState("/x/ch.state", bad, registry), /\/x\/ch\.state.*checksum/);
  assert.throws(
    () => decodeChannelState("/x/ch.state", new Uint8Array(4), registry),
    /\/x\/ch\.state.*magic/,
  );
  const batches = toBatches({ gate: 0, values: [1, 2, 3, 4, 5], timestamps: [1, 2, 3, 4, 5] }, 2);
  assert.deepEqual(
    batches.map((b) => [b.values, [...b.timestamps], b.count]),
    [
      [[1, 2], [1, 2], 2],
      [[3, 4], [3, 4], 2],
      [[5], [5], 1],
    ],
  );
});

test("a barrier is seen at the end of a local batch", () => {
  const b = new CheckpointBarrier(3, 100, false);
  assert.equal(peekBarrier(batch([1, b])), b);
  assert.equal(peekBarrier(batch([1, 2])), null);
  assert.equal(peekBarrier(new Uint8Array([1, 2, 3])), null);
});

test("an unaligned barrier overtakes the buffers a remote sender holds for lack of credit", () => {
  const registry = new TypeRegistry();
  const sent: Uint8Array[] = [];
  const transport = {
    sendBuffer: (_slot: number, _ch: number, bytes: Uint8Array) => void sent.push(bytes),
    sendCredit: () => {},
    setHandlers: () => {},
  };
  const w = new RemoteChannelWriter(transport, 1, 5, 1, 100, registry, "in a test");
  w.write("a", 1);
  w.flush(); // takes the only credit
  w.write("b", 2);
  w.flush(); // waits for credit
  w.write("c", 3);
  w.flush();
  assert.equal(sent.length, 1);
  assert.equal(w.isAvailable(), false);
  w.writeEvent(new CheckpointBarrier(4, 50, false, true));
  assert.equal(sent.length, 2, "the barrier went ahead");
  const barrier = peekBarrier(sent[1]!)!;
  assert.deepEqual(
    [barrier.checkpointId, barrier.timestamp, barrier.unaligned, barrier.overtaken],
    [4, 50, true, 2],
  );
  // Credit for "a" and for the barrier lets the overtaken buffers follow, in order.
  w.addCredit(2);
  assert.equal(sent.length, 3);
  w.addCredit(1);
  assert.equal(sent.length, 4);
  const ch = new InputChannel(0, 1, 5, true, registry);
  const decoded = { values: new Array<unknown>(8), timestamps: new Float64Array(8), count: 0 };
  const rec = new InFlightRecorder(4, [ch]);
  const got: unknown[] = [];
  for (const bytes of sent) {
    const tail = rec.inTail(ch);
    ch.reader!.setBuffer(bytes);
    decodeInto(ch.reader!, decoded, 8);
    if (rec.records(ch)) rec.add(ch, decoded);
    for (let i = 0; i < decoded.count; i++) {
      const v = decoded.values[i];
      if (v instanceof CheckpointBarrier) rec.close(ch, v.overtaken);
      else got.push(v);
    }
    if (tail) rec.bufferDone(ch);
  }
  assert.deepEqual(got, ["a", "b", "c"]);
  assert.equal(rec.done, true);
  assert.deepEqual(rec.result()[0]!.values, ["a", "b", "c"]);
});

test("an aligned barrier keeps its place behind the queued buffers", () => {
  const sent: Uint8Array[] = [];
  const transport = {
    sendBuffer: (_slot: number, _ch: number, bytes: Uint8Array) => void sent.push(bytes),
    sendCredit: () => {},
    setHandlers: () => {},
  };
  const w = new RemoteChannelWriter(transport, 1, 5, 1, 100, new TypeRegistry(), "in a test");
  w.write("a", 1);
  w.flush();
  w.write("b", 2);
  w.flush();
  w.writeEvent(new CheckpointBarrier(4, 50, true));
  assert.equal(sent.length, 1);
  w.addCredit(2);
  assert.equal(sent.length, 3);
  const barrier = peekBarrier(sent[2]!)!;
  assert.deepEqual([barrier.savepoint, barrier.unaligned, barrier.overtaken], [true, false, 0]);
});
