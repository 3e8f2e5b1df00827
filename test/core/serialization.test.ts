import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DataInputView,
  DataOutputView,
  MAX_STRUCTURES,
  SerializationError,
  TypeRegistry,
} from "../../src/core/serialization.ts";

function roundTrip(value: unknown, registry?: TypeRegistry): unknown {
  const out = new DataOutputView(16, registry);
  out.writeValue(value);
  const input = new DataInputView(out.toUint8Array(), registry);
  const result = input.readValue();
  assert.equal(input.available(), 0, "the whole value was consumed");
  return result;
}

function expectError(value: unknown, message: string, path: string, registry?: TypeRegistry): void {
  const out = new DataOutputView(64, registry);
  assert.throws(
    () => out.writeValue(value),
    (e: unknown) => {
      assert.ok(e instanceof SerializationError, `expected a SerializationError, got ${String(e)}`);
      assert.equal(e.message, message);
      assert.equal(e.path, path);
      return true;
    },
  );
  assert.equal(out.position, 0);
  assert.equal(out.getStructureCount(), 0);
}

test("primitives round trip", () => {
  for (const v of [undefined, null, true, false, "", "a", "hello world"])
    assert.equal(roundTrip(v), v);
});

test("edge numbers round trip exactly", () => {
  const numbers = [
    0,
    -0,
    1,
    -1,
    15,
    -16,
    -17,
    127,
    128,
    -128,
    -129,
    255,
    256,
    32767,
    32768,
    -32768,
    -32769,
    65535,
    2 ** 31 - 1,
    2 ** 31,
    -(2 ** 31),
    -(2 ** 31) - 1,
    2 ** 32,
    2 ** 53,
    -(2 ** 53),
    2 ** 53 + 2,
    1.5,
    -1.5,
    0.1,
    Math.PI,
    1e-300,
    Number.MIN_VALUE,
    Number.MAX_VALUE,
    Number.EPSILON,
    NaN,
    Infinity,
    -Infinity,
    Date.UTC(2025, 0, 1),
  ];
  for (const n of numbers)
    assert.ok(Object.is(roundTrip(n), n), `number ${n} (${Object.is(n, -0) ? "-0" : ""})`);
});

test("small integers are compact", () => {
  const sizes: [number, number][] = [
    [0, 1],
    [127, 1],
    [-1, 1],
    [-16, 1],
    [-17, 2],
    [128, 3],
    [-129, 3],
    [40000, 5],
    [-(2 ** 31), 5],
    [2 ** 31, 9],
    [-0, 9],
    [1.5, 9],
  ];
  for (const [n, size] of sizes) {
    const out = new DataOutputView();
    out.writeValue(n);
    assert.equal(out.position, size, `size of ${n}`);
  }
});

test("bigints of any size keep their sign", () => {
  const values = [
    0n,
    1n,
    -1n,
    2n ** 32n,
    -(2n ** 32n),
    2n ** 64n - 1n,
    -(2n ** 63n),
    12345678901234567890123456789012345678901234567890n,
    -(7n ** 200n),
  ];
  for (const v of values) assert.equal(roundTrip(v), v);
});

test("unicode strings round trip", () => {
  const strings = [
    "héllo",
    "東京都渋谷区",
    "emoji 😀🎉👨‍👩‍👧",
    "mixed ascii then ü",
    "a".repeat(31),
    "b".repeat(32),
    "c".repeat(40),
    "d".repeat(41),
    "e".repeat(100),
    "x".repeat(100_000),
    "ü".repeat(70_000),
    "\u0000\u007f",
    "lone \ud800 surrogate",
    "\udc00",
    "😀".slice(0, 1),
  ];
  for (const s of strings) assert.equal(roundTrip(s), s);
});

test("binary data, dates, maps, sets and arrays round trip", () => {
  const bytes = new Uint8Array([0, 1, 2, 255]);
  const back = roundTrip(bytes) as Uint8Array;
  assert.ok(back instanceof Uint8Array);
  assert.deepEqual([...back], [0, 1, 2, 255]);
  const buf = roundTrip(Buffer.from("hi")) as Uint8Array;
  assert.equal(Object.getPrototypeOf(buf), Uint8Array.prototype);
  assert.deepEqual([...buf], [104, 105]);

  const d = roundTrip(new Date(1700000000123)) as Date;
  assert.ok(d instanceof Date);
  assert.equal(d.getTime(), 1700000000123);
  assert.ok(Number.isNaN((roundTrip(new Date(NaN)) as Date).getTime()));

  const m = new Map<unknown, unknown>([
    ["a", 1],
    [2, { x: [1, 2] }],
    [null, new Set([1, "two"])],
  ]);
  assert.deepEqual(roundTrip(m), m);
  assert.deepEqual(roundTrip(new Set([1, "a", 3n])), new Set([1, "a", 3n]));

  assert.deepEqual(roundTrip([]), []);
  assert.deepEqual(roundTrip([1, "a", null, undefined, [2, [3]]]), [
    1,
    "a",
    null,
    undefined,
    [2, [3]],
  ]);
  const long = Array.from({ length: 1000 }, (_, i) => i * 3);
  assert.deepEqual(roundTrip(long), long);
  // eslint-disable-next-line no-sparse-arrays
  const holes = [1, , 3];
  const holesBack = roundTrip(holes) as unknown[];
  assert.equal(holesBack.length, 3);
  assert.ok(1 in holesBack);
  assert.equal(holesBack[1], undefined);
});

test("plain objects, null-prototype objects and nested structures round trip", () => {
  const nested = {
    id: 7,
    name: "widget",
    tags: ["a", "b"],
    dims: { w: 1.5, h: 2, unit: "cm" },
    owner: { name: "Ann", address: { city: "Zürich", zip: "8000" } },
    history: [
      { at: new Date(5), v: 1n },
      { at: new Date(6), v: -2n },
    ],
    empty: {},
    "key with spaces": true,
    "": "empty key",
    42: "numeric key",
  };
  assert.deepEqual(roundTrip(nested), nested);

  const bare = Object.create(null) as Record<string, unknown>;
  bare["a"] = 1;
  bare["b"] = { c: 2 };
  const bareBack = roundTrip(bare) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(bareBack), null);
  assert.deepEqual({ ...bareBack }, { a: 1, b: { c: 2 } });

  const proto = JSON.parse('{"__proto__": {"x": 1}, "y": 2}') as Record<string, unknown>;
  const protoBack = roundTrip(proto) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(protoBack), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(protoBack, "__proto__")?.value, { x: 1 });
  assert.equal(protoBack["y"], 2);
});

test("many records share structures in one buffer", () => {
  const out = new DataOutputView(64);
  const records = Array.from({ length: 5000 }, (_, i) => ({
    id: i,
    name: `n${i}`,
    price: i * 0.25,
    ts: 1700000000000 + i,
  }));
  for (const r of records) out.writeValue(r);
  assert.equal(out.getStructureCount(), 1);
  const input = new DataInputView(out.toUint8Array());
  for (const r of records) assert.deepEqual(input.readValue(), r);
  assert.equal(input.available(), 0);
  assert.equal(input.getStructureCount(), 1);
  // The definition is written once: later records cost only the id plus the values.
  const single = new DataOutputView();
  single.writeValue(records[0]);
  const first = single.position;
  single.writeValue(records[0]);
  assert.ok(single.position - first < first - 10);
});

test("structures persist across buffers with reset and setBuffer", () => {
  const out = new DataOutputView();
  const input = new DataInputView();
  const shapes = (i: number): unknown =>
    i % 3 === 0 ? { a: i, b: [i] } : i % 3 === 1 ? { x: { y: i }, z: "s" } : [{ a: i, b: null }];
  for (let round = 0; round < 5; round++) {
    out.reset();
    for (let i = 0; i < 30; i++) out.writeValue(shapes(round * 30 + i));
    out.writeUint32(0xdeadbeef);
    out.writeFloat64(-2.5);
    out.writeUint8(9);
    const bytes = out.toUint8Array();
    input.setBuffer(bytes);
    for (let i = 0; i < 30; i++) assert.deepEqual(input.readValue(), shapes(round * 30 + i));
    assert.equal(input.readUint32(), 0xdeadbeef);
    assert.equal(input.readFloat64(), -2.5);
    assert.equal(input.readUint8(), 9);
    assert.equal(input.available(), 0);
  }
  assert.equal(out.getStructureCount(), 3);
  assert.equal(input.getStructureCount(), 3);
});

test("toUint8Array returns a transferable copy", () => {
  const out = new DataOutputView(16);
  out.writeValue("abc");
  const bytes = out.toUint8Array();
  assert.equal(bytes.byteOffset, 0);
  assert.equal(bytes.buffer.byteLength, bytes.length);
  out.reset();
  out.writeValue("xyz");
  assert.equal(new DataInputView(bytes).readValue(), "abc");
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(bytes, [bytes.buffer as ArrayBuffer]);
  assert.equal(bytes.length, 0);
  port1.close();
  port2.close();
});

test("reading works on a sub-view of a larger buffer", () => {
  const out = new DataOutputView();
  out.writeValue({ a: 1.25, s: "x" });
  const bytes = out.toUint8Array();
  const big = new Uint8Array(bytes.length + 10);
  big.set(bytes, 7);
  assert.deepEqual(new DataInputView(big.subarray(7, 7 + bytes.length)).readValue(), {
    a: 1.25,
    s: "x",
  });
});

class Trade {
  symbol: string;
  qty: number;
  constructor(symbol: string, qty: number) {
    this.symbol = symbol;
    this.qty = qty;
  }
  notional(price: number): number {
    return this.qty * price;
  }
}

class Quote {
  bid = 1;
  ask = 2;
  spread(): number {
    return this.ask - this.bid;
  }
}

test("registered class instances keep their prototype", () => {
  const registry = new TypeRegistry().register("Trade", Trade).register("Quote", Quote);
  const out = new DataOutputView(32, registry);
  const trades = [new Trade("ACME", 3), new Trade("XYZ", 5), new Trade("ACME", 7)];
  for (const t of trades) out.writeValue({ trade: t, quote: new Quote() });
  const input = new DataInputView(out.toUint8Array(), registry);
  for (const t of trades) {
    const r = input.readValue() as { trade: Trade; quote: Quote };
    assert.ok(r.trade instanceof Trade);
    assert.ok(r.quote instanceof Quote);
    assert.equal(r.trade.notional(2), t.qty * 2);
    assert.equal(r.quote.spread(), 1);
    assert.deepEqual(Object.keys(r.trade), ["symbol", "qty"]);
  }
  assert.equal(registry.get("Trade"), Trade);
  assert.equal(registry.nameOf(Quote), "Quote");
  assert.equal(TypeRegistry.from({ T: Trade }).nameOf(Trade), "T");
  assert.throws(() => registry.register("Trade", Quote), /already registered as 'Trade'/);
  assert.throws(() => registry.register("Other", Trade), /already registered as 'Trade'/);
});

test("the reader reports a class it does not know", () => {
  const registry = new TypeRegistry().register("Trade", Trade);
  const out = new DataOutputView(32, registry);
  out.writeValue(new Trade("A", 1));
  assert.throws(() => new DataInputView(out.toUint8Array()).readValue(), {
    name: "SerializationError",
    message: /cannot deserialize an instance of class 'Trade'/,
  });
});

test("errors name the exact path", () => {
  expectError(
    { handler: () => 1 },
    "cannot serialize a function at record.handler",
    "record.handler",
  );
  expectError(
    { tags: ["a", "b", Symbol("c")] },
    "cannot serialize a symbol at record.tags[2]",
    "record.tags[2]",
  );
  expectError(
    { trade: new Trade("A", 1) },
    "cannot serialize an instance of class Trade at record.trade: register it with env.registerType(Trade)",
    "record.trade",
  );
  expectError(
    { a: { "odd key": [1, { w: new WeakMap() }] } },
    'cannot serialize a WeakMap at record.a["odd key"][1].w',
    'record.a["odd key"][1].w',
  );
  expectError([Promise.resolve(1)], "cannot serialize a Promise at record[0]", "record[0]");
  expectError(
    { v: new Float64Array(2) },
    "cannot serialize a Float64Array at record.v: only Uint8Array and Buffer are supported as binary data",
    "record.v",
  );
  expectError(
    new Map<unknown, unknown>([["k", { f: Math.max }]]),
    'cannot serialize a function at record.get("k").f',
    'record.get("k").f',
  );
  expectError(
    new Set([1, Symbol.iterator]),
    "cannot serialize a symbol at record.<element 1>",
    "record.<element 1>",
  );
  const registry = new TypeRegistry().register("Trade", Trade);
  const t = new Trade("A", 1) as Trade & { cb?: unknown };
  t.cb = function named() {};
  expectError({ t }, "cannot serialize a function at record.t.cb", "record.t.cb", registry);
  expectError(() => 1, "cannot serialize a function at record", "record");
});

test("cycles are reported with both ends", () => {
  const record: { parent: { child?: unknown } } = { parent: {} };
  record.parent.child = record;
  expectError(
    record,
    "cannot serialize a cyclic structure: record.parent.child refers back to record",
    "record.parent.child",
  );
  const list: unknown[] = [1, { next: null as unknown }];
  (list[1] as { next: unknown }).next = list[1];
  expectError(
    list,
    "cannot serialize a cyclic structure: record[1].next refers back to record[1]",
    "record[1].next",
  );
  // A shared (non-cyclic) object is fine.
  const shared = { s: 1 };
  assert.deepEqual(roundTrip({ a: shared, b: shared }), { a: shared, b: shared });
});

test("too deep nesting without a cycle is reported", () => {
  let deep: unknown = 1;
  for (let i = 0; i < 250; i++) deep = [deep];
  const out = new DataOutputView();
  assert.throws(() => out.writeValue(deep), {
    name: "SerializationError",
    message: /^cannot serialize a value nested deeper than 200 levels at record\[0\]\[0\]/,
  });
  let ok: unknown = 1;
  for (let i = 0; i < 150; i++) ok = { v: ok };
  assert.deepEqual(roundTrip(ok), ok);
});

test("the writer keeps working after an error and the reader stays in sync", () => {
  const out = new DataOutputView(32);
  const input = new DataInputView();
  out.writeValue({ a: 1, b: "x" });
  out.writeValue({ a: 2, b: "y" });
  const before = out.position;
  // Fails after defining two new structures ({p, q} and {r}) and writing part of the record.
  assert.throws(
    () => out.writeValue({ p: { r: "long string ".repeat(20) }, q: [1, 2, () => 0] }),
    SerializationError,
  );
  assert.equal(out.position, before);
  assert.equal(out.getStructureCount(), 1);
  out.writeValue({ r: 5 });
  out.writeValue({ p: 1, q: 2 });
  out.writeValue({ a: 3, b: "z" });
  input.setBuffer(out.toUint8Array());
  assert.deepEqual(input.readValue(), { a: 1, b: "x" });
  assert.deepEqual(input.readValue(), { a: 2, b: "y" });
  assert.deepEqual(input.readValue(), { r: 5 });
  assert.deepEqual(input.readValue(), { p: 1, q: 2 });
  assert.deepEqual(input.readValue(), { a: 3, b: "z" });
  assert.equal(input.available(), 0);
  assert.equal(input.getStructureCount(), out.getStructureCount());

  // A getter that throws propagates its own error and also leaves the writer clean.
  const bad = {
    get boom(): number {
      throw new Error("boom");
    },
  };
  out.reset();
  assert.throws(() => out.writeValue({ x: 1, nested: bad }), /boom/);
  assert.equal(out.position, 0);
  out.writeValue({ a: 4, b: "w" });
  input.setBuffer(out.toUint8Array());
  assert.deepEqual(input.readValue(), { a: 4, b: "w" });
});

test("the structure table is capped; later shapes are written with inline keys", () => {
  const out = new DataOutputView();
  const input = new DataInputView();
  const n = MAX_STRUCTURES + 50;
  for (let i = 0; i < n; i++) out.writeValue({ [`k${i}`]: i });
  assert.equal(out.getStructureCount(), MAX_STRUCTURES);
  out.writeValue({ k1: "again" });
  out.writeValue({ [`k${n - 1}`]: "inline" });
  input.setBuffer(out.toUint8Array());
  for (let i = 0; i < n; i++) assert.deepEqual(input.readValue(), { [`k${i}`]: i });
  assert.deepEqual(input.readValue(), { k1: "again" });
  assert.deepEqual(input.readValue(), { [`k${n - 1}`]: "inline" });
  // Dictionary-like objects with many keys always go inline.
  const dict = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`key${i}`, i]));
  assert.deepEqual(roundTrip(dict), dict);
});

test("corrupt input is reported", () => {
  assert.throws(() => new DataInputView(new Uint8Array([0xd7])).readValue(), /unknown tag 0xd7/);
  assert.throws(() => new DataInputView(new Uint8Array([0xa3])).readValue(), /unknown structure 3/);
  assert.throws(
    () => new DataInputView(new Uint8Array([0x85, 65])).readValue(),
    /needed 5 more byte/,
  );
  assert.throws(() => new DataInputView(new Uint8Array([])).readValue(), SerializationError);
  assert.throws(
    () => new DataInputView(new Uint8Array([0xc7, 1, 2])).readValue(),
    SerializationError,
  );
});
