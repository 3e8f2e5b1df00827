/** Streaming Top-N and deduplication: exact changelogs, unbounded input, plans and refusals. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { TableEnvironment } from "../../src/index.ts";
import { DeduplicateFunction } from "../../src/table/runtime/deduplicate.ts";
import { RankFunction, type RankType } from "../../src/table/runtime/rank.ts";
import { formatRow, type Row } from "../../src/table/runtime/row.ts";
import { fromValues } from "../../src/table/runtime/values.ts";
import { registerValuesData } from "../../src/table/connectors/values.ts";
import { compareSqlValues } from "../../src/table/runtime/value-keys.ts";
import { INT, STRING, Timestamp } from "../../src/table/types/index.ts";
import { FunctionDriver } from "./runtime-support.ts";

/** Rows `[kind, k, v]` ordered by v descending. */
const byVDesc = (a: Row, b: Row) => compareSqlValues(b[2], a[2]);

function rankDriver(
  o: { start?: number; end: number; outputRank?: boolean; insertOnly?: boolean; type?: RankType },
  batch = false,
) {
  const fn = new RankFunction(
    {
      compare: byVDesc,
      rankType: o.type ?? "ROW_NUMBER",
      start: o.start ?? 1,
      end: o.end,
      outputRank: o.outputRank ?? false,
      insertOnlyInput: o.insertOnly ?? false,
    },
    batch,
    "Rank",
  );
  return { driver: new FunctionDriver(fn), fn };
}

test("Top-2 with the row number: ranks whose row changed are updated", () => {
  const { driver: d } = rankDriver({ end: 2, outputRank: true, insertOnly: true });
  assert.deepEqual(d.one("k", [0, "k", 10]).take(), ["+I[k, 10, 1]"]);
  assert.deepEqual(d.one("k", [0, "k", 30]).take(), [
    "-U[k, 10, 1]",
    "+U[k, 30, 1]",
    "+I[k, 10, 2]",
  ]);
  assert.deepEqual(d.one("k", [0, "k", 20]).take(), ["-U[k, 10, 2]", "+U[k, 20, 2]"]);
  assert.deepEqual(d.one("k", [0, "k", 5]).take(), []);
  assert.deepEqual(d.one("j", [0, "j", 1]).take(), ["+I[j, 1, 1]"]);
});

test("Top-2 without the row number: the row pushed out is deleted", () => {
  const { driver: d } = rankDriver({ end: 2, insertOnly: true });
  d.one("k", [0, "k", 10]).one("k", [0, "k", 30]);
  assert.deepEqual(d.take(), ["+I[k, 10]", "+I[k, 30]"]);
  assert.deepEqual(d.one("k", [0, "k", 20]).take(), ["-D[k, 10]", "+I[k, 20]"]);
  // Ties rank by arrival: a second 20 comes after the first, outside the top 2.
  assert.deepEqual(d.one("k", [0, "k", 20]).take(), []);
  assert.deepEqual(d.one("k", [0, "k", 40]).take(), ["-D[k, 20]", "+I[k, 40]"]);
});

test("insert-only input keeps only the top N rows in state", () => {
  const { driver: d } = rankDriver({ end: 2, insertOnly: true });
  for (let v = 0; v < 50; v++) d.one("k", [0, "k", v]);
  const state = (d as unknown as { states: Map<string, Map<unknown, { entries: unknown[] }>> })
    .states;
  const partition = [...state.get("sql-rank-partition")!.values()][0]!;
  assert.equal(partition.entries.length, 2);
});

test("updating input: a retraction in the top moves the next row up", () => {
  const { driver: d } = rankDriver({ end: 2, outputRank: true });
  d.one("k", [0, "k", 10]).one("k", [0, "k", 30]).one("k", [0, "k", 20]);
  d.take();
  assert.deepEqual(d.one("k", [3, "k", 30]).take(), [
    "-U[k, 30, 1]",
    "+U[k, 20, 1]",
    "-U[k, 20, 2]",
    "+U[k, 10, 2]",
  ]);
  assert.deepEqual(d.one("k", [3, "k", 10]).take(), ["-D[k, 10, 2]"]);
});

test("a retraction of a row that was never there is an error naming the row", () => {
  const { driver: d } = rankDriver({ end: 2 });
  d.one("k", [0, "k", 1]);
  assert.throws(() => d.one("k", [3, "k", 2]), /Rank: -D\[k, 2\] retracts a row that is not/);
});

test("RANK and DENSE_RANK over ties", () => {
  const rows: Row[] = [
    [0, "k", 30],
    [0, "k", 20],
    [0, "k", 20],
    [0, "k", 10],
  ];
  const final = (type: RankType) => {
    const { driver: d } = rankDriver({ end: 3, outputRank: true, type }, true);
    for (const r of rows) d.one("k", r);
    assert.deepEqual(d.take(), []);
    return d.end().take();
  };
  assert.deepEqual(final("RANK"), ["+I[k, 30, 1]", "+I[k, 20, 2]", "+I[k, 20, 2]"]);
  assert.deepEqual(final("DENSE_RANK"), [
    "+I[k, 30, 1]",
    "+I[k, 20, 2]",
    "+I[k, 20, 2]",
    "+I[k, 10, 3]",
  ]);
});

test("deduplication: keep-first by arrival is insert-only, keep-last updates", () => {
  const first = new FunctionDriver(new DeduplicateFunction(false, null, false, false, "D"));
  first.one("k", [0, "k", 1]).one("k", [0, "k", 2]).one("j", [0, "j", 3]);
  assert.deepEqual(first.take(), ["+I[k, 1]", "+I[j, 3]"]);
  const last = new FunctionDriver(new DeduplicateFunction(true, null, false, false, "D"));
  last.one("k", [0, "k", 1]).one("k", [0, "k", 2]);
  assert.deepEqual(last.take(), ["+I[k, 1]", "-U[k, 1]", "+U[k, 2]"]);
  const byValue = new FunctionDriver(new DeduplicateFunction(true, byVDesc, false, false, "D"));
  byValue.one("k", [0, "k", 5]).one("k", [0, "k", 3]).one("k", [0, "k", 5]).one("k", [0, "k", 9]);
  assert.deepEqual(byValue.take(), ["+I[k, 5]", "-U[k, 5]", "+U[k, 9]"]);
  const batch = new FunctionDriver(new DeduplicateFunction(true, byVDesc, false, true, "D"));
  batch.one("k", [0, "k", 5]).one("k", [0, "k", 9]);
  assert.deepEqual(batch.take(), []);
  assert.deepEqual(batch.end().take(), ["+I[k, 9]"]);
  assert.throws(() => byValue.one("k", [3, "k", 9]), /D: deduplication needs an insert-only input/);
});

/** A streaming session over an unbounded table `s (k STRING, v INT)` of `rows`. */
function unbounded(rows: Row[], updating = false): TableEnvironment {
  const t = TableEnvironment.create({ mode: "streaming", parallelism: 1 });
  t.catalogs.registerStream(
    "s",
    [
      { name: "k", type: STRING() },
      { name: "v", type: INT() },
    ],
    (e) => fromValues(e, rows, { bounded: false }),
    { bounded: false, updating },
  );
  return t;
}

/** The first `n` changes of `sql` (then the unbounded query is cancelled). */
async function changes(t: TableEnvironment, sql: string, n: number): Promise<string[]> {
  const r = await t.executeSql(sql);
  const got: string[] = [];
  await r.changelog((batch) => {
    for (const row of batch) got.push(formatRow(row));
    if (got.length >= n) void r.cancel();
  });
  return got.slice(0, n);
}

test("Top-N over an unbounded table runs as a Rank with an updating changelog", async () => {
  const t = unbounded([
    [0, "a", 1],
    [0, "a", 3],
    [0, "b", 7],
    [0, "a", 2],
  ]);
  const sql = `SELECT k, v FROM (
      SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM s)
    WHERE rn <= 1`;
  const plan = (await (await t.executeSql(`EXPLAIN ${sql}`)).collect()).join("\n");
  assert.match(
    plan,
    /Deduplicate\(keep=\[LastRow\], key=\[k\], order=\[v\], changelogMode=\[I,UB,UA,D\]\)/,
  );
  assert.deepEqual(await changes(t, sql, 4), ["+I[a, 1]", "-U[a, 1]", "+U[a, 3]", "+I[b, 7]"]);
  const top2 = `SELECT * FROM s QUALIFY ROW_NUMBER() OVER (PARTITION BY k ORDER BY v) < 3`;
  assert.deepEqual(await changes(t, top2, 5), [
    "+I[a, 1]",
    "+I[a, 3]",
    "+I[b, 7]",
    "-D[a, 3]",
    "+I[a, 2]",
  ]);
});

test("ORDER BY ... LIMIT over an unbounded table is a global Top-N", async () => {
  const t = unbounded([
    [0, "a", 1],
    [0, "b", 3],
    [0, "c", 2],
    [0, "d", 9],
  ]);
  const sql = "SELECT k FROM s ORDER BY v DESC LIMIT 2";
  const plan = (await (await t.executeSql(`EXPLAIN ${sql}`)).collect()).join("\n");
  assert.match(
    plan,
    /Rank\(strategy=\[AppendFastStrategy\], rankType=\[ROW_NUMBER\], rankRange=\[rankStart=1, rankEnd=2\], partitionBy=\[\], orderBy=\[\$sort0 DESC\]/,
  );
  assert.deepEqual(await changes(t, sql, 6), [
    "+I[a]",
    "+I[b]",
    "-D[a]",
    "+I[c]",
    "-D[c]",
    "+I[d]",
  ]);
  await assert.rejects(
    async () => (await t.executeSql("SELECT k FROM s ORDER BY v")).collect(),
    /ORDER BY on an unbounded input is not supported without a LIMIT/,
  );
});

test("Top-N over an updating unbounded table: deletes move the next row up", async () => {
  const t = unbounded(
    [
      [0, "a", 1],
      [0, "a", 3],
      [0, "a", 2],
      [3, "a", 3],
      [1, "a", 2],
      [2, "a", 5],
    ],
    true,
  );
  const sql = `SELECT * FROM (
      SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM s)
    WHERE rn <= 2`;
  const plan = (await (await t.executeSql(`EXPLAIN ${sql}`)).collect()).join("\n");
  assert.match(plan, /Rank\(strategy=\[RetractStrategy\]/);
  assert.deepEqual(await changes(t, sql, 16), [
    "+I[a, 1, 1]",
    "-U[a, 1, 1]",
    "+U[a, 3, 1]",
    "+I[a, 1, 2]",
    "-U[a, 1, 2]",
    "+U[a, 2, 2]",
    // -D[a, 3]: 2 moves up, 1 comes back
    "-U[a, 3, 1]",
    "+U[a, 2, 1]",
    "-U[a, 2, 2]",
    "+U[a, 1, 2]",
    // -U[a, 2]: 1 moves up; +U[a, 5] takes the top
    "-U[a, 2, 1]",
    "+U[a, 1, 1]",
    "-D[a, 1, 2]",
    "-U[a, 1, 1]",
    "+U[a, 5, 1]",
    "+I[a, 1, 2]",
  ]);
});

test("a Top-N needs an upper bound; without one, OVER on unbounded input is refused", async () => {
  const t = unbounded([[0, "a", 1]]);
  await assert.rejects(
    async () =>
      (
        await t.executeSql(
          "SELECT * FROM (SELECT *, ROW_NUMBER() OVER (ORDER BY v) AS rn FROM s) WHERE rn > 2",
        )
      ).collect(),
    /OVER window functions are supported only on bounded input.*Top-N/,
  );
});

test("deduplication by a PROCTIME() column: keep-first is insert-only", async () => {
  const t = TableEnvironment.create({ mode: "streaming", parallelism: 2 });
  const id = registerValuesData([
    [0, "a", 1],
    [0, "b", 2],
    [0, "a", 3],
    [0, "b", 4],
    [0, "a", 5],
  ]);
  await t.executeSql(
    `CREATE TABLE e (k STRING, v INT, pt AS PROCTIME()) WITH ('connector' = 'values', 'data-id' = '${id}')`,
  );
  const query = (dir: string) =>
    `SELECT k, v FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY pt ${dir}) AS rn FROM e) WHERE rn = 1`;
  const explain = async (sql: string) =>
    (await (await t.executeSql(`EXPLAIN ${sql}`)).collect()).join("\n");
  assert.match(
    await explain(query("ASC")),
    /Deduplicate\(keep=\[FirstRow\], key=\[k\], order=\[PROCTIME\], changelogMode=\[I\]\)/,
  );
  assert.match(
    await explain(query("DESC")),
    /Deduplicate\(keep=\[LastRow\], key=\[k\], order=\[PROCTIME\], changelogMode=\[I,UB,UA,D\]\)/,
  );
  const first = await (await t.executeSql(query("ASC"))).changelog();
  assert.deepEqual(first.map(formatRow).sort(), ["+I[a, 1]", "+I[b, 2]"]);
  const last = await (await t.executeSql(query("DESC"))).collect();
  assert.deepEqual(last.map((r) => r.join(" ")).sort(), ["a 5", "b 4"]);
});

test("deduplication by a rowtime attribute: ties keep the last row for keep-last", async () => {
  const t = TableEnvironment.create({ mode: "streaming", parallelism: 1 });
  const ts = (ms: number) => Timestamp.fromMillis(ms);
  const id = registerValuesData([
    [0, "a", 1, ts(10)],
    [0, "a", 2, ts(5)],
    [0, "a", 3, ts(10)],
    [0, "b", 4, ts(7)],
  ]);
  await t.executeSql(
    `CREATE TABLE e (k STRING, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'values', 'data-id' = '${id}')`,
  );
  const query = (dir: string) =>
    `SELECT k, v FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY ts ${dir}) AS rn FROM e) WHERE rn = 1`;
  const plan = (await (await t.executeSql(`EXPLAIN ${query("DESC")}`)).collect()).join("\n");
  assert.match(plan, /Deduplicate\(keep=\[LastRow\], key=\[k\], order=\[ROWTIME\]/);
  const log = async (dir: string) =>
    (await (await t.executeSql(query(dir))).changelog()).map(formatRow);
  assert.deepEqual(await log("DESC"), ["+I[a, 1]", "-U[a, 1]", "+U[a, 3]", "+I[b, 4]"]);
  assert.deepEqual(await log("ASC"), ["+I[a, 1]", "-U[a, 1]", "+U[a, 2]", "+I[b, 4]"]);
});

test("Top-N in both modes on bounded input gives the same final rows", async () => {
  for (const [mode, p] of [
    ["batch", 1],
    ["streaming", 1],
    ["streaming", 3],
  ] as const) {
    const t = TableEnvironment.create({ mode, parallelism: p });
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
        [3, "a", 30],
        [4, "b", 5],
        [5, "b", 50],
      ],
    );
    const r = await t.executeSql(
      `SELECT dept, id, rn FROM (
         SELECT *, RANK() OVER (PARTITION BY dept ORDER BY sal DESC) AS rn FROM emp)
       WHERE rn BETWEEN 2 AND 3`,
    );
    const got = (await r.collect()).map((x) => x.join(" ")).sort();
    assert.deepEqual(got, ["a 1 3", "a 2 2", "b 4 2"], `${mode} p${p}`);
  }
});

test("randomized: after every row, the changelog applied equals the Top-N recomputed", () => {
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const types: RankType[] = ["ROW_NUMBER", "RANK", "DENSE_RANK"];
  for (let round = 0; round < 60; round++) {
    const type = types[round % 3]!;
    const outputRank = round % 2 === 0;
    const insertOnly = round % 5 === 0;
    const start = 1 + rnd(3);
    const end = start + rnd(4);
    const { driver: d } = rankDriver({ start, end, outputRank, insertOnly, type });
    const live: Row[] = [];
    const result = new Map<string, number>();
    for (let step = 0; step < 80; step++) {
      if (!insertOnly && live.length > 0 && rnd(3) === 0) {
        const [victim] = live.splice(rnd(live.length), 1);
        d.one("k", [3, "k", victim![2]]);
      } else {
        const row: Row = [0, "k", rnd(12)];
        live.push(row);
        d.one("k", row);
      }
      for (const change of d.take()) {
        const body = change.slice(2);
        const add = change.startsWith("+I") || change.startsWith("+U") ? 1 : -1;
        const n = (result.get(body) ?? 0) + add;
        assert.ok(n >= 0, `retracts a row not in the result: ${change}`);
        if (n === 0) result.delete(body);
        else result.set(body, n);
      }
      // Recompute: sort by v DESC (ties by arrival), rank, keep [start, end].
      const sorted = live.slice().sort((a, b) => (b[2] as number) - (a[2] as number));
      const expected = new Map<string, number>();
      let rank = 0;
      let dense = 0;
      sorted.forEach((r, i) => {
        const peer = i > 0 && sorted[i - 1]![2] === r[2];
        if (!peer) {
          rank = i + 1;
          dense++;
        }
        const rk = type === "ROW_NUMBER" ? i + 1 : type === "RANK" ? rank : dense;
        if (rk < start || rk > end) return;
        const body = outputRank ? `[k, ${r[2]}, ${rk}]` : `[k, ${r[2]}]`;
        expected.set(body, (expected.get(body) ?? 0) + 1);
      });
      assert.deepEqual(
        [...result].sort(),
        [...expected].sort(),
        `${type} [${start}, ${end}] rank=${outputRank} insertOnly=${insertOnly} step ${step}`,
      );
    }
  }
});
