import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ARRAY,
  BIGINT,
  BINARY,
  BOOLEAN,
  BYTES,
  CHAR,
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
  NULL,
  SMALLINT,
  STRING,
  SqlCastError,
  SqlTypeError,
  TIME,
  TIMESTAMP,
  TIMESTAMP_LTZ,
  TINYINT,
  Timestamp,
  VARBINARY,
  VARCHAR,
  castFunction,
  castValue,
  formatTimestamp,
  parseTimestamp,
  parseType,
  tryCastFunction,
  tryCastValue,
} from "../../src/table/types/index.ts";
import type { LogicalType } from "../../src/table/types/index.ts";

const cast = (v: unknown, from: LogicalType, to: LogicalType, timeZone?: string) =>
  castValue(v, from, to, { timeZone });
const tsv = (s: string) => parseTimestamp(s)!;

test("strings to integral numbers: trimmed, fractions dropped, overflow fails", () => {
  assert.equal(cast(" 42 ", STRING(), INT()), 42);
  assert.equal(cast("+7", STRING(), INT()), 7);
  assert.equal(cast("1.9", STRING(), INT()), 1);
  assert.equal(cast("-1.9", STRING(), INT()), -1);
  assert.ok(Object.is(cast("-0", STRING(), INT()), 0));
  assert.equal(cast("-2147483648", STRING(), INT()), -2147483648);
  assert.equal(cast("127", STRING(), TINYINT()), 127);
  assert.equal(cast("9223372036854775807", STRING(), BIGINT()), 9223372036854775807n);
  assert.equal(cast("-9223372036854775808", STRING(), BIGINT()), -9223372036854775808n);
  assert.equal(cast("9007199254740993", STRING(), BIGINT()), 9007199254740993n);
  assert.equal(cast("9007199254740991", STRING(), BIGINT()), 9007199254740991);
  assert.throws(
    () => cast("abc", STRING(), INT()),
    (e: unknown) =>
      e instanceof SqlCastError &&
      e.message === "Cannot cast 'abc' of type STRING to INT: invalid character found",
  );
  assert.throws(
    () => cast("2147483648", STRING(), INT()),
    /Cannot cast '2147483648' of type STRING to INT: overflow/,
  );
  assert.throws(() => cast("128", STRING(), TINYINT()), /overflow/);
  assert.throws(() => cast("9223372036854775808", STRING(), BIGINT()), /overflow/);
  assert.throws(() => cast("1e3", STRING(), INT()), SqlCastError);
  assert.throws(() => cast("", STRING(), SMALLINT()), SqlCastError);
  assert.equal(tryCastValue("abc", STRING(), INT()), null);
  assert.equal(tryCastValue(null, STRING(), INT()), null);
});

test("strings to BOOLEAN, DECIMAL, FLOAT and DOUBLE", () => {
  assert.equal(cast("TRUE", STRING(), BOOLEAN()), true);
  assert.equal(cast(" yes ", STRING(), BOOLEAN()), true);
  assert.equal(cast("0", STRING(), BOOLEAN()), false);
  assert.equal(cast("F", STRING(), BOOLEAN()), false);
  assert.throws(
    () => cast("maybe", STRING(), BOOLEAN()),
    /Cannot cast 'maybe' of type STRING to BOOLEAN/,
  );
  assert.equal((cast("123.456", STRING(), DECIMAL(5, 2)) as Decimal).toString(), "123.46");
  assert.equal((cast(" 1e2 ", STRING(), DECIMAL(5, 2)) as Decimal).toString(), "100.00");
  assert.equal((cast("-0.005", STRING(), DECIMAL(5, 2)) as Decimal).toString(), "-0.01");
  assert.throws(() => cast("1234.5", STRING(), DECIMAL(5, 2)), /overflow of DECIMAL\(5, 2\)/); // strings fail
  assert.throws(() => cast("1.2.3", STRING(), DECIMAL(5, 2)), SqlCastError);
  assert.equal(cast("1.5e3", STRING(), DOUBLE()), 1500);
  assert.equal(cast("-Infinity", STRING(), DOUBLE()), -Infinity);
  assert.ok(Number.isNaN(cast("NaN", STRING(), DOUBLE()) as number));
  assert.equal(cast("2.5d", STRING(), DOUBLE()), 2.5);
  assert.equal(cast("0.1", STRING(), FLOAT()), Math.fround(0.1));
  assert.throws(() => cast("1,5", STRING(), DOUBLE()), /not a number/);
});

test("strings to DATE, TIME, TIMESTAMP and TIMESTAMP_LTZ", () => {
  assert.equal(cast("2020-01-02", STRING(), DATE()), 18263);
  assert.equal(cast("10:00:00.999", STRING(), TIME(0)), 36000000); // TIME(0) keeps whole seconds
  assert.equal(cast("10:00:00.999", STRING(), TIME(3)), 36000999);
  const t = cast("2020-01-01 10:00:00.123456789", STRING(), TIMESTAMP(3)) as Timestamp;
  assert.deepEqual([t.millis, t.nanos], [Date.UTC(2020, 0, 1, 10, 0, 0, 123), 0]);
  const ltz = cast("2020-01-01 10:00:00", STRING(), TIMESTAMP_LTZ(3), "Europe/Berlin") as Timestamp;
  assert.equal(ltz.millis, Date.UTC(2020, 0, 1, 9));
  assert.throws(() => cast("2020-01-01T10:00:00", STRING(), TIMESTAMP(3)), /not a valid TIMESTAMP/);
  assert.throws(
    () => cast("2020-02-30", STRING(), DATE()),
    /Cannot cast '2020-02-30' of type STRING to DATE/,
  );
  assert.throws(() => cast("25:00:00", STRING(), TIME()), SqlCastError);
});

test("values to strings use Flink's text forms, CHAR pads and VARCHAR truncates", () => {
  assert.equal(cast(true, BOOLEAN(), STRING()), "TRUE");
  assert.equal(cast(42, INT(), STRING()), "42");
  assert.equal(cast(-9223372036854775808n, BIGINT(), STRING()), "-9223372036854775808");
  assert.equal(cast(1e10, DOUBLE(), STRING()), "1.0E10");
  assert.equal(cast(100, DOUBLE(), STRING()), "100.0");
  assert.equal(cast(0.1, DOUBLE(), STRING()), "0.1");
  assert.equal(cast(1e-4, DOUBLE(), STRING()), "1.0E-4");
  assert.equal(cast(Math.fround(0.1), FLOAT(), STRING()), "0.1");
  assert.equal(cast(Math.fround(1 / 3), FLOAT(), STRING()), "0.33333334");
  assert.equal(cast(NaN, DOUBLE(), STRING()), "NaN");
  assert.equal(cast(Decimal.parse("1.5"), DECIMAL(5, 2), STRING()), "1.5"); // the value's own scale
  assert.equal(cast(Decimal.parse("1.50"), DECIMAL(5, 2), STRING()), "1.50");
  assert.equal(cast(18263, DATE(), STRING()), "2020-01-02");
  assert.equal(cast(36000123, TIME(3), STRING()), "10:00:00.123");
  assert.equal(cast(tsv("2020-01-01 10:00:00"), TIMESTAMP(3), STRING()), "2020-01-01 10:00:00.000");
  assert.equal(
    cast(new Timestamp(Date.UTC(2020, 0, 1, 9)), TIMESTAMP_LTZ(0), STRING(), "Europe/Berlin"),
    "2020-01-01 10:00:00",
  );
  assert.equal(cast(14, INTERVAL_YEAR_MONTH(), STRING()), "+1-02");
  assert.equal(cast(new TextEncoder().encode("héllo"), BYTES(), STRING()), "héllo");
  assert.equal(cast([1, null, 3], ARRAY(INT()), STRING()), "[1, null, 3]");
  assert.equal(cast(new Map([["a", true]]), MAP(STRING(), BOOLEAN()), STRING()), "{a=TRUE}");
  assert.equal(
    cast([1, "x", null], parseType("ROW<a INT, b STRING, c DATE>"), STRING()),
    "(1, x, null)",
  );
  assert.equal(cast("ab", STRING(), CHAR(5)), "ab   ");
  assert.equal(cast("abcdef", STRING(), CHAR(3)), "abc");
  assert.equal(cast("abcdef", STRING(), VARCHAR(3)), "abc");
  assert.equal(cast("😀x", STRING(), VARCHAR(1)), "😀"); // lengths count code points
  assert.equal(cast("😀", STRING(), CHAR(2)), "😀 ");
  assert.equal(cast(12345, INT(), VARCHAR(3)), "123");
});

test("numbers narrow like Java casts; DECIMAL targets round and overflow to NULL", () => {
  assert.equal(cast(300, INT(), TINYINT()), 44);
  assert.equal(cast(-129, INT(), TINYINT()), 127);
  assert.equal(cast(4294967301, BIGINT(), INT()), 5);
  assert.equal(cast(9223372036854775807n, BIGINT(), INT()), -1);
  assert.equal(cast(7, TINYINT(), BIGINT()), 7);
  assert.equal(cast(1e20, DOUBLE(), INT()), 2147483647);
  assert.equal(cast(NaN, DOUBLE(), BIGINT()), 0);
  assert.equal(cast(-1.9, DOUBLE(), INT()), -1);
  assert.equal(cast(Decimal.parse("123.99"), DECIMAL(5, 2), INT()), 123);
  assert.equal(cast(Decimal.parse("-123.99"), DECIMAL(5, 2), INT()), -123);
  assert.equal(cast(Decimal.parse("9".repeat(38)), DECIMAL(38, 0), BIGINT()), 687399551400673279n); // low 64 bits
  assert.equal(cast(Decimal.parse("0.1"), DECIMAL(1, 1), DOUBLE()), 0.1);
  assert.equal(cast(9007199254740993n, BIGINT(), DOUBLE()), 9007199254740992);
  assert.equal(cast(12345, INT(), DECIMAL(4, 0)) as unknown, null); // overflow: NULL, not an error
  assert.equal((cast(0.125, DOUBLE(), DECIMAL(3, 2)) as Decimal).toString(), "0.13");
  assert.equal(
    (cast(Math.fround(0.1), FLOAT(), DECIMAL(10, 9)) as Decimal).toString(),
    "0.100000001",
  );
  assert.equal(
    (cast(9223372036854775807n, BIGINT(), DECIMAL(19, 0)) as Decimal).toString(),
    "9223372036854775807",
  );
  assert.equal(
    (cast(Decimal.parse("1.25"), DECIMAL(3, 2), DECIMAL(2, 1)) as Decimal).toString(),
    "1.3",
  );
  assert.equal(cast(Decimal.parse("123.45"), DECIMAL(5, 2), DECIMAL(3, 1)), null);
  assert.throws(() => cast(NaN, DOUBLE(), DECIMAL(5, 2)), /NaN has no DECIMAL representation/);
  assert.equal(tryCastValue(Infinity, DOUBLE(), DECIMAL(5, 2)), null);
  assert.equal((cast(true, BOOLEAN(), DECIMAL(3, 1)) as Decimal).toString(), "1.0");
  assert.equal(cast(true, BOOLEAN(), INT()), 1);
  assert.equal(cast(false, BOOLEAN(), DOUBLE()), 0);
  assert.equal(cast(5, INT(), BOOLEAN()), true);
  assert.equal(cast(0, TINYINT(), BOOLEAN()), false);
  assert.equal(cast(9007199254740993n, BIGINT(), BOOLEAN()), true);
  assert.equal(cast(1.1, DOUBLE(), FLOAT()), Math.fround(1.1));
});

test("temporal casts, with the session time zone for TIMESTAMP_LTZ", () => {
  const zone = "Europe/Berlin";
  const t = tsv("2021-03-28 02:30:00.123456789");
  assert.equal(
    formatTimestamp(cast(t, TIMESTAMP(9), TIMESTAMP(3)) as Timestamp, 3),
    "2021-03-28 02:30:00.123",
  );
  assert.equal(
    formatTimestamp(cast(t, TIMESTAMP(9), TIMESTAMP(0)) as Timestamp, 0),
    "2021-03-28 02:30:00",
  );
  assert.equal(cast(t, TIMESTAMP(9), DATE()), 18714);
  assert.equal(cast(t, TIMESTAMP(9), TIME(0)), 9000000);
  const ltz = cast(t, TIMESTAMP(9), TIMESTAMP_LTZ(9), zone) as Timestamp; // in the gap: moves later
  assert.equal(ltz.millis, Date.UTC(2021, 2, 28, 1, 30, 0, 123));
  assert.equal(ltz.nanos, 456789);
  const back = cast(ltz, TIMESTAMP_LTZ(9), TIMESTAMP(6), zone) as Timestamp;
  assert.equal(formatTimestamp(back, 6), "2021-03-28 03:30:00.123456");
  assert.equal(
    cast(new Timestamp(Date.UTC(2021, 2, 27, 23, 30)), TIMESTAMP_LTZ(3), DATE(), zone),
    18714,
  );
  assert.equal(cast(new Timestamp(Date.UTC(2021, 2, 27, 23, 30)), TIMESTAMP_LTZ(3), DATE()), 18713); // UTC
  assert.equal((cast(18714, DATE(), TIMESTAMP(0)) as Timestamp).millis, Date.UTC(2021, 2, 28));
  assert.equal(
    (cast(18714, DATE(), TIMESTAMP_LTZ(0), zone) as Timestamp).millis,
    Date.UTC(2021, 2, 27, 23),
  );
  assert.equal((cast(3600000, TIME(0), TIMESTAMP(0)) as Timestamp).millis, 3600000); // on 1970-01-01
  assert.equal(cast(36000999, TIME(3), TIME(0)), 36000000);
  assert.ok(
    (cast(new Timestamp(7, 5), TIMESTAMP_LTZ(9), TIMESTAMP_LTZ(3)) as Timestamp).equals(
      new Timestamp(7),
    ),
  );
  assert.throws(
    () => castFunction(STRING(), TIMESTAMP_LTZ(3), { timeZone: "Nowhere/City" }),
    /Unknown time zone/,
  );
});

test("intervals cast to and from exact numbers only for single-field intervals", () => {
  assert.equal(cast(3, INT(), INTERVAL_YEAR_MONTH("MONTH")), 3);
  assert.equal(cast(2, INT(), INTERVAL_YEAR_MONTH("YEAR")), 24);
  assert.equal(cast(14, INTERVAL_YEAR_MONTH("MONTH"), INT()), 14);
  assert.equal(cast(5, BIGINT(), INTERVAL_DAY_TIME("SECOND", 2, 3)), 5000);
  assert.equal(cast(2 * 86400000 + 5, INTERVAL_DAY_TIME("DAY"), BIGINT()), 2);
  assert.equal(cast(14, INTERVAL_YEAR_MONTH(), INTERVAL_YEAR_MONTH("MONTH")), 14);
  assert.throws(() => castFunction(INTERVAL_YEAR_MONTH(), INT()), SqlTypeError);
});

test("binary strings", () => {
  const bytes = cast("hé", STRING(), BYTES()) as Uint8Array;
  assert.deepEqual([...bytes], [0x68, 0xc3, 0xa9]);
  assert.deepEqual(
    [...(cast(new Uint8Array([1, 2]), BYTES(), BINARY(4)) as Uint8Array)],
    [1, 2, 0, 0],
  );
  assert.deepEqual(
    [...(cast(new Uint8Array([1, 2, 3]), BYTES(), VARBINARY(2)) as Uint8Array)],
    [1, 2],
  );
  assert.deepEqual([...(cast("abc", STRING(), BINARY(2)) as Uint8Array)], [0x61, 0x62]);
});

test("constructed types cast element-wise", () => {
  assert.deepEqual(cast(["1", null, " 3 "], ARRAY(STRING()), ARRAY(INT())), [1, null, 3]);
  assert.throws(
    () => cast(["1", "x"], ARRAY(STRING()), ARRAY(INT())),
    /Cannot cast array\(2\) of type ARRAY<STRING> to ARRAY<INT>: invalid character found/,
  );
  assert.equal(tryCastValue(["1", "x"], ARRAY(STRING()), ARRAY(INT())), null);
  const row = cast(
    ["42", 1.5],
    parseType("ROW<a STRING, b DOUBLE>"),
    parseType("ROW<x INT, y DECIMAL(3, 1)>"),
  ) as unknown[];
  assert.equal(row[0], 42);
  assert.equal((row[1] as Decimal).toString(), "1.5");
  const m = cast(
    new Map([
      ["1", "a"],
      ["2", null],
    ]),
    MAP(STRING(), STRING()),
    MAP(INT(), VARCHAR(1)),
  ) as Map<unknown, unknown>;
  assert.deepEqual(
    [...m],
    [
      [1, "a"],
      [2, null],
    ],
  );
  const ms = cast(
    new Map([
      [1.2, 2],
      [1.4, 3],
      [2.0, 1],
    ]),
    MULTISET(DOUBLE()),
    MULTISET(INT()),
  ) as Map<unknown, number>;
  assert.deepEqual(
    [...ms],
    [
      [1, 5],
      [2, 1],
    ],
  ); // counts merge when elements collide
});

test("castFunction compiles once, rejects unsupported pairs, passes NULL through", () => {
  const f = castFunction(STRING(), INT());
  assert.deepEqual(["1", "2", null, "3"].map(f), [1, 2, null, 3]);
  const g = tryCastFunction(STRING(), INT());
  assert.deepEqual(["1", "x"].map(g), [1, null]);
  assert.throws(
    () => castFunction(INT(), TIMESTAMP(3)),
    (e: unknown) =>
      e instanceof SqlTypeError &&
      /Cast from INT to TIMESTAMP\(3\) is not supported/.test(e.message),
  );
  assert.throws(() => castFunction(TIMESTAMP(3), BIGINT()), SqlTypeError);
  assert.throws(() => castFunction(DATE(), TIME()), SqlTypeError);
  assert.throws(() => castFunction(DOUBLE(), BOOLEAN()), SqlTypeError);
  assert.equal(castValue(null, NULL(), INT()), null);
  assert.equal(castValue(null, INT(), STRING()), null);
  assert.equal(castValue(undefined, INT(), STRING()), null);
});
