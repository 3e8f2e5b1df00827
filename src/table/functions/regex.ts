/**
 * Regular-expression functions with Java's pattern syntax (translated by `java-regex.ts`):
 * REGEXP (a match anywhere), REGEXP_REPLACE (every match, the replacement taken literally as
 * Flink quotes it), REGEXP_EXTRACT (a group of the first match, the whole match by default) and
 * STR_TO_MAP (delimiters are patterns, Java `split` semantics).
 *
 * As in Flink, a malformed pattern is not an error: REGEXP gives FALSE, REGEXP_REPLACE and
 * REGEXP_EXTRACT give NULL (an empty pattern never matches in REGEXP). A valid Java pattern that
 * JavaScript cannot run fails with an error naming the construct.
 */
import type { CallSite, ScalarFunctionDef } from "../expr/operators.ts";
import * as T from "../types/logical-type.ts";
import {
  anyNullable,
  expectArgs,
  fn,
  int,
  literalAt,
  nullableIf,
  str,
  stringType,
  toInt,
} from "./define.ts";
import { UnsupportedJavaRegexError, javaRegex, javaSplit } from "./java-regex.ts";

const INVALID = Symbol("invalid pattern");

/** The pattern's RegExp, or INVALID for a malformed one; unsupported constructs throw. */
function compile(pattern: string, global: boolean): RegExp | typeof INVALID {
  try {
    return javaRegex(pattern, global);
  } catch (e) {
    if (e instanceof UnsupportedJavaRegexError) throw e;
    return INVALID;
  }
}

/** A matcher for operand `i`: precompiled when it is a literal. */
function patternAt(
  site: CallSite,
  i: number,
  global: boolean,
): (p: string) => RegExp | typeof INVALID {
  const lit = literalAt(site.operands, i);
  if (lit !== undefined && typeof lit.value === "string") {
    const re = compile(lit.value, global);
    return () => {
      if (re !== INVALID) re.lastIndex = 0;
      return re;
    };
  }
  return (p) => compile(p, global);
}

/** Whether any (possibly empty) substring matches; FALSE for an empty or malformed pattern. */
const REGEXP = fn({
  name: "REGEXP",
  inferType(types) {
    expectArgs("REGEXP", types, [str, str]);
    return nullableIf(T.notNull(T.BOOLEAN()), types);
  },
  bind(site) {
    const get = patternAt(site, 1, false);
    return (s: string, p: string) => {
      if (p.length === 0) return false;
      const re = get(p);
      return re !== INVALID && re.test(s);
    };
  },
});

const REGEXP_REPLACE = fn({
  name: "REGEXP_REPLACE",
  mayReturnNull: true,
  inferType(types) {
    expectArgs("REGEXP_REPLACE", types, [str, str, str]);
    return stringType(true);
  },
  bind(site) {
    const get = patternAt(site, 1, true);
    return (s: string, p: string, replacement: string) => {
      const re = get(p);
      return re === INVALID ? null : s.replace(re, () => replacement);
    };
  },
});

const REGEXP_EXTRACT = fn({
  name: "REGEXP_EXTRACT",
  mayReturnNull: true,
  inferType(types) {
    expectArgs("REGEXP_EXTRACT", types, [str, str, int], 2);
    return stringType(true);
  },
  bind(site) {
    const get = patternAt(site, 1, false);
    return (s: string, p: string, index?: number | bigint) => {
      const re = get(p);
      if (re === INVALID) return null;
      const m = re.exec(s);
      const g = index === undefined ? 0 : toInt(index);
      if (m === null || g < 0 || g >= m.length) return null;
      return m[g] ?? null;
    };
  },
});

/** STR_TO_MAP(text [, pairDelimiter, keyValueDelimiter]): defaults ',' and '='. */
export function strToMap(text: string, pairs = ",", kv = "="): Map<string, string | null> {
  const map = new Map<string, string | null>();
  if (text.length === 0) return map;
  for (const pair of javaSplit(text, pairs)) {
    const parts = javaSplit(pair, kv, 2);
    if (parts.length < 2) map.set(pair, null);
    else map.set(parts[0]!, parts[1]!);
  }
  return map;
}

const STR_TO_MAP = fn({
  name: "STR_TO_MAP",
  inferType(types) {
    if (types.length === 2) expectArgs("STR_TO_MAP", types, [str, str, str]);
    expectArgs("STR_TO_MAP", types, [str, str, str], 1);
    const map = T.MAP(T.notNull(T.STRING()), T.STRING());
    return T.withNullability(map, anyNullable(types));
  },
  impl(text: string, pairs?: string, kv?: string) {
    try {
      return strToMap(text, pairs, kv);
    } catch (e) {
      if (e instanceof UnsupportedJavaRegexError) throw e;
      throw new RangeError(`Invalid delimiter pattern in STR_TO_MAP: ${(e as Error).message}`, {
        cause: e,
      });
    }
  },
});

/** The regular-expression function definitions. */
export const REGEX_FUNCTIONS: readonly ScalarFunctionDef[] = [
  REGEXP,
  REGEXP_REPLACE,
  REGEXP_EXTRACT,
  STR_TO_MAP,
];
