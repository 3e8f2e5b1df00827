import { test } from "node:test";
import assert from "node:assert/strict";
import * as T from "../../src/table/types/logical-type.ts";
import { javaSplit, translateJavaRegex } from "../../src/table/functions/java-regex.ts";
import { ev, evIn } from "./functions-support.ts";

const S = T.STRING();

/** Evaluates with a literal pattern and with the pattern read at run time; both must agree. */
function both(op: string, ...args: (string | number | null)[]): unknown {
  const a = ev(op, ...args);
  const types = args.map((x) => (typeof x === "number" ? T.INT() : S));
  const b = evIn(op, types, args);
  assert.deepEqual(a, b, `${op}(${args.join(", ")}) differs between literal and run-time pattern`);
  return a;
}

test("REGEXP finds a match anywhere; FALSE for an empty or malformed pattern", () => {
  assert.equal(both("REGEXP", "foobar", "o+"), true);
  assert.equal(both("REGEXP", "foobar", "^bar"), false);
  assert.equal(both("REGEXP", "foobar", "^fo+b"), true);
  assert.equal(both("REGEXP", "abc", ""), false);
  assert.equal(both("REGEXP", "abc", "("), false);
  assert.equal(both("REGEXP", "", "a*"), true);
  assert.equal(ev("REGEXP", null, "a"), null);
});

test("REGEXP_REPLACE replaces every match with the literal replacement", () => {
  assert.equal(both("REGEXP_REPLACE", "foobar", "oo|ar", ""), "fb");
  assert.equal(both("REGEXP_REPLACE", "a1b22c", "\\d+", "#"), "a#b#c");
  assert.equal(
    both("REGEXP_REPLACE", "abc", "(b)", "$1$1"),
    "a$1$1c",
    "group references are not expanded (Flink quotes)",
  );
  assert.equal(both("REGEXP_REPLACE", "abc", "x*", "-"), "-a-b-c-");
  assert.equal(both("REGEXP_REPLACE", "abc", "[", "x"), null, "a malformed pattern gives NULL");
  assert.equal(ev("REGEXP_REPLACE", "abc", "b", null), null);
});

test("REGEXP_EXTRACT returns a group of the first match (the whole match by default)", () => {
  assert.equal(both("REGEXP_EXTRACT", "foothebar", "foo(.*?)(bar)", 2), "bar");
  assert.equal(both("REGEXP_EXTRACT", "foothebar", "foo(.*?)(bar)", 1), "the");
  assert.equal(both("REGEXP_EXTRACT", "foothebar", "foo(.*?)(bar)", 0), "foothebar");
  assert.equal(both("REGEXP_EXTRACT", "foothebar", "o+"), "oo");
  assert.equal(both("REGEXP_EXTRACT", "foothebar", "foo(.*?)(bar)", 3), null, "no such group");
  assert.equal(both("REGEXP_EXTRACT", "foothebar", "foo(.*?)(bar)", -1), null);
  assert.equal(both("REGEXP_EXTRACT", "abc", "x(y)?"), null, "no match");
  assert.equal(both("REGEXP_EXTRACT", "ac", "a(b)?c", 1), null, "a group that did not take part");
  assert.equal(both("REGEXP_EXTRACT", "abc", "(", 1), null);
});

test("Java pattern features: dot, dollar, POSIX classes, \\A \\z, \\Q..\\E, leading flags", () => {
  assert.equal(ev("REGEXP", "a\nb", "a.b"), false, "dot does not match a newline");
  assert.equal(ev("REGEXP", "a\nb", "(?s)a.b"), true);
  assert.equal(ev("REGEXP", "ABC", "(?i)abc"), true);
  assert.equal(ev("REGEXP_EXTRACT", "x\ny", "(?m)^y$"), "y");
  assert.equal(
    ev("REGEXP", "abc\n", "abc$"),
    true,
    "$ also matches before a final line terminator",
  );
  assert.equal(ev("REGEXP", "abc\n", "abc\\z"), false);
  assert.equal(ev("REGEXP", "abc", "\\Aabc\\z"), true);
  assert.equal(ev("REGEXP_EXTRACT", "ab12", "\\p{Alpha}+"), "ab");
  assert.equal(ev("REGEXP_EXTRACT", "a,b!", "\\p{Punct}"), ",");
  assert.equal(ev("REGEXP_EXTRACT", "x1.5y", "\\Q1.5\\E"), "1.5");
  assert.equal(ev("REGEXP_REPLACE", "a.b", "\\.", "-"), "a-b");
  assert.equal(ev("REGEXP_REPLACE", "a-b", "\\-", "+"), "a+b", "escaped punctuation is literal");
  assert.equal(ev("REGEXP_EXTRACT", "über", "\\p{L}+"), "über");
  assert.equal(
    ev("REGEXP_EXTRACT", "a\u00a0b", "a\\sb"),
    null,
    "\\s is ASCII whitespace, as in Java",
  );
  assert.equal(
    ev("REGEXP_EXTRACT", "key = value", "(?x) (\\w+) \\s* = # comment\n \\s* (\\w+)", 2),
    "value",
  );
  assert.equal(ev("REGEXP_EXTRACT", "2020-01-05", "(?<y>\\d{4})-(\\d\\d)", 2), "01");
});

test("Java constructs JavaScript lacks fail with a clear error instead of a wrong answer", () => {
  assert.throws(
    () => ev("REGEXP", "aaa", "a*+"),
    /Unsupported Java regular expression construct \(possessive quantifier\)/,
  );
  assert.throws(() => ev("REGEXP", "aaa", "(?>a)"), /atomic group/);
  assert.throws(() => ev("REGEXP", "abc", "[a-z&&[^b]]"), /nested character class|intersection/);
  assert.throws(() => ev("REGEXP", "abc", "a(?i)b"), /inline flags/);
  assert.throws(() => evIn("REGEXP", [S, S], ["aaa", "a++"]), /possessive/);
});

test("the translation keeps Java semantics visible in the JavaScript source", () => {
  assert.deepEqual(translateJavaRegex("(?is)a.b"), { source: "a.b", flags: "is" });
  assert.equal(translateJavaRegex("a.b").source, "a[^\\n\\r\\u0085\\u2028\\u2029]b");
  assert.equal(translateJavaRegex("[\\s]").source, "[\\t\\n\\x0B\\f\\r ]");
  assert.equal(translateJavaRegex("a{2,3}?").source, "a{2,3}?");
});

test("Java String.split semantics for STR_TO_MAP delimiters", () => {
  assert.deepEqual(javaSplit("a,b,,", ","), ["a", "b"], "trailing empty strings are removed");
  assert.deepEqual(javaSplit(",a", ","), ["", "a"]);
  assert.deepEqual(javaSplit("abc", ""), ["a", "b", "c"]);
  assert.deepEqual(javaSplit("a=b=c", "=", 2), ["a", "b=c"]);
  assert.deepEqual(javaSplit("abc", ","), ["abc"]);
});

test("STR_TO_MAP splits pairs and keys with patterns; a pair without delimiter maps to NULL", () => {
  const m = ev("STR_TO_MAP", "a=1,b=2,c") as Map<string, string | null>;
  assert.deepEqual(
    [...m],
    [
      ["a", "1"],
      ["b", "2"],
      ["c", null],
    ],
  );
  const m2 = ev("STR_TO_MAP", "k1:v1;k2:v2:x", ";", ":") as Map<string, string>;
  assert.deepEqual(
    [...m2],
    [
      ["k1", "v1"],
      ["k2", "v2:x"],
    ],
  );
  const m3 = ev("STR_TO_MAP", "a.1|b.2", "\\|", "\\.") as Map<string, string>;
  assert.deepEqual(
    [...m3],
    [
      ["a", "1"],
      ["b", "2"],
    ],
  );
  assert.equal((ev("STR_TO_MAP", "") as Map<string, string>).size, 0);
  const m4 = ev("STR_TO_MAP", "a=1,a=2") as Map<string, string>;
  assert.deepEqual([...m4], [["a", "2"]], "a later key wins");
  assert.equal(ev("STR_TO_MAP", null), null);
  assert.throws(() => ev("STR_TO_MAP", "a=1", ","), /expected 3, got 2/);
});
