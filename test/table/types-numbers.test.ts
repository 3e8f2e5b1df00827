import { test } from "node:test";
import assert from "node:assert/strict";
import {
  DECIMAL,
  Decimal,
  INT64_MAX,
  INT64_MIN,
  SqlArithmeticError,
  addInt64,
  arithmeticType,
  decimalAdd,
  decimalDivide,
  decimalMultiply,
  decimalRemainder,
  decimalSubtract,
  divideInt64,
  doubleToIntegral,
  intArithmetic,
  isInt64,
  multiplyInt64,
  narrowIntegral,
  negateInt64,
  normalizeInt64,
  remainderInt64,
  subtractInt64,
  compareInt64,
} from "../../src/table/types/index.ts";
import type { DecimalType } from "../../src/table/types/index.ts";

test("BIGINT is exact and wraps at ±2^63 like Java's long", () => {
  assert.equal(addInt64(INT64_MAX, 1), INT64_MIN);
  assert.equal(subtractInt64(INT64_MIN, 1), INT64_MAX);
  assert.equal(multiplyInt64(INT64_MAX, 2), -2);
  assert.equal(multiplyInt64(3037000500, 3037000500), -9223372036709301616n);
  assert.equal(negateInt64(INT64_MIN), INT64_MIN);
  assert.equal(divideInt64(INT64_MIN, -1), INT64_MIN);
  assert.equal(remainderInt64(INT64_MIN, -1), 0);
  assert.equal(addInt64(INT64_MAX, INT64_MIN), -1);
  assert.equal(typeof addInt64(INT64_MAX, INT64_MIN), "number"); // normalized back to a number
});

test("BIGINT beyond 2^53 stays exact: 9007199254740993", () => {
  const big = addInt64(Number.MAX_SAFE_INTEGER, 2);
  assert.equal(big, 9007199254740993n);
  assert.equal(addInt64(big, 0), 9007199254740993n);
  assert.equal(subtractInt64(big, 2), Number.MAX_SAFE_INTEGER);
  assert.equal(typeof subtractInt64(big, 2), "number");
  assert.equal(multiplyInt64(9007199254740993n, 1), 9007199254740993n);
  assert.equal(divideInt64(9007199254740993n, 3), 3002399751580331);
  assert.equal(remainderInt64(9007199254740993n, 10), 3);
  // one representation per value: === and Map keys work
  assert.equal(normalizeInt64(5n), 5);
  assert.equal(normalizeInt64(-0), 0);
  assert.ok(Object.is(multiplyInt64(0, -5), 0));
  const m = new Map<unknown, string>([[addInt64(9007199254740992n, 1), "x"]]);
  assert.equal(m.get(9007199254740993n), "x");
  assert.ok(
    isInt64(9007199254740993n) &&
      isInt64(42) &&
      !isInt64(42n) &&
      !isInt64(1.5) &&
      !isInt64(2n ** 63n),
  );
  assert.ok(compareInt64(Number.MAX_SAFE_INTEGER, 9007199254740993n) < 0);
  assert.ok(compareInt64(-9007199254740993n, -Number.MAX_SAFE_INTEGER) < 0);
});

test("integer division truncates, remainder has the dividend's sign, zero divisors fail", () => {
  assert.equal(divideInt64(-7, 2), -3);
  assert.equal(remainderInt64(-7, 2), -1);
  assert.equal(remainderInt64(7, -2), 1);
  assert.ok(Object.is(divideInt64(-1, 2), 0));
  assert.throws(() => divideInt64(5, 0), SqlArithmeticError);
  assert.throws(() => remainderInt64(5n ** 30n, 0), /Division by zero/);
  assert.throws(() => intArithmetic("/", 1, 0, "INT"), SqlArithmeticError);
});

test("TINYINT/SMALLINT/INT arithmetic wraps at the type's width", () => {
  assert.equal(intArithmetic("+", 2147483647, 1, "INT"), -2147483648);
  assert.equal(intArithmetic("*", 65536, 65536, "INT"), 0);
  assert.equal(intArithmetic("*", 123456789, 987654321, "INT"), -67153019); // Java: 123456789 * 987654321
  assert.equal(intArithmetic("/", -2147483648, -1, "INT"), -2147483648);
  assert.equal(intArithmetic("+", 100, 100, "TINYINT"), -56);
  assert.equal(intArithmetic("-", -32768, 1, "SMALLINT"), 32767);
  assert.equal(intArithmetic("%", -7, 3, "INT"), -1);
  assert.equal(intArithmetic("+", 2147483647, 1, "BIGINT"), 2147483648);
});

test("narrowing and double → integral follow Java casts", () => {
  assert.equal(narrowIntegral(300, "TINYINT"), 44);
  assert.equal(narrowIntegral(-129, "TINYINT"), 127);
  assert.equal(narrowIntegral(4294967301, "INT"), 5);
  assert.equal(narrowIntegral(INT64_MAX, "INT"), -1);
  assert.equal(narrowIntegral(INT64_MIN, "SMALLINT"), 0);
  assert.equal(doubleToIntegral(1e20, "INT"), 2147483647);
  assert.equal(doubleToIntegral(-1e20, "INT"), -2147483648);
  assert.equal(doubleToIntegral(NaN, "BIGINT"), 0);
  assert.equal(doubleToIntegral(-1.9, "INT"), -1);
  assert.equal(doubleToIntegral(1e20, "BIGINT"), INT64_MAX);
  assert.equal(doubleToIntegral(-Infinity, "BIGINT"), INT64_MIN);
  assert.equal(doubleToIntegral(2 ** 60, "BIGINT"), 1152921504606846976n);
  assert.equal(doubleToIntegral(3e9, "TINYINT"), -1); // (byte)(int)3e9 = (byte)2147483647
});

test("Decimal parses and prints with the scale's digits", () => {
  assert.equal(Decimal.parse("12.30").toString(), "12.30");
  assert.equal(Decimal.parse("12.30").scale, 2);
  assert.equal(Decimal.parse("-0.05").toString(), "-0.05");
  assert.equal(Decimal.parse("-.5").toString(), "-0.5");
  assert.equal(Decimal.parse(" 7 ").toString(), "7");
  assert.equal(Decimal.parse("1e3").toString(), "1000");
  assert.equal(Decimal.parse("1.5E-2").toString(), "0.015");
  assert.equal(
    Decimal.parse("+123456789012345678901234567890.12345678").toString(),
    "123456789012345678901234567890.12345678",
  );
  for (const bad of ["", "abc", "1.2.3", "--1", ".", "1e", "0x10"]) {
    assert.throws(() => Decimal.parse(bad), RangeError, bad);
  }
  assert.equal(Decimal.fromNumber(0.1).toString(), "0.1");
  assert.equal(Decimal.fromNumber(1e21).toString(), "1000000000000000000000");
  assert.throws(() => Decimal.fromNumber(NaN), /no DECIMAL representation/);
  assert.equal(Decimal.parse("123.450").toNumber(), 123.45);
  assert.equal(Decimal.parse("12.30").precision(), 4);
});

test("0.1 + 0.2 is exactly 0.3 in DECIMAL", () => {
  const t = arithmeticType("+", DECIMAL(1, 1), DECIMAL(1, 1)) as DecimalType;
  const sum = decimalAdd(Decimal.parse("0.1"), Decimal.parse("0.2"), t.precision, t.scale)!;
  assert.equal(sum.toString(), "0.3");
  assert.ok(sum.equals(Decimal.parse("0.30")));
  assert.notEqual(0.1 + 0.2, 0.3); // unlike DOUBLE
});

test("DECIMAL(38, 18) arithmetic uses Flink's result types", () => {
  const T38 = DECIMAL(38, 18);
  const a = Decimal.parse("99999999999999999999.999999999999999999");
  const add = arithmeticType("+", T38, T38) as DecimalType; // DECIMAL(38, 17)
  assert.equal(
    decimalAdd(a, a, add.precision, add.scale)!.toString(),
    "200000000000000000000.00000000000000000",
  );
  const mul = arithmeticType("*", T38, T38) as DecimalType; // DECIMAL(38, 6)
  const x = Decimal.parse("1.000000000000000001");
  assert.equal(
    decimalMultiply(x, Decimal.parse("3.000000000000000000"), mul.precision, mul.scale)!.toString(),
    "3.000000",
  );
  assert.equal(decimalMultiply(a, a, mul.precision, mul.scale), null); // 10^40 overflows: NULL
  const div = arithmeticType("/", T38, T38) as DecimalType; // DECIMAL(38, 6)
  assert.equal(
    decimalDivide(Decimal.parse("2"), Decimal.parse("3"), div.precision, div.scale)!.toString(),
    "0.666667",
  );
  assert.equal(
    decimalDivide(Decimal.parse("-2"), Decimal.parse("3"), div.precision, div.scale)!.toString(),
    "-0.666667",
  );
  const sub = arithmeticType("-", T38, T38) as DecimalType;
  assert.equal(
    decimalSubtract(Decimal.parse("0"), a, sub.precision, sub.scale)!.toString(),
    "-100000000000000000000.00000000000000000",
  );
});

test("DECIMAL rounds HALF_UP and overflows to NULL", () => {
  assert.equal(Decimal.parse("0.125").toPrecision(3, 2)!.toString(), "0.13");
  assert.equal(Decimal.parse("-0.125").toPrecision(3, 2)!.toString(), "-0.13");
  assert.equal(Decimal.parse("0.124").toPrecision(3, 2)!.toString(), "0.12");
  assert.equal(Decimal.parse("9.995").toPrecision(3, 2), null); // rounds to 10.00: 4 digits
  assert.equal(Decimal.parse("99.5").toPrecision(2, 0), null);
  assert.equal(Decimal.parse("1.5").toPrecision(5, 3)!.toString(), "1.500");
  const max = Decimal.parse("9".repeat(38));
  assert.equal(decimalAdd(max, Decimal.parse("1"), 38, 0), null);
  assert.equal(decimalAdd(max, Decimal.parse("-1"), 38, 0)!.toString(), "9".repeat(37) + "8");
});

test("DECIMAL division rounds to 38 digits then to the scale; remainder keeps the sign", () => {
  assert.equal(Decimal.parse("1").divide(Decimal.parse("3"), 38).toString(), "0." + "3".repeat(38));
  // 38 significant digits, then the scale: 10/3 to scale 38 keeps only 37 fraction digits of 3s
  assert.equal(
    Decimal.parse("10").divide(Decimal.parse("3"), 38).toString(),
    "3." + "3".repeat(37) + "0",
  );
  assert.equal(Decimal.parse("1").divide(Decimal.parse("8"), 2).toString(), "0.13");
  assert.equal(Decimal.parse("-1").divide(Decimal.parse("8"), 2).toString(), "-0.13");
  assert.equal(Decimal.parse("1.00").divide(Decimal.parse("0.5"), 6).toString(), "2.000000");
  assert.equal(decimalDivide(Decimal.parse("1"), Decimal.parse("0.001"), 3, 0), null);
  assert.equal(decimalDivide(Decimal.parse("1"), Decimal.parse("0.001"), 4, 0)!.toString(), "1000");
  assert.throws(() => Decimal.parse("1").divide(Decimal.parse("0.00"), 6), SqlArithmeticError);
  assert.equal(decimalRemainder(Decimal.parse("7.5"), Decimal.parse("2"), 2, 1)!.toString(), "1.5");
  assert.equal(
    decimalRemainder(Decimal.parse("-7.5"), Decimal.parse("2"), 2, 1)!.toString(),
    "-1.5",
  );
  assert.throws(() => Decimal.parse("1").remainder(Decimal.parse("0")), /Division by zero/);
});

test("Decimal compare, equals and keys ignore the scale", () => {
  const a = Decimal.parse("1.0");
  const b = Decimal.parse("1.00");
  assert.equal(a.compareTo(b), 0);
  assert.ok(a.equals(b));
  assert.equal(a.key(), b.key());
  assert.equal(a.key(), "1");
  assert.equal(Decimal.parse("-0.50").key(), "-0.5");
  assert.notEqual(Decimal.parse("1.01").key(), a.key());
  assert.ok(Decimal.parse("-1").compareTo(Decimal.parse("0.5")) < 0);
  assert.ok(Decimal.parse("10").compareTo(Decimal.parse("9.99")) > 0);
  assert.equal(Decimal.parse("-12.5").abs().toString(), "12.5");
  assert.equal(Decimal.parse("123.99").toBigIntTruncated(), 123n);
  assert.equal(Decimal.parse("-123.99").toBigIntTruncated(), -123n);
  assert.equal(JSON.stringify({ d: Decimal.parse("1.50") }), '{"d":"1.50"}');
});
