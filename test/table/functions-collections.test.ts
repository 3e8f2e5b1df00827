import { test } from "node:test";
import assert from "node:assert/strict";
import { call, inputRef } from "../../src/table/expr/rex.ts";
import { Decimal } from "../../src/table/types/decimal.ts";
import * as T from "../../src/table/types/logical-type.ts";
import { typeToString } from "../../src/table/types/type-print.ts";
import { dec, ev, fcall, nul, run, typed } from "./functions-support.ts";

const S = T.STRING();
const I = T.INT();

test("ARRAY_VALUE, MAP_VALUE and ROW_VALUE build values in the common type", () => {
  const arr = fcall("ARRAY_VALUE", 1, 2, nul(I));
  assert.equal(typeToString(arr.type), "ARRAY<INT> NOT NULL");
  assert.deepEqual(run(arr), [1, 2, null]);
  const mixed = fcall("ARRAY_VALUE", 1, dec("2.5"));
  assert.equal(typeToString(mixed.type), "ARRAY<DECIMAL(11, 1) NOT NULL> NOT NULL");
  assert.deepEqual((run(mixed) as Decimal[]).map(String), ["1", "2.5"]);
  const map = fcall("MAP_VALUE", "a", 1, "b", 2, "a", 3);
  assert.equal(typeToString(map.type), "MAP<CHAR(1) NOT NULL, INT NOT NULL> NOT NULL");
  assert.deepEqual(
    [...(run(map) as Map<string, number>)],
    [
      ["a", 3],
      ["b", 2],
    ],
    "a later key wins",
  );
  const dmap = run(fcall("MAP_VALUE", dec("1.0"), "x", dec("1.00"), "y")) as Map<Decimal, string>;
  assert.equal(dmap.size, 1, "equal DECIMAL keys are one key");
  const row = fcall("ROW_VALUE", 1, "x", nul(S));
  assert.equal(
    typeToString(row.type),
    "ROW<`EXPR$0` INT NOT NULL, `EXPR$1` CHAR(1) NOT NULL, `EXPR$2` STRING> NOT NULL",
  );
  assert.deepEqual(run(row), [1, "x", null]);
  assert.throws(
    () => fcall("ARRAY_VALUE", 1, "a"),
    /Cannot apply 'ARRAY'.*The elements have no common type/,
  );
  assert.throws(() => fcall("MAP_VALUE", "a"), /MAP needs key-value pairs/);
});

test("CARDINALITY counts array elements, map entries and multiset elements", () => {
  assert.equal(run(fcall("CARDINALITY", fcall("ARRAY_VALUE", 1, 2, 3))), 3);
  assert.equal(run(fcall("CARDINALITY", fcall("MAP_VALUE", "a", 1))), 1);
  assert.equal(run(fcall("CARDINALITY", typed([], T.notNull(T.ARRAY(I))))), 0);
  assert.equal(
    run(
      fcall(
        "CARDINALITY",
        typed(
          new Map([
            ["a", 2],
            ["b", 1],
          ]),
          T.notNull(T.MULTISET(S)),
        ),
      ),
    ),
    3,
  );
  assert.equal(run(call("CARDINALITY", [inputRef(0, T.ARRAY(I))]), [null]), null);
  assert.throws(() => fcall("CARDINALITY", "abc"), /Cannot apply 'CARDINALITY'/);
});

test("ELEMENT returns the sole element, NULL for an empty array, an error otherwise", () => {
  assert.equal(run(fcall("ELEMENT", fcall("ARRAY_VALUE", 7))), 7);
  assert.equal(run(fcall("ELEMENT", typed([], T.notNull(T.ARRAY(I))))), null);
  assert.throws(
    () => run(fcall("ELEMENT", fcall("ARRAY_VALUE", 1, 2))),
    /ELEMENT needs an array of at most one element, got 2/,
  );
  assert.equal(typeToString(fcall("ELEMENT", fcall("ARRAY_VALUE", 7)).type), "INT");
});

test("ARRAY_CONTAINS compares in the common type and can find NULL", () => {
  assert.equal(run(fcall("ARRAY_CONTAINS", fcall("ARRAY_VALUE", 1, 2), 2)), true);
  assert.equal(run(fcall("ARRAY_CONTAINS", fcall("ARRAY_VALUE", 1, 2), 3)), false);
  assert.equal(run(fcall("ARRAY_CONTAINS", fcall("ARRAY_VALUE", 1, 2), dec("2.0"))), true);
  assert.equal(run(fcall("ARRAY_CONTAINS", fcall("ARRAY_VALUE", 1, nul(I)), nul(I))), true);
  assert.equal(run(fcall("ARRAY_CONTAINS", fcall("ARRAY_VALUE", 1, 2), nul(I))), false);
  assert.equal(run(fcall("ARRAY_CONTAINS", fcall("ARRAY_VALUE", "a", "b"), "b")), true);
  assert.equal(
    run(call("ARRAY_CONTAINS", [inputRef(0, T.ARRAY(I)), inputRef(1, I)]), [null, 1]),
    null,
  );
  assert.equal(
    run(fcall("ARRAY_CONTAINS", fcall("ARRAY_VALUE", 0.5, NaN), NaN)),
    false,
    "NaN equals nothing",
  );
  assert.throws(
    () => fcall("ARRAY_CONTAINS", fcall("ARRAY_VALUE", 1), "a"),
    /The needle must compare with the array's elements/,
  );
});

test("MAP_KEYS / MAP_VALUES in the map's order", () => {
  const m = fcall("MAP_VALUE", "b", 1, "a", 2);
  assert.deepEqual(run(fcall("MAP_KEYS", m)), ["b", "a"]);
  assert.deepEqual(run(fcall("MAP_VALUES", m)), [1, 2]);
  assert.equal(typeToString(fcall("MAP_KEYS", m).type), "ARRAY<CHAR(1) NOT NULL> NOT NULL");
  assert.equal(run(call("MAP_VALUES", [inputRef(0, T.MAP(S, I))]), [null]), null);
});

test("IFNULL: common type, nullable only when the replacement is", () => {
  assert.equal(run(call("IFNULL", [inputRef(0, I), inputRef(1, T.notNull(I))]), [null, 5]), 5);
  assert.equal(run(call("IFNULL", [inputRef(0, I), inputRef(1, T.notNull(I))]), [3, 5]), 3);
  const e = call("IFNULL", [inputRef(0, I), inputRef(1, T.notNull(T.BIGINT()))]);
  assert.equal(typeToString(e.type), "BIGINT NOT NULL");
  assert.equal(typeToString(call("IFNULL", [inputRef(0, I), inputRef(1, I)]).type), "INT");
  const d = call("IFNULL", [inputRef(0, I), dec("1.5")]);
  assert.equal(typeToString(d.type), "DECIMAL(11, 1) NOT NULL");
  assert.equal(String(run(d, [2])), "2");
  assert.equal(String(run(d, [null])), "1.5");
  assert.equal(ev("IFNULL", null, "x"), "x");
  assert.throws(() => fcall("IFNULL", 1, "x"), /Cannot apply 'IFNULL'.*no common type/);
});

test("GREATEST / LEAST: NULL when any argument is NULL", () => {
  assert.equal(ev("GREATEST", 1, 5, 3), 5);
  assert.equal(ev("LEAST", 1, 5, 3), 1);
  assert.equal(ev("GREATEST", "apple", "banana"), "banana");
  assert.equal(String(run(fcall("GREATEST", 1, dec("1.5")))), "1.5");
  assert.equal(typeToString(fcall("GREATEST", 1, dec("1.5")).type), "DECIMAL(11, 1) NOT NULL");
  assert.equal(run(fcall("GREATEST", 1, nul(I))), null);
  assert.equal(
    run(call("LEAST", [inputRef(0, I), inputRef(1, T.BIGINT())]), [7, 9007199254740993n]),
    7,
  );
  assert.equal(ev("LEAST", 2.5), 2.5);
  assert.throws(() => fcall("GREATEST", 1, "a"), /Cannot apply 'GREATEST'/);
});

test("IS_ALPHA / IS_DIGIT / IS_DECIMAL are never NULL", () => {
  assert.equal(ev("IS_ALPHA", "abcÄ"), true);
  assert.equal(ev("IS_ALPHA", "ab1"), false);
  assert.equal(ev("IS_ALPHA", ""), false);
  assert.equal(ev("IS_ALPHA", null), false);
  assert.equal(ev("IS_ALPHA", 1), false);
  assert.equal(ev("IS_DIGIT", "0123"), true);
  assert.equal(ev("IS_DIGIT", "٣"), true, "Unicode digits, as Character.isDigit");
  assert.equal(ev("IS_DIGIT", "-1"), false);
  assert.equal(ev("IS_DIGIT", 12), true);
  assert.equal(ev("IS_DIGIT", 1.5), false);
  assert.equal(ev("IS_DECIMAL", "1.5e3"), true);
  assert.equal(ev("IS_DECIMAL", "-42"), true);
  assert.equal(ev("IS_DECIMAL", " 1.5 "), true, "Double.parseDouble trims");
  assert.equal(ev("IS_DECIMAL", "NaN"), true);
  assert.equal(ev("IS_DECIMAL", "1.2.3"), false);
  assert.equal(ev("IS_DECIMAL", ""), false);
  assert.equal(ev("IS_DECIMAL", 1.5), true);
  assert.equal(ev("IS_DECIMAL", null), false);
  assert.equal(typeToString(fcall("IS_DIGIT", nul(S)).type), "BOOLEAN NOT NULL");
});

test("TYPEOF prints the argument's type, including for NULL values", () => {
  assert.equal(ev("TYPEOF", 1), "INT NOT NULL");
  assert.equal(ev("TYPEOF", "ab"), "CHAR(2) NOT NULL");
  assert.equal(run(fcall("TYPEOF", nul(T.DECIMAL(10, 2)))), "DECIMAL(10, 2)");
  assert.equal(run(call("TYPEOF", [inputRef(0, T.ARRAY(S))]), [null]), "ARRAY<STRING>");
  assert.equal(ev("TYPEOF", 1, true), "INT NOT NULL");
});
