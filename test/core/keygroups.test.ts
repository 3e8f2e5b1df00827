import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_MAX_PARALLELISM,
  assignToKeyGroup,
  computeKeyGroupRange,
  hashKey,
  keyGroupRangeContains,
  keyToMapKey,
  murmurMix,
  operatorIndexForKeyGroup,
} from "../../src/core/keygroups.ts";

test("murmurMix has fixed outputs and is non-negative", () => {
  // Same values as a Murmur3 32-bit hash of one int with seed 0 (e.g. Guava's hashInt).
  assert.equal(murmurMix(0), 593689054);
  assert.equal(murmurMix(1), 68075478);
  assert.equal(murmurMix(42), 1134849565);
  assert.equal(murmurMix(-1), 1982413648);
  for (let i = -5000; i < 5000; i++) {
    const m = murmurMix(i * 7919);
    assert.ok(m >= 0 && m <= 0x7fffffff && Number.isInteger(m));
  }
});

test("hashKey is deterministic with fixed expected values", () => {
  assert.equal(hashKey(0), 0);
  assert.equal(hashKey(42), 42);
  assert.equal(hashKey(-1), -1);
  assert.equal(hashKey(2 ** 40), 256);
  assert.equal(hashKey(1.5), 1073217536);
  assert.equal(hashKey("hello"), 99162322); // same as Java's "hello".hashCode()
  assert.equal(hashKey("héllo😀"), 291564465);
  assert.equal(hashKey(true), 1231);
  assert.equal(hashKey(false), 1237);
  assert.equal(hashKey(null), 0);
  assert.equal(hashKey(12345678901234567890n), 605485306);
  assert.equal(hashKey(new Date(0)), 792550427);
  assert.equal(hashKey([1, "a"]), 1089);
  assert.equal(hashKey({ a: 1, b: "x" }), 9358493);
  assert.equal(assignToKeyGroup("hello", 128), 35);
  assert.equal(assignToKeyGroup(42, 128), 29);
  for (const k of [7, "abc", [1, [2, "x"]], { z: 1, a: { b: 2 } }, 99n, 3.25]) {
    assert.equal(hashKey(k), hashKey(structuredClone(k)));
  }
});

test("hashKey normalizes numbers", () => {
  assert.equal(hashKey(-0), hashKey(0));
  assert.equal(hashKey(NaN), hashKey(Number("not a number")));
  assert.equal(hashKey(5n), hashKey(5));
  assert.notEqual(hashKey(1.5), hashKey(2.5));
  assert.notEqual(hashKey(2 ** 53), hashKey(2 ** 53 + 2));
});

test("unsupported keys throw clear TypeErrors", () => {
  assert.throws(() => hashKey(undefined), {
    name: "TypeError",
    message: /key selector returned undefined/,
  });
  assert.throws(() => hashKey(() => 1), {
    name: "TypeError",
    message: /cannot use a function as a key/,
  });
  assert.throws(() => hashKey(Symbol("s")), {
    name: "TypeError",
    message: /cannot use a symbol as a key/,
  });
  assert.throws(() => hashKey([1, undefined]), { name: "TypeError", message: /undefined/ });
  class Trade {}
  assert.throws(() => hashKey(new Trade()), {
    name: "TypeError",
    message: /instance of class Trade/,
  });
  assert.throws(() => hashKey(new Map()), { name: "TypeError", message: /instance of class Map/ });
  const cyclic: unknown[] = [];
  cyclic.push(cyclic);
  assert.throws(() => hashKey(cyclic), { name: "TypeError", message: /nested deeper/ });
  assert.throws(() => keyToMapKey(undefined), {
    name: "TypeError",
    message: /key selector returned undefined/,
  });
  assert.throws(() => keyToMapKey({ f: () => 1 }), {
    name: "TypeError",
    message: /cannot use a function as a key/,
  });
  assert.throws(() => assignToKeyGroup(Symbol("x"), 128), TypeError);
});

test("10000 sequential int keys spread over 128 key groups", () => {
  const counts = new Array<number>(DEFAULT_MAX_PARALLELISM).fill(0);
  for (let i = 0; i < 10000; i++) counts[assignToKeyGroup(i, DEFAULT_MAX_PARALLELISM)]!++;
  for (const c of counts) assert.ok(c >= 40 && c <= 120, `group count ${c} out of 40..120`);
  const strCounts = new Array<number>(DEFAULT_MAX_PARALLELISM).fill(0);
  for (let i = 0; i < 10000; i++)
    strCounts[assignToKeyGroup(`user-${i}`, DEFAULT_MAX_PARALLELISM)]!++;
  for (const c of strCounts)
    assert.ok(c >= 40 && c <= 120, `string group count ${c} out of 40..120`);
});

test("key group ranges cover 0..maxP-1 exactly once and agree with operatorIndexForKeyGroup", () => {
  const maxP = 128;
  for (let p = 1; p <= 7; p++) {
    const seen = new Array<number>(maxP).fill(0);
    let expectedStart = 0;
    for (let i = 0; i < p; i++) {
      const range = computeKeyGroupRange(maxP, p, i);
      assert.equal(range.start, expectedStart);
      assert.ok(range.end >= range.start);
      expectedStart = range.end + 1;
      for (let kg = range.start; kg <= range.end; kg++) {
        seen[kg]!++;
        assert.equal(operatorIndexForKeyGroup(maxP, p, kg), i);
        assert.ok(keyGroupRangeContains(range, kg));
      }
      assert.ok(!keyGroupRangeContains(range, range.start - 1));
      assert.ok(!keyGroupRangeContains(range, range.end + 1));
    }
    assert.deepEqual(seen, new Array<number>(maxP).fill(1));
  }
  assert.deepEqual(computeKeyGroupRange(128, 3, 0), { start: 0, end: 42 });
  assert.deepEqual(computeKeyGroupRange(128, 3, 1), { start: 43, end: 85 });
  assert.deepEqual(computeKeyGroupRange(128, 3, 2), { start: 86, end: 127 });
  assert.deepEqual(computeKeyGroupRange(4, 4, 3), { start: 3, end: 3 });
});

test("arguments are validated with RangeErrors", () => {
  assert.throws(() => computeKeyGroupRange(128, 0, 0), {
    name: "RangeError",
    message: /parallelism must be an integer >= 1/,
  });
  assert.throws(() => computeKeyGroupRange(4, 5, 0), {
    name: "RangeError",
    message: /must not exceed maxParallelism/,
  });
  assert.throws(() => computeKeyGroupRange(0, 1, 0), {
    name: "RangeError",
    message: /maxParallelism/,
  });
  assert.throws(() => computeKeyGroupRange(32769, 1, 0), {
    name: "RangeError",
    message: /maxParallelism/,
  });
  assert.throws(() => computeKeyGroupRange(128, 2, 2), {
    name: "RangeError",
    message: /operatorIndex/,
  });
  assert.throws(() => operatorIndexForKeyGroup(128, 2, 128), {
    name: "RangeError",
    message: /keyGroup/,
  });
  assert.throws(() => assignToKeyGroup(1, 0), { name: "RangeError", message: /maxParallelism/ });
  assert.throws(() => assignToKeyGroup(1, 1.5), RangeError);
  assert.equal(assignToKeyGroup(1, 32768), murmurMix(1) % 32768);
});

test("composite keys compare by value", () => {
  assert.equal(hashKey([1, "a"]), hashKey([1, "a"]));
  assert.notEqual(hashKey([1, "a"]), hashKey([1, "b"]));
  assert.equal(keyToMapKey([1, "a"]), keyToMapKey([1, "a"]));
  assert.notEqual(keyToMapKey([1, "a"]), keyToMapKey([1, "b"]));
  assert.equal(hashKey({ a: 1, b: [2, 3] }), hashKey({ b: [2, 3], a: 1 }));
  assert.equal(keyToMapKey({ a: 1, b: [2, 3] }), keyToMapKey({ b: [2, 3], a: 1 }));
  assert.notEqual(keyToMapKey({ a: 1 }), keyToMapKey({ a: "1" }));
  assert.notEqual(keyToMapKey(["a,b"]), keyToMapKey(["a", "b"]));
  assert.equal(keyToMapKey(new Date(5)), keyToMapKey(new Date(5)));
  assert.notEqual(keyToMapKey(new Date(5)), keyToMapKey(5));
  assert.equal(keyToMapKey([-0]), keyToMapKey([0]));
});

test("keyToMapKey keeps primitives and never collides strings with composite keys", () => {
  assert.equal(keyToMapKey("x"), "x");
  assert.equal(keyToMapKey(7), 7);
  assert.ok(Object.is(keyToMapKey(-0), 0));
  assert.equal(keyToMapKey(7n), 7n);
  assert.equal(keyToMapKey(true), true);
  assert.equal(keyToMapKey(null), null);
  assert.ok(Number.isNaN(keyToMapKey(NaN)));
  const composites: unknown[] = [["x"], { x: 1 }, [], {}, new Date(0), ["\u0000"], [null]];
  const strings = [
    "x",
    '["x"]',
    "[]",
    "{}",
    "\u0000c[]",
    "\u0000c{}",
    '\u0000c["x"]',
    "\u0000s",
    "",
  ];
  const all = new Set<unknown>();
  for (const k of [...composites, ...strings]) all.add(keyToMapKey(k));
  assert.equal(all.size, composites.length + strings.length);
  // A string that looks like an escaped one is still distinct from the string it escapes.
  assert.notEqual(keyToMapKey("\u0000c[]"), keyToMapKey([]));
  assert.notEqual(keyToMapKey("\u0000s\u0000c[]"), keyToMapKey("\u0000c[]"));
});
