import { test } from "node:test";
import assert from "node:assert/strict";
import * as T from "../../src/table/types/logical-type.ts";
import { typeToString } from "../../src/table/types/type-print.ts";
import { isDeterministic } from "../../src/table/expr/rex.ts";
import { parseJavaUrl } from "../../src/table/functions/url.ts";
import { ev, evIn, fcall, run, typed } from "./functions-support.ts";

test("TO_BASE64 / FROM_BASE64 round-trip strings and bytes; invalid base64 fails", () => {
  assert.equal(ev("TO_BASE64", "hello world"), "aGVsbG8gd29ybGQ=");
  assert.equal(ev("FROM_BASE64", "aGVsbG8gd29ybGQ="), "hello world");
  assert.equal(ev("FROM_BASE64", "aGVsbG8"), "hello", "padding is optional");
  assert.equal(ev("TO_BASE64", ""), "");
  assert.equal(ev("TO_BASE64", "é😀"), "w6nwn5iA");
  assert.equal(ev("FROM_BASE64", "w6nwn5iA"), "é😀");
  assert.equal(
    run(fcall("TO_BASE64", typed(new Uint8Array([0, 255]), T.notNull(T.BYTES())))),
    "AP8=",
  );
  assert.throws(
    () => ev("FROM_BASE64", "a*b"),
    /Illegal base64 input: 'a\*b'.*in expression FROM_BASE64/,
  );
  assert.equal(ev("TO_BASE64", null), null);
});

test("ENCODE / DECODE with Java charsets", () => {
  assert.deepEqual(ev("ENCODE", "aé", "UTF-8"), new Uint8Array([0x61, 0xc3, 0xa9]));
  assert.deepEqual(ev("ENCODE", "aé", "ISO-8859-1"), new Uint8Array([0x61, 0xe9]));
  assert.deepEqual(
    ev("ENCODE", "aé", "US-ASCII"),
    new Uint8Array([0x61, 0x3f]),
    "unmappable becomes '?'",
  );
  assert.deepEqual(ev("ENCODE", "a", "UTF-16"), new Uint8Array([0xfe, 0xff, 0, 0x61]));
  assert.deepEqual(ev("ENCODE", "a", "UTF-16LE"), new Uint8Array([0x61, 0]));
  const bytes = (b: number[]) => typed(new Uint8Array(b), T.notNull(T.BYTES()));
  assert.equal(run(fcall("DECODE", bytes([0x61, 0xc3, 0xa9]), "UTF-8")), "aé");
  assert.equal(run(fcall("DECODE", bytes([0x61, 0xe9]), "ISO-8859-1")), "aé");
  assert.equal(run(fcall("DECODE", bytes([0, 0x61]), "UTF-16BE")), "a");
  assert.equal(run(fcall("DECODE", bytes([0xff, 0xfe, 0x61, 0]), "UTF-16")), "a");
  assert.throws(() => ev("ENCODE", "a", "EBCDIC"), /Unsupported charset 'EBCDIC'/);
  assert.equal(typeToString(fcall("ENCODE", "a", "UTF-8").type), "BYTES NOT NULL");
});

test("HEX of integers (two's complement) and strings (UTF-8), BIN of integers", () => {
  assert.equal(ev("HEX", 20), "14");
  assert.equal(ev("HEX", 100), "64");
  assert.equal(ev("HEX", -1), "FFFFFFFFFFFFFFFF");
  assert.equal(ev("HEX", 9007199254740993n), "20000000000001");
  assert.equal(ev("HEX", "hello,world"), "68656C6C6F2C776F726C64");
  assert.equal(ev("BIN", 4), "100");
  assert.equal(ev("BIN", 12), "1100");
  assert.equal(ev("BIN", 0), "0");
  assert.equal(ev("BIN", -1), "1".repeat(64));
  assert.equal(ev("HEX", null), null);
  assert.throws(() => ev("BIN", 1.5), /Cannot apply 'BIN'/);
});

test("hash functions give lower-case hex of the UTF-8 bytes", () => {
  assert.equal(ev("MD5", "abc"), "900150983cd24fb0d6963f7d28e17f72");
  assert.equal(ev("SHA1", "abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  assert.equal(
    ev("SHA256", "abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.equal(ev("SHA2", "abc", 256), ev("SHA256", "abc"));
  assert.equal(ev("SHA2", "abc", 224), ev("SHA224", "abc"));
  assert.equal((ev("SHA512", "") as string).length, 128);
  assert.equal((ev("SHA384", "x") as string).length, 96);
  assert.equal(ev("MD5", "é"), "66ddcd97cfdeabb2f6fb8a999b4bc76f");
  assert.throws(
    () => fcall("SHA2", "abc", 100),
    /SHA2 supports 224, 256, 384 or 512 bits, got 100/,
  );
  assert.throws(() => evIn("SHA2", [T.STRING(), T.INT()], ["abc", 1]), /SHA2 supports/);
  assert.equal(ev("MD5", null), null);
  assert.equal(ev("HASH_CODE", "abc"), 96354);
  assert.equal(
    ev("HASH_CODE", "polygenelubricants"),
    -2147483648,
    "Integer.MIN_VALUE stays negative",
  );
});

test("UUID is a random version-4 UUID and not deterministic", () => {
  const a = ev("UUID") as string;
  const b = ev("UUID") as string;
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(a, b);
  assert.equal(isDeterministic(fcall("UUID")), false);
});

test("PARSE_URL extracts java.net.URL parts and query parameters", () => {
  const url = "http://facebook.com/path1/p.php?k1=v1&k2=v2#Ref1";
  assert.equal(ev("PARSE_URL", url, "HOST"), "facebook.com");
  assert.equal(ev("PARSE_URL", url, "PATH"), "/path1/p.php");
  assert.equal(ev("PARSE_URL", url, "QUERY"), "k1=v1&k2=v2");
  assert.equal(ev("PARSE_URL", url, "REF"), "Ref1");
  assert.equal(ev("PARSE_URL", url, "PROTOCOL"), "http");
  assert.equal(ev("PARSE_URL", url, "FILE"), "/path1/p.php?k1=v1&k2=v2");
  assert.equal(ev("PARSE_URL", url, "AUTHORITY"), "facebook.com");
  assert.equal(ev("PARSE_URL", url, "USERINFO"), null);
  assert.equal(ev("PARSE_URL", url, "QUERY", "k1"), "v1");
  assert.equal(ev("PARSE_URL", url, "QUERY", "k2"), "v2");
  assert.equal(ev("PARSE_URL", url, "QUERY", "k3"), null);
  assert.equal(
    ev("PARSE_URL", "http://a.com/?xk1=1&k1=2", "QUERY", "k1"),
    "2",
    "a key must start a parameter",
  );
  assert.equal(ev("PARSE_URL", url, "HOST", "k1"), null, "a key applies to QUERY only");
  assert.equal(ev("PARSE_URL", "https://user:pw@host:8080/p", "USERINFO"), "user:pw");
  assert.equal(ev("PARSE_URL", "https://user:pw@host:8080/p", "AUTHORITY"), "user:pw@host:8080");
  assert.equal(ev("PARSE_URL", "https://user:pw@host:8080/p", "HOST"), "host");
  assert.equal(ev("PARSE_URL", "facebook.com/path", "HOST"), null, "no protocol");
  assert.equal(ev("PARSE_URL", "foo://x/y", "HOST"), null, "unknown protocol");
  assert.equal(ev("PARSE_URL", url, "NOPE"), null);
  assert.equal(parseJavaUrl("http://[::1]:80/x")?.host, "[::1]");
  assert.equal(parseJavaUrl("http://h:port/x"), null, "a bad port");
  assert.equal(parseJavaUrl("mailto:a@b.c")?.path, "a@b.c");
});
