/**
 * Bucket assigners of the {@link FileSink}: each record goes to a bucket, a sub-directory of the
 * sink's base directory named by the assigner ("" is the base directory itself).
 */

/** What a {@link BucketAssigner} may look at besides the record. */
export interface BucketAssignerContext {
  /** Processing time from the job's injected clock, in ms. */
  currentProcessingTime(): number;
  /** Event timestamp of the record, or null. */
  timestamp(): number | null;
}

/** Chooses the bucket (relative sub-directory) of each record. */
export interface BucketAssigner<IN> {
  /** The record's bucket: a relative path ("" for the base directory), never containing "..". */
  getBucketId(element: IN, context: BucketAssignerContext): string;
}

/** Puts every record directly into the base directory. */
export class BasePathBucketAssigner<IN = unknown> implements BucketAssigner<IN> {
  /** Always "". */
  getBucketId(): string {
    return "";
  }
}

/** Time zones {@link DateTimeBucketAssigner} formats in. */
export type BucketTimeZone = "local" | "UTC";

/** The default bucket format of {@link DateTimeBucketAssigner}: one bucket per hour. */
export const DEFAULT_BUCKET_FORMAT = "yyyy-MM-dd--HH";

type Field = "y" | "M" | "d" | "H" | "m" | "s" | "S";
type Token = string | { field: Field; width: number };

/**
 * Buckets by the processing time at which a record is written, formatted with a date pattern
 * (default `yyyy-MM-dd--HH`). Pattern letters: `yyyy`/`yy` year, `MM` month, `dd` day, `HH` hour,
 * `mm` minute, `ss` second, `SSS` millisecond; text inside single quotes and any other non-letter
 * character is copied. Time comes from the job's clock; the zone is the local one unless "UTC".
 */
export class DateTimeBucketAssigner<IN = unknown> implements BucketAssigner<IN> {
  /** The date pattern. */
  readonly formatString: string;
  /** Zone the time is formatted in. */
  readonly timeZone: BucketTimeZone;
  private readonly tokens: Token[];

  /** An assigner formatting processing time with `formatString` in `timeZone`. */
  constructor(formatString: string = DEFAULT_BUCKET_FORMAT, timeZone: BucketTimeZone = "local") {
    if (timeZone !== "local" && timeZone !== "UTC") {
      throw new TypeError(
        `DateTimeBucketAssigner: time zone must be "local" or "UTC", got ${String(timeZone)}`,
      );
    }
    this.formatString = formatString;
    this.timeZone = timeZone;
    this.tokens = parsePattern(formatString);
  }

  /** The formatted processing time. */
  getBucketId(_element: IN, context: BucketAssignerContext): string {
    return this.format(context.currentProcessingTime());
  }

  /** Formats `epochMillis` with the assigner's pattern and zone. */
  format(epochMillis: number): string {
    const d = new Date(epochMillis);
    const utc = this.timeZone === "UTC";
    const values: Record<Field, number> = {
      y: utc ? d.getUTCFullYear() : d.getFullYear(),
      M: (utc ? d.getUTCMonth() : d.getMonth()) + 1,
      d: utc ? d.getUTCDate() : d.getDate(),
      H: utc ? d.getUTCHours() : d.getHours(),
      m: utc ? d.getUTCMinutes() : d.getMinutes(),
      s: utc ? d.getUTCSeconds() : d.getSeconds(),
      S: utc ? d.getUTCMilliseconds() : d.getMilliseconds(),
    };
    let out = "";
    for (const t of this.tokens) {
      if (typeof t === "string") out += t;
      else if (t.field === "y" && t.width === 2) out += String(values.y % 100).padStart(2, "0");
      else out += String(values[t.field]).padStart(t.width, "0");
    }
    return out;
  }
}

/** Splits a date pattern into literal text and fields; throws on unsupported letters. */
function parsePattern(pattern: string): Token[] {
  if (typeof pattern !== "string" || pattern === "") {
    throw new TypeError("DateTimeBucketAssigner: expected a non-empty date pattern");
  }
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end < 0) {
        throw new SyntaxError(`DateTimeBucketAssigner: unclosed quote in pattern '${pattern}'`);
      }
      tokens.push(end === i + 1 ? "'" : pattern.slice(i + 1, end));
      i = end + 1;
    } else if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (j < pattern.length && pattern[j] === c) j++;
      if (!"yMdHmsS".includes(c)) {
        throw new SyntaxError(
          `DateTimeBucketAssigner: unsupported pattern letter '${c}' in '${pattern}' (supported: y M d H m s S; quote literal text with ')`,
        );
      }
      tokens.push({ field: c as Field, width: j - i });
      i = j;
    } else {
      tokens.push(c);
      i++;
    }
  }
  return tokens;
}
