import { test } from "node:test";
import assert from "node:assert/strict";
import { compileExpression } from "../../src/table/expr/codegen.ts";
import { isDeterministic } from "../../src/table/expr/rex.ts";
import { Decimal } from "../../src/table/types/decimal.ts";
import * as T from "../../src/table/types/logical-type.ts";
import { typeToString } from "../../src/table/types/type-print.ts";
import { JavaRandom } from "../../src/table/functions/random.ts";
import { dec, ev, evIn, fcall, inputRef, nul, run, typed } from "./functions-support.ts";

const typeOf = (op: string, ...args: Parameters<typeof fcall>[1][]) =>
  typeToString(fcall(op, ...args).type);
const decText = (v: unknown) => (v as Decimal).toString();

test("ABS keeps the type; the minimum integer stays negative as in Java", () => {
  assert.equal(ev("ABS", -5), 5);
  assert.equal(ev("ABS", -2147483648), -2147483648);
  assert.equal(
    run(fcall("ABS", typed(-9223372036854775808n, T.notNull(T.BIGINT())))),
    -9223372036854775808n,
  );
  assert.equal(run(fcall("ABS", typed(-128, T.notNull(T.TINYINT())))), -128);
  assert.equal(decText(run(fcall("ABS", dec("-1.50")))), "1.50");
  assert.equal(ev("ABS", -2.5), 2.5);
  assert.equal(run(fcall("ABS", typed(-3600000, T.notNull(T.INTERVAL_DAY_TIME("HOUR"))))), 3600000);
  assert.equal(typeOf("ABS", dec("-1.50")), "DECIMAL(3, 2) NOT NULL");
  assert.equal(ev("ABS", nul(T.INT())), null);
});

test("MOD is the remainder typed by the divisor; division by zero fails", () => {
  assert.equal(ev("MOD", 7, 3), 1);
  assert.equal(ev("MOD", -7, 3), -1, "the sign of the dividend");
  assert.equal(ev("MOD", 7, -3), 1);
  assert.equal(decText(run(fcall("MOD", dec("7.5"), 2))), "1.5");
  assert.equal(
    run(fcall("MOD", typed(10, T.notNull(T.BIGINT())), typed(3, T.notNull(T.SMALLINT())))),
    1,
  );
  assert.equal(
    typeToString(
      fcall("MOD", typed(10, T.notNull(T.BIGINT())), typed(3, T.notNull(T.SMALLINT()))).type,
    ),
    "SMALLINT NOT NULL",
  );
  assert.throws(() => ev("MOD", 1, 0), /Division by zero \(in expression MOD\(1, 0\)\)/);
  assert.throws(() => fcall("MOD", 1.5, 2), /Cannot apply '%'/);
});

test("DOUBLE functions follow Java's Math: NaN and infinities instead of errors", () => {
  assert.equal(ev("POWER", 2, 10), 1024);
  assert.equal(ev("POW", 2, -1), 0.5);
  assert.equal(run(fcall("POWER", dec("1.5"), 2)), 2.25);
  assert.equal(ev("SQRT", 16), 4);
  assert.ok(Number.isNaN(ev("SQRT", -1) as number));
  assert.equal(ev("EXP", 0), 1);
  assert.equal(ev("LN", 1), 0);
  assert.equal(ev("LN", 0), -Infinity);
  assert.equal(ev("LOG10", 1000), 3);
  assert.equal(ev("LOG2", 8), 3);
  assert.equal(ev("LOG", 10, 100), 2);
  assert.equal(ev("LOG", Math.E), 1);
  assert.equal(ev("SIN", 0), 0);
  assert.equal(ev("COS", 0), 1);
  assert.equal(ev("TAN", 0), 0);
  assert.equal(ev("COT", 1), 1 / Math.tan(1));
  assert.equal(ev("ASIN", 1), Math.PI / 2);
  assert.ok(Number.isNaN(ev("ACOS", 2) as number));
  assert.equal(ev("ATAN2", 1, 1), Math.PI / 4);
  assert.equal(ev("SINH", 0), 0);
  assert.equal(ev("COSH", 0), 1);
  assert.equal(ev("TANH", 0), 0);
  assert.equal(ev("DEGREES", Math.PI), 180);
  assert.equal(ev("RADIANS", 180), Math.PI);
  assert.equal(ev("PI"), Math.PI);
  assert.equal(ev("E"), Math.E);
  assert.equal(typeOf("SQRT", 4), "DOUBLE NOT NULL");
  assert.equal(ev("SQRT", nul(T.DOUBLE())), null);
  assert.throws(
    () => fcall("SQRT", "4"),
    /Cannot apply 'SQRT' to arguments of type \(CHAR\(1\) NOT NULL\)/,
  );
});

test("SIGN keeps the argument type", () => {
  assert.equal(ev("SIGN", -3), -1);
  assert.equal(ev("SIGN", 0), 0);
  assert.equal(ev("SIGN", 2.5), 1);
  assert.equal(decText(run(fcall("SIGN", dec("-12.34")))), "-1.00");
  assert.equal(typeOf("SIGN", dec("-12.34")), "DECIMAL(4, 2) NOT NULL");
  assert.equal(run(fcall("SIGN", typed(-5n * 10n ** 18n, T.notNull(T.BIGINT())))), -1);
});

test("ROUND on DECIMAL is exact HALF_UP with Flink's result types", () => {
  assert.equal(decText(run(fcall("ROUND", dec("1.2345"), 2))), "1.23");
  assert.equal(
    typeOf("ROUND", dec("1.2345"), 2),
    "DECIMAL(4, 2) NOT NULL",
    "DECIMAL(1 + p - s + d, d)",
  );
  assert.equal(decText(run(fcall("ROUND", dec("1.235"), 2))), "1.24");
  assert.equal(decText(run(fcall("ROUND", dec("-1.235"), 2))), "-1.24", "half away from zero");
  assert.equal(decText(run(fcall("ROUND", dec("9.995"), 2))), "10.00", "rounding may add a digit");
  assert.equal(decText(run(fcall("ROUND", dec("-1.5")))), "-2");
  assert.equal(typeOf("ROUND", dec("-1.5")), "DECIMAL(2, 0) NOT NULL");
  assert.equal(decText(run(fcall("ROUND", dec("1234.56"), -2))), "1200");
  assert.equal(typeOf("ROUND", dec("1234.56"), -2), "DECIMAL(5, 0) NOT NULL");
  assert.equal(
    decText(run(fcall("ROUND", dec("1.5"), 3))),
    "1.5",
    "more digits than the scale keep the value",
  );
  assert.equal(typeOf("ROUND", dec("1.5"), 3), "DECIMAL(2, 1) NOT NULL");
  assert.equal(
    decText(run(fcall("ROUND", dec("12345678901234567890.123456789012345678"), 10))),
    "12345678901234567890.1234567890",
    "38 digits stay exact",
  );
  // a run-time digit count keeps the argument type
  const e = fcall("ROUND", dec("1.2345"), inputRef(0, T.INT()));
  assert.equal(typeToString(e.type), "DECIMAL(5, 4)");
  assert.equal(decText(run(e, [2])), "1.2300");
});

test("ROUND on integers (negative digits, wrapping) and doubles (shortest digits, HALF_UP)", () => {
  assert.equal(ev("ROUND", 125, -1), 130);
  assert.equal(ev("ROUND", -125, -1), -130);
  assert.equal(ev("ROUND", 124, -1), 120);
  assert.equal(ev("ROUND", 7, 2), 7);
  assert.equal(ev("ROUND", 2147483647, -1), -2147483646, "wraps as Java's intValue()");
  assert.equal(
    run(fcall("ROUND", typed(9007199254740993n, T.notNull(T.BIGINT())), -1)),
    9007199254740990,
  );
  assert.equal(ev("ROUND", 2.675, 2), 2.68, "BigDecimal.valueOf(2.675) is exactly 2.675");
  assert.equal(ev("ROUND", 1.005, 2), 1.01);
  assert.equal(ev("ROUND", -2.5), -3);
  assert.equal(ev("ROUND", 1234.5678, -2), 1200);
  assert.ok(Number.isNaN(ev("ROUND", NaN) as number));
  assert.equal(ev("ROUND", Infinity, 2), Infinity);
  assert.equal(typeOf("ROUND", 2.5), "DOUBLE NOT NULL");
  assert.equal(typeOf("ROUND", 25, -1), "INT NOT NULL");
  assert.equal(ev("ROUND", 1.5, nul(T.INT())), null);
});

test("TRUNCATE rounds toward zero with the same types", () => {
  assert.equal(decText(run(fcall("TRUNCATE", dec("42.324"), 2))), "42.32");
  assert.equal(decText(run(fcall("TRUNCATE", dec("-42.329"), 2))), "-42.32");
  assert.equal(decText(run(fcall("TRUNCATE", dec("42.324")))), "42");
  assert.equal(decText(run(fcall("TRUNCATE", dec("1999.9"), -2))), "1900");
  assert.equal(typeOf("TRUNCATE", dec("42.324"), 2), "DECIMAL(5, 2) NOT NULL");
  assert.equal(ev("TRUNCATE", 42.324, 2), 42.32);
  assert.equal(ev("TRUNCATE", -42.329, 2), -42.32);
  assert.equal(ev("TRUNCATE", 42.324), 42);
  assert.equal(ev("TRUNCATE", 129, -1), 120);
  assert.equal(ev("TRUNCATE", -129, -1), -120);
});

test("FLOOR / CEIL on numbers: DECIMAL to scale 0, integers unchanged", () => {
  assert.equal(decText(run(fcall("FLOOR", dec("-1.5")))), "-2");
  assert.equal(decText(run(fcall("CEIL", dec("-1.5")))), "-1");
  assert.equal(decText(run(fcall("CEILING", dec("1.01")))), "2");
  assert.equal(typeOf("FLOOR", dec("123.45")), "DECIMAL(5, 0) NOT NULL");
  assert.equal(ev("FLOOR", 1.7), 1);
  assert.equal(ev("CEIL", 1.2), 2);
  assert.equal(ev("CEIL", -0.5), -0);
  assert.equal(ev("FLOOR", 7), 7);
  assert.equal(typeOf("CEIL", 7), "INT NOT NULL");
  assert.equal(ev("FLOOR", nul(T.DECIMAL(5, 2))), null);
});

test("java.util.Random port gives Java's sequences", () => {
  const r = new JavaRandom(42);
  assert.equal(r.nextDouble(), 0.7275636800328681);
  const r0 = new JavaRandom(0);
  assert.equal(r0.nextDouble(), 0.730967787376657);
  const ri = new JavaRandom(42);
  assert.deepEqual([ri.nextInt(10), ri.nextInt(10), ri.nextInt(10)], [0, 3, 8]);
  const p2 = new JavaRandom(7);
  for (let i = 0; i < 100; i++) {
    const v = p2.nextInt(16);
    assert.ok(v >= 0 && v < 16);
  }
  assert.throws(() => new JavaRandom(1).nextInt(0), /bound must be positive/);
});

test("RAND / RAND_INTEGER: seeded sequences repeat per compiled copy, never deterministic", () => {
  const seeded = fcall("RAND", 42);
  const f = compileExpression(seeded);
  const g = compileExpression(seeded);
  const a = [f([0]), f([0]), f([0])];
  const b = [g([0]), g([0]), g([0])];
  assert.deepEqual(a, b);
  assert.equal(a[0], 0.7275636800328681);
  assert.notEqual(a[0], a[1]);
  const ri = compileExpression(fcall("RAND_INTEGER", 42, 10));
  assert.deepEqual([ri([0]), ri([0]), ri([0])], [0, 3, 8]);
  const unseeded = compileExpression(fcall("RAND"));
  const x = unseeded([0]) as number;
  assert.ok(x >= 0 && x < 1);
  const ub = compileExpression(fcall("RAND_INTEGER", 5));
  for (let i = 0; i < 50; i++) assert.ok((ub([0]) as number) < 5);
  assert.equal(isDeterministic(seeded), false);
  assert.throws(() => evIn("RAND", [T.INT()], [1]), /The seed of RAND must be a literal/);
  assert.throws(() => ev("RAND_INTEGER", -1), /bound must be positive/);
  assert.equal(typeToString(seeded.type), "DOUBLE NOT NULL");
});
