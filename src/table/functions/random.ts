/**
 * RAND([seed]) and RAND_INTEGER([seed,] bound): pseudo-random numbers from an exact port of
 * `java.util.Random` (48-bit linear congruential generator), so a seeded call yields the same
 * sequence as Flink's. One generator per call site and compiled expression: a seeded RAND
 * starts its sequence again in every compiled copy, as in each Flink operator instance. The seed
 * must be a literal; without one the generator is seeded randomly. Never deterministic.
 */
import { SqlValidationError } from "../expr/errors.ts";
import type { CallSite, ScalarFunctionDef } from "../expr/operators.ts";
import * as T from "../types/logical-type.ts";
import { expectArgs, fn, int, literalAt, nullableIf, toInt } from "./define.ts";
import type { Operands, Types } from "./define.ts";

const TWO_24 = 16777216;
const MULT_HI = 0x5de;
const MULT_LO = 0xece66d;

/** `java.util.Random`: the same sequences as Java for the same seed. */
export class JavaRandom {
  /** The high and low 24 bits of the 48-bit state. */
  private hi: number;
  private lo: number;

  /** A generator seeded like `new Random(seed)`. */
  constructor(seed: number | bigint) {
    const s = BigInt.asUintN(48, BigInt(seed) ^ 0x5deece66dn);
    this.hi = Number(s >> 24n);
    this.lo = Number(s & 0xffffffn);
  }

  /** The next `bits` (1..32) random bits as a signed 32-bit integer (Java's `next`). */
  next(bits: number): number {
    const low = this.lo * MULT_LO + 0xb;
    const carry = Math.floor(low / TWO_24);
    const hi = (this.hi * MULT_LO + this.lo * MULT_HI + carry) % TWO_24;
    this.lo = low - carry * TWO_24;
    this.hi = hi;
    return Math.floor((hi * TWO_24 + this.lo) / 2 ** (48 - bits)) | 0;
  }

  /** Uniform double in [0, 1) (Java's `nextDouble`). */
  nextDouble(): number {
    return (this.next(26) * 134217728 + this.next(27)) / 9007199254740992;
  }

  /** Uniform int in [0, bound) (Java's `nextInt(bound)`); throws for bound ≤ 0. */
  nextInt(bound: number): number {
    if (!(bound > 0)) throw new RangeError(`bound must be positive, got ${bound}`);
    let r = this.next(31);
    const m = bound - 1;
    if ((bound & m) === 0) return Math.floor(r / (2147483648 / bound));
    for (let u = r; u - (r = u % bound) + m > 2147483647; u = this.next(31));
    return r;
  }
}

/** A random 48-bit seed (for the unseeded forms). */
function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 48);
}

/** The generator of a call site: seeded by the literal at `seedIndex`, or randomly. */
function generator(site: CallSite, seedIndex: number | undefined): JavaRandom {
  if (seedIndex === undefined) return new JavaRandom(randomSeed());
  return new JavaRandom(seedOf(site.name, site.operands, seedIndex)!);
}

function seedOf(name: string, operands: Operands, i: number): number | bigint | null | undefined {
  if (operands === undefined) return undefined;
  const lit = literalAt(operands, i);
  if (lit === undefined) throw new SqlValidationError(`The seed of ${name} must be a literal`);
  return lit.value as number | bigint | null;
}

const RAND = fn({
  name: "RAND",
  deterministic: false,
  inferType(types: Types, operands?: Operands) {
    expectArgs("RAND", types, [int], 0);
    if (types.length === 1) seedOf("RAND", operands, 0);
    return nullableIf(T.notNull(T.DOUBLE()), types);
  },
  bind(site) {
    const random = generator(site, site.argTypes.length === 1 ? 0 : undefined);
    return () => random.nextDouble();
  },
});

const RAND_INTEGER = fn({
  name: "RAND_INTEGER",
  deterministic: false,
  inferType(types: Types, operands?: Operands) {
    expectArgs("RAND_INTEGER", types, [int, int], 1);
    if (types.length === 2) seedOf("RAND_INTEGER", operands, 0);
    return nullableIf(T.notNull(T.INT()), types);
  },
  bind(site) {
    const seeded = site.argTypes.length === 2;
    const random = generator(site, seeded ? 0 : undefined);
    return seeded
      ? (_seed: unknown, bound: number | bigint) => random.nextInt(toInt(bound))
      : (bound: number | bigint) => random.nextInt(toInt(bound));
  },
});

/** The random function definitions. */
export const RANDOM_FUNCTIONS: readonly ScalarFunctionDef[] = [RAND, RAND_INTEGER];
