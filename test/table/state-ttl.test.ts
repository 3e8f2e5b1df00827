/**
 * `table.exec.state.ttl`: the per-key state of streaming group aggregations, regular joins,
 * deduplication and Top-N expires after that long without a write, by processing time (a manual
 * clock here); expired state is gone, so later results start over (Flink's semantics: possibly
 * incorrect results, by design). 0 (the default) keeps state forever; bad values are refused.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { TableEnvironment, WatermarkStrategy } from "../../src/index.ts";
import { INT, STRING } from "../../src/table/types/index.ts";
import { QueueSource, manualClockEnv, settle } from "../api/harness.ts";

interface Ev {
  k: string;
  v: number;
}

/** A streaming job over sources `names`, on a manual clock, collecting the query's changes. */
async function job(ttl: string | null, names: readonly string[], sql: string) {
  const { env, timers } = manualClockEnv(1);
  const t = TableEnvironment.fromStreamEnvironment(env, { clock: () => timers.now() });
  if (ttl !== null) await t.executeSql(`SET 'table.exec.state.ttl' = '${ttl}'`);
  const sources = new Map<string, QueueSource<Ev>>();
  for (const n of names) {
    const src = new QueueSource<Ev>();
    sources.set(n, src);
    const stream = env.fromSource(src, WatermarkStrategy.noWatermarks(), n);
    t.createTemporaryView(
      n,
      t.fromDataStream(stream, [
        { name: "k", type: STRING() },
        { name: "v", type: INT() },
      ]),
    );
  }
  const out: string[] = [];
  t.toChangelogStream(t.sqlQuery(sql)).sinkTo((c) => {
    const { kind, row } = c as { kind: string; row: Record<string, unknown> };
    out.push(`${kind}${JSON.stringify(Object.values(row))}`);
  });
  const client = await env.executeAsync();
  await settle();
  return {
    out,
    /** At `ms` on the clock, pushes `rows` to source `name`. */
    async at(ms: number, name: string, ...rows: Ev[]) {
      timers.advanceTo(ms);
      await settle();
      sources.get(name)!.push(...rows);
      await settle();
    },
    async end() {
      for (const s of sources.values()) s.end();
      await client.getJobExecutionResult();
    },
  };
}

describe("table.exec.state.ttl", () => {
  test("a group's accumulator expires after the TTL without writes", async () => {
    const run = async (ttl: string | null) => {
      const j = await job(ttl, ["e"], "SELECT k, SUM(v) AS s FROM e GROUP BY k");
      await j.at(0, "e", { k: "a", v: 1 });
      await j.at(5_000, "e", { k: "a", v: 2 }); // written at 5 s: lives until 15 s
      await j.at(14_000, "e", { k: "b", v: 7 });
      await j.at(16_000, "e", { k: "a", v: 5 }, { k: "b", v: 1 });
      await j.end();
      return j.out;
    };
    assert.deepEqual(await run("10 s"), [
      '+I["a",1]',
      '-U["a",1]',
      '+U["a",3]',
      '+I["b",7]',
      '+I["a",5]', // a's state expired at 15 s: it starts over
      '-U["b",7]',
      '+U["b",8]',
    ]);
    assert.deepEqual(await run(null), [
      '+I["a",1]',
      '-U["a",1]',
      '+U["a",3]',
      '+I["b",7]',
      '-U["a",3]',
      '+U["a",8]',
      '-U["b",7]',
      '+U["b",8]',
    ]);
    assert.deepEqual(await run("0 ms"), await run(null));
  });

  test("a regular join forgets rows not written for the TTL", async () => {
    const j = await job(
      "10 s",
      ["l", "r"],
      "SELECT l.k, l.v, r.v AS rv FROM l JOIN r ON l.k = r.k",
    );
    await j.at(0, "l", { k: "a", v: 1 }, { k: "b", v: 2 });
    await j.at(3_000, "r", { k: "a", v: 10 });
    await j.at(9_000, "l", { k: "b", v: 3 }); // b: the row (b, 3) is new at 9 s, (b, 2) is not
    await j.at(12_000, "r", { k: "a", v: 11 }, { k: "b", v: 20 });
    await j.end();
    assert.deepEqual(j.out, [
      '+I["a",1,10]',
      // At 12 s, (a, 1) and (b, 2) written at 0 s are gone; (b, 3) written at 9 s joins.
      '+I["b",3,20]',
    ]);
  });

  test("deduplication and Top-N start over for a key whose state expired", async () => {
    const dedup = await job(
      "10 s",
      ["e"],
      "SELECT k, v FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY p) AS rn FROM (SELECT *, PROCTIME() AS p FROM e)) WHERE rn = 1",
    );
    await dedup.at(0, "e", { k: "a", v: 1 });
    await dedup.at(5_000, "e", { k: "a", v: 2 });
    await dedup.at(20_000, "e", { k: "a", v: 3 });
    await dedup.end();
    assert.deepEqual(dedup.out, ['+I["a",1]', '+I["a",3]']);

    const top = await job(
      "10 s",
      ["e"],
      "SELECT k, v FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY v DESC) AS rn FROM e) WHERE rn = 1",
    );
    await top.at(0, "e", { k: "a", v: 5 });
    await top.at(20_000, "e", { k: "a", v: 3 });
    await top.end();
    assert.deepEqual(top.out, ['+I["a",5]', '+I["a",3]']);
  });

  test("bad values are refused with the option's name", async () => {
    const t = TableEnvironment.create();
    await assert.rejects(
      t.executeSql("SET 'table.exec.state.ttl' = 'soon'"),
      /Invalid value 'soon' for option 'table.exec.state.ttl'/,
    );
    await t.executeSql("SET 'table.exec.state.ttl' = '1 h'");
    assert.equal(t.getConfig().stateTtl, 3_600_000);
  });
});
