/**
 * LIKE and SIMILAR TO patterns, translated once into JavaScript regular expressions (or into a
 * plain string test when the pattern allows it).
 *
 * LIKE: `%` matches any run of characters, `_` exactly one character (a code point); with
 * `ESCAPE e`, `e%`, `e_` and `ee` stand for the character itself and `e` before anything else is
 * an error. Without ESCAPE there is no escape character, so a backslash is an ordinary character
 * (Flink since FLINK-39424). Matching is case-sensitive (ILIKE: case-insensitive) and a pattern
 * must match the whole string.
 *
 * SIMILAR TO: SQL regular expressions: `%` and `_` as in LIKE, plus `|`, `*`, `+`, `?`, `{m,n}`,
 * `( )` and `[ ]` with their regular-expression meaning; other characters (`.`, `^`, `$`, `\`)
 * are literal.
 */
import { SqlValidationError } from "./errors.ts";

/** A token of a LIKE pattern. */
type LikeToken =
  { readonly t: "lit"; readonly text: string } | { readonly t: "any" } | { readonly t: "one" };

const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

function escapeRegex(text: string): string {
  return text.replace(REGEX_SYNTAX, "\\$&");
}

function checkEscape(escape: string | null, what: string): string | null {
  if (escape === null) return null;
  if ([...escape].length !== 1) {
    throw new SqlValidationError(
      `Invalid escape character '${escape}' in ${what}: it must be exactly one character`,
    );
  }
  return escape;
}

function tokenizeLike(pattern: string, escape: string | null): LikeToken[] {
  const esc = checkEscape(escape, "LIKE");
  const chars = [...pattern];
  const tokens: LikeToken[] = [];
  const push = (tok: LikeToken) => {
    const last = tokens[tokens.length - 1];
    if (tok.t === "lit" && last?.t === "lit")
      tokens[tokens.length - 1] = { t: "lit", text: last.text + tok.text };
    else if (tok.t === "any" && last?.t === "any") return;
    else tokens.push(tok);
  };
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (esc !== null && ch === esc) {
      const next = chars[i + 1];
      if (next === undefined || (next !== "%" && next !== "_" && next !== esc)) {
        throw new SqlValidationError(
          `Invalid escape sequence '${pattern}', ${i} in LIKE pattern with ESCAPE '${esc}'`,
        );
      }
      push({ t: "lit", text: next });
      i++;
    } else if (ch === "%") push({ t: "any" });
    else if (ch === "_") push({ t: "one" });
    else push({ t: "lit", text: ch });
  }
  return tokens;
}

/** A LIKE pattern that needs no regular expression. */
export type LikeFastPath =
  | { readonly kind: "equals" | "startsWith" | "endsWith" | "includes"; readonly text: string }
  | { readonly kind: "any" };

/**
 * The plain string test equivalent to a case-sensitive LIKE pattern (`abc`, `abc%`, `%abc`,
 * `%abc%`, `%`), or undefined when the pattern needs a regular expression.
 */
export function likeFastPath(pattern: string, escape: string | null): LikeFastPath | undefined {
  const tokens = tokenizeLike(pattern, escape);
  if (tokens.some((t) => t.t === "one")) return undefined;
  const kinds = tokens.map((t) => t.t).join(",");
  const lit = (i: number) => (tokens[i] as { text: string }).text;
  switch (kinds) {
    case "":
      return { kind: "equals", text: "" };
    case "any":
      return { kind: "any" };
    case "lit":
      return { kind: "equals", text: lit(0) };
    case "lit,any":
      return { kind: "startsWith", text: lit(0) };
    case "any,lit":
      return { kind: "endsWith", text: lit(1) };
    case "any,lit,any":
      return { kind: "includes", text: lit(1) };
    default:
      return undefined;
  }
}

/** The regular expression of a LIKE pattern (ILIKE when `ignoreCase`). */
export function likeMatcher(pattern: string, escape: string | null, ignoreCase: boolean): RegExp {
  let src = "";
  for (const tok of tokenizeLike(pattern, escape)) {
    src += tok.t === "lit" ? escapeRegex(tok.text) : tok.t === "any" ? ".*" : ".";
  }
  return new RegExp(`^${src}$`, ignoreCase ? "isu" : "su");
}

/** The regular expression of a SIMILAR TO pattern. */
export function similarMatcher(pattern: string, escape: string | null): RegExp {
  const esc = checkEscape(escape, "SIMILAR TO");
  const chars = [...pattern];
  let src = "";
  let inClass = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (esc !== null && ch === esc) {
      const next = chars[i + 1];
      if (next === undefined) {
        throw new SqlValidationError(
          `Invalid escape sequence at the end of SIMILAR TO pattern '${pattern}'`,
        );
      }
      src += escapeRegex(next);
      i++;
    } else if (inClass) {
      if (ch === "]") inClass = false;
      src += ch === "\\" || ch === "[" ? "\\" + ch : ch;
    } else if (ch === "[") {
      inClass = true;
      src += ch;
    } else if (ch === "%") src += ".*";
    else if (ch === "_") src += ".";
    else if ("|*+?{}()".includes(ch)) src += ch;
    else src += escapeRegex(ch);
  }
  try {
    return new RegExp(`^(?:${src})$`, "su");
  } catch (e) {
    throw new SqlValidationError(
      `Invalid SIMILAR TO pattern '${pattern}': ${(e as Error).message}`,
    );
  }
}
