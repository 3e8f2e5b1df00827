/** Rows, row kinds, changelog modes, materializing changelogs, and value keys of the SQL runtime. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  distinctMode,
  groupAggregateMode,
  joinMode,
  semiJoinMode,
  unionAllMode,
} from "../../src/table/runtime/changelog-modes.ts";
import { ChangelogError, TableRuntimeError } from "../../src/table/runtime/errors.ts";
import {
  ChangelogMode,
  RowKind,
  applyChangelog,
  checkRowKind,
  formatRow,
  insertRows,
  isAccumulate,
  isInsertOnly,
  isRetract,
  modeContains,
  rowFields,
  sameTable,
  withKind,
} from "../../src/table/runtime/row.ts";
import {
  compareSqlValues,
  groupingKey,
  hashableValue,
  rowIdentity,
  valuesEqual,
} from "../../src/table/runtime/value-keys.ts";
import { Decimal } from "../../src/table/types/decimal.ts";
import { Timestamp } from "../../src/table/types/timestamp.ts";

describe("row kinds and changelog modes", () => {
  test("constants and helpers", () => {
    assert.deepEqual(
      [RowKind.INSERT, RowKind.UPDATE_BEFORE, RowKind.UPDATE_AFTER, RowKind.DELETE],
      [0, 1, 2, 3],
    );
    assert.deepEqual([0, 1, 2, 3].map(isAccumulate), [true, false, true, false]);
    assert.deepEqual([0, 1, 2, 3].map(isRetract), [false, true, false, true]);
    assert.ok(isInsertOnly(ChangelogMode.INSERT_ONLY));
    assert.ok(!isInsertOnly(ChangelogMode.RETRACT));
    assert.ok(modeContains(ChangelogMode.UPSERT, RowKind.UPDATE_AFTER));
    assert.ok(!modeContains(ChangelogMode.UPSERT, RowKind.UPDATE_BEFORE));
    assert.ok(ChangelogMode.UPSERT.keyed && !ChangelogMode.RETRACT.keyed);
    const row = [RowKind.INSERT, "a", 1];
    assert.deepEqual(rowFields(row), ["a", 1]);
    assert.equal(withKind(row, RowKind.INSERT), row, "no copy when the kind is already right");
    assert.deepEqual(withKind(row, RowKind.DELETE), [3, "a", 1]);
    assert.deepEqual(row, [0, "a", 1], "withKind never changes its input");
  });

  test("checkRowKind names the place and the row", () => {
    assert.equal(checkRowKind([2, "x"], ChangelogMode.RETRACT, "sink"), 2);
    assert.throws(
      () => checkRowKind([1, "x"], ChangelogMode.INSERT_ONLY, "MySink"),
      (e: unknown) =>
        e instanceof ChangelogError &&
        /MySink: a -U row in a INSERT_ONLY changelog: -U\[x\]/.test(e.message),
    );
    assert.throws(
      () => checkRowKind([7, "x"], ChangelogMode.RETRACT, "MySink"),
      /MySink: expected a row/,
    );
    assert.throws(() => checkRowKind("x" as never, ChangelogMode.RETRACT, "S"), ChangelogError);
  });

  test("formatRow prints as Flink does", () => {
    assert.equal(formatRow([0, "a", 1, null]), "+I[a, 1, null]");
    assert.equal(formatRow([1, Decimal.parse("12.30"), 5n]), "-U[12.30, 5]");
    assert.equal(formatRow([3, new Uint8Array([1, 2]), [1, 2]]), "-D[[1, 2], [1, 2]]");
  });
});

describe("applyChangelog", () => {
  test("a retract changelog materializes to a multiset", () => {
    const log = [
      [0, "a", 1],
      [0, "b", 2],
      [0, "a", 1],
      [1, "a", 1],
      [2, "a", 5],
      [3, "b", 2],
      [0, "c", Decimal.parse("1.50")],
    ];
    assert.deepEqual(applyChangelog(log), [
      ["a", 1],
      ["a", 5],
      ["c", Decimal.parse("1.50")],
    ]);
  });

  test("a retraction of a missing row is a clear error", () => {
    assert.throws(
      () =>
        applyChangelog([
          [0, "a", 1],
          [3, "a", 2],
        ]),
      (e: unknown) =>
        e instanceof ChangelogError &&
        e.message.includes("row 1 -D[a, 2] retracts a row that is not in the table"),
    );
    assert.throws(
      () =>
        applyChangelog([
          [0, "a"],
          [9, "a"],
        ]),
      /applyChangelog \(row 1\)/,
    );
  });

  test("an upsert changelog materializes by key", () => {
    const log = [
      [0, "a", 1],
      [2, "a", 2],
      [0, "b", 1],
      [2, "b", 7],
      [3, "a", 2],
      [2, "c", 3],
    ];
    assert.deepEqual(applyChangelog(log, [0]), [
      ["b", 7],
      ["c", 3],
    ]);
    assert.throws(
      () => applyChangelog([[3, "z", 1]], [0]),
      /deletes key \[z\] that is not in the table/,
    );
    assert.throws(() => applyChangelog([[0, "z"]], [4]), /key field 4 is not a field/);
  });

  test("sameTable compares multisets", () => {
    assert.ok(sameTable([["a"], ["b"], ["a"]], [["b"], ["a"], ["a"]]));
    assert.ok(!sameTable([["a"], ["b"]], [["a"], ["a"]]));
    assert.deepEqual(insertRows([["x", 1]]), [[0, "x", 1]]);
  });
});

describe("value keys", () => {
  test("hashable stand-ins group as SQL does", () => {
    assert.equal(hashableValue(Decimal.parse("1.0")), hashableValue(Decimal.parse("1.00")));
    assert.notEqual(hashableValue(Decimal.parse("1.0")), hashableValue(Decimal.parse("1.01")));
    assert.equal(hashableValue(new Timestamp(5, 1)), hashableValue(new Timestamp(5, 1)));
    assert.equal(hashableValue(new Uint8Array([255, 1])), "xff01");
    assert.equal(hashableValue(-0), 0);
    assert.throws(() => hashableValue(new Date(0)), TableRuntimeError);
    const plain = ["a", 1, null];
    assert.equal(groupingKey(plain), plain, "primitive keys are used as they are");
    assert.deepEqual(groupingKey(["a", Decimal.parse("2.50")]), ["a", "2.5"]);
    assert.equal(
      rowIdentity([0, "a", Decimal.parse("1.0")]),
      rowIdentity([3, "a", Decimal.parse("1")]),
    );
  });

  test("valuesEqual and compareSqlValues", () => {
    assert.ok(valuesEqual([1, "a", null, NaN], [1, "a", null, NaN]));
    assert.ok(valuesEqual(Decimal.parse("1.0"), Decimal.parse("1.00")));
    assert.ok(valuesEqual(new Map([["a", 1]]), new Map([["a", 1]])));
    assert.ok(!valuesEqual(new Uint8Array([1]), new Uint8Array([2])));
    const sorted = [3, null, 1n, 2.5, -1].sort(compareSqlValues);
    assert.deepEqual(sorted, [null, -1, 1n, 2.5, 3]);
    assert.ok(compareSqlValues(Decimal.parse("1.5"), 2) < 0);
    assert.ok(compareSqlValues("b", "a") > 0);
    assert.ok(compareSqlValues("\uffff", "\u{1F600}") < 0, "strings by code point");
    assert.ok(compareSqlValues(NaN, Infinity) > 0, "NaN sorts greatest");
    assert.ok(compareSqlValues(new Timestamp(1, 2), new Timestamp(1, 1)) > 0);
  });
});

describe("the changelog mode each operator emits", () => {
  const { INSERT_ONLY, RETRACT, UPSERT } = ChangelogMode;
  test("aggregations, joins, set operations", () => {
    assert.equal(groupAggregateMode(true), INSERT_ONLY);
    assert.equal(groupAggregateMode(false), RETRACT);
    assert.equal(groupAggregateMode(false, false), UPSERT);
    assert.deepEqual(distinctMode(false).kinds, [0, 3]);
    assert.equal(joinMode("INNER", INSERT_ONLY, INSERT_ONLY, false), INSERT_ONLY);
    assert.equal(joinMode("INNER", INSERT_ONLY, RETRACT, false), RETRACT);
    assert.deepEqual(joinMode("LEFT", INSERT_ONLY, INSERT_ONLY, false).kinds, [0, 3]);
    assert.equal(joinMode("FULL", INSERT_ONLY, INSERT_ONLY, true), INSERT_ONLY);
    assert.deepEqual(semiJoinMode(INSERT_ONLY, false).kinds, [0, 3]);
    assert.equal(semiJoinMode(INSERT_ONLY, true), INSERT_ONLY);
    assert.equal(unionAllMode([INSERT_ONLY, RETRACT]), RETRACT);
  });
});
