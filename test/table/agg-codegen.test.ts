/**
 * The generated aggregation code (agg-codegen.ts, agg-inline.ts) against the aggregate functions'
 * own methods: random accumulate/retract sequences over many types and call forms give the same
 * results, and a value of the wrong type fails with the function's error.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Aggregation, EMPTY_GROUP, type AggCall } from "../../src/table/runtime/agg-calls.ts";
import { aggFunctionByName } from "../../src/table/runtime/aggregates-stats.ts";
import { compareValues } from "../../src/table/types/compare.ts";
import { Decimal } from "../../src/table/types/decimal.ts";
import {
  BIGINT,
  DECIMAL,
  DOUBLE,
  INT,
  type LogicalType,
} from "../../src/table/types/logical-type.ts";
import { RowKind, type Row } from "../../src/table/runtime/row.ts";

/** A deterministic pseudo-random sequence (LCG). */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

const TYPES: [LogicalType, (r: () => number) => unknown][] = [
  [INT(), (r) => Math.floor(r() * 2000) - 1000],
  [DOUBLE(), (r) => r() * 100 - 50],
  [BIGINT(), (r) => (r() < 0.5 ? Math.floor(r() * 1e6) : 2n ** 60n + BigInt(Math.floor(r() * 9)))],
  [DECIMAL(10, 2), (r) => new Decimal(BigInt(Math.floor(r() * 100000)), 2)],
];

/** Every call form: functions over each type, with a field or computed argument, FILTER, DISTINCT. */
function calls(): AggCall[] {
  const out: AggCall[] = [
    { fn: aggFunctionByName("COUNT", null) },
    { fn: aggFunctionByName("COUNT", INT()), argField: 1, arg: (row) => row[1] },
  ];
  TYPES.forEach(([type], t) => {
    const field = t + 1;
    for (const name of ["SUM", "SUM0", "AVG", "MIN", "MAX", "COUNT"]) {
      const fn = aggFunctionByName(name, type, { compare: compareValues(type) });
      out.push({ fn, argField: field, arg: (row) => row[field] });
      out.push({ fn, arg: (row) => row[field], filter: (row) => row[5] === true });
      out.push({ fn, argField: field, arg: (row) => row[field], distinct: true });
    }
  });
  return out;
}

function randomRow(r: () => number): Row {
  const row: Row = [RowKind.INSERT];
  for (const [, gen] of TYPES) row.push(r() < 0.15 ? null : gen(r));
  row.push(r() < 0.5);
  return row;
}

/** The reference: each function's methods called one by one, DISTINCT counted per value. */
function reference(cs: AggCall[], rows: { row: Row; add: boolean }[]): unknown[] {
  const accs = cs.map((c) => c.fn.createAccumulator());
  const seen = cs.map(() => new Map<string, number>());
  for (const { row, add } of rows) {
    cs.forEach((c, i) => {
      if (c.filter !== undefined && c.filter(row) !== true) return;
      const v = c.arg === undefined ? undefined : c.arg(row);
      if (c.distinct) {
        if (v === null || v === undefined) return;
        const k = String(v);
        const n = seen[i]!.get(k) ?? 0;
        seen[i]!.set(k, n + (add ? 1 : -1));
        if (add ? n > 0 : n > 1) return;
      }
      accs[i] = add ? c.fn.accumulate(accs[i], v) : c.fn.retract(accs[i], v);
    });
  }
  return cs.map((c, i) => c.fn.getValue(accs[i]));
}

const show = (vs: unknown[]): string[] => vs.map((v) => String(v));

for (const seed of [1, 2, 3]) {
  test(`generated code equals the functions' own methods (seed ${seed})`, () => {
    const r = rng(seed);
    const cs = calls();
    const agg = new Aggregation(cs, "test", 1);
    const g = agg.create(["k"]);
    const live: Row[] = [];
    const log: { row: Row; add: boolean }[] = [];
    const snap: unknown[] = [];
    for (let step = 0; step < 400; step++) {
      const before = agg.output(g, RowKind.UPDATE_AFTER);
      const add = !(live.length > 0 && r() < 0.4);
      const row = add ? randomRow(r) : live.splice(Math.floor(r() * live.length), 1)[0]!;
      if (add) live.push(row);
      log.push({ row, add });
      const next = step === 0 ? (agg.accumulate(g, row), null) : agg.update(g, row, add, snap);
      const after = agg.output(g, RowKind.UPDATE_AFTER);
      if (step > 0) {
        // update() saw the results before the row, and reports a change exactly when there is one.
        assert.deepEqual(show(snap), show(before.slice(2)));
        if (next === EMPTY_GROUP) assert.equal(g.n, 0);
        else if (next === null) assert.deepEqual(show(after), show(before));
        else assert.deepEqual(show(next), show(after));
        assert.deepEqual(agg.rowOf(g, snap, RowKind.DELETE), [RowKind.DELETE, ...before.slice(1)]);
      }
      if (step % 50 === 0 || step === 399) {
        assert.deepEqual(show(after.slice(2)), show(reference(cs, log)), `step ${step}`);
      }
    }
    assert.equal(g.n, live.length);
  });
}

test("a value of the wrong type fails with the function's own error, inline or not", () => {
  for (const type of [INT(), DOUBLE(), BIGINT()]) {
    const agg = new Aggregation([{ fn: aggFunctionByName("SUM", type), argField: 1 }], "t", 0);
    const g = agg.create([]);
    assert.throws(() => agg.accumulate(g, [0, "x"]), /SUM: expected a (INT|DOUBLE|BIGINT) value/);
  }
});

test("an unknown number of keys builds rows of any width", () => {
  const agg = new Aggregation([{ fn: aggFunctionByName("COUNT", null) }], "t");
  const g = agg.create(["a", "b", "c"]);
  agg.accumulate(g, [0]);
  assert.deepEqual(agg.output(g, RowKind.INSERT), [0, "a", "b", "c", 1]);
});
