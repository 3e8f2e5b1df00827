import { test } from "node:test";
import assert from "node:assert/strict";
import * as T from "../../src/table/types/logical-type.ts";
import type { LogicalType } from "../../src/table/types/logical-type.ts";
import { Decimal } from "../../src/table/types/decimal.ts";
import { Timestamp } from "../../src/table/types/timestamp.ts";
import { daysFromCivil } from "../../src/table/types/datetime.ts";
import { SqlArithmeticError } from "../../src/table/types/errors.ts";
import { typeToString } from "../../src/table/types/type-print.ts";
import { call, inputRef, literal, literalOf } from "../../src/table/expr/rex.ts";
import type { RexNode } from "../../src/table/expr/rex.ts";
import { compileExpression } from "../../src/table/expr/codegen.ts";
import { SqlValidationError } from "../../src/table/expr/errors.ts";

/** Evaluates `op(a, b)` with both operands as (nullable) inputs of the given types. */
function binary(op: string, ta: LogicalType, a: unknown, tb: LogicalType, b: unknown): unknown {
  const e = call(op, [inputRef(0, ta), inputRef(1, tb)]);
  return compileExpression(e)([0, a, b]);
}

function unary(op: string, t: LogicalType, a: unknown): unknown {
  return compileExpression(call(op, [inputRef(0, t)]))([0, a]);
}

const INT = T.INT();
const BIGINT = T.BIGINT();

test("INT arithmetic wraps like Java int", () => {
  assert.equal(binary("+", INT, 2147483647, INT, 1), -2147483648);
  assert.equal(binary("-", INT, -2147483648, INT, 1), 2147483647);
  assert.equal(binary("*", INT, 65536, INT, 65536), 0);
  assert.equal(binary("*", INT, 123456789, INT, 1000), -1097262584);
  assert.equal(binary("/", INT, -2147483648, INT, -1), -2147483648);
  assert.equal(unary("UNARY_MINUS", INT, -2147483648), -2147483648);
});

test("TINYINT and SMALLINT arithmetic wraps at their width", () => {
  assert.equal(binary("+", T.TINYINT(), 127, T.TINYINT(), 1), -128);
  assert.equal(binary("*", T.SMALLINT(), 300, T.SMALLINT(), 300), 24464);
  assert.equal(binary("/", T.TINYINT(), -128, T.TINYINT(), -1), -128);
  assert.equal(unary("UNARY_MINUS", T.TINYINT(), -128), -128);
});

test("integer division truncates toward zero and % takes the sign of the dividend", () => {
  assert.equal(binary("/", INT, 7, INT, 2), 3);
  assert.equal(binary("/", INT, -7, INT, 2), -3);
  assert.equal(binary("%", INT, -7, INT, 2), -1);
  assert.equal(binary("%", INT, 7, INT, -2), 1);
  assert.ok(Object.is(binary("%", INT, -4, INT, 2), 0), "no negative zero");
  assert.ok(Object.is(binary("/", INT, -1, INT, 2), 0), "no negative zero");
  assert.equal(binary("/", BIGINT, -7, BIGINT, 2), -3);
  assert.equal(binary("%", BIGINT, -7, INT, 3), -1);
});

test("integral and DECIMAL division by zero throw and name the expression", () => {
  for (const [t, zero] of [
    [INT, 0],
    [BIGINT, 0],
    [T.DECIMAL(5, 2), Decimal.parse("0.00")],
  ] as const) {
    for (const op of ["/", "%"]) {
      assert.throws(
        () => binary(op, t, t.kind === "DECIMAL" ? Decimal.parse("1.00") : 1, t, zero),
        (e: unknown) =>
          e instanceof SqlArithmeticError &&
          /division by zero/i.test(e.message) &&
          e.message.includes(`${op}($0, $1)`),
        `${op} on ${typeToString(t)}`,
      );
    }
  }
});

test("DOUBLE division by zero gives Infinity or NaN", () => {
  assert.equal(binary("/", T.DOUBLE(), 1, T.DOUBLE(), 0), Infinity);
  assert.equal(binary("/", T.DOUBLE(), -1, T.DOUBLE(), 0), -Infinity);
  assert.ok(Number.isNaN(binary("/", T.DOUBLE(), 0, T.DOUBLE(), 0) as number));
  assert.equal(binary("/", INT, 1, T.DOUBLE(), 4), 0.25);
});

test("FLOAT results are rounded to single precision", () => {
  assert.equal(
    binary("+", T.FLOAT(), Math.fround(0.1), T.FLOAT(), Math.fround(0.2)),
    Math.fround(Math.fround(0.1) + Math.fround(0.2)),
  );
  assert.equal(
    binary("*", T.FLOAT(), Math.fround(1.1), INT, 16777217),
    Math.fround(Math.fround(1.1) * Math.fround(16777217)),
  );
});

test("BIGINT is exact beyond 2^53 and wraps at ±2^63", () => {
  assert.equal(binary("+", BIGINT, 9007199254740992, BIGINT, 1), 9007199254740993n);
  assert.equal(binary("-", BIGINT, 9007199254740993n, BIGINT, 2), 9007199254740991);
  assert.equal(binary("*", BIGINT, 4294967296, BIGINT, 4294967296), 0); // 2^64 wraps to 0
  assert.equal(binary("+", BIGINT, 9223372036854775807n, BIGINT, 1), -9223372036854775808n);
  assert.equal(binary("-", BIGINT, -9223372036854775808n, BIGINT, 1), 9223372036854775807n);
  assert.equal(binary("/", BIGINT, -9223372036854775808n, BIGINT, -1), -9223372036854775808n);
  assert.equal(unary("UNARY_MINUS", BIGINT, -9223372036854775808n), -9223372036854775808n);
  assert.equal(
    binary("*", BIGINT, 3037000500, BIGINT, 3037000500),
    9223372037000250000n - 18446744073709551616n,
  );
  // INT operands widen to BIGINT without wrapping at 32 bits
  assert.equal(binary("+", INT, 2147483647, BIGINT, 1), 2147483648);
});

test("DECIMAL arithmetic: result types, scales, rounding and overflow to NULL", () => {
  const d = (p: number, s: number) => T.DECIMAL(p, s);
  const add = call("+", [inputRef(0, d(5, 2)), inputRef(1, d(5, 3))]);
  assert.equal(typeToString(add.type), "DECIMAL(7, 3)");
  const sum = compileExpression(add)([0, Decimal.parse("1.25"), Decimal.parse("2.001")]) as Decimal;
  assert.equal(sum.toString(), "3.251");

  const mul = call("*", [inputRef(0, d(5, 2)), inputRef(1, d(5, 3))]);
  assert.equal(typeToString(mul.type), "DECIMAL(11, 5)");
  assert.equal(
    String(compileExpression(mul)([0, Decimal.parse("1.25"), Decimal.parse("-2.001")])),
    "-2.50125",
  );

  const div = call("/", [inputRef(0, d(10, 0)), inputRef(1, d(10, 0))]);
  assert.equal(typeToString(div.type), "DECIMAL(21, 11)");
  assert.equal(String(compileExpression(div)([0, Decimal.of(1), Decimal.of(3)])), "0.33333333333");
  assert.equal(String(compileExpression(div)([0, Decimal.of(2), Decimal.of(3)])), "0.66666666667");

  // INT + DECIMAL: the INT becomes DECIMAL(10, 0)
  const mixed = call("+", [inputRef(0, INT), inputRef(1, d(4, 2))]);
  assert.equal(typeToString(mixed.type), "DECIMAL(13, 2)");
  assert.equal(String(compileExpression(mixed)([0, 7, Decimal.parse("0.50")])), "7.50");

  // DECIMAL(38, 0) + 1 overflowing 38 digits gives NULL (Flink)
  const big = call("+", [inputRef(0, d(38, 0)), literal(Decimal.of(1), T.notNull(d(1, 0)))]);
  const max = new Decimal(10n ** 38n - 1n, 0);
  assert.equal(compileExpression(big)([0, max]), null);

  // DECIMAL with DOUBLE is DOUBLE
  assert.equal(binary("*", d(3, 1), Decimal.parse("1.5"), T.DOUBLE(), 2), 3);
});

test("NULL operands give NULL", () => {
  assert.equal(binary("+", INT, null, INT, 1), null);
  assert.equal(binary("*", BIGINT, 1, BIGINT, null), null);
  assert.equal(binary("/", INT, null, INT, 0), null, "no division-by-zero error for NULL");
  assert.equal(compileExpression(call("+", [literalOf(1), literal(null, INT)]))([0]), null);
});

test("date, time and timestamp arithmetic with intervals", () => {
  const date = daysFromCivil(2020, 1, 31);
  const months = T.INTERVAL_YEAR_MONTH("MONTH");
  const dayTime = T.INTERVAL_DAY_TIME("DAY");
  assert.equal(binary("+", T.DATE(), date, months, 1), daysFromCivil(2020, 2, 29));
  assert.equal(binary("-", T.DATE(), date, months, 12), daysFromCivil(2019, 1, 31));
  assert.equal(binary("+", months, 1, T.DATE(), date), daysFromCivil(2020, 2, 29));
  assert.equal(binary("+", T.DATE(), date, dayTime, 2 * 86400000), daysFromCivil(2020, 2, 2));
  assert.equal(binary("+", T.TIME(), 23 * 3600000, dayTime, 2 * 3600000), 3600000, "TIME wraps");
  const ts = new Timestamp(Date.UTC(2020, 0, 31, 10), 500);
  const plusMonth = binary("+", T.TIMESTAMP(9), ts, months, 1) as Timestamp;
  assert.ok(plusMonth.equals(new Timestamp(Date.UTC(2020, 1, 29, 10), 500)));
  const minusHour = binary("-", T.TIMESTAMP(9), ts, dayTime, 3600000) as Timestamp;
  assert.ok(minusHour.equals(new Timestamp(Date.UTC(2020, 0, 31, 9), 500)));
  assert.equal(binary("+", dayTime, 1000, dayTime, 500), 1500);
  assert.equal(binary("*", dayTime, 1000, INT, 3), 3000);
  assert.equal(binary("/", months, 7, INT, 2), 3);
});

test("bad argument types are rejected at plan time, naming the operator and the types", () => {
  const bad = (f: () => unknown, re: RegExp) =>
    assert.throws(f, (e: unknown) => e instanceof SqlValidationError && re.test(e.message));
  bad(() => call("+", [inputRef(0, INT), inputRef(1, T.STRING())]), /'\+'.*\(INT, STRING\)/);
  bad(() => call("%", [inputRef(0, T.DOUBLE()), inputRef(1, INT)]), /'%'.*DOUBLE/);
  bad(() => call("UNARY_MINUS", [inputRef(0, T.BOOLEAN())]), /'-'.*BOOLEAN/);
  bad(() => call("+", [inputRef(0, INT)]), /number of arguments to '\+'/);
  bad(() => call("NO_SUCH_FN", [inputRef(0, INT)]), /No such function.*NO_SUCH_FN/);
});

test("result types follow Flink: INT + INT is INT, INT + BIGINT is BIGINT, % has the right operand's type", () => {
  const t = (e: RexNode) => typeToString(e.type);
  assert.equal(t(call("+", [inputRef(0, INT), inputRef(1, INT)])), "INT");
  assert.equal(t(call("+", [inputRef(0, T.notNull(INT)), inputRef(1, BIGINT)])), "BIGINT");
  assert.equal(t(call("%", [inputRef(0, BIGINT), inputRef(1, T.TINYINT())])), "TINYINT");
  assert.equal(t(call("/", [literalOf(1), literalOf(2)])), "INT NOT NULL");
});

test("numeric literals are converted once at code generation", () => {
  const e = call("/", [inputRef(0, T.DECIMAL(10, 2)), literalOf(3)]);
  assert.equal(typeToString(e.type), "DECIMAL(21, 13)");
  const fn = compileExpression(e);
  assert.doesNotMatch(fn.source, /decimalOfInt\(3\)/);
  assert.equal(String(fn([0, Decimal.parse("1.00")])), "0.3333333333333");
  const cmp = compileExpression(call(">", [inputRef(0, T.DECIMAL(5, 2)), literalOf(-2)]));
  assert.equal(cmp([0, Decimal.parse("-1.99")]), true);
  assert.equal(cmp([0, Decimal.parse("-2.00")]), false);
});
