/**
 * Date-time patterns of Java's two formatter classes, which Flink's temporal functions use:
 * `java.time.format.DateTimeFormatter` ("java.time": DATE_FORMAT of a TIMESTAMP, TO_TIMESTAMP
 * with a format) and `java.text.SimpleDateFormat` ("simple": DATE_FORMAT of a DATE or a string,
 * FROM_UNIXTIME, UNIX_TIMESTAMP, TO_DATE with a format, CONVERT_TZ). The letters mean the same
 * in both except `S` (java.time: fraction of the second, `SSS` = milliseconds, `SSSSSS` =
 * microseconds; simple: a number of milliseconds) and `u` (java.time: year; simple: ISO day of
 * week). English names, US week rules (weeks start on Sunday, week 1 holds January 1st).
 *
 * This module compiles a pattern into tokens; `date-format.ts` formats and parses with them.
 * Supported letters: G y u Y M L d D Q q w W E e c F a h K k H m s S n A N z Z X x O V, quoted
 * text (`'...'`, `''` for a quote), other characters as literals and, in java.time patterns,
 * optional sections `[...]`. An unknown letter is an error, as in Java.
 */

/** Which Java formatter's rules a pattern follows. */
export type PatternDialect = "java.time" | "simple";

/** One element of a compiled pattern. */
export type PatternToken =
  | { readonly kind: "literal"; readonly text: string }
  | { readonly kind: "field"; readonly letter: string; readonly count: number }
  | { readonly kind: "optional"; readonly tokens: readonly PatternToken[] };

/** English month names. */
export const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
/** English day names, Monday first (ISO order). */
export const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
/** English quarter names. */
export const QUARTERS = ["1st quarter", "2nd quarter", "3rd quarter", "4th quarter"];

/** A malformed pattern (Java's `IllegalArgumentException`). */
export class DatePatternError extends Error {}

const LETTERS = new Set("GyuYMLdDQqwWEecFahKkHmsSnANzZXxOV");
const RESERVED = new Set("#{}");

/** Letters whose value is a number (for adjacent-field parsing). */
export function isNumericToken(t: PatternToken): boolean {
  if (t.kind !== "field") return false;
  const { letter, count } = t;
  if ("yuYdDHhKkmsSnANwWFg".includes(letter)) return true;
  if (letter === "M" || letter === "L" || letter === "Q" || letter === "q") return count <= 2;
  if (letter === "e" || letter === "c") return count <= 2;
  return false;
}

const CACHE = new Map<string, readonly PatternToken[]>();

/** The tokens of `pattern` under `dialect` (cached). Throws a {@link DatePatternError}. */
export function compilePattern(pattern: string, dialect: PatternDialect): readonly PatternToken[] {
  const key = `${dialect}\u0000${pattern}`;
  let tokens = CACHE.get(key);
  if (tokens === undefined) {
    const state = { i: 0 };
    tokens = parseTokens(pattern, dialect, state, false);
    if (CACHE.size >= 256) CACHE.clear();
    CACHE.set(key, tokens);
  }
  return tokens;
}

function parseTokens(
  p: string,
  dialect: PatternDialect,
  state: { i: number },
  nested: boolean,
): PatternToken[] {
  const out: PatternToken[] = [];
  const literal = (text: string) => {
    const last = out[out.length - 1];
    if (last !== undefined && last.kind === "literal")
      out[out.length - 1] = { kind: "literal", text: last.text + text };
    else out.push({ kind: "literal", text });
  };
  while (state.i < p.length) {
    const c = p[state.i]!;
    if (c === "'") {
      const end = p.indexOf("'", state.i + 1);
      if (end === state.i + 1) {
        literal("'");
        state.i += 2;
        continue;
      }
      let text = "";
      let j = state.i + 1;
      for (;;) {
        const k = p.indexOf("'", j);
        if (k < 0)
          throw new DatePatternError(`Pattern ends with an incomplete string literal: ${p}`);
        text += p.slice(j, k);
        if (p[k + 1] === "'") {
          text += "'";
          j = k + 2;
          continue;
        }
        state.i = k + 1;
        break;
      }
      literal(text);
      continue;
    }
    if (dialect === "java.time" && c === "[") {
      state.i++;
      out.push({ kind: "optional", tokens: parseTokens(p, dialect, state, true) });
      continue;
    }
    if (dialect === "java.time" && c === "]") {
      if (!nested)
        throw new DatePatternError(`Pattern invalid as it contains ] without previous [: ${p}`);
      state.i++;
      return out;
    }
    if (/[A-Za-z]/.test(c)) {
      let j = state.i;
      while (p[j] === c) j++;
      const count = j - state.i;
      if (!LETTERS.has(c)) throw new DatePatternError(`Unknown pattern letter: ${c}`);
      checkCount(c, count, dialect, p);
      out.push({ kind: "field", letter: c, count });
      state.i = j;
      continue;
    }
    if (dialect === "java.time" && RESERVED.has(c)) {
      throw new DatePatternError(`Pattern includes reserved character: '${c}'`);
    }
    literal(c);
    state.i++;
  }
  if (nested && dialect === "java.time") {
    // an unclosed optional section ends with the pattern, as in Java
  }
  return out;
}

function checkCount(letter: string, count: number, dialect: PatternDialect, p: string): void {
  if (dialect === "simple") return;
  const max: Record<string, number> = {
    G: 5,
    M: 5,
    L: 5,
    d: 2,
    D: 3,
    Q: 5,
    q: 5,
    E: 5,
    e: 5,
    c: 5,
    F: 1,
    a: 1,
    h: 2,
    K: 2,
    k: 2,
    H: 2,
    m: 2,
    s: 2,
    z: 4,
    Z: 5,
    X: 5,
    x: 5,
    O: 4,
    V: 2,
    w: 2,
    W: 1,
  };
  const limit = max[letter];
  if (limit !== undefined && count > limit)
    throw new DatePatternError(`Too many pattern letters: ${letter} in ${p}`);
  if (letter === "V" && count !== 2)
    throw new DatePatternError(`Pattern letter count must be 2: V in ${p}`);
  if (letter === "O" && count !== 1 && count !== 4)
    throw new DatePatternError(`Pattern letter count must be 1 or 4: O in ${p}`);
}
