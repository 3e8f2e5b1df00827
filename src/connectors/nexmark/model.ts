/**
 * The Nexmark auction events (the benchmark's Person, Auction and Bid) as plain objects, and the
 * generator's settings. Times are epoch milliseconds; ids and prices are numbers (exact: they stay
 * far below 2^53).
 */

/** A person registering. */
export interface Person {
  readonly id: number;
  readonly name: string;
  readonly emailAddress: string;
  readonly creditCard: string;
  readonly city: string;
  readonly state: string;
  readonly dateTime: number;
  readonly extra: string;
}

/** An auction opening. */
export interface Auction {
  readonly id: number;
  readonly itemName: string;
  readonly description: string;
  readonly initialBid: number;
  readonly reserve: number;
  readonly dateTime: number;
  readonly expires: number;
  readonly seller: number;
  readonly category: number;
  readonly extra: string;
}

/** A bid on an auction. */
export interface Bid {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly channel: string;
  readonly url: string;
  readonly dateTime: number;
  readonly extra: string;
}

/** The kinds of event, as the benchmark numbers them (`event_type` in SQL). */
export const EventType = { PERSON: 0, AUCTION: 1, BID: 2 } as const;

/** One event of the stream: exactly one of `person`, `auction`, `bid` is set. */
export interface NexmarkEvent {
  readonly type: 0 | 1 | 2;
  readonly person: Person | null;
  readonly auction: Auction | null;
  readonly bid: Bid | null;
  /** The event's time (the set sub-record's `dateTime`). */
  readonly dateTime: number;
}

/** Settings of the generator (every field has a default: {@link NEXMARK_DEFAULTS}). */
export interface NexmarkConfig {
  /** Events in total (`Infinity`: unbounded). */
  readonly events: number;
  /** Event time of event 0 (epoch ms). */
  readonly baseTime: number;
  /** Events per second of event time over all generators (spaces the event times). */
  readonly firstEventRate: number;
  /** Emit as fast as possible (true), or no faster than `firstEventRate` per second of wall time. */
  readonly maxEmitSpeed: boolean;
  /** Seed of every random choice: the same seed gives the same events at any parallelism. */
  readonly seed: number;
  /** Average sizes the `extra` field pads persons, auctions and bids toward (bytes). */
  readonly avgPersonSize: number;
  readonly avgAuctionSize: number;
  readonly avgBidSize: number;
}

/** The benchmark's defaults (a fixed base time, so runs are reproducible). */
export const NEXMARK_DEFAULTS: NexmarkConfig = {
  events: 100_000_000,
  baseTime: Date.UTC(2026, 0, 1),
  firstEventRate: 10_000,
  maxEmitSpeed: true,
  seed: 42,
  avgPersonSize: 200,
  avgAuctionSize: 500,
  avgBidSize: 100,
};

/** Of every 50 events: 1 person, 3 auctions, 46 bids. */
export const PROPORTION_DENOMINATOR = 50;
/** Auctions per 50 events. */
export const AUCTION_PROPORTION = 3;
/** The first person id and the first auction id. */
export const FIRST_PERSON_ID = 1000;
/** The first auction id. */
export const FIRST_AUCTION_ID = 1000;
/** The first category id (categories are 10..14). */
export const FIRST_CATEGORY_ID = 10;
/** Number of categories. */
export const NUM_CATEGORIES = 5;
