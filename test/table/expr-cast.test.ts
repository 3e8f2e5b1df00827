import { test } from "node:test";
import assert from "node:assert/strict";
import * as T from "../../src/table/types/logical-type.ts";
import { Decimal } from "../../src/table/types/decimal.ts";
import { Timestamp } from "../../src/table/types/timestamp.ts";
import { daysFromCivil } from "../../src/table/types/datetime.ts";
import { SqlCastError } from "../../src/table/types/errors.ts";
import { typeToString } from "../../src/table/types/type-print.ts";
import { call, cast, inputRef, literalOf, rexToString } from "../../src/table/expr/rex.ts";
import type { RexNode } from "../../src/table/expr/rex.ts";
import { compileExpression, compileProjection } from "../../src/table/expr/codegen.ts";
import { SqlValidationError } from "../../src/table/expr/errors.ts";

function run(e: RexNode, ...fields: unknown[]): unknown {
  return compileExpression(e)([0, ...fields]);
}

test("CAST between numbers", () => {
  assert.equal(run(cast(inputRef(0, T.INT()), T.BIGINT()), 5), 5);
  assert.equal(run(cast(inputRef(0, T.BIGINT()), T.DOUBLE()), 9007199254740993n), 9007199254740992);
  assert.equal(
    run(cast(inputRef(0, T.INT()), T.TINYINT()), 300),
    44,
    "narrowing keeps the low bits",
  );
  assert.equal(run(cast(inputRef(0, T.DOUBLE()), T.INT()), -2.9), -2, "truncates");
  assert.equal(String(run(cast(inputRef(0, T.DOUBLE()), T.DECIMAL(5, 2)), 1.005)), "1.01");
  assert.equal(
    run(cast(inputRef(0, T.INT()), T.DECIMAL(3, 1)), 12345),
    null,
    "DECIMAL overflow gives NULL",
  );
  assert.equal(run(cast(inputRef(0, T.DECIMAL(5, 2)), T.INT()), Decimal.parse("-7.99")), -7);
});

test("CAST from strings: success, failure naming the expression, TRY_CAST giving NULL", () => {
  const x = inputRef(0, T.STRING());
  assert.equal(run(cast(x, T.INT()), " 42 "), 42);
  assert.equal(run(cast(x, T.BIGINT()), "9223372036854775807"), 9223372036854775807n);
  assert.equal(String(run(cast(x, T.DECIMAL(10, 2)), "3.14159")), "3.14");
  assert.equal(run(cast(x, T.BOOLEAN()), "true"), true);
  assert.equal(run(cast(x, T.DATE()), "2020-02-29"), daysFromCivil(2020, 2, 29));
  const ts = run(cast(x, T.TIMESTAMP(3)), "2020-01-02 03:04:05.678") as Timestamp;
  assert.ok(ts.equals(new Timestamp(Date.UTC(2020, 0, 2, 3, 4, 5, 678))));
  assert.throws(
    () => run(cast(x, T.INT()), "abc"),
    (e: unknown) =>
      e instanceof SqlCastError && e.message.includes("CAST($0 AS INT)") && /abc/.test(e.message),
  );
  assert.equal(run(cast(x, T.INT(), true), "abc"), null);
  assert.equal(run(cast(x, T.INT(), true), "12"), 12);
  assert.equal(run(cast(x, T.INT()), null), null);
});

test("CAST to strings uses Flink's text forms and lengths", () => {
  assert.equal(run(cast(inputRef(0, T.DOUBLE()), T.STRING()), 1), "1.0");
  assert.equal(run(cast(inputRef(0, T.BOOLEAN()), T.STRING()), true), "TRUE");
  assert.equal(run(cast(inputRef(0, T.DECIMAL(5, 2)), T.STRING()), Decimal.parse("1.50")), "1.50");
  assert.equal(run(cast(inputRef(0, T.STRING()), T.VARCHAR(3)), "abcdef"), "abc");
  assert.equal(run(cast(inputRef(0, T.STRING()), T.CHAR(3)), "a"), "a  ");
  assert.equal(
    run(cast(inputRef(0, T.DATE()), T.STRING()), daysFromCivil(2021, 3, 4)),
    "2021-03-04",
  );
});

test("cast result types keep the operand's nullability; TRY_CAST is nullable", () => {
  const nn = inputRef(0, T.notNull(T.STRING()));
  assert.equal(typeToString(cast(nn, T.INT()).type), "INT NOT NULL");
  assert.equal(typeToString(cast(nn, T.INT(), true).type), "INT");
  assert.equal(rexToString(cast(nn, T.INT(), true)), "TRY_CAST($0 AS INT)");
  assert.equal(
    rexToString(cast(inputRef(1, T.INT()), T.notNull(T.BIGINT()))),
    "CAST($1 AS BIGINT)",
  );
});

test("unsupported casts are rejected at plan time", () => {
  assert.throws(
    () => cast(inputRef(0, T.INT()), T.TIMESTAMP(3)),
    (e: unknown) => e instanceof SqlValidationError && /INT.*TIMESTAMP\(3\)/.test(e.message),
  );
  assert.throws(() => cast(inputRef(0, T.DATE()), T.TIME()), SqlValidationError);
});

test("widening casts are inlined; others go through one cast function per query", () => {
  const p = compileProjection(
    [cast(inputRef(0, T.INT()), T.BIGINT()), cast(inputRef(1, T.STRING()), T.INT())],
    2,
  );
  assert.match(p.source, /const v\d+ = c\[\d+\]\(in1\)|v\d+ = c\[\d+\]\(in1\)/);
  assert.doesNotMatch(p.source, /c\[\d+\]\(in0\)/);
  assert.deepEqual(p([2, 7, "8"]), [2, 7, 8]);
});

test("casts combine with arithmetic: CAST(s AS INT) + 1", () => {
  const e = call("+", [cast(inputRef(0, T.STRING()), T.INT()), literalOf(1)]);
  assert.equal(run(e, "41"), 42);
  assert.equal(run(e, null), null);
});
