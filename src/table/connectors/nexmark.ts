/**
 * The SQL connector `'connector' = 'nexmark'`: the Nexmark event stream as one wide row, as the
 * benchmark declares it:
 *
 * ```sql
 * CREATE TABLE datagen (
 *   event_type INT,
 *   person  ROW<id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR,
 *               state VARCHAR, dateTime TIMESTAMP(3), extra VARCHAR>,
 *   auction ROW<id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT,
 *               reserve BIGINT, dateTime TIMESTAMP(3), expires TIMESTAMP(3), seller BIGINT,
 *               category BIGINT, extra VARCHAR>,
 *   bid     ROW<auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR,
 *               dateTime TIMESTAMP(3), extra VARCHAR>,
 *   dateTime AS CASE WHEN event_type = 0 THEN person.dateTime
 *                    WHEN event_type = 1 THEN auction.dateTime ELSE bid.dateTime END,
 *   WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND
 * ) WITH ('connector' = 'nexmark', 'events.num' = '10000000');
 * ```
 *
 * The physical columns are any of `event_type`, `person`, `auction`, `bid` (in any order) with
 * those types (VARCHAR or STRING). Options: `events.num` (default unbounded), `first-event.rate`
 * and `next-event.rate` (events per second of event time; the two must agree), `max-emit-speed`
 * (default true: emit as fast as possible), `seed` (Strom: the same seed gives the same events at
 * any parallelism), `person.proportion` / `auction.proportion` / `bid.proportion` (only the
 * benchmark's 1 / 3 / 46 is supported) and `scan.parallelism`.
 */
import { sourceStream } from "../runtime/values.ts";
import type {
  DynamicTableFactory,
  ScanTableSource,
  SourceContext,
  TableContext,
} from "./factory.ts";
import { booleanOption, intOption, invalidOption, type ValidatedOptions } from "./options.ts";
import { DdlValidationError } from "../catalog/errors.ts";
import { ChangelogMode, RowKind, type Row } from "../runtime/row.ts";
import { Timestamp } from "../types/timestamp.ts";
import { typeToString } from "../types/type-print.ts";
import type { LogicalType } from "../types/logical-type.ts";
import { NexmarkSource } from "../../connectors/nexmark/source.ts";
import {
  AUCTION_PROPORTION,
  NEXMARK_DEFAULTS,
  PROPORTION_DENOMINATOR,
  type Auction,
  type Bid,
  type NexmarkConfig,
  type NexmarkEvent,
  type Person,
} from "../../connectors/nexmark/model.ts";

const EVENTS = intOption("events.num", "Number of events; makes the table bounded.");
const FIRST_RATE = intOption(
  "first-event.rate",
  "Events per second of event time (spaces the events' times).",
  NEXMARK_DEFAULTS.firstEventRate,
);
const NEXT_RATE = intOption("next-event.rate", "Must equal first-event.rate (no rate changes).");
const MAX_EMIT_SPEED = booleanOption(
  "max-emit-speed",
  "Emit as fast as possible (false: at first-event.rate per second of wall time).",
  NEXMARK_DEFAULTS.maxEmitSpeed,
);
const SEED = intOption("seed", "Seed of the random choices (Strom).", NEXMARK_DEFAULTS.seed);
const PERSON_PROPORTION = intOption("person.proportion", "Persons per 50 events (only 1).", 1);
const AUCTION_PROPORTION_OPTION = intOption(
  "auction.proportion",
  "Auctions per 50 events (only 3).",
  AUCTION_PROPORTION,
);
const BID_PROPORTION = intOption("bid.proportion", "Bids per 50 events (only 46).", 46);
const PARALLELISM = intOption("scan.parallelism", "Parallelism of the source.");

type FieldKind = "BIGINT" | "STRING" | "TIMESTAMP";

/** The sub-row fields of each event kind, in the benchmark's order. */
const LAYOUTS: Readonly<Record<"person" | "auction" | "bid", readonly [string, FieldKind][]>> = {
  person: [
    ["id", "BIGINT"],
    ["name", "STRING"],
    ["emailAddress", "STRING"],
    ["creditCard", "STRING"],
    ["city", "STRING"],
    ["state", "STRING"],
    ["dateTime", "TIMESTAMP"],
    ["extra", "STRING"],
  ],
  auction: [
    ["id", "BIGINT"],
    ["itemName", "STRING"],
    ["description", "STRING"],
    ["initialBid", "BIGINT"],
    ["reserve", "BIGINT"],
    ["dateTime", "TIMESTAMP"],
    ["expires", "TIMESTAMP"],
    ["seller", "BIGINT"],
    ["category", "BIGINT"],
    ["extra", "STRING"],
  ],
  bid: [
    ["auction", "BIGINT"],
    ["bidder", "BIGINT"],
    ["price", "BIGINT"],
    ["channel", "STRING"],
    ["url", "STRING"],
    ["dateTime", "TIMESTAMP"],
    ["extra", "STRING"],
  ],
};

const COLUMNS = ["event_type", "person", "auction", "bid"] as const;
type Column = (typeof COLUMNS)[number];

function layoutText(column: "person" | "auction" | "bid"): string {
  const t = (k: FieldKind) => (k === "STRING" ? "VARCHAR" : k === "TIMESTAMP" ? "TIMESTAMP(3)" : k);
  return `ROW<${LAYOUTS[column].map(([n, k]) => `${n} ${t(k)}`).join(", ")}>`;
}

function fits(type: LogicalType, kind: FieldKind): boolean {
  switch (kind) {
    case "BIGINT":
      return type.kind === "BIGINT";
    case "STRING":
      return type.kind === "VARCHAR" || type.kind === "CHAR";
    case "TIMESTAMP":
      return type.kind === "TIMESTAMP";
  }
}

/** The physical columns, checked against the benchmark's layout (throws naming the column). */
function columnsOf(ctx: TableContext): Column[] {
  const fail = (msg: string): never => {
    throw new DdlValidationError(`Table '${ctx.tableName}' (connector 'nexmark'): ${msg}`);
  };
  return ctx.physicalRowType.fields.map((f) => {
    const name = f.name as Column;
    if (!COLUMNS.includes(name)) {
      return fail(
        `unknown physical column '${f.name}'; the columns are event_type INT, person, auction and bid (ROW types of the Nexmark events)`,
      );
    }
    if (name === "event_type") {
      if (!["TINYINT", "SMALLINT", "INT", "BIGINT"].includes(f.type.kind))
        fail(`column 'event_type' must be INT, not ${typeToString(f.type)}`);
      return name;
    }
    const layout = LAYOUTS[name];
    const ok =
      f.type.kind === "ROW" &&
      f.type.fields.length === layout.length &&
      f.type.fields.every((g, i) => g.name === layout[i]![0] && fits(g.type, layout[i]![1]));
    if (!ok) fail(`column '${name}' must be ${layoutText(name)}, not ${typeToString(f.type)}`);
    return name;
  });
}

/** The generator settings of a table's options (throws naming a bad option). */
function configOf(ctx: TableContext): Partial<NexmarkConfig> {
  const o: ValidatedOptions = ctx.options;
  const bad = (key: string, reason: string): never =>
    invalidOption(o, key, "connector 'nexmark'", ctx.tableName, reason);
  const events = o.get(EVENTS);
  if (events !== undefined && events < 0) bad(EVENTS.key, "must be >= 0");
  const rate = o.get(FIRST_RATE)!;
  if (rate <= 0) bad(FIRST_RATE.key, "must be > 0");
  const next = o.get(NEXT_RATE);
  if (next !== undefined && next !== rate)
    bad(NEXT_RATE.key, "rate changes are not supported: it must equal first-event.rate");
  const proportions: [typeof PERSON_PROPORTION, number][] = [
    [PERSON_PROPORTION, 1],
    [AUCTION_PROPORTION_OPTION, AUCTION_PROPORTION],
    [BID_PROPORTION, PROPORTION_DENOMINATOR - 1 - AUCTION_PROPORTION],
  ];
  for (const [opt, value] of proportions) {
    if (o.get(opt) !== value)
      bad(opt.key, "only the benchmark's proportions 1 : 3 : 46 are supported");
  }
  const parallelism = o.get(PARALLELISM);
  if (parallelism !== undefined && parallelism < 1) bad(PARALLELISM.key, "must be >= 1");
  return {
    events: events ?? Infinity,
    firstEventRate: rate,
    maxEmitSpeed: o.get(MAX_EMIT_SPEED)!,
    seed: o.get(SEED)!,
  };
}

const personRow = (p: Person): Row => [
  p.id,
  p.name,
  p.emailAddress,
  p.creditCard,
  p.city,
  p.state,
  Timestamp.fromMillis(p.dateTime),
  p.extra,
];

const auctionRow = (a: Auction): Row => [
  a.id,
  a.itemName,
  a.description,
  a.initialBid,
  a.reserve,
  Timestamp.fromMillis(a.dateTime),
  Timestamp.fromMillis(a.expires),
  a.seller,
  a.category,
  a.extra,
];

const bidRow = (b: Bid): Row => [
  b.auction,
  b.bidder,
  b.price,
  b.channel,
  b.url,
  Timestamp.fromMillis(b.dateTime),
  b.extra,
];

/** A function making the table row `[INSERT, ...columns]` of an event. */
function rowMaker(columns: readonly Column[]): (e: NexmarkEvent) => Row {
  const parts = columns.map((c): ((e: NexmarkEvent) => unknown) => {
    switch (c) {
      case "event_type":
        return (e) => e.type;
      case "person":
        return (e) => (e.person === null ? null : personRow(e.person));
      case "auction":
        return (e) => (e.auction === null ? null : auctionRow(e.auction));
      case "bid":
        return (e) => (e.bid === null ? null : bidRow(e.bid));
    }
  });
  // The benchmark's usual layout, without the per-column loop.
  if (columns.join() === COLUMNS.join()) {
    return (e) => [
      RowKind.INSERT,
      e.type,
      e.person === null ? null : personRow(e.person),
      e.auction === null ? null : auctionRow(e.auction),
      e.bid === null ? null : bidRow(e.bid),
    ];
  }
  return (e) => {
    const row: Row = [RowKind.INSERT];
    for (const part of parts) row.push(part(e));
    return row;
  };
}

function createSource(ctx: SourceContext): ScanTableSource {
  const columns = columnsOf(ctx);
  const config = configOf(ctx);
  const parallelism = ctx.options.get(PARALLELISM);
  const toRow = rowMaker(columns);
  return {
    bounded: config.events !== Infinity,
    changelogMode: ChangelogMode.INSERT_ONLY,
    producedType: ctx.physicalRowType,
    produce: (env) => {
      const events = sourceStream(env, new NexmarkSource(config), `nexmark: ${ctx.tableName}`);
      if (parallelism !== undefined) events.setParallelism(parallelism);
      const rows = events.map(toRow).name("nexmark rows");
      if (parallelism !== undefined) rows.setParallelism(parallelism);
      return rows;
    },
  };
}

/** The `nexmark` connector's factory (see the module comment). */
export const NEXMARK_CONNECTOR: DynamicTableFactory = {
  identifier: "nexmark",
  requiredOptions: [],
  optionalOptions: [
    EVENTS,
    FIRST_RATE,
    NEXT_RATE,
    MAX_EMIT_SPEED,
    SEED,
    PERSON_PROPORTION,
    AUCTION_PROPORTION_OPTION,
    BID_PROPORTION,
    PARALLELISM,
  ],
  validate(ctx) {
    columnsOf(ctx);
    configOf(ctx);
  },
  statistics(ctx) {
    const events = configOf(ctx).events!;
    return events === Infinity ? undefined : { rowCount: events };
  },
  createSource,
};
