/**
 * The hand-written DataStream versions of the Nexmark queries (bench/nexmark/datastream) give the
 * final result of the SQL versions (bench/nexmark/queries) on the same generated events, at
 * parallelism 1 and 2; q6, which has no runnable SQL, is checked against a plain computation.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  NexmarkGenerator,
  NexmarkSource,
  RowKind,
  StreamExecutionEnvironment,
  TableEnvironment,
  type NexmarkAuction,
  type NexmarkEvent,
} from "../../src/index.ts";
import { Decimal } from "../../src/table/types/decimal.ts";
import { Timestamp } from "../../src/table/types/timestamp.ts";
import { DATASTREAM_QUERIES } from "../../bench/nexmark/datastream/index.ts";
import { longAverage } from "../../bench/nexmark/datastream/q4.ts";
import { Q6_LAST_AUCTIONS } from "../../bench/nexmark/datastream/q6.ts";
import { nexmarkScript, type EventInput } from "../../bench/nexmark/script.ts";

/** Events per query: 6 s of event time, or 30 s for the windowed queries (several windows). */
const EVENTS: Readonly<Record<string, number>> = {
  q0: 60_000,
  q1: 60_000,
  q2: 60_000,
  q3: 60_000,
  q4: 60_000,
  q5: 300_000,
  q6: 60_000,
  q7: 300_000,
  q8: 300_000,
};

/** A multiset of rows: the row's canonical text -> how many times it occurs. */
type Multiset = Map<string, number>;

/** SQL values as the DataStream versions give them (TIMESTAMP: epoch ms; DECIMAL: a number). */
function normalize(v: unknown): unknown {
  if (v instanceof Timestamp) return v.millis;
  if (v instanceof Decimal) return Number(v.toString());
  if (typeof v === "bigint") return Number(v);
  return v;
}

/** Adds `n` (negative: removes) occurrences of a row. */
function add(set: Multiset, row: readonly unknown[], n: number): void {
  const key = JSON.stringify(row.map(normalize));
  const count = (set.get(key) ?? 0) + n;
  if (count === 0) set.delete(key);
  else set.set(key, count);
}

/** The final rows of a query's SQL version: its changelog applied to an empty multiset. */
async function sqlResult(query: string, input: EventInput): Promise<Multiset> {
  const tEnv = TableEnvironment.create({ mode: "streaming", parallelism: 1 });
  const result: Multiset = new Map();
  for (const s of TableEnvironment.splitStatements(nexmarkScript(query, input))) {
    const insert = /^INSERT\s+INTO\s+\S+\s+/i.exec(s.text);
    if (insert === null) {
      await tEnv.executeSql(s.text);
      continue;
    }
    const changes = await (await tEnv.executeSql(s.text.slice(insert[0].length))).changelog();
    for (const [kind, ...fields] of changes) {
      const retract = kind === RowKind.UPDATE_BEFORE || kind === RowKind.DELETE;
      add(result, fields, retract ? -1 : 1);
    }
  }
  for (const [row, n] of result) assert.ok(n > 0, `${query}: SQL retracted ${row} once too often`);
  return result;
}

/**
 * The rows of a query's DataStream version, run on the thread target over generated events (a
 * count) or the given ones.
 */
async function dataStreamRows(
  query: string,
  events: number | readonly NexmarkEvent[],
  parallelism: number,
): Promise<unknown[][]> {
  const env = StreamExecutionEnvironment.getExecutionEnvironment({ target: "thread" });
  env.setParallelism(parallelism);
  const source =
    typeof events === "number"
      ? env.fromSource(new NexmarkSource({ events }), NexmarkSource.watermarks(), "nexmark")
      : env.fromCollection(events).assignTimestampsAndWatermarks(NexmarkSource.watermarks());
  return DATASTREAM_QUERIES[query]!(source).executeAndCollect(`nexmark ${query}`);
}

/**
 * The final rows of a DataStream version: all rows, except q4's, which are updates of the
 * category in field 0 (the latest is the category's current average).
 */
function finalRows(query: string, rows: readonly unknown[][]): Multiset {
  const kept = query === "q4" ? [...new Map(rows.map((r) => [r[0], r])).values()] : rows;
  const result: Multiset = new Map();
  for (const r of kept) add(result, r, 1);
  return result;
}

/** Asserts two multisets are equal, showing a few differences when they are not. */
function assertSameRows(actual: Multiset, expected: Multiset, what: string): void {
  const diff: string[] = [];
  for (const key of new Set([...actual.keys(), ...expected.keys()])) {
    const a = actual.get(key) ?? 0;
    const e = expected.get(key) ?? 0;
    if (a !== e) diff.push(`${key}: ${a} times, expected ${e}`);
  }
  assert.ok(
    diff.length === 0,
    `${what}: ${diff.length} rows differ:\n${diff.slice(0, 10).join("\n")}`,
  );
}

const size = (m: Multiset): number => [...m.values()].reduce((a, b) => a + b, 0);

for (const query of ["q0", "q1", "q2", "q3", "q4", "q5", "q7", "q8"]) {
  test(`${query}: the DataStream version gives the SQL version's final rows`, async () => {
    const events = EVENTS[query]!;
    const expected = await sqlResult(query, { kind: "generator", events });
    assert.ok(size(expected) > 0, `${query}: the SQL version gives rows`);
    for (const parallelism of [1, 2]) {
      const rows = await dataStreamRows(query, events, parallelism);
      assertSameRows(finalRows(query, rows), expected, `${query} at parallelism ${parallelism}`);
    }
  });
}

/**
 * q6 computed directly from the events: each auction's highest bid made while it was open, then
 * per seller in closing order (expires, id) the average of the last auctions' prices.
 */
function q6Reference(events: number): Multiset {
  const g = new NexmarkGenerator({ events });
  const auctions = new Map<number, NexmarkAuction>();
  const all: NexmarkEvent[] = [];
  for (let n = 0; n < events; n++) {
    const e = g.event(n);
    all.push(e);
    if (e.auction !== null) auctions.set(e.auction.id, e.auction);
  }
  const highest = new Map<number, number>();
  for (const { bid } of all) {
    const a = bid === null ? undefined : auctions.get(bid.auction);
    if (a === undefined || bid!.dateTime < a.dateTime || bid!.dateTime > a.expires) continue;
    highest.set(a.id, Math.max(highest.get(a.id) ?? -Infinity, bid!.price));
  }
  const closed = [...highest.keys()]
    .map((id) => auctions.get(id)!)
    .sort((a, b) => a.expires - b.expires || a.id - b.id);
  const bySeller = new Map<number, number[]>();
  const result: Multiset = new Map();
  for (const a of closed) {
    const prices = bySeller.get(a.seller) ?? [];
    bySeller.set(a.seller, prices);
    prices.push(highest.get(a.id)!);
    const last = prices.slice(-Q6_LAST_AUCTIONS);
    const sum = last.reduce((x, y) => x + y, 0);
    add(result, [a.seller, Math.trunc(sum / last.length)], 1);
  }
  return result;
}

test("q6: the DataStream version gives each seller's average of the last 10 closing prices", async () => {
  const events = EVENTS["q6"]!;
  const expected = q6Reference(events);
  assert.ok(size(expected) > 1000);
  for (const parallelism of [1, 2]) {
    const rows = await dataStreamRows("q6", events, parallelism);
    assertSameRows(finalRows("q6", rows), expected, `q6 at parallelism ${parallelism}`);
  }
});

test("AVG of BIGINT truncates toward zero, exactly", () => {
  assert.equal(longAverage(7, 2), 3);
  assert.equal(longAverage(-7, 2), -3);
  assert.equal(longAverage(6, 3), 2);
  assert.equal(longAverage(2 ** 53 - 1, 2 ** 52), 1);
  assert.equal(longAverage(3 * 99_999_999 - 1, 3), 99_999_998);
});

/** The base of the hand-made events' times (a multiple of 10 s). */
const T0 = Date.UTC(2026, 0, 1);

/** Hand-made events: a person, an auction, a bid (times in ms after {@link T0}). */
function person(id: number, name: string, state: string, t: number): NexmarkEvent {
  const p = { id, name, emailAddress: "a@b.com", creditCard: "1", city: "Bend", state };
  return {
    type: 0,
    person: { ...p, dateTime: T0 + t, extra: "" },
    auction: null,
    bid: null,
    dateTime: T0 + t,
  };
}

function auction(
  id: number,
  seller: number,
  category: number,
  t: number,
  expires: number,
): NexmarkEvent {
  const a = { id, itemName: "i", description: "d", initialBid: 1, reserve: 2, seller, category };
  const fields = { ...a, dateTime: T0 + t, expires: T0 + expires, extra: "" };
  return { type: 1, person: null, auction: fields, bid: null, dateTime: T0 + t };
}

function bid(auction: number, price: number, t: number): NexmarkEvent {
  const b = { auction, bidder: 7, price, channel: "Google", url: "u", dateTime: T0 + t, extra: "" };
  return { type: 2, person: null, auction: null, bid: b, dateTime: T0 + t };
}

/**
 * Hand-made events (times in ms after T0, in this arrival order) for the cases generated events
 * rarely or never have; the comments say what each exercises.
 */
const EDGE_EVENTS: readonly NexmarkEvent[] = [
  bid(1001, 300, 1000), // q4: before its auction, made while it is open
  auction(1001, 2001, 10, 900, 5000),
  auction(1000, 2000, 10, 950, 3000), // q3: before its seller
  person(2000, "Ann Lee", "OR", 1200),
  person(2001, "Bob Ray", "WA", 1300), // q3: not a local seller
  bid(1000, 500, 950), // q4: at the auction's start
  bid(1000, 700, 3000), // q4: at its expiry (the highest)
  bid(1000, 900, 3001), // q4: after it
  bid(1001, 200, 800), // q4: after the auction, made before it opened
  auction(1002, 2000, 11, 4000, 4500), // q4: no bid
  bid(1001, 10_000, 9000), // q7: the highest of [0 s, 10 s)
  bid(1003, 10_000, 10_000), // q7: at 10 s, as high as [0 s, 10 s)'s highest
  bid(1003, 12_000, 15_000),
  bid(1003, 12_000, 20_000), // q7: the highest of [20 s, 30 s) and as high as [10 s, 20 s)'s
  auction(1004, 2002, 10, 19_000, 25_000), // q8: a window before its seller registers
  person(2002, "Cy Dee", "CA", 21_000),
  bid(1004, 101, 19_500),
  auction(1005, 2002, 12, 22_000, 23_000), // q8: two auctions, one row
  auction(1006, 2002, 12, 23_000, 24_000),
];

/** The events as the JSON-lines file the SQL scripts read (bench/nexmark/ddl-file.sql). */
function writeEvents(dir: string, events: readonly NexmarkEvent[]): string {
  const ts = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 23);
  const lines = events.map((e) =>
    JSON.stringify({
      event_type: e.type,
      person: e.person && { ...e.person, dateTime: ts(e.person.dateTime) },
      auction: e.auction && {
        ...e.auction,
        dateTime: ts(e.auction.dateTime),
        expires: ts(e.auction.expires),
      },
      bid: e.bid && { ...e.bid, dateTime: ts(e.bid.dateTime) },
    }),
  );
  const path = join(dir, "events.jsonl");
  writeFileSync(path, lines.join("\n") + "\n");
  return path;
}

test("hand-made edge cases: early and boundary bids, sellers before persons, ties", async () => {
  const dir = mkdtempSync(join(tmpdir(), "strom-nexmark-ds-"));
  try {
    const input: EventInput = { kind: "file", path: writeEvents(dir, EDGE_EVENTS) };
    const results = new Map<string, Multiset>();
    for (const query of ["q3", "q4", "q5", "q7", "q8"]) {
      const expected = await sqlResult(query, input);
      results.set(query, expected);
      for (const parallelism of [1, 2]) {
        const rows = await dataStreamRows(query, EDGE_EVENTS, parallelism);
        assertSameRows(finalRows(query, rows), expected, `${query} at parallelism ${parallelism}`);
      }
    }
    const rows = (q: string) =>
      [...results.get(q)!.entries()].flatMap(([r, n]) => Array(n).fill(r)).sort();
    assert.deepEqual(rows("q3"), ['["Ann Lee","Bend","OR",1000]', '["Cy Dee","Bend","CA",1004]']);
    // Category 10: (700 + 300 + 101) / 3; category 11's auction had no bid.
    assert.deepEqual(rows("q4"), ["[10,367]"]);
    // Per window end 2 s .. 30 s: [1001,2], [1000,3] three times, [1000,3] and [1001,3] tied,
    // [1000,2], a tie at 1, [1003,2] five times, ties at 1 twice, [1003,1].
    const q5 =
      "1001,2 1000,3 1000,3 1000,3 1000,3 1001,3 1000,2 1001,1 1003,1 1003,2 1003,2 1003,2";
    const q5more = "1003,2 1003,2 1003,1 1004,1 1003,1 1004,1 1003,1";
    const q5rows = `${q5} ${q5more}`.split(" ").map((r) => `[${r}]`);
    assert.deepEqual(rows("q5"), q5rows.sort());
    const at = (t: number, auction: number, price: number) =>
      JSON.stringify([auction, price, 7, T0 + t, ""]);
    assert.deepEqual(
      rows("q7"),
      [
        at(9000, 1001, 10_000),
        at(10_000, 1003, 10_000),
        at(15_000, 1003, 12_000),
        at(20_000, 1003, 12_000),
        at(20_000, 1003, 12_000),
      ].sort(),
    );
    assert.deepEqual(
      rows("q8"),
      [
        JSON.stringify([2000, "Ann Lee", T0]),
        JSON.stringify([2001, "Bob Ray", T0]),
        JSON.stringify([2002, "Cy Dee", T0 + 20_000]),
      ].sort(),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
