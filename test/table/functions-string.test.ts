import { test } from "node:test";
import assert from "node:assert/strict";
import { SqlValidationError } from "../../src/table/expr/errors.ts";
import { foldConstants } from "../../src/table/expr/fold.ts";
import { call, inputRef, literalOf } from "../../src/table/expr/rex.ts";
import * as T from "../../src/table/types/logical-type.ts";
import { typeToString } from "../../src/table/types/type-print.ts";
import { ev, evIn, fcall, nul, run } from "./functions-support.ts";

const S = T.STRING();

test("CHAR_LENGTH counts code points (Flink's BinaryStringData), NULL gives NULL", () => {
  assert.equal(ev("CHAR_LENGTH", "hello"), 5);
  assert.equal(ev("CHARACTER_LENGTH", ""), 0);
  assert.equal(ev("CHAR_LENGTH", "a😀b"), 3);
  assert.equal(ev("CHAR_LENGTH", "héllo"), 5);
  assert.equal(ev("CHAR_LENGTH", null), null);
  assert.equal(evIn("CHAR_LENGTH", [S], [null]), null);
  assert.equal(typeToString(fcall("CHAR_LENGTH", "x").type), "INT NOT NULL");
  assert.equal(typeToString(call("CHAR_LENGTH", [inputRef(0, S)]).type), "INT");
});

test("UPPER, LOWER keep the argument type; INITCAP capitalizes ASCII words", () => {
  assert.equal(ev("UPPER", "straße"), "STRASSE");
  assert.equal(ev("LOWER", "ÀB"), "àb");
  assert.equal(typeToString(fcall("UPPER", "abc").type), "CHAR(3) NOT NULL");
  assert.equal(ev("INITCAP", "hello WORLD"), "Hello World");
  assert.equal(ev("INITCAP", "hello-world foo_bar 2nd"), "Hello-World Foo_Bar 2nd");
  assert.equal(ev("INITCAP", "éCOLE"), "éCole", "non-ASCII characters separate words (Calcite)");
  assert.equal(ev("INITCAP", ""), "");
  assert.equal(ev("UPPER", null), null);
});

test("CONCAT is NULL when any argument is; CONCAT_WS skips NULLs but not a NULL separator", () => {
  assert.equal(ev("CONCAT", "AA", "BB", "CC"), "AABBCC");
  assert.equal(ev("CONCAT", "AA", null, "CC"), null);
  assert.equal(ev("CONCAT", "x"), "x");
  assert.equal(typeToString(fcall("CONCAT", "ab", "cde").type), "VARCHAR(5) NOT NULL");
  assert.equal(ev("CONCAT_WS", "~", "AA", null, "BB", "", "CC"), "AA~BB~~CC");
  assert.equal(ev("CONCAT_WS", null, "AA", "BB"), null);
  assert.equal(ev("CONCAT_WS", ",", null, null), "");
  assert.equal(evIn("CONCAT_WS", [S, S, S], ["-", "a", null]), "a");
  assert.equal(typeToString(fcall("CONCAT_WS", "-", "a", nul(S)).type), "STRING NOT NULL");
  assert.throws(
    () => fcall("CONCAT", 1, "a"),
    /Cannot apply 'CONCAT' to arguments of type \(INT NOT NULL, CHAR\(1\) NOT NULL\)/,
  );
  assert.throws(() => fcall("CONCAT_WS", "-"), SqlValidationError);
});

test("LPAD / RPAD pad or shorten; NULL for a negative length or an empty pad", () => {
  assert.equal(ev("LPAD", "hi", 4, "??"), "??hi");
  assert.equal(ev("LPAD", "hi", 1, "??"), "h");
  assert.equal(ev("RPAD", "hi", 4, "??"), "hi??");
  assert.equal(ev("RPAD", "hi", 1, "??"), "h");
  assert.equal(ev("LPAD", "hi", 7, "ab"), "ababahi");
  assert.equal(ev("RPAD", "hi", 7, "ab"), "hiababa");
  assert.equal(ev("LPAD", "hi", 0, "?"), "");
  assert.equal(ev("LPAD", "hi", -1, "?"), null);
  assert.equal(ev("RPAD", "hi", 5, ""), null);
  assert.equal(ev("LPAD", "", 3, "x"), "xxx");
  assert.equal(ev("LPAD", null, 3, "x"), null);
  // a nullable result even for NOT NULL arguments: generated code keeps the null check
  assert.equal(typeToString(fcall("LPAD", "a", 2, "b").type), "STRING");
  assert.equal(evIn("LPAD", [S, T.INT(), S], ["a", -2, "b"]), null);
});

test("TRIM removes a set of characters; LTRIM/RTRIM without characters remove spaces only", () => {
  assert.equal(ev("TRIM", "BOTH", " ", "  x y  "), "x y");
  assert.equal(ev("TRIM", "LEADING", " ", "  x  "), "x  ");
  assert.equal(ev("TRIM", "TRAILING", " ", "  x  "), "  x");
  assert.equal(ev("TRIM", "BOTH", "xy", "xyyxhixyx"), "hi", "any character of the set");
  assert.equal(ev("TRIM", "BOTH", "😀", "😀a😀"), "a");
  assert.equal(ev("TRIM", "BOTH", "x", "xxx"), "");
  assert.equal(ev("TRIM", "BOTH", null, "x"), null);
  assert.equal(ev("LTRIM", " \tx "), "\tx ", "only U+0020");
  assert.equal(ev("RTRIM", " x \n"), " x \n");
  assert.equal(ev("RTRIM", "x  "), "x");
  assert.equal(ev("LTRIM", "xxaxx", "x"), "axx");
  assert.equal(ev("BTRIM", "  ab  "), "ab");
  assert.equal(ev("BTRIM", "xyabyx", "xy"), "ab");
  assert.throws(() => fcall("TRIM", "MIDDLE", " ", "x"), /Invalid trim side 'MIDDLE' for TRIM/);
  assert.equal(typeToString(fcall("TRIM", "BOTH", " ", "abc").type), "VARCHAR(3) NOT NULL");
});

test("SUBSTRING on code points: negative positions count from the end, 0 acts as 1", () => {
  assert.equal(ev("SUBSTRING", "hello", 2), "ello");
  assert.equal(ev("SUBSTRING", "hello", 2, 3), "ell");
  assert.equal(ev("SUBSTRING", "hello", 0, 2), "he");
  assert.equal(ev("SUBSTRING", "hello", -3), "llo");
  assert.equal(ev("SUBSTRING", "hello", -3, 2), "ll");
  assert.equal(ev("SUBSTRING", "hello", -10, 2), "");
  assert.equal(ev("SUBSTRING", "hello", 6), "");
  assert.equal(ev("SUBSTRING", "hello", 2, 100), "ello");
  assert.equal(ev("SUBSTRING", "hello", 2, 0), "");
  assert.equal(ev("SUBSTRING", "hello", 2, -1), null, "a negative length gives NULL");
  assert.equal(ev("SUBSTR", "a😀bc", 2, 2), "😀b");
  assert.equal(ev("SUBSTRING", "", 1, 1), "");
  assert.equal(ev("SUBSTRING", null, 1), null);
  assert.equal(evIn("SUBSTRING", [S, T.BIGINT(), T.INT()], ["hello", 2, 2]), "el");
  assert.throws(() => fcall("SUBSTRING", "x", "1"), /Cannot apply 'SUBSTRING'/);
});

test("OVERLAY replaces characters (Java string semantics)", () => {
  assert.equal(ev("OVERLAY", "xxxxxtest", "xxxx", 6), "xxxxxxxxx");
  assert.equal(ev("OVERLAY", "xxxxxtest", "xxxx", 6, 2), "xxxxxxxxxst");
  assert.equal(ev("OVERLAY", "abcdef", "Z", 2, 1), "aZcdef");
  // Flink's implementation drops the rest when the length is 0 (kept for compatibility)
  assert.equal(ev("OVERLAY", "abcdef", "Z", 1, 0), "Z");
  assert.equal(
    ev("OVERLAY", "abcdef", "Z", 0),
    "abcdef",
    "position out of range leaves the string",
  );
  assert.equal(ev("OVERLAY", "abcdef", "Z", 7), "abcdef");
  assert.equal(ev("OVERLAY", "abcdef", "XY", 5, 10), "abcdXY");
  assert.equal(ev("OVERLAY", "abc", null, 1), null);
});

test("POSITION, LOCATE and INSTR are 1-based and 0 when not found", () => {
  assert.equal(ev("POSITION", "b", "abcb"), 2);
  assert.equal(ev("POSITION", "b", "abcb", 3), 4);
  assert.equal(ev("POSITION", "z", "abc"), 0);
  assert.equal(ev("POSITION", "", "abc"), 1, "the empty string is found at once");
  assert.equal(ev("POSITION", "c", "a😀c"), 3, "code points");
  assert.equal(ev("LOCATE", "b", "abcb"), 2);
  assert.equal(ev("LOCATE", "b", "abcb", 3), 4);
  assert.equal(ev("LOCATE", "b", "abcb", 5), 0);
  assert.equal(ev("LOCATE", "a", "abc", -5), 1, "a negative start searches from the beginning");
  assert.equal(ev("INSTR", "abcabc", "bc"), 2);
  assert.equal(ev("INSTR", "abcabc", "bc", 3), 5);
  assert.equal(ev("INSTR", "abcabc", "bc", 1, 2), 5);
  assert.equal(ev("INSTR", "abcabc", "bc", 1, 3), 0);
  assert.equal(ev("INSTR", "abcabc", "bc", -1), 5, "negative start searches backwards");
  assert.equal(ev("INSTR", "abcabc", "bc", 0), 0);
  assert.throws(
    () => ev("INSTR", "abc", "b", 1, 0),
    /nthAppearance must be positive.*in expression INSTR/,
  );
  assert.equal(ev("POSITION", null, "abc"), null);
});

test("LEFT / RIGHT take code points; a non-positive count gives the empty string", () => {
  assert.equal(ev("LEFT", "hello", 2), "he");
  assert.equal(ev("RIGHT", "hello", 2), "lo");
  assert.equal(ev("LEFT", "hello", 0), "");
  assert.equal(ev("RIGHT", "hello", -1), "");
  assert.equal(ev("LEFT", "hello", 10), "hello");
  assert.equal(ev("RIGHT", "hello", 10), "hello");
  assert.equal(ev("RIGHT", "ab😀", 1), "😀");
  assert.equal(ev("LEFT", null, 1), null);
});

test("REPEAT, REPLACE, REVERSE", () => {
  assert.equal(ev("REPEAT", "ab", 3), "ababab");
  assert.equal(ev("REPEAT", "ab", 0), "");
  assert.equal(ev("REPEAT", "ab", -2), "");
  assert.equal(ev("REPLACE", "hello world", "world", "flink"), "hello flink");
  assert.equal(ev("REPLACE", "ababab", "abab", "z"), "zab", "non-overlapping, left to right");
  assert.equal(ev("REPLACE", "a.b.c", ".", ""), "abc", "the search string is not a pattern");
  assert.equal(ev("REPLACE", "abc", "", "-"), "-a-b-c-", "Java inserts around every character");
  assert.equal(ev("REPLACE", "abc", "b", null), null);
  assert.equal(ev("REVERSE", "abc😀"), "😀cba");
  assert.equal(ev("REVERSE", ""), "");
});

test("SPLIT_INDEX splits on a whole separator; NULL for a negative or missing index", () => {
  assert.equal(ev("SPLIT_INDEX", "a,b,c", ",", 0), "a");
  assert.equal(ev("SPLIT_INDEX", "a,b,c", ",", 2), "c");
  assert.equal(ev("SPLIT_INDEX", "a,b,c", ",", 3), null);
  assert.equal(ev("SPLIT_INDEX", "a,b,c", ",", -1), null);
  assert.equal(ev("SPLIT_INDEX", "a,,c", ",", 1), "", "adjacent separators make empty tokens");
  assert.equal(ev("SPLIT_INDEX", "a-!-b", "-!-", 1), "b");
  assert.equal(ev("SPLIT_INDEX", "a.b", ".", 1), "b", "not a pattern");
  assert.equal(ev("SPLIT_INDEX", "", ",", 0), null, "an empty string has no token");
  assert.equal(ev("SPLIT_INDEX", "a b", "", 1), "b", "an empty separator splits on spaces");
  assert.equal(ev("SPLIT_INDEX", "a;b", 59, 1), "b", "an integer separator is a character code");
  assert.equal(ev("SPLIT_INDEX", "a;b", 300, 1), null);
});

test("ASCII is the first UTF-8 byte (signed); CHR takes the low byte", () => {
  assert.equal(ev("ASCII", "abc"), 97);
  assert.equal(ev("ASCII", ""), 0);
  assert.equal(ev("ASCII", "é"), -61, "0xC3 as a signed Java byte");
  assert.equal(ev("ASCII", null), null);
  assert.equal(ev("CHR", 97), "a");
  assert.equal(ev("CHR", 353), "a", "353 & 0xFF = 97");
  assert.equal(ev("CHR", 0), "\u0000");
  assert.equal(ev("CHR", -1), "");
  assert.equal(ev("CHR", 233), "é");
});

test("functions run with run-time arguments like with literals", () => {
  const row = ["  Hello World  ", 3, "o"];
  const s = inputRef(0, S);
  assert.equal(
    run(call("UPPER", [call("TRIM", [literalOf("BOTH"), literalOf(" "), s])]), row),
    "HELLO WORLD",
  );
  assert.equal(run(call("LOCATE", [inputRef(2, S), s, inputRef(1, T.INT())]), row), 7);
  assert.equal(run(call("SUBSTRING", [s, inputRef(1, T.INT())]), row), "Hello World  ");
  assert.equal(
    run(call("LPAD", [inputRef(2, S), inputRef(1, T.INT()), inputRef(2, S)]), row),
    "ooo",
  );
});

test("type errors name the function and the argument types", () => {
  assert.throws(
    () => fcall("UPPER", 1),
    /Cannot apply 'UPPER' to arguments of type \(INT NOT NULL\)/,
  );
  assert.throws(() => fcall("LPAD", "a", "b", "c"), /Cannot apply 'LPAD'/);
  assert.throws(
    () => fcall("CHAR_LENGTH"),
    /Invalid number of arguments to 'CHAR_LENGTH': expected 1, got 0/,
  );
  assert.throws(() => fcall("SUBSTRING", "a", 1, 2, 3), /expected 2 to 3, got 4/);
});

test("deterministic calls on literals fold at plan time; failing ones are left for run time", () => {
  const folded = foldConstants(fcall("CONCAT", fcall("UPPER", "ab"), fcall("SUBSTRING", "xyz", 2)));
  assert.equal(folded.kind, "literal");
  assert.equal((folded as { value: unknown }).value, "AByz");
  assert.equal(foldConstants(fcall("INSTR", "abc", "b", 1, 0)).kind, "call");
});
