/**
 * String functions with Flink's semantics. Functions Flink runs on its `BinaryStringData`
 * (CHAR_LENGTH, SUBSTRING, LEFT, RIGHT, REVERSE, POSITION, LOCATE, INSTR, TRIM) count code
 * points; those it runs on Java strings (LPAD, RPAD, OVERLAY, REPLACE, REPEAT, INITCAP) count
 * UTF-16 units, as Java does. Every function is NULL when an argument is NULL unless noted.
 */
import type { ScalarFunctionDef } from "../expr/operators.ts";
import * as T from "../types/logical-type.ts";
import {
  anyNullable,
  codePointIndexOf,
  codePointLength,
  codePointSlice,
  expectArgs,
  fn,
  int,
  keywordAt,
  nullableIf,
  sameStringType,
  siteKeyword,
  str,
  stringType,
  toInt,
  varyingOf,
  withAliases,
} from "./define.ts";
import type { Operands } from "./define.ts";

const INT_T = T.notNull(T.INT());

/** Calcite's INITCAP: ASCII letters and digits form words; the first is upper-cased, the rest lower. */
export function initcap(s: string): string {
  let out = "";
  let start = true;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    const upper = c >= 65 && c <= 90;
    const lower = c >= 97 && c <= 122;
    if (start) {
      if (digit || upper || lower) start = false;
      if (lower) c -= 32;
    } else if (upper) c += 32;
    else if (!digit && !lower) start = true;
    out += String.fromCharCode(c);
  }
  return out;
}

/** Java's `lpad`/`rpad` of Flink: NULL for a negative length or an empty pad; UTF-16 units. */
export function pad(base: string, len: number, padding: string, left: boolean): string | null {
  if (len < 0 || padding.length === 0) return null;
  if (len === 0) return "";
  const fill = Math.max(len - base.length, 0);
  let p = "";
  if (fill > 0) p = padding.repeat(Math.ceil(fill / padding.length)).slice(0, fill);
  return left ? p + base.slice(0, len - fill) : base.slice(0, len) + p;
}

/** Removes leading and/or trailing code points found in `chars` (a set of characters). */
export function trimChars(s: string, leading: boolean, trailing: boolean, chars: string): string {
  const set = new Set(Array.from(chars));
  const cps = Array.from(s);
  let a = 0;
  let b = cps.length;
  if (leading) while (a < b && set.has(cps[a]!)) a++;
  if (trailing) while (b > a && set.has(cps[b - 1]!)) b--;
  return a === 0 && b === cps.length ? s : cps.slice(a, b).join("");
}

/** Removes leading and/or trailing spaces (U+0020 only, as Flink's LTRIM/RTRIM). */
function trimSpaces(s: string, leading: boolean, trailing: boolean): string {
  let a = 0;
  let b = s.length;
  if (leading) while (a < b && s.charCodeAt(a) === 32) a++;
  if (trailing) while (b > a && s.charCodeAt(b - 1) === 32) b--;
  return s.slice(a, b);
}

/**
 * Flink's SUBSTRING on code points: position 1-based, negative counts from the end, 0 acts as
 * 1; NULL for a negative length.
 */
export function substring(s: string, pos: number, length = Infinity): string | null {
  if (length < 0) return null;
  if (s.length === 0) return "";
  const n = codePointLength(s);
  let start: number;
  if (pos > 0) {
    start = pos - 1;
    if (start >= n) return "";
  } else if (pos < 0) {
    start = n + pos;
    if (start < 0) return "";
  } else start = 0;
  const end = n - start < length ? n : start + length;
  return codePointSlice(s, start, end);
}

/** OVERLAY(s PLACING r FROM start [FOR length]) on UTF-16 units, as Flink's Java version. */
export function overlay(s: string, r: string, start: number, length = r.length): string {
  if (start <= 0 || start > s.length) return s;
  let out = s.slice(0, start - 1) + r;
  if (start + length <= s.length && length > 0) out += s.slice(start - 1 + length);
  return out;
}

/** Java's `String.replace(target, replacement)`: every occurrence, literally. */
export function replaceAll(s: string, target: string, replacement: string): string {
  if (target.length === 0) {
    let out = replacement;
    for (let i = 0; i < s.length; i++) out += s[i]! + replacement;
    return out;
  }
  return s.split(target).join(replacement);
}

/** Flink's INSTR(str, sub, start, nth) on code points; a negative start searches backwards. */
export function instr(s: string, sub: string, start: number, nth: number): number {
  if (nth <= 0) throw new RangeError(`nthAppearance must be positive, got ${nth}`);
  if (start === 0) return 0;
  if (start > 0) {
    let from = start;
    let index = 0;
    for (let i = 0; i < nth; i++) {
      index = codePointIndexOf(s, sub, from - 1) + 1;
      if (index === 0) return 0;
      from = index + 1;
    }
    return index;
  }
  const rev = (x: string) => Array.from(x).reverse().join("");
  const pos = instr(rev(s), rev(sub), -start, nth);
  return pos === 0 ? 0 : codePointLength(s) + 2 - pos - codePointLength(sub);
}

/**
 * Commons Lang's `splitByWholeSeparatorPreserveAllTokens`, as SPLIT_INDEX uses it: an empty
 * input has no tokens, an empty separator splits on single spaces.
 */
export function splitWhole(s: string, sep: string): string[] {
  if (s.length === 0) return [];
  return s.split(sep.length === 0 ? " " : sep);
}

const utf8 = new TextEncoder();

/** ASCII(s): the first UTF-8 byte as a signed Java byte, 0 for the empty string. */
function ascii(s: string): number {
  if (s.length === 0) return 0;
  const b = utf8.encode(s.slice(0, 2))[0]!;
  return b > 127 ? b - 256 : b;
}

/** CHR(n): the character of `n & 0xFF`; the empty string for a negative `n`. */
function chr(n: number | bigint): string {
  const v = typeof n === "bigint" ? n : BigInt(n);
  if (v < 0n) return "";
  return String.fromCharCode(Number(v & 0xffn));
}

function strict1(
  name: string,
  result: (types: readonly T.LogicalType[]) => T.LogicalType,
  impl: (s: string) => unknown,
): ScalarFunctionDef {
  return fn({
    name,
    inferType(types) {
      expectArgs(name, types, [str]);
      return result(types);
    },
    impl,
  });
}

const CHAR_LENGTH = strict1("CHAR_LENGTH", (t) => nullableIf(INT_T, t), codePointLength);

const CONCAT = fn({
  name: "CONCAT",
  inferType(types) {
    expectArgs("CONCAT", types, [str], 1, true);
    let length = 0;
    for (const t of types) length += t.kind === "CHAR" || t.kind === "VARCHAR" ? t.length : 0;
    return nullableIf(T.notNull(T.VARCHAR(Math.max(1, Math.min(length, T.MAX_LENGTH)))), types);
  },
  inline: (args) => (args.length === 1 ? args[0]! : `(${args.join(" + ")})`),
});

const CONCAT_WS = fn({
  name: "CONCAT_WS",
  nullPolicy: "custom",
  inferType(types) {
    expectArgs("CONCAT_WS", types, [str], 2, true);
    return stringType(types[0]!.nullable);
  },
  impl(sep: string | null, ...parts: (string | null)[]): string | null {
    if (sep === null) return null;
    return parts.filter((p) => p !== null).join(sep);
  },
});

function padDef(name: string, left: boolean): ScalarFunctionDef {
  return fn({
    name,
    mayReturnNull: true,
    inferType(types) {
      expectArgs(name, types, [str, int, str]);
      return stringType(true);
    },
    impl: (s: string, len: number | bigint, p: string) => pad(s, toInt(len), p, left),
  });
}

function trimDef(name: string, leading: boolean, trailing: boolean): ScalarFunctionDef {
  return fn({
    name,
    inferType(types) {
      expectArgs(name, types, [str, str], 1);
      return varyingOf(types[0]!, types);
    },
    impl: (s: string, chars?: string) =>
      chars === undefined
        ? trimSpaces(s, leading, trailing)
        : trimChars(s, leading, trailing, chars),
  });
}

const TRIM_SIDES = ["BOTH", "LEADING", "TRAILING"];

const TRIM = fn({
  name: "TRIM",
  inferType(types, operands?: Operands) {
    expectArgs("TRIM", types, [str, str, str]);
    if (operands !== undefined) keywordAt("TRIM", operands, 0, "trim side", TRIM_SIDES);
    return varyingOf(types[2]!, types);
  },
  bind(site) {
    const side = siteKeyword(site, 0, "trim side", TRIM_SIDES);
    const leading = side !== "TRAILING";
    const trailing = side !== "LEADING";
    return (_side: string, chars: string, s: string) => trimChars(s, leading, trailing, chars);
  },
});

const SUBSTRING = fn({
  name: "SUBSTRING",
  mayReturnNull: (site) => site.argTypes.length === 3,
  inferType(types) {
    expectArgs("SUBSTRING", types, [str, int, int], 2);
    const t = varyingOf(types[0]!, types);
    return types.length === 3 ? T.withNullability(t, true) : t;
  },
  impl: (s: string, pos: number | bigint, len?: number | bigint) =>
    substring(s, toInt(pos), len === undefined ? Infinity : toInt(len)),
});

const OVERLAY = fn({
  name: "OVERLAY",
  inferType(types) {
    expectArgs("OVERLAY", types, [str, str, int, int], 3);
    return stringType(anyNullable(types));
  },
  impl: (s: string, r: string, start: number | bigint, len?: number | bigint) =>
    overlay(s, r, toInt(start), len === undefined ? r.length : toInt(len)),
});

function positionDef(name: string): ScalarFunctionDef {
  return fn({
    name,
    inferType(types) {
      expectArgs(name, types, [str, str, int], 2);
      return nullableIf(INT_T, types);
    },
    impl: (needle: string, s: string, from?: number | bigint) =>
      codePointIndexOf(s, needle, (from === undefined ? 1 : toInt(from)) - 1) + 1,
  });
}

const INSTR = fn({
  name: "INSTR",
  inferType(types) {
    expectArgs("INSTR", types, [str, str, int, int], 2);
    return nullableIf(INT_T, types);
  },
  impl: (s: string, sub: string, start?: number | bigint, nth?: number | bigint) =>
    instr(s, sub, start === undefined ? 1 : toInt(start), nth === undefined ? 1 : toInt(nth)),
});

function sideDef(name: string, left: boolean): ScalarFunctionDef {
  return fn({
    name,
    inferType(types) {
      expectArgs(name, types, [str, int]);
      return varyingOf(types[0]!, types);
    },
    impl(s: string, n: number | bigint): string {
      const k = toInt(n);
      if (k <= 0) return "";
      return left
        ? (substring(s, 1, k) as string)
        : k >= codePointLength(s)
          ? s
          : (substring(s, -k) as string);
    },
  });
}

const REPEAT = fn({
  name: "REPEAT",
  inferType(types) {
    expectArgs("REPEAT", types, [str, int]);
    return stringType(anyNullable(types));
  },
  impl: (s: string, n: number | bigint) => (toInt(n) <= 0 ? "" : s.repeat(toInt(n))),
});

const REPLACE = fn({
  name: "REPLACE",
  inferType(types) {
    expectArgs("REPLACE", types, [str, str, str]);
    return stringType(anyNullable(types));
  },
  impl: replaceAll,
});

const SPLIT_INDEX = fn({
  name: "SPLIT_INDEX",
  mayReturnNull: true,
  inferType(types) {
    expectArgs("SPLIT_INDEX", types, [str, (t) => str(t) || int(t), int]);
    return stringType(true);
  },
  impl(s: string, sep: string | number | bigint, index: number | bigint): string | null {
    const i = toInt(index);
    if (i < 0) return null;
    let parts: string[];
    if (typeof sep === "string") parts = splitWhole(s, sep);
    else {
      const c = toInt(sep);
      if (c > 255 || c < 1) return null;
      parts = s.length === 0 ? [] : s.split(String.fromCharCode(c));
    }
    return i < parts.length ? parts[i]! : null;
  },
});

const CHR = fn({
  name: "CHR",
  inferType(types) {
    expectArgs("CHR", types, [int]);
    return nullableIf(T.notNull(T.VARCHAR(1)), types);
  },
  impl: chr,
});

/** The string function definitions. */
export const STRING_FUNCTIONS: readonly ScalarFunctionDef[] = [
  ...withAliases(CHAR_LENGTH, "CHARACTER_LENGTH"),
  strict1(
    "UPPER",
    (t) => sameStringType(t[0]!, t),
    (s) => s.toUpperCase(),
  ),
  strict1(
    "LOWER",
    (t) => sameStringType(t[0]!, t),
    (s) => s.toLowerCase(),
  ),
  strict1("INITCAP", (t) => sameStringType(t[0]!, t), initcap),
  strict1(
    "REVERSE",
    (t) => varyingOf(t[0]!, t),
    (s) => Array.from(s).reverse().join(""),
  ),
  strict1("ASCII", (t) => nullableIf(INT_T, t), ascii),
  CONCAT,
  CONCAT_WS,
  padDef("LPAD", true),
  padDef("RPAD", false),
  trimDef("LTRIM", true, false),
  trimDef("RTRIM", false, true),
  trimDef("BTRIM", true, true),
  TRIM,
  ...withAliases(SUBSTRING, "SUBSTR"),
  OVERLAY,
  positionDef("POSITION"),
  positionDef("LOCATE"),
  INSTR,
  sideDef("LEFT", true),
  sideDef("RIGHT", false),
  REPEAT,
  REPLACE,
  SPLIT_INDEX,
  CHR,
];
