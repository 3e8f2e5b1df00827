import { test } from "node:test";
import assert from "node:assert/strict";
import * as T from "../../src/table/types/logical-type.ts";
import type { LogicalType } from "../../src/table/types/logical-type.ts";
import { Decimal } from "../../src/table/types/decimal.ts";
import { typeToString } from "../../src/table/types/type-print.ts";
import {
  call,
  caseWhen,
  inputRef,
  literal,
  literalOf,
  nullLiteral,
} from "../../src/table/expr/rex.ts";
import type { RexNode } from "../../src/table/expr/rex.ts";
import { compileExpression } from "../../src/table/expr/codegen.ts";
import { SqlValidationError } from "../../src/table/expr/errors.ts";

const BOOL = T.BOOLEAN();
const INT = T.INT();
const TRI = [true, false, null] as const;

function run(e: RexNode, ...fields: unknown[]): unknown {
  return compileExpression(e)([0, ...fields]);
}

/** Evaluates `op(a, b)` over nullable inputs, and over literals (to exercise constant operands). */
function both(op: string, types: LogicalType[], values: unknown[]): unknown {
  const viaInputs = run(
    call(
      op,
      types.map((t, i) => inputRef(i, t)),
    ),
    ...values,
  );
  const viaLiterals = run(
    call(
      op,
      values.map((v, i) => (v === null ? nullLiteral(types[i]) : literal(v, types[i]!))),
    ),
  );
  assert.deepEqual(viaLiterals, viaInputs, `${op}(${values.join(", ")}) with literals`);
  return viaInputs;
}

function and3(a: boolean | null, b: boolean | null): boolean | null {
  if (a === false || b === false) return false;
  return a === null || b === null ? null : true;
}
function or3(a: boolean | null, b: boolean | null): boolean | null {
  if (a === true || b === true) return true;
  return a === null || b === null ? null : false;
}

test("AND / OR / NOT follow three-valued truth tables", () => {
  for (const a of TRI) {
    assert.equal(both("NOT", [BOOL], [a]), a === null ? null : !a);
    for (const b of TRI) {
      assert.equal(both("AND", [BOOL, BOOL], [a, b]), and3(a, b), `${a} AND ${b}`);
      assert.equal(both("OR", [BOOL, BOOL], [a, b]), or3(a, b), `${a} OR ${b}`);
    }
  }
});

test("n-ary AND/OR and NOT NULL operands", () => {
  const nn = T.notNull(BOOL);
  for (const a of [true, false]) {
    for (const b of TRI) {
      for (const c of [true, false]) {
        const e = call("AND", [inputRef(0, nn), inputRef(1, BOOL), inputRef(2, nn)]);
        assert.equal(run(e, a, b, c), and3(and3(a, b), c));
        const o = call("OR", [inputRef(0, nn), inputRef(1, BOOL), inputRef(2, nn)]);
        assert.equal(run(o, a, b, c), or3(or3(a, b), c));
      }
    }
  }
});

test("AND and OR do not evaluate the right side when the left side decides", () => {
  const boom = call("=", [call("/", [inputRef(0, INT), literalOf(0)]), literalOf(1)]);
  assert.equal(run(call("AND", [inputRef(1, BOOL), boom]), 1, false), false);
  assert.equal(run(call("OR", [inputRef(1, BOOL), boom]), 1, true), true);
  assert.throws(() => run(call("AND", [inputRef(1, BOOL), boom]), 1, null), /Division by zero/);
});

test("comparisons with NULL are NULL; values compare in their common type", () => {
  for (const op of ["=", "<>", "<", "<=", ">", ">="]) {
    assert.equal(both(op, [INT, INT], [1, null]), null);
    assert.equal(both(op, [INT, INT], [null, null]), null);
  }
  assert.equal(both("<", [INT, INT], [1, 2]), true);
  assert.equal(both(">=", [INT, INT], [1, 2]), false);
  assert.equal(both("=", [INT, T.BIGINT()], [5, 5]), true);
  assert.equal(both("<", [T.BIGINT(), T.BIGINT()], [9007199254740993n, 9007199254740994n]), true);
  assert.equal(both("<", [INT, T.BIGINT()], [5, 9007199254740993n]), true);
  assert.equal(both("=", [INT, T.DECIMAL(5, 2)], [3, Decimal.parse("3.00")]), true);
  assert.equal(
    both("<", [T.DECIMAL(5, 2), T.DECIMAL(5, 1)], [Decimal.parse("1.05"), Decimal.parse("1.1")]),
    true,
  );
  assert.equal(both("=", [T.DOUBLE(), T.DOUBLE()], [NaN, NaN]), false);
  assert.equal(both("<", [T.BOOLEAN(), T.BOOLEAN()], [false, true]), true);
  assert.equal(both("<>", [T.STRING(), T.STRING()], ["a", "a"]), false);
});

test("comparisons of incomparable types are rejected at plan time", () => {
  assert.throws(
    () => call("=", [inputRef(0, INT), inputRef(1, T.STRING())]),
    (e: unknown) => e instanceof SqlValidationError && /'='.*\(INT, STRING\)/.test(e.message),
  );
});

test("IS [NOT] DISTINCT FROM treats NULLs as equal and is never NULL", () => {
  const cases: [unknown, unknown, boolean][] = [
    [1, 1, false],
    [1, 2, true],
    [1, null, true],
    [null, 1, true],
    [null, null, false],
  ];
  for (const [a, b, distinct] of cases) {
    assert.equal(both("IS DISTINCT FROM", [INT, INT], [a, b]), distinct);
    assert.equal(both("IS NOT DISTINCT FROM", [INT, INT], [a, b]), !distinct);
  }
  const e = call("IS DISTINCT FROM", [inputRef(0, INT), inputRef(1, INT)]);
  assert.equal(e.type.nullable, false);
  assert.equal(
    both(
      "IS NOT DISTINCT FROM",
      [T.DECIMAL(3, 1), T.DECIMAL(3, 2)],
      [Decimal.parse("1.0"), Decimal.parse("1.00")],
    ),
    true,
  );
});

test("IS NULL, IS TRUE, IS FALSE, IS UNKNOWN and their negations", () => {
  const tests: [string, (v: boolean | null) => boolean][] = [
    ["IS NULL", (v) => v === null],
    ["IS NOT NULL", (v) => v !== null],
    ["IS TRUE", (v) => v === true],
    ["IS NOT TRUE", (v) => v !== true],
    ["IS FALSE", (v) => v === false],
    ["IS NOT FALSE", (v) => v !== false],
    ["IS UNKNOWN", (v) => v === null],
    ["IS NOT UNKNOWN", (v) => v !== null],
  ];
  for (const [op, expected] of tests) {
    for (const v of TRI) assert.equal(both(op, [BOOL], [v]), expected(v), `${v} ${op}`);
  }
  // IS NULL on a NOT NULL input is constant
  const src = compileExpression(call("IS NULL", [inputRef(0, T.notNull(INT))])).source;
  assert.match(src, /const v0 = false;/);
});

test("IN with NULLs: TRUE on a match, else NULL when a NULL is involved, else FALSE", () => {
  const inList = (x: number | null, items: (number | null)[], not = false) => {
    const lits = items.map((v) => (v === null ? nullLiteral(INT) : literalOf(v)));
    const viaSet = run(call(not ? "NOT IN" : "IN", [inputRef(0, INT), ...lits]), x);
    // the same list from inputs takes the general (non-Set) path
    const viaInputs = run(
      call(not ? "NOT IN" : "IN", [inputRef(0, INT), ...items.map((_, i) => inputRef(i + 1, INT))]),
      x,
      ...items,
    );
    assert.equal(viaSet, viaInputs, `${x} ${not ? "NOT " : ""}IN (${items.join(", ")})`);
    return viaSet;
  };
  assert.equal(inList(1, [2, null]), null);
  assert.equal(inList(1, [1, null]), true);
  assert.equal(inList(1, [2, 3]), false);
  assert.equal(inList(null, [1, 2]), null);
  assert.equal(inList(1, [2, null], true), null);
  assert.equal(inList(1, [1, null], true), false);
  assert.equal(inList(1, [2, 3], true), true);
  const many = call("IN", [inputRef(0, INT), literalOf(1), literalOf(2), literalOf(3)]);
  assert.match(compileExpression(many).source, /\.has\(/, "a literal list uses a Set");
  // DECIMAL and mixed numeric lists compare by value
  const dec = call("IN", [
    inputRef(0, T.DECIMAL(5, 2)),
    literalOf(1),
    literal(Decimal.parse("2.5"), T.notNull(T.DECIMAL(2, 1))),
  ]);
  assert.equal(run(dec, Decimal.parse("2.50")), true);
  assert.equal(run(dec, Decimal.parse("1.00")), true);
  assert.equal(run(dec, Decimal.parse("1.01")), false);
  const str = call("IN", [inputRef(0, T.STRING()), literalOf("a"), literalOf("b")]);
  assert.equal(run(str, "b"), true);
  assert.equal(run(str, "c"), false);
});

test("BETWEEN is x >= low AND x <= high in three-valued logic", () => {
  const between = (op: string, x: number | null, lo: number | null, hi: number | null) =>
    both(op, [INT, INT, INT], [x, lo, hi]);
  assert.equal(between("BETWEEN", 2, 1, 3), true);
  assert.equal(between("BETWEEN", 4, 1, 3), false);
  assert.equal(between("BETWEEN", 2, 3, 1), false);
  assert.equal(between("BETWEEN SYMMETRIC", 2, 3, 1), true);
  assert.equal(between("BETWEEN", null, 1, 3), null);
  assert.equal(between("BETWEEN", 5, null, 3), false);
  assert.equal(between("BETWEEN", 2, null, 3), null);
  assert.equal(between("NOT BETWEEN", 4, 1, 3), true);
  assert.equal(between("NOT BETWEEN", 2, null, 3), null);
});

test("CASE picks the first TRUE branch; without ELSE the result is NULL", () => {
  const x = inputRef(0, INT);
  const e = caseWhen([
    [call(">", [x, literalOf(10)]), literalOf("big")],
    [call(">", [x, literalOf(0)]), literalOf("small")],
  ]);
  assert.equal(e.type.nullable, true);
  assert.equal(run(e, 20), "big");
  assert.equal(run(e, 5), "small");
  assert.equal(run(e, -1), null);
  assert.equal(run(e, null), null, "a NULL condition does not select its branch");
  const withElse = caseWhen([[call("IS NULL", [x]), literalOf(0)]], call("*", [x, literalOf(2)]));
  assert.equal(run(withElse, null), 0);
  assert.equal(run(withElse, 21), 42);
  // branch values are converted to the common type
  const mixed = caseWhen(
    [[call(">", [x, literalOf(0)]), literalOf(1)]],
    literal(Decimal.parse("2.5"), T.notNull(T.DECIMAL(2, 1))),
  );
  assert.equal(typeToString(mixed.type), "DECIMAL(11, 1) NOT NULL");
  assert.equal(String(run(mixed, 1)), "1");
  assert.ok(run(mixed, 1) instanceof Decimal);
});

test("COALESCE returns the first non-NULL value and evaluates lazily", () => {
  const x = inputRef(0, INT);
  const boom = call("/", [literalOf(1), inputRef(1, INT)]);
  const e = call("COALESCE", [x, boom, literalOf(7)]);
  assert.equal(e.type.nullable, false);
  assert.equal(run(e, 3, 0), 3, "the division by zero is never evaluated");
  assert.throws(() => run(e, null, 0), /Division by zero/);
  assert.equal(run(e, null, 1), 1);
  assert.equal(run(call("COALESCE", [x, inputRef(1, INT)]), null, null), null);
  const big = call("COALESCE", [x, inputRef(1, T.BIGINT())]);
  assert.equal(run(big, null, 9007199254740993n), 9007199254740993n);
});

test("IF and NULLIF", () => {
  const x = inputRef(0, INT);
  const e = call("IF", [call(">", [x, literalOf(0)]), literalOf("pos"), literalOf("neg")]);
  assert.equal(run(e, 1), "pos");
  assert.equal(run(e, -1), "neg");
  assert.equal(run(e, null), "neg", "a NULL condition takes the ELSE branch");
  const lazy = call("IF", [
    call("=", [x, literalOf(0)]),
    literalOf(0),
    call("/", [literalOf(10), x]),
  ]);
  assert.equal(run(lazy, 0), 0);
  assert.equal(run(lazy, 5), 2);
  const n = call("NULLIF", [x, literalOf(0)]);
  assert.equal(run(n, 0), null);
  assert.equal(run(n, 3), 3);
  assert.equal(run(n, null), null);
});

test("temporal comparisons: TIMESTAMPs by instant, DATEs as days", async () => {
  const { Timestamp } = await import("../../src/table/types/timestamp.ts");
  const t1 = new Timestamp(1000, 5);
  const t2 = new Timestamp(1000, 6);
  assert.equal(both("<", [T.TIMESTAMP(9), T.TIMESTAMP(9)], [t1, t2]), true);
  assert.equal(both("=", [T.TIMESTAMP(9), T.TIMESTAMP(3)], [t1, new Timestamp(1000, 5)]), true);
  assert.equal(both("<>", [T.TIMESTAMP(9), T.TIMESTAMP(9)], [t1, t2]), true);
  assert.equal(both("<", [T.DATE(), T.DATE()], [1, 2]), true);
  assert.throws(
    () => call("=", [inputRef(0, T.DATE()), inputRef(1, T.TIMESTAMP(3))]),
    SqlValidationError,
  );
  // TIMESTAMP vs TIMESTAMP_LTZ depends on the session time zone: the planner must cast first
  const mixed = call("=", [inputRef(0, T.TIMESTAMP(3)), inputRef(1, T.TIMESTAMP_LTZ(3))]);
  assert.throws(
    () => compileExpression(mixed),
    (e: unknown) => e instanceof SqlValidationError && /CAST/.test(e.message),
  );
});
