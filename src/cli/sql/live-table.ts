/**
 * The model of the interactive live table: a changelog applied change by change
 * ({@link MaterializedTable}) and the text of the result area for a terminal of a given size
 * ({@link renderLiveArea}). Both are pure; src/cli/sql/live-view.ts draws them.
 */
import type { ResultColumn } from "../../table/api/table-result.ts";
import { rowIdentity } from "../../table/runtime/value-keys.ts";
import { ROW_KIND_NAMES, type Row } from "../../table/runtime/row.ts";
import type { ValueOptions } from "./rows.ts";
import { cellRows, displayWidth, renderBox, truncate } from "./tableau.ts";

type Identity = ReturnType<typeof rowIdentity>;

/**
 * A changelog applied as it arrives: `+I`/`+U` add a row, `-U`/`-D` remove an equal one. Rows
 * keep their place on screen: new rows go to the end, and a `+U` right after a `-U` takes the
 * place of the row it updates (so a running aggregate does not jump around).
 */
export class MaterializedTable {
  /** Rows in display order; null where a row was removed (compacted now and then). */
  private slots: (unknown[] | null)[] = [];
  /** The slots of each distinct row. */
  private readonly byRow = new Map<Identity, number[]>();
  private rowCount = 0;
  private changeCount = 0;
  /** The slot the last change (a `-U`) emptied, for the `+U` that follows. */
  private freed: number | null = null;

  /** Applies a batch of changes `[kind, ...fields]`; throws for a retraction of a missing row. */
  apply(changes: readonly Row[]): void {
    for (const row of changes) {
      const kind = row[0];
      const id = rowIdentity(row);
      if (kind === 0 || kind === 2) {
        const slot = kind === 2 && this.freed !== null ? this.freed : this.slots.length;
        if (slot === this.slots.length) this.slots.push(row.slice(1));
        else this.slots[slot] = row.slice(1);
        const list = this.byRow.get(id);
        if (list === undefined) this.byRow.set(id, [slot]);
        else list.push(slot);
        this.rowCount++;
        this.freed = null;
      } else if (kind === 1 || kind === 3) {
        const list = this.byRow.get(id);
        if (list === undefined) {
          throw new Error(
            `change ${this.changeCount + 1} (${ROW_KIND_NAMES[kind]}) retracts a row that is not in the result`,
          );
        }
        const slot = list.pop()!;
        if (list.length === 0) this.byRow.delete(id);
        this.slots[slot] = null;
        this.rowCount--;
        this.freed = kind === 1 ? slot : null;
      } else {
        throw new Error(`change ${this.changeCount + 1} has no row kind: ${String(kind)}`);
      }
      this.changeCount++;
    }
    if (this.freed === null && this.slots.length > 64 && this.rowCount < this.slots.length / 2) {
      this.compact();
    }
  }

  /** Drops the empty slots, renumbering the rest. */
  private compact(): void {
    const renumber = new Map<number, number>();
    const kept: unknown[][] = [];
    this.slots.forEach((fields, i) => {
      if (fields === null) return;
      renumber.set(i, kept.length);
      kept.push(fields);
    });
    for (const list of this.byRow.values()) {
      for (let k = 0; k < list.length; k++) list[k] = renumber.get(list[k]!)!;
    }
    this.slots = kept;
  }

  /** The number of rows now. */
  get size(): number {
    return this.rowCount;
  }

  /** The number of changes applied. */
  get changes(): number {
    return this.changeCount;
  }

  /** The first `limit` rows' fields (all by default), in display order. */
  rows(limit = Infinity): unknown[][] {
    const out: unknown[][] = [];
    for (const fields of this.slots) {
      if (out.length >= limit) break;
      if (fields !== null) out.push(fields);
    }
    return out;
  }
}

/** The state of a live query. */
export type LiveStatus = "RUNNING" | "FINISHED" | "CANCELLED" | "FAILED";

/** What the result area shows. */
export interface LiveState {
  readonly columns: readonly ResultColumn[];
  readonly table: MaterializedTable;
  readonly status: LiveStatus;
  readonly values: ValueOptions;
}

/** A terminal's size in character cells. */
export interface TerminalSize {
  readonly columns: number;
  readonly rows: number;
}

/** The widest a live table's column gets while the query runs. */
const LIVE_MAX_COLUMN = 40;

/** The hint after the status of a running query, when the terminal is wide enough. */
const RUNNING_HINT = "  (Ctrl-C cancels)";

/** The status line: `rows: N, changes: M, status: RUNNING`. */
export function statusLine(state: LiveState): string {
  return `rows: ${state.table.size}, changes: ${state.table.changes}, status: ${state.status}`;
}

/**
 * The lines of the result area. With a `size`, the area fits it: at most `size.rows - 1` lines
 * (one line is left for the cursor), each cut to the terminal's width, rows that do not fit
 * summed up as `... N more rows`. Without a size (the final picture, which is never redrawn),
 * every row is shown.
 */
export function renderLiveArea(state: LiveState, size?: TerminalSize): string[] {
  const names = state.columns.map((c) => c.name);
  if (size === undefined) {
    const rows = cellRows(state.table.rows(), state.columns, state.values);
    return [...renderBox(names, rows), statusLine(state)];
  }
  // Box: 3 header lines + rows + 1 border; then the status line, maybe a "more rows" line.
  const room = Math.max(size.rows - 1 - 6, 1);
  const shown = state.table.rows(room);
  const rows = cellRows(shown, state.columns, state.values);
  const lines = renderBox(names, rows, LIVE_MAX_COLUMN);
  const hidden = state.table.size - shown.length;
  if (hidden > 0) lines.push(`... ${hidden} more ${hidden === 1 ? "row" : "rows"}`);
  const width = Math.max(size.columns - 1, 10);
  const status = statusLine(state);
  const hinted = state.status === "RUNNING" ? status + RUNNING_HINT : status;
  lines.push(displayWidth(hinted) <= width ? hinted : status);
  return lines.map((l) => truncate(l, width));
}
