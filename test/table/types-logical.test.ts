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
  FIELD,
  FLOAT,
  INT,
  INTERVAL_DAY_TIME,
  INTERVAL_YEAR_MONTH,
  MAP,
  MULTISET,
  NULL,
  ROW,
  SMALLINT,
  STRING,
  TIME,
  TIMESTAMP,
  TIMESTAMP_LTZ,
  TINYINT,
  TypeParseError,
  VARBINARY,
  VARCHAR,
  asNullable,
  getPrecision,
  getScale,
  hasFamily,
  isExactNumeric,
  isSingleFieldInterval,
  isTemporal,
  notNull,
  parseType,
  typeToString,
  typesEqual,
} from "../../src/table/types/index.ts";

test("constructors use Flink's defaults", () => {
  assert.deepEqual(DECIMAL(), { kind: "DECIMAL", nullable: true, precision: 10, scale: 0 });
  assert.equal(TIMESTAMP().precision, 6);
  assert.equal(TIMESTAMP_LTZ().precision, 6);
  assert.equal(TIME().precision, 0);
  assert.equal(CHAR().length, 1);
  assert.equal(VARCHAR().length, 1);
  assert.equal(STRING().length, 2147483647);
  assert.equal(BYTES().length, 2147483647);
  const ym = INTERVAL_YEAR_MONTH();
  assert.equal(ym.resolution, "YEAR_TO_MONTH");
  assert.equal(ym.yearPrecision, 2);
  const dt = INTERVAL_DAY_TIME();
  assert.deepEqual(
    [dt.resolution, dt.dayPrecision, dt.fractionalPrecision],
    ["DAY_TO_SECOND", 2, 6],
  );
  assert.equal(INT().nullable, true);
});

test("typeToString prints Flink's forms", () => {
  assert.equal(typeToString(notNull(INT())), "INT NOT NULL");
  assert.equal(typeToString(DECIMAL(10, 2)), "DECIMAL(10, 2)");
  assert.equal(typeToString(VARCHAR(2147483647)), "STRING");
  assert.equal(typeToString(VARCHAR(5)), "VARCHAR(5)");
  assert.equal(typeToString(VARBINARY(2147483647)), "BYTES");
  assert.equal(typeToString(BINARY(3)), "BINARY(3)");
  assert.equal(typeToString(TIMESTAMP()), "TIMESTAMP(6)");
  assert.equal(typeToString(notNull(TIMESTAMP_LTZ(3))), "TIMESTAMP_LTZ(3) NOT NULL");
  assert.equal(typeToString(TIME()), "TIME(0)");
  assert.equal(typeToString(NULL()), "NULL");
  assert.equal(typeToString(INTERVAL_YEAR_MONTH("YEAR", 4)), "INTERVAL YEAR(4)");
  assert.equal(typeToString(INTERVAL_YEAR_MONTH()), "INTERVAL YEAR(2) TO MONTH");
  assert.equal(typeToString(INTERVAL_YEAR_MONTH("MONTH")), "INTERVAL MONTH");
  assert.equal(
    typeToString(INTERVAL_DAY_TIME("DAY_TO_SECOND", 3, 3)),
    "INTERVAL DAY(3) TO SECOND(3)",
  );
  assert.equal(typeToString(INTERVAL_DAY_TIME("HOUR_TO_MINUTE")), "INTERVAL HOUR TO MINUTE");
  assert.equal(typeToString(INTERVAL_DAY_TIME("SECOND", 2, 3)), "INTERVAL SECOND(3)");
  assert.equal(
    typeToString(MAP(STRING(), ARRAY(notNull(INT())))),
    "MAP<STRING, ARRAY<INT NOT NULL>>",
  );
  assert.equal(typeToString(MULTISET(DOUBLE())), "MULTISET<DOUBLE>");
  assert.equal(
    typeToString(notNull(ROW([FIELD("a", notNull(INT())), FIELD("b`c", STRING(), "it's b")]))),
    "ROW<`a` INT NOT NULL, `b``c` STRING 'it''s b'> NOT NULL",
  );
});

test("parameters are validated with clear RangeErrors", () => {
  assert.throws(() => DECIMAL(39, 0), /Decimal precision must be between 1 and 38 .*got 39/);
  assert.throws(() => DECIMAL(0), /Decimal precision must be between 1 and 38/);
  assert.throws(() => DECIMAL(5, 6), /Decimal scale must be between 0 and 5 .*got 6/);
  assert.throws(() => CHAR(0), /Character string length must be between 1 and 2147483647/);
  assert.throws(() => VARBINARY(-1), /Binary string length/);
  assert.throws(() => TIMESTAMP(10), /Timestamp precision must be between 0 and 9/);
  assert.throws(() => TIME(1.5), /Time precision/);
  assert.throws(
    () => INTERVAL_YEAR_MONTH("YEAR", 5),
    /Year precision of an interval must be between 1 and 4/,
  );
  assert.throws(
    () => INTERVAL_DAY_TIME("DAY", 7),
    /Day precision of an interval must be between 1 and 6/,
  );
  assert.throws(
    () => ROW([FIELD("a", INT()), FIELD("a", STRING())]),
    /must be unique, 'a' appears twice/,
  );
  assert.throws(() => ROW([FIELD("", INT())]), /must not be empty/);
  assert.throws(() => notNull(NULL()), /NULL type cannot be NOT NULL/);
});

test("nullability helpers and structural equality", () => {
  const t = ROW([FIELD("a", INT()), FIELD("b", ARRAY(STRING()))]);
  assert.equal(notNull(t).nullable, false);
  assert.equal(asNullable(notNull(t)).nullable, true);
  assert.ok(
    typesEqual(
      t,
      ROW([
        ["a", INT()],
        ["b", ARRAY(STRING())],
      ]),
    ),
  );
  assert.ok(
    !typesEqual(
      t,
      ROW([
        ["a", INT()],
        ["c", ARRAY(STRING())],
      ]),
    ),
  );
  assert.ok(!typesEqual(t, notNull(t)));
  assert.ok(typesEqual(t, notNull(t), true));
  assert.ok(!typesEqual(DECIMAL(10, 2), DECIMAL(10, 3)));
  assert.ok(!typesEqual(TIMESTAMP(3), TIMESTAMP_LTZ(3)));
  assert.ok(!typesEqual(ROW([FIELD("a", INT(), "x")]), ROW([FIELD("a", INT())])));
});

test("type families", () => {
  assert.ok(hasFamily(INT(), "INTEGER_NUMERIC") && hasFamily(INT(), "EXACT_NUMERIC"));
  assert.ok(hasFamily(DECIMAL(), "EXACT_NUMERIC") && !hasFamily(DECIMAL(), "INTEGER_NUMERIC"));
  assert.ok(hasFamily(FLOAT(), "APPROXIMATE_NUMERIC") && hasFamily(DOUBLE(), "NUMERIC"));
  assert.ok(hasFamily(CHAR(), "CHARACTER_STRING") && hasFamily(BYTES(), "BINARY_STRING"));
  assert.ok(hasFamily(TIME(), "TIME") && hasFamily(TIMESTAMP_LTZ(), "TIMESTAMP"));
  assert.ok(isTemporal(DATE()) && !isTemporal(INTERVAL_DAY_TIME()));
  assert.ok(hasFamily(ARRAY(INT()), "COLLECTION") && hasFamily(MAP(INT(), INT()), "CONSTRUCTED"));
  assert.ok(!hasFamily(BOOLEAN(), "NUMERIC"));
  assert.ok(isExactNumeric(TINYINT()) && !isExactNumeric(FLOAT()));
  assert.deepEqual(
    [TINYINT(), SMALLINT(), INT(), BIGINT(), DECIMAL(7, 2)].map(getPrecision),
    [3, 5, 10, 19, 7],
  );
  assert.equal(getScale(DECIMAL(7, 2)), 2);
  assert.ok(isSingleFieldInterval(INTERVAL_YEAR_MONTH("MONTH")));
  assert.ok(!isSingleFieldInterval(INTERVAL_DAY_TIME("HOUR_TO_SECOND")));
});

test("parseType reads Flink's type syntax", () => {
  const row = parseType("ROW<a INT NOT NULL, b ARRAY<STRING>>");
  assert.ok(typesEqual(row, ROW([FIELD("a", notNull(INT())), FIELD("b", ARRAY(STRING()))])));
  assert.equal(typeToString(row), "ROW<`a` INT NOT NULL, `b` ARRAY<STRING>>");
  const cases: Array<[string, string]> = [
    ["integer", "INT"],
    ["decimal", "DECIMAL(10, 0)"],
    ["NUMERIC(5)", "DECIMAL(5, 0)"],
    ["dec(38, 18) not null", "DECIMAL(38, 18) NOT NULL"],
    ["VARCHAR", "VARCHAR(1)"],
    ["double precision", "DOUBLE"],
    ["TIMESTAMP", "TIMESTAMP(6)"],
    ["TIMESTAMP(3) WITHOUT TIME ZONE", "TIMESTAMP(3)"],
    ["TIMESTAMP(3) WITH LOCAL TIME ZONE", "TIMESTAMP_LTZ(3)"],
    ["TIMESTAMP_LTZ(9)", "TIMESTAMP_LTZ(9)"],
    ["TIME(3)", "TIME(3)"],
    ["INTERVAL YEAR TO MONTH", "INTERVAL YEAR(2) TO MONTH"],
    ["INTERVAL MONTH", "INTERVAL MONTH"],
    ["INTERVAL DAY(3) TO SECOND(3)", "INTERVAL DAY(3) TO SECOND(3)"],
    ["INTERVAL MINUTE TO SECOND", "INTERVAL MINUTE TO SECOND(6)"],
    ["INTERVAL SECOND(3)", "INTERVAL SECOND(3)"],
    ["INT ARRAY", "ARRAY<INT>"],
    ["STRING MULTISET NOT NULL", "MULTISET<STRING> NOT NULL"],
    ["MAP<STRING, BIGINT NOT NULL>", "MAP<STRING, BIGINT NOT NULL>"],
    ["ROW(`a b` BYTES 'the desc', c DATE)", "ROW<`a b` BYTES 'the desc', `c` DATE>"],
    ["ROW<>", "ROW<>"],
  ];
  for (const [text, printed] of cases) assert.equal(typeToString(parseType(text)), printed, text);
  // printing and parsing round-trip
  for (const [, printed] of cases) assert.equal(typeToString(parseType(printed)), printed);
});

test("parseType names the position of errors", () => {
  assert.throws(
    () => parseType("INT NOT"),
    (e: unknown) => e instanceof TypeParseError && /position 4/.test(e.message),
  );
  assert.throws(() => parseType("FOO"), /Unknown type 'FOO' at position 0/);
  assert.throws(
    () => parseType("DECIMAL(40, 2)"),
    /Decimal precision must be between 1 and 38 .* at position 0/,
  );
  assert.throws(() => parseType("ARRAY<INT"), /Expected '>'/);
  assert.throws(() => parseType("ROW<a INT, a STRING>"), /unique/);
  assert.throws(() => parseType("INTERVAL HOUR TO DAY"), /Invalid interval end field/);
  assert.throws(() => parseType("TIMESTAMP WITH TIME ZONE"), /use TIMESTAMP_LTZ/);
  assert.throws(() => parseType("INT INT"), /Unexpected input after the type at position 4/);
});
