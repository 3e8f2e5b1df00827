import { test } from "node:test";
import assert from "node:assert/strict";
import * as T from "../../src/table/types/logical-type.ts";
import { Decimal } from "../../src/table/types/decimal.ts";
import {
  call,
  caseWhen,
  cast,
  fieldAccess,
  inputRef,
  isDeterministic,
  literal,
  literalOf,
  nullLiteral,
  rexToString,
} from "../../src/table/expr/rex.ts";
import type { RexNode } from "../../src/table/expr/rex.ts";
import {
  compileCalc,
  compileExpression,
  compileFilter,
  compileJoinCondition,
  compileProjection,
} from "../../src/table/expr/codegen.ts";
import { foldConstants } from "../../src/table/expr/fold.ts";
import { inputRefs, mapRex, rexEquals, shiftInputs } from "../../src/table/expr/rex-util.ts";
import { lookupScalar, registerScalar } from "../../src/table/expr/operators.ts";
import { SqlValidationError } from "../../src/table/expr/errors.ts";

const INT = T.INT();
const a = inputRef(0, INT);
const b = inputRef(1, T.BIGINT());
const s = inputRef(2, T.STRING());

test("rexToString prints Flink-like digests", () => {
  assert.equal(rexToString(call("+", [a, literalOf(1)])), "+($0, 1)");
  assert.equal(rexToString(cast(inputRef(1, INT), T.BIGINT())), "CAST($1 AS BIGINT)");
  assert.equal(rexToString(call(">", [inputRef(2, INT), literalOf(10)])), ">($2, 10)");
  assert.equal(rexToString(call("UNARY_MINUS", [a])), "-($0)");
  assert.equal(rexToString(call("IS NULL", [s])), "IS NULL($2)");
  assert.equal(
    rexToString(call("AND", [call("=", [s, literalOf("it's")]), literalOf(true)])),
    "AND(=($2, 'it''s'), true)",
  );
  assert.equal(rexToString(literal(Decimal.parse("1.50"), T.DECIMAL(3, 2))), "1.50");
  assert.equal(rexToString(literal(1.5, T.DOUBLE())), "1.5E0");
  assert.equal(rexToString(nullLiteral(INT)), "null:INT");
  assert.equal(
    rexToString(caseWhen([[call(">", [a, literalOf(1)]), literalOf("x")]])),
    "CASE(>($0, 1), 'x', null:CHAR(1))",
  );
  const row = inputRef(
    3,
    T.ROW([
      ["name", T.STRING()],
      ["age", INT],
    ]),
  );
  assert.equal(rexToString(fieldAccess(row, "age")), "$3.age");
});

test("a projection copies the row kind and reads fields at index i + 1", () => {
  const p = compileProjection([call("+", [a, literalOf(1)]), s, call("*", [b, literalOf(2)])], 3);
  assert.deepEqual(p([0, 1, 10, "x"]), [0, 2, "x", 20]);
  assert.deepEqual(p([3, null, 9007199254740992, null]), [3, null, null, 18014398509481984n]);
  assert.deepEqual(p([1, 2, 9223372036854775807n, "y"]), [1, 3, "y", -2]);
});

test("a filter treats NULL as false", () => {
  const f = compileFilter(call(">", [a, literalOf(10)]), 1);
  assert.equal(f([0, 11]), true);
  assert.equal(f([0, 10]), false);
  assert.equal(f([0, null]), false);
  assert.equal(compileFilter(literal(null, T.BOOLEAN()))([0]), false);
  assert.throws(
    () => compileFilter(a),
    (e: unknown) => e instanceof SqlValidationError && /must be BOOLEAN/.test(e.message),
  );
});

test("compileCalc filters and projects in one function", () => {
  const cond = call("AND", [call("IS NOT NULL", [s]), call(">", [a, literalOf(0)])]);
  const calc = compileCalc([s, call("*", [a, literalOf(10)])], cond, 3);
  assert.deepEqual(calc([2, 5, 0, "k"]), [2, "k", 50]);
  assert.equal(calc([0, -5, 0, "k"]), null);
  assert.equal(calc([0, 5, 0, null]), null);
  assert.equal(calc([0, null, 0, "k"]), null);
  // the projection is computed after the filter in the same function
  const src = calc.source;
  assert.ok(src.indexOf("return null") < src.indexOf("Math.imul"), src);
  assert.deepEqual(compileCalc([a], null, 1)([0, 4]), [0, 4]);
});

test("a join condition reads the left row below leftArity and the right row above", () => {
  const cond = call("AND", [
    call("=", [inputRef(0, INT), inputRef(2, INT)]),
    call("<", [inputRef(1, T.STRING()), inputRef(3, T.STRING())]),
  ]);
  const j = compileJoinCondition(cond, 2, 2);
  assert.equal(j([0, 1, "a"], [0, 1, "b"]), true);
  assert.equal(j([0, 1, "b"], [0, 1, "a"]), false);
  assert.equal(j([0, null, "a"], [0, null, "b"]), false);
  assert.match(j.source, /left\[1\]/);
  assert.match(j.source, /right\[1\]/);
});

test("generated source is straight-line code with inline operators, no interpretation", () => {
  const e = caseWhen(
    [[call(">", [a, literalOf(0)]), call("+", [a, literalOf(1)])]],
    call("-", [a, literalOf(1)]),
  );
  const src = compileProjection([e, call("||", [s, literalOf("!")])], 3).source;
  assert.doesNotMatch(src, /switch/);
  assert.doesNotMatch(src, /\.kind\b/);
  assert.doesNotMatch(src, /\bop\b|operands|lookupScalar|eval\(/);
  assert.match(src, /\(in0 \+ 1\) \| 0/);
  assert.match(src, /if \(in0 !== null\)/);
  // no null checks for NOT NULL inputs
  const nn = compileExpression(call("+", [inputRef(0, T.notNull(INT)), literalOf(1)])).source;
  assert.doesNotMatch(nn, /!== null/);
});

test("equal deterministic subexpressions are computed once", () => {
  const inc = () => call("+", [a, literalOf(1)]);
  const p = compileProjection([inc(), call("*", [inc(), inc()])], 1);
  assert.equal(p.source.match(/in0 \+ 1/g)?.length, 1, p.source);
  assert.deepEqual(p([0, 2]), [0, 3, 9]);
});

test("references beyond the input arity are rejected at compile time", () => {
  assert.throws(
    () => compileProjection([inputRef(3, INT)], 2),
    (e: unknown) => e instanceof SqlValidationError && /\$3 out of range/.test(e.message),
  );
});

test("inputRefs, shiftInputs, mapRex and rexEquals", () => {
  const e = call("AND", [
    call("=", [inputRef(0, INT), inputRef(4, INT)]),
    call("IS NULL", [inputRef(2, INT)]),
  ]);
  assert.deepEqual([...inputRefs(e)].sort(), [0, 2, 4]);
  const shifted = shiftInputs(e, 3);
  assert.deepEqual([...inputRefs(shifted)].sort(), [3, 5, 7]);
  assert.equal(rexToString(shiftInputs(e, -2, 2)), "AND(=($0, $2), IS NULL($0))");
  assert.throws(() => shiftInputs(e, -1), RangeError);
  assert.ok(
    rexEquals(
      e,
      call("AND", [
        call("=", [inputRef(0, INT), inputRef(4, INT)]),
        call("IS NULL", [inputRef(2, INT)]),
      ]),
    ),
  );
  assert.ok(!rexEquals(e, shifted));
  assert.equal(
    mapRex(e, (n) => n),
    e,
    "an identity rewrite keeps the tree",
  );
});

test("foldConstants evaluates deterministic constant parts at plan time", () => {
  const f = (n: RexNode) => rexToString(foldConstants(n));
  assert.equal(f(call("+", [literalOf(1), call("*", [literalOf(2), literalOf(3)])])), "7");
  assert.equal(f(call("+", [a, call("*", [literalOf(2), literalOf(3)])])), "+($0, 6)");
  assert.equal(f(call("AND", [call(">", [a, literalOf(1)]), literalOf(true)])), ">($0, 1)");
  assert.equal(f(call("AND", [call(">", [a, literalOf(1)]), literalOf(false)])), "false");
  assert.equal(f(call("OR", [call(">", [a, literalOf(1)]), literalOf(true)])), "true");
  assert.equal(f(call("IN", [literalOf(1), literalOf(2), nullLiteral(INT)])), "null:BOOLEAN");
  assert.equal(f(cast(literalOf("12"), T.INT())), "12");
  assert.equal(
    f(
      caseWhen(
        [
          [literalOf(false), literalOf(1)],
          [call(">", [a, literalOf(0)]), literalOf(2)],
        ],
        literalOf(3),
      ),
    ),
    "CASE(>($0, 0), 2, 3)",
  );
  assert.equal(f(caseWhen([[literalOf(true), literalOf(1)]], literalOf(3))), "1");
  // an error at evaluation leaves the expression for run time
  assert.equal(f(call("/", [literalOf(1), literalOf(0)])), "/(1, 0)");
  const folded = foldConstants(literal(Decimal.parse("1.5"), T.DECIMAL(2, 1)));
  assert.equal(folded.kind, "literal");
});

test("the registry: custom functions via impl and bind, non-deterministic ones are not folded", () => {
  let calls = 0;
  registerScalar({
    name: "test_counter",
    kind: "function",
    nullPolicy: "custom",
    deterministic: false,
    inferType: () => T.notNull(INT),
    impl: () => ++calls,
  });
  registerScalar({
    name: "TEST_SCALE",
    kind: "function",
    nullPolicy: "strict",
    deterministic: true,
    inferType: (types) => types[0]!,
    bind: (site) => {
      const factor = site.argTypes.length; // specialized once per query
      return (x: number) => x * factor;
    },
  });
  assert.ok(lookupScalar("Test_Counter"));
  assert.throws(() => registerScalar({ ...lookupScalar("TEST_SCALE")! }), /already registered/);
  const counter = call("test_counter", []);
  assert.equal(isDeterministic(counter), false);
  assert.equal(foldConstants(counter), counter);
  const p = compileProjection([counter, counter, call("TEST_SCALE", [a])], 1);
  assert.deepEqual(p([0, 21]), [0, 1, 2, 21], "non-deterministic calls are not deduplicated");
  assert.deepEqual(p([0, null]), [0, 3, 4, null], "strict functions are not called with NULL");
  assert.equal(rexToString(foldConstants(call("TEST_SCALE", [literalOf(4)]))), "4");
});

test("functions that throw at run time report the expression text", () => {
  registerScalar({
    name: "TEST_FAIL",
    kind: "function",
    nullPolicy: "strict",
    deterministic: true,
    inferType: () => INT,
    impl: () => {
      throw new TypeError("bad input");
    },
  });
  const e = call("+", [call("TEST_FAIL", [a]), literalOf(1)]);
  assert.throws(
    () => compileExpression(e)([0, 1]),
    (err: unknown) =>
      err instanceof Error &&
      /bad input/.test(err.message) &&
      err.message.includes("TEST_FAIL($0)"),
  );
});

test("field access into ROW values", () => {
  const row = inputRef(
    0,
    T.ROW([
      ["name", T.STRING()],
      ["age", INT],
    ]),
  );
  const e = call("+", [fieldAccess(row, "age"), literalOf(1)]);
  assert.equal(compileExpression(e)([0, ["bob", 41]]), 42);
  assert.equal(compileExpression(e)([0, null]), null);
  assert.throws(() => fieldAccess(row, "nope"), SqlValidationError);
});

test("a compiled projection processes 1M rows", () => {
  const p = compileCalc(
    [call("+", [a, literalOf(1)]), call("*", [b, literalOf(3)]), call("||", [s, literalOf("!")])],
    call("<>", [call("%", [a, literalOf(7)]), literalOf(0)]),
    3,
  );
  const row: unknown[] = [0, 0, 0, "x"];
  let kept = 0;
  let sum = 0;
  for (let i = 0; i < 1_000_000; i++) {
    row[1] = i;
    row[2] = i * 2;
    const out = p(row);
    if (out !== null) {
      kept++;
      sum += out[1] as number;
    }
  }
  assert.equal(kept, 1_000_000 - Math.ceil(1_000_000 / 7));
  assert.ok(sum > 0);
});

test("values computed at the top level are reused inside lazy branches", () => {
  const inc = () => call("+", [a, literalOf(1)]);
  const e = caseWhen([[call(">", [inc(), literalOf(5)]), inc()]], literalOf(0));
  const fn = compileExpression(e, 1);
  assert.equal(fn.source.match(/in0 \+ 1/g)?.length, 1, fn.source);
  assert.equal(fn([0, 9]), 10);
  assert.equal(fn([0, 1]), 0);
  assert.equal(fn([0, null]), 0);
});
