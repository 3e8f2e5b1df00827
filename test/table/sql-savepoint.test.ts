/**
 * SQL jobs with checkpoints and savepoints: `execution.checkpointing.*` options, a query stopped
 * with a savepoint through `TableResult.getJobClient()` (its collected changelog cut exactly at
 * the savepoint), and the same query restored from it (`execution.savepoint.path`) at another
 * parallelism, continuing where the first run stopped: the two changelogs together give the
 * result of one uninterrupted run.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TableEnvironment } from "../../src/index.ts";
import { applyChangelog, type Row } from "../../src/table/runtime/row.ts";

const N = 3000;

/** A session at `parallelism` with checkpoints into `dir`, over a datagen sequence 1..N. */
async function session(dir: string, parallelism: number): Promise<TableEnvironment> {
  const t = TableEnvironment.create({ parallelism });
  await t.executeSql(
    `CREATE TABLE src (id INT, k AS MOD(id, 5)) WITH ('connector' = 'datagen',
      'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${N}',
      'rows-per-second' = '5000')`,
  );
  await t.executeSql(`SET 'execution.checkpointing.interval' = '30 ms'`);
  await t.executeSql(`SET 'execution.checkpointing.dir' = '${join(dir, "checkpoints")}'`);
  return t;
}

const QUERY = "SELECT k, COUNT(*) AS n, SUM(id) AS s FROM src GROUP BY k";

function expected(): string[] {
  const out: string[] = [];
  for (let k = 0; k < 5; k++) {
    let n = 0;
    let s = 0;
    for (let i = 1; i <= N; i++) if (i % 5 === k) [n, s] = [n + 1, s + i];
    out.push(`${k}:${n}:${s}`);
  }
  return out;
}

const render = (rows: unknown[][]) => rows.map((r) => r.join(":")).sort();

test("a query stopped with a savepoint and restored at another parallelism gives the full result", async () => {
  const dir = mkdtempSync(join(tmpdir(), "strom-sql-savepoint-"));
  try {
    const t = await session(dir, 2);
    const first = await t.executeSql(QUERY);
    let seen = 0;
    const running = first.changelog((rows) => (seen += rows.length));
    const client = (await first.getJobClient())!;
    while (seen < 50) await new Promise((r) => setTimeout(r, 5));
    const savepoint = await client.stopWithSavepoint(join(dir, "savepoints"));
    const before = await running;
    const partial = applyChangelog(before as Row[]) as unknown[][];
    const counted = partial.reduce((a, r) => a + Number(r[1]), 0);
    assert.ok(counted > 0 && counted < N, `stopped mid-way (${counted} of ${N} rows counted)`);

    const t2 = await session(dir, 3);
    await t2.executeSql(`SET 'execution.savepoint.path' = '${savepoint}'`);
    const after = await (await t2.executeSql(QUERY)).changelog();
    assert.deepEqual(
      render(applyChangelog([...before, ...after] as Row[]) as unknown[][]),
      expected(),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("checkpoint options are validated", async () => {
  const t = TableEnvironment.create();
  await assert.rejects(
    () => t.executeSql(`SET 'execution.checkpointing.interval' = 'soon'`),
    /Invalid value 'soon' for option 'execution.checkpointing.interval': expected a duration/,
  );
  await assert.rejects(
    () => t.executeSql(`SET 'execution.savepoint.ignore-unclaimed-state' = 'maybe'`),
    /expected true or false/,
  );
});

test("a missing savepoint fails the query naming the path", async () => {
  const t = TableEnvironment.create();
  await t.executeSql(`SET 'execution.savepoint.path' = '/nonexistent/savepoint-1'`);
  await assert.rejects(
    async () => (await t.executeSql("SELECT 1")).collect(),
    /\/nonexistent\/savepoint-1/,
  );
});
