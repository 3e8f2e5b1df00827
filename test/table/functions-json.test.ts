import { test } from "node:test";
import assert from "node:assert/strict";
import { SqlValidationError } from "../../src/table/expr/errors.ts";
import { call, inputRef, literalOf } from "../../src/table/expr/rex.ts";
import { Decimal } from "../../src/table/types/decimal.ts";
import * as T from "../../src/table/types/logical-type.ts";
import { typeToString } from "../../src/table/types/type-print.ts";
import { compileJsonPath, evaluateJsonPath } from "../../src/table/functions/json-path.ts";
import {
  javaBigDecimalText,
  parseJson,
  stringifyJson,
} from "../../src/table/functions/json-value.ts";
import { date, dec, ev, fcall, nul, run, ts, typed } from "./functions-support.ts";
import type { Arg } from "./functions-support.ts";

const S = T.STRING();

/** JSON_VALUE with explicit behaviours: [returning, onEmpty, emptyDefault, onError, errorDefault]. */
function jv(
  json: Arg,
  path: string,
  returning: string | null = null,
  onEmpty = "NULL",
  emptyDefault: Arg = null,
  onError = "NULL",
  errorDefault: Arg = null,
): unknown {
  return ev("JSON_VALUE", json, path, returning, onEmpty, emptyDefault, onError, errorDefault);
}

const path = (doc: string, spec: string) => {
  const r = evaluateJsonPath(compileJsonPath(spec), parseJson(doc));
  return r === undefined ? undefined : stringifyJson(r.value);
};

test("the JSON parser is strict and keeps numbers exact", () => {
  assert.equal(
    stringifyJson(parseJson(' { "b" : [1, 2.50, -0, 1e2, true, null, "x\\ny"], "a": {} } ')),
    '{"a":{},"b":[1,2.50,0,1E+2,true,null,"x\\ny"]}',
  );
  assert.equal(stringifyJson(parseJson("12345678901234567890123")), "12345678901234567890123");
  for (const bad of ["", "{", "[1,]", "{'a':1}", "01", "1 2", "tru", '"\\x"', "NaN"]) {
    assert.throws(() => parseJson(bad), /JSON text/, bad);
  }
  assert.equal(javaBigDecimalText("0.0000001"), "1E-7");
  assert.equal(javaBigDecimalText("0.000001"), "0.000001");
  assert.equal(javaBigDecimalText("1.50"), "1.50");
  assert.equal(javaBigDecimalText("-1.5e3"), "-1.5E+3");
  assert.equal(javaBigDecimalText("1.5e1"), "15");
});

test("JSON paths: keys, brackets, indexes, wildcards, slices, deep scan, modes", () => {
  const doc = '{"a": {"b": [10, 20, {"c": "x"}]}, "k y": 1, "arr": [{"c": 1}, {"c": 2}, {"d": 3}]}';
  assert.equal(path(doc, "$.a.b[0]"), "10");
  assert.equal(path(doc, "$.a.b[-1].c"), '"x"');
  assert.equal(path(doc, "$['k y']"), "1");
  assert.equal(path(doc, '$.["k y"]'), "1");
  assert.equal(path(doc, "$.arr[*].c"), "[1,2]", "misses after a wildcard are skipped");
  assert.equal(path(doc, "$.arr[0,1].c"), "[1,2]");
  assert.equal(path(doc, "$.arr[1:].c"), "[2]");
  assert.equal(path(doc, "$..c"), '["x",1,2]');
  assert.equal(path(doc, "$.a.*"), '[[10,20,{"c":"x"}]]');
  assert.equal(path(doc, "a.b[1]"), "20", "a path without $ gets $. in front");
  assert.throws(
    () => path(doc, "$.missing"),
    /No results for path '\$\.missing': missing key 'missing'/,
  );
  assert.throws(() => path(doc, "strict $.a.b[5]"), /index 5 out of range/);
  assert.throws(() => path(doc, "$.a.b.c"), /expected an object with key 'c' but found an array/);
  assert.equal(path(doc, "lax $.missing"), undefined);
  assert.equal(path(doc, "LAX $.a.b[5]"), undefined);
  assert.throws(() => compileJsonPath("$.a[?(@.b)]"), /filters are not supported/);
  assert.throws(() => compileJsonPath("$.a.length()"), /functions are not supported/);
  assert.throws(() => compileJsonPath("$.a["), /Invalid JSON path/);
  assert.equal(compileJsonPath("lax $.a").mode, "lax");
  assert.equal(compileJsonPath("$.a[*]").definite, false);
});

test("JSON_VALUE returns scalars as STRING by default (Java's texts)", () => {
  assert.equal(jv('{"a": true}', "$.a"), "true");
  assert.equal(jv('{"a": "x"}', "$.a"), "x");
  assert.equal(jv('{"a": 1.50}', "$.a"), "1.50");
  assert.equal(jv('{"a": 1e2}', "$.a"), "1E+2");
  assert.equal(jv('{"a.b": [0.998, 0.996]}', '$.["a.b"][0]'), "0.998");
  assert.equal(jv('{"contains blank": "right"}', "strict $.['contains blank']"), "right");
  assert.equal(ev("JSON_VALUE", '{"a": [1, 2]}', "$.a[1]"), "2", "the two-argument form");
  assert.equal(jv(null, "$.a"), null);
  assert.equal(jv('{"a": null}', "$.a"), null, "a JSON null is empty");
  assert.equal(typeToString(fcall("JSON_VALUE", "{}", "$.a").type), "STRING");
});

test("JSON_VALUE with RETURNING converts the scalar; a failed conversion is an error", () => {
  assert.equal(jv('{"a": true}', "$.a", "BOOLEAN"), true);
  assert.equal(jv('{"a": 42}', "$.a", "INT"), 42);
  assert.equal(jv('{"a": "42"}', "$.a", "INTEGER"), 42);
  assert.equal(jv('{"a": 0.998}', "$.a", "DOUBLE"), 0.998);
  assert.equal(
    jv('{"a": 12345678901234567890}', "$.a", "BIGINT"),
    null,
    "out of range: NULL ON ERROR",
  );
  assert.throws(
    () => jv('{"a": 12345678901234567890}', "$.a", "BIGINT", "NULL", null, "ERROR", null),
    /Cannot cast '12345678901234567890' of type STRING to BIGINT: overflow/,
  );
  assert.equal((jv('{"a": 1.005}', "$.a", "DECIMAL(5, 2)") as Decimal).toString(), "1.01");
  assert.equal(jv('{"a": "2020-01-05"}', "$.a", "DATE"), 18266);
  assert.equal(jv('{"a": "abc"}', "$.a", "INT"), null, "NULL ON ERROR by default");
  assert.throws(() => jv('{"a": "abc"}', "$.a", "INT", "NULL", null, "ERROR", null), /abc/);
  assert.equal(jv('{"a": "x"}', "$.a", "INT", "NULL", null, "DEFAULT", -1), -1);
  assert.equal(
    typeToString(fcall("JSON_VALUE", "{}", "$.a", "INT", "NULL", null, "NULL", null).type),
    "INT",
  );
  assert.throws(
    () => fcall("JSON_VALUE", "{}", "$.a", "ARRAY<INT>", "NULL", null, "NULL", null),
    /JSON_VALUE cannot return ARRAY<INT>; use JSON_QUERY/,
  );
  assert.throws(
    () => fcall("JSON_VALUE", "{}", "$.a", "NOT A TYPE", "NULL", null, "NULL", null),
    SqlValidationError,
  );
});

test("JSON_VALUE ON EMPTY / ON ERROR behaviours in lax and strict mode", () => {
  assert.equal(jv('{"a": true}', "lax $.b", null, "DEFAULT", "false"), "false");
  assert.equal(jv('{"a": true}', "strict $.b", null, "NULL", null, "DEFAULT", "false"), "false");
  assert.equal(
    jv('{"a": true}', "strict $.b", null, "DEFAULT", "empty", "DEFAULT", "error"),
    "error",
    "a strict miss is an error",
  );
  assert.equal(jv('{"a": true}', "lax $.b", null, "DEFAULT", "empty", "DEFAULT", "error"), "empty");
  assert.throws(
    () => jv('{"a": true}', "lax $.b", null, "ERROR"),
    /Empty result of JSON_VALUE function is not allowed/,
  );
  assert.throws(
    () => jv('{"a": true}', "strict $.b", null, "NULL", null, "ERROR"),
    /No results for path/,
  );
  assert.equal(
    jv('{"a": [1]}', "lax $.a", null, "DEFAULT", "E", "DEFAULT", "R"),
    "E",
    "an array is empty in lax mode",
  );
  assert.equal(
    jv('{"a": [1]}', "strict $.a", null, "DEFAULT", "E", "DEFAULT", "R"),
    "R",
    "and an error in strict mode",
  );
  assert.throws(
    () => jv('{"a": [1]}', "$.a", null, "NULL", null, "ERROR"),
    /Strict jsonpath mode requires scalar value, and the actual value is: '\[1\]'/,
  );
  assert.equal(
    jv("{invalid", "$.a", null, "DEFAULT", "E", "DEFAULT", "R"),
    "R",
    "invalid JSON is an error in strict mode",
  );
  assert.equal(
    jv("{invalid", "lax $.a", null, "DEFAULT", "E", "DEFAULT", "R"),
    "E",
    "and empty in lax mode",
  );
  assert.equal(
    jv('{"a": 1}', "$.a[", null, "DEFAULT", "E", "DEFAULT", "R"),
    "R",
    "a malformed path is an error",
  );
  assert.equal(
    jv('{"a": 1}', "lax $.b", "INT", "DEFAULT", dec("7.9"), "NULL", null),
    7,
    "the default converts to the RETURNING type",
  );
  assert.throws(
    () => fcall("JSON_VALUE", "{}", "$.a", null, "MAYBE", null, "NULL", null),
    /Invalid ON EMPTY behaviour 'MAYBE' for JSON_VALUE/,
  );
  assert.throws(
    () => fcall("JSON_VALUE", "{}", "$.a", null, "NULL"),
    /expected 2, 3, 5 or 7, got 4/,
  );
});

test("JSON_VALUE with run-time documents and paths", () => {
  const e = call("JSON_VALUE", [inputRef(0, S), inputRef(1, S)]);
  assert.equal(run(e, ['{"a": {"b": 5}}', "$.a.b"]), "5");
  assert.equal(run(e, ['{"a": {"b": 5}}', "lax $.a.c"]), null);
  assert.equal(run(e, [null, "$.a"]), null);
  assert.equal(run(e, ["{}", null]), null);
  assert.equal(run(e, ["[1, 2, 3]", "$[2]"]), "3");
});

test("JSON_QUERY returns JSON text, with array wrappers and empty/error behaviours", () => {
  assert.equal(ev("JSON_QUERY", '{ "a": { "b": 1 } }', "$.a"), '{"b":1}');
  assert.equal(ev("JSON_QUERY", "[1, 2]", "$"), "[1,2]");
  assert.equal(ev("JSON_QUERY", null, "$"), null);
  assert.equal(ev("JSON_QUERY", '{"a":[{"c":"c1"},{"c":"c2"}]}', "lax $.a[*].c"), '["c1","c2"]');
  assert.equal(ev("JSON_QUERY", "{}", "$", "CONDITIONAL", "NULL", "NULL"), "[{}]");
  assert.equal(ev("JSON_QUERY", "[1, 2]", "$", "CONDITIONAL", "NULL", "NULL"), "[1,2]");
  assert.equal(ev("JSON_QUERY", "[1, 2]", "$", "UNCONDITIONAL", "NULL", "NULL"), "[[1,2]]");
  assert.equal(ev("JSON_QUERY", "1", "$"), null, "a scalar must be wrapped");
  assert.equal(ev("JSON_QUERY", "1", "$", "CONDITIONAL", "NULL", "NULL"), "[1]");
  assert.equal(ev("JSON_QUERY", "{}", "lax $.invalid", "WITHOUT", "EMPTY OBJECT", "NULL"), "{}");
  assert.equal(ev("JSON_QUERY", "{}", "strict $.invalid", "WITHOUT", "NULL", "EMPTY ARRAY"), "[]");
  assert.throws(
    () => ev("JSON_QUERY", "{}", "lax $.x", "WITHOUT", "ERROR", "NULL"),
    /Empty result of JSON_QUERY function is not allowed/,
  );
  assert.throws(
    () => ev("JSON_QUERY", '{"a": 1}', "strict $.a", "WITHOUT", "NULL", "ERROR"),
    /requires array or object value, and the actual value is: '1'/,
  );
  assert.equal(ev("JSON_QUERY", '{"a": 1}', "lax $.a", "WITHOUT", "EMPTY ARRAY", "NULL"), "[]");
  assert.equal(
    ev("JSON_QUERY", '{"b": 2, "a": [1, {"z": 0, "y": 1}]}', "$"),
    '{"a":[1,{"y":1,"z":0}],"b":2}',
    "keys sorted",
  );
  assert.equal(ev("JSON_QUERY", "{x", "$", "WITHOUT", "NULL", "EMPTY OBJECT"), "{}");
  assert.equal(
    ev("JSON_QUERY", "[1]", "$", "WITH CONDITIONAL ARRAY WRAPPER", "NULL", "NULL"),
    "[1]",
  );
  assert.throws(
    () => fcall("JSON_QUERY", "{}", "$", "SOMETIMES", "NULL", "NULL"),
    /Invalid wrapper behaviour 'SOMETIMES'/,
  );
});

test("JSON_EXISTS: FALSE ON ERROR by default; a JSON null does not exist", () => {
  assert.equal(ev("JSON_EXISTS", '{"a": true}', "$.a"), true);
  assert.equal(ev("JSON_EXISTS", '{"a": true}', "$.b"), false);
  assert.equal(ev("JSON_EXISTS", '{"a": [{ "b": 1 }]}', "$.a[0].b"), true);
  assert.equal(ev("JSON_EXISTS", '{"a": true}', "strict $.b", "TRUE"), true);
  assert.equal(ev("JSON_EXISTS", '{"a": true}', "strict $.b", "FALSE"), false);
  assert.equal(ev("JSON_EXISTS", '{"a": true}', "strict $.b", "UNKNOWN"), null);
  assert.throws(
    () => ev("JSON_EXISTS", '{"a": true}', "strict $.b", "ERROR"),
    /No results for path/,
  );
  assert.equal(
    ev("JSON_EXISTS", '{"a": true}', "lax $.b", "ERROR"),
    false,
    "lax mode has no error",
  );
  assert.equal(ev("JSON_EXISTS", '{"a": null}', "$.a"), false);
  assert.equal(ev("JSON_EXISTS", "not json", "lax $"), false);
  assert.equal(ev("JSON_EXISTS", null, "$"), null);
  assert.equal(typeToString(fcall("JSON_EXISTS", "{}", "$.a", "UNKNOWN").type), "BOOLEAN");
  assert.equal(typeToString(fcall("JSON_EXISTS", "{}", "$.a").type), "BOOLEAN NOT NULL");
});

test("IS JSON [VALUE | SCALAR | ARRAY | OBJECT]; NULL is not JSON", () => {
  const is = (kind: string, x: Arg) => ev("IS JSON", kind, x);
  for (const v of ["1", "[]", "{}", '"abc"', " true "]) assert.equal(is("VALUE", v), true, v);
  for (const v of ["abc", "", "{", "[1,]"]) assert.equal(is("VALUE", v), false, v);
  assert.equal(is("VALUE", null), false);
  assert.equal(is("SCALAR", "1"), true);
  assert.equal(is("ARRAY", "1"), false);
  assert.equal(is("OBJECT", "1"), false);
  assert.equal(is("SCALAR", "{}"), false);
  assert.equal(is("ARRAY", "{}"), false);
  assert.equal(is("OBJECT", "{}"), true);
  assert.equal(is("ARRAY", "[1]"), true);
  assert.equal(
    run(call("NOT", [call("IS JSON", [literalOf("OBJECT"), inputRef(0, S)])]), ["[1]"]),
    true,
  );
  assert.equal(typeToString(fcall("IS JSON", "VALUE", nul(S)).type), "BOOLEAN NOT NULL");
  assert.throws(() => fcall("IS JSON", "NUMBER", "1"), /Invalid JSON type 'NUMBER'/);
});

test("JSON_STRING serializes any value", () => {
  assert.equal(ev("JSON_STRING", 1), "1");
  assert.equal(ev("JSON_STRING", true), "true");
  assert.equal(ev("JSON_STRING", "Hello, World!"), '"Hello, World!"');
  assert.equal(ev("JSON_STRING", 1.5), "1.5");
  assert.equal(ev("JSON_STRING", 1e20), "1.0E20");
  assert.equal(run(fcall("JSON_STRING", dec("1.50"))), "1.50");
  assert.equal(run(fcall("JSON_STRING", fcall("ARRAY_VALUE", 1, 2))), "[1,2]");
  assert.equal(run(fcall("JSON_STRING", fcall("MAP_VALUE", "b", 1, "a", 2))), '{"a":2,"b":1}');
  assert.equal(run(fcall("JSON_STRING", fcall("ROW_VALUE", 1, "x"))), '{"EXPR$0":1,"EXPR$1":"x"}');
  assert.equal(run(fcall("JSON_STRING", date("2020-01-05"))), '"2020-01-05"');
  assert.equal(
    run(fcall("JSON_STRING", ts("2020-01-05T10:00:00.000"))),
    '"2020-01-05 10:00:00.000"',
  );
  assert.equal(
    run(fcall("JSON_STRING", typed(new Uint8Array([1, 2]), T.notNull(T.BYTES())))),
    '"AQI="',
  );
  assert.equal(ev("JSON_STRING", 'quote" and \n'), '"quote\\" and \\n"');
  assert.equal(run(fcall("JSON_STRING", nul(T.INT()))), null);
  assert.equal(
    run(fcall("JSON_STRING", typed(Decimal.parse("0.0000001"), T.notNull(T.DECIMAL(8, 7))))),
    "1E-7",
  );
});

test("JSON_OBJECT / JSON_ARRAY: ON NULL behaviours, nesting, sorted keys", () => {
  assert.equal(ev("JSON_OBJECT", "NULL"), "{}");
  assert.equal(ev("JSON_OBJECT", "K1", "V1", "K2", "V2", "NULL"), '{"K1":"V1","K2":"V2"}');
  assert.equal(ev("JSON_OBJECT", "K2", 2, "K1", 1, "NULL"), '{"K1":1,"K2":2}');
  assert.equal(run(fcall("JSON_OBJECT", "K1", nul(S), "NULL")), '{"K1":null}');
  assert.equal(run(fcall("JSON_OBJECT", "K1", nul(S), "ABSENT")), "{}");
  assert.equal(
    run(fcall("JSON_OBJECT", "K1", nul(S), true)),
    '{"K1":null}',
    "a BOOLEAN flag works too",
  );
  assert.equal(
    run(fcall("JSON_OBJECT", "K1", fcall("JSON_OBJECT", "K2", "V", "NULL"), "NULL")),
    '{"K1":{"K2":"V"}}',
  );
  assert.equal(
    run(fcall("JSON_OBJECT", "K1", fcall("JSON_QUERY", '{"a":1}', "$"), "NULL")),
    '{"K1":"{\\"a\\":1}"}',
    "other strings stay strings",
  );
  assert.equal(
    run(call("JSON_OBJECT", [inputRef(0, S), inputRef(1, T.INT()), literalOf("NULL")]), ["k", 5]),
    '{"k":5}',
  );
  assert.throws(
    () => run(call("JSON_OBJECT", [inputRef(0, S), literalOf(1), literalOf("NULL")]), [null]),
    /JSON_OBJECT keys must not be NULL/,
  );
  assert.throws(() => fcall("JSON_OBJECT", "K1", "NULL"), /needs key-value pairs/);
  assert.throws(() => fcall("JSON_OBJECT", 1, 2, "NULL"), /keys must be character strings/);
  assert.equal(ev("JSON_ARRAY", "ABSENT"), "[]");
  assert.equal(ev("JSON_ARRAY", 1, "2", "ABSENT"), '[1,"2"]');
  assert.equal(run(fcall("JSON_ARRAY", nul(S), "NULL")), "[null]");
  assert.equal(run(fcall("JSON_ARRAY", nul(S), "ABSENT")), "[]");
  assert.equal(run(fcall("JSON_ARRAY", fcall("JSON_ARRAY", 1, "ABSENT"), "ABSENT")), "[[1]]");
  assert.equal(typeToString(fcall("JSON_ARRAY", 1, "ABSENT").type), "STRING NOT NULL");
  assert.throws(() => fcall("JSON_ARRAY", 1, "SOMETIMES"), /Invalid ON NULL behaviour 'SOMETIMES'/);
});
