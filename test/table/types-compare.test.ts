import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ARRAY,
  BIGINT,
  BOOLEAN,
  BYTES,
  DECIMAL,
  DOUBLE,
  Decimal,
  INT,
  MAP,
  STRING,
  TIMESTAMP,
  Timestamp,
  addInt64,
  and3,
  compareStrings,
  compareValues,
  equals3,
  mapGet,
  not3,
  or3,
  parseType,
  valueKey,
  valuesEqual,
} from "../../src/table/types/index.ts";

test("comparators: NULL placement, descending order", () => {
  const values = [3, null, 1, 2];
  assert.deepEqual([...values].sort(compareValues(INT())), [null, 1, 2, 3]);
  assert.deepEqual([...values].sort(compareValues(INT(), { nulls: "last" })), [1, 2, 3, null]);
  assert.deepEqual([...values].sort(compareValues(INT(), { descending: true, nulls: "last" })), [
    3,
    2,
    1,
    null,
  ]);
  assert.deepEqual([true, false, null].sort(compareValues(BOOLEAN())), [null, false, true]);
});

test("BIGINT compares across its number and bigint forms", () => {
  const big = addInt64(Number.MAX_SAFE_INTEGER, 2);
  const sorted = [big, -5, Number.MAX_SAFE_INTEGER, -9223372036854775808n].sort(
    compareValues(BIGINT()),
  );
  assert.deepEqual(sorted, [-9223372036854775808n, -5, Number.MAX_SAFE_INTEGER, 9007199254740993n]);
});

test("DOUBLE: NaN sorts last and equals itself, -0 equals 0", () => {
  const cmp = compareValues(DOUBLE());
  assert.deepEqual([NaN, 1, -Infinity, Infinity].sort(cmp), [-Infinity, 1, Infinity, NaN]);
  assert.equal(cmp(NaN, NaN), 0);
  assert.equal(cmp(-0, 0), 0);
});

test("strings compare by code point, bytes unsigned", () => {
  // U+FFFF sorts before U+1F600 by code point, though its UTF-16 unit is larger
  assert.ok(compareStrings("\uFFFF", "😀") < 0);
  assert.ok("\uFFFF" > "😀"); // JavaScript's own order differs
  assert.ok(compareStrings("a", "ab") < 0);
  assert.ok(compareStrings("b", "ab") > 0);
  assert.equal(compareStrings("x", "x"), 0);
  const cmp = compareValues(BYTES());
  assert.ok(cmp(new Uint8Array([0x7f]), new Uint8Array([0x80])) < 0); // unsigned
  assert.ok(cmp(new Uint8Array([1]), new Uint8Array([1, 0])) < 0);
});

test("DECIMAL, TIMESTAMP, ARRAY and ROW comparators", () => {
  assert.equal(compareValues(DECIMAL(5, 2))(Decimal.parse("1.0"), Decimal.parse("1.00")), 0);
  assert.ok(compareValues(DECIMAL(5, 2))(Decimal.parse("-1"), Decimal.parse("0.01")) < 0);
  assert.ok(compareValues(TIMESTAMP(9))(new Timestamp(5, 1), new Timestamp(5, 2)) < 0);
  const arr = compareValues(ARRAY(INT()));
  const arrays = [
    [1, 3],
    [1, 2, 0],
    [1, 2],
    [null, 9],
  ];
  assert.deepEqual(arrays.sort(arr), [
    [null, 9],
    [1, 2],
    [1, 2, 0],
    [1, 3],
  ]);
  const row = compareValues(parseType("ROW<a INT, b STRING>"));
  assert.ok(row([1, "b"], [1, "c"]) < 0);
  assert.ok(row([2, "a"], [1, "z"]) > 0);
  assert.throws(() => compareValues(MAP(INT(), INT()))(new Map(), new Map()), /have no order/);
});

test("equal values of one type share a key", () => {
  assert.equal(
    valueKey(Decimal.parse("1.0"), DECIMAL(5, 2)),
    valueKey(Decimal.parse("1.00"), DECIMAL(5, 2)),
  );
  assert.notEqual(valueKey(Decimal.parse("1.01")), valueKey(Decimal.parse("1.0")));
  assert.equal(valueKey(new Timestamp(5, 1)), valueKey(new Timestamp(5, 1)));
  assert.notEqual(valueKey(new Timestamp(5, 1)), valueKey(new Timestamp(5, 2)));
  assert.equal(valueKey(new Timestamp(5)), 5);
  assert.equal(valueKey(-0), 0);
  assert.equal(valueKey(addInt64(9007199254740992n, 1)), 9007199254740993n);
  assert.equal(valueKey(new Uint8Array([10, 255])), valueKey(new Uint8Array([10, 255])));
  const rowType = parseType("ROW<a DECIMAL(5, 2), b ARRAY<STRING>, c TIMESTAMP(3)>");
  const r1 = [Decimal.parse("2.50"), ["x", null], new Timestamp(7)];
  const r2 = [Decimal.parse("2.5"), ["x", null], new Timestamp(7)];
  assert.equal(valueKey(r1, rowType), valueKey(r2, rowType));
  assert.notEqual(valueKey([["x", null]]), valueKey([["x", "null"]]));
  assert.notEqual(valueKey([1, "2"]), valueKey([1, 2])); // inside composites the kinds stay apart
  assert.notEqual(valueKey(["a,b"]), valueKey(["a", "b"]));
  assert.equal(
    valueKey(
      new Map([
        ["a", 1],
        ["b", 2],
      ]),
    ),
    valueKey(
      new Map([
        ["b", 2],
        ["a", 1],
      ]),
    ),
  );
  // '1' vs 1 at the top level: different types are the caller's concern (one Map per key type)
  assert.notEqual(valueKey("1"), valueKey(1));
});

test("valueKey groups values in a Map", () => {
  const rows = ["1.0", "1.00", "2", "2.000", "1"].map((s) => Decimal.parse(s));
  const groups = new Map<unknown, number>();
  for (const d of rows) groups.set(valueKey(d), (groups.get(valueKey(d)) ?? 0) + 1);
  assert.deepEqual(
    [...groups],
    [
      ["1", 3],
      ["2", 2],
    ],
  );
  const nanGroups = new Map<unknown, number>();
  for (const x of [NaN, NaN, 0, -0])
    nanGroups.set(valueKey(x), (nanGroups.get(valueKey(x)) ?? 0) + 1);
  assert.deepEqual(
    [...nanGroups],
    [
      [NaN, 2],
      [0, 2],
    ],
  );
});

test("valuesEqual is IS NOT DISTINCT FROM; equals3 is SQL '='", () => {
  assert.ok(valuesEqual(null, null));
  assert.ok(!valuesEqual(null, 0));
  assert.ok(valuesEqual(NaN, NaN));
  assert.ok(valuesEqual(Decimal.parse("1.0"), Decimal.parse("1")));
  assert.ok(valuesEqual([1, [Decimal.parse("2.0")]], [1, [Decimal.parse("2")]]));
  assert.ok(!valuesEqual([1, 2], [1, 2, 3]));
  assert.ok(valuesEqual(new Uint8Array([1]), new Uint8Array([1])));
  assert.ok(!valuesEqual("1", 1, STRING()));
  assert.equal(equals3(null, 1), null);
  assert.equal(equals3(NaN, NaN), false);
  assert.equal(equals3(Decimal.parse("1.0"), Decimal.parse("1")), true);
  assert.equal(equals3("a", "b"), false);
});

test("MAP lookup by SQL equality", () => {
  const m = new Map<unknown, unknown>([
    [Decimal.parse("1.50"), "x"],
    ["k", "y"],
    [9007199254740993n, "z"],
  ]);
  assert.equal(mapGet(m, Decimal.parse("1.5")), "x");
  assert.equal(mapGet(m, "k"), "y");
  assert.equal(mapGet(m, addInt64(Number.MAX_SAFE_INTEGER, 2)), "z");
  assert.equal(mapGet(m, "missing"), null);
});

test("three-valued logic", () => {
  const V = [true, false, null] as const;
  const and = V.map((a) => V.map((b) => and3(a, b)));
  assert.deepEqual(and, [
    [true, false, null],
    [false, false, false],
    [null, false, null],
  ]);
  const or = V.map((a) => V.map((b) => or3(a, b)));
  assert.deepEqual(or, [
    [true, true, true],
    [true, false, null],
    [true, null, null],
  ]);
  assert.deepEqual(V.map(not3), [false, true, null]);
});
