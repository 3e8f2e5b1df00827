/**
 * Flink's "tableau" result style: a `+---+` box with the column names, every value right-aligned
 * (NULL as `<NULL>`). A result known in full (batch mode, SHOW, DESCRIBE) sizes its columns to
 * its values and ends with `N rows in set`; a streaming changelog is printed change by change as
 * it arrives, so its columns are sized from their types up front (longer values end in `...`),
 * an `op` column shows each row's kind, and it ends with `Received a total of N rows`.
 */
import type { ResultColumn } from "../../table/api/table-result.ts";
import type { LogicalType } from "../../table/types/logical-type.ts";
import { formatValue } from "../../table/types/format.ts";
import { kindName, type ValueOptions } from "./rows.ts";

/** The widest column of a streaming table (Flink's `sql-client.display.max-column-width`). */
export const MAX_COLUMN_WIDTH = 30;

/** How many terminal cells `text` takes (one per code point). */
export function displayWidth(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** `text` cut to `width` cells, ending in `...` when it was longer. */
export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 3) return ".".repeat(Math.max(width, 0));
  return [...text].slice(0, width - 3).join("") + "...";
}

/** The table-cell text of a value (NULL as `<NULL>`). */
export function cellText(value: unknown, type: LogicalType, options: ValueOptions): string {
  return formatValue(value, type, { timeZone: options.timeZone });
}

/** The `+----+---+` line of columns of `widths`. */
export function borderLine(widths: readonly number[]): string {
  return "+" + widths.map((w) => "-".repeat(w + 2)).join("+") + "+";
}

/** One `| a | b |` line: each cell right-aligned in its width (cut with `...` if longer). */
export function cellLine(cells: readonly string[], widths: readonly number[]): string {
  const parts = cells.map((c, i) => {
    const w = widths[i]!;
    const t = truncate(c, w);
    return " ".repeat(w - displayWidth(t)) + t;
  });
  return "| " + parts.join(" | ") + " |";
}

/** The summary line under a complete result: `Empty set`, `1 row in set`, `N rows in set`. */
export function rowsInSet(count: number): string {
  if (count === 0) return "Empty set";
  return count === 1 ? "1 row in set" : `${count} rows in set`;
}

/**
 * The box of a complete result: column names and cell texts, each column as wide as its widest
 * text (at most `maxWidth` cells, default unlimited). Returns the lines without newlines; an
 * empty result gives no lines (Flink prints only `Empty set`).
 */
export function renderBox(
  names: readonly string[],
  rows: readonly (readonly string[])[],
  maxWidth = Infinity,
): string[] {
  if (rows.length === 0) return [];
  const widths = names.map((n, i) => {
    let w = displayWidth(n);
    for (const r of rows) w = Math.max(w, displayWidth(r[i]!));
    return Math.min(w, maxWidth);
  });
  const border = borderLine(widths);
  return [border, cellLine(names, widths), border, ...rows.map((r) => cellLine(r, widths)), border];
}

/** The cell texts of field rows (no kinds). */
export function cellRows(
  rows: readonly (readonly unknown[])[],
  columns: readonly ResultColumn[],
  options: ValueOptions,
): string[][] {
  return rows.map((r) => columns.map((c, i) => cellText(r[i], c.type, options)));
}

/** How many cells a value of `type` may need in its text form, before the column cap. */
function typeWidth(type: LogicalType): number {
  switch (type.kind) {
    case "BOOLEAN":
      return 5;
    case "TINYINT":
      return 4;
    case "SMALLINT":
      return 6;
    case "INT":
      return 11;
    case "BIGINT":
      return 20;
    case "FLOAT":
      return 15;
    case "DOUBLE":
      return 24;
    case "DECIMAL":
      return type.precision + 2;
    case "DATE":
      return 10;
    case "TIME":
      return 8 + (type.precision > 0 ? type.precision + 1 : 0);
    case "TIMESTAMP":
    case "TIMESTAMP_LTZ":
      return 19 + (type.precision > 0 ? type.precision + 1 : 0);
    case "CHAR":
    case "VARCHAR":
      return type.length;
    case "BINARY":
    case "VARBINARY":
      return 2 * type.length + 3;
    case "NULL":
      return 6;
    default:
      return MAX_COLUMN_WIDTH;
  }
}

/** The width of a streaming table's column: its type's width, capped, and at least its name. */
export function streamingWidth(column: ResultColumn): number {
  const byType = Math.min(typeWidth(column.type), MAX_COLUMN_WIDTH);
  const nullText = column.type.nullable ? 6 : 0;
  return Math.max(byType, nullText, displayWidth(column.name));
}

/**
 * A streaming changelog printed as a table, change by change: {@link header} once, then
 * {@link line} per change, then {@link footer}.
 */
export class StreamingTableau {
  private readonly columns: readonly ResultColumn[];
  private readonly widths: readonly number[];
  private readonly options: ValueOptions;

  /** A table of `columns` with an `op` column first. */
  constructor(columns: readonly ResultColumn[], options: ValueOptions) {
    this.columns = columns;
    this.options = options;
    this.widths = [2, ...columns.map(streamingWidth)];
  }

  /** The border, the column names and the border. */
  header(): string[] {
    const border = borderLine(this.widths);
    return [border, cellLine(["op", ...this.columns.map((c) => c.name)], this.widths), border];
  }

  /** The line of one change `[kind, ...fields]`. */
  line(change: readonly unknown[]): string {
    const cells = this.columns.map((c, i) => cellText(change[i + 1], c.type, this.options));
    return cellLine([kindName(change[0]), ...cells], this.widths);
  }

  /** The closing border (when rows were printed) and `Received a total of N rows`. */
  footer(total: number): string[] {
    const tail = `Received a total of ${total} ${total === 1 ? "row" : "rows"}`;
    return total === 0 ? ["Empty set"] : [borderLine(this.widths), tail];
  }
}
