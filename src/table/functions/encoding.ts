/**
 * Encoding functions: TO_BASE64 / FROM_BASE64 (standard alphabet with padding, as Java's
 * `Base64`; FROM_BASE64 returns the decoded bytes as a UTF-8 STRING, as Flink does, and fails on
 * characters outside the alphabet), ENCODE / DECODE with Java's charsets (US-ASCII, ISO-8859-1,
 * UTF-8, UTF-16BE, UTF-16LE, UTF-16), HEX of an integer (two's complement, upper case) or of a
 * string's UTF-8 bytes, BIN of an integer (`Long.toBinaryString`) and UUID (random, version 4).
 */
import { randomUUID } from "node:crypto";
import type { ScalarFunctionDef } from "../expr/operators.ts";
import * as T from "../types/logical-type.ts";
import {
  anyNullable,
  bin,
  expectArgs,
  fn,
  int,
  nullableIf,
  str,
  strOrBin,
  stringType,
} from "./define.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8");

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** Decodes standard base64 (padding optional, as Java's decoder); throws on other characters. */
export function fromBase64(text: string): Uint8Array {
  if (!BASE64.test(text)) throw new RangeError(`Illegal base64 input: '${text}'`);
  return new Uint8Array(Buffer.from(text, "base64"));
}

/** Bytes of a string in a Java charset (unmappable characters become `?`). */
export function encodeCharset(s: string, charset: string): Uint8Array {
  switch (charset.toUpperCase()) {
    case "UTF-8":
    case "UTF8":
      return encoder.encode(s);
    case "US-ASCII":
    case "ASCII":
    case "ISO-8859-1":
    case "LATIN1": {
      const max = charset.toUpperCase().includes("ASCII") ? 0x7f : 0xff;
      const cps = Array.from(s);
      return Uint8Array.from(cps, (c) => {
        const cp = c.codePointAt(0)!;
        return cp <= max ? cp : 0x3f;
      });
    }
    case "UTF-16BE":
    case "UTF-16LE":
    case "UTF-16": {
      const le = charset.toUpperCase() === "UTF-16LE";
      const bom = charset.toUpperCase() === "UTF-16" ? 2 : 0;
      const out = new Uint8Array(bom + s.length * 2);
      if (bom > 0) out.set([0xfe, 0xff]);
      for (let i = 0; i < s.length; i++) {
        const u = s.charCodeAt(i);
        out[bom + 2 * i + (le ? 1 : 0)] = u >> 8;
        out[bom + 2 * i + (le ? 0 : 1)] = u & 0xff;
      }
      return out;
    }
    default:
      throw new RangeError(`Unsupported charset '${charset}'`);
  }
}

/** A string from bytes in a Java charset (malformed input becomes U+FFFD). */
export function decodeCharset(bytes: Uint8Array, charset: string): string {
  switch (charset.toUpperCase()) {
    case "UTF-8":
    case "UTF8":
      return decoder.decode(bytes);
    case "US-ASCII":
    case "ASCII":
      return Array.from(bytes, (b) => (b < 0x80 ? String.fromCharCode(b) : "\uFFFD")).join("");
    case "ISO-8859-1":
    case "LATIN1":
      return Array.from(bytes, (b) => String.fromCharCode(b)).join("");
    case "UTF-16BE":
      return new TextDecoder("utf-16be").decode(bytes);
    case "UTF-16LE":
      return new TextDecoder("utf-16le").decode(bytes);
    case "UTF-16":
      if (bytes[0] === 0xff && bytes[1] === 0xfe)
        return new TextDecoder("utf-16le").decode(bytes.subarray(2));
      if (bytes[0] === 0xfe && bytes[1] === 0xff)
        return new TextDecoder("utf-16be").decode(bytes.subarray(2));
      return new TextDecoder("utf-16be").decode(bytes);
    default:
      throw new RangeError(`Unsupported charset '${charset}'`);
  }
}

/** Java's `Long.toHexString(x).toUpperCase()` / `Long.toBinaryString(x)` (two's complement). */
export function longToRadix(x: number | bigint, radix: 2 | 16): string {
  const v = BigInt.asUintN(64, BigInt(x));
  const s = v.toString(radix);
  return radix === 16 ? s.toUpperCase() : s;
}

function bytesOf(v: string | Uint8Array): Uint8Array {
  return typeof v === "string" ? encoder.encode(v) : v;
}

const TO_BASE64 = fn({
  name: "TO_BASE64",
  inferType(types) {
    expectArgs("TO_BASE64", types, [strOrBin]);
    return stringType(anyNullable(types));
  },
  impl: (v: string | Uint8Array) => Buffer.from(bytesOf(v)).toString("base64"),
});

const FROM_BASE64 = fn({
  name: "FROM_BASE64",
  inferType(types) {
    expectArgs("FROM_BASE64", types, [strOrBin]);
    return stringType(anyNullable(types));
  },
  impl: (v: string | Uint8Array) =>
    decoder.decode(fromBase64(typeof v === "string" ? v : decoder.decode(v))),
});

const ENCODE = fn({
  name: "ENCODE",
  inferType(types) {
    expectArgs("ENCODE", types, [str, str]);
    return nullableIf(T.notNull(T.BYTES()), types);
  },
  impl: encodeCharset,
});

const DECODE = fn({
  name: "DECODE",
  inferType(types) {
    expectArgs("DECODE", types, [bin, str]);
    return stringType(anyNullable(types));
  },
  impl: decodeCharset,
});

const HEX = fn({
  name: "HEX",
  inferType(types) {
    expectArgs("HEX", types, [(t) => int(t) || str(t)]);
    return stringType(anyNullable(types));
  },
  impl: (v: string | number | bigint) =>
    typeof v === "string"
      ? Buffer.from(encoder.encode(v)).toString("hex").toUpperCase()
      : longToRadix(v, 16),
});

const BIN = fn({
  name: "BIN",
  inferType(types) {
    expectArgs("BIN", types, [int]);
    return stringType(anyNullable(types));
  },
  impl: (v: number | bigint) => longToRadix(v, 2),
});

const UUID = fn({
  name: "UUID",
  deterministic: false,
  inferType(types) {
    expectArgs("UUID", types, []);
    return T.notNull(T.CHAR(36));
  },
  impl: () => randomUUID(),
});

/** The encoding function definitions. */
export const ENCODING_FUNCTIONS: readonly ScalarFunctionDef[] = [
  TO_BASE64,
  FROM_BASE64,
  ENCODE,
  DECODE,
  HEX,
  BIN,
  UUID,
];
