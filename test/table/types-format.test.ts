import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ARRAY,
  BIGINT,
  BOOLEAN,
  BYTES,
  DATE,
  DECIMAL,
  DOUBLE,
  Decimal,
  FLOAT,
  INT,
  INTERVAL_DAY_TIME,
  INTERVAL_YEAR_MONTH,
  MAP,
  MULTISET,
  SMALLINT,
  STRING,
  TIME,
  TIMESTAMP,
  TIMESTAMP_LTZ,
  TINYINT,
  Timestamp,
  checkValue,
  describeInvalidValue,
  formatValue,
  isValueOfType,
  javaDoubleToString,
  javaFloatToString,
  notNull,
  parseJavaDouble,
  parseTimestamp,
  parseType,
  toJsonValue,
  valueToString,
} from "../../src/table/types/index.ts";

test("formatValue prints like Flink's SQL client", () => {
  assert.equal(formatValue(null, INT()), "<NULL>");
  assert.equal(formatValue(null, INT(), { nullText: "NULL" }), "NULL");
  assert.equal(formatValue(true, BOOLEAN()), "TRUE");
  assert.equal(formatValue(false, BOOLEAN()), "FALSE");
  assert.equal(formatValue(9223372036854775807n, BIGINT()), "9223372036854775807");
  assert.equal(formatValue(Decimal.parse("12.30"), DECIMAL(10, 2)), "12.30");
  assert.equal(formatValue(1.5, DOUBLE()), "1.5");
  assert.equal(formatValue(18262, DATE()), "2020-01-01");
  assert.equal(formatValue(36000000, TIME()), "10:00:00");
  assert.equal(
    formatValue(parseTimestamp("2020-01-01 10:00:00.123")!, TIMESTAMP(3)),
    "2020-01-01 10:00:00.123",
  );
  assert.equal(
    formatValue(parseTimestamp("2020-01-01 10:00:00")!, TIMESTAMP(6)),
    "2020-01-01 10:00:00.000000",
  );
  assert.equal(
    formatValue(new Timestamp(Date.UTC(2020, 6, 1, 8)), TIMESTAMP_LTZ(3), {
      timeZone: "Europe/Berlin",
    }),
    "2020-07-01 10:00:00.000",
  );
  assert.equal(
    formatValue(new Timestamp(Date.UTC(2020, 6, 1, 8)), TIMESTAMP_LTZ(0)),
    "2020-07-01 08:00:00",
  );
  assert.equal(formatValue(new Uint8Array([0x0a, 0xff]), BYTES()), "x'0aff'");
  assert.equal(formatValue([1, 2], ARRAY(INT())), "[1, 2]");
  assert.equal(formatValue([], ARRAY(INT())), "[]");
  assert.equal(formatValue(new Map([["a", 1]]), MAP(STRING(), INT())), "{a=1}");
  assert.equal(
    formatValue(
      new Map([
        ["a", 2],
        ["b", 1],
      ]),
      MULTISET(STRING()),
    ),
    "{a=2, b=1}",
  );
  assert.equal(formatValue([1, "a"], parseType("ROW<x INT, y STRING>")), "(1, a)");
  assert.equal(
    formatValue(
      [null, [Decimal.parse("1.0")], new Uint8Array([1])],
      parseType("ROW<a INT, b ARRAY<DECIMAL(2, 1)>, c BYTES>"),
    ),
    "(null, [1.0], x'01')",
  );
  assert.equal(formatValue(14, INTERVAL_YEAR_MONTH()), "+1-02");
  assert.equal(formatValue(90061001, INTERVAL_DAY_TIME()), "+1 01:01:01.001");
});

test("valueToString is CAST(x AS STRING): bytes decode as UTF-8, NULL stays null", () => {
  assert.equal(valueToString(null, INT()), null);
  assert.equal(valueToString(new TextEncoder().encode("hi"), BYTES()), "hi");
  assert.equal(valueToString(Math.fround(0.1), FLOAT()), "0.1");
});

test("Java's text forms of FLOAT and DOUBLE", () => {
  const cases: Array<[number, string]> = [
    [0, "0.0"],
    [-0, "-0.0"],
    [1, "1.0"],
    [-2.5, "-2.5"],
    [0.001, "0.001"],
    [0.0001, "1.0E-4"],
    [9999999, "9999999.0"],
    [10000000, "1.0E7"],
    [1.2345e21, "1.2345E21"],
    [Number.MAX_VALUE, "1.7976931348623157E308"],
    [Infinity, "Infinity"],
    [NaN, "NaN"],
  ];
  for (const [d, s] of cases) assert.equal(javaDoubleToString(d), s, String(d));
  assert.equal(javaFloatToString(Math.fround(3.4028235e38)), "3.4028235E38");
  assert.equal(javaFloatToString(Math.fround(1e-5)), "1.0E-5");
  assert.equal(javaFloatToString(Math.fround(123456.7)), "123456.7");
  assert.equal(parseJavaDouble(" 1e3 "), 1000);
  assert.equal(parseJavaDouble("1.5f"), 1.5);
  assert.equal(parseJavaDouble(".5"), 0.5);
  assert.equal(parseJavaDouble("0x10"), undefined);
  assert.equal(parseJavaDouble(""), undefined);
});

test("toJsonValue writes exact numbers and SQL text", () => {
  const type = parseType(
    "ROW<b BIGINT, s BIGINT, d DECIMAL(5, 2), f FLOAT, x DOUBLE, dt DATE, t TIME(3), ts TIMESTAMP(3), ltz TIMESTAMP_LTZ(3), y BYTES, a ARRAY<INT>, m MAP<INT, STRING>, i INTERVAL MONTH, r ROW<n BOOLEAN>>",
  );
  const row = [
    9223372036854775807n,
    42,
    Decimal.parse("1.50"),
    Math.fround(0.1),
    NaN,
    18262,
    36000123,
    parseTimestamp("2020-01-01 10:00:00.5")!,
    new Timestamp(Date.UTC(2020, 0, 1, 9)),
    new Uint8Array([1, 2, 3]),
    [1, null],
    new Map([[1, "a"]]),
    14,
    [true],
  ];
  assert.equal(
    JSON.stringify(toJsonValue(row, type)),
    '{"b":9223372036854775807,"s":42,"d":1.50,"f":0.1,"x":"NaN","dt":"2020-01-01","t":"10:00:00.123",' +
      '"ts":"2020-01-01 10:00:00.500","ltz":"2020-01-01 09:00:00.000Z","y":"AQID","a":[1,null],"m":{"1":"a"},' +
      '"i":14,"r":{"n":true}}',
  );
  assert.equal(toJsonValue(null, INT()), null);
});

test("values are checked against their types", () => {
  assert.ok(isValueOfType(127, TINYINT()));
  assert.ok(!isValueOfType(128, TINYINT()));
  assert.ok(!isValueOfType(70000, SMALLINT()));
  assert.ok(isValueOfType(9007199254740993n, BIGINT()));
  assert.ok(!isValueOfType(5n, BIGINT())); // not normalized
  assert.ok(!isValueOfType(9007199254740992, BIGINT())); // beyond 2^53 must be a bigint
  assert.ok(isValueOfType(Math.fround(0.1), FLOAT()));
  assert.ok(!isValueOfType(0.1, FLOAT()));
  assert.ok(!isValueOfType(undefined, INT()));
  assert.ok(isValueOfType(null, INT()));
  assert.ok(!isValueOfType(null, notNull(INT())));
  assert.ok(!isValueOfType(86400000, TIME()));
  assert.ok(isValueOfType(new Map([[1, 2]]), MULTISET(INT())));
  assert.ok(!isValueOfType(new Map([[1, 0]]), MULTISET(INT())));
  const rowType = parseType("ROW<a INT, b ARRAY<STRING NOT NULL>>");
  assert.ok(isValueOfType([1, ["x"]], rowType));
  assert.equal(
    describeInvalidValue([1, ["x", null]], rowType),
    "in field 'b': in ARRAY<STRING NOT NULL>: null for STRING NOT NULL",
  );
  assert.throws(
    () => checkValue("1", INT(), "column 'id'"),
    /Invalid column 'id': '1' is not a valid INT value/,
  );
});
