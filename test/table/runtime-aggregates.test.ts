/**
 * SQL aggregate functions with accumulate and retract: per-type SUM/AVG semantics (Flink's),
 * MIN/MAX after retracting the extreme, LISTAGG, the variance family, FIRST/LAST_VALUE, and
 * the aggregate calls' FILTER and DISTINCT handling.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DataInputView, DataOutputView, TypeRegistry } from "../../src/core/serialization.ts";
import { Aggregation } from "../../src/table/runtime/agg-calls.ts";
import {
  avg,
  count,
  countStar,
  firstValue,
  lastValue,
  listAgg,
  max,
  min,
  sum,
  sum0,
  type SqlAggFunction,
} from "../../src/table/runtime/aggregates.ts";
import { aggFunctionByName, variance } from "../../src/table/runtime/aggregates-stats.ts";
import { TableRuntimeError } from "../../src/table/runtime/errors.ts";
import { Decimal } from "../../src/table/types/decimal.ts";
import {
  BIGINT,
  DECIMAL,
  DOUBLE,
  FLOAT,
  INT,
  SMALLINT,
  STRING,
} from "../../src/table/types/logical-type.ts";

/** The record codec with the SQL value classes registered, as checkpoints of SQL jobs use it. */
const REGISTRY = TypeRegistry.from({ Decimal });

/** A copy of an accumulator as a checkpoint round trip makes it. */
function copied<A>(acc: A): A {
  const out = new DataOutputView(64, REGISTRY);
  out.writeValue(acc);
  return new DataInputView(out.toUint8Array(), REGISTRY).readValue() as A;
}

/**
 * Accumulates `add`, then retracts `remove`, and returns the value; the accumulator makes a
 * checkpoint round trip after every step (so it must be plain data).
 */
function run<A>(fn: SqlAggFunction<A>, add: unknown[], remove: unknown[] = []): unknown {
  let acc = fn.createAccumulator();
  for (const v of add) acc = copied(fn.accumulate(acc, v));
  for (const v of remove) acc = copied(fn.retract(acc, v));
  return fn.getValue(acc);
}

const dec = (s: string) => Decimal.parse(s);

describe("COUNT, SUM, SUM0", () => {
  test("COUNT(*) counts rows, COUNT(x) non-NULL values", () => {
    assert.equal(run(countStar(), [1, null, 3], [null]), 2);
    assert.equal(run(count(), [1, null, 3], [null, 3]), 1);
    assert.equal(run(count(), []), 0);
  });

  test("SUM ignores NULL, is NULL for an empty group, SUM0 is zero", () => {
    assert.equal(run(sum(INT()), [1, null, 2]), 3);
    assert.equal(run(sum(INT()), [null]), null);
    assert.equal(run(sum(INT()), [1, 2], [1, 2]), null);
    assert.equal(run(sum0(INT()), []), 0);
    assert.deepEqual(run(sum0(DECIMAL(5, 2)), []), dec("0.00"));
  });

  test("SUM(INT) stays INT and wraps like Java; SMALLINT wraps at 16 bits", () => {
    assert.equal(run(sum(INT()), [2147483647, 1]), -2147483648);
    assert.equal(run(sum(INT()), [2147483647, 1], [1]), 2147483647, "retraction unwraps");
    assert.equal(run(sum(SMALLINT()), [32767, 2]), -32767);
  });

  test("SUM(BIGINT) is exact beyond 2^53 and normalized", () => {
    const big = 9007199254740991;
    assert.equal(run(sum(BIGINT()), [big, 10]), 9007199254741001n);
    assert.equal(run(sum(BIGINT()), [big, 10], [10]), big, "back to a number when it fits");
    assert.equal(run(sum(BIGINT()), [9223372036854775807n, 1]), -9223372036854775808n);
  });

  test("SUM(DECIMAL(p, s)) is exact with Flink's result type DECIMAL(38, s)", () => {
    assert.deepEqual(
      run(sum(DECIMAL(5, 2)), [dec("0.10"), dec("0.20"), dec("999.99")]),
      dec("1000.29"),
    );
    assert.deepEqual(
      run(sum(DECIMAL(5, 2)), [dec("0.10"), dec("0.20")], [dec("0.10")]),
      dec("0.20"),
    );
    const huge = new Decimal(10n ** 37n, 0);
    assert.equal(
      run(sum(DECIMAL(38, 0)), Array(10).fill(huge)),
      null,
      "overflowing 38 digits is NULL",
    );
  });

  test("SUM(DOUBLE), SUM(FLOAT) and type checks", () => {
    assert.equal(run(sum(DOUBLE()), [0.5, 0.25]), 0.75);
    assert.equal(run(sum(FLOAT()), [0.1, 0.2]), Math.fround(Math.fround(0.1) + 0.2));
    assert.throws(() => run(sum(INT()), ["1"]), /SUM: expected a INT value, got string/);
    assert.throws(() => sum(STRING()), /SUM is not defined for VARCHAR arguments/);
  });
});

describe("AVG", () => {
  test("AVG of an integral type is integral, truncated toward zero", () => {
    assert.equal(run(avg(INT()), [1, 2]), 1);
    assert.equal(run(avg(INT()), [-1, -2]), -1);
    assert.equal(run(avg(INT()), [2147483647, 2147483647]), 2147483647, "the sum is a BIGINT");
    assert.equal(run(avg(INT()), [1, 2, 9], [9]), 1);
    assert.equal(run(avg(INT()), [null]), null);
  });

  test("AVG of DECIMAL is exact at scale max(6, s); of DOUBLE a division", () => {
    assert.deepEqual(
      run(avg(DECIMAL(5, 2)), [dec("1.00"), dec("2.00"), dec("2.00")]),
      dec("1.666667"),
    );
    assert.deepEqual(run(avg(DECIMAL(10, 8)), [dec("0.00000001"), dec("0")]), dec("0.00000001"));
    assert.equal(run(avg(DOUBLE()), [1, 2]), 1.5);
  });
});

describe("MIN and MAX", () => {
  test("retracting the minimum finds the next one", () => {
    assert.equal(run(min(), [5, 3, 3, 8], [3]), 3, "one copy of 3 is left");
    assert.equal(run(min(), [5, 3, 3, 8], [3, 3]), 5);
    assert.equal(run(max(), [5, 3, 8], [8]), 5);
    assert.equal(run(min(), [5], [5]), null);
    assert.equal(run(min(), [null, "b", "a"]), "a");
    assert.throws(() => run(min(), [1], [2]), /MIN: retraction of 2, which was never accumulated/);
  });

  test("a given comparator; DECIMAL and insert-only variants", () => {
    const byLength = (a: unknown, b: unknown) => (a as string).length - (b as string).length;
    assert.equal(run(max(byLength), ["aaa", "b", "cc"]), "aaa");
    assert.deepEqual(run(min(), [dec("1.50"), dec("0.75")]), dec("0.75"));
    const cheap = min(undefined, false);
    assert.equal(run(cheap, [3, 1, 2]), 1);
    assert.throws(() => run(cheap, [3], [3]), /MIN does not support retraction/);
  });
});

describe("LISTAGG, FIRST_VALUE, LAST_VALUE", () => {
  test("LISTAGG joins in arrival order and retracts the first equal value", () => {
    assert.equal(run(listAgg(), ["a", null, "b", "a"]), "a,b,a");
    assert.equal(run(listAgg("|"), ["a", "b", "a"], ["a"]), "b|a");
    assert.equal(run(listAgg(), ["a"], ["a"]), null);
    assert.throws(() => run(listAgg(), ["a"], ["x"]), /LISTAGG: retraction of 'x'/);
  });

  test("FIRST_VALUE and LAST_VALUE skip NULLs and refuse retraction", () => {
    assert.equal(run(firstValue(), [null, 2, 3]), 2);
    assert.equal(run(lastValue(), [1, 2, null]), 2);
    assert.throws(() => run(firstValue(), [1], [1]), TableRuntimeError);
  });
});

describe("variance family", () => {
  const xs = [1, 2, 3, 4];
  test("DOUBLE", () => {
    assert.equal(run(variance("VAR_POP", DOUBLE()), xs), 1.25);
    assert.ok(Math.abs((run(variance("VAR_SAMP", DOUBLE()), xs) as number) - 5 / 3) < 1e-12);
    assert.equal(run(variance("STDDEV_POP", DOUBLE()), [2, 4, 4, 4, 5, 5, 7, 9]), 2);
    assert.equal(
      run(variance("VAR_SAMP", DOUBLE()), [7]),
      null,
      "one value has no sample variance",
    );
    assert.equal(run(variance("VAR_POP", DOUBLE()), []), null);
    assert.equal(run(variance("VAR_POP", DOUBLE()), [1, 2, 100], [100]), 0.25);
  });

  test("integral arguments give integral results (Flink's reduction, integer divisions)", () => {
    assert.equal(run(variance("VAR_POP", INT()), xs), 1);
    assert.equal(run(variance("VAR_SAMP", INT()), xs), 1);
    assert.equal(run(variance("STDDEV_POP", INT()), [2, 4, 4, 4, 5, 5, 7, 9]), 2);
    assert.equal(run(variance("STDDEV_SAMP", INT()), [1, 10]), 6, "sqrt(40.5) truncated");
  });

  test("DECIMAL arguments give DECIMAL(38, max(6, s))", () => {
    assert.deepEqual(
      run(
        variance("VAR_POP", DECIMAL(5, 1)),
        xs.map((x) => Decimal.fromInteger(x)),
      ),
      dec("1.250000"),
    );
    assert.deepEqual(
      run(variance("STDDEV_SAMP", DECIMAL(5, 0)), [dec("1"), dec("2")]),
      dec("0.707107"),
    );
  });

  test("aliases and lookup by name", () => {
    assert.equal(aggFunctionByName("variance", DOUBLE()).name, "VAR_SAMP");
    assert.equal(aggFunctionByName("STDDEV", DOUBLE()).name, "STDDEV_SAMP");
    assert.equal(aggFunctionByName("count", null).name, "COUNT(*)");
    assert.equal(aggFunctionByName("count", INT()).name, "COUNT");
    assert.equal(aggFunctionByName("max", INT(), { retraction: false }).retractable, false);
    assert.throws(() => aggFunctionByName("SUM", null), /SUM needs the type of its argument/);
    assert.throws(() => aggFunctionByName("MEDIAN", INT()), /unknown aggregate function MEDIAN/);
  });
});

describe("aggregate calls: FILTER and DISTINCT", () => {
  test("FILTER skips rows, DISTINCT counts each value once and retracts per value", () => {
    const agg = new Aggregation(
      [
        { fn: countStar() },
        { fn: count(), arg: (r) => r[2], distinct: true },
        { fn: sum(INT()), arg: (r) => r[2], filter: (r) => r[1] === "x" },
        { fn: sum(INT()), arg: (r) => r[2], distinct: true },
      ],
      "test",
    );
    const g = agg.create(["k"]);
    const rows = [
      [0, "x", 1],
      [0, "y", 1],
      [0, "x", 2],
      [0, "y", null],
    ];
    for (const r of rows) agg.accumulate(g, r);
    assert.deepEqual(agg.values(g), [4, 2, 3, 3]);
    agg.retract(g, [1, "x", 1]);
    assert.deepEqual(agg.values(g), [3, 2, 2, 3], "another 1 is still there");
    agg.retract(g, [3, "y", 1]);
    assert.deepEqual(agg.values(g), [2, 1, 2, 2]);
    assert.deepEqual(agg.output(g, 2), [2, "k", 2, 1, 2, 2]);
    assert.deepEqual(copied(g), g, "the group state is plain data");
    assert.throws(() => agg.retract(g, [1, "x", 7]), /COUNT\(DISTINCT \.\.\.\) retraction of 7/);
  });

  test("bad calls are refused with the operator's name", () => {
    assert.throws(
      () => new Aggregation([{ fn: {} as never }], "MyAgg"),
      /MyAgg: aggregate call 0 has no function/,
    );
  });
});
