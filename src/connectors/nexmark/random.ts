/**
 * The generator's randomness: a small fast PRNG reseeded per event from (seed, event number), so
 * each event is a pure function of both and any split of the event numbers gives the same
 * events; and pools of words and text made once from the seed, so strings are cut, not built.
 */

/** A 32-bit integer hash (murmur3's finalizer). */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** mulberry32, reseedable. */
export class Rng {
  /** The state, an int32 (a small integer to V8, never a heap number). */
  private s = 0;
  /** The last seed and high word given to {@link reset}, with their hashes as int32s. */
  private seed = 0;
  private seedHash = mix32(0x9e3779b9) | 0;
  private hi = 0;
  private hiHash = mix32(0x2545f491) | 0;

  /** Reseeds from `seed` and the event number `n` (any safe integer). */
  reset(seed: number, n: number): void {
    if (seed !== this.seed) {
      this.seed = seed;
      this.seedHash = mix32(seed ^ 0x9e3779b9) | 0;
    }
    const hi = Math.floor(n / 4294967296) >>> 0;
    if (hi !== this.hi) {
      this.hi = hi;
      this.hiHash = mix32(hi + 0x2545f491) | 0;
    }
    this.s = mix32(this.seedHash ^ mix32((n >>> 0) + 0x632be5ab) ^ this.hiHash) | 0;
  }

  /** A uniform 32-bit unsigned integer. */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform number in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** A uniform integer in [0, bound). */
  int(bound: number): number {
    return Math.floor(this.float() * bound);
  }
}

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** Words and a long text made from a seed, to cut strings from. */
export class StringPools {
  /** Random lowercase words of 3 to 10 letters. */
  readonly words: readonly string[];
  /** Random lowercase words separated by spaces, 64 KiB. */
  readonly text: string;

  /** Pools made from `seed`. */
  constructor(seed: number) {
    const rng = new Rng();
    rng.reset(seed, -1);
    const words: string[] = [];
    for (let i = 0; i < 4096; i++) {
      const len = 3 + rng.int(8);
      let w = "";
      for (let j = 0; j < len; j++) w += LETTERS[rng.int(26)];
      words.push(w);
    }
    this.words = words;
    const parts: string[] = [];
    let size = 0;
    while (size < 65536) {
      const w = words[rng.int(words.length)]!;
      parts.push(w);
      size += w.length + 1;
    }
    this.text = parts.join(" ");
  }

  /** A random word. */
  word(rng: Rng): string {
    return this.words[rng.int(this.words.length)]!;
  }

  /** Random text of exactly `length` characters (a slice of the pool). */
  slice(rng: Rng, length: number): string {
    if (length <= 0) return "";
    const n = Math.min(length, this.text.length);
    return this.text.substr(rng.int(this.text.length - n + 1), n);
  }
}
