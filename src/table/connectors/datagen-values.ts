/**
 * Value generation of the `datagen` connector: a seeded, counter-based random source (the
 * values of row `i`, field `f` depend only on the seed, `i` and `f`, so any split of the index
 * range over parallel readers, a restore, or a projection gives the same rows) and one generator
 * per column type.
 */
import { Decimal, pow10 } from "../types/decimal.ts";
import { normalizeInt64 } from "../types/bigint-math.ts";
import type { LogicalType } from "../types/logical-type.ts";
import { MAX_LENGTH } from "../types/logical-type.ts";
import { Timestamp } from "../types/timestamp.ts";

const MILLIS_PER_DAY = 86_400_000;
const ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789";

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A small deterministic random generator, reset per (seed, row index, field). */
export class SeededRandom {
  private state = 0;

  /** Starts the stream of row `index`, field `field` under `seed`. */
  reset(seed: number, index: number, field: number): void {
    const lo = index >>> 0;
    const hi = Math.floor(index / 4294967296) >>> 0;
    let h = fmix32((seed >>> 0) ^ 0x9e3779b9);
    h = fmix32(h ^ lo);
    h = fmix32(h ^ Math.imul(hi + 1, 0x27d4eb2f));
    this.state = fmix32(h ^ Math.imul(field + 1, 0x165667b1));
  }

  /** The next 32 random bits as an unsigned integer (mulberry32). */
  uint32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  double(): number {
    const a = this.uint32() >>> 5;
    const b = this.uint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A uniform integer in [min, max] (a range of at most 2^53). */
  int(min: number, max: number): number {
    return min + Math.floor(this.double() * (max - min + 1));
  }

  /** A uniform bigint in [min, max]. */
  bigint(min: bigint, max: bigint): bigint {
    const range = max - min + 1n;
    let r = 0n;
    for (let bits = 0n; 1n << bits < range * 65536n; bits += 32n)
      r = (r << 32n) | BigInt(this.uint32());
    return min + (r % range);
  }
}

/** Generates the value of one field: from the field's random stream and the row index. */
export type FieldGenerator = (r: SeededRandom, index: number) => unknown;

/** Settings of a random field (options already validated and converted to the column type). */
export interface RandomSpec {
  /** Lower bound (numeric types), in the column type's representation. */
  readonly min?: unknown;
  /** Upper bound (numeric types). */
  readonly max?: unknown;
  /** Length of strings and byte strings, size of collections. */
  readonly length?: number;
  /** Random lengths in [1, length] for variable-length strings and bytes. */
  readonly varLen?: boolean;
  /** Largest distance into the past of temporal values, in ms. */
  readonly maxPast?: number;
  /** Probability of NULL. */
  readonly nullRate?: number;
}

/** The default bounds of a random numeric column. */
export function defaultBounds(type: LogicalType): { min: unknown; max: unknown } | undefined {
  switch (type.kind) {
    case "TINYINT":
      return { min: -128, max: 127 };
    case "SMALLINT":
      return { min: -32768, max: 32767 };
    case "INT":
      return { min: -2147483648, max: 2147483647 };
    case "BIGINT":
      return { min: normalizeInt64(-(2n ** 63n)), max: normalizeInt64(2n ** 63n - 1n) };
    case "FLOAT":
      return { min: 1.401298464324817e-45, max: 3.4028234663852886e38 };
    case "DOUBLE":
      return { min: Number.MIN_VALUE, max: Number.MAX_VALUE };
    case "DECIMAL":
      return {
        min: new Decimal(0n, type.scale),
        max: new Decimal(pow10(type.precision) - 1n, type.scale),
      };
    case "INTERVAL_YEAR_MONTH":
      return { min: 0, max: 1200 };
    case "INTERVAL_DAY_TIME":
      return { min: 0, max: 30 * MILLIS_PER_DAY };
    default:
      return undefined;
  }
}

/** The default length of a random string, byte string or collection. */
export function defaultLength(type: LogicalType): number {
  switch (type.kind) {
    case "CHAR":
    case "BINARY":
      return type.length;
    case "VARCHAR":
    case "VARBINARY":
      return Math.min(100, type.length === MAX_LENGTH ? 100 : type.length);
    default:
      return 3;
  }
}

function withNulls(gen: FieldGenerator, nullRate: number | undefined): FieldGenerator {
  if (nullRate === undefined || nullRate <= 0) return gen;
  return (r, i) => (r.double() < nullRate ? null : gen(r, i));
}

/** The random generator of a column type; `now()` is the reader's clock (epoch ms). */
export function randomGenerator(
  type: LogicalType,
  spec: RandomSpec,
  now: () => number,
): FieldGenerator {
  return withNulls(randomNonNull(type, spec, now), spec.nullRate);
}

function randomNonNull(type: LogicalType, spec: RandomSpec, now: () => number): FieldGenerator {
  const bounds = defaultBounds(type);
  const min = spec.min ?? bounds?.min;
  const max = spec.max ?? bounds?.max;
  const length = spec.length ?? defaultLength(type);
  const len = (r: SeededRandom) => (spec.varLen ? r.int(1, length) : length);
  const maxPast = spec.maxPast ?? 0;
  switch (type.kind) {
    case "BOOLEAN":
      return (r) => (r.uint32() & 1) === 1;
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "INTERVAL_YEAR_MONTH":
    case "INTERVAL_DAY_TIME":
      return (r) => r.int(min as number, max as number);
    case "BIGINT": {
      const lo = BigInt(min as number | bigint);
      const hi = BigInt(max as number | bigint);
      const safe = BigInt(Number.MAX_SAFE_INTEGER);
      if (lo >= -safe && hi <= safe && hi - lo < 2n ** 53n) {
        return (r) => r.int(Number(lo), Number(hi));
      }
      return (r) => normalizeInt64(r.bigint(lo, hi));
    }
    case "FLOAT":
    case "DOUBLE": {
      const lo = min as number;
      const hi = max as number;
      const round = type.kind === "FLOAT" ? Math.fround : (x: number) => x;
      return (r) => round(Math.min(hi, lo + r.double() * (hi - lo)));
    }
    case "DECIMAL": {
      const lo = (min as Decimal).toPrecision(type.precision, type.scale)!.unscaled;
      const hi = (max as Decimal).toPrecision(type.precision, type.scale)!.unscaled;
      return (r) => new Decimal(r.bigint(lo, hi), type.scale);
    }
    case "CHAR":
    case "VARCHAR":
      return (r) => {
        const n = len(r);
        let s = "";
        for (let k = 0; k < n; k++) s += ALPHANUMERIC[r.uint32() % 36];
        return s;
      };
    case "BINARY":
    case "VARBINARY":
      return (r) => {
        const out = new Uint8Array(len(r));
        for (let k = 0; k < out.length; k++) out[k] = r.uint32() & 0xff;
        return out;
      };
    case "DATE":
      return (r) => Math.floor((Math.floor(now()) - r.int(0, maxPast)) / MILLIS_PER_DAY);
    case "TIME": {
      const unit = 10 ** Math.max(0, 3 - type.precision);
      return (r) => {
        const ms = r.int(0, MILLIS_PER_DAY - 1);
        return ms - (ms % unit);
      };
    }
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ":
      return (r) => new Timestamp(Math.floor(now()) - r.int(0, maxPast)).truncate(type.precision);
    case "ARRAY": {
      const el = randomGenerator(type.element, {}, now);
      return (r, i) => Array.from({ length: len(r) }, () => el(r, i));
    }
    case "MAP":
    case "MULTISET": {
      const key = randomGenerator(type.kind === "MAP" ? type.key : type.element, {}, now);
      const value = type.kind === "MAP" ? randomGenerator(type.value, {}, now) : () => 1;
      return (r, i) => {
        const out = new Map<unknown, unknown>();
        const n = len(r);
        for (let k = 0; k < n; k++) {
          const kv = key(r, i);
          const v = value(r, i);
          out.set(kv, type.kind === "MULTISET" ? ((out.get(kv) as number) ?? 0) + 1 : v);
        }
        return out;
      };
    }
    case "ROW": {
      const fields = type.fields.map((f) => randomGenerator(f.type, {}, now));
      return (r, i) => fields.map((g) => g(r, i));
    }
    case "NULL":
      return () => null;
  }
}

/**
 * The sequence generator of a column type: `start + index` (as the column's representation:
 * numbers, BIGINT beyond 2^53 as bigint, DECIMAL, or the number's text for strings).
 */
export function sequenceGenerator(
  type: LogicalType,
  start: bigint,
  nullRate?: number,
): FieldGenerator {
  let gen: FieldGenerator;
  switch (type.kind) {
    case "TINYINT":
    case "SMALLINT":
    case "INT":
    case "FLOAT":
    case "DOUBLE": {
      const s = Number(start);
      gen = (_r, i) => s + i;
      break;
    }
    case "BIGINT":
      gen = (_r, i) => normalizeInt64(start + BigInt(i));
      break;
    case "DECIMAL": {
      const scale = pow10(type.scale);
      gen = (_r, i) => new Decimal((start + BigInt(i)) * scale, type.scale);
      break;
    }
    case "VARCHAR":
      gen = (_r, i) => String(start + BigInt(i));
      break;
    default:
      throw new TypeError(`no sequence generator for ${type.kind}`);
  }
  return withNulls(gen, nullRate);
}
