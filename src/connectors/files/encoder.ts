/** How the row-format {@link FileSink} turns a record into bytes. */

/** Encodes one record as the bytes of one row (including its line terminator, if any). */
export interface Encoder<IN> {
  /** The record's bytes (a string is written in UTF-8). Throws when the record cannot be encoded. */
  encode(element: IN): string | Uint8Array;
}

/** Text encodings {@link SimpleStringEncoder} accepts. */
export type StringCharset = "utf-8" | "utf8" | "utf16le" | "latin1" | "ascii";

const CHARSETS: readonly string[] = ["utf-8", "utf8", "utf16le", "latin1", "ascii"];

/**
 * Writes each record as one line of text: strings as they are, numbers, bigints and booleans in
 * their usual text form, other objects with their own `toString()` through it and plain objects
 * and arrays as JSON. `null`, `undefined`, symbols and functions are refused.
 */
export class SimpleStringEncoder<IN = unknown> implements Encoder<IN> {
  /** The text encoding of the file. */
  readonly charset: StringCharset;

  /** An encoder writing `charset` text (UTF-8 by default). */
  constructor(charset: StringCharset = "utf-8") {
    if (!CHARSETS.includes(charset)) {
      throw new TypeError(
        `SimpleStringEncoder: unsupported charset '${String(charset)}' (use one of ${CHARSETS.join(", ")})`,
      );
    }
    this.charset = charset;
  }

  /** The record's text plus a newline. */
  encode(element: IN): string | Uint8Array {
    const line = recordText(element) + "\n";
    return this.charset === "utf-8" || this.charset === "utf8"
      ? line
      : Buffer.from(line, this.charset);
  }
}

/** The text form of one record; throws a TypeError for values that have none. */
function recordText(v: unknown): string {
  switch (typeof v) {
    case "string":
      return v;
    case "number":
    case "bigint":
    case "boolean":
      return String(v);
    case "object": {
      if (v === null) throw new TypeError("cannot encode null as a line of text");
      const own = (v as { toString?: unknown }).toString;
      if (typeof own === "function" && own !== Object.prototype.toString) {
        if (!Array.isArray(v)) return String(own.call(v));
      }
      const json = JSON.stringify(v);
      if (json === undefined) throw new TypeError("the object has no JSON form");
      return json;
    }
    default:
      throw new TypeError(`cannot encode a value of type ${typeof v} as a line of text`);
  }
}
