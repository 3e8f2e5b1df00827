/** OVER window functions on bounded input: ranking, offsets, frames, batch and streaming. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { TableEnvironment } from "../../src/index.ts";
import { UnsupportedPlanError } from "../../src/table/runtime/errors.ts";
import { overWindow, unboundedOverError } from "../../src/table/runtime/over.ts";
import type { Row } from "../../src/table/runtime/row.ts";
import { fromValues } from "../../src/table/runtime/values.ts";
import { compareSqlValues } from "../../src/table/runtime/value-keys.ts";
import { INT, STRING } from "../../src/table/types/index.ts";
import { changelog, env as streamEnv } from "./runtime-support.ts";

function env(mode: "batch" | "streaming", parallelism = 1): TableEnvironment {
  const t = TableEnvironment.create({ mode, parallelism });
  t.catalogs.registerRows(
    "emp",
    [
      { name: "id", type: INT() },
      { name: "dept", type: STRING() },
      { name: "sal", type: INT() },
    ],
    [
      [1, "a", 10],
      [2, "a", 20],
      [3, "a", 20],
      [4, "a", null],
      [5, "b", 30],
      [6, "b", 10],
      [7, "c", 5],
    ],
  );
  return t;
}

async function rows(t: TableEnvironment, sql: string): Promise<unknown[][]> {
  return (await t.executeSql(sql)).collect();
}

const MODES = [
  ["batch", 1],
  ["streaming", 1],
  ["streaming", 4],
] as const;

for (const [mode, p] of MODES) {
  const label = `(${mode}, p${p})`;

  test(`ranking functions, peers with RANK vs ROW_NUMBER ${label}`, async () => {
    const t = env(mode, p);
    const r = await t.executeSql(
      `SELECT id,
         ROW_NUMBER() OVER (PARTITION BY dept ORDER BY sal, id) AS rn,
         RANK() OVER (PARTITION BY dept ORDER BY sal) AS r,
         DENSE_RANK() OVER (PARTITION BY dept ORDER BY sal) AS dr,
         PERCENT_RANK() OVER (PARTITION BY dept ORDER BY sal) AS pr,
         CUME_DIST() OVER (PARTITION BY dept ORDER BY sal) AS cd,
         NTILE(2) OVER (PARTITION BY dept ORDER BY sal, id) AS nt
       FROM emp ORDER BY id`,
    );
    assert.deepEqual(
      r.columns.map((c) => `${c.name} ${c.typeText}`),
      [
        "id INT",
        "rn BIGINT NOT NULL",
        "r BIGINT NOT NULL",
        "dr BIGINT NOT NULL",
        "pr DOUBLE NOT NULL",
        "cd DOUBLE NOT NULL",
        "nt BIGINT NOT NULL",
      ],
    );
    assert.deepEqual(await r.collect(), [
      [1, 2, 2, 2, 1 / 3, 0.5, 1],
      [2, 3, 3, 3, 2 / 3, 1, 2],
      [3, 4, 3, 3, 2 / 3, 1, 2],
      [4, 1, 1, 1, 0, 0.25, 1],
      [5, 2, 2, 2, 1, 1, 2],
      [6, 1, 1, 1, 0, 0.5, 1],
      [7, 1, 1, 1, 0, 1, 1],
    ]);
  });

  test(`NULL ordering of window ORDER BY ${label}`, async () => {
    const t = env(mode, p);
    assert.deepEqual(
      await rows(
        t,
        `SELECT id,
           ROW_NUMBER() OVER (ORDER BY sal DESC, id) AS desc_default,
           ROW_NUMBER() OVER (ORDER BY sal, id) AS asc_default,
           ROW_NUMBER() OVER (ORDER BY sal NULLS LAST, id) AS asc_last,
           ROW_NUMBER() OVER (ORDER BY sal DESC NULLS FIRST, id) AS desc_first
         FROM emp ORDER BY id`,
      ),
      [
        [1, 4, 3, 2, 5],
        [2, 2, 5, 4, 3],
        [3, 3, 6, 5, 4],
        [4, 7, 1, 7, 1],
        [5, 1, 7, 6, 2],
        [6, 5, 4, 3, 6],
        [7, 6, 2, 1, 7],
      ],
    );
  });

  test(`LAG and LEAD with offsets and defaults ${label}`, async () => {
    const t = env(mode, p);
    const r = await t.executeSql(
      `SELECT id, LAG(sal) OVER w AS l1, LAG(sal, 2, -1) OVER w AS l2,
         LEAD(sal) OVER w AS ld, LEAD(sal, 1, 0) OVER w AS ld0
       FROM emp WINDOW w AS (PARTITION BY dept ORDER BY id) ORDER BY id`,
    );
    assert.deepEqual(
      r.columns.map((c) => c.typeText),
      ["INT", "INT", "INT", "INT", "INT"],
    );
    assert.deepEqual(await r.collect(), [
      [1, null, -1, 20, 20],
      [2, 10, -1, 20, 20],
      [3, 20, 10, null, null],
      [4, 20, 20, null, 0],
      [5, null, -1, 10, 10],
      [6, 30, -1, null, 0],
      [7, null, -1, null, 0],
    ]);
  });

  test(`aggregates over ROWS frames ${label}`, async () => {
    const t = env(mode, p);
    assert.deepEqual(
      await rows(
        t,
        `SELECT id,
           SUM(sal) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS s3,
           COUNT(sal) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS c3,
           COUNT(*) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS n3,
           SUM(sal) OVER (ORDER BY id) AS running,
           MIN(sal) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS mn,
           MAX(sal) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS mx,
           SUM(sal) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS rest,
           COUNT(*) OVER (ORDER BY id ROWS 2 PRECEDING) AS last3,
           SUM(sal) OVER (ORDER BY id ROWS BETWEEN 3 PRECEDING AND 2 PRECEDING) AS lagged
         FROM emp ORDER BY id`,
      ),
      [
        [1, 30, 2, 2, 10, 10, 10, 95, 1, null],
        [2, 50, 3, 3, 30, 10, 20, 85, 2, null],
        [3, 40, 2, 3, 50, 10, 20, 65, 3, 10],
        [4, 50, 2, 3, 50, 10, 20, 45, 3, 30],
        [5, 40, 2, 3, 80, 10, 30, 45, 3, 40],
        [6, 45, 3, 3, 90, 10, 30, 15, 3, 20],
        [7, 15, 2, 2, 95, 5, 30, 5, 3, 30],
      ],
    );
  });

  test(`RANGE frames: peers and numeric offsets ${label}`, async () => {
    const t = env(mode, p);
    assert.deepEqual(
      await rows(
        t,
        `SELECT id,
           SUM(sal) OVER (PARTITION BY dept ORDER BY sal) AS peers_sum,
           COUNT(*) OVER (PARTITION BY dept ORDER BY sal) AS peers_n,
           COUNT(*) OVER (PARTITION BY dept ORDER BY sal, id ROWS UNBOUNDED PRECEDING) AS rows_n,
           SUM(sal) OVER (ORDER BY sal RANGE BETWEEN 10 PRECEDING AND CURRENT ROW) AS r10,
           COUNT(*) OVER (ORDER BY sal RANGE BETWEEN 5 PRECEDING AND 5 FOLLOWING) AS r5,
           SUM(sal) OVER (ORDER BY sal DESC RANGE BETWEEN 10 PRECEDING AND CURRENT ROW) AS d10
         FROM emp ORDER BY id`,
      ),
      [
        [1, 10, 2, 2, 25, 3, 60],
        [2, 50, 4, 3, 60, 2, 70],
        [3, 50, 4, 4, 60, 2, 70],
        [4, null, 1, 1, null, 1, null],
        [5, 40, 2, 2, 70, 1, 30],
        [6, 10, 1, 1, 25, 3, 60],
        [7, 5, 1, 1, 5, 3, 25],
      ],
    );
  });

  test(`FIRST_VALUE, LAST_VALUE and whole-partition aggregates ${label}`, async () => {
    const t = env(mode, p);
    assert.deepEqual(
      await rows(
        t,
        `SELECT id,
           FIRST_VALUE(sal) OVER (PARTITION BY dept ORDER BY id) AS fv,
           LAST_VALUE(sal) OVER (PARTITION BY dept ORDER BY id) AS lv,
           LAST_VALUE(sal) OVER (PARTITION BY dept ORDER BY id
             ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS lv_all,
           SUM(sal) OVER (PARTITION BY dept) AS total,
           sal - MIN(sal) OVER (PARTITION BY dept) AS above_min
         FROM emp ORDER BY id`,
      ),
      [
        [1, 10, 10, null, 50, 0],
        [2, 10, 20, null, 50, 10],
        [3, 10, 20, null, 50, 10],
        [4, 10, null, null, 50, null],
        [5, 30, 30, 10, 40, 20],
        [6, 30, 10, 10, 40, 0],
        [7, 5, 5, 5, 5, 0],
      ],
    );
  });

  test(`several windows, a named window and Top-N over a window ${label}`, async () => {
    const t = env(mode, p);
    assert.deepEqual(
      await rows(
        t,
        `SELECT id, SUM(sal) OVER w AS s, COUNT(*) OVER w AS c,
           ROW_NUMBER() OVER (ORDER BY id DESC) AS back,
           MAX(sal) OVER (PARTITION BY dept) AS m
         FROM emp WINDOW w AS (PARTITION BY dept ORDER BY id) ORDER BY id`,
      ),
      [
        [1, 10, 1, 7, 20],
        [2, 30, 2, 6, 20],
        [3, 50, 3, 5, 20],
        [4, 50, 4, 4, 20],
        [5, 30, 1, 3, 30],
        [6, 40, 2, 2, 30],
        [7, 5, 1, 1, 5],
      ],
    );
    assert.deepEqual(
      await rows(
        t,
        `SELECT dept, id FROM (
           SELECT dept, id, ROW_NUMBER() OVER (PARTITION BY dept ORDER BY sal DESC, id) AS rn
           FROM emp) WHERE rn = 1 ORDER BY dept`,
      ),
      [
        ["a", 2],
        ["b", 5],
        ["c", 7],
      ],
    );
  });

  test(`a window over an aggregated (updating) input ${label}`, async () => {
    const t = env(mode, p);
    assert.deepEqual(
      await rows(
        t,
        `SELECT dept, total, RANK() OVER (ORDER BY total DESC) AS r FROM (
           SELECT dept, SUM(sal) AS total FROM emp GROUP BY dept) ORDER BY dept`,
      ),
      [
        ["a", 50, 1],
        ["b", 40, 2],
        ["c", 5, 3],
      ],
    );
  });
}

test("EXPLAIN shows the over aggregation, insert-only", async () => {
  const t = env("streaming");
  const [[plan]] = await rows(
    t,
    "EXPLAIN SELECT id, SUM(sal) OVER (PARTITION BY dept ORDER BY id ROWS 1 PRECEDING) AS s FROM emp",
  );
  assert.match(
    plan as string,
    /OverAggregate\(partitionBy=\[dept\], orderBy=\[id ASC\], select=\[id, dept, sal, SUM\(sal\) ROWS BETWEEN 1 PRECEDING AND CURRENT ROW AS s\], changelogMode=\[I\]\)/,
  );
});

test("OVER on an unbounded source is refused when planned", async () => {
  const t = env("streaming");
  await t.executeSql("CREATE TABLE g (a INT, b INT) WITH ('connector' = 'datagen')");
  await assert.rejects(
    async () => rows(t, "SELECT a, ROW_NUMBER() OVER (PARTITION BY b ORDER BY a) FROM g"),
    /OVER window functions are supported only on bounded input/,
  );
});

test("misplaced or malformed OVER calls are clear errors", async () => {
  const t = env("batch");
  const cases: [string, RegExp][] = [
    [
      "SELECT id FROM emp WHERE ROW_NUMBER() OVER (ORDER BY id) = 1",
      /line 1, column 26: OVER windows are supported only in the SELECT list.*WHERE clause/,
    ],
    [
      "SELECT dept, SUM(sal) OVER (ORDER BY dept) FROM emp GROUP BY dept",
      /OVER windows are supported only in the SELECT list of a query without GROUP BY/,
    ],
    ["SELECT RANK() OVER (PARTITION BY dept) FROM emp", /RANK needs an ORDER BY in its window/],
    ["SELECT SUM(sal) OVER w2 FROM emp WINDOW w AS (ORDER BY id)", /Window 'w2' not found/],
    [
      "SELECT SUM(sal) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND 1 PRECEDING) FROM emp",
      /Invalid window frame: it cannot start at CURRENT ROW and end at PRECEDING/,
    ],
    [
      "SELECT SUM(sal) OVER (ORDER BY dept RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM emp",
      /RANGE frame with an offset needs exactly one ORDER BY key of a numeric type/,
    ],
    [
      "SELECT ROW_NUMBER() OVER (ORDER BY id ROWS 1 PRECEDING) FROM emp",
      /ROW_NUMBER does not take a window frame/,
    ],
    ["SELECT LAG(sal, sal) OVER (ORDER BY id) FROM emp", /LAG's offset must be an integer literal/],
    ["SELECT NTILE(0) OVER (ORDER BY id) FROM emp", /NTILE's bucket count must be an integer/],
    ["SELECT UPPER(dept) OVER (ORDER BY id) FROM emp", /UPPER is not a window function/],
    [
      "SELECT COUNT(*) OVER w FROM emp WINDOW w AS (v), v AS (w ORDER BY id)",
      /Window 'w' is defined by itself/,
    ],
    ["SELECT id FROM emp QUALIFY id = 1", /QUALIFY needs a window function/],
    [
      "SELECT SUM(SUM(sal) OVER (ORDER BY id)) OVER (ORDER BY id) FROM emp",
      /OVER windows cannot be nested/,
    ],
  ];
  for (const [sql, re] of cases) {
    await assert.rejects(async () => rows(t, sql), re, sql);
  }
});

test("the runtime operator applies retractions before ranking, and refuses unbounded input", async () => {
  const byValue = { compare: (a: Row, b: Row) => compareSqlValues(a[2], b[2]) };
  const log: Row[] = [
    [0, "x", 3],
    [0, "x", 1],
    [0, "x", 2],
    [0, "y", 9],
    [3, "x", 1],
    [0, "x", 3],
  ];
  const out = await changelog(
    overWindow(fromValues(streamEnv(1), log), {
      keyOf: (row) => row[1],
      order: byValue,
      calls: [{ fn: "ROW_NUMBER" }, { fn: "RANK" }, { fn: "LAG", arg: (row) => row[2] }],
    }),
  );
  assert.deepEqual(out.sort(), [
    "+I[x, 2, 1, 1, null]",
    "+I[x, 3, 2, 2, 2]",
    "+I[x, 3, 3, 2, 3]",
    "+I[y, 9, 1, 1, null]",
  ]);
  const unbounded = fromValues(streamEnv(1), log, { bounded: false });
  assert.throws(
    () => overWindow(unbounded, { calls: [{ fn: "ROW_NUMBER" }], name: "W1" }),
    (err: unknown) =>
      err instanceof UnsupportedPlanError &&
      /^W1: OVER window functions need bounded input/.test(err.message),
  );
  assert.match(unboundedOverError().message, /time attribute/);
});
