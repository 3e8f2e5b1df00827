/**
 * GROUP BY aggregation in real jobs: the exact streaming changelog (parallelism 1), batch output
 * equal to streaming's final state at parallelism 1 and 4, retraction input (a group's count
 * dropping to zero, MIN after retracting the minimum, COUNT(DISTINCT) with retractions), global
 * aggregations, the upsert variant and SELECT DISTINCT.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { JobExecutionError } from "../../src/index.ts";
import type { AggCall } from "../../src/table/runtime/agg-calls.ts";
import { count, countStar, max, min, sum } from "../../src/table/runtime/aggregates.ts";
import { aggFunctionByName } from "../../src/table/runtime/aggregates-stats.ts";
import { collectChangelog } from "../../src/table/runtime/collect.ts";
import { distinct, groupAggregate } from "../../src/table/runtime/group-aggregate.ts";
import { applyChangelog, formatRow, insertRows, type Row } from "../../src/table/runtime/row.ts";
import { fromValues } from "../../src/table/runtime/values.ts";
import { BIGINT, INT } from "../../src/table/types/logical-type.ts";
import { bothModes, changelog, env, printed } from "./runtime-support.ts";

const word = (r: Row) => [r[1]];
const amount = (r: Row) => r[2];

describe("group aggregation over an insert-only table", () => {
  const rows = insertRows([
    ["a", 1],
    ["b", 2],
    ["a", 3],
    ["a", null],
    ["b", 2],
  ]);
  const aggs: AggCall[] = [
    { fn: countStar() },
    { fn: count(), arg: amount },
    { fn: sum(INT()), arg: amount },
    { fn: max(), arg: amount },
  ];

  test("streaming emits +I, then -U/+U per change; batch the final rows; they agree", async () => {
    const { streaming, table } = await bothModes((e) =>
      groupAggregate(fromValues(e, rows), { keyOf: word, aggs }),
    );
    assert.deepEqual(streaming, [
      "+I[a, 1, 1, 1, 1]",
      "+I[b, 1, 1, 2, 2]",
      "-U[a, 1, 1, 1, 1]",
      "+U[a, 2, 2, 4, 3]",
      "-U[a, 2, 2, 4, 3]",
      "+U[a, 3, 2, 4, 3]",
      "-U[b, 1, 1, 2, 2]",
      "+U[b, 2, 2, 4, 2]",
    ]);
    assert.deepEqual(table, ["[a, 3, 2, 4, 3]", "[b, 2, 2, 4, 2]"]);
  });

  test("no output when a group's result does not change", async () => {
    const log = await changelog(
      groupAggregate(fromValues(env(1), rows), { keyOf: word, aggs: [{ fn: max(), arg: amount }] }),
    );
    assert.deepEqual(log, ["+I[a, 1]", "+I[b, 2]", "-U[a, 1]", "+U[a, 3]"]);
  });

  test("without update-before the changelog is an upsert stream keyed by the group", async () => {
    const { streaming } = await bothModes(
      (e) =>
        groupAggregate(fromValues(e, rows), {
          keyOf: word,
          aggs: [{ fn: sum(INT()), arg: amount }],
          generateUpdateBefore: false,
        }),
      [0],
    );
    assert.deepEqual(streaming, ["+I[a, 1]", "+I[b, 2]", "+U[a, 4]", "+U[b, 4]"]);
  });

  test("the runtime mode comes from the environment, AUTOMATIC from the sources", async () => {
    const e = env(2, "STREAMING");
    e.setRuntimeMode("AUTOMATIC");
    const out = await collectChangelog(
      groupAggregate(fromValues(e, rows), { keyOf: word, aggs: [{ fn: countStar() }] }),
    );
    assert.deepEqual(out.map(formatRow).sort(), ["+I[a, 3]", "+I[b, 2]"]);
  });
});

describe("group aggregation over a retracting changelog", () => {
  const log: Row[] = [
    [0, "a", 5],
    [0, "a", 3],
    [0, "b", 7],
    [0, "a", 3],
    [3, "a", 3],
    [1, "b", 7],
    [2, "b", 8],
    [3, "a", 3],
    [3, "b", 8],
    [0, "c", 1],
    [3, "a", 5],
    [0, "a", 9],
  ];
  const aggs: AggCall[] = [
    { fn: countStar() },
    { fn: min(), arg: amount },
    { fn: count(), arg: amount, distinct: true },
  ];

  test("count to zero emits -D; MIN after retracting the minimum; COUNT(DISTINCT) retracts", async () => {
    const { streaming, table } = await bothModes((e) =>
      groupAggregate(fromValues(e, log), { keyOf: word, aggs }),
    );
    assert.deepEqual(streaming, [
      "+I[a, 1, 5, 1]",
      "-U[a, 1, 5, 1]",
      "+U[a, 2, 3, 2]",
      "+I[b, 1, 7, 1]",
      "-U[a, 2, 3, 2]",
      "+U[a, 3, 3, 2]",
      "-U[a, 3, 3, 2]",
      "+U[a, 2, 3, 2]",
      "-D[b, 1, 7, 1]",
      "+I[b, 1, 8, 1]",
      "-U[a, 2, 3, 2]",
      "+U[a, 1, 5, 1]",
      "-D[b, 1, 8, 1]",
      "+I[c, 1, 1, 1]",
      "-D[a, 1, 5, 1]",
      "+I[a, 1, 9, 1]",
    ]);
    assert.deepEqual(table, ["[a, 1, 9, 1]", "[c, 1, 1, 1]"]);
  });

  test("a retraction for a group without rows fails the job naming the operator", async () => {
    const job = groupAggregate(fromValues(env(1), [[3, "x", 1]]), {
      keyOf: word,
      aggs,
      name: "MyAgg",
    });
    await assert.rejects(collectChangelog(job), (e: unknown) => {
      assert.ok(e instanceof JobExecutionError);
      assert.match(
        String(e.message),
        /MyAgg: -D\[x, 1\] retracts a row of a group that has no rows/,
      );
      return true;
    });
  });
});

describe("global aggregation (no GROUP BY)", () => {
  const aggs: AggCall[] = [{ fn: countStar() }, { fn: sum(BIGINT()), arg: (r) => r[1] }];

  test("streaming: a first row on the first input, updates, -D when every row is retracted", async () => {
    const log = await changelog(
      groupAggregate(
        fromValues(env(4), [
          [0, 1],
          [0, 2],
          [3, 1],
          [3, 2],
          [0, 5],
        ]),
        { aggs },
      ),
    );
    assert.deepEqual(log, [
      "+I[1, 1]",
      "-U[1, 1]",
      "+U[2, 3]",
      "-U[2, 3]",
      "+U[1, 2]",
      "-D[1, 2]",
      "+I[1, 5]",
    ]);
  });

  test("batch yields exactly one row, even for empty input; streaming none (as Flink)", async () => {
    for (const p of [1, 4]) {
      const batch = await changelog(groupAggregate(fromValues(env(p, "BATCH"), []), { aggs }));
      assert.deepEqual(batch, ["+I[0, null]"]);
      const full = await changelog(
        groupAggregate(fromValues(env(p, "BATCH"), insertRows([[1], [2]]), { parallelism: 2 }), {
          aggs,
        }),
      );
      assert.deepEqual(full, ["+I[2, 3]"]);
      const streaming = await changelog(groupAggregate(fromValues(env(p), []), { aggs }));
      assert.deepEqual(streaming, []);
    }
  });
});

describe("SELECT DISTINCT", () => {
  test("+I on a row's first copy, -D when its last copy is retracted", async () => {
    const log: Row[] = [
      [0, "a", 1],
      [0, "a", 1],
      [0, "b", 2],
      [3, "a", 1],
      [3, "b", 2],
      [3, "a", 1],
      [0, "c", 3],
    ];
    const { streaming, table } = await bothModes((e) => distinct(fromValues(e, log)));
    assert.deepEqual(streaming, ["+I[a, 1]", "+I[b, 2]", "-D[b, 2]", "-D[a, 1]", "+I[c, 3]"]);
    assert.deepEqual(table, ["[c, 3]"]);
  });
});

describe("a generated changelog", () => {
  test("streaming at parallelism 1 and 4 materializes to batch's output and a reference", async () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const live: Row[] = [];
    const log: Row[] = [];
    for (let i = 0; i < 3000; i++) {
      if (live.length > 0 && rand(3) === 0) {
        const [r] = live.splice(rand(live.length), 1);
        log.push([rand(2) === 0 ? 1 : 3, r![1], r![2]]);
      } else {
        const r: Row = [0, `k${rand(40)}`, rand(7) === 0 ? null : rand(100)];
        live.push(r);
        log.push(r);
      }
    }
    const expected = new Map<string, number[]>();
    for (const r of live) {
      const k = r[1] as string;
      expected.set(k, [...(expected.get(k) ?? []), ...(r[2] === null ? [] : [r[2] as number])]);
      if (r[2] === null && !expected.has(k)) expected.set(k, []);
    }
    const fns = ["COUNT", "SUM", "MIN", "MAX", "AVG"].map((n) => ({
      fn: aggFunctionByName(n, INT()),
      arg: amount,
    }));
    const { table } = await bothModes((e) =>
      groupAggregate(fromValues(e, log, { parallelism: 1 }), { keyOf: word, aggs: fns }),
    );
    const reference = [...expected].map(([k, vs]) => {
      const s = vs.reduce((a, b) => a + b, 0);
      const some = vs.length > 0;
      return [
        k,
        vs.length,
        some ? s : null,
        some ? Math.min(...vs) : null,
        some ? Math.max(...vs) : null,
        some ? Math.trunc(s / vs.length) : null,
      ];
    });
    assert.deepEqual(table, printed(reference));
    assert.equal(applyChangelog(log).length, live.length);
  });
});
