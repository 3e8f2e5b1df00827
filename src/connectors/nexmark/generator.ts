/**
 * The Nexmark event generator: event `n` of the stream as a pure function of the seed and `n`.
 *
 * - Kinds by `n mod 50`: 0 a person, 1-3 an auction, 4-49 a bid; person and auction ids are
 *   dense and increasing from 1000 (`n` tells how many of each came before).
 * - Bids go to a hot auction (the last auction id rounded down to 100) half the time, otherwise
 *   to one of about the last 100 auctions (up to 10 ahead); bidders are hot (the last person
 *   rounded down to 100, plus one) three times in four, otherwise one of about the last 1000
 *   people (up to 10 ahead); sellers are hot (rounded down to 100) three times in four.
 * - Prices are log-uniform in [1, 1 000 000] units of 100; a reserve is the initial bid plus
 *   another price; an auction expires within twice the event time that 100 auctions take.
 * - `extra` pads each record toward its kind's average size.
 * - Event time: `baseTime + n * 1000 / firstEventRate` ms.
 */
import {
  AUCTION_PROPORTION,
  EventType,
  FIRST_AUCTION_ID,
  FIRST_CATEGORY_ID,
  FIRST_PERSON_ID,
  NEXMARK_DEFAULTS,
  NUM_CATEGORIES,
  PROPORTION_DENOMINATOR,
  type Auction,
  type Bid,
  type NexmarkConfig,
  type NexmarkEvent,
  type Person,
} from "./model.ts";
import { Rng, StringPools } from "./random.ts";

const FIRST_NAMES = [
  "Peter",
  "Paul",
  "Luke",
  "John",
  "Saul",
  "Vicky",
  "Kate",
  "Julie",
  "Sarah",
  "Deiter",
  "Walter",
];
const LAST_NAMES = [
  "Shultz",
  "Abrams",
  "Spencer",
  "White",
  "Bartels",
  "Walton",
  "Smith",
  "Jones",
  "Noris",
];
const US_STATES = ["AZ", "CA", "ID", "OR", "WA", "WY"];
const US_CITIES = [
  "Phoenix",
  "Los Angeles",
  "San Francisco",
  "Boise",
  "Portland",
  "Bend",
  "Redmond",
  "Seattle",
  "Kent",
  "Cheyenne",
];
const CHANNELS = ["Google", "Facebook", "Baidu", "Apple"];
const CHANNEL_URLS = [
  "https://www.nexmark.com/google/item.htm?query=1",
  "https://www.nexmark.com/facebook/item.htm?query=1",
  "https://www.nexmark.com/baidu/item.htm?query=1",
  "https://www.nexmark.com/apple/item.htm?query=1",
];
/** Other channels are `channel-<n>` for n below this. */
const CHANNEL_NUMBERS = 10_000;
const HOT_AUCTION_RATIO = 2;
const HOT_SELLER_RATIO = 4;
const HOT_BIDDER_RATIO = 4;

/**
 * `10 ** (6 * u / 2 ** 32)` for a 32-bit `u` is the product of three table entries, one per
 * part of `u` (11, 11 and 10 bits): several times faster than `Math.pow`, and equal to it
 * after rounding to cents (no difference in 20 million draws).
 */
const POW_HIGH = powTable(2048, 2 ** 21);
const POW_MID = powTable(2048, 2 ** 10);
const POW_LOW = powTable(1024, 1);

/** The price a uniform 32-bit `u` stands for: `round(10 ** (6 * u / 2 ** 32) * 100)`. */
export function priceOf(u: number): number {
  return Math.round(POW_HIGH[u >>> 21]! * POW_MID[(u >>> 10) & 2047]! * POW_LOW[u & 1023]! * 100);
}

/** `10 ** (6 * i * step / 2 ** 32)` for i below `size`. */
function powTable(size: number, step: number): Float64Array {
  const t = new Float64Array(size);
  for (let i = 0; i < size; i++) t[i] = Math.pow(10, (6 * i * step) / 4294967296);
  return t;
}

/** Makes Nexmark events (see the module comment). */
export class NexmarkGenerator {
  /** The settings. */
  readonly config: NexmarkConfig;
  private readonly pools: StringPools;
  private readonly rng = new Rng();
  /** Event time between two consecutive events, ms (fractional). */
  private readonly delay: number;
  /** The seed and base time, copied from {@link config} for the per-event path. */
  private readonly seed: number;
  private readonly baseTime: number;
  /** URLs of the numbered channels (see {@link channelUrls}). */
  private readonly channelUrls: readonly string[];

  /** A generator with `config` (unset fields take {@link NEXMARK_DEFAULTS}). */
  constructor(config: Partial<NexmarkConfig> = {}) {
    const c = { ...NEXMARK_DEFAULTS, ...config };
    if (!(c.firstEventRate > 0 && Number.isFinite(c.firstEventRate))) {
      throw new RangeError(
        `nexmark: firstEventRate must be a positive number, got ${c.firstEventRate}`,
      );
    }
    if (!(c.events === Infinity || (Number.isSafeInteger(c.events) && c.events >= 0))) {
      throw new RangeError(
        `nexmark: events must be a non-negative integer or Infinity, got ${c.events}`,
      );
    }
    if (!Number.isSafeInteger(c.seed))
      throw new RangeError(`nexmark: seed must be an integer, got ${c.seed}`);
    this.config = c;
    this.pools = new StringPools(c.seed);
    this.channelUrls = channelUrls(c.seed, this.pools);
    this.delay = 1000 / c.firstEventRate;
    this.seed = c.seed;
    this.baseTime = c.baseTime;
  }

  /** The event time of event `n`, epoch ms. */
  timestampOf(n: number): number {
    return this.baseTime + Math.floor(n * this.delay);
  }

  /** Event `n` (0-based). */
  event(n: number): NexmarkEvent {
    const rng = this.rng;
    rng.reset(this.seed, n);
    const t = this.timestampOf(n);
    const rem = n % PROPORTION_DENOMINATOR;
    if (rem === 0) {
      const person = this.person(n, t);
      return { type: EventType.PERSON, person, auction: null, bid: null, dateTime: t };
    }
    if (rem <= AUCTION_PROPORTION) {
      const auction = this.auction(n, t);
      return { type: EventType.AUCTION, person: null, auction, bid: null, dateTime: t };
    }
    const bid = this.bid(n, t);
    return { type: EventType.BID, person: null, auction: null, bid, dateTime: t };
  }

  /** The id of the newest person at event `n` (the one event `n` makes, if it makes one). */
  private lastPersonId(n: number): number {
    return FIRST_PERSON_ID + Math.floor(n / PROPORTION_DENOMINATOR);
  }

  /** The id of the newest auction at event `n`. */
  private lastAuctionId(n: number): number {
    const epoch = Math.floor(n / PROPORTION_DENOMINATOR);
    const made = Math.min(n % PROPORTION_DENOMINATOR, AUCTION_PROPORTION);
    return FIRST_AUCTION_ID + epoch * AUCTION_PROPORTION + made - 1;
  }

  /** A price: log-uniform in [1, 1 000 000] units of 100. */
  private price(): number {
    return priceOf(this.rng.next());
  }

  /** A person id near `last`: one of about the last 1000, up to 10 ahead. */
  private recentPerson(last: number): number {
    const lo = Math.max(FIRST_PERSON_ID, last - 1000);
    return lo + this.rng.int(last + 10 - lo + 1);
  }

  /** `extra` padding a record of `size` bytes toward `average` (±20%). */
  private extra(size: number, average: number): string {
    if (size >= average) return "";
    const want = average - size;
    const delta = Math.floor(want * 0.2);
    return this.pools.slice(this.rng, want - delta + this.rng.int(2 * delta + 1));
  }

  private person(n: number, t: number): Person {
    const rng = this.rng;
    const p = this.pools;
    const name = `${FIRST_NAMES[rng.int(FIRST_NAMES.length)]} ${LAST_NAMES[rng.int(LAST_NAMES.length)]}`;
    const emailAddress = `${p.word(rng)}@${p.word(rng)}.com`;
    const creditCard = `${digits4(rng)} ${digits4(rng)} ${digits4(rng)} ${digits4(rng)}`;
    const city = US_CITIES[rng.int(US_CITIES.length)]!;
    const state = US_STATES[rng.int(US_STATES.length)]!;
    const size =
      8 + name.length + emailAddress.length + creditCard.length + city.length + state.length + 8;
    return {
      id: this.lastPersonId(n),
      name,
      emailAddress,
      creditCard,
      city,
      state,
      dateTime: t,
      extra: this.extra(size, this.config.avgPersonSize),
    };
  }

  private auction(n: number, t: number): Auction {
    const rng = this.rng;
    const p = this.pools;
    const id = this.lastAuctionId(n);
    const lastPerson = this.lastPersonId(n);
    const seller =
      rng.int(HOT_SELLER_RATIO) > 0
        ? Math.max(FIRST_PERSON_ID, Math.floor(lastPerson / 100) * 100)
        : this.recentPerson(lastPerson);
    const category = FIRST_CATEGORY_ID + rng.int(NUM_CATEGORIES);
    const initialBid = this.price();
    const reserve = initialBid + this.price();
    // 100 auctions take 100 / 3 * 50 events of event time; expire within twice that.
    const span = ((100 * PROPORTION_DENOMINATOR) / AUCTION_PROPORTION) * this.delay;
    const expires = t + 1 + Math.floor(rng.float() * 2 * span);
    const itemName = p.word(rng);
    const description = p.slice(rng, 20 + rng.int(80));
    const size = 8 + itemName.length + description.length + 8 + 8 + 8 + 8 + 8 + 8;
    return {
      id,
      itemName,
      description,
      initialBid,
      reserve,
      dateTime: t,
      expires,
      seller,
      category,
      extra: this.extra(size, this.config.avgAuctionSize),
    };
  }

  private bid(n: number, t: number): Bid {
    const rng = this.rng;
    const lastAuction = this.lastAuctionId(n);
    let auction: number;
    if (rng.int(HOT_AUCTION_RATIO) > 0) {
      auction = Math.max(FIRST_AUCTION_ID, Math.floor(lastAuction / 100) * 100);
    } else {
      const lo = Math.max(FIRST_AUCTION_ID, lastAuction - 100);
      auction = lo + rng.int(lastAuction + 10 - lo + 1);
    }
    const lastPerson = this.lastPersonId(n);
    const bidder =
      rng.int(HOT_BIDDER_RATIO) > 0
        ? Math.max(FIRST_PERSON_ID, Math.floor(lastPerson / 100) * 100 + 1)
        : this.recentPerson(lastPerson);
    const price = this.price();
    let channel: string;
    let url: string;
    if (rng.int(2) === 0) {
      const c = rng.int(CHANNELS.length);
      channel = CHANNELS[c]!;
      url = CHANNEL_URLS[c]!;
    } else {
      const c = rng.int(CHANNEL_NUMBERS);
      channel = CHANNEL_NAMES[c]!;
      url = this.channelUrls[c]!;
    }
    const size = 8 + 8 + 8 + channel.length + url.length + 8;
    return {
      auction,
      bidder,
      price,
      channel,
      url,
      dateTime: t,
      extra: this.extra(size, this.config.avgBidSize),
    };
  }
}

/** `channel-<n>` for every numbered channel. */
const CHANNEL_NAMES: readonly string[] = Array.from(
  { length: CHANNEL_NUMBERS },
  (_, c) => `channel-${c}`,
);

/** The numbered channels' URLs of the last seed asked for (a job's splits share one seed). */
let lastChannelUrls: { seed: number; urls: readonly string[] } | undefined;

/**
 * The URL of every numbered channel under `seed`: three words from the pools; 9 in 10 carry a
 * `channel_id`. Made at once, so the per-event path only indexes an array.
 */
function channelUrls(seed: number, pools: StringPools): readonly string[] {
  if (lastChannelUrls?.seed === seed) return lastChannelUrls.urls;
  const rng = new Rng();
  const urls: string[] = [];
  for (let c = 0; c < CHANNEL_NUMBERS; c++) {
    rng.reset(seed ^ 0x5bd1e995, c);
    let url = `https://www.nexmark.com/${pools.word(rng)}/${pools.word(rng)}/${pools.word(rng)}/item.htm?query=1`;
    if (rng.int(10) > 0) url += `&channel_id=${Math.abs(mix(c))}`;
    urls.push(url);
  }
  lastChannelUrls = { seed, urls };
  return urls;
}

/** Four random digits. */
function digits4(rng: Rng): string {
  return String(1000 + rng.int(9000));
}

/** A number derived from a channel number (its id in URLs). */
function mix(c: number): number {
  return (Math.imul(c ^ 0x27d4eb2d, 0x165667b1) >>> 0) % 1_000_000_000;
}
