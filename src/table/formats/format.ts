/**
 * The format contract: a format factory (`'format' = 'csv'` with `csv.*` options) turns one line
 * of text into the fields of a row and back. Connectors that read or write lines (the filesystem
 * connector) use a format; the place (file and line) is the connector's to add to an error.
 */
import { StromError } from "../../core/errors.ts";
import type { ConfigOption, ValidatedOptions } from "../connectors/options.ts";
import type { RowType } from "../types/logical-type.ts";

/** What a format works with. */
export interface FormatContext {
  /** The physical row type of the table. */
  readonly rowType: RowType;
  /** The physical fields a decoder returns, in order (default: all). */
  readonly projection?: readonly number[];
  /** The format's options, keys without the `<format>.` prefix. */
  readonly options: ValidatedOptions;
  /** The table, for messages. */
  readonly table: string;
}

/** Turns lines into row fields. */
export interface RowDecoder {
  /**
   * The fields of one line (the projected fields, in order), or null for a line that holds no
   * record (a comment). Throws a {@link FormatError} naming the field when the line is malformed.
   */
  decode(line: string): unknown[] | null;
  /** Whether malformed lines are to be skipped (`<format>.ignore-parse-errors`). */
  readonly ignoreParseErrors: boolean;
}

/** Turns row fields (all physical fields, in order) into a line (without its line break). */
export interface RowEncoder {
  /** The line of one row's fields. */
  encode(fields: readonly unknown[]): string;
}

/** A format, found by its identifier. */
export interface FormatFactory {
  /** The name used in `'format' = '...'`. */
  readonly identifier: string;
  /** Options that must be set (keys without the prefix). */
  readonly requiredOptions: readonly ConfigOption[];
  /** Options that may be set (keys without the prefix). */
  readonly optionalOptions: readonly ConfigOption[];
  /**
   * Checks the options and the column types at CREATE time; throws naming the option or the
   * column the format cannot handle.
   */
  validate?(rowType: RowType, options: ValidatedOptions, table: string): void;
  /** A decoder for the context. */
  createDecoder(ctx: FormatContext): RowDecoder;
  /** An encoder for the context. */
  createEncoder(ctx: FormatContext): RowEncoder;
}

/** A line could not be decoded or a value not encoded; the message names the field and why. */
export class FormatError extends StromError {}

/** The projection of a context: its own, or every field. */
export function projectionOf(ctx: FormatContext): readonly number[] {
  return ctx.projection ?? ctx.rowType.fields.map((_, i) => i);
}
