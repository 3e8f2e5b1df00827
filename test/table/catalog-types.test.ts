import { test } from "node:test";
import assert from "node:assert/strict";
import { logicalTypeOf } from "../../src/table/catalog/type-from-ast.ts";
import { DdlValidationError } from "../../src/table/catalog/errors.ts";
import { parseDataType } from "../../src/table/sql/index.ts";
import * as T from "../../src/table/types/logical-type.ts";
import { typeToString } from "../../src/table/types/type-print.ts";

const typeOf = (sql: string) => logicalTypeOf(parseDataType(sql));

test("scalar types map with Flink's defaults", () => {
  const cases: [string, T.LogicalType][] = [
    ["BOOLEAN", T.BOOLEAN()],
    ["TINYINT", T.TINYINT()],
    ["SMALLINT", T.SMALLINT()],
    ["INTEGER", T.INT()],
    ["BIGINT", T.BIGINT()],
    ["FLOAT", T.FLOAT()],
    ["REAL", T.FLOAT()],
    ["DOUBLE PRECISION", T.DOUBLE()],
    ["DECIMAL", T.DECIMAL(10, 0)],
    ["NUMERIC(12, 3)", T.DECIMAL(12, 3)],
    ["DEC(5)", T.DECIMAL(5, 0)],
    ["CHAR", T.CHAR(1)],
    ["CHAR(4)", T.CHAR(4)],
    ["VARCHAR", T.STRING()],
    ["VARCHAR(20)", T.VARCHAR(20)],
    ["STRING", T.STRING()],
    ["BINARY(3)", T.BINARY(3)],
    ["VARBINARY", T.BYTES()],
    ["BYTES", T.BYTES()],
    ["DATE", T.DATE()],
    ["TIME", T.TIME(0)],
    ["TIME(3)", T.TIME(3)],
    ["TIMESTAMP", T.TIMESTAMP(6)],
    ["TIMESTAMP(3)", T.TIMESTAMP(3)],
    ["TIMESTAMP_LTZ(3)", T.TIMESTAMP_LTZ(3)],
    ["TIMESTAMP(9) WITH LOCAL TIME ZONE", T.TIMESTAMP_LTZ(9)],
    ["TIMESTAMP WITH LOCAL TIME ZONE", T.TIMESTAMP_LTZ(6)],
    ["NULL", T.NULL()],
  ];
  for (const [sql, expected] of cases) {
    assert.ok(T.typesEqual(typeOf(sql), expected), `${sql} -> ${typeToString(typeOf(sql))}`);
  }
});

test("NOT NULL, constructed types and nested nullability", () => {
  assert.ok(T.typesEqual(typeOf("INT NOT NULL"), T.notNull(T.INT())));
  const row = typeOf("ROW<a INT NOT NULL 'the a', b ARRAY<STRING>> NOT NULL");
  assert.equal(typeToString(row), "ROW<`a` INT NOT NULL 'the a', `b` ARRAY<STRING>> NOT NULL");
  assert.equal(
    typeToString(typeOf("MAP<STRING, BIGINT NOT NULL>")),
    "MAP<STRING, BIGINT NOT NULL>",
  );
  assert.equal(typeToString(typeOf("MULTISET<INT>")), "MULTISET<INT>");
  assert.equal(typeToString(typeOf("INT ARRAY")), "ARRAY<INT>");
});

test("interval types follow Flink's forms", () => {
  const cases: [string, string][] = [
    ["INTERVAL YEAR", "INTERVAL YEAR(2)"],
    ["INTERVAL YEAR(4) TO MONTH", "INTERVAL YEAR(4) TO MONTH"],
    ["INTERVAL MONTH", "INTERVAL MONTH"],
    ["INTERVAL DAY(3)", "INTERVAL DAY(3)"],
    ["INTERVAL DAY TO SECOND(3)", "INTERVAL DAY(2) TO SECOND(3)"],
    ["INTERVAL HOUR TO MINUTE", "INTERVAL HOUR TO MINUTE"],
    ["INTERVAL MINUTE TO SECOND", "INTERVAL MINUTE TO SECOND(6)"],
    ["INTERVAL SECOND(3)", "INTERVAL SECOND(3)"],
    ["INTERVAL SECOND", "INTERVAL SECOND(6)"],
  ];
  for (const [sql, printed] of cases) assert.equal(typeToString(typeOf(sql)), printed, sql);
});

test("invalid parameters are positioned errors naming the type", () => {
  const bad: [string, RegExp][] = [
    [
      "CHAR(0)",
      /Invalid type CHAR\(0\) \(line 1, column 1\): Character string length must be between 1 and 2147483647/,
    ],
    ["DECIMAL(40, 2)", /Invalid type DECIMAL\(40, 2\).*precision must be between 1 and 38/],
    ["DECIMAL(5, 6)", /scale must be between 0 and 5/],
    ["TIMESTAMP(10)", /Timestamp precision must be between 0 and 9/],
    ["TIME(12)", /Time precision/],
    ["ROW<a INT, a STRING>", /'a' appears twice/],
    ["RAW('java.lang.Object')", /RAW types are not supported \(line 1, column 1\)/],
    ["NULL NOT NULL", /The NULL type cannot be NOT NULL/],
    ["INTERVAL SECOND(2, 3)", /INTERVAL SECOND takes one precision/],
    ["INTERVAL HOUR(3)", /a precision on HOUR is not supported/],
    ["INTERVAL DAY(7)", /Day precision of an interval must be between 1 and 6/],
  ];
  for (const [sql, re] of bad) {
    assert.throws(
      () => typeOf(sql),
      (e: unknown) => e instanceof DdlValidationError && re.test(e.message),
      sql,
    );
  }
});

test("a nested invalid type names its own position", () => {
  assert.throws(
    () => typeOf("ROW<a INT,\n  b CHAR(0)>"),
    /Invalid type CHAR\(0\) \(line 2, column 5\)/,
  );
});
