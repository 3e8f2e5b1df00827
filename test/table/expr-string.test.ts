import { test } from "node:test";
import assert from "node:assert/strict";
import * as T from "../../src/table/types/logical-type.ts";
import { call, inputRef, literalOf, nullLiteral } from "../../src/table/expr/rex.ts";
import type { RexNode } from "../../src/table/expr/rex.ts";
import { compileExpression } from "../../src/table/expr/codegen.ts";
import { SqlValidationError } from "../../src/table/expr/errors.ts";

const S = T.STRING();

function run(e: RexNode, ...fields: unknown[]): unknown {
  return compileExpression(e)([0, ...fields]);
}

/** `s LIKE pattern [ESCAPE e]`, once with a literal pattern and once with a run-time one. */
function like(s: string | null, pattern: string, escape?: string, op = "LIKE"): unknown {
  const esc = escape === undefined ? [] : [literalOf(escape)];
  const literalPattern = run(call(op, [inputRef(0, S), literalOf(pattern), ...esc]), s);
  const escIn = escape === undefined ? [] : [inputRef(2, S)];
  const runtimePattern = run(
    call(op, [inputRef(0, S), inputRef(1, S), ...escIn]),
    s,
    pattern,
    escape ?? null,
  );
  assert.equal(literalPattern, runtimePattern, `${s} ${op} ${pattern}`);
  return literalPattern;
}

test("LIKE with % and _", () => {
  assert.equal(like("abc", "abc"), true);
  assert.equal(like("abc", "ab"), false);
  assert.equal(like("abc", "a%"), true);
  assert.equal(like("abc", "%c"), true);
  assert.equal(like("abc", "%b%"), true);
  assert.equal(like("abc", "%"), true);
  assert.equal(like("", "%"), true);
  assert.equal(like("abc", "a_c"), true);
  assert.equal(like("abbc", "a_c"), false);
  assert.equal(like("abc", "_%_"), true);
  assert.equal(like("a", "_%_"), false);
  assert.equal(like("ABC", "abc"), false, "case-sensitive");
  assert.equal(like("a\nb", "a_b"), true, "_ matches a newline");
  assert.equal(like("a\nxb", "a%b"), true, "% spans newlines");
  assert.equal(like("a😀c", "a_c"), true, "_ matches one code point");
  assert.equal(like("a.c", "a.c"), true);
  assert.equal(like("abc", "a.c"), false, "regex characters are literal");
  assert.equal(like("a(b)*", "a(b)*"), true);
});

test("LIKE with ESCAPE; without ESCAPE a backslash is an ordinary character", () => {
  assert.equal(like("a_c", "a!_c", "!"), true);
  assert.equal(like("abc", "a!_c", "!"), false);
  assert.equal(like("100%", "100!%", "!"), true);
  assert.equal(like("1000", "100!%", "!"), false);
  assert.equal(like("a!b", "a!!b", "!"), true);
  assert.equal(like("a_c", "a\\_c"), false);
  assert.equal(like("a\\_c", "a\\_c"), true);
  assert.equal(like("a_c", "a\\_c", "\\"), true);
  assert.throws(
    () =>
      call("LIKE", [inputRef(0, S), literalOf("a!b"), literalOf("!")]) &&
      run(call("LIKE", [inputRef(0, S), literalOf("a!b"), literalOf("!")]), "x"),
    (e: unknown) => e instanceof SqlValidationError && /Invalid escape sequence/.test(e.message),
  );
  // an invalid run-time pattern fails when the row is evaluated, naming the expression
  assert.throws(
    () => run(call("LIKE", [inputRef(0, S), inputRef(1, S), literalOf("!")]), "x", "ab!"),
    (e: unknown) =>
      e instanceof Error &&
      /Invalid escape sequence/.test(e.message) &&
      /LIKE\(\$0, \$1, '!'\)/.test(e.message),
  );
  assert.throws(
    () => run(call("LIKE", [inputRef(0, S), literalOf("a"), literalOf("xy")]), "a"),
    /Invalid escape character/,
  );
});

test("LIKE with literal patterns compiles to string tests or one RegExp", () => {
  const src = (p: string) => compileExpression(call("LIKE", [inputRef(0, S), literalOf(p)])).source;
  assert.match(src("abc%"), /startsWith\("abc"\)/);
  assert.match(src("%abc"), /endsWith\("abc"\)/);
  assert.match(src("%abc%"), /includes\("abc"\)/);
  assert.match(src("abc"), /=== "abc"/);
  assert.match(src("a_c%"), /c\[\d+\]\.test\(/);
  assert.doesNotMatch(src("a_c%"), /new RegExp/);
});

test("NOT LIKE, ILIKE and NULLs", () => {
  assert.equal(like("abc", "a%", undefined, "NOT LIKE"), false);
  assert.equal(like("abc", "x%", undefined, "NOT LIKE"), true);
  assert.equal(like("ABC", "a_c", undefined, "ILIKE"), true);
  assert.equal(like(null, "a%"), null);
  assert.equal(run(call("LIKE", [inputRef(0, S), nullLiteral(S)]), "a"), null);
  assert.throws(() => call("LIKE", [inputRef(0, T.INT()), literalOf("1")]), SqlValidationError);
});

test("SIMILAR TO", () => {
  const sim = (s: string, p: string, esc?: string) => like(s, p, esc, "SIMILAR TO");
  assert.equal(sim("abc", "abc"), true);
  assert.equal(sim("abc", "a%"), true);
  assert.equal(sim("abc", "a_c"), true);
  assert.equal(sim("abc", "(abc|xyz)"), true);
  assert.equal(sim("xyz", "(abc|xyz)"), true);
  assert.equal(sim("ab", "(abc|xyz)"), false);
  assert.equal(sim("aaa", "a+"), true);
  assert.equal(sim("a.c", "a.c"), true);
  assert.equal(sim("abc", "a.c"), false, "a dot is literal");
  assert.equal(sim("b", "[a-c]"), true);
  assert.equal(sim("d", "[a-c]"), false);
  assert.equal(sim("a%", "a!%", "!"), true);
  assert.equal(sim("ab", "a!%", "!"), false);
  assert.equal(like("abc", "a%", undefined, "NOT SIMILAR TO"), false);
});

test("|| concatenates strings and byte strings; NULL gives NULL", () => {
  const e = call("||", [inputRef(0, S), inputRef(1, S)]);
  assert.equal(run(e, "ab", "cd"), "abcd");
  assert.equal(run(e, "ab", null), null);
  const b = call("||", [inputRef(0, T.BYTES()), inputRef(1, T.BYTES())]);
  assert.deepEqual(run(b, new Uint8Array([1, 2]), new Uint8Array([3])), new Uint8Array([1, 2, 3]));
  assert.throws(() => call("||", [inputRef(0, S), inputRef(1, T.INT())]), SqlValidationError);
});

test("strings compare by code point, as Flink compares UTF-8 bytes", () => {
  const lt = call("<", [inputRef(0, S), inputRef(1, S)]);
  assert.equal(run(lt, "a", "b"), true);
  assert.equal(run(lt, "ab", "abc"), true);
  assert.equal(run(lt, "B", "a"), true);
  // U+FFFF < U+10000 by code point although its UTF-16 code unit is larger
  assert.equal(run(lt, "\uffff", "\u{10000}"), true);
  assert.equal(run(call("=", [inputRef(0, S), inputRef(1, T.CHAR(1))]), "a", "a"), true);
});

test("ITEM reads arrays (1-based, NULL out of range) and maps", () => {
  const arr = call("ITEM", [inputRef(0, T.ARRAY(T.INT())), inputRef(1, T.INT())]);
  assert.equal(run(arr, [10, 20, 30], 1), 10);
  assert.equal(run(arr, [10, 20, 30], 3), 30);
  assert.equal(run(arr, [10, 20, 30], 4), null);
  assert.equal(run(arr, [10, 20, 30], 0), null);
  assert.equal(run(arr, null, 1), null);
  const map = call("ITEM", [inputRef(0, T.MAP(S, T.INT())), literalOf("k")]);
  assert.equal(run(map, new Map([["k", 5]])), 5);
  assert.equal(run(map, new Map([["j", 5]])), null);
});
