import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ARRAY,
  BIGINT,
  BOOLEAN,
  BYTES,
  CHAR,
  DATE,
  DECIMAL,
  DOUBLE,
  FIELD,
  FLOAT,
  INT,
  INTERVAL_DAY_TIME,
  INTERVAL_YEAR_MONTH,
  MAP,
  MULTISET,
  NULL,
  SMALLINT,
  STRING,
  SqlTypeError,
  TIME,
  TIMESTAMP,
  TIMESTAMP_LTZ,
  TINYINT,
  VARBINARY,
  VARCHAR,
  arithmeticType,
  avgAggType,
  castResultType,
  commonType,
  comparisonType,
  concatType,
  negateType,
  notNull,
  parseType,
  sumAggType,
  supportsAvoidingCast,
  supportsExplicitCast,
  supportsImplicitCast,
  typeToString,
} from "../../src/table/types/index.ts";
import type { LogicalType } from "../../src/table/types/index.ts";

const show = (t: LogicalType | null) => (t === null ? "none" : typeToString(t));
const common = (...ts: LogicalType[]) => show(commonType(ts));

test("common supertypes follow Flink's findCommonType", () => {
  assert.equal(common(INT(), BIGINT()), "BIGINT");
  assert.equal(common(TINYINT(), SMALLINT()), "SMALLINT");
  assert.equal(common(INT(), DECIMAL(5, 2)), "DECIMAL(12, 2)");
  assert.equal(common(DECIMAL(5, 2), INT()), "DECIMAL(12, 2)");
  assert.equal(common(INT(), BIGINT(), DECIMAL(2, 2)), "DECIMAL(21, 2)"); // Flink's javadoc example
  assert.equal(common(DECIMAL(38, 18), BIGINT()), "DECIMAL(38, 18)");
  assert.equal(common(DECIMAL(38, 0), DECIMAL(38, 38)), "DECIMAL(38, 0)"); // whole digits win
  assert.equal(common(INT(), DOUBLE()), "DOUBLE");
  assert.equal(common(FLOAT(), BIGINT()), "FLOAT");
  assert.equal(common(FLOAT(), DOUBLE()), "DOUBLE");
  assert.equal(common(DECIMAL(10, 2), FLOAT()), "DOUBLE");
  assert.equal(common(VARCHAR(3), VARCHAR(5)), "VARCHAR(5)");
  assert.equal(common(CHAR(3), CHAR(3)), "CHAR(3)");
  assert.equal(common(CHAR(3), CHAR(5)), "VARCHAR(5)"); // no blank padding
  assert.equal(common(CHAR(5), VARCHAR(3)), "VARCHAR(5)");
  assert.equal(common(VARCHAR(3), CHAR(5)), "VARCHAR(5)");
  assert.equal(common(STRING(), CHAR(5)), "STRING");
  assert.equal(common(VARBINARY(3), BYTES()), "BYTES");
  assert.equal(common(TIMESTAMP(3), TIMESTAMP(6)), "TIMESTAMP(6)");
  assert.equal(common(TIMESTAMP(9), TIMESTAMP_LTZ(3)), "TIMESTAMP_LTZ(9)");
  assert.equal(common(TIME(0), TIME(3)), "TIME(3)");
  assert.equal(common(BOOLEAN(), BOOLEAN()), "BOOLEAN");
  assert.equal(common(INT(), STRING()), "none");
  assert.equal(common(BOOLEAN(), INT()), "none");
  assert.equal(common(DATE(), TIME()), "none");
  assert.equal(common(NULL()), "none"); // NULL is for untyped literals only
  assert.equal(common(NULL(), notNull(INT())), "INT");
  assert.equal(common(notNull(INT()), notNull(BIGINT())), "BIGINT NOT NULL");
  assert.equal(common(notNull(INT()), BIGINT()), "BIGINT");
});

test("common supertypes of intervals and constructed types", () => {
  assert.equal(
    common(INTERVAL_YEAR_MONTH("YEAR"), INTERVAL_YEAR_MONTH("MONTH")),
    "INTERVAL YEAR(2) TO MONTH",
  );
  assert.equal(
    common(INTERVAL_DAY_TIME("DAY", 3), INTERVAL_DAY_TIME("HOUR_TO_MINUTE")),
    "INTERVAL DAY(3) TO MINUTE",
  );
  assert.equal(
    common(INTERVAL_DAY_TIME("MINUTE"), INTERVAL_DAY_TIME("SECOND", 2, 3)),
    "INTERVAL MINUTE TO SECOND(6)",
  );
  assert.equal(common(INTERVAL_DAY_TIME(), INTERVAL_YEAR_MONTH()), "none");
  assert.equal(common(ARRAY(INT()), ARRAY(notNull(BIGINT()))), "ARRAY<BIGINT>");
  assert.equal(
    common(MAP(STRING(), INT()), MAP(VARCHAR(3), DECIMAL(5, 2))),
    "MAP<STRING, DECIMAL(12, 2)>",
  );
  assert.equal(
    common(parseType("ROW<a INT, b CHAR(2)>"), parseType("ROW<x BIGINT, y CHAR(3)>")),
    "ROW<`a` BIGINT, `b` VARCHAR(3)>",
  );
  assert.equal(common(parseType("ROW<a INT>"), parseType("ROW<a INT, b INT>")), "none");
  assert.equal(common(ARRAY(INT()), MULTISET(INT())), "none");
  assert.equal(common(ARRAY(INT()), NULL()), "ARRAY<INT>");
});

test("arithmetic result types", () => {
  const ar = (op: "+" | "-" | "*" | "/" | "%", a: LogicalType, b: LogicalType) =>
    show(arithmeticType(op, a, b));
  assert.equal(ar("+", notNull(INT()), notNull(INT())), "INT NOT NULL");
  assert.equal(ar("+", TINYINT(), TINYINT()), "TINYINT");
  assert.equal(ar("*", INT(), BIGINT()), "BIGINT");
  assert.equal(ar("/", INT(), INT()), "INT"); // Flink: integer division
  assert.equal(ar("/", BIGINT(), INT()), "BIGINT");
  assert.equal(ar("%", INT(), BIGINT()), "BIGINT"); // MOD has the type of its right operand
  assert.equal(ar("%", BIGINT(), INT()), "INT");
  assert.equal(ar("+", INT(), DECIMAL(5, 2)), "DECIMAL(13, 2)");
  assert.equal(ar("+", DECIMAL(38, 18), DECIMAL(38, 18)), "DECIMAL(38, 17)");
  assert.equal(ar("*", DECIMAL(38, 18), DECIMAL(38, 18)), "DECIMAL(38, 6)");
  assert.equal(ar("/", DECIMAL(38, 18), DECIMAL(38, 18)), "DECIMAL(38, 6)");
  assert.equal(ar("*", DECIMAL(10, 2), DECIMAL(5, 3)), "DECIMAL(16, 5)");
  assert.equal(ar("/", DECIMAL(10, 2), INT()), "DECIMAL(21, 13)");
  assert.equal(ar("/", DECIMAL(1, 1), DECIMAL(1, 1)), "DECIMAL(7, 6)");
  assert.equal(ar("%", DECIMAL(10, 2), DECIMAL(5, 3)), "DECIMAL(5, 3)");
  assert.equal(ar("-", DECIMAL(1, 1), DECIMAL(1, 1)), "DECIMAL(2, 1)");
  assert.equal(ar("+", DOUBLE(), DECIMAL(10, 2)), "DOUBLE");
  assert.equal(ar("*", FLOAT(), INT()), "FLOAT");
  assert.equal(ar("/", FLOAT(), DOUBLE()), "DOUBLE");
  assert.equal(ar("+", notNull(INT()), INT()), "INT");
  assert.equal(ar("+", NULL(), notNull(INT())), "INT");
  assert.throws(() => arithmeticType("%", DOUBLE(), INT()), SqlTypeError);
  assert.throws(
    () => arithmeticType("+", STRING(), INT()),
    /Cannot apply '\+' to arguments of type \(STRING, INT\)/,
  );
  assert.throws(() => arithmeticType("+", BOOLEAN(), BOOLEAN()), SqlTypeError);
});

test("date/time arithmetic with intervals", () => {
  const ar = (op: "+" | "-" | "*" | "/", a: LogicalType, b: LogicalType) =>
    show(arithmeticType(op, a, b));
  assert.equal(ar("+", notNull(DATE()), notNull(INTERVAL_YEAR_MONTH("MONTH"))), "DATE NOT NULL");
  assert.equal(ar("+", DATE(), INTERVAL_DAY_TIME("HOUR")), "DATE"); // the datetime type is kept
  assert.equal(ar("-", TIMESTAMP(3), INTERVAL_DAY_TIME()), "TIMESTAMP(3)");
  assert.equal(ar("+", INTERVAL_DAY_TIME(), TIMESTAMP_LTZ(3)), "TIMESTAMP_LTZ(3)");
  assert.equal(ar("+", TIME(0), INTERVAL_DAY_TIME("MINUTE")), "TIME(0)");
  assert.equal(
    ar("+", INTERVAL_YEAR_MONTH("YEAR"), INTERVAL_YEAR_MONTH("MONTH")),
    "INTERVAL YEAR(2) TO MONTH",
  );
  assert.equal(ar("*", INTERVAL_DAY_TIME("DAY"), INT()), "INTERVAL DAY(2)");
  assert.equal(ar("*", INT(), INTERVAL_DAY_TIME("DAY")), "INTERVAL DAY(2)");
  assert.equal(ar("/", INTERVAL_YEAR_MONTH(), INT()), "INTERVAL YEAR(2) TO MONTH");
  assert.throws(() => arithmeticType("-", INTERVAL_DAY_TIME(), DATE()), SqlTypeError);
  assert.throws(() => arithmeticType("+", TIME(), INTERVAL_YEAR_MONTH()), SqlTypeError);
  assert.throws(
    () => arithmeticType("+", INTERVAL_DAY_TIME(), INTERVAL_YEAR_MONTH()),
    SqlTypeError,
  );
  assert.throws(() => arithmeticType("+", DATE(), INT()), SqlTypeError);
  assert.equal(show(negateType(INTERVAL_DAY_TIME())), "INTERVAL DAY(2) TO SECOND(6)");
  assert.throws(() => negateType(STRING()), SqlTypeError);
});

test("aggregate result types: AVG(INT) is INT, DECIMAL sums widen to 38", () => {
  assert.equal(show(avgAggType(INT())), "INT");
  assert.equal(show(avgAggType(notNull(BIGINT()))), "BIGINT NOT NULL");
  assert.equal(show(avgAggType(DECIMAL(10, 2))), "DECIMAL(38, 6)");
  assert.equal(show(avgAggType(DECIMAL(20, 10))), "DECIMAL(38, 10)");
  assert.equal(show(sumAggType(DECIMAL(10, 2))), "DECIMAL(38, 2)");
  assert.equal(show(sumAggType(INT())), "INT");
});

test("implicit casts widen safely", () => {
  const yes: Array<[LogicalType, LogicalType]> = [
    [TINYINT(), INT()],
    [INT(), BIGINT()],
    [INT(), DECIMAL(5, 0)], // Flink's table: every numeric widens to DECIMAL
    [BIGINT(), FLOAT()],
    [DECIMAL(10, 2), DOUBLE()],
    [DOUBLE(), DECIMAL(10, 2)],
    [CHAR(3), VARCHAR(2)],
    [VARBINARY(3), VARBINARY(10)],
    [TIMESTAMP(3), TIMESTAMP_LTZ(6)],
    [TIMESTAMP_LTZ(6), TIMESTAMP(3)],
    [TIMESTAMP(3), DATE()],
    [NULL(), INT()],
    [notNull(INT()), INT()],
    [ARRAY(INT()), ARRAY(BIGINT())],
    [parseType("ROW<a INT>"), parseType("ROW<b BIGINT>")],
  ];
  for (const [s, t] of yes) assert.ok(supportsImplicitCast(s, t), `${show(s)} -> ${show(t)}`);
  const no: Array<[LogicalType, LogicalType]> = [
    [BIGINT(), INT()],
    [DOUBLE(), FLOAT()],
    [STRING(), INT()],
    [INT(), STRING()],
    [VARCHAR(3), CHAR(3)],
    [INT(), notNull(INT())],
    [NULL(), notNull(INT())], // a NOT NULL type cannot hold NULL
    [DATE(), TIMESTAMP(3)],
    [INT(), INTERVAL_YEAR_MONTH("MONTH")],
    [ARRAY(BIGINT()), ARRAY(INT())],
    [ARRAY(INT()), MULTISET(INT())],
  ];
  for (const [s, t] of no) assert.ok(!supportsImplicitCast(s, t), `${show(s)} -> ${show(t)}`);
});

test("explicit casts follow Flink's documented matrix", () => {
  const yes: Array<[LogicalType, LogicalType]> = [
    [STRING(), INT()],
    [STRING(), BOOLEAN()],
    [STRING(), DECIMAL(5, 2)],
    [STRING(), TIMESTAMP_LTZ(3)],
    [STRING(), BYTES()],
    [BYTES(), STRING()],
    [INT(), BOOLEAN()],
    [BOOLEAN(), DECIMAL(5, 2)],
    [BOOLEAN(), DOUBLE()],
    [DOUBLE(), TINYINT()],
    [DATE(), TIMESTAMP_LTZ(3)],
    [TIME(), TIMESTAMP(3)],
    [TIMESTAMP_LTZ(3), DATE()],
    [INT(), INTERVAL_YEAR_MONTH("MONTH")],
    [INTERVAL_DAY_TIME("SECOND"), BIGINT()],
    [ARRAY(STRING()), ARRAY(INT())],
    [MAP(STRING(), INT()), STRING()],
    [parseType("ROW<a STRING, b INT>"), parseType("ROW<x INT, y STRING>")],
    [INT(), notNull(INT())], // explicit casts may assert NOT NULL
  ];
  for (const [s, t] of yes) assert.ok(supportsExplicitCast(s, t), `${show(s)} -> ${show(t)}`);
  const no: Array<[LogicalType, LogicalType]> = [
    [DOUBLE(), BOOLEAN()],
    [DECIMAL(5, 2), BOOLEAN()],
    [INT(), TIMESTAMP(3)], // Flink: use TO_TIMESTAMP_LTZ
    [TIMESTAMP(3), BIGINT()], // Flink: use UNIX_TIMESTAMP
    [DATE(), TIME()],
    [TIME(), DATE()],
    [INT(), BYTES()],
    [BYTES(), INT()],
    [STRING(), INTERVAL_DAY_TIME()],
    [INT(), INTERVAL_DAY_TIME("DAY")], // day-time intervals go with BIGINT
    [BIGINT(), INTERVAL_YEAR_MONTH()], // only single-field intervals
    [INTERVAL_DAY_TIME(), INTERVAL_YEAR_MONTH()],
    [ARRAY(INT()), MAP(INT(), INT())],
    [parseType("ROW<a INT>"), parseType("ROW<a INT, b INT>")],
    [STRING(), ARRAY(STRING())],
  ];
  for (const [s, t] of no) assert.ok(!supportsExplicitCast(s, t), `${show(s)} -> ${show(t)}`);
});

test("cast avoidance: values usable as is", () => {
  assert.ok(supportsAvoidingCast(CHAR(2), VARCHAR(3)));
  assert.ok(!supportsAvoidingCast(VARCHAR(2), CHAR(3)));
  assert.ok(!supportsAvoidingCast(VARCHAR(4), VARCHAR(3)));
  assert.ok(supportsAvoidingCast(notNull(INT()), INT()));
  assert.ok(!supportsAvoidingCast(INT(), notNull(INT())));
  assert.ok(supportsAvoidingCast(parseType("ROW<a INT>"), parseType("ROW<b INT>")));
  assert.ok(!supportsAvoidingCast(INT(), BIGINT()));
});

test("comparability", () => {
  assert.equal(show(comparisonType(BIGINT(), DOUBLE(), "ordering")), "DOUBLE");
  assert.equal(show(comparisonType(INT(), DECIMAL(5, 2), "equality")), "DECIMAL(12, 2)");
  assert.equal(show(comparisonType(CHAR(3), STRING(), "ordering")), "STRING");
  assert.equal(
    show(comparisonType(TIMESTAMP(3), TIMESTAMP_LTZ(3), "ordering")),
    "TIMESTAMP_LTZ(3)",
  );
  assert.equal(show(comparisonType(NULL(), DATE(), "equality")), "DATE");
  assert.equal(comparisonType(STRING(), INT(), "equality"), null); // no implicit string/number coercion
  assert.equal(comparisonType(DATE(), TIMESTAMP(3), "ordering"), null);
  assert.equal(comparisonType(BOOLEAN(), INT(), "equality"), null);
  assert.equal(comparisonType(INTERVAL_DAY_TIME(), INTERVAL_YEAR_MONTH(), "ordering"), null);
  assert.equal(show(comparisonType(ARRAY(INT()), ARRAY(BIGINT()), "equality")), "ARRAY<BIGINT>");
  assert.equal(comparisonType(ARRAY(INT()), ARRAY(INT()), "ordering"), null);
  assert.equal(comparisonType(MAP(INT(), INT()), MAP(STRING(), INT()), "equality"), null);
});

test("string concatenation and CAST result types", () => {
  assert.equal(show(concatType(CHAR(2), CHAR(3))), "CHAR(5)");
  assert.equal(show(concatType(CHAR(2), VARCHAR(3))), "VARCHAR(5)");
  assert.equal(show(concatType(notNull(STRING()), notNull(STRING()))), "STRING NOT NULL");
  assert.equal(show(concatType(VARBINARY(2), BYTES())), "BYTES");
  assert.throws(() => concatType(STRING(), INT()), /Cannot apply '\|\|'/);
  assert.throws(() => concatType(STRING(), BYTES()), SqlTypeError);
  assert.equal(show(castResultType(notNull(STRING()), INT())), "INT NOT NULL"); // CAST keeps nullability
  assert.equal(show(castResultType(notNull(STRING()), INT(), true)), "INT"); // TRY_CAST is nullable
  assert.equal(show(castResultType(STRING(), INT())), "INT");
  assert.equal(show(castResultType(FIELD("x", INT()).type, DOUBLE())), "DOUBLE");
});
