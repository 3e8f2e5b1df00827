/**
 * The Nexmark generator and source: the 1:3:46 proportions, dense ids, hot keys, prices and
 * expiry within their ranges, the table-made price against Math.pow, field formats, record
 * sizes near their averages, event time from the first-event rate, the same events for the same
 * seed at any parallelism, interleaved splits with ascending event time, and wall-clock pacing
 * without max emit speed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  NexmarkGenerator,
  NexmarkSource,
  StreamExecutionEnvironment,
  type NexmarkEvent,
} from "../../src/index.ts";
import { priceOf } from "../../src/connectors/nexmark/generator.ts";

const N = 50_000;

function events(g: NexmarkGenerator, n = N): NexmarkEvent[] {
  return Array.from({ length: n }, (_, i) => g.event(i));
}

test("kinds come 1 person : 3 auctions : 46 bids, with dense increasing ids from 1000", () => {
  const all = events(new NexmarkGenerator());
  const people = all.filter((e) => e.type === 0).map((e) => e.person!.id);
  const auctions = all.filter((e) => e.type === 1).map((e) => e.auction!.id);
  const bids = all.filter((e) => e.type === 2);
  assert.equal(people.length, N / 50);
  assert.equal(auctions.length, (N / 50) * 3);
  assert.equal(bids.length, (N / 50) * 46);
  assert.deepEqual(
    people,
    Array.from({ length: people.length }, (_, i) => 1000 + i),
  );
  assert.deepEqual(
    auctions,
    Array.from({ length: auctions.length }, (_, i) => 1000 + i),
  );
  for (const e of all) {
    assert.equal(
      [e.person, e.auction, e.bid].filter((x) => x !== null).length,
      1,
      "exactly one sub-record",
    );
  }
});

test("bids go to hot or recent auctions and bidders, sellers are hot or recent people", () => {
  const all = events(new NexmarkGenerator());
  let lastAuction = 999;
  let lastPerson = 999;
  let hotAuction = 0;
  let hotBidder = 0;
  let bids = 0;
  for (const e of all) {
    if (e.person) lastPerson = e.person.id;
    if (e.auction) {
      lastAuction = e.auction.id;
      const s = e.auction.seller;
      assert.ok(s >= 1000 && s <= lastPerson + 10, `seller ${s} near ${lastPerson}`);
      assert.ok(e.auction.category >= 10 && e.auction.category <= 14);
      assert.ok(e.auction.reserve > e.auction.initialBid);
      assert.ok(e.auction.expires > e.auction.dateTime);
    }
    if (e.bid) {
      bids++;
      const b = e.bid;
      assert.ok(b.auction >= 1000 && b.auction <= lastAuction + 10, `auction ${b.auction}`);
      assert.ok(
        b.auction >= lastAuction - 100 || b.auction === Math.floor(lastAuction / 100) * 100,
      );
      assert.ok(b.bidder >= 1000 && b.bidder <= lastPerson + 10, `bidder ${b.bidder}`);
      assert.ok(b.price >= 100 && b.price <= 100_000_000, `price ${b.price}`);
      if (b.auction === Math.max(1000, Math.floor(lastAuction / 100) * 100)) hotAuction++;
      if (b.bidder === Math.max(1000, Math.floor(lastPerson / 100) * 100 + 1)) hotBidder++;
    }
  }
  // Hot auctions half the time and hot bidders three in four (plus the uniform choice's hits).
  assert.ok(
    hotAuction / bids > 0.48 && hotAuction / bids < 0.56,
    `hot auctions ${hotAuction / bids}`,
  );
  assert.ok(hotBidder / bids > 0.74 && hotBidder / bids < 0.8, `hot bidders ${hotBidder / bids}`);
});

test("prices are log-uniform: each decade between 1 and 1 000 000 units gets about a sixth", () => {
  const prices = events(new NexmarkGenerator())
    .filter((e) => e.bid !== null)
    .map((e) => e.bid!.price / 100);
  const decades = [0, 0, 0, 0, 0, 0];
  for (const p of prices) decades[Math.min(5, Math.floor(Math.log10(p)))]!++;
  for (const d of decades) assert.ok(Math.abs(d / prices.length - 1 / 6) < 0.02, String(decades));
});

test("the table-made price equals round(10 ** (6u / 2^32) * 100) at the ends and on a sweep", () => {
  const exact = (u: number) => Math.round(Math.pow(10, (u / 4294967296) * 6) * 100);
  assert.equal(priceOf(0), 100);
  assert.equal(priceOf(0xffffffff), exact(0xffffffff));
  // A stride coprime to 2^32 visits every table entry of all three parts.
  for (let i = 0, u = 12345; i < 1_000_000; i++, u = (u + 2654435761) >>> 0) {
    if (priceOf(u) !== exact(u)) assert.fail(`u=${u}: ${priceOf(u)} != ${exact(u)}`);
  }
});

test("fields have the benchmark's formats and records pad toward their average sizes", () => {
  const all = events(new NexmarkGenerator());
  // Data size: strings by length, numbers 8 bytes (as the benchmark counts a record's bytes).
  const size = (o: object) =>
    Object.values(o).reduce<number>((a, v) => a + (typeof v === "string" ? v.length : 8), 0);
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const people = all.filter((e) => e.person).map((e) => e.person!);
  for (const p of people) {
    assert.match(p.emailAddress, /^[a-z]+@[a-z]+\.com$/);
    assert.match(p.creditCard, /^\d{4} \d{4} \d{4} \d{4}$/);
    assert.match(p.name, /^[A-Z][a-z]+ [A-Z][a-z]+$/);
    assert.ok(["AZ", "CA", "ID", "OR", "WA", "WY"].includes(p.state));
  }
  const bids = all.filter((e) => e.bid).map((e) => e.bid!);
  for (const b of bids) {
    assert.match(b.channel, /^(Google|Facebook|Baidu|Apple|channel-\d{1,4})$/);
    assert.match(b.url, /^https:\/\/www\.nexmark\.com\//);
  }
  const known = bids.filter((b) => !b.channel.startsWith("channel-")).length / bids.length;
  assert.ok(Math.abs(known - 0.5) < 0.02, `known channels ${known}`);
  const withId = bids.filter((b) => b.channel.startsWith("channel-"));
  const ids = withId.filter((b) => /channel_id=\d+/.test(b.url)).length / withId.length;
  assert.ok(ids > 0.8 && ids < 0.97, `channel_id in ${ids} of the URLs`);
  // The same channel always has the same URL.
  const urls = new Map<string, string>();
  for (const b of withId) {
    assert.equal(urls.get(b.channel) ?? b.url, b.url);
    urls.set(b.channel, b.url);
  }
  const auctions = all.filter((e) => e.auction).map((e) => e.auction!);
  for (const [label, records, target] of [
    ["person", people, 200],
    ["auction", auctions, 500],
    ["bid", bids, 100],
  ] as const) {
    const a = avg(records.map(size));
    // (A bid with a long URL is over 100 bytes before any padding: bids average a little more.)
    assert.ok(Math.abs(a - target) / target < 0.15, `${label} average size ${a} near ${target}`);
  }
});

test("event time follows the first-event rate from the base time", () => {
  const g = new NexmarkGenerator({ baseTime: 1_000_000, firstEventRate: 1000 });
  assert.equal(g.event(0).dateTime, 1_000_000);
  assert.equal(g.event(5).dateTime, 1_000_005);
  assert.equal(g.event(5).bid!.dateTime, 1_000_005);
  const fast = new NexmarkGenerator({ baseTime: 0, firstEventRate: 10_000 });
  assert.equal(fast.event(25).dateTime, 2);
});

test("the same seed gives the same events; another seed other ones", () => {
  const a = events(new NexmarkGenerator({ seed: 7 }), 2000);
  const b = events(new NexmarkGenerator({ seed: 7 }), 2000);
  const c = events(new NexmarkGenerator({ seed: 8 }), 2000);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  // Event n alone equals event n of a run (a pure function of seed and n).
  assert.deepEqual(new NexmarkGenerator({ seed: 7 }).event(1234), a[1234]);
});

test("bad settings are refused naming the setting", () => {
  assert.throws(
    () => new NexmarkGenerator({ firstEventRate: 0 }),
    /firstEventRate must be a positive number/,
  );
  assert.throws(
    () => new NexmarkGenerator({ events: -1 }),
    /events must be a non-negative integer/,
  );
  assert.throws(() => new NexmarkGenerator({ seed: 1.5 }), /seed must be an integer/);
});

async function collect(p: number, events: number): Promise<NexmarkEvent[]> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
  env.setParallelism(p);
  return env
    .fromSource(new NexmarkSource({ events, seed: 3 }), NexmarkSource.watermarks(), "nexmark")
    .executeAndCollect();
}

test("the source makes the same events at parallelism 1 and 3; each split ascends in time", async () => {
  const one = await collect(1, 5000);
  const three = await collect(3, 5000);
  const key = (e: NexmarkEvent) => JSON.stringify(e);
  assert.equal(one.length, 5000);
  assert.deepEqual(three.map(key).sort(), one.map(key).sort());
  assert.deepEqual(
    one,
    Array.from({ length: 5000 }, (_, i) => new NexmarkGenerator({ seed: 3 }).event(i)),
  );
  // Event times of the events of split 1 of 3 (numbers 1, 4, 7, ...) ascend.
  const g = new NexmarkGenerator({ seed: 3 });
  let last = -Infinity;
  for (let n = 1; n < 5000; n += 3) {
    assert.ok(g.event(n).dateTime >= last);
    last = g.event(n).dateTime;
  }
});

test("without max emit speed, events go out at the first-event rate of wall time", async () => {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
  env.setParallelism(1);
  const start = performance.now();
  const out = await env
    .fromSource(
      new NexmarkSource({ events: 300, firstEventRate: 1000, maxEmitSpeed: false }),
      NexmarkSource.watermarks(),
      "paced",
    )
    .executeAndCollect();
  const ms = performance.now() - start;
  assert.equal(out.length, 300);
  assert.ok(ms >= 250, `300 events at 1000/s took ${ms.toFixed(0)} ms`);
});
