/**
 * Java regular expressions (`java.util.regex.Pattern`, which Flink's REGEXP, REGEXP_REPLACE,
 * REGEXP_EXTRACT and STR_TO_MAP use) translated to JavaScript `RegExp`s with the `u` flag, so
 * that the differences that matter for common patterns come out as Java has them:
 *
 * - `.` does not match `\n \r \u0085 \u2028 \u2029` (unless DOTALL); `$` also matches before a
 *   final line terminator; `\A`, `\z`, `\Z`; `\s`/`\S` are ASCII whitespace; `\h`, `\v`, `\R`;
 *   `\Q...\E` quoting; `\x{h..h}`, `\e`, `\a`, octal `\0nn`; POSIX classes (`\p{Alpha}`,
 *   `\p{Punct}`...) and Unicode categories / scripts (`\p{L}`, `\p{IsLatin}`);
 * - leading inline flags `(?imsx)` become RegExp flags (`x` strips whitespace and comments);
 *   `(?i:...)` groups are kept (JavaScript supports them);
 * - an escaped non-alphanumeric character is always a literal, as in Java.
 *
 * Java constructs JavaScript has no equivalent for (possessive quantifiers, atomic groups,
 * class intersections and nested classes, inline flags in the middle of a pattern, `\G`) are
 * rejected with an {@link UnsupportedJavaRegexError} naming the construct, never silently
 * changed; malformed patterns raise a {@link JavaRegexError} or the engine's `SyntaxError`.
 */

/** A malformed Java pattern (Java would reject it too). */
export class JavaRegexError extends Error {}

/** A valid Java pattern using a construct JavaScript cannot run. */
export class UnsupportedJavaRegexError extends Error {}

const POSIX: Record<string, string> = {
  Lower: "a-z",
  Upper: "A-Z",
  ASCII: "\\x00-\\x7F",
  Alpha: "a-zA-Z",
  Digit: "0-9",
  Alnum: "a-zA-Z0-9",
  Punct: "!-\\/:-@\\[-`{-~",
  Graph: "!-~",
  Print: " -~",
  Blank: " \\t",
  Cntrl: "\\x00-\\x1F\\x7F",
  XDigit: "0-9a-fA-F",
  Space: " \\t\\n\\x0B\\f\\r",
};

const SYNTAX = new Set("^$\\.*+?()[]{}|/");
const LINE_END = "(?:\\r\\n|[\\n\\r\\u0085\\u2028\\u2029])";
const SPACE = "\\t\\n\\x0B\\f\\r ";

function unsupported(what: string, pattern: string): never {
  throw new UnsupportedJavaRegexError(
    `Unsupported Java regular expression construct ${what} in '${pattern}'`,
  );
}

function literalChar(c: string): string {
  return SYNTAX.has(c) ? `\\${c}` : `\\u{${c.codePointAt(0)!.toString(16)}}`;
}

function quote(text: string): string {
  return Array.from(text)
    .map((c) => (/[\p{L}\p{N}_ ]/u.test(c) ? c : literalChar(c)))
    .join("");
}

/** `\p{...}` / `\P{...}`: the JS class body (inside `[...]`) or a full escape. */
function property(name: string, negated: boolean, inClass: boolean, pattern: string): string {
  const posix = POSIX[name.startsWith("Is") ? name.slice(2) : name] ?? POSIX[name];
  if (posix !== undefined) {
    if (negated) return inClass ? unsupported(`\\P{${name}} in a class`, pattern) : `[^${posix}]`;
    return inClass ? posix : `[${posix}]`;
  }
  let js: string;
  if (/^(L|Lu|Ll|Lt|Lm|Lo|M|N|Nd|Nl|No|P|S|Z|Zs|C|Cc|Sm|Sc|Pd|Ps|Pe|Po)$/.test(name)) js = name;
  else if (/^Is(L|Lu|Ll|Lt|Lm|Lo|M|N|Nd|P|S|Z|C)$/.test(name)) js = name.slice(2);
  else if (name === "IsAlphabetic" || name === "Alphabetic") js = "Alphabetic";
  else if (name === "IsWhite_Space" || name === "IsWhiteSpace") js = "White_Space";
  else if (/^Is[A-Z][a-z]+$/.test(name)) js = `Script=${name.slice(2)}`;
  else if (name.startsWith("script=") || name.startsWith("sc="))
    js = `Script=${name.split("=")[1]}`;
  else return unsupported(`\\p{${name}}`, pattern);
  return `\\${negated ? "P" : "p"}{${js}}`;
}

interface Translated {
  readonly source: string;
  readonly flags: string;
}

/** Translates a Java pattern to a JavaScript source and flags (see the module doc). */
export function translateJavaRegex(pattern: string): Translated {
  let i = 0;
  let flags = "";
  const lead = /^\(\?([imsxudU]+)\)/.exec(pattern);
  if (lead !== null) {
    for (const f of lead[1]!) if ("ims".includes(f) && !flags.includes(f)) flags += f;
    i = lead[0].length;
  }
  const extended = lead !== null && lead[1]!.includes("x");
  const dotAll = flags.includes("s");
  const multiline = flags.includes("m");
  let out = "";
  let inClass = false;
  const quantifierEnd = () => {
    const next = pattern[i];
    if (next === "+") unsupported("(possessive quantifier)", pattern);
    if (next === "?") {
      out += "?";
      i++;
    }
  };
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "\\") {
      out += escape();
      continue;
    }
    i++;
    if (inClass) {
      if (c === "[") unsupported("(nested character class)", pattern);
      if (c === "&" && pattern[i] === "&") unsupported("(class intersection &&)", pattern);
      if (c === "]") inClass = false;
      out += c === "/" ? "\\/" : c;
      continue;
    }
    if (extended && /\s/.test(c)) continue;
    if (extended && c === "#") {
      while (i < pattern.length && pattern[i] !== "\n") i++;
      continue;
    }
    switch (c) {
      case "[":
        inClass = true;
        out += "[";
        if (pattern[i] === "^") {
          out += "^";
          i++;
        }
        break;
      case ".":
        out += dotAll ? "." : "[^\\n\\r\\u0085\\u2028\\u2029]";
        break;
      case "$":
        out += multiline ? "$" : `(?=${LINE_END}?(?![\\s\\S]))`;
        break;
      case "(":
        out += "(" + group();
        break;
      case "*":
      case "+":
      case "?":
        out += c;
        quantifierEnd();
        break;
      case "{": {
        const m = /^\d+(,\d*)?\}/.exec(pattern.slice(i));
        if (m === null)
          throw new JavaRegexError(`Illegal repetition near index ${i - 1} in '${pattern}'`);
        out += "{" + m[0];
        i += m[0].length;
        quantifierEnd();
        break;
      }
      default:
        out += c === "/" ? "\\/" : c;
    }
  }
  if (inClass) throw new JavaRegexError(`Unclosed character class in '${pattern}'`);
  return { source: out, flags };

  /** The prefix of a group after `(` (`?:`, `?<name>`, `?i:`...), consumed. */
  function group(): string {
    if (pattern[i] !== "?") return "";
    const rest = pattern.slice(i);
    const plain = /^\?(?:[:=!]|<[=!]|<[A-Za-z][A-Za-z0-9]*>)/.exec(rest);
    if (plain !== null) {
      i += plain[0].length;
      return plain[0];
    }
    if (rest.startsWith("?>")) unsupported("(?>...) (atomic group)", pattern);
    const m = /^\?([imsxudU-]+)(:|\))/.exec(rest);
    if (m !== null && m[2] === ":" && /^[ims]+(-[ims]+)?$|^-[ims]+$/.test(m[1]!)) {
      i += m[0].length;
      return m[0];
    }
    return unsupported(`(${m?.[0] ?? "?"} (inline flags inside the pattern)`, pattern);
  }

  function escape(): string {
    const e = pattern[i + 1];
    if (e === undefined)
      throw new JavaRegexError(`Unexpected internal error: trailing backslash in '${pattern}'`);
    i += 2;
    switch (e) {
      case "A":
        return "(?<![\\s\\S])";
      case "z":
        return "(?![\\s\\S])";
      case "Z":
        return `(?=${LINE_END}?(?![\\s\\S]))`;
      case "G":
        return unsupported("\\G", pattern);
      case "s":
        return inClass ? SPACE : `[${SPACE}]`;
      case "S":
        return inClass ? "\\S" : `[^${SPACE}]`;
      case "h":
        return inClass
          ? " \\t\\xA0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000"
          : "[ \\t\\xA0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000]";
      case "v":
        return inClass
          ? "\\n\\x0B\\f\\r\\x85\\u2028\\u2029"
          : "[\\n\\x0B\\f\\r\\x85\\u2028\\u2029]";
      case "R":
        return inClass
          ? unsupported("\\R in a class", pattern)
          : "(?:\\r\\n|[\\n\\x0B\\f\\r\\x85\\u2028\\u2029])";
      case "e":
        return "\\x1B";
      case "a":
        return "\\x07";
      case "Q": {
        const end = pattern.indexOf("\\E", i);
        const text = end < 0 ? pattern.slice(i) : pattern.slice(i, end);
        i = end < 0 ? pattern.length : end + 2;
        return quote(text);
      }
      case "E":
        return "";
      case "x":
        if (pattern[i] === "{") {
          const close = pattern.indexOf("}", i);
          if (close < 0) throw new JavaRegexError(`Unclosed hexadecimal escape in '${pattern}'`);
          const hex = pattern.slice(i + 1, close);
          i = close + 1;
          return `\\u{${hex}}`;
        }
        return "\\x";
      case "0": {
        const m = /^[0-3]?[0-7]{1,2}/.exec(pattern.slice(i));
        if (m === null) throw new JavaRegexError(`Illegal octal escape sequence in '${pattern}'`);
        i += m[0].length;
        return literalChar(String.fromCharCode(parseInt(m[0], 8)));
      }
      case "p":
      case "P": {
        let name: string;
        if (pattern[i] === "{") {
          const close = pattern.indexOf("}", i);
          if (close < 0) throw new JavaRegexError(`Unclosed character family in '${pattern}'`);
          name = pattern.slice(i + 1, close);
          i = close + 1;
        } else {
          name = pattern[i] ?? "";
          i++;
        }
        return property(name, e === "P", inClass, pattern);
      }
      default:
        if (/[0-9A-Za-z]/.test(e)) {
          if ("dDwWbBtnrfcuk123456789".includes(e)) return `\\${e}`;
          throw new JavaRegexError(`Illegal/unsupported escape sequence \\${e} in '${pattern}'`);
        }
        return literalChar(e);
    }
  }
}

const CACHE = new Map<string, RegExp>();

/**
 * The JavaScript RegExp (flags `u` plus `g` when `global`) of a Java pattern, cached. Throws a
 * {@link JavaRegexError} (or a `SyntaxError` from the RegExp engine) for a bad pattern.
 */
export function javaRegex(pattern: string, global = false): RegExp {
  const key = (global ? "g" : "-") + pattern;
  let re = CACHE.get(key);
  if (re === undefined) {
    const t = translateJavaRegex(pattern);
    re = new RegExp(t.source, t.flags + "u" + (global ? "g" : ""));
    if (CACHE.size >= 512) CACHE.clear();
    CACHE.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

/**
 * Java's `String.split(regex, limit)`: a zero-width match at the start adds no empty leading
 * token; with limit 0 trailing empty tokens are removed; with limit n > 0 at most n tokens.
 */
export function javaSplit(s: string, pattern: string, limit = 0): string[] {
  const re = javaRegex(pattern, true);
  const out: string[] = [];
  let index = 0;
  let matched = false;
  for (const m of s.matchAll(re)) {
    if (limit > 0 && out.length >= limit - 1) break;
    const start = m.index;
    const end = start + m[0].length;
    if (start === 0 && end === 0) continue;
    out.push(s.slice(index, start));
    index = end;
    matched = true;
  }
  if (!matched) return [s];
  out.push(s.slice(index));
  if (limit === 0) while (out.length > 0 && out[out.length - 1] === "") out.pop();
  return out;
}
