/**
 * Result rows as text lines for the SQL client's machine-readable formats: CSV (RFC 4180
 * quoting, NULL as an empty field, the empty string as `""`), JSON (one object per row, keyed by
 * column name) and changelog lines (`+I,1,a`: the row kind, then the CSV fields).
 */
import type { ResultColumn } from "../../table/api/table-result.ts";
import { ROW_KIND_NAMES } from "../../table/runtime/row.ts";
import { formatValue, toJsonValue } from "../../table/types/format.ts";

/** How values print: the session time zone (for TIMESTAMP_LTZ). */
export interface ValueOptions {
  readonly timeZone: string;
}

/** One CSV field (RFC 4180): quoted when it holds `,`, `"`, CR or LF, or is empty. */
export function csvField(text: string): string {
  if (text === "" || /[",\r\n]/.test(text)) return `"${text.replaceAll('"', '""')}"`;
  return text;
}

/** The CSV text of one value: empty for NULL, else the value as the SQL client prints it. */
export function csvValue(value: unknown, column: ResultColumn, options: ValueOptions): string {
  if (value === null || value === undefined) return "";
  return csvField(formatValue(value, column.type, { timeZone: options.timeZone }));
}

/** A CSV line (without the newline) of the field values `fields`. */
export function csvLine(
  fields: readonly unknown[],
  columns: readonly ResultColumn[],
  options: ValueOptions,
): string {
  return columns.map((c, i) => csvValue(fields[i], c, options)).join(",");
}

/** A JSON line (without the newline): an object of the field values keyed by column name. */
export function jsonLine(fields: readonly unknown[], columns: readonly ResultColumn[]): string {
  const out: Record<string, unknown> = {};
  columns.forEach((c, i) => {
    out[c.name] = toJsonValue(fields[i], c.type);
  });
  return JSON.stringify(out);
}

/** The short name of a row kind (`+I`, `-U`, `+U`, `-D`); throws for anything else. */
export function kindName(kind: unknown): string {
  const name = typeof kind === "number" ? ROW_KIND_NAMES[kind] : undefined;
  if (name === undefined) throw new Error(`not a row kind: ${String(kind)}`);
  return name;
}

/** A changelog line (without the newline) of a change row `[kind, ...fields]`: `+I,1,a`. */
export function changelogLine(
  row: readonly unknown[],
  columns: readonly ResultColumn[],
  options: ValueOptions,
): string {
  const fields = columns.map((c, i) => csvValue(row[i + 1], c, options));
  return [kindName(row[0]), ...fields].join(",");
}
