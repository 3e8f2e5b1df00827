/**
 * The `csv` format (Flink's options, one record per line): `csv.field-delimiter` (default `,`;
 * `\t` is a tab), `csv.quote-character` (default `"`, a quote inside a quoted field is doubled),
 * `csv.disable-quote-character`, `csv.escape-character`, `csv.allow-comments` (lines starting
 * with `#` are skipped), `csv.ignore-parse-errors`, `csv.null-literal` and
 * `csv.array-element-delimiter` (default `;`, for ARRAY columns).
 *
 * NULL: a field equal to the null literal, or an unquoted empty field, is NULL for every column
 * type; a quoted empty field `""` is the empty string. The writer follows the same rule, so
 * NULL and `''` round trip (Flink reads an unquoted empty STRING field as `''`). A line must
 * have exactly one field per column. Quoted fields may not span lines. MAP, MULTISET and ROW
 * columns have no CSV form and are refused when the table is created.
 */
import { booleanOption, stringOption } from "../connectors/options.ts";
import type { ValidatedOptions } from "../connectors/options.ts";
import type { LogicalType, RowType } from "../types/logical-type.ts";
import { typeToString } from "../types/type-print.ts";
import { hasTextForm, textConverter, valueToText, type TextConverter } from "./convert.ts";
import {
  FormatError,
  projectionOf,
  type FormatContext,
  type FormatFactory,
  type RowDecoder,
  type RowEncoder,
} from "./format.ts";

const FIELD_DELIMITER = stringOption("field-delimiter", "Field delimiter character.", ",");
const QUOTE_CHARACTER = stringOption("quote-character", "Quote character enclosing fields.", '"');
const DISABLE_QUOTE = booleanOption("disable-quote-character", "Disables quoting.", false);
const ESCAPE_CHARACTER = stringOption("escape-character", "Escape character (none by default).");
const ALLOW_COMMENTS = booleanOption("allow-comments", "Skips lines starting with '#'.", false);
const IGNORE_PARSE_ERRORS = booleanOption(
  "ignore-parse-errors",
  "Skips malformed lines (counted) instead of failing.",
  false,
);
const NULL_LITERAL = stringOption("null-literal", "A field equal to this text is NULL.");
const ARRAY_DELIMITER = stringOption(
  "array-element-delimiter",
  "Separates the elements of an ARRAY field.",
  ";",
);

/** Settings of a CSV reader or writer. */
interface CsvSettings {
  readonly delimiter: string;
  readonly quote: string | null;
  readonly escape: string | null;
  readonly allowComments: boolean;
  readonly ignoreParseErrors: boolean;
  readonly nullLiteral: string | null;
  readonly arrayDelimiter: string;
}

function singleChar(options: ValidatedOptions, key: string, value: string): string {
  const v = value === "\\t" ? "\t" : value;
  if ([...v].length !== 1) {
    throw new FormatError(`Option 'csv.${key}' must be a single character, got '${value}'`);
  }
  return v;
}

function settings(options: ValidatedOptions): CsvSettings {
  const quote = options.get(DISABLE_QUOTE)
    ? null
    : singleChar(options, QUOTE_CHARACTER.key, options.get(QUOTE_CHARACTER)!);
  const escape = options.get(ESCAPE_CHARACTER);
  return {
    delimiter: singleChar(options, FIELD_DELIMITER.key, options.get(FIELD_DELIMITER)!),
    quote,
    escape: escape === undefined ? null : singleChar(options, ESCAPE_CHARACTER.key, escape),
    allowComments: options.get(ALLOW_COMMENTS)!,
    ignoreParseErrors: options.get(IGNORE_PARSE_ERRORS)!,
    nullLiteral: options.get(NULL_LITERAL) ?? null,
    arrayDelimiter: options.get(ARRAY_DELIMITER)!,
  };
}

/** One field of a line: its text and whether it was quoted. */
interface RawField {
  text: string;
  quoted: boolean;
}

/** Splits a line into fields; throws a {@link FormatError} with the column of a quoting error. */
export function splitCsvLine(
  line: string,
  s: Pick<CsvSettings, "delimiter" | "quote" | "escape">,
): RawField[] {
  const fields: RawField[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    let text = "";
    let quoted = false;
    if (s.quote !== null && line[i] === s.quote) {
      quoted = true;
      const start = i++;
      for (;;) {
        if (i >= n)
          throw new FormatError(`unterminated quoted field starting at column ${start + 1}`);
        const c = line[i]!;
        if (s.escape !== null && c === s.escape && i + 1 < n) {
          text += line[i + 1];
          i += 2;
        } else if (c === s.quote) {
          if (line[i + 1] === s.quote) {
            text += c;
            i += 2;
          } else {
            i++;
            break;
          }
        } else {
          text += c;
          i++;
        }
      }
      if (i < n && line[i] !== s.delimiter) {
        throw new FormatError(`unexpected '${line[i]}' after the closing quote at column ${i + 1}`);
      }
    } else {
      while (i < n && line[i] !== s.delimiter) {
        const c = line[i]!;
        if (s.escape !== null && c === s.escape && i + 1 < n) {
          text += line[i + 1];
          i += 2;
        } else {
          text += c;
          i++;
        }
      }
    }
    fields.push({ text, quoted });
    if (i >= n) return fields;
    i++; // the delimiter
  }
}

function fieldConverter(type: LogicalType, s: CsvSettings): TextConverter {
  if (type.kind !== "ARRAY") return textConverter(type);
  const element = textConverter(type.element);
  return (text) =>
    text === ""
      ? []
      : text
          .split(s.arrayDelimiter)
          .map((e) => (e === s.nullLiteral || e === "" ? null : element(e)));
}

class CsvDecoder implements RowDecoder {
  readonly ignoreParseErrors: boolean;
  private readonly s: CsvSettings;
  private readonly rowType: RowType;
  private readonly projection: readonly number[];
  private readonly converters: TextConverter[];

  constructor(ctx: FormatContext) {
    this.s = settings(ctx.options);
    this.ignoreParseErrors = this.s.ignoreParseErrors;
    this.rowType = ctx.rowType;
    this.projection = projectionOf(ctx);
    this.converters = this.projection.map((i) =>
      fieldConverter(ctx.rowType.fields[i]!.type, this.s),
    );
  }

  decode(line: string): unknown[] | null {
    if (this.s.allowComments && line.startsWith("#")) return null;
    const raw = splitCsvLine(line, this.s);
    const expected = this.rowType.fields.length;
    if (raw.length !== expected) {
      throw new FormatError(`expected ${expected} field(s), found ${raw.length}`);
    }
    const out = new Array<unknown>(this.projection.length);
    for (let k = 0; k < this.projection.length; k++) {
      const i = this.projection[k]!;
      const f = raw[i]!;
      const field = this.rowType.fields[i]!;
      if ((!f.quoted && f.text === "") || f.text === this.s.nullLiteral) {
        if (!field.type.nullable) {
          throw new FormatError(
            `field '${field.name}': NULL for a column of type ${typeToString(field.type)}`,
          );
        }
        out[k] = null;
        continue;
      }
      try {
        out[k] = this.converters[k]!(f.text);
      } catch (e) {
        if (e instanceof FormatError) throw new FormatError(`field '${field.name}': ${e.message}`);
        throw e;
      }
    }
    return out;
  }
}

class CsvEncoder implements RowEncoder {
  private readonly s: CsvSettings;
  private readonly types: readonly LogicalType[];

  constructor(ctx: FormatContext) {
    this.s = settings(ctx.options);
    this.types = ctx.rowType.fields.map((f) => f.type);
  }

  private quote(text: string): string {
    const { quote, delimiter, escape } = this.s;
    const needs =
      text.includes(delimiter) ||
      text.includes("\n") ||
      text.includes("\r") ||
      (quote !== null && text.includes(quote)) ||
      (escape !== null && text.includes(escape)) ||
      text === "" ||
      text === this.s.nullLiteral;
    if (!needs) return text;
    if (quote === null) {
      throw new FormatError(
        `cannot write '${text.slice(0, 40)}' without quoting (csv.disable-quote-character is set)`,
      );
    }
    let body = text.split(quote).join(quote + quote);
    if (escape !== null) body = body.split(escape).join(escape + escape);
    return quote + body + quote;
  }

  private text(value: unknown, type: LogicalType): string {
    if (type.kind !== "ARRAY") return valueToText(value, type);
    return (value as unknown[])
      .map((e) => (e === null ? (this.s.nullLiteral ?? "") : valueToText(e, type.element)))
      .join(this.s.arrayDelimiter);
  }

  encode(fields: readonly unknown[]): string {
    let line = "";
    for (let i = 0; i < this.types.length; i++) {
      if (i > 0) line += this.s.delimiter;
      const v = fields[i];
      line +=
        v === null || v === undefined
          ? (this.s.nullLiteral ?? "")
          : this.quote(this.text(v, this.types[i]!));
    }
    return line;
  }
}

/** The `csv` format factory. */
export const CSV_FORMAT: FormatFactory = {
  identifier: "csv",
  requiredOptions: [],
  optionalOptions: [
    FIELD_DELIMITER,
    QUOTE_CHARACTER,
    DISABLE_QUOTE,
    ESCAPE_CHARACTER,
    ALLOW_COMMENTS,
    IGNORE_PARSE_ERRORS,
    NULL_LITERAL,
    ARRAY_DELIMITER,
  ],
  validate(rowType: RowType, options: ValidatedOptions, table: string): void {
    settings(options);
    for (const f of rowType.fields) {
      const t = f.type.kind === "ARRAY" ? f.type.element : f.type;
      if (!hasTextForm(t)) {
        throw new FormatError(
          `The csv format cannot hold column '${f.name}' of type ${typeToString(f.type)} in table '${table}': ` +
            `use the json format for nested types`,
        );
      }
    }
  },
  createDecoder: (ctx) => new CsvDecoder(ctx),
  createEncoder: (ctx) => new CsvEncoder(ctx),
};
