/**
 * Hash functions: MD5, SHA1, SHA224, SHA256, SHA384, SHA512 and SHA2(s, bits) of a string's
 * UTF-8 bytes (or of bytes), as lower-case hex digits (Flink's `EncodingUtils.hex`); and
 * HASH_CODE(s), Flink's `Math.abs(s.hashCode())` of Java's string hash (`Integer.MIN_VALUE`
 * stays negative, as `Math.abs` leaves it).
 */
import { createHash } from "node:crypto";
import { SqlValidationError } from "../expr/errors.ts";
import type { ScalarFunctionDef } from "../expr/operators.ts";
import * as T from "../types/logical-type.ts";
import {
  anyNullable,
  expectArgs,
  fn,
  int,
  literalAt,
  nullableIf,
  str,
  strOrBin,
  stringType,
  toInt,
} from "./define.ts";

function digest(algorithm: string, v: string | Uint8Array): string {
  return createHash(algorithm)
    .update(typeof v === "string" ? Buffer.from(v, "utf8") : v)
    .digest("hex");
}

function hashDef(name: string, algorithm: string): ScalarFunctionDef {
  return fn({
    name,
    inferType(types) {
      expectArgs(name, types, [strOrBin]);
      return stringType(anyNullable(types));
    },
    impl: (v: string | Uint8Array) => digest(algorithm, v),
  });
}

const SHA2_BITS = new Set([224, 256, 384, 512]);

function sha2Algorithm(bits: number): string {
  if (!SHA2_BITS.has(bits))
    throw new RangeError(`SHA2 supports 224, 256, 384 or 512 bits, got ${bits}`);
  return `sha${bits}`;
}

const SHA2 = fn({
  name: "SHA2",
  inferType(types, operands?) {
    expectArgs("SHA2", types, [strOrBin, int]);
    const lit = literalAt(operands, 1);
    if (lit !== undefined && lit.value !== null && !SHA2_BITS.has(toInt(lit.value))) {
      throw new SqlValidationError(
        `SHA2 supports 224, 256, 384 or 512 bits, got ${String(lit.value)}`,
      );
    }
    return stringType(anyNullable(types));
  },
  impl: (v: string | Uint8Array, bits: number | bigint) => digest(sha2Algorithm(toInt(bits)), v),
});

/** Java's `String.hashCode()`. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

const HASH_CODE = fn({
  name: "HASH_CODE",
  inferType(types) {
    expectArgs("HASH_CODE", types, [str]);
    return nullableIf(T.notNull(T.INT()), types);
  },
  impl: (s: string) => {
    const h = javaStringHash(s);
    return h === -2147483648 ? h : Math.abs(h);
  },
});

/** The hash function definitions. */
export const HASH_FUNCTIONS: readonly ScalarFunctionDef[] = [
  hashDef("MD5", "md5"),
  hashDef("SHA1", "sha1"),
  hashDef("SHA224", "sha224"),
  hashDef("SHA256", "sha256"),
  hashDef("SHA384", "sha384"),
  hashDef("SHA512", "sha512"),
  SHA2,
  HASH_CODE,
];
