/**
 * The JSON model of the JSON functions: a strict RFC 8259 parser that keeps numbers exact (as
 * their text, like Flink's Jackson with `USE_BIG_DECIMAL_FOR_FLOATS`) and object members in
 * document order (a repeated key keeps its first position and its last value), a compact
 * serializer that writes object keys sorted, as Flink's `ORDER_MAP_ENTRIES_BY_KEYS` mapper does,
 * and Java's texts of numbers (`BigDecimal.toString`: `1.50`, `1E+2`, `1E-7`).
 */

/** A JSON number, exactly as written (validated). */
export class JsonNumber {
  /** The number's source text. */
  readonly text: string;
  /** Whether `text` is already the output form (numbers made from SQL values). */
  readonly final: boolean;
  /** Wraps validated number text; `final` text is written as is. */
  constructor(text: string, final = false) {
    this.text = text;
    this.final = final;
  }
  /** Whether it has neither a fraction nor an exponent (Jackson reads it as an integer). */
  isInteger(): boolean {
    return !/[.eE]/.test(this.text);
  }
  /** The text Java prints for the value Jackson reads (`-0` → `0`, `1e2` → `1E+2`). */
  javaText(): string {
    if (this.final) return this.text;
    if (this.isInteger()) return BigInt(this.text).toString();
    return javaBigDecimalText(this.text);
  }
}

/** A JSON object: members in document order. */
export type JsonObject = Map<string, JsonValue>;

/** A parsed JSON value. */
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;

/** Invalid JSON text. */
export class JsonParseError extends Error {}

/** Whether a value is an array or an object (not a scalar). */
export function isContainer(v: JsonValue): v is JsonValue[] | JsonObject {
  return Array.isArray(v) || v instanceof Map;
}

/**
 * Java's `new BigDecimal(text).toString()`: plain notation when the scale is ≥ 0 and the adjusted
 * exponent is ≥ -6, otherwise scientific notation with one digit before the point.
 */
export function javaBigDecimalText(text: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (m === null) throw new JsonParseError(`Not a number: ${text}`);
  const negative = m[1] === "-";
  const frac = m[3] ?? "";
  let digits = ((m[2] ?? "") + frac).replace(/^0+(?=\d)/, "");
  const scale = frac.length - (m[4] === undefined ? 0 : Number(m[4]));
  if (/^0+$/.test(digits)) digits = "0";
  const sign = negative && digits !== "0" ? "-" : "";
  const adjusted = -scale + (digits.length - 1);
  if (scale === 0) return sign + digits;
  if (scale > 0 && adjusted >= -6) {
    if (digits.length > scale)
      return (
        sign + digits.slice(0, digits.length - scale) + "." + digits.slice(digits.length - scale)
      );
    return sign + "0." + "0".repeat(scale - digits.length) + digits;
  }
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mantissa}E${adjusted >= 0 ? "+" : ""}${adjusted}`;
}

/** Parses JSON text; throws a {@link JsonParseError} naming the position of the problem. */
export function parseJson(text: string): JsonValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new JsonParseError(`${what} at position ${i} of JSON text`);
  };
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const str = (): string => {
    i++; // opening quote
    let out = "";
    let start = i;
    for (;;) {
      if (i >= text.length) fail("Unterminated string");
      const c = text.charCodeAt(i);
      if (c === 34) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c < 32) fail("Unescaped control character in string");
      if (c === 92) {
        out += text.slice(start, i);
        const e = text[i + 1];
        const simple: Record<string, string> = {
          '"': '"',
          "\\": "\\",
          "/": "/",
          b: "\b",
          f: "\f",
          n: "\n",
          r: "\r",
          t: "\t",
        };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          i += 2;
        } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail("Invalid escape in string");
        start = i;
        continue;
      }
      i++;
    }
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const value = (depth: number): JsonValue => {
    if (depth > 1000) fail("JSON nested too deeply");
    ws();
    const c = text[i];
    switch (c) {
      case "{": {
        i++;
        const obj: JsonObject = new Map();
        ws();
        if (text[i] === "}") {
          i++;
          return obj;
        }
        for (;;) {
          ws();
          if (text[i] !== '"') fail("Expected a string key");
          const key = str();
          ws();
          if (text[i] !== ":") fail("Expected ':'");
          i++;
          obj.set(key, value(depth + 1));
          ws();
          if (text[i] === ",") {
            i++;
            continue;
          }
          if (text[i] === "}") {
            i++;
            return obj;
          }
          fail("Expected ',' or '}'");
        }
      }
      // falls through (unreachable)
      case "[": {
        i++;
        const arr: JsonValue[] = [];
        ws();
        if (text[i] === "]") {
          i++;
          return arr;
        }
        for (;;) {
          arr.push(value(depth + 1));
          ws();
          if (text[i] === ",") {
            i++;
            continue;
          }
          if (text[i] === "]") {
            i++;
            return arr;
          }
          fail("Expected ',' or ']'");
        }
      }
      // falls through (unreachable)
      case '"':
        return str();
      default: {
        for (const [word, v] of [
          ["true", true],
          ["false", false],
          ["null", null],
        ] as const) {
          if (text.startsWith(word, i)) {
            i += word.length;
            return v;
          }
        }
        NUMBER.lastIndex = i;
        const m = NUMBER.exec(text);
        if (m === null)
          return fail(c === undefined ? "Unexpected end" : `Unexpected character '${c}'`);
        i += m[0].length;
        return new JsonNumber(m[0]);
      }
    }
  };
  const v = value(0);
  ws();
  if (i < text.length) fail("Unexpected trailing text");
  return v;
}

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/** A JSON string literal (`"`, `\\` and control characters escaped, the rest as is). */
export function quoteJson(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 34 && c !== 92) continue;
    const ch = s[i]!;
    out += s.slice(start, i) + (ESCAPES[ch] ?? "\\u" + c.toString(16).padStart(4, "0"));
    start = i + 1;
  }
  return out + s.slice(start) + '"';
}

/** Compact JSON text of a value; object keys sorted (UTF-16 order, as Java's `String`). */
export function stringifyJson(v: JsonValue): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "string") return quoteJson(v);
  if (v instanceof JsonNumber) return v.javaText();
  if (Array.isArray(v)) return "[" + v.map(stringifyJson).join(",") + "]";
  const keys = [...v.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return "{" + keys.map((k) => quoteJson(k) + ":" + stringifyJson(v.get(k)!)).join(",") + "}";
}

/** The text Java's `String.valueOf` gives a scalar (JSON_VALUE's default STRING result). */
export function scalarText(v: string | boolean | JsonNumber): string {
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "true" : "false";
  return v.javaText();
}
