/**
 * Key hashing and key groups.
 *
 * A keyed stream is split into `maxParallelism` key groups; every key belongs to exactly one key
 * group and every parallel subtask of a keyed operator owns a contiguous range of key groups. The
 * concepts (and the range arithmetic) follow Apache Flink, so a job's state layout is stable when
 * its parallelism changes, as long as `maxParallelism` stays the same.
 *
 * Hashes must be identical in every worker thread and process: they depend only on the key's
 * value, never on object identity or a random seed.
 */

/** The number of key groups used when a job does not set its own maximum parallelism. */
export const DEFAULT_MAX_PARALLELISM = 128;

/** The largest supported maximum parallelism (number of key groups). */
export const UPPER_BOUND_MAX_PARALLELISM = 32768;

/** A contiguous, inclusive range of key groups owned by one parallel operator instance. */
export interface KeyGroupRange {
  /** First key group of the range. */
  readonly start: number;
  /** Last key group of the range (inclusive). */
  readonly end: number;
}

/**
 * Mixes a 32-bit integer with one round of Murmur3 (body step and finalizer) and returns a
 * non-negative 31-bit integer. Negative results are negated; the one value that cannot be
 * negated (-2^31) maps to 0.
 */
export function murmurMix(h: number): number {
  let k = Math.imul(h | 0, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let x = k;
  x = (x << 13) | (x >>> 19);
  x = (Math.imul(x, 5) + 0xe6546b64) | 0;
  x ^= 4;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  if (x >= 0) return x;
  if (x !== -2147483648) return -x;
  return 0;
}

const TWO_32 = 4294967296;
const float64Scratch = new Float64Array(1);
const int32Scratch = new Int32Array(float64Scratch.buffer);
const MAX_KEY_DEPTH = 64;

/** Hash of a finite integer-valued or arbitrary float64 number; -0 and 0 hash alike. */
function hashNumber(n: number): number {
  if ((n | 0) === n) return n | 0;
  if (Number.isInteger(n)) {
    // Integers beyond int32 hash by value, like Java's Long.hashCode (high word xor low word).
    const hi = Math.floor(n / TWO_32);
    const lo = n - hi * TWO_32;
    return (lo | 0) ^ (hi | 0);
  }
  if (n !== n) return 0x7ff80000; // every NaN bit pattern hashes alike
  float64Scratch[0] = n;
  return int32Scratch[0]! ^ int32Scratch[1]!;
}

/** Java-compatible string hash over UTF-16 char codes (`31 * h + c`). */
function hashString(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Hash of a bigint: equal to the number hash inside the safe-integer range, else over 32-bit words. */
function hashBigInt(b: bigint): number {
  if (b >= -9007199254740991n && b <= 9007199254740991n) return hashNumber(Number(b));
  let mag = b < 0n ? -b : b;
  let h = 0;
  while (mag > 0n) {
    h = (Math.imul(h, 31) + Number(mag & 0xffffffffn)) | 0;
    mag >>= 32n;
  }
  return b < 0n ? -h | 0 : h;
}

function describeType(key: unknown): string {
  if (typeof key === "object" && key !== null) {
    const ctor = (key as { constructor?: unknown }).constructor;
    const name = typeof ctor === "function" && ctor.name ? ctor.name : "anonymous class";
    return `an instance of class ${name}`;
  }
  return `a ${typeof key}`;
}

function unsupportedKey(key: unknown): TypeError {
  if (key === undefined)
    return new TypeError("key selector returned undefined (or a composite key contains undefined)");
  return new TypeError(
    `cannot use ${describeType(key)} as a key: keys must be numbers, strings, bigints, booleans, null, Dates, arrays or plain objects of those`,
  );
}

function tooDeep(): TypeError {
  return new TypeError(
    `cannot use a key nested deeper than ${MAX_KEY_DEPTH} levels (is it cyclic?)`,
  );
}

function isPlainObject(o: object): boolean {
  const proto = Object.getPrototypeOf(o);
  return proto === Object.prototype || proto === null;
}

function hashAny(key: unknown, depth: number): number {
  switch (typeof key) {
    case "number":
      return hashNumber(key);
    case "string":
      return hashString(key);
    case "boolean":
      return key ? 1231 : 1237;
    case "bigint":
      return hashBigInt(key);
    case "object": {
      if (key === null) return 0;
      if (depth > MAX_KEY_DEPTH) throw tooDeep();
      if (Array.isArray(key)) {
        let h = 1;
        for (let i = 0; i < key.length; i++)
          h = (Math.imul(h, 31) + hashAny(key[i], depth + 1)) | 0;
        return h;
      }
      if (key instanceof Date) return hashNumber(key.getTime()) ^ 0x2f3d5c1b;
      if (isPlainObject(key)) {
        const names = Object.keys(key).sort();
        let h = 7;
        for (const name of names) {
          h = (Math.imul(h, 31) + hashString(name)) | 0;
          h = (Math.imul(h, 31) + hashAny((key as Record<string, unknown>)[name], depth + 1)) | 0;
        }
        return h;
      }
      throw unsupportedKey(key);
    }
    default:
      throw unsupportedKey(key);
  }
}

/**
 * A deterministic 32-bit hash of a key, the same in every thread and process. Supports numbers
 * (integers by value, -0 equal to 0, other numbers by their float64 bits), strings, bigints,
 * booleans, null, Dates (by time), arrays and plain objects (by sorted property names) of those.
 * Throws a TypeError for undefined, functions, symbols and class instances.
 */
export function hashKey(key: unknown): number {
  return hashAny(key, 0);
}

/** The canonical string form of a key used inside a composite key. */
function canonical(key: unknown, depth: number): string {
  switch (typeof key) {
    case "number":
      if (key === 0) return "0"; // also -0
      return Number.isNaN(key) ? "NaN" : String(key);
    case "string":
      return JSON.stringify(key);
    case "boolean":
      return key ? "true" : "false";
    case "bigint":
      return `${key}n`;
    case "object": {
      if (key === null) return "null";
      if (depth > MAX_KEY_DEPTH) throw tooDeep();
      if (Array.isArray(key)) {
        let s = "[";
        for (let i = 0; i < key.length; i++) {
          if (i > 0) s += ",";
          s += canonical(key[i], depth + 1);
        }
        return s + "]";
      }
      if (key instanceof Date) return `Date(${canonical(key.getTime(), depth + 1)})`;
      if (isPlainObject(key)) {
        const names = Object.keys(key).sort();
        let s = "{";
        for (let i = 0; i < names.length; i++) {
          if (i > 0) s += ",";
          s +=
            JSON.stringify(names[i]) +
            ":" +
            canonical((key as Record<string, unknown>)[names[i]!], depth + 1);
        }
        return s + "}";
      }
      throw unsupportedKey(key);
    }
    default:
      throw unsupportedKey(key);
  }
}

/**
 * Prefix of the map key of a composite key. A plain string key that itself starts with this
 * character is escaped with {@link STRING_ESCAPE_PREFIX}, so the two can never collide.
 */
const COMPOSITE_PREFIX = "\u0000c";
const STRING_ESCAPE_PREFIX = "\u0000s";

/**
 * The value to use for a key in a JS `Map` inside an operator. Primitives are returned as they
 * are (with -0 normalized to 0); composite keys (arrays, plain objects, Dates) become a canonical
 * string with sorted object properties, marked so it never equals a plain string key. Throws the
 * same TypeErrors as {@link hashKey} for unsupported keys.
 */
export function keyToMapKey(key: unknown): string | number | bigint | boolean | null {
  switch (typeof key) {
    case "string":
      return key.length > 0 && key.charCodeAt(0) === 0 ? STRING_ESCAPE_PREFIX + key : key;
    case "number":
      return key === 0 ? 0 : key;
    case "boolean":
    case "bigint":
      return key;
    case "object":
      if (key === null) return null;
      return COMPOSITE_PREFIX + canonical(key, 0);
    default:
      throw unsupportedKey(key);
  }
}

function checkMaxParallelism(maxParallelism: number): void {
  if (
    !Number.isInteger(maxParallelism) ||
    maxParallelism < 1 ||
    maxParallelism > UPPER_BOUND_MAX_PARALLELISM
  ) {
    throw new RangeError(
      `maxParallelism must be an integer between 1 and ${UPPER_BOUND_MAX_PARALLELISM}, got ${String(maxParallelism)}`,
    );
  }
}

function checkParallelism(maxParallelism: number, parallelism: number): void {
  checkMaxParallelism(maxParallelism);
  if (!Number.isInteger(parallelism) || parallelism < 1) {
    throw new RangeError(`parallelism must be an integer >= 1, got ${String(parallelism)}`);
  }
  if (parallelism > maxParallelism) {
    throw new RangeError(
      `parallelism (${parallelism}) must not exceed maxParallelism (${maxParallelism})`,
    );
  }
}

/** The key group of a key: `murmurMix(hashKey(key)) % maxParallelism`. */
export function assignToKeyGroup(key: unknown, maxParallelism: number): number {
  if (!(
    maxParallelism >= 1 &&
    maxParallelism <= UPPER_BOUND_MAX_PARALLELISM &&
    (maxParallelism | 0) === maxParallelism
  )) {
    checkMaxParallelism(maxParallelism);
  }
  return murmurMix(hashAny(key, 0)) % maxParallelism;
}

/**
 * The key groups owned by operator instance `operatorIndex` of `parallelism` instances: from
 * `ceil(i * maxP / p)` to `ceil((i + 1) * maxP / p) - 1`, like Flink.
 */
export function computeKeyGroupRange(
  maxParallelism: number,
  parallelism: number,
  operatorIndex: number,
): KeyGroupRange {
  checkParallelism(maxParallelism, parallelism);
  if (!Number.isInteger(operatorIndex) || operatorIndex < 0 || operatorIndex >= parallelism) {
    throw new RangeError(
      `operatorIndex must be an integer in 0..${parallelism - 1}, got ${String(operatorIndex)}`,
    );
  }
  const start = Math.floor((operatorIndex * maxParallelism + parallelism - 1) / parallelism);
  const end =
    Math.floor(((operatorIndex + 1) * maxParallelism + parallelism - 1) / parallelism) - 1;
  return { start, end };
}

/** The operator instance (of `parallelism`) that owns `keyGroup`: `floor(kg * p / maxP)`. */
export function operatorIndexForKeyGroup(
  maxParallelism: number,
  parallelism: number,
  keyGroup: number,
): number {
  checkParallelism(maxParallelism, parallelism);
  if (!Number.isInteger(keyGroup) || keyGroup < 0 || keyGroup >= maxParallelism) {
    throw new RangeError(
      `keyGroup must be an integer in 0..${maxParallelism - 1}, got ${String(keyGroup)}`,
    );
  }
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

/** Whether `keyGroup` lies inside `range` (both ends inclusive). */
export function keyGroupRangeContains(range: KeyGroupRange, keyGroup: number): boolean {
  return keyGroup >= range.start && keyGroup <= range.end;
}
