/**
 * Mini-batch group aggregation over an updating input: groups empty and fill again inside one
 * batch, and the final result still equals the per-row changelog's and batch mode's.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { TableEnvironment, applyChangelog } from "../../src/index.ts";
import { INT, STRING } from "../../src/table/types/index.ts";

function env(mode: "batch" | "streaming", miniBatch: number | null): TableEnvironment {
  const t = TableEnvironment.create({ mode });
  if (miniBatch !== null) {
    t.getConfig().set("table.exec.mini-batch.enabled", "true");
    t.getConfig().set("table.exec.mini-batch.size", String(miniBatch));
    t.getConfig().set("table.exec.mini-batch.allow-latency", "1 h");
  }
  const rows: unknown[][] = [];
  for (let i = 0; i < 400; i++) rows.push([`k${(i * 7) % 23}`, (i * 13) % 5]);
  t.catalogs.registerRows(
    "t",
    [
      { name: "k", type: STRING() },
      { name: "v", type: INT() },
    ],
    rows,
  );
  return t;
}

// The inner counts grow one by one, so every outer group (users per count) fills, empties and
// fills again many times.
const QUERY =
  "SELECT c, COUNT(*) AS users, SUM(s) AS total FROM (SELECT k, COUNT(*) AS c, SUM(v) AS s FROM t GROUP BY k) GROUP BY c";

const sorted = (rows: unknown[][]): string[] => rows.map((r) => JSON.stringify(r)).sort();

test("mini-batches of 1, 3 and 50 rows give the per-row and batch results", async () => {
  const expected = sorted(await (await env("batch", null).executeSql(QUERY)).collect());
  const perRow = await (await env("streaming", null).executeSql(QUERY)).changelog();
  assert.deepEqual(sorted(applyChangelog(perRow as never) as unknown[][]), expected);
  for (const size of [1, 3, 50]) {
    const changes = await (await env("streaming", size).executeSql(QUERY)).changelog();
    assert.deepEqual(
      sorted(applyChangelog(changes as never) as unknown[][]),
      expected,
      `size ${size}`,
    );
    if (size === 50)
      assert.ok(changes.length < perRow.length, `${changes.length} vs ${perRow.length}`);
  }
});
