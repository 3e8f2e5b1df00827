/**
 * The SQL connector `'connector' = 'nexmark'`: the benchmark's DDL and views read the same events
 * as the DataStream source (the same counts per kind, the same bids, at parallelism 1 and 3),
 * the watermark is the event time minus 4 s, and a wrong column or option is refused naming it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { NexmarkGenerator, TableEnvironment } from "../../src/index.ts";

const DDL = readFileSync(new URL("../../bench/nexmark/ddl-nexmark.sql", import.meta.url), "utf8");
const VIEWS = readFileSync(new URL("../../bench/nexmark/views.sql", import.meta.url), "utf8");
const EVENTS = 5000;

async function session(parallelism = 1, events = EVENTS): Promise<TableEnvironment> {
  const tEnv = TableEnvironment.create({ mode: "streaming", parallelism });
  const script = DDL.replaceAll("${EVENTS}", String(events)) + VIEWS;
  for (const s of TableEnvironment.splitStatements(script)) await tEnv.executeSql(s.text);
  return tEnv;
}

async function rows(tEnv: TableEnvironment, sql: string): Promise<unknown[][]> {
  return (await tEnv.executeSql(sql)).collect();
}

test("the views count 1 : 3 : 46 events and read the generator's bids, at any parallelism", async () => {
  const g = new NexmarkGenerator({ events: EVENTS });
  const expected = Array.from({ length: EVENTS }, (_, n) => g.event(n))
    .filter((e) => e.bid !== null)
    .map((e) => `${e.bid!.auction}|${e.bid!.bidder}|${e.bid!.price}|${e.bid!.channel}`)
    .sort();
  for (const p of [1, 3]) {
    const tEnv = await session(p);
    const counts = await rows(tEnv, "SELECT event_type, COUNT(*) FROM datagen GROUP BY event_type");
    const final = new Map<number, number>();
    for (const r of counts) final.set(r[0] as number, Number(r[1]));
    assert.deepEqual([...final].sort(), [
      [0, EVENTS / 50],
      [1, (EVENTS / 50) * 3],
      [2, (EVENTS / 50) * 46],
    ]);
    const bids = (await rows(tEnv, "SELECT auction, bidder, price, channel FROM bid"))
      .map((r) => r.join("|"))
      .sort();
    assert.deepEqual(bids, expected, `parallelism ${p}`);
  }
});

test("dateTime is the event's time and the watermark trails it by 4 seconds", async () => {
  const tEnv = await session(1, 500);
  const g = new NexmarkGenerator({ events: 500 });
  const got = await rows(
    tEnv,
    "SELECT person.id, auction.id, dateTime, CURRENT_WATERMARK(dateTime) FROM datagen",
  );
  assert.equal(got.length, 500);
  got.forEach((r, n) => {
    const e = g.event(n);
    assert.equal((r[2] as { millis: number }).millis, e.dateTime, `event ${n}`);
    assert.equal(r[0], e.person?.id ?? null);
    assert.equal(r[1], e.auction?.id ?? null);
    const wm = r[3] as { millis: number } | null;
    if (wm !== null) assert.ok(wm.millis <= e.dateTime - 4000, `watermark of event ${n}`);
  });
});

test("a wrong column type or option is refused, naming it", async () => {
  const tEnv = TableEnvironment.create({ mode: "streaming" });
  await assert.rejects(
    tEnv.executeSql(
      "CREATE TABLE t (event_type INT, bid ROW<auction BIGINT>) WITH ('connector' = 'nexmark')",
    ),
    /column 'bid' must be ROW<auction BIGINT, bidder BIGINT, price BIGINT/,
  );
  await assert.rejects(
    tEnv.executeSql("CREATE TABLE t (event_type INT, colour INT) WITH ('connector' = 'nexmark')"),
    /unknown physical column 'colour'/,
  );
  await assert.rejects(
    tEnv.executeSql(
      "CREATE TABLE t (event_type INT) WITH ('connector' = 'nexmark', 'bid.proportion' = '40')",
    ),
    /bid.proportion.*only the benchmark's proportions/,
  );
  await assert.rejects(
    tEnv.executeSql(
      "CREATE TABLE t (event_type INT) WITH ('connector' = 'nexmark', 'next-event.rate' = '5')",
    ),
    /next-event.rate.*must equal first-event.rate/,
  );
  await assert.rejects(
    tEnv.executeSql("CREATE TABLE t (event_type INT) WITH ('connector' = 'nexmark', 'rate' = '5')"),
    /rate/,
  );
});
